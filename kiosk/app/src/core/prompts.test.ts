import type { FormDefinition } from '@onewindow/shared/forms.ts';
import type { KioskIssueResult } from '@onewindow/shared/kiosk.ts';
import { describe, expect, it } from 'vitest';
import { initialValues } from './form.ts';
import { personFromCard, personFromTyped } from './person.ts';
import { promptFor } from './prompts.ts';
import { initialKioskState, type KioskState } from './store.ts';

const result: KioskIssueResult = {
  ticket: {
    id: 't1',
    number: 'A012',
    categoryId: 'A',
    categoryName: '综合业务',
    itemCode: 'X',
    itemName: '企业职工参保登记',
    status: 'waiting',
    priorityClass: 'regular',
    holderMasked: null,
    issuedAt: 0,
    ahead: 4,
    estimateMinutes: 10,
    estimateRange: { low: 7, high: 16 },
    windowNumber: null,
    statusUrl: '/t/20261126-A012',
  },
  existing: false,
  print: { jobId: 'j1' },
  application: null,
  priorityNoteZh: null,
};

describe('spoken prompts', () => {
  const ticket = (print: KioskState['print']): KioskState => ({
    ...initialKioskState,
    screen: 'ticket',
    result: { via: 'issue', data: result },
    print,
  });

  it('reads the number as halls do and says what to do with the slip', () => {
    expect(promptFor(ticket({ status: 'pending', jobId: 'j1' }))).toBe('您的号码是A零幺二，前面还有4人。');
    expect(promptFor(ticket({ status: 'printed', jobId: 'j1' }))).toContain('请取走号票');
    const failed = promptFor(ticket({ status: 'failed', reason: 'paper out' }));
    expect(failed).toContain('拍下');
    expect(failed).toContain('咨询台');
  });

  it('tells a senior they go first, and a message overrides the step prompt', () => {
    const person = personFromTyped('11010519491231002X', '2026-11-26', 60)!;
    const s: KioskState = { ...initialKioskState, screen: 'categories', person };
    expect(promptFor(s)).toContain('年满60周岁');
    expect(promptFor({ ...s, message: '证件号码有误' })).toBe('证件号码有误');
  });

  it('KSK-13 speaks English in English mode: the item and materials by their English names, plurals right', () => {
    const en = (s: KioskState): string => promptFor({ ...s, lang: 'en' });
    expect(en(ticket({ status: 'pending', jobId: 'j1' }))).toBe(
      'Your number is A012, 4 people ahead of you.',
    );
    const one = { ...result, ticket: { ...result.ticket, ahead: 1 } };
    expect(en({ ...ticket({ status: 'printed', jobId: 'j1' }), result: { via: 'issue', data: one } })).toBe(
      'Your number is A012, 1 person ahead of you. Please take your ticket.',
    );
    const guide: KioskState = {
      ...initialKioskState,
      screen: 'guide',
      itemCode: 'U',
      catalog: [
        {
          code: 'U',
          implCode: null,
          name: '失业保险金申领',
          nameEn: 'Claiming unemployment benefit',
          kind: 'time-limited',
          categoryId: 'A',
          timeLimit: { text: '', days: null, unit: null },
          channels: ['窗口'],
          verified: false,
          source: null,
          guide: {
            scope: 's',
            caseType: 'promised',
            channels: ['窗口'],
            visitsOnSite: 1,
            legalBasis: [],
            conditions: [],
            materials: [
              {
                name: '解除或终止劳动关系证明',
                nameEn: 'Proof that your employment ended',
                form: '原件',
                copies: 1,
                required: true,
                commonlyMissing: true,
              },
            ],
            steps: ['s'],
            fee: '不收费',
            result: 'r',
            delivery: ['窗口领取'],
            addressAndHours: 'a',
            consultation: 'c',
            progressQuery: 'p',
            complaint: 'c',
          },
        },
      ],
    };
    const said = en(guide);
    expect(said).toContain('Claiming unemployment benefit');
    expect(said).toContain('Proof that your employment ended');
    expect(said).not.toMatch(/\p{Script=Han}/u);
    expect(en({ ...initialKioskState, screen: 'lookup', lookup: [result.ticket] })).toBe(
      'You have 1 ticket today: see the screen.',
    );
  });
});

describe('form prefill', () => {
  const def: FormDefinition = {
    title: 't',
    titleEn: 't',
    fields: [
      { key: 'name', label: '姓名', labelEn: 'Name', kind: 'card', required: true, prefill: 'name' },
      {
        key: 'sex',
        label: '性别',
        labelEn: 'Sex',
        kind: 'choice',
        required: true,
        prefill: 'sex',
        options: [
          { value: 'M', label: '男', labelEn: 'Male' },
          { value: 'F', label: '女', labelEn: 'Female' },
        ],
      },
      { key: 'phone', label: '电话', labelEn: 'Phone', kind: 'phone', required: true },
    ],
  };

  it("fills card fields and matches the card's 女 to the form's option", () => {
    const p = personFromCard(
      {
        source: 'resident-id',
        idNumber: '11010519491231002X',
        name: '张秀三',
        sex: '女',
        birthDate: null,
        address: null,
      },
      '2026-11-26',
      60,
    );
    expect(initialValues(def, p)).toEqual({ name: '张秀三', sex: 'F' });
    expect(initialValues(def, null)).toEqual({});
  });
});
