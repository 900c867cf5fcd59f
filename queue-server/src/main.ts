import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { hostname, networkInterfaces, userInfo } from 'node:os';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { createApp } from './app/app.ts';
import { loadConfig, parseCommand, type ServerCommand, type ServerConfig } from './config.ts';
import { createLogger } from './log.ts';
import { createKeysFor, keyFileOf, resolveHallKeys } from './security/hall-keys.ts';
import { type HallKeys, KeyError, writeKeyFile } from './security/keys.ts';
import { rotateKeys } from './security/rotate.ts';
import { bootstrap } from './seed/bootstrap.ts';
import { createSmsGateway } from './service/sms/index.ts';
import { backupHall, restoreHall, scheduleBackups } from './store/backup.ts';
import { HallStore } from './store/hall.store.ts';
import {
  acceptLoss,
  IntegrityRefusal,
  initHall,
  inspectDatabase,
  type OpenStore,
  openHall,
  refuseInit,
  refuseMissing,
} from './store/integrity.ts';

/**
 * The queue server process. `npm start` runs the demo hall; a real hall is made once with
 * `init`, then `serve`d (the default). `backup`, `restore <file>` and `accept-loss` are the
 * operator's tools for a damaged or lost database (SPEC INT-*, BAK-*).
 */
async function main(): Promise<void> {
  let config: ServerConfig;
  let command: ServerCommand;
  try {
    const argv = process.argv.slice(2);
    config = loadConfig(process.env, argv);
    command = parseCommand(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const log = createLogger(config.logLevel);
  try {
    if (command.name === 'init') return await init(config, log);
    if (command.name === 'backup') return await backup(config);
    if (command.name === 'rotate-keys') return rotate(config, command.holder);
    const keys = hallKeys(config, log);
    const openStore: OpenStore = (path) => new HallStore(path, keys);
    switch (command.name) {
      case 'serve':
        return await serve(config, openStore, log);
      case 'restore':
        return say(restoreHall(config.dbPath, command.file, openStore, { actor: operator() }), [
          '已从备份恢复，可以启动服务器。 / Restored from the backup; the server can be started.',
        ]);
      case 'accept-loss':
        return say(
          acceptLoss(config.dbPath, openStore, { acceptSeq: command.acceptSeq, actor: operator() }),
          [
            '已记录接受损失的决定（审计日志），可以启动服务器；丢失的号码不会再发。',
            'The decision to accept the loss is in the audit log; the server can be started and lost numbers are not issued again.',
          ],
        );
    }
  } catch (err) {
    if (err instanceof KeyError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    if (!(err instanceof IntegrityRefusal)) throw err;
    log.fatal({ problem: err.problem, db: config.dbPath }, 'refused: database integrity');
    process.stderr.write(`${err.message}\n`);
    process.exit(3);
  }
}

/** The hall's keys (SEC-KEY-1): the environment's, the key file's, or the demo's own. */
function hallKeys(config: ServerConfig, log: Logger): HallKeys {
  // The demo keeps its key file beside its database: its folder must be there first.
  if (config.demo) mkdirSync(dirname(config.dbPath), { recursive: true });
  return resolveHallKeys(
    {
      keysJson: config.keysJson,
      keyFile: config.keyFile,
      demo: config.demo,
      dbPath: config.dbPath,
      legacySecret: config.secret,
    },
    (msg) => log.info(msg),
  );
}

/**
 * SEC-KEY-5: a new data key (and with --holder a new holder key) for a stopped hall. The keys
 * must be in a key file: keys given in the environment are rotated by whoever keeps them.
 */
function rotate(config: ServerConfig, holder: boolean): void {
  const keyFile = keyFileOf({
    keysJson: config.keysJson,
    keyFile: config.keyFile,
    demo: config.demo,
    dbPath: config.dbPath,
  });
  if (keyFile === undefined)
    throw new KeyError(
      'rotate-keys works on a key file (ONEWINDOW_KEY_FILE); keys from ONEWINDOW_KEYS are rotated where they are kept',
    );
  const report = rotateKeys({
    keyFile,
    holder,
    open: (keys) => openHall(config.dbPath, (p) => new HallStore(p, keys), { demo: false }).store,
  });
  say(report, ['密钥已轮换，可以启动服务器。 / The keys are rotated; the server can be started.']);
}

/** Who ran an operator command, for its audit row. */
const operator = (): string => `operator:${userInfo().username}@${hostname()}`;

function say(report: object, lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n${JSON.stringify(report, null, 2)}\n`);
}

/**
 * Creates a new hall: its key file (when ONEWINDOW_KEY_FILE names one that is not there yet),
 * the database, its high-water mark and its first admin (or the demo).
 */
async function init(config: ServerConfig, log: Logger): Promise<void> {
  if (!config.demo && !config.adminPassword) {
    process.stderr.write(
      'invalid configuration:\n  ONEWINDOW_ADMIN_PASSWORD: required to create the first admin of a new hall\n',
    );
    process.exit(2);
  }
  refuseInit(config.dbPath);
  const keyFile = keyFileOf({
    keysJson: config.keysJson,
    keyFile: config.keyFile,
    demo: config.demo,
    dbPath: config.dbPath,
  });
  let keys: HallKeys;
  const made: string[] = [];
  if (keyFile !== undefined && !existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true });
    keys = createKeysFor(config.dbPath, config.secret);
    writeKeyFile(keyFile, keys, { exclusive: true });
    made.push(keyFile);
  } else keys = hallKeys(config, log);
  const store = initHall(config.dbPath, (path) => new HallStore(path, keys));
  made.push(...['', '-wal', '-shm', '.hwm'].map((s) => `${config.dbPath}${s}`));
  const app = createApp({ store, logger: log, autoDayClose: false, publicUrl: config.publicUrl });
  try {
    bootstrap(
      app,
      {
        demo: config.demo,
        adminPassword: config.adminPassword,
        secondAdminPassword: config.secondAdminPassword,
        demoAnyTime: config.demo,
      },
      log,
    );
  } catch (err) {
    // Nothing of a hall that never had an admin is kept: init can simply be run again.
    await app.close();
    for (const f of made) rmSync(f, { force: true });
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  await app.close();
  if (keyFile !== undefined && made.includes(keyFile))
    log.info({ keyFile }, 'key file created: keep a copy apart from the database and its backups');
  say({ db: config.dbPath, demo: config.demo }, [
    '新大厅已创建，可以启动服务器（npm run serve）。 / A new hall was created; start it with npm run serve.',
  ]);
}

/** One verified backup now (the server may be running). */
async function backup(config: ServerConfig): Promise<void> {
  refuseMissing(config.dbPath);
  inspectDatabase(config.dbPath);
  const entry = await backupHall(config.dbPath, config.backup.dir, { keep: config.backup.keep });
  say({ dir: config.backup.dir, ...entry }, ['备份完成并已校验。 / Backup written and verified.']);
}

async function serve(config: ServerConfig, openStore: OpenStore, log: Logger): Promise<void> {
  const { store, notes } = openHall(config.dbPath, openStore, { demo: config.demo });
  for (const note of notes) log.warn({ db: config.dbPath }, note);
  const app = createApp({
    store,
    logger: log,
    autoDayClose: config.autoDayClose,
    formRetentionDays: config.formRetentionDays,
    cjkFont: config.cjkFont,
    fixityEveryHours: config.fixityEveryHours,
    pageSweepEveryHours: config.pageSweepEveryHours,
    publicUrl: config.publicUrl,
    lanHost: config.publicUrl === undefined ? lanAddress() : undefined,
    trustProxy: config.trustProxy,
    sms: { gateway: createSmsGateway(config.sms, log, Date.now, config.demo) },
    center: config.center,
  });
  if (config.sms.kind === 'log' && !config.demo)
    log.warn('ONEWINDOW_SMS is not set: SMS notices are only logged (DEV ONLY), no citizen receives them');
  try {
    bootstrap(
      app,
      {
        demo: config.demo,
        adminPassword: config.adminPassword,
        secondAdminPassword: config.secondAdminPassword,
        demoAnyTime: config.demo,
      },
      log,
    );
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    await app.close();
    process.exit(2);
  }
  const port = await app.listen(config.port, config.host);
  log.info({ port, db: config.dbPath, demo: config.demo }, 'OneWindow queue server listening');
  const backups = scheduleBackups({ dbPath: config.dbPath, ...config.backup, log });

  // --demo only: the hall's kiosks and counters with simulated devices, and their control API, in a
  // process of their own (issue #19); this process only pairs them and loads no agent code.
  // A signal while they start (loading the agent takes a moment) waits for them, then stops them.
  const demoDevices: Promise<{ stop(): Promise<void> } | null> = config.demo
    ? import('./seed/demo-hall-devices.ts')
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
    backups.stop();
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

/** The hall PC's first non-internal IPv4 address, for ticket QR codes when no public URL is set. */
function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}
