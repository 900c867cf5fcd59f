import { randomUUID } from 'node:crypto';
import {
  type Ack,
  type ApiError,
  type ApplicationView,
  displayValue,
  type FormDefinition,
  type KioskCheckInResult,
  type KioskContext,
  type KioskIssueResult,
  type KioskTicket,
  kioskCheckInSchema,
  kioskIssueSchema,
  kioskLookupSchema,
  kioskReprintSchema,
  LIVE_TICKET_STATUSES,
  maskIdNumber,
  maskName,
  parseIdNumber,
  type StaffRole,
  type Ticket,
  validateForm,
} from '@onewindow/shared';
import express, { type Request, type Response, type Router } from 'express';
import type { Principal } from '../auth/permissions.ts';
import { businessDayOf } from '../domain/clock.ts';
import { openingState } from '../domain/opening-hours.ts';
import type { AppointmentService, CheckInInput } from '../service/appointment.service.ts';
import type { Clock, HallService } from '../service/hall.service.ts';
import type { ApplicationStore } from '../store/application.store.ts';
import type { AuthStore } from '../store/auth.store.ts';
import type { DeviceStore } from '../store/device.store.ts';
import type { AuthService } from './auth.service.ts';
import { badRequest, type CommandGateway } from './command.gateway.ts';
import type { attachDevices } from './devices.realtime.ts';
import type { HallViews } from './hall.views.ts';
import { principalOf, ROUTES, send, staffOf } from './http.ts';

ROUTES.push(
  {
    method: 'get',
    path: '/api/kiosk/context',
    summary: 'What a kiosk shows besides the catalog: hall, opening hours, senior age, categories, estimates',
    auth: 'device',
  },
  {
    method: 'post',
    path: '/api/kiosk/tickets',
    summary:
      'Takes a ticket at a kiosk for a catalog item, with the identity and the item’s form, and prints it on the kiosk. Send an Idempotency-Key header: a retry returns the same ticket and prints nothing twice. A person’s live ticket in the same category is returned instead of a new one (existing: true).',
    auth: 'device',
    body: kioskIssueSchema,
  },
  {
    method: 'post',
    path: '/api/kiosk/tickets/{id}/reprint',
    summary: 'Prints a live ticket again on this kiosk; a ticket with a holder needs the same ID number',
    auth: 'device',
    body: kioskReprintSchema,
  },
  {
    method: 'post',
    path: '/api/kiosk/lookup',
    summary: 'A person’s tickets today, with position and estimated wait (masked)',
    auth: 'device',
    body: kioskLookupSchema,
  },
  {
    method: 'post',
    path: '/api/kiosk/check-in',
    summary:
      'Appointment check-in at the kiosk by ID number or booking code, printed like a ticket (late: a regular ticket)',
    auth: 'device',
    body: kioskCheckInSchema,
  },
  {
    method: 'get',
    path: '/api/applications',
    summary: 'Kiosk forms (draft applications) of a ticket: ?ticketId=… Window, guide and review posts.',
    auth: 'staff',
  },
  {
    method: 'get',
    path: '/api/applications/by-code/{code}',
    summary: 'A kiosk form by the code printed on the ticket (the clerk scans it)',
    auth: 'staff',
  },
);

/** Posts that read a citizen's kiosk form: the windows, the guide desk, review and managers. */
const APPLICATION_READERS: StaffRole[] = [
  'clerk',
  'rights-clerk',
  'guide',
  'reviewer',
  'review-supervisor',
  'manager',
];
/** A ticket printed more often than this is a misuse, not a lost slip. */
const MAX_REPRINTS = 3;

export interface KioskRoutesDeps {
  auth: AuthService;
  authStore: AuthStore;
  service: HallService;
  gateway: CommandGateway;
  views: HallViews;
  devices: DeviceStore;
  channel: ReturnType<typeof attachDevices>;
  appointments: AppointmentService;
  applications: ApplicationStore;
  clock: Clock;
  /** Where the ticket's QR code points; the request's own origin when absent. */
  publicUrl?: string | undefined;
}

type KioskPrincipal = Extract<Principal, { kind: 'device' }>;
const fail = (res: Response, error: ApiError) => send(res, { ok: false, error });

/** The kiosk (issue #5, SPEC KSK-*) and the clerk's view of kiosk forms, mounted under /api. */
export function kioskRouter(deps: KioskRoutesDeps): Router {
  const r = express.Router();
  const q = () => deps.service.queue;
  const settings = () => q().settings;
  const today = () => businessDayOf(deps.clock.now(), settings()?.utcOffsetMinutes ?? 480);
  const catalog = () => deps.authStore.catalog();

  const kiosk = (req: Request, res: Response): KioskPrincipal | null => {
    const p = principalOf(req, deps.auth);
    if (p.kind === 'anonymous') {
      fail(res, { code: 'UNAUTHENTICATED', message: 'pair this kiosk first (X-Device-Token)' });
      return null;
    }
    if (p.kind !== 'device' || p.deviceKind !== 'kiosk') {
      fail(res, { code: 'FORBIDDEN', message: 'kiosk endpoints are for paired kiosk terminals' });
      return null;
    }
    return p;
  };

  const statusBase = (req: Request) =>
    (deps.publicUrl ?? `${req.protocol}://${req.get('host')}`).replace(/\/+$/, '');

  const viewOf = (t: Readonly<Ticket>, req: Request): KioskTicket => {
    const cfg = q().hallConfig;
    const item = t.itemCode ? catalog().find((i) => i.code === t.itemCode) : undefined;
    const est = t.status === 'waiting' ? deps.views.ticketEstimate(t.id) : null;
    const windowNumber =
      t.windowId !== null && (t.status === 'called' || t.status === 'serving' || t.status === 'parked')
        ? (q().window(t.windowId)?.number ?? null)
        : null;
    return {
      id: t.id,
      number: t.number,
      categoryId: t.categoryId,
      categoryName: cfg?.categories.find((c) => c.id === t.categoryId)?.name ?? t.categoryId,
      itemCode: t.itemCode,
      itemName: item?.name ?? null,
      status: t.status,
      priorityClass: t.priorityClass,
      holderMasked: t.holder?.masked ?? null,
      issuedAt: t.arrivedAt,
      ahead: est?.ahead ?? null,
      estimateMinutes: est?.minutes ?? null,
      windowNumber,
      statusUrl: `${statusBase(req)}/t/${encodeURIComponent(t.id)}`,
    };
  };

  const priorityNote = (t: Readonly<Ticket>): string | null => {
    if (t.priorityClass === 'senior') return `您已年满${settings()?.seniorAge ?? 60}周岁，享受老年人优先`;
    if (t.priorityClass === 'appointment') return '预约按时签到，享受预约优先';
    return null;
  };

  /** Queues the queue-ticket document on this kiosk; never throws (the screen keeps the number). */
  const printTicket = (
    deviceId: string,
    t: Readonly<Ticket>,
    req: Request,
    application: { code: string; title: string; lines: string[] } | null,
  ): { jobId: string } | { error: string } => {
    try {
      const s = settings();
      const view = viewOf(t, req);
      const category = q().hallConfig?.categories.find((c) => c.id === t.categoryId);
      const note = priorityNote(t);
      const job = deps.channel.print(deviceId, {
        type: 'queue-ticket',
        data: {
          hallName: s?.hallName ?? '社会保险经办服务大厅',
          hallPhone: '12333',
          businessName: category?.name ?? view.categoryName,
          ...(category?.nameEn ? { businessNameEn: category.nameEn } : {}),
          ...(view.itemName ? { itemName: view.itemName } : {}),
          ...(note ? { priorityNote: note.length > 30 ? '老年人优先' : note } : {}),
          number: t.number,
          peopleAhead: view.ahead ?? 0,
          estimatedWaitMinutes: view.estimateMinutes,
          takenAt: t.arrivedAt,
          utcOffsetMinutes: s?.utcOffsetMinutes ?? 480,
          ticketId: t.id,
          statusBaseUrl: statusBase(req),
          english: true,
          ...(application ? { application } : {}),
        },
      });
      return { jobId: job.jobId };
    } catch (e) {
      return { error: `the ticket could not be queued for printing: ${(e as Error).message}` };
    }
  };

  const applicationLines = (def: FormDefinition, values: Record<string, string>): string[] =>
    def.fields
      .filter((f) => values[f.key])
      .map((f) => {
        const v = displayValue(f, values[f.key]);
        // The slip travels in the citizen's hand: personal data masked as on every slip.
        const shown =
          f.kind === 'id-number'
            ? maskIdNumber(v)
            : f.prefill === 'name'
              ? maskName(v)
              : f.kind === 'phone'
                ? `${v.slice(0, 3)}****${v.slice(-4)}`
                : f.kind === 'digits' && v.length > 8
                  ? `****${v.slice(-4)}`
                  : f.prefill === 'address'
                    ? `${v.slice(0, 6)}…`
                    : v;
        return `${f.label}：${shown}`;
      });

  r.get('/kiosk/context', (req, res) => {
    const p = kiosk(req, res);
    if (!p) return;
    const cfg = q().hallConfig;
    const s = settings();
    if (cfg === null || s === null)
      return fail(res, { code: 'NOT_CONFIGURED', message: 'the hall has no configuration yet' });
    const open = openingState(s, deps.clock.now());
    const device = deps.authStore.deviceById(p.id);
    const data: KioskContext = {
      hallName: s.hallName,
      hallNameEn: 'Social Insurance Service Hall',
      today: today(),
      utcOffsetMinutes: s.utcOffsetMinutes,
      seniorAge: s.seniorAge,
      openingHours: s.openingHours,
      openNow: open.openNow,
      closedMessageZh: open.messageZh,
      oneTicketPerCategory: s.oneTicketPerCategory !== false,
      categories: cfg.categories,
      estimates: deps.views.estimates(),
      device: { id: p.id, name: device?.name ?? p.id },
    };
    send(res, { ok: true, data });
  });

  r.post('/kiosk/tickets', (req, res) => {
    const p = kiosk(req, res);
    if (!p) return;
    const parsed = kioskIssueSchema.safeParse(req.body ?? {});
    if (!parsed.success) return fail(res, badRequest(parsed.error, 'kiosk ticket'));
    const b = parsed.data;
    const s = settings();
    if (s === null)
      return fail(res, { code: 'NOT_CONFIGURED', message: 'the hall has no configuration yet' });
    const item = catalog().find((i) => i.code === b.itemCode);
    if (!item)
      return fail(res, {
        code: 'NOT_FOUND',
        message: `no catalog item ${b.itemCode}`,
        messageZh: '没有该业务事项，请重新选择',
      });
    const key = req.get('idempotency-key') ?? undefined;
    if (key !== undefined && (key.length === 0 || key.length > 100))
      return fail(res, { code: 'BAD_REQUEST', message: 'Idempotency-Key must be 1–100 characters' });

    // A retry of an attempt that already got its ticket: the same answer, nothing printed again.
    // The gateway scopes keys by sender: `device:<id>:` + the key it was given.
    const commandKey = key === undefined ? undefined : `kiosk:${key}`;
    if (commandKey !== undefined) {
      const prior = deps.service.issuedUnder(`device:${p.id}:${commandKey}`);
      if (prior !== undefined) {
        const t = q().ticket(prior.id) ?? prior;
        const jobs = deps.devices.ticketJobs(p.id, t.id);
        const app = deps.applications.byTicket(t.id)[0];
        const data: KioskIssueResult = {
          ticket: viewOf(t, req),
          existing: false,
          print: jobs[0] ? { jobId: jobs[0].job.jobId } : null,
          application: app ? { id: app.id, code: app.code } : null,
          priorityNoteZh: priorityNote(t),
        };
        return send(res, { ok: true, data });
      }
    }

    const open = openingState(s, deps.clock.now());
    if (!open.openNow)
      return fail(res, {
        code: 'HALL_CLOSED',
        message: `tickets are given ${s.openingHours.open}–${s.openingHours.close} on ISO weekdays ${s.openingHours.weekdays.join(',')}`,
        messageZh: open.messageZh,
      });

    let idNumber: string | undefined;
    if (b.idNumber !== undefined) {
      const id = parseIdNumber(b.idNumber, { today: today() });
      if (!id.ok)
        return fail(res, {
          code: 'INVALID_ID_NUMBER',
          message: id.error.detail,
          messageZh: id.error.message,
        });
      idNumber = id.value.number;
    } else if (item.identityRequired !== false)
      return fail(res, {
        code: 'IDENTITY_REQUIRED',
        message: `item ${item.code} needs the citizen's ID number`,
      });

    // KSK-4: one live ticket per person per category.
    if (idNumber !== undefined && s.oneTicketPerCategory !== false) {
      const ref = deps.gateway.holderRef(idNumber);
      const live = q().liveTicketOf(ref, item.categoryId);
      if (live) {
        const app = deps.applications.byTicket(live.id)[0];
        const data: KioskIssueResult = {
          ticket: viewOf(live, req),
          existing: true,
          print: null,
          application: app ? { id: app.id, code: app.code } : null,
          priorityNoteZh: priorityNote(live),
        };
        return send(res, { ok: true, data });
      }
    }

    // KSK-5: the form is checked with the same rules the kiosk used.
    let form: { def: FormDefinition; values: Record<string, string> } | null = null;
    if (b.form !== undefined) {
      if (!item.form)
        return fail(res, { code: 'BAD_REQUEST', message: `item ${item.code} has no kiosk form` });
      const values = Object.fromEntries(
        Object.entries(b.form)
          .map(([k, v]) => [k, v.trim()] as const)
          .filter(([, v]) => v !== ''),
      );
      const issues = validateForm(item.form, values, today());
      const idField = item.form.fields.find((f) => f.kind === 'id-number');
      if (idField && idNumber !== undefined && values[idField.key] !== undefined) {
        const formId = parseIdNumber(values[idField.key]!);
        if (formId.ok && formId.value.number !== idNumber)
          issues.push({
            key: idField.key,
            messageZh: '表单中的证件号码与刷卡的不一致',
            message: `${idField.key} differs from the identified ID number`,
          });
      }
      if (issues.length > 0)
        return fail(res, {
          code: 'BAD_REQUEST',
          message: `${issues.length} form field(s) are invalid`,
          issues: issues.map((i) => ({ path: `form.${i.key}`, message: i.message, messageZh: i.messageZh })),
          messageZh: issues[0]!.messageZh,
        });
      form = { def: item.form, values };
    }

    const ack = deps.gateway.dispatch(
      p,
      'ticket:issue',
      {
        categoryId: item.categoryId,
        itemCode: item.code,
        ...(idNumber !== undefined ? { idNumber } : {}),
        ...(commandKey !== undefined ? { idempotencyKey: commandKey } : {}),
      },
      'rest',
    );
    if (!ack.ok) return send(res, ack);
    const issued = ack.data.facts.find((f) => f.type === 'ticket:issued');
    if (issued?.type !== 'ticket:issued')
      return fail(res, { code: 'INTERNAL', message: 'the command issued no ticket' });
    const ticket = q().ticket(issued.ticket.id) ?? issued.ticket;

    let application: { id: string; code: string; title: string; lines: string[] } | null = null;
    if (form !== null) {
      const existing = deps.applications.byTicket(ticket.id)[0];
      if (existing)
        application = { id: existing.id, code: existing.code, title: existing.formTitle, lines: [] };
      else {
        const code = `F${ticket.businessDay.slice(2).replaceAll('-', '')}-${ticket.number}`;
        application = { id: `app-${randomUUID()}`, code, title: form.def.title, lines: [] };
        deps.applications.insert({
          id: application.id,
          code,
          ticketId: ticket.id,
          itemCode: item.code,
          deviceId: p.id,
          createdAt: deps.clock.now(),
          formTitle: form.def.title,
          values: form.values,
        });
      }
      application.lines = applicationLines(form.def, form.values);
    }

    const priorJobs = deps.devices.ticketJobs(p.id, ticket.id);
    const print = priorJobs[0]
      ? { jobId: priorJobs[0].job.jobId }
      : b.print
        ? printTicket(p.id, ticket, req, application)
        : null;
    const data: KioskIssueResult = {
      ticket: viewOf(ticket, req),
      existing: false,
      print,
      application: application ? { id: application.id, code: application.code } : null,
      priorityNoteZh: priorityNote(ticket),
    };
    send(res, { ok: true, data }, ack.data.replayed ? 200 : 201);
  });

  r.post('/kiosk/tickets/:id/reprint', (req, res) => {
    const p = kiosk(req, res);
    if (!p) return;
    const parsed = kioskReprintSchema.safeParse(req.body ?? {});
    if (!parsed.success) return fail(res, badRequest(parsed.error, 'reprint'));
    const t = q().ticket(String(req.params.id));
    if (!t || !LIVE_TICKET_STATUSES.includes(t.status))
      return fail(res, {
        code: 'NOT_FOUND',
        message: 'no live ticket with that id',
        messageZh: '没有找到该号票',
      });
    if (t.holder?.ref) {
      const given = parsed.data.idNumber === undefined ? null : parseIdNumber(parsed.data.idNumber);
      if (!given?.ok || deps.gateway.holderRef(given.value.number) !== t.holder.ref)
        return fail(res, {
          code: 'FORBIDDEN',
          message: 'a ticket with a holder is reprinted for the same ID number only',
          messageZh: '请刷本人证件后补打',
        });
    }
    if (deps.devices.ticketJobs(p.id, t.id).length > MAX_REPRINTS)
      return fail(res, {
        code: 'CONFLICT',
        message: `ticket ${t.id} was printed ${MAX_REPRINTS + 1} times on this kiosk already`,
        messageZh: '补打次数已用完，请到咨询引导台',
      });
    const app = deps.applications.byTicket(t.id)[0];
    const item = t.itemCode ? catalog().find((i) => i.code === t.itemCode) : undefined;
    const summary =
      app && item?.form
        ? { code: app.code, title: app.formTitle, lines: applicationLines(item.form, app.values) }
        : null;
    send(res, { ok: true, data: { print: printTicket(p.id, t, req, summary) } }, 201);
  });

  r.post('/kiosk/lookup', (req, res) => {
    const p = kiosk(req, res);
    if (!p) return;
    const parsed = kioskLookupSchema.safeParse(req.body ?? {});
    if (!parsed.success) return fail(res, badRequest(parsed.error, 'lookup'));
    const id = parseIdNumber(parsed.data.idNumber, { today: today() });
    if (!id.ok)
      return fail(res, { code: 'INVALID_ID_NUMBER', message: id.error.detail, messageZh: id.error.message });
    const ref = deps.gateway.holderRef(id.value.number);
    const day = today();
    const tickets = q()
      .allTickets()
      .filter((t) => t.holder?.ref === ref && t.businessDay === day)
      .sort((a, b) => a.arrivedAt - b.arrivedAt)
      .map((t) => viewOf(t, req));
    send(res, { ok: true, data: { tickets } });
  });

  r.post('/kiosk/check-in', (req, res) => {
    const p = kiosk(req, res);
    if (!p) return;
    const parsed = kioskCheckInSchema.safeParse(req.body ?? {});
    if (!parsed.success)
      return fail(res, badRequest(parsed.error, 'check-in (give idNumber or bookingCode)'));
    const { print, ...input } = parsed.data;
    const out = deps.appointments.checkIn(input as CheckInInput);
    if (!out.ok) return send(res, out as Ack<never>);
    const t = q().ticket(out.data.ticket.id) ?? out.data.ticket;
    const prior = deps.devices.ticketJobs(p.id, t.id)[0];
    const data: KioskCheckInResult = {
      ticket: viewOf(t, req),
      existing: out.data.replayed,
      print: prior ? { jobId: prior.job.jobId } : print ? printTicket(p.id, t, req, null) : null,
      application: null,
      priorityNoteZh: priorityNote(t),
      late: out.data.late,
    };
    send(res, { ok: true, data }, out.data.replayed ? 200 : 201);
  });

  // The clerk's side: the kiosk form beside the called ticket, or by scanning its code.
  const reader = (req: Request, res: Response): boolean =>
    staffOf(req, res, deps.auth, APPLICATION_READERS) !== null;
  const applicationView = (a: NonNullable<ReturnType<ApplicationStore['byId']>>): ApplicationView => {
    const item = catalog().find((i) => i.code === a.itemCode);
    const ticket = q().ticket(a.ticketId);
    const fields = item?.form
      ? item.form.fields
          .filter((f) => a.values[f.key] !== undefined)
          .map((f) => ({ key: f.key, label: f.label, value: displayValue(f, a.values[f.key]) }))
      : Object.entries(a.values).map(([key, value]) => ({ key, label: key, value }));
    return {
      id: a.id,
      code: a.code,
      ticketId: a.ticketId,
      ticketNumber: ticket?.number ?? a.ticketId.split('-').at(-1) ?? a.ticketId,
      itemCode: a.itemCode,
      itemName: item?.name ?? a.itemCode,
      formTitle: a.formTitle,
      createdAt: a.createdAt,
      fields,
      values: a.values,
    };
  };

  r.get('/applications', (req, res) => {
    if (!reader(req, res)) return;
    const ticketId = typeof req.query.ticketId === 'string' ? req.query.ticketId.trim() : '';
    if (ticketId === '' || ticketId.length > 64)
      return fail(res, { code: 'BAD_REQUEST', message: 'give ?ticketId= (1–64 characters)' });
    send(res, { ok: true, data: deps.applications.byTicket(ticketId).map(applicationView) });
  });

  r.get('/applications/by-code/:code', (req, res) => {
    if (!reader(req, res)) return;
    const a = deps.applications.byCode(String(req.params.code).slice(0, 40));
    if (!a) return fail(res, { code: 'NOT_FOUND', message: 'no kiosk form with that code' });
    send(res, { ok: true, data: applicationView(a) });
  });

  return r;
}
