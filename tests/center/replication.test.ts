import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ShippedFact } from '@onewindow/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallStatus } from '../../queue-server/src/center/center.app.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import {
  admin,
  CANARY,
  type HallProc,
  type Proc,
  startCenterProcess,
  startHallProcess,
  startProxy,
  waitFor,
} from './support.ts';

// Ten hall processes and one center on one machine (issue #18; SPEC RGN-REP-*, RGN-PUSH-*, RGN-OPS-*).
const HALLS = 10;
const CUT = 0; // its link to the center goes through a proxy that is cut and restored
const KILLED = 5; // killed -9 while shipping in batches of 5
const TWICE = 3; // a batch of it is delivered twice
const RESTORED = 7; // restored from an older backup

const SQLITE_FILES = ['hall.db', 'hall.db-wal', 'hall.db-shm'];

describe('hall → center replication (RGN-REP-*)', () => {
  let db: TestPostgres;
  let dir: string;
  let centerDb: string;
  let center: { proc: Proc; url: string; port: number };
  let pool: pg.Pool;
  const halls: HallProc[] = [];
  const creds: string[] = [];
  let proxy: Awaited<ReturnType<typeof startProxy>>;

  const hallId = (i: number) => `hall-${i}`;
  const hallDb = (i: number) => join(dir, `h${i}`);
  const centerUrlFor = (i: number) => (i === CUT ? `http://127.0.0.1:${proxy.port}` : center.url);
  const startHall = (i: number) =>
    startHallProcess({
      db: join(hallDb(i), 'hall.db'),
      centerUrl: centerUrlFor(i),
      hallId: hallId(i),
      credential: creds[i] as string,
      batch: i === KILLED ? 5 : 200,
    });
  const day = (i: number, steps: number) =>
    (halls[i] as HallProc).proc.ask(`day ${steps}`, 'ok ').then(Number);
  const status = async (i: number) => JSON.parse(await (halls[i] as HallProc).proc.ask('status', 'status '));
  const dump = async (i: number): Promise<ShippedFact[]> =>
    JSON.parse(await (halls[i] as HallProc).proc.ask('dump', 'dump '));
  const centerFacts = async (i: number): Promise<ShippedFact[]> =>
    (
      await pool.query<{ seq: number; at: number; type: string; body: Record<string, unknown> }>(
        'SELECT seq, at, type, body FROM facts WHERE hall_id = $1 ORDER BY seq',
        [hallId(i)],
      )
    ).rows.map((r) => ({ seq: Number(r.seq), at: Number(r.at), type: r.type, body: r.body }));
  const statuses = async () => (await admin<HallStatus[]>(center.url, 'GET', '/api/center/halls')).body.data;
  /** Every hall in `which` has all its facts at the center: the center's mark is the hall's last seq. */
  const converged = (which: number[]) =>
    waitFor(`halls ${which.join(',')} to converge`, async () => {
      const last = await Promise.all(which.map(async (i) => (await status(i)).hallLastSeq as number));
      const s = await statuses();
      return which.every((i, k) => s.find((x) => x.hallId === hallId(i))?.highWater === last[k]);
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onewindow-region-'));
    db = await startPostgres();
    centerDb = db.createDatabase('center');
    pool = new pg.Pool({ connectionString: centerDb, max: 2 });
    pool.on('error', () => undefined);
    center = await startCenterProcess(centerDb);
    for (let i = 0; i < HALLS; i++) {
      const r = await admin<{ credential: string }>(center.url, 'POST', '/api/center/halls', {
        hallId: hallId(i),
        name: `第${i}服务大厅`,
      });
      expect(r.status).toBe(201);
      creds.push(r.body.data.credential);
    }
    proxy = await startProxy(center.port);
    for (let i = 0; i < HALLS; i++) {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(hallDb(i));
    }
    halls.push(...(await Promise.all(Array.from({ length: HALLS }, (_, i) => startHall(i)))));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(halls.map((h) => h.proc.kill9()));
    await center?.proc.kill9();
    await proxy?.close();
    await pool?.end();
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('RGN-REP-2..8 a day in ten halls reaches the center exactly once through an outage, a cut link, a kill -9, a double delivery and a restored backup', async () => {
    // Morning: every hall works and ships.
    await Promise.all(halls.map((_, i) => day(i, 40)));
    await converged([...halls.keys()]);

    // The restored hall's backup, taken now (the process killed so the files are consistent).
    await (halls[RESTORED] as HallProc).proc.kill9();
    const backup = join(dir, 'backup');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(backup);
    for (const f of SQLITE_FILES)
      if (existsSync(join(hallDb(RESTORED), f))) copyFileSync(join(hallDb(RESTORED), f), join(backup, f));
    halls[RESTORED] = await startHall(RESTORED);

    // RGN-REP-8: the center goes down (kill -9) for part of the day; the halls work on.
    await center.proc.kill9();
    proxy.cut();
    const before = await Promise.all(halls.map((_, i) => day(i, 40)));
    // The halls answered every command; their shippers are backing off, not blocking them.
    const shipper = await waitFor('hall 1 to back off', async () => {
      const s = await status(1);
      return s.state === 'backing-off' ? s : null;
    });
    expect(shipper.lastError).not.toBeNull();
    expect(shipper.hallLastSeq).toBe(before[1]);

    // The center comes back on its port; a catalog version is published while hall 0 is cut off.
    center = await startCenterProcess(centerDb, center.port);
    const items = JSON.parse(await (halls[1] as HallProc).proc.ask('status', 'status ')).catalog as string[];
    expect(items.length).toBeGreaterThan(1);
    const catalog = await admin<{ version: number }>(center.url, 'POST', '/api/center/documents/catalog', {
      body: { items: await regionalItems(halls[1] as HallProc) },
      note: '省级事项清单 2026 版',
    });
    expect(catalog.status).toBe(201);
    expect(catalog.body.data.version).toBe(1);

    // Hall 5 catches up in batches of 5 and is killed -9 in the middle of it, then restarted.
    await day(KILLED, 60);
    await new Promise((r) => setTimeout(r, 150));
    await (halls[KILLED] as HallProc).proc.kill9();
    halls[KILLED] = await startHall(KILLED);

    const others = [...halls.keys()].filter((i) => i !== CUT);
    await converged(others);
    for (const i of others)
      expect((await status(i)).documents.find((d: { kind: string }) => d.kind === 'catalog').version).toBe(1);
    // Hall 0 is still cut off: behind, on no regional catalog, and working.
    const cutStatus = await status(CUT);
    expect(cutStatus.hallLastSeq).toBe(before[CUT]);
    const atCenter = (await statuses()).find((s) => s.hallId === hallId(CUT));
    expect(atCenter?.highWater).toBeLessThan(before[CUT] as number);
    expect(cutStatus.documents.find((d: { kind: string }) => d.kind === 'catalog').version).toBe(0);

    // The link comes back: hall 0 catches up and takes the catalog published while it was away.
    proxy.setTarget(center.port);
    proxy.restore();
    await converged([CUT]);
    await waitFor('hall 0 to run catalog 1', async () =>
      (await status(CUT)).documents.find(
        (d: { kind: string; version: number }) => d.kind === 'catalog' && d.version === 1,
      ),
    );

    // A batch delivered twice: the second changes nothing and flags nothing.
    const some = (await dump(TWICE)).slice(0, 20);
    const lastSeq = (await status(TWICE)).hallLastSeq;
    for (let k = 0; k < 2; k++) {
      const res = await fetch(`${center.url}/api/center/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${creds[TWICE]}`, 'content-type': 'application/json' },
        body: JSON.stringify({ hallId: hallId(TWICE), hallLastSeq: lastSeq, facts: some }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: { inserted: number } }).data.inserted).toBe(0);
    }

    // Every hall's log is at the center exactly once, as the hall strips it.
    for (let i = 0; i < HALLS; i++) {
      const mine = await dump(i);
      expect(await centerFacts(i)).toEqual(mine);
      expect(mine.map((f) => f.seq)).toEqual(Array.from({ length: mine.length }, (_, k) => k + 1));
    }

    // RGN-REP-6: hall 7 is restored from its morning backup: its seq went backwards. Flagged, not merged.
    const held = (await centerFacts(RESTORED)).length;
    await (halls[RESTORED] as HallProc).proc.kill9();
    for (const f of SQLITE_FILES) rmSync(join(hallDb(RESTORED), f), { force: true });
    for (const f of SQLITE_FILES)
      if (existsSync(join(backup, f))) copyFileSync(join(backup, f), join(hallDb(RESTORED), f));
    halls[RESTORED] = await startHall(RESTORED);
    await day(RESTORED, 60); // it now has new, different facts under seqs the center holds
    const flagged = await waitFor('hall 7 flagged', async () =>
      (await statuses()).find((s) => s.hallId === hallId(RESTORED) && s.health === 'flagged'),
    );
    expect(flagged.flagged).toMatch(/differs|below/);
    expect((await centerFacts(RESTORED)).length).toBe(held);
    await waitFor('the hall to see it is flagged', async () => (await status(RESTORED)).state === 'flagged');
    const metrics = await (await fetch(`${center.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`onewindow_center_hall_flagged\\{hall="${hallId(RESTORED)}"\\} 1`));
    expect(metrics).toMatch(/onewindow_center_hall_lag_facts\{hall="hall-0"\} 0/);

    // RGN-REP-7: an operator accepts the rewind; the hall's new history replaces what it lost.
    const resolved = await admin(center.url, 'POST', `/api/center/halls/${hallId(RESTORED)}/resolve`, {
      action: 'accept-rewind',
      by: 'region-admin',
    });
    expect(resolved.status).toBe(200);
    await converged([RESTORED]);
    expect(await centerFacts(RESTORED)).toEqual(await dump(RESTORED));

    // RGN-REP-1: no name, phone, ID number or note of the day left any hall.
    const leaked = await pool.query(
      `SELECT hall_id, seq, type FROM facts
       WHERE body::text LIKE $1 OR body::text LIKE $2 OR body::text LIKE $3 OR body::text ~ '[0-9]{17}[0-9X]'`,
      [`%${CANARY.name}%`, `%${CANARY.phone}%`, `%${CANARY.note}%`],
    );
    expect(leaked.rows).toEqual([]);
    const types = await pool.query<{ type: string }>('SELECT DISTINCT type FROM facts ORDER BY 1');
    expect(types.rows.map((r) => r.type)).toEqual(
      expect.arrayContaining([
        'ticket:issued',
        'ticket:rated',
        'case:accepted',
        'slip:issued',
        'ticket:parked',
        'ticket:cancelled',
      ]),
    );
  }, 240_000);
});

/** The hall's catalog items as the region would publish them (the demo catalog, one item renamed). */
async function regionalItems(h: HallProc): Promise<unknown[]> {
  const res = await fetch(`http://127.0.0.1:${h.port}/api/catalog`);
  const body = (await res.json()) as { data: Record<string, unknown>[] };
  return body.data.slice(0, 5).map(({ initials: _i, ...item }) => item);
}
