import type Database from 'better-sqlite3';

/** One read of stored personal data (SPEC SEC-NTK-2): who, what, when, why. */
export interface PiiRead {
  at: number;
  staffId: string;
  /** What kind of record: a kiosk form, the name of a card read at the counter (CTR-2), a complainant's contact (CMP-4), a captured page (MAT-FILE-3), or an archive PDF or volume (ARC-5). */
  subject: 'application' | 'counter-card' | 'complaint' | 'case-page' | 'archive-pdf' | 'online-draft';
  subjectId: string;
  ticketId: string | null;
  /** `serving`, `case`, or `manager: <the reason the manager gave>`. */
  purpose: string;
}

export interface PiiReadQuery {
  from: number;
  to: number;
  staffId?: string | undefined;
  ticketId?: string | undefined;
  limit: number;
}

/** The read trail of personal data (migration 11); rows are only ever added. */
export class PiiReadStore {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO pii_reads (at, staff_id, subject, subject_id, ticket_id, purpose)
         VALUES (@at, @staffId, @subject, @subjectId, @ticketId, @purpose)`,
      ),
      search: db.prepare(
        `SELECT at, staff_id AS staffId, subject, subject_id AS subjectId, ticket_id AS ticketId, purpose
         FROM pii_reads WHERE at >= @from AND at < @to
           AND (@staffId IS NULL OR staff_id = @staffId) AND (@ticketId IS NULL OR ticket_id = @ticketId)
         ORDER BY at DESC, id DESC LIMIT @limit`,
      ),
    };
  }

  record(r: PiiRead): void {
    this.s.insert.run(r);
  }

  search(q: PiiReadQuery): PiiRead[] {
    return this.s.search.all({
      from: q.from,
      to: q.to,
      staffId: q.staffId ?? null,
      ticketId: q.ticketId ?? null,
      limit: q.limit,
    }) as PiiRead[];
  }
}
