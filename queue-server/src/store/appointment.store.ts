import type Database from 'better-sqlite3';

export const APPOINTMENT_STATUSES = ['booked', 'checked-in', 'missed', 'cancelled'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/** One booking as the hall keeps it: the ID number only as a keyed hash and masked (APT-1). */
export interface AppointmentRow {
  id: string;
  businessDay: string;
  bookingCode: string;
  holderRef: string;
  holderMasked: string;
  /** Whether the holder is a senior on the booked day (from the ID number at import, SEC-MIN-1). */
  senior: boolean;
  itemCode: string;
  categoryId: string;
  slotStart: number;
  slotEnd: number;
  status: AppointmentStatus;
  /** Checked in after the window closed: served without priority (APT-5). */
  late: boolean;
  ticketId: string | null;
  checkedInAt: number | null;
  importedAt: number;
}

const cols = `id, business_day AS businessDay, booking_code AS bookingCode, holder_ref AS holderRef,
  holder_masked AS holderMasked, senior, item_code AS itemCode, category_id AS categoryId,
  slot_start AS slotStart, slot_end AS slotEnd, status, late, ticket_id AS ticketId,
  checked_in_at AS checkedInAt, imported_at AS importedAt`;

function rowOf(r: unknown): AppointmentRow | undefined {
  if (r === undefined) return undefined;
  const x = r as Omit<AppointmentRow, 'late' | 'senior'> & { late: number; senior: number };
  return { ...x, late: x.late === 1, senior: x.senior === 1 };
}

/** Appointments imported from the booking system; all their SQL lives here. */
export class AppointmentStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      byCode: db.prepare(`SELECT ${cols} FROM appointments WHERE booking_code = ?`),
      byHolder: db.prepare(
        `SELECT ${cols} FROM appointments WHERE business_day = ? AND holder_ref = ? AND status <> 'cancelled'
         ORDER BY slot_start`,
      ),
      ofDay: db.prepare(
        `SELECT ${cols} FROM appointments WHERE business_day = ? ORDER BY slot_start, booking_code`,
      ),
      insert: db.prepare(
        `INSERT INTO appointments (id, business_day, booking_code, holder_ref, holder_masked, senior,
           item_code, category_id, slot_start, slot_end, status, late, ticket_id, checked_in_at, imported_at)
         VALUES (@id, @businessDay, @bookingCode, @holderRef, @holderMasked, @senior, @itemCode, @categoryId,
           @slotStart, @slotEnd, @status, 0, NULL, NULL, @importedAt)`,
      ),
      update: db.prepare(
        `UPDATE appointments SET business_day = @businessDay, holder_ref = @holderRef,
           holder_masked = @holderMasked, senior = @senior, item_code = @itemCode, category_id = @categoryId,
           slot_start = @slotStart, slot_end = @slotEnd, status = @status, imported_at = @importedAt
         WHERE booking_code = @bookingCode`,
      ),
      checkIn: db.prepare(
        `UPDATE appointments SET status = 'checked-in', ticket_id = @ticketId, checked_in_at = @at, late = @late
         WHERE booking_code = @bookingCode`,
      ),
      settleMissed: db.prepare(
        "UPDATE appointments SET status = 'missed' WHERE status = 'booked' AND business_day <= ?",
      ),
    };
  }

  byCode(bookingCode: string): AppointmentRow | undefined {
    return rowOf(this.s.byCode.get(bookingCode));
  }

  /** The holder's live (not cancelled) bookings on a day: at most one after a valid import. */
  byHolder(businessDay: string, holderRef: string): AppointmentRow[] {
    return this.s.byHolder.all(businessDay, holderRef).map((r) => rowOf(r)!);
  }

  ofDay(businessDay: string): AppointmentRow[] {
    return this.s.ofDay.all(businessDay).map((r) => rowOf(r)!);
  }

  /**
   * Runs `fn` in one transaction: an import checks against the stored bookings and writes
   * all its rows, or nothing.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  insert(row: Omit<AppointmentRow, 'late' | 'ticketId' | 'checkedInAt'>): void {
    this.s.insert.run({ ...row, senior: row.senior ? 1 : 0 });
  }

  /** Updates the booked fields of an imported booking (its check-in stays as it is). */
  update(
    row: Pick<
      AppointmentRow,
      | 'bookingCode'
      | 'businessDay'
      | 'holderRef'
      | 'holderMasked'
      | 'senior'
      | 'itemCode'
      | 'categoryId'
      | 'slotStart'
      | 'slotEnd'
      | 'status'
      | 'importedAt'
    >,
  ): void {
    this.s.update.run({ ...row, senior: row.senior ? 1 : 0 });
  }

  markCheckedIn(bookingCode: string, ticketId: string, at: number, late: boolean): void {
    this.s.checkIn.run({ bookingCode, ticketId, at, late: late ? 1 : 0 });
  }

  /** Bookings of closed days that nobody checked in for become `missed` (APT-7). */
  settleMissed(upToDay: string): number {
    return this.s.settleMissed.run(upToDay).changes;
  }
}
