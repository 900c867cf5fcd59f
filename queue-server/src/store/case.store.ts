import type { CalendarOverride, CalendarOverrideKind, EventType, HallEvent } from '@onewindow/shared';
import {
  CASE_FACT_TYPES,
  type CaseRecord,
  type CaseStatus,
  type MaterialPageMime,
  type MaterialSource,
} from '@onewindow/shared/cases.ts';
import type Database from 'better-sqlite3';
import { applyCaseFact, type CaseEvent } from '../domain/cases.ts';
import type { PiiCodec } from '../security/codec.ts';

/**
 * Time-limited cases (限时业务, SPEC CASE-*) from acceptance to hand-back: the projection of
 * the case facts in the log. The row keeps the columns the back office filters on; `body` is
 * the whole CaseRecord (no personal data; staff notes sealed, SEC-ENC-2). Only `apply` writes it,
 * inside the commit of the fact.
 */
export class CaseStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    this.s = {
      upsert: db.prepare(
        `INSERT INTO cases (id, ticket_id, item_code, status, deadline, body, created_at, updated_at)
         VALUES (@id, @ticketId, @itemCode, @status, @deadline, @body, @createdAt, @at)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, body = excluded.body, updated_at = excluded.updated_at`,
      ),
      byId: db.prepare('SELECT id, body FROM cases WHERE id = ?'),
      byTicket: db.prepare('SELECT id, body FROM cases WHERE ticket_id = ?'),
      all: db.prepare('SELECT id, body FROM cases ORDER BY deadline, created_at, id'),
      byStatus: db.prepare('SELECT id, body FROM cases WHERE status = ? ORDER BY deadline, created_at, id'),
      linkPage: db.prepare(
        `INSERT INTO case_pages (sha256, case_id, material, mime, bytes, width, height, source, captured_by, seq, at)
         VALUES (@sha256, @caseId, @material, @mime, @bytes, @width, @height, @source, @by, @seq, @at)
         ON CONFLICT DO UPDATE SET removed_seq = NULL`,
      ),
      unlinkPage: db.prepare(
        'UPDATE case_pages SET removed_seq = ? WHERE sha256 = ? AND case_id = ? AND material = ? AND removed_seq IS NULL',
      ),
      pagesOf: db.prepare(
        `SELECT sha256, case_id AS caseId, material, mime, bytes, width, height, source, captured_by AS capturedBy,
                seq, at, removed_seq AS removedSeq FROM case_pages WHERE case_id = ? ORDER BY seq, sha256`,
      ),
      casesOfPage: db.prepare('SELECT DISTINCT case_id AS caseId FROM case_pages WHERE sha256 = ?'),
      isLinked: db.prepare('SELECT 1 FROM case_pages WHERE sha256 = ? LIMIT 1'),
      allPages: db.prepare('SELECT DISTINCT sha256 FROM case_pages ORDER BY sha256'),
    };
  }

  /** Every page a fact linked to this case, removed ones too (with the seq that removed them). */
  pagesOf(caseId: string): CasePageRow[] {
    return this.s.pagesOf.all(caseId) as CasePageRow[];
  }

  /** The cases that link a page (a page's bytes may serve two cases). */
  casesOfPage(sha256: string): string[] {
    return (this.s.casesOfPage.all(sha256) as { caseId: string }[]).map((r) => r.caseId);
  }

  /** Whether any fact links this page: a stored file no fact links is an orphan (MAT-STORE-1). */
  isLinked(sha256: string): boolean {
    return this.s.isLinked.get(sha256) !== undefined;
  }

  /** Every linked page's hash (for a fixity check over the page store). */
  *linkedPages(): Generator<string> {
    for (const r of this.s.allPages.iterate() as Iterable<{ sha256: string }>) yield r.sha256;
  }

  /** Folds a committed case fact into its row (CASE-5). */
  apply(ev: CaseEvent): CaseRecord {
    const next = applyCaseFact(this.byId(ev.caseId), ev);
    if (ev.type === 'case:material-captured')
      for (const p of ev.pages)
        this.s.linkPage.run({
          sha256: p.sha256,
          caseId: ev.caseId,
          material: ev.material,
          mime: p.mime,
          bytes: p.bytes,
          width: p.width ?? null,
          height: p.height ?? null,
          source: ev.source,
          by: ev.by,
          seq: ev.seq,
          at: ev.at,
        });
    if (ev.type === 'case:material-removed') this.s.unlinkPage.run(ev.seq, ev.sha256, ev.caseId, ev.material);
    this.s.upsert.run({
      id: next.id,
      ticketId: next.ticketId,
      itemCode: next.itemCode,
      status: next.status,
      deadline: next.deadline,
      body: this.codec.stringify(next, `cases:${next.id}`),
      createdAt: next.acceptedAt,
      at: ev.at,
    });
    return next;
  }

  byId(id: string): CaseRecord | undefined {
    return this.parse(this.s.byId.get(id) as Row | undefined);
  }

  byTicket(ticketId: string): CaseRecord | undefined {
    return this.parse(this.s.byTicket.get(ticketId) as Row | undefined);
  }

  /** Every row's body as stored, unparsed (to find rows of an older shape). */
  rawAll(): unknown[] {
    return (this.s.all.all() as Row[]).map((r) => this.codec.parse<unknown>(r.body, `cases:${r.id}`));
  }

  /** Cases, the earliest deadline first. */
  list(status?: CaseStatus): CaseRecord[] {
    const rows = (status === undefined ? this.s.all.all() : this.s.byStatus.all(status)) as Row[];
    return rows.map((r) => this.parse(r)!);
  }

  private parse(row: Row | undefined): CaseRecord | undefined {
    return row === undefined ? undefined : this.codec.parse<CaseRecord>(row.body, `cases:${row.id}`);
  }
}

type Row = { id: string; body: string };

/** A page a fact linked to a case (the `case_pages` projection, MAT-FILE-1). */
export interface CasePageRow {
  sha256: string;
  caseId: string;
  material: string;
  mime: MaterialPageMime;
  bytes: number;
  width: number | null;
  height: number | null;
  source: MaterialSource;
  capturedBy: string;
  seq: number;
  at: number;
  /** The seq of the `case:material-removed` that took it off the checklist; null while linked. */
  removedSeq: number | null;
}

/** The hall's corrections of the national working-day calendar (SPEC CAL-2). */
export class CalendarOverrideStore {
  private readonly s;
  /** Few rows, read on every deadline: kept in memory, rebuilt on each change. */
  private cache: Map<string, CalendarOverride> | null = null;

  constructor(db: Database.Database) {
    this.s = {
      all: db.prepare('SELECT date, kind, note FROM calendar_overrides ORDER BY date'),
      put: db.prepare(
        `INSERT INTO calendar_overrides (date, kind, note) VALUES (?, ?, ?)
         ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, note = excluded.note`,
      ),
      delete: db.prepare('DELETE FROM calendar_overrides WHERE date = ?'),
    };
  }

  private map(): Map<string, CalendarOverride> {
    this.cache ??= new Map((this.s.all.all() as CalendarOverride[]).map((o) => [o.date, o]));
    return this.cache;
  }

  all(): CalendarOverride[] {
    return [...this.map().values()];
  }

  get(date: string): CalendarOverride | undefined {
    return this.map().get(date);
  }

  /** What the hall says about this date, for WorkingCalendar. */
  readonly lookup = (date: string): CalendarOverrideKind | undefined => this.map().get(date)?.kind;

  put(o: CalendarOverride): void {
    this.s.put.run(o.date, o.kind, o.note);
    this.cache = null;
  }

  /** @returns whether there was an override to delete */
  delete(date: string): boolean {
    const changed = this.s.delete.run(date).changes > 0;
    this.cache = null;
    return changed;
  }
}

/** The hall facts the audit search shows: every decision that overrides the normal flow (SPEC ADM-AUD-1). */
export const AUDITED_FACT_TYPES = [
  'ticket:priority-overridden',
  'ticket:transferred',
  'ticket:cancelled',
  'ticket:reinstated',
  'day:closed',
  'hall:configured',
  ...CASE_FACT_TYPES,
  // Risk control (RISK-INT-3, RISK-HND-4): interceptions, overrides, publishes and handling.
  'risk:intercepted',
  'risk:override-granted',
  'risk:overridden',
  'risk:list-published',
  'risk:rules-published',
  'risk:alert-assigned',
  'risk:alert-disposed',
] as const satisfies readonly EventType[];

/** Read-only access to the audited facts of the event log, by type and time, newest first. */
export class AuditedFacts {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    const types = AUDITED_FACT_TYPES.map((t) => `'${t}'`).join(', ');
    this.s = {
      between: db.prepare(
        `SELECT seq, body FROM events WHERE type IN (${types}) AND at >= ? AND at < ? ORDER BY seq DESC`,
      ),
    };
  }

  /** Facts with `from <= at < to`, newest first. */
  *between(from: number, to: number): Generator<HallEvent> {
    for (const r of this.s.between.iterate(from, to) as Iterable<{ seq: number; body: string }>)
      yield this.codec.parse<HallEvent>(r.body, `events:${r.seq}`);
  }
}
