import { ARCHIVE_FACT_TYPES, type ArchiveFact, type ArchiveScheme } from './archive.ts';
import { BOOKING_FACT_TYPES, type BookingFact } from './booking.ts';
import { CASE_FACT_TYPES, type CaseFact } from './cases.ts';
import { COMPLAINT_FACT_TYPES, type ComplaintFact } from './complaints.ts';
import type { SlipKind } from './console.ts';
import type {
  FinishOutcome,
  OverrideNote,
  PriorityClass,
  QueueCategory,
  RatingChannel,
  RatingLevel,
  RatingReason,
  ServiceWindow,
  Ticket,
  WindowDefinition,
  WindowPost,
} from './domain.ts';
import { RECON_FACT_TYPES, type ReconFact } from './reconcile.ts';
import { REGION_FACT_TYPES, type RegionFact } from './region.ts';
import { RISK_FACT_TYPES, type RiskFact } from './risk.ts';
import type { FollowUpStatus } from './stats.ts';

/** Order policy (SPEC Q-ORD). */
export type QueuePolicy =
  | { kind: 'virtual-arrival' }
  | {
      kind: 'interleave';
      /** At most this many priority calls in a row (hall-wide) … */
      maxPriorityInRow: number;
      /** … while a regular ticket has waited longer than this. */
      regularWaitSeconds: number;
    }
  | {
      kind: 'tail-guard';
      /**
       * A priority ticket goes ahead only of the regular tickets in its lane that have waited
       * less than this share (percent) of the longest current regular wait in that lane …
       */
      sharePercent: number;
      /** … and never of one that arrived more than this long before it (the overtaking bound). */
      maxBonusSeconds: number;
    };

/** Settings a hall manager changes (stored as events, so history replays exactly). */
export interface HallSettings {
  hallName: string;
  /** The hall's offset from UTC; China has no daylight saving, so a fixed offset is exact. */
  utcOffsetMinutes: number;
  /** Age from the ID number at which a citizen gets the senior class (老年人权益保障法: 60). */
  seniorAge: number;
  /** How far each class moves a ticket ahead, in seconds of virtual arrival time. */
  bonusSeconds: Record<PriorityClass, number>;
  policy: QueuePolicy;
  /** Recalls allowed after the first call before a ticket may be marked no-show. */
  maxRecalls: number;
  /** A reinstated no-show goes this many places back from the head of its queue. */
  reinstatePlaces: number;
  /** A no-show may be reinstated at most this many times; after that the guide desk takes over. */
  maxReinstates: number;
  /** Digits of the daily number (A001 → 3). */
  numberDigits: number;
  /** Opening hours, local time "HH:MM"; days are ISO weekdays (1 = Monday). */
  openingHours: { open: string; close: string; weekdays: number[] };
  /** Local time ("HH:MM") at which the server closes the business day by itself (日结). */
  dayCloseAt: string;
  /** What boards say for a call: `{号}` is the ticket number as spoken, `{窗口}` the window number. */
  voiceTemplate: string;
  /**
   * One live ticket per person per category at the kiosk (SPEC KSK-4): a second attempt shows
   * the existing ticket. Absent means true (halls configured before the setting existed).
   */
  oneTicketPerCategory?: boolean;
  /** The 档号 scheme of the archive (SPEC ARC-1). Absent: DEFAULT_ARCHIVE_SCHEME. */
  archive?: ArchiveScheme;
  /** The citizen's phone: online tickets, queue notices, online rating (MOB-Q-*, MOB-RATE-*). Absent: DEFAULT_ONLINE. */
  online?: OnlineSettings;
}

/**
 * The phone channel's defaults (SPEC MOB-Q-3, NOTE-TRG-5, MOB-RATE-2): an online ticket has an
 * hour to be confirmed at the hall, the "almost your turn" SMS goes at 3 people ahead, and a
 * rating link is good for 7 days after the service.
 */
export const DEFAULT_ONLINE: OnlineSettings = { confirmMinutes: 60, aheadNotice: 3, ratingDays: 7 };

/** Hall settings of the phone channel (SPEC MOB-Q-*, NOTE-TRG-5, MOB-RATE-*). */
export interface OnlineSettings {
  /** An online ticket lapses this many minutes after it was taken unless confirmed at the hall. */
  confirmMinutes: number;
  /** "N people ahead": the SMS goes once, when N or fewer are ahead (0: never). */
  aheadNotice: number;
  /** A rating link is accepted for this many days after the service. */
  ratingDays: number;
}

export interface HallConfig {
  settings: HallSettings;
  categories: QueueCategory[];
  windows: WindowDefinition[];
}

/** Where a transfer sends a ticket (SPEC Q-TRF). */
export type TransferTarget = { categoryId: string } | { post: WindowPost } | { windowId: string };

export type OverrideAction =
  | { kind: 'front' }
  | { kind: 'pin'; windowId: string }
  | { kind: 'class'; priorityClass: PriorityClass };

/**
 * Facts of the business around the queue, in the same log: a window slip issued or printed
 * again (SPEC SLP-8), a kiosk form stored with its ticket (KSK-5). They carry references, never
 * the personal data itself (the applicant's name and the form's answers stay in their tables).
 */
export type RecordFact =
  | {
      type: 'slip:issued';
      /** The document number (HD/SL/BY/BZ + date + sequence). */
      number: string;
      kind: SlipKind;
      ticketId: string;
      /** The case an acceptance opened; null for the other kinds. */
      caseId: string | null;
      itemCode: string;
      /** The window it was issued at (the clerk's, else the ticket's). */
      windowId: string | null;
      by: string;
      /** The terminal it was queued to print on, and the job; null when printed as A4 or not at all. */
      printedOn: string | null;
      printJobId: string | null;
    }
  | {
      type: 'slip:reprinted';
      number: string;
      ticketId: string;
      by: string;
      printedOn: string | null;
      printJobId: string | null;
    }
  | {
      type: 'application:submitted';
      applicationId: string;
      /** The code printed on the ticket (F<yymmdd>-<number>). */
      code: string;
      ticketId: string;
      itemCode: string;
      /** The kiosk it was filled in at. */
      deviceId: string | null;
      formTitle: string;
      /** `online`: a form filled on the phone (MOB-FORM-3), taken up at the window with this ticket. */
      source?: 'online';
    }
  | {
      /**
       * Kiosk forms whose answers were deleted a retention time after their ticket or case
       * closed (SPEC SEC-MIN-2), with the stored answers and print jobs of that age.
       */
      type: 'forms:purged';
      applicationIds: string[];
      ticketIds: string[];
      retentionDays: number;
      commandResults: number;
      printJobs: number;
    }
  | BookingFact;

/**
 * The 回访 of a bad rating (SPEC FUP-5): each change of its record is also a fact, committed in
 * the same unit, so the center sees follow-ups (RGN-RPT-9). The callback's note and the
 * rectification are free text and stay in the record (sealed), never in these facts.
 */
export type FollowUpFact =
  | {
      type: 'follow-up:opened';
      ticketId: string;
      /** Rectification deadline (YYYY-MM-DD, hall time). */
      deadline: string;
      level: 1 | 2;
      windowId: string;
      /** The ticket's item (事项编码), or null when it had none. */
      itemCode: string | null;
      /** When the rating was given (ms); `at` is when the record was opened. */
      ratedAt: number;
    }
  | { type: 'follow-up:called-back'; ticketId: string; reached: boolean; by: string }
  | { type: 'follow-up:status-changed'; ticketId: string; status: FollowUpStatus; by: string };

export const FOLLOW_UP_FACT_TYPES = [
  'follow-up:opened',
  'follow-up:called-back',
  'follow-up:status-changed',
] as const satisfies readonly FollowUpFact['type'][];

/** Whether this is a fact of a bad rating's follow-up (FUP-5). */
export function isFollowUpFact<T extends { type: string }>(ev: T): ev is Extract<T, FollowUpFact> {
  return ev.type.startsWith('follow-up:');
}

export const RECORD_FACT_TYPES = [
  'slip:issued',
  'slip:reprinted',
  'application:submitted',
  'forms:purged',
  ...BOOKING_FACT_TYPES,
] as const satisfies readonly RecordFact['type'][];

const NOT_QUEUE: ReadonlySet<string> = new Set([
  ...CASE_FACT_TYPES,
  ...RECORD_FACT_TYPES,
  ...RECON_FACT_TYPES,
  ...RISK_FACT_TYPES,
  ...COMPLAINT_FACT_TYPES,
  ...ARCHIVE_FACT_TYPES,
  ...REGION_FACT_TYPES,
  ...FOLLOW_UP_FACT_TYPES,
]);

/** Whether the queue engine folds this fact (the others only advance its seq). */
export function isQueueFact<T extends EventBody>(ev: T): ev is Extract<T, QueueFact> {
  return !NOT_QUEUE.has(ev.type);
}

/** Whether this is a fact of risk control (RISK-*). */
export function isRiskFact<T extends EventBody>(ev: T): ev is Extract<T, RiskFact> {
  return ev.type.startsWith('risk:');
}

/** Whether this is a fact of a case (CASE-*). */
export function isCaseFact<T extends EventBody>(ev: T): ev is Extract<T, CaseFact> {
  return (CASE_FACT_TYPES as readonly string[]).includes(ev.type);
}

/** Facts. Each carries everything needed to replay it without re-deciding (SPEC Q-LOG-2). */
export type EventBody =
  | QueueFact
  | CaseFact
  | RecordFact
  | ReconFact
  | RiskFact
  | ComplaintFact
  | ArchiveFact
  | RegionFact
  | FollowUpFact;

/** Facts the queue engine folds (tickets, windows, the hall's configuration and day). */
export type QueueFact =
  | { type: 'hall:configured'; config: HallConfig; by: string }
  | { type: 'ticket:issued'; ticket: Ticket }
  | { type: 'window:opened'; windowId: string; clerkId: string }
  | { type: 'window:closed'; windowId: string }
  | { type: 'window:paused'; windowId: string; reason: string }
  | { type: 'window:resumed'; windowId: string }
  | { type: 'ticket:called'; ticketId: string; windowId: string; priorityStreak: number }
  | { type: 'ticket:recalled'; ticketId: string; windowId: string }
  | { type: 'ticket:serving'; ticketId: string; windowId: string }
  | { type: 'ticket:no-show'; ticketId: string; windowId: string }
  | { type: 'ticket:finished'; ticketId: string; windowId: string; outcome: FinishOutcome }
  | { type: 'ticket:parked'; ticketId: string; windowId: string; note: string | null }
  | { type: 'ticket:resumed'; ticketId: string; windowId: string }
  | { type: 'ticket:reinstated'; ticketId: string; orderKey: number; tieBreak: number; by: string }
  | {
      type: 'ticket:transferred';
      ticketId: string;
      fromWindowId: string | null;
      categoryId: string;
      requiredPost: WindowPost | null;
      pinnedWindowId: string | null;
      by: string;
      note: string;
    }
  | { type: 'ticket:cancelled'; ticketId: string; by: string; reason: string }
  /** An online ticket confirmed at the hall (kiosk card or code, or the guide): it may be called now. */
  | { type: 'ticket:confirmed'; ticketId: string; by: string }
  | {
      type: 'ticket:rated';
      ticketId: string;
      windowId: string;
      servedBy: string | null;
      level: RatingLevel;
      reasons: RatingReason[];
      channel: RatingChannel;
      /** The citizen's own words from the rating page (MOB-RATE-4), screened for personal numbers. */
      comment?: string;
    }
  | {
      type: 'ticket:priority-overridden';
      ticketId: string;
      action: OverrideAction;
      orderKey: number;
      note: OverrideNote;
    }
  | {
      type: 'day:closed';
      businessDay: string;
      settledTicketIds: string[];
      closeWindows: boolean;
      by: string;
      reason: string;
    };

export type EventType = EventBody['type'];

/** A fact as committed: the hall's sequence number and the time it was decided. */
export type HallEvent = EventBody & { seq: number; at: number };

/** The engine's whole state as plain JSON: what recovery loads and what tests compare. */
export interface EngineSnapshot {
  seq: number;
  config: HallConfig | null;
  windows: ServiceWindow[];
  tickets: Ticket[];
  counters: { categoryId: string; businessDay: string; last: number }[];
  priorityStreak: number;
  lastClosedDay: string | null;
}
