/**
 * The simulator suite of `npm run bench` (issue #14, docs/SIMULATION.md): on seven seeded
 * 800-visitor days, whether the tail guard meets both order goals on every seed, and the
 * estimate's errors under the default policy. Rows report the worst seed, so a pass means all.
 */
import { compare, HISTORY_DAYS_PLAYED, historyFor, SIM_SEEDS } from '../sim/compare.ts';
import { playDay } from '../sim/hall-day.ts';
import { oracleRows, summarizeOracle } from '../sim/oracle.ts';
import { DEFAULT_POLICY_NAME, SIM_POLICIES } from '../sim/policies.ts';
import { estimateStats } from '../sim/stats.ts';
import { type BenchRow, progress, rowAtLeast, rowAtMost } from './report.ts';

export async function simBench(): Promise<BenchRow[]> {
  const policies = SIM_POLICIES.filter(
    (p) =>
      p.name === 'fifo' ||
      p.name.startsWith('tail-guard') ||
      p.name === 'virtual-arrival 900s' ||
      p.name === DEFAULT_POLICY_NAME,
  );
  const days = compare(SIM_SEEDS, policies);
  const met = (name: string) => days.filter((d) => d.policy === name && d.meetsGoals).length;
  const tg = policies.find((p) => p.name.startsWith('tail-guard'))!;
  for (const p of policies)
    progress(`  sim ${p.name}: both goals on ${met(p.name)} of ${SIM_SEEDS.length} seeds`);
  const va = SIM_POLICIES.find((p) => p.name === DEFAULT_POLICY_NAME)!;
  const est = SIM_SEEDS.map((seed) =>
    estimateStats(
      playDay({ seed, dayIndex: HISTORY_DAYS_PLAYED, settings: va.settings, history: historyFor(va, seed) })
        .tickets,
    ),
  );
  // The floor of the estimate's error: the median of many futures drawn from the moment of issue
  // (tests/sim/oracle.ts). 20 tickets × 11 branches a seed keeps the suite to a few minutes.
  const oracle = SIM_SEEDS.map((seed) =>
    summarizeOracle(
      oracleRows(
        { seed, dayIndex: HISTORY_DAYS_PLAYED, settings: va.settings, history: historyFor(va, seed) },
        20,
        11,
      ),
      11,
    ),
  );
  for (const [i, o] of oracle.entries())
    progress(
      `  sim seed ${SIM_SEEDS[i]}: median |error| printed ${o.printedMedianAbs.toFixed(1)} min, oracle ${o.oracleMedianAbs.toFixed(1)} min`,
    );
  const worst = (f: (e: (typeof est)[number]) => number) => Math.max(...est.map(f));
  return [
    rowAtLeast(
      `sim seeds meeting both goals, ${tg.name} (floor: all seeds)`,
      met(tg.name),
      SIM_SEEDS.length,
      'seeds',
      1,
    ),
    rowAtLeast(
      `sim seeds meeting both goals, ${va.name} (floor: all seeds)`,
      met(va.name),
      SIM_SEEDS.length,
      'seeds',
      1,
    ),
    rowAtLeast(
      'sim seeds meeting both goals, virtual-arrival 900s, the default before #14 (floor: all seeds)',
      met('virtual-arrival 900s'),
      SIM_SEEDS.length,
      'seeds',
      1,
    ),
    rowAtMost(
      'sim oracle median |error|, worst seed: what any estimate could reach (floor: 1 min)',
      Math.max(...oracle.map((o) => o.oracleMedianAbs)),
      1,
      'min',
      2,
    ),
    rowAtMost(
      'sim estimate median |error| ÷ oracle on the same tickets, worst seed (floor: the oracle)',
      Math.max(...oracle.map((o) => o.printedMedianAbs / o.oracleMedianAbs)),
      1,
      '×',
      1.5,
    ),
    rowAtMost(
      'sim estimate median |error|, worst seed (floor: 1 min)',
      worst((e) => e.medianAbs),
      1,
      'min',
      2,
    ),
    rowAtMost(
      'sim estimate |bias| ≥3 ahead, worst seed (floor: 1 %)',
      worst((e) => Math.abs(e.relBias3) * 100),
      1,
      '%',
      5,
    ),
    rowAtMost(
      'sim >10 min past range, worst seed (floor: 1 %)',
      worst((e) => e.late10HighShare * 100),
      1,
      '%',
      3,
    ),
  ];
}
