/**
 * How well could any estimate do on these days? (docs/SIMULATION.md, issue #14)
 *
 * For a sample of the day's tickets, the day is played again from the moment the ticket was
 * issued, many times, with everything the hall cannot know at that moment drawn anew
 * (`branchWait`). The median of those waits is the best figure any estimator could print with
 * the whole state of the hall in front of it **and** the true distributions of the simulator:
 * under absolute error the conditional median is optimal. Its error against the wait the citizen
 * really had is therefore a floor for the median |error| goal, measured, not argued.
 */
import { branchWait, type DayOptions, playDay, type TicketRecord } from './hall-day.ts';
import { quantile } from './stats.ts';

export interface OracleRow {
  index: number;
  ahead: number;
  /** The wait the citizen had on the day itself, minutes. */
  actual: number;
  /** What the kiosk printed (the production estimate, EST-1..3). */
  printed: number | null;
  /** The median, 10th and 90th percentile of the waits on the branches. */
  oracle: number;
  oracleLow: number;
  oracleHigh: number;
}

export interface OracleSummary {
  n: number;
  branches: number;
  /** Median |estimate − actual| of the oracle and of the printed estimate, on the same tickets. */
  oracleMedianAbs: number;
  printedMedianAbs: number;
  /** Median signed error ÷ median wait, tickets with ≥ 3 ahead. */
  oracleBias3: number;
  /** Share of actual waits inside the oracle's 10–90 % range. */
  oracleInRange: number;
}

/** `sample` tickets spread evenly over the day's called tickets, `branches` branches each. */
export function oracleRows(o: DayOptions, sample: number, branches: number): OracleRow[] {
  const day = playDay(o);
  const called = day.tickets
    .map((t, index) => ({ t, index }))
    .filter((x): x is { t: TicketRecord & { waitMin: number }; index: number } => x.t.waitMin !== null);
  const step = called.length / sample;
  const rows: OracleRow[] = [];
  for (let i = 0; i < sample && i * step < called.length; i++) {
    const { t, index } = called[Math.floor(i * step + step / 2)] ?? called[called.length - 1]!;
    const waits: number[] = [];
    for (let b = 0; b < branches; b++) {
      const w = branchWait(o, { index, seed: o.seed * 1_000_003 + index * 101 + b + 1 });
      if (w !== null) waits.push(w);
    }
    waits.sort((a, b) => a - b);
    rows.push({
      index,
      ahead: t.ahead,
      actual: t.waitMin,
      printed: t.estimate,
      oracle: quantile(waits, 0.5),
      oracleLow: quantile(waits, 0.1),
      oracleHigh: quantile(waits, 0.9),
    });
  }
  return rows;
}

export function summarizeOracle(rows: readonly OracleRow[], branches: number): OracleSummary {
  const med = (xs: number[]) =>
    quantile(
      [...xs].sort((a, b) => a - b),
      0.5,
    );
  const three = rows.filter((r) => r.ahead >= 3);
  const printed = rows.filter((r) => r.printed !== null);
  return {
    n: rows.length,
    branches,
    oracleMedianAbs: med(rows.map((r) => Math.abs(r.oracle - r.actual))),
    printedMedianAbs: med(printed.map((r) => Math.abs(r.printed! - r.actual))),
    oracleBias3:
      three.length === 0
        ? 0
        : med(three.map((r) => r.oracle - r.actual)) / Math.max(med(three.map((r) => r.actual)), 1e-9),
    oracleInRange:
      rows.filter((r) => r.actual >= r.oracleLow && r.actual <= r.oracleHigh).length /
      Math.max(rows.length, 1),
  };
}
