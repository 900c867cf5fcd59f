import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isCaseFact, isComplaintFact, type ServiceWindow, type Ticket } from '@onewindow/shared';
import { isArchiveFact } from '@onewindow/shared/archive.ts';
import { isReconFact } from '@onewindow/shared/reconcile.ts';
import Database from 'better-sqlite3';
import type { EngineSnapshot, HallEvent } from '../domain/types.ts';
import { PiiCodec } from '../security/codec.ts';
import { DataCipher } from '../security/crypto.ts';
import { type HallKeys, holderFingerprint, KeyError, keyFingerprint } from '../security/keys.ts';
import { ApplicationStore } from './application.store.ts';
import { AppointmentStore } from './appointment.store.ts';
import { ArchiveStore } from './archive.store.ts';
import { AuthStore } from './auth.store.ts';
import { BlobStore } from './blob.store.ts';
import { BookingStore } from './booking.store.ts';
import { AuditedFacts, CalendarOverrideStore, CaseStore } from './case.store.ts';
import { CitizenStore } from './citizen.store.ts';
import { ComplaintStore } from './complaint.store.ts';
import { DeviceStore } from './device.store.ts';
import { FollowUpStore } from './follow-up.store.ts';
import { MIGRATIONS } from './migrations.ts';
import { NoticeStore } from './notice.store.ts';
import { OnlineStore } from './online.store.ts';
import { PiiReadStore } from './pii-read.store.ts';
import { ReconStore } from './recon.store.ts';
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
  // Deleted rows (a purged form, a retired key's seals) are overwritten, not left in free pages.
  db.pragma('secure_delete = ON');
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

/**
 * Where the store records the last committed seq and the day's numbers after every unit that
 * appended facts, before the unit is acknowledged (the high-water mark, SPEC INT-2).
 */
export interface HighWaterSink {
  record(seq: number, counters: EngineSnapshot['counters']): void;
  close(): void;
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
  /** The SMS notice outbox and templates (NOTE-*). */
  readonly notices: NoticeStore;
  /** The citizen's phone, queue side: contact phones, online confirmation codes, rating links. */
  readonly online: OnlineStore;
  /** Online bookings and online forms (MOB-*). */
  readonly bookings: BookingStore;
  /** The citizen's phone sign-in: codes, limits, sessions (MOB-AUTH-*). */
  readonly citizens: CitizenStore;
  /** 日结轧账 per clerk and day (REC-*), written only by `appendEvents`. */
  readonly recon: ReconStore;
  /** The complaint projection (CMP-2), written only by `appendEvents`, and the sealed contacts. */
  readonly complaints: ComplaintStore;
  /** The archive's filed versions (ARC-*), written only by `appendEvents`. */
  readonly archive: ArchiveStore;
  readonly calendarOverrides: CalendarOverrideStore;
  readonly auditedFacts: AuditedFacts;
  readonly reports: ReportStore;
  /** The read trail of personal data (SEC-NTK-2). */
  readonly piiReads: PiiReadStore;
  /**
   * The page store beside the database (`<data dir>/blobs`, MAT-STORE-*): captured pages by
   * SHA-256. Files, not rows: a page is written before the fact that links it commits.
   */
  readonly blobs: BlobStore;
  /** Seals and opens the personal fields of every repository (SEC-ENC-1). */
  readonly codec: PiiCodec;
  /** The hall's keys, as the store was opened with them (holder references are computed from them). */
  readonly keys: HallKeys;
  private highWater: HighWaterSink | null = null;
  /** Facts were appended since the last high-water record. */
  private appended = false;

  /**
   * Opens (and migrates) the hall's database with the hall's keys. Keys that do not belong to
   * this database are refused (SEC-KEY-3); a holder secret an older version kept inside the
   * database is taken out of it once the keys carry it.
   */
  constructor(path: string, keys: HallKeys) {
    this.db = new Database(path);
    applyDurablePragmas(this.db);
    migrate(this.db);
    const db = this.db;
    this.keys = keys;
    this.codec = new PiiCodec(new DataCipher(keys));
    this.auth = new AuthStore(db);
    this.appointments = new AppointmentStore(db);
    this.devices = new DeviceStore(db, this.codec);
    this.applications = new ApplicationStore(db, this.codec);
    this.followUps = new FollowUpStore(db, this.codec);
    this.cases = new CaseStore(db, this.codec);
    this.slips = new SlipStore(db, this.codec);
    this.notices = new NoticeStore(db, this.codec);
    this.online = new OnlineStore(db, this.codec);
    this.bookings = new BookingStore(db, this.codec);
    this.citizens = new CitizenStore(db, this.codec);
    this.recon = new ReconStore(db, this.codec);
    this.complaints = new ComplaintStore(db, this.codec);
    this.archive = new ArchiveStore(db, this.codec);
    this.calendarOverrides = new CalendarOverrideStore(db);
    this.auditedFacts = new AuditedFacts(db, this.codec);
    this.reports = new ReportStore(db, this.codec);
    this.piiReads = new PiiReadStore(db);
    this.blobs = new BlobStore(
      path === ':memory:'
        ? join(tmpdir(), `onewindow-blobs-${process.pid}-${randomBytes(4).toString('hex')}`)
        : join(dirname(path), 'blobs'),
    );
    this.stmt = {
      insertEvent: db.prepare('INSERT INTO events (seq, at, type, body) VALUES (?, ?, ?, ?)'),
      eventsFrom: db.prepare('SELECT seq, body FROM events WHERE seq >= ? AND seq <= ? ORDER BY seq'),
      lastSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events'),
      eventsOfType: db.prepare('SELECT seq, body FROM events WHERE type = ? ORDER BY seq'),
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
      ticketsSince: db.prepare('SELECT id, body FROM tickets WHERE business_day > ? ORDER BY arrived_at'),
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
      deleteState: db.prepare('DELETE FROM hall_state WHERE key = ?'),
      ping: db.prepare('SELECT 1 AS one'),
      dropResults: db.prepare('UPDATE commands SET result = NULL WHERE at < ? AND result IS NOT NULL'),
    };
    this.adoptKeys(keys);
  }

  /**
   * SEC-KEY-3: the database keeps a fingerprint of its keys. A database without one is either new
   * or from before keys lived outside it (its holder secret in `meta:holderSecret`): the keys
   * must then carry that same secret, which is deleted from the database. Rows an older version
   * wrote in clear are sealed now, in the same transaction.
   */
  private adoptKeys(keys: HallKeys): void {
    const fp = keyFingerprint(keys);
    const stored = this.meta('keyFingerprint');
    if (stored !== undefined) {
      if (holderFingerprint(stored) !== holderFingerprint(fp))
        throw new KeyError(
          '密钥与数据库不匹配 / the keys do not belong to this database (holder key fingerprint differs): start with the key file this hall was created with',
        );
      const missing = stored
        .split('/')[1]!
        .split(',')
        .filter((v) => v !== '' && !keys.data.has(Number(v)));
      if (missing.length > 0)
        throw new KeyError(
          `缺少数据密钥 / the key file lacks data key version(s) ${missing.join(', ')} that rows of this database are sealed under`,
        );
      if (stored !== fp) this.putMeta('keyFingerprint', fp);
      return;
    }
    const legacy = this.meta('holderSecret');
    if (legacy !== undefined && !Buffer.from(legacy, 'utf8').equals(keys.holder))
      throw new KeyError(
        '密钥与数据库不匹配 / this database keeps a holder secret of an older version that the keys do not carry: import it with the "keys import-legacy" command',
      );
    this.transaction(() => {
      this.sealClearRows();
      this.stmt.deleteState.run('meta:holderSecret');
      this.putMeta('keyFingerprint', fp);
    });
    if (legacy !== undefined) this.checkpoint();
  }

  /** Seals what an older version wrote in clear: forms, slips, stored answers, free text. */
  private sealClearRows(): void {
    this.rewriteSealed((v) => !v.startsWith('sm4:v'), null);
  }

  /**
   * SEC-KEY-5: re-seals every sealed value under the current data key (`keys rotate`), in one
   * transaction, and records that only the current version is in use. Returns how many values.
   */
  resealAll(): number {
    return this.transaction(() => {
      const n = this.rewriteSealed(
        (v) => DataCipher.versionOf(v) !== this.codec.cipher.currentVersion,
        this.codec,
      );
      this.putMeta(
        'keyFingerprint',
        keyFingerprint({
          ...this.keys,
          data: new Map([[this.keys.current, this.keys.data.get(this.keys.current)!]]),
        }),
      );
      return n;
    });
  }

  /**
   * SEC-KEY-5: after the holder key is replaced, the references made with the old one are
   * dropped everywhere (they could be tested against guessed numbers by whoever has that key).
   * Live tickets and bookings then match a card no more; a booking still checks in by its code.
   * Records the fingerprint of `newKeys` (the store must not be used further: reopen it with them).
   */
  forgetHolderRefs(newKeys: HallKeys): number {
    return this.transaction(() => {
      let n = 0;
      n += this.db
        .prepare(`UPDATE events SET body = json_set(body, '$.ticket.holder.ref', json('null'))
        WHERE type = 'ticket:issued' AND json_type(body, '$.ticket.holder.ref') = 'text'`)
        .run().changes;
      n += this.db
        .prepare(`UPDATE tickets SET body = json_set(body, '$.holder.ref', json('null'))
        WHERE json_type(body, '$.holder.ref') = 'text'`)
        .run().changes;
      n += this.db.prepare(`UPDATE appointments SET holder_ref = '' WHERE holder_ref <> ''`).run().changes;
      n += this.db.prepare(`UPDATE online_drafts SET holder_ref = '' WHERE holder_ref <> ''`).run().changes;
      // Citizen sign-ins are keyed by the same holder key (MOB-AUTH-*): they end, and codes lapse.
      n += this.db.prepare('DELETE FROM citizen_sessions').run().changes;
      this.db.prepare('DELETE FROM citizen_otps').run();
      this.db.prepare('DELETE FROM citizen_otp_sends').run();
      this.db.prepare('DELETE FROM citizen_phone_failures').run();
      this.putMeta('keyFingerprint', keyFingerprint(newKeys));
      return n;
    });
  }

  /**
   * The one list of where personal data is sealed: whole values (forms, slips, print jobs,
   * stored answers, TOTP seeds) and free-text fields (the log, tickets, cases, follow-ups).
   * Rewrites every stored value `stale` picks: opened with `from` (null: it is clear text) and
   * sealed under the current key.
   */
  private rewriteSealed(stale: (value: string) => boolean, from: PiiCodec | null): number {
    const to = this.codec;
    let n = 0;
    const whole: [table: string, key: string, col: string, aad: (k: unknown) => string][] = [
      ['applications', 'id', 'body', (k) => `applications:${k}`],
      ['slips', 'number', 'document', (k) => `slips:${k}`],
      ['print_jobs', 'id', 'body', (k) => `print_jobs:${k}`],
      ['commands', 'idempotency_key', 'result', (k) => `commands:${k}`],
      ['staff', 'id', 'totp_secret', (k) => `staff:${k}:totp`],
      ['notices', 'id', 'phone', (k) => `notices:${k}`],
      ['notices', 'id', 'sealed_params', (k) => `notices:${k}:params`],
      ['citizen_sessions', 'token_hash', 'phone', (k) => `citizen_sessions:${k}`],
      ['complaint_contacts', 'complaint_id', 'body', (k) => `complaint_contacts:${k}`],
      ['ticket_contacts', 'ticket_id', 'phone', (k) => `ticket_contacts:${k}`],
      ['appointments', 'id', 'contact', (k) => `appointments:${k}:contact`],
      ['online_drafts', 'id', 'body', (k) => `online_drafts:${k}`],
      ['online_drafts', 'id', 'reasons', (k) => `online_drafts:${k}:reasons`],
    ];
    for (const [table, key, col, aad] of whole) {
      const update = this.db.prepare(`UPDATE ${table} SET ${col} = ? WHERE ${key} = ?`);
      for (const r of this.db
        .prepare(`SELECT ${key} AS k, ${col} AS v FROM ${table} WHERE ${col} IS NOT NULL AND ${col} <> ''`)
        .all() as { k: unknown; v: string }[]) {
        if (!stale(r.v)) continue;
        // A TOTP seed is sealed by the auth service as text, the others as JSON.
        const plain = from === null ? r.v : from.cipher.open(r.v, aad(r.k));
        update.run(to.cipher.seal(plain, aad(r.k)), r.k);
        n++;
      }
    }
    // Each table with free-text fields, and the SQL naming a row as its associated data does.
    const fields: [table: string, aad: string, col?: string][] = [
      ['events', "'events:' || seq"],
      ['tickets', "'tickets:' || id"],
      ['cases', "'cases:' || id"],
      ['follow_ups', "'follow_ups:' || ticket_id"],
      ['complaints', "'complaints:' || id"],
      ['recon_days', "'recon_days:' || clerk_id || ':' || business_day"],
      ['archive_files', "'archive_files:' || archive_no || ':' || version"],
    ];
    const candidates =
      from === null
        ? `(body LIKE '%"note":"%' OR body LIKE '%"reason":"%' OR body LIKE '%"cancelReason":"%' OR body LIKE '%"rectification":"%' OR body LIKE '%"comment":"%')`
        : `body LIKE '%"sm4:v%'`;
    for (const [table, aadSql, col = 'body'] of fields) {
      const update = this.db.prepare(`UPDATE ${table} SET ${col} = ? WHERE rowid = ?`);
      for (const r of this.db
        .prepare(
          `SELECT rowid AS id, ${aadSql} AS aad, ${col} AS body FROM ${table} WHERE ${candidates.replaceAll('body', col)}`,
        )
        .all() as { id: number; aad: string; body: string }[]) {
        const value = from === null ? JSON.parse(r.body) : from.parse(r.body, r.aad);
        update.run(to.stringify(value, r.aad), r.id);
        n++;
      }
    }
    return n;
  }

  /**
   * Runs `fn` in one SQLite transaction: everything any repository writes inside it commits
   * together, or (when `fn` throws) not at all. Nested calls join the outer transaction.
   */
  transaction<T>(fn: () => T): T {
    const outermost = !this.db.inTransaction;
    let value: T;
    try {
      value = this.db.transaction(fn)();
    } catch (err) {
      if (outermost) this.appended = false;
      throw err;
    }
    if (outermost) this.markHighWater();
    return value;
  }

  /**
   * From now on every committed unit that appended facts is recorded in `sink` (fsynced) before
   * `transaction` returns, so before it is acknowledged (SPEC INT-2). Closed with the store.
   */
  attachHighWater(sink: HighWaterSink): void {
    this.highWater = sink;
  }

  private markHighWater(): void {
    if (!this.appended) return;
    this.appended = false;
    if (this.highWater === null) return;
    const counters = this.stmt.getState.get('counters') as { value: string } | undefined;
    this.highWater.record(this.lastSeq(), counters === undefined ? [] : JSON.parse(counters.value));
  }

  /** The record of a command already committed under this idempotency key, if any. */
  findCommand(key: string): CommandRecord | undefined {
    const row = this.stmt.findCommand.get(key) as (CommandRecord & { result: string | null }) | undefined;
    if (row === undefined) return undefined;
    const { result, ...rest } = row;
    return result === null ? rest : { ...rest, result: this.codec.openWhole(result, `commands:${key}`) };
  }

  events(fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER): HallEvent[] {
    return (this.stmt.eventsFrom.all(fromSeq, toSeq) as { seq: number; body: string }[]).map((r) =>
      this.codec.parse(r.body, `events:${r.seq}`),
    );
  }

  /** Streams the whole log without holding it in memory (replay checks on big halls). */
  *iterateEvents(): Generator<HallEvent> {
    for (const r of this.stmt.eventsFrom.iterate(1, Number.MAX_SAFE_INTEGER) as Iterable<{
      seq: number;
      body: string;
    }>)
      yield this.codec.parse(r.body, `events:${r.seq}`);
  }

  /** Every fact of one type, in seq order (the region's applied documents, RGN-PUSH-4). */
  eventsOfType(type: string): HallEvent[] {
    return (this.stmt.eventsOfType.all(type) as { seq: number; body: string }[]).map((r) =>
      this.codec.parse(r.body, `events:${r.seq}`),
    );
  }

  lastSeq(): number {
    return (this.stmt.lastSeq.get() as { seq: number }).seq;
  }

  ticketById(id: string): Ticket | undefined {
    const row = this.stmt.ticketById.get(id) as { body: string } | undefined;
    return row === undefined ? undefined : this.codec.parse(row.body, `tickets:${id}`);
  }

  /**
   * Appends committed facts to the log and folds the ones with a projection of their own
   * (cases, 日结轧账 days, complaints) into it. Call inside `transaction`, with facts stamped in seq order.
   */
  appendEvents(events: readonly HallEvent[]): void {
    for (const ev of events) {
      this.stmt.insertEvent.run(ev.seq, ev.at, ev.type, this.codec.stringify(ev, `events:${ev.seq}`));
      if (isCaseFact(ev)) this.cases.apply(ev);
      else if (isReconFact(ev)) this.recon.apply(ev);
      else if (isComplaintFact(ev)) this.complaints.apply(ev);
      else if (ev.type === 'archive:filed' && isArchiveFact(ev)) this.archive.apply(ev);
    }
    this.appended = true;
    if (!this.db.inTransaction) this.markHighWater();
  }

  /** Forgets the stored answers of commands before `before` (they may hold a form; SEC-MIN-2). */
  dropCommandResults(before: number): number {
    return this.stmt.dropResults.run(before).changes;
  }

  /** Records a committed command under its idempotency key, with its seq range and its answer. */
  recordCommand(rec: CommandRecord): void {
    this.stmt.insertCommand.run(
      rec.key,
      rec.type,
      rec.at,
      rec.firstSeq,
      rec.lastSeq,
      rec.result === undefined ? null : this.codec.sealWhole(rec.result, `commands:${rec.key}`),
    );
  }

  /** The snapshot the projections hold: what recovery loads on start (SPEC Q-LOG-2). */
  loadSnapshot(): EngineSnapshot {
    const get = <T>(key: string, fallback: T): T => {
      const row = this.stmt.getState.get(key) as { value: string } | undefined;
      return row === undefined ? fallback : (JSON.parse(row.value) as T);
    };
    const lastClosedDay = get<string | null>('lastClosedDay', null);
    const tickets = (this.stmt.ticketsSince.all(lastClosedDay ?? '') as { id: string; body: string }[]).map(
      (r) => this.codec.parse<Ticket>(r.body, `tickets:${r.id}`),
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

  /** Server-level values that are not queue state (the key fingerprint, the notice). */
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
    this.highWater?.close();
    this.highWater = null;
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
        body: this.codec.stringify(t, `tickets:${t.id}`),
      });
    }
    if (c.settled !== null)
      for (const id of c.settled.ids)
        this.stmt.settleTicket.run({
          id,
          reason: c.settled.reason === '' ? '' : this.codec.cipher.seal(c.settled.reason, `tickets:${id}`),
          at: c.settled.at,
        });
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
