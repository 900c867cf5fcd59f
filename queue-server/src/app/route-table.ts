/**
 * The one route table (STYLE 2, 12): every REST route is declared once with its method, path,
 * who may call it (a permission of auth/permissions.ts), its body and query schemas, and a
 * handler that only calls a service and replies. `mountRoutes` turns the table into Express
 * routes (parse → authorize → call → reply); `openapi.ts` turns the same table into
 * `/api/openapi.json`, so the two cannot drift.
 */
import type { Ack, ApiError } from '@onewindow/shared';
import { CITIZEN_TOKEN_HEADER } from '@onewindow/shared/citizen.ts';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import {
  type CitizenPrincipal,
  notLoggedIn,
  type Permission,
  type Principal,
  permits,
} from '../auth/permissions.ts';
import type { AuthService } from '../service/auth.service.ts';
import type { CitizenAuthService } from '../service/citizen-auth.service.ts';
import { badRequest, httpStatusOf } from './command.gateway.ts';

/**
 * Who may call a route: anyone (`public`), any logged-in staff member (`staff`), whoever the
 * command named in the path permits (`command`: the gateway checks), a citizen signed in on the
 * phone app (`citizen`), one who also gave an ID number (`citizen:identified`, MOB-AUTH-7), or a
 * permission.
 */
export type Access = 'public' | 'staff' | 'command' | 'citizen' | 'citizen:identified' | Permission;

export type StaffPrincipal = Extract<Principal, { kind: 'staff' }>;

/** The staff member behind a route whose access admits staff only (`staff` or a role-only permission). */
export const staffOf = (ctx: { principal: Principal }): StaffPrincipal => ctx.principal as StaffPrincipal;

/**
 * The citizen behind a route with `access: 'citizen'` (MOB-AUTH-6): the session, the keyed phone
 * reference, and the holder reference (null until the citizen gave an ID number).
 */
export const citizenOf = (ctx: { principal: Principal }): CitizenPrincipal =>
  ctx.principal as CitizenPrincipal;

/** The citizen behind a route with `access: 'citizen:identified'`: the holder reference is there. */
export const identifiedCitizenOf = (ctx: {
  principal: Principal;
}): CitizenPrincipal & { holderRef: string } => ctx.principal as CitizenPrincipal & { holderRef: string };

export interface RouteContext<B, Q> {
  principal: Principal;
  body: B;
  query: Q;
  params: Record<string, string>;
  /** The Idempotency-Key header, when sent. */
  idempotencyKey: string | undefined;
  /** scheme://host of the request (QR links when the hall has no public URL). */
  origin: string;
  req: Request;
  res: Response;
}

/** The handler's answer: an Ack (200, or `status` when it succeeded), or nothing when it replied itself. */
export type Reply = Ack<unknown> | { ack: Ack<unknown>; status: number } | undefined;

export interface RouteDef<B = unknown, Q = unknown> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path syntax: /api/tickets/{id}. */
  path: string;
  summary: string;
  access: Access;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  /** How the body is read when it is not JSON up to 256 KB. */
  accepts?: { raw: string[]; limit: string; tooLarge?: ApiError } | { json: string; limit: string };
  /** Middleware that runs after the body is read and before the handler (rate limits keyed by a field). */
  before?: RequestHandler[];
  handle(ctx: RouteContext<B, Q>): Reply | Promise<Reply>;
}

/** Declares a route with its body and query types inferred from its schemas. */
export function route<B = undefined, Q = undefined>(def: RouteDef<B, Q>): RouteDef {
  return def as unknown as RouteDef;
}

export function send<T>(res: Response, ack: Ack<T>, okStatus = 200): void {
  res.status(ack.ok ? okStatus : httpStatusOf(ack.error.code)).json(ack);
}

export const fail = (error: ApiError): Ack<never> => ({ ok: false, error });

/**
 * The principal of a request: `Authorization: Bearer <staff token>`, `X-Device-Token`, or a
 * citizen's `X-Citizen-Token` (MOB-AUTH-5; only when the staff and device headers are absent).
 */
export function principalOf(req: Request, auth: AuthService, citizens?: CitizenAuthService): Principal {
  const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
  const deviceToken = req.get('x-device-token') ?? undefined;
  const citizenToken = req.get(CITIZEN_TOKEN_HEADER);
  if (
    citizens !== undefined &&
    citizenToken !== undefined &&
    bearer === undefined &&
    deviceToken === undefined
  )
    return citizens.principal(citizenToken);
  return auth.principal({ token: bearer, deviceToken });
}

const SIGN_IN: ApiError = {
  code: 'UNAUTHENTICATED',
  message: 'sign in on the phone app first (POST /api/citizen/otp, then /api/citizen/session)',
  messageZh: '请先用手机号和短信验证码登录',
};

/** Why this principal may not call a route with this access, or null. */
export function refusal(p: Principal, access: Access): ApiError | null {
  switch (access) {
    case 'public':
      return null;
    case 'command':
      // Every command refuses an anonymous sender (permissions.ts authorize), so the route
      // does too, before reading the payload; the gateway checks the rest.
      return p.kind === 'anonymous' ? notLoggedIn(p) : null;
    case 'citizen':
      return p.kind === 'citizen' ? null : SIGN_IN;
    case 'citizen:identified':
      if (p.kind !== 'citizen') return SIGN_IN;
      return p.holderRef !== null
        ? null
        : {
            code: 'IDENTITY_REQUIRED',
            message: 'give your ID number first (POST /api/citizen/identity)',
            messageZh: '请先填写本人身份证号码',
          };
    case 'staff':
      if (p.kind === 'anonymous' && p.pending !== undefined) return notLoggedIn(p);
      return p.kind === 'staff' || p.kind === 'system'
        ? null
        : { code: 'UNAUTHENTICATED', message: 'a staff login token is required' };
    default:
      return permits(p, access);
  }
}

/**
 * Refuses a body whose declared length is over the route's limit with the route's own error
 * (413 and words for the user) before a byte of it is read; a body without a length that runs
 * over is still stopped by the parser.
 */
function refuseTooLarge(limit: string, error: ApiError): RequestHandler {
  const max = parseLimit(limit);
  return (req, res, next) => {
    const declared = Number(req.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > max) {
      res.set('Connection', 'close');
      return send(res, fail(error));
    }
    next();
  };
}

const parseLimit = (limit: string): number => {
  const m = /^(\d+)(kb|mb)$/i.exec(limit);
  if (m === null) throw new Error(`route limit ${limit}: write it as <n>kb or <n>mb`);
  return Number(m[1]) * (m[2]!.toLowerCase() === 'kb' ? 1024 : 1024 * 1024);
};

/** `/api/tickets/{id}` → `/api/tickets/:id`. */
export const expressPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/** How deep a JSON body may nest: the deepest real payload (a catalog form's options) is under 10. */
export const MAX_JSON_DEPTH = 64;

/**
 * Refuses a JSON body nested deeper than `max` before it is parsed: one linear pass over the
 * bytes (brackets inside strings do not count), so a megabyte of `[[[[…` costs microseconds
 * instead of seconds of JSON.parse and no later code walks a million levels. Runs as the body
 * parser's `verify` hook; the thrown error is a 400 the app's error handler words.
 */
function decode(buf: Buffer, encoding: string): string {
  try {
    return new TextDecoder(encoding).decode(buf);
  } catch {
    throw Object.assign(new Error(`unsupported charset ${encoding}`), {
      status: 415,
      type: 'charset.unsupported',
    });
  }
}

export function verifyJsonDepth(max: number) {
  return (_req: unknown, _res: unknown, buf: Buffer, encoding: string): void => {
    const text = /^utf-?8$/i.test(encoding) ? buf : Buffer.from(decode(buf, encoding));
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === 0x5c) i++;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x5b || c === 0x7b) {
        if (++depth > max)
          throw Object.assign(new Error(`JSON body nested deeper than ${max} levels`), {
            status: 400,
            type: 'entity.too.deep',
          });
      } else if (c === 0x5d || c === 0x7d) depth--;
    }
  };
}

/**
 * Mounts every route of the table on `app`, in order: authenticate and authorize from the
 * headers alone, then read the body (bounded in size and depth), then run the route's own
 * middleware and the handler. A caller who may not use a route is answered before a byte of
 * its body is read, so an anonymous megabyte costs the server nothing (SPEC EDGE-2).
 */
export function mountRoutes(
  app: express.Express,
  routes: readonly RouteDef[],
  auth: AuthService,
  citizens?: CitizenAuthService,
): void {
  const verify = verifyJsonDepth(MAX_JSON_DEPTH);
  const json = express.json({ limit: '256kb', verify });
  for (const r of routes) {
    const gate: RequestHandler = (req, res, next) => {
      try {
        const principal = principalOf(req, auth, citizens);
        const denied = refusal(principal, r.access);
        if (denied !== null) return send(res, fail(denied));
        res.locals.principal = principal;
        next();
      } catch (err) {
        next(err);
      }
    };
    const parsers: RequestHandler[] =
      r.accepts === undefined
        ? [json]
        : 'raw' in r.accepts
          ? [
              ...(r.accepts.tooLarge !== undefined
                ? [refuseTooLarge(r.accepts.limit, r.accepts.tooLarge)]
                : []),
              // `*/*` takes a body whatever it is labelled, or not labelled at all (MAT-CAP-2 sniffs it).
              express.raw({
                type: r.accepts.raw.includes('*/*') ? () => true : r.accepts.raw,
                limit: r.accepts.limit,
              }),
            ]
          : [express.json({ type: r.accepts.json, limit: r.accepts.limit, verify }), json];
    const handler = async (req: Request, res: Response, next: NextFunction) => {
      try {
        const principal = res.locals.principal as Principal;
        let body: unknown = req.body;
        if (r.body !== undefined) {
          const parsed = r.body.safeParse(req.body ?? {});
          if (!parsed.success)
            return send(res, fail(badRequest(parsed.error, `${r.method.toUpperCase()} ${r.path} body`)));
          body = parsed.data;
        }
        let query: unknown = req.query;
        if (r.query !== undefined) {
          const parsed = r.query.safeParse(req.query);
          if (!parsed.success) return send(res, fail(badRequest(parsed.error, 'query')));
          query = parsed.data;
        }
        const reply = await r.handle({
          principal,
          body,
          query,
          params: Object.fromEntries(Object.entries(req.params).map(([k, v]) => [k, String(v)])),
          idempotencyKey: req.get('idempotency-key') ?? undefined,
          origin: `${req.protocol}://${req.get('host')}`,
          req,
          res,
        });
        if (reply === undefined) return;
        if ('ack' in reply) send(res, reply.ack, reply.status);
        else send(res, reply);
      } catch (err) {
        next(err);
      }
    };
    app[r.method](expressPath(r.path), gate, ...parsers, ...(r.before ?? []), handler);
  }
}

/** A file to download: its ASCII name, its Chinese name (RFC 5987), its type and bytes. */
export interface DownloadFile {
  name: string;
  nameZh: string;
  type: string;
  body: Buffer | string;
}

/** Sends an export as a download that no cache keeps (statistics, risk list, complaints, reports). */
export function download(res: Response, file: DownloadFile): undefined {
  res.setHeader(
    'content-disposition',
    `attachment; filename="${file.name}"; filename*=UTF-8''${encodeURIComponent(file.nameZh)}`,
  );
  res.setHeader('cache-control', 'no-store');
  res.type(file.type).send(file.body);
  return undefined;
}
