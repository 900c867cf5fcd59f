import { isCaseFact, type ServiceWindow, type Ticket } from '@onewindow/shared';
import Database from 'better-sqlite3';
import type { EngineSnapshot, HallEvent } from '../domain/types.ts';
import { ApplicationStore } from './application.store.ts';
import { AppointmentStore } from './appointment.store.ts';
import { AuthStore } from './auth.store.ts';
import { AuditedFacts, CalendarOverrideStore, CaseStore } from './case.store.ts';
import { DeviceStore } from './device.store.ts';
import { FollowUpStore } from './follow-up.store.ts';
import { MIGRATIONS } from './migrations.ts';
import { ReportStore } from './report.store.ts';
import { SlipStore } from './slip.store.ts';

type Db = Database.Database;

/** The pragmas every connection uses; the benchmark's raw floor uses the same. */
export function applyDurablePragmas(db: Db): void {
  db.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before it is acknowledged (SPEC Q-DUR-1), even on power loss.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length)
    throw new Error(`database schema ${current} is newer than this server (${MIGRATIONS.length})`);
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** What a committed command wrote: enough to answer a retry with the first result (Q-DUR-2). */
export interface CommandRecord {
  key: string;
  type: string;
  at: number;
  firstSeq: number;
  lastSeq: number;
  /** The use case's own answer (ticket, form, print job, slip, case ids), when it keeps one. */
  result?: unknown;
}

/** The changes one command makes to the projections, computed from the engine after apply. */
export interface ProjectionChanges {
  tickets: Ticket[];
  /** Tickets that left the engine's memory (day close) and must be settled in place. */
  settled: { ids: string[]; reason: string; at: number } | null;
  windows: ServiceWindow[];
  /** Only the hall-wide values this command changed. */
  state: Partial<Pick<EngineSnapshot, 'config' | 'counters' | 'priorityStreak' | 'lastClosedDay'>>;
}

/**
 * The hall's durable store: one SQLite file in WAL mode, and the only holder of its handle.
 * It builds every repository over that one connection, so a use case that writes the fact log,
 * projections, a form, a slip and an outbox row inside `transaction` commits them together or
 * not at all (DESIGN 9); no SQL lives elsewhere.
 */
export class HallStore {
  private readonly db: Db;
  private readonly stmt;
  /** Staff, sessions, devices, pairing codes, the catalog, the admin audit, photos. */
  readonly auth: AuthStore;
  readonly appointments: AppointmentStore;
  /** Print jobs (the outbox to terminal agents) and device health. */
  readonly devices: DeviceStore;
  /** Kiosk forms (draft applications). */
  readonly applications: ApplicationStore;
  readonly followUps: FollowUpStore;
  /** The case projection (CASE-5), written only by `appendEvents`. */
  readonly cases: CaseStore;
  readonly slips: SlipStore;
  readonly calendarOverrides: CalendarOverrideStore;
  readonly auditedFacts: AuditedFacts;
  readonly reports: ReportStore;

  constructor(path: string) {
    this.db = new Database(path);
    applyDurablePragmas(this.db);
    migrate(this.db);
    const db = this.db;
    this.auth = new AuthStore(db);
    this.appointments = new AppointmentStore(db);
    this.devices = new DeviceStore(db);
    this.applications = new ApplicationStore(db);
    this.followUps = new FollowUpStore(db);
    this.cases = new CaseStore(db);
    this.slips = new SlipStore(db);
    this.calendarOverrides = new CalendarOverrideStore(db);
    this.auditedFacts = new AuditedFacts(db);
    this.reports = new ReportStore(db);
    this.stmt = {
      insertEvent: db.prepare('INSERT INTO events (seq, at, type, body) VALUES (?, ?, ?, ?)'),
      eventsFrom: db.prepare('SELECT body FROM events WHERE seq >= ? AND seq <= ? ORDER BY seq'),
      lastSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events'),
      insertCommand: db.prepare(
        'INSERT INTO commands (idempotency_key, type, at, first_seq, last_seq, result) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      findCommand: db.prepare(
        'SELECT idempotency_key AS key, type, at, first_seq AS firstSeq, last_seq AS lastSeq, result FROM commands WHERE idempotency_key = ?',
      ),
      upsertTicket: db.prepare(`
        INSERT INTO tickets (id, business_day, category_id, seq, number, status, priority_class, window_id,
                             arrived_at, called_at, serving_at, finished_at, body)
        VALUES (@id, @businessDay, @categoryId, @seq, @number, @status, @priorityClass, @windowId,
                @arrivedAt, @calledAt, @servingAt, @finishedAt, @body)
        ON CONFLICT (id) DO UPDATE SET
          category_id = excluded.category_id, status = excluded.status,
          priority_class = excluded.priority_class, window_id = excluded.window_id,
          called_at = excluded.called_at, serving_at = excluded.serving_at,
          finished_at = excluded.finished_at, body = excluded.body`),
      settleTicket: db.prepare(`
        UPDATE tickets SET status = 'cancelled', finished_at = @at,
          body = json_set(body, '$.status', 'cancelled', '$.cancelReason', @reason, '$.finishedAt', @at)
        WHERE id = @id`),
      ticketsSince: db.prepare('SELECT body FROM tickets WHERE business_day > ? ORDER BY arrived_at'),
      ticketById: db.prepare('SELECT body FROM tickets WHERE id = ?'),
      upsertWindow: db.prepare(
        'INSERT INTO windows (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
      ),
      deleteWindowsNotIn: db.prepare('DELETE FROM windows WHERE id NOT IN (SELECT value FROM json_each(?))'),
      allWindows: db.prepare('SELECT body FROM windows'),
      putState: db.prepare(
        'INSERT INTO hall_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      getState: db.prepare('SELECT value FROM hall_state WHERE key = ?'),
      ping: db.prepare('SELECT 1 AS one'),
    };
  }

  /**
   * Runs `fn` in one SQLite transaction: everything any repository writes inside it commits
   * together, or (when `fn` throws) not at all. Nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** The record of a command already committed under this idempotency key, if any. */
  findCommand(key: string): CommandRecord | undefined {
    const row = this.stmt.findCommand.get(key) as (CommandRecord & { result: string | null }) | undefined;
    if (row === undefined) return undefined;
    const { result, ...rest } = row;
    return result === null ? rest : { ...rest, result: JSON.parse(result) };
  }

  events(fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER): HallEvent[] {
    return (this.stmt.eventsFrom.all(fromSeq, toSeq) as { body: string }[]).map((r) => JSON.parse(r.body));
  }

  /** Streams the whole log without holding it in memory (replay checks on big halls). */
  *iterateEvents(): Generator<HallEvent> {
    for (const r of this.stmt.eventsFrom.iterate(1, Number.MAX_SAFE_INTEGER) as Iterable<{ body: string }>)
      yield JSON.parse(r.body);
  }

  lastSeq(): number {
    return (this.stmt.lastSeq.get() as { seq: number }).seq;
  }

  ticketById(id: string): Ticket | undefined {
    const row = this.stmt.ticketById.get(id) as { body: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.body);
  }

  /**
   * Appends committed facts to the log and folds the ones with a projection of their own
   * (cases) into it. Call inside `transaction`, with facts stamped in seq order.
   */
  appendEvents(events: readonly HallEvent[]): void {
    for (const ev of events) {
      this.stmt.insertEvent.run(ev.seq, ev.at, ev.type, JSON.stringify(ev));
      if (isCaseFact(ev)) this.cases.apply(ev);
    }
  }

  /** Records a committed command under its idempotency key, with its seq range and its answer. */
  recordCommand(rec: CommandRecord): void {
    this.stmt.insertCommand.run(
      rec.key,
      rec.type,
      rec.at,
      rec.firstSeq,
      rec.lastSeq,
      rec.result === undefined ? null : JSON.stringify(rec.result),
    );
  }

  /** The snapshot the projections hold: what recovery loads on start (SPEC Q-LOG-2). */
  loadSnapshot(): EngineSnapshot {
    const get = <T>(key: string, fallback: T): T => {
      const row = this.stmt.getState.get(key) as { value: string } | undefined;
      return row === undefined ? fallback : (JSON.parse(row.value) as T);
    };
    const lastClosedDay = get<string | null>('lastClosedDay', null);
    const tickets = (this.stmt.ticketsSince.all(lastClosedDay ?? '') as { body: string }[]).map(
      (r) => JSON.parse(r.body) as Ticket,
    );
    const order = get<string[]>('windowOrder', []);
    const windows = (this.stmt.allWindows.all() as { body: string }[])
      .map((r) => JSON.parse(r.body) as ServiceWindow)
      .sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    return {
      seq: this.lastSeq(),
      config: get('config', null),
      windows,
      tickets: tickets.sort((a, b) => a.tieBreak - b.tieBreak),
      counters: get('counters', []),
      priorityStreak: get('priorityStreak', 0),
      lastClosedDay,
    };
  }

  /** Server-level values that are not queue state (e.g. the generated holder secret). */
  meta(key: string): string | undefined {
    return (this.stmt.getState.get(`meta:${key}`) as { value: string } | undefined)?.value;
  }

  putMeta(key: string, value: string): void {
    this.stmt.putState.run(`meta:${key}`, value);
  }

  /** Moves the WAL's committed pages into the database file (before a file-level backup or check). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** The durability pragmas of this connection (synchronous=FULL is 2). */
  pragmas(): { synchronous: number; foreignKeys: number } {
    return {
      synchronous: this.db.pragma('synchronous', { simple: true }) as number,
      foreignKeys: this.db.pragma('foreign_keys', { simple: true }) as number,
    };
  }

  /** Whether the database answers (health checks). */
  ping(): boolean {
    try {
      return this.db.open && this.stmt.ping.get() !== undefined;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Writes what a command changed in the queue projections. Call inside `transaction`. */
  writeProjections(c: ProjectionChanges): void {
    for (const t of c.tickets) {
      this.stmt.upsertTicket.run({
        id: t.id,
        businessDay: t.businessDay,
        categoryId: t.categoryId,
        seq: t.seq,
        number: t.number,
        status: t.status,
        priorityClass: t.priorityClass,
        windowId: t.windowId,
        arrivedAt: t.arrivedAt,
        calledAt: t.calledAt,
        servingAt: t.servingAt,
        finishedAt: t.finishedAt,
        body: JSON.stringify(t),
      });
    }
    if (c.settled !== null)
      for (const id of c.settled.ids)
        this.stmt.settleTicket.run({ id, reason: c.settled.reason, at: c.settled.at });
    for (const w of c.windows) this.stmt.upsertWindow.run(w.id, JSON.stringify(w));
    const s = c.state;
    if (s.counters !== undefined) this.stmt.putState.run('counters', JSON.stringify(s.counters));
    if (s.priorityStreak !== undefined)
      this.stmt.putState.run('priorityStreak', JSON.stringify(s.priorityStreak));
    if (s.lastClosedDay !== undefined)
      this.stmt.putState.run('lastClosedDay', JSON.stringify(s.lastClosedDay));
    if (s.config !== undefined && s.config !== null) {
      this.stmt.putState.run('config', JSON.stringify(s.config));
      const ids = s.config.windows.map((w) => w.id);
      this.stmt.putState.run('windowOrder', JSON.stringify(ids));
      this.stmt.deleteWindowsNotIn.run(JSON.stringify(ids));
    }
  }
}
