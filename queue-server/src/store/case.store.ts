import type {
  CalendarOverride,
  CalendarOverrideKind,
  CaseRecord,
  CaseStatus,
  EventType,
  HallEvent,
} from '@onewindow/shared';
import type Database from 'better-sqlite3';

/**
 * Time-limited cases (限时业务, SPEC CASE-*) from acceptance to hand-back. The row keeps the
 * columns the back office filters on; `body` is the whole CaseRecord (no personal data).
 */
export class CaseStore {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO cases (id, ticket_id, item_code, status, deadline, body, created_at, updated_at)
         VALUES (@id, @ticketId, @itemCode, @status, @deadline, @body, @at, @at)`,
      ),
      update: db.prepare('UPDATE cases SET status = @status, body = @body, updated_at = @at WHERE id = @id'),
      byId: db.prepare('SELECT body FROM cases WHERE id = ?'),
      byTicket: db.prepare('SELECT body FROM cases WHERE ticket_id = ?'),
      all: db.prepare('SELECT body FROM cases ORDER BY deadline, created_at'),
      byStatus: db.prepare('SELECT body FROM cases WHERE status = ? ORDER BY deadline, created_at'),
    };
  }

  insert(c: CaseRecord): void {
    this.s.insert.run({
      id: c.id,
      ticketId: c.ticketId,
      itemCode: c.itemCode,
      status: c.status,
      deadline: c.deadline,
      body: JSON.stringify(c),
      at: c.acceptedAt,
    });
  }

  update(c: CaseRecord, at: number): void {
    this.s.update.run({ id: c.id, status: c.status, body: JSON.stringify(c), at });
  }

  byId(id: string): CaseRecord | undefined {
    return parse(this.s.byId.get(id));
  }

  byTicket(ticketId: string): CaseRecord | undefined {
    return parse(this.s.byTicket.get(ticketId));
  }

  /** Cases, the earliest deadline first. */
  list(status?: CaseStatus): CaseRecord[] {
    const rows = (status === undefined ? this.s.all.all() : this.s.byStatus.all(status)) as {
      body: string;
    }[];
    return rows.map((r) => JSON.parse(r.body) as CaseRecord);
  }
}

function parse(row: unknown): CaseRecord | undefined {
  return row === undefined ? undefined : (JSON.parse((row as { body: string }).body) as CaseRecord);
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
] as const satisfies readonly EventType[];

/** Read-only access to the audited facts of the event log, by type and time, newest first. */
export class AuditedFacts {
  private readonly s;

  constructor(db: Database.Database) {
    const types = AUDITED_FACT_TYPES.map((t) => `'${t}'`).join(', ');
    this.s = {
      between: db.prepare(
        `SELECT body FROM events WHERE type IN (${types}) AND at >= ? AND at < ? ORDER BY seq DESC`,
      ),
    };
  }

  /** Facts with `from <= at < to`, newest first. */
  *between(from: number, to: number): Generator<HallEvent> {
    for (const r of this.s.between.iterate(from, to) as Iterable<{ body: string }>)
      yield JSON.parse(r.body) as HallEvent;
  }
}

const perDb = new WeakMap<
  Database.Database,
  { cases: CaseStore; overrides: CalendarOverrideStore; facts: AuditedFacts }
>();

/** One set of console stores per database, so every router shares the override cache. */
export function consoleStores(db: Database.Database): {
  cases: CaseStore;
  overrides: CalendarOverrideStore;
  facts: AuditedFacts;
} {
  let s = perDb.get(db);
  if (s === undefined) {
    s = { cases: new CaseStore(db), overrides: new CalendarOverrideStore(db), facts: new AuditedFacts(db) };
    perDb.set(db, s);
  }
  return s;
}
