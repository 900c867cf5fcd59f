import {
  type CallNotice,
  type CategoryEstimate,
  DEFAULT_VOICE_TEMPLATE,
  isCaseFact,
  isQueueFact,
  isReconFact,
  isRiskFact,
  LIVE_TICKET_STATUSES,
  type PublicFact,
  type PublicSnapshot,
  RECENT_CALLS,
  type ServiceWindow,
  type StaffFact,
  type StaffView,
  type Ticket,
  type TicketStatus,
  toPublicTicket,
} from '@onewindow/shared';
import type { CaseRecord } from '@onewindow/shared/cases.ts';
import type { Permission } from '../auth/permissions.ts';
import { businessDayOf } from '../domain/clock.ts';
import {
  ArrivalHistory,
  type EstimateContext,
  estimateCategories,
  estimateTicket,
  HISTORY_DAYS,
  ServiceTimes,
  type WaitFigure,
} from '../domain/estimate.ts';
import type { HallEvent } from '../domain/types.ts';
import type { HallService } from './hall.service.ts';

/**
 * A staff fact only some staff may read whole: the staff members named, and whoever holds the
 * permission. Everybody else gets the fact's bare form (type, seq, time) from `staff`.
 */
export interface RestrictedFact {
  fact: StaffFact;
  audience: { staffIds: readonly string[]; permission: Permission };
}

/** What a citizen's phone may know about a ticket: nothing personal, only where it stands. */
export interface TicketStatusView {
  id: string;
  number: string;
  hallName: string;
  categoryName: string;
  status: TicketStatus;
  /** Waiting tickets its windows call first; null unless waiting. */
  ahead: number | null;
  /** Estimated minutes until called; null when unknown or not waiting. */
  minutes: number | null;
  /** The range shown (SPEC EST-1); null with `minutes`. */
  low: number | null;
  high: number | null;
  /** The window to go to, once called. */
  windowNumber: number | null;
  arrivedAt: number;
}

const TICKET_ID = /^\d{8}-[A-Z]{0,2}\d{1,6}$/;

/**
 * Builds what terminals see: snapshots and per-commit facts, for the public (boards: no
 * personal data at all) and for staff (masked holders). Facts carry the post-change state
 * of what they touched, so every client folds them with the same `applyFact` reducer.
 */
export class HallViews {
  private times: ServiceTimes;

  private readonly service: HallService;

  constructor(
    private readonly deps: {
      hall: HallService;
      /** The notice marquee the snapshot carries. */
      notice: () => string;
      now: () => number;
      /** A case as staff see it (named), for case facts (CASE-6). */
      caseOf: (id: string) => CaseRecord | undefined;
      /** Tickets of closed days (the engine keeps only open ones). */
      ticketFromStore: (id: string) => Ticket | undefined;
      /** Arrivals since a business day, for the priority arrivals the estimate expects (EST-2). */
      arrivalsSince?: (
        businessDay: string,
      ) => Iterable<Pick<Ticket, 'arrivedAt' | 'priorityClass' | 'categoryId'>>;
    },
  ) {
    this.service = deps.hall;
    this.times = ServiceTimes.from(deps.hall.queue.allTickets());
    const offset = deps.hall.queue.settings?.utcOffsetMinutes ?? 480;
    const since = businessDayOf(deps.now() - HISTORY_DAYS * 86_400_000, offset);
    this.history = ArrivalHistory.from(deps.arrivalsSince?.(since) ?? [], offset);
  }

  private readonly history: ArrivalHistory;

  private ctx(): EstimateContext {
    return { history: this.history, now: this.deps.now() };
  }

  /**
   * Must be called once per commit, in order (HallService.subscribe). `staff` is what every staff
   * room gets; a fact in `restricted` (same seq) goes whole only to its audience, and every other
   * staff socket gets its `staff` form, which says no more than that the seq moved.
   */
  factsOf(events: HallEvent[]): { pub: PublicFact[]; staff: StaffFact[]; restricted: RestrictedFact[] } {
    const q = this.service.queue;
    for (const ev of events) {
      if (ev.type === 'ticket:finished') {
        const t = q.ticket(ev.ticketId);
        if (t) this.times.observe(t);
      }
      if (ev.type === 'day:closed') this.times = new ServiceTimes();
      if (ev.type === 'ticket:issued') this.history.observe(ev.ticket, q.settings?.utcOffsetMinutes ?? 480);
    }
    const estimates = this.estimates();
    const pub: PublicFact[] = [];
    const staff: StaffFact[] = [];
    const restricted: RestrictedFact[] = [];
    for (const ev of events) {
      const tickets = ticketsOf(ev)
        .map((id) => q.ticket(id))
        .filter((t): t is Ticket => t !== undefined);
      const windows = windowsOf(ev, q.allWindows() as ServiceWindow[], (id) => q.ticket(id)?.windowId ?? null)
        .map((id) => q.window(id))
        .filter((w): w is ServiceWindow => w !== undefined);
      const config = ev.type === 'hall:configured' ? ev.config : null;
      const base = {
        seq: ev.seq,
        at: ev.at,
        type: ev.type,
        windows: windows.map((w) => ({ ...w, categoryIds: [...w.categoryIds] })),
        call: this.callOf(ev),
        hall:
          config === null
            ? null
            : {
                hallName: config.settings.hallName,
                categories: config.categories,
                windowIds: config.windows.map((w) => w.id),
                voiceTemplate: config.settings.voiceTemplate,
                maxRecalls: config.settings.maxRecalls,
              },
        // A day close settles tickets that have already left the engine's memory.
        removed: ev.type === 'day:closed' ? ev.settledTicketIds : [],
        estimates,
      };
      pub.push({ ...base, tickets: tickets.map(toPublicTicket) });
      const kase = isCaseFact(ev) ? this.deps.caseOf(ev.caseId) : undefined;
      const bare = { type: ev.type, seq: ev.seq, at: ev.at } as HallEvent;
      const fact: StaffFact = {
        ...base,
        tickets: tickets.map((t) => structuredClone(t)),
        // A risk fact (an alert, an override's reason) reaches only the roles that handle it,
        // on `risk:alerts` (RISK-HND-5); a 日结轧账 fact (counts, the clerk's explanations) only
        // the clerk whose day it is and the managers who countersign (REC-UI-5). The staff rooms
        // see that the seq moved.
        event: isRiskFact(ev) || isReconFact(ev) ? bare : ev,
        ...(kase !== undefined ? { case: kase } : {}),
      };
      staff.push(fact);
      if (isReconFact(ev))
        restricted.push({
          fact: { ...fact, event: ev },
          audience: { staffIds: [ev.clerkId], permission: 'recon:supervise' },
        });
    }
    return { pub, staff, restricted };
  }

  publicSnapshot(): PublicSnapshot {
    const v = this.staffView();
    return { ...v, tickets: v.tickets.map(toPublicTicket) };
  }

  staffView(): StaffView {
    const q = this.service.queue;
    const config = q.hallConfig;
    const tickets = q.allTickets().filter((t) => LIVE_TICKET_STATUSES.includes(t.status));
    return {
      seq: q.lastSeq,
      hallName: config?.settings.hallName ?? '',
      categories: config?.categories ?? [],
      windows: q.allWindows().map((w) => ({ ...w, categoryIds: [...w.categoryIds] })),
      tickets: tickets.map((t) => structuredClone(t) as Ticket),
      recentCalls: this.recentCalls(),
      estimates: this.estimates(),
      notice: this.deps.notice(),
      voiceTemplate: config?.settings.voiceTemplate ?? DEFAULT_VOICE_TEMPLATE,
      serverTime: this.deps.now(),
      ...(config ? { maxRecalls: config.settings.maxRecalls } : {}),
    };
  }

  /** What a citizen's phone may know about a ticket (`/t/:id`): nothing personal, only where it stands. */
  ticketStatus(id: string): TicketStatusView | null {
    if (!TICKET_ID.test(id)) return null;
    const q = this.service.queue;
    const t: Readonly<Ticket> | undefined = q.ticket(id) ?? this.deps.ticketFromStore(id);
    if (t === undefined) return null;
    const config = q.hallConfig;
    const est = t.status === 'waiting' ? this.ticketEstimate(t.id) : null;
    const called = t.status === 'called' || t.status === 'serving';
    return {
      id: t.id,
      number: t.number,
      hallName: config?.settings.hallName ?? '',
      categoryName: config?.categories.find((c) => c.id === t.categoryId)?.name ?? t.categoryId,
      status: t.status,
      ahead: est?.ahead ?? null,
      minutes: est?.minutes ?? null,
      low: est?.low ?? null,
      high: est?.high ?? null,
      windowNumber: called && t.windowId !== null ? (q.window(t.windowId)?.number ?? null) : null,
      arrivedAt: t.arrivedAt,
    };
  }

  estimates(): CategoryEstimate[] {
    return estimateCategories(this.service.queue, this.times, this.ctx());
  }

  /** The one server-side figure for a ticket (SPEC EST-1): kiosk, print, console and `/t` read it. */
  ticketEstimate(ticketId: string): WaitFigure | null {
    return estimateTicket(this.service.queue, this.times, ticketId, this.ctx());
  }

  /** The latest calls rebuilt from ticket state (the facts log the same when live). */
  private recentCalls(): CallNotice[] {
    const q = this.service.queue;
    return q
      .allTickets()
      .filter((t) => t.calledAt !== null && t.windowId !== null)
      .sort((a, b) => b.calledAt! - a.calledAt!)
      .slice(0, RECENT_CALLS)
      .map((t) => ({
        seq: 0,
        at: t.calledAt!,
        ticketId: t.id,
        number: t.number,
        windowId: t.windowId!,
        windowNumber: q.window(t.windowId!)?.number ?? 0,
        recall: t.callCount > 1,
      }));
  }

  private callOf(ev: HallEvent): CallNotice | null {
    if (ev.type !== 'ticket:called' && ev.type !== 'ticket:recalled') return null;
    const q = this.service.queue;
    const t = q.ticket(ev.ticketId);
    const w = q.window(ev.windowId);
    if (!t || !w) return null;
    return {
      seq: ev.seq,
      at: ev.at,
      ticketId: t.id,
      number: t.number,
      windowId: w.id,
      windowNumber: w.number,
      recall: ev.type === 'ticket:recalled',
    };
  }
}

function ticketsOf(ev: HallEvent): string[] {
  if (!isQueueFact(ev)) return [];
  switch (ev.type) {
    case 'ticket:issued':
      return [ev.ticket.id];
    case 'hall:configured':
    case 'window:opened':
    case 'window:closed':
    case 'window:paused':
    case 'window:resumed':
    case 'day:closed':
      return [];
    default:
      return [ev.ticketId];
  }
}

function windowsOf(
  ev: HallEvent,
  all: ServiceWindow[],
  windowOfTicket: (id: string) => string | null,
): string[] {
  if (!isQueueFact(ev)) return [];
  switch (ev.type) {
    case 'hall:configured':
    case 'day:closed':
      return all.map((w) => w.id);
    case 'ticket:transferred':
      return ev.fromWindowId === null ? [] : [ev.fromWindowId];
    case 'ticket:cancelled': {
      const w = windowOfTicket(ev.ticketId);
      return w === null ? [] : [w];
    }
    case 'ticket:issued':
    case 'ticket:reinstated':
    case 'ticket:priority-overridden':
      return [];
    default:
      return [ev.windowId];
  }
}
