/**
 * The citizen's phone sign-in (SPEC MOB-AUTH-*): one-time codes, the sends and failures the
 * per-phone limits count, and citizen sessions; all their SQL lives here. A phone is known only
 * by its keyed reference (`phoneRef`), a code only by its keyed hash, a token only by its SHA-256;
 * a session keeps its phone sealed whole (bound to the row) and masked beside it. Also the
 * read-side lookups of the phone app's progress page (MOB-PROG-*).
 */
import type { CaseRecord } from '@onewindow/shared';
import type Database from 'better-sqlite3';
import type { PiiCodec } from '../security/codec.ts';
import type { AppointmentRow } from './appointment.store.ts';

export interface OtpRow {
  phoneRef: string;
  codeHash: string;
  createdAt: number;
  expiresAt: number;
  attempts: number;
}

export interface PhoneFailures {
  phoneRef: string;
  windowStart: number;
  failures: number;
  lockedUntil: number;
}

export interface CitizenSessionRow {
  id: string;
  tokenHash: string;
  phoneRef: string;
  phone: string;
  phoneMasked: string;
  holderRef: string | null;
  idMasked: string | null;
  /** Whether the bound holder is a senior on `boundOn` (MOB-AUTH-7); null before the binding. */
  senior: boolean | null;
  /** The business day of the binding. */
  boundOn: string | null;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  endedAt: number | null;
}

type RawSession = Omit<CitizenSessionRow, 'senior'> & { senior: number | null };

const sessionCols = `id, token_hash AS tokenHash, phone_ref AS phoneRef, phone, phone_masked AS phoneMasked,
  holder_ref AS holderRef, id_masked AS idMasked, senior, bound_on AS boundOn, created_at AS createdAt, last_used_at AS lastUsedAt,
  expires_at AS expiresAt, ended_at AS endedAt`;

const aad = (tokenHash: string) => `citizen_sessions:${tokenHash}`;

export class CitizenStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    this.s = {
      otp: db.prepare(
        `SELECT phone_ref AS phoneRef, code_hash AS codeHash, created_at AS createdAt, expires_at AS expiresAt,
           attempts FROM citizen_otps WHERE phone_ref = ?`,
      ),
      putOtp: db.prepare(
        `INSERT INTO citizen_otps (phone_ref, code_hash, created_at, expires_at, attempts)
         VALUES (@phoneRef, @codeHash, @createdAt, @expiresAt, 0)
         ON CONFLICT (phone_ref) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at,
           expires_at = excluded.expires_at, attempts = 0`,
      ),
      otpAttempt: db.prepare('UPDATE citizen_otps SET attempts = attempts + 1 WHERE phone_ref = ?'),
      dropOtp: db.prepare('DELETE FROM citizen_otps WHERE phone_ref = ?'),
      addSend: db.prepare('INSERT INTO citizen_otp_sends (phone_ref, at) VALUES (?, ?)'),
      sendsSince: db.prepare(
        'SELECT COUNT(*) AS n, MAX(at) AS last FROM citizen_otp_sends WHERE phone_ref = ? AND at > ?',
      ),
      pruneSends: db.prepare('DELETE FROM citizen_otp_sends WHERE at <= ?'),
      failures: db.prepare(
        `SELECT phone_ref AS phoneRef, window_start AS windowStart, failures, locked_until AS lockedUntil
         FROM citizen_phone_failures WHERE phone_ref = ?`,
      ),
      putFailures: db.prepare(
        `INSERT INTO citizen_phone_failures (phone_ref, window_start, failures, locked_until)
         VALUES (@phoneRef, @windowStart, @failures, @lockedUntil)
         ON CONFLICT (phone_ref) DO UPDATE SET window_start = excluded.window_start,
           failures = excluded.failures, locked_until = excluded.locked_until`,
      ),
      clearFailures: db.prepare('DELETE FROM citizen_phone_failures WHERE phone_ref = ?'),
      pruneFailures: db.prepare(
        'DELETE FROM citizen_phone_failures WHERE window_start <= @before AND locked_until <= @now',
      ),
      pruneOtps: db.prepare('DELETE FROM citizen_otps WHERE expires_at <= ?'),
      pruneSessions: db.prepare(
        'DELETE FROM citizen_sessions WHERE expires_at <= @before OR (ended_at IS NOT NULL AND ended_at <= @before)',
      ),
      insertSession: db.prepare(
        `INSERT INTO citizen_sessions (token_hash, id, phone_ref, phone, phone_masked, holder_ref, id_masked,
           created_at, last_used_at, expires_at, ended_at)
         VALUES (@tokenHash, @id, @phoneRef, @phone, @phoneMasked, NULL, NULL, @createdAt, @createdAt, @expiresAt, NULL)`,
      ),
      session: db.prepare(`SELECT ${sessionCols} FROM citizen_sessions WHERE token_hash = ?`),
      sessionById: db.prepare(`SELECT ${sessionCols} FROM citizen_sessions WHERE id = ?`),
      touch: db.prepare('UPDATE citizen_sessions SET last_used_at = ? WHERE id = ? AND ended_at IS NULL'),
      end: db.prepare('UPDATE citizen_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
      bind: db.prepare(
        `UPDATE citizen_sessions SET holder_ref = @holderRef, id_masked = @idMasked, senior = @senior,
           bound_on = @boundOn WHERE id = @id AND ended_at IS NULL`,
      ),
      bookingsOfHolder: db.prepare(
        `SELECT id, business_day AS businessDay, booking_code AS bookingCode, holder_ref AS holderRef,
           holder_masked AS holderMasked, senior, item_code AS itemCode, category_id AS categoryId,
           slot_start AS slotStart, slot_end AS slotEnd, status, late, ticket_id AS ticketId,
           checked_in_at AS checkedInAt, imported_at AS importedAt
         FROM appointments WHERE holder_ref = ? AND business_day >= ? ORDER BY slot_start LIMIT 50`,
      ),
      casesOfHolder: db.prepare(
        `SELECT c.id, c.body FROM cases c JOIN tickets t ON t.id = c.ticket_id
         WHERE json_extract(t.body, '$.holder.ref') = ? ORDER BY c.created_at DESC LIMIT ?`,
      ),
    };
  }

  otp(phoneRef: string): OtpRow | undefined {
    return this.s.otp.get(phoneRef) as OtpRow | undefined;
  }

  /** One active code per phone: a new one replaces the last (MOB-AUTH-3). */
  putOtp(row: Omit<OtpRow, 'attempts'>): void {
    this.s.putOtp.run(row);
  }

  countOtpAttempt(phoneRef: string): void {
    this.s.otpAttempt.run(phoneRef);
  }

  dropOtp(phoneRef: string): void {
    this.s.dropOtp.run(phoneRef);
  }

  recordSend(phoneRef: string, at: number): void {
    this.s.addSend.run(phoneRef, at);
  }

  /** How many codes went to a phone after `since`, and when the last did. */
  sendsSince(phoneRef: string, since: number): { n: number; last: number | null } {
    return this.s.sendsSince.get(phoneRef, since) as { n: number; last: number | null };
  }

  /** Forgets sends older than any limit counts (kept small). */
  pruneSends(before: number): void {
    this.s.pruneSends.run(before);
  }

  failures(phoneRef: string): PhoneFailures | undefined {
    return this.s.failures.get(phoneRef) as PhoneFailures | undefined;
  }

  putFailures(f: PhoneFailures): void {
    this.s.putFailures.run(f);
  }

  clearFailures(phoneRef: string): void {
    this.s.clearFailures.run(phoneRef);
  }

  /**
   * Forgets what no limit counts any more: failure windows older than `failuresBefore` that lock
   * nothing at `now`, expired codes, and sessions ended or expired before `sessionsBefore`.
   */
  prune(now: number, failuresBefore: number, sessionsBefore: number): void {
    this.s.pruneFailures.run({ before: failuresBefore, now });
    this.s.pruneOtps.run(now);
    this.s.pruneSessions.run({ before: sessionsBefore });
  }

  insertSession(
    r: Omit<CitizenSessionRow, 'holderRef' | 'idMasked' | 'senior' | 'boundOn' | 'lastUsedAt' | 'endedAt'>,
  ): void {
    this.s.insertSession.run({ ...r, phone: this.codec.sealWhole(r.phone, aad(r.tokenHash)) });
  }

  session(tokenHash: string): CitizenSessionRow | undefined {
    return this.open(this.s.session.get(tokenHash) as RawSession | undefined);
  }

  sessionById(id: string): CitizenSessionRow | undefined {
    return this.open(this.s.sessionById.get(id) as RawSession | undefined);
  }

  touch(id: string, at: number): void {
    this.s.touch.run(at, id);
  }

  end(id: string, at: number): boolean {
    return this.s.end.run(at, id).changes === 1;
  }

  bindHolder(
    id: string,
    b: { holderRef: string; idMasked: string; senior: boolean; boundOn: string },
  ): boolean {
    return this.s.bind.run({ id, ...b, senior: b.senior ? 1 : 0 }).changes === 1;
  }

  /** The holder's bookings from `from` (a local date) on, earliest first (MOB-PROG-1). */
  bookingsOfHolder(holderRef: string, from: string): AppointmentRow[] {
    return (
      this.s.bookingsOfHolder.all(holderRef, from) as (Omit<AppointmentRow, 'late' | 'senior'> & {
        late: number;
        senior: number;
      })[]
    ).map((r) => ({ ...r, late: r.late === 1, senior: r.senior === 1 }));
  }

  /** The cases taken in for tickets of this holder, newest first (MOB-PROG-1). */
  casesOfHolder(holderRef: string, limit: number): CaseRecord[] {
    return (this.s.casesOfHolder.all(holderRef, limit) as { id: string; body: string }[]).map((r) =>
      this.codec.parse<CaseRecord>(r.body, `cases:${r.id}`),
    );
  }

  private open(r: RawSession | undefined): CitizenSessionRow | undefined {
    if (r === undefined) return undefined;
    return {
      ...r,
      senior: r.senior === null ? null : r.senior === 1,
      phone: this.codec.openWhole<string>(r.phone, aad(r.tokenHash)),
    };
  }
}
