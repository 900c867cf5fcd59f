import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueEngine } from '../../queue-server/src/domain/engine.ts';
import { mulberry32 } from '../../queue-server/src/domain/test-factory.ts';
import type { HallEvent } from '../../queue-server/src/domain/types.ts';
import { HallService } from '../../queue-server/src/service/hall.service.ts';
import { type CommandRecord, HallStore } from '../../queue-server/src/store/hall.store.ts';
import { type Ack, commandFor, keyOf, parseAck, timeOf } from './stream.ts';

/**
 * SPEC Q-DUR-3: a worker process applies a command stream through HallService + HallStore; we
 * kill it with SIGKILL at a random moment, restart it, and repeat. Then the store must hold
 * every acknowledged command, nothing half-applied, and numbers without duplicates or gaps.
 * Reproducible: the kill schedule comes from CRASH_SEED (default below).
 */

const SEED = Number(process.env.CRASH_SEED ?? 20261126);
const CYCLES = 24;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** A worker that never reaches its kill point is killed by this guard, which fails the test. */
const GUARD_MS = 20_000;

/** Kill after the worker has acknowledged n commands, or ms after its first acknowledgement. */
type KillPlan = { kind: 'acks'; n: number } | { kind: 'ms'; ms: number };

interface Cycle {
  start: number;
  plan: KillPlan;
  acks: Ack[];
  ready: boolean;
  /** Lines that were neither `ready` nor an ack, and an unterminated tail: both must be empty. */
  junk: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  guardFired: boolean;
  stderr: string;
}

function runCycle(dbPath: string, start: number, plan: KillPlan): Promise<Cycle> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dbPath, String(start)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const cycle: Cycle = {
      start,
      plan,
      acks: [],
      ready: false,
      junk: [],
      code: null,
      signal: null,
      guardFired: false,
      stderr: '',
    };
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      child.kill('SIGKILL');
    };
    const guard = setTimeout(() => {
      cycle.guardFired = true;
      kill();
    }, GUARD_MS);
    let buf = '';
    const onLine = (line: string) => {
      if (line.startsWith('ready ')) {
        cycle.ready = true;
        return;
      }
      const ack = parseAck(line);
      if (ack === null) {
        cycle.junk.push(line);
        return;
      }
      cycle.acks.push(ack);
      if (plan.kind === 'acks' && cycle.acks.length >= plan.n) kill();
      if (plan.kind === 'ms' && cycle.acks.length === 1) setTimeout(kill, plan.ms);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      cycle.stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (buf !== '') cycle.junk.push(buf);
      cycle.code = code;
      cycle.signal = signal;
      resolve(cycle);
    });
  });
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, k) => from + k);

describe(`kill -9 crash/restart (SPEC Q-DUR-3, seed ${SEED})`, () => {
  let dir: string;
  let dbPath: string;
  let store: HallStore;
  /** A read-only connection for the checks' own SQL (the store keeps its handle to itself). */
  let db: Database.Database;
  const cycles: Cycle[] = [];
  /** Every acknowledgement of each command index, in the order they were received. */
  const acksOf = new Map<number, Ack[]>();
  let maxAcked = -1;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onewindow-crash-'));
    dbPath = join(dir, 'hall.db');
    const random = mulberry32(SEED);
    for (let c = 0; c < CYCLES; c++) {
      // Every other restart re-sends the last acknowledged command: a retry of a committed key.
      const start = c % 2 === 1 && maxAcked >= 0 ? maxAcked : maxAcked + 1;
      const plan: KillPlan =
        random() < 0.7
          ? { kind: 'acks', n: 5 + Math.floor(random() * 56) }
          : { kind: 'ms', ms: Math.floor(random() * 40) };
      const cycle = await runCycle(dbPath, start, plan);
      cycles.push(cycle);
      for (const a of cycle.acks) {
        const list = acksOf.get(a.index) ?? [];
        list.push(a);
        acksOf.set(a.index, list);
      }
      maxAcked = Math.max(maxAcked, cycle.acks.at(-1)?.index ?? -1);
    }
    store = new HallStore(dbPath);
    db = new Database(dbPath, { readonly: true });
  }, 120_000);

  afterAll(() => {
    db?.close();
    store?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** The last answer the worker gave for each index: what the client was finally told. */
  const finalAck = (i: number): Ack => acksOf.get(i)!.at(-1)!;
  const commandRecords = (): CommandRecord[] =>
    db
      .prepare(
        'SELECT idempotency_key AS key, type, at, first_seq AS firstSeq, last_seq AS lastSeq FROM commands ORDER BY first_seq',
      )
      .all() as CommandRecord[];

  it(`Q-DUR-3: the worker was killed by SIGKILL mid-stream in each of ${CYCLES} (≥ 20) restart cycles`, () => {
    expect(cycles.length).toBeGreaterThanOrEqual(20);
    let expectedStart = 0;
    let prevLast = -1;
    for (const [c, cy] of cycles.entries()) {
      const where = `cycle ${c} (start ${cy.start}, ${JSON.stringify(cy.plan)}): ${cy.stderr}`;
      expect(cy.signal, where).toBe('SIGKILL');
      expect(cy.code, where).toBeNull();
      expect(cy.guardFired, where).toBe(false);
      expect(cy.junk, where).toEqual([]);
      expect(cy.ready, where).toBe(true);
      // Killed mid-stream: it had acknowledged commands and was still running when killed.
      expect(cy.acks.length, where).toBeGreaterThanOrEqual(cy.plan.kind === 'acks' ? cy.plan.n : 1);
      // The restart schedule: odd cycles retry the last acknowledged command, even ones go on.
      expectedStart = c === 0 ? 0 : c % 2 === 1 ? prevLast : prevLast + 1;
      expect(cy.start, where).toBe(expectedStart);
      // Acks come one per command, in stream order, from the start index.
      expect(
        cy.acks.map((a) => a.index),
        where,
      ).toEqual(range(cy.start, cy.start + cy.acks.length - 1));
      prevLast = cy.acks.at(-1)!.index;
    }
    const total = cycles.reduce((n, cy) => n + cy.acks.length, 0);
    const retried = cycles.filter((_, c) => c % 2 === 1).length;
    // Every index 0..maxAcked was acknowledged; the only repeats are the retried ones.
    expect([...acksOf.keys()].sort((a, b) => a - b)).toEqual(range(0, maxAcked));
    expect(total).toBe(maxAcked + 1 + retried);
  });

  it('Q-DUR-3, Q-DUR-2: every acknowledged command is in the store as acknowledged; a retried key is answered from the record', () => {
    let replayedAcks = 0;
    for (const [i, acks] of acksOf) {
      const firstOk = acks.find((a) => a.ok);
      if (firstOk !== undefined) {
        // Once accepted, every later answer for the key is the same result, replayed.
        for (const a of acks.slice(acks.indexOf(firstOk) + 1)) {
          expect(a, `cmd-${i}`).toEqual({ ...firstOk, detail: 'replay' });
          replayedAcks++;
        }
      }
      const ack = finalAck(i);
      const rec = store.findCommand(keyOf(i));
      if (!ack.ok) {
        // A refused command is not recorded (Q-DUR-2).
        expect(rec, `cmd-${i} refused ${ack.detail}`).toBeUndefined();
        continue;
      }
      expect(rec, `acknowledged cmd-${i} is missing from the store`).toBeDefined();
      expect(rec!.type).toBe(commandFor(i).type);
      expect(rec!.at).toBe(timeOf(i));
      expect(rec!.lastSeq, `cmd-${i}`).toBe(ack.lastSeq);
      if (commandFor(i).type === 'ticket:issue') {
        expect(ack.ticketId, `cmd-${i}`).not.toBeNull();
        expect(store.ticketById(ack.ticketId!)?.id, `ticket of cmd-${i}`).toBe(ack.ticketId);
        const [issued] = store.events(rec!.firstSeq, rec!.lastSeq);
        expect(issued?.type === 'ticket:issued' && issued.ticket.id).toBe(ack.ticketId);
      } else expect(ack.ticketId).toBeNull();
    }
    // The retry cycles re-sent an already acknowledged, accepted command at least a few times.
    expect(replayedAcks).toBeGreaterThan(0);

    // The store holds no command the worker was not told about, except the one in flight at
    // the last kill (committed or not, it was never acknowledged).
    const setupKeys = ['configure', 'open-w1', 'open-w2', 'open-w3', 'open-w4'];
    const recorded = commandRecords().map((r) => r.key);
    const acceptedKeys = [...acksOf.keys()].filter((i) => finalAck(i).ok).map(keyOf);
    const extra = recorded.filter((k) => !setupKeys.includes(k) && !acceptedKeys.includes(k));
    expect(extra.length === 0 || (extra.length === 1 && extra[0] === keyOf(maxAcked + 1)), `${extra}`).toBe(
      true,
    );
    expect(recorded).toEqual(expect.arrayContaining(setupKeys));
  });

  it('Q-LOG-1, Q-DUR-1: the fact log is seq 1..N without a gap, and the command records split it exactly', () => {
    const seqs = (db.prepare('SELECT seq FROM events ORDER BY seq').all() as { seq: number }[]).map(
      (r) => r.seq,
    );
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs).toEqual(range(1, seqs.length));
    expect(store.lastSeq()).toBe(seqs.length);
    // Nothing half-applied: every fact belongs to exactly one committed command, and each
    // command's facts are the ones its type produces.
    const produces: Record<string, string> = {
      'hall:configure': 'hall:configured',
      'window:open': 'window:opened',
      'ticket:issue': 'ticket:issued',
      'ticket:call-next': 'ticket:called',
      'ticket:start': 'ticket:serving',
      'ticket:finish': 'ticket:finished',
    };
    let next = 1;
    for (const rec of commandRecords()) {
      expect(rec.firstSeq, rec.key).toBe(next);
      expect(rec.lastSeq, rec.key).toBeGreaterThanOrEqual(rec.firstSeq);
      const types = store.events(rec.firstSeq, rec.lastSeq).map((e) => e.type);
      expect(types.length, rec.key).toBe(rec.lastSeq - rec.firstSeq + 1);
      expect(types, rec.key).toContain(produces[rec.type]);
      next = rec.lastSeq + 1;
    }
    expect(next - 1).toBe(seqs.length);
  });

  it('Q-NUM-2: per category the day’s numbers are exactly 1..n, in the tickets table and in the ticket:issued facts', () => {
    const rows = db
      .prepare('SELECT id, business_day AS day, category_id AS categoryId, seq FROM tickets')
      .all() as { id: string; day: string; categoryId: string; seq: number }[];
    expect(new Set(rows.map((r) => r.day))).toEqual(new Set(['2026-11-26']));
    const issued = store
      .events()
      .filter((e): e is Extract<HallEvent, { type: 'ticket:issued' }> => e.type === 'ticket:issued');
    const byCategory = (items: { categoryId: string; seq: number }[]) => {
      const m = new Map<string, number[]>();
      for (const it of items) m.set(it.categoryId, [...(m.get(it.categoryId) ?? []), it.seq]);
      return m;
    };
    const fromTable = byCategory(rows);
    const fromLog = byCategory(issued.map((e) => e.ticket));
    expect([...fromTable.keys()].sort()).toEqual(['A', 'B', 'C']);
    const counters = store.loadSnapshot().counters;
    for (const [cat, seqs] of fromTable) {
      const sorted = [...seqs].sort((a, b) => a - b);
      expect(sorted, `category ${cat} in tickets`).toEqual(range(1, seqs.length));
      expect(
        [...fromLog.get(cat)!].sort((a, b) => a - b),
        `category ${cat} in the log`,
      ).toEqual(sorted);
      // Issued in order: the log's numbers rise by one in commit order.
      expect(fromLog.get(cat), `category ${cat} log order`).toEqual(sorted);
      expect(counters.find((c) => c.categoryId === cat)?.last).toBe(seqs.length);
    }
    expect(new Set(issued.map((e) => e.ticket.id))).toEqual(new Set(rows.map((r) => r.id)));
    // One ticket per recorded issue command: a retry never issued a second number.
    const issueCommands = commandRecords().filter((r) => r.type === 'ticket:issue');
    expect(rows.length).toBe(issueCommands.length);
    const ackedTickets = [...acksOf.keys()].map((i) => finalAck(i).ticketId).filter((t) => t !== null);
    expect(new Set(ackedTickets).size).toBe(ackedTickets.length);
  });

  it('Q-LOG-2: replaying the fact log gives exactly the state the projections hold', () => {
    const replayed = QueueEngine.fromEvents(store.iterateEvents()).snapshot();
    const loaded = QueueEngine.fromSnapshot(store.loadSnapshot()).snapshot();
    expect(replayed).toEqual(loaded);
    expect(replayed.seq).toBe(store.lastSeq());
    expect(replayed.tickets.length).toBeGreaterThan(0);
  });

  it('Q-NUM-2, Q-DUR-3: after the last kill, numbering continues at n + 1 in each category', () => {
    const before = new Map(store.loadSnapshot().counters.map((c) => [c.categoryId, c.last]));
    const service = new HallService(store, { now: () => timeOf(maxAcked + 10) });
    for (const cat of ['A', 'B', 'C']) {
      const r = service.execute({ type: 'ticket:issue', categoryId: cat, source: 'kiosk' });
      expect(r.ok).toBe(true);
      const ev = r.ok ? r.events[0] : undefined;
      expect(ev?.type === 'ticket:issued' && ev.ticket.seq).toBe(before.get(cat)! + 1);
    }
  });
});
