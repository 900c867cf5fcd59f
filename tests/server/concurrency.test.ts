/**
 * Fifty clerks, fifty sockets, one instant: every clerk presses "next" in the same tick, round
 * after round. No ticket may reach two windows, none may be lost, the refusals are QUEUE_EMPTY,
 * and a retry of every press (lost acks) changes nothing.
 */
import {
  type Ack,
  applyFact,
  type CommandResult,
  type PublicFact,
  type PublicSnapshot,
  type StaffAccount,
  type StaffView,
} from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../queue-server/src/seed/bootstrap.ts';
import { demoHallConfig } from '../../queue-server/src/seed/demo-hall.ts';
import { command, type HallClient, startTestServer, type TestServer } from '../support/server.ts';

const CLERKS = 50;
/** Tickets issued before each round: fewer, as many as, and more than the clerks; one; none. */
const ROUNDS = [40, 50, 65, 1, 0, 37];

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const windowId = (i: number) => `c${i + 1}`;

function must<T>(ack: Ack<T>, what: string): T {
  if (!ack.ok) throw new Error(`${what}: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

/** A board that folds facts as real boards do, and notices gaps. */
function foldingBoard(socket: HallClient, initial: PublicSnapshot) {
  const state = { view: initial, gaps: 0, seqs: [] as number[] };
  const waiters = new Set<() => void>();
  socket.on('hall:fact', (f: PublicFact) => {
    state.seqs.push(f.seq);
    const next = applyFact(state.view, f);
    if (next === null) state.gaps += 1;
    else state.view = next;
    for (const w of [...waiters]) w();
  });
  const until = (seq: number) =>
    new Promise<void>((resolve, reject) => {
      if (state.view.seq >= seq) return resolve();
      const check = () => {
        if (state.view.seq < seq) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`board stuck at ${state.view.seq}, wanted ${seq}`));
      }, 5000);
      waiters.add(check);
    });
  return { state, until };
}

describe('fifty windows under load', () => {
  it('Q-ELG-2 Q-CALL-3 Q-ORD-2 Q-LOG-1 Q-DUR-2: 50 clerks press call-next at the same instant, repeated', async () => {
    const admin = await server.login('admin');
    const adminSocket = await server.client({ token: admin });
    const config = demoHallConfig();
    config.windows = range(CLERKS).map((i) => ({
      id: windowId(i),
      number: i + 1,
      post: 'comprehensive' as const,
      categoryIds: ['A'],
    }));
    must(await command<CommandResult>(adminSocket, 'hall:configure', { config }), 'configure');

    const accounts = await Promise.all(
      range(CLERKS).map((i) =>
        server.rest<StaffAccount>('POST', '/api/staff', {
          token: admin,
          body: {
            username: `load-clerk-${i + 1}`,
            name: `柜员${i + 1}`,
            staffNumber: `L${String(i + 1).padStart(4, '0')}`,
            roles: ['clerk'],
            password: DEMO_PASSWORD,
          },
        }),
      ),
    );
    for (const a of accounts) expect(a.status).toBe(201);
    const staffIds = accounts.map((a) => must(a.body, 'create staff').id);
    const tokens = await Promise.all(range(CLERKS).map((i) => server.login(`load-clerk-${i + 1}`)));
    const clerks = await Promise.all(tokens.map((token) => server.client({ token })));
    const opened = await Promise.all(
      clerks.map((c, i) => command<CommandResult>(c, 'window:open', { windowId: windowId(i) })),
    );
    opened.forEach((a, i) => {
      must(a, `open ${windowId(i)}`);
    });

    const guideToken = await server.login('guide1');
    const guide = await server.client({ token: guideToken });
    const initial = must((await server.rest<PublicSnapshot>('GET', '/api/queue')).body, 'snapshot');
    const board = foldingBoard(await server.client(), initial);

    const issuedAll: string[] = [];
    const calledBy = new Map<string, string>();
    let waiting: string[] = [];

    for (const [round, n] of ROUNDS.entries()) {
      // The guide issues n tickets, all sent before any answer arrives.
      const issued = await Promise.all(
        range(n).map(() => command<CommandResult>(guide, 'ticket:issue', { categoryId: 'A' })),
      );
      const facts = issued.map((a) => must(a, 'issue').facts[0]!).sort((a, b) => a.seq - b.seq);
      const newIds = facts.map((f) => (f.type === 'ticket:issued' ? f.ticket.id : ''));
      expect(new Set(newIds).size).toBe(n);
      issuedAll.push(...newIds);
      waiting.push(...newIds);
      const seqBefore = server.app.service.queue.lastSeq;

      // Fifty presses in one tick.
      const presses = clerks.map((c, i) =>
        command<CommandResult>(c, 'ticket:call-next', { windowId: windowId(i), idempotencyKey: `r${round}` }),
      );
      const acks = await Promise.all(presses);

      const expected = Math.min(waiting.length, CLERKS);
      const okAcks = acks.flatMap((a, i) => (a.ok ? [{ i, data: a.data }] : []));
      const refusals = acks.flatMap((a) => (a.ok ? [] : [a.error.code]));
      expect(okAcks).toHaveLength(expected);
      expect(refusals).toEqual(Array(CLERKS - expected).fill('QUEUE_EMPTY'));

      const calls = okAcks
        .map(({ i, data }) => {
          expect(data.replayed).toBe(false);
          expect(data.facts).toHaveLength(1);
          const f = data.facts[0]!;
          if (f.type !== 'ticket:called') throw new Error(`unexpected ${f.type}`);
          expect(f.windowId).toBe(windowId(i));
          return { seq: f.seq, ticketId: f.ticketId, windowId: f.windowId };
        })
        .sort((a, b) => a.seq - b.seq);
      // Q-LOG-1: one fact per accepted press, consecutive.
      expect(calls.map((c) => c.seq)).toEqual(range(expected).map((k) => seqBefore + 1 + k));
      // Q-ELG-2: no ticket at two windows, none called twice across rounds.
      expect(new Set(calls.map((c) => c.ticketId)).size).toBe(expected);
      for (const c of calls) {
        expect(calledBy.has(c.ticketId), `${c.ticketId} called twice`).toBe(false);
        calledBy.set(c.ticketId, c.windowId);
      }
      // Q-ORD-2: all regular tickets, so they are called in issue order, oldest first.
      expect(calls.map((c) => c.ticketId)).toEqual(waiting.slice(0, expected));
      waiting = waiting.slice(expected);

      // Every ack was lost: each clerk presses again with the same key (Q-DUR-2).
      const seqAfter = server.app.service.queue.lastSeq;
      const retries = await Promise.all(
        clerks.map((c, i) =>
          command<CommandResult>(c, 'ticket:call-next', {
            windowId: windowId(i),
            idempotencyKey: `r${round}`,
          }),
        ),
      );
      retries.forEach((r, i) => {
        const first = acks[i]!;
        if (first.ok) expect(r).toEqual({ ok: true, data: { ...first.data, replayed: true } });
        else expect(r).toMatchObject({ ok: false, error: { code: 'QUEUE_EMPTY' } });
      });
      expect(server.app.service.queue.lastSeq).toBe(seqAfter);

      // The board saw every call, in order.
      await board.until(seqAfter);
      for (const c of calls) {
        expect(board.state.view.tickets.find((t) => t.id === c.ticketId)).toMatchObject({
          status: 'called',
          windowId: c.windowId,
        });
      }

      // The called citizens are served and leave; all windows at once again.
      await Promise.all(
        okAcks.map(async ({ i }) => {
          must(await command(clerks[i]!, 'ticket:start', { windowId: windowId(i) }), 'start');
          must(
            await command(clerks[i]!, 'ticket:finish', { windowId: windowId(i), outcome: 'completed' }),
            'finish',
          );
        }),
      );
    }

    // None lost: every ticket was called exactly once or still waits.
    expect(issuedAll).toHaveLength(ROUNDS.reduce((a, b) => a + b, 0));
    for (const id of issuedAll) expect(calledBy.has(id) !== waiting.includes(id), id).toBe(true);
    const windowsUsed = new Set(calledBy.values());
    expect(windowsUsed.size).toBe(CLERKS);

    // The server agrees.
    const staffView = must(
      (await server.rest<StaffView>('GET', '/api/queue/staff', { token: guideToken })).body,
      'staff view',
    );
    expect(staffView.tickets.map((t) => t.id).sort()).toEqual([...waiting].sort());
    for (const t of staffView.tickets) expect(t).toMatchObject({ status: 'waiting', callCount: 0 });
    expect(staffView.windows).toHaveLength(CLERKS);
    staffView.windows.forEach((w, i) => {
      expect(w).toMatchObject({ id: windowId(i), state: 'open', clerkId: staffIds[i], ticketId: null });
    });
    const done = server.app.service.queue.allTickets().filter((t) => t.status === 'done');
    expect(done.map((t) => t.id).sort()).toEqual([...calledBy.keys()].sort());
    for (const t of done) expect(t.windowId).toBe(calledBy.get(t.id));

    // And so does the board: no gap, and its folded view equals the server's snapshot.
    await board.until(staffView.seq);
    expect(board.state.gaps).toBe(0);
    expect(board.state.seqs).toEqual(range(staffView.seq - initial.seq).map((k) => initial.seq + 1 + k));
    const snap = must((await server.rest<PublicSnapshot>('GET', '/api/queue')).body, 'snapshot');
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect(board.state.view.seq).toBe(snap.seq);
    expect([...board.state.view.tickets].sort(byId)).toEqual([...snap.tickets].sort(byId));
    expect(board.state.view.windows).toEqual(snap.windows);
  }, 60_000);
});
