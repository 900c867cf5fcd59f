/**
 * The terminal agent process (`npm run agent -w @onewindow/kiosk -- --terminal w1`): loads
 * firmware-config, builds the terminal's devices (or simulators with `--simulate`), pairs once
 * if no device token is stored, runs the agent, and stops cleanly on SIGTERM / SIGINT.
 *
 * Exit codes: 0 stopped, 1 crashed, 2 bad configuration, 3 token revoked (pair again),
 * 4 not paired / pairing refused.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { loadFirmwareConfig } from '@onewindow/firmware-config';
import { decodeEscPos, printedItems } from '../printer/escpos-decode.ts';
import { type Clock, type SocketFactory, TerminalAgent, type TerminalAgentOptions } from './agent.ts';
import { type AgentConfig, ConfigError, loadAgentConfig } from './config.ts';
import { buildRealDevices, chooseTerminal, type TerminalChoice } from './devices.ts';
import { createLogger, type Logger } from './log.ts';
import { ensurePaired, PairingError } from './pairing.ts';
import { PrintJournal } from './print-journal.ts';
import { kioskScreenUrl, startScreenHandoff } from './screen-handoff.ts';
import type { Simulators } from './simulated.ts';
import { type StoredDevice, TokenStore } from './token-store.ts';

export interface RunningTerminal {
  agent: TerminalAgent;
  device: StoredDevice;
  choice: TerminalChoice;
  /** With `--simulate`: the simulators, to insert cards, press keys, run out of paper. */
  simulators: Simulators | null;
  stop(): Promise<void>;
  /** Settles when the agent has ended: stopped, or revoked (the stored token is then removed). */
  done: Promise<'stopped' | 'revoked'>;
}

/** Everything main does except signals and the exit code; tests call it. */
export async function startTerminal(
  config: AgentConfig,
  opts: {
    logger?: Logger;
    socketFactory?: SocketFactory;
    clock?: Clock;
    agent?: Partial<Omit<TerminalAgentOptions, 'devices' | 'journal' | 'deviceToken' | 'windowId'>>;
  } = {},
): Promise<RunningTerminal> {
  const log = opts.logger ?? createLogger({ level: config.logLevel });
  const clock = opts.clock ?? { now: () => Date.now() };

  const firmware = loadFirmwareConfig(config.firmwareDir);
  for (const e of firmware.errors)
    log.warn('firmware-config problem', { file: e.file, path: e.path, problem: e.message });
  let choice: TerminalChoice;
  try {
    choice = chooseTerminal(firmware.config, config.hall, config.terminal);
  } catch (e) {
    throw new ConfigError([`ONEWINDOW_TERMINAL (--terminal): ${(e as Error).message}`]);
  }
  log.info('terminal chosen', { terminal: choice.label, simulate: config.simulate });

  // Pair before opening any device: an unpaired terminal has nothing to do.
  const device = await ensurePaired({
    serverUrl: config.serverUrl,
    stateDir: config.stateDir,
    pairingCode: config.pairingCode,
    logger: log,
    now: () => clock.now(),
  });
  const expectedKind = choice.terminal.profile.kind === 'kiosk' ? 'kiosk' : 'agent';
  if (device.kind !== expectedKind)
    log.warn('the device was paired as another kind than this terminal', {
      paired: device.kind,
      expected: expectedKind,
    });
  if (choice.windowId !== null && device.windowId !== choice.windowId)
    log.warn("the device was paired to another window than the hall layout's; the pairing wins", {
      paired: device.windowId,
      layout: choice.windowId,
    });

  let simulators: Simulators | null = null;
  let devices: TerminalAgentOptions['devices'];
  if (config.simulate) {
    // Loaded only here: the simulators carry test-only card encoders.
    const { buildSimulatedDevices } = await import('./simulated.ts');
    const built = buildSimulatedDevices(choice.terminal);
    devices = built.devices;
    simulators = built.simulators;
  } else {
    devices = await buildRealDevices(choice.terminal, log);
  }

  const journal = PrintJournal.open(config.stateDir, { now: () => clock.now() });
  const agent = new TerminalAgent({
    healthIntervalMs: config.healthIntervalMs,
    ...opts.agent,
    serverUrl: config.serverUrl,
    deviceToken: device.deviceToken,
    windowId: device.windowId,
    devices,
    journal,
    clock,
    logger: log,
    ...(opts.socketFactory ? { socketFactory: opts.socketFactory } : {}),
  });

  const printer = simulators?.printer;
  if (printer !== undefined) {
    // The simulated printer's paper: a text rendering of each job in the state dir.
    const folder = join(config.stateDir, 'simulated-printer');
    agent.on('print-result', (r) => {
      if (r.fromJournal || r.status !== 'printed') return;
      const bytes = printer.jobs.at(-1);
      if (bytes === undefined) return;
      try {
        const items = printedItems(
          decodeEscPos(bytes, { chineseByDefault: choice.terminal.printer?.chineseMode === 'none' }),
        );
        const text = items
          .map((i) =>
            i.kind === 'line' ? i.text : i.kind === 'qr' ? `[QR ${i.data}]` : i.kind === 'cut' ? '✂' : '',
          )
          .join('\n');
        mkdirSync(folder, { recursive: true, mode: 0o700 });
        writeFileSync(join(folder, `${r.jobId}.txt`), `${text}\n`, { mode: 0o600 });
      } catch (e) {
        log.warn('cannot render the simulated print', { jobId: r.jobId, error: e });
      }
    });
  }

  const done = new Promise<'stopped' | 'revoked'>((resolve) => {
    agent.on('state', (s) => {
      if (s === 'stopped') resolve('stopped');
      if (s === 'revoked') {
        // The token is dead: forget it, so the next start asks for a new pairing code.
        new TokenStore(config.stateDir).clear();
        resolve('revoked');
      }
    });
  });
  agent.start();
  // A kiosk's touchscreen browser starts at http://127.0.0.1:<screenPort>/screen and becomes
  // this same device (card reads reach it); counters have no citizen screen of their own.
  const handoff =
    expectedKind === 'kiosk' && config.screenPort > 0
      ? await startScreenHandoff({
          port: config.screenPort,
          target: () => kioskScreenUrl(config.serverUrl, device.deviceToken),
        }).catch((e: Error) => {
          log.warn('kiosk screen handoff not started', { port: config.screenPort, error: e.message });
          return null;
        })
      : null;
  if (handoff)
    log.info('kiosk screen: open http://127.0.0.1:<port>/screen in the kiosk browser', {
      port: handoff.port,
    });
  return {
    agent,
    device,
    choice,
    simulators,
    stop: async () => {
      await handoff?.close();
      await agent.stop();
    },
    done,
  };
}

/** `--simulate` on a terminal: commands on stdin to play the devices. */
function attachDemoConsole(running: RunningTerminal, log: Logger): void {
  const sims = running.simulators;
  if (sims === null) return;
  const help =
    'commands: card senior | card young | remove | rate 1-5 | paper ok|near-end|out | printer on|off | health';
  log.info(`simulated devices ready; ${help}`);
  const rl = createInterface({ input: process.stdin, terminal: false });
  void import('../idcard/base-info-encode.ts').then(({ SAMPLE_CARDS }) => {
    rl.on('line', (line) => {
      const [cmd, arg] = line.trim().split(/\s+/);
      if (cmd === 'card' && (arg === 'senior' || arg === 'young') && sims.idCardReader)
        sims.idCardReader.insertCard(SAMPLE_CARDS[arg]);
      else if (cmd === 'remove' && sims.idCardReader) sims.idCardReader.removeCard();
      else if (cmd === 'rate' && sims.ratingPad && /^[1-5]$/.test(arg ?? ''))
        sims.ratingPad.press(Number(arg) as 1 | 2 | 3 | 4 | 5);
      else if (cmd === 'paper' && sims.printer && (arg === 'ok' || arg === 'near-end' || arg === 'out'))
        sims.printer.setPaper(arg);
      else if (cmd === 'printer' && sims.printer && (arg === 'on' || arg === 'off'))
        sims.printer.setOnline(arg === 'on');
      else if (cmd === 'health') log.info('device health', { health: running.agent.health });
      else if (cmd !== '' && cmd !== undefined) log.info(`not a command for this terminal; ${help}`);
    });
  });
}

async function main(): Promise<number> {
  let config: AgentConfig;
  try {
    config = loadAgentConfig(process.env, process.argv.slice(2));
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const log = createLogger({ level: config.logLevel });
  let running: RunningTerminal;
  try {
    running = await startTerminal(config, { logger: log });
  } catch (e) {
    if (e instanceof PairingError) {
      log.error(e.message);
      return 4;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    log.error('the agent could not start', { error: e });
    return 1;
  }
  if (config.simulate) attachDemoConsole(running, log);
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      log.info('stopping', { signal });
      void running.stop();
    });
  const how = await running.done;
  log.info(
    how === 'revoked' ? 'stopped: the device token was revoked; pair again with a new code' : 'stopped',
  );
  return how === 'revoked' ? 3 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`terminal agent crashed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
