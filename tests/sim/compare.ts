/**
 * Plays the same days under every policy and sets them against FIFO (docs/SIMULATION.md).
 * History days (other seeds) come first so the estimate has learned the hall's priority arrivals.
 */
import { ArrivalHistory } from '../../queue-server/src/domain/estimate.ts';
import { type DayOptions, playDay } from './hall-day.ts';
import { SIM_POLICIES, type SimPolicy } from './policies.ts';
import { type DaySummary, summarize } from './stats.ts';

export const SIM_SEEDS = [1, 2, 3, 4, 5, 6, 7];
export const HISTORY_DAYS_PLAYED = 5;

export interface PolicyDay {
  policy: string;
  seed: number;
  summary: DaySummary;
  /** Senior mean ÷ FIFO senior mean, regular p90 ÷ FIFO regular p90. */
  seniorMeanRatio: number;
  regularP90Ratio: number;
  /** Both goals of issue #14 met on this day. */
  meetsGoals: boolean;
}

/** Plays `HISTORY_DAYS_PLAYED` earlier days under the policy so the estimate has a history. */
export function historyFor(policy: SimPolicy, seed: number, base: Partial<DayOptions> = {}): ArrivalHistory {
  const history = new ArrivalHistory();
  for (let d = 0; d < HISTORY_DAYS_PLAYED; d++)
    playDay({ ...base, seed: seed * 1000 + d + 1, dayIndex: d, settings: policy.settings, history });
  return history;
}

export function playPolicy(
  policy: SimPolicy,
  seed: number,
  opts: { learn?: boolean; base?: Partial<DayOptions> } = {},
): DaySummary {
  const history = opts.learn === false ? new ArrivalHistory() : historyFor(policy, seed, opts.base);
  return summarize(
    playDay({ ...opts.base, seed, dayIndex: HISTORY_DAYS_PLAYED, settings: policy.settings, history }),
  );
}

export function compare(
  seeds = SIM_SEEDS,
  policies = SIM_POLICIES,
  opts: { learn?: boolean; base?: Partial<DayOptions> } = {},
): PolicyDay[] {
  const out: PolicyDay[] = [];
  for (const seed of seeds) {
    const fifo = playPolicy(policies[0]!, seed, opts);
    for (const p of policies) {
      const s = p === policies[0] ? fifo : playPolicy(p, seed, opts);
      const seniorMeanRatio = s.senior.mean / fifo.senior.mean;
      const regularP90Ratio = s.regular.p90 / fifo.regular.p90;
      out.push({
        policy: p.name,
        seed,
        summary: s,
        seniorMeanRatio,
        regularP90Ratio,
        meetsGoals: seniorMeanRatio <= 0.6 && regularP90Ratio <= 1.15,
      });
    }
  }
  return out;
}
