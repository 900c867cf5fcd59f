/**
 * `npm run sim -- --oracle [--sample N] [--branches K]`: the floor of the estimate's error on
 * the seven days (docs/SIMULATION.md "How well could any estimate do?").
 */
import { HISTORY_DAYS_PLAYED, historyFor, SIM_SEEDS } from './compare.ts';
import { oracleRows, summarizeOracle } from './oracle.ts';
import { DEFAULT_POLICY_NAME, SIM_POLICIES } from './policies.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const f1 = (n: number) => n.toFixed(1);
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

export function printOracle(seeds = SIM_SEEDS, sample = 60, branches = 21): void {
  out(
    `| policy | seed | tickets sampled | median abs error, printed estimate | median abs error, oracle (${branches} branches) | oracle bias, ≥ 3 ahead | actual inside the oracle's 10–90 % |`,
  );
  out('|---|---|---|---|---|---|---|');
  for (const name of [DEFAULT_POLICY_NAME, 'tail-guard 50%/30min']) {
    const policy = SIM_POLICIES.find((p) => p.name === name)!;
    for (const seed of seeds) {
      const o = {
        seed,
        dayIndex: HISTORY_DAYS_PLAYED,
        settings: policy.settings,
        history: historyFor(policy, seed),
      };
      const s = summarizeOracle(oracleRows(o, sample, branches), branches);
      out(
        `| ${name} | ${seed} | ${s.n} | ${f1(s.printedMedianAbs)} | ${f1(s.oracleMedianAbs)} | ${pct(s.oracleBias3)} | ${pct(s.oracleInRange)} |`,
      );
    }
  }
}
