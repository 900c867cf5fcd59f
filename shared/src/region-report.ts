/**
 * The region's report at the center (SPEC RGN-RPT-*): the shapes `GET /api/center/report` answers
 * and the console's center mode reads. Zod-free (types only). Figures mean what the hall's mean
 * (STAT-*, HYR-*, IMP-*); nothing here carries a name, ID number or phone (RGN-RPT-5).
 */
import type { WindowPost } from './domain.ts';
import type { BadRating, CategoryFigures, DayPoint, FollowUpStatus, HallStats } from './stats.ts';

/** A hall's row of the league: its STAT totals plus its 限时件, alerts and complaints (HYR-1). */
export interface HallLeagueRow extends CategoryFigures {
  /** 1 = best 好评率 (then more served); halls without ratings last. */
  rank: number;
  hallId: string;
  name: string;
  casesAccepted: number;
  casesFinished: number;
  /** 限时件按时办结率, percent with two decimals (HYR-1). */
  onTimeRate: number | null;
  casesOverdue: number;
  alertsRaised: number;
  alertsOverdue: number;
  complaints: number;
  /** 差评回访 of the hall's bad ratings in the range (RGN-RPT-9). */
  followUps: FollowUpCounts;
  /** The center's high-water mark of the hall: its figures are as of this fact. */
  highWater: number;
  lastContact: number | null;
  flagged: string | null;
}

/** A window of a hall (STAT-4's window figures). */
export interface WindowLeagueRow {
  rank: number;
  hallId: string;
  hallName: string;
  windowId: string;
  windowNumber: number;
  post: WindowPost;
  calls: number;
  served: number;
  noShows: number;
  waitAvgSec: number | null;
  serviceAvgSec: number | null;
  serviceP90Sec: number | null;
  rated: number;
  /** 0…1 (STAT-4). */
  goodRate: number | null;
  bad: number;
}

/** An item across halls (IMP-1's row, merged). */
export interface ItemLeagueRow {
  rank: number;
  /** The item code (未选事项 for tickets without one). */
  key: string;
  /** The item's name in the region's catalog, else as a hall's case facts carry it, else null. */
  name: string | null;
  /** Halls with a rating or complaint of the item in the range. */
  halls: number;
  ratings: number;
  byLevel: Record<string, number>;
  /** Percent with two decimals (IMP-1). */
  goodRate: number | null;
  badReasons: Record<string, number>;
  complaints: number;
  complaintsClosed: number;
  complaintsUpheld: number;
}

/**
 * A bad rating's 回访 as the center knows it from the hall's follow-up facts (FUP-5, RGN-RPT-9):
 * its status and counts, never the callback notes or the rectification (they stay in the hall).
 */
export interface RegionFollowUp {
  status: FollowUpStatus;
  /** Rectification deadline (YYYY-MM-DD, hall time). */
  deadline: string;
  /** Not closed and the hall's today is after the deadline (the hall's own FUP-4 rule). */
  overdue: boolean;
  /** When the record was opened (ms). */
  openedAt: number;
  /** Callbacks logged, and whether any reached the citizen. */
  callbacks: number;
  reached: boolean;
  closedAt: number | null;
}

/** Follow-up counts over a set of bad ratings (RGN-RPT-9). */
export interface FollowUpCounts {
  /** Bad ratings in the range. */
  bad: number;
  /** Of them, with a follow-up record (the rest: a hall that has not shipped it yet). */
  total: number;
  open: number;
  calledBack: number;
  rectifying: number;
  closed: number;
  overdue: number;
  /** 回访办结率: closed ÷ bad, percent with two decimals; null without bad ratings. */
  closedRate: number | null;
}

/** A bad rating with its hall; `followUp` is the center's view of its record (null when none arrived). */
export type RegionBadRating = Omit<BadRating, 'followUp'> & {
  hallId: string;
  hallName: string;
  followUp: RegionFollowUp | null;
};

export interface RegionOverdueCase {
  hallId: string;
  hallName: string;
  caseId: string;
  itemCode: string | null;
  deadline: string;
  status: string;
  finishedDay: string | null;
}

export interface RegionOverdueAlert {
  hallId: string;
  hallName: string;
  alertId: string;
  ruleId: string;
  riskCode: string;
  dueDay: string;
  disposedDay: string | null;
}

export interface RegionReport {
  from: string;
  to: string;
  generatedAt: number;
  hallIds: string[];
  total: CategoryFigures;
  halls: HallLeagueRow[];
  windows: WindowLeagueRow[];
  items: ItemLeagueRow[];
  badRatings: RegionBadRating[];
  /** 差评回访 over all halls (RGN-RPT-9): the sum of the halls' counts. */
  followUps: FollowUpCounts;
  cases: { accepted: number; finished: number; finishedOnTime: number; onTimeRate: number | null };
  overdueCases: RegionOverdueCase[];
  alerts: { raised: number; byRule: Record<string, number>; escalated: number };
  overdueAlerts: RegionOverdueAlert[];
  days: DayPoint[];
  hourlyArrivals: number[];
  /** Each hall's own figures (STAT-*), as its console would show them (without staff names). */
  perHall: { hallId: string; stats: HallStats }[];
}

/** A hall on the center's status table (RGN-OPS-3), as the report's hall picker lists it. */
export interface RegionHallStatus {
  hallId: string;
  name: string;
  health: 'ok' | 'lagging' | 'silent' | 'never' | 'flagged';
  highWater: number;
  lag: number;
  lastContact: string | null;
  flagged: string | null;
}
