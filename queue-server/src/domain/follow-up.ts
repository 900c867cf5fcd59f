/**
 * 差评回访 as the facts tell it (SPEC FUP-5, RGN-RPT-9). Pure: the hall's `FollowUpService` and
 * the center's report share these rules, so "overdue" means one thing in both.
 */
import type { FollowUpStatus } from '@onewindow/shared';
import type { RegionFollowUp } from '@onewindow/shared/region-report.ts';
import type { HallEvent } from './types.ts';

/** FUP-4: overdue = today (hall time) is after the deadline and the record is not closed. */
export function isFollowUpOverdue(status: FollowUpStatus, deadline: string, today: string): boolean {
  return status !== 'closed' && today > deadline;
}

/** A record as its facts leave it, before `today` makes it overdue or not. */
type Folded = Omit<RegionFollowUp, 'overdue'>;

/**
 * Folds follow-up facts (in seq order) into each ticket's record state: `opened` starts it,
 * a callback moves an open record to called-back (FUP-3), a status change sets the status
 * (FUP-4). A change without its opened fact is ignored (it cannot happen in a hall's log).
 */
export class FollowUpFold {
  private readonly byTicket = new Map<string, Folded>();

  apply(ev: HallEvent): void {
    if (ev.type === 'follow-up:opened') {
      if (this.byTicket.has(ev.ticketId)) return;
      this.byTicket.set(ev.ticketId, {
        status: 'open',
        deadline: ev.deadline,
        openedAt: ev.at,
        callbacks: 0,
        reached: false,
        closedAt: null,
      });
      return;
    }
    if (ev.type !== 'follow-up:called-back' && ev.type !== 'follow-up:status-changed') return;
    const f = this.byTicket.get(ev.ticketId);
    if (f === undefined) return;
    if (ev.type === 'follow-up:called-back') {
      f.callbacks += 1;
      if (ev.reached) f.reached = true;
      if (f.status === 'open') f.status = 'called-back';
    } else {
      f.status = ev.status;
      if (ev.status === 'closed') f.closedAt = ev.at;
    }
  }

  /** A ticket's record as of `today` (hall time), or undefined when it has none. */
  get(ticketId: string, today: string): RegionFollowUp | undefined {
    const f = this.byTicket.get(ticketId);
    return f === undefined ? undefined : { ...f, overdue: isFollowUpOverdue(f.status, f.deadline, today) };
  }
}
