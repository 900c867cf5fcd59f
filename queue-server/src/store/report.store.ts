import type { Ticket } from '@onewindow/shared';
import type Database from 'better-sqlite3';
import type { HallEvent } from '../domain/types.ts';
import type { PiiCodec } from '../security/codec.ts';

/** A clerk signing on at a window (a `window:opened` fact). */
export interface WindowOpening {
  seq: number;
  at: number;
  windowId: string;
  clerkId: string;
}

type DayClosed = Extract<HallEvent, { type: 'day:closed' }>;

/**
 * Read-only queries for reports (SPEC RPT-*): the tickets projection and a few facts of the
 * log. Reports are computed from here, never from memory, so a closed day reads the same
 * after a restart.
 */
export class ReportStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    this.s = {
      ticketsOfDay: db.prepare('SELECT id, body FROM tickets WHERE business_day = ? ORDER BY arrived_at, id'),
      lastSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events'),
      arrivalsSince: db.prepare(
        `SELECT arrived_at AS arrivedAt, priority_class AS priorityClass, category_id AS categoryId
         FROM tickets WHERE business_day >= ?`,
      ),
      ratedBetween: db.prepare(
        `SELECT seq, body FROM events WHERE seq > ? AND seq <= ? AND type = 'ticket:rated' ORDER BY seq`,
      ),
      atOf: db.prepare('SELECT at FROM events WHERE seq >= ? ORDER BY seq LIMIT 1'),
      dayClosed: db.prepare(
        `SELECT seq, body FROM events WHERE seq >= ? AND type = 'day:closed'
           AND json_extract(body, '$.businessDay') >= ? ORDER BY seq LIMIT 1`,
      ),
      openings: db.prepare(
        `SELECT seq, at, json_extract(body, '$.windowId') AS windowId, json_extract(body, '$.clerkId') AS clerkId
         FROM events WHERE seq >= ? AND seq <= ? AND type = 'window:opened' ORDER BY seq`,
      ),
      openingBefore: db.prepare(
        `SELECT seq, at, json_extract(body, '$.windowId') AS windowId, json_extract(body, '$.clerkId') AS clerkId
         FROM events WHERE seq < ? AND type = 'window:opened' AND json_extract(body, '$.windowId') = ?
         ORDER BY seq DESC LIMIT 1`,
      ),
    };
  }

  /**
   * Ratings committed after a seq, up to another (MOB-RATE-3: a link rates a service after its day closed, so
   * the statistics of a closed range read these beyond the range's last fact).
   */
  ratedBetween(afterSeq: number, toSeq: number): HallEvent[] {
    return (this.s.ratedBetween.all(afterSeq, toSeq) as { seq: number; body: string }[]).map((r) =>
      this.codec.parse<HallEvent>(r.body, `events:${r.seq}`),
    );
  }

  /** Every ticket of a business day as the projection holds it (settled ones included). */
  ticketsOfDay(businessDay: string): Ticket[] {
    return (this.s.ticketsOfDay.all(businessDay) as { id: string; body: string }[]).map((r) =>
      this.codec.parse<Ticket>(r.body, `tickets:${r.id}`),
    );
  }

  /** Arrivals from a business day on, without personal data: what the estimate learns from (EST-2). */
  arrivalsSince(
    businessDay: string,
  ): { arrivedAt: number; priorityClass: Ticket['priorityClass']; categoryId: string }[] {
    return this.s.arrivalsSince.all(businessDay) as {
      arrivedAt: number;
      priorityClass: Ticket['priorityClass'];
      categoryId: string;
    }[];
  }

  lastSeq(): number {
    return (this.s.lastSeq.get() as { seq: number }).seq;
  }

  /**
   * The first fact at or after instant `at` (lastSeq + 1 when none): a binary search over the
   * log's sequence, whose times only go forward, so no index on time is needed.
   */
  firstSeqAtOrAfter(at: number): number {
    let lo = 1;
    let hi = this.lastSeq() + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const row = this.s.atOf.get(mid) as { at: number } | undefined;
      if (row === undefined || row.at >= at) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * The fact that closed this business day, searched from `fromSeq` on: the first close of
   * this day or a later one (closing a day settles every earlier day left open, Q-DAY-1).
   */
  dayClosed(businessDay: string, fromSeq: number): (DayClosed & { seq: number }) | undefined {
    const row = this.s.dayClosed.get(fromSeq, businessDay) as { seq: number; body: string } | undefined;
    return row === undefined
      ? undefined
      : this.codec.parse<DayClosed & { seq: number }>(row.body, `events:${row.seq}`);
  }

  /** Sign-ons in [fromSeq, toSeq], in log order. */
  openings(fromSeq: number, toSeq: number): WindowOpening[] {
    return this.s.openings.all(fromSeq, toSeq) as WindowOpening[];
  }

  /** The last sign-on at a window before `seq` (a clerk who signed on before the day began). */
  openingBefore(seq: number, windowId: string): WindowOpening | undefined {
    return this.s.openingBefore.get(seq, windowId) as WindowOpening | undefined;
  }
}
