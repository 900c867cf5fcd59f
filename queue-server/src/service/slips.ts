/**
 * Window slips (LD/T 02 §9.3.6, §9.4): 业务回单, 业务受理回执, 不予受理告知单 and 一次性补正告知书,
 * built as the print-job data of kiosk/agent/printer/documents.ts, and the case record a
 * 限时受理 opens for the back office (SPEC SLP-*, CASE-1). `buildSlipDocument` is pure; the
 * SlipService around it finds the ticket, checks who asks, and finishes the ticket, numbers
 * and keeps the slip, opens the case and queues the print in one unit of work. Errors are returned, never thrown at the caller.
 */
import {
  type ApiError,
  DEFAULT_ACCEPTANCE_WORKING_DAYS,
  type FinishOutcome,
  type GuideMaterial,
  type LocalDate,
  type ServiceItem,
  type SlipDocument,
  type SlipKind,
  type SlipRequest,
  type SlipResult,
  type Ticket,
} from '@onewindow/shared';
import { type CaseFact, type CaseRecord, DEFAULT_REVIEW_LEVELS } from '@onewindow/shared/cases.ts';
import type { Principal } from '../auth/permissions.ts';
import { acceptanceFact } from '../domain/cases.ts';
import { businessDayOf } from '../domain/clock.ts';
import type { CaseStore } from '../store/case.store.ts';
import type { SlipStore } from '../store/slip.store.ts';
import type { WorkingCalendar } from './calendar.ts';
import type { Clock, HallService, UnitOfWork } from './hall.service.ts';
import { InvalidDocument, type PrintQueue } from './print.service.ts';

/** 咨询电话 when the hall set none (meta `hallPhone`): the national social-insurance hotline. */
export const DEFAULT_HALL_PHONE = '12333';
/** Why a material the guide marks as shared data is waived at acceptance (MAT-CAP-4). */
export const SHARED_DATA_WAIVER = '免提交：经办机构通过部门间数据共享获取';

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

/**
 * Whether an instant business of this item keeps a case file (MAT-INSTANT-1): its guide asks for a
 * required material that is neither an identity document shown at the window nor fetched by the
 * hall itself. A print-out, a card's loss report or a 资格认证 leave only their 回单.
 */
export function keepsInstantFile(item: Pick<ServiceItem, 'guide'>): boolean {
  return (item.guide?.materials ?? []).some(
    (m) => m.required && m.identity !== true && m.sharedData !== true,
  );
}

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
  /** The phone app's progress page for this receipt (MOB-PROG-3), printed as a QR code; none without an address. */
  progressUrl?: string | undefined;
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
            ...(ctx.progressUrl !== undefined ? { progressUrl: ctx.progressUrl } : {}),
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
  hall: HallService;
  /** Tickets of earlier days are no longer in the engine. */
  ticketFromStore: (id: string) => Ticket | undefined;
  catalog: () => ServiceItem[];
  staff: (id: string) => { name: string; staffNumber: string } | undefined;
  calendar: WorkingCalendar;
  slips: SlipStore;
  cases: CaseStore;
  print: PrintQueue;
  /** Hall facts outside HallSettings: `hallPhone`, `agencyName`, the daily slip sequence. */
  meta: { get(key: string): string | undefined; put(key: string, value: string): void };
  /** A case with the names of the staff in it, as the back office shows it. */
  named: (c: CaseRecord) => CaseRecord;
  clock: Clock;
  /** The kiosk forms (自助填单) the citizen filled for a ticket and item: their titles (MAT-FILE-4). */
  kioskForms?: (ticketId: string, itemCode: string) => { title: string; source: 'kiosk' | 'online' }[];
  /**
   * The phone app's progress page of a receipt (MOB-PROG-3), from the hall's public address or
   * the request's origin; undefined: the receipt prints no QR code.
   */
  progressUrl?: (receiptNo: string, origin: string | undefined) => string | undefined;
}

export type SlipOutcome = { ok: true; data: SlipResult; created: boolean } | { ok: false; error: ApiError };

/** What a slip unit keeps with its Idempotency-Key, to answer a retry with the same slip. */
interface SlipRecord {
  number: string;
  printJobId: string | null;
  printError: string | null;
  finished: boolean;
}

const SLIP_ROLES = ['clerk', 'rights-clerk', 'manager'] as const;

/**
 * Issues slips for the tickets a clerk serves (SPEC SLP-1..SLP-9). A serving ticket is finished
 * by its slip: the finish, the slip, the case an acceptance opens and the print job commit as
 * one unit of work (UOW-1). A ticket has one slip; asking again prints the same paper (SLP-5).
 */
export class SlipService {
  constructor(private readonly deps: SlipServiceDeps) {}

  issue(p: Principal, r: SlipRequest, idempotencyKey?: string, origin?: string): SlipOutcome {
    const fail = (code: ApiError['code'], message: string, issues?: Issue[]): SlipOutcome => ({
      ok: false,
      error: { code, message, ...(issues ? { issues } : {}) },
    });
    if (p.kind !== 'staff') return fail('UNAUTHENTICATED', 'a staff login token is required');
    if (!p.roles.some((x) => (SLIP_ROLES as readonly string[]).includes(x)))
      return fail('FORBIDDEN', `slips are issued by ${SLIP_ROLES.join(', ')}; you are ${p.roles.join(', ')}`);
    const scoped = idempotencyKey === undefined ? undefined : `${p.id}:slip:${idempotencyKey}`;
    if (scoped !== undefined) {
      const replay = this.deps.hall.replay<SlipRecord>(scoped, 'slip:issue');
      if (replay !== undefined) {
        if (!replay.ok) return replay;
        return this.answer(replay.value, false);
      }
    }
    const q = this.deps.hall.queue;
    const settings = q.settings;
    if (settings === null) return fail('NOT_CONFIGURED', 'the hall is not configured');
    const ticket = q.ticket(r.ticketId) ?? this.deps.ticketFromStore(r.ticketId);
    if (ticket === undefined) return fail('UNKNOWN_TICKET', `no ticket ${r.ticketId}`);

    // SLP-2: the clerk who served it, or the clerk whose window serves it now; managers any.
    const myWindow = q.allWindows().find((w) => w.clerkId === p.id && w.state !== 'closed');
    const servingHere =
      ticket.status === 'serving' && myWindow !== undefined && ticket.windowId === myWindow.id;
    if (!p.roles.includes('manager') && ticket.servedBy !== p.id && !servingHere)
      return fail('FORBIDDEN', `ticket ${ticket.number} was not served by you or at your window`);

    // SLP-5: one slip per ticket; asking again gives the same paper.
    const prior = this.deps.slips.byTicket(ticket.id);
    if (prior !== undefined) {
      if (prior.kind !== r.kind)
        return fail('CONFLICT', `ticket ${ticket.number} already has a ${prior.kind} slip (${prior.number})`);
      return this.reprint(p, prior.number, r.print, myWindow?.id ?? prior.windowId, scoped);
    }
    const finishing = ticket.status === 'serving';
    if (finishing && !servingHere)
      return fail('CONFLICT', `ticket ${ticket.number} is being served at another window; finish it there`);
    if (!finishing && ticket.status !== 'done')
      return fail(
        'CONFLICT',
        `ticket ${ticket.number} is ${ticket.status}; a slip is for a ticket served now at your window or finished`,
      );
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
    // A case opened before slips had a table keeps its number: the receipt is printed again.
    const legacyCase = r.kind === 'acceptance' ? this.deps.cases.byTicket(ticket.id) : undefined;
    if (legacyCase !== undefined && legacyCase.itemCode !== item.code)
      return fail('CONFLICT', `ticket ${ticket.number} was already accepted for item ${legacyCase.itemCode}`);
    const acceptedOn =
      legacyCase === undefined ? today : businessDayOf(legacyCase.acceptedAt, settings.utcOffsetMinutes);
    const printWindowId = myWindow?.id ?? ticket.windowId;
    const context = (documentNumber: string): SlipContext => ({
      request: r,
      ticket: { ...ticket, finishedAt: ticket.finishedAt ?? now },
      item,
      hall: {
        hallName: settings.hallName,
        hallPhone: this.deps.meta.get('hallPhone') ?? DEFAULT_HALL_PHONE,
        agencyName: this.deps.meta.get('agencyName') ?? settings.hallName,
        utcOffsetMinutes: settings.utcOffsetMinutes,
      },
      clerk: { name: clerk?.name ?? p.name, staffNo: clerk?.staffNumber ?? p.staffNumber },
      windowName: windowNumber === undefined ? '综合窗口' : `${windowNumber}号窗口`,
      documentNumber,
      today: acceptedOn,
      now,
      calendar: this.deps.calendar,
      progressUrl: this.deps.progressUrl?.(documentNumber, origin),
    });
    // Checked before anything is written: bad materials or a calendar without working days.
    const dry = this.build(context(documentNumber(r.kind, today, 0)));
    if (!dry.ok) return dry;

    const out = this.deps.hall.run(
      { type: 'slip:issue', ...(scoped !== undefined ? { idempotencyKey: scoped } : {}) },
      (uow): SlipRecord => {
        if (finishing)
          uow.execute({
            type: 'ticket:finish',
            windowId: ticket.windowId!,
            outcome: OUTCOME_OF_SLIP[r.kind],
          });
        const number = legacyCase?.id ?? documentNumber(r.kind, today, this.nextSequence(today));
        const built = this.build(context(number));
        if (!built.ok) return uow.refuse(built.error);
        const { document, deadline } = built;
        let caseId: string | null = legacyCase?.id ?? null;
        // MAT-INSTANT-1: a completion of an item whose guide asks for a material the hall keeps (a
        // required one besides identity documents shown at the window) opens its instant case file
        // (final at once, deadline the day itself), so what was taken in is captured and filed.
        const instant = r.kind === 'completion' && keepsInstantFile(item);
        const opens =
          r.kind === 'acceptance' && legacyCase === undefined && deadline !== null
            ? { date: deadline.date, workingDays: deadline.workingDays }
            : instant
              ? { date: today, workingDays: 0 }
              : null;
        if (opens !== null) {
          caseId = number;
          const forms = this.deps.kioskForms?.(ticket.id, item.code) ?? [];
          uow.append([
            acceptanceFact({
              caseId,
              ticketId: ticket.id,
              ticketNumber: ticket.number,
              itemCode: item.code,
              itemName: item.name,
              reviewLevels: item.reviewLevels ?? DEFAULT_REVIEW_LEVELS,
              deadline: opens.date,
              workingDays: opens.workingDays,
              receivedMaterials:
                document.type === 'acceptance-receipt' ? document.data.materials.map((m) => m.name) : [],
              checklist: (item.guide?.materials ?? []).map((m) => ({ name: m.name, required: m.required })),
              by: p.id,
              instant,
            }),
            // MAT-FILE-4: a material that is the form the citizen filled at the kiosk (or on the
            // phone, MOB-FORM-4) is present, from there: the form is kept with the ticket, not as a page.
            ...(item.guide?.materials ?? [])
              .filter((m) => m.sharedData !== true && forms.some((f) => f.title === m.name))
              .map(
                (m): CaseFact => ({
                  type: 'case:material-captured',
                  caseId: number,
                  material: m.name,
                  pages: [],
                  source: forms.find((f) => f.title === m.name)!.source,
                  by: p.id,
                }),
              ),
            // 免提交 (MAT-CAP-4): what the hall obtains itself is waived at acceptance, with why.
            ...(item.guide?.materials ?? [])
              .filter((m) => m.sharedData === true)
              .map(
                (m): CaseFact => ({
                  type: 'case:material-waived',
                  caseId: number,
                  material: m.name,
                  reason: SHARED_DATA_WAIVER,
                  by: p.id,
                }),
              ),
          ]);
        }
        this.deps.slips.insert({
          number,
          kind: r.kind,
          ticketId: ticket.id,
          caseId,
          itemCode: item.code,
          windowId,
          issuedBy: p.id,
          issuedAt: uow.now,
          document,
        });
        const printed = r.print ? this.printIn(uow, printWindowId, document) : null;
        uow.append([
          {
            type: 'slip:issued',
            number,
            kind: r.kind,
            ticketId: ticket.id,
            caseId,
            itemCode: item.code,
            windowId,
            by: p.id,
            printedOn: printed?.deviceId ?? null,
            printJobId: printed?.jobId ?? null,
          },
        ]);
        return {
          number,
          printJobId: printed?.jobId ?? null,
          printError: printed?.error ?? null,
          finished: finishing,
        };
      },
    );
    if (!out.ok) return out;
    return this.answer(out.value, !out.replayed);
  }

  /** SLP-5: the same slip again; printed again on the window's agent when asked (`slip:reprinted`). */
  private reprint(
    p: Extract<Principal, { kind: 'staff' }>,
    number: string,
    print: boolean,
    printWindowId: string | null,
    scoped: string | undefined,
  ): SlipOutcome {
    if (!print) return this.answer({ number, printJobId: null, printError: null, finished: false }, false);
    const slip = this.deps.slips.byNumber(number)!;
    const out = this.deps.hall.run(
      { type: 'slip:issue', ...(scoped !== undefined ? { idempotencyKey: scoped } : {}) },
      (uow): SlipRecord => {
        const printed = this.printIn(uow, printWindowId, slip.document);
        uow.append([
          {
            type: 'slip:reprinted',
            number,
            ticketId: slip.ticketId,
            by: p.id,
            printedOn: printed.deviceId,
            printJobId: printed.jobId,
          },
        ]);
        return { number, printJobId: printed.jobId, printError: printed.error, finished: false };
      },
    );
    if (!out.ok) return out;
    return this.answer(out.value, !out.replayed);
  }

  /** SLP-7: on the agent of the clerk's window (else the ticket's); without one, the reason. */
  private printIn(
    uow: UnitOfWork,
    windowId: string | null,
    document: SlipDocument,
  ): { deviceId: string | null; jobId: string | null; error: string | null } {
    if (windowId === null)
      return {
        deviceId: null,
        jobId: null,
        error: 'you are not signed on at a window and the ticket has none',
      };
    const deviceId = this.deps.print.agentAt(windowId);
    if (deviceId === undefined) {
      const n = this.deps.hall.queue.window(windowId)?.number ?? windowId;
      return { deviceId: null, jobId: null, error: `no terminal agent is paired at window ${n}` };
    }
    try {
      return { deviceId, jobId: this.deps.print.enqueue(uow, deviceId, document).jobId, error: null };
    } catch (e) {
      if (!(e instanceof InvalidDocument)) throw e;
      // The slip stands (the console prints it as A4); the paper slip says why it was not queued.
      return { deviceId: null, jobId: null, error: e.message };
    }
  }

  private build(
    ctx: SlipContext,
  ):
    | { ok: true; document: SlipDocument; deadline: { workingDays: number; date: LocalDate } | null }
    | { ok: false; error: ApiError } {
    let built: ReturnType<typeof buildSlipDocument>;
    try {
      built = buildSlipDocument(ctx);
    } catch (e) {
      // Only a calendar without working days (every date overridden as a holiday) gets here.
      return { ok: false, error: { code: 'CONFLICT', message: `no deadline: ${(e as Error).message}` } };
    }
    if (!built.ok)
      return {
        ok: false,
        error: {
          code: 'BAD_REQUEST',
          message: `invalid slip: ${built.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          issues: built.issues,
        },
      };
    return built;
  }

  /** The next number of today's daily slip sequence (1, 2, …), inside the unit that uses it. */
  private nextSequence(day: LocalDate): number {
    const key = `slipSeq:${day}`;
    const next = Number(this.deps.meta.get(key) ?? '0') + 1;
    this.deps.meta.put(key, String(next));
    return next;
  }

  private answer(rec: SlipRecord, created: boolean): SlipOutcome {
    const slip = this.deps.slips.byNumber(rec.number);
    if (slip === undefined)
      return { ok: false, error: { code: 'INTERNAL', message: `slip ${rec.number} is missing` } };
    const kase = slip.caseId === null ? undefined : this.deps.cases.byId(slip.caseId);
    return {
      ok: true,
      created,
      data: {
        document: slip.document,
        number: slip.number,
        printJobId: rec.printJobId,
        printError: rec.printError,
        case: kase === undefined ? null : this.deps.named(kase),
        finished: rec.finished,
      },
    };
  }
}
