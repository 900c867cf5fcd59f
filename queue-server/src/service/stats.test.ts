import {
  FINISH_OUTCOMES,
  type FinishOutcome,
  RATING_REASONS,
  type RatingLevel,
  type Ticket,
} from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, Hall, MIN, mulberry32, T0, WINDOWS } from '../domain/test-factory.ts';
import type { HallEvent } from '../domain/types.ts';
import { hallStats, nearestRank, type StatsOptions, StatsReplay } from './stats.ts';

const DAY1 = '2026-11-26';
const DAY2 = '2026-11-27';
const OFFSET = 480;
const names = {
  staff: (id: string) => ({ name: `姓名${id}`, staffNumber: id.replace(/\D/g, '').padStart(4, '0') }),
  followUp: () => undefined,
};
const opts = (from: string, to: string, now: number, today = DAY2): StatsOptions => ({
  from,
  to,
  today,
  now,
  utcOffsetMinutes: OFFSET,
  categories: CATEGORIES,
  windows: WINDOWS,
});

describe('nearest-rank percentile (STAT-3)', () => {
  it('STAT-3 p90 is the value at rank ⌈0.9 n⌉ of the sorted sample', () => {
    expect(nearestRank([], 90)).toBeNull();
    expect(nearestRank([7], 90)).toBe(7);
    expect(nearestRank([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 90)).toBe(9);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
    expect(nearestRank([3, 1, 2], 90)).toBe(3);
    expect(nearestRank([100, 2, 30], 50)).toBe(30);
  });
});

describe('a scripted day (STAT-1, STAT-2, STAT-4)', () => {
  it('STAT-2 counts transfers, parks, clerk changes and times exactly', () => {
    const h = new Hall({}, false);
    h.ok({ type: 'window:open', windowId: 'w1', clerkId: 'c1' });
    h.ok({ type: 'window:open', windowId: 'w4', clerkId: 'c4' });
    const a1 = h.issue('A'); // 09:00
    h.tick(2 * MIN);
    const a2 = h.issue('A'); // 09:02
    h.tick(3 * MIN);
    expect(h.callNext('w1')).toBe(a1); // wait 5 min
    h.ok({ type: 'ticket:start', windowId: 'w1' });
    h.tick(4 * MIN);
    h.ok({ type: 'ticket:park', windowId: 'w1', note: '取材料' });
    expect(h.callNext('w1')).toBe(a2); // 09:09: wait 7 min
    h.ok({ type: 'ticket:start', windowId: 'w1' });
    h.tick(MIN);
    h.ok({ type: 'ticket:transfer', ticketId: a2, to: { categoryId: 'B' }, by: 'c1', note: '单位业务' });
    h.ok({ type: 'ticket:resume', ticketId: a1, windowId: 'w1' });
    h.tick(2 * MIN);
    h.ok({ type: 'ticket:finish', windowId: 'w1', outcome: 'accepted' }); // a1 service 09:05→09:12 = 7 min
    h.ok({ type: 'window:close', windowId: 'w1' });
    h.ok({ type: 'window:open', windowId: 'w1', clerkId: 'c9' });
    expect(h.callNext('w4')).toBe(a2); // B from w4; its first call was already at w1
    h.ok({ type: 'ticket:start', windowId: 'w4' });
    h.tick(10 * MIN);
    h.ok({ type: 'ticket:finish', windowId: 'w4', outcome: 'rejected' }); // 10 min
    h.ok({ type: 'ticket:rate', ticketId: a1, level: 2, reasons: ['waiting'], channel: 'pad' });
    h.ok({ type: 'ticket:rate', ticketId: a2, level: 5, reasons: [], channel: 'pad' });
    const a3 = h.issue('A');
    h.ok({ type: 'ticket:cancel', ticketId: a3, by: 'g', reason: '离开' });
    h.issue('C');
    const now = h.now + 30 * MIN;

    const s = hallStats(h.log as HallEvent[], opts(DAY1, DAY1, now, DAY1), names);
    const A = s.categories.find((c) => c.categoryId === 'A')!;
    const B = s.categories.find((c) => c.categoryId === 'B')!;
    const C = s.categories.find((c) => c.categoryId === 'C')!;
    expect([A.issued, A.served, A.cancelled, A.transfersOut, A.transfersIn]).toEqual([3, 1, 1, 1, 0]);
    expect([B.issued, B.served, B.transfersIn, B.waitingNow]).toEqual([0, 1, 1, 0]);
    expect([C.issued, C.waitingNow, C.stillOpen]).toEqual([1, 1, 1]);
    expect(A.waitCount).toBe(2);
    expect(A.waitAvgSec).toBe(360);
    expect(A.waitP90Sec).toBe(420);
    expect(B.waitCount).toBe(0);
    expect(A.serviceAvgSec).toBe(7 * 60);
    expect(B.serviceAvgSec).toBe(600);
    expect(A.outcomes).toEqual({ completed: 0, accepted: 1, rejected: 0, supplement: 0 });
    expect(B.outcomes.rejected).toBe(1);
    expect(s.total.transfersIn).toBe(1);
    expect(s.total.waitingNow).toBe(1);
    expect(s.total.serviceP90Sec).toBe(600);

    const w1 = s.windows.find((w) => w.windowId === 'w1')!;
    expect([w1.calls, w1.served, w1.parked, w1.transfersOut]).toEqual([2, 1, 1, 1]);
    const c1 = s.clerks.find((c) => c.clerkId === 'c1')!;
    expect([c1.calls, c1.served, c1.transfersOut, c1.ratings.bad]).toEqual([2, 1, 1, 1]);
    expect(c1.clerkName).toBe('姓名c1');
    expect(c1.windowNumbers).toEqual([1]);
    expect(c1.performance.quantity.onDutySec).toBe(12 * 60);
    expect(c1.performance.quality).toMatchObject({ rated: 1, goodRate: 0, badCount: 1, ratedRate: 1 });
    const c4 = s.clerks.find((c) => c.clerkId === 'c4')!;
    expect([c4.calls, c4.served, c4.ratings.good]).toEqual([1, 1, 1]);
    const c9 = s.clerks.find((c) => c.clerkId === 'c9')!;
    expect(c9.served).toBe(0);
    expect(c9.performance.quantity.onDutySec).toBe((now - (T0 + 12 * MIN)) / 1000);

    expect(s.ratings).toMatchObject({ rated: 2, good: 1, bad: 1, goodRate: 0.5 });
    expect(s.badRatings).toEqual([
      expect.objectContaining({
        ticketId: a1,
        level: 2,
        reasons: ['waiting'],
        windowNumber: 1,
        clerkId: 'c1',
      }),
    ]);
    expect(s.hourlyArrivals[9]).toBe(4);
    expect(s.days).toEqual([{ day: DAY1, issued: 4, served: 2 }]);
  });

  it('STAT-1 a range that ends before today has no "waiting now"; other days are ignored', () => {
    const h = new Hall();
    h.issue('A');
    const s = hallStats(h.log as HallEvent[], opts(DAY2, DAY2, h.now, '2026-11-28'), names);
    expect(s.total.issued).toBe(0);
    expect(s.total.waitingNow).toBeNull();
    expect(s.includesToday).toBe(false);
  });

  it('STAT-4 on-duty time is clipped to the range for a sign-on carried from the day before', () => {
    const h = new Hall({}, false);
    h.ok({ type: 'window:open', windowId: 'w2', clerkId: 'c2' }); // day 1 09:00, never closed
    h.now = T0 + 24 * 60 * MIN + 60 * MIN; // day 2 10:00 local
    const t = h.issue('A');
    h.callNext('w2');
    h.ok({ type: 'ticket:start', windowId: 'w2' });
    h.tick(MIN);
    h.ok({ type: 'ticket:finish', windowId: 'w2', outcome: 'completed' });
    const s = hallStats(h.log as HallEvent[], opts(DAY2, DAY2, h.now), names);
    const c2 = s.clerks.find((c) => c.clerkId === 'c2')!;
    // From day-2 midnight (16:00 UTC day 1) to now (02:01 UTC day 2).
    expect(c2.performance.quantity.onDutySec).toBe((10 * 60 + 1) * 60);
    expect(c2.performance.quantity.servedPerHour).toBe(Math.round((1 / (601 / 60)) * 100) / 100);
    expect(c2.served).toBe(1);
    expect(s.total.issued).toBe(1);
    expect(t.startsWith('20261127')).toBe(true);
  });
});

/* ---------------------------------------------------------------- simulated days */

interface Sim {
  log: HallEvent[];
  /** Ticket rows as the engine holds them: day 1 just before its close, day 2 at the end. */
  rows: Ticket[];
  settled: Set<string>;
  end: number;
}

/** Two busy hall days driven at random through the real engine (most random commands are refused). */
function simulate(seed: number): Sim {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const h = new Hall({}, false);
  const settled = new Set<string>();
  const rows: Ticket[] = [];
  let shift = 0;
  for (const [d, start] of [
    [0, T0],
    [1, T0 + 24 * 60 * MIN],
  ] as const) {
    h.now = start;
    for (const w of WINDOWS) h.run({ type: 'window:open', windowId: w.id, clerkId: `c${w.number}` });
    for (let step = 0; step < 700; step += 1) {
      h.tick(Math.floor(rnd() * 90_000));
      const live = h.engine.snapshot().tickets;
      const w = pick(WINDOWS).id;
      const u = rnd();
      if (u < 0.22) h.run({ type: 'ticket:issue', categoryId: pick(CATEGORIES).id, source: 'kiosk' });
      else if (u < 0.4) h.run({ type: 'ticket:call-next', windowId: w });
      else if (u < 0.45) h.run({ type: 'ticket:recall', windowId: w });
      else if (u < 0.6) h.run({ type: 'ticket:start', windowId: w });
      else if (u < 0.75)
        h.run({ type: 'ticket:finish', windowId: w, outcome: pick(FINISH_OUTCOMES) as FinishOutcome });
      else if (u < 0.78) h.run({ type: 'ticket:no-show', windowId: w });
      else if (u < 0.8) h.run({ type: 'ticket:park', windowId: w });
      else if (u < 0.82) {
        const p = live.filter((t) => t.status === 'parked');
        if (p.length) h.run({ type: 'ticket:resume', ticketId: pick(p).id, windowId: w });
      } else if (u < 0.84) {
        const t = live.filter((x) => ['waiting', 'called', 'serving'].includes(x.status));
        if (t.length) {
          const v = rnd();
          const to =
            v < 0.6
              ? { categoryId: pick(CATEGORIES).id }
              : v < 0.8
                ? { windowId: w }
                : { post: 'rights' as const };
          h.run({ type: 'ticket:transfer', ticketId: pick(t).id, to, by: 'g', note: '转' });
        }
      } else if (u < 0.86) {
        const t = live.filter((x) => x.status === 'no-show');
        if (t.length) h.run({ type: 'ticket:reinstate', ticketId: pick(t).id, by: 'g' });
      } else if (u < 0.87) {
        const t = live.filter((x) => x.status === 'waiting' || x.status === 'no-show');
        if (t.length) h.run({ type: 'ticket:cancel', ticketId: pick(t).id, by: 'g', reason: '走了' });
      } else if (u < 0.97) {
        const t = live.filter((x) => x.status === 'done' && x.rating === null);
        if (t.length)
          h.run({
            type: 'ticket:rate',
            ticketId: pick(t).id,
            level: 1 + Math.floor(rnd() * 5),
            reasons: RATING_REASONS.filter(() => rnd() < 0.3),
            channel: 'pad',
          });
      } else if (u < 0.99) {
        // A shift change: the clerk signs off, another signs on.
        if (h.run({ type: 'window:close', windowId: w }).ok) {
          shift += 1;
          h.run({ type: 'window:open', windowId: w, clerkId: `c${10 + shift}` });
        }
      } else
        h.run({ type: 'window:pause', windowId: w, reason: 'away' }).ok &&
          h.run({ type: 'window:resume', windowId: w });
    }
    rows.push(...h.engine.snapshot().tickets.filter((t) => t.businessDay === (d === 0 ? DAY1 : DAY2)));
    if (d === 0) {
      const [closed] = h.ok({ type: 'day:close', by: 'm', reason: '日结' });
      if (closed?.type === 'day:closed') for (const id of closed.settledTicketIds) settled.add(id);
    }
  }
  return { log: h.log as HallEvent[], rows, settled, end: h.now };
}

const LIVE = new Set(['waiting', 'called', 'serving', 'parked', 'no-show']);

/** An independent recount, straight from ticket rows (and one loop over facts for what rows forget). */
function recount(sim: Sim) {
  const prefix = new Map(CATEGORIES.map((c) => [c.prefix, c.id]));
  type Row = Record<string, number>;
  const cats = new Map<string, Row>();
  const row = (id: string) => {
    if (!cats.has(id)) cats.set(id, {});
    return cats.get(id)!;
  };
  const add = (r: Row, k: string, n = 1) => {
    r[k] = (r[k] ?? 0) + n;
  };
  const services = new Map<string, number[]>();
  const clerkServed = new Map<string, number>();
  const levels: number[] = [];
  const hours = Array.from({ length: 24 }, () => 0);
  for (const t of sim.rows) {
    const issuedIn = prefix.get(t.number.replace(/\d+$/, ''))!;
    add(row(issuedIn), 'issued');
    hours[new Date(t.arrivedAt + OFFSET * MIN).getUTCHours()]! += 1;
    const r = row(t.categoryId);
    if (t.status === 'done') {
      add(r, 'served');
      add(r, `outcome:${t.outcome}`);
      const list = services.get(t.categoryId) ?? [];
      list.push(t.finishedAt! - t.servingAt!);
      services.set(t.categoryId, list);
      clerkServed.set(t.servedBy!, (clerkServed.get(t.servedBy!) ?? 0) + 1);
    }
    if (t.status === 'cancelled') add(r, 'cancelled');
    if (LIVE.has(t.status)) add(r, sim.settled.has(t.id) ? 'settled' : 'open');
    if (t.status === 'waiting' && !sim.settled.has(t.id)) add(r, 'waiting');
    if (t.rating) levels.push(t.rating.level);
  }
  // What rows do not keep: first calls, transfers between categories, every no-show mark.
  const byTicket = new Map<string, HallEvent[]>();
  for (const ev of sim.log) {
    const id = ev.type === 'ticket:issued' ? ev.ticket.id : 'ticketId' in ev ? ev.ticketId : null;
    if (id === null) continue;
    const list = byTicket.get(id) ?? [];
    list.push(ev);
    byTicket.set(id, list);
  }
  const waits = new Map<string, number[]>();
  for (const facts of byTicket.values()) {
    const issued = facts[0]!;
    if (issued.type !== 'ticket:issued') throw new Error('first fact is not the issue');
    let category = issued.ticket.categoryId;
    let called = false;
    for (const f of facts) {
      if (f.type === 'ticket:called' && !called) {
        called = true;
        const list = waits.get(category) ?? [];
        list.push(f.at - issued.ticket.arrivedAt);
        waits.set(category, list);
      } else if (f.type === 'ticket:no-show') add(row(category), 'noShows');
      else if (f.type === 'ticket:transferred' && f.categoryId !== category) {
        add(row(category), 'out');
        add(row(f.categoryId), 'in');
        category = f.categoryId;
      }
    }
  }
  return { cats, services, waits, clerkServed, levels, hours };
}

const avgSec = (xs: number[] | undefined) =>
  xs?.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length / 1000) : null;
const p90Sec = (xs: number[] | undefined) => {
  if (!xs || xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  // The smallest value with at least 90% of the sample at or below it.
  const v = s.find((_, i) => (i + 1) / s.length >= 0.9 - 1e-12)!;
  return Math.round(v / 1000);
};

describe('figures agree with an independent recount on simulated days (STAT-5)', () => {
  for (const seed of [1, 7, 42, 2026, 90210]) {
    it(`STAT-5 seed ${seed}: every category, clerk and rating figure matches`, () => {
      const sim = simulate(seed);
      const s = hallStats(sim.log, opts(DAY1, DAY2, sim.end), names);
      const r = recount(sim);
      expect(sim.rows.length).toBeGreaterThan(100);
      for (const c of s.categories) {
        const x = r.cats.get(c.categoryId) ?? {};
        expect(c.issued, `${c.categoryId} issued`).toBe(x.issued ?? 0);
        expect(c.served, `${c.categoryId} served`).toBe(x.served ?? 0);
        expect(c.cancelled).toBe(x.cancelled ?? 0);
        expect(c.settledAtClose).toBe(x.settled ?? 0);
        expect(c.stillOpen).toBe(x.open ?? 0);
        expect(c.waitingNow).toBe(x.waiting ?? 0);
        expect(c.noShows).toBe(x.noShows ?? 0);
        expect(c.transfersIn).toBe(x.in ?? 0);
        expect(c.transfersOut).toBe(x.out ?? 0);
        for (const o of FINISH_OUTCOMES) expect(c.outcomes[o]).toBe(x[`outcome:${o}`] ?? 0);
        expect(c.serviceCount).toBe(r.services.get(c.categoryId)?.length ?? 0);
        expect(c.serviceAvgSec).toBe(avgSec(r.services.get(c.categoryId)));
        expect(c.serviceP90Sec).toBe(p90Sec(r.services.get(c.categoryId)));
        expect(c.waitAvgSec).toBe(avgSec(r.waits.get(c.categoryId)));
        expect(c.waitP90Sec).toBe(p90Sec(r.waits.get(c.categoryId)));
        // Conservation: what came in went somewhere.
        expect(c.issued + c.transfersIn - c.transfersOut).toBe(
          c.served + c.cancelled + c.settledAtClose + c.stillOpen,
        );
      }
      const allServices = [...r.services.values()].flat();
      expect(s.total.served).toBe(allServices.length);
      expect(s.total.serviceP90Sec).toBe(p90Sec(allServices));
      expect(s.total.waitP90Sec).toBe(p90Sec([...r.waits.values()].flat()));
      expect(s.hourlyArrivals).toEqual(r.hours);
      for (const [clerkId, n] of r.clerkServed)
        expect(s.clerks.find((c) => c.clerkId === clerkId)?.served, clerkId).toBe(n);
      expect(s.clerks.reduce((a, c) => a + c.served, 0)).toBe(s.total.served);
      expect(s.windows.reduce((a, w) => a + w.served, 0)).toBe(s.total.served);
      const byLevel = (l: RatingLevel) => r.levels.filter((x) => x === l).length;
      expect(s.ratings.byLevel).toEqual({
        '1': byLevel(1),
        '2': byLevel(2),
        '3': byLevel(3),
        '4': byLevel(4),
        '5': byLevel(5),
      });
      expect(s.badRatings.length).toBe(byLevel(1) + byLevel(2));
      expect(s.days.map((d) => d.issued)).toEqual(
        [DAY1, DAY2].map((d) => sim.rows.filter((t) => t.businessDay === d).length),
      );
      expect(s.total.issued).toBe(s.days.reduce((a, d) => a + d.issued, 0));
      expect(s.total.transfersIn).toBeGreaterThan(0);
      expect(s.total.noShows).toBeGreaterThan(0);
    });
  }

  it('STAT-5 feeding the facts in chunks or one day at a time gives the same figures', () => {
    const sim = simulate(3);
    const once = hallStats(sim.log, opts(DAY1, DAY2, sim.end), names);
    const replay = new StatsReplay(opts(DAY1, DAY2, sim.end));
    for (let i = 0; i < sim.log.length; i += 97) for (const ev of sim.log.slice(i, i + 97)) replay.apply(ev);
    expect(replay.result(names)).toEqual(once);
    expect(replay.result(names)).toEqual(once); // reading the result changes nothing
    const d1 = hallStats(sim.log, opts(DAY1, DAY1, sim.end), names);
    const d2 = hallStats(sim.log, opts(DAY2, DAY2, sim.end), names);
    expect(d1.total.issued + d2.total.issued).toBe(once.total.issued);
    expect(d1.total.served + d2.total.served).toBe(once.total.served);
    expect(d1.total.waitingNow).toBeNull();
  });
});
