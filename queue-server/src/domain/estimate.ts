import type { CategoryEstimate, HallSettings, PriorityClass, Ticket } from '@onewindow/shared';
import { queueLess } from '@onewindow/shared/queue-order.ts';
import { businessDayOf, localTimeOf } from './clock.ts';
import type { QueueEngine } from './engine.ts';

/** Minutes a service takes before the hall has measured any (a typical window transaction). */
export const DEFAULT_SERVICE_MINUTES = 6;
/** How many recent services per category the estimate looks at. */
export const SERVICE_SAMPLE = 20;

/**
 * Recent service durations per category (call to finish, so the walk to the window and
 * the recalls count): a rolling window of the last SERVICE_SAMPLE, median taken, so one
 * long pension case does not swing the board.
 */
export class ServiceTimes {
  private readonly samples = new Map<string, number[]>();

  /** Seeds from the tickets already finished today (after a restart). */
  static from(tickets: Iterable<Readonly<Ticket>>): ServiceTimes {
    const st = new ServiceTimes();
    const done = [...tickets]
      .filter((t) => t.status === 'done')
      .sort((a, b) => a.finishedAt! - b.finishedAt!);
    for (const t of done) st.observe(t);
    return st;
  }

  observe(t: Readonly<Ticket>): void {
    if (t.status !== 'done' || t.calledAt === null || t.finishedAt === null) return;
    const list = this.samples.get(t.categoryId) ?? [];
    list.push(t.finishedAt - t.calledAt);
    if (list.length > SERVICE_SAMPLE) list.shift();
    this.samples.set(t.categoryId, list);
  }

  /** Median recent service time in ms, or the default when none is known. */
  medianMs(categoryId: string): number {
    const list = this.samples.get(categoryId);
    if (!list || list.length === 0) return DEFAULT_SERVICE_MINUTES * 60_000;
    const sorted = [...list].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }

  /**
   * The typical recent service time in ms: the mean without the shortest and longest tenth.
   * Service times have a long tail, so the line moves at the mean, not the median; trimming
   * keeps one two-hour pension case from swinging the board.
   */
  typicalMs(categoryId: string): number {
    const list = this.samples.get(categoryId);
    if (!list || list.length === 0) return DEFAULT_SERVICE_MINUTES * 60_000;
    const sorted = [...list].sort((a, b) => a - b);
    const cut = Math.floor(sorted.length / 10);
    const kept = sorted.slice(cut, sorted.length - cut);
    return kept.reduce((a, b) => a + b, 0) / kept.length;
  }
}

/** How many past business days the arrival history keeps. */
export const HISTORY_DAYS = 28;

/**
 * Priority arrivals (any class but regular) per category and local hour, per business day: the
 * hall's own history, from which the estimate expects the seniors and appointments who will
 * come while a ticket waits and go ahead of it (SPEC EST-2).
 */
export class ArrivalHistory {
  /** day → category → 24 hourly counts. */
  private readonly days = new Map<string, Map<string, number[]>>();

  /** Seeds from stored tickets (today's and earlier days'), in any order. */
  static from(
    tickets: Iterable<Pick<Ticket, 'arrivedAt' | 'priorityClass' | 'categoryId'>>,
    utcOffsetMinutes: number,
  ): ArrivalHistory {
    const h = new ArrivalHistory();
    for (const t of tickets) h.observe(t, utcOffsetMinutes);
    return h;
  }

  observe(t: Pick<Ticket, 'arrivedAt' | 'priorityClass' | 'categoryId'>, utcOffsetMinutes: number): void {
    const day = businessDayOf(t.arrivedAt, utcOffsetMinutes);
    let cats = this.days.get(day);
    if (cats === undefined) {
      cats = new Map();
      this.days.set(day, cats);
      if (this.days.size > HISTORY_DAYS + 1) {
        const oldest = [...this.days.keys()].sort()[0]!;
        this.days.delete(oldest);
      }
    }
    if (t.priorityClass === 'regular') return;
    const hours = cats.get(t.categoryId) ?? new Array<number>(24).fill(0);
    hours[Math.floor(localTimeOf(t.arrivedAt, utcOffsetMinutes).minutes / 60)]! += 1;
    cats.set(t.categoryId, hours);
  }

  /** Past days the history holds (not counting the day of `now`). */
  pastDays(now: number, utcOffsetMinutes: number): number {
    const today = businessDayOf(now, utcOffsetMinutes);
    let n = 0;
    for (const d of this.days.keys()) if (d < today) n += 1;
    return n;
  }

  /**
   * Expected priority arrivals per millisecond in a category over the `spanMs` after `now`: the
   * mean of the past days at those hours of day; with no past day yet, today's rate in the
   * hour so far.
   */
  priorityRate(categoryId: string, now: number, spanMs: number, utcOffsetMinutes: number): number {
    const today = businessDayOf(now, utcOffsetMinutes);
    const past = [...this.days.entries()].filter(([d]) => d < today);
    const startMin = localTimeOf(now, utcOffsetMinutes).minutes;
    if (past.length === 0) {
      const hours = this.days.get(today)?.get(categoryId);
      const h = Math.floor(startMin / 60);
      const inHour = startMin - h * 60;
      if (hours === undefined || inHour < 10) return 0;
      return hours[h]! / (inHour * 60_000);
    }
    const span = Math.max(1, Math.min(spanMs / 60_000, 24 * 60 - startMin));
    let total = 0;
    for (let m = startMin; m < startMin + span; m += 1) {
      const h = Math.floor(m / 60);
      if (h > 23) break;
      let sum = 0;
      for (const [, cats] of past) sum += cats.get(categoryId)?.[h] ?? 0;
      total += sum / past.length / 60; // arrivals in this minute on a typical past day
    }
    return total / (span * 60_000);
  }
}

/** How long a paused window is expected to stay away (a lunch or a short break, on average). */
export const PAUSE_EXPECTED_MS = 20 * 60_000;

/**
 * How much of the hall's capacity works on each category, in windows: a window that
 * serves several categories is shared among them in proportion to their queues (it calls
 * the oldest ticket across its categories, so its calls follow the queue lengths). The +1
 * stands for a citizen about to take a ticket, so an empty queue still gets a share.
 * Paused windows are returned apart: they come back, but only after a while.
 */
export function windowShares(
  queue: QueueEngine,
  waiting: ReadonlyMap<string, number>,
  state: 'open' | 'paused' = 'open',
): Map<string, number> {
  const shares = new Map<string, number>();
  for (const w of queue.allWindows()) {
    if (w.state !== state || w.categoryIds.length === 0) continue;
    const total = w.categoryIds.reduce((n, c) => n + (waiting.get(c) ?? 0) + 1, 0);
    for (const c of w.categoryIds) shares.set(c, (shares.get(c) ?? 0) + ((waiting.get(c) ?? 0) + 1) / total);
  }
  return shares;
}

/**
 * Minutes until a ticket with `ahead` tickets before it is called, with `capacity` windows
 * working on its line: the windows are mid-service, so the first one frees up after about
 * capacity/(capacity+1) of a service, then one call every service ÷ capacity.
 */
export function waitMinutes(ahead: number, typicalMs: number, capacity: number): number | null {
  if (capacity <= 0) return null;
  return Math.ceil(((ahead + capacity / (capacity + 1)) * typicalMs) / capacity / 60_000);
}

/** A waiting figure as every surface shows it (SPEC EST-1): people ahead and a range in minutes. */
export interface WaitFigure {
  ahead: number;
  /** The central estimate; null when no window that may call the ticket is open or paused. */
  minutes: number | null;
  low: number | null;
  high: number | null;
}

/** The range's spread around the central estimate (SPEC EST-3, calibrated in docs/SIMULATION.md). */
export const RANGE_LOW = 0.75;
export const RANGE_HIGH = 1.4;
export const RANGE_HIGH_PLUS_MIN = 4;

/** What the estimate needs besides the queue: the hall's history and the time. */
export interface EstimateContext {
  history?: ArrivalHistory;
  now?: number;
}

/**
 * How long before later priority arrivals stop passing a regular ticket that will wait `waitMs`:
 * the policy's bound (Q-ORD-1 bonus, Q-ORD-4 everyone, Q-ORD-7 a share of the queue's wait).
 */
function passWindowMs(s: HallSettings, waitMs: number): number {
  const p = s.policy;
  if (p.kind === 'interleave') return waitMs;
  const classes: PriorityClass[] = ['senior', 'appointment'];
  const fixed = Math.max(...classes.map((c) => s.bonusSeconds[c] * 1000));
  // Q-ORD-7: a priority ticket arriving x after a regular one that is called at w passes it
  // while w × share < (w − x) × 100, that is for x < w × (1 − share/100), within the bound.
  if (p.kind === 'tail-guard')
    return Math.min(p.maxBonusSeconds * 1000, (waitMs * (100 - p.sharePercent)) / 100);
  return fixed;
}

/**
 * The estimate (docs/ESTIMATES.md): people ahead, the typical service, the windows that can
 * call the ticket (open ones fully, paused ones once they are expected back), and, for a
 * regular ticket, the priority tickets expected to arrive while it waits and go ahead of it.
 */
function solveWait(
  ahead: number,
  typicalMs: number,
  open: number,
  paused: number,
  priorityPerMs: number,
  pass: (waitMs: number) => number,
): WaitFigure {
  if (open + paused <= 0) return { ahead, minutes: null, low: null, high: null };
  // The windows are mid-service: the first frees up after about c/(c+1) of a service.
  const c = open > 0 ? open : paused;
  const residual = c / (c + 1);
  // Window-time needed before this ticket's call, delivered by the open windows from now and
  // by the paused ones from when they are expected back.
  const waitFor = (later: number) => {
    const work = (ahead + later + residual) * typicalMs;
    return open * PAUSE_EXPECTED_MS >= work
      ? work / open
      : (work + paused * PAUSE_EXPECTED_MS) / (open + paused);
  };
  const base = waitFor(0);
  let w = base;
  for (let i = 0; i < 30; i++) w = waitFor(priorityPerMs * Math.min(w, pass(w)));
  const minutes = Math.ceil(w / 60_000);
  return {
    ahead,
    minutes,
    low: Math.floor((Math.min(base, w) * RANGE_LOW) / 60_000),
    high: Math.max(minutes, Math.ceil((w * RANGE_HIGH) / 60_000) + RANGE_HIGH_PLUS_MIN),
  };
}

function laneCapacity(
  queue: QueueEngine,
  lane: { categoryId: string; pinnedWindowId: string | null; requiredPost: string | null },
  waiting: ReadonlyMap<string, number>,
): { open: number; paused: number } {
  if (lane.pinnedWindowId !== null) {
    const w = queue.window(lane.pinnedWindowId);
    return { open: w?.state === 'open' ? 1 : 0, paused: w?.state === 'paused' ? 1 : 0 };
  }
  if (lane.requiredPost !== null) {
    const ws = queue.allWindows().filter((w) => w.post === lane.requiredPost);
    return {
      open: ws.filter((w) => w.state === 'open').length,
      paused: ws.filter((w) => w.state === 'paused').length,
    };
  }
  return {
    open: windowShares(queue, waiting, 'open').get(lane.categoryId) ?? 0,
    paused: windowShares(queue, waiting, 'paused').get(lane.categoryId) ?? 0,
  };
}

function figureFor(
  queue: QueueEngine,
  times: ServiceTimes,
  ctx: EstimateContext,
  lane: { categoryId: string; pinnedWindowId: string | null; requiredPost: string | null },
  ahead: number,
  cls: PriorityClass,
  waiting: ReadonlyMap<string, number>,
): WaitFigure {
  const s = queue.settings;
  const { open, paused } = laneCapacity(queue, lane, waiting);
  const typical = times.typicalMs(lane.categoryId);
  const history = ctx.history;
  const now = ctx.now;
  const later =
    s === null || history === undefined || now === undefined || cls !== 'regular'
      ? () => 0
      : (w: number) => history.priorityRate(lane.categoryId, now, w, s.utcOffsetMinutes);
  // The rate is taken over the first guess of the wait, then held: the fixed point stays stable.
  const firstGuess = open + paused > 0 ? ((ahead + 1) * typical) / Math.max(open + paused, 0.05) : 0;
  const rate = later(firstGuess);
  return solveWait(ahead, typical, open, paused, rate, (w) => (s === null ? 0 : passWindowMs(s, w)));
}

/**
 * Estimated wait per category for a regular ticket taken now (docs/ESTIMATES.md): the same
 * figure the ticket is then given. Null minutes when no window serving it is open or paused.
 */
export function estimateCategories(
  queue: QueueEngine,
  times: ServiceTimes,
  ctx: EstimateContext = {},
): CategoryEstimate[] {
  const config = queue.hallConfig;
  if (config === null) return [];
  const waiting = queue.waitingByCategory();
  return config.categories.map((c) => {
    const n = waiting.get(c.id) ?? 0;
    const f = figureFor(
      queue,
      times,
      ctx,
      { categoryId: c.id, pinnedWindowId: null, requiredPost: null },
      n,
      'regular',
      waiting,
    );
    return { categoryId: c.id, waiting: n, minutes: f.minutes, low: f.low, high: f.high };
  });
}

/**
 * People ahead of each of these tickets that is waiting, exactly as {@link estimateTicket} counts
 * them (its lane: category, pinned window and required post), from one sort of the queue instead
 * of one per ticket: a unit that moves the queue asks this for every ticket awaiting its "N
 * ahead" notice (NOTE-TRG-5).
 */
export function aheadInLanes(queue: QueueEngine, ticketIds: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  if (ticketIds.length === 0) return out;
  const lane = (x: Readonly<Ticket>) =>
    `${x.categoryId}\u0000${x.pinnedWindowId ?? ''}\u0000${x.requiredPost ?? ''}`;
  const order = queue.waitingInOrder();
  const place = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const x of order) {
    const k = lane(x);
    const i = seen.get(k) ?? 0;
    place.set(x.id, i);
    seen.set(k, i + 1);
  }
  for (const id of ticketIds) {
    const t = queue.ticket(id);
    if (t === undefined || t.status !== 'waiting') continue;
    const at = place.get(id);
    // An online ticket not yet confirmed waits outside the heaps (MOB-Q-2): who is ahead of its place.
    out.set(id, at ?? order.filter((x) => lane(x) === lane(t) && queueLess(x, t)).length);
  }
  return out;
}

/** A ticket's place: how many waiting tickets its windows would call before it, and the estimate. */
export function estimateTicket(
  queue: QueueEngine,
  times: ServiceTimes,
  ticketId: string,
  ctx: EstimateContext = {},
): WaitFigure | null {
  const t = queue.ticket(ticketId);
  if (t === undefined || t.status !== 'waiting') return null;
  const order = queue.waitingInOrder(
    (x) =>
      x.categoryId === t.categoryId &&
      x.pinnedWindowId === t.pinnedWindowId &&
      x.requiredPost === t.requiredPost,
  );
  // An online ticket not yet confirmed waits outside the heaps (MOB-Q-2): count who is ahead of its place.
  const ahead =
    t.confirmBy === undefined
      ? order.findIndex((x) => x.id === t.id)
      : order.filter((x) => queueLess(x, t)).length;
  const waiting = queue.waitingByCategory();
  // This ticket is already counted in the queue it joins, not "about to come".
  const others = new Map(waiting);
  others.set(t.categoryId, Math.max(0, (others.get(t.categoryId) ?? 1) - 1));
  return figureFor(queue, times, ctx, t, ahead, t.priorityClass, others);
}
