/**
 * Every command of the wire contract, sent over a real Socket.IO connection by a principal who
 * may send it: the caller's ack, what a board (hall:fact) and a staff console (staff:fact)
 * receive, and one refusal per command with its domain error code.
 */
import {
  applyFact,
  COMMAND_NAMES,
  type CommandName,
  type CommandPayload,
  type CommandResult,
  type ErrorCode,
  type PublicFact,
  type PublicSnapshot,
  type SlipResult,
  type StaffFact,
} from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoHallConfig } from '../../queue-server/src/seed/demo-hall.ts';
import { waiveMissingMaterials } from '../support/materials.ts';
import { command, type HallClient, startTestServer, type TestServer } from '../support/server.ts';

const DAY = '20261126';

/** The demo hall as the wire schema types it (`bonusSeconds.regular` is the literal 0 there). */
const demoConfig = () => demoHallConfig() as CommandPayload<'hall:configure'>['config'];
const ID_1949 = '11010519491231002X';

/** Records the facts a socket receives and lets a test wait for a seq. */
function watch(socket: HallClient) {
  const pub: PublicFact[] = [];
  const staff: StaffFact[] = [];
  const waiters = new Set<() => void>();
  const poke = () => {
    for (const w of [...waiters]) w();
  };
  socket.on('hall:fact', (f) => {
    pub.push(f);
    poke();
  });
  socket.on('staff:fact', (f) => {
    staff.push(f);
    poke();
  });
  function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (cond()) return resolve();
      const check = () => {
        if (!cond()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, ms);
      waiters.add(check);
    });
  }
  return { pub, staff, waitFor };
}

type Watch = ReturnType<typeof watch>;

let server: TestServer;
let board: Watch;
let observer: Watch;
/** The board's view folded from facts with the shared reducer, as a real board keeps it. */
let view: PublicSnapshot;
const tokens = new Map<string, string>();
const sockets = new Map<string, HallClient>();
const covered = new Set<CommandName>();
const refusedCovered = new Set<CommandName>();

beforeEach(async () => {
  server = await startTestServer();
  tokens.clear();
  sockets.clear();
  board = watch(await server.client());
  // A staff console that sends nothing, at a post that meets citizens (it sees masked holders;
  // the back-office posts get the same facts without them, SEC-NTK-3).
  observer = watch(await server.client({ token: await server.login('manager1') }));
  const snap = await server.rest<PublicSnapshot>('GET', '/api/queue');
  if (!snap.body.ok) throw new Error('no snapshot');
  view = snap.body.data;
});
afterEach(async () => {
  await server.close();
});

/** A staff member by username, or `pad:<windowId>`: the rating pad paired with that window. */
async function as(username: string): Promise<HallClient> {
  const known = sockets.get(username);
  if (known) return known;
  if (username.startsWith('pad:')) {
    const deviceToken = await server.pairDevice('rating-pad', username.slice('pad:'.length));
    const socket = await server.client({ deviceToken });
    sockets.set(username, socket);
    return socket;
  }
  const token = await server.login(username);
  tokens.set(username, token);
  const socket = await server.client({ token });
  sockets.set(username, socket);
  return socket;
}

/** Tomorrow: logins last 12 hours, so everyone logs in again. */
function nextDay(): void {
  server.clock.advance(24 * 60 * 60 * 1000);
  tokens.clear();
  sockets.clear();
}

async function staffId(username: string): Promise<string> {
  await as(username);
  const me = await server.rest<{ id: string }>('GET', '/api/auth/me', { token: tokens.get(username)! });
  if (!me.body.ok) throw new Error('no /api/auth/me');
  return me.body.data.id;
}

async function publicSnapshot(): Promise<PublicSnapshot> {
  const r = await server.rest<PublicSnapshot>('GET', '/api/queue');
  if (!r.body.ok) throw new Error('GET /api/queue failed');
  return r.body.data;
}

/** What a board must show: the server's public snapshot (recent calls are rebuilt from state there). */
function comparable(v: PublicSnapshot) {
  return {
    seq: v.seq,
    hallName: v.hallName,
    categories: v.categories,
    windows: v.windows,
    tickets: [...v.tickets].sort((a, b) => a.id.localeCompare(b.id)),
    estimates: v.estimates,
  };
}

interface Sent {
  result: CommandResult;
  /** The board's hall:fact for each fact of the ack, in order. */
  pub: PublicFact[];
  /** The staff console's staff:fact for each fact of the ack, in order. */
  staff: StaffFact[];
}

/**
 * Sends a command that must succeed; checks the ack (consecutive seqs, Q-LOG-1), that the board
 * and the staff console receive exactly those facts, and that the board's folded view equals
 * the server's snapshot afterwards.
 */
async function ok<N extends CommandName>(user: string, name: N, payload: CommandPayload<N>): Promise<Sent> {
  const socket = await as(user);
  server.clock.advance(1000);
  const before = server.app.service.queue.lastSeq;
  const ack = await command<CommandResult>(socket, name, payload);
  if (!ack.ok) throw new Error(`${name} by ${user} refused: ${ack.error.code} ${ack.error.message}`);
  const result = ack.data;
  expect(result.replayed).toBe(false);
  expect(result.facts.length).toBeGreaterThan(0);
  expect(result.facts.map((f) => f.seq)).toEqual(result.facts.map((_, i) => before + 1 + i));
  expect(result.seq).toBe(before + result.facts.length);
  await board.waitFor(() => (board.pub.at(-1)?.seq ?? 0) >= result.seq, `board fact ${result.seq}`);
  await observer.waitFor(() => (observer.staff.at(-1)?.seq ?? 0) >= result.seq, `staff fact ${result.seq}`);
  const seqs = new Set(result.facts.map((f) => f.seq));
  const pub = board.pub.filter((f) => seqs.has(f.seq));
  const staff = observer.staff.filter((f) => seqs.has(f.seq));
  expect(pub.map((f) => f.type)).toEqual(result.facts.map((f) => f.type));
  expect(staff.map((f) => f.event)).toEqual(result.facts);
  for (const f of pub) {
    const next = applyFact(view, f);
    expect(next, `gap before fact ${f.seq}`).not.toBeNull();
    view = next!;
  }
  expect(comparable(view)).toEqual(comparable(await publicSnapshot()));
  covered.add(name);
  return { result, pub, staff };
}

/** Sends a command that must be refused with `code`; a refusal writes nothing (Q-LOG-1). */
async function refused<N extends CommandName>(
  user: string,
  name: N,
  payload: CommandPayload<N>,
  code: ErrorCode,
): Promise<void> {
  const socket = await as(user);
  const before = server.app.service.queue.lastSeq;
  const ack = await command<CommandResult>(socket, name, payload);
  expect(ack).toMatchObject({ ok: false, error: { code } });
  expect(server.app.service.queue.lastSeq).toBe(before);
  expect((await publicSnapshot()).seq).toBe(before);
  refusedCovered.add(name);
}

const win = (f: { windows: PublicFact['windows'] }, id: string) => f.windows.find((w) => w.id === id);
const onlyTicket = (f: PublicFact) => {
  expect(f.tickets).toHaveLength(1);
  return f.tickets[0]!;
};

async function issue(n = 1, categoryId = 'A'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = await ok('guide1', 'ticket:issue', { categoryId });
    ids.push(onlyTicket(s.pub[0]!).id);
  }
  return ids;
}

/** clerk1 at w1 with one called ticket (and `extra` more waiting). */
async function calledAtW1(extra = 0): Promise<string> {
  const [id] = await issue(1 + extra);
  await ok('clerk1', 'window:open', { windowId: 'w1' });
  await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
  return id!;
}

async function servingAtW1(): Promise<string> {
  const id = await calledAtW1();
  await ok('clerk1', 'ticket:start', { windowId: 'w1' });
  return id;
}

async function noShowAtW1(): Promise<string> {
  const id = await calledAtW1();
  await ok('clerk1', 'ticket:recall', { windowId: 'w1' });
  await ok('clerk1', 'ticket:recall', { windowId: 'w1' });
  await ok('clerk1', 'ticket:no-show', { windowId: 'w1' });
  return id;
}

describe('every command over Socket.IO: ack, board hall:fact, staff staff:fact, refusal', () => {
  it('hall:configure (admin): the new configuration reaches boards; an invalid one is INVALID_CONFIG', async () => {
    const config = demoConfig();
    config.settings.hallName = '测试大厅 Test Hall';
    const s = await ok('admin', 'hall:configure', { config });
    expect(s.result.facts.map((f) => f.type)).toEqual(['hall:configured']);
    const f = s.pub[0]!;
    expect(f.hall).toMatchObject({
      hallName: '测试大厅 Test Hall',
      windowIds: config.windows.map((w) => w.id),
    });
    expect(f.hall!.categories.map((c) => c.id)).toEqual(['A', 'B', 'C']);
    expect(f.windows.map((w) => w.id)).toEqual(['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8']);
    expect(s.staff[0]!.event.type).toBe('hall:configured');
    expect(view.hallName).toBe('测试大厅 Test Hall');

    const bad = demoConfig();
    bad.categories[1]!.prefix = 'A';
    await refused('admin', 'hall:configure', { config: bad }, 'INVALID_CONFIG');
    await refused('manager1', 'hall:configure', { config }, 'FORBIDDEN');
  });

  it('ticket:issue (guide) Q-NUM-1 Q-NUM-4 Q-PRI-1 Q-PRI-2: A001 reaches the board without personal data', async () => {
    const s = await ok('guide1', 'ticket:issue', { categoryId: 'A', idNumber: ID_1949 });
    expect(s.result.facts[0]).toMatchObject({ type: 'ticket:issued' });
    expect(onlyTicket(s.pub[0]!)).toEqual({
      id: `${DAY}-A001`,
      number: 'A001',
      categoryId: 'A',
      status: 'waiting',
      windowId: null,
      calledAt: null,
    });
    expect(JSON.stringify(s.pub[0])).not.toMatch(/1949|110\*|senior/);
    expect(s.staff[0]!.event.type).toBe('ticket:issued');
    expect(s.staff[0]!.tickets[0]).toMatchObject({
      priorityClass: 'senior',
      holder: { senior: true },
    });
    const next = await ok('guide1', 'ticket:issue', { categoryId: 'A' });
    expect(onlyTicket(next.pub[0]!).number).toBe('A002');

    await refused('guide1', 'ticket:issue', { categoryId: 'Z' }, 'UNKNOWN_CATEGORY');
    await refused(
      'guide1',
      'ticket:issue',
      { categoryId: 'A', idNumber: '110105194912310021' },
      'INVALID_ID_NUMBER',
    );
    await refused(
      'guide1',
      'ticket:issue',
      { categoryId: 'A', priorityClass: 'military' },
      'REASON_REQUIRED',
    );
    // Nothing was consumed by the refusals.
    expect(onlyTicket((await ok('guide1', 'ticket:issue', { categoryId: 'A' })).pub[0]!).number).toBe('A003');
  });

  it('ticket:issue Q-DUR-2: a retry with the same idempotency key answers the first result and writes nothing', async () => {
    const first = await ok('guide1', 'ticket:issue', { categoryId: 'B', idempotencyKey: 'press-1' });
    const seq = server.app.service.queue.lastSeq;
    const again = await command<CommandResult>(await as('guide1'), 'ticket:issue', {
      categoryId: 'B',
      idempotencyKey: 'press-1',
    });
    expect(again).toEqual({ ok: true, data: { ...first.result, replayed: true } });
    expect(server.app.service.queue.lastSeq).toBe(seq);
    // The same key from another sender is another command.
    const other = await ok('manager1', 'ticket:issue', { categoryId: 'B', idempotencyKey: 'press-1' });
    expect(onlyTicket(other.pub[0]!).number).toBe('B002');
    // The replay broadcast nothing: the board saw one fact per accepted command.
    expect(board.pub.map((f) => f.seq)).toEqual([seq, seq + 1]);
  });

  it('window:open (clerk): the window shows open with its clerk; an open window is WINDOW_ALREADY_OPEN', async () => {
    const clerk1 = await staffId('clerk1');
    const s = await ok('clerk1', 'window:open', { windowId: 'w1' });
    expect(win(s.pub[0]!, 'w1')).toMatchObject({ state: 'open', clerkId: clerk1, ticketId: null });
    expect(s.staff[0]!.event).toMatchObject({ type: 'window:opened', windowId: 'w1', clerkId: clerk1 });
    await refused('clerk2', 'window:open', { windowId: 'w1' }, 'WINDOW_ALREADY_OPEN');
    await refused('clerk2', 'window:open', { windowId: 'w99' }, 'UNKNOWN_WINDOW');
    await refused('clerk2', 'window:open', { windowId: 'w7' }, 'FORBIDDEN');
  });

  it('window:close (clerk) Q-ELG-2: an idle window closes; one holding a ticket is WINDOW_BUSY', async () => {
    await calledAtW1();
    await refused('clerk1', 'window:close', { windowId: 'w1' }, 'WINDOW_BUSY');
    await ok('clerk1', 'ticket:start', { windowId: 'w1' });
    await ok('clerk1', 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    const s = await ok('clerk1', 'window:close', { windowId: 'w1' });
    expect(win(s.pub[0]!, 'w1')).toMatchObject({ state: 'closed', clerkId: null, ticketId: null });
    expect(s.staff[0]!.event).toMatchObject({ type: 'window:closed', windowId: 'w1' });
    await refused('manager1', 'window:close', { windowId: 'w1' }, 'WINDOW_CLOSED');
  });

  it('window:pause (clerk) Q-CALL-1: a paused window shows its reason and cannot call', async () => {
    await issue();
    await ok('clerk1', 'window:open', { windowId: 'w1' });
    const s = await ok('clerk1', 'window:pause', { windowId: 'w1', reason: 'system' });
    expect(win(s.pub[0]!, 'w1')).toMatchObject({ state: 'paused', pauseReason: 'system' });
    expect(s.staff[0]!.event).toMatchObject({ type: 'window:paused', reason: 'system' });
    await refused('clerk1', 'ticket:call-next', { windowId: 'w1' }, 'WINDOW_PAUSED');
    await refused('clerk1', 'window:pause', { windowId: 'w1', reason: 'away' }, 'WINDOW_PAUSED');
    await refused('manager1', 'window:pause', { windowId: 'w2', reason: 'lunch' }, 'WINDOW_CLOSED');
    // SEC-TXT-1: what a clerk might type never reaches a board; only a code from the list does.
    await refused(
      'clerk1',
      'window:pause',
      { windowId: 'w1', reason: '张三 110105194912310021 在等' } as never,
      'BAD_REQUEST',
    );
  });

  it('SEC-TXT-2 staff free text carrying an ID, phone or bank card number is refused; nothing is stored', async () => {
    const [a] = await issue();
    const id = '110105194912310012';
    await refused(
      'guide1',
      'ticket:cancel',
      { ticketId: a!, reason: `本人要求 身份证 ${id}` },
      'BAD_REQUEST',
    );
    await refused(
      'guide1',
      'ticket:cancel',
      { ticketId: a!, reason: '联系电话 138 1234 5678' },
      'BAD_REQUEST',
    );
    await refused(
      'guide1',
      'ticket:transfer',
      { ticketId: a!, to: { categoryId: 'B' }, note: '退款到卡 6222 0212 3456 7890 123' },
      'BAD_REQUEST',
    );
    await refused('manager1', 'day:close', { reason: `闭厅 ${id.slice(0, 15)}` }, 'BAD_REQUEST');
    // The same notes without the numbers go through.
    await ok('guide1', 'ticket:cancel', { ticketId: a!, reason: '本人要求取消，电话已核实' });
  });

  it('window:resume (clerk) Q-CALL-1: a resumed window is open again; an open one is WINDOW_NOT_PAUSED', async () => {
    await ok('clerk1', 'window:open', { windowId: 'w1' });
    await refused('clerk1', 'window:resume', { windowId: 'w1' }, 'WINDOW_NOT_PAUSED');
    await ok('clerk1', 'window:pause', { windowId: 'w1', reason: 'lunch' });
    const s = await ok('manager1', 'window:resume', { windowId: 'w1' });
    expect(win(s.pub[0]!, 'w1')).toMatchObject({ state: 'open', pauseReason: null });
    expect(s.staff[0]!.event).toMatchObject({ type: 'window:resumed', windowId: 'w1' });
  });

  it('ticket:call-next (clerk) Q-CALL-3 Q-CALL-2 Q-ELG-2: an empty queue is QUEUE_EMPTY; a call reaches the board', async () => {
    await ok('clerk1', 'window:open', { windowId: 'w1' });
    await refused('clerk1', 'ticket:call-next', { windowId: 'w1' }, 'QUEUE_EMPTY');
    const [a1] = await issue(2);
    const s = await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
    expect(s.result.facts).toMatchObject([{ type: 'ticket:called', ticketId: a1, windowId: 'w1' }]);
    const f = s.pub[0]!;
    expect(onlyTicket(f)).toMatchObject({ id: a1, status: 'called', windowId: 'w1', calledAt: f.at });
    expect(win(f, 'w1')).toMatchObject({ ticketId: a1 });
    expect(f.call).toMatchObject({
      seq: f.seq,
      number: 'A001',
      windowId: 'w1',
      windowNumber: 1,
      recall: false,
    });
    expect(s.staff[0]!.event.type).toBe('ticket:called');
    // The called ticket still has calls left: the window is busy with it.
    await refused('clerk1', 'ticket:call-next', { windowId: 'w1' }, 'WINDOW_BUSY');
    // Another window gets the next ticket, never the same one.
    const other = await ok('clerk2', 'window:open', { windowId: 'w2' });
    expect(other.pub).toHaveLength(1);
    const s2 = await ok('clerk2', 'ticket:call-next', { windowId: 'w2', idempotencyKey: 'c-1' });
    expect(s2.pub[0]!.call).toMatchObject({ number: 'A002', windowNumber: 2 });
    const again = await command<CommandResult>(await as('clerk2'), 'ticket:call-next', {
      windowId: 'w2',
      idempotencyKey: 'c-1',
    });
    expect(again).toEqual({ ok: true, data: { ...s2.result, replayed: true } });
    await refused('clerk2', 'ticket:call-next', { windowId: 'w2' }, 'WINDOW_BUSY');
    await refused('clerk2', 'ticket:call-next', { windowId: 'w1' }, 'FORBIDDEN');
  });

  it('ticket:recall (clerk) Q-NS-1: a recall is announced again; the fourth call is RECALL_LIMIT', async () => {
    const id = await calledAtW1();
    for (let i = 0; i < 2; i++) {
      const s = await ok('clerk1', 'ticket:recall', { windowId: 'w1' });
      const f = s.pub[0]!;
      expect(s.result.facts).toMatchObject([{ type: 'ticket:recalled', ticketId: id, windowId: 'w1' }]);
      expect(f.call).toMatchObject({ seq: f.seq, number: 'A001', windowId: 'w1', recall: true });
      expect(onlyTicket(f)).toMatchObject({ status: 'called', calledAt: f.at });
      expect(s.staff[0]!.tickets[0]!.callCount).toBe(2 + i);
    }
    await refused('clerk1', 'ticket:recall', { windowId: 'w1' }, 'RECALL_LIMIT');
  });

  it('ticket:start (clerk): the called ticket is served at the window; an idle window is WINDOW_IDLE', async () => {
    await ok('clerk1', 'window:open', { windowId: 'w1' });
    await refused('clerk1', 'ticket:start', { windowId: 'w1' }, 'WINDOW_IDLE');
    const [id] = await issue();
    await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
    const s = await ok('clerk1', 'ticket:start', { windowId: 'w1' });
    expect(onlyTicket(s.pub[0]!)).toMatchObject({ id, status: 'serving', windowId: 'w1' });
    expect(win(s.pub[0]!, 'w1')).toMatchObject({ ticketId: id });
    expect(s.staff[0]!.event).toMatchObject({ type: 'ticket:serving', ticketId: id });
    await refused('clerk1', 'ticket:start', { windowId: 'w1' }, 'BAD_TICKET_STATE');
  });

  it('ticket:no-show (clerk) Q-NS-2: only after every call; then the ticket leaves the board and the window is free', async () => {
    const id = await calledAtW1();
    await refused('clerk1', 'ticket:no-show', { windowId: 'w1' }, 'CALLS_NOT_EXHAUSTED');
    await ok('clerk1', 'ticket:recall', { windowId: 'w1' });
    await refused('clerk1', 'ticket:no-show', { windowId: 'w1' }, 'CALLS_NOT_EXHAUSTED');
    await ok('clerk1', 'ticket:recall', { windowId: 'w1' });
    const s = await ok('clerk1', 'ticket:no-show', { windowId: 'w1' });
    expect(onlyTicket(s.pub[0]!)).toMatchObject({ id, status: 'no-show' });
    expect(win(s.pub[0]!, 'w1')).toMatchObject({ ticketId: null });
    expect(s.staff[0]!.event).toMatchObject({ type: 'ticket:no-show', ticketId: id });
    expect(view.tickets.some((t) => t.id === id)).toBe(false);
  });

  it('ticket:call-next Q-NS-2: after the last unanswered call, "next" marks the no-show and calls in one step', async () => {
    const [first, second] = await issue(2);
    await ok('clerk1', 'window:open', { windowId: 'w1' });
    await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
    await ok('clerk1', 'ticket:recall', { windowId: 'w1' });
    await ok('clerk1', 'ticket:recall', { windowId: 'w1' });
    const s = await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
    expect(s.result.facts).toMatchObject([
      { type: 'ticket:no-show', ticketId: first },
      { type: 'ticket:called', ticketId: second },
    ]);
    expect(s.pub.map((f) => f.tickets.map((t) => [t.id, t.status]))).toEqual([
      [[first, 'no-show']],
      [[second, 'called']],
    ]);
    expect(s.staff.map((f) => f.event.type)).toEqual(['ticket:no-show', 'ticket:called']);
  });

  it('ticket:finish (clerk) Q-FIN-1: the served ticket is done with its outcome; a called one is NOT_SERVING', async () => {
    const id = await calledAtW1();
    await refused('clerk1', 'ticket:finish', { windowId: 'w1', outcome: 'completed' }, 'NOT_SERVING');
    await ok('clerk1', 'ticket:start', { windowId: 'w1' });
    const s = await ok('clerk1', 'ticket:finish', { windowId: 'w1', outcome: 'supplement' });
    expect(onlyTicket(s.pub[0]!)).toMatchObject({ id, status: 'done' });
    expect(win(s.pub[0]!, 'w1')).toMatchObject({ state: 'open', ticketId: null });
    expect(s.staff[0]!.event).toMatchObject({ type: 'ticket:finished', ticketId: id, outcome: 'supplement' });
    expect(s.staff[0]!.tickets[0]).toMatchObject({ outcome: 'supplement', finishedAt: s.pub[0]!.at });
    await refused('clerk1', 'ticket:finish', { windowId: 'w1', outcome: 'completed' }, 'WINDOW_IDLE');
  });

  it('ticket:park (clerk) Q-PARK-1: a parked ticket frees the window; a called one is NOT_SERVING', async () => {
    const id = await calledAtW1(1);
    await refused('clerk1', 'ticket:park', { windowId: 'w1' }, 'NOT_SERVING');
    await ok('clerk1', 'ticket:start', { windowId: 'w1' });
    const s = await ok('clerk1', 'ticket:park', { windowId: 'w1', note: '回去取户口本' });
    expect(onlyTicket(s.pub[0]!)).toMatchObject({ id, status: 'parked' });
    expect(win(s.pub[0]!, 'w1')).toMatchObject({ ticketId: null });
    expect(s.staff[0]!.event).toMatchObject({ type: 'ticket:parked', note: '回去取户口本' });
    expect(JSON.stringify(s.pub[0])).not.toContain('户口本');
    // The window is free for the next citizen.
    await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
  });

  it('ticket:resume (clerk) Q-PARK-1: a parked ticket resumes at another free window straight into serving', async () => {
    const id = await servingAtW1();
    await ok('clerk1', 'ticket:park', { windowId: 'w1' });
    const [waiting] = await issue();
    await ok('clerk2', 'window:open', { windowId: 'w2' });
    await refused('clerk2', 'ticket:resume', { windowId: 'w2', ticketId: waiting! }, 'BAD_TICKET_STATE');
    await ok('clerk2', 'ticket:call-next', { windowId: 'w2' });
    await refused('clerk2', 'ticket:resume', { windowId: 'w2', ticketId: id }, 'WINDOW_BUSY');
    await ok('clerk3', 'window:open', { windowId: 'w3' });
    const s = await ok('clerk3', 'ticket:resume', { windowId: 'w3', ticketId: id });
    expect(onlyTicket(s.pub[0]!)).toMatchObject({ id, status: 'serving', windowId: 'w3' });
    expect(win(s.pub[0]!, 'w3')).toMatchObject({ ticketId: id });
    expect(s.staff[0]!.event).toMatchObject({ type: 'ticket:resumed', ticketId: id, windowId: 'w3' });
  });

  it('ticket:reinstate (guide) Q-NS-3 Q-NS-4: a no-show waits again; a waiting ticket is BAD_TICKET_STATE', async () => {
    const id = await noShowAtW1();
    const others = await issue(5);
    await refused('guide1', 'ticket:reinstate', { ticketId: others[0]! }, 'BAD_TICKET_STATE');
    await refused('guide1', 'ticket:reinstate', { ticketId: `${DAY}-A999` }, 'UNKNOWN_TICKET');
    const s = await ok('guide1', 'ticket:reinstate', { ticketId: id });
    expect(onlyTicket(s.pub[0]!)).toMatchObject({ id, status: 'waiting' });
    expect(s.staff[0]!.event).toMatchObject({ type: 'ticket:reinstated', ticketId: id });
    expect(view.tickets.find((t) => t.id === id)?.status).toBe('waiting');
    // Three places behind the head of its lane (default reinstatePlaces).
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
      order.push(c.result.facts.find((f) => f.type === 'ticket:called')!.ticketId);
      await ok('clerk1', 'ticket:start', { windowId: 'w1' });
      await ok('clerk1', 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    }
    expect(order).toEqual([others[0], others[1], others[2], id, others[3]]);
  });

  it('ticket:reinstate Q-NS-3: after maxReinstates misses it is TOO_MANY_MISSES', async () => {
    const config = demoConfig();
    config.settings.maxRecalls = 0;
    config.settings.maxReinstates = 1;
    await ok('admin', 'hall:configure', { config });
    const [id] = await issue();
    await ok('clerk1', 'window:open', { windowId: 'w1' });
    for (let miss = 1; miss <= 2; miss++) {
      await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
      await ok('clerk1', 'ticket:no-show', { windowId: 'w1' });
      if (miss === 1) await ok('guide1', 'ticket:reinstate', { ticketId: id! });
    }
    await refused('guide1', 'ticket:reinstate', { ticketId: id! }, 'TOO_MANY_MISSES');
  });

  it('ticket:transfer (guide, clerk) Q-TRF-1 Q-NUM-4: the ticket keeps its number and id; a done one is BAD_TICKET_STATE', async () => {
    const [a1, a2] = await issue(2);
    const s = await ok('guide1', 'ticket:transfer', {
      ticketId: a1!,
      to: { categoryId: 'B' },
      note: '单位参保',
    });
    expect(onlyTicket(s.pub[0]!)).toMatchObject({
      id: a1,
      number: 'A001',
      categoryId: 'B',
      status: 'waiting',
    });
    expect(s.staff[0]!.event).toMatchObject({ type: 'ticket:transferred', ticketId: a1, categoryId: 'B' });
    expect(JSON.stringify(s.pub[0])).not.toContain('单位参保');
    await refused(
      'guide1',
      'ticket:transfer',
      { ticketId: a2!, to: { categoryId: 'Z' }, note: 'x' },
      'UNKNOWN_CATEGORY',
    );

    // A clerk sends the citizen in front of them to the rights window: their window is free.
    await ok('clerk1', 'window:open', { windowId: 'w1' });
    const called = await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
    expect(called.result.facts[0]).toMatchObject({ ticketId: a2 });
    const t = await ok('clerk1', 'ticket:transfer', { ticketId: a2!, to: { post: 'rights' }, note: '出件' });
    expect(onlyTicket(t.pub[0]!)).toMatchObject({ id: a2, status: 'waiting' });
    expect(win(t.pub[0]!, 'w1')).toMatchObject({ ticketId: null });
    await ok('rights1', 'window:open', { windowId: 'w7' });
    const r = await ok('rights1', 'ticket:call-next', { windowId: 'w7' });
    expect(r.pub[0]!.call).toMatchObject({ number: 'A002', windowNumber: 7 });
    await ok('rights1', 'ticket:start', { windowId: 'w7' });
    await ok('rights1', 'ticket:finish', { windowId: 'w7', outcome: 'completed' });
    await refused(
      'guide1',
      'ticket:transfer',
      { ticketId: a2!, to: { categoryId: 'A' }, note: '再办' },
      'BAD_TICKET_STATE',
    );
  });

  it('ticket:cancel (guide) Q-CAN-1: waiting and called tickets leave the board; a serving one is BAD_TICKET_STATE', async () => {
    const [a1, a2] = await issue(2);
    const s = await ok('guide1', 'ticket:cancel', { ticketId: a2!, reason: '群众离开' });
    expect(onlyTicket(s.pub[0]!)).toMatchObject({ id: a2, status: 'cancelled' });
    expect(s.staff[0]!.event).toMatchObject({ type: 'ticket:cancelled', ticketId: a2, reason: '群众离开' });
    expect(view.tickets.map((t) => t.id)).toEqual([a1]);

    await ok('clerk1', 'window:open', { windowId: 'w1' });
    await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
    const c = await ok('manager1', 'ticket:cancel', { ticketId: a1!, reason: '重复取号' });
    expect(win(c.pub[0]!, 'w1')).toMatchObject({ ticketId: null });
    expect(view.tickets).toEqual([]);

    const [a3] = await issue();
    await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
    await ok('clerk1', 'ticket:start', { windowId: 'w1' });
    await refused('guide1', 'ticket:cancel', { ticketId: a3!, reason: '误操作' }, 'BAD_TICKET_STATE');
    await refused('guide1', 'ticket:cancel', { ticketId: `${DAY}-A999`, reason: '误操作' }, 'UNKNOWN_TICKET');
  });

  it('ticket:confirm (guide) MOB-Q-2: an online ticket confirmed at the desk; the board packet carries no holder; twice is BAD_TICKET_STATE', async () => {
    const joined = server.app.hall.onlineQueue.join({ holderRef: 'ref-online', phone: '13900000000' }, 'A');
    if (!joined.ok) throw new Error(joined.error.message);
    const ticketId = joined.data.id;
    // The join is the phone's own route, not a command: fold its board fact like the others.
    const seq = server.app.service.queue.lastSeq;
    await board.waitFor(() => (board.pub.at(-1)?.seq ?? 0) >= seq, `board fact ${seq}`);
    const issued = board.pub.find((f) => f.seq === seq)!;
    expect(JSON.stringify(issued)).not.toContain('ref-online');
    view = applyFact(view, issued)!;
    const c = await ok('guide1', 'ticket:confirm', { ticketId });
    expect(c.staff[0]!.event).toMatchObject({ type: 'ticket:confirmed', ticketId });
    expect(onlyTicket(c.pub[0]!)).toMatchObject({ id: ticketId, status: 'waiting' });
    expect(JSON.stringify(c.pub)).not.toContain('ref-online');
    expect(JSON.stringify(c.pub)).not.toContain('13900000000');
    await refused('guide1', 'ticket:confirm', { ticketId }, 'BAD_TICKET_STATE');
    await ok('guide1', 'ticket:cancel', { ticketId, reason: '测试结束' });
  });

  it('ticket:override (guide) Q-OVR-1: a front-moved ticket is called first; a called one is BAD_TICKET_STATE', async () => {
    const [, , a3] = await issue(3);
    const guide = await staffId('guide1');
    const s = await ok('guide1', 'ticket:override', {
      ticketId: a3!,
      action: { kind: 'front' },
      reason: '急诊病人家属',
    });
    expect(onlyTicket(s.pub[0]!)).toMatchObject({ id: a3, status: 'waiting' });
    expect(s.staff[0]!.event).toMatchObject({ type: 'ticket:priority-overridden', ticketId: a3 });
    expect(s.staff[0]!.tickets[0]!.front).toMatchObject({ by: guide, reason: '急诊病人家属' });
    expect(JSON.stringify(s.pub[0])).not.toContain('急诊');
    await refused(
      'guide1',
      'ticket:override',
      { ticketId: a3!, action: { kind: 'pin', windowId: 'w99' }, reason: '指定窗口' },
      'UNKNOWN_WINDOW',
    );
    await ok('clerk1', 'window:open', { windowId: 'w1' });
    const c = await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
    expect(c.result.facts[0]).toMatchObject({ type: 'ticket:called', ticketId: a3 });
    await refused(
      'guide1',
      'ticket:override',
      { ticketId: a3!, action: { kind: 'class', priorityClass: 'military' }, reason: '退役军人' },
      'BAD_TICKET_STATE',
    );
  });

  it('ticket:rate (rating pad) RAT-1 RAT-2 RAT-3 RAT-4: the board learns no level; staff see it with the clerk who served', async () => {
    const clerk1 = await staffId('clerk1');
    const id = await servingAtW1();
    const [waiting] = await issue();
    // Pressed before the clerk finished: only a finished ticket is rated.
    await refused('pad:w1', 'ticket:rate', { ticketId: id, level: 5 }, 'BAD_TICKET_STATE');
    await ok('clerk1', 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    // A ticket no window has served yet is no pad's to rate.
    await refused('pad:w1', 'ticket:rate', { ticketId: waiting!, level: 5 }, 'FORBIDDEN');
    await refused('pad:w1', 'ticket:rate', { ticketId: `${DAY}-A999`, level: 5 }, 'UNKNOWN_TICKET');
    // RAT-4: there is no default level; a pad that timed out has nothing to send.
    await refused('pad:w1', 'ticket:rate', { ticketId: id } as CommandPayload<'ticket:rate'>, 'BAD_REQUEST');
    await refused('pad:w1', 'ticket:rate', { ticketId: id, level: 0 }, 'BAD_REQUEST');
    // RAT-2: the pad of another window, and the clerk who served, may not rate it.
    await refused('pad:w2', 'ticket:rate', { ticketId: id, level: 5 }, 'FORBIDDEN');
    await refused('clerk1', 'ticket:rate', { ticketId: id, level: 5 }, 'FORBIDDEN');

    const s = await ok('pad:w1', 'ticket:rate', {
      ticketId: id,
      level: 2,
      reasons: ['waiting', 'efficiency', 'waiting'],
    });
    expect(s.result.facts).toMatchObject([
      {
        type: 'ticket:rated',
        ticketId: id,
        windowId: 'w1',
        servedBy: clerk1,
        level: 2,
        reasons: ['waiting', 'efficiency'],
        channel: 'pad',
      },
      // FUP-5: a bad rating's follow-up opens in the same unit.
      { type: 'follow-up:opened', ticketId: id, level: 2, windowId: 'w1' },
    ]);
    // The boards learn only that the seq moved, not the level or the deadline.
    expect(JSON.stringify(s.pub[1])).not.toMatch(/"(level|deadline|reasons)"/);
    const f = s.pub[0]!;
    expect(f.type).toBe('ticket:rated');
    expect(onlyTicket(f)).toEqual({
      id,
      number: 'A001',
      categoryId: 'A',
      status: 'done',
      windowId: 'w1',
      calledAt: expect.any(Number),
    });
    expect(JSON.stringify(f)).not.toMatch(/"(rating|level|reasons|servedBy|channel)"/);
    expect(s.staff[0]!.event).toMatchObject({
      type: 'ticket:rated',
      ticketId: id,
      level: 2,
      servedBy: clerk1,
    });
    expect(s.staff[0]!.tickets[0]).toMatchObject({
      servedBy: clerk1,
      rating: { level: 2, reasons: ['waiting', 'efficiency'], channel: 'pad', at: f.at },
    });
    // RAT-1: at most once, whatever the second rating says.
    await refused('pad:w1', 'ticket:rate', { ticketId: id, level: 5 }, 'ALREADY_RATED');
  });

  it('day:close (manager) Q-DAY-1: every ticket leaves the boards, windows close, issuing is DAY_CLOSED', async () => {
    const ids = await issue(3);
    await ok('clerk1', 'window:open', { windowId: 'w1' });
    await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
    await ok('clerk2', 'window:open', { windowId: 'w2' });
    const s = await ok('manager1', 'day:close', { reason: '日结' });
    const f = s.pub[0]!;
    expect(f).toMatchObject({ type: 'day:closed', removed: ids, tickets: [] });
    expect(f.windows).toHaveLength(8);
    for (const w of f.windows) expect(w).toMatchObject({ state: 'closed', clerkId: null, ticketId: null });
    expect(s.staff[0]!.event).toMatchObject({
      type: 'day:closed',
      businessDay: '2026-11-26',
      settledTicketIds: ids,
    });
    expect(view.tickets).toEqual([]);
    await refused('guide1', 'ticket:issue', { categoryId: 'A' }, 'DAY_CLOSED');
    await refused('manager1', 'day:close', { reason: '再次日结' }, 'DAY_CLOSED');
    await refused('manager1', 'day:close', { reason: '明天', businessDay: '2026-11-27' }, 'DAY_CLOSED');
    await refused('guide1', 'day:close', { reason: '日结' }, 'FORBIDDEN');
    // The next business day starts again at 1 (Q-NUM-2).
    nextDay();
    const next = await ok('guide1', 'ticket:issue', { categoryId: 'A' });
    expect(onlyTicket(next.pub[0]!)).toMatchObject({ id: '20261127-A001', number: 'A001' });
  });

  it('day:close Q-DAY-2: closing a past day left open settles only that day; boards keep today', async () => {
    const [old] = await issue();
    nextDay();
    const [today] = await issue();
    expect(today).toBe('20261127-A001');
    const s = await ok('manager1', 'day:close', { reason: '补日结', businessDay: '2026-11-26' });
    expect(s.staff[0]!.event).toMatchObject({ settledTicketIds: [old], closeWindows: false });
    // `ok` already compared the board's folded view with the server's snapshot; spelled out:
    expect(view.tickets.map((t) => t.id)).toEqual([today]);
  });

  /** clerk1 serves a ticket at w1 and accepts it for a two-level item with one slip (REST); the board folds its facts. */
  async function acceptedCase(): Promise<string> {
    if (server.app.service.queue.window('w1')?.state === 'open') {
      await issue();
      await ok('clerk1', 'ticket:call-next', { windowId: 'w1' });
      await ok('clerk1', 'ticket:start', { windowId: 'w1' });
    } else await servingAtW1();
    const ticketId = server.app.service.queue.window('w1')!.ticketId!;
    await as('clerk1');
    server.clock.advance(1000);
    const r = await server.rest<SlipResult>('POST', '/api/slips', {
      token: tokens.get('clerk1')!,
      body: {
        ticketId,
        kind: 'acceptance',
        itemCode: '512B0068100002',
        applicantName: '张三',
        contactPhone: '13800000000',
        print: false,
      },
    });
    if (!r.body.ok) throw new Error(`slip refused: ${r.body.error.message}`);
    const seq = server.app.service.queue.lastSeq;
    await board.waitFor(() => (board.pub.at(-1)?.seq ?? 0) >= seq, `board fact ${seq}`);
    // UOW-1: the finish, the case and the slip are one unit, consecutive facts.
    const facts = board.pub.filter((f) => f.seq > view.seq);
    expect(facts.map((f) => f.type)).toEqual(['ticket:finished', 'case:accepted', 'slip:issued']);
    for (const f of facts) view = applyFact(view, f)!;
    // MAT-FILE-2: the case leaves 受理 only with its required materials captured or waived.
    const caseId = r.body.data.case!.id;
    await waiveMissingMaterials(server, tokens.get('clerk1')!, caseId);
    const waived = server.app.service.queue.lastSeq;
    await board.waitFor(() => (board.pub.at(-1)?.seq ?? 0) >= waived, `board fact ${waived}`);
    for (const f of board.pub.filter((x) => x.seq > seq)) view = applyFact(view, f)!;
    return caseId;
  }

  it('case steps CASE-2 CASE-6 SOD-*: each reaches staff with the case and boards as a bare seq; refusals write nothing', async () => {
    const id = await acceptedCase();
    await refused('clerk1', 'case:start-review', { caseId: id }, 'FORBIDDEN');
    const started = await ok('reviewer1', 'case:start-review', { caseId: id });
    expect(started.staff[0]!.case).toMatchObject({ id, status: 'in-review', reviewLevels: 2 });
    expect(started.pub[0]).toMatchObject({ type: 'case:review-started', tickets: [], windows: [] });
    expect(JSON.stringify(started.pub[0])).not.toContain(id);
    await refused(
      'reviewer1',
      'case:request-supplement',
      { caseId: id, missingMaterials: ['结婚证'] },
      'BAD_REQUEST',
    );
    const asked = await ok('reviewer1', 'case:request-supplement', {
      caseId: id,
      missingMaterials: ['参保缴费凭证'],
    });
    expect(asked.staff[0]!.case).toMatchObject({ status: 'supplementing', missing: ['参保缴费凭证'] });
    await refused('reviewer1', 'case:approve', { caseId: id }, 'CONFLICT');
    await refused('reviewer1', 'case:supplement', { caseId: id }, 'FORBIDDEN');
    expect((await ok('clerk2', 'case:supplement', { caseId: id })).staff[0]!.case?.status).toBe('accepted');
    await ok('reviewer1', 'case:start-review', { caseId: id });
    await ok('reviewer1', 'case:approve', { caseId: id, note: '材料齐全' });
    await refused('reviewer1', 'case:recheck', { caseId: id }, 'FORBIDDEN');
    await refused('rights1', 'case:return', { caseId: id, note: '不符合' }, 'FORBIDDEN');
    const returned = await ok('supervisor1', 'case:return', { caseId: id, note: '复核退回：金额有误' });
    expect(returned.staff[0]!.event).toMatchObject({
      type: 'case:returned',
      level: 'recheck',
      by: await staffId('supervisor1'),
    });

    const id2 = await acceptedCase();
    await ok('reviewer1', 'case:start-review', { caseId: id2 });
    await ok('reviewer1', 'case:approve', { caseId: id2 });
    await ok('supervisor1', 'case:recheck', { caseId: id2, note: '复核通过' });
    await refused('rights1', 'case:hand-back', { caseId: id2, note: '本人领取' }, 'CONFLICT');
    await refused('clerk1', 'case:ready', { caseId: id2 }, 'FORBIDDEN');
    await ok('rights1', 'case:ready', { caseId: id2 });
    const handed = await ok('rights1', 'case:hand-back', { caseId: id2, note: '本人领取' });
    expect(handed.staff[0]!.case).toMatchObject({ id: id2, status: 'handed-back' });
  });

  it('covers every command of COMMAND_SCHEMAS, accepted and refused', () => {
    expect([...covered].sort()).toEqual([...COMMAND_NAMES].sort());
    expect([...refusedCovered].sort()).toEqual([...COMMAND_NAMES].sort());
  });
});
