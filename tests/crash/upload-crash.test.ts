import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  type FSWatcher,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  watch,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ack, CaseRecord, CommandResult, MaterialPage, SlipResult } from '@onewindow/shared';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../queue-server/src/domain/test-factory.ts';
import { DEMO_PASSWORD } from '../../queue-server/src/seed/bootstrap.ts';

/**
 * SPEC MAT-CRASH-1..3, MAT-STORE-1, MAT-SWEEP-1: the real server process (main.ts, the demo hall,
 * real HTTP, real SQLite and page store) takes uploads of pages from several concurrent clients and
 * is killed with SIGKILL at chosen points — when a temp file of a page appears (during the blob
 * write), when a page file gets its final name (between the write and the linking fact's commit),
 * or a random time after an acknowledgement (anywhere, after commits too) — then restarted, and the
 * clients retry what was not acknowledged with the same Idempotency-Key. Every acknowledged upload
 * must be linked once and verify; no checklist, page route or count may see an unlinked file or a
 * temp file; and the sweep, once those are old, deletes exactly them. Kill schedule: CRASH_SEED.
 */

const SEED = Number(process.env.CRASH_SEED ?? 20261207);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../queue-server/src/main.ts', import.meta.url));
/** 失业保险金申领: time-limited, three required materials. */
const UNEMPLOYMENT = '512B0070100003';
const PLANS = ['tmp', 'final', 'ms', 'tmp', 'final', 'ms', 'tmp', 'final', 'ms'] as const;
const CLIENTS = 3;
const DAY = 86_400_000;

type Plan = (typeof PLANS)[number];

interface Upload {
  key: string;
  material: string;
  bytes: Buffer;
  /** The page's hash as the server stored it, once acknowledged (201). */
  sha256: string | null;
  /** Not acknowledged, and never sent again (the clerk scanned another page instead). */
  abandoned: boolean;
}

interface Server {
  child: ChildProcess;
  url: string;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startServer(dir: string): Promise<Server> {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--demo'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ONEWINDOW_DB: join(dir, 'hall.db'),
      ONEWINDOW_AUTO_DAY_CLOSE: '0',
      ONEWINDOW_FIXITY_EVERY_HOURS: '0',
      // The sweep is run on demand at the end, when the test has aged the files.
      ONEWINDOW_PAGE_SWEEP_EVERY_HOURS: '0',
      ONEWINDOW_BACKUP_EVERY_MINUTES: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  for (let i = 0; i < 1200; i++) {
    const m = /"port":(\d+)[^\n]*listening/.exec(out);
    if (m) return { child, url: `http://127.0.0.1:${m[1]}`, out: () => out, exited };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start:\n${out}`);
}

async function rest<T>(
  s: Server,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: Ack<T> }> {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Ack<T> };
}
const data = <T>(r: { status: number; body: Ack<T> }): T => {
  if (!r.body.ok) throw new Error(`${r.status} ${r.body.error.code}: ${r.body.error.message}`);
  return r.body.data;
};
async function login(s: Server, username: string): Promise<string> {
  return data(
    await rest<{ token: string }>(s, 'POST', '/api/auth/login', undefined, {
      username,
      password: DEMO_PASSWORD,
    }),
  ).token;
}

/** A scanned page: noise, so every page differs and its PNG is large enough for a write to take a while. */
async function scan(random: () => number): Promise<Buffer> {
  const w = 500 + Math.floor(random() * 400);
  const h = 600 + Math.floor(random() * 300);
  return sharp(randomBytes(w * h * 3), { raw: { width: w, height: h, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

async function post(s: Server, token: string, caseId: string, u: Upload): Promise<number> {
  const res = await fetch(
    `${s.url}/api/cases/${caseId}/materials/${encodeURIComponent(u.material)}/pages?source=file`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        'idempotency-key': u.key,
      },
      body: new Uint8Array(u.bytes),
    },
  );
  const body = (await res.json()) as Ack<{ case: CaseRecord; page: MaterialPage }>;
  if (res.status === 201 && body.ok) u.sha256 = body.data.page.sha256;
  return res.status;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The page store's files: page files by name, and temp files. */
function storeFiles(blobs: string): { pages: string[]; temps: string[] } {
  const pages: string[] = [];
  const temps: string[] = [];
  let shards: string[] = [];
  try {
    shards = readdirSync(join(blobs, 'sha256'));
  } catch {
    return { pages, temps };
  }
  for (const shard of shards)
    for (const name of readdirSync(join(blobs, 'sha256', shard))) {
      if (name.endsWith('.tmp')) temps.push(join(blobs, 'sha256', shard, name));
      else pages.push(name);
    }
  return { pages, temps };
}

function linkedPages(dbPath: string): Set<string> {
  const db = new Database(dbPath, { readonly: true });
  try {
    return new Set(
      (db.prepare('SELECT DISTINCT sha256 FROM case_pages').all() as { sha256: string }[]).map(
        (r) => r.sha256,
      ),
    );
  } finally {
    db.close();
  }
}

describe(`kill -9 during uploads of pages (SPEC MAT-CRASH-*, seed ${SEED})`, () => {
  let dir: string;
  let blobs: string;
  let server: Server | null = null;
  let caseId = '';
  let materials: string[] = [];
  const uploads: Upload[] = [];
  /** What each kill left on disk before the restart. */
  const kills: { plan: Plan; temps: number; orphans: number; acked: number; inFlight: number }[] = [];
  /** Unlinked files each restart saw, and what the routes said about them. */
  const orphansSeen = new Set<string>();
  const tempsSeen = new Set<string>();
  const random = mulberry32(SEED);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onewindow-upload-crash-'));
    blobs = join(dir, 'blobs');
    // Every shard exists from the start, so one watcher per shard sees every file appear.
    for (let i = 0; i < 256; i++)
      mkdirSync(join(blobs, 'sha256', i.toString(16).padStart(2, '0')), { recursive: true });

    server = await startServer(dir);
    const guide = await login(server, 'guide1');
    const issued = data(
      await rest<CommandResult>(server, 'POST', '/api/commands/ticket:issue', guide, {
        categoryId: 'A',
        itemCode: UNEMPLOYMENT,
      }),
    );
    const ticketId = (issued.facts as { type: string; ticket?: { id: string } }[]).find(
      (f) => f.type === 'ticket:issued',
    )!.ticket!.id;
    const clerk = await login(server, 'clerk1');
    for (const [name, body] of [
      ['window:open', { windowId: 'w1' }],
      ['ticket:call-next', { windowId: 'w1' }],
      ['ticket:start', { windowId: 'w1' }],
    ] as const)
      data(await rest(server, 'POST', `/api/commands/${name}`, clerk, body));
    const slip = data(
      await rest<SlipResult>(server, 'POST', '/api/slips', clerk, {
        ticketId,
        kind: 'acceptance',
        applicantName: '张三',
        contactPhone: '13800000000',
        print: false,
      }),
    );
    caseId = slip.case!.id;
    materials = slip.case!.materials.map((m) => m.name);

    let n = 0;
    for (const plan of PLANS) {
      const s = server!;
      const token = await login(s, 'clerk1');
      // Retry what the last server never acknowledged, with the same key and bytes (MAT-CRASH-2),
      // or give it up: what it may have left in the store stays an orphan.
      for (const u of uploads.filter((x) => x.sha256 === null && !x.abandoned)) {
        if (random() < 0.4) {
          u.abandoned = true;
          continue;
        }
        const status = await post(s, token, caseId, u);
        if (status !== 201) throw new Error(`retry ${u.key}: ${status}`);
      }
      const watchers: FSWatcher[] = [];
      let killed = false;
      const kill = () => {
        if (killed) return;
        killed = true;
        s.child.kill('SIGKILL');
      };
      const guard = setTimeout(kill, 60_000);
      // Kill at the k-th temp file (or final page name) that appears, so some uploads finish first.
      let events = 1 + Math.floor(random() * 6);
      if (plan !== 'ms')
        for (const shard of readdirSync(join(blobs, 'sha256')))
          watchers.push(
            watch(join(blobs, 'sha256', shard), (_e, name) => {
              if (name === null) return;
              if (plan === 'tmp' ? name.endsWith('.tmp') : /^[0-9a-f]{64}$/.test(name))
                if (--events <= 0) kill();
            }),
          );
      const before = uploads.filter((u) => u.sha256 !== null).length;
      let firstAck = false;
      const loop = async () => {
        while (!killed) {
          const u: Upload = {
            key: `up-${++n}`,
            material: materials[n % materials.length]!,
            bytes: await scan(random),
            sha256: null,
            abandoned: false,
          };
          uploads.push(u);
          try {
            await post(s, token, caseId, u);
          } catch {
            return; // the server died under this request: not acknowledged
          }
          if (plan === 'ms' && !firstAck && u.sha256 !== null) {
            firstAck = true;
            setTimeout(kill, Math.floor(random() * 400));
          }
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, loop));
      const exit = await s.exited;
      clearTimeout(guard);
      for (const w of watchers) w.close();
      expect(exit.signal, s.out()).toBe('SIGKILL');

      // What the kill left before any restart: temp files, and page files no fact links.
      const files = storeFiles(blobs);
      server = await startServer(dir);
      const linked = linkedPages(join(dir, 'hall.db'));
      const orphans = files.pages.filter((p) => !linked.has(p) && !orphansSeen.has(p));
      kills.push({
        plan,
        temps: files.temps.filter((t) => !tempsSeen.has(t)).length,
        orphans: orphans.length,
        acked: uploads.filter((u) => u.sha256 !== null).length - before,
        inFlight: uploads.filter((u) => u.sha256 === null && !u.abandoned).length,
      });
      for (const o of orphans) orphansSeen.add(o);
      for (const t of files.temps) tempsSeen.add(t);
    }
  }, 900_000);

  afterAll(async () => {
    if (server !== null && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('MAT-CRASH-1: the kills landed during blob writes (temp files left) and between a write and its commit (orphans left)', () => {
    const where = JSON.stringify(kills);
    expect(kills).toHaveLength(PLANS.length);
    expect(kills.filter((k) => k.temps > 0).length, where).toBeGreaterThan(0);
    expect(kills.filter((k) => k.orphans > 0).length, where).toBeGreaterThan(0);
    expect(
      kills.reduce((a, k) => a + k.acked, 0),
      where,
    ).toBeGreaterThan(PLANS.length);
  });

  it('MAT-CRASH-2: every acknowledged upload, and every retried one, is linked once to its material and its page verifies', async () => {
    const s = server!;
    const token = await login(s, 'clerk1');
    for (const u of uploads.filter((x) => x.sha256 === null && !x.abandoned))
      expect(await post(s, token, caseId, u)).toBe(201);
    const sent = uploads.filter((u) => !u.abandoned);
    const kase = data(await rest<CaseRecord>(s, 'GET', `/api/cases/${caseId}`, token));
    for (const u of sent) {
      const m = kase.materials.find((x) => x.name === u.material)!;
      expect(
        m.pages.filter((p) => p.sha256 === u.sha256),
        u.key,
      ).toHaveLength(1);
    }
    // One page per upload: a retry never linked a second copy.
    const listed = kase.materials.flatMap((m) => m.pages.map((p) => p.sha256));
    expect(new Set(listed).size).toBe(listed.length);
    // Nothing else, but an abandoned upload the server committed just before it was killed (its
    // answer never arrived): at most one page per abandoned upload.
    for (const u of sent) expect(listed).toContain(u.sha256);
    expect(listed.length - sent.length).toBeGreaterThanOrEqual(0);
    expect(listed.length - sent.length).toBeLessThanOrEqual(uploads.filter((u) => u.abandoned).length);
    // A sample of pages through the page route: bytes that hash to their name.
    for (const u of sent.filter((_, i) => i % 7 === 0)) {
      const res = await fetch(`${s.url}/api/pages/${u.sha256}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(u.sha256);
    }
  });

  it('MAT-CRASH-3: no checklist, page route or count sees an orphan or a temp file', async () => {
    const s = server!;
    const token = await login(s, 'clerk1');
    const manager = await login(s, 'manager1');
    const linked = linkedPages(join(dir, 'hall.db'));
    const { pages, temps } = storeFiles(blobs);
    const orphans = pages.filter((p) => !linked.has(p));
    expect(orphans.length + temps.length, JSON.stringify(kills)).toBeGreaterThan(0);
    const kase = data(await rest<CaseRecord>(s, 'GET', `/api/cases/${caseId}`, token));
    const listed = new Set(kase.materials.flatMap((m) => m.pages.map((p) => p.sha256)));
    for (const o of orphans) {
      expect(listed.has(o)).toBe(false);
      const res = await fetch(`${s.url}/api/pages/${o}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, o).toBe(404);
    }
    // The fixity check counts linked pages only, and every one of them is whole.
    const fx = data(
      await rest<{ pages: number; failed: number }>(s, 'POST', '/api/archive/fixity', manager, {
        confirm: true,
      }),
    );
    expect(fx).toMatchObject({ pages: linked.size, failed: 0 });
    expect(linked.size).toBe(listed.size);
  });

  it('MAT-CRASH-3 MAT-SWEEP-1: a sweep keeps the young orphans; once they are a day old it deletes exactly the orphans and temp files, and every linked page still verifies', async () => {
    const s = server!;
    const manager = await login(s, 'manager1');
    const linked = linkedPages(join(dir, 'hall.db'));
    const { pages, temps } = storeFiles(blobs);
    const orphans = pages.filter((p) => !linked.has(p));
    const young = data(
      await rest<{ orphans: number; temps: number; young: number }>(
        s,
        'POST',
        '/api/page-store/sweep',
        manager,
        {
          confirm: true,
        },
      ),
    );
    expect(young).toMatchObject({ orphans: 0, temps: 0, young: orphans.length });
    const old = (Date.now() - 2 * DAY) / 1000;
    for (const p of pages) {
      const f = join(blobs, 'sha256', p.slice(0, 2), p);
      utimesSync(f, old, old);
    }
    for (const t of temps) utimesSync(t, old, old);
    const swept = data(
      await rest<{ files: number; linked: number; orphans: number; temps: number }>(
        s,
        'POST',
        '/api/page-store/sweep',
        manager,
        { confirm: true },
      ),
    );
    expect(swept).toMatchObject({
      files: pages.length,
      linked: linked.size,
      orphans: orphans.length,
      temps: temps.length,
    });
    const after = storeFiles(blobs);
    expect(after.temps).toEqual([]);
    expect(after.pages.sort()).toEqual([...linked].sort());
    for (const p of after.pages)
      expect(statSync(join(blobs, 'sha256', p.slice(0, 2), p)).size).toBeGreaterThan(0);
    const fx = data(
      await rest<{ pages: number; failed: number }>(s, 'POST', '/api/archive/fixity', manager, {
        confirm: true,
      }),
    );
    expect(fx).toMatchObject({ pages: linked.size, failed: 0 });
    for (const o of orphansSeen) if (!linked.has(o)) expect(after.pages).not.toContain(o);
  });
});
