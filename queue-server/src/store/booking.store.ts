/**
 * Online bookings (rows of the appointments table with source `online`) and online forms
 * (`online_drafts`): all their SQL (SPEC MOB-*). The citizen's phone is sealed whole, bound to
 * the row; the form's answers are sealed like a kiosk form's.
 */
import type { FormValues, PrecheckStatus } from '@onewindow/shared';
import type Database from 'better-sqlite3';
import type { PiiCodec } from '../security/codec.ts';
import type { AppointmentRow } from './appointment.store.ts';

/** An online booking as stored: the appointment row plus what only online bookings have. */
export interface OnlineBookingRow extends AppointmentRow {
  slotKey: string;
  remindedAt: number | null;
}

export interface NewOnlineBooking {
  id: string;
  businessDay: string;
  bookingCode: string;
  holderRef: string;
  holderMasked: string;
  senior: boolean;
  itemCode: string;
  categoryId: string;
  slotStart: number;
  slotEnd: number;
  slotKey: string;
  phone: string;
  at: number;
}

export interface DraftRow {
  id: string;
  code: string;
  holderRef: string;
  itemCode: string;
  formTitle: string;
  values: FormValues;
  phone: string;
  precheck: PrecheckStatus;
  reasons: string[];
  decidedBy: string | null;
  decidedAt: number | null;
  ticketId: string | null;
  createdAt: number;
}

const bookingCols = `id, business_day AS businessDay, booking_code AS bookingCode, holder_ref AS holderRef,
  holder_masked AS holderMasked, senior, item_code AS itemCode, category_id AS categoryId,
  slot_start AS slotStart, slot_end AS slotEnd, status, late, ticket_id AS ticketId,
  checked_in_at AS checkedInAt, imported_at AS importedAt, slot_key AS slotKey, reminded_at AS remindedAt`;

const draftCols = `id, code, holder_ref AS holderRef, item_code AS itemCode, body, precheck, reasons,
  decided_by AS decidedBy, decided_at AS decidedAt, ticket_id AS ticketId, created_at AS createdAt`;

type RawBooking = Omit<OnlineBookingRow, 'late' | 'senior'> & { late: number; senior: number };
type RawDraft = Omit<DraftRow, 'formTitle' | 'values' | 'phone' | 'reasons'> & {
  body: string;
  reasons: string;
};

const contactAad = (id: string) => `appointments:${id}:contact`;
const draftAad = (id: string) => `online_drafts:${id}`;
const reasonsAad = (id: string) => `online_drafts:${id}:reasons`;

export class BookingStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    this.s = {
      taken: db.prepare(
        `SELECT COUNT(*) AS n FROM appointments
         WHERE business_day = ? AND slot_key = ? AND slot_start = ? AND status <> 'cancelled'`,
      ),
      takenOfDay: db.prepare(
        `SELECT slot_start AS slotStart, COUNT(*) AS n FROM appointments
         WHERE business_day = ? AND slot_key = ? AND status <> 'cancelled' GROUP BY slot_start`,
      ),
      insert: db.prepare(
        `INSERT INTO appointments (id, business_day, booking_code, holder_ref, holder_masked, senior,
           item_code, category_id, slot_start, slot_end, status, late, imported_at, source, slot_key, contact)
         VALUES (@id, @businessDay, @bookingCode, @holderRef, @holderMasked, @senior, @itemCode, @categoryId,
           @slotStart, @slotEnd, 'booked', 0, @at, 'online', @slotKey, @contact)`,
      ),
      byCode: db.prepare(
        `SELECT ${bookingCols} FROM appointments WHERE booking_code = ? AND source = 'online'`,
      ),
      contact: db.prepare(
        `SELECT id, contact FROM appointments WHERE booking_code = ? AND source = 'online'`,
      ),
      ofHolder: db.prepare(
        `SELECT ${bookingCols} FROM appointments WHERE holder_ref = ? AND business_day >= ?
         ORDER BY slot_start DESC LIMIT 50`,
      ),
      noShowDays: db.prepare(
        `SELECT business_day AS day FROM appointments
         WHERE holder_ref = ? AND source = 'online' AND status = 'missed' AND business_day >= ?`,
      ),
      cancel: db.prepare(
        `UPDATE appointments SET status = 'cancelled' WHERE booking_code = ? AND source = 'online' AND status = 'booked'`,
      ),
      open: db.prepare(
        `SELECT ${bookingCols} FROM appointments WHERE source = 'online' AND status = 'booked' AND slot_start <= ?
         ORDER BY slot_start`,
      ),
      miss: db.prepare(
        `UPDATE appointments SET status = 'missed' WHERE booking_code = ? AND source = 'online' AND status = 'booked'`,
      ),
      remind: db.prepare(
        `UPDATE appointments SET reminded_at = ? WHERE booking_code = ? AND source = 'online' AND reminded_at IS NULL`,
      ),
      insertDraft: db.prepare(
        `INSERT INTO online_drafts (id, code, holder_ref, item_code, body, precheck, created_at)
         VALUES (@id, @code, @holderRef, @itemCode, @body, @precheck, @createdAt)`,
      ),
      draftById: db.prepare(`SELECT ${draftCols} FROM online_drafts WHERE id = ?`),
      draftByCode: db.prepare(`SELECT ${draftCols} FROM online_drafts WHERE code = ?`),
      draftsOfHolder: db.prepare(
        `SELECT ${draftCols} FROM online_drafts WHERE holder_ref = ? ORDER BY created_at DESC LIMIT 50`,
      ),
      draftsByPrecheck: db.prepare(
        `SELECT ${draftCols} FROM online_drafts WHERE precheck = ? ORDER BY created_at LIMIT ?`,
      ),
      decide: db.prepare(
        `UPDATE online_drafts SET precheck = @outcome, reasons = @reasons, decided_by = @by, decided_at = @at
         WHERE id = @id AND precheck = 'pending'`,
      ),
      take: db.prepare(`UPDATE online_drafts SET ticket_id = ? WHERE id = ? AND ticket_id IS NULL`),
    };
  }

  /** Live bookings (not cancelled) of a slot: what its capacity is checked against (MOB-BOOK-3). */
  taken(businessDay: string, slotKey: string, slotStart: number): number {
    return (this.s.taken.get(businessDay, slotKey, slotStart) as { n: number }).n;
  }

  /** Live bookings per slot start of a day's line. */
  takenOfDay(businessDay: string, slotKey: string): Map<number, number> {
    const rows = this.s.takenOfDay.all(businessDay, slotKey) as { slotStart: number; n: number }[];
    return new Map(rows.map((r) => [r.slotStart, r.n]));
  }

  insert(b: NewOnlineBooking): void {
    const { phone, ...rest } = b;
    this.s.insert.run({
      ...rest,
      senior: b.senior ? 1 : 0,
      contact: this.codec.sealWhole(phone, contactAad(b.id)),
    });
  }

  byCode(bookingCode: string): OnlineBookingRow | undefined {
    return bookingOf(this.s.byCode.get(bookingCode) as RawBooking | undefined);
  }

  /** The phone an online booking's reminder goes to. */
  phoneOf(bookingCode: string): string | undefined {
    const r = this.s.contact.get(bookingCode) as { id: string; contact: string | null } | undefined;
    return r?.contact ? this.codec.openWhole<string>(r.contact, contactAad(r.id)) : undefined;
  }

  /** A holder's bookings (both sources) from a day on, newest first. */
  ofHolder(holderRef: string, fromDay: string): OnlineBookingRow[] {
    return (this.s.ofHolder.all(holderRef, fromDay) as RawBooking[]).map((r) => bookingOf(r)!);
  }

  /** The days of a holder's online no-shows from a day on (MOB-BOOK-6). */
  noShowDays(holderRef: string, fromDay: string): string[] {
    return (this.s.noShowDays.all(holderRef, fromDay) as { day: string }[]).map((r) => r.day);
  }

  cancel(bookingCode: string): boolean {
    return this.s.cancel.run(bookingCode).changes === 1;
  }

  /** Online bookings still `booked` whose slot starts by `before` (the timers' candidates). */
  openBefore(before: number): OnlineBookingRow[] {
    return (this.s.open.all(before) as RawBooking[]).map((r) => bookingOf(r)!);
  }

  markMissed(bookingCode: string): boolean {
    return this.s.miss.run(bookingCode).changes === 1;
  }

  markReminded(bookingCode: string, at: number): boolean {
    return this.s.remind.run(at, bookingCode).changes === 1;
  }

  insertDraft(d: Omit<DraftRow, 'reasons' | 'decidedBy' | 'decidedAt' | 'ticketId'>): void {
    const { formTitle, values, phone, ...rest } = d;
    this.s.insertDraft.run({
      ...rest,
      body: this.codec.sealWhole({ formTitle, values, phone }, draftAad(d.id)),
    });
  }

  draftById(id: string): DraftRow | undefined {
    return this.draftOf(this.s.draftById.get(id) as RawDraft | undefined);
  }

  draftByCode(code: string): DraftRow | undefined {
    return this.draftOf(this.s.draftByCode.get(code.trim().toUpperCase()) as RawDraft | undefined);
  }

  draftsOfHolder(holderRef: string): DraftRow[] {
    return (this.s.draftsOfHolder.all(holderRef) as RawDraft[]).map((r) => this.draftOf(r)!);
  }

  draftsByPrecheck(status: PrecheckStatus, limit: number): DraftRow[] {
    return (this.s.draftsByPrecheck.all(status, limit) as RawDraft[]).map((r) => this.draftOf(r)!);
  }

  /** Records a reviewer's pre-check; false when it was no longer pending. */
  decide(id: string, outcome: 'passed' | 'returned', reasons: string[], by: string, at: number): boolean {
    // The reviewer's words are free text: sealed like the answers (SEC-TXT-*), '' when none.
    const sealed = reasons.length === 0 ? '' : this.codec.sealWhole(reasons, reasonsAad(id));
    return this.s.decide.run({ id, outcome, reasons: sealed, by, at }).changes === 1;
  }

  /** Links a draft to the ticket a window took it up with; false when it already was. */
  take(id: string, ticketId: string): boolean {
    return this.s.take.run(ticketId, id).changes === 1;
  }

  private draftOf(r: RawDraft | undefined): DraftRow | undefined {
    if (r === undefined) return undefined;
    const { body, reasons, ...rest } = r;
    const open = this.codec.openWhole<{ formTitle: string; values: FormValues; phone: string }>(
      body,
      draftAad(r.id),
    );
    return {
      ...rest,
      ...open,
      reasons: reasons === '' ? [] : this.codec.openWhole<string[]>(reasons, reasonsAad(r.id)),
    };
  }
}

function bookingOf(r: RawBooking | undefined): OnlineBookingRow | undefined {
  if (r === undefined) return undefined;
  return { ...r, late: r.late === 1, senior: r.senior === 1 };
}
