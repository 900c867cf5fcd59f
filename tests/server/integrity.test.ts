/**
 * SPEC INT-1..6, BAK-1..5 against the real server process and real files: a kill -9 in the
 * middle of ticket traffic, then the WAL truncated, a WAL frame bit-flipped, database pages
 * damaged, the database missing; `init`, `backup`, `restore`, `accept-loss` as an operator
 * runs them. What is checked is what a hall would see: the server refuses with a message (in
 * Chinese and English, with the recovery steps, never a stack trace) or starts with every
 * acknowledged ticket, and no number acknowledged to a citizen is handed out twice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { serializeKeys } from '../../queue-server/src/security/keys.ts';
import { DEMO_PASSWORD } from '../../queue-server/src/seed/bootstrap.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';

const MAIN = join(import.meta.dirname, '..', '..', 'queue-server', 'src', 'main.ts');
const dirs: string[] = [];
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
});
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'onewindow-integrity-'));
  dirs.push(d);
  return d;
}

interface Run {
  child: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(db: string, args: string[], env: Record<string, string> = {}): Run {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ONEWINDOW_AUTO_DAY_CLOSE: '0',
      ONEWINDOW_DEMO_CONTROL_PORT: '0',
      ONEWINDOW_DB: db,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, out: () => out, exited };
}

/** Runs a command to its end (a refused start is such a command too): exit code and output. */
async function finish(db: string, args: string[], env: Record<string, string> = {}) {
  const r = run(db, args, env);
  const timer = setTimeout(() => r.child.kill('SIGKILL'), 25_000);
  const { code } = await r.exited;
  clearTimeout(timer);
  return { code, out: r.out() };
}

/** A server that is up: its base URL, a guide's token, and its process. */
async function serving(db: string, args: string[] = ['--demo']) {
  const r = run(db, args);
  let port = 0;
  for (let i = 0; i < 400 && port === 0; i++) {
    const m = /"port":(\d+)[^\n]*listening/.exec(r.out());
    if (m) port = Number(m[1]);
    else if (r.child.exitCode !== null) break;
    else await new Promise((res) => setTimeout(res, 50));
  }
  if (port === 0) throw new Error(`server did not start:\n${r.out()}`);
  const base = `http://127.0.0.1:${port}`;
  const login = (await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'guide1', password: DEMO_PASSWORD }),
  }).then((res) => res.json())) as { data: { token: string } };
  const token = login.data.token;
  let n = 0;
  return {
    ...r,
    base,
    /** Issues an A ticket; the number when acknowledged, null when not. */
    async issue(): Promise<string | null> {
      n++;
      const res = await fetch(`${base}/api/commands/ticket:issue`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'idempotency-key': `it-${process.pid}-${Date.now()}-${n}`,
        },
        body: JSON.stringify({ categoryId: 'A' }),
      });
      const body = (await res.json()) as {
        ok: boolean;
        data?: { facts?: { type: string; ticket?: { number: string } }[] };
      };
      if (!body.ok) return null;
      return body.data?.facts?.find((e) => e.type === 'ticket:issued')?.ticket?.number ?? null;
    },
    async numbers(): Promise<string[]> {
      const snap = (await fetch(`${base}/api/queue`).then((res) => res.json())) as {
        data: { tickets: { number: string }[] };
      };
      return snap.data.tickets.map((t) => t.number);
    },
  };
}

/** Issues tickets one after another and kills the server with SIGKILL after `n` answers, one in flight. */
async function trafficThenKill(s: Awaited<ReturnType<typeof serving>>, n: number): Promise<string[]> {
  const acked: string[] = [];
  for (let i = 0; i < n; i++) {
    const number = await s.issue();
    if (number !== null) acked.push(number);
  }
  const inFlight = s.issue().catch(() => null);
  s.child.kill('SIGKILL');
  await s.exited;
  const last = await inFlight;
  if (last !== null) acked.push(last);
  return acked;
}

/** Seq of a database's last fact, read without changing the files (read-only, no checkpoint). */
function lastSeqOf(db: string): number {
  const c = new Database(db, { readonly: true });
  try {
    return (c.prepare('SELECT COALESCE(MAX(seq), 0) AS s FROM events').get() as { s: number }).s;
  } finally {
    c.close();
  }
}

function auditRows(db: string, action: string): { detail: string }[] {
  const c = new Database(db, { readonly: true });
  try {
    return c.prepare('SELECT detail FROM audit WHERE action = ?').all(action) as { detail: string }[];
  } finally {
    c.close();
  }
}

/** A real hall's operator command names the key file; the demo's is beside its database. */
const demoKeys = (db: string) => ({ ONEWINDOW_KEY_FILE: join(dirname(db), 'onewindow.keys') });

const NO_STACK = /SqliteError|\n\s+at [\w.<]+ \(|node:internal/;
const FRAME = 24 + 4096;

describe('integrity on start (SPEC INT-1..6)', () => {
  it('INT-4: serve on a missing database refuses and tells how to init; init makes it once; serve starts', async () => {
    const home = tempDir();
    const db = join(home, 'data', 'hall.db');
    const env = {
      ONEWINDOW_ADMIN_PASSWORD: 'hall-first-pass-2026',
      ONEWINDOW_KEY_FILE: join(home, 'keys', 'hall.keys'),
    };
    // Keys from the environment (a secrets manager), so that only the database is missing.
    const refused = await finish(db, [], {
      ONEWINDOW_ADMIN_PASSWORD: env.ONEWINDOW_ADMIN_PASSWORD,
      ONEWINDOW_KEYS: serializeKeys(TEST_KEYS),
    });
    expect(refused.code).toBe(3);
    expect(refused.out).toContain('不存在');
    expect(refused.out).toContain('does not exist');
    expect(refused.out).toContain('npm run init -w @onewindow/queue-server');
    expect(existsSync(db)).toBe(false);

    expect((await finish(db, ['init'], {})).out).toContain('ONEWINDOW_ADMIN_PASSWORD');
    expect(existsSync(db)).toBe(false);
    // A password the policy refuses leaves nothing behind: init can be run again.
    const weak = await finish(db, ['init'], { ...env, ONEWINDOW_ADMIN_PASSWORD: 'admin-admin-admin' });
    expect(weak.code, weak.out).toBe(2);
    expect(weak.out).toContain('ONEWINDOW_ADMIN_PASSWORD');
    expect(weak.out).not.toMatch(NO_STACK);
    expect([existsSync(db), existsSync(`${db}.hwm`), existsSync(env.ONEWINDOW_KEY_FILE)]).toEqual([
      false,
      false,
      false,
    ]);
    const made = await finish(db, ['init'], env);
    expect(made.code, made.out).toBe(0);
    expect(existsSync(`${db}.hwm`)).toBe(true);
    expect(existsSync(env.ONEWINDOW_KEY_FILE)).toBe(true);
    const again = await finish(db, ['init'], env);
    expect(again.code).toBe(3);
    expect(again.out).toContain('already exists');

    const r = run(db, [], env);
    await expect.poll(r.out, { timeout: 20_000 }).toMatch(/listening/);
    r.child.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);

    // An empty file is not a hall either.
    const empty = join(tempDir(), 'empty.db');
    writeFileSync(empty, '');
    const e = await finish(empty, [], env);
    expect(e.code).toBe(3);
    expect(e.out).toContain('0 字节');
  }, 120_000);

  it('INT-2, INT-3, INT-6: kill -9 mid-traffic restarts whole; a truncated WAL refuses; accept-loss never reissues a number', async () => {
    const db = join(tempDir(), 'hall.db');
    const first = await serving(db);
    const acked1 = await trafficThenKill(first, 25);
    expect(acked1.length).toBeGreaterThanOrEqual(25);

    // A kill -9 alone loses nothing: the restart is accepted and every acknowledged ticket is there.
    const second = await serving(db);
    expect(await second.numbers()).toEqual(expect.arrayContaining(acked1));
    const walBefore = statSync(`${db}-wal`).size;
    const acked2 = await trafficThenKill(second, 25);
    const all = [...acked1, ...acked2];
    expect(new Set(all).size).toBe(all.length);

    // The WAL cut where it ended before the second batch: those acknowledged tickets are gone.
    const hwmSeq = lastSeqOf(db);
    expect(statSync(`${db}-wal`).size).toBeGreaterThan(walBefore + 10 * FRAME);
    truncateSync(`${db}-wal`, walBefore);
    const dbSeq = lastSeqOf(db);
    expect(dbSeq).toBeLessThan(hwmSeq);

    const refused = await finish(db, ['--demo']);
    expect(refused.code, refused.out).toBe(3);
    expect(refused.out).toContain('DB_BEHIND');
    expect(refused.out).toContain(`只到第 ${dbSeq} 条事件`);
    expect(refused.out).toContain(`seq ${hwmSeq} was acknowledged`);
    expect(refused.out).toContain(`${db}-wal`);
    expect(refused.out).toMatch(/A: \d+–\d+ \(\d{4}-\d{2}-\d{2}\)/);
    expect(refused.out).toContain(`--accept-seq ${dbSeq}`);
    expect(refused.out).toContain('npm run restore');
    expect(refused.out).not.toMatch(NO_STACK);
    // Refusing changed nothing: the damaged WAL is still there for whoever investigates.
    expect(statSync(`${db}-wal`).size).toBe(walBefore);

    // Accepting the loss needs the seq the database really holds.
    const wrong = await finish(db, ['accept-loss', '--accept-seq', String(hwmSeq)], demoKeys(db));
    expect(wrong.code).toBe(3);
    expect(wrong.out).toContain(`--accept-seq ${dbSeq}`);
    const accepted = await finish(db, ['accept-loss', '--accept-seq', String(dbSeq)], demoKeys(db));
    expect(accepted.code, accepted.out).toBe(0);
    const rows = auditRows(db, 'integrity:accept-loss');
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.detail)).toMatchObject({ dbSeq, hwmSeq, lostSeqs: [dbSeq + 1, hwmSeq] });

    // The hall starts again; the next number follows the last one ever acknowledged.
    const third = await serving(db);
    const next = await third.issue();
    expect(next).not.toBeNull();
    expect(all).not.toContain(next);
    const max = Math.max(...all.map((n) => Number(n.slice(1))));
    expect(Number(next!.slice(1))).toBe(max + 1);
    third.child.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
  }, 120_000);

  it('INT-3: a bit flipped in a WAL frame refuses to start', async () => {
    const db = join(tempDir(), 'hall.db');
    const s = await serving(db);
    await trafficThenKill(s, 20);
    const hwmSeq = lastSeqOf(db);
    const wal = readFileSync(`${db}-wal`);
    const frames = Math.floor((wal.length - 32) / FRAME);
    expect(frames).toBeGreaterThan(8);
    // A frame among the last tickets': its checksum and every later frame's chain no longer hold.
    const at = 32 + Math.floor(frames * 0.8) * FRAME + 24 + 1000;
    wal[at] = wal[at]! ^ 0x10;
    writeFileSync(`${db}-wal`, wal);
    expect(lastSeqOf(db)).toBeLessThan(hwmSeq);

    const refused = await finish(db, ['--demo']);
    expect(refused.code, refused.out).toBe(3);
    expect(refused.out).toContain('DB_BEHIND');
    expect(refused.out).not.toMatch(NO_STACK);
  }, 120_000);

  it('INT-1: damaged pages in the database file refuse with an operator message, not a stack trace (the demo too)', async () => {
    const db = join(tempDir(), 'hall.db');
    const s = await serving(db);
    for (let i = 0; i < 10; i++) await s.issue();
    s.child.kill('SIGTERM');
    expect((await s.exited).code).toBe(0);
    expect(existsSync(`${db}-wal`)).toBe(false);
    const file = readFileSync(db);
    // The page-type byte of every b-tree page after the first: SQLite's structure, not row data.
    for (let off = 4096; off < file.length; off += 4096) file[off] = 0x42;
    writeFileSync(db, file);

    const refused = await finish(db, ['--demo']);
    expect(refused.code, refused.out).toBe(3);
    expect(refused.out).toContain('DB_DAMAGED');
    expect(refused.out).toContain('已损坏');
    expect(refused.out).toContain('is damaged');
    expect(refused.out).toContain('npm run restore');
    expect(refused.out).not.toMatch(NO_STACK);
  }, 120_000);

  it('INT-5: a missing high-water mark of a database that had one refuses', async () => {
    const db = join(tempDir(), 'hall.db');
    const s = await serving(db);
    await s.issue();
    s.child.kill('SIGTERM');
    await s.exited;
    rmSync(`${db}.hwm`);
    const refused = await finish(db, ['--demo']);
    expect(refused.code).toBe(3);
    expect(refused.out).toContain('HWM_MISSING');
  }, 120_000);
});

describe('backups and restore (SPEC BAK-1..5)', () => {
  it('BAK-2..5: a backup taken while serving restores: tickets up to it are there, numbers continue after the last acknowledged', async () => {
    const dir = tempDir();
    const db = join(dir, 'hall.db');
    const backups = join(dir, 'backups');
    const env = { ONEWINDOW_BACKUP_DIR: backups, ...demoKeys(db) };
    const s = await serving(db);
    const before: string[] = [];
    for (let i = 0; i < 10; i++) before.push((await s.issue())!);

    const taken = await finish(db, ['backup'], env);
    expect(taken.code, taken.out).toBe(0);
    const files = readdirSync(backups).filter((f) => f.endsWith('.db'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^onewindow-\d{8}T\d{6}Z-seq\d+\.db$/);
    const manifest = readFileSync(join(backups, 'manifest.jsonl'), 'utf8').trim().split('\n');
    const entry = JSON.parse(manifest[0]!) as { file: string; seq: number; quickCheck: string };
    expect(entry).toMatchObject({ file: files[0], quickCheck: 'ok' });
    expect(entry.seq).toBe(lastSeqOf(join(backups, files[0]!)));

    // Traffic after the backup, then the disk loses the WAL.
    const after = await trafficThenKill(s, 8);
    truncateSync(`${db}-wal`, 0);
    expect((await finish(db, ['--demo'])).code).toBe(3);

    const restored = await finish(db, ['restore', join(backups, files[0]!)], env);
    expect(restored.code, restored.out).toBe(0);
    // The replaced files are kept beside it.
    const aside = readdirSync(dir).filter((f) => f.includes('.replaced-'));
    expect(aside.some((f) => /^hall\.db\.replaced-\d{8}T\d{6}Z$/.test(f))).toBe(true);
    expect(aside.some((f) => /^hall\.db\.replaced-\d{8}T\d{6}Z-wal$/.test(f))).toBe(true);
    const rows = auditRows(db, 'integrity:restore');
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.detail)).toMatchObject({
      restoredSeq: entry.seq,
      lostSeqs: [entry.seq + 1, expect.any(Number)],
    });

    const again = await serving(db);
    const numbers = await again.numbers();
    expect(numbers).toEqual(expect.arrayContaining(before));
    const next = await again.issue();
    expect([...before, ...after]).not.toContain(next);
    const max = Math.max(...[...before, ...after].map((n) => Number(n.slice(1))));
    expect(Number(next!.slice(1))).toBe(max + 1);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  }, 120_000);

  it('BAK-3: a damaged backup is not restored, and nothing is moved', async () => {
    const dir = tempDir();
    const db = join(dir, 'hall.db');
    const s = await serving(db);
    await s.issue();
    s.child.kill('SIGTERM');
    await s.exited;
    const bad = join(dir, 'bad.db');
    writeFileSync(bad, Buffer.alloc(8192, 7));
    const r = await finish(db, ['restore', bad], demoKeys(db));
    expect(r.code).toBe(3);
    expect(r.out).toContain('BACKUP_DAMAGED');
    expect(r.out).not.toMatch(NO_STACK);
    expect(readdirSync(dir).filter((f) => f.includes('.replaced-'))).toEqual([]);
  }, 120_000);
});
