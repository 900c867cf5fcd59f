/**
 * The simulator suite of `npm run bench` (issue #14, docs/SIMULATION.md): on seven seeded
 * 800-visitor days, whether the tail guard meets both order goals on every seed, and the
 * estimate's errors under the default policy. Rows report the worst seed, so a pass means all.
 */
import { compare, HISTORY_DAYS_PLAYED, historyFor, SIM_SEEDS } from '../sim/compare.ts';
import { playDay } from '../sim/hall-day.ts';
import { SIM_POLICIES } from '../sim/policies.ts';
import { estimateStats } from '../sim/stats.ts';
import { type BenchRow, progress, rowAtLeast, rowAtMost } from './report.ts';

export async function simBench(): Promise<BenchRow[]> {
  const policies = SIM_POLICIES.filter(
    (p) => p.name === 'fifo' || p.name.startsWith('tail-guard') || p.name === 'virtual-arrival 900s',
  );
  const days = compare(SIM_SEEDS, policies);
  const met = (name: string) => days.filter((d) => d.policy === name && d.meetsGoals).length;
  const tg = policies.find((p) => p.name.startsWith('tail-guard'))!;
  for (const p of policies)
    progress(`  sim ${p.name}: both goals on ${met(p.name)} of ${SIM_SEEDS.length} seeds`);
  const va = SIM_POLICIES.find((p) => p.name === 'virtual-arrival 900s')!;
  const est = SIM_SEEDS.map((seed) =>
    estimateStats(
      playDay({ seed, dayIndex: HISTORY_DAYS_PLAYED, settings: va.settings, history: historyFor(va, seed) })
        .tickets,
    ),
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
      'sim seeds meeting both goals, virtual-arrival 900s (floor: all seeds)',
      met(va.name),
      SIM_SEEDS.length,
      'seeds',
      1,
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
