/**
 * The citizen's phone, queue side (SPEC MOB-Q-*, MOB-RATE-*). 线上取号 is for a citizen signed in
 * with an ID number (`citizen:identified`, MOB-AUTH-7): the holder reference the kiosk computes and
 * the session's phone make the `OnlineCitizen`. The rating link is public: its random token is the
 * credential, sent in the body so no access log keeps it.
 */
import { type Ack, onlineJoinSchema, onlineRateSchema, ratingLinkOpenSchema } from '@onewindow/shared';
import type { Hall } from '../../compose.ts';
import type { OnlineCitizen } from '../../service/online-queue.service.ts';
import { identifiedCitizenOf, type RouteContext, type RouteDef, route } from '../route-table.ts';

/** The signed-in, identified citizen as the queue needs them: holder reference and phone. */
function onlineCitizen(h: Hall, ctx: RouteContext<unknown, unknown>): Ack<OnlineCitizen> {
  const p = identifiedCitizenOf(ctx);
  const phone = h.citizens.phoneOf(p);
  if (phone === undefined)
    return { ok: false, error: { code: 'UNAUTHENTICATED', message: 'the citizen session has ended' } };
  // The holder as the ID binding knew it that day: a senior gets the kiosk's class (Q-PRI-1).
  const holder = p.holder !== null && p.holder.on === h.today() ? p.holder : null;
  const masked = holder?.masked ?? p.idMasked;
  return {
    ok: true,
    data: { holderRef: p.holderRef, phone, senior: holder?.senior ?? false, ...(masked ? { masked } : {}) },
  };
}

export function mobileQueueRoutes(h: Hall): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/citizen/queue',
      summary:
        '线上取号 page (MOB-Q-5): the categories with the wait a ticket taken now would have, whether tickets are given now, and the citizen’s own tickets today with their confirmation codes',
      access: 'citizen:identified',
      handle: (ctx) => {
        const c = onlineCitizen(h, ctx);
        return c.ok ? { ok: true, data: h.onlineQueue.overview(c.data) } : c;
      },
    }),
    route({
      method: 'post',
      path: '/api/citizen/queue',
      summary:
        'Joins a category’s queue from the phone (MOB-Q-1): 201 with the online ticket (its place counts from now; confirm it at the kiosk by card or code within the hall’s minutes, MOB-Q-2), 200 with the live ticket the citizen already holds in that category; HALL_CLOSED outside opening hours',
      access: 'citizen:identified',
      body: onlineJoinSchema,
      handle: (ctx) => {
        const c = onlineCitizen(h, ctx);
        if (!c.ok) return c;
        const r = h.onlineQueue.join(c.data, ctx.body.categoryId);
        return r.ok ? { ack: { ok: true, data: r.data }, status: r.created ? 201 : 200 } : r;
      },
    }),
    route({
      method: 'post',
      path: '/api/rating-link/open',
      summary:
        'What a one-time rating link rates (MOB-RATE-2): the service’s number, item and window, open/rated/expired; nothing personal',
      access: 'public',
      body: ratingLinkOpenSchema,
      handle: ({ body }) => h.onlineRatings.view(body.token),
    }),
    route({
      method: 'post',
      path: '/api/rating-link/rate',
      summary:
        'Rates the service by its link (MOB-RATE-3): level 1–5, reasons, words without personal numbers; once per ticket across pad and link, also after the day closed',
      access: 'public',
      body: onlineRateSchema,
      handle: ({ body }) => {
        const { token, ...input } = body;
        const r = h.onlineRatings.rate(token, input);
        return r.ok ? { ack: r, status: 201 } : r;
      },
    }),
  ];
}
