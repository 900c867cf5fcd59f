/**
 * Integrity of the hall's database on start (SPEC INT-1..6): the file must exist (a new hall is
 * made only by `init`), pass `PRAGMA quick_check`, and hold at least every fact that was ever
 * acknowledged, which a high-water mark kept beside it (`<db>.hwm`, outside the database file)
 * remembers. A refusal is an `IntegrityRefusal` whose text tells the hall's technician, in
 * Chinese and English, what is wrong, which file, and how to recover.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { HallStore, HighWaterSink } from './hall.store.ts';
import { MIGRATIONS } from './migrations.ts';

/** A category's last issued number on a business day (as the engine's counters hold it). */
export interface Counter {
  categoryId: string;
  businessDay: string;
  last: number;
}

/** What the high-water file remembers: the last acknowledged seq and the numbers handed out. */
export interface HighWater {
  /** Identifies the hall database this mark belongs to (kept in the database's meta too). */
  hallId: string;
  seq: number;
  counters: Counter[];
  /** When it was written (ms). */
  at: number;
}

export type IntegrityProblem =
  | 'DB_MISSING'
  | 'DB_EMPTY'
  | 'DB_EXISTS'
  | 'DB_DAMAGED'
  | 'DB_BEHIND'
  | 'HWM_MISSING'
  | 'HWM_DAMAGED'
  | 'HWM_OTHER_DB'
  | 'BACKUP_DAMAGED'
  | 'BACKUP_OTHER_HALL'
  | 'SEQ_NOT_CONFIRMED';

/**
 * The server refuses to start or a command refuses to act: `message` is the operator's text
 * (Chinese first, then English, then the numbered recovery steps), never a stack trace.
 */
export class IntegrityRefusal extends Error {
  constructor(
    readonly problem: IntegrityProblem,
    readonly zh: string,
    readonly en: string,
    readonly steps: readonly { zh: string; en: string }[],
  ) {
    super(
      [
        `数据库完整性检查未通过 / Database integrity check failed [${problem}]`,
        `  ${zh}`,
        `  ${en}`,
        ...(steps.length > 0
          ? [
              '恢复步骤 / How to recover:',
              ...steps.flatMap((s, i) => [`  ${i + 1}. ${s.zh}`, `     ${s.en}`]),
            ]
          : []),
      ].join('\n'),
    );
    this.name = 'IntegrityRefusal';
  }
}

export const hwmPathOf = (dbPath: string): string => `${dbPath}.hwm`;

/**
 * Opens (creating and migrating) a HallStore on a path: the composition's way to build one with
 * whatever else it needs (keys), so these checks never construct a store on their own terms.
 */
export type OpenStore = (path: string) => HallStore;

/** The commands an operator types (package scripts of @onewindow/queue-server). */
const CMD = {
  init: 'npm run init -w @onewindow/queue-server',
  restore: 'npm run restore -w @onewindow/queue-server -- <backup file>',
  acceptLoss: (seq: number) => `npm run accept-loss -w @onewindow/queue-server -- --accept-seq ${seq}`,
};

const restoreStep = (dbPath: string) => ({
  zh: `从最近的备份恢复（备份目录见 ONEWINDOW_BACKUP_DIR，默认 ${dirname(dbPath)}/backups，清单在 manifest.jsonl）：${CMD.restore}。损坏的文件会被移到一旁保留，不会删除。`,
  en: `Restore the latest backup (directory ONEWINDOW_BACKUP_DIR, default ${dirname(dbPath)}/backups, listed in manifest.jsonl): ${CMD.restore}. The damaged files are moved aside and kept, never deleted.`,
});

// ---------------------------------------------------------------------------------------------
// The high-water file: two fixed 4 KiB slots written in turn, each with its own checksum, so a
// write torn by a power cut leaves the other slot whole. Overwritten in place, never resized, so
// fdatasync is one small write and no metadata.

const SLOT = 4096;
const MAGIC = 'OWHWM1';

interface Slot extends HighWater {
  gen: number;
}

function encodeSlot(s: Slot): Buffer {
  const json = JSON.stringify({
    hallId: s.hallId,
    gen: s.gen,
    seq: s.seq,
    at: s.at,
    counters: s.counters.map((c) => [c.categoryId, c.businessDay, c.last]),
  });
  const sum = createHash('sha256').update(json).digest('hex').slice(0, 32);
  const line = `${MAGIC} ${sum} ${json}\n`;
  const buf = Buffer.alloc(SLOT, 0x20);
  if (Buffer.byteLength(line) > SLOT)
    throw new Error(`high-water mark too large (${Buffer.byteLength(line)} bytes): too many categories`);
  buf.write(line, 0, 'utf8');
  return buf;
}

function decodeSlot(buf: Buffer): Slot | null {
  const text = buf.toString('utf8');
  const m = /^OWHWM1 ([0-9a-f]{32}) (\{.*\})\n/.exec(text);
  if (m === null) return null;
  const [, sum, json] = m;
  if (createHash('sha256').update(json!).digest('hex').slice(0, 32) !== sum) return null;
  try {
    const o = JSON.parse(json!) as {
      hallId: string;
      gen: number;
      seq: number;
      at: number;
      counters: [string, string, number][];
    };
    return {
      hallId: o.hallId,
      gen: o.gen,
      seq: o.seq,
      at: o.at,
      counters: o.counters.map(([categoryId, businessDay, last]) => ({ categoryId, businessDay, last })),
    };
  } catch {
    return null;
  }
}

export type HighWaterRead = { kind: 'missing' } | { kind: 'damaged' } | { kind: 'ok'; mark: HighWater };

/** Fsyncs a directory so a created or renamed file in it survives a power cut. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The high-water mark beside a hall database (SPEC INT-2): after every committed unit that
 * appended facts, the store writes the last seq and the day's numbers here before the unit is
 * acknowledged. The write reaches the kernel at once (a kill -9 of the server cannot lose it);
 * its `fdatasync` runs in the background, one at a time, each covering every mark written
 * before it started (group commit, INT-7), so no command waits for a second fsync after the
 * database's own.
 */
export class HighWaterMark implements HighWaterSink {
  /**
   * The least time from one background fdatasync's end to the next one's start (INT-7): a busy
   * hall commits tens of units a second, and one sync then covers all the marks written in this
   * gap instead of one sync each (the mark's durability lags the database's by at most this
   * plus a sync, which INT-3 raises on start).
   */
  static readonly SYNC_GAP_MS = 50;
  /** A background fdatasync is running. */
  private syncing = false;
  /** The next fdatasync waits for the gap after the last one. */
  private gapTimer: NodeJS.Timeout | null = null;
  private lastSyncEnd = Number.NEGATIVE_INFINITY;
  /** A mark was written after the running fdatasync started. */
  private dirty = false;
  private closed = false;
  private readonly waiters: (() => void)[] = [];

  private constructor(
    private readonly fd: number,
    private gen: number,
    /** The slot marks are written to now (the other holds the last whole, synced mark). */
    private slot: 0 | 1,
    private readonly hallId: string,
    private readonly clock: () => number,
  ) {}

  static read(path: string): HighWaterRead {
    if (!existsSync(path)) return { kind: 'missing' };
    const buf = readFileSync(path);
    const slots = [decodeSlot(buf.subarray(0, SLOT)), decodeSlot(buf.subarray(SLOT, 2 * SLOT))].filter(
      (s): s is Slot => s !== null,
    );
    if (slots.length === 0) return { kind: 'damaged' };
    const best = slots.reduce((a, b) => (b.gen > a.gen ? b : a));
    const { gen: _gen, ...mark } = best;
    return { kind: 'ok', mark };
  }

  /** Creates (or overwrites) the file with this mark in both slots, fsynced with its directory. */
  static create(path: string, mark: HighWater, clock: () => number = Date.now): HighWaterMark {
    const fd = openSync(path, 'w');
    const slot = encodeSlot({ ...mark, gen: 1 });
    writeSync(fd, slot, 0, SLOT, 0);
    writeSync(fd, encodeSlot({ ...mark, gen: 0 }), 0, SLOT, SLOT);
    fsyncSync(fd);
    fsyncDir(dirname(path));
    return new HighWaterMark(fd, 1, 1, mark.hallId, clock);
  }

  /** Opens an existing, readable file to keep writing it. */
  static open(path: string, clock: () => number = Date.now): HighWaterMark {
    const read = HighWaterMark.read(path);
    if (read.kind !== 'ok') throw new Error(`high-water mark ${path} is ${read.kind}`);
    const buf = readFileSync(path);
    const gens = [decodeSlot(buf.subarray(0, SLOT)), decodeSlot(buf.subarray(SLOT, 2 * SLOT))].map(
      (s) => s?.gen ?? -1,
    );
    const best = gens[0]! >= gens[1]! ? 0 : 1;
    return new HighWaterMark(
      openSync(path, 'r+'),
      Math.max(...gens),
      best === 0 ? 1 : 0,
      read.mark.hallId,
      clock,
    );
  }

  record(seq: number, counters: readonly Counter[]): void {
    const gen = this.gen + 1;
    const buf = encodeSlot({ hallId: this.hallId, gen, seq, counters: [...counters], at: this.clock() });
    // Marks go to one slot until an fdatasync of it completes with nothing written meanwhile;
    // only then does writing move to the other slot. So the slot not being written is always
    // a whole mark on disk, and a power cut that tears one page leaves the other readable.
    writeSync(this.fd, buf, 0, SLOT, this.slot * SLOT);
    this.gen = gen;
    this.dirty = true;
    this.startSync();
  }

  private startSync(): void {
    if (this.syncing || this.gapTimer !== null || !this.dirty || this.closed) return;
    const wait = this.lastSyncEnd + HighWaterMark.SYNC_GAP_MS - performance.now();
    if (wait > 0) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = null;
        this.startSync();
      }, wait);
      this.gapTimer.unref();
      return;
    }
    this.syncing = true;
    this.dirty = false;
    fdatasync(this.fd, (err) => {
      this.syncing = false;
      this.lastSyncEnd = performance.now();
      // A failed sync leaves the marks written since dirty: the next one tries again (and
      // close() syncs synchronously, where a failure is thrown).
      if (err !== null) this.dirty = true;
      if (this.closed) return this.finishClose();
      if (this.dirty) {
        if (err === null) this.startSync();
        return;
      }
      this.slot = this.slot === 0 ? 1 : 0;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves once every mark written so far is on disk (tests, and anyone who must be sure). */
  durable(): Promise<void> {
    if (!this.dirty && !this.syncing) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.startSync();
    });
  }

  /** Syncs what is written and closes the file (after a running background sync has finished). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.gapTimer !== null) clearTimeout(this.gapTimer);
    this.gapTimer = null;
    if (!this.syncing) this.finishClose();
  }

  private finishClose(): void {
    try {
      fdatasyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      for (const w of this.waiters.splice(0)) w();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reading a database without changing it: a read-only connection neither checkpoints nor
// truncates the WAL on close, so a refused start leaves every file as it found it.

export interface DbInspection {
  seq: number;
  counters: Counter[];
  lastClosedDay: string | null;
  /** meta:integrity-hall-id, set by init (or when an older database first got its mark). */
  hallId: string | undefined;
  userVersion: number;
}

const META_HALL_ID = 'integrity-hall-id';

/** Reads seq, counters and identity through a read-only connection after `PRAGMA quick_check`. */
export function inspectDatabase(path: string, what: 'database' | 'backup' = 'database'): DbInspection {
  const damaged = (detail: string) =>
    what === 'backup'
      ? new IntegrityRefusal(
          'BACKUP_DAMAGED',
          `备份文件 ${path} 已损坏或不是本系统的数据库（${detail}），不能用来恢复。`,
          `The backup ${path} is damaged or not a OneWindow database (${detail}); it cannot be restored.`,
          [
            {
              zh: '换一个更早的备份（清单 manifest.jsonl 列出每个备份及其校验结果）。',
              en: 'Pick an earlier backup (manifest.jsonl lists every backup with its check).',
            },
          ],
        )
      : new IntegrityRefusal(
          'DB_DAMAGED',
          `数据库文件 ${path} 已损坏（${detail}）。服务器不会在损坏的数据上启动。`,
          `The database file ${path} is damaged (${detail}). The server will not start on damaged data.`,
          [restoreStep(path)],
        );
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw damaged(sqliteDetail(err));
  }
  try {
    const check = db.pragma('quick_check') as { quick_check: string }[];
    const problems = check.map((r) => r.quick_check).filter((s) => s !== 'ok');
    if (problems.length > 0) throw damaged(`quick_check: ${problems.slice(0, 3).join('; ')}`);
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    if (userVersion === 0) throw damaged('no OneWindow tables (user_version 0)');
    if (userVersion > MIGRATIONS.length)
      throw damaged(`schema ${userVersion} is newer than this server (${MIGRATIONS.length})`);
    const state = (key: string): string | undefined =>
      (db.prepare('SELECT value FROM hall_state WHERE key = ?').get(key) as { value: string } | undefined)
        ?.value;
    const seq = (db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events').get() as { seq: number }).seq;
    const counters = JSON.parse(state('counters') ?? '[]') as Counter[];
    const lastClosedDay = JSON.parse(state('lastClosedDay') ?? 'null') as string | null;
    return { seq, counters, lastClosedDay, hallId: state(`meta:${META_HALL_ID}`), userVersion };
  } catch (err) {
    if (err instanceof IntegrityRefusal) throw err;
    throw damaged(sqliteDetail(err));
  } finally {
    db.close();
  }
}

/** SQLite's own words for a failure, without the stack: "SQLITE_CORRUPT: database disk image is malformed". */
function sqliteDetail(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return `${e.code ?? 'error'}: ${e.message ?? String(err)}`;
}

/**
 * The hwm's numbers raised into the database's counters where the database is behind on the
 * same (still open) business day: what keeps a number that was handed out from being handed
 * out again after a restore or an accepted loss (SPEC BAK-4).
 */
export function raiseCounters(
  db: readonly Counter[],
  handedOut: readonly Counter[],
  lastClosedDay: string | null,
): { counters: Counter[]; raised: { categoryId: string; businessDay: string; from: number; to: number }[] } {
  const byCategory = new Map(db.map((c) => [c.categoryId, { ...c }]));
  const raised: { categoryId: string; businessDay: string; from: number; to: number }[] = [];
  for (const h of handedOut) {
    if (lastClosedDay !== null && h.businessDay <= lastClosedDay) continue;
    const mine = byCategory.get(h.categoryId);
    const behind =
      mine === undefined ||
      mine.businessDay < h.businessDay ||
      (mine.businessDay === h.businessDay && mine.last < h.last);
    if (!behind) continue;
    raised.push({
      categoryId: h.categoryId,
      businessDay: h.businessDay,
      from: mine !== undefined && mine.businessDay === h.businessDay ? mine.last : 0,
      to: h.last,
    });
    byCategory.set(h.categoryId, { ...h });
  }
  const counters = [...byCategory.values()].sort((a, b) => a.categoryId.localeCompare(b.categoryId));
  return { counters, raised };
}

/** "A: 13–20 (2026-11-26)" for each category whose numbers the database lost. */
function lostNumbers(db: DbInspection, mark: HighWater): string {
  const { raised } = raiseCounters(db.counters, mark.counters, db.lastClosedDay);
  return raised.map((r) => `${r.categoryId}: ${r.from + 1}–${r.to} (${r.businessDay})`).join(', ');
}

/** Refuses (DB_MISSING) when the database file is not there. */
export function refuseMissing(dbPath: string): void {
  if (!existsSync(dbPath)) throw missingDatabase(dbPath);
}

/** The refusal for a database file that is not there: lost (its mark exists) or never made. */
function missingDatabase(dbPath: string): IntegrityRefusal {
  const mark = HighWaterMark.read(hwmPathOf(dbPath));
  return new IntegrityRefusal(
    'DB_MISSING',
    mark.kind === 'ok'
      ? `数据库文件 ${dbPath} 不存在，但旁边的高水位文件记录已确认到第 ${mark.mark.seq} 条事件：数据库丢失了。`
      : `数据库文件 ${dbPath} 不存在。服务器不会自动新建大厅，以免把丢失的数据当成新大厅。`,
    mark.kind === 'ok'
      ? `The database file ${dbPath} does not exist, but its high-water mark says facts up to seq ${mark.mark.seq} were acknowledged: the database was lost.`
      : `The database file ${dbPath} does not exist. The server never creates a hall by itself, so a lost database is not mistaken for a new hall.`,
    mark.kind === 'ok'
      ? [restoreStep(dbPath)]
      : [
          {
            zh: `检查 ONEWINDOW_DB 是否指向正确的文件（当前 ${dbPath}）。`,
            en: `Check that ONEWINDOW_DB points at the right file (now ${dbPath}).`,
          },
          {
            zh: `新大厅：先运行 ${CMD.init}（需要 ONEWINDOW_ADMIN_PASSWORD），再启动服务器。`,
            en: `A new hall: run ${CMD.init} first (needs ONEWINDOW_ADMIN_PASSWORD), then start the server.`,
          },
          restoreStep(dbPath),
        ],
  );
}

// ---------------------------------------------------------------------------------------------

export interface OpenedHall {
  store: HallStore;
  /** What the check found worth logging (a mark created for an older database, a mark behind). */
  notes: string[];
}

/**
 * Opens a hall database for serving (SPEC INT-1..5), or refuses with an `IntegrityRefusal`:
 * missing or empty file, quick_check failure, a database behind its high-water mark, a missing
 * or unreadable mark of a database that had one, a mark of another database. In the demo a
 * missing database is created (choosing the demo is the explicit step).
 */
export function openHall(
  dbPath: string,
  openStore: OpenStore,
  opts: { demo: boolean; now?: () => number },
): OpenedHall {
  const clock = opts.now ?? Date.now;
  const hwmPath = hwmPathOf(dbPath);
  if (!existsSync(dbPath)) {
    if (opts.demo) {
      const notes: string[] = [];
      if (existsSync(hwmPath)) {
        const aside = `${hwmPath}.old-${stamp(clock())}`;
        renameSync(hwmPath, aside);
        notes.push(`the demo database was missing: a new demo hall was created; its old mark is ${aside}`);
      }
      return { store: initHall(dbPath, openStore, { now: clock }), notes };
    }
    throw missingDatabase(dbPath);
  }
  if (statSync(dbPath).size === 0)
    throw new IntegrityRefusal(
      'DB_EMPTY',
      `数据库文件 ${dbPath} 是空文件（0 字节），不是一个大厅的数据库。`,
      `The database file ${dbPath} is empty (0 bytes): it is not a hall's database.`,
      [
        restoreStep(dbPath),
        {
          zh: `确认这是新大厅后，把空文件移走，再运行 ${CMD.init}。`,
          en: `If this is meant to be a new hall, move the empty file away and run ${CMD.init}.`,
        },
      ],
    );
  const db = inspectDatabase(dbPath);
  const read = HighWaterMark.read(hwmPath);
  const notes: string[] = [];
  if (read.kind === 'missing' && db.hallId !== undefined)
    throw new IntegrityRefusal(
      'HWM_MISSING',
      `高水位文件 ${hwmPath} 不见了，无法确认数据库 ${dbPath}（最后事件第 ${db.seq} 条）没有丢失已确认的取号。`,
      `The high-water mark ${hwmPath} is missing, so nothing shows that ${dbPath} (last seq ${db.seq}) still holds every acknowledged ticket.`,
      [
        {
          zh: '如果高水位文件被移到了别处，把它放回数据库旁边。',
          en: 'If the mark was moved, put it back beside the database.',
        },
        restoreStep(dbPath),
        {
          zh: `确认数据库完整后，记录这一决定并重建高水位：${CMD.acceptLoss(db.seq)}`,
          en: `If you are sure the database is complete, record that decision and rebuild the mark: ${CMD.acceptLoss(db.seq)}`,
        },
      ],
    );
  if (read.kind === 'damaged')
    throw new IntegrityRefusal(
      'HWM_DAMAGED',
      `高水位文件 ${hwmPath} 已损坏，无法确认数据库（最后事件第 ${db.seq} 条）没有丢失已确认的取号。`,
      `The high-water mark ${hwmPath} is damaged, so nothing shows that the database (last seq ${db.seq}) holds every acknowledged ticket.`,
      [
        restoreStep(dbPath),
        {
          zh: `确认数据库完整后：${CMD.acceptLoss(db.seq)}`,
          en: `If you are sure the database is complete: ${CMD.acceptLoss(db.seq)}`,
        },
      ],
    );
  if (read.kind === 'ok') {
    const mark = read.mark;
    if (db.hallId !== undefined && mark.hallId !== db.hallId)
      throw new IntegrityRefusal(
        'HWM_OTHER_DB',
        `高水位文件 ${hwmPath} 属于另一个数据库（${mark.hallId}），而 ${dbPath} 是 ${db.hallId}：数据库文件可能被换掉了。`,
        `The high-water mark ${hwmPath} belongs to another database (${mark.hallId}) than ${dbPath} (${db.hallId}): the database file may have been replaced.`,
        [
          {
            zh: '把正确的数据库文件放回原处；或从本大厅的备份恢复。',
            en: "Put the right database file back, or restore one of this hall's backups.",
          },
          restoreStep(dbPath),
        ],
      );
    if (db.seq < mark.seq) {
      const numbers = lostNumbers(db, mark);
      throw new IntegrityRefusal(
        'DB_BEHIND',
        `数据库 ${dbPath} 只到第 ${db.seq} 条事件，但高水位文件记录已确认到第 ${mark.seq} 条（${new Date(mark.at).toISOString()}）：丢失了第 ${db.seq + 1}–${mark.seq} 条事件${numbers ? `，其中已发出的号码 ${numbers}` : ''}。常见原因：WAL 文件（${dbPath}-wal）被截断或损坏、磁盘故障、拷贝不完整。`,
        `The database ${dbPath} ends at seq ${db.seq}, but its high-water mark says seq ${mark.seq} was acknowledged (${new Date(mark.at).toISOString()}): facts ${db.seq + 1}–${mark.seq} are lost${numbers ? `, among them the ticket numbers ${numbers}` : ''}. Usual causes: a truncated or damaged WAL (${dbPath}-wal), a failing disk, an incomplete copy.`,
        [
          restoreStep(dbPath),
          {
            zh: `如果决定接受这部分损失（号码不会重发），记录这一决定后再启动：${CMD.acceptLoss(db.seq)}`,
            en: `If you accept the loss (the lost numbers are not issued again), record that decision, then start: ${CMD.acceptLoss(db.seq)}`,
          },
        ],
      );
    }
  }
  const store = openStore(dbPath);
  let hallId = db.hallId;
  if (hallId === undefined) {
    hallId = randomUUID();
    store.putMeta(META_HALL_ID, hallId);
    notes.push(`the database had no high-water mark yet (made by an older server): ${hwmPath} created`);
  }
  const seq = store.lastSeq();
  let hwm: HighWaterMark;
  if (read.kind === 'ok') {
    hwm = HighWaterMark.open(hwmPath, clock);
    if (seq > read.mark.seq) {
      hwm.record(seq, store.loadSnapshot().counters);
      notes.push(
        `the high-water mark was behind the database (${read.mark.seq} < ${seq}: a stop between a commit and its mark); raised`,
      );
    }
  } else {
    hwm = HighWaterMark.create(hwmPath, {
      hallId,
      seq,
      counters: store.loadSnapshot().counters,
      at: clock(),
    });
  }
  store.attachHighWater(hwm);
  return { store, notes };
}

/** Refuses `init` where a database, or the mark of an earlier one, is already there (SPEC INT-4). */
export function refuseInit(dbPath: string): void {
  const hwmPath = hwmPathOf(dbPath);
  if (existsSync(dbPath))
    throw new IntegrityRefusal(
      'DB_EXISTS',
      `数据库文件 ${dbPath} 已经存在，init 不会覆盖它。`,
      `The database file ${dbPath} already exists; init never overwrites one.`,
      [
        {
          zh: '要启动这个大厅，直接启动服务器（npm run serve）。',
          en: 'To run this hall, just start the server (npm run serve).',
        },
      ],
    );
  if (existsSync(hwmPath))
    throw new IntegrityRefusal(
      'DB_MISSING',
      `数据库 ${dbPath} 不存在，但旁边还有之前那个数据库的高水位文件 ${hwmPath}：之前的大厅数据可能丢失了。`,
      `The database ${dbPath} does not exist but the high-water mark ${hwmPath} of an earlier database does: that hall's data may have been lost.`,
      [
        restoreStep(dbPath),
        {
          zh: `确实要新建大厅时，先把 ${hwmPath} 移走保存，再运行 init。`,
          en: `To start a new hall anyway, move ${hwmPath} away (keep it), then run init.`,
        },
      ],
    );
}

/**
 * Creates a new hall database and its high-water mark (SPEC INT-4): the only way a database
 * comes into being. Refuses when the file, or a mark of an earlier database, already exists.
 */
export function initHall(dbPath: string, openStore: OpenStore, opts: { now?: () => number } = {}): HallStore {
  const clock = opts.now ?? Date.now;
  const hwmPath = hwmPathOf(dbPath);
  refuseInit(dbPath);
  mkdirSync(dirname(dbPath), { recursive: true });
  const store = openStore(dbPath);
  const hallId = randomUUID();
  store.putMeta(META_HALL_ID, hallId);
  fsyncDir(dirname(dbPath));
  store.attachHighWater(HighWaterMark.create(hwmPath, { hallId, seq: 0, counters: [], at: clock() }, clock));
  return store;
}

/** 20261126T010000Z: sortable, safe in file names. */
export function stamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * The operator accepts that the database lost what its mark remembers beyond it (SPEC INT-6):
 * the seq they confirm must be the database's own; the numbers already handed out are kept
 * (never issued again); the decision is an audit row; the mark is rebuilt at the database's seq.
 */
export function acceptLoss(
  dbPath: string,
  openStore: OpenStore,
  opts: { acceptSeq: number; actor: string; now?: () => number },
): { dbSeq: number; hwmSeq: number | null; raised: ReturnType<typeof raiseCounters>['raised'] } {
  const clock = opts.now ?? Date.now;
  const hwmPath = hwmPathOf(dbPath);
  if (!existsSync(dbPath)) throw missingDatabase(dbPath);
  const db = inspectDatabase(dbPath);
  if (opts.acceptSeq !== db.seq)
    throw new IntegrityRefusal(
      'SEQ_NOT_CONFIRMED',
      `数据库 ${dbPath} 最后一条事件是第 ${db.seq} 条，不是 ${opts.acceptSeq}：请确认后用 --accept-seq ${db.seq}。`,
      `The database ${dbPath} ends at seq ${db.seq}, not ${opts.acceptSeq}: confirm with --accept-seq ${db.seq}.`,
      [],
    );
  const read = HighWaterMark.read(hwmPath);
  const mark = read.kind === 'ok' ? read.mark : null;
  if (read.kind !== 'missing') renameSync(hwmPath, `${hwmPath}.old-${stamp(clock())}`);
  const store = openStore(dbPath);
  try {
    const hallId = db.hallId ?? randomUUID();
    const raised = store.transaction(() => {
      const r = raiseCounters(db.counters, mark?.counters ?? [], db.lastClosedDay);
      if (r.raised.length > 0)
        store.writeProjections({ tickets: [], settled: null, windows: [], state: { counters: r.counters } });
      store.putMeta(META_HALL_ID, hallId);
      store.auth.audit({
        at: clock(),
        actor: opts.actor,
        action: 'integrity:accept-loss',
        target: dbPath,
        detail: {
          dbSeq: db.seq,
          hwm: read.kind,
          hwmSeq: mark?.seq ?? null,
          lostSeqs: mark !== null && mark.seq > db.seq ? [db.seq + 1, mark.seq] : null,
          numbersKept: r.raised,
        },
      });
      return r.raised;
    });
    HighWaterMark.create(
      hwmPath,
      { hallId, seq: store.lastSeq(), counters: store.loadSnapshot().counters, at: clock() },
      clock,
    ).close();
    return { dbSeq: db.seq, hwmSeq: mark?.seq ?? null, raised };
  } finally {
    store.close();
  }
}

export { META_HALL_ID };
