/**
 * The kiosk's API (issue #5): what a paired kiosk terminal asks the queue server, with one
 * schema per request. The kiosk authenticates with its device token (`X-Device-Token`; the
 * same token its terminal agent uses, so card reads relayed to the terminal reach its screen).
 */
import { z } from 'zod';
import type { PriorityClass, QueueCategory, TicketStatus } from './domain.ts';
import type { FormValues } from './forms.ts';
import type { CategoryEstimate } from './protocol.ts';

const idNumber = z.string().trim().min(1).max(32);

/** POST /api/kiosk/tickets (send an `Idempotency-Key` header: a retry returns the same ticket). */
export const kioskIssueSchema = z.strictObject({
  itemCode: z.string().trim().min(1).max(64),
  /** Absent for items that need no identity (consultation). */
  idNumber: idNumber.optional(),
  /** How the identity was given: read from a card or typed on the keypad. */
  identifiedBy: z.enum(['resident-id', 'ssc', 'typed']).optional(),
  /** The item's form, when it has one and the citizen filled it in. */
  form: z.record(z.string().max(40), z.string().max(200)).optional(),
  /** Print the ticket on this kiosk's printer (false: screen only, e.g. a kiosk without one). */
  print: z.boolean().default(true),
});
export type KioskIssueRequest = z.input<typeof kioskIssueSchema>;

/** POST /api/kiosk/tickets/{id}/reprint: the same person (same ID number) only. */
export const kioskReprintSchema = z.strictObject({ idNumber: idNumber.optional() });

/** POST /api/kiosk/lookup: "your tickets today". */
export const kioskLookupSchema = z.strictObject({ idNumber });

/** POST /api/kiosk/check-in: an appointment, by ID number or booking code. */
export const kioskCheckInSchema = z
  .strictObject({
    idNumber: idNumber.optional(),
    bookingCode: z.string().trim().min(1).max(32).optional(),
    print: z.boolean().default(true),
  })
  .refine((b) => (b.idNumber === undefined) !== (b.bookingCode === undefined), {
    message: 'give exactly one of idNumber and bookingCode',
  });

/** GET /api/kiosk/context: what the kiosk needs besides the catalog. */
export interface KioskContext {
  hallName: string;
  hallNameEn: string;
  /** Local date and minutes of the hall (for forms' date bounds and the clock on screen). */
  today: string;
  utcOffsetMinutes: number;
  seniorAge: number;
  openingHours: { open: string; close: string; weekdays: number[] };
  /** Whether tickets can be taken now; when not, `closedMessageZh` says when to come. */
  openNow: boolean;
  closedMessageZh: string | null;
  /** One live ticket per person per category (setting). */
  oneTicketPerCategory: boolean;
  categories: QueueCategory[];
  estimates: CategoryEstimate[];
  device: { id: string; name: string };
}

/** A ticket as the kiosk shows it: no personal data beyond the masked holder. */
export interface KioskTicket {
  id: string;
  number: string;
  categoryId: string;
  categoryName: string;
  itemCode: string | null;
  itemName: string | null;
  status: TicketStatus;
  priorityClass: PriorityClass;
  /** 张*三 or 110***********1234 style; null for an anonymous ticket. */
  holderMasked: string | null;
  issuedAt: number;
  /** People ahead in its queue (waiting only). */
  ahead: number | null;
  estimateMinutes: number | null;
  /** The range every surface shows for this ticket (SPEC EST-1); null when no window can call it. */
  estimateRange: { low: number; high: number } | null;
  /** The window it is called to, when called. */
  windowNumber: number | null;
  /** The mobile status page the QR code opens. */
  statusUrl: string;
}

/** What taking a ticket returns. */
export interface KioskIssueResult {
  ticket: KioskTicket;
  /** True when this is the citizen's existing live ticket (duplicate rule), not a new one. */
  existing: boolean;
  /** The print job on this kiosk, or why it could not be queued (the screen then keeps the number). */
  print: { jobId: string } | { error: string } | null;
  /** The stored draft application when a form was submitted. */
  application: { id: string; code: string } | null;
  /** Told to the citizen: why they got priority (e.g. 60 岁以上老年人优先). */
  priorityNoteZh: string | null;
}

/** POST /api/kiosk/check-in: the ticket, and whether the citizen came late (regular class then). */
export interface KioskCheckInResult extends KioskIssueResult {
  late: boolean;
  /** The card or code confirmed an online ticket (MOB-Q-2) rather than checking in a booking. */
  onlineConfirmed?: boolean;
}

/** A draft application (kiosk form) as a clerk sees it. */
export interface ApplicationView {
  id: string;
  /** Printed as a barcode/QR on the ticket; a clerk scans it at the window. */
  code: string;
  ticketId: string;
  ticketNumber: string;
  itemCode: string;
  itemName: string;
  formTitle: string;
  createdAt: number;
  fields: { key: string; label: string; value: string }[];
  values: FormValues;
  /** Filled on the phone (MOB-FORM-3) rather than at the kiosk. */
  source?: 'kiosk' | 'online';
  /** For an online form of a high-risk item: its pre-check (MOB-PRE-4); the window sees it plainly. */
  precheck?: { status: 'none' | 'pending' | 'passed' | 'returned'; reasons: string[] };
}
