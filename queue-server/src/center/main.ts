/**
 * `npm run center` (RGN-OPS-1): the regional center on PostgreSQL. Migrates the database, then
 * serves. `npm run center -- add-hall <id> <name>` registers a hall and prints its credential once.
 */
import pg from 'pg';
import pino from 'pino';
import { createCenterApp } from './center.app.ts';
import { CenterStore } from './center.store.ts';
import { loadCenterConfig } from './config.ts';
import { migrate } from './migrations.ts';
import { CenterReportService } from './report.service.ts';
import { CenterReportStore } from './report.store.ts';

async function main(): Promise<void> {
  const config = loadCenterConfig(process.env);
  const log = pino({ level: config.logLevel, name: 'center' });
  const pool = new pg.Pool({
    ...(config.databaseUrl ? { connectionString: config.databaseUrl } : {}),
    max: config.poolSize,
  });
  // An idle connection cut by a PostgreSQL restart is an event, not a crash.
  pool.on('error', (err) => log.warn({ err: err.message }, 'idle PostgreSQL connection lost'));
  const applied = await migrate(pool);
  if (applied.length > 0) log.info({ applied }, 'center migrations applied');
  const store = new CenterStore(pool);
  const [cmd, ...args] = process.argv.slice(2);
  if (cmd === 'add-hall') {
    const [hallId, ...name] = args;
    const r = hallId ? await store.addHall(hallId, name.join(' ') || hallId) : null;
    await pool.end();
    if (!r) throw new Error(`usage: npm run center -- add-hall <hall-id> <name> (and the id must be new)`);
    process.stdout.write(
      `hall ${hallId} registered; its credential (set ONEWINDOW_CENTER_CREDENTIAL in the hall):\n${r.credential}\n`,
    );
    return;
  }
  const app = createCenterApp({
    store,
    logger: log,
    adminToken: config.adminToken,
    maxInFlight: config.maxInFlight,
    reports: {
      service: new CenterReportService({ store: new CenterReportStore(pool), now: Date.now }),
      token: config.reportToken,
    },
  });
  const port = await app.listen(config.port, config.host);
  log.info({ port }, 'center listening');
  process.stdout.write(`center listening on ${port}\n`);
  const stop = async () => {
    await app.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
