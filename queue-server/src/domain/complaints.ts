/**
 * Complaint rules (SPEC CMP-*): the fold of a complaint's facts into its record, and what each
 * step may do given where the complaint stands and who asks. Pure: no I/O, time is the fact's.
 */
import type {
  ApiError,
  ComplaintFact,
  ComplaintRecord,
  HallEvent,
  ReplyChannel,
  Satisfaction,
} from '@onewindow/shared';

export type ComplaintEvent = Extract<HallEvent, { complaintId: string }>;

/** Folds one committed complaint fact into the record (CMP-2): the projection and a replay agree. */
export function applyComplaintFact(prev: ComplaintRecord | undefined, ev: ComplaintEvent): ComplaintRecord {
  if (ev.type === 'complaint:registered')
    return {
      id: ev.complaintId,
      channel: ev.channel,
      subject: ev.subject,
      workOrderNo: ev.workOrderNo,
      receivedAt: ev.receivedAt,
      registeredAt: ev.at,
      registeredBy: ev.by,
      contactMasked: ev.contactMasked,
      deadline: ev.deadline,
      workingDays: ev.workingDays,
      ticketId: ev.ticketId,
      caseId: ev.caseId,
      status: 'registered',
      handlerId: null,
      reply: null,
      closedAt: null,
      satisfaction: null,
      upheld: null,
      rectification: null,
      history: [{ seq: ev.seq, at: ev.at, by: ev.by, type: ev.type }],
    };
  if (prev === undefined) throw new Error(`${ev.type} for unknown complaint ${ev.complaintId}`);
  const c: ComplaintRecord = { ...prev, history: [...prev.history] };
  const entry = { seq: ev.seq, at: ev.at, by: ev.by, type: ev.type };
  switch (ev.type) {
    case 'complaint:assigned':
      c.handlerId = ev.handlerId;
      if (c.status === 'registered') c.status = 'assigned';
      c.history.push({ ...entry, handlerId: ev.handlerId });
      break;
    case 'complaint:noted':
      c.history.push({ ...entry, note: ev.note });
      break;
    case 'complaint:replied':
      c.reply = { at: ev.at, by: ev.by, channel: ev.channel, note: ev.note };
      c.status = 'replied';
      c.history.push({ ...entry, note: ev.note, channel: ev.channel });
      break;
    case 'complaint:closed':
      c.status = 'closed';
      c.closedAt = ev.at;
      c.satisfaction = ev.satisfaction;
      c.upheld = ev.upheld;
      c.rectification = ev.rectification;
      c.history.push({
        ...entry,
        satisfaction: ev.satisfaction,
        ...(ev.rectification !== null ? { note: ev.rectification } : {}),
      });
      break;
    default: {
      const never: never = ev;
      throw new Error(`unknown complaint fact ${(never as { type: string }).type}`);
    }
  }
  return c;
}

/** Who acts on a complaint: a staff id and whether they are a manager (CMP-3). */
export interface ComplaintActor {
  id: string;
  manager: boolean;
}

export type ComplaintStep =
  | { type: 'complaint:assign'; complaintId: string; handlerId: string }
  | { type: 'complaint:note'; complaintId: string; note: string }
  | { type: 'complaint:reply'; complaintId: string; channel: ReplyChannel; note: string }
  | {
      type: 'complaint:close';
      complaintId: string;
      satisfaction: Satisfaction;
      upheld: boolean;
      rectification?: string | undefined;
    };

type Decision = { ok: true; fact: ComplaintFact } | { ok: false; error: ApiError };
const no = (code: ApiError['code'], message: string): Decision => ({ ok: false, error: { code, message } });

/**
 * CMP-3: only a manager assigns; the assigned handler or a manager notes, replies and closes;
 * nothing moves a closed complaint; closing needs a reply to the complainant first (§13.3) and,
 * when the complaint was upheld, what was put right.
 */
export function decideComplaintStep(
  c: ComplaintRecord | undefined,
  step: ComplaintStep,
  actor: ComplaintActor,
): Decision {
  if (c === undefined) return no('NOT_FOUND', `no complaint ${step.complaintId}`);
  if (c.status === 'closed') return no('CONFLICT', 'this complaint is closed');
  const base = { complaintId: c.id, by: actor.id };
  if (step.type === 'complaint:assign') {
    if (!actor.manager) return no('FORBIDDEN', 'only a manager assigns a complaint');
    return { ok: true, fact: { type: 'complaint:assigned', ...base, handlerId: step.handlerId } };
  }
  if (!actor.manager && c.handlerId !== actor.id)
    return no('FORBIDDEN', 'only the complaint’s handler or a manager may act on it');
  switch (step.type) {
    case 'complaint:note':
      return { ok: true, fact: { type: 'complaint:noted', ...base, note: step.note } };
    case 'complaint:reply':
      return {
        ok: true,
        fact: { type: 'complaint:replied', ...base, channel: step.channel, note: step.note },
      };
    case 'complaint:close': {
      if (c.reply === null) return no('CONFLICT', 'reply to the complainant before closing (§13.3)');
      const rect = step.rectification?.trim() ?? '';
      if (step.upheld && rect === '')
        return no('BAD_REQUEST', 'an upheld complaint is closed with what was put right (整改情况)');
      return {
        ok: true,
        fact: {
          type: 'complaint:closed',
          ...base,
          satisfaction: step.satisfaction,
          upheld: step.upheld,
          rectification: rect === '' ? null : rect,
        },
      };
    }
  }
}

/** CMP-5: open past its deadline, or closed after it (the hall's local day). */
export function isComplaintOverdue(c: ComplaintRecord, today: string, closedDay?: string): boolean {
  if (c.status !== 'closed') return today > c.deadline;
  return closedDay !== undefined && closedDay > c.deadline;
}
