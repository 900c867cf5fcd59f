/**
 * The child processes of the hall-load suite (tests/bench/hall-load.bench.ts), run as
 * `node --import tsx --expose-gc tests/bench/hall-load-server.ts <queue|floor> <windows> <kiosks>` with an IPC
 * channel, so each server's CPU time (process.cpuUsage) and memory are its own and the load
 * generator's sockets are not counted.
 *
 * - `queue`: the real queue server as a hall runs it: a database made by `initHall` (its
 *   high-water mark beside it), the hall's logger at `info` (to stdout, which the parent
 *   discards), the demo hall and catalog, then `WINDOWS` comprehensive windows serving `A`,
 *   one clerk account per window (logged in here), and `KIOSKS` paired kiosks. Sends `ready`
 *   with the URL and the tokens.
 * - `floor`: the least a server can do for the same traffic: Express + Socket.IO +
 *   better-sqlite3 (WAL, synchronous=FULL). Every command and kiosk ticket is one durable
 *   INSERT; every print result one durable UPDATE. What it sends is what the queue server sent
 *   for the same request, captured by the parent (`templates`): the same events with payloads of
 *   the same bytes to the same rooms (boards, staff, the kiosk's device room), and the same reply.
 *   Staff sockets are in the staff room only, boards in the board room only.
 *
 * Both answer `{type: 'usage'}` with their CPU time and memory (after a full GC when asked), and
 * exit on `{type: 'stop'}` or when the parent goes away.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import express from 'express';
import { Server } from 'socket.io';
import { createApp, HEARTBEAT } from '../../queue-server/src/app/app.ts';
import { createLogger } from '../../queue-server/src/log.ts';
import { bootstrap } from '../../queue-server/src/seed/bootstrap.ts';
import { demoHallConfig } from '../../queue-server/src/seed/demo-hall.ts';
import { hashPassword } from '../../queue-server/src/service/auth.service.ts';
import { applyDurablePragmas, HallStore } from '../../queue-server/src/store/hall.store.ts';
import { initHall } from '../../queue-server/src/store/integrity.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import { T0, TestClock } from '../support/server.ts';

/** The parent imports only types from this file: importing a value would run main(). */
const PASSWORD = 'hall-load-bench-2026';

/** One event a request made the queue server send, and to whom. */
export interface SentEvent {
  event: string;
  payload: unknown;
}

/** What the queue server sent and answered for one request of a kind. */
export interface Template {
  board: SentEvent[];
  staff: SentEvent[];
  device: SentEvent[];
  reply: unknown;
  status: number;
}

export type RequestKind = 'issue' | 'call-next' | 'start' | 'finish' | 'print-result' | 'poll';

export interface Usage {
  /** process.cpuUsage(): user + system, µs. */
  cpuMicros: number;
  /** Its system part, µs. */
  systemMicros: number;
  rss: number;
  heapUsed: number;
}

export type ToChild =
  | { type: 'usage'; gc: boolean }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; path: string }
  | { type: 'stop' }
  | { type: 'templates'; templates: Record<RequestKind, Template> };

export type FromChild =
  | {
      type: 'ready';
      url: string;
      clerks: { windowId: string; token: string }[];
      kiosks: string[];
    }
  | { type: 'usage'; usage: Usage }
  | { type: 'templates-set' }
  | { type: 'profile-started' }
  | { type: 'profile-written'; path: string }
  | { type: 'failed'; message: string };

/** The server's clock: real time, starting at 09:00 of a weekday so the hall is open. */
class RunningClock extends TestClock {
  private readonly started = Date.now();
  override now(): number {
    return T0 + (Date.now() - this.started);
  }
}

function send(msg: FromChild): void {
  process.send?.(msg);
}

async function usage(gc: boolean): Promise<Usage> {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc)
    for (let i = 0; i < 3; i++) {
      collect?.();
      await sleep(30);
    }
  const c = process.cpuUsage();
  const m = process.memoryUsage();
  return { cpuMicros: c.user + c.system, systemMicros: c.system, rss: m.rss, heapUsed: m.heapUsed };
}

async function startQueue(windows: number, kioskCount: number): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-bench-hall-'));
  const store = initHall(join(dir, 'hall.db'), (p) => new HallStore(p, TEST_KEYS));
  const log = createLogger('info');
  const clock = new RunningClock();
  const app = createApp({ store, logger: log, clock, rateLimit: false, autoDayClose: false });
  bootstrap(app, { demo: true, adminPassword: undefined }, log);
  const port = await app.listen(0, '127.0.0.1');

  const config = demoHallConfig();
  config.windows = Array.from({ length: windows }, (_, i) => ({
    id: `w${i + 1}`,
    number: i + 1,
    post: 'comprehensive' as const,
    categoryIds: ['A'],
  }));
  const configured = app.service.execute({ type: 'hall:configure', config, by: 'system' });
  if (!configured.ok) throw new Error(`hall:configure refused: ${configured.error.message}`);

  // One hash for every clerk (scrypt is the slow part of making an account); each logs in.
  const hash = hashPassword(PASSWORD);
  const clerks: { windowId: string; token: string }[] = [];
  for (let i = 1; i <= windows; i++) {
    const username = `load-clerk${String(i).padStart(3, '0')}`;
    store.auth.insertStaff({
      id: `s-load-${i}`,
      username,
      name: `压测${i}`,
      staffNumber: `L${String(i).padStart(4, '0')}`,
      roles: ['clerk'],
      passwordHash: hash,
      createdAt: clock.now(),
    });
    const login = app.auth.login(username, PASSWORD);
    if (!login.ok) throw new Error(`login ${username}: ${login.error.message}`);
    clerks.push({ windowId: `w${i}`, token: login.data.token });
  }
  const kiosks: string[] = [];
  for (let i = 1; i <= kioskCount; i++) {
    const code = app.auth.createPairingCode('system', {
      kind: 'kiosk',
      name: `压测取号机${i}`,
      windowId: null,
    });
    if (!code.ok) throw new Error(code.error.message);
    const paired = app.auth.pair(code.data.code);
    if (!paired.ok) throw new Error(paired.error.message);
    kiosks.push(paired.data.deviceToken);
  }
  send({ type: 'ready', url: `http://127.0.0.1:${port}`, clerks, kiosks });
  return async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  };
}

/** Sets every `seq` of a payload (a fact, or an ack's data) to this one, in a copy. */
function withSeq(payload: unknown, seq: number): unknown {
  if (typeof payload !== 'object' || payload === null) return payload;
  const o = payload as Record<string, unknown>;
  if (typeof o.seq === 'number') return { ...o, seq };
  const data = o.data as Record<string, unknown> | undefined;
  if (data !== undefined && typeof data === 'object' && data !== null && typeof data.seq === 'number')
    return { ...o, data: { ...data, seq } };
  return payload;
}

async function startFloor(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-bench-floor-'));
  const db = new Database(join(dir, 'floor.db'));
  applyDurablePragmas(db);
  db.exec('CREATE TABLE facts (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  db.exec('CREATE TABLE jobs (id TEXT PRIMARY KEY, status TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO facts (seq, body) VALUES (?, ?)');
  const printed = db.prepare(
    "INSERT INTO jobs (id, status) VALUES (?, 'printed') ON CONFLICT (id) DO UPDATE SET status = 'printed'",
  );
  let templates: Record<RequestKind, Template> | null = null;
  let seq = 0;

  const app = express();
  app.disable('x-powered-by');
  const http = createServer(app);
  // The same heartbeat as the hall's server: the clients see the same pings (visible work).
  const io = new Server(http, { serveClient: false, ...HEARTBEAT });

  /** What the queue server did for a request of this kind: one durable write, the same sends. */
  const perform = (kind: RequestKind, deviceId: string | null): { reply: unknown; status: number } => {
    const t = templates?.[kind];
    if (t === undefined) throw new Error(`no template for ${kind}`);
    const facts = Math.max(1, t.board.length);
    const first = seq + 1;
    seq += facts;
    if (kind === 'print-result') printed.run(randomUUID());
    else if (kind !== 'poll') insert.run(seq, JSON.stringify(t.reply));
    t.board.forEach((e, i) => {
      io.to('board').emit(e.event, withSeq(e.payload, first + i));
    });
    t.staff.forEach((e, i) => {
      io.to('staff').emit(e.event, withSeq(e.payload, first + i));
    });
    if (deviceId !== null)
      for (const e of t.device) io.to(`device:${deviceId}`).emit(e.event, { ...(e.payload as object) });
    return { reply: withSeq(t.reply, seq), status: t.status };
  };

  app.post('/api/kiosk/tickets', express.json({ limit: '256kb' }), (req, res) => {
    const device = req.get('x-device-token');
    if (device === undefined) return void res.status(401).json({ ok: false });
    const r = perform('issue', device);
    res.status(r.status).json(r.reply);
  });
  app.get('/api/tickets/:id', (_req, res) => {
    const r = perform('poll', null);
    res.status(r.status).json(r.reply);
  });

  io.on('connection', (socket) => {
    const auth = (socket.handshake.auth ?? {}) as { staff?: boolean; deviceToken?: string };
    if (auth.staff === true) {
      void socket.join('staff');
      for (const kind of ['call-next', 'start', 'finish'] as const)
        socket.on(`ticket:${kind}`, (_payload: unknown, ack: unknown) => {
          const r = perform(kind, null);
          if (typeof ack === 'function') ack(r.reply);
        });
      socket.on('window:open', (_payload: unknown, ack: unknown) => {
        if (typeof ack === 'function') ack({ ok: true, data: { seq } });
      });
      return;
    }
    if (typeof auth.deviceToken === 'string') {
      void socket.join(['board', `device:${auth.deviceToken}`]);
      socket.on('device:print-result', (_payload: unknown, ack: unknown) => {
        const r = perform('print-result', null);
        if (typeof ack === 'function') ack(r.reply);
      });
      return;
    }
    void socket.join('board');
  });
  process.on('message', (msg: ToChild) => {
    if (msg.type !== 'templates') return;
    templates = msg.templates;
    send({ type: 'templates-set' });
  });
  const port = await new Promise<number>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => {
      const addr = http.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : 0);
    });
  });
  send({ type: 'ready', url: `http://127.0.0.1:${port}`, clerks: [], kiosks: [] });
  return async () => {
    await new Promise<void>((resolve) => io.close(() => resolve()));
    db.close();
    rmSync(dir, { recursive: true, force: true });
  };
}

async function main(): Promise<void> {
  if (process.send === undefined) throw new Error('hall-load-server.ts must be started with an IPC channel');
  const mode = process.argv[2];
  if (mode !== 'queue' && mode !== 'floor') throw new Error(`mode must be queue or floor, not ${mode}`);
  // An orphan must not outlive the benchmark.
  process.on('disconnect', () => process.exit(0));
  const windows = Number(process.argv[3] ?? 120);
  const kiosks = Number(process.argv[4] ?? 8);
  const stop = mode === 'queue' ? await startQueue(windows, kiosks) : await startFloor();
  // A V8 CPU profile of the timed part only (not the setup's logins and module loading).
  const profiler = new Session();
  process.on('message', (msg: ToChild) => {
    if (msg.type === 'usage') void usage(msg.gc).then((u) => send({ type: 'usage', usage: u }));
    if (msg.type === 'profile-start') {
      profiler.connect();
      void profiler
        .post('Profiler.enable')
        .then(() => profiler.post('Profiler.start'))
        .then(() => send({ type: 'profile-started' }));
    }
    if (msg.type === 'profile-stop')
      void profiler.post('Profiler.stop').then(({ profile }) => {
        writeFileSync(msg.path, JSON.stringify(profile));
        profiler.disconnect();
        send({ type: 'profile-written', path: msg.path });
      });
    if (msg.type === 'stop')
      void stop()
        .catch(() => undefined)
        .finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100);
});
