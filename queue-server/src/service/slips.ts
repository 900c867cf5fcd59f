/**
 * Window slips (LD/T 02 §9.3.6, §9.4): 业务回单, 业务受理回执, 不予受理告知单 and 一次性补正告知书,
 * built as the print-job data of kiosk/agent/printer/documents.ts, and the case record a
 * 限时受理 opens for the back office (SPEC SLP-*, CASE-1). `buildSlipDocument` is pure; the
 * SlipService around it finds the ticket, checks who asks, numbers the document and keeps
 * the case. Errors are returned, never thrown at the caller.
 */
import {
  type ApiError,
  CASE_TRANSITIONS,
  type CaseRecord,
  DEFAULT_ACCEPTANCE_WORKING_DAYS,
  type FinishOutcome,
  type GuideMaterial,
  type LocalDate,
  type ServiceItem,
  type SlipDocument,
  type SlipKind,
  type SlipRequest,
  type Ticket,
} from '@onewindow/shared';
import type { Principal } from '../auth/permissions.ts';
import { businessDayOf } from '../domain/clock.ts';
import type { QueueEngine } from '../domain/engine.ts';
import type { CaseStore } from '../store/case.store.ts';
import type { WorkingCalendar } from './calendar.ts';
import type { Clock } from './hall.service.ts';

/** 咨询电话 when the hall set none (meta `hallPhone`): the national social-insurance hotline. */
export const DEFAULT_HALL_PHONE = '12333';

/** What a rejected applicant may do, as documents.ts prints it with its defaults (SPEC SLP-6). */
export function remedyText(reviewBody = '有关行政复议机关', court = '人民法院'): string {
  return (
    `如对本决定不服，可以自收到本告知单之日起六十日内依法向${reviewBody}申请行政复议，` +
    `也可以自收到本告知单之日起六个月内依法向${court}提起行政诉讼。`
  );
}

/** Document number prefixes: 回单 HD, 受理 SL, 不予受理 BY, 补正 BZ; then YYYYMMDD and a daily sequence. */
const NUMBER_PREFIX: Record<SlipKind, string> = {
  completion: 'HD',
  acceptance: 'SL',
  rejection: 'BY',
  supplement: 'BZ',
};

/** `SL` + `20261126` + `0007`: unique per day because the sequence is one per day for every kind. */
export function documentNumber(kind: SlipKind, day: LocalDate, seq: number): string {
  return `${NUMBER_PREFIX[kind]}${day.replaceAll('-', '')}${String(seq).padStart(4, '0')}`;
}

/** The finish outcome a slip kind belongs to (a ticket finished one way gets no other slip). */
export const OUTCOME_OF_SLIP: Record<SlipKind, FinishOutcome> = {
  completion: 'completed',
  acceptance: 'accepted',
  rejection: 'rejected',
  supplement: 'supplement',
};

/** The promised limit of an item in working days and its due date (SPEC SLP-4). */
export function acceptanceDeadline(
  item: Pick<ServiceItem, 'timeLimit'>,
  acceptedOn: LocalDate,
  calendar: WorkingCalendar,
): { workingDays: number; date: LocalDate } {
  const { days, unit } = item.timeLimit;
  if (days !== null && unit === 'working')
    return { workingDays: days, date: calendar.addWorkingDays(acceptedOn, days) };
  if (days !== null && unit === 'calendar') {
    const date = calendar.calendarDeadline(acceptedOn, days);
    return { workingDays: calendar.workingDaysBetween(acceptedOn, date), date };
  }
  return {
    workingDays: DEFAULT_ACCEPTANCE_WORKING_DAYS,
    date: calendar.addWorkingDays(acceptedOn, DEFAULT_ACCEPTANCE_WORKING_DAYS),
  };
}

/** Everything a slip needs, gathered by the service. */
export interface SlipContext {
  request: SlipRequest;
  ticket: Pick<Ticket, 'id' | 'number' | 'businessDay' | 'finishedAt'>;
  item: ServiceItem;
  hall: { hallName: string; hallPhone: string; agencyName: string; utcOffsetMinutes: number };
  clerk: { name: string; staffNo: string };
  windowName: string;
  documentNumber: string;
  today: LocalDate;
  now: number;
  calendar: WorkingCalendar;
}

type Issue = { path: string; message: string };

/** Guide materials by the names the clerk picked; each unknown name is an issue. */
function pickMaterials(
  item: ServiceItem,
  names: readonly string[],
  field: string,
): GuideMaterial[] | Issue[] {
  const byName = new Map((item.guide?.materials ?? []).map((m) => [m.name, m]));
  const issues: Issue[] = [];
  const picked: GuideMaterial[] = [];
  names.forEach((name, i) => {
    const m = byName.get(name);
    if (m === undefined)
      issues.push({
        path: `${field}.${i}`,
        message:
          byName.size === 0
            ? `item ${item.code} has no material list in its guide`
            : `"${name}" is not a material of item ${item.code}`,
      });
    else if (!picked.includes(m)) picked.push(m);
  });
  return issues.length > 0 ? issues : picked;
}

const isIssues = (x: GuideMaterial[] | Issue[]): x is Issue[] => x.length > 0 && 'path' in x[0]!;

/**
 * The document data of a slip, in the exact input shape of the agent's layouts, or the issues
 * that make it impossible (materials not in the item's guide). Pure.
 */
export function buildSlipDocument(ctx: SlipContext):
  | { ok: true; document: SlipDocument; deadline: { workingDays: number; date: LocalDate } | null }
  | {
      ok: false;
      issues: Issue[];
    } {
  const { request: r, item, hall, clerk } = ctx;
  const head = { hallName: hall.hallName, hallPhone: hall.hallPhone };
  const itemFields = { itemName: item.name, itemCode: item.code };
  switch (r.kind) {
    case 'completion':
      return {
        ok: true,
        deadline: null,
        document: {
          type: 'completion-slip',
          data: {
            ...head,
            documentNumber: ctx.documentNumber,
            ...itemFields,
            applicantName: r.applicantName,
            ticketNumber: ctx.ticket.number,
            windowName: ctx.windowName,
            clerk,
            completedAt: ctx.ticket.finishedAt ?? ctx.now,
            utcOffsetMinutes: hall.utcOffsetMinutes,
            result: r.result ?? '已办结',
          },
        },
      };
    case 'acceptance': {
      const names =
        r.receivedMaterials ??
        (item.guide?.materials ?? []).filter((m) => m.required && m.sharedData !== true).map((m) => m.name);
      const materials = pickMaterials(item, names, 'receivedMaterials');
      if (isIssues(materials)) return { ok: false, issues: materials };
      const deadline = acceptanceDeadline(item, ctx.today, ctx.calendar);
      return {
        ok: true,
        deadline,
        document: {
          type: 'acceptance-receipt',
          data: {
            ...head,
            documentNumber: ctx.documentNumber,
            applicantName: r.applicantName,
            contactPhone: r.contactPhone ?? '',
            ...itemFields,
            appliedOn: ctx.ticket.businessDay,
            acceptedOn: ctx.today,
            materials: materials.map((m) => ({ name: m.name, form: m.form, copies: m.copies })),
            clerk,
            deadline,
            progressQuery:
              item.guide?.progressQuery ??
              `凭受理编号${ctx.documentNumber}到服务大厅或拨打${hall.hallPhone}查询`,
          },
        },
      };
    }
    case 'rejection':
      return {
        ok: true,
        deadline: null,
        document: {
          type: 'rejection-notice',
          data: {
            ...head,
            agencyName: hall.agencyName,
            documentNumber: ctx.documentNumber,
            applicantName: r.applicantName,
            ...itemFields,
            appliedOn: ctx.ticket.businessDay,
            decidedOn: ctx.today,
            reasons: r.reasons ?? [],
            ...(r.legalBasis ? { legalBasis: r.legalBasis } : {}),
            clerk,
            remedy: remedyText(),
          },
        },
      };
    case 'supplement': {
      const missing = pickMaterials(item, r.missingMaterials ?? [], 'missingMaterials');
      if (isIssues(missing)) return { ok: false, issues: missing };
      return {
        ok: true,
        deadline: null,
        document: {
          type: 'supplement-notice',
          data: {
            ...head,
            agencyName: hall.agencyName,
            documentNumber: ctx.documentNumber,
            applicantName: r.applicantName,
            ...itemFields,
            appliedOn: ctx.ticket.businessDay,
            notifiedOn: ctx.today,
            missing: missing.map((m) => ({ name: m.name, form: m.form, copies: m.copies })),
            clerk,
          },
        },
      };
    }
  }
}

export interface SlipServiceDeps {
  queue: () => QueueEngine;
  /** Tickets of earlier days are no longer in the engine. */
  ticketFromStore: (id: string) => Ticket | undefined;
  catalog: () => ServiceItem[];
  staff: (id: string) => { name: string; staffNumber: string } | undefined;
  calendar: WorkingCalendar;
  cases: CaseStore;
  /** The next number of today's daily slip sequence (1, 2, …), persisted. */
  nextSequence: (day: LocalDate) => number;
  /** Hall facts outside HallSettings: `hallPhone`, `agencyName`. */
  meta: (key: string) => string | undefined;
  clock: Clock;
}

export type SlipOutcome =
  | {
      ok: true;
      document: SlipDocument;
      case: CaseRecord | null;
      /** The window whose agent prints it: the clerk's own, else the ticket's. */
      printWindowId: string | null;
    }
  | { ok: false; error: ApiError };

const SLIP_ROLES = ['clerk', 'rights-clerk', 'manager'] as const;

/** Issues slips for the tickets a clerk serves (SPEC SLP-1..SLP-7). */
export class SlipService {
  constructor(private readonly deps: SlipServiceDeps) {}

  issue(p: Principal, r: SlipRequest): SlipOutcome {
    const fail = (code: ApiError['code'], message: string, issues?: Issue[]): SlipOutcome => ({
      ok: false,
      error: { code, message, ...(issues ? { issues } : {}) },
    });
    if (p.kind !== 'staff') return fail('UNAUTHENTICATED', 'a staff login token is required');
    if (!p.roles.some((x) => (SLIP_ROLES as readonly string[]).includes(x)))
      return fail('FORBIDDEN', `slips are issued by ${SLIP_ROLES.join(', ')}; you are ${p.roles.join(', ')}`);
    const q = this.deps.queue();
    const settings = q.settings;
    if (settings === null) return fail('NOT_CONFIGURED', 'the hall is not configured');
    const ticket = q.ticket(r.ticketId) ?? this.deps.ticketFromStore(r.ticketId);
    if (ticket === undefined) return fail('UNKNOWN_TICKET', `no ticket ${r.ticketId}`);
    if (!['called', 'serving', 'parked', 'done'].includes(ticket.status))
      return fail(
        'CONFLICT',
        `ticket ${ticket.number} is ${ticket.status}; slips are for tickets served at a window`,
      );

    // SLP-2: the clerk who served it, or the clerk whose window holds it; managers any.
    const myWindow = q.allWindows().find((w) => w.clerkId === p.id && w.state !== 'closed');
    const holdsIt =
      myWindow !== undefined &&
      ticket.windowId === myWindow.id &&
      ['called', 'serving', 'parked'].includes(ticket.status);
    if (!p.roles.includes('manager') && ticket.servedBy !== p.id && !holdsIt)
      return fail('FORBIDDEN', `ticket ${ticket.number} was not served by you or at your window`);
    if (ticket.outcome !== null && ticket.outcome !== OUTCOME_OF_SLIP[r.kind])
      return fail(
        'CONFLICT',
        `ticket ${ticket.number} finished as ${ticket.outcome}; a ${r.kind} slip belongs to ${OUTCOME_OF_SLIP[r.kind]}`,
      );

    const code = r.itemCode ?? ticket.itemCode;
    if (code === null)
      return fail('BAD_REQUEST', `ticket ${ticket.number} names no service item: send itemCode`, [
        { path: 'itemCode', message: 'required: the ticket has no item' },
      ]);
    const item = this.deps.catalog().find((i) => i.code === code);
    if (item === undefined) return fail('NOT_FOUND', `no service item ${code} in the catalog`);

    const clerk = this.deps.staff(p.id);
    const now = this.deps.clock.now();
    const today = businessDayOf(now, settings.utcOffsetMinutes);
    const windowId = ticket.windowId ?? myWindow?.id ?? null;
    const windowNumber = windowId === null ? undefined : q.window(windowId)?.number;
    // SLP-5: an acceptance of the same ticket again is a reprint of the same receipt and case.
    const existing = r.kind === 'acceptance' ? this.deps.cases.byTicket(ticket.id) : undefined;
    if (existing !== undefined && existing.itemCode !== item.code)
      return fail('CONFLICT', `ticket ${ticket.number} was already accepted for item ${existing.itemCode}`);
    const acceptedOn =
      existing === undefined ? today : businessDayOf(existing.acceptedAt, settings.utcOffsetMinutes);
    let built: ReturnType<typeof buildSlipDocument>;
    try {
      built = buildSlipDocument({
        request: r,
        ticket,
        item,
        hall: {
          hallName: settings.hallName,
          hallPhone: this.deps.meta('hallPhone') ?? DEFAULT_HALL_PHONE,
          agencyName: this.deps.meta('agencyName') ?? settings.hallName,
          utcOffsetMinutes: settings.utcOffsetMinutes,
        },
        clerk: { name: clerk?.name ?? p.name, staffNo: clerk?.staffNumber ?? p.staffNumber },
        windowName: windowNumber === undefined ? '综合窗口' : `${windowNumber}号窗口`,
        documentNumber: existing?.id ?? documentNumber(r.kind, today, this.deps.nextSequence(today)),
        today: acceptedOn,
        now,
        calendar: this.deps.calendar,
      });
    } catch (e) {
      // Only a calendar without working days (every date overridden as a holiday) gets here.
      return fail('CONFLICT', `no deadline: ${(e as Error).message}`);
    }
    if (!built.ok)
      return fail(
        'BAD_REQUEST',
        `invalid slip: ${built.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        built.issues,
      );

    let record: CaseRecord | null = existing ?? null;
    if (r.kind === 'acceptance' && existing === undefined && built.deadline !== null) {
      record = {
        id: built.document.data.documentNumber,
        ticketId: ticket.id,
        ticketNumber: ticket.number,
        itemCode: item.code,
        itemName: item.name,
        acceptedBy: p.id,
        acceptedAt: now,
        deadline: built.deadline.date,
        workingDays: built.deadline.workingDays,
        status: 'accepted',
        history: [{ at: now, by: p.id, to: 'accepted', note: null }],
      };
      this.deps.cases.insert(record);
    }
    return {
      ok: true,
      document: built.document,
      case: record,
      printWindowId: myWindow?.id ?? ticket.windowId,
    };
  }
}

/**
 * Moves a case one step (SPEC CASE-2): 业务审核岗 accepted → in-review → approved | returned;
 * 权益柜员岗 approved → ready → handed-back. Pure: returns the new record or the refusal.
 */
export function transitionCase(
  record: CaseRecord,
  p: Extract<Principal, { kind: 'staff' }>,
  to: CaseRecord['status'],
  note: string | null,
  now: number,
): { ok: true; record: CaseRecord } | { ok: false; error: ApiError } {
  const step = CASE_TRANSITIONS.find((t) => t.from === record.status && t.to === to);
  if (step === undefined) {
    const next = CASE_TRANSITIONS.filter((t) => t.from === record.status).map((t) => t.to);
    return {
      ok: false,
      error: {
        code: 'CONFLICT',
        message: `case ${record.id} is ${record.status}; it can go to ${next.length > 0 ? next.join(' or ') : 'nothing (closed)'}, not ${to}`,
      },
    };
  }
  if (!p.roles.includes(step.role))
    return {
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message: `only a ${step.role} moves a case from ${record.status} to ${to}`,
      },
    };
  return {
    ok: true,
    record: { ...record, status: to, history: [...record.history, { at: now, by: p.id, to, note }] },
  };
}
