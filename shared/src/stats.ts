/**
 * The hall manager's figures (SPEC STAT-*) and the follow-up of bad ratings (差评回访,
 * SPEC FUP-*): the exact response shapes of
 *
 * - `GET  /api/stats?from=YYYY-MM-DD&to=YYYY-MM-DD`          → {@link HallStats} (manager, admin)
 * - `GET  /api/stats/me?date=YYYY-MM-DD`                     → {@link MyStats} (clerk, rights-clerk)
 * - `GET  /api/stats/export?from&to&format=csv|xlsx`         → a file (manager, admin)
 * - `GET  /api/follow-ups?status=&from=&to=`                 → {@link FollowUpList} (manager, admin)
 * - `GET  /api/follow-ups/:ticketId`                         → {@link FollowUp}
 * - `POST /api/follow-ups/:ticketId/callback` {@link FollowUpCallbackBody} → {@link FollowUp}
 * - `POST /api/follow-ups/:ticketId/status`   {@link FollowUpStatusBody}   → {@link FollowUp}
 * - `GET|PUT /api/follow-ups/settings`        {@link FollowUpSettings}     → {@link FollowUpSettings}
 *
 * Every body is wrapped in the usual envelope `{ok: true, data} | {ok: false, error}`.
 *
 * Durations are whole seconds (rounded half up from milliseconds). A percentile is the
 * **nearest-rank** value: for n samples sorted ascending, p90 is the sample at 1-based rank
 * ⌈0.9 × n⌉ (one sample → that sample; no samples → `null`). Averages and p90s are `null`
 * when there is nothing to measure.
 */
import { z } from 'zod';
import type { FinishOutcome, RatingLevel, RatingReason, WindowPost } from './domain.ts';
import { staffText } from './staff-text.ts';

/** How many tickets ended with each outcome (即时办结, 限时受理, 不予受理, 一次性补正). */
export type OutcomeCounts = Record<FinishOutcome, number>;

/**
 * Wait and service times.
 * - wait: a ticket's arrival (`arrivedAt`) → its **first** `ticket:called` (later calls after a
 *   transfer or reinstatement do not count again), one sample per ticket ever called.
 * - service: the last `ticket:serving` before the `ticket:finished` → that finish (so a parked
 *   and resumed service includes the time parked), one sample per finished ticket.
 */
export interface TimeFigures {
  waitCount: number;
  waitAvgSec: number | null;
  waitP90Sec: number | null;
  serviceCount: number;
  serviceAvgSec: number | null;
  serviceP90Sec: number | null;
}

/** Ratings 政务服务"好差评": 好评 = levels 5–4, 中评 = 3, 差评 = 2–1. */
export interface RatingSummary {
  /** Ratings given. */
  rated: number;
  /** Count per level; keys '1'…'5'. */
  byLevel: Record<'1' | '2' | '3' | '4' | '5', number>;
  /** Levels 5–4. */
  good: number;
  /** Level 3. */
  fair: number;
  /** Levels 2–1 (差评). */
  bad: number;
  /** 好评率 = good / rated (0…1), null when nothing was rated. */
  goodRate: number | null;
}

/**
 * Figures of a queue category (or the whole hall) over the range, replayed from the fact log.
 * A ticket counts in the category it is in when each fact happens: issued in the category it
 * was issued to; a transfer that changes its category is one `transfersOut` of the old and one
 * `transfersIn` of the new; served, outcomes and service time in the category it was
 * finished in; wait in the category it was first called from. Hence per category
 * `issued + transfersIn − transfersOut = served + cancelled + settledAtClose + stillOpen`.
 * For the whole hall transfers in and out are counted between categories (they are equal).
 */
export interface CategoryFigures extends TimeFigures {
  /** `ticket:issued` facts. */
  issued: number;
  /** `ticket:finished` facts (served at a window). */
  served: number;
  /** Tickets waiting now (status waiting); `null` when the range does not include today. */
  waitingNow: number | null;
  /** Tickets not finished, cancelled or settled at the end of the range (waiting, called, serving, parked, no-show). */
  stillOpen: number;
  /** `ticket:no-show` facts (a ticket missed twice counts twice). */
  noShows: number;
  /** `ticket:cancelled` facts (cancelled by staff). */
  cancelled: number;
  /** Tickets settled as cancelled by a day close (Q-DAY-1). */
  settledAtClose: number;
  transfersIn: number;
  transfersOut: number;
  outcomes: OutcomeCounts;
  ratings: RatingSummary;
}

export interface CategoryStats extends CategoryFigures {
  categoryId: string;
  prefix: string;
  name: string;
}

/**
 * Work done at a window (or by a clerk) over the range. At a window: every fact with that
 * `windowId`. For a clerk: calls, no-shows and transfers made at a window while the clerk was
 * signed on there (`window:opened` … `window:closed`/day close); served, outcomes, service
 * times and ratings belong to the ticket's `servedBy` (the clerk signed on when its service
 * started or resumed, SPEC RAT-3); wait belongs to whoever made the first call.
 */
export interface WorkFigures extends TimeFigures {
  /** `ticket:called` facts (recalls not counted). */
  calls: number;
  /** `ticket:recalled` facts. */
  recalls: number;
  served: number;
  noShows: number;
  /** Transfers made away from this window (`fromWindowId`). */
  transfersOut: number;
  /** Transfers addressed to this named window (`pinnedWindowId`). */
  transfersIn: number;
  /** `ticket:parked` facts. */
  parked: number;
  outcomes: OutcomeCounts;
  ratings: RatingSummary;
}

export interface WindowStats extends WorkFigures {
  windowId: string;
  windowNumber: number;
  post: WindowPost;
}

/**
 * A clerk's performance in quantity, time and quality (LD/T 02 §8.4, after GB/T 34414):
 * quantity = tickets served (and per hour signed on), time = service times and how long
 * citizens waited for their calls, quality = ratings and outcome mix.
 */
export interface ClerkPerformance {
  quantity: {
    served: number;
    /** Seconds signed on at a window within the range (up to now for a window still open). */
    onDutySec: number;
    /** served / on-duty hours, two decimals; null when never signed on. */
    servedPerHour: number | null;
  };
  time: {
    serviceAvgSec: number | null;
    serviceP90Sec: number | null;
    waitAvgSec: number | null;
  };
  quality: {
    rated: number;
    /** rated / served (0…1), null when nothing was served. */
    ratedRate: number | null;
    /** 好评率 (levels 5–4 / rated). */
    goodRate: number | null;
    /** 差评 count (levels 2–1). */
    badCount: number;
    /** Share of served tickets finished as 即时办结 (completed), null when none served. */
    completedRate: number | null;
  };
}

export interface ClerkStats extends WorkFigures {
  clerkId: string;
  /** From the staff table; null for an id no longer there. */
  clerkName: string | null;
  /** 工号. */
  staffNumber: string | null;
  /** Window numbers the clerk worked at in the range, ascending. */
  windowNumbers: number[];
  performance: ClerkPerformance;
}

/** One day of the range, for charts. */
export interface DayPoint {
  /** YYYY-MM-DD (business day). */
  day: string;
  issued: number;
  served: number;
}

/** A bad rating (差评, level 1–2) with its follow-up record. */
export interface BadRating {
  ticketId: string;
  number: string;
  level: 1 | 2;
  reasons: RatingReason[];
  /** When it was rated (ms since epoch). */
  at: number;
  windowId: string;
  windowNumber: number | null;
  clerkId: string | null;
  clerkName: string | null;
  /** Its 回访 record; null only for a moment between the rating and its record. */
  followUp: FollowUp | null;
}

/** `GET /api/stats` (SPEC STAT-1..STAT-6). */
export interface HallStats {
  /** Inclusive range of business days. */
  from: string;
  to: string;
  /** Today's business day at the server, and whether the range includes it. */
  today: string;
  includesToday: boolean;
  /** When the figures were computed (ms) and up to which fact (seq). */
  generatedAt: number;
  lastSeq: number;
  utcOffsetMinutes: number;
  total: CategoryFigures;
  /** Every configured category, in configuration order (then any others by id). */
  categories: CategoryStats[];
  /** Windows with any activity in the range, by window number. */
  windows: WindowStats[];
  /** Clerks with any activity in the range, by staff number. */
  clerks: ClerkStats[];
  /** Tickets issued per local hour 0–23 (hall time, `utcOffsetMinutes`), summed over the range. */
  hourlyArrivals: number[];
  ratings: RatingSummary;
  /** Levels 1–2 in the range, newest first. */
  badRatings: BadRating[];
  /** Every business day of the range in order, including days with nothing. */
  days: DayPoint[];
}

/** `GET /api/stats/me?date=` (SPEC STAT-7): the signed-in clerk's own day. */
export interface MyStats extends ClerkStats {
  date: string;
}

/** Formats of `GET /api/stats/export`. */
export const STATS_EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type StatsExportFormat = (typeof STATS_EXPORT_FORMATS)[number];

/* ------------------------------------------------------------------ follow-ups (回访) */

/** open → called-back (a callback was logged) → rectifying → closed (needs a rectification note). */
export const FOLLOW_UP_STATUSES = ['open', 'called-back', 'rectifying', 'closed'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** One call back to the citizen. */
export interface FollowUpCallback {
  at: number;
  /** Staff id of who called. */
  by: string;
  byName: string | null;
  note: string;
  /** Whether the citizen was reached. */
  reached: boolean;
}

/** The 回访 record every bad rating (level 1–2) gets automatically (SPEC FUP-1). */
export interface FollowUp {
  ticketId: string;
  ticketNumber: string;
  businessDay: string;
  level: 1 | 2;
  reasons: RatingReason[];
  ratedAt: number;
  clerkId: string | null;
  clerkName: string | null;
  windowId: string;
  windowNumber: number | null;
  /** Rectification deadline: the rating's local day + `workingDays` working days (YYYY-MM-DD). */
  deadline: string;
  /** The setting in force when the record was created. */
  workingDays: number;
  status: FollowUpStatus;
  callbacks: FollowUpCallback[];
  /** What was done about it (整改情况); required to close. */
  rectification: string | null;
  closedAt: number | null;
  closedBy: string | null;
  /** Computed when read: today (hall time) is after the deadline and it is not closed. */
  overdue: boolean;
}

/** `GET /api/follow-ups`. */
export interface FollowUpList {
  today: string;
  followUps: FollowUp[];
  counts: Record<FollowUpStatus, number> & { overdue: number; total: number };
}

/** `GET|PUT /api/follow-ups/settings`. */
export const followUpSettingsSchema = z.strictObject({
  /** Working days to rectify a bad rating (default 15). */
  workingDays: z.int().min(1).max(120),
});
export type FollowUpSettings = z.infer<typeof followUpSettingsSchema>;

export const followUpCallbackBodySchema = z.strictObject({
  note: staffText(2000),
  reached: z.boolean(),
});
export type FollowUpCallbackBody = z.infer<typeof followUpCallbackBodySchema>;

export const followUpStatusBodySchema = z.strictObject({
  status: z.enum(FOLLOW_UP_STATUSES),
  /** Required (here or already on the record) to close. */
  rectification: staffText(4000).optional(),
});
export type FollowUpStatusBody = z.infer<typeof followUpStatusBodySchema>;

/** Levels that count as 差评 and get a follow-up. */
export const isBadRating = (level: RatingLevel): level is 1 | 2 => level <= 2;
