import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createApp } from './app/app.ts';
import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { resolveHallKeys } from './security/hall-keys.ts';
import { KeyError } from './security/keys.ts';
import { bootstrap } from './seed/bootstrap.ts';
import { HallStore } from './store/hall.store.ts';

/** The queue server process: `npm start` (demo hall) or `tsx src/main.ts` with the environment set. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const log = createLogger(config.logLevel);
  mkdirSync(dirname(config.dbPath), { recursive: true });
  let store: HallStore;
  try {
    const keys = resolveHallKeys(
      {
        keysJson: config.keysJson,
        keyFile: config.keyFile,
        demo: config.demo,
        dbPath: config.dbPath,
        legacySecret: config.secret,
      },
      (msg) => log.info(msg),
    );
    store = new HallStore(config.dbPath, keys);
  } catch (err) {
    if (!(err instanceof KeyError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const app = createApp({
    store,
    logger: log,
    autoDayClose: config.autoDayClose,
    publicUrl: config.publicUrl,
  });
  try {
    bootstrap(app, { demo: config.demo, adminPassword: config.adminPassword, demoAnyTime: config.demo }, log);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    await app.close();
    process.exit(2);
  }
  const port = await app.listen(config.port, config.host);
  log.info({ port, db: config.dbPath, demo: config.demo }, 'OneWindow queue server listening');

  // --demo only: the hall's kiosks and counters with simulated devices, and their control API.
  // Imported here, not at the top, so that a real hall's server never loads terminal-agent code.
  // A signal while they start (loading the agent takes a moment) waits for them, then stops them.
  const demoDevices: Promise<{ stop(): Promise<void> } | null> = config.demo
    ? import('./seed/demo-terminals.ts')
        .then(({ startDemoHallDevices }) =>
          startDemoHallDevices({
            app,
            serverPort: port,
            serverHost: config.host,
            dataDir: dirname(config.dbPath),
            log,
          }),
        )
        .catch((err: unknown) => {
          log.error({ err }, 'the demo terminals could not start; the server runs without them');
          return null;
        })
    : Promise.resolve(null);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    demoDevices
      .then((demo) => demo?.stop())
      .catch((err: unknown) => log.warn({ err }, 'stopping the demo terminals failed'))
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
