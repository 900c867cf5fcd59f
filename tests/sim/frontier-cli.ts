/**
 * `npm run sim -- --frontier`: every setting of the three priority families on the seven days
 * (docs/SIMULATION.md "The frontier"). For each day it reports the lowest regular p90 ÷ FIFO any
 * setting reaches while seniors wait at most 0.6 × FIFO: where that is above 1.15, no setting of
 * these policies meets both goals on that day.
 */
import { compare, SIM_SEEDS } from './compare.ts';
import { SIM_POLICIES, type SimPolicy } from './policies.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const f2 = (n: number) => n.toFixed(2);

const bonus = (s: number) => ({ regular: 0, senior: s, appointment: s, military: s, disability: s });

/** The grid: bonus 300–1800 s, tail guard share × bound, interleave k × regular wait. */
export function frontierGrid(): SimPolicy[] {
  const grid: SimPolicy[] = [];
  for (const s of [300, 450, 600, 750, 900, 1050, 1200, 1350, 1500, 1650, 1800, 2400])
    grid.push({
      name: `virtual-arrival ${s}s`,
      settings: { bonusSeconds: bonus(s), policy: { kind: 'virtual-arrival' } },
    });
  for (const share of [30, 35, 40, 45, 50, 55, 60, 70])
    for (const bound of [600, 1200, 1800, 2400, 3600, 4500, 5400, 7200])
      grid.push({
        name: `tail-guard ${share}%/${bound / 60}min`,
        settings: {
          bonusSeconds: bonus(900),
          policy: { kind: 'tail-guard', sharePercent: share, maxBonusSeconds: bound },
        },
      });
  for (const k of [1, 2, 3])
    for (const w of [900, 1800])
      grid.push({
        name: `interleave ${k}/${w / 60}min`,
        settings: {
          bonusSeconds: bonus(900),
          policy: { kind: 'interleave', maxPriorityInRow: k, regularWaitSeconds: w },
        },
      });
  return grid;
}

export function printFrontier(seeds = SIM_SEEDS): void {
  const grid = frontierGrid();
  const days = compare(seeds, [SIM_POLICIES[0]!, ...grid], { learn: false });
  out(
    '| seed | settings meeting both goals | lowest regular p90 ÷ FIFO with seniors ≤ 0.6 × FIFO (setting) | lowest senior ÷ FIFO with regular p90 ≤ 1.15 × FIFO (setting) |',
  );
  out('|---|---|---|---|');
  for (const seed of seeds) {
    const mine = days.filter((d) => d.seed === seed && d.policy !== 'fifo');
    const met = mine.filter((d) => d.meetsGoals).length;
    const a = mine
      .filter((d) => d.seniorMeanRatio <= 0.6)
      .sort((x, y) => x.regularP90Ratio - y.regularP90Ratio)[0];
    const b = mine
      .filter((d) => d.regularP90Ratio <= 1.15)
      .sort((x, y) => x.seniorMeanRatio - y.seniorMeanRatio)[0];
    out(
      `| ${seed} | ${met} of ${mine.length} | ${a ? `${f2(a.regularP90Ratio)} (${a.policy})` : '—'} | ${b ? `${f2(b.seniorMeanRatio)} (${b.policy})` : '—'} |`,
    );
  }
  const bySetting = new Map<string, number>();
  for (const d of days)
    if (d.policy !== 'fifo') bySetting.set(d.policy, (bySetting.get(d.policy) ?? 0) + (d.meetsGoals ? 1 : 0));
  const best = [...bySetting].sort((x, y) => y[1] - x[1]).slice(0, 8);
  out('');
  out(
    `Settings meeting both goals on the most days (of ${seeds.length}): ${best.map(([p, n]) => `${p} ${n}`).join(', ')}`,
  );
}
