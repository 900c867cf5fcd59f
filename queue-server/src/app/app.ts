import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientToServerEvents, ServerToClientEvents } from '@onewindow/shared';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import client from 'prom-client';
import { Server } from 'socket.io';
import { composeHall, type Hall, type HallDeps } from '../compose.ts';
import type { AuthService } from '../service/auth.service.ts';
import { counterCardFor } from '../service/counter.ts';
import type { Clock, HallService } from '../service/hall.service.ts';
import type { HallViews } from '../service/hall.views.ts';
import type { AuthStore } from '../store/auth.store.ts';
import type { HallStore } from '../store/hall.store.ts';
import { CommandGateway } from './command.gateway.ts';
import { attachDevices } from './devices.realtime.ts';
import { openApiDocument } from './openapi.ts';
import { attachRealtime, EVERYONE, type HallIo } from './realtime.ts';
import { fail, mountRoutes, type RouteDef, send } from './route-table.ts';
import { adminRoutes } from './routes/admin.routes.ts';
import { archiveRoutes } from './routes/archive.routes.ts';
import { bookingRoutes } from './routes/booking.routes.ts';
import { type CitizenLimiters, citizenRoutes } from './routes/citizen.routes.ts';
import { complaintRoutes } from './routes/complaints.routes.ts';
import { coreRoutes } from './routes/core.routes.ts';
import { counterRoutes } from './routes/counter.routes.ts';
import { kioskRoutes } from './routes/kiosk.routes.ts';
import { materialRoutes } from './routes/materials.routes.ts';
import { mobileQueueRoutes } from './routes/mobile-queue.routes.ts';
import { noticeRoutes } from './routes/notice.routes.ts';
import { reconRoutes } from './routes/recon.routes.ts';
import { reportRoutes } from './routes/reports.routes.ts';
import { riskRoutes } from './routes/risk.routes.ts';
import { ticketStatusRoutes } from './routes/ticket-status.routes.ts';

export interface AppDeps {
  store: HallStore;
  logger: Logger;
  clock?: Clock;
  /** Days a kiosk form is kept after its ticket's day or its case closed (SEC-MIN-2; 30). */
  formRetentionDays?: number;
  /** How long 扫描 waits for the window agent's answer (MAT-DEV-2; default 90 s). */
  scanTimeoutMs?: number;
  /** The CJK font of every PDF, reports and archive (ONEWINDOW_CJK_FONT); default: found on the PC. */
  cjkFont?: string | undefined;
  /** Hours between scheduled fixity checks (ARC-6); 0 or absent: none (tests run it on demand). */
  fixityEveryHours?: number;
  /** Hours between scheduled sweeps of the page store (MAT-SWEEP-3); 0 or absent: none (tests sweep on demand). */
  pageSweepEveryHours?: number;
  /** Run the day-close scheduler (SPEC Q-DAY-3); tests drive it by hand. */
  autoDayClose?: boolean;
  /** Limit failed logins and pairings per client (on by default; load tests turn it off). */
  rateLimit?: boolean;
  /**
   * Reverse proxies whose `X-Forwarded-For` names the client (ONEWINDOW_TRUST_PROXY: addresses,
   * CIDRs or `loopback`). None by default: the client is the socket's peer, so a forged header
   * cannot pose as another client to the rate limits (SPEC EDGE-4).
   */
  trustProxy?: readonly string[];
  /** How long a dropped client's missed facts are kept for Socket.IO recovery. */
  recoveryMs?: number;
  /** How long in-flight HTTP requests may finish on close() before connections are cut (5 s). */
  shutdownGraceMs?: number;
  /** The hall's public address for ticket QR codes (ONEWINDOW_PUBLIC_URL); else the kiosk's request origin. */
  publicUrl?: string | undefined;
  /** Without publicUrl: the hall PC's LAN address for QR codes of kiosks that open 127.0.0.1. */
  lanHost?: string | undefined;
  /** The SMS gateway the notice worker sends through (NOTE-GW-1); none: notices wait in the outbox. */
  sms?: HallDeps['sms'];
  /** The regional center to replicate to (RGN-REP-*); started with the app, stopped on close. */
  center?: HallDeps['center'];
}

export interface App {
  http: HttpServer;
  /** The Express application (its router is what the route-table test walks). */
  express: express.Express;
  io: HallIo;
  /** Every service of the hall (the composition root). */
  hall: Hall;
  service: HallService;
  auth: AuthService;
  authStore: Pick<AuthStore, 'catalog' | 'replaceCatalog' | 'staffCount'>;
  views: HallViews;
  gateway: CommandGateway;
  /** Every REST route, as mounted and documented. */
  routes: readonly RouteDef[];
  /** Runs the day closes that are due now (the scheduler calls this; so can tests). */
  runDueDayCloses(): void;
  listen(port: number, host?: string): Promise<number>;
  /** Graceful: stop taking connections, let in-flight requests finish, close the database. */
  close(): Promise<void>;
}

/**
 * Socket.IO's heartbeat for every hall client: a board or kiosk notices a server that vanished
 * without closing (a cut cable, a lost close frame) within 15 s instead of Socket.IO's default
 * 45 s, and says 正在重新连接 instead of showing stale calls as live. 300 boards cost 30 small
 * pings a second. (The hall-load bench's floor sends the same heartbeats.)
 */
export const HEARTBEAT = { pingInterval: 10_000, pingTimeout: 5_000 } as const;

/**
 * Wires the transports of one hall around its composition root: the REST route table, Socket.IO
 * (commands, facts, devices) and the three browser apps. Builds no store and no service itself.
 */
export function createApp(deps: AppDeps): App {
  const log = deps.logger;
  const h = composeHall({
    store: deps.store,
    logger: log,
    ...(deps.clock ? { clock: deps.clock } : {}),
    publicUrl: deps.publicUrl,
    lanHost: deps.lanHost,
    ...(deps.formRetentionDays !== undefined ? { formRetentionDays: deps.formRetentionDays } : {}),
    ...(deps.scanTimeoutMs !== undefined ? { scanTimeoutMs: deps.scanTimeoutMs } : {}),
    cjkFont: deps.cjkFont,
    sms: deps.sms,
    center: deps.center,
  });
  const gateway = new CommandGateway({
    hall: h.hall,
    cases: h.cases,
    holderRef: h.holderRef,
    onInternalError: (err, name) => log.error({ err, command: name }, 'command failed inside the server'),
  });

  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const commandCounter = new client.Counter({
    name: 'onewindow_facts_total',
    help: 'Facts committed, by type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  new client.Gauge({
    name: 'onewindow_waiting_tickets',
    help: 'Tickets waiting, by category',
    labelNames: ['category'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [c, n] of h.hall.queue.waitingByCategory()) this.set({ category: c }, n);
    },
  });
  const socketsGauge = new client.Gauge({
    name: 'onewindow_connected_sockets',
    help: 'Connected Socket.IO clients',
    registers: [registry],
  });

  const app = express();
  app.disable('x-powered-by');
  app.set(
    'trust proxy',
    deps.trustProxy !== undefined && deps.trustProxy.length > 0 ? [...deps.trustProxy] : false,
  );
  app.use(securityHeaders());
  let shuttingDown = false;

  const io: HallIo = new Server<ClientToServerEvents, ServerToClientEvents>(createServer(app), {
    maxHttpBufferSize: 256 * 1024,
    ...HEARTBEAT,
    connectionStateRecovery: {
      maxDisconnectionDuration: deps.recoveryMs ?? 30_000,
      skipMiddlewares: false,
    },
    serveClient: false,
  });
  const http = io.httpServer as unknown as HttpServer;
  const realtime = attachRealtime(io, {
    auth: h.auth,
    gateway,
    views: h.views,
    log: (msg, extra) => log.info(extra ?? {}, msg),
  });
  io.on('connection', (socket) => {
    socketsGauge.inc();
    socket.on('disconnect', () => socketsGauge.dec());
  });
  const devices = attachDevices(io, {
    print: h.print,
    scans: h.scans,
    devices: deps.store.devices,
    auth: deps.store.auth,
    clock: h.clock,
    counterCard: counterCardFor({
      queue: () => h.hall.queue,
      holderRef: h.holderRef,
      recordRead: (r) => deps.store.piiReads.record(r),
      now: () => h.clock.now(),
    }),
  });
  h.notice.onChange((text) => io.to([...EVERYONE]).emit('hall:notice', { text }));

  // Guessing passwords or 8-digit pairing codes (SPEC EDGE-4): 10 failures per 15 minutes per
  // client address and name (a pairing: per address), so one technician's typos never lock out
  // another; across all addresses a name (or pairing as a whole) is slowed, never locked, after
  // 30 failures: each further attempt waits 0.5 s more, at most 10 s.
  const limiting = deps.rateLimit ?? true;
  const clientAddress = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? '');
  const loginName = (req: Request) => String((req.body as { username?: unknown })?.username ?? '');
  const limitFailures = (key: (req: Request) => string): RequestHandler =>
    rateLimit({
      windowMs: 15 * 60 * 1000,
      limit: 10,
      skipSuccessfulRequests: true,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // Without a configured proxy the header is a client's claim: ignored, not worth a warning.
      validate: { xForwardedForHeader: false },
      keyGenerator: key,
      handler: (_req, res) =>
        send(res, fail({ code: 'RATE_LIMITED', message: 'too many failed attempts; wait 15 minutes' })),
    });
  const slowFailures = (key: (req: Request) => string): RequestHandler =>
    rateLimit({
      windowMs: 15 * 60 * 1000,
      limit: 30,
      skipSuccessfulRequests: true,
      standardHeaders: false,
      legacyHeaders: false,
      validate: { xForwardedForHeader: false },
      keyGenerator: key,
      handler: (req, _res, next) => {
        const over = (req as Request & { rateLimit?: { used: number; limit: number } }).rateLimit;
        setTimeout(next, Math.min(10_000, 500 * ((over?.used ?? 31) - (over?.limit ?? 30))));
      },
    });
  const limitLogins = limiting
    ? chain(
        limitFailures((req) => `${clientAddress(req)}|${loginName(req)}`),
        slowFailures(loginName),
      )
    : pass;
  const limitPairings = limiting
    ? chain(
        limitFailures(clientAddress),
        slowFailures(() => 'pair'),
      )
    : pass;

  // The citizen's phone (MOB-AUTH-3, MOB-AUTH-4, MOB-PROG-2), per client address on top of the
  // per-phone limits the service keeps in the database: 20 code requests an hour (each costs an
  // SMS), 30 failed sign-ins and 10 failed lookups per 15 minutes, and 5 failed lookups of one
  // receipt number from anywhere. Words for the citizen in messageZh.
  const limitAll = (
    windowMs: number,
    limit: number,
    key: (req: Request) => string,
    failuresOnly: boolean,
    messageZh: string,
  ): RequestHandler =>
    rateLimit({
      windowMs,
      limit,
      skipSuccessfulRequests: failuresOnly,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      validate: { xForwardedForHeader: false },
      keyGenerator: key,
      handler: (_req, res) =>
        send(
          res,
          fail({ code: 'RATE_LIMITED', message: 'too many requests from this client; wait', messageZh }),
        ),
    });
  const receiptNo = (req: Request) =>
    String((req.body as { receiptNo?: unknown })?.receiptNo ?? '').slice(0, 64);
  const citizenLimits: CitizenLimiters = limiting
    ? {
        codeRequests: [
          limitAll(60 * 60_000, 20, clientAddress, false, '获取验证码过于频繁，请 1 小时后再试'),
        ],
        signIns: [limitAll(15 * 60_000, 30, clientAddress, true, '登录尝试过于频繁，请 15 分钟后再试')],
        lookups: [
          limitAll(15 * 60_000, 10, clientAddress, true, '查询次数过多，请 15 分钟后再试'),
          limitAll(
            15 * 60_000,
            5,
            (req) => `receipt|${receiptNo(req)}`,
            true,
            '该受理编号查询次数过多，请 15 分钟后再试',
          ),
        ],
      }
    : { codeRequests: [], signIns: [], lookups: [] };

  const routes: RouteDef[] = [
    ...coreRoutes(h, {
      gateway,
      metrics: async () => ({ type: registry.contentType, body: await registry.metrics() }),
      openapi: () => openApiDocument(routes),
      shuttingDown: () => shuttingDown,
      onLoggedOut: (token) => realtime.disconnectSession(token),
      onDeviceRevoked: (id) => realtime.disconnectDevice(id),
      limitLogins,
      limitPairings,
    }),
    ...kioskRoutes(h),
    ...counterRoutes(h, devices),
    ...materialRoutes(h),
    ...adminRoutes(h),
    ...reportRoutes(h),
    ...reconRoutes(h),
    ...riskRoutes(h),
    ...complaintRoutes(h),
    ...archiveRoutes(h),
    ...noticeRoutes(h),
    ...mobileQueueRoutes(h),
    ...ticketStatusRoutes(h),
    ...bookingRoutes(h),
    ...citizenRoutes(h, citizenLimits),
  ];
  mountRoutes(app, routes, h.auth, h.citizens);

  serveFavicons(app);
  // The browser apps, each a Vite build checked per request (a build after the server started
  // is served without a restart): the screens (wall board, window display, rating pad), the
  // citizen kiosk, the citizen's phone app, and the staff console.
  serveSpa(
    app,
    '/display',
    new URL('../../../display-board/dist', import.meta.url),
    'npm run build -w @onewindow/display-board',
  );
  serveSpa(
    app,
    '/kiosk',
    new URL('../../../kiosk/app/dist', import.meta.url),
    'npm run build:app -w @onewindow/kiosk',
  );
  // The citizen's phone app (MOB-*), beside the kiosk: the citizen's side of the hall.
  serveSpa(
    app,
    '/m',
    new URL('../../../kiosk/mobile/dist', import.meta.url),
    'npm run build:mobile -w @onewindow/kiosk',
  );
  serveSpa(
    app,
    '/console',
    new URL('../../console/dist', import.meta.url),
    'npm run build:console -w @onewindow/queue-server',
  );
  app.use('/api', (_req, res) => send(res, fail({ code: 'NOT_FOUND', message: 'no such endpoint' })));
  // Body-parser and routing errors (bad JSON, too large, unsupported charset or encoding, a
  // malformed path) are the client's: the same envelope as everything else, never a 500.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      const message =
        e.type === 'entity.too.large'
          ? 'body too large'
          : e.type === 'entity.parse.failed'
            ? 'malformed JSON body'
            : `bad request: ${String(e.message ?? e.type ?? 'unreadable').slice(0, 120)}`;
      return send(res, fail({ code: 'BAD_REQUEST', message }));
    }
    log.error({ err }, 'unhandled HTTP error');
    send(res, fail({ code: 'INTERNAL', message: 'internal error' }));
  });

  // RISK-HND-5: alerts go to the sockets of managers (all) and guides (long waits, no notes).
  h.risk.onAlerts((alerts) => {
    const waits = alerts.filter((a) => h.risk.isWaitAlert(a)).map((a) => ({ ...a, note: null }));
    for (const socket of io.of('/').sockets.values()) {
      const p = socket.data.principal;
      if (p?.kind !== 'staff') continue;
      if (p.roles.includes('manager')) socket.emit('risk:alerts', alerts);
      else if (p.roles.includes('guide') && waits.length > 0) socket.emit('risk:alerts', waits);
    }
  });
  h.facts.attach((events, views) => {
    for (const ev of events) commandCounter.inc({ type: ev.type });
    realtime.broadcast(views);
  });

  let timer: NodeJS.Timeout | null = null;
  if (deps.autoDayClose) {
    h.runDueDayCloses();
    timer = setInterval(() => h.runDueDayCloses(), 15_000);
    timer.unref();
  } else {
    // RISK-EVAL-4: the risk tick runs with the day closes; without them, on its own.
    timer = setInterval(() => {
      try {
        h.risk.runTick();
      } catch (err) {
        log.error({ err }, 'risk tick failed');
      }
    }, 15_000);
    timer.unref();
  }
  // ARC-1, ARC-6: closed cases are filed and the stored files re-hashed on a schedule.
  let archiveTimer: NodeJS.Timeout | null = null;
  if ((deps.fixityEveryHours ?? 0) > 0) {
    const every = deps.fixityEveryHours! * 3_600_000;
    const tick = () => {
      h.runArchive(every).catch((err: unknown) => log.error({ err }, 'scheduled archive run failed'));
    };
    archiveTimer = setInterval(tick, Math.min(every, 15 * 60_000));
    archiveTimer.unref();
    setImmediate(tick);
  }

  // MAT-SWEEP-3: orphans and unfinished writes older than a day leave the page store on a schedule.
  let sweepTimer: NodeJS.Timeout | null = null;
  if ((deps.pageSweepEveryHours ?? 0) > 0) {
    const every = deps.pageSweepEveryHours! * 3_600_000;
    const tick = () => {
      h.pageSweep
        .sweepIfDue(every, h.clock.now())
        .then((r) => {
          if (r !== null && r.orphans + r.temps > 0)
            log.info({ orphans: r.orphans, temps: r.temps, bytes: r.bytes }, 'page store swept');
        })
        .catch((err: unknown) => log.error({ err }, 'scheduled page sweep failed'));
    };
    sweepTimer = setInterval(tick, Math.min(every, 15 * 60_000));
    sweepTimer.unref();
    setImmediate(tick);
  }

  // NOTE-DLV-*: the notice worker resolves what a killed process left in flight, then sends.
  if (h.noticeWorker !== null) {
    h.noticeWorker.start();
    log.info({ gateway: deps.sms?.gateway.name }, 'SMS notices go out through this gateway');
  }

  // RGN-REP-8: the shipper runs beside the hall; no command waits for it.
  h.shipper?.start();

  return {
    http,
    express: app,
    io,
    hall: h,
    service: h.hall,
    auth: h.auth,
    authStore: deps.store.auth,
    views: h.views,
    gateway,
    routes,
    runDueDayCloses: () => h.runDueDayCloses(),
    listen(port, host) {
      return new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          const addr = http.address();
          resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
        });
      });
    },
    async close() {
      shuttingDown = true;
      if (timer) clearInterval(timer);
      if (sweepTimer) clearInterval(sweepTimer);
      // Commands run synchronously, so once the sockets and HTTP server stop taking work
      // nothing is half-done. Idle keep-alive connections (a browser keeps them for minutes)
      // are closed at once, in-flight requests get a grace period, then everything is cut:
      // otherwise an open console or kiosk page could hold the shutdown forever.
      const closed = new Promise<void>((resolve) => io.close(() => resolve()));
      http.closeIdleConnections();
      const cut = setTimeout(() => http.closeAllConnections(), deps.shutdownGraceMs ?? 5000);
      await closed;
      clearTimeout(cut);
      await h.noticeWorker?.stop();
      await h.shipper?.stop();
      h.close();
    },
  };
}

const pass: RequestHandler = (_req, _res, next) => next();

/** Runs middleware one after another as one. */
function chain(...handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      const h = handlers[i++];
      if (err !== undefined) next(err);
      else if (h === undefined) next();
      else void h(req, res, step);
    };
    step();
  };
}

/**
 * The headers every answer carries (SPEC EDGE-1): a Content-Security-Policy the three browser
 * apps run under with nothing inline (their Vite builds are files of this origin; Preact sets
 * styles through the CSSOM, which CSP does not govern), no framing, no MIME sniffing, no
 * referrer. Socket.IO's websocket is `connect-src 'self'` (CSP 3 matches ws: of the same host).
 * No HSTS: the hall serves plain HTTP on its LAN; whoever terminates TLS in front sets it.
 */
function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'"],
        // Staff photos from /api/staff/{id}/photo, /favicon.svg; QR codes drawn as data: URLs;
        // captured pages fetched with the staff token and shown as blob: URLs (MAT-FILE-3).
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'media-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    strictTransportSecurity: false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/**
 * The hall's icon for every app (kiosk, screens, console, the ticket page on a phone): browsers
 * ask for `/favicon.ico` at the root whatever the page says, and the apps link `/favicon.svg`.
 */
function serveFavicons(app: express.Express): void {
  for (const [file, type] of [
    ['favicon.ico', 'image/x-icon'],
    ['favicon.svg', 'image/svg+xml'],
  ] as const) {
    const path = fileURLToPath(new URL(`./assets/${file}`, import.meta.url));
    app.get(`/${file}`, (_req, res) => {
      res.setHeader('cache-control', 'public, max-age=86400');
      res.type(type).sendFile(path);
    });
  }
}

/** Serves a Vite build at `mount` with long-lived hashed assets, the SPA's index for its routes, and 503 until built. */
function serveSpa(app: express.Express, mount: string, distUrl: URL, buildHint: string): void {
  const dist = fileURLToPath(distUrl);
  app.use(
    mount,
    express.static(dist, {
      setHeaders: (res, path) =>
        res.setHeader(
          'cache-control',
          path.includes(`${join('dist', 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        ),
    }),
  );
  app.get([mount, `${mount}/{*rest}`], (req, res) => {
    const index = join(dist, 'index.html');
    if (!existsSync(index)) {
      const message = `${mount.slice(1)} is not built: run ${buildHint}`;
      if (req.accepts(['html', 'json']) === 'html')
        return void res
          .status(503)
          .type('html')
          .send(`<!doctype html><meta charset="utf-8"><p>${message}</p>`);
      return send(res, { ok: false, error: { code: 'UNAVAILABLE', message } });
    }
    // A missing hashed asset is a 404; any other path is a route of the SPA.
    if (req.path.startsWith(`${mount}/assets/`)) return void res.status(404).end();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
}
