/**
 * The child processes of the fan-out suite (tests/bench/fanout.bench.ts), run as
 * `node --import tsx --expose-gc tests/bench/fanout-server.ts <queue|bare>` with an IPC channel,
 * so each server's RSS is its own and the benchmark's 600 client sockets do not share its CPU
 * accounting or heap.
 *
 * - `queue`: a real queue server (startTestServer: the demo hall on a temp database), then
 *   reconfigured by the admin to 20 comprehensive windows serving `A`, with 20 clerk accounts
 *   created through `POST /api/staff` and logged in. Sends `ready` with the URL and the tokens.
 * - `bare`: a plain Socket.IO server with default options. Sockets that connect with
 *   `auth.driver` may emit `trigger`; the server then broadcasts the payload the parent set
 *   (a real `hall:fact`) as `hall:fact` to every other socket (room `board`) and acks.
 *
 * Both answer `{type: 'rss'}` with their memory after a full GC, and exit on `{type: 'stop'}`
 * or when the parent goes away.
 */
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Server } from 'socket.io';
import { demoHallConfig } from '../../queue-server/src/seed/demo-hall.ts';
import { startTestServer, T0, TestClock } from '../support/server.ts';

/** Windows (and clerks). The parent imports only types from this file: importing a value would run main(). */
const FANOUT_WINDOWS = 20;

export interface MemoryFigures {
  rss: number;
  heapUsed: number;
  external: number;
}

export type ToChild = { type: 'rss' } | { type: 'stop' } | { type: 'payload'; payload: unknown };

export type FromChild =
  | { type: 'ready'; url: string; guide: string; clerks: { windowId: string; token: string }[] }
  | { type: 'rss'; memory: MemoryFigures }
  | { type: 'payload-set'; bytes: number }
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

async function memory(): Promise<MemoryFigures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(30);
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

async function startQueue(): Promise<() => Promise<void>> {
  const server = await startTestServer({ clock: new RunningClock() });
  const admin = await server.login('admin');
  const config = demoHallConfig();
  config.windows = Array.from({ length: FANOUT_WINDOWS }, (_, i) => ({
    id: `w${i + 1}`,
    number: i + 1,
    post: 'comprehensive' as const,
    categoryIds: ['A'],
  }));
  const configured = await server.rest('POST', '/api/commands/hall:configure', {
    token: admin,
    body: { config },
  });
  if (!configured.body.ok) throw new Error(`hall:configure refused: ${configured.body.error.message}`);

  const clerks: { windowId: string; token: string }[] = [];
  for (let i = 1; i <= FANOUT_WINDOWS; i++) {
    const username = `fanout-clerk${String(i).padStart(2, '0')}`;
    const created = await server.rest('POST', '/api/staff', {
      token: admin,
      body: {
        username,
        name: `压测${i}`,
        staffNumber: `F${String(i).padStart(4, '0')}`,
        roles: ['clerk'],
        password: 'onewindow-demo',
      },
    });
    if (!created.body.ok) throw new Error(`POST /api/staff ${username}: ${created.body.error.message}`);
    clerks.push({ windowId: `w${i}`, token: await server.login(username) });
  }
  const guide = await server.login('guide1');
  send({ type: 'ready', url: server.url, guide, clerks });
  return () => server.close();
}

async function startBare(): Promise<() => Promise<void>> {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  let payload: unknown = null;
  io.on('connection', (socket) => {
    if ((socket.handshake.auth as { driver?: boolean }).driver === true) {
      socket.on('trigger', (ack: unknown) => {
        io.to('board').emit('hall:fact', payload);
        if (typeof ack === 'function') ack(true);
      });
      return;
    }
    void socket.join('board');
  });
  process.on('message', (msg: ToChild) => {
    if (msg.type !== 'payload') return;
    payload = msg.payload;
    send({ type: 'payload-set', bytes: Buffer.byteLength(JSON.stringify(payload)) });
  });
  const port = await new Promise<number>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => {
      const addr = http.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : 0);
    });
  });
  send({ type: 'ready', url: `http://127.0.0.1:${port}`, guide: '', clerks: [] });
  return () => new Promise<void>((resolve) => io.close(() => resolve()));
}

async function main(): Promise<void> {
  if (process.send === undefined) throw new Error('fanout-server.ts must be started with an IPC channel');
  const mode = process.argv[2];
  if (mode !== 'queue' && mode !== 'bare') throw new Error(`mode must be queue or bare, not ${mode}`);
  // An orphan must not outlive the benchmark.
  process.on('disconnect', () => process.exit(0));
  const stop = mode === 'queue' ? await startQueue() : await startBare();
  process.on('message', (msg: ToChild) => {
    if (msg.type === 'rss') void memory().then((m) => send({ type: 'rss', memory: m }));
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
