/**
 * `npm run sim -- --estimates`: the estimate's errors on the simulated days under the default
 * policy, without (before issue #14) and with the priority arrivals to come (SPEC EST-2).
 */
import { HISTORY_DAYS_PLAYED, historyFor, SIM_SEEDS } from './compare.ts';
import { playDay } from './hall-day.ts';
import { DEFAULT_POLICY_NAME, SIM_POLICIES } from './policies.ts';
import { estimateStats } from './stats.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const f1 = (n: number) => n.toFixed(1);
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

export function estimateRows(policyName: string, seeds = SIM_SEEDS): string[] {
  const policy = SIM_POLICIES.find((p) => p.name === policyName)!;
  const rows: string[] = [];
  for (const seed of seeds) {
    const history = historyFor(policy, seed);
    const day = (expectArrivals: boolean) =>
      estimateStats(
        playDay({
          seed,
          dayIndex: HISTORY_DAYS_PLAYED,
          settings: policy.settings,
          history,
          expectArrivals,
        }).tickets,
      );
    const before = day(false);
    const after = day(true);
    rows.push(
      `| ${policyName} | ${seed} | ${f1(before.medianSigned)} → ${f1(after.medianSigned)} | ${f1(before.medianAbs)} → ${f1(after.medianAbs)} | ${pct(before.relBias3)} → ${pct(after.relBias3)} | ${before.late10} → ${after.late10} | ${after.late10High} (${pct(after.late10HighShare)}) | ${pct(after.inRange)} |`,
    );
  }
  return rows;
}

/** Prints the before/after table of docs/SIMULATION.md for the given seeds. */
export function printEstimates(seeds = SIM_SEEDS): void {
  out(
    '| policy | seed | median signed error (min) before → after | median abs error | bias, ≥ 3 ahead | > 10 min past the figure | > 10 min past the range’s upper end | in range |',
  );
  out('|---|---|---|---|---|---|---|---|');
  for (const name of [DEFAULT_POLICY_NAME, 'tail-guard 50%/30min'])
    for (const r of estimateRows(name, seeds)) out(r);
}
