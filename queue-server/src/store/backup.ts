/**
 * Online backups and restore of the hall's database (SPEC BAK-1..5). A backup is taken with
 * SQLite's online backup API through a read-only connection (the server keeps serving), checked
 * (`quick_check`, its seq read back), named with its time and seq, and listed in
 * `manifest.jsonl`. A restore checks the backup, moves the damaged files aside (never deletes
 * them), installs the backup, keeps the numbers handed out after it, records what was lost in
 * the audit log and sets the high-water mark to the restored seq, so the next start is accepted.
 */
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import {
  fsyncDir,
  HighWaterMark,
  hwmPathOf,
  IntegrityRefusal,
  inspectDatabase,
  META_HALL_ID,
  type OpenStore,
  raiseCounters,
  stamp,
} from './integrity.ts';

/** One line of `manifest.jsonl`. */
export interface BackupEntry {
  file: string;
  at: string;
  seq: number;
  bytes: number;
  sha256: string;
  quickCheck: 'ok';
  hallId: string | null;
}

const BACKUP_NAME = /^onewindow-(\d{8}T\d{6}Z)-seq(\d+)\.db$/;
export const MANIFEST = 'manifest.jsonl';

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Takes one verified backup of `dbPath` into `dir` and keeps the newest `keep` of them. Safe
 * while the server runs: the copy is one consistent read of the database (WAL included).
 */
export async function backupHall(
  dbPath: string,
  dir: string,
  opts: { keep: number; now?: () => number },
): Promise<BackupEntry> {
  const clock = opts.now ?? Date.now;
  mkdirSync(dir, { recursive: true });
  const at = clock();
  const partial = join(dir, `.partial-${stamp(at)}-${process.pid}.db`);
  const src = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    await src.backup(partial);
  } finally {
    src.close();
  }
  let seq: number;
  let hallId: string | undefined;
  try {
    ({ seq, hallId } = inspectDatabase(partial, 'backup'));
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  const file = join(dir, `onewindow-${stamp(at)}-seq${seq}.db`);
  fsyncFile(partial);
  renameSync(partial, file);
  fsyncDir(dir);
  const entry: BackupEntry = {
    file: basename(file),
    at: new Date(at).toISOString(),
    seq,
    bytes: statSync(file).size,
    sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
    quickCheck: 'ok',
    hallId: hallId ?? null,
  };
  appendFileSync(join(dir, MANIFEST), `${JSON.stringify(entry)}\n`);
  fsyncFile(join(dir, MANIFEST));
  pruneBackups(dir, opts.keep);
  return entry;
}

/** The backups in `dir`, oldest first (their names sort by time). */
export function listBackups(dir: string): { file: string; seq: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => ({ f, m: BACKUP_NAME.exec(f) }))
    .filter((x) => x.m !== null)
    .sort((a, b) => a.f.localeCompare(b.f))
    .map((x) => ({ file: join(dir, x.f), seq: Number(x.m![2]) }));
}

function pruneBackups(dir: string, keep: number): void {
  const all = listBackups(dir);
  for (const b of all.slice(0, Math.max(0, all.length - keep))) rmSync(b.file);
}

export interface RestoreReport {
  from: string;
  restoredSeq: number;
  /** The last acknowledged seq the high-water mark knew, if it was readable. */
  hwmSeq: number | null;
  /** Facts acknowledged after the backup, lost by the restore: [first, last], or null. */
  lostSeqs: [number, number] | null;
  /** Where the replaced files went (kept, never deleted). */
  movedAside: string[];
  /** Numbers handed out after the backup that stay used (never issued again). */
  numbersKept: ReturnType<typeof raiseCounters>['raised'];
}

/**
 * Installs a verified backup as the hall's database (SPEC BAK-3, BAK-4). Run with the server
 * stopped. The files it replaces (database, -wal, -shm, mark) are renamed aside with a
 * `.replaced-<time>` suffix; the restore is an audit row saying when, from what and which seqs
 * were lost; the high-water mark is set to the restored seq.
 */
export function restoreHall(
  dbPath: string,
  backupFile: string,
  openStore: OpenStore,
  opts: { actor: string; now?: () => number },
): RestoreReport {
  const clock = opts.now ?? Date.now;
  if (!existsSync(backupFile))
    throw new IntegrityRefusal(
      'BACKUP_DAMAGED',
      `备份文件 ${backupFile} 不存在。`,
      `The backup file ${backupFile} does not exist.`,
      [
        {
          zh: '在备份目录的 manifest.jsonl 里找到备份文件名，给出完整路径。',
          en: 'Find the backup in manifest.jsonl of the backup directory and give its full path.',
        },
      ],
    );
  const backup = inspectDatabase(backupFile, 'backup');
  const hwmPath = hwmPathOf(dbPath);
  const read = HighWaterMark.read(hwmPath);
  const mark = read.kind === 'ok' ? read.mark : null;
  if (mark !== null && backup.hallId !== undefined && backup.hallId !== mark.hallId)
    throw new IntegrityRefusal(
      'BACKUP_OTHER_HALL',
      `备份 ${backupFile} 属于另一个大厅数据库（${backup.hallId}），不是 ${dbPath}（${mark.hallId}）。`,
      `The backup ${backupFile} belongs to another hall database (${backup.hallId}), not to ${dbPath} (${mark.hallId}).`,
      [{ zh: '选择本大厅的备份。', en: "Pick one of this hall's backups." }],
    );

  const when = stamp(clock());
  const movedAside: string[] = [];
  for (const suffix of ['', '-wal', '-shm', '.hwm']) {
    const from = `${dbPath}${suffix}`;
    if (!existsSync(from)) continue;
    const to = `${dbPath}.replaced-${when}${suffix}`;
    renameSync(from, to);
    movedAside.push(to);
  }
  mkdirSync(dirname(dbPath), { recursive: true });
  const installing = `${dbPath}.restoring`;
  copyFileSync(backupFile, installing);
  fsyncFile(installing);
  renameSync(installing, dbPath);
  fsyncDir(dirname(dbPath));

  const store = openStore(dbPath);
  try {
    const hallId = backup.hallId ?? mark?.hallId ?? null;
    const lostSeqs: [number, number] | null =
      mark !== null && mark.seq > backup.seq ? [backup.seq + 1, mark.seq] : null;
    const numbersKept = store.transaction(() => {
      const r = raiseCounters(backup.counters, mark?.counters ?? [], backup.lastClosedDay);
      if (r.raised.length > 0)
        store.writeProjections({ tickets: [], settled: null, windows: [], state: { counters: r.counters } });
      if (hallId !== null) store.putMeta(META_HALL_ID, hallId);
      store.auth.audit({
        at: clock(),
        actor: opts.actor,
        action: 'integrity:restore',
        target: dbPath,
        detail: {
          from: backupFile,
          restoredSeq: backup.seq,
          hwm: read.kind,
          hwmSeq: mark?.seq ?? null,
          lostSeqs,
          movedAside,
          numbersKept: r.raised,
        },
      });
      return r.raised;
    });
    const seq = store.lastSeq();
    HighWaterMark.create(
      hwmPath,
      { hallId: hallId ?? 'unknown', seq, counters: store.loadSnapshot().counters, at: clock() },
      clock,
    ).close();
    return {
      from: backupFile,
      restoredSeq: seq,
      hwmSeq: mark?.seq ?? null,
      lostSeqs,
      movedAside,
      numbersKept,
    };
  } finally {
    store.close();
  }
}

/**
 * Takes a backup every `everyMinutes` while the server runs (SPEC BAK-1); a failed backup is
 * logged and tried again at the next turn. The timer never keeps the process alive.
 */
export function scheduleBackups(opts: {
  dbPath: string;
  dir: string;
  everyMinutes: number;
  keep: number;
  log: {
    info(o: object, msg: string): void;
    error(o: object, msg: string): void;
  };
}): { stop(): void } {
  if (opts.everyMinutes <= 0) return { stop() {} };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    backupHall(opts.dbPath, opts.dir, { keep: opts.keep })
      .then(
        (entry) => opts.log.info({ backup: entry.file, seq: entry.seq }, 'backup written and verified'),
        (err: unknown) =>
          opts.log.error(
            { err: err instanceof IntegrityRefusal ? err.message : err, dir: opts.dir },
            'backup failed',
          ),
      )
      .finally(() => {
        running = false;
      });
  }, opts.everyMinutes * 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
