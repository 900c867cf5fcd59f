import {
  ARCHIVE_FACT_TYPES,
  CASE_FACT_TYPES,
  type CaseRecord,
  COMPLAINT_FACT_TYPES,
  DEFAULT_RISK_LIST,
  DEFAULT_RISK_RULES,
  type EventBody,
  type EventType,
  FOLLOW_UP_FACT_TYPES,
  type HallEvent,
  RECON_FACT_TYPES,
  RECORD_FACT_TYPES,
  REGION_FACT_TYPES,
  RISK_FACT_TYPES,
  type Ticket,
} from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import { hallConfig, idBornOn } from '../domain/test-factory.ts';
import { FREE_TEXT_FIELDS } from '../security/codec.ts';
import { stripFact, WITHHELD_KEYS } from './strip.ts';

/** Personal data planted wherever a fact can carry it; none of it may leave (RGN-REP-1). */
const ID = idBornOn('19500307', '123');
const NAME = '张三丰';
const PHONE = '13812345678';
const TEXT = `${NAME}说${PHONE}明天来，身份证${ID}`;
const MASKED = `${ID.slice(0, 6)}********${ID.slice(-4)}`;
const REF = 'hr-7f3a9c2e5b1d';
const CONTACT = '张* 138****5678';
const PLANTED = [ID, NAME, PHONE, MASKED, REF, CONTACT, '138****5678'];

const ticket: Ticket = {
  id: '20261126-A001',
  number: 'A001',
  categoryId: 'A',
  businessDay: '2026-11-26',
  seq: 1,
  itemCode: '512B0070200003',
  source: 'kiosk',
  status: 'cancelled',
  priorityClass: 'senior',
  holder: { masked: MASKED, senior: true, ref: REF },
  arrivedAt: 1,
  orderKey: 1,
  tieBreak: 1,
  front: { at: 2, by: 'guide-1', reason: TEXT },
  pinnedWindowId: null,
  requiredPost: null,
  windowId: 'w1',
  callCount: 1,
  calledAt: 2,
  servingAt: null,
  finishedAt: null,
  misses: 0,
  outcome: null,
  cancelReason: TEXT,
  servedBy: 'clerk-1',
  rating: { level: 5, reasons: ['attitude'], channel: 'pad', at: 3 },
};
const record: CaseRecord = {
  id: 'SL20261126001',
  ticketId: ticket.id,
  ticketNumber: 'A001',
  itemCode: '512B0068100002',
  itemName: '养老保险关系转移',
  reviewLevels: 1,
  acceptedBy: 'clerk-1',
  acceptedAt: 1,
  deadline: '2026-12-03',
  workingDays: 5,
  status: 'accepted',
  intake: ['clerk-1'],
  reviewers: [],
  recheckedBy: null,
  materials: [{ name: '身份证', required: true, status: 'waived', pages: [], reason: TEXT }],
  missing: [],
  history: [{ seq: 1, at: 1, by: 'clerk-1', step: 'case:accepted', to: 'accepted', note: TEXT }],
  staff: { 'clerk-1': { name: NAME, staffNumber: 'A01' } },
};
const caseBase = { caseId: record.id, by: 'reviewer-1', note: TEXT };
const grant = { ruleId: 'R-SOD', riskCode: 'CZ-01', actorId: 'clerk-1', supervisorId: 'mgr-1', reason: TEXT };

/**
 * One fact of every type the hall writes, each with personal data planted in every field that can
 * carry some. The mapped type makes this list the union itself: a new fact type does not compile
 * until it has a sample here, so nothing leaves the hall unexamined.
 */
const SAMPLES: { [T in EventType]: Extract<EventBody, { type: T }> } = {
  'hall:configured': { type: 'hall:configured', config: hallConfig(), by: 'admin' },
  'ticket:issued': { type: 'ticket:issued', ticket },
  'window:opened': { type: 'window:opened', windowId: 'w1', clerkId: 'clerk-1' },
  'window:closed': { type: 'window:closed', windowId: 'w1' },
  'window:paused': { type: 'window:paused', windowId: 'w1', reason: 'lunch' },
  'window:resumed': { type: 'window:resumed', windowId: 'w1' },
  'ticket:called': { type: 'ticket:called', ticketId: ticket.id, windowId: 'w1', priorityStreak: 0 },
  'ticket:recalled': { type: 'ticket:recalled', ticketId: ticket.id, windowId: 'w1' },
  'ticket:serving': { type: 'ticket:serving', ticketId: ticket.id, windowId: 'w1' },
  'ticket:no-show': { type: 'ticket:no-show', ticketId: ticket.id, windowId: 'w1' },
  'ticket:finished': { type: 'ticket:finished', ticketId: ticket.id, windowId: 'w1', outcome: 'accepted' },
  'ticket:parked': { type: 'ticket:parked', ticketId: ticket.id, windowId: 'w1', note: TEXT },
  'ticket:resumed': { type: 'ticket:resumed', ticketId: ticket.id, windowId: 'w1' },
  'ticket:reinstated': {
    type: 'ticket:reinstated',
    ticketId: ticket.id,
    orderKey: 1,
    tieBreak: 1,
    by: 'guide-1',
  },
  'ticket:transferred': {
    type: 'ticket:transferred',
    ticketId: ticket.id,
    fromWindowId: 'w1',
    categoryId: 'C',
    requiredPost: null,
    pinnedWindowId: null,
    by: 'clerk-1',
    note: TEXT,
  },
  'ticket:cancelled': { type: 'ticket:cancelled', ticketId: ticket.id, by: 'guide-1', reason: TEXT },
  'ticket:confirmed': { type: 'ticket:confirmed', ticketId: ticket.id, by: 'guide-1' },
  'ticket:rated': {
    type: 'ticket:rated',
    ticketId: ticket.id,
    windowId: 'w1',
    servedBy: 'clerk-1',
    level: 1,
    reasons: ['waiting'],
    channel: 'online',
    // MOB-RATE-4: the citizen's words from the rating page stay in the hall.
    comment: TEXT,
  },
  'ticket:priority-overridden': {
    type: 'ticket:priority-overridden',
    ticketId: ticket.id,
    action: { kind: 'front' },
    orderKey: 0,
    note: { at: 1, by: 'guide-1', reason: TEXT },
  },
  'day:closed': {
    type: 'day:closed',
    businessDay: '2026-11-26',
    settledTicketIds: [ticket.id],
    closeWindows: true,
    by: 'system',
    reason: TEXT,
  },
  'slip:issued': {
    type: 'slip:issued',
    number: 'SL20261126001',
    kind: 'acceptance',
    ticketId: ticket.id,
    caseId: record.id,
    itemCode: record.itemCode,
    windowId: 'w1',
    by: 'clerk-1',
    printedOn: null,
    printJobId: null,
  },
  'slip:reprinted': {
    type: 'slip:reprinted',
    number: 'SL20261126001',
    ticketId: ticket.id,
    by: 'clerk-1',
    printedOn: null,
    printJobId: null,
  },
  'application:submitted': {
    type: 'application:submitted',
    applicationId: 'app-1',
    code: 'F261126-A001',
    ticketId: ticket.id,
    itemCode: ticket.itemCode as string,
    deviceId: 'd-1',
    formTitle: '社会保障卡申领登记表',
  },
  'booking:configured': {
    type: 'booking:configured',
    config: {
      enabled: true,
      daysAhead: 5,
      minLeadMinutes: 30,
      cancelBeforeMinutes: 120,
      reminderMinutesBefore: 1440,
      noShow: { limit: 3, periodDays: 90, banDays: 30 },
      lines: [{ categoryId: 'A', itemCode: null, from: '09:00', to: '11:30', capacity: 4 }],
    },
    by: 'admin',
  },
  'booking:made': {
    type: 'booking:made',
    bookingCode: 'YABCDEFG',
    businessDay: '2026-11-26',
    categoryId: 'A',
    itemCode: ticket.itemCode as string,
    slotStart: 1,
    slotEnd: 2,
  },
  'booking:cancelled': { type: 'booking:cancelled', bookingCode: 'YABCDEFG', by: 'citizen' },
  'booking:no-shows': { type: 'booking:no-shows', bookingCodes: ['YABCDEFG'] },
  'booking:reminded': { type: 'booking:reminded', bookingCodes: ['YABCDEFG'] },
  'draft:submitted': {
    type: 'draft:submitted',
    draftId: 'd-1',
    code: 'WABCDEFG',
    itemCode: ticket.itemCode as string,
    formTitle: '社会保障卡申领登记表',
    precheck: 'pending',
  },
  'draft:prechecked': {
    type: 'draft:prechecked',
    draftId: 'd-1',
    code: 'WABCDEFG',
    itemCode: ticket.itemCode as string,
    outcome: 'returned',
    note: TEXT,
    by: 'reviewer-1',
  },
  'forms:purged': {
    type: 'forms:purged',
    applicationIds: ['app-1'],
    ticketIds: [ticket.id],
    retentionDays: 30,
    commandResults: 1,
    printJobs: 1,
  },
  'case:accepted': {
    ...caseBase,
    type: 'case:accepted',
    to: 'accepted',
    ticketId: ticket.id,
    ticketNumber: 'A001',
    itemCode: record.itemCode,
    itemName: record.itemName,
    reviewLevels: 1,
    deadline: '2026-12-03',
    workingDays: 5,
    receivedMaterials: ['身份证'],
    checklist: [{ name: '身份证', required: true }],
  },
  'case:review-started': { ...caseBase, type: 'case:review-started', to: 'in-review' },
  'case:reviewed': { ...caseBase, type: 'case:reviewed', to: 'reviewed' },
  'case:rechecked': { ...caseBase, type: 'case:rechecked', to: 'approved' },
  'case:returned': { ...caseBase, type: 'case:returned', to: 'returned', level: 'review' },
  'case:supplement-requested': {
    ...caseBase,
    type: 'case:supplement-requested',
    to: 'supplementing',
    missing: ['户口簿'],
  },
  'case:supplemented': { ...caseBase, type: 'case:supplemented', to: 'in-review', materials: ['户口簿'] },
  'case:ready': { ...caseBase, type: 'case:ready', to: 'ready' },
  'case:handed-back': { ...caseBase, type: 'case:handed-back', to: 'handed-back' },
  'case:adopted': { ...caseBase, type: 'case:adopted', to: 'accepted', record },
  'case:material-captured': {
    type: 'case:material-captured',
    caseId: record.id,
    material: '身份证',
    pages: [{ sha256: 'a'.repeat(64), mime: 'image/jpeg', bytes: 1000 }],
    source: 'camera',
    by: 'clerk-1',
  },
  'case:material-waived': {
    type: 'case:material-waived',
    caseId: record.id,
    material: '身份证',
    reason: TEXT,
    by: 'clerk-1',
  },
  'case:material-removed': {
    type: 'case:material-removed',
    caseId: record.id,
    material: '身份证',
    sha256: 'a'.repeat(64),
    reason: TEXT,
    by: 'clerk-1',
  },
  'recon:counted': {
    type: 'recon:counted',
    clerkId: 'clerk-1',
    businessDay: '2026-11-26',
    by: 'clerk-1',
    counts: { x: 1 },
    handedOut: [],
  },
  'recon:signed': {
    type: 'recon:signed',
    clerkId: 'clerk-1',
    businessDay: '2026-11-26',
    by: 'clerk-1',
    explanations: [{ key: 'k', kind: 'count-differs', ref: record.id, note: TEXT }],
    refs: [record.id],
    entries: 1,
    counts: {},
    handedOut: [],
  },
  'recon:countersigned': {
    type: 'recon:countersigned',
    clerkId: 'clerk-1',
    businessDay: '2026-11-26',
    by: 'mgr-1',
    note: TEXT,
  },
  'recon:reopened': {
    type: 'recon:reopened',
    clerkId: 'clerk-1',
    businessDay: '2026-11-26',
    causeSeq: 9,
    causeType: 'case:ready',
    causeBy: 'clerk-1',
  },
  'risk:list-published': {
    type: 'risk:list-published',
    version: 2,
    entries: [...DEFAULT_RISK_LIST],
    by: 'mgr-1',
  },
  'risk:rules-published': {
    type: 'risk:rules-published',
    version: 2,
    rules: [...DEFAULT_RISK_RULES],
    by: 'mgr-1',
  },
  'risk:alert-raised': {
    type: 'risk:alert-raised',
    alertId: 'RA-1',
    ruleId: 'R-HOLDER',
    riskCode: 'CZ-02',
    subject: { kind: 'holder', id: REF },
    detail: '同一办事人 30 天内取号 5 次（阈值 5），最近一张 A001',
    dueDay: '2026-11-30',
  },
  'risk:alert-assigned': { type: 'risk:alert-assigned', alertId: 'RA-1', ownerId: 'mgr-1', by: 'mgr-1' },
  'risk:alert-disposed': {
    type: 'risk:alert-disposed',
    alertId: 'RA-1',
    disposition: 'confirmed',
    note: TEXT,
    by: 'mgr-1',
  },
  'risk:alert-escalated': { type: 'risk:alert-escalated', alertId: 'RA-1', to: 'manager' },
  'risk:intercepted': {
    type: 'risk:intercepted',
    ruleId: 'R-SOD',
    riskCode: 'CZ-01',
    command: 'case:approve',
    actorId: 'clerk-1',
    subject: { kind: 'case', id: record.id },
  },
  'risk:override-granted': { type: 'risk:override-granted', grantId: 'g-1', ...grant, expiresAt: 9 },
  'risk:overridden': { type: 'risk:overridden', grantId: 'g-1', ...grant, command: 'case:approve' },
  'risk:login-failed': { type: 'risk:login-failed', staffId: 'clerk-1' },
  'complaint:registered': {
    type: 'complaint:registered',
    complaintId: 'C1',
    channel: 'phone',
    subject: { kind: 'clerk', id: 'clerk-1', label: `${NAME}（A01）` },
    workOrderNo: null,
    receivedAt: 1,
    contactMasked: CONTACT,
    deadline: '2026-12-01',
    workingDays: 5,
    ticketId: ticket.id,
    caseId: null,
    by: 'mgr-1',
  },
  'complaint:assigned': { type: 'complaint:assigned', complaintId: 'C1', handlerId: 'mgr-1', by: 'mgr-1' },
  'complaint:noted': { type: 'complaint:noted', complaintId: 'C1', note: TEXT, by: 'mgr-1' },
  'complaint:replied': {
    type: 'complaint:replied',
    complaintId: 'C1',
    channel: 'phone',
    note: TEXT,
    by: 'mgr-1',
  },
  'complaint:closed': {
    type: 'complaint:closed',
    complaintId: 'C1',
    satisfaction: 'satisfied',
    upheld: true,
    rectification: TEXT,
    by: 'mgr-1',
  },
  'improvement:measures-recorded': {
    type: 'improvement:measures-recorded',
    period: '2026-H2',
    note: TEXT,
    by: 'mgr-1',
  },
  'archive:filed': {
    type: 'archive:filed',
    archiveNo: 'WS·2026-Y-0001',
    volume: '2026',
    caseId: record.id,
    itemCode: record.itemCode,
    itemName: record.itemName,
    retention: 'long',
    version: 2,
    pdf: { sha256: 'b'.repeat(64), bytes: 10, pages: 1 },
    pageHashes: ['a'.repeat(64)],
    filedAt: 1,
    by: 'system',
    reason: TEXT,
  },
  'archive:fixity-checked': {
    type: 'archive:fixity-checked',
    pages: 1,
    files: 1,
    failed: 0,
    ms: 1,
    by: 'system',
  },
  'archive:fixity-failed': {
    type: 'archive:fixity-failed',
    by: 'system',
    sha256: 'a'.repeat(64),
    what: 'page',
    problem: 'missing',
    refs: [record.id],
  },
  'archive:pages-swept': {
    type: 'archive:pages-swept',
    by: 'system',
    files: 1,
    linked: 1,
    young: 0,
    orphans: 0,
    temps: 0,
    bytes: 0,
    ms: 1,
  },
  'region:document-applied': {
    type: 'region:document-applied',
    kind: 'catalog',
    version: 1,
    regional: ['512B0070200003'],
    localKept: [],
    by: 'center',
  },
  // FUP-5: the record's free text (the callback note, the rectification) is never in these.
  'follow-up:opened': {
    type: 'follow-up:opened',
    ticketId: ticket.id,
    deadline: '2026-12-17',
    level: 1,
    windowId: 'w1',
    itemCode: '512B0070200003',
    ratedAt: 1_700_000_000_000,
  },
  'follow-up:called-back': { type: 'follow-up:called-back', ticketId: ticket.id, reached: true, by: 'mgr-1' },
  'follow-up:status-changed': {
    type: 'follow-up:status-changed',
    ticketId: ticket.id,
    status: 'closed',
    by: 'mgr-1',
  },
};

/** Every key anywhere in a value, with the string leaves. */
function walk(
  v: unknown,
  keys: string[] = [],
  strings: string[] = [],
): { keys: string[]; strings: string[] } {
  if (typeof v === 'string') strings.push(v);
  else if (Array.isArray(v)) for (const x of v) walk(x, keys, strings);
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      keys.push(k);
      walk(x, keys, strings);
    }
  return { keys, strings };
}

describe('what leaves the hall (RGN-REP-1)', () => {
  const types = Object.keys(SAMPLES) as EventType[];

  it('RGN-REP-1 the samples are every fact type the hall writes, from the lists shared/ keeps', () => {
    const listed = [
      ...CASE_FACT_TYPES,
      ...RECORD_FACT_TYPES,
      ...RECON_FACT_TYPES,
      ...RISK_FACT_TYPES,
      ...COMPLAINT_FACT_TYPES,
      ...ARCHIVE_FACT_TYPES,
      ...REGION_FACT_TYPES,
      ...FOLLOW_UP_FACT_TYPES,
    ];
    for (const t of listed) expect(types).toContain(t);
    // The queue's facts have no runtime list: the mapped type above is their enumeration.
    expect(types.length).toBeGreaterThan(listed.length + 15);
  });

  it.each(types)(
    'RGN-REP-1 %s leaves without ID number, name, phone, holder reference or free text',
    (type) => {
      const ev = { ...SAMPLES[type], seq: 42, at: 1_700_000_000_000 } as HallEvent;
      const planted = walk(ev).strings.some((s) => PLANTED.some((p) => s.includes(p)));
      const out = stripFact(ev);
      expect(out.seq).toBe(42);
      expect(out.at).toBe(1_700_000_000_000);
      expect(out.type).toBe(type);
      expect(out.body.type).toBe(type);
      const { keys, strings } = walk(out.body);
      for (const s of strings)
        for (const p of PLANTED) expect(s, `${type} still carries ${p}`).not.toContain(p);
      for (const k of keys)
        if (!(type === 'window:paused' && k === 'reason'))
          expect(WITHHELD_KEYS.has(k), `${type}.${k}`).toBe(false);
      // Whatever was planted is gone, and what was not personal is kept as it was.
      if (!planted) expect(out.body).toEqual(SAMPLES[type]);
      expect(JSON.stringify(stripFact(ev))).toBe(JSON.stringify(out));
    },
  );

  it('RGN-REP-1 keeps what reporting needs: ids, times, codes, the rating, the senior flag and a pause code', () => {
    const issued = stripFact({ ...SAMPLES['ticket:issued'], seq: 1, at: 1 }).body.ticket as Record<
      string,
      unknown
    >;
    expect(issued.holder).toEqual({ senior: true });
    expect(issued).toMatchObject({
      id: ticket.id,
      categoryId: 'A',
      priorityClass: 'senior',
      servedBy: 'clerk-1',
    });
    expect(issued.rating).toEqual(ticket.rating);
    expect(stripFact({ ...SAMPLES['window:paused'], seq: 1, at: 1 }).body.reason).toBe('lunch');
    expect(
      stripFact({ type: 'window:paused', windowId: 'w1', reason: TEXT, seq: 1, at: 1 } as HallEvent).body
        .reason,
    ).toBeUndefined();
    const alert = stripFact({ ...SAMPLES['risk:alert-raised'], seq: 1, at: 1 }).body;
    expect(alert.subject).toEqual({ kind: 'holder', id: null });
    expect(FREE_TEXT_FIELDS.size).toBeGreaterThan(0);
  });

  it('RGN-REP-1 FUP-5 a follow-up fact that carried a note or rectification would leave without it', () => {
    // The hall never writes them into these facts; should one ever, the strip still removes them.
    for (const type of FOLLOW_UP_FACT_TYPES) {
      const planted = {
        ...SAMPLES[type],
        note: `${NAME} ${PHONE}`,
        rectification: `已向${NAME}致歉`,
        seq: 7,
        at: 7,
      } as unknown as HallEvent;
      const out = stripFact(planted);
      expect(out.body).toEqual(SAMPLES[type]);
      expect(JSON.stringify(out)).not.toContain(NAME);
    }
  });
});
