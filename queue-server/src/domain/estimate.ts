import type { CategoryEstimate, Ticket } from '@onewindow/shared';
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

/**
 * How much of the hall's open capacity works on each category, in windows: a window that
 * serves several categories is shared among them in proportion to their queues (it calls
 * the oldest ticket across its categories, so its calls follow the queue lengths). The +1
 * stands for a citizen about to take a ticket, so an empty queue still gets a share.
 */
export function windowShares(queue: QueueEngine, waiting: ReadonlyMap<string, number>): Map<string, number> {
  const shares = new Map<string, number>();
  for (const w of queue.allWindows()) {
    if (w.state !== 'open' || w.categoryIds.length === 0) continue;
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

/**
 * Estimated wait per category for a ticket taken now (docs/ESTIMATES.md): the waiting tickets,
 * the typical recent service time, and the open windows' share of work on the category.
 * Null when no open window serves it.
 */
export function estimateCategories(queue: QueueEngine, times: ServiceTimes): CategoryEstimate[] {
  const config = queue.hallConfig;
  if (config === null) return [];
  const waiting = queue.waitingByCategory();
  const shares = windowShares(queue, waiting);
  return config.categories.map((c) => {
    const n = waiting.get(c.id) ?? 0;
    return {
      categoryId: c.id,
      waiting: n,
      minutes: waitMinutes(n, times.typicalMs(c.id), shares.get(c.id) ?? 0),
    };
  });
}

/** A ticket's place: how many waiting tickets its windows would call before it, and the estimate. */
export function estimateTicket(
  queue: QueueEngine,
  times: ServiceTimes,
  ticketId: string,
): { ahead: number; minutes: number | null } | null {
  const t = queue.ticket(ticketId);
  if (t === undefined || t.status !== 'waiting') return null;
  const order = queue.waitingInOrder(
    (x) =>
      x.categoryId === t.categoryId &&
      x.pinnedWindowId === t.pinnedWindowId &&
      x.requiredPost === t.requiredPost,
  );
  const ahead = order.findIndex((x) => x.id === t.id);
  const waiting = queue.waitingByCategory();
  // This ticket is already counted in the queue it joins, not "about to come".
  const others = new Map(waiting);
  others.set(t.categoryId, Math.max(0, (others.get(t.categoryId) ?? 1) - 1));
  const capacity = windowShares(queue, others).get(t.categoryId) ?? 0;
  return { ahead, minutes: waitMinutes(ahead, times.typicalMs(t.categoryId), capacity) };
}
