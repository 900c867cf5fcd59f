/**
 * The waiting lists of the guide and the clerk, in the engine's own call order (CON-ORD-1):
 * `compareQueue` and `mayServe` are the ones the engine uses (`@onewindow/shared/queue-order.ts`).
 */
import type { ServiceWindow, Ticket } from '@onewindow/shared/domain.ts';
import { compareQueue, mayServe } from '@onewindow/shared/queue-order.ts';

/** Every waiting ticket, first to be called first (front-moved, then virtual arrival). */
export function waitingInCallOrder(tickets: readonly Ticket[]): Ticket[] {
  return tickets.filter((t) => t.status === 'waiting').sort(compareQueue);
}

/** The waiting tickets window `w` may call (its categories, its post, pinned to it), in call order. */
export function upNextFor(
  tickets: readonly Ticket[],
  w: Pick<ServiceWindow, 'id' | 'post' | 'categoryIds'>,
): Ticket[] {
  return waitingInCallOrder(tickets).filter((t) => mayServe(w, t));
}
