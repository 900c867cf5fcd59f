/**
 * Complaints (投诉, LD/T 02 §13.3) and the service-improvement measures (§13.4): the facts in the
 * hall's log, the record they fold to, and the words the console shows. Zod-free, so the console
 * bundles it without the validator (the schemas are in complaints.schema.ts). SPEC: CMP-*, IMP-*.
 *
 * The complainant's name, phone and what they said are personal data: they are never in a fact
 * (staff sockets receive every fact) but in a sealed record beside the complaint, read by its
 * handler or a manager with the read trail (CMP-4). Facts carry the masked contact only.
 */

/** How a complaint reached the hall. */
export const COMPLAINT_CHANNELS = ['window', 'phone', '12345', 'online', 'letter'] as const;
export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];
export const COMPLAINT_CHANNEL_ZH: Record<ComplaintChannel, string> = {
  window: '窗口',
  phone: '电话',
  '12345': '12345工单',
  online: '网上',
  letter: '信函',
};

/** What a complaint is about; `hall` when the complainant names nothing narrower. */
export const COMPLAINT_SUBJECT_KINDS = ['window', 'clerk', 'item', 'case', 'ticket', 'hall'] as const;
export type ComplaintSubjectKind = (typeof COMPLAINT_SUBJECT_KINDS)[number];
export const COMPLAINT_SUBJECT_ZH: Record<ComplaintSubjectKind, string> = {
  window: '窗口',
  clerk: '工作人员',
  item: '服务事项',
  case: '案件',
  ticket: '号票',
  hall: '大厅整体',
};

export interface ComplaintSubject {
  kind: ComplaintSubjectKind;
  /** Window id, staff id, item code, case id, ticket id; '' for the hall. */
  id: string;
  /** How staff read it: 3号窗口, 张三（A01）, the item's name, the case or ticket number. */
  label: string;
}

/** How the hall answered the complainant. */
export const REPLY_CHANNELS = ['phone', 'sms', 'letter', 'in-person', '12345'] as const;
export type ReplyChannel = (typeof REPLY_CHANNELS)[number];
export const REPLY_CHANNEL_ZH: Record<ReplyChannel, string> = {
  phone: '电话',
  sms: '短信',
  letter: '书面',
  'in-person': '当面',
  '12345': '12345平台回复',
};

/** The complainant's satisfaction with the outcome, asked at closure. */
export const SATISFACTION_LEVELS = [
  'satisfied',
  'basically-satisfied',
  'dissatisfied',
  'unreachable',
] as const;
export type Satisfaction = (typeof SATISFACTION_LEVELS)[number];
export const SATISFACTION_ZH: Record<Satisfaction, string> = {
  satisfied: '满意',
  'basically-satisfied': '基本满意',
  dissatisfied: '不满意',
  unreachable: '联系不上',
};

/** registered → assigned → replied → closed; a manager may reassign until closed. */
export const COMPLAINT_STATUSES = ['registered', 'assigned', 'replied', 'closed'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];
export const COMPLAINT_STATUS_ZH: Record<ComplaintStatus, string> = {
  registered: '待分派',
  assigned: '调查处理中',
  replied: '已答复',
  closed: '已办结',
};

/** Working days to answer a complaint unless the register (or the work order) says otherwise. */
export const DEFAULT_COMPLAINT_WORKING_DAYS = 10;

/** Facts of complaints and of the improvement summary, in the hall's log (one seq). No personal data. */
export type ComplaintFact =
  | {
      type: 'complaint:registered';
      complaintId: string;
      channel: ComplaintChannel;
      subject: ComplaintSubject;
      /** The 12345 work order's number (idempotency of imports), else null. */
      workOrderNo: string | null;
      /** When the complainant complained (the work order's time); the deadline counts from its day. */
      receivedAt: number;
      /** 张* 138****5678: what staff lists show. */
      contactMasked: string;
      deadline: string;
      workingDays: number;
      /** The ticket and case it concerns, when known (links ratings and follow-ups, CMP-6). */
      ticketId: string | null;
      caseId: string | null;
      by: string;
    }
  | { type: 'complaint:assigned'; complaintId: string; handlerId: string; by: string }
  | { type: 'complaint:noted'; complaintId: string; note: string; by: string }
  | { type: 'complaint:replied'; complaintId: string; channel: ReplyChannel; note: string; by: string }
  | {
      type: 'complaint:closed';
      complaintId: string;
      satisfaction: Satisfaction;
      /** Whether the investigation found the complaint justified (属实). */
      upheld: boolean;
      /** What was put right (整改), when upheld. */
      rectification: string | null;
      by: string;
    }
  /** The measures a manager records for a period of the improvement summary (§13.4, IMP-3). */
  | { type: 'improvement:measures-recorded'; period: string; note: string; by: string };

export const COMPLAINT_FACT_TYPES = [
  'complaint:registered',
  'complaint:assigned',
  'complaint:noted',
  'complaint:replied',
  'complaint:closed',
  'improvement:measures-recorded',
] as const satisfies readonly ComplaintFact['type'][];

/** Whether this fact moves a complaint (the measures of a period are not one). */
export function isComplaintFact<T extends { type: string }>(
  ev: T,
): ev is Extract<T, Extract<ComplaintFact, { complaintId: string }>> {
  return ev.type.startsWith('complaint:') && (COMPLAINT_FACT_TYPES as readonly string[]).includes(ev.type);
}

export interface ComplaintHistoryEntry {
  seq: number;
  at: number;
  by: string;
  type: ComplaintFact['type'];
  /** The investigation note or the reply's text. */
  note?: string;
  handlerId?: string;
  channel?: ReplyChannel;
  satisfaction?: Satisfaction;
}

/** A complaint: the fold of its facts (the `complaints` projection). No personal data. */
export interface ComplaintRecord {
  id: string;
  channel: ComplaintChannel;
  subject: ComplaintSubject;
  workOrderNo: string | null;
  receivedAt: number;
  registeredAt: number;
  registeredBy: string;
  contactMasked: string;
  deadline: string;
  workingDays: number;
  ticketId: string | null;
  caseId: string | null;
  status: ComplaintStatus;
  handlerId: string | null;
  reply: { at: number; by: string; channel: ReplyChannel; note: string } | null;
  closedAt: number | null;
  satisfaction: Satisfaction | null;
  upheld: boolean | null;
  rectification: string | null;
  history: ComplaintHistoryEntry[];
}

/** What the console shows: the record, whether it is overdue, and names for staff ids. */
export interface ComplaintView extends ComplaintRecord {
  overdue: boolean;
  staff: Record<string, { name: string; staffNumber: string }>;
}

/** The ratings and follow-up of the complaint's ticket (CMP-6). */
export interface ComplaintLinks {
  ratings: { at: number; level: number; reasons: string[]; windowId: string }[];
  followUp: { status: string; deadline: string; rectification: string | null } | null;
}

export interface ComplaintDetail extends ComplaintView {
  links: ComplaintLinks;
}

export interface ComplaintList {
  today: string;
  complaints: ComplaintView[];
  counts: Record<ComplaintStatus | 'overdue' | 'total', number>;
}

/** The sealed part: who complained, how to reach them, what they said (CMP-4). */
export interface ComplaintContact {
  name: string;
  phone: string;
  content: string;
}

/** The answer of a 12345 import (CMP-7). */
export interface ComplaintImportResult {
  imported: string[];
  /** Work-order numbers already in the register (an import is idempotent on the number). */
  skipped: string[];
}

/** One row's refusal in an import, in Chinese for the manager. */
export interface ComplaintImportError {
  row: number;
  field: string;
  message: string;
}
