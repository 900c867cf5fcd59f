/**
 * The hall-load suite of `npm run bench` (issue #19): a whole hall's traffic at once, against a
 * bare Express + Socket.IO + better-sqlite3 server doing the same visible work (the floor).
 *
 * Traffic: 8 kiosks taking tickets with a form and printing them (their agents answer every
 * print job), clerks looping call-next → start → finish, 150 public boards, 12 status pollers
 * (a citizen's phone on the ticket's QR code); at 30 and at 120 clerks. Both servers run as
 * child processes (tests/bench/hall-load-server.ts) so each one's CPU time is its own. The
 * floor sends, for each request, exactly the events (same names, same bytes, same rooms) and
 * the reply the queue server sent for a request of that kind, captured here first.
 *
 * Rows: CPU per request (ours / floor) at 30 clerks; ack p99 at 120 clerks; board delivery p99
 * (a clerk's emit → the fact at each board) at 30 and 120; server RSS per connected client.
 * See docs/BENCHMARKS.md.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Ack } from '@onewindow/shared';
import { io as connect, type Socket } from 'socket.io-client';
import { idBornOn } from '../../queue-server/src/domain/test-factory.ts';
import { BenchChild } from './child.ts';
import type { FromChild, RequestKind, SentEvent, Template, ToChild, Usage } from './hall-load-server.ts';
import { type BenchRow, median, progress, quantile, round, rowAtMost } from './report.ts';

// ---- parameters ---------------------------------------------------------------------------

const SIZES = [30, 120] as const;
const KIOSKS = 8;
const BOARDS = 150;
const POLLERS = 12;
/** A clerk's mean pause before each command (uniform in ½…1½ of it). */
const THINK_MS = 2000;
/** Kiosks issue 10 % more tickets than the clerks call, so the queue never runs dry. */
const ISSUE_SURPLUS = 1.1;
/** A poller asks for a ticket's status this often. */
const POLL_MS = 1000;
/** Tickets issued before anything is measured. */
const PREFILL = 120;
const WARMUP_MS = 3000;
/** Timed blocks per size and side, alternating ours / floor (ours first on even blocks). */
const BLOCKS = 3;
const BLOCK_MS = 6000;
/** After a block's last request: time for its last facts to reach the boards. */
const SETTLE_MS = 300;

const CPU_TARGET = 1.2;
const ACK_TARGET = 3;
const DELIVERY_TARGET = 1.5;
const RSS_BOUND_KB = 100;

const CARD_ITEM = '512B0070200003'; // 社会保障卡申领: a form, category A
const SCRIPT = fileURLToPath(new URL('./hall-load-server.ts', import.meta.url));
const CHILD_READY_MS = 90_000;
const REQUEST_MS = 15_000;

// ---- child processes ------------------------------------------------------------------------

type FromChildOf<T extends FromChild['type']> = Extract<FromChild, { type: T }>;

class ServerChild extends BenchChild<FromChild, ToChild> {
  constructor(readonly mode: 'queue' | 'floor') {
    super(SCRIPT, [mode, String(Math.max(...SIZES)), String(KIOSKS)], `hall-load bench: the ${mode} server`);
  }

  async usage(gc = false): Promise<Usage> {
    const reply = this.next('usage', 15_000);
    this.send({ type: 'usage', gc });
    return (await reply).usage;
  }
}

// ---- clients --------------------------------------------------------------------------------

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`hall-load bench: ${what} (timed out after ${ms} ms)`)),
      ms,
    );
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function open(
  url: string,
  auth: Record<string, unknown>,
  ready: 'hall:snapshot' | 'connect',
): Promise<Socket> {
  const socket = connect(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  return within(
    new Promise((resolve, reject) => {
      socket.once(ready, () => resolve(socket));
      socket.once('connect_error', (err) => reject(new Error(`connect to ${url}: ${err.message}`)));
    }),
    20_000,
    `connecting to ${url}`,
  );
}

function emit<T>(socket: Socket, name: string, payload: unknown): Promise<Ack<T>> {
  return within(
    new Promise((resolve) => socket.emit(name, payload, (a: Ack<T>) => resolve(a))),
    REQUEST_MS,
    `no ack for ${name}`,
  );
}

/** What one side's clients measure while a block runs. */
interface Recorder {
  /** Clerk command and kiosk ticket round trips, ms. */
  acks: number[];
  /** When the command that produced each seq was emitted (clerk commands only). */
  emitAt: Map<number, number>;
  /** Arrival times of each seq's hall:fact at the boards. */
  arrivals: Map<number, number[]>;
  requests: number;
  refused: Map<string, number>;
  /** The load generator's own CPU time over the block's wall time (1 = one core busy). */
  generatorShare: number;
}

const newRecorder = (): Recorder => ({
  acks: [],
  emitAt: new Map(),
  arrivals: new Map(),
  requests: 0,
  refused: new Map(),
  generatorShare: 0,
});

interface Clerk {
  socket: Socket;
  windowId: string;
  step: 0 | 1 | 2;
}

/** One server and everything connected to it. */
interface Side {
  name: 'ours' | 'floor';
  child: ServerChild;
  url: string;
  boards: Socket[];
  clerks: Clerk[];
  agents: Socket[];
  /** The X-Device-Token of each kiosk. */
  kiosks: string[];
  rec: Recorder | null;
  /** Off while templates are captured (the agent's answer is captured on its own). */
  autoPrint: boolean;
  lastTicket: string;
  /** Every event the observing board, clerk and agent received (capture). */
  seen: { board: SentEvent[]; staff: SentEvent[]; device: SentEvent[] };
  printJobs: string[];
}

const ids = (function* () {
  for (let year = 1970; year < 2000; year++)
    for (let day = 1; day <= 28; day++)
      for (let n = 1; n < 1000; n++)
        yield idBornOn(`${year}03${String(day).padStart(2, '0')}`, String(n).padStart(3, '0'));
})();

function nextId(): string {
  const v = ids.next();
  if (v.done) throw new Error('hall-load bench: out of ID numbers');
  return v.value;
}

function issueBody(): unknown {
  const idNumber = nextId();
  return {
    itemCode: CARD_ITEM,
    idNumber,
    form: { name: '张三丰', idNumber, sex: '男', phone: '13812345678', bank: 'ICBC', delivery: 'window' },
    print: true,
  };
}

async function kioskIssue(side: Side, k: number): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${side.url}/api/kiosk/tickets`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-device-token': side.kiosks[k]!,
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify(issueBody()),
    signal: AbortSignal.timeout(REQUEST_MS),
  });
  const body = (await res.json()) as { ok: boolean; data?: { ticket?: { id: string } } };
  if (body.ok && body.data?.ticket?.id) side.lastTicket = body.data.ticket.id;
  return { status: res.status, body };
}

async function poll(side: Side): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${side.url}/api/tickets/${encodeURIComponent(side.lastTicket)}`, {
    signal: AbortSignal.timeout(REQUEST_MS),
  });
  return { status: res.status, body: await res.json() };
}

async function connectSide(
  name: 'ours' | 'floor',
  child: ServerChild,
  ready: FromChildOf<'ready'>,
): Promise<Side> {
  const side: Side = {
    name,
    child,
    url: ready.url,
    boards: [],
    clerks: [],
    agents: [],
    kiosks: name === 'ours' ? ready.kiosks : Array.from({ length: KIOSKS }, (_, i) => `floor-kiosk-${i + 1}`),
    rec: null,
    autoPrint: true,
    lastTicket: 'none',
    seen: { board: [], staff: [], device: [] },
    printJobs: [],
  };
  const ours = name === 'ours';
  for (let i = 0; i < BOARDS; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, BOARDS - i) }, () =>
        open(side.url, {}, ours ? 'hall:snapshot' : 'connect'),
      ),
    );
    side.boards.push(...batch);
  }
  for (const b of side.boards)
    b.on('hall:fact', (f: { seq: number }) => {
      const rec = side.rec;
      if (rec === null) return;
      const at = performance.now();
      const list = rec.arrivals.get(f.seq);
      if (list === undefined) rec.arrivals.set(f.seq, [at]);
      else list.push(at);
    });
  const max = Math.max(...SIZES);
  for (let i = 0; i < max; i++) {
    const auth = ours ? { token: ready.clerks[i]!.token } : { staff: true };
    side.clerks.push({
      socket: await open(side.url, auth, ours ? 'hall:snapshot' : 'connect'),
      windowId: `w${i + 1}`,
      step: 0,
    });
  }
  for (const token of side.kiosks) {
    const agent = await open(side.url, { deviceToken: token }, 'connect');
    agent.on('device:print', (job: { jobId: string }) => {
      side.printJobs.push(job.jobId);
      if (!side.autoPrint) return;
      agent.emit('device:print-result', { jobId: job.jobId, status: 'printed' }, () => {
        if (side.rec !== null) side.rec.requests++;
      });
    });
    side.agents.push(agent);
  }
  side.boards[0]!.onAny((event: string, payload: unknown) => side.seen.board.push({ event, payload }));
  side.clerks[0]!.socket.onAny((event: string, payload: unknown) => {
    // The floor sends staff only what is theirs: a board's fact reaching a console is the
    // queue server's waste, not work the floor must copy.
    if (!event.startsWith('hall:')) side.seen.staff.push({ event, payload });
  });
  // A terminal is in the board room as well (its screen shows calls): its share of the boards' facts
  // reaches it that way in both servers.
  side.agents[0]!.onAny((event: string, payload: unknown) => {
    if (!event.startsWith('hall:')) side.seen.device.push({ event, payload });
  });
  return side;
}

async function openWindows(side: Side, from: number, to: number): Promise<void> {
  for (const c of side.clerks.slice(from, to)) {
    const a = await emit(c.socket, 'window:open', { windowId: c.windowId });
    if (!a.ok && a.error.code !== 'WINDOW_ALREADY_OPEN')
      throw new Error(`hall-load bench: window:open ${c.windowId}: ${a.error.code} ${a.error.message}`);
  }
}

/** Runs one kind of request once, alone, and keeps what it sent to whom and what it answered. */
async function captureTemplates(side: Side): Promise<Record<RequestKind, Template>> {
  side.autoPrint = false;
  const clear = () => {
    side.seen.board.length = 0;
    side.seen.staff.length = 0;
    side.seen.device.length = 0;
  };
  const take = (reply: unknown, status: number, staffExcept = ''): Template => ({
    board: [...side.seen.board],
    staff: side.seen.staff.filter((e) => e.event !== staffExcept),
    device: [...side.seen.device],
    reply,
    status,
  });
  const out: Partial<Record<RequestKind, Template>> = {};
  // Let the prefill's print results land first.
  await sleep(1500);
  clear();
  side.printJobs.length = 0;
  const issued = await kioskIssue(side, 0);
  if (issued.status !== 201) throw new Error(`hall-load bench: kiosk ticket: ${JSON.stringify(issued.body)}`);
  await sleep(300);
  // Its print result is a request of its own (below), not part of the ticket's.
  out.issue = take(issued.body, issued.status, 'print:result');
  const job = side.printJobs[0];
  if (job === undefined) throw new Error('hall-load bench: the kiosk ticket sent no print job');
  clear();
  const printed = await emit(side.agents[0]!, 'device:print-result', { jobId: job, status: 'printed' });
  await sleep(300);
  out['print-result'] = take(printed, 200);
  const clerk = side.clerks[0]!;
  for (const kind of ['call-next', 'start', 'finish'] as const) {
    clear();
    const payload =
      kind === 'finish' ? { windowId: clerk.windowId, outcome: 'completed' } : { windowId: clerk.windowId };
    const ack = await emit(clerk.socket, `ticket:${kind}`, payload);
    if (!ack.ok) throw new Error(`hall-load bench: ticket:${kind}: ${ack.error.code} ${ack.error.message}`);
    await sleep(300);
    out[kind] = take(ack, 200);
  }
  clear();
  const polled = await poll(side);
  out.poll = take(polled.body, polled.status);
  side.autoPrint = true;
  return out as Record<RequestKind, Template>;
}

// ---- load -----------------------------------------------------------------------------------

const jitter = (mean: number) => mean * (0.5 + Math.random());
const STEPS = ['ticket:call-next', 'ticket:start', 'ticket:finish'] as const;

async function clerkLoop(side: Side, c: Clerk, until: number): Promise<void> {
  while (performance.now() < until) {
    await sleep(jitter(THINK_MS));
    if (performance.now() >= until) return;
    const name = STEPS[c.step];
    const payload = c.step === 2 ? { windowId: c.windowId, outcome: 'completed' } : { windowId: c.windowId };
    const t0 = performance.now();
    let ack: Ack<{ seq: number; facts?: unknown[] }>;
    try {
      ack = await emit<{ seq: number; facts?: unknown[] }>(c.socket, name, payload);
    } catch {
      // A lost ack on a loaded machine: counted, and the clerk starts its cycle again.
      ack = { ok: false, error: { code: 'NO_ACK' as never, message: 'no ack' } };
    }
    const rec = side.rec;
    if (rec === null) continue;
    rec.acks.push(performance.now() - t0);
    rec.requests++;
    if (ack.ok) {
      const n = Math.max(1, ack.data.facts?.length ?? 1);
      for (let s = ack.data.seq - n + 1; s <= ack.data.seq; s++) rec.emitAt.set(s, t0);
      c.step = ((c.step + 1) % 3) as 0 | 1 | 2;
    } else {
      rec.refused.set(`${name} ${ack.error.code}`, (rec.refused.get(`${name} ${ack.error.code}`) ?? 0) + 1);
      if (c.step !== 0) c.step = 0;
    }
  }
}

async function kioskLoop(side: Side, k: number, until: number, everyMs: number): Promise<void> {
  while (performance.now() < until) {
    await sleep(jitter(everyMs));
    if (performance.now() >= until) return;
    const t0 = performance.now();
    let r: { status: number; body: unknown };
    try {
      r = await kioskIssue(side, k);
    } catch (err) {
      r = { status: 599, body: { error: { code: (err as Error).message } } };
    }
    const rec = side.rec;
    if (rec === null) continue;
    rec.acks.push(performance.now() - t0);
    rec.requests++;
    if (r.status >= 300) {
      const code = (r.body as { error?: { code?: string } }).error?.code ?? String(r.status);
      rec.refused.set(`kiosk ${code}`, (rec.refused.get(`kiosk ${code}`) ?? 0) + 1);
    }
  }
}

async function pollLoop(side: Side, until: number): Promise<void> {
  while (performance.now() < until) {
    await sleep(jitter(POLL_MS));
    if (performance.now() >= until) return;
    try {
      await poll(side);
      if (side.rec !== null) side.rec.requests++;
    } catch (err) {
      const rec = side.rec;
      if (rec !== null)
        rec.refused.set(
          `poll ${(err as Error).message}`,
          (rec.refused.get(`poll ${(err as Error).message}`) ?? 0) + 1,
        );
    }
  }
}

/** One block of the hall's traffic on one side; CPU of its server child over the block. */
async function runBlock(
  side: Side,
  clerks: number,
  ms: number,
  rec: Recorder,
): Promise<{ cpu: number; system: number }> {
  const before = await side.child.usage();
  const ownBefore = process.cpuUsage();
  const wallBefore = performance.now();
  side.rec = rec;
  const until = performance.now() + ms;
  const kioskEvery = (KIOSKS * 3 * THINK_MS) / clerks / ISSUE_SURPLUS;
  await within(
    Promise.all([
      ...side.clerks.slice(0, clerks).map((c) => clerkLoop(side, c, until)),
      ...Array.from({ length: KIOSKS }, (_, k) => kioskLoop(side, k, until, kioskEvery)),
      ...Array.from({ length: POLLERS }, () => pollLoop(side, until)),
    ]),
    ms + 60_000,
    `a ${side.name} block did not finish`,
  );
  await sleep(SETTLE_MS);
  side.rec = null;
  const after = await side.child.usage();
  const own = process.cpuUsage(ownBefore);
  rec.generatorShare = (own.user + own.system) / 1000 / (performance.now() - wallBefore);
  return { cpu: after.cpuMicros - before.cpuMicros, system: after.systemMicros - before.systemMicros };
}

interface SideResult {
  generatorShares: number[];
  cpuMicros: number;
  /** The kernel's part of cpuMicros (socket writes, fsyncs). */
  systemMicros: number;
  requests: number;
  acks: number[];
  deliveries: number[];
  refused: Map<string, number>;
}

function deliveries(rec: Recorder): number[] {
  const out: number[] = [];
  for (const [seq, t0] of rec.emitAt) for (const at of rec.arrivals.get(seq) ?? []) out.push(at - t0);
  return out;
}

async function runSize(
  ours: Side,
  floor: Side,
  clerks: number,
): Promise<Record<'ours' | 'floor', SideResult>> {
  const result = {
    ours: {
      generatorShares: [],
      cpuMicros: 0,
      systemMicros: 0,
      requests: 0,
      acks: [],
      deliveries: [],
      refused: new Map(),
    } as SideResult,
    floor: {
      generatorShares: [],
      cpuMicros: 0,
      systemMicros: 0,
      requests: 0,
      acks: [],
      deliveries: [],
      refused: new Map(),
    } as SideResult,
  };
  for (const side of [ours, floor]) await runBlock(side, clerks, WARMUP_MS, newRecorder());
  for (let b = 0; b < BLOCKS; b++) {
    const order = b % 2 === 0 ? [ours, floor] : [floor, ours];
    for (const side of order) {
      const rec = newRecorder();
      const cpu = await runBlock(side, clerks, BLOCK_MS, rec);
      const r = result[side.name];
      r.cpuMicros += cpu.cpu;
      r.systemMicros += cpu.system;
      r.generatorShares.push(rec.generatorShare);
      r.requests += rec.requests;
      r.acks.push(...rec.acks);
      r.deliveries.push(...deliveries(rec));
      for (const [k, n] of rec.refused) r.refused.set(k, (r.refused.get(k) ?? 0) + n);
    }
  }
  return result;
}

// ---- the suite ------------------------------------------------------------------------------

export async function hallLoadBench(): Promise<BenchRow[]> {
  const started = performance.now();
  progress(
    `\n== hall load: ${KIOSKS} kiosks, clerks ${SIZES.join(' / ')}, ${BOARDS} boards, ${POLLERS} pollers; floor: bare Express + Socket.IO + SQLite ==`,
  );
  const queue = new ServerChild('queue');
  const bare = new ServerChild('floor');
  const sides: Side[] = [];
  try {
    const [qReady, fReady] = await Promise.all([
      queue.next('ready', CHILD_READY_MS),
      bare.next('ready', CHILD_READY_MS),
    ]);
    const empty = await queue.usage(true);
    const ours = await connectSide('ours', queue, qReady);
    sides.push(ours);
    const floor = await connectSide('floor', bare, fReady);
    sides.push(floor);
    const connected = await queue.usage(true);
    const clients = BOARDS + Math.max(...SIZES) + KIOSKS;
    const rssPerClientKb = (connected.rss - empty.rss) / clients / 1024;

    await openWindows(ours, 0, SIZES[0]);
    await Promise.all(
      Array.from({ length: KIOSKS }, async (_, k) => {
        for (let i = k; i < PREFILL; i += KIOSKS) await kioskIssue(ours, k);
      }),
    );
    const templates = await captureTemplates(ours);
    const set = bare.next('templates-set', 10_000);
    bare.send({ type: 'templates', templates });
    await set;
    const bytes = (xs: SentEvent[]) => xs.map((e) => `${e.event} ${JSON.stringify(e.payload).length} B`);
    for (const [kind, t] of Object.entries(templates))
      progress(
        `  ${kind}: reply ${JSON.stringify(t.reply).length} B; boards [${bytes(t.board).join(', ')}]; staff [${bytes(t.staff).join(', ')}]; device [${bytes(t.device).join(', ')}]`,
      );

    // HALL_LOAD_CPU_PROF=<file>: a V8 CPU profile of the queue server over every timed block,
    // and one of the floor beside it (<file>.floor.cpuprofile), so the two compare function by
    // function (summarised by tests/bench/profile-top.ts).
    const profile = process.env.HALL_LOAD_CPU_PROF;
    if (profile) {
      const started = [queue.next('profile-started', 10_000), bare.next('profile-started', 10_000)];
      queue.send({ type: 'profile-start' });
      bare.send({ type: 'profile-start' });
      await Promise.all(started);
    }
    const bySize = new Map<number, Record<'ours' | 'floor', SideResult>>();
    for (const size of SIZES) {
      if (size > SIZES[0]) await openWindows(ours, SIZES[0], size);
      const r = await runSize(ours, floor, size);
      bySize.set(size, r);
      for (const name of ['ours', 'floor'] as const) {
        const x = r[name];
        const refused = [...x.refused].map(([k, n]) => `${k} ×${n}`).join(', ') || 'none';
        progress(
          `  @${size} clerks ${name.padEnd(5)}: ${x.requests} requests, CPU ${round(x.cpuMicros / x.requests / 1000)} ms/request (kernel ${round(x.systemMicros / x.requests / 1000)}); ack p50 / p99 ${round(median(x.acks))} / ${round(quantile(x.acks, 0.99))} ms (${x.acks.length}); board delivery p50 / p99 ${round(median(x.deliveries))} / ${round(quantile(x.deliveries, 0.99))} ms (${x.deliveries.length}); refused: ${refused}; load generator ${x.generatorShares.map((g) => round(g)).join(' / ')} cores`,
        );
      }
    }
    if (profile) {
      const written = queue.next('profile-written', 30_000);
      const floorWritten = bare.next('profile-written', 30_000);
      queue.send({ type: 'profile-stop', path: profile });
      bare.send({ type: 'profile-stop', path: profile.replace(/(\.cpuprofile)?$/, '.floor.cpuprofile') });
      progress(
        `  CPU profiles of the queue server and the floor: ${(await written).path}, ${(await floorWritten).path}`,
      );
    }
    progress(
      `  queue server RSS ${round(empty.rss / 2 ** 20)} MB before clients, ${round(connected.rss / 2 ** 20)} MB with ${clients}: ${round(rssPerClientKb)} KB per client`,
    );
    progress(`  hall-load suite took ${Math.round((performance.now() - started) / 1000)} s`);

    const cpu = (size: number, name: 'ours' | 'floor') => {
      const x = bySize.get(size)![name];
      return x.cpuMicros / x.requests / 1000;
    };
    const at = (size: number, name: 'ours' | 'floor') => bySize.get(size)![name];
    const [small, large] = SIZES;
    return [
      rowAtMost(
        `hall load CPU per request @${small} clerks (floor: bare Express+Socket.IO+SQLite)`,
        cpu(small, 'ours'),
        cpu(small, 'floor'),
        'ms/req',
        CPU_TARGET,
      ),
      rowAtMost(
        `hall load ack p99 @${large} clerks (floor: bare)`,
        quantile(at(large, 'ours').acks, 0.99),
        quantile(at(large, 'floor').acks, 0.99),
        'ms',
        ACK_TARGET,
      ),
      rowAtMost(
        `hall load board delivery p99 @${small} clerks (floor: bare)`,
        quantile(at(small, 'ours').deliveries, 0.99),
        quantile(at(small, 'floor').deliveries, 0.99),
        'ms',
        DELIVERY_TARGET,
      ),
      rowAtMost(
        `hall load board delivery p99 @${large} clerks (floor: bare)`,
        quantile(at(large, 'ours').deliveries, 0.99),
        quantile(at(large, 'floor').deliveries, 0.99),
        'ms',
        DELIVERY_TARGET,
      ),
      rowAtMost(
        'hall load server RSS per connected client (floor: 100 KB bound)',
        rssPerClientKb,
        RSS_BOUND_KB,
        'KB',
        1,
      ),
    ];
  } finally {
    for (const side of sides) {
      for (const s of [...side.boards, ...side.clerks.map((c) => c.socket), ...side.agents]) s.disconnect();
    }
    await Promise.all([queue.stop(), bare.stop()]);
  }
}

// `tsx tests/bench/hall-load.bench.ts` runs this suite alone.
if (process.argv[1] === fileURLToPath(import.meta.url))
  hallLoadBench().then(
    (rows) => {
      for (const r of rows)
        progress(
          `${r.name}: ${round(r.value)} ${r.unit} vs ${round(r.floor)} → ${round(r.ratio)} (≤ ${r.target}) ${r.pass ? 'pass' : 'FAIL'}`,
        );
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
