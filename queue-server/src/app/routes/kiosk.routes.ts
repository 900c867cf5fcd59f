/** The kiosk's API (issue #5, SPEC KSK-*): every route is for a paired kiosk terminal only (KSK-1). */
import {
  kioskCheckInSchema,
  kioskIssueSchema,
  kioskLookupSchema,
  kioskReprintSchema,
} from '@onewindow/shared';
import type { Hall } from '../../compose.ts';
import type { CheckInInput } from '../../service/appointment.service.ts';
import type { KioskReply } from '../../service/kiosk.service.ts';
import { type Reply, type RouteDef, route } from '../route-table.ts';

const deviceId = (ctx: { principal: unknown }) => (ctx.principal as { id: string }).id;
const reply = <T>(r: KioskReply<T>): Reply =>
  r.ok ? { ack: { ok: true, data: r.data }, status: r.created ? 201 : 200 } : { ok: false, error: r.error };

export function kioskRoutes(h: Hall): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/kiosk/context',
      summary:
        'What a kiosk shows besides the catalog: hall, opening hours, senior age, categories, estimates',
      access: 'kiosk',
      handle: (ctx) => h.kiosk.context(deviceId(ctx)),
    }),
    route({
      method: 'post',
      path: '/api/kiosk/tickets',
      summary:
        'Takes a ticket at a kiosk for a catalog item, with the identity and the item’s form, and prints it on the kiosk, in one unit of work. Send an Idempotency-Key header: a retry returns the same ticket, form and print job and prints nothing twice. A person’s live ticket in the same category is returned instead of a new one (existing: true).',
      access: 'kiosk',
      body: kioskIssueSchema,
      handle: (ctx) => reply(h.kiosk.issue(deviceId(ctx), ctx.body, ctx.idempotencyKey, ctx.origin)),
    }),
    route({
      method: 'post',
      path: '/api/kiosk/tickets/{id}/reprint',
      summary: 'Prints a live ticket again on this kiosk; a ticket with a holder needs the same ID number',
      access: 'kiosk',
      body: kioskReprintSchema,
      handle: (ctx) => reply(h.kiosk.reprint(deviceId(ctx), ctx.params.id!, ctx.body.idNumber, ctx.origin)),
    }),
    route({
      method: 'post',
      path: '/api/kiosk/lookup',
      summary: 'A person’s tickets today, with position and estimated wait (masked)',
      access: 'kiosk',
      body: kioskLookupSchema,
      handle: (ctx) => h.kiosk.lookup(ctx.body.idNumber, ctx.origin),
    }),
    route({
      method: 'post',
      path: '/api/kiosk/check-in',
      summary:
        'Appointment check-in at the kiosk by ID number or booking code, printed like a ticket (late: a regular ticket)',
      access: 'kiosk',
      body: kioskCheckInSchema,
      handle: (ctx) => {
        const { print, ...input } = ctx.body;
        return reply(h.kiosk.checkIn(deviceId(ctx), input as CheckInInput, print, ctx.origin));
      },
    }),
  ];
}
