import {
  type Ack,
  type ApiError,
  COMMAND_SCHEMAS,
  type CommandName,
  DEVICE_KINDS,
  STAFF_ROLES,
  type StaffRole,
} from '@onewindow/shared';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { Principal } from '../auth/permissions.ts';
import type { AuthService } from './auth.service.ts';
import { staffAccount } from './auth.service.ts';
import { catalogWithInitials } from './catalog-view.ts';
import { badRequest, type CommandGateway, httpStatusOf } from './command.gateway.ts';
import type { HallViews } from './hall.views.ts';
import type { HttpRoute } from './openapi.ts';

export interface HttpDeps {
  auth: AuthService;
  gateway: CommandGateway;
  views: HallViews;
  authStore: import('../store/auth.store.ts').AuthStore;
  queue: () => import('../domain/engine.ts').QueueEngine;
  onDeviceRevoked: (id: string) => void;
  onLoggedOut: (token: string) => void;
  setNotice: (text: string) => void;
  rateLimit: boolean;
}

/** The principal of a request: `Authorization: Bearer <staff token>` or `X-Device-Token`. */
export function principalOf(req: Request, auth: AuthService): Principal {
  const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
  const deviceToken = req.get('x-device-token') ?? undefined;
  return auth.principal({ token: bearer, deviceToken });
}

export function send<T>(res: Response, ack: Ack<T>, okStatus = 200): void {
  res.status(ack.ok ? okStatus : httpStatusOf(ack.error.code)).json(ack);
}

const fail = (res: Response, error: ApiError) => send(res, { ok: false, error });

export type StaffPrincipal = Extract<Principal, { kind: 'staff' }>;

/** The staff principal of a request holding one of `roles` (any role when absent), or null with the refusal sent. */
export function staffOf(
  req: Request,
  res: Response,
  auth: AuthService,
  roles?: readonly StaffRole[],
): StaffPrincipal | null {
  const p = principalOf(req, auth);
  if (p.kind !== 'staff') {
    fail(res, { code: 'UNAUTHENTICATED', message: 'a staff login token is required' });
    return null;
  }
  if (roles && !p.roles.some((x) => roles.includes(x))) {
    fail(res, { code: 'FORBIDDEN', message: `needs one of the roles ${roles.join(', ')}` });
    return null;
  }
  return p;
}

/** Middleware form of `staffOf`: the principal lands in `res.locals.principal`. */
export function needStaffOf(auth: AuthService) {
  return (roles?: readonly StaffRole[]) => (req: Request, res: Response, next: NextFunction) => {
    const p = staffOf(req, res, auth, roles);
    if (p === null) return;
    res.locals.principal = p;
    next();
  };
}

/** Routes declared once: Express mounts them and the OpenAPI document describes them. */
export const ROUTES: HttpRoute[] = [];

function route(r: HttpRoute): HttpRoute {
  ROUTES.push(r);
  return r;
}

const loginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(200),
});
const staffBody = z.strictObject({
  username: z.string().regex(/^[a-z0-9_.-]{2,32}$/),
  name: z.string().trim().min(1).max(30),
  staffNumber: z.string().trim().min(1).max(20),
  roles: z.array(z.enum(STAFF_ROLES)).min(1).max(STAFF_ROLES.length),
  password: z.string().min(8).max(200),
});
const rolesBody = z.strictObject({ roles: z.array(z.enum(STAFF_ROLES)).min(1).max(STAFF_ROLES.length) });
const pairingBody = z.strictObject({
  kind: z.enum(DEVICE_KINDS),
  name: z.string().trim().min(1).max(60),
  windowId: z.string().trim().min(1).max(64).nullable().default(null),
});
const noticeBody = z.strictObject({ text: z.string().trim().max(200) });
const pairBody = z.strictObject({ code: z.string().regex(/^\d{8}$/) });

route({
  method: 'get',
  path: '/api/health',
  summary: 'Whether the server can serve (200) or not (503)',
  auth: 'none',
});
route({ method: 'get', path: '/metrics', summary: 'Prometheus metrics', auth: 'none' });
route({ method: 'get', path: '/api/openapi.json', summary: 'This document', auth: 'none' });
route({
  method: 'post',
  path: '/api/auth/login',
  summary: 'Staff login: returns a bearer token',
  auth: 'none',
  body: loginBody,
});
route({
  method: 'post',
  path: '/api/auth/logout',
  summary: 'Ends the session of the bearer token',
  auth: 'staff',
});
route({ method: 'get', path: '/api/auth/me', summary: 'The logged-in staff member', auth: 'staff' });
route({
  method: 'post',
  path: '/api/commands/{name}',
  summary:
    'Runs a queue command (same payloads as the Socket.IO events; see components.schemas). An `Idempotency-Key` header or `idempotencyKey` field makes retries safe.',
  auth: 'staff-or-device',
});
route({
  method: 'post',
  path: '/api/tickets',
  summary:
    'Issues a ticket (same as /api/commands/ticket:issue). Send an `Idempotency-Key` header: a retry returns the same ticket.',
  auth: 'staff-or-device',
  body: COMMAND_SCHEMAS['ticket:issue'],
});
route({
  method: 'get',
  path: '/api/queue',
  summary: 'Public snapshot of the hall (no personal data)',
  auth: 'none',
});
route({ method: 'get', path: '/api/queue/staff', summary: 'Staff snapshot (masked holders)', auth: 'staff' });
route({ method: 'get', path: '/api/windows', summary: 'Windows and what they are doing', auth: 'none' });
route({
  method: 'get',
  path: '/api/windows/{id}/display',
  summary: 'What the window display shows: the window and the clerk signed on (name, staff number)',
  auth: 'none',
});
route({
  method: 'get',
  path: '/api/catalog',
  summary: 'The service catalog (事项清单) with guides',
  auth: 'none',
});
route({
  method: 'put',
  path: '/api/hall/notice',
  summary: 'Sets the notice marquee on the hall boards ("" clears it); hall managers',
  auth: 'staff',
  body: noticeBody,
});
route({
  method: 'get',
  path: '/api/staff/{id}/photo',
  summary: 'A clerk’s photo for the window display',
  auth: 'none',
});
route({
  method: 'put',
  path: '/api/staff/{id}/photo',
  summary: 'Uploads a clerk’s photo (JPEG or PNG body, ≤ 300 KB)',
  auth: 'admin',
});
route({ method: 'get', path: '/api/staff', summary: 'Staff accounts', auth: 'admin' });
route({
  method: 'post',
  path: '/api/staff',
  summary: 'Creates a staff account (incompatible duties refused)',
  auth: 'admin',
  body: staffBody,
});
route({
  method: 'put',
  path: '/api/staff/{id}/roles',
  summary: 'Sets the roles of a staff member',
  auth: 'admin',
  body: rolesBody,
});
route({ method: 'get', path: '/api/devices', summary: 'Paired devices with last seen time', auth: 'admin' });
route({
  method: 'post',
  path: '/api/devices/pairing-codes',
  summary: 'Creates a one-time pairing code (15 minutes)',
  auth: 'admin',
  body: pairingBody,
});
route({
  method: 'post',
  path: '/api/devices/pair',
  summary: 'A terminal trades a pairing code for its device token',
  auth: 'none',
  body: pairBody,
});
route({
  method: 'delete',
  path: '/api/devices/{id}',
  summary: 'Revokes a device token and disconnects it',
  auth: 'admin',
});
route({
  method: 'get',
  path: '/api/audit',
  summary: 'Admin audit trail (staff, roles, devices)',
  auth: 'admin',
});

/** The image type by its magic bytes (the Content-Type header alone is not trusted). */
function imageMime(data: Buffer): 'image/jpeg' | 'image/png' | null {
  if (data.length > 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (
    data.length > 8 &&
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  return null;
}

/** The REST API for consoles and integrations. Every answer is `{ok, data}` or `{ok, error}`. */
export function createApiRouter(deps: HttpDeps): Router {
  const r = express.Router();

  const needStaff = needStaffOf(deps.auth);

  const body =
    <T>(schema: z.ZodType<T>, what: string) =>
    (req: Request, res: Response, next: NextFunction) => {
      const parsed = schema.safeParse(req.body ?? {});
      if (!parsed.success) return fail(res, badRequest(parsed.error, what));
      res.locals.body = parsed.data;
      next();
    };

  // Guessing passwords or 8-digit pairing codes: 10 failures per 15 minutes per client and name.
  const limitFailures = (key: (req: Request) => string) =>
    deps.rateLimit
      ? rateLimit({
          windowMs: 15 * 60 * 1000,
          limit: 10,
          skipSuccessfulRequests: true,
          standardHeaders: 'draft-8',
          legacyHeaders: false,
          keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${key(req)}`,
          handler: (_req, res) =>
            fail(res, { code: 'RATE_LIMITED', message: 'too many failed attempts; wait 15 minutes' }),
        })
      : (_req: Request, _res: Response, next: NextFunction) => next();

  r.post(
    '/auth/login',
    limitFailures((req) => String((req.body as { username?: unknown })?.username ?? '')),
    body(loginBody, 'login'),
    (_req, res) => {
      const b = res.locals.body as z.infer<typeof loginBody>;
      send(res, deps.auth.login(b.username, b.password));
    },
  );
  r.post('/auth/logout', needStaff(), (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    deps.auth.logout(token);
    deps.onLoggedOut(token);
    send(res, { ok: true, data: { loggedOut: true } });
  });
  r.get('/auth/me', needStaff(), (_req, res) => {
    const p = res.locals.principal as Extract<Principal, { kind: 'staff' }>;
    send(res, { ok: true, data: { id: p.id, name: p.name, staffNumber: p.staffNumber, roles: p.roles } });
  });

  const runCommand = (name: CommandName, req: Request, res: Response) => {
    const raw = req.body;
    const header = req.get('idempotency-key');
    const payload =
      header !== undefined && raw !== null && typeof raw === 'object' && !Array.isArray(raw)
        ? { idempotencyKey: header, ...raw }
        : raw;
    const ack = deps.gateway.dispatch(principalOf(req, deps.auth), name, payload, 'rest');
    send(res, ack, ack.ok && !ack.data.replayed ? 201 : 200);
  };
  r.post('/commands/:name', (req, res) => {
    const name = req.params.name;
    if (!deps.gateway.isCommand(name)) return fail(res, { code: 'NOT_FOUND', message: `no command ${name}` });
    runCommand(name, req, res);
  });
  r.post('/tickets', (req, res) => runCommand('ticket:issue', req, res));

  r.put('/hall/notice', needStaff(['manager']), body(noticeBody, 'notice'), (_req, res) => {
    const p = res.locals.principal as Extract<Principal, { kind: 'staff' }>;
    const { text } = res.locals.body as z.infer<typeof noticeBody>;
    deps.setNotice(text);
    deps.authStore.audit({
      at: Date.now(),
      actor: p.id,
      action: 'hall:notice',
      target: null,
      detail: { text },
    });
    send(res, { ok: true, data: { text } });
  });
  r.get('/queue', (_req, res) => send(res, { ok: true, data: deps.views.publicSnapshot() }));
  r.get('/queue/staff', needStaff(), (_req, res) => send(res, { ok: true, data: deps.views.staffView() }));
  r.get('/windows', (_req, res) => send(res, { ok: true, data: deps.queue().allWindows() }));
  // The screen above a window shows who serves there (name and 工号 are worn on the badge anyway).
  r.get('/windows/:id/display', (req, res) => {
    const w = deps.queue().window(String(req.params.id));
    if (w === undefined) return fail(res, { code: 'UNKNOWN_WINDOW', message: `no window ${req.params.id}` });
    const clerk = w.clerkId === null ? undefined : deps.authStore.staffById(w.clerkId);
    send(res, {
      ok: true,
      data: {
        window: w,
        clerk:
          clerk === undefined
            ? null
            : {
                id: clerk.id,
                name: clerk.name,
                staffNumber: clerk.staffNumber,
                photoUrl: (() => {
                  const photo = deps.authStore.photo(clerk.id);
                  return photo === undefined ? null : `/api/staff/${clerk.id}/photo?v=${photo.updatedAt}`;
                })(),
              },
      },
    });
  });
  // The photo on the window display, as on the badge the clerk wears (服务形象).
  r.get('/staff/:id/photo', (req, res) => {
    const photo = deps.authStore.photo(String(req.params.id));
    if (photo === undefined) return fail(res, { code: 'NOT_FOUND', message: 'no photo' });
    res.type(photo.mime).set('Cache-Control', 'public, max-age=86400').send(photo.data);
  });
  r.put(
    '/staff/:id/photo',
    needStaff(['admin']),
    express.raw({ type: ['image/jpeg', 'image/png'], limit: '300kb' }),
    (req, res) => {
      const p = res.locals.principal as Extract<Principal, { kind: 'staff' }>;
      const id = String(req.params.id);
      if (deps.authStore.staffById(id) === undefined)
        return fail(res, { code: 'NOT_FOUND', message: `no staff ${id}` });
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const mime = imageMime(data);
      if (mime === null)
        return fail(res, {
          code: 'BAD_REQUEST',
          message: 'send a JPEG or PNG image (Content-Type image/jpeg or image/png)',
        });
      deps.authStore.putPhoto(id, mime, data, Date.now());
      deps.authStore.audit({
        at: Date.now(),
        actor: p.id,
        action: 'staff:photo',
        target: id,
        detail: { bytes: data.length },
      });
      send(res, { ok: true, data: { photoUrl: `/api/staff/${id}/photo` } });
    },
  );
  const catalog = catalogWithInitials(deps.authStore);
  r.get('/catalog', (_req, res) => send(res, { ok: true, data: catalog() }));

  r.get('/staff', needStaff(['admin']), (_req, res) =>
    send(res, { ok: true, data: deps.authStore.allStaff().map(staffAccount) }),
  );
  r.post('/staff', needStaff(['admin']), body(staffBody, 'staff account'), (_req, res) => {
    const p = res.locals.principal as Extract<Principal, { kind: 'staff' }>;
    send(res, deps.auth.createStaff(p.id, res.locals.body as z.infer<typeof staffBody>), 201);
  });
  r.put('/staff/:id/roles', needStaff(['admin']), body(rolesBody, 'roles'), (req, res) => {
    const p = res.locals.principal as Extract<Principal, { kind: 'staff' }>;
    send(
      res,
      deps.auth.setRoles(p.id, String(req.params.id), (res.locals.body as z.infer<typeof rolesBody>).roles),
    );
  });

  r.get('/devices', needStaff(['admin']), (_req, res) =>
    send(res, { ok: true, data: deps.authStore.allDevices() }),
  );
  r.post(
    '/devices/pairing-codes',
    needStaff(['admin']),
    body(pairingBody, 'pairing code request'),
    (_req, res) => {
      const p = res.locals.principal as Extract<Principal, { kind: 'staff' }>;
      const b = res.locals.body as z.infer<typeof pairingBody>;
      if (b.windowId !== null && deps.queue().window(b.windowId) === undefined)
        return fail(res, { code: 'UNKNOWN_WINDOW', message: `no window ${b.windowId}` });
      send(res, deps.auth.createPairingCode(p.id, b), 201);
    },
  );
  r.post(
    '/devices/pair',
    limitFailures(() => 'pair'),
    body(pairBody, 'pairing'),
    (_req, res) => {
      send(res, deps.auth.pair((res.locals.body as z.infer<typeof pairBody>).code), 201);
    },
  );
  r.delete('/devices/:id', needStaff(['admin']), (req, res) => {
    const p = res.locals.principal as Extract<Principal, { kind: 'staff' }>;
    const ack = deps.auth.revoke(p.id, String(req.params.id));
    if (ack.ok) deps.onDeviceRevoked(String(req.params.id));
    send(res, ack);
  });
  r.get('/audit', needStaff(['admin', 'manager']), (req, res) => {
    const after = Number(req.query.after ?? 0);
    send(res, { ok: true, data: deps.authStore.auditLog(Number.isFinite(after) ? after : 0) });
  });

  return r;
}
