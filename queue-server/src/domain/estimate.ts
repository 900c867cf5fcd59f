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
}

/** Windows that are open (not paused, not closed) and draw from this category. */
function openWindowsFor(queue: QueueEngine, categoryId: string): number {
  return queue.allWindows().filter((w) => w.state === 'open' && w.categoryIds.includes(categoryId)).length;
}

/**
 * Estimated wait per category for a ticket taken now (docs/ARCHITECTURE.md "Waiting time"):
 * people waiting × median service time ÷ open windows serving the category, rounded up to a
 * whole minute. Null when no window serving it is open.
 */
export function estimateCategories(queue: QueueEngine, times: ServiceTimes): CategoryEstimate[] {
  const config = queue.hallConfig;
  if (config === null) return [];
  const waiting = queue.waitingByCategory();
  return config.categories.map((c) => {
    const n = waiting.get(c.id) ?? 0;
    const windows = openWindowsFor(queue, c.id);
    const minutes = windows === 0 ? null : Math.ceil((n * times.medianMs(c.id)) / windows / 60_000);
    return { categoryId: c.id, waiting: n, minutes };
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
  const windows = openWindowsFor(queue, t.categoryId);
  const minutes = windows === 0 ? null : Math.ceil((ahead * times.medianMs(t.categoryId)) / windows / 60_000);
  return { ahead, minutes };
}
