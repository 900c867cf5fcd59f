import { type CardRead, type CounterCard, maskIdNumber, maskName } from '@onewindow/shared';
import type { QueueEngine } from '../domain/engine.ts';

/**
 * The counter's identity check (SPEC CTR-1): a card read by a window's agent, for the clerk
 * signed on there, masked, with whether it is the holder of the ticket the window holds.
 */
export function counterCardFor(deps: {
  queue: () => QueueEngine;
  holderRef: (idNumber: string) => string;
}): (windowId: string, card: CardRead) => { clerkId: string; card: CounterCard } | null {
  return (windowId, card) => {
    const q = deps.queue();
    const w = q.window(windowId);
    if (w === undefined || w.clerkId === null) return null;
    const ticket = w.ticketId === null ? undefined : q.ticket(w.ticketId);
    const ref = ticket?.holder?.ref ?? null;
    return {
      clerkId: w.clerkId,
      card: {
        windowId,
        masked: maskIdNumber(card.idNumber.trim()),
        maskedName: maskName(card.name),
        source: card.source,
        matchesTicket: ref === null ? null : deps.holderRef(card.idNumber) === ref,
        ticketId: ticket?.id ?? null,
      },
    };
  };
}
