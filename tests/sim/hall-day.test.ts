/**
 * The simulator itself (docs/SIMULATION.md): a seed gives the same day, every citizen is
 * accounted for, and the day has the shape it claims (peaks, seniors, pauses, transfers).
 */
import { describe, expect, it } from 'vitest';
import { ArrivalHistory } from '../../queue-server/src/domain/estimate.ts';
import { branchWait, citizensOf, DAY0, MIN, playDay } from './hall-day.ts';
import { oracleRows, summarizeOracle } from './oracle.ts';
import { SIM_POLICIES } from './policies.ts';
import { summarize } from './stats.ts';

const tailGuard = SIM_POLICIES.find((p) => p.name.startsWith('tail-guard'))!;

describe('hall-day simulator (SIM-1)', () => {
  it('SIM-1 is deterministic: the same seed and policy give the same day, another seed another', () => {
    const a = playDay({ seed: 11, settings: tailGuard.settings });
    const b = playDay({ seed: 11, settings: tailGuard.settings });
    const c = playDay({ seed: 12, settings: tailGuard.settings });
    expect(b.tickets).toEqual(a.tickets);
    expect(c.tickets.map((t) => t.waitMin)).not.toEqual(a.tickets.map((t) => t.waitMin));
  });

  it('SIM-1 conserves citizens: every arrival is served, a no-show or left, under every policy', () => {
    for (const p of SIM_POLICIES) {
      const day = playDay({ seed: 5, settings: p.settings });
      expect(day.tickets).toHaveLength(day.arrivals);
      const s = summarize(day);
      expect(s.outcomes.served + s.outcomes.noShow + s.outcomes.left).toBe(day.arrivals);
      // The engine agrees: nothing is left waiting, called or being served at the end.
      expect(Object.keys(day.finalStatuses).sort()).toEqual(['cancelled', 'done', 'no-show']);
      expect(day.finalStatuses.done).toBe(s.outcomes.served);
      // Each kind of event happened, so the check is not vacuous.
      expect(s.outcomes.noShow).toBeGreaterThan(5);
      expect(day.tickets.filter((t) => t.transferred).length).toBeGreaterThan(5);
    }
  });

  it('SIM-1 has the day it claims: about 800 visitors, a morning peak and a lunch lull, 35 % seniors', () => {
    const citizens = citizensOf({ seed: 3 }, DAY0);
    expect(citizens.length).toBeGreaterThan(700);
    expect(citizens.length).toBeLessThan(900);
    const inHour = (h: number) =>
      citizens.filter((c) => c.at >= DAY0 + h * 60 * MIN && c.at < DAY0 + (h + 1) * 60 * MIN).length;
    expect(inHour(0)).toBeGreaterThan(2.5 * inHour(3)); // 09:00–10:00 against 12:00–13:00
    expect(inHour(5)).toBeGreaterThan(2 * inHour(3)); // the afternoon peak
    const seniors = citizens.filter((c) => c.senior).length / citizens.length;
    expect(seniors).toBeGreaterThan(0.3);
    expect(seniors).toBeLessThan(0.4);
  });

  it('SIM-1 FIFO is the yardstick: without bonuses nobody is overtaken within a category', () => {
    const fifo = SIM_POLICIES[0]!;
    const s = summarize(playDay({ seed: 2, settings: fifo.settings }));
    expect(s.overtakenMax).toBeLessThanOrEqual(3); // only transfers and shared windows reorder
    const va = summarize(playDay({ seed: 2, settings: SIM_POLICIES[1]!.settings }));
    expect(va.senior.mean).toBeLessThan(0.8 * s.senior.mean);
    expect(va.overtakenMean).toBeGreaterThan(1);
  });

  it('SIM-1 the estimate learns the priority arrivals from earlier days (EST-2)', () => {
    const history = new ArrivalHistory();
    playDay({ seed: 101, dayIndex: 0, history });
    playDay({ seed: 102, dayIndex: 1, history });
    const at10 = DAY0 + 2 * 86_400_000 + 60 * MIN;
    // About 800 × 35 % seniors + 3 % appointments over the day, most of them in category A.
    const perHour = history.priorityRate('A', at10, 60 * MIN, 480) * 60 * MIN;
    expect(perHour).toBeGreaterThan(15);
    expect(perHour).toBeLessThan(60);
    expect(history.pastDays(at10, 480)).toBe(2);
  });

  it('SIM-2 a branch that draws nothing anew is the day itself; one that does is another future', () => {
    const o = { seed: 4, settings: tailGuard.settings };
    const day = playDay(o);
    const picks = [40, 200, 390, 560, 700].filter((i) => day.tickets[i]?.waitMin !== null);
    expect(picks.length).toBeGreaterThanOrEqual(3);
    for (const index of picks)
      expect(branchWait(o, { index, seed: null })).toBeCloseTo(day.tickets[index]!.waitMin!, 9);
    // Drawn anew, the futures differ from each other (the branch is not the day replayed).
    const waits = new Set([1, 2, 3, 4, 5].map((seed) => branchWait(o, { index: 390, seed })?.toFixed(3)));
    expect(waits.size).toBeGreaterThan(2);
  });

  it('SIM-2 the oracle (median of branches) beats the printed estimate on the same tickets', () => {
    const history = new ArrivalHistory();
    for (let d = 0; d < 2; d++) playDay({ seed: 900 + d, dayIndex: d, history });
    const rows = oracleRows({ seed: 9, dayIndex: 2, history }, 12, 9);
    expect(rows).toHaveLength(12);
    const s = summarizeOracle(rows, 9);
    expect(s.oracleMedianAbs).toBeLessThan(s.printedMedianAbs);
    expect(Math.abs(s.oracleBias3)).toBeLessThan(0.25);
  });
});
