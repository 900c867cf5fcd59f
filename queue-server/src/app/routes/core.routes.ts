/**
 * The hall's core REST: health, metrics, this API's own description, staff login, commands
 * (the same as the Socket.IO events), the public and staff views of the queue, windows and
 * their displays, the catalog, the notice marquee, staff accounts and paired devices.
 */
import { type CommandName, DEVICE_KINDS, personalDataRefusal, STAFF_ROLES } from '@onewindow/shared';
import type { CurrentStaff, TotpEnrolment, WindowDisplayData } from '@onewindow/shared/api-types.ts';
import type { RequestHandler } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Hall } from '../../compose.ts';
import { reencodePhoto } from '../../service/images.ts';
import type { CommandGateway } from '../command.gateway.ts';
import { seesHolders, withoutHolders } from '../realtime.ts';
import { fail, type RouteContext, type RouteDef, route, staffOf } from '../route-table.ts';

export const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(200),
  /** The 6-digit code of the authenticator app, for an account with TOTP (SEC-ACC-5). */
  totp: z.string().max(10).optional(),
});
const passwordBody = z.strictObject({
  oldPassword: z.string().min(1).max(200),
  newPassword: z.string().min(1).max(200),
});
const totpConfirmBody = z.strictObject({ code: z.string().regex(/^\d{6}$/) });
const bearerOf = (req: { get(name: string): string | undefined }) =>
  /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
const staffBody = z.strictObject({
  username: z.string().regex(/^[a-z0-9_.-]{2,32}$/),
  name: z.string().trim().min(1).max(30),
  staffNumber: z.string().trim().min(1).max(20),
  roles: z.array(z.enum(STAFF_ROLES)).min(1).max(STAFF_ROLES.length),
  password: z.string().min(1).max(200),
});
const rolesBody = z.strictObject({ roles: z.array(z.enum(STAFF_ROLES)).min(1).max(STAFF_ROLES.length) });
const pairingBody = z.strictObject({
  kind: z.enum(DEVICE_KINDS),
  name: z.string().trim().min(1).max(60),
  windowId: z.string().trim().min(1).max(64).nullable().default(null),
});
/** The marquee is public: no personal number may reach it (SEC-TXT-1). */
const noticeBody = z.strictObject({
  text: z
    .string()
    .trim()
    .max(200)
    .refine(
      (t) => personalDataRefusal(t) === null,
      'the notice is public: no ID, phone or bank card numbers',
    ),
});
const pairBody = z.strictObject({ code: z.string().regex(/^\d{8}$/) });
const auditQuery = z.object({ after: z.coerce.number().int().min(0).optional() });

export interface CoreTransport {
  gateway: CommandGateway;
  /** Prometheus text and its content type. */
  metrics(): Promise<{ type: string; body: string }>;
  /** This API's OpenAPI document (built from the whole route table). */
  openapi(): object;
  /** Whether the server is shutting down (health answers 503). */
  shuttingDown(): boolean;
  /** A logout ends that login's sockets at once; a revoked device is disconnected. */
  onLoggedOut(token: string): void;
  onDeviceRevoked(id: string): void;
  /** Rate limits of failed logins and pairings (off in load tests). */
  limitLogins: RequestHandler;
  limitPairings: RequestHandler;
}

export function coreRoutes(h: Hall, t: CoreTransport): RouteDef[] {
  const runCommand = (name: CommandName, ctx: RouteContext<unknown, unknown>) => {
    const raw = ctx.body;
    const payload =
      ctx.idempotencyKey !== undefined && raw !== null && typeof raw === 'object' && !Array.isArray(raw)
        ? { idempotencyKey: ctx.idempotencyKey, ...raw }
        : raw;
    const ack = t.gateway.dispatch(ctx.principal, name, payload, 'rest');
    return { ack, status: ack.ok && !ack.data.replayed ? 201 : 200 };
  };
  return [
    route({
      method: 'get',
      path: '/api/health',
      summary: 'Whether the server can serve (200) or not (503)',
      access: 'public',
      handle: () => {
        const ok = h.healthy() && !t.shuttingDown() && h.hall.queue.hallConfig !== null;
        return ok
          ? { ok: true, data: { status: 'ok', seq: h.hall.queue.lastSeq } }
          : fail({ code: 'UNAVAILABLE', message: t.shuttingDown() ? 'shutting down' : 'not ready' });
      },
    }),
    route({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus metrics',
      access: 'public',
      handle: async ({ res }) => {
        const m = await t.metrics();
        res.type(m.type).send(m.body);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/openapi.json',
      summary: 'This document',
      access: 'public',
      handle: ({ res }) => {
        res.json(t.openapi());
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/api/auth/login',
      summary: 'Staff login: returns a bearer token',
      access: 'public',
      body: loginBody,
      before: [t.limitLogins],
      handle: ({ body }) => {
        const r = h.auth.login(body.username, body.password, body.totp);
        // RISK-RULE-1 failed-logins: a wrong password or code is a fact the monitor counts.
        if (!r.ok && r.error.code === 'UNAUTHENTICATED') h.risk.loginFailed(body.username);
        return r;
      },
    }),
    route({
      method: 'post',
      path: '/api/auth/password',
      summary:
        'Changes the bearer’s own password (the current one required; SEC-ACC-3/4). Also open to a session that must change a temporary password.',
      access: 'public',
      body: passwordBody,
      handle: ({ req, body }) => h.auth.changePassword(bearerOf(req), body.oldPassword, body.newPassword),
    }),
    route({
      method: 'post',
      path: '/api/auth/totp/enrol',
      summary:
        'Starts the TOTP enrolment of the bearer’s account: a new secret, its otpauth:// URI and a QR of it (SEC-ACC-5)',
      access: 'public',
      handle: async ({ req }) => {
        const r = h.auth.startTotp(bearerOf(req));
        if (!r.ok) return r;
        const svg = await QRCode.toString(r.data.uri, { type: 'svg', margin: 1 });
        const data: TotpEnrolment = {
          ...r.data,
          qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
        };
        return { ok: true, data };
      },
    }),
    route({
      method: 'post',
      path: '/api/auth/totp/confirm',
      summary: 'Confirms the TOTP enrolment with a first code; from then on login needs a code',
      access: 'public',
      body: totpConfirmBody,
      handle: ({ req, body }) => h.auth.confirmTotp(bearerOf(req), body.code),
    }),
    route({
      method: 'post',
      path: '/api/auth/logout',
      summary: 'Ends the session of the bearer token',
      access: 'staff',
      handle: ({ req }) => {
        const token = bearerOf(req);
        h.auth.logout(token);
        t.onLoggedOut(token);
        return { ok: true, data: { loggedOut: true } };
      },
    }),
    route({
      method: 'get',
      path: '/api/auth/me',
      summary: 'The logged-in staff member',
      access: 'staff',
      handle: (ctx) => {
        const p = staffOf(ctx);
        const data: CurrentStaff = { id: p.id, name: p.name, staffNumber: p.staffNumber, roles: p.roles };
        return { ok: true, data };
      },
    }),
    route({
      method: 'post',
      path: '/api/commands/{name}',
      summary:
        'Runs a command (same payloads as the Socket.IO events; see components.schemas). An `Idempotency-Key` header or `idempotencyKey` field makes retries safe.',
      access: 'command',
      handle: (ctx) => {
        const name = ctx.params.name;
        if (!t.gateway.isCommand(name)) return fail({ code: 'NOT_FOUND', message: `no command ${name}` });
        return runCommand(name, ctx);
      },
    }),
    route({
      method: 'post',
      path: '/api/tickets',
      summary:
        'Issues a ticket (same as /api/commands/ticket:issue). Send an `Idempotency-Key` header: a retry returns the same ticket.',
      access: 'ticket:issue',
      handle: (ctx) => runCommand('ticket:issue', ctx),
    }),
    route({
      method: 'get',
      path: '/api/queue',
      summary: 'Public snapshot of the hall (no personal data)',
      access: 'public',
      handle: () => ({ ok: true, data: h.views.publicSnapshot() }),
    }),
    route({
      method: 'get',
      path: '/api/queue/staff',
      summary:
        'Staff snapshot: masked holders for the posts that meet citizens, none for the others (SEC-NTK-3)',
      access: 'staff',
      handle: (ctx) => {
        const view = h.views.staffView();
        const p = ctx.principal;
        return { ok: true, data: p.kind === 'staff' && !seesHolders(p.roles) ? withoutHolders(view) : view };
      },
    }),
    route({
      method: 'get',
      path: '/api/windows',
      summary: 'Windows and what they are doing',
      access: 'public',
      handle: () => ({ ok: true, data: h.hall.queue.allWindows() }),
    }),
    route({
      method: 'get',
      path: '/api/windows/{id}/display',
      summary: 'What the window display shows: the window and the clerk signed on (name, staff number)',
      access: 'public',
      handle: ({ params }) => {
        const w = h.hall.queue.window(params.id!);
        if (w === undefined) return fail({ code: 'UNKNOWN_WINDOW', message: `no window ${params.id}` });
        const data: WindowDisplayData = { window: w, clerk: h.auth.windowClerk(w.clerkId) };
        return { ok: true, data };
      },
    }),
    route({
      method: 'get',
      path: '/api/catalog',
      summary: 'The service catalog (事项清单) with guides',
      access: 'public',
      handle: () => ({ ok: true, data: h.catalog.withInitials() }),
    }),
    route({
      method: 'put',
      path: '/api/hall/notice',
      summary: 'Sets the notice marquee on the hall boards ("" clears it)',
      access: 'hall:notice',
      body: noticeBody,
      handle: (ctx) => {
        h.notice.set(staffOf(ctx).id, ctx.body.text);
        return { ok: true, data: { text: ctx.body.text } };
      },
    }),
    route({
      method: 'get',
      path: '/api/staff/{id}/photo',
      summary: 'A clerk’s photo for the window display',
      access: 'public',
      handle: ({ params, res }) => {
        const photo = h.auth.photo(params.id!);
        if (photo === undefined) return fail({ code: 'NOT_FOUND', message: 'no photo' });
        // An image, never a document (SPEC EDGE-3): not sniffed, not rendered as a page, no script.
        res
          .type(photo.mime)
          .set({
            'Cache-Control': 'public, max-age=86400',
            'Content-Disposition': 'inline',
            'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
            'X-Content-Type-Options': 'nosniff',
          })
          .send(photo.data);
        return undefined;
      },
    }),
    route({
      method: 'put',
      path: '/api/staff/{id}/photo',
      summary:
        'Uploads a clerk’s photo (JPEG or PNG body, ≤ 300 KB), stored re-encoded as a JPEG of at most 600×800 without metadata',
      access: 'staff:manage',
      accepts: { raw: ['image/jpeg', 'image/png'], limit: '300kb' },
      handle: async (ctx) => {
        const photo = await reencodePhoto(Buffer.isBuffer(ctx.body) ? ctx.body : Buffer.alloc(0));
        return photo.ok ? h.auth.putPhoto(staffOf(ctx).id, ctx.params.id!, photo.data) : photo;
      },
    }),
    route({
      method: 'get',
      path: '/api/staff',
      summary: 'Staff accounts',
      access: 'staff:manage',
      handle: () => ({ ok: true, data: h.auth.allStaff() }),
    }),
    route({
      method: 'post',
      path: '/api/staff',
      summary: 'Creates a staff account (incompatible duties refused)',
      access: 'staff:manage',
      body: staffBody,
      handle: (ctx) => ({ ack: h.auth.createStaff(staffOf(ctx).id, ctx.body), status: 201 }),
    }),
    route({
      method: 'put',
      path: '/api/staff/{id}/roles',
      summary: 'Sets the roles of a staff member',
      access: 'staff:manage',
      body: rolesBody,
      handle: (ctx) => h.auth.setRoles(staffOf(ctx).id, ctx.params.id!, ctx.body.roles),
    }),
    route({
      method: 'get',
      path: '/api/staff/grants',
      summary: 'Grants of manager or admin waiting for a second admin (72 hours; SEC-ACC-1)',
      access: 'staff:manage',
      handle: () => ({ ok: true, data: h.auth.pendingGrants() }),
    }),
    route({
      method: 'post',
      path: '/api/staff/grants/{id}/approve',
      summary: 'A second admin approves a grant: not its proposer, not the account it grants to',
      access: 'staff:approve',
      handle: (ctx) => h.auth.approveGrant(staffOf(ctx).id, ctx.params.id!),
    }),
    route({
      method: 'post',
      path: '/api/staff/grants/{id}/reject',
      summary: 'Rejects (or, by its proposer, withdraws) a pending grant',
      access: 'staff:manage',
      handle: (ctx) => h.auth.rejectGrant(staffOf(ctx).id, ctx.params.id!),
    }),
    route({
      method: 'post',
      path: '/api/staff/{id}/disable',
      summary:
        'Disables an account and ends its sessions and sockets at once (not oneself, not the last admin)',
      access: 'staff:manage',
      handle: (ctx) => h.auth.disable(staffOf(ctx).id, ctx.params.id!),
    }),
    route({
      method: 'post',
      path: '/api/staff/{id}/enable',
      summary: 'Enables a disabled account',
      access: 'staff:manage',
      handle: (ctx) => h.auth.enable(staffOf(ctx).id, ctx.params.id!),
    }),
    route({
      method: 'post',
      path: '/api/staff/{id}/password-reset',
      summary:
        'Resets a password to a one-time temporary password (answered once); the account must change it at its next login',
      access: 'staff:manage',
      handle: (ctx) => h.auth.resetPassword(staffOf(ctx).id, ctx.params.id!),
    }),
    route({
      method: 'get',
      path: '/api/devices',
      summary: 'Paired devices with last seen time',
      access: 'devices:manage',
      handle: () => ({ ok: true, data: h.auth.allDevices() }),
    }),
    route({
      method: 'post',
      path: '/api/devices/pairing-codes',
      summary: 'Creates a one-time pairing code (15 minutes)',
      access: 'devices:manage',
      body: pairingBody,
      handle: (ctx) => {
        const b = ctx.body;
        if (b.windowId !== null && h.hall.queue.window(b.windowId) === undefined)
          return fail({ code: 'UNKNOWN_WINDOW', message: `no window ${b.windowId}` });
        return { ack: h.auth.createPairingCode(staffOf(ctx).id, b), status: 201 };
      },
    }),
    route({
      method: 'post',
      path: '/api/devices/pair',
      summary: 'A terminal trades a pairing code for its device token',
      access: 'public',
      body: pairBody,
      before: [t.limitPairings],
      handle: ({ body }) => ({ ack: h.auth.pair(body.code), status: 201 }),
    }),
    route({
      method: 'delete',
      path: '/api/devices/{id}',
      summary: 'Revokes a device token and disconnects it',
      access: 'devices:manage',
      handle: (ctx) => {
        const ack = h.auth.revoke(staffOf(ctx).id, ctx.params.id!);
        if (ack.ok) t.onDeviceRevoked(ctx.params.id!);
        return ack;
      },
    }),
    route({
      method: 'get',
      path: '/api/audit',
      summary: 'Admin audit trail (staff, roles, devices)',
      access: 'audit:read',
      query: auditQuery,
      handle: ({ query }) => ({ ok: true, data: h.audit.trail(query.after ?? 0) }),
    }),
  ];
}
