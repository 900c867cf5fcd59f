import { FINISH_OUTCOMES, type FinishOutcome, type Ticket } from '@onewindow/shared';
import { localTimeOf } from '../domain/clock.ts';
import type { AppointmentRow } from '../store/appointment.store.ts';
import type { ReportStore, WindowOpening } from '../store/report.store.ts';

/** Count, mean and 90th percentile (nearest rank) of durations, in whole seconds. */
export interface DurationStats {
  count: number;
  avgSeconds: number | null;
  p90Seconds: number | null;
}

/** Ticket counts of a category or the whole hall (SPEC RPT-2). */
export interface CountBlock {
  issued: number;
  /** Finished at a window (status done). */
  served: number;
  outcomes: Record<FinishOutcome, number>;
  /** Marked no-show at least once and never served (they also count below by how they ended). */
  noShows: number;
  /** Cancelled by staff. */
  cancelled: number;
  /** Still live when the day was closed, settled as cancelled by the close (Q-DAY-1). */
  settledAtClose: number;
  /** Still live (the day is open). */
  live: number;
  /** arrivedAt → calledAt of every ticket that was called. */
  wait: DurationStats;
  /** calledAt → finishedAt of served tickets. */
  service: DurationStats;
}

export interface ServedBy {
  served: number;
  outcomes: Record<FinishOutcome, number>;
  service: DurationStats;
}

export interface DayReport {
  businessDay: string;
  /** Whether the day has been closed (its numbers are final). */
  closed: boolean;
  total: CountBlock;
  categories: (CountBlock & { categoryId: string })[];
  /** Served tickets by the window that finished them. */
  windows: (ServedBy & { windowId: string })[];
  /** Served tickets by the clerk signed on at that window when the ticket was finished. */
  clerks: (ServedBy & { clerkId: string; windowIds: string[] })[];
  /** Tickets issued per local hour 0–23 (the hall's UTC offset). */
  hourlyArrivals: number[];
  appointments: {
    total: number;
    booked: number;
    checkedIn: number;
    late: number;
    missed: number;
    cancelled: number;
  };
}

export interface DayReportInput {
  businessDay: string;
  utcOffsetMinutes: number;
  /** Every ticket of the day, from the store's projection. */
  tickets: readonly Readonly<Ticket>[];
  /** Ids the day close settled (empty while the day is open). */
  settledTicketIds: readonly string[];
  closed: boolean;
  /** Sign-ons (`window:opened`) that can cover the day, in any order. */
  openings: readonly Pick<WindowOpening, 'seq' | 'at' | 'windowId' | 'clerkId'>[];
  /** Categories to list even with no tickets, in this order (others follow by id). */
  categoryIds?: readonly string[];
  appointments?: readonly Pick<AppointmentRow, 'status' | 'late'>[];
}

const LIVE = new Set<Ticket['status']>(['waiting', 'called', 'serving', 'parked', 'no-show']);

/** Nearest-rank percentile of a sorted sample. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function durationStats(ms: readonly number[]): DurationStats {
  if (ms.length === 0) return { count: 0, avgSeconds: null, p90Seconds: null };
  const sorted = [...ms].sort((a, b) => a - b);
  const avg = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return {
    count: sorted.length,
    avgSeconds: Math.round(avg / 1000),
    p90Seconds: Math.round(percentile(sorted, 90) / 1000),
  };
}

const noOutcomes = (): Record<FinishOutcome, number> =>
  Object.fromEntries(FINISH_OUTCOMES.map((o) => [o, 0])) as Record<FinishOutcome, number>;

function countBlock(tickets: readonly Readonly<Ticket>[], settled: ReadonlySet<string>): CountBlock {
  const outcomes = noOutcomes();
  let served = 0;
  let noShows = 0;
  let cancelled = 0;
  let settledAtClose = 0;
  let live = 0;
  const waits: number[] = [];
  const services: number[] = [];
  for (const t of tickets) {
    if (t.status === 'done') {
      served += 1;
      if (t.outcome !== null) outcomes[t.outcome] += 1;
      if (t.calledAt !== null && t.finishedAt !== null) services.push(t.finishedAt - t.calledAt);
    } else if (t.status === 'cancelled') {
      if (settled.has(t.id)) settledAtClose += 1;
      else cancelled += 1;
    } else if (LIVE.has(t.status)) live += 1;
    if (t.misses > 0 && t.status !== 'done') noShows += 1;
    if (t.calledAt !== null) waits.push(t.calledAt - t.arrivedAt);
  }
  return {
    issued: tickets.length,
    served,
    outcomes,
    noShows,
    cancelled,
    settledAtClose,
    live,
    wait: durationStats(waits),
    service: durationStats(services),
  };
}

function servedBy(tickets: readonly Readonly<Ticket>[]): ServedBy {
  const outcomes = noOutcomes();
  const services: number[] = [];
  for (const t of tickets) {
    if (t.outcome !== null) outcomes[t.outcome] += 1;
    if (t.calledAt !== null && t.finishedAt !== null) services.push(t.finishedAt - t.calledAt);
  }
  return { served: tickets.length, outcomes, service: durationStats(services) };
}

function groupBy<T>(items: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/**
 * The day report (日结报表, SPEC RPT-1..RPT-5): a pure function of the day's ticket rows and
 * the sign-on facts, so the same store always gives the same report.
 */
export function dayReport(input: DayReportInput): DayReport {
  const settled = new Set(input.settledTicketIds);
  const tickets = input.tickets.filter((t) => t.businessDay === input.businessDay);

  const order = [...(input.categoryIds ?? [])];
  for (const id of [...new Set(tickets.map((t) => t.categoryId))].sort())
    if (!order.includes(id)) order.push(id);
  const byCategory = groupBy(tickets, (t) => t.categoryId);
  const categories = order.map((categoryId) => ({
    categoryId,
    ...countBlock(byCategory.get(categoryId) ?? [], settled),
  }));

  const done = tickets.filter((t) => t.status === 'done' && t.windowId !== null);
  const windows = [...groupBy(done, (t) => t.windowId!)]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([windowId, list]) => ({ windowId, ...servedBy(list) }));

  // RPT-4: a ticket belongs to the clerk whose sign-on at its window came last before it was finished.
  const openings = groupBy(
    [...input.openings].sort((a, b) => a.seq - b.seq),
    (o) => o.windowId,
  );
  const clerkOf = (t: Readonly<Ticket>): string => {
    let clerk = 'unknown';
    for (const o of openings.get(t.windowId!) ?? []) {
      // Strictly before: a window reopened in the same millisecond as a finish is the next shift.
      if (o.at >= t.finishedAt!) break;
      clerk = o.clerkId;
    }
    return clerk;
  };
  const clerkTickets = groupBy(done, clerkOf);
  const clerks = [...clerkTickets]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([clerkId, list]) => ({
      clerkId,
      windowIds: [...new Set(list.map((t) => t.windowId!))].sort((a, b) =>
        a.localeCompare(b, 'en', { numeric: true }),
      ),
      ...servedBy(list),
    }));

  const hourlyArrivals = Array.from({ length: 24 }, () => 0);
  for (const t of tickets) {
    const h = Math.floor(localTimeOf(t.arrivedAt, input.utcOffsetMinutes).minutes / 60);
    hourlyArrivals[h] = (hourlyArrivals[h] ?? 0) + 1;
  }

  const appts = input.appointments ?? [];
  return {
    businessDay: input.businessDay,
    closed: input.closed,
    total: countBlock(tickets, settled),
    categories,
    windows,
    clerks,
    hourlyArrivals,
    appointments: {
      total: appts.length,
      booked: appts.filter((a) => a.status === 'booked').length,
      checkedIn: appts.filter((a) => a.status === 'checked-in').length,
      late: appts.filter((a) => a.status === 'checked-in' && a.late).length,
      missed: appts.filter((a) => a.status === 'missed').length,
      cancelled: appts.filter((a) => a.status === 'cancelled').length,
    },
  };
}

/** Midnight at the start of a business day, in epoch ms. */
export function dayStartMs(businessDay: string, utcOffsetMinutes: number): number {
  return Date.parse(`${businessDay}T00:00:00Z`) - utcOffsetMinutes * 60_000;
}

/**
 * Reads what the report needs from the store (RPT-5): the day's ticket rows, the fact that
 * closed it, and the sign-ons from the day's first fact on (plus, per window, the sign-on
 * still in force when the day began).
 */
export function loadDayReport(
  store: ReportStore,
  opts: {
    businessDay: string;
    utcOffsetMinutes: number;
    categoryIds?: readonly string[];
    appointments?: readonly Pick<AppointmentRow, 'status' | 'late'>[];
  },
): DayReport {
  const tickets = store.ticketsOfDay(opts.businessDay);
  const fromSeq = store.firstSeqAtOrAfter(dayStartMs(opts.businessDay, opts.utcOffsetMinutes));
  const closedBy = store.dayClosed(opts.businessDay, fromSeq);
  const toSeq = closedBy?.seq ?? store.lastSeq();
  const openings = store.openings(fromSeq, toSeq);
  const windowIds = new Set(tickets.map((t) => t.windowId).filter((w): w is string => w !== null));
  for (const w of windowIds) {
    const carried = store.openingBefore(fromSeq, w);
    if (carried !== undefined) openings.push(carried);
  }
  return dayReport({
    businessDay: opts.businessDay,
    utcOffsetMinutes: opts.utcOffsetMinutes,
    tickets,
    settledTicketIds: closedBy?.settledTicketIds ?? [],
    closed: closedBy !== undefined,
    openings,
    ...(opts.categoryIds ? { categoryIds: opts.categoryIds } : {}),
    ...(opts.appointments ? { appointments: opts.appointments } : {}),
  });
}
