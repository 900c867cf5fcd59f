import { describe, expect, it } from 'vitest';
import { PRINT_DOCUMENT_TYPES } from './devices.ts';
import { type PrintDocument, printDocumentSchema } from './print.ts';
import { printJobRequestSchema } from './protocol.ts';

const HALL = { hallName: '示范区社会保险经办服务大厅', hallPhone: '12333' };
const CLERK = { name: '李四', staffNo: 'G001' };
const ITEM = { itemName: '职工基本养老保险个人账户一次性待遇申领', itemCode: '512B0068100002' };

/** The five documents as the server builds them today (kiosk.routes.ts printTicket, slips.ts buildSlipDocument). */
function serverDocuments(): Record<PrintDocument['type'], PrintDocument> {
  return {
    'queue-ticket': {
      type: 'queue-ticket',
      data: {
        ...HALL,
        businessName: '综合业务',
        businessNameEn: 'General services',
        itemName: '企业职工参保登记',
        priorityNote: '您已年满60周岁，享受老年人优先',
        number: 'A001',
        peopleAhead: 0,
        estimatedWaitMinutes: 7.5,
        takenAt: Date.UTC(2026, 10, 26, 1, 0),
        utcOffsetMinutes: 480,
        ticketId: '20261126-A001',
        statusBaseUrl: 'http://127.0.0.1:8080',
        english: true,
        application: {
          code: 'F261126-A001',
          title: '参保登记表',
          lines: ['姓名：张*丰', '手机：138****5678'],
        },
      },
    },
    'completion-slip': {
      type: 'completion-slip',
      data: {
        ...HALL,
        documentNumber: 'HD202609300001',
        ...ITEM,
        applicantName: '张三丰',
        ticketNumber: 'A001',
        windowName: '3号窗口',
        clerk: CLERK,
        completedAt: Date.UTC(2026, 8, 30, 2),
        utcOffsetMinutes: 480,
        result: '已办结',
      },
    },
    'acceptance-receipt': {
      type: 'acceptance-receipt',
      data: {
        ...HALL,
        documentNumber: 'SL202609300001',
        applicantName: '张三丰',
        contactPhone: '13812345678',
        ...ITEM,
        appliedOn: '2026-09-30',
        acceptedOn: '2026-09-30',
        materials: [
          { name: '居民身份证', form: '原件', copies: 1 },
          { name: '参保证明', form: '电子', copies: 0 },
        ],
        clerk: CLERK,
        deadline: { workingDays: 15, date: '2026-10-27' },
        progressQuery: '拨打12333查询',
      },
    },
    'rejection-notice': {
      type: 'rejection-notice',
      data: {
        ...HALL,
        agencyName: '示范社保局',
        documentNumber: 'BY202609300001',
        applicantName: '张三丰',
        ...ITEM,
        appliedOn: '2026-09-30',
        decidedOn: '2026-09-30',
        reasons: ['不属于本机构职权范围'],
        legalBasis: ['《社会保险法》第七十三条'],
        clerk: CLERK,
        remedy:
          '如对本决定不服，可以自收到本告知单之日起六十日内依法向有关行政复议机关申请行政复议，' +
          '也可以自收到本告知单之日起六个月内依法向人民法院提起行政诉讼。',
      },
    },
    'supplement-notice': {
      type: 'supplement-notice',
      data: {
        ...HALL,
        agencyName: '示范社保局',
        documentNumber: 'BZ202609300001',
        applicantName: '张三丰',
        ...ITEM,
        appliedOn: '2026-09-30',
        notifiedOn: '2026-09-30',
        missing: [
          { name: '户口本', form: '原件及复印件', copies: 1 },
          { name: '死亡证明', form: '复印件', copies: 1, requirement: '医疗机构出具' },
        ],
        clerk: CLERK,
      },
    },
  };
}

/** A server document with its data changed by `edit` (a deep copy: the fixtures stay intact). */
function withData(type: PrintDocument['type'], edit: (data: Record<string, unknown>) => void): unknown {
  const doc = structuredClone(serverDocuments()[type]) as { type: string; data: Record<string, unknown> };
  edit(doc.data);
  return doc;
}

const pathsOf = (input: unknown): string[] => {
  const r = printDocumentSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

describe('the print contract (printDocumentSchema)', () => {
  it('has a schema for every document type a print job may carry', () => {
    expect(printDocumentSchema.options.map((o) => o.shape.type.value).sort()).toEqual(
      [...PRINT_DOCUMENT_TYPES].sort(),
    );
  });

  it.each(PRINT_DOCUMENT_TYPES)('accepts the %s the server builds, unchanged', (type) => {
    const doc = serverDocuments()[type];
    expect(printDocumentSchema.parse(structuredClone(doc))).toEqual(doc);
  });

  it('accepts the optional fields left out, and an unknown wait', () => {
    const bare = withData('queue-ticket', (d) => {
      for (const k of ['businessNameEn', 'itemName', 'priorityNote', 'english', 'application']) delete d[k];
      d.estimatedWaitMinutes = null;
    });
    expect(pathsOf(bare)).toEqual([]);
    expect(pathsOf(withData('acceptance-receipt', (d) => (d.materials = [])))).toEqual([]);
    expect(pathsOf(withData('rejection-notice', (d) => delete d.remedy))).toEqual([]);
  });

  it('drops unknown fields instead of refusing them (an agent a version behind still prints)', () => {
    const doc = withData('completion-slip', (d) => (d.printedBy = 'a newer server'));
    const parsed = printDocumentSchema.parse(doc);
    expect(parsed.data).not.toHaveProperty('printedBy');
  });

  it.each([
    ['an unknown document type', { type: 'poster', data: {} }, ['type']],
    ['a missing hall phone', withData('queue-ticket', (d) => delete d.hallPhone), ['data.hallPhone']],
    [
      'a fractional queue position',
      withData('queue-ticket', (d) => (d.peopleAhead = 2.5)),
      ['data.peopleAhead'],
    ],
    [
      'a number too long for one line',
      withData('queue-ticket', (d) => (d.number = 'A'.repeat(13))),
      ['data.number'],
    ],
    [
      'a status page that is not http(s)',
      withData('queue-ticket', (d) => (d.statusBaseUrl = 'hall.example.cn')),
      ['data.statusBaseUrl'],
    ],
    [
      'a form code QR with spaces',
      withData('queue-ticket', (d) => ((d.application as { code: string }).code = 'F 1')),
      ['data.application.code'],
    ],
    [
      'a date that does not exist',
      withData('acceptance-receipt', (d) => ((d.deadline as { date: string }).date = '2026-02-30')),
      ['data.deadline.date'],
    ],
    [
      'a material form outside the guide’s',
      withData('acceptance-receipt', (d) => ((d.materials as { form: string }[])[1]!.form = '扫描件')),
      ['data.materials.1.form'],
    ],
    [
      'a contact phone that is not one',
      withData('acceptance-receipt', (d) => (d.contactPhone = '请来电')),
      ['data.contactPhone'],
    ],
    ['a rejection without reasons', withData('rejection-notice', (d) => (d.reasons = [])), ['data.reasons']],
    ['a blank reason', withData('rejection-notice', (d) => (d.reasons = ['  '])), ['data.reasons.0']],
    [
      'a supplement with nothing missing',
      withData('supplement-notice', (d) => (d.missing = [])),
      ['data.missing'],
    ],
    [
      'negative copies',
      withData('supplement-notice', (d) => ((d.missing as { copies: number }[])[0]!.copies = -1)),
      ['data.missing.0.copies'],
    ],
    [
      'a clerk without 工号',
      withData('completion-slip', (d) => (d.clerk = { name: '李四' })),
      ['data.clerk.staffNo'],
    ],
    [
      'a finish time in seconds as text',
      withData('completion-slip', (d) => (d.completedAt = '1790000000')),
      ['data.completedAt'],
    ],
    [
      'an applicant name too long for the slip',
      withData('completion-slip', (d) => (d.applicantName = '张'.repeat(61))),
      ['data.applicantName'],
    ],
    [
      'a slip carrying another slip’s data',
      { type: 'completion-slip', data: serverDocuments()['supplement-notice'].data },
      ['data.windowName', 'data.completedAt', 'data.utcOffsetMinutes', 'data.result'],
    ],
  ])('refuses %s, naming the field', (_what, input, paths) => {
    expect(pathsOf(input)).toEqual(expect.arrayContaining(paths));
    expect(pathsOf(input)).toHaveLength(paths.length);
  });

  it('refuses extra keys beside type and data', () => {
    expect(pathsOf({ ...serverDocuments()['queue-ticket'], printer: 'w1' })).toEqual(['']);
  });
});

describe('POST /api/print-jobs body (printJobRequestSchema)', () => {
  it('takes a document of the contract and refuses a malformed one with the path from the body', () => {
    expect(
      printJobRequestSchema.safeParse({ windowId: 'w3', document: serverDocuments()['rejection-notice'] })
        .success,
    ).toBe(true);
    const r = printJobRequestSchema.safeParse({
      windowId: 'w3',
      document: withData('acceptance-receipt', (d) => delete d.deadline),
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['document.data.deadline']);
  });
});
