import type { HallEvent } from '@onewindow/shared';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCenterApp } from '../../queue-server/src/center/center.app.ts';
import { CenterStore } from '../../queue-server/src/center/center.store.ts';
import { migrate } from '../../queue-server/src/center/migrations.ts';
import { Shipper } from '../../queue-server/src/center/shipper.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { ADMIN_TOKEN, waitFor } from './support.ts';

// The hall's shipper against a real center (SPEC RGN-REP-4, RGN-REP-8): back-off, Retry-After.
const ev = (seq: number): HallEvent => ({
  type: 'window:opened',
  windowId: `w${seq}`,
  clerkId: 'c',
  seq,
  at: seq,
});

describe('the shipper (RGN-REP-4, RGN-REP-8)', () => {
  let db: TestPostgres;
  let pool: pg.Pool;
  let store: CenterStore;
  beforeAll(async () => {
    db = await startPostgres();
    pool = new pg.Pool({ connectionString: db.createDatabase('center'), max: 4 });
    pool.on('error', () => undefined);
    await migrate(pool);
    store = new CenterStore(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.stop();
  });

  const shipperFor = (url: string, credential: string, hallId: string, log: HallEvent[]) =>
    new Shipper(
      { url, hallId, credential, idleMs: 50, backoffMs: 50, maxBackoffMs: 400, timeoutMs: 2000 },
      {
        events: (from, to) => log.slice(from - 1, to),
        lastSeq: () => log.length,
        versions: () => ({}),
        applyDocuments: () => undefined,
        logger: pino({ level: 'silent' }),
      },
    );

  it('RGN-REP-4 a busy center (503 + Retry-After: 1) is asked again only after the pause it asked for', async () => {
    const { credential } = (await store.addHall('busy', 'busy hall')) as { credential: string };
    const app = createCenterApp({
      store,
      logger: pino({ level: 'silent' }),
      adminToken: ADMIN_TOKEN,
      maxInFlight: 0,
    });
    const url = `http://127.0.0.1:${await app.listen(0)}`;
    const s = shipperFor(url, credential, 'busy', [ev(1), ev(2)]);
    s.start();
    await new Promise((r) => setTimeout(r, 2300));
    await s.stop();
    const m = await (await fetch(`${url}/metrics`)).text();
    const busy = Number(/onewindow_center_batches_refused_total\{reason="busy"\} (\d+)/.exec(m)?.[1] ?? 0);
    // Its own back-off starts at 50 ms: without honouring Retry-After it would have asked ~10 times.
    expect(busy).toBeGreaterThanOrEqual(1);
    expect(busy).toBeLessThanOrEqual(3);
    expect(s.status()).toMatchObject({ state: 'stopped', lastError: 'the center is busy; retry later' });
    await app.close();
  });

  it('RGN-REP-2 RGN-REP-9 a catching-up hall ships in batches of up to 1,999 new facts, each inside the center limit', async () => {
    const { credential } = (await store.addHall('behind', 'behind hall')) as { credential: string };
    const app = createCenterApp({
      store,
      logger: pino({ level: 'silent' }),
      adminToken: ADMIN_TOKEN,
      maxInFlight: 8,
    });
    const url = `http://127.0.0.1:${await app.listen(0)}`;
    const log = Array.from({ length: 4100 }, (_, k) => ev(k + 1));
    const marks: number[] = [];
    const s = new Shipper(
      { url, hallId: 'behind', credential, idleMs: 50, timeoutMs: 5000 },
      {
        events: (from, to) => log.slice(from - 1, to),
        lastSeq: () => log.length,
        versions: () => ({}),
        applyDocuments: () => undefined,
        onShipped: (hw) => marks.push(hw),
        logger: pino({ level: 'silent' }),
      },
    );
    s.start();
    await waitFor('the shipper to catch up', async () => s.status().highWater === 4100, 15_000);
    await s.stop();
    await app.close();
    expect(marks).toEqual([1999, 3998, 4100]);
    const m = await pool.query<{ n: number; body: unknown }>(
      `SELECT (SELECT count(*)::int FROM facts WHERE hall_id = 'behind') AS n,
              (SELECT body FROM facts WHERE hall_id = 'behind' AND seq = 2500) AS body`,
    );
    expect(m.rows[0]).toEqual({ n: 4100, body: { type: 'window:opened', windowId: 'w2500', clerkId: 'c' } });
  });

  it('RGN-REP-8 the hall appends while the center is unreachable; the shipper backs off, then catches up', async () => {
    const { credential } = (await store.addHall('away', 'away hall')) as { credential: string };
    // A port with nothing listening yet: the center is down.
    const probe = createCenterApp({
      store,
      logger: pino({ level: 'silent' }),
      adminToken: ADMIN_TOKEN,
      maxInFlight: 8,
    });
    const port = await probe.listen(0);
    await probe.close();
    const log: HallEvent[] = [];
    const s = shipperFor(`http://127.0.0.1:${port}`, credential, 'away', log);
    s.start();
    for (let i = 1; i <= 50; i++) {
      log.push(ev(i));
      s.kick();
    }
    await waitFor('a back-off', async () => s.status().state === 'backing-off');
    expect(s.status().lastError).not.toBeNull();
    const app = createCenterApp({
      store,
      logger: pino({ level: 'silent' }),
      adminToken: ADMIN_TOKEN,
      maxInFlight: 8,
    });
    await app.listen(port);
    await waitFor('the shipper to catch up', async () => s.status().highWater === 50, 10_000);
    expect(s.status()).toMatchObject({ lag: 0, lastError: null });
    expect((await store.hall('away'))?.highWater).toBe(50);
    await s.stop();
    await app.close();
  });
});
