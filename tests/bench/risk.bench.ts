/**
 * The risk suite of `npm run bench` (issue #16): what the risk monitor adds to a command.
 *
 * Two halls in this process, each on its own SQLite file (WAL, synchronous=FULL, as a hall
 * runs), built by the same composition root, run the same day of commands (tickets with holder
 * references issued, called, started and finished, some refused, a guide's cancels): one with
 * the full starting rule set published, one with no rules (the floor: the commit itself, with
 * the monitor's empty fold). They take turns in rounds, so load on the shared machine hits both.
 *
 * 1. Per command, median of rounds: with rules / without rules. Goal ≤ 1.10 (the 10 %).
 * 2. The evaluation alone: a replay of the hall's log through the pure monitor with the full rule
 *    set, per fact, against the commit time per fact of the no-rules hall. Goal ≤ 0.10.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RISK_RULES } from '@onewindow/shared';
import pino from 'pino';
import { composeHall, type Hall } from '../../queue-server/src/compose.ts';
import { replayRisk } from '../../queue-server/src/domain/risk.ts';
import { hallConfig, T0 } from '../../queue-server/src/domain/test-factory.ts';
import type { Command } from '../../queue-server/src/domain/types.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import { type BenchRow, median, progress, round, rowAtMost } from './report.ts';

const TICKETS_PER_ROUND = Number(process.env.RISK_BENCH_TICKETS ?? 150);
const ROUNDS = Number(process.env.RISK_BENCH_ROUNDS ?? 5);

interface Bench {
  h: Hall;
  store: HallStore;
  dir: string;
  now: number;
  n: number;
}

function open(withRules: boolean): Bench {
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-risk-bench-'));
  const store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
  const b: Bench = { h: undefined as unknown as Hall, store, dir, now: T0, n: 0 };
  b.h = composeHall({ store, logger: pino({ level: 'silent' }), clock: { now: () => b.now } });
  ok(b, { type: 'hall:configure', config: hallConfig(), by: 'admin' });
  for (const [w, clerk] of [
    ['w1', 'clerk-a'],
    ['w2', 'clerk-b'],
  ] as const)
    ok(b, { type: 'window:open', windowId: w, clerkId: clerk });
  if (withRules) {
    b.h.risk.seed();
    b.h.risk.publishRules(structuredClone([...DEFAULT_RISK_RULES]), 'admin');
  }
  return b;
}

function ok(b: Bench, cmd: Command) {
  const r = b.h.hall.execute(cmd);
  if (!r.ok) throw new Error(`${cmd.type}: ${r.error.message}`);
  return r.events;
}

/** One round of a hall's day: returns ms per command. */
function round_(b: Bench): { ms: number; commands: number } {
  let commands = 0;
  const t0 = performance.now();
  for (let i = 0; i < TICKETS_PER_ROUND; i++) {
    b.now += 20_000;
    b.n++;
    // Some citizens come back: the holder-frequency rule has work to do.
    const ref = `h-${b.n % 97 === 0 ? 'regular' : b.n}`;
    const issued = ok(b, {
      type: 'ticket:issue',
      categoryId: 'A',
      source: 'kiosk',
      holder: { masked: '110***********001X', senior: false, ref },
    });
    commands++;
    if (b.n % 25 === 0) {
      const t = issued[0]!;
      if (t.type === 'ticket:issued')
        ok(b, { type: 'ticket:cancel', ticketId: t.ticket.id, by: `guide-${b.n}`, reason: '群众离开' });
      commands++;
      continue;
    }
    const w = b.n % 2 === 0 ? 'w1' : 'w2';
    ok(b, { type: 'ticket:call-next', windowId: w });
    ok(b, { type: 'ticket:start', windowId: w });
    ok(b, { type: 'ticket:finish', windowId: w, outcome: b.n % 9 === 0 ? 'rejected' : 'completed' });
    commands += 3;
  }
  return { ms: performance.now() - t0, commands };
}

export async function riskBench(): Promise<BenchRow[]> {
  progress('risk: two halls, with and without the starting rule set …');
  const withRules = open(true);
  const bare = open(false);
  const perWith: number[] = [];
  const perBare: number[] = [];
  let bareMs = 0;
  let bareFacts = 0;
  try {
    // Warm-up round each, not measured.
    round_(withRules);
    round_(bare);
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? [withRules, bare] : [bare, withRules];
      for (const b of order) {
        const before = b.store.lastSeq();
        const x = round_(b);
        (b === withRules ? perWith : perBare).push(x.ms / x.commands);
        if (b === bare) {
          bareMs += x.ms;
          bareFacts += b.store.lastSeq() - before;
        }
      }
    }
    // The evaluation alone: the whole log of the rules hall through the pure monitor.
    const log = withRules.store.events();
    const ctx = withRules.h.risk.ctx;
    const evalRuns: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      replayRisk(log, ctx);
      evalRuns.push((performance.now() - t0) / log.length);
    }
    const evalPerFact = median(evalRuns);
    const commitPerFact = bareMs / bareFacts;
    const alerts = withRules.h.risk.alerts().counts.total;
    progress(`risk: ${log.length} facts, ${alerts} alerts raised in the rules hall`);
    return [
      rowAtMost(
        'risk: command with the full rule set / without rules (ms per command)',
        round(median(perWith)),
        round(median(perBare)),
        'ms',
        1.1,
      ),
      rowAtMost(
        'risk: rule evaluation per fact / commit per fact (µs)',
        round(evalPerFact * 1000),
        round(commitPerFact * 1000),
        'µs',
        0.1,
      ),
    ];
  } finally {
    for (const b of [withRules, bare]) {
      b.store.close();
      rmSync(b.dir, { recursive: true, force: true });
    }
  }
}
