import type {
  CalendarOverrideKind,
  FollowUp,
  FollowUpStatus,
  RatingLevel,
  RatingReason,
} from '@onewindow/shared';
import type Database from 'better-sqlite3';
import type { PiiCodec } from '../security/codec.ts';

/** A follow-up as stored: everything but `overdue`, which depends on the day it is read. */
export type StoredFollowUp = Omit<FollowUp, 'overdue'>;

/** A bad rating in the fact log (for catching up on ratings committed while nobody listened). */
export interface BadRatingFact {
  seq: number;
  at: number;
  ticketId: string;
  windowId: string;
  servedBy: string | null;
  level: RatingLevel;
  reasons: RatingReason[];
}

/** The 回访 records of bad ratings (SPEC FUP-*), one row per rated ticket (migration 7). */
export class FollowUpStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO follow_ups (ticket_id, rated_at, deadline, status, body, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id) DO NOTHING`,
      ),
      update: db.prepare(
        'UPDATE follow_ups SET deadline = ?, status = ?, body = ?, updated_at = ? WHERE ticket_id = ?',
      ),
      get: db.prepare('SELECT ticket_id AS id, body FROM follow_ups WHERE ticket_id = ?'),
      all: db.prepare('SELECT ticket_id AS id, body FROM follow_ups ORDER BY rated_at DESC, ticket_id DESC'),
      byStatus: db.prepare(
        'SELECT ticket_id AS id, body FROM follow_ups WHERE status = ? ORDER BY rated_at DESC, ticket_id DESC',
      ),
      calendarOverride: db.prepare('SELECT kind FROM calendar_overrides WHERE date = ?'),
      badRatingsMissing: db.prepare(
        `SELECT e.seq AS seq, e.at AS at, e.body AS body FROM events e
         WHERE e.seq > ? AND e.type = 'ticket:rated' AND json_extract(e.body, '$.level') <= 2
           AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.ticket_id = json_extract(e.body, '$.ticketId'))
         ORDER BY e.seq`,
      ),
    };
  }

  /** @returns false when the ticket already has a record (it is never overwritten). */
  insert(f: StoredFollowUp, now: number): boolean {
    const body = this.codec.stringify(f, `follow_ups:${f.ticketId}`);
    return this.s.insert.run(f.ticketId, f.ratedAt, f.deadline, f.status, body, now).changes > 0;
  }

  update(f: StoredFollowUp, now: number): void {
    this.s.update.run(
      f.deadline,
      f.status,
      this.codec.stringify(f, `follow_ups:${f.ticketId}`),
      now,
      f.ticketId,
    );
  }

  get(ticketId: string): StoredFollowUp | undefined {
    const row = this.s.get.get(ticketId) as { id: string; body: string } | undefined;
    return row === undefined ? undefined : this.codec.parse<StoredFollowUp>(row.body, `follow_ups:${row.id}`);
  }

  /** Newest rating first; one status or all. */
  list(status?: FollowUpStatus): StoredFollowUp[] {
    const rows = (status === undefined ? this.s.all.all() : this.s.byStatus.all(status)) as {
      id: string;
      body: string;
    }[];
    return rows.map((r) => this.codec.parse<StoredFollowUp>(r.body, `follow_ups:${r.id}`));
  }

  /**
   * The hall's correction of the working-day calendar for a date (migration 8), read afresh
   * each time: deadlines are rare and the admin may have just changed it.
   */
  readonly calendarOverride = (date: string): CalendarOverrideKind | undefined =>
    (this.s.calendarOverride.get(date) as { kind: CalendarOverrideKind } | undefined)?.kind;

  /** `ticket:rated` facts of level 1–2 after `afterSeq` that have no record yet, in log order. */
  badRatingsWithoutRecord(afterSeq: number): BadRatingFact[] {
    return (this.s.badRatingsMissing.all(afterSeq) as { seq: number; at: number; body: string }[]).map(
      (r) => {
        const b = JSON.parse(r.body) as Omit<BadRatingFact, 'seq' | 'at'>;
        return {
          seq: r.seq,
          at: r.at,
          ticketId: b.ticketId,
          windowId: b.windowId,
          servedBy: b.servedBy,
          level: b.level,
          reasons: b.reasons,
        };
      },
    );
  }
}
