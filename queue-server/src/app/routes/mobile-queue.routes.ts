/**
 * The citizen's phone, queue side (SPEC MOB-Q-*, MOB-RATE-*). The rating link is public: its
 * random token is the credential, sent in the body so no access log keeps it.
 */
import { onlineRateSchema, ratingLinkOpenSchema } from '@onewindow/shared';
import type { Hall } from '../../compose.ts';
import { type RouteDef, route } from '../route-table.ts';

export function mobileQueueRoutes(h: Hall): RouteDef[] {
  return [
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
