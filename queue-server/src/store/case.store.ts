import type { CalendarOverride, CalendarOverrideKind, EventType, HallEvent } from '@onewindow/shared';
import { CASE_FACT_TYPES, type CaseRecord, type CaseStatus } from '@onewindow/shared/cases.ts';
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
    };
  }

  /** Folds a committed case fact into its row (CASE-5). */
  apply(ev: CaseEvent): CaseRecord {
    const next = applyCaseFact(this.byId(ev.caseId), ev);
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
