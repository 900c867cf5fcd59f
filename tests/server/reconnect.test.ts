/**
 * Boards lose their network and come back. A board keeps its view as real boards do: a
 * snapshot replaces it, facts fold into it with the shared `applyFact`, and a gap makes it ask
 * for `hall:resync`. Whatever happened while it was away, it must end up showing exactly what
 * the server holds — through Socket.IO connection-state recovery (missed facts replayed), a
 * fresh snapshot, or a server restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Ack,
  applyFact,
  type CallNotice,
  type CommandName,
  type CommandPayload,
  type CommandResult,
  type ErrorCode,
  PROTOCOL_VERSION,
  type PublicFact,
  type PublicSnapshot,
} from '@onewindow/shared';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { command, type HallClient, startTestServer, TestClock, type TestServer } from '../support/server.ts';

/** A board as the display-board app keeps it. */
function hallBoard(url: string, reconnection: boolean) {
  const socket: HallClient = connect(url, {
    transports: ['websocket'],
    forceNew: true,
    autoConnect: false,
    reconnection,
    reconnectionDelay: 20,
    reconnectionDelayMax: 100,
    randomizationFactor: 0,
    auth: { protocol: PROTOCOL_VERSION },
  });
  const b = {
    socket,
    view: null as PublicSnapshot | null,
    snapshots: 0,
    gaps: 0,
    /** Test hook: pretend the network ate the next n facts. */
    drop: 0,
    resyncPending: false,
    async until(seq: number, ms = 5000): Promise<void> {
      if ((b.view?.seq ?? -1) === seq) return;
      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if ((b.view?.seq ?? -1) !== seq) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`board at seq ${b.view?.seq ?? 'none'} (gaps ${b.gaps}), server at ${seq}`));
        }, ms);
        waiters.add(check);
      });
    },
  };
  const waiters = new Set<() => void>();
  const poke = () => {
    for (const w of [...waiters]) w();
  };
  socket.on('hall:snapshot', (s) => {
    b.view = s;
    b.snapshots += 1;
    b.resyncPending = false;
    poke();
  });
  socket.on('hall:fact', (f: PublicFact) => {
    if (b.drop > 0) {
      b.drop -= 1;
      return;
    }
    if (b.view === null) return;
    const next = applyFact(b.view, f);
    if (next === null) {
      b.gaps += 1;
      if (!b.resyncPending) {
        b.resyncPending = true;
        socket.emit('hall:resync', () => undefined);
      }
      return;
    }
    b.view = next;
    poke();
  });
  return b;
}

type Board = ReturnType<typeof hallBoard>;

function once(socket: HallClient, event: 'connect' | 'disconnect', ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function serverSnapshot(server: TestServer): Promise<PublicSnapshot> {
  const r = await server.rest<PublicSnapshot>('GET', '/api/queue');
  if (!r.body.ok) throw new Error(`GET /api/queue: ${r.body.error.code}`);
  return r.body.data;
}

/** A call as both sides can know it (calls rebuilt from state have no seq). */
const call = (c: CallNotice) => ({
  ticketId: c.ticketId,
  number: c.number,
  windowId: c.windowId,
  windowNumber: c.windowNumber,
  at: c.at,
  recall: c.recall,
});

/** The board shows exactly what the server holds. */
async function expectConverged(server: TestServer, board: Board): Promise<void> {
  const snap = await serverSnapshot(server);
  await board.until(snap.seq);
  const view = board.view!;
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  expect(view.seq).toBe(snap.seq);
  expect(view.hallName).toBe(snap.hallName);
  expect(view.categories).toEqual(snap.categories);
  expect(view.windows).toEqual(snap.windows);
  expect([...view.tickets].sort(byId)).toEqual([...snap.tickets].sort(byId));
  expect(view.estimates).toEqual(snap.estimates);
  // Folded calls list every recall; the server's list has one entry per ticket, newest first.
  const seen = new Set<string>();
  const folded = view.recentCalls.filter((c) => !seen.has(c.ticketId) && seen.add(c.ticketId)).map(call);
  const k = Math.min(folded.length, snap.recentCalls.length);
  expect(folded.slice(0, k)).toEqual(snap.recentCalls.slice(0, k).map(call));
}

/** Staff who act while the board is away. */
async function staffDesk(server: TestServer) {
  const sockets = new Map<string, HallClient>();
  for (const u of ['guide1', 'clerk1', 'clerk2', 'clerk3', 'clerk4'])
    sockets.set(u, await server.client({ token: await server.login(u) }));
  const send = async <N extends CommandName>(
    user: string,
    name: N,
    payload: CommandPayload<N>,
    allowed: ErrorCode[] = [],
  ): Promise<Ack<CommandResult>> => {
    server.clock.advance(3_000);
    const ack = await command<CommandResult>(sockets.get(user)!, name, payload);
    if (!ack.ok && !allowed.includes(ack.error.code))
      throw new Error(`${name} by ${user}: ${ack.error.code} ${ack.error.message}`);
    return ack;
  };
  const heldStatus = (windowId: string) => {
    const held = server.app.service.queue.window(windowId)?.ticketId ?? null;
    return held === null ? null : server.app.service.queue.ticket(held)?.status;
  };
  /** What a clerk does next at their window: call, start or finish. */
  const advance = async (user: string, windowId: string) => {
    const status = heldStatus(windowId);
    if (status === 'called') return send(user, 'ticket:start', { windowId });
    if (status === 'serving') return send(user, 'ticket:finish', { windowId, outcome: 'completed' });
    return send(user, 'ticket:call-next', { windowId }, ['QUEUE_EMPTY']);
  };
  const oldestWaiting = (categoryId: string) =>
    server.app.service.queue.waitingInOrder((t) => t.categoryId === categoryId)[0]?.id;
  return { send, advance, oldestWaiting, heldStatus };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function hall(opts: Parameters<typeof startTestServer>[0] = {}) {
  const server = await startTestServer(opts);
  cleanup.push(() => server.close());
  const desk = await staffDesk(server);
  await desk.send('clerk1', 'window:open', { windowId: 'w1' });
  await desk.send('clerk2', 'window:open', { windowId: 'w2' });
  await desk.send('clerk3', 'window:open', { windowId: 'w8' });
  await desk.send('clerk4', 'window:open', { windowId: 'w3' });
  const board = hallBoard(server.url, false);
  cleanup.push(async () => {
    board.socket.disconnect();
  });
  board.socket.connect();
  await once(board.socket, 'connect');
  await board.until(server.app.service.queue.lastSeq);
  return { server, desk, board };
}

describe('boards that lose the network converge to the server', () => {
  it('Q-LOG-1: a board disconnected while calls happen reconnects and converges (100 cycles, recovery and snapshot)', async () => {
    const { server, desk, board } = await hall();
    // Socket.IO keeps a dropped client's session (rooms, missed packets) for the recovery window.
    const sessions = (server.app.io.of('/').adapter as unknown as { sessions: Map<string, unknown> })
      .sessions;
    expect(sessions).toBeInstanceOf(Map);
    let paused = false;
    let recovered = 0;
    for (let c = 0; c < 100; c++) {
      // A live fact first, so the board has a recovery offset from this very session.
      await desk.send('clerk4', paused ? 'window:resume' : 'window:pause', {
        windowId: 'w3',
        ...(paused ? {} : { reason: 'away' }),
      });
      paused = !paused;
      await board.until(server.app.service.queue.lastSeq);

      // Kinds of absence: 0, 2 the network drops under the board; 1 it disconnects and connects
      // again; 3 the same, after the server has forgotten every session (recovery window over).
      const kind = c % 4;
      if (kind % 2 === 0) {
        const onServer = server.app.io.sockets.sockets.get(board.socket.id!);
        expect(onServer).toBeDefined();
        const gone = new Promise<void>((resolve) => onServer!.once('disconnect', () => resolve()));
        board.socket.io.engine.close();
        await gone;
      } else {
        const gone = once(board.socket, 'disconnect');
        board.socket.disconnect();
        await gone;
        if (kind === 3) sessions.clear();
      }
      expect(board.socket.connected).toBe(false);

      // Meanwhile the hall goes on.
      await desk.send('guide1', 'ticket:issue', { categoryId: c % 3 === 0 ? 'B' : 'A' });
      await desk.advance('clerk1', 'w1');
      if (c % 2 === 1) await desk.advance('clerk2', 'w2');
      await desk.advance('clerk3', 'w8');
      if (c % 10 === 3 && desk.heldStatus('w1') === 'called')
        await desk.send('clerk1', 'ticket:recall', { windowId: 'w1' }, ['RECALL_LIMIT']);
      const oldest = desk.oldestWaiting('A');
      if (c % 10 === 5 && oldest)
        await desk.send('guide1', 'ticket:cancel', { ticketId: oldest, reason: '群众离开' });
      if (c % 10 === 7 && oldest)
        await desk.send('guide1', 'ticket:transfer', {
          ticketId: oldest,
          to: { categoryId: 'B' },
          note: '单位业务',
        });

      const back = once(board.socket, 'connect');
      board.socket.connect();
      await back;
      // A dropped board is recovered (missed facts replayed, no snapshot); one the server forgot
      // gets a snapshot. (A clean disconnect may be recovered from the session an earlier drop
      // left behind: Socket.IO keeps sessions until they expire.)
      if (kind % 2 === 0) expect(board.socket.recovered, `cycle ${c}`).toBe(true);
      if (kind === 3) expect(board.socket.recovered, `cycle ${c}`).toBe(false);
      if (board.socket.recovered) recovered += 1;
      await expectConverged(server, board);
    }
    expect(recovered).toBeGreaterThanOrEqual(50);
    // A snapshot on the first connect and on every reconnect that was not recovered, no more.
    expect(board.snapshots).toBe(1 + 100 - recovered);
    // The server never sent a fact out of order or left one out.
    expect(board.gaps).toBe(0);
    expect(server.app.service.queue.allTickets().length).toBeGreaterThan(90);
  }, 60_000);

  it('a board that misses a fact notices the gap, asks hall:resync and converges', async () => {
    const { server, desk, board } = await hall();
    await desk.send('guide1', 'ticket:issue', { categoryId: 'A' });
    await board.until(server.app.service.queue.lastSeq);
    board.drop = 1;
    await desk.send('guide1', 'ticket:issue', { categoryId: 'A' });
    await desk.advance('clerk1', 'w1');
    await expectConverged(server, board);
    expect(board.gaps).toBeGreaterThanOrEqual(1);
    expect(board.snapshots).toBe(2);
  });

  it('a board away longer than the recovery window gets a fresh snapshot and converges', async () => {
    const { server, desk, board } = await hall({ recoveryMs: 50 });
    await desk.send('guide1', 'ticket:issue', { categoryId: 'A' });
    await board.until(server.app.service.queue.lastSeq);
    const onServer = server.app.io.sockets.sockets.get(board.socket.id!)!;
    const gone = new Promise<void>((resolve) => onServer.once('disconnect', () => resolve()));
    board.socket.io.engine.close();
    await gone;
    await desk.send('guide1', 'ticket:issue', { categoryId: 'A' });
    await desk.advance('clerk1', 'w1');
    await new Promise((r) => setTimeout(r, 80));
    const back = once(board.socket, 'connect');
    board.socket.connect();
    await back;
    expect(board.socket.recovered).toBe(false);
    await expectConverged(server, board);
    expect(board.snapshots).toBe(2);
  });

  it('a staff console that drops, logs out and comes back without a token receives no staff facts', async () => {
    const { server, desk } = await hall();
    const token = await server.login('reviewer1');
    const console_: HallClient = connect(server.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token },
    });
    cleanup.push(async () => {
      console_.disconnect();
    });
    const staffSeqs: number[] = [];
    const pubSeqs: number[] = [];
    console_.on('staff:fact', (f) => staffSeqs.push(f.seq));
    console_.on('hall:fact', (f) => pubSeqs.push(f.seq));
    await once(console_, 'connect');
    await desk.send('guide1', 'ticket:issue', { categoryId: 'A' });
    const seen = server.app.service.queue.lastSeq;
    await expect.poll(() => staffSeqs.at(-1)).toBe(seen);

    const onServer = server.app.io.sockets.sockets.get(console_.id!)!;
    const gone = new Promise<void>((resolve) => onServer.once('disconnect', () => resolve()));
    console_.io.engine.close();
    await gone;
    expect((await server.rest('POST', '/api/auth/logout', { token })).status).toBe(200);
    // The same page now shows the public board: no token.
    console_.auth = {};
    console_.connect();
    await once(console_, 'connect');
    await desk.send('guide1', 'ticket:issue', { categoryId: 'A', idNumber: '11010519491231002X' });
    await desk.send('guide1', 'ticket:issue', { categoryId: 'A' });
    const last = server.app.service.queue.lastSeq;
    await expect.poll(() => pubSeqs.at(-1)).toBe(last);
    expect(staffSeqs.filter((s) => s > seen)).toEqual([]);
  });

  it('Q-DUR-1: after a server restart on the same database and port, a reconnecting board converges without reloading', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onewindow-restart-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const clock = new TestClock();
    let server = await startTestServer({ dir, clock });
    let serverOpen = true;
    cleanup.push(async () => {
      if (serverOpen) await server.close({ removeDb: false });
    });
    let desk = await staffDesk(server);
    await desk.send('clerk1', 'window:open', { windowId: 'w1' });
    for (let i = 0; i < 3; i++) await desk.send('guide1', 'ticket:issue', { categoryId: 'A' });
    await desk.advance('clerk1', 'w1');

    // A board straight from socket.io-client, reconnecting by itself as the real one does.
    const board = hallBoard(server.url, true);
    cleanup.push(async () => {
      board.socket.disconnect();
    });
    board.socket.connect();
    await expectConverged(server, board);
    let reconnects = 0;
    board.socket.io.on('reconnect', () => {
      reconnects += 1;
    });
    await desk.send('clerk1', 'ticket:recall', { windowId: 'w1' });
    await expectConverged(server, board);

    const port = Number(new URL(server.url).port);
    const dropped = once(board.socket, 'disconnect');
    serverOpen = false;
    await server.close({ removeDb: false });
    await dropped;

    server = await startTestServer({ dir, clock, port });
    serverOpen = true;
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    // The hall goes on right away, maybe before the board is back.
    desk = await staffDesk(server);
    await desk.advance('clerk1', 'w1');
    await desk.send('guide1', 'ticket:issue', { categoryId: 'B' });
    if (!board.socket.connected) await once(board.socket, 'connect');
    expect(reconnects).toBe(1);
    await expectConverged(server, board);
    expect(board.snapshots).toBe(2);

    // And it keeps following live facts on the same socket.
    await desk.advance('clerk1', 'w1');
    await desk.send('guide1', 'ticket:issue', { categoryId: 'A' });
    await expectConverged(server, board);
    expect(board.snapshots).toBe(2);
    expect(board.gaps).toBe(0);
    expect(board.view!.tickets.map((t) => t.number).sort()).toEqual(['A002', 'A003', 'A004', 'B001']);
  });
});
