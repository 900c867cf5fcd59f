import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientToServerEvents, ServerToClientEvents } from '@onewindow/shared';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import client from 'prom-client';
import { Server } from 'socket.io';
import { dueDayCloses } from '../service/day-close.ts';
import { type Clock, HallService, systemClock } from '../service/hall.service.ts';
import { ApplicationStore } from '../store/application.store.ts';
import { AuthStore } from '../store/auth.store.ts';
import { DeviceStore } from '../store/device.store.ts';
import type { HallStore } from '../store/hall.store.ts';
import { adminRouter } from './admin.routes.ts';
import { appointmentServiceFor, createAppointmentsRouter } from './appointments.routes.ts';
import { AuthService } from './auth.service.ts';
import { clerkRouter, counterCardFor } from './clerk.routes.ts';
import { CommandGateway } from './command.gateway.ts';
import { attachDevices } from './devices.realtime.ts';
import { devicesRouter } from './devices.routes.ts';
import { HallViews } from './hall.views.ts';
import { createApiRouter, ROUTES, send } from './http.ts';
import { kioskRouter } from './kiosk.routes.ts';
import { openApiDocument } from './openapi.ts';
import { attachRealtime, type HallIo, ROOMS } from './realtime.ts';
import { createStatsRouter } from './stats.routes.ts';
import { ticketStatusRoutes } from './ticket-status.routes.ts';

export interface AppDeps {
  store: HallStore;
  logger: Logger;
  clock?: Clock;
  /** HMAC secret for holder references; generated once and kept in the database when absent. */
  holderSecret?: string;
  /** Run the day-close scheduler (SPEC Q-DAY-3); tests drive it by hand. */
  autoDayClose?: boolean;
  /** Limit failed logins and pairings per client (on by default; load tests turn it off). */
  rateLimit?: boolean;
  /** How long a dropped client's missed facts are kept for Socket.IO recovery. */
  recoveryMs?: number;
  /** How long in-flight HTTP requests may finish on close() before connections are cut (5 s). */
  shutdownGraceMs?: number;
  /** The hall's public address for ticket QR codes (ONEWINDOW_PUBLIC_URL); else the kiosk's request origin. */
  publicUrl?: string | undefined;
}

export interface App {
  http: HttpServer;
  io: HallIo;
  service: HallService;
  auth: AuthService;
  authStore: AuthStore;
  views: HallViews;
  gateway: CommandGateway;
  /** Runs the day closes that are due now (the scheduler calls this; so can tests). */
  runDueDayCloses(): void;
  listen(port: number, host?: string): Promise<number>;
  /** Graceful: stop taking connections, let in-flight requests finish, close the database. */
  close(): Promise<void>;
}

/** Wires the queue server: one process serving REST, Socket.IO and (as they arrive) the UIs. */
export function createApp(deps: AppDeps): App {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger;
  const service = new HallService(deps.store, clock);
  const authStore = new AuthStore(deps.store.db);
  const auth = new AuthService(authStore, clock);
  const holderSecret = deps.holderSecret ?? ensureSecret(deps.store);
  const gateway = new CommandGateway(service, holderSecret, (err, name) =>
    log.error({ err, command: name }, 'command failed inside the server'),
  );
  const views = new HallViews(
    service,
    () => deps.store.meta('notice') ?? '',
    () => clock.now(),
  );

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
      for (const [c, n] of service.queue.waitingByCategory()) this.set({ category: c }, n);
    },
  });
  const socketsGauge = new client.Gauge({
    name: 'onewindow_connected_sockets',
    help: 'Connected Socket.IO clients',
    registers: [registry],
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  let shuttingDown = false;
  app.use(express.json({ limit: '256kb' }));
  app.get('/api/health', (_req, res) => {
    let dbOk = false;
    try {
      dbOk = deps.store.db.prepare('SELECT 1 AS one').get() !== undefined;
    } catch {
      dbOk = false;
    }
    const ok = dbOk && !shuttingDown && service.queue.hallConfig !== null;
    send(
      res,
      ok
        ? { ok: true, data: { status: 'ok', seq: service.queue.lastSeq } }
        : {
            ok: false,
            error: { code: 'UNAVAILABLE', message: shuttingDown ? 'shutting down' : 'not ready' },
          },
    );
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.get('/api/openapi.json', (_req, res) => res.json(openApiDocument(ROUTES)));

  const io: HallIo = new Server<ClientToServerEvents, ServerToClientEvents>(createServer(app), {
    maxHttpBufferSize: 256 * 1024,
    // A board or kiosk notices a server that vanished without closing (a cut cable, a lost close
    // frame) within 15 s instead of Socket.IO's default 45 s, and says 正在重新连接 instead of
    // showing stale calls as live. 300 boards cost 30 small pings a second.
    pingInterval: 10_000,
    pingTimeout: 5_000,
    connectionStateRecovery: {
      maxDisconnectionDuration: deps.recoveryMs ?? 30_000,
      skipMiddlewares: false,
    },
    serveClient: false,
  });
  const http = io.httpServer as unknown as HttpServer;
  const realtime = attachRealtime(io, {
    auth,
    gateway,
    views,
    log: (msg, extra) => log.info(extra ?? {}, msg),
  });
  io.on('connection', (socket) => {
    socketsGauge.inc();
    socket.on('disconnect', () => socketsGauge.dec());
  });

  app.use(
    '/api',
    createApiRouter({
      auth,
      gateway,
      views,
      authStore,
      queue: () => service.queue,
      onDeviceRevoked: (id) => realtime.disconnectDevice(id),
      onLoggedOut: (token) => realtime.disconnectSession(token),
      setNotice: (text) => {
        deps.store.putMeta('notice', text);
        io.to(ROOMS.board).emit('hall:notice', { text });
      },
      rateLimit: deps.rateLimit ?? true,
    }),
  );
  const devices = new DeviceStore(deps.store.db);
  const deviceChannel = attachDevices(io, {
    devices,
    auth: authStore,
    clock,
    counterCard: counterCardFor({ queue: () => service.queue, holderRef: (id) => gateway.holderRef(id) }),
  });
  app.use(
    '/api',
    devicesRouter({ auth, authStore, devices, channel: deviceChannel, queue: () => service.queue }),
  );
  app.use(ticketStatusRoutes({ service, store: deps.store, views }));
  // The three browser apps, each a Vite build checked per request (a build after the server
  // started is served without a restart): the screens (wall board, window display, rating
  // pad), the citizen kiosk, and the staff console.
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
  serveSpa(
    app,
    '/console',
    new URL('../../console/dist', import.meta.url),
    'npm run build:console -w @onewindow/queue-server',
  );
  const appointments = appointmentServiceFor({ store: deps.store, service, gateway, authStore, clock });
  app.use(
    '/api',
    kioskRouter({
      auth,
      authStore,
      service,
      gateway,
      views,
      devices,
      channel: deviceChannel,
      appointments,
      applications: new ApplicationStore(deps.store.db),
      clock,
      publicUrl: deps.publicUrl,
    }),
  );
  app.use(
    '/api',
    createAppointmentsRouter({ ...deps, service, gateway, auth, authStore, clock, views, appointments }),
  );
  app.use('/api', createStatsRouter({ ...deps, service, auth, authStore, clock }));
  app.use(
    '/api',
    clerkRouter({
      auth,
      authStore,
      store: deps.store,
      queue: () => service.queue,
      channel: deviceChannel,
      clock,
    }),
  );
  app.use(
    '/api',
    adminRouter({
      auth,
      authStore,
      store: deps.store,
      queue: () => service.queue,
      clock,
      subscribe: (fn) => service.subscribe(fn),
    }),
  );
  app.use('/api', (_req, res) =>
    send(res, { ok: false, error: { code: 'NOT_FOUND', message: 'no such endpoint' } }),
  );
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
      return send(res, { ok: false, error: { code: 'BAD_REQUEST', message } });
    }
    log.error({ err }, 'unhandled HTTP error');
    send(res, { ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
  });

  service.subscribe((events) => {
    for (const ev of events) {
      commandCounter.inc({ type: ev.type });
      log.info({ seq: ev.seq, type: ev.type }, 'fact');
    }
    realtime.broadcast(views.factsOf(events));
  });

  function runDueDayCloses(): void {
    for (const cmd of dueDayCloses(service.queue, clock.now())) {
      const r = service.execute(cmd, { idempotencyKey: `system:day-close:${cmd.businessDay}` });
      if (r.ok) log.info({ businessDay: cmd.businessDay }, 'day closed');
      else log.warn({ businessDay: cmd.businessDay, code: r.error.code }, 'day close refused');
    }
  }

  let timer: NodeJS.Timeout | null = null;
  if (deps.autoDayClose) {
    runDueDayCloses();
    timer = setInterval(runDueDayCloses, 15_000);
    timer.unref();
  }

  return {
    http,
    io,
    service,
    auth,
    authStore,
    views,
    gateway,
    runDueDayCloses,
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
      // Commands run synchronously, so once the sockets and HTTP server stop taking work
      // nothing is half-done. Idle keep-alive connections (a browser keeps them for minutes)
      // are closed at once, in-flight requests get a grace period, then everything is cut:
      // otherwise an open console or kiosk page could hold the shutdown forever.
      const closed = new Promise<void>((resolve) => io.close(() => resolve()));
      http.closeIdleConnections();
      const cut = setTimeout(() => http.closeAllConnections(), deps.shutdownGraceMs ?? 5000);
      await closed;
      clearTimeout(cut);
      deps.store.close();
    },
  };
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

function ensureSecret(store: HallStore): string {
  const existing = store.meta('holderSecret');
  if (existing) return existing;
  const secret = randomBytes(32).toString('base64url');
  store.putMeta('holderSecret', secret);
  return secret;
}
