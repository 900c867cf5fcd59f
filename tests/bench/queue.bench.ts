/**
 * The queue suite of `npm run bench` (SPEC Q-ORD-6, Q-DUR-1):
 *
 * 1. Engine scaling: the per-op time of `ticket:issue` and `ticket:call-next` with 1k, 10k and
 *    100k tickets waiting over 20 categories. Rows: the 100k time against the 1k time.
 * 2. Durable issue throughput: HallService + HallStore on a temp SQLite file, one command and
 *    one transaction per ticket, against a raw better-sqlite3 insert loop with the same pragmas.
 *
 * See docs/BENCHMARKS.md for what the figures mean.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hrtime } from 'node:process';
import { fileURLToPath } from 'node:url';
import type {
  PriorityClass,
  QueueCategory,
  QueuePolicy,
  WindowDefinition,
  WindowPost,
} from '@onewindow/shared';
import Database from 'better-sqlite3';
import { businessDayOf } from '../../queue-server/src/domain/clock.ts';
import { QueueEngine } from '../../queue-server/src/domain/engine.ts';
import { DEFAULT_SETTINGS } from '../../queue-server/src/domain/settings.ts';
import { idBornOn, mulberry32 } from '../../queue-server/src/domain/test-factory.ts';
import type { Command, HallConfig } from '../../queue-server/src/domain/types.ts';
import { HallService } from '../../queue-server/src/service/hall.service.ts';
import { applyDurablePragmas, HallStore } from '../../queue-server/src/store/hall.store.ts';
import { initHall } from '../../queue-server/src/store/integrity.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import {
  type BenchRow,
  median,
  printTable,
  progress,
  quantile,
  round,
  rowAtLeast,
  rowAtMost,
} from './report.ts';

// ---- parameters ---------------------------------------------------------------------------

/** 2026-11-26 09:00 in Beijing (01:00 UTC), a Thursday. */
const T0 = Date.UTC(2026, 10, 26, 1, 0, 0);
/**
 * Engine clock step per command. 1 s would be the natural choice, but the 100k run executes
 * about 110k commands, which at 1 s each would cross into the next business day (numbering
 * would restart mid-run). 250 ms keeps the whole run inside 09:00–17:00 of one day.
 */
const ENGINE_STEP_MS = 250;
/** Service clock step per command (2 000 commands per round fit easily in one day). */
const SERVICE_STEP_MS = 1000;

const SIZES = [1_000, 10_000, 100_000] as const;
/** Untimed cycles per size before any measurement. */
const WARMUP_CYCLES = 1_000;
/** Timed cycles per size (one call-next and one issue each), in interleaved blocks. */
const TIMED_CYCLES = 2_000;
const BLOCK_CYCLES = 250;
/** Untimed cycles each time the bench switches to another size (its data is cold in cache). */
const BLOCK_WARMUP_CYCLES = 20;

const DURABLE_COMMANDS = 2_000;
const DURABLE_WARMUP_COMMANDS = 200;
const DURABLE_ROUNDS = 3;

const SCALING_TARGET = 3;
/** Issue #14: the tail guard may add at most 10 % to call-next against the default policy. */
const TAIL_GUARD_TARGET = 1.1;
const THROUGHPUT_TARGET = 0.5;

// ---- the hall -----------------------------------------------------------------------------

const LETTERS = 'ABCDEFGHIJKLMNOPQRST'.split('');

const CATEGORIES: QueueCategory[] = LETTERS.map((l, i) => ({
  id: l,
  prefix: l,
  name: `业务${i + 1}`,
  nameEn: `Category ${l}`,
}));

/** 20 windows, each serving 2–3 categories; every category is served by 2–3 windows. */
const WINDOWS: WindowDefinition[] = LETTERS.map((_, i) => {
  const cats = [LETTERS[i]!, LETTERS[(i + 1) % 20]!];
  if (i % 2 === 0) cats.push(LETTERS[(i + 10) % 20]!);
  const post: WindowPost = i < 14 ? 'comprehensive' : i < 17 ? 'rights' : 'bulk';
  return { id: `w${i + 1}`, number: i + 1, post, categoryIds: cats };
});

function benchConfig(policy: QueuePolicy = DEFAULT_SETTINGS.policy): HallConfig {
  return {
    settings: { ...structuredClone(DEFAULT_SETTINGS), hallName: 'bench hall', numberDigits: 6, policy },
    categories: structuredClone(CATEGORIES),
    windows: structuredClone(WINDOWS),
  };
}

type IssueCommand = Extract<Command, { type: 'ticket:issue' }>;

/**
 * Kiosk-like issue commands: ~70 % anonymous regular, ~12 % regular with a resident ID,
 * ~12 % seniors proven by their ID (born 1940–1965), ~6 % staff-decided classes
 * (appointment, military, disability) issued by a guide with a reason.
 */
function ticketMix(seed: number): (categoryId?: string) => IssueCommand {
  const rnd = mulberry32(seed);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const ids = (fromYear: number, span: number) =>
    Array.from({ length: 64 }, (_, i) =>
      idBornOn(
        `${fromYear + (i % span)}${pad(1 + (i % 12), 2)}${pad(1 + ((i * 7) % 28), 2)}`,
        pad(100 + i, 3),
      ),
    );
  const adults = ids(1970, 30);
  const seniors = ids(1940, 26);
  const staff: PriorityClass[] = ['appointment', 'military', 'disability'];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  return (categoryId) => {
    const cat = categoryId ?? pick(LETTERS);
    const r = rnd();
    if (r < 0.7) return { type: 'ticket:issue', categoryId: cat, source: 'kiosk' };
    if (r < 0.82) return { type: 'ticket:issue', categoryId: cat, source: 'kiosk', idNumber: pick(adults) };
    if (r < 0.94) return { type: 'ticket:issue', categoryId: cat, source: 'kiosk', idNumber: pick(seniors) };
    return {
      type: 'ticket:issue',
      categoryId: cat,
      source: 'guide',
      priorityClass: pick(staff),
      by: 'guide-1',
      reason: 'bench',
    };
  };
}

// ---- engine scaling -----------------------------------------------------------------------

function elapsedUs(t0: bigint, t1: bigint): number {
  return Number(t1 - t0) / 1000;
}

/**
 * An engine filled to `size` waiting tickets, with a cycle that keeps it there:
 *   call-next at the next window (timed) → start → finish → issue one ticket into the category
 *   of the ticket just called (timed).
 * Each category's waiting count is therefore exactly constant while it is measured.
 */
class ScalingHall {
  readonly engine = new QueueEngine();
  readonly issueUs: number[] = [];
  readonly callUs: number[] = [];
  private readonly mix: (categoryId?: string) => IssueCommand;
  private readonly day: string;
  private now = T0;
  private turn = 0;

  constructor(
    readonly size: number,
    policy?: QueuePolicy,
  ) {
    this.mix = ticketMix(size);
    this.day = businessDayOf(this.now, DEFAULT_SETTINGS.utcOffsetMinutes);
    this.must({ type: 'hall:configure', config: benchConfig(policy), by: 'bench' });
    for (const w of WINDOWS) this.must({ type: 'window:open', windowId: w.id, clerkId: `clerk-${w.id}` });
    for (let i = 0; i < size; i++) this.must(this.mix());
    this.check();
  }

  /** Runs `n` cycles; records their times when `timed`. */
  cycles(n: number, timed: boolean): void {
    const engine = this.engine;
    for (let k = 0; k < n; k++) {
      const windowId = WINDOWS[this.turn++ % WINDOWS.length]!.id;
      const call: Command = { type: 'ticket:call-next', windowId };
      const c0 = hrtime.bigint();
      const called = engine.execute(call, this.now);
      const c1 = hrtime.bigint();
      this.now += ENGINE_STEP_MS;
      if (!called.ok) throw new Error(`call-next refused: ${called.error.code} ${called.error.message}`);
      const ev = called.events.find((e) => e.type === 'ticket:called');
      if (ev?.type !== 'ticket:called') throw new Error('call-next called nobody');
      const categoryId = engine.ticket(ev.ticketId)!.categoryId;
      this.must({ type: 'ticket:start', windowId });
      this.must({ type: 'ticket:finish', windowId, outcome: 'completed' });

      const issue = this.mix(categoryId);
      const i0 = hrtime.bigint();
      const issued = engine.execute(issue, this.now);
      const i1 = hrtime.bigint();
      this.now += ENGINE_STEP_MS;
      if (!issued.ok) throw new Error(`issue refused: ${issued.error.code} ${issued.error.message}`);
      if (timed) {
        this.callUs.push(elapsedUs(c0, c1));
        this.issueUs.push(elapsedUs(i0, i1));
      }
    }
  }

  check(): void {
    const waiting = this.engine.waitingCount();
    if (waiting !== this.size) throw new Error(`${waiting} tickets wait, expected ${this.size}`);
    if (businessDayOf(this.now, DEFAULT_SETTINGS.utcOffsetMinutes) !== this.day)
      throw new Error('the engine run crossed into the next business day; lower ENGINE_STEP_MS');
  }

  private must(cmd: Command): void {
    const r = this.engine.execute(cmd, this.now);
    this.now += ENGINE_STEP_MS;
    if (!r.ok) throw new Error(`${cmd.type} refused: ${r.error.code} ${r.error.message}`);
  }
}

function describe(us: number[]): string {
  return `median ${round(median(us))} µs, p90 ${round(quantile(us, 0.9))} µs, p99 ${round(quantile(us, 0.99))} µs`;
}

function engineRows(): BenchRow[] {
  const t0 = performance.now();
  // The tail guard (Q-ORD-7) at the largest size, measured in the same blocks as the default.
  const tailGuard = new ScalingHall(SIZES[SIZES.length - 1]!, {
    kind: 'tail-guard',
    sharePercent: 50,
    maxBonusSeconds: 1800,
  });
  const halls = [...SIZES.map((size) => new ScalingHall(size)), tailGuard];
  progress(`  filled halls of ${SIZES.join(', ')} waiting in ${Math.round(performance.now() - t0)} ms`);
  // Warm-up on every size, then the timed cycles in interleaved blocks: every size is measured
  // with the same JIT state and under the same background noise, not one after the other.
  for (const h of halls) h.cycles(WARMUP_CYCLES, false);
  const blocks = TIMED_CYCLES / BLOCK_CYCLES;
  for (let b = 0; b < blocks; b++)
    for (const h of halls) {
      h.cycles(BLOCK_WARMUP_CYCLES, false);
      h.cycles(BLOCK_CYCLES, true);
    }
  for (const h of halls) {
    h.check();
    progress(
      `  engine @${h.size} waiting${h === tailGuard ? ' (tail-guard)' : ''}\n    issue     ${describe(h.issueUs)}\n    call-next ${describe(h.callUs)}`,
    );
  }
  const small = halls[0]!;
  const big = halls[SIZES.length - 1]!;
  return [
    rowAtMost(
      'engine call-next @100k waiting (floor: @1k)',
      median(big.callUs),
      median(small.callUs),
      'µs/op',
      SCALING_TARGET,
    ),
    rowAtMost(
      'engine call-next @100k tail-guard (floor: default policy)',
      median(tailGuard.callUs),
      median(big.callUs),
      'µs/op',
      TAIL_GUARD_TARGET,
    ),
    rowAtMost(
      'engine issue @100k waiting (floor: @1k)',
      median(big.issueUs),
      median(small.issueUs),
      'µs/op',
      SCALING_TARGET,
    ),
  ];
}

// ---- durable issue throughput -------------------------------------------------------------

/**
 * Ours: each ticket is one HallService command with a kiosk's idempotency key, one transaction,
 * on a store made as `init` makes it: with the high-water mark beside it (SPEC INT-2), whose
 * fsynced write every acknowledged unit pays in a hall.
 */
function durableOurs(path: string, count: number, seed: number): number {
  const store = initHall(path, (p) => new HallStore(p, TEST_KEYS));
  try {
    let t = T0;
    const service = new HallService(store, {
      now: () => {
        const at = t;
        t += SERVICE_STEP_MS;
        return at;
      },
    });
    const configured = service.execute({ type: 'hall:configure', config: benchConfig(), by: 'bench' });
    if (!configured.ok) throw new Error(`configure refused: ${configured.error.message}`);
    const mix = ticketMix(seed);
    const commands = Array.from({ length: count }, () => ({ cmd: mix(), key: randomUUID() }));
    const t0 = hrtime.bigint();
    for (const { cmd, key } of commands) {
      const r = service.execute(cmd, { idempotencyKey: key });
      if (!r.ok || r.replayed) throw new Error(`issue failed: ${r.ok ? 'replayed' : r.error.message}`);
    }
    const seconds = Number(hrtime.bigint() - t0) / 1e9;
    return count / seconds;
  } finally {
    store.close();
  }
}

/** A ticket-shaped JSON row of about 300 bytes for the raw floor. */
function rawBody(i: number): string {
  return JSON.stringify({
    id: `20261126-A${String(i).padStart(6, '0')}`,
    number: `A${String(i).padStart(6, '0')}`,
    categoryId: 'A',
    businessDay: '2026-11-26',
    seq: i,
    source: 'kiosk',
    status: 'waiting',
    priorityClass: 'regular',
    holder: { masked: '110***********1234', birthDate: '1985-03-07', ref: null },
    arrivedAt: T0 + i * 1000,
    orderKey: T0 + i * 1000,
    tieBreak: i,
    windowId: null,
    callCount: 0,
  });
}

/** Floor: one INSERT of a ~300-byte JSON row per autocommit transaction, same pragmas. */
function durableRaw(path: string, count: number): number {
  const db = new Database(path);
  try {
    applyDurablePragmas(db);
    db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT');
    const insert = db.prepare('INSERT INTO rows (id, body) VALUES (?, ?)');
    const t0 = hrtime.bigint();
    for (let i = 1; i <= count; i++) insert.run(i, rawBody(i));
    const seconds = Number(hrtime.bigint() - t0) / 1e9;
    return count / seconds;
  } finally {
    db.close();
  }
}

function durableRows(): BenchRow[] {
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-bench-'));
  try {
    progress(`  durable: temp dir ${dir}, raw row ${Buffer.byteLength(rawBody(1))} bytes`);
    durableRaw(join(dir, 'warm-raw.db'), DURABLE_WARMUP_COMMANDS);
    durableOurs(join(dir, 'warm-ours.db'), DURABLE_WARMUP_COMMANDS, 7);
    const raw: number[] = [];
    const ours: number[] = [];
    for (let r = 0; r < DURABLE_ROUNDS; r++) {
      // Alternate, so disk noise (other writers, writeback) hits both sides alike.
      raw.push(durableRaw(join(dir, `raw-${r}.db`), DURABLE_COMMANDS));
      ours.push(durableOurs(join(dir, `ours-${r}.db`), DURABLE_COMMANDS, 1000 + r));
      progress(`    round ${r + 1}: raw ${Math.round(raw[r]!)} ops/s, ours ${Math.round(ours[r]!)} ops/s`);
    }
    const oursDb = join(dir, 'ours-0.db');
    progress(
      `    file sizes after close: ours-0.db ${Math.round(statSync(oursDb).size / 1024)} KiB, raw-0.db ${Math.round(statSync(join(dir, 'raw-0.db')).size / 1024)} KiB`,
    );
    return [
      rowAtLeast(
        'durable issue, HallService+SQLite (floor: raw insert)',
        median(ours),
        median(raw),
        'ops/s',
        THROUGHPUT_TARGET,
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- suite --------------------------------------------------------------------------------

export async function queueBench(): Promise<BenchRow[]> {
  progress('queue suite: engine scaling');
  const rows = engineRows();
  progress('queue suite: durable issue throughput');
  rows.push(...durableRows());
  return rows;
}

// `npx tsx tests/bench/queue.bench.ts` runs this suite alone (the engine rows after an engine change).
if (process.argv[1] === fileURLToPath(import.meta.url))
  queueBench().then(printTable, (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
