/**
 * The window and the back office (SPEC SLP-*, CASE-*, KSK-5, DEV-2, CAL-3): slips (which finish
 * a serving ticket), the case list (steps are commands: /api/commands/case:*), the citizen's
 * kiosk form, print jobs and device status, and deadlines in working days.
 */
import {
  type CaseStatus,
  caseListQuerySchema,
  deadlineQuerySchema,
  printJobRequestSchema,
  slipRequestSchema,
} from '@onewindow/shared';
import { z } from 'zod';
import type { Hall } from '../../compose.ts';
import type { DevicesChannel } from '../devices.realtime.ts';
import { fail, type RouteDef, route, staffOf } from '../route-table.ts';

/** A manager reading a form of a ticket they do not work on says why (SEC-NTK-1, recorded). */
const purpose = z.string().trim().max(200).optional();
const formsQuery = z.strictObject({ ticketId: z.string().trim().min(1).max(64), purpose });
const formQuery = z.strictObject({ purpose });

export function counterRoutes(h: Hall, devices: Pick<DevicesChannel, 'statuses'>): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/api/slips',
      summary:
        'A window slip (completion, acceptance, rejection, supplement) for a ticket the clerk serves or served. A serving ticket is finished by it: the finish, the slip, the case an acceptance opens and the print job on the window’s agent commit together. One slip per ticket: asking again gives the same slip (printed again when asked). Send an Idempotency-Key header to retry safely.',
      access: 'slips:issue',
      body: slipRequestSchema,
      handle: (ctx) => {
        const r = h.slips.issue(ctx.principal, ctx.body, ctx.idempotencyKey, ctx.origin);
        return r.ok ? { ack: { ok: true, data: r.data }, status: r.created ? 201 : 200 } : r;
      },
    }),
    route({
      method: 'get',
      path: '/api/cases',
      summary:
        'Time-limited cases, earliest deadline first, with the names of the staff in them; ?status= filters',
      access: 'cases:read',
      query: caseListQuerySchema,
      handle: ({ query }) => ({ ok: true, data: h.cases.list(query.status as CaseStatus | undefined) }),
    }),
    route({
      method: 'get',
      path: '/api/cases/{id}',
      summary: 'One case with its history',
      access: 'cases:read',
      handle: ({ params }) => {
        const c = h.cases.get(params.id!);
        return c === undefined
          ? fail({ code: 'NOT_FOUND', message: `no case ${params.id}` })
          : { ok: true, data: c };
      },
    }),
    route({
      method: 'get',
      path: '/api/applications',
      summary:
        'Kiosk forms (draft applications) of a ticket: ?ticketId=…. Only for the clerk serving the ticket, the staff of its open case, or a manager with ?purpose=… (SEC-NTK-1); every read is recorded',
      access: 'applications:read',
      query: formsQuery,
      handle: (ctx) =>
        h.applications.ofTicket({ ...staffOf(ctx), purpose: ctx.query.purpose }, ctx.query.ticketId),
    }),
    route({
      method: 'get',
      path: '/api/applications/by-code/{code}',
      summary:
        'A kiosk form by the code printed on the ticket (the clerk scans it); same need-to-know rule and record as by ticket',
      access: 'applications:read',
      query: formQuery,
      handle: (ctx) =>
        h.applications.byCode({ ...staffOf(ctx), purpose: ctx.query.purpose }, ctx.params.code!.slice(0, 40)),
    }),
    route({
      method: 'post',
      path: '/api/print-jobs',
      summary:
        'Queues a document for a terminal’s printer: a kiosk or agent prints on itself; a clerk on the agent of the window they signed on at; guides and managers may name any terminal',
      access: 'print-jobs:queue',
      body: printJobRequestSchema,
      handle: (ctx) => {
        const r = h.print.request(ctx.principal, ctx.body);
        return r.ok ? { ack: r, status: 201 } : r;
      },
    }),
    route({
      method: 'get',
      path: '/api/print-jobs/{id}',
      summary: 'A print job’s state: pending, sent, printed, failed (a device sees only its own)',
      access: 'print-jobs:read',
      handle: ({ principal, params }) => {
        const state = h.print.state(params.id!, principal);
        return state === undefined
          ? fail({ code: 'NOT_FOUND', message: 'no such print job' })
          : { ok: true, data: state };
      },
    }),
    route({
      method: 'get',
      path: '/api/devices/status',
      summary: 'Every device: online, health, alerts (guide console)',
      access: 'staff',
      handle: () => ({ ok: true, data: devices.statuses() }),
    }),
    route({
      method: 'get',
      path: '/api/calendar/deadline',
      summary:
        'The date N working days after ?from=YYYY-MM-DD (national holidays and 调休, hall overrides win): ?from=&workingDays=',
      access: 'staff',
      query: deadlineQuerySchema,
      handle: ({ query }) => {
        try {
          return {
            ok: true,
            data: {
              date: h.calendar.addWorkingDays(query.from, query.workingDays),
              workingDays: query.workingDays,
            },
          };
        } catch (e) {
          return fail({ code: 'BAD_REQUEST', message: (e as Error).message });
        }
      },
    }),
  ];
}
