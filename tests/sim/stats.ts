/**
 * What a simulated day says (docs/SIMULATION.md): waits per class, overtaking, and the error of
 * the estimate printed on each ticket.
 */
import type { DayResult, TicketRecord } from './hall-day.ts';

export interface WaitStats {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** The q-quantile by linear interpolation between closest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function waitStats(waits: readonly number[]): WaitStats {
  const s = [...waits].sort((a, b) => a - b);
  return {
    n: s.length,
    mean: s.length === 0 ? Number.NaN : s.reduce((a, b) => a + b, 0) / s.length,
    p50: quantile(s, 0.5),
    p90: quantile(s, 0.9),
    p99: quantile(s, 0.99),
    max: s.length === 0 ? Number.NaN : s[s.length - 1]!,
  };
}

export interface EstimateStats {
  /** Tickets with an estimate and a first call. */
  n: number;
  /** Median of estimate − actual, minutes (negative: the citizen waited longer than promised). */
  medianSigned: number;
  medianAbs: number;
  /** Tickets with ≥ 3 ahead at issue: median signed error ÷ their median wait. */
  relBias3: number;
  /** Citizens (of all arrivals) who waited more than 10 minutes past the estimate's point / upper end. */
  late10: number;
  late10High: number;
  late10HighShare: number;
  /** Share of actual waits that fell inside the printed range. */
  inRange: number;
}

export function estimateStats(tickets: readonly TicketRecord[]): EstimateStats {
  const called = tickets.filter((t) => t.waitMin !== null && t.estimate !== null);
  const signed = called.map((t) => t.estimate! - t.waitMin!).sort((a, b) => a - b);
  const abs = signed.map(Math.abs).sort((a, b) => a - b);
  const three = called.filter((t) => t.ahead >= 3);
  const signed3 = three.map((t) => t.estimate! - t.waitMin!).sort((a, b) => a - b);
  const wait3 = three.map((t) => t.waitMin!).sort((a, b) => a - b);
  const late10 = called.filter((t) => t.waitMin! > t.estimate! + 10).length;
  const late10High = called.filter((t) => t.high !== null && t.waitMin! > t.high + 10).length;
  const inRange = called.filter(
    (t) => t.low !== null && t.high !== null && t.waitMin! >= t.low && t.waitMin! <= t.high,
  ).length;
  return {
    n: called.length,
    medianSigned: quantile(signed, 0.5),
    medianAbs: quantile(abs, 0.5),
    relBias3: three.length === 0 ? 0 : quantile(signed3, 0.5) / Math.max(quantile(wait3, 0.5), 1e-9),
    late10,
    late10High,
    late10HighShare: tickets.length === 0 ? 0 : late10High / tickets.length,
    inRange: called.length === 0 ? 0 : inRange / called.length,
  };
}

export interface DaySummary {
  seed: number;
  arrivals: number;
  regular: WaitStats;
  senior: WaitStats;
  other: WaitStats;
  all: WaitStats;
  /** Mean and max number of later arrivals called before a regular ticket. */
  overtakenMean: number;
  overtakenMax: number;
  /** Mean and max number of earlier arrivals a priority ticket was called before. */
  overtookMean: number;
  overtookMax: number;
  estimate: EstimateStats;
  outcomes: { served: number; noShow: number; left: number };
}

export function summarize(day: DayResult): DaySummary {
  const waitsOf = (f: (t: TicketRecord) => boolean) =>
    day.tickets.filter((t) => f(t) && t.waitMin !== null).map((t) => t.waitMin!);
  const regular = day.tickets.filter((t) => t.priorityClass === 'regular');
  const priority = day.tickets.filter((t) => t.priorityClass !== 'regular');
  return {
    seed: day.seed,
    arrivals: day.arrivals,
    regular: waitStats(waitsOf((t) => t.priorityClass === 'regular')),
    senior: waitStats(waitsOf((t) => t.priorityClass === 'senior')),
    other: waitStats(waitsOf((t) => t.priorityClass !== 'regular' && t.priorityClass !== 'senior')),
    all: waitStats(waitsOf(() => true)),
    overtakenMean: regular.reduce((a, t) => a + t.overtakenBy, 0) / Math.max(regular.length, 1),
    overtakenMax: Math.max(0, ...regular.map((t) => t.overtakenBy)),
    overtookMean: priority.reduce((a, t) => a + t.overtook, 0) / Math.max(priority.length, 1),
    overtookMax: Math.max(0, ...priority.map((t) => t.overtook)),
    estimate: estimateStats(day.tickets),
    outcomes: {
      served: day.tickets.filter((t) => t.outcome === 'served').length,
      noShow: day.tickets.filter((t) => t.outcome === 'no-show').length,
      left: day.tickets.filter((t) => t.outcome === 'left').length,
    },
  };
}
