import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ack, ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '@onewindow/shared';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { type App, type AppDeps, createApp } from '../../queue-server/src/app/app.ts';
import { bootstrap, DEMO_PASSWORD } from '../../queue-server/src/seed/bootstrap.ts';
import type { Clock } from '../../queue-server/src/service/hall.service.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';

export type HallClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** 2026-11-26 09:00 in Beijing, a Thursday: inside opening hours, far from the day close. */
export const T0 = Date.UTC(2026, 10, 26, 1, 0, 0);

/** A clock tests move by hand. */
export class TestClock implements Clock {
  constructor(public t = T0) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface TestServer {
  app: App;
  url: string;
  clock: TestClock;
  dbPath: string;
  /** Logs in a demo account (password DEMO_PASSWORD) and returns its bearer token. */
  login(username: string): Promise<string>;
  /** A connected Socket.IO client; resolves once the first snapshot arrived. */
  client(auth?: HandshakeAuth): Promise<HallClient>;
  /** REST call returning the parsed ack and the HTTP status. */
  rest<T = unknown>(
    method: string,
    path: string,
    opts?: { token?: string; deviceToken?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Ack<T> }>;
  /** Pairs a device of this kind through the admin API and returns its device token. */
  pairDevice(kind: string, windowId?: string | null): Promise<string>;
  /** Stops the server; keeps the database unless `removeDb`. */
  close(opts?: { removeDb?: boolean }): Promise<void>;
}

/**
 * A real queue server on port 0 over a fresh demo hall in a temp directory, the harness for
 * cross-package tests. Pass `dir` to restart on an existing database.
 */
export async function startTestServer(
  opts: {
    clock?: TestClock;
    dir?: string;
    recoveryMs?: number;
    port?: number;
    /** Publish the starting risk list and rules as a real start does (RISK-*); off for the older suites. */
    risk?: boolean;
    /** A logger of the test's own (to read what the server logs); silent by default. */
    logger?: pino.Logger;
    /** How long 扫描 waits for the window agent (MAT-DEV-2); the server's default otherwise. */
    scanTimeoutMs?: number;
    /** The SMS gateway the notice worker sends through (a test SMSC: `tests/support/phone.ts`). */
    sms?: AppDeps['sms'];
    /** Per-client rate limits (on by default); off where one test signs in dozens of citizens. */
    rateLimit?: boolean;
  } = {},
): Promise<TestServer> {
  const clock = opts.clock ?? new TestClock();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'onewindow-server-'));
  const dbPath = join(dir, 'hall.db');
  const logger = opts.logger ?? pino({ level: 'silent' });
  const app = createApp({
    store: new HallStore(dbPath, TEST_KEYS),
    logger,
    clock,
    // A browser's pre-connected sockets would otherwise hold each test's close() for the 5 s grace.
    shutdownGraceMs: 1000,
    ...(opts.recoveryMs !== undefined ? { recoveryMs: opts.recoveryMs } : {}),
    ...(opts.scanTimeoutMs !== undefined ? { scanTimeoutMs: opts.scanTimeoutMs } : {}),
    ...(opts.sms !== undefined ? { sms: opts.sms } : {}),
    ...(opts.rateLimit !== undefined ? { rateLimit: opts.rateLimit } : {}),
  });
  bootstrap(app, { demo: true, adminPassword: undefined, risk: opts.risk ?? false }, logger);
  const port = await app.listen(opts.port ?? 0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const clients: HallClient[] = [];

  const rest: TestServer['rest'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.deviceToken) headers['x-device-token'] = o.deviceToken;
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(o.body !== undefined ? { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as never };
  };

  const server: TestServer = {
    app,
    url,
    clock,
    dbPath,
    async login(username) {
      const r = await rest<{ token: string }>('POST', '/api/auth/login', {
        body: { username, password: DEMO_PASSWORD },
      });
      if (!r.body.ok) throw new Error(`login ${username}: ${r.body.error.message}`);
      return r.body.data.token;
    },
    client(auth = {}) {
      const socket: HallClient = connect(url, {
        auth,
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      clients.push(socket);
      return new Promise((resolve, reject) => {
        socket.once('hall:snapshot', () => resolve(socket));
        socket.once('connect_error', (err) => reject(err));
      });
    },
    rest,
    async pairDevice(kind, windowId = null) {
      const admin = await server.login('admin');
      const code = await rest<{ code: string }>('POST', '/api/devices/pairing-codes', {
        token: admin,
        body: { kind, name: `test ${kind}`, windowId },
      });
      if (!code.body.ok) throw new Error(code.body.error.message);
      const paired = await rest<{ deviceToken: string }>('POST', '/api/devices/pair', {
        body: { code: code.body.data.code },
      });
      if (!paired.body.ok) throw new Error(paired.body.error.message);
      return paired.body.data.deviceToken;
    },
    async close(o = {}) {
      for (const c of clients) c.disconnect();
      await app.close();
      if (o.removeDb ?? opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * The route table a server mounts, read from an app over an in-memory hall (never listening):
 * for tests that are generated per route before any server starts.
 */
export function mountedRoutes(): App['routes'] {
  const app = createApp({ store: new HallStore(':memory:', TEST_KEYS), logger: pino({ level: 'silent' }) });
  const routes = app.routes;
  void app.close();
  return routes;
}

/** Emits a command and resolves with its ack. */
export function command<T = unknown>(socket: HallClient, name: string, payload: unknown): Promise<Ack<T>> {
  return new Promise((resolve) => {
    (socket.emit as (ev: string, ...args: unknown[]) => void)(name, payload, (ack: Ack<T>) => resolve(ack));
  });
}

/** Resolves with the next event of this name (or rejects after `ms`). */
export function nextEvent<T>(socket: HallClient, event: string, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    (socket as unknown as { once: (e: string, fn: (x: T) => void) => void }).once(event, (x: T) => {
      clearTimeout(timer);
      resolve(x);
    });
  });
}
