/**
 * What terminals keep of the hall: a snapshot plus facts that carry the post-change state
 * of what they touched, folded by one reducer (`applyFact`). The public view holds no
 * personal data at all (no holder, no reasons, no class); the staff view adds masked holders.
 */
import type { CaseRecord } from './cases.ts';
import type { QueueCategory, ServiceWindow, Ticket, TicketStatus } from './domain.ts';
import type { EventType, HallEvent } from './hall.ts';
import type { CategoryEstimate } from './protocol.ts';

/** A ticket as a wall board may show it: number, queue, where it is. Nothing personal. */
export interface PublicTicket {
  id: string;
  number: string;
  categoryId: string;
  status: TicketStatus;
  windowId: string | null;
  calledAt: number | null;
}

/** A call as boards announce it (请A001号到3号窗口办理). */
export interface CallNotice {
  seq: number;
  at: number;
  ticketId: string;
  number: string;
  windowId: string;
  windowNumber: number;
  recall: boolean;
}

/** Tickets terminals keep: the ones still in the hall's flow. */
export const LIVE_TICKET_STATUSES: readonly TicketStatus[] = ['waiting', 'called', 'serving', 'parked'];

interface ViewBase<T> {
  seq: number;
  hallName: string;
  categories: QueueCategory[];
  windows: ServiceWindow[];
  /** Live tickets only (LIVE_TICKET_STATUSES). */
  tickets: T[];
  /** Newest first, at most RECENT_CALLS. */
  recentCalls: CallNotice[];
  estimates: CategoryEstimate[];
  /** The hall's notice marquee, set by the manager ('' = none); changes arrive as `hall:notice`. */
  notice: string;
  /** The hall's call sentence (settings.voiceTemplate): `{号}` and `{窗口}` are filled in. */
  voiceTemplate: string;
  /** The server's clock when the snapshot was made, so screens judge call ages by it. */
  serverTime?: number;
  /**
   * Recalls allowed after the first call (settings.maxRecalls, Q-NS-1): a clerk's 过号 opens after
   * `1 + maxRecalls` calls (Q-NS-2, CON-NS-1). Absent from a server that predates it.
   */
  maxRecalls?: number;
}

interface FactBase<T> {
  seq: number;
  at: number;
  type: EventType;
  /** Post-change state of every ticket this fact touched. */
  tickets: T[];
  /** Post-change state of every window this fact touched. */
  windows: ServiceWindow[];
  call: CallNotice | null;
  /** Set by a configuration change. */
  hall: {
    hallName: string;
    categories: QueueCategory[];
    windowIds: string[];
    voiceTemplate: string;
    maxRecalls?: number;
  } | null;
  /** Tickets that leave the view whatever their last state (a day close settles them). */
  removed: string[];
  estimates: CategoryEstimate[];
}

export type PublicSnapshot = ViewBase<PublicTicket>;
export type PublicFact = FactBase<PublicTicket>;

/**
 * The staff view: full (masked) tickets, and the fact itself for the audit trail. A case fact
 * also carries the case as it stands after it (with the names of the staff in it), so the back
 * office folds pushed changes without asking again (CASE-6).
 */
export type StaffView = ViewBase<Ticket>;
export type StaffFact = FactBase<Ticket> & { event: HallEvent; case?: CaseRecord };

export const RECENT_CALLS = 20;

/** The default call sentence (DOMAIN: a real government system's default). */
export const DEFAULT_VOICE_TEMPLATE = '请{号}号到{窗口}号窗口办理';

export function toPublicTicket(t: Ticket): PublicTicket {
  return {
    id: t.id,
    number: t.number,
    categoryId: t.categoryId,
    status: t.status,
    windowId: t.windowId,
    calledAt: t.calledAt,
  };
}

/**
 * Folds a fact into a view. Returns the same view for a fact already seen, and `null` when
 * facts are missing (a gap): the caller must then ask for a snapshot.
 */
export function applyFact<T extends { id: string; status: TicketStatus }>(
  view: ViewBase<T>,
  fact: FactBase<T>,
): ViewBase<T> | null {
  if (fact.seq <= view.seq) return view;
  if (fact.seq !== view.seq + 1) return null;
  let tickets = view.tickets;
  if (fact.removed.length > 0) {
    const gone = new Set(fact.removed);
    tickets = tickets.filter((t) => !gone.has(t.id));
  }
  if (fact.tickets.length > 0) {
    const changed = new Map(fact.tickets.map((t) => [t.id, t]));
    tickets = tickets.filter((t) => !changed.has(t.id));
    for (const t of changed.values()) if (LIVE_TICKET_STATUSES.includes(t.status)) tickets.push(t);
  }
  let windows = view.windows;
  if (fact.hall !== null) {
    const keep = new Set(fact.hall.windowIds);
    windows = windows.filter((w) => keep.has(w.id));
  }
  if (fact.windows.length > 0) {
    const changed = new Map(fact.windows.map((w) => [w.id, w]));
    windows = windows.map((w) => changed.get(w.id) ?? w);
    for (const w of changed.values()) if (!windows.some((x) => x.id === w.id)) windows.push(w);
    if (fact.hall !== null) {
      const order = fact.hall.windowIds;
      windows = [...windows].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    }
  }
  return {
    seq: fact.seq,
    hallName: fact.hall?.hallName ?? view.hallName,
    categories: fact.hall?.categories ?? view.categories,
    windows,
    tickets,
    recentCalls:
      fact.call === null ? view.recentCalls : [fact.call, ...view.recentCalls].slice(0, RECENT_CALLS),
    estimates: fact.estimates,
    notice: view.notice,
    voiceTemplate: fact.hall?.voiceTemplate ?? view.voiceTemplate,
    ...((fact.hall?.maxRecalls ?? view.maxRecalls) !== undefined
      ? { maxRecalls: fact.hall?.maxRecalls ?? view.maxRecalls }
      : {}),
  };
}
