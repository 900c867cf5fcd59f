/**
 * The regional center's HTTP side (issue #18; SPEC RGN-*): halls POST their fact batches and pull
 * the region's documents with their own credential; the regional admin registers halls, resolves
 * flagged ones and publishes documents with the admin token; Prometheus reads `/metrics`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import {
  hallIdSchema,
  publishDocumentSchema,
  REGION_DOCUMENT_KINDS,
  REGION_DOCUMENT_SCHEMAS,
  type RegionDocumentKind,
  type RegionVersions,
} from '@onewindow/shared';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import client from 'prom-client';
import { z } from 'zod';
import { type CenterStore, type HallRow, hashCredential, type IngestOutcome } from './center.store.ts';
import { serveCenterConsole } from './console.ts';
import { checkBatch } from './ingest-batch.ts';
import { centerReportRoutes } from './report.routes.ts';
import type { CenterReportService } from './report.service.ts';

/** A hall not heard from for this long is `silent` on the status page. */
export const SILENT_AFTER_MS = 5 * 60_000;

export interface CenterDeps {
  store: CenterStore;
  logger: Logger;
  adminToken: string;
  /** Batches ingested at once; one more is answered 503 + Retry-After (RGN-REP-4). */
  maxInFlight: number;
  now?: () => number;
  /** The region's report for the regional manager (RGN-RPT-7) and the console's center mode (RGN-RPT-8). */
  reports?: { service: CenterReportService; token: string };
}

/** One hall on the status page (RGN-OPS-3). */
export interface HallStatus {
  hallId: string;
  name: string;
  health: 'ok' | 'lagging' | 'silent' | 'never' | 'flagged';
  highWater: number;
  reportedSeq: number | null;
  /** Facts the hall has that the center does not yet (reported − mark). */
  lag: number;
  lastContact: string | null;
  flagged: string | null;
  flaggedAt: string | null;
  runningVersions: RegionVersions;
}

export function hallStatus(h: HallRow, now: number): HallStatus {
  const lag = Math.max(0, (h.reportedSeq ?? 0) - h.highWater);
  const health: HallStatus['health'] =
    h.flagged !== null
      ? 'flagged'
      : h.lastContact === null
        ? 'never'
        : now - h.lastContact.getTime() > SILENT_AFTER_MS
          ? 'silent'
          : lag > 0
            ? 'lagging'
            : 'ok';
  return {
    hallId: h.hallId,
    name: h.name,
    health,
    highWater: h.highWater,
    reportedSeq: h.reportedSeq,
    lag,
    lastContact: h.lastContact?.toISOString() ?? null,
    flagged: h.flagged,
    flaggedAt: h.flaggedAt?.toISOString() ?? null,
    runningVersions: h.runningVersions,
  };
}

type Fail = { status: number; code: string; message: string };
const fail = (res: Response, f: Fail, headers: Record<string, string> = {}) => {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(f.status).json({ ok: false, error: { code: f.code, message: f.message } });
};
const ok = <T>(res: Response, data: T, status = 200) => res.status(status).json({ ok: true, data });

const bearer = (req: Request): string | null => {
  const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  return m ? (m[1] as string) : null;
};

const issues = (e: z.ZodError) =>
  e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

export interface CenterApp {
  express: express.Express;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export function createCenterApp(deps: CenterDeps): CenterApp {
  const { store, logger: log } = deps;
  const now = deps.now ?? Date.now;
  const adminHash = createHash('sha256').update(deps.adminToken).digest();
  const isAdmin = (req: Request) => {
    const t = bearer(req);
    return t !== null && timingSafeEqual(createHash('sha256').update(t).digest(), adminHash);
  };

  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const ingested = new client.Counter({
    name: 'onewindow_center_facts_ingested_total',
    help: 'Facts stored at the center, per hall',
    labelNames: ['hall'],
    registers: [registry],
  });
  const refused = new client.Counter({
    name: 'onewindow_center_batches_refused_total',
    help: 'Batches refused, by reason (busy, flagged, gap, auth, invalid)',
    labelNames: ['reason'],
    registers: [registry],
  });
  // Per-hall gauges are read from the database when Prometheus scrapes (RGN-OPS-3).
  const lagGauge = new client.Gauge({
    name: 'onewindow_center_hall_lag_facts',
    help: "Facts a hall reported that the center does not hold yet (hall's last seq − center mark)",
    labelNames: ['hall'],
    registers: [registry],
  });
  const contactGauge = new client.Gauge({
    name: 'onewindow_center_hall_last_contact_seconds',
    help: 'Unix time of the last contact from a hall',
    labelNames: ['hall'],
    registers: [registry],
  });
  const markGauge = new client.Gauge({
    name: 'onewindow_center_hall_high_water',
    help: 'The last seq the center holds for a hall',
    labelNames: ['hall'],
    registers: [registry],
  });
  const flaggedGauge = new client.Gauge({
    name: 'onewindow_center_hall_flagged',
    help: '1 while a hall is flagged (its log went backwards) and refused',
    labelNames: ['hall'],
    registers: [registry],
  });
  const refreshHallGauges = async () => {
    for (const g of [lagGauge, contactGauge, markGauge, flaggedGauge]) g.reset();
    for (const h of await store.halls()) {
      const s = hallStatus(h, now());
      lagGauge.set({ hall: h.hallId }, s.lag);
      markGauge.set({ hall: h.hallId }, h.highWater);
      flaggedGauge.set({ hall: h.hallId }, h.flagged === null ? 0 : 1);
      if (h.lastContact) contactGauge.set({ hall: h.hallId }, h.lastContact.getTime() / 1000);
    }
  };

  const app = express();
  app.disable('x-powered-by');
  // A batch is read as text: its JSON goes to PostgreSQL as it came (RGN-REP-9). Mounted first,
  // so the JSON parser below leaves it alone.
  app.use('/api/center/ingest', express.text({ type: () => true, limit: '16mb' }));
  app.use(express.json({ limit: '16mb' }));

  /** The hall a credential belongs to: 401 without one, 403 for another hall's (RGN-REP-5). */
  const hallAuth = async (req: Request, res: Response, hallId: string): Promise<boolean> => {
    const t = bearer(req);
    if (t === null) {
      refused.inc({ reason: 'auth' });
      fail(res, {
        status: 401,
        code: 'UNAUTHENTICATED',
        message: 'a hall credential is required (Authorization: Bearer …)',
      });
      return false;
    }
    if (await store.authenticate(hallId, t)) return true;
    refused.inc({ reason: 'auth' });
    const owner = await ownerOf(t);
    if (owner !== null)
      fail(res, {
        status: 403,
        code: 'FORBIDDEN',
        message: `this credential is hall ${owner}'s, not ${hallId}'s`,
      });
    else fail(res, { status: 401, code: 'UNAUTHENTICATED', message: `not a credential of hall ${hallId}` });
    return false;
  };
  const ownerOf = async (credential: string): Promise<string | null> => {
    const r = await store.pool.query<{ hall_id: string }>(
      'SELECT hall_id FROM halls WHERE credential_hash = $1',
      [hashCredential(credential)],
    );
    return r.rows[0]?.hall_id ?? null;
  };
  const admin = (req: Request, res: Response, next: NextFunction) => {
    if (isAdmin(req)) next();
    else fail(res, { status: 401, code: 'UNAUTHENTICATED', message: 'the regional admin token is required' });
  };
  const wrap =
    (fn: (req: Request, res: Response) => Promise<unknown>) =>
    (req: Request, res: Response, next: NextFunction) =>
      fn(req, res).catch(next);

  let inFlight = 0;

  app.get(
    '/healthz',
    wrap(async (_req, res) => {
      await store.pool.query('SELECT 1');
      ok(res, { status: 'ok' });
    }),
  );

  app.get(
    '/metrics',
    wrap(async (_req, res) => {
      await refreshHallGauges();
      res.type(registry.contentType).send(await registry.metrics());
    }),
  );

  // RGN-REP-2..6: a batch of one hall's facts.
  app.post(
    '/api/center/ingest',
    wrap(async (req, res) => {
      const text = typeof req.body === 'string' ? req.body : '';
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        refused.inc({ reason: 'invalid' });
        return fail(res, { status: 400, code: 'BAD_REQUEST', message: 'the body is not valid JSON' });
      }
      const checked = checkBatch(raw);
      if (!checked.ok) {
        refused.inc({ reason: 'invalid' });
        return fail(res, {
          status: checked.tooMany ? 413 : 400,
          code: checked.tooMany ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
          message: checked.tooMany ? checked.message : `invalid batch: ${checked.message}`,
        });
      }
      const b = checked.batch;
      if (!(await hallAuth(req, res, b.hallId))) return;
      if (inFlight >= deps.maxInFlight) {
        refused.inc({ reason: 'busy' });
        return fail(
          res,
          { status: 503, code: 'UNAVAILABLE', message: 'the center is busy; retry later' },
          { 'retry-after': '1' },
        );
      }
      inFlight++;
      try {
        let r: IngestOutcome;
        try {
          r = await store.ingest(b.hallId, b.hallLastSeq, b.versions, {
            json: text,
            first: b.first,
            last: b.last,
          });
        } catch (err) {
          // A value JSON allows and PostgreSQL's jsonb does not (\u0000, a lone surrogate): the
          // batch's fault, rolled back whole.
          const code = (err as { code?: unknown }).code;
          if (typeof code !== 'string' || !code.startsWith('22')) throw err;
          refused.inc({ reason: 'invalid' });
          return fail(res, {
            status: 400,
            code: 'BAD_REQUEST',
            message: `invalid batch: ${(err as Error).message}`,
          });
        }
        if (r.ok) {
          ingested.inc({ hall: b.hallId }, r.inserted);
          return ok(res, { highWater: r.highWater, inserted: r.inserted });
        }
        if (r.code === 'HALL_FLAGGED') {
          refused.inc({ reason: 'flagged' });
          log.warn({ hall: b.hallId, flagged: r.flagged }, 'flagged hall refused');
          return fail(res, { status: 409, code: 'HALL_FLAGGED', message: r.flagged });
        }
        if (r.code === 'GAP') {
          refused.inc({ reason: 'gap' });
          return res.status(409).json({
            ok: false,
            error: { code: 'GAP', message: `the center holds up to ${r.highWater}; send from there` },
            highWater: r.highWater,
          });
        }
        return fail(res, { status: 404, code: 'NOT_FOUND', message: `no hall ${b.hallId}` });
      } finally {
        inFlight--;
      }
    }),
  );

  // The hall's start point: the center's mark (the shipper keeps no state of its own).
  app.get(
    '/api/center/halls/:hallId/mark',
    wrap(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!(await hallAuth(req, res, hallId))) return;
      const h = await store.hall(hallId);
      if (!h) return fail(res, { status: 404, code: 'NOT_FOUND', message: `no hall ${hallId}` });
      ok(res, { highWater: h.highWater, flagged: h.flagged });
    }),
  );

  // RGN-PUSH-2: the documents newer than the versions the hall runs.
  app.get(
    '/api/center/halls/:hallId/documents',
    wrap(async (req, res) => {
      const hallId = String(req.params.hallId);
      if (!(await hallAuth(req, res, hallId))) return;
      const versions: RegionVersions = {};
      for (const k of REGION_DOCUMENT_KINDS) {
        const v = Number(req.query[k] ?? 0);
        if (Number.isInteger(v) && v >= 0) versions[k] = v;
      }
      ok(res, await store.documentsNewerThan(versions));
    }),
  );

  // RGN-OPS-3: every hall's health, lag and last contact.
  app.get(
    '/api/center/halls',
    admin,
    wrap(async (_req, res) => {
      const t = now();
      ok(
        res,
        (await store.halls()).map((h) => hallStatus(h, t)),
      );
    }),
  );

  const newHall = z.strictObject({ hallId: hallIdSchema, name: z.string().min(1).max(100) });
  app.post(
    '/api/center/halls',
    admin,
    wrap(async (req, res) => {
      const p = newHall.safeParse(req.body);
      if (!p.success) return fail(res, { status: 400, code: 'BAD_REQUEST', message: issues(p.error) });
      const r = await store.addHall(p.data.hallId, p.data.name);
      if (!r) return fail(res, { status: 409, code: 'CONFLICT', message: `hall ${p.data.hallId} exists` });
      log.info({ hall: p.data.hallId }, 'hall registered');
      ok(res, { hallId: p.data.hallId, credential: r.credential }, 201);
    }),
  );

  const resolveBody = z.strictObject({
    action: z.enum(['accept-rewind', 'dismiss']),
    by: z.string().min(1).max(64),
    keepThrough: z.number().int().min(0).default(0),
  });
  app.post(
    '/api/center/halls/:hallId/resolve',
    admin,
    wrap(async (req, res) => {
      const p = resolveBody.safeParse(req.body);
      if (!p.success) return fail(res, { status: 400, code: 'BAD_REQUEST', message: issues(p.error) });
      const hallId = String(req.params.hallId);
      const r = await store.resolve(hallId, p.data.action, p.data.by, p.data.keepThrough);
      if (!r) return fail(res, { status: 409, code: 'CONFLICT', message: `hall ${hallId} is not flagged` });
      log.warn({ hall: hallId, action: p.data.action, highWater: r.highWater }, 'flagged hall resolved');
      ok(res, r);
    }),
  );

  const kindOf = (req: Request): RegionDocumentKind | null => {
    const k = String(req.params.kind);
    return (REGION_DOCUMENT_KINDS as readonly string[]).includes(k) ? (k as RegionDocumentKind) : null;
  };
  // RGN-PUSH-1: a new version of a regional document, checked against the hall's own schema.
  app.post(
    '/api/center/documents/:kind',
    admin,
    wrap(async (req, res) => {
      const kind = kindOf(req);
      if (!kind)
        return fail(res, {
          status: 404,
          code: 'NOT_FOUND',
          message: `documents are ${REGION_DOCUMENT_KINDS.join(', ')}`,
        });
      const p = publishDocumentSchema.safeParse(req.body);
      if (!p.success) return fail(res, { status: 400, code: 'BAD_REQUEST', message: issues(p.error) });
      const body = REGION_DOCUMENT_SCHEMAS[kind].safeParse(p.data.body);
      if (!body.success)
        return fail(res, {
          status: 400,
          code: 'BAD_REQUEST',
          message: `invalid ${kind}: ${issues(body.error)}`,
        });
      const doc = await store.publish(kind, body.data, p.data.note, 'region-admin');
      log.info({ kind, version: doc.version }, 'document published');
      ok(res, doc, 201);
    }),
  );
  app.get(
    '/api/center/documents/:kind',
    admin,
    wrap(async (req, res) => {
      const kind = kindOf(req);
      if (!kind)
        return fail(res, {
          status: 404,
          code: 'NOT_FOUND',
          message: `documents are ${REGION_DOCUMENT_KINDS.join(', ')}`,
        });
      const d = await store.latestDocument(kind);
      if (!d) return fail(res, { status: 404, code: 'NOT_FOUND', message: `no ${kind} published yet` });
      ok(res, d);
    }),
  );

  if (deps.reports) {
    app.use(
      centerReportRoutes({
        reports: deps.reports.service,
        managerToken: deps.reports.token,
        halls: async () => (await store.halls()).map((h) => hallStatus(h, now())),
      }),
    );
    serveCenterConsole(app);
  }

  app.use((_req: Request, res: Response) =>
    fail(res, { status: 404, code: 'NOT_FOUND', message: 'no such route' }),
  );
  // Bad JSON, a body over the limit, a database error: a clear answer, never a crash.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; type?: string; message?: string };
    if (e.type === 'entity.too.large')
      return fail(res, {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: 'batch too large; send fewer facts',
      });
    if (e.status === 400)
      return fail(res, { status: 400, code: 'BAD_REQUEST', message: 'the body is not valid JSON' });
    log.error({ err }, 'center request failed');
    fail(
      res,
      { status: 503, code: 'UNAVAILABLE', message: 'the center could not do this now; retry later' },
      { 'retry-after': '2' },
    );
  });

  let server: Server | null = null;
  return {
    express: app,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server = app.listen(port, host ?? '127.0.0.1', () => {
          const a = server?.address();
          resolve(typeof a === 'object' && a ? a.port : port);
        });
        server.once('error', reject);
      });
    },
    async close() {
      const s = server;
      if (!s) return;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}
