import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CaseRecord, isCaseFact } from '@onewindow/shared';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCaseFact } from '../../queue-server/src/domain/cases.ts';
import { QueueEngine } from '../../queue-server/src/domain/engine.ts';
import { mulberry32 } from '../../queue-server/src/domain/test-factory.ts';
import type { HallEvent } from '../../queue-server/src/domain/types.ts';
import { HallService } from '../../queue-server/src/service/hall.service.ts';
import { type CommandRecord, HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import { type Ack, CASE_STEP_OF, keyOf, parseAck, stepFor, timeOf } from './stream.ts';

/**
 * SPEC Q-DUR-3, UOW-1, UOW-2: a worker process applies a stream of units of work (queue
 * commands, kiosk tickets with forms and print jobs, slips that finish tickets and open cases,
 * case steps) through the hall's composition root; we kill it with SIGKILL at a random moment,
 * restart it, and repeat. Then the store must hold every acknowledged unit whole — the ticket
 * with its form and print job, the finish with its slip and case, the case step — nothing
 * half-applied, retries answered with the complete first result, and numbers without
 * duplicates or gaps. Reproducible: the kill schedule comes from CRASH_SEED (default below).
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
    store = new HallStore(dbPath, TEST_KEYS);
    db = new Database(dbPath, { readonly: true });
    // 24 worker starts (each loads tsx) took 155 s on the shared 2-core VM at load average 12.
  }, 300_000);

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
  /** The record of step i: kiosk and slip units scope their keys by sender (`…:cmd-i`). */
  const recordOf = (i: number): CommandRecord | undefined =>
    commandRecords().find((r) => r.key === keyOf(i) || r.key.endsWith(`:${keyOf(i)}`));
  /** The unit type step i commits under. */
  const unitTypeOf = (i: number): string => {
    const step = stepFor(i);
    switch (step.kind) {
      case 'queue':
        return step.cmd.type;
      case 'kiosk':
        return 'ticket:issue';
      case 'slip':
        return 'slip:issue';
      case 'case':
        return step.name;
    }
  };
  const factsOf = (rec: CommandRecord) => store.events(rec.firstSeq, rec.lastSeq);
  const acked = (pred: (i: number) => boolean) =>
    [...acksOf.keys()].filter((i) => pred(i) && finalAck(i).ok).sort((a, b) => a - b);

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
    // The stream exercised every kind of unit, accepted.
    const kinds = new Set(acked(() => true).map((i) => stepFor(i).kind));
    expect([...kinds].sort()).toEqual(['case', 'kiosk', 'queue', 'slip']);
  });

  it('Q-DUR-3, Q-DUR-2, UOW-2: every acknowledged unit is in the store as acknowledged; a retried key answers the complete first result', () => {
    let replayedAcks = 0;
    for (const [i, acks] of acksOf) {
      const firstOk = acks.find((a) => a.ok);
      if (firstOk !== undefined) {
        // Once accepted, every later answer for the key is the same result, replayed: the same
        // ticket, form, print job, slip and case, not a bare success.
        for (const a of acks.slice(acks.indexOf(firstOk) + 1)) {
          expect(a, `cmd-${i}`).toEqual({ ...firstOk, detail: 'replay' });
          replayedAcks++;
        }
      }
      const ack = finalAck(i);
      const rec = recordOf(i);
      if (!ack.ok) {
        // A refused unit is not recorded (Q-DUR-2).
        expect(rec, `cmd-${i} refused ${ack.detail}`).toBeUndefined();
        continue;
      }
      expect(rec, `acknowledged cmd-${i} is missing from the store`).toBeDefined();
      expect(rec!.type, `cmd-${i}`).toBe(unitTypeOf(i));
      expect(rec!.at).toBe(timeOf(i));
      expect(rec!.lastSeq, `cmd-${i}`).toBe(ack.lastSeq);
      const step = stepFor(i);
      if (step.kind === 'kiosk' || (step.kind === 'queue' && step.cmd.type === 'ticket:issue')) {
        expect(ack.ticketId, `cmd-${i}`).not.toBeNull();
        expect(store.ticketById(ack.ticketId!)?.id, `ticket of cmd-${i}`).toBe(ack.ticketId);
        const [issued] = factsOf(rec!);
        expect(issued?.type === 'ticket:issued' && issued.ticket.id).toBe(ack.ticketId);
      }
    }
    // The retry cycles re-sent an already acknowledged, accepted command at least a few times.
    expect(replayedAcks).toBeGreaterThan(0);

    // The store holds no unit the worker was not told about, except the one in flight at the
    // last kill (committed or not, it was never acknowledged).
    const setupKeys = ['configure', 'open-w1', 'open-w2', 'open-w3', 'open-w4'];
    const recorded = commandRecords().map((r) => r.key);
    const acceptedIndexes = new Set(acked(() => true));
    // `prep:` units: the worker waives a case's missing materials before its review starts
    // (MAT-FILE-2); they are not steps of the stream and have no acknowledgement of their own.
    const extra = recorded.filter(
      (k) =>
        !setupKeys.includes(k) &&
        !k.startsWith('prep:') &&
        !acceptedIndexes.has(Number(/cmd-(\d+)$/.exec(k)?.[1] ?? -1)),
    );
    expect(
      extra.length === 0 || (extra.length === 1 && extra[0]!.endsWith(keyOf(maxAcked + 1))),
      `${extra}`,
    ).toBe(true);
    expect(recorded).toEqual(expect.arrayContaining(setupKeys));
  });

  it('UOW-1: every acknowledged kiosk ticket has its form and its print job, from the same unit', () => {
    const kioskAcks = acked((i) => stepFor(i).kind === 'kiosk');
    expect(kioskAcks.length).toBeGreaterThan(20);
    let forms = 0;
    for (const i of kioskAcks) {
      const ack = finalAck(i);
      const step = stepFor(i);
      const rec = recordOf(i)!;
      const facts = factsOf(rec);
      // The print job, queued for the kiosk in the unit, carries this ticket.
      const job = store.devices.job(ack.extra.job!);
      expect(job?.job.document, `print job of cmd-${i}`).toMatchObject({
        type: 'queue-ticket',
        data: { ticketId: ack.ticketId },
      });
      if (step.kind === 'kiosk' && step.form !== undefined) {
        forms++;
        const apps = store.applications.byTicket(ack.ticketId!);
        expect(
          apps.map((a) => a.code),
          `form of cmd-${i}`,
        ).toEqual([ack.extra.app]);
        expect(apps[0]!.values).toEqual(step.form);
        expect(facts.map((f) => f.type)).toEqual(['ticket:issued', 'application:submitted']);
        // The printed ticket carries the form's code (and its answers masked).
        expect(job?.job.document).toMatchObject({ data: { application: { code: ack.extra.app } } });
      } else {
        expect(store.applications.byTicket(ack.ticketId!)).toEqual([]);
        expect(facts.map((f) => f.type)).toEqual(['ticket:issued']);
      }
    }
    expect(forms).toBeGreaterThan(10);
  });

  it('UOW-1: every acknowledged slip finished its ticket, is kept with its fact and print job, and every acceptance opened its case', () => {
    const slipAcks = acked((i) => stepFor(i).kind === 'slip');
    expect(slipAcks.length).toBeGreaterThan(4);
    let acceptances = 0;
    for (const i of slipAcks) {
      const ack = finalAck(i);
      const step = stepFor(i) as Extract<ReturnType<typeof stepFor>, { kind: 'slip' }>;
      const facts = factsOf(recordOf(i)!).map((f) => f.type);
      const slip = store.slips.byNumber(ack.extra.slip!);
      expect(slip?.ticketId, `slip of cmd-${i}`).toBe(ack.ticketId);
      expect(store.ticketById(ack.ticketId!)).toMatchObject({
        status: 'done',
        outcome: step.acceptance ? 'accepted' : 'completed',
      });
      expect(store.devices.job(ack.extra.job!)?.job.document.data).toMatchObject({
        documentNumber: ack.extra.slip,
      });
      if (step.acceptance) {
        acceptances++;
        expect(ack.extra.case).toBe(ack.extra.slip);
        expect(store.cases.byId(ack.extra.case!)?.ticketId).toBe(ack.ticketId);
        expect(facts).toEqual(['ticket:finished', 'case:accepted', 'slip:issued']);
      } else {
        // MAT-INSTANT-1: the completion of an item whose guide lists materials opens its instant file.
        expect(ack.extra.case).toBe(ack.extra.slip);
        expect(store.cases.byId(ack.extra.case!)).toMatchObject({ instant: true, status: 'handed-back' });
        expect(facts).toEqual(['ticket:finished', 'case:accepted', 'slip:issued']);
      }
    }
    expect(acceptances).toBeGreaterThan(2);
  });

  it('UOW-1, CASE-5: every acknowledged case step is in its case; the case table is the fold of the case facts', () => {
    const steps = acked((i) => stepFor(i).kind === 'case');
    expect(steps.length).toBeGreaterThan(4);
    for (const i of steps) {
      const ack = finalAck(i);
      const rec = recordOf(i)!;
      const step = stepFor(i) as Extract<ReturnType<typeof stepFor>, { kind: 'case' }>;
      const history = store.cases.byId(ack.extra.case!)!.history;
      expect(
        history.some(
          (h) => h.step === CASE_STEP_OF[step.name]!.fact && h.seq >= rec.firstSeq && h.seq <= rec.lastSeq,
        ),
        `step of cmd-${i}`,
      ).toBe(true);
    }
    let folded = new Map<string, CaseRecord>();
    for (const ev of store.iterateEvents())
      if (isCaseFact(ev)) folded = folded.set(ev.caseId, applyCaseFact(folded.get(ev.caseId), ev));
    const live = store.cases.list();
    expect(live.length).toBeGreaterThan(2);
    expect(new Map(live.map((c) => [c.id, c]))).toEqual(folded);
    // Cases moved on: at least one reached the rights window.
    expect(live.some((c) => ['approved', 'ready', 'handed-back'].includes(c.status))).toBe(true);
  });

  it('UOW-1: nothing half-applied: every form, slip and print job belongs to a committed unit and its facts', () => {
    const facts = [...store.iterateEvents()];
    const appFacts = new Set(
      facts
        .filter((f) => f.type === 'application:submitted')
        .map((f) => (f as { applicationId: string }).applicationId),
    );
    const apps = db.prepare('SELECT id, ticket_id AS ticketId FROM applications').all() as {
      id: string;
      ticketId: string;
    }[];
    expect(apps.length).toBeGreaterThan(10);
    for (const a of apps) {
      expect(appFacts.has(a.id), `application ${a.id} has its fact`).toBe(true);
      expect(store.ticketById(a.ticketId), `application ${a.id} has its ticket`).toBeDefined();
    }
    expect(appFacts.size).toBe(apps.length);
    const slipFacts = new Set(
      facts.filter((f) => f.type === 'slip:issued').map((f) => (f as { number: string }).number),
    );
    const slips = db.prepare('SELECT number, ticket_id AS ticketId FROM slips').all() as {
      number: string;
      ticketId: string;
    }[];
    for (const sl of slips) {
      expect(slipFacts.has(sl.number), `slip ${sl.number} has its fact`).toBe(true);
      expect(store.ticketById(sl.ticketId)?.status, `slip ${sl.number} finished its ticket`).toBe('done');
    }
    expect(slipFacts.size).toBe(slips.length);
    // Print jobs are sealed at rest (SEC-ENC-1): read through the store with the hall's keys.
    const jobs = db.prepare('SELECT id, body FROM print_jobs').all() as { id: string; body: string }[];
    for (const { id, body } of jobs) {
      expect(body).toMatch(/^sm4:v1:/);
      const doc = (
        store.devices.job(id)!.job as unknown as { document: { type: string; data: Record<string, string> } }
      ).document;
      if (doc.type === 'queue-ticket') expect(store.ticketById(doc.data.ticketId!), body).toBeDefined();
      else expect(store.slips.byNumber(doc.data.documentNumber!), body).toBeDefined();
    }
    // Every finished ticket in this stream was finished by its slip: none without one.
    const done = db.prepare("SELECT id FROM tickets WHERE status = 'done'").all() as { id: string }[];
    for (const t of done) expect(store.slips.byTicket(t.id), `slip of ${t.id}`).toBeDefined();
  });

  it('Q-LOG-1, Q-DUR-1: the fact log is seq 1..N without a gap, and the command records split it exactly', () => {
    const seqs = (db.prepare('SELECT seq FROM events ORDER BY seq').all() as { seq: number }[]).map(
      (r) => r.seq,
    );
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs).toEqual(range(1, seqs.length));
    expect(store.lastSeq()).toBe(seqs.length);
    // Nothing half-applied: every fact belongs to exactly one committed unit, and each unit's
    // facts include the one its type produces.
    const produces: Record<string, string> = {
      'hall:configure': 'hall:configured',
      'window:open': 'window:opened',
      'ticket:issue': 'ticket:issued',
      'ticket:call-next': 'ticket:called',
      'ticket:start': 'ticket:serving',
      'ticket:finish': 'ticket:finished',
      'slip:issue': 'slip:issued',
      'case:start-review': 'case:review-started',
      'case:approve': 'case:reviewed',
      'case:recheck': 'case:rechecked',
      'case:ready': 'case:ready',
      'case:hand-back': 'case:handed-back',
      'case:waive-material': 'case:material-waived',
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
    // One ticket per recorded issue unit: a retry never issued a second number.
    const issueUnits = commandRecords().filter((r) => r.type === 'ticket:issue');
    expect(rows.length).toBe(issueUnits.length);
    const ackedTickets = [...acksOf.keys()]
      .filter((i) => {
        const st = stepFor(i);
        return st.kind === 'kiosk' || (st.kind === 'queue' && st.cmd.type === 'ticket:issue');
      })
      .map((i) => finalAck(i).ticketId)
      .filter((t) => t !== null);
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
