/**
 * Figures, reports, follow-ups and appointments (SPEC STAT-*, RPT-*, FUP-*, APT-*): the manager's
 * dashboard and exports, the clerk's own figures, 差评回访, the day's bookings.
 */
import {
  FOLLOW_UP_STATUSES,
  followUpCallbackBodySchema,
  followUpSettingsSchema,
  followUpStatusBodySchema,
  STATS_EXPORT_FORMATS,
  type Ticket,
} from '@onewindow/shared';
import { z } from 'zod';
import type { Hall } from '../../compose.ts';
import { type CheckInInput, checkInBodySchema, importBodySchema } from '../../service/appointment.service.ts';
import { download, fail, type RouteDef, route, staffOf } from '../route-table.ts';

const date = z.iso.date();
const rangeQuery = z.strictObject({ from: date.optional(), to: date.optional() });
const exportQuery = z.strictObject({
  from: date.optional(),
  to: date.optional(),
  format: z.enum(STATS_EXPORT_FORMATS).default('csv'),
});
const meQuery = z.strictObject({ date: date.optional() });
const reportQuery = z.strictObject({ date: date.optional() });
const dayQuery = z.strictObject({ day: date.optional() });
const followUpQuery = z.strictObject({ status: z.enum([...FOLLOW_UP_STATUSES, 'overdue']).optional() });

export function reportRoutes(h: Hall): RouteDef[] {
  const badRange = (error: string) => fail({ code: 'BAD_REQUEST', message: error });
  return [
    route({
      method: 'get',
      path: '/api/stats',
      summary:
        'Hall figures replayed from the fact log (?from=YYYY-MM-DD&to=YYYY-MM-DD, default today, at most 366 days): per category, window and clerk (LD/T 02 §8.4 quantity, time, quality), hourly arrivals, ratings, 差评 with their follow-ups, per-day series. p90 is nearest-rank.',
      access: 'stats:read',
      query: rangeQuery,
      handle: ({ query }) => {
        const rg = h.stats.range(query);
        return 'error' in rg ? badRange(rg.error) : { ok: true, data: h.stats.hall(rg.from, rg.to) };
      },
    }),
    route({
      method: 'get',
      path: '/api/stats/me',
      summary: "The signed-in clerk's own figures for a day (?date=, default today)",
      access: 'stats:own',
      query: meQuery,
      handle: (ctx) => ({ ok: true, data: h.stats.mine(staffOf(ctx).id, ctx.query.date ?? h.today()) }),
    }),
    route({
      method: 'get',
      path: '/api/stats/me/finished',
      summary:
        "The signed-in clerk's tickets finished in the open business day, newest first, at most 50 (the console's 本窗口近期办结 after a reload, CON-DONE-1)",
      access: 'stats:own',
      handle: (ctx) => {
        const me = staffOf(ctx).id;
        const done = h.hall.queue
          .allTickets()
          .filter((t) => t.status === 'done' && t.servedBy === me)
          .sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0))
          .slice(0, 50)
          .map((t) => structuredClone(t) as Ticket);
        return { ok: true, data: done };
      },
    }),
    route({
      method: 'get',
      path: '/api/stats/export',
      summary:
        'The figures of a range as a download (?from&to&format=csv|xlsx): per category, window, clerk, bad ratings, days, hours. CSV is UTF-8 with a BOM; XLSX has one sheet per table.',
      access: 'stats:read',
      query: exportQuery,
      handle: async ({ query, res }) => {
        const rg = h.stats.range(query);
        if ('error' in rg) return badRange(rg.error);
        let file: Awaited<ReturnType<Hall['stats']['export']>>;
        try {
          file = await h.stats.export(rg.from, rg.to, query.format);
        } catch (err) {
          h.logger.error({ err }, 'stats export failed');
          return fail({ code: 'INTERNAL', message: 'internal error' });
        }
        return download(res, file);
      },
    }),
    route({
      method: 'get',
      path: '/api/reports/day',
      summary:
        'Day report (日结报表, ?date=YYYY-MM-DD): counts, outcomes, waits and service times per category, window and clerk, hourly arrivals',
      access: 'reports:read',
      query: reportQuery,
      handle: ({ query }) => ({ ok: true, data: h.stats.dayReport(query.date ?? h.today()) }),
    }),
    route({
      method: 'get',
      path: '/api/follow-ups',
      summary:
        '差评回访 records (?status=open|called-back|rectifying|closed|overdue), newest first, with counts',
      access: 'follow-ups:manage',
      query: followUpQuery,
      handle: ({ query }) => ({
        ok: true,
        data: h.followUps.list(query.status ? { status: query.status } : {}),
      }),
    }),
    route({
      method: 'get',
      path: '/api/follow-ups/settings',
      summary: 'Working days to rectify a bad rating (default 15)',
      access: 'follow-ups:manage',
      handle: () => ({ ok: true, data: h.followUps.settings() }),
    }),
    route({
      method: 'put',
      path: '/api/follow-ups/settings',
      summary: 'Sets the working days to rectify a bad rating; applies to ratings from now on',
      access: 'follow-ups:manage',
      body: followUpSettingsSchema,
      handle: (ctx) => ({ ok: true, data: h.followUps.putSettings(ctx.body, staffOf(ctx).id) }),
    }),
    route({
      method: 'get',
      path: '/api/follow-ups/{ticketId}',
      summary: 'One follow-up record',
      access: 'follow-ups:manage',
      handle: ({ params }) => {
        const f = h.followUps.get(params.ticketId!);
        return f === undefined
          ? fail({ code: 'NOT_FOUND', message: 'no follow-up for this ticket' })
          : { ok: true, data: f };
      },
    }),
    route({
      method: 'post',
      path: '/api/follow-ups/{ticketId}/callback',
      summary: 'Logs a call back to the citizen ({note, reached}); an open record becomes called-back',
      access: 'follow-ups:manage',
      body: followUpCallbackBodySchema,
      handle: (ctx) => h.followUps.callback(ctx.params.ticketId!, staffOf(ctx).id, ctx.body),
    }),
    route({
      method: 'post',
      path: '/api/follow-ups/{ticketId}/status',
      summary:
        'Moves a record to called-back, rectifying or closed ({status, rectification?}); closing needs the rectification; a closed record is final (CONFLICT)',
      access: 'follow-ups:manage',
      body: followUpStatusBodySchema,
      handle: (ctx) => h.followUps.setStatus(ctx.params.ticketId!, staffOf(ctx).id, ctx.body),
    }),
    route({
      method: 'post',
      path: '/api/appointments/import',
      summary:
        "Imports a day's bookings (预约). All rows are checked first; any invalid row refuses the whole import with every row's errors (issues: bookings.<row>.<field>). Re-importing a booking code updates it.",
      access: 'appointments:import',
      body: importBodySchema,
      handle: (ctx) => {
        const out = h.appointments.importBookings(ctx.body.bookings, staffOf(ctx).id);
        if (!out.ok)
          return fail({
            code: 'BAD_REQUEST',
            message: `${new Set(out.errors.map((e) => e.row)).size} row(s) are invalid; nothing was imported`,
            issues: out.errors.map((e) => ({ path: `bookings.${e.row}.${e.field}`, message: e.message })),
          });
        return { ok: true, data: out.data };
      },
    }),
    route({
      method: 'post',
      path: '/api/appointments/check-in',
      summary:
        'Checks a citizen in by ID number or booking code: on time an appointment-class ticket, late a regular one, early APPOINTMENT_TOO_EARLY with error.messageZh saying when; a repeat returns the same ticket',
      access: 'appointments:check-in',
      body: checkInBodySchema,
      handle: (ctx) => {
        const out = h.appointments.checkIn(ctx.body as CheckInInput);
        if (!out.ok) return out;
        const { extra: _extra, ...data } = out.data;
        const estimate = h.views.ticketEstimate(data.ticket.id);
        return { ack: { ok: true, data: { ...data, estimate } }, status: data.replayed ? 200 : 201 };
      },
    }),
    route({
      method: 'get',
      path: '/api/appointments',
      summary: 'Bookings of a day (?day=YYYY-MM-DD, default today), ID numbers masked',
      access: 'staff',
      query: dayQuery,
      handle: ({ query }) => {
        const day = query.day ?? h.today();
        return { ok: true, data: { day, appointments: h.appointments.list(day) } };
      },
    }),
  ];
}
