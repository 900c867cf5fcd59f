import { existsSync, statSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CENTER_MIGRATIONS, migrate } from '../../queue-server/src/center/migrations.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';

// The PostgreSQL harness (tests/support/postgres.ts) and the center's migrations (RGN-OPS-2).
describe('the test PostgreSQL and the center schema', () => {
  let db: TestPostgres;
  beforeAll(async () => {
    db = await startPostgres();
  });
  afterAll(async () => {
    await db?.stop();
  });

  it('runs a real server as a non-root user in its own temp directory, over TCP and the unix socket', async () => {
    const tcp = new pg.Client({ connectionString: db.url });
    await tcp.connect();
    const r = await tcp.query<{ v: string; fsync: string; sc: string }>(
      "SELECT version() AS v, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc",
    );
    expect(r.rows[0]?.v).toMatch(/^PostgreSQL \d+/);
    expect(r.rows[0]?.fsync).toBe('on');
    expect(r.rows[0]?.sc).toBe('on');
    await tcp.end();
    const sock = new pg.Client({ host: db.socketDir, port: db.port, user: 'postgres', database: 'postgres' });
    await sock.connect();
    expect((await sock.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
    await sock.end();
    // The socket file belongs to the cluster's user: never root (PostgreSQL refuses root).
    const owner = statSync(`${db.socketDir}/.s.PGSQL.${db.port}`).uid;
    expect(owner).not.toBe(0);
    if (process.getuid?.() !== 0) expect(owner).toBe(process.getuid?.());
  });

  it('applies the migrations once, tracked in schema_migrations, even when two centers start at once', async () => {
    const url = db.createDatabase('migrate_once');
    const a = new pg.Pool({ connectionString: url, max: 2 });
    const b = new pg.Pool({ connectionString: url, max: 2 });
    const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
    expect([...ra, ...rb].sort()).toEqual(CENTER_MIGRATIONS.map((_, i) => i + 1));
    expect(await migrate(a)).toEqual([]);
    const versions = await a.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(versions.rows.map((r) => r.version)).toEqual(CENTER_MIGRATIONS.map((_, i) => i + 1));
    const tables = await a.query<{ t: string }>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(tables.rows.map((r) => r.t)).toEqual([
      'documents',
      'facts',
      'hall_resolutions',
      'halls',
      'schema_migrations',
    ]);
    await a.end();
    await b.end();
  });

  it('keeps data across a stop and a start, and removes everything on stop', async () => {
    const other = await startPostgres();
    const url = other.createDatabase('keep');
    let c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('CREATE TABLE t (x int); INSERT INTO t VALUES (42)');
    await c.end();
    other.halt();
    other.start();
    c = new pg.Client({ connectionString: url });
    await c.connect();
    expect((await c.query('SELECT x FROM t')).rows).toEqual([{ x: 42 }]);
    await c.end();
    const dir = other.socketDir.replace(/\/sock$/, '');
    expect(existsSync(dir)).toBe(true);
    await other.stop();
    expect(existsSync(dir)).toBe(false);
  });
});
