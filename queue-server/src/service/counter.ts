import { type CardRead, type CounterCard, maskIdNumber, maskName } from '@onewindow/shared';
import type { QueueEngine } from '../domain/engine.ts';
import type { PiiRead } from '../store/pii-read.store.ts';

/**
 * The counter's identity check (SPEC CTR-1): a card read by a window's agent, for the clerk
 * signed on there, masked, with whether it is the holder of the ticket the window holds; and the
 * name for the slip when that clerk is serving its holder (CTR-2).
 */
export function counterCardFor(deps: {
  queue: () => QueueEngine;
  holderRef: (idNumber: string) => string;
  /** Records the read of the name (SEC-NTK-2): who, which card, which ticket, why. */
  recordRead: (read: PiiRead) => void;
  now: () => number;
}): (windowId: string, card: CardRead) => { clerkId: string; card: CounterCard } | null {
  return (windowId, card) => {
    const q = deps.queue();
    const w = q.window(windowId);
    if (w === undefined || w.clerkId === null) return null;
    const ticket = w.ticketId === null ? undefined : q.ticket(w.ticketId);
    const ref = ticket?.holder?.ref ?? null;
    const matchesTicket = ref === null ? null : deps.holderRef(card.idNumber) === ref;
    // CTR-2 need to know: the full name goes to the clerk serving the citizen who handed the card
    // over (the only recipient, CTR-1), for the slip's applicant; never with a stranger's card.
    const name = card.name.trim();
    const forSlip = ticket !== undefined && matchesTicket !== false && name !== '';
    if (forSlip)
      deps.recordRead({
        at: deps.now(),
        staffId: w.clerkId,
        subject: 'counter-card',
        subjectId: card.source,
        ticketId: ticket.id,
        purpose: 'serving',
      });
    return {
      clerkId: w.clerkId,
      card: {
        windowId,
        masked: maskIdNumber(card.idNumber.trim()),
        maskedName: maskName(card.name),
        source: card.source,
        matchesTicket,
        ticketId: ticket?.id ?? null,
        ...(forSlip ? { applicantName: name } : {}),
      },
    };
  };
}
