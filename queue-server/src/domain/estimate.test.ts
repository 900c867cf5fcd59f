import type { Ticket, WindowDefinition } from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import { QueueEngine } from './engine.ts';
import {
  aheadInLanes,
  DEFAULT_SERVICE_MINUTES,
  estimateCategories,
  estimateTicket,
  SERVICE_SAMPLE,
  ServiceTimes,
} from './estimate.ts';
import { Hall, hallConfig, idBornOn, MIN, mulberry32, T0 } from './test-factory.ts';
import type { Command } from './types.ts';

/** A finished ticket as ServiceTimes sees it: only category, status and the two times matter. */
function done(categoryId: string, minutes: number, finishedAt = minutes * MIN): Ticket {
  return {
    categoryId,
    status: 'done',
    calledAt: finishedAt - minutes * MIN,
    finishedAt,
  } as Ticket;
}

describe('ServiceTimes (median of recent services)', () => {
  it('uses the default before any service is measured', () => {
    const st = new ServiceTimes();
    expect(st.medianMs('A')).toBe(DEFAULT_SERVICE_MINUTES * MIN);
  });

  it('takes the middle of an odd sample and the mean of the two middles of an even one', () => {
    const st = new ServiceTimes();
    st.observe(done('A', 4));
    st.observe(done('A', 30));
    st.observe(done('A', 5));
    expect(st.medianMs('A')).toBe(5 * MIN);
    st.observe(done('A', 8));
    expect(st.medianMs('A')).toBe(6.5 * MIN); // sorted 4, 5, 8, 30 → (5 + 8) / 2
  });

  it('keeps categories apart and ignores tickets that were not served', () => {
    const st = new ServiceTimes();
    st.observe(done('B', 12));
    st.observe({ ...done('A', 1), status: 'cancelled' } as Ticket);
    st.observe({ ...done('A', 1), calledAt: null } as Ticket);
    expect(st.medianMs('A')).toBe(DEFAULT_SERVICE_MINUTES * MIN);
    expect(st.medianMs('B')).toBe(12 * MIN);
  });

  it(`looks only at the last ${SERVICE_SAMPLE} services`, () => {
    const st = new ServiceTimes();
    for (let i = 0; i < 5; i++) st.observe(done('A', 100));
    for (let i = 0; i < SERVICE_SAMPLE; i++) st.observe(done('A', 3));
    expect(st.medianMs('A')).toBe(3 * MIN);
  });

  it('seeds from the day so far in finishing order (after a restart)', () => {
    const old = Array.from({ length: SERVICE_SAMPLE }, (_, i) => done('A', 50, (i + 1) * MIN));
    const recent = Array.from({ length: SERVICE_SAMPLE }, (_, i) => done('A', 2, 10_000 * MIN + i));
    const waiting = { categoryId: 'A', status: 'waiting', calledAt: null, finishedAt: null } as Ticket;
    // Given newest first: sorting by finishedAt keeps the recent services, not the old ones.
    const st = ServiceTimes.from([...recent, waiting, ...old]);
    expect(st.medianMs('A')).toBe(2 * MIN);
  });
});

describe('estimateTicket / estimateCategories (edge cases)', () => {
  it('is null with no open window serving the category', () => {
    const h = new Hall({}, false);
    const id = h.issue('A');
    expect(estimateTicket(h.engine, new ServiceTimes(), id)).toEqual({
      ahead: 0,
      minutes: null,
      low: null,
      high: null,
    });
    expect(estimateCategories(h.engine, new ServiceTimes())).toContainEqual({
      categoryId: 'A',
      waiting: 1,
      minutes: null,
      low: null,
      high: null,
    });
  });

  it('EST-2 counts a paused window only once it is expected back', () => {
    const h = new Hall({}, false);
    h.ok({ type: 'window:open', windowId: 'w1', clerkId: 'c1' });
    h.ok({ type: 'window:open', windowId: 'w2', clerkId: 'c2' });
    h.issue('A');
    h.issue('A');
    const third = h.issue('A');
    const st = new ServiceTimes();
    // (2 ahead + 2/3 of a service until a window frees) × 6 min default ÷ 2 windows = 8 min.
    expect(estimateTicket(h.engine, st, third)).toMatchObject({ ahead: 2, minutes: 8 });
    h.ok({ type: 'window:pause', windowId: 'w2', reason: 'lunch' });
    // w1 alone would take (2 + 1/2) × 6 ÷ 1 = 15 min; w2 is expected back after about
    // PAUSE_EXPECTED_MS = 20 min, which is later than that: it adds nothing yet.
    expect(estimateTicket(h.engine, st, third)).toMatchObject({ ahead: 2, minutes: 15 });
    // A ticket taken now would wait longer than 20 minutes, so the paused window helps it:
    // w = (3 + c/(c+1)) × 6 ÷ c with c = 1 + (1 − 20/w) settles at about 20.6 min (alone: 21).
    expect(estimateCategories(h.engine, st).find((e) => e.categoryId === 'A')).toMatchObject({
      categoryId: 'A',
      waiting: 3,
      minutes: 21,
    });
    // With both windows paused the figure is still known (they come back), unlike closed ones.
    h.ok({ type: 'window:pause', windowId: 'w1', reason: 'lunch' });
    expect(estimateTicket(h.engine, st, third)?.minutes).toBeGreaterThan(20);
    h.ok({ type: 'window:resume', windowId: 'w1' });
    h.ok({ type: 'window:resume', windowId: 'w2' });
    h.ok({ type: 'ticket:call-next', windowId: 'w1' });
    h.ok({ type: 'window:close', windowId: 'w2' });
    expect(estimateTicket(h.engine, st, third)?.minutes).not.toBeNull();
  });

  it('rounds up, uses the measured service time and shares a window between its categories', () => {
    const h = new Hall(); // A is served by w1, w2 and w4; w4 also serves B
    h.issue('A');
    const second = h.issue('A');
    const st = new ServiceTimes();
    st.observe(done('A', 4));
    // w4 gives A (1+1)/((1+1)+(0+1)) = 2/3 of its time: capacity 2⅔ windows.
    // (1 + (8/3)/(11/3)) × 4 min ÷ 8/3 = 2.59 → 3 min.
    expect(estimateTicket(h.engine, st, second)).toMatchObject({ ahead: 1, minutes: 3 });
    for (let i = 0; i < 6; i++) h.issue('B');
    // Now w4 is mostly busy with B: A's capacity drops to 2 + 2/9, and the wait grows.
    expect(estimateTicket(h.engine, st, second)).toMatchObject({ ahead: 1, minutes: 4 });
  });

  it('takes a trimmed mean: the longest and shortest tenth do not move the figure', () => {
    const st = new ServiceTimes();
    for (const m of [5, 5, 5, 5, 5, 5, 5, 5, 1, 120]) st.observe(done('A', m));
    expect(st.typicalMs('A')).toBe(5 * MIN);
    expect(st.medianMs('A')).toBe(5 * MIN);
  });

  it('counts only the tickets its windows would call first (its lane, in queue order)', () => {
    const h = new Hall();
    h.issue('B');
    h.issue('B');
    const a = h.issue('A');
    h.tick(MIN);
    h.issue('A', { idNumber: idBornOn('19500101') }); // a senior goes ahead of `a`
    expect(estimateTicket(h.engine, new ServiceTimes(), a)?.ahead).toBe(1);
  });

  it('is null for a ticket that is not waiting, and empty for an unconfigured hall', () => {
    const h = new Hall();
    const id = h.issue('A');
    h.callNext('w1');
    expect(estimateTicket(h.engine, new ServiceTimes(), id)).toBeNull();
    expect(estimateTicket(h.engine, new ServiceTimes(), 'nope')).toBeNull();
    expect(estimateCategories(new QueueEngine(), new ServiceTimes())).toEqual([]);
  });
});

// ---- a simulated day ------------------------------------------------------------------------

/** Arrivals per hour by local time: morning and afternoon peaks, a lunch dip, last ticket 16:30. */
function arrivalRate(hour: number): number {
  if (hour < 9 || hour >= 16.5) return 0;
  if (hour < 10) return 75;
  if (hour >= 12 && hour < 13) return 25;
  if (hour >= 14 && hour < 15) return 65;
  return 40;
}
const PEAK_RATE = 75;

/** Category mix and median service minutes (call → finish; lognormal, σ = 0.5). */
const MIX = [
  { categoryId: 'A', share: 0.7, medianMinutes: 6 },
  { categoryId: 'B', share: 0.15, medianMinutes: 7 },
  { categoryId: 'C', share: 0.15, medianMinutes: 3 },
] as const;

const six = (extra: WindowDefinition[]): WindowDefinition[] => [
  ...[1, 2, 3, 4].map((n) => ({
    id: `w${n}`,
    number: n,
    post: 'comprehensive' as const,
    categoryIds: ['A'],
  })),
  ...extra,
];
/** Six windows, each category its own. */
const DEDICATED = six([
  { id: 'w5', number: 5, post: 'bulk', categoryIds: ['B'] },
  { id: 'w6', number: 6, post: 'rights', categoryIds: ['C'] },
]);
/** Six windows, two of them shared between categories (like the demo hall). */
const SHARED = six([
  { id: 'w5', number: 5, post: 'comprehensive', categoryIds: ['A', 'B'] },
  { id: 'w6', number: 6, post: 'bulk', categoryIds: ['B', 'C'] },
]);

interface Sample {
  categoryId: string;
  /** Waiting tickets ahead at issue. */
  ahead: number;
  /** Minutes shown right after issue. */
  estimate: number;
  /** Minutes from issue to the first call. */
  actual: number;
}

/**
 * One hall day driven through the real engine with a clock: non-homogeneous Poisson arrivals
 * (thinning), 10% seniors by ID card and 5% appointments (they overtake, as in life), every
 * free window calls at once, service times lognormal per category. The estimate a ticket
 * gets is recorded right after issue, exactly as the kiosk prints it.
 */
function simulateDay(seed: number, windows: WindowDefinition[]): Sample[] {
  const rnd = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const engine = new QueueEngine();
  const dayStart = T0 - 60 * MIN; // 08:00 local
  let now = dayStart;
  const run = (cmd: Command) => {
    const r = engine.execute(cmd, now);
    if (!r.ok) throw new Error(`${cmd.type}: ${r.error.code} ${r.error.message}`);
    return r.events;
  };
  run({ type: 'hall:configure', config: { ...hallConfig(), windows }, by: 'admin' });
  for (const w of windows) run({ type: 'window:open', windowId: w.id, clerkId: `clerk-${w.id}` });

  const arrivals: number[] = [];
  for (let hour = 9; ; ) {
    hour += -Math.log(1 - rnd()) / PEAK_RATE;
    if (hour >= 16.5) break;
    if (rnd() < arrivalRate(hour) / PEAK_RATE) arrivals.push(dayStart + Math.round((hour - 8) * 60 * MIN));
  }

  const times = new ServiceTimes();
  const shown = new Map<string, Omit<Sample, 'actual'>>();
  const samples: Sample[] = [];
  const finishAt = new Map<string, number>();
  const callFreeWindows = () => {
    for (const w of windows) {
      if (engine.window(w.id)!.ticketId !== null) continue;
      const r = engine.execute({ type: 'ticket:call-next', windowId: w.id }, now);
      if (!r.ok) continue; // QUEUE_EMPTY
      const called = r.events.find((e) => e.type === 'ticket:called');
      if (called?.type !== 'ticket:called') continue;
      const t = engine.ticket(called.ticketId)!;
      const s = shown.get(t.id);
      if (s !== undefined) samples.push({ ...s, actual: (now - t.arrivedAt) / MIN });
      run({ type: 'ticket:start', windowId: w.id });
      const median = MIX.find((m) => m.categoryId === t.categoryId)!.medianMinutes;
      finishAt.set(w.id, now + Math.round(Math.max(0.5, median * Math.exp(0.5 * gaussian())) * MIN));
    }
  };

  let next = 0;
  for (;;) {
    const arrival = arrivals[next] ?? Number.POSITIVE_INFINITY;
    const finish = Math.min(Number.POSITIVE_INFINITY, ...finishAt.values());
    if (arrival === Number.POSITIVE_INFINITY && finish === Number.POSITIVE_INFINITY) break;
    if (finish <= arrival) {
      now = finish;
      for (const [windowId, at] of [...finishAt]) {
        if (at !== now) continue;
        finishAt.delete(windowId);
        const ticketId = engine.window(windowId)!.ticketId!;
        run({ type: 'ticket:finish', windowId, outcome: 'completed' });
        times.observe(engine.ticket(ticketId)!);
      }
    } else {
      now = arrival;
      next += 1;
      const u = rnd();
      const categoryId = u < MIX[0].share ? 'A' : u < MIX[0].share + MIX[1].share ? 'B' : 'C';
      const v = rnd();
      const extra: Partial<Extract<Command, { type: 'ticket:issue' }>> =
        v < 0.1
          ? { idNumber: idBornOn('19550301') }
          : v < 0.15
            ? { priorityClass: 'appointment', by: 'system', reason: '预约' }
            : {};
      const [issued] = run({ type: 'ticket:issue', categoryId, source: 'kiosk', ...extra });
      if (issued?.type !== 'ticket:issued') throw new Error('no ticket');
      const e = estimateTicket(engine, times, issued.ticket.id);
      if (e === null || e.minutes === null) throw new Error('every category has an open window all day');
      shown.set(issued.ticket.id, { categoryId, ahead: e.ahead, estimate: e.minutes });
    }
    callFreeWindows();
  }
  return samples;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2;
    i = j + 1;
  }
  return out;
}

/** Spearman rank correlation: does a longer estimate mean a longer wait? */
function spearman(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i]! - ma) * (rb[i]! - mb);
    da += (ra[i]! - ma) ** 2;
    db += (rb[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

function accuracy(samples: readonly Sample[]) {
  const err = samples.map((s) => s.estimate - s.actual);
  // Tickets that found a queue (known at issue time, so the selection does not peek at the outcome).
  const queued = samples.filter((s) => s.ahead >= 3);
  const queuedErr = queued.map((s) => s.estimate - s.actual);
  const queuedMedianWait = median(queued.map((s) => s.actual));
  return {
    n: samples.length,
    medianAbsError: median(err.map(Math.abs)),
    rankCorrelation: spearman(
      samples.map((s) => s.estimate),
      samples.map((s) => s.actual),
    ),
    queued: queued.length,
    queuedMedianWait,
    queuedRelAbsError: median(queuedErr.map(Math.abs)) / queuedMedianWait,
    queuedRelBias: median(queuedErr) / queuedMedianWait,
  };
}

const SEEDS = [1, 2, 3, 20261126];

describe('estimated wait against a simulated day (docs/ESTIMATES.md)', () => {
  it.each(SEEDS)('six dedicated windows, seed %i: close, unbiased within bounds, well ranked', (seed) => {
    const a = accuracy(simulateDay(seed, DEDICATED));
    expect(a.n).toBeGreaterThan(250); // a real day's worth, every ticket called
    expect(a.queued).toBeGreaterThan(80);
    expect(a.queuedMedianWait).toBeGreaterThan(8); // the peaks do build a queue
    // Half of all citizens see an estimate within 3 minutes of their wait.
    expect(a.medianAbsError).toBeLessThanOrEqual(3);
    // Where it matters (a queue ahead), the typical error is under 40% of the typical wait …
    expect(a.queuedRelAbsError).toBeLessThanOrEqual(0.25);
    // … and the estimate leans neither way by more than 15% of it.
    expect(Math.abs(a.queuedRelBias)).toBeLessThanOrEqual(0.15);
    // A longer estimate means a longer wait.
    expect(a.rankCorrelation).toBeGreaterThanOrEqual(0.8);
  });

  it.each(SEEDS)('six windows, two shared, seed %i: shared windows split by queue length', (seed) => {
    const a = accuracy(simulateDay(seed, SHARED));
    expect(a.n).toBeGreaterThan(250);
    expect(a.medianAbsError).toBeLessThanOrEqual(3);
    // A shared window is split between its categories by queue length, which follows its calls
    // only roughly, so the bounds are a little wider than with dedicated windows.
    expect(a.queuedRelAbsError).toBeLessThanOrEqual(0.3);
    expect(Math.abs(a.queuedRelBias)).toBeLessThanOrEqual(0.15);
    expect(a.rankCorrelation).toBeGreaterThanOrEqual(0.8);
  });

  it('is deterministic: the same seed gives the same day', () => {
    expect(simulateDay(7, DEDICATED)).toEqual(simulateDay(7, DEDICATED));
  });
});

describe('people ahead of many tickets at once (NOTE-TRG-5)', () => {
  it('aheadInLanes counts what estimateTicket counts, for every waiting ticket of a random day', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rnd = mulberry32(seed);
      const h = new Hall({ online: { confirmMinutes: 30, aheadNotice: 3, ratingDays: 7 } });
      const cats = ['A', 'B', 'C'];
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
      for (let i = 0; i < 80; i++) {
        h.tick(Math.floor(rnd() * 2 * MIN));
        const r = rnd();
        const waiting = h.engine.waitingInOrder();
        if (r < 0.45) h.run({ type: 'ticket:issue', categoryId: pick(cats), source: 'kiosk' });
        else if (r < 0.55)
          h.run({
            type: 'ticket:issue',
            categoryId: pick(cats),
            source: 'kiosk',
            idNumber: idBornOn('19500101'),
          });
        else if (r < 0.65)
          h.run({
            type: 'ticket:issue',
            categoryId: pick(cats),
            source: 'online',
            holder: { masked: '', senior: false, ref: `ref-${i}` },
          });
        else if (r < 0.75 && waiting.length > 0)
          h.run({
            type: 'ticket:transfer',
            ticketId: pick(waiting).id,
            to: { categoryId: pick(cats) },
            by: 'g',
            note: '转',
          });
        else if (r < 0.8 && waiting.length > 0)
          h.run({
            type: 'ticket:transfer',
            ticketId: pick(waiting).id,
            to: { windowId: 'w1' },
            by: 'g',
            note: '指定',
          });
        else {
          const w = pick(h.engine.allWindows());
          if (w.ticketId !== null) h.run({ type: 'ticket:finish', windowId: w.id, outcome: 'completed' });
          h.run({ type: 'ticket:call-next', windowId: w.id });
        }
      }
      const ids = h.engine.allTickets().map((t) => t.id);
      const many = aheadInLanes(h.engine, ids);
      const one = new Map(
        ids.flatMap((id) => {
          const e = estimateTicket(h.engine, new ServiceTimes(), id);
          return e === null ? [] : [[id, e.ahead] as const];
        }),
      );
      expect(one.size).toBeGreaterThan(5);
      expect(many).toEqual(one);
    }
  });
});
