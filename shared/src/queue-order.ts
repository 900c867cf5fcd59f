/**
 * The queue's order and lanes, one source for the engine and every list that shows the queue
 * (SPEC Q-ORD-1, Q-OVR-1, Q-ELG-1, CON-ORD-1): the engine's heaps key on `queueKey`, and the
 * guide's and clerk's waiting lists sort with `compareQueue`, so what a list shows first is what
 * 叫号 calls next. Pure, no imports but types.
 */
import type { ServiceWindow, Ticket } from './domain.ts';

type Ordered = Pick<Ticket, 'front' | 'orderKey' | 'tieBreak'>;

/**
 * Queue order (SPEC Q-ORD-1, Q-OVR-1): tickets a guide moved to the front come first, in the
 * order they were moved; then by virtual arrival time; then by issue order.
 */
export function queueLess(a: Ordered, b: Ordered): boolean {
  if (a.front !== null || b.front !== null) {
    if (a.front === null) return false;
    if (b.front === null) return true;
    if (a.front.at !== b.front.at) return a.front.at < b.front.at;
    return a.tieBreak < b.tieBreak;
  }
  if (a.orderKey !== b.orderKey) return a.orderKey < b.orderKey;
  return a.tieBreak < b.tieBreak;
}

/** `queueLess` as a comparator for `Array.prototype.sort`. */
export function compareQueue(a: Ordered, b: Ordered): number {
  return queueLess(a, b) ? -1 : queueLess(b, a) ? 1 : 0;
}

/** The same order as `queueLess`, as a heap key: [tier, time, tie-break]. */
export function queueKey(t: Ordered): readonly [number, number, number] {
  return t.front !== null ? [0, t.front.at, t.tieBreak] : [1, t.orderKey, t.tieBreak];
}

/** The lane a waiting ticket sits in (SPEC Q-ELG-1): a pinned window, a post, or its category. */
export function laneOf(t: Pick<Ticket, 'pinnedWindowId' | 'requiredPost' | 'categoryId'>): string {
  if (t.pinnedWindowId !== null) return `w:${t.pinnedWindowId}`;
  if (t.requiredPost !== null) return `p:${t.requiredPost}`;
  return `c:${t.categoryId}`;
}

/** Lanes a window draws from (SPEC Q-ELG-1). */
export function lanesOfWindow(w: Pick<ServiceWindow, 'id' | 'post' | 'categoryIds'>): string[] {
  return [...w.categoryIds.map((c) => `c:${c}`), `p:${w.post}`, `w:${w.id}`];
}

/** Whether window `w` may serve ticket `t` (SPEC Q-ELG-1). */
export function mayServe(
  w: Pick<ServiceWindow, 'id' | 'post' | 'categoryIds'>,
  t: Pick<Ticket, 'pinnedWindowId' | 'requiredPost' | 'categoryId'>,
): boolean {
  return lanesOfWindow(w).includes(laneOf(t));
}
