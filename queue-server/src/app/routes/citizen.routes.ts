/**
 * The citizen's phone app (SPEC MOB-AUTH-*, MOB-PROG-*): the hall's card, sign-in with an SMS
 * code, the ID binding, progress, and the lookup by receipt number without signing in. Other
 * phone features add their routes in their own files with `access: 'citizen'` or
 * `'citizen:identified'` and read the citizen with `citizenOf` / `identifiedCitizenOf`.
 */
import {
  citizenIdentitySchema,
  citizenLookupSchema,
  citizenOtpRequestSchema,
  citizenSessionRequestSchema,
} from '@onewindow/shared';
import type { RequestHandler } from 'express';
import type { Hall } from '../../compose.ts';
import { citizenOf, identifiedCitizenOf, type RouteDef, route } from '../route-table.ts';

/** The per-address limits app.ts builds (MOB-AUTH-3, MOB-AUTH-4, MOB-PROG-2). */
export interface CitizenLimiters {
  /** Code requests per client address. */
  codeRequests: RequestHandler[];
  /** Failed sign-ins per client address. */
  signIns: RequestHandler[];
  /** Failed lookups per client address and per receipt number. */
  lookups: RequestHandler[];
}

export function citizenRoutes(h: Hall, limit: CitizenLimiters): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/citizen/hall',
      summary: 'The hall’s name and opening hours for the phone app’s home page',
      access: 'public',
      handle: () => ({ ok: true, data: h.citizenProgress.hallInfo() }),
    }),
    route({
      method: 'post',
      path: '/api/citizen/otp',
      summary:
        'Sends a 6-digit sign-in code by SMS to a mainland mobile number; the same answer for every number (MOB-AUTH-1..3)',
      access: 'public',
      body: citizenOtpRequestSchema,
      before: limit.codeRequests,
      handle: ({ body }) => h.citizens.requestCode(body.phone),
    }),
    route({
      method: 'post',
      path: '/api/citizen/session',
      summary:
        'Signs in with the phone number and its SMS code; answers a citizen token for X-Citizen-Token (MOB-AUTH-4, -5)',
      access: 'public',
      body: citizenSessionRequestSchema,
      before: limit.signIns,
      handle: ({ body }) => h.citizens.signIn(body.phone, body.code),
    }),
    route({
      method: 'get',
      path: '/api/citizen/me',
      summary: 'Who is signed in: the masked phone and, once given, the masked ID number',
      access: 'citizen',
      handle: (ctx) => ({ ok: true, data: h.citizens.me(citizenOf(ctx)) }),
    }),
    route({
      method: 'delete',
      path: '/api/citizen/session',
      summary: 'Signs out: the citizen token is refused from now on',
      access: 'citizen',
      handle: (ctx) => h.citizens.signOut(citizenOf(ctx)),
    }),
    route({
      method: 'post',
      path: '/api/citizen/identity',
      summary:
        'Binds the session to the holder reference of an ID number (the kiosk’s), for anything personal (MOB-AUTH-7)',
      access: 'citizen',
      body: citizenIdentitySchema,
      handle: (ctx) => h.citizens.bindIdentity(citizenOf(ctx), ctx.body.idNumber),
    }),
    route({
      method: 'get',
      path: '/api/citizen/progress',
      summary:
        'The citizen’s tickets of today, bookings and cases with their steps and deadlines (MOB-PROG-1)',
      access: 'citizen:identified',
      handle: (ctx) => {
        const res = ctx.res;
        res.setHeader('cache-control', 'no-store');
        return { ok: true, data: h.citizenProgress.progress(identifiedCitizenOf(ctx)) };
      },
    }),
    route({
      method: 'post',
      path: '/api/citizen/lookup',
      summary:
        'One case by its receipt number and the last four digits of the phone on its slip, without signing in (MOB-PROG-2)',
      access: 'public',
      body: citizenLookupSchema,
      before: limit.lookups,
      handle: ({ body, res }) => {
        res.setHeader('cache-control', 'no-store');
        return h.citizenProgress.lookup(body.receiptNo, body.phoneLast4);
      },
    }),
  ];
}
