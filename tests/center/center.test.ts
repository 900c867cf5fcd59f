import type { ShippedFact } from '@onewindow/shared';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CenterApp,
  createCenterApp,
  type HallStatus,
} from '../../queue-server/src/center/center.app.ts';
import { CenterStore } from '../../queue-server/src/center/center.store.ts';
import { migrate } from '../../queue-server/src/center/migrations.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { ADMIN_TOKEN } from './support.ts';

// The center's HTTP contract over a real PostgreSQL (SPEC RGN-REP-2..7, RGN-PUSH-1, RGN-OPS-3).
const fact = (seq: number, extra: Record<string, unknown> = {}): ShippedFact => ({
  seq,
  at: 1_795_000_000_000 + seq * 1000,
  type: 'ticket:called',
  body: { type: 'ticket:called', ticketId: `t-${seq}`, windowId: 'w1', priorityStreak: 0, ...extra },
});
const facts = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => fact(from + k));

describe('the center (RGN-REP-*, RGN-PUSH-1, RGN-OPS-3)', () => {
  let db: TestPostgres;
  let pool: pg.Pool;
  let app: CenterApp;
  let url: string;
  const cred: Record<string, string> = {};

  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'content-type': 'application/json',
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    return {
      status: res.status,
      headers: res.headers,
      body: (await res.json()) as { ok: boolean; data: never; error: { code: string; message: string } },
    };
  };
  const ingest = (hall: string, hallLastSeq: number, batch: ShippedFact[], token = cred[hall] as string) =>
    call('POST', '/api/center/ingest', token, { hallId: hall, hallLastSeq, facts: batch });
  const hallsNow = async () =>
    (await call('GET', '/api/center/halls', ADMIN_TOKEN)).body.data as unknown as HallStatus[];

  beforeAll(async () => {
    db = await startPostgres();
    pool = new pg.Pool({ connectionString: db.createDatabase('center'), max: 6 });
    pool.on('error', () => undefined);
    await migrate(pool);
    app = createCenterApp({
      store: new CenterStore(pool),
      logger: pino({ level: 'silent' }),
      adminToken: ADMIN_TOKEN,
      maxInFlight: 1,
    });
    url = `http://127.0.0.1:${await app.listen(0)}`;
    for (const h of ['north', 'south', 'east']) {
      const r = await call('POST', '/api/center/halls', ADMIN_TOKEN, { hallId: h, name: `${h} hall` });
      expect(r.status).toBe(201);
      cred[h] = (r.body.data as { credential: string }).credential;
    }
  });
  afterAll(async () => {
    await app?.close();
    await pool?.end();
    await db?.stop();
  });

  it('RGN-REP-5 a hall writes only its own stream, with its own credential; the admin token is not a hall', async () => {
    expect((await ingest('north', 1, facts(1, 1), '')).status).toBe(401);
    const other = await ingest('north', 1, facts(1, 1), cred.south);
    expect(other.status).toBe(403);
    expect(other.body.error.message).toContain('south');
    expect((await ingest('north', 1, facts(1, 1), ADMIN_TOKEN)).status).toBe(401);
    expect((await call('GET', '/api/center/halls', cred.north as string)).status).toBe(401);
    expect((await pool.query("SELECT count(*)::int AS n FROM facts WHERE hall_id = 'north'")).rows[0].n).toBe(
      0,
    );
    // Only a hash of each credential is stored.
    const stored = await pool.query<{ h: string }>('SELECT credential_hash AS h FROM halls');
    for (const r of stored.rows) expect(Object.values(cred)).not.toContain(r.h);
  });

  it('RGN-REP-2 RGN-REP-3 batches apply in order, once: a batch sent twice inserts nothing and moves nothing', async () => {
    const a = await ingest('north', 30, facts(1, 10));
    expect(a.body.data).toEqual({ highWater: 10, inserted: 10 });
    const again = await ingest('north', 30, facts(1, 10));
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ highWater: 10, inserted: 0 });
    // The next batch starts at the mark (the overlap) and goes on.
    expect((await ingest('north', 30, facts(10, 30))).body.data).toEqual({ highWater: 30, inserted: 20 });
    // A gap is refused with the mark to resume from.
    const gap = await ingest('north', 40, facts(32, 40));
    expect(gap.status).toBe(409);
    expect(gap.body.error.code).toBe('GAP');
    const rows = await pool.query<{ n: number; lo: number; hi: number }>(
      "SELECT count(*)::int AS n, min(seq)::int AS lo, max(seq)::int AS hi FROM facts WHERE hall_id = 'north'",
    );
    expect(rows.rows[0]).toEqual({ n: 30, lo: 1, hi: 30 });
    // Rebuilt as the hall's HallEvent: body + seq + at.
    const one = await pool.query("SELECT seq, at, body FROM facts WHERE hall_id = 'north' AND seq = 7");
    expect({ ...one.rows[0].body, seq: one.rows[0].seq, at: one.rows[0].at }).toEqual({
      ...fact(7).body,
      seq: 7,
      at: fact(7).at,
    });
  });

  it('RGN-REP-4 bad input gets a clear error and loses nothing: bad JSON, a bad batch, too many facts', async () => {
    expect((await call('POST', '/api/center/ingest', cred.east as string, '{"hallId": "east",')).status).toBe(
      400,
    );
    const unordered = await ingest('east', 5, [fact(2), fact(1)]);
    expect(unordered.status).toBe(400);
    expect(unordered.body.error.message).toContain('contiguous');
    const beyond = await ingest('east', 1, facts(1, 3));
    expect(beyond.status).toBe(400);
    const big = await ingest('east', 3000, facts(1, 2001));
    expect(big.status).toBe(413);
    // A too-long type is a bad fact, not a big batch.
    const longType = await ingest('east', 1, [{ ...fact(1), type: 't'.repeat(65) }]);
    expect([longType.status, longType.body.error.message]).toEqual([
      400,
      'invalid batch: facts.0.type: expected a string of 1 to 64 characters',
    ]);
    // RGN-REP-9: JSON that jsonb refuses (a NUL character) is the batch's fault: 400, all of it
    // rolled back (fact 1 was fine and is not kept either).
    const nul = await ingest('east', 3, [fact(1), fact(2, { note: 'a\u0000b' }), fact(3)]);
    expect(nul.status).toBe(400);
    expect(nul.body.error.message).toContain('invalid batch');
    expect((await ingest('east', 3, facts(1, 3))).body.data).toEqual({ highWater: 3, inserted: 3 });
    // The batch's JSON is stored as sent: `3.0` is the integer 3 to JSON and to the center.
    const text = JSON.stringify({ hallId: 'east', hallLastSeq: 4, facts: facts(3, 4) }).replace(
      '"seq":3,',
      '"seq":3.0,',
    );
    expect(text).toContain('"seq":3.0,');
    const decimal = await call('POST', '/api/center/ingest', cred.east as string, text);
    expect(decimal.body.data).toEqual({ highWater: 4, inserted: 1 });
    // JSON with a key twice: the route's check and PostgreSQL both take the last, so what was
    // checked is what is stored.
    const twice = `{"hallId":"east","hallLastSeq":5,"facts":${JSON.stringify([fact(5, { windowId: 'w-dup' })])},"facts":${JSON.stringify(facts(4, 5))}}`;
    expect((await call('POST', '/api/center/ingest', cred.east as string, twice)).body.data).toEqual({
      highWater: 5,
      inserted: 1,
    });
    const five = await pool.query(
      "SELECT body->>'windowId' AS w FROM facts WHERE hall_id = 'east' AND seq = 5",
    );
    expect(five.rows).toEqual([{ w: 'w1' }]);
  });

  it('RGN-REP-4 a busy center answers 503 with Retry-After instead of queueing without bound', async () => {
    // Hold south's row so its ingest waits inside the center; the next batch finds the center full.
    const holder = await pool.connect();
    await holder.query('BEGIN');
    await holder.query("SELECT 1 FROM halls WHERE hall_id = 'south' FOR UPDATE");
    const first = ingest('south', 5, facts(1, 5));
    await new Promise((r) => setTimeout(r, 150));
    const second = await ingest('east', 3, facts(3, 3));
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('1');
    await holder.query('COMMIT');
    holder.release();
    expect((await first).body.data).toEqual({ highWater: 5, inserted: 5 });
  });

  it('RGN-REP-6 RGN-REP-7 a hall whose seq went backwards is flagged, not merged, refused until resolved', async () => {
    // Different content under a seq the center holds (a restored backup that wrote on).
    const rewritten = await ingest('north', 31, [fact(30, { windowId: 'w9' }), fact(31)]);
    expect(rewritten.status).toBe(409);
    expect(rewritten.body.error.code).toBe('HALL_FLAGGED');
    expect(rewritten.body.error.message).toContain('fact 30 differs');
    const refused = await ingest('north', 31, [fact(30), fact(31)]);
    expect(refused.status).toBe(409);
    const s = (await hallsNow()).find((h) => h.hallId === 'north');
    expect(s).toMatchObject({ health: 'flagged', highWater: 30 });
    expect((await pool.query("SELECT count(*)::int AS n FROM facts WHERE hall_id = 'north'")).rows[0].n).toBe(
      30,
    );
    // The hall's own report of a last seq below the mark flags it too.
    const low = await ingest('east', 2, []);
    expect(low.status).toBe(409);
    expect(low.body.error.message).toContain('below');
    // An operator accepts the rewind down to the backup's seq; the hall ships on from there.
    const ok = await call('POST', '/api/center/halls/north/resolve', ADMIN_TOKEN, {
      action: 'accept-rewind',
      by: 'ops',
      keepThrough: 29,
    });
    expect(ok.body.data).toEqual({ highWater: 29 });
    expect((await ingest('north', 31, [fact(29), fact(30, { windowId: 'w9' }), fact(31)])).body.data).toEqual(
      {
        highWater: 31,
        inserted: 2,
      },
    );
    const kept = await pool.query(
      "SELECT body->>'windowId' AS w FROM facts WHERE hall_id = 'north' AND seq = 30",
    );
    expect(kept.rows[0].w).toBe('w9');
    const log = await pool.query('SELECT action, high_water_before, high_water_after FROM hall_resolutions');
    expect(log.rows).toEqual([{ action: 'accept-rewind', high_water_before: 30, high_water_after: 29 }]);
  });

  it('RGN-PUSH-1 documents are versioned, checked against the hall schema, and pulled by what a hall lacks', async () => {
    const bad = await call('POST', '/api/center/documents/calendar', ADMIN_TOKEN, {
      body: { overrides: [{ date: '2026-13-01', kind: 'nope', note: '' }] },
    });
    expect(bad.status).toBe(400);
    expect((await call('POST', '/api/center/documents/recipes', ADMIN_TOKEN, { body: {} })).status).toBe(404);
    expect(
      (await call('POST', '/api/center/documents/calendar', cred.south as string, { body: {} })).status,
    ).toBe(401);
    const cal = { overrides: [{ date: '2026-12-31', kind: 'holiday', note: '跨年调休' }] };
    const v1 = await call('POST', '/api/center/documents/calendar', ADMIN_TOKEN, { body: cal, note: 'v1' });
    const v2 = await call('POST', '/api/center/documents/calendar', ADMIN_TOKEN, { body: cal, note: 'v2' });
    expect([
      (v1.body.data as { version: number }).version,
      (v2.body.data as { version: number }).version,
    ]).toEqual([1, 2]);
    const pulled = await call('GET', '/api/center/halls/south/documents?calendar=1', cred.south as string);
    expect((pulled.body.data as { kind: string; version: number }[]).map((d) => [d.kind, d.version])).toEqual(
      [['calendar', 2]],
    );
    const none = await call('GET', '/api/center/halls/south/documents?calendar=2', cred.south as string);
    expect(none.body.data).toEqual([]);
    expect((await call('GET', '/api/center/halls/south/documents', cred.north as string)).status).toBe(403);
  });

  it('RGN-OPS-3 the halls page and the metrics show health, lag and last contact per hall', async () => {
    await ingest('south', 12, facts(5, 8));
    const s = (await hallsNow()).find((h) => h.hallId === 'south');
    expect(s).toMatchObject({ health: 'lagging', highWater: 8, reportedSeq: 12, lag: 4 });
    expect(Date.now() - Date.parse(s?.lastContact as string)).toBeLessThan(60_000);
    const m = await (await fetch(`${url}/metrics`)).text();
    expect(m).toMatch(/onewindow_center_hall_lag_facts\{hall="south"\} 4/);
    expect(m).toMatch(/onewindow_center_hall_high_water\{hall="south"\} 8/);
    expect(m).toMatch(/onewindow_center_hall_last_contact_seconds\{hall="south"\} \d+/);
    expect(m).toMatch(/onewindow_center_facts_ingested_total\{hall="north"\} \d+/);
  });
});
