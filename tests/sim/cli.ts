/**
 * `npm run sim [-- --seeds 1,2,3] [--no-history] [--estimates] [--oracle] [--frontier]`: plays simulated hall
 * days under every policy and prints the comparison table of docs/SIMULATION.md (with
 * `--estimates`, the estimate's errors before and after EST-2 instead; with `--oracle`, the floor
 * of the estimate's error, `--sample N --branches K`; with `--frontier`, every setting of the priority policies).
 */
import { compare, SIM_SEEDS } from './compare.ts';
import { printEstimates } from './estimates-cli.ts';
import { printFrontier } from './frontier-cli.ts';
import { printOracle } from './oracle-cli.ts';

const args = process.argv.slice(2);
const seedArg = args.indexOf('--seeds');
const seeds = seedArg >= 0 ? args[seedArg + 1]!.split(',').map(Number) : SIM_SEEDS;
const learn = !args.includes('--no-history');

const out = (line: string) => process.stdout.write(`${line}\n`);
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

const num = (flag: string, dflt: number) => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
if (args.includes('--frontier')) {
  printFrontier(seeds);
  process.exit(0);
}
if (args.includes('--oracle')) {
  printOracle(seeds, num('--sample', 60), num('--branches', 21));
  process.exit(0);
}
if (args.includes('--estimates')) {
  printEstimates(seeds);
  process.exit(0);
}
const rows = compare(seeds, undefined, { learn });
const header = [
  'policy',
  'seed',
  'n',
  'sen mean',
  'sen p90',
  'reg mean',
  'reg p50',
  'reg p90',
  'reg p99',
  'reg max',
  'sen/FIFO',
  'regP90/FIFO',
  'goals',
  'overtaken avg/max',
  'est |err| med',
  'est signed med',
  'bias ≥3',
  '>10 past high',
  'in range',
];
const table = rows.map((r) => {
  const s = r.summary;
  return [
    r.policy,
    String(r.seed),
    String(s.arrivals),
    f1(s.senior.mean),
    f1(s.senior.p90),
    f1(s.regular.mean),
    f1(s.regular.p50),
    f1(s.regular.p90),
    f1(s.regular.p99),
    f1(s.regular.max),
    f2(r.seniorMeanRatio),
    f2(r.regularP90Ratio),
    r.meetsGoals ? 'yes' : 'no',
    `${f1(s.overtakenMean)}/${s.overtakenMax}`,
    f1(s.estimate.medianAbs),
    f1(s.estimate.medianSigned),
    pct(s.estimate.relBias3),
    `${s.estimate.late10High} (${pct(s.estimate.late10HighShare)})`,
    pct(s.estimate.inRange),
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
out(line(header));
out(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of table) out(line(r));
const byPolicy = new Map<string, number>();
for (const r of rows) byPolicy.set(r.policy, (byPolicy.get(r.policy) ?? 0) + (r.meetsGoals ? 1 : 0));
out('');
for (const [p, n] of byPolicy) out(`${p}: goals met on ${n} of ${seeds.length} seeds`);
