/**
 * Online booking, 网上填单 and the online pre-check (issue #17, SPEC MOB-*). The phone's routes
 * (`/api/m/…`) are for a citizen signed in who gave an ID number (`citizen:identified`,
 * MOB-AUTH-7); `Hall.citizenOf` turns the principal into what the services need. Free slots are
 * counts, open to anyone.
 */

import type { Ack } from '@onewindow/shared';
import {
  bookBodySchema,
  bookingConfigSchema,
  draftBodySchema,
  freeSlotsQuerySchema,
  PRECHECK_STATUSES,
  precheckBodySchema,
} from '@onewindow/shared';
import { z } from 'zod';
import type { Hall } from '../../compose.ts';
import { identifiedCitizenOf, type RouteDef, route, staffOf } from '../route-table.ts';

const created = <T>(a: Ack<T>) => (a.ok ? { ack: a, status: 201 } : a);

export function bookingRoutes(h: Hall): RouteDef[] {
  const citizen = (ctx: Parameters<typeof identifiedCitizenOf>[0]) => h.citizenOf(identifiedCitizenOf(ctx));
  return [
    route({
      method: 'get',
      path: '/api/booking/config',
      summary:
        'The online booking configuration: capacity lines per category or item and half hour, window, cut-offs, no-show rule',
      access: 'booking:manage',
      handle: () => ({ ok: true, data: h.bookings.config() }),
    }),
    route({
      method: 'put',
      path: '/api/booking/config',
      summary: 'Replaces the online booking configuration (a booking:configured fact)',
      access: 'booking:manage',
      body: bookingConfigSchema,
      handle: (ctx) => h.bookings.configure(staffOf(ctx).id, ctx.body),
    }),
    route({
      method: 'get',
      path: '/api/m/booking/slots',
      summary: 'Free half-hour slots of an item on the bookable days (counts only)',
      access: 'public',
      query: freeSlotsQuerySchema,
      handle: (ctx) => h.bookings.freeSlots(ctx.query.itemCode),
    }),
    route({
      method: 'get',
      path: '/api/m/bookings',
      summary: 'The signed-in citizen’s bookings',
      access: 'citizen:identified',
      handle: (ctx) => ({ ok: true, data: h.bookings.mine(citizen(ctx)) }),
    }),
    route({
      method: 'post',
      path: '/api/m/bookings',
      summary:
        'Books a slot for the signed-in citizen: one per person per day, capacity checked in the unit that writes it. Send an Idempotency-Key: a retry answers with the same booking.',
      access: 'citizen:identified',
      body: bookBodySchema,
      handle: (ctx) => created(h.bookings.book(citizen(ctx), ctx.body, ctx.idempotencyKey)),
    }),
    route({
      method: 'post',
      path: '/api/m/bookings/{code}/cancel',
      summary: 'Cancels the citizen’s booking, until the hall’s cut-off before the slot',
      access: 'citizen:identified',
      handle: (ctx) => h.bookings.cancel(citizen(ctx), ctx.params.code!.slice(0, 40)),
    }),
    route({
      method: 'get',
      path: '/api/m/drafts',
      summary: 'The signed-in citizen’s online forms with their codes and pre-check results',
      access: 'citizen:identified',
      handle: (ctx) => ({ ok: true, data: h.drafts.mine(citizen(ctx)) }),
    }),
    route({
      method: 'post',
      path: '/api/m/drafts',
      summary:
        'Fills an item’s form online (checked as at the kiosk); answers the draft with the code the window scans. Send an Idempotency-Key.',
      access: 'citizen:identified',
      body: draftBodySchema,
      handle: (ctx) => created(h.drafts.submit(citizen(ctx), ctx.body, ctx.idempotencyKey)),
    }),
    route({
      method: 'get',
      path: '/api/prechecks',
      summary: 'The 预审 list: online forms of high-risk items by pre-check status (no answers)',
      access: 'prechecks:review',
      query: z.strictObject({ status: z.enum(PRECHECK_STATUSES).default('pending') }),
      handle: (ctx) => ({ ok: true, data: h.drafts.precheckList(ctx.query.status) }),
    }),
    route({
      method: 'get',
      path: '/api/prechecks/{id}',
      summary: 'One online form’s answers for its pre-check (recorded in the read trail)',
      access: 'prechecks:review',
      handle: (ctx) => h.drafts.precheckRead(staffOf(ctx), ctx.params.id!.slice(0, 64)),
    }),
    route({
      method: 'post',
      path: '/api/prechecks/{id}',
      summary: 'Passes an online form’s pre-check, or returns it with reasons; the citizen gets an SMS',
      access: 'prechecks:review',
      body: precheckBodySchema,
      handle: (ctx) => h.drafts.decide(staffOf(ctx), ctx.params.id!.slice(0, 64), ctx.body),
    }),
  ];
}
