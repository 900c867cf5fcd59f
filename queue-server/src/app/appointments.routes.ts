import type { ApiError } from '@onewindow/shared';
import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import type { Principal } from '../auth/permissions.ts';
import { businessDayOf } from '../domain/clock.ts';
import { DEFAULT_SETTINGS } from '../domain/settings.ts';
import {
  AppointmentService,
  type CheckInInput,
  checkInBodySchema,
  importBodySchema,
} from '../service/appointment.service.ts';
import { loadDayReport } from '../service/day-report.ts';
import type { Clock, HallService } from '../service/hall.service.ts';
import { AppointmentStore } from '../store/appointment.store.ts';
import type { AuthStore } from '../store/auth.store.ts';
import type { HallStore } from '../store/hall.store.ts';
import { ReportStore } from '../store/report.store.ts';
import type { AuthService } from './auth.service.ts';
import { badRequest, type CommandGateway } from './command.gateway.ts';
import type { HallViews } from './hall.views.ts';
import { needStaffOf, principalOf, ROUTES, send } from './http.ts';

/** The one AppointmentService of an app (the kiosk checks in through it too). */
export function appointmentServiceFor(deps: {
  store: HallStore;
  service: HallService;
  gateway: CommandGateway;
  authStore: AuthStore;
  clock: Clock;
}): AppointmentService {
  return new AppointmentService({
    store: new AppointmentStore(deps.store.db),
    hall: deps.service,
    holderRef: (id) => deps.gateway.holderRef(id),
    clock: deps.clock,
    itemCategories: () => new Map(deps.authStore.catalog().map((i) => [i.code, i.categoryId])),
    ticketById: (id) => deps.store.ticketById(id),
  });
}

export interface AppointmentRoutesDeps {
  store: HallStore;
  service: HallService;
  gateway: CommandGateway;
  auth: AuthService;
  authStore: AuthStore;
  clock: Clock;
  views?: HallViews;
  appointments?: AppointmentService;
}

const dayQuery = z.strictObject({ day: z.iso.date().optional() });
const reportQuery = z.strictObject({ date: z.iso.date().optional() });

ROUTES.push(
  {
    method: 'post',
    path: '/api/appointments/import',
    summary:
      "Imports a day's bookings (预约). All rows are checked first; any invalid row refuses the whole import with every row's errors (issues: bookings.<row>.<field>). Re-importing a booking code updates it. Roles: manager, admin.",
    auth: 'staff',
    body: importBodySchema,
  },
  {
    method: 'post',
    path: '/api/appointments/check-in',
    summary:
      'Checks a citizen in by ID number or booking code: on time an appointment-class ticket, late a regular one, early APPOINTMENT_TOO_EARLY with error.messageZh saying when; a repeat returns the same ticket. Kiosk device or guide/manager.',
    auth: 'staff-or-device',
    body: checkInBodySchema,
  },
  {
    method: 'get',
    path: '/api/appointments',
    summary: 'Bookings of a day (?day=YYYY-MM-DD, default today), ID numbers masked',
    auth: 'staff',
  },
  {
    method: 'get',
    path: '/api/reports/day',
    summary:
      'Day report (日结报表, ?date=YYYY-MM-DD): counts, outcomes, waits and service times per category, window and clerk, hourly arrivals. Roles: manager, admin.',
    auth: 'staff',
  },
);

type Staff = Extract<Principal, { kind: 'staff' }>;
const fail = (res: Response, error: ApiError) => send(res, { ok: false, error });

/** Appointments (SPEC APT-*) and the day report (SPEC RPT-*), mounted under /api. */
export function createAppointmentsRouter(deps: AppointmentRoutesDeps): Router {
  const r = express.Router();
  const appointments = deps.appointments ?? appointmentServiceFor(deps);
  const reports = new ReportStore(deps.store.db);
  const offset = () => deps.service.queue.settings?.utcOffsetMinutes ?? DEFAULT_SETTINGS.utcOffsetMinutes;

  const needStaff = needStaffOf(deps.auth);

  r.post('/appointments/import', needStaff(['manager', 'admin']), (req, res) => {
    const body = importBodySchema.safeParse(req.body ?? {});
    if (!body.success) return fail(res, badRequest(body.error, 'appointment import'));
    const out = appointments.importBookings(body.data.bookings);
    if (!out.ok)
      return fail(res, {
        code: 'BAD_REQUEST',
        message: `${new Set(out.errors.map((e) => e.row)).size} row(s) are invalid; nothing was imported`,
        issues: out.errors.map((e) => ({ path: `bookings.${e.row}.${e.field}`, message: e.message })),
      });
    const p = res.locals.principal as Staff;
    deps.authStore.audit({
      at: deps.clock.now(),
      actor: p.id,
      action: 'appointments:import',
      target: null,
      detail: out.data,
    });
    send(res, { ok: true, data: out.data });
  });

  r.post('/appointments/check-in', (req, res) => {
    const p = principalOf(req, deps.auth);
    if (p.kind === 'anonymous')
      return fail(res, { code: 'UNAUTHENTICATED', message: 'log in or pair this device first' });
    const allowed =
      (p.kind === 'device' && p.deviceKind === 'kiosk') ||
      (p.kind === 'staff' && p.roles.some((x) => x === 'guide' || x === 'manager'));
    if (!allowed)
      return fail(res, { code: 'FORBIDDEN', message: 'a kiosk, guide or manager checks citizens in' });
    const body = checkInBodySchema.safeParse(req.body ?? {});
    if (!body.success) return fail(res, badRequest(body.error, 'check-in (give idNumber or bookingCode)'));
    const out = appointments.checkIn(body.data as CheckInInput);
    if (!out.ok) return send(res, out);
    const estimate = deps.views?.ticketEstimate(out.data.ticket.id) ?? null;
    send(res, { ok: true, data: { ...out.data, estimate } }, out.data.replayed ? 200 : 201);
  });

  r.get('/appointments', needStaff(), (req, res) => {
    const q = dayQuery.safeParse(req.query);
    if (!q.success) return fail(res, badRequest(q.error, 'query'));
    const day = q.data.day ?? businessDayOf(deps.clock.now(), offset());
    send(res, { ok: true, data: { day, appointments: appointments.list(day) } });
  });

  r.get('/reports/day', needStaff(['manager', 'admin']), (req, res) => {
    const q = reportQuery.safeParse(req.query);
    if (!q.success) return fail(res, badRequest(q.error, 'query'));
    const day = q.data.date ?? businessDayOf(deps.clock.now(), offset());
    const report = loadDayReport(reports, {
      businessDay: day,
      utcOffsetMinutes: offset(),
      categoryIds: deps.service.queue.hallConfig?.categories.map((c) => c.id) ?? [],
      appointments: appointments.rowsOf(day),
    });
    const clerks = report.clerks.map((c) => {
      const s = deps.authStore.staffById(c.clerkId);
      return { ...c, name: s?.name ?? null, staffNumber: s?.staffNumber ?? null };
    });
    send(res, { ok: true, data: { ...report, clerks } });
  });

  return r;
}
