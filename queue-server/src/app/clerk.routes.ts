import {
  type ApiError,
  type CardRead,
  type CaseRecord,
  type CounterCard,
  caseListQuerySchema,
  caseTransitionSchema,
  type DeadlineResult,
  deadlineQuerySchema,
  maskIdNumber,
  maskName,
  type PrintJob,
  type SlipResult,
  type StaffRole,
  slipRequestSchema,
} from '@onewindow/shared';
import express, { type Request, type Response, type Router } from 'express';
import type { Principal } from '../auth/permissions.ts';
import type { QueueEngine } from '../domain/engine.ts';
import { WorkingCalendar } from '../service/calendar.ts';
import type { Clock } from '../service/hall.service.ts';
import { SlipService, transitionCase } from '../service/slips.ts';
import type { AuthStore } from '../store/auth.store.ts';
import { consoleStores } from '../store/case.store.ts';
import type { HallStore } from '../store/hall.store.ts';
import type { AuthService } from './auth.service.ts';
import { badRequest } from './command.gateway.ts';
import { ROUTES, send, staffOf } from './http.ts';

ROUTES.push(
  {
    method: 'post',
    path: '/api/slips',
    summary:
      'Builds a window slip (completion, acceptance, rejection, supplement) for a ticket the clerk serves; optionally prints it on the window’s agent; an acceptance opens a case. Roles: clerk, rights-clerk, manager',
    auth: 'staff',
    body: slipRequestSchema,
  },
  {
    method: 'get',
    path: '/api/cases',
    summary:
      'Time-limited cases, earliest deadline first; ?status= filters. Roles: reviewer, review-supervisor, rights-clerk, manager, clerk',
    auth: 'staff',
  },
  {
    method: 'post',
    path: '/api/cases/{id}/transition',
    summary:
      'Moves a case: reviewer accepted→in-review→approved|returned; rights-clerk approved→ready→handed-back',
    auth: 'staff',
    body: caseTransitionSchema,
  },
  {
    method: 'get',
    path: '/api/calendar/deadline',
    summary:
      'The date N working days after ?from=YYYY-MM-DD (national holidays and 调休, hall overrides win): ?from=&workingDays=',
    auth: 'staff',
  },
);

const CASE_READERS: readonly StaffRole[] = [
  'reviewer',
  'review-supervisor',
  'rights-clerk',
  'manager',
  'clerk',
];

type Staff = Extract<Principal, { kind: 'staff' }>;

export interface ClerkRouterDeps {
  auth: AuthService;
  authStore: AuthStore;
  store: HallStore;
  queue: () => QueueEngine;
  channel: { print(deviceId: string, document: PrintJob['document']): PrintJob };
  clock: Clock;
}

/** The terminal agent paired at a window, if any. */
export function agentAt(authStore: AuthStore, windowId: string): string | undefined {
  return authStore
    .allDevices()
    .find((d) => d.kind === 'agent' && d.windowId === windowId && d.revokedAt === null)?.id;
}

/** Slips, cases and deadlines for the clerk and back-office consoles (SPEC SLP-*, CASE-*, CAL-3). */
export function clerkRouter(deps: ClerkRouterDeps): Router {
  const r = express.Router();
  const { cases, overrides } = consoleStores(deps.store.db);
  const calendar = new WorkingCalendar(overrides.lookup);
  const slips = new SlipService({
    queue: deps.queue,
    ticketFromStore: (id) => deps.store.ticketById(id),
    catalog: () => deps.authStore.catalog(),
    staff: (id) => deps.authStore.staffById(id),
    calendar,
    cases,
    nextSequence: (day) => {
      const key = `slipSeq:${day}`;
      const next = Number(deps.store.meta(key) ?? '0') + 1;
      deps.store.putMeta(key, String(next));
      return next;
    },
    meta: (key) => deps.store.meta(key),
    clock: deps.clock,
  });

  const fail = (res: Response, error: ApiError) => send(res, { ok: false, error });
  /** The case with the name and 工号 of everyone in it (the back office shows who, not ids). */
  const named = (c: CaseRecord): CaseRecord => {
    const staff: NonNullable<CaseRecord['staff']> = {};
    for (const id of [c.acceptedBy, ...c.history.map((h) => h.by)]) {
      const s = deps.authStore.staffById(id);
      if (s !== undefined) staff[id] = { name: s.name, staffNumber: s.staffNumber };
    }
    return { ...c, staff };
  };
  /** The staff principal, or an answer already sent. */
  const staff = (req: Request, res: Response, roles?: readonly StaffRole[]): Staff | null =>
    staffOf(req, res, deps.auth, roles);

  r.post('/slips', (req, res) => {
    const p = staff(req, res);
    if (p === null) return;
    const parsed = slipRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) return fail(res, badRequest(parsed.error, 'slip request'));
    const out = slips.issue(p, parsed.data);
    if (!out.ok) return fail(res, out.error);
    let printJobId: string | null = null;
    let printError: string | null = null;
    if (parsed.data.print) {
      const deviceId = out.printWindowId === null ? undefined : agentAt(deps.authStore, out.printWindowId);
      if (out.printWindowId === null)
        printError = 'you are not signed on at a window and the ticket has none';
      else if (deviceId === undefined) {
        const n = deps.queue().window(out.printWindowId)?.number ?? out.printWindowId;
        printError = `no terminal agent is paired at window ${n}`;
      } else printJobId = deps.channel.print(deviceId, out.document).jobId;
    }
    const data: SlipResult = { document: out.document, printJobId, printError, case: out.case };
    send(res, { ok: true, data }, 201);
  });

  r.get('/cases', (req, res) => {
    if (staff(req, res, CASE_READERS) === null) return;
    const parsed = caseListQuerySchema.safeParse(req.query);
    if (!parsed.success) return fail(res, badRequest(parsed.error, 'case query'));
    send<CaseRecord[]>(res, { ok: true, data: cases.list(parsed.data.status).map(named) });
  });

  r.post('/cases/:id/transition', (req, res) => {
    const p = staff(req, res);
    if (p === null) return;
    const parsed = caseTransitionSchema.safeParse(req.body ?? {});
    if (!parsed.success) return fail(res, badRequest(parsed.error, 'case transition'));
    const record = cases.byId(String(req.params.id));
    if (record === undefined) return fail(res, { code: 'NOT_FOUND', message: `no case ${req.params.id}` });
    const now = deps.clock.now();
    const moved = transitionCase(record, p, parsed.data.to, parsed.data.note ?? null, now);
    if (!moved.ok) return fail(res, moved.error);
    cases.update(moved.record, now);
    send<CaseRecord>(res, { ok: true, data: named(moved.record) });
  });

  r.get('/calendar/deadline', (req, res) => {
    if (staff(req, res) === null) return;
    const parsed = deadlineQuerySchema.safeParse(req.query);
    if (!parsed.success) return fail(res, badRequest(parsed.error, 'deadline query'));
    try {
      const date = calendar.addWorkingDays(parsed.data.from, parsed.data.workingDays);
      send<DeadlineResult>(res, { ok: true, data: { date, workingDays: parsed.data.workingDays } });
    } catch (e) {
      fail(res, { code: 'BAD_REQUEST', message: (e as Error).message });
    }
  });

  return r;
}

/**
 * The counter's identity check (SPEC CTR-1): a card read by a window's agent, for the clerk
 * signed on there, masked, with whether it is the holder of the ticket the window holds.
 */
export function counterCardFor(deps: {
  queue: () => QueueEngine;
  holderRef: (idNumber: string) => string;
}): (windowId: string, card: CardRead) => { clerkId: string; card: CounterCard } | null {
  return (windowId, card) => {
    const q = deps.queue();
    const w = q.window(windowId);
    if (w === undefined || w.clerkId === null) return null;
    const ticket = w.ticketId === null ? undefined : q.ticket(w.ticketId);
    const ref = ticket?.holder?.ref ?? null;
    return {
      clerkId: w.clerkId,
      card: {
        windowId,
        masked: maskIdNumber(card.idNumber.trim()),
        maskedName: maskName(card.name),
        source: card.source,
        matchesTicket: ref === null ? null : deps.holderRef(card.idNumber) === ref,
        ticketId: ticket?.id ?? null,
      },
    };
  };
}
