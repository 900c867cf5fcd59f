import type { ServiceItem, SlipRequest } from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from './calendar.ts';
import {
  acceptanceDeadline,
  buildSlipDocument,
  documentNumber,
  remedyText,
  type SlipContext,
} from './slips.ts';

const item: ServiceItem = {
  code: '512B0068100002',
  implCode: null,
  name: '职工基本养老保险个人账户一次性待遇申领',
  kind: 'time-limited',
  categoryId: 'A',
  timeLimit: { text: '15工作日', days: 15, unit: 'working' },
  channels: ['窗口'],
  verified: true,
  source: null,
  guide: {
    scope: 's',
    caseType: 'promised',
    channels: ['窗口'],
    visitsOnSite: 1,
    legalBasis: [],
    conditions: [],
    materials: [
      { name: '居民身份证', form: '原件', copies: 1, required: true },
      { name: '死亡证明', form: '复印件', copies: 1, required: true },
      { name: '户口本', form: '原件及复印件', copies: 1, required: false },
      { name: '参保证明', form: '电子', copies: 0, required: true, sharedData: true },
    ],
    steps: ['受理'],
    fee: '不收费',
    result: '业务回单',
    delivery: ['窗口领取'],
    addressAndHours: 'a',
    consultation: 'c',
    progressQuery: '拨打12333查询',
    complaint: 'x',
  },
};

const ctx = (request: Partial<SlipRequest> & Pick<SlipRequest, 'kind'>): SlipContext => ({
  request: { ticketId: '20260930-A001', applicantName: '张三丰', print: false, ...request },
  ticket: { id: '20260930-A001', number: 'A001', businessDay: '2026-09-30', finishedAt: null },
  item,
  hall: { hallName: '示范大厅', hallPhone: '12333', agencyName: '示范社保局', utcOffsetMinutes: 480 },
  clerk: { name: '李四', staffNo: 'G001' },
  windowName: '3号窗口',
  documentNumber: 'SL202609300001',
  today: '2026-09-30',
  now: Date.UTC(2026, 8, 30, 2),
  calendar: new WorkingCalendar(),
});

describe('slip documents (SPEC SLP-3)', () => {
  it('numbers documents by kind, day and daily sequence', () => {
    expect(documentNumber('acceptance', '2026-11-26', 7)).toBe('SL202611260007');
    expect(documentNumber('completion', '2026-11-26', 12)).toBe('HD202611260012');
    expect(documentNumber('rejection', '2026-11-26', 1)).toBe('BY202611260001');
    expect(documentNumber('supplement', '2026-11-26', 10000)).toBe('BZ2026112610000');
  });

  it('an acceptance receipt has the working-day deadline across 国庆 and the received materials', () => {
    const r = buildSlipDocument(ctx({ kind: 'acceptance', contactPhone: '13812345678' }));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.document.type).toBe('acceptance-receipt');
    // 15 working days after 09-30: 10-08,09,10(调休),12..16,19..23,26,27 → 10-27.
    expect(r.deadline).toEqual({ workingDays: 15, date: '2026-10-27' });
    expect(r.document.data).toMatchObject({
      documentNumber: 'SL202609300001',
      applicantName: '张三丰',
      contactPhone: '13812345678',
      appliedOn: '2026-09-30',
      acceptedOn: '2026-09-30',
      deadline: { workingDays: 15, date: '2026-10-27' },
      progressQuery: '拨打12333查询',
      clerk: { name: '李四', staffNo: 'G001' },
    });
    // Required materials the hall does not fetch itself: not the optional 户口本, not the shared 参保证明.
    expect(r.document.type === 'acceptance-receipt' && r.document.data.materials.map((m) => m.name)).toEqual([
      '居民身份证',
      '死亡证明',
    ]);
  });

  it('a supplement notice lists exactly the picked materials with their form; unknown names are issues', () => {
    const r = buildSlipDocument(ctx({ kind: 'supplement', missingMaterials: ['户口本', '死亡证明'] }));
    if (!r.ok) throw new Error('refused');
    expect(r.document.data).toMatchObject({
      missing: [
        { name: '户口本', form: '原件及复印件', copies: 1 },
        { name: '死亡证明', form: '复印件', copies: 1 },
      ],
      notifiedOn: '2026-09-30',
      agencyName: '示范社保局',
    });
    const bad = buildSlipDocument(
      ctx({ kind: 'supplement', missingMaterials: ['户口本', '结婚证', '护照'] }),
    );
    expect(bad).toEqual({
      ok: false,
      issues: [
        { path: 'missingMaterials.1', message: '"结婚证" is not a material of item 512B0068100002' },
        { path: 'missingMaterials.2', message: '"护照" is not a material of item 512B0068100002' },
      ],
    });
  });

  it('a rejection notice carries the reasons and the 60-day / 6-month remedy', () => {
    const r = buildSlipDocument(ctx({ kind: 'rejection', reasons: ['不属于本机构职权范围'] }));
    if (!r.ok) throw new Error('refused');
    expect(r.document.data).toMatchObject({ reasons: ['不属于本机构职权范围'], decidedOn: '2026-09-30' });
    expect(remedyText()).toContain('六十日内');
    expect(remedyText()).toContain('六个月内');
    expect(r.document.type === 'rejection-notice' && r.document.data.remedy).toBe(remedyText());
  });

  it('a completion slip defaults its result and stamps the finish time', () => {
    const r = buildSlipDocument(ctx({ kind: 'completion' }));
    if (!r.ok) throw new Error('refused');
    expect(r.document.data).toMatchObject({ result: '已办结', windowName: '3号窗口', ticketNumber: 'A001' });
  });
});

describe('acceptance deadlines by the item limit (SPEC SLP-4)', () => {
  const cal = new WorkingCalendar();
  it('working days as published; calendar days end on a working day; unknown → 20 working days', () => {
    expect(acceptanceDeadline(item, '2026-09-30', cal)).toEqual({ workingDays: 15, date: '2026-10-27' });
    // 15 calendar days after 09-20 is 10-05 (国庆) → 10-08; working days in between: 09-21..24, 28..30, 10-08 = 8.
    expect(
      acceptanceDeadline({ timeLimit: { text: '15日', days: 15, unit: 'calendar' } }, '2026-09-20', cal),
    ).toEqual({ workingDays: 8, date: '2026-10-08' });
    expect(
      acceptanceDeadline({ timeLimit: { text: '未证实', days: null, unit: null } }, '2026-11-26', cal),
    ).toEqual({
      workingDays: 20,
      date: '2026-12-24',
    });
  });
});
