/**
 * Online booking (网上预约) and online forms (网上填单) with their pre-check (SPEC MOB-BOOK-*,
 * MOB-FORM-*, MOB-PRE-*). zod-free, so the phone app and the console may import it; the schemas
 * are in `booking.schema.ts`.
 */

/**
 * A run of half-hour slots the hall opens for booking: from `from` to `to` (HH:MM, hall time),
 * each half hour taking `capacity` bookings, for one queue category or one item of it.
 */
export interface BookingLine {
  categoryId: string;
  /** One item only (it then has its own capacity); null: every item of the category. */
  itemCode: string | null;
  from: string;
  to: string;
  /** Bookings per half-hour slot. */
  capacity: number;
}

/** The no-show rule (MOB-BOOK-6): `limit` no-shows within `periodDays` bar online booking for `banDays`. */
export interface NoShowRule {
  limit: number;
  periodDays: number;
  banDays: number;
}

/** The hall's booking configuration (MOB-BOOK-1), kept as a `booking:configured` fact. */
export interface BookingConfig {
  enabled: boolean;
  /** Bookable working days after today (DOMAIN.md: 1–5 working days ahead); today counts as well. */
  daysAhead: number;
  /** A slot must start at least this many minutes after the booking. */
  minLeadMinutes: number;
  /** Cancellation is possible until this many minutes before the slot (DOMAIN.md: ≥ 2 h). */
  cancelBeforeMinutes: number;
  /** The reminder SMS goes this many minutes before the slot (0: none). */
  reminderMinutesBefore: number;
  noShow: NoShowRule;
  lines: BookingLine[];
}

export const SLOT_MINUTES = 30;

/**
 * Defaults (DOMAIN.md: book 1–5 working days ahead, one per person per day, cancel ≥ 2 h before;
 * no national no-show rule, so a common local one: 3 no-shows in 90 days bar booking for 30 days).
 */
export const DEFAULT_BOOKING_CONFIG: BookingConfig = {
  enabled: false,
  daysAhead: 5,
  minLeadMinutes: 30,
  cancelBeforeMinutes: 120,
  reminderMinutesBefore: 24 * 60,
  noShow: { limit: 3, periodDays: 90, banDays: 30 },
  lines: [],
};

/** One bookable slot as the phone shows it. */
export interface FreeSlot {
  /** Hall-local date. */
  day: string;
  start: number;
  end: number;
  capacity: number;
  free: number;
}

export const ONLINE_BOOKING_STATUSES = ['booked', 'checked-in', 'missed', 'cancelled'] as const;
export type OnlineBookingStatus = (typeof ONLINE_BOOKING_STATUSES)[number];

/** A citizen's own booking as the phone shows it (their own: no masking needed, no holder). */
export interface OnlineBookingView {
  bookingCode: string;
  businessDay: string;
  itemCode: string;
  itemName: string;
  categoryId: string;
  slotStart: number;
  slotEnd: number;
  status: OnlineBookingStatus;
  /** Until when it may be cancelled (MOB-BOOK-5). */
  cancelUntil: number;
}

/** `none`: the item needs no pre-check; `pending` waits for a reviewer; then passed or returned. */
export const PRECHECK_STATUSES = ['none', 'pending', 'passed', 'returned'] as const;
export type PrecheckStatus = (typeof PRECHECK_STATUSES)[number];

export const PRECHECK_STATUS_ZH: Record<PrecheckStatus, string> = {
  none: '无需预审',
  pending: '待预审',
  passed: '预审通过',
  returned: '预审退回',
};

/** A citizen's own online form as the phone shows it (MOB-FORM-1). */
export interface OnlineDraftView {
  id: string;
  /** Shown as a QR code and digits; the window scans it. */
  code: string;
  itemCode: string;
  itemName: string;
  formTitle: string;
  createdAt: number;
  precheck: PrecheckStatus;
  /** A reviewer's reasons for returning it. */
  reasons: string[];
  /** Taken up at a window (linked to a ticket). */
  taken: boolean;
}

/** A draft in the reviewer's 预审 list (MOB-PRE-2): the form's answers, read under SEC-NTK. */
export interface PrecheckItem {
  id: string;
  code: string;
  itemCode: string;
  itemName: string;
  formTitle: string;
  createdAt: number;
  precheck: PrecheckStatus;
  reasons: string[];
  fields: { key: string; label: string; value: string }[];
}

/**
 * Facts of online booking and online forms, in the hall's log. They carry codes and references,
 * never the holder or the form's answers (those stay sealed in their tables).
 */
export type BookingFact =
  | { type: 'booking:configured'; config: BookingConfig; by: string }
  | {
      type: 'booking:made';
      bookingCode: string;
      businessDay: string;
      categoryId: string;
      itemCode: string;
      slotStart: number;
      slotEnd: number;
    }
  | { type: 'booking:cancelled'; bookingCode: string; by: 'citizen' }
  /** Bookings nobody checked in for by the end of their check-in window (MOB-BOOK-6). */
  | { type: 'booking:no-shows'; bookingCodes: string[] }
  /** Bookings whose reminder is due now (MOB-BOOK-7): each gets its notice in this unit. */
  | { type: 'booking:reminded'; bookingCodes: string[] }
  | {
      type: 'draft:submitted';
      draftId: string;
      code: string;
      itemCode: string;
      formTitle: string;
      precheck: PrecheckStatus;
    }
  | {
      type: 'draft:prechecked';
      draftId: string;
      code: string;
      itemCode: string;
      outcome: 'passed' | 'returned';
      /** The reviewer's reasons, one a line (free text: sealed in the log, never shipped). */
      note: string | null;
      by: string;
    };

export const BOOKING_FACT_TYPES = [
  'booking:configured',
  'booking:made',
  'booking:cancelled',
  'booking:no-shows',
  'booking:reminded',
  'draft:submitted',
  'draft:prechecked',
] as const satisfies readonly BookingFact['type'][];
