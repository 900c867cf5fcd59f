/**
 * The hall's domain vocabulary, shared by the server and every terminal.
 * Terms follow LD/T 02—2021; the glossary is in docs/ARCHITECTURE.md.
 */

/** Window posts (LD/T 02 §7): 综合柜员岗, 权益柜员岗, and a bulk window for employers (单位业务). */
export const WINDOW_POSTS = ['comprehensive', 'rights', 'bulk'] as const;
export type WindowPost = (typeof WINDOW_POSTS)[number];

/**
 * Priority classes. `regular` has no bonus; the others move a ticket ahead by a bounded
 * amount (hall setting). `disability` is sensitive: only the class is ever stored, never why.
 */
export const PRIORITY_CLASSES = ['regular', 'senior', 'appointment', 'military', 'disability'] as const;
export type PriorityClass = (typeof PRIORITY_CLASSES)[number];

/** Ticket lifecycle. `done`, `cancelled` are terminal; `no-show` can be reinstated. */
export const TICKET_STATUSES = [
  'waiting',
  'called',
  'serving',
  'parked',
  'done',
  'no-show',
  'cancelled',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/**
 * How a service ended at the window (LD/T 02 §9.3.6, §9.4):
 * 即时办结 completed, 限时受理 accepted, 不予受理 rejected, 一次性补正 supplement.
 */
export const FINISH_OUTCOMES = ['completed', 'accepted', 'rejected', 'supplement'] as const;
export type FinishOutcome = (typeof FINISH_OUTCOMES)[number];

/** The five levels of 政务服务"好差评": 5 非常满意 … 1 非常不满意 (好评 5–4, 中评 3, 差评 2–1). */
export const RATING_LEVELS = [5, 4, 3, 2, 1] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];

/** Reasons a citizen can pick for a bad rating. */
export const RATING_REASONS = ['attitude', 'efficiency', 'competence', 'waiting', 'other'] as const;
export type RatingReason = (typeof RATING_REASONS)[number];

/** Where a rating came from: the pad's screen, a physical keypad, or later channels. */
export const RATING_CHANNELS = ['pad', 'keypad', 'online', 'sms', 'phone'] as const;
export type RatingChannel = (typeof RATING_CHANNELS)[number];

export interface TicketRating {
  level: RatingLevel;
  reasons: RatingReason[];
  channel: RatingChannel;
  at: number;
}

/** Where a ticket came from; `online`: joined from the citizen's phone (SPEC MOB-Q-1). */
export const TICKET_SOURCES = ['kiosk', 'guide', 'api', 'appointment', 'online'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

/** A queue category: a letter prefix with its own daily numbering (A 综合业务 …). */
export interface QueueCategory {
  id: string;
  /** Letter(s) printed before the number; '' for halls that use bare numbers. */
  prefix: string;
  name: string;
  nameEn: string;
}

export type WindowState = 'closed' | 'open' | 'paused';

/** A service window (窗口) as configured by the hall. */
export interface WindowDefinition {
  id: string;
  /** The number on the wall and in the voice call (请A001号到3号窗口办理). */
  number: number;
  post: WindowPost;
  /** Categories this window serves when it calls next. */
  categoryIds: string[];
}

/** A window and what it is doing now. */
export interface ServiceWindow extends WindowDefinition {
  state: WindowState;
  pauseReason: string | null;
  clerkId: string | null;
  /** The ticket called to or served at this window, if any. */
  ticketId: string | null;
}

/**
 * The citizen behind a ticket, as much as the queue needs: never the full ID number.
 * `ref` is an opaque keyed hash the edge computes so "one live ticket per person" can be
 * checked without storing the number.
 */
export interface TicketHolder {
  masked: string;
  /**
   * Whether the holder is a senior (SPEC Q-PRI-1) on the ticket's business day. Not the birth
   * date: with the masked number it would leave only ~3 unknown digits (SEC-MIN-1).
   */
  senior: boolean;
  ref: string | null;
}

/** A guide's decision that overrides the normal order, kept with who and why. */
export interface OverrideNote {
  at: number;
  by: string;
  reason: string;
}

export interface Ticket {
  /** Stable id: business day + number, e.g. 20261126-A001. */
  id: string;
  number: string;
  categoryId: string;
  businessDay: string;
  /** Daily sequence within the category (the 1 of A001). */
  seq: number;
  itemCode: string | null;
  source: TicketSource;
  status: TicketStatus;
  priorityClass: PriorityClass;
  holder: TicketHolder | null;
  /** When the citizen took the number (ms since epoch); kept across transfers. */
  arrivedAt: number;
  /** Virtual arrival time: the queue order key (SPEC Q-ORD-1). */
  orderKey: number;
  /** Tie-break between equal order keys: the hall event seq that issued the ticket. */
  tieBreak: number;
  /** Set when a guide moved it to the front (SPEC Q-OVR-1). */
  front: OverrideNote | null;
  pinnedWindowId: string | null;
  requiredPost: WindowPost | null;
  /** Window that holds it while called/serving/parked, else the last one. */
  windowId: string | null;
  callCount: number;
  calledAt: number | null;
  servingAt: number | null;
  finishedAt: number | null;
  misses: number;
  outcome: FinishOutcome | null;
  /** Why it was cancelled (guide, citizen, day close). */
  cancelReason: string | null;
  /** The clerk who served it (for ratings and performance, LD/T 02 §8.4). */
  servedBy: string | null;
  /** The citizen's rating, once given (at most one per ticket). */
  rating: TicketRating | null;
  /**
   * Only on an online ticket not yet confirmed at the hall (SPEC MOB-Q-2): the instant it lapses.
   * Until it is confirmed the ticket keeps its place (its order key counts) but is never called.
   */
  confirmBy?: number;
}

/** Why a command was refused. The edge maps codes to HTTP statuses and Chinese messages. */
export const DOMAIN_ERROR_CODES = [
  'NOT_CONFIGURED',
  'INVALID_CONFIG',
  'UNKNOWN_CATEGORY',
  'UNKNOWN_WINDOW',
  'UNKNOWN_TICKET',
  'INVALID_ID_NUMBER',
  'REASON_REQUIRED',
  'NUMBERS_EXHAUSTED',
  'DAY_CLOSED',
  'WINDOW_CLOSED',
  'WINDOW_PAUSED',
  'WINDOW_NOT_PAUSED',
  'WINDOW_ALREADY_OPEN',
  'WINDOW_BUSY',
  'WINDOW_IDLE',
  'QUEUE_EMPTY',
  'RECALL_LIMIT',
  'CALLS_NOT_EXHAUSTED',
  'BAD_TICKET_STATE',
  'TOO_MANY_MISSES',
  'NOT_SERVING',
  'ALREADY_RATED',
  'INVALID_RATING',
] as const;
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];
