import { describe, expect, it } from 'vitest';
import { Hall, hallConfig, MIN, T0 } from '../domain/test-factory.ts';
import type { HallEvent } from '../domain/types.ts';
import { RegionReplay, regionTables } from './report.ts';

const DAY = new Date(T0 + 8 * 60 * MIN).toISOString().slice(0, 10);

/** A hall where each of `waits` (minutes) is one ticket's wait, then served for a minute and rated. */
function hall(waits: number[], level: 1 | 2 | 3 | 4 | 5 | null): HallEvent[] {
  const h = new Hall({}, false);
  h.ok({ type: 'window:open', windowId: 'w1', clerkId: 'c1' });
  for (const w of waits) {
    const id = h.issue('A');
    h.tick(w * MIN);
    expect(h.callNext('w1')).toBe(id);
    h.ok({ type: 'ticket:start', windowId: 'w1' });
    h.tick(MIN);
    h.ok({ type: 'ticket:finish', windowId: 'w1', outcome: 'completed' });
    if (level !== null) h.ok({ type: 'ticket:rate', ticketId: id, level, reasons: [], channel: 'pad' });
  }
  return h.log as HallEvent[];
}

const meta = (hallId: string) => ({ hallId, name: hallId, highWater: 0, lastContact: null, flagged: null });

describe('the region fold (RGN-RPT-2, RGN-RPT-3)', () => {
  it("RGN-RPT-2 the region's p90 and 好评率 are over all halls' samples, not an average of the halls'", () => {
    const region = new RegionReplay({ from: DAY, to: DAY, now: T0 + 10 * 60 * MIN });
    // Hall a: nine short waits, all rated 5; hall b: one long wait, rated 1.
    const cfg = hallConfig();
    region.addHall({
      meta: meta('a'),
      config: cfg,
      statsFacts: hall([1, 1, 1, 1, 1, 1, 1, 1, 1], 5),
      supervisionFacts: [],
    });
    region.addHall({ meta: meta('b'), config: cfg, statsFacts: hall([60], 1), supervisionFacts: [] });
    region.addHall({ meta: meta('c'), config: cfg, statsFacts: hall([2], null), supervisionFacts: [] });
    const r = region.result();
    expect(r.total.issued).toBe(11);
    expect(r.total.waitCount).toBe(11);
    // Nearest rank ⌈0.9 × 11⌉ = 10th of [1×9, 2, 60] minutes = 2 min (the halls' own p90s are 1, 60, 2).
    expect(r.total.waitP90Sec).toBe(120);
    expect(r.total.waitAvgSec).toBe(Math.round(((9 + 60 + 2) * 60) / 11));
    expect(r.total.ratings.goodRate).toBe(9 / 10); // not (1 + 0) / 2
    // Ranked by 好评率, the hall without ratings last.
    expect(r.halls.map((h) => [h.rank, h.hallId])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(r.windows.map((w) => w.hallId)).toEqual(['a', 'b', 'c']);
    const sheet = regionTables(r)[0]!;
    expect(sheet.rows.at(-1)?.slice(1, 5)).toEqual(['合计 Total', null, 11, 11]);
  });
});
