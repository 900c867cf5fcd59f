/**
 * DEMO ONLY (`npm start`, i.e. `--demo`), the server process's side of the demo hall's terminals.
 *
 * The terminals (kiosks `k1`, `k2` and one counter agent per window of firmware-config's
 * `halls/demo.json`) run in a process of their own (`demo-terminals.process.ts`), so their
 * simulated readers' polling and their agents' work cost the server's event loop nothing but the
 * traffic a hall PC's agent sends (issue #19). This module loads no agent code: it lists the
 * layout's terminals, decides for each stored device token whether it still stands (or makes a
 * one-time pairing code the terminal trades over `POST /api/devices/pair`, as a real agent does),
 * and answers who is calling the terminals' control API. Everything it decides is asked over IPC.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFirmwareConfig } from '@onewindow/firmware-config';
import type { StoredDevice } from '@onewindow/kiosk/agent';
import type { DeviceKind } from '@onewindow/shared';
import type { Logger as PinoLogger } from 'pino';
import type { App } from '../app/app.ts';

/** One terminal of a hall layout. */
export interface DemoTerminalEntry {
  id: string;
  kind: 'kiosk' | 'agent';
  windowId: string | null;
  name: string;
  /** Its terminal profile in firmware-config. */
  terminal: string;
}

/** The demo hall layout's terminals: its kiosks, then one counter agent per window. */
export function demoTerminalEntries(opts: { firmwareDir?: string; hall?: string } = {}): DemoTerminalEntry[] {
  const loaded = loadFirmwareConfig(opts.firmwareDir);
  const hallId = opts.hall ?? 'demo';
  const layout = loaded.config.halls[hallId];
  if (layout === undefined) throw new Error(`firmware-config has no hall layout "${hallId}"`);
  return [
    ...layout.kiosks.map((k) => ({
      id: k.id,
      kind: 'kiosk' as const,
      windowId: null,
      name: k.name,
      terminal: k.terminal,
    })),
    ...layout.windows.map((w) => ({
      id: w.id,
      kind: 'agent' as const,
      windowId: w.id,
      name: `${w.number}号窗口`,
      terminal: w.terminal,
    })),
  ];
}

/** Whether a terminal keeps its stored device, or pairs anew with this code. */
export type DemoDeviceCheck = { keep: true } | { keep: false; code: string };

/**
 * A stored device token stands while this server knows it as a device of that kind and window;
 * otherwise (revoked, unknown to this database, another kind or window, none stored) the stale
 * one is revoked if still active, and a new one-time pairing code is made as `system`.
 */
export function checkDemoDevice(
  app: Pick<App, 'auth'>,
  e: Pick<DemoTerminalEntry, 'id' | 'kind' | 'windowId' | 'name'>,
  stored: Pick<StoredDevice, 'deviceToken'> | null,
): DemoDeviceCheck {
  if (stored !== null) {
    const p = app.auth.principal({ deviceToken: stored.deviceToken });
    if (p.kind === 'device' && p.deviceKind === e.kind && p.windowId === e.windowId) return { keep: true };
    if (p.kind === 'device') app.auth.revoke('system', p.id);
  }
  const code = app.auth.createPairingCode('system', {
    kind: e.kind as DeviceKind,
    name: `${e.name}（演示）`,
    windowId: e.windowId,
  });
  if (!code.ok) throw new Error(`demo terminal ${e.id}: ${code.error.message}`);
  return { keep: false, code: code.data.code };
}

/** Who sent a control call, reduced to what the control API checks. */
export interface ControlCaller {
  kind: string;
  roles?: readonly string[];
}

/** The principal behind a control call's `authorization` header. */
export function callerOf(auth: App['auth'], authorization: string | undefined): ControlCaller {
  const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  const p = auth.principal({ token });
  return p.kind === 'staff' ? { kind: p.kind, roles: [...p.roles] } : { kind: p.kind };
}

/** Messages between the server process and the demo's terminals process. */
export type ToTerminalsProcess =
  | { type: 'start'; serverUrl: string; stateDir: string; controlPort: number }
  | { type: 'device-checked'; id: number; check: DemoDeviceCheck | { error: string } }
  | { type: 'caller'; id: number; caller: ControlCaller }
  | { type: 'stop' };
export type FromTerminalsProcess =
  | { type: 'ready'; controlUrl: string; terminals: string[] }
  | {
      type: 'check-device';
      id: number;
      terminal: Pick<DemoTerminalEntry, 'id' | 'kind' | 'windowId' | 'name'>;
      stored: Pick<StoredDevice, 'deviceToken'> | null;
    }
  | { type: 'authorize'; id: number; authorization: string | undefined }
  | { type: 'failed'; message: string };

/** `ONEWINDOW_DEMO_CONTROL_PORT`, default the server's port + 1. @throws Error when it is not a port */
export function demoControlPortOf(env: NodeJS.ProcessEnv, serverPort: number): number {
  const raw = env.ONEWINDOW_DEMO_CONTROL_PORT;
  if (raw === undefined || raw === '') return serverPort === 0 ? 0 : serverPort + 1;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`ONEWINDOW_DEMO_CONTROL_PORT: a port number (0-65535), not "${raw}"`);
  return port;
}

/**
 * What main.ts runs after listening with --demo: forks the terminals process, answers its
 * questions (device checks, control callers), and waits until its terminals and control listener
 * run. `stop()` ends the process (call it before `app.close()`); it also ends with this one.
 */
export async function startDemoHallDevices(opts: {
  app: Pick<App, 'auth'>;
  serverPort: number;
  serverHost: string;
  dataDir: string;
  log: PinoLogger;
  env?: NodeJS.ProcessEnv;
}): Promise<{ controlUrl: string; pid: number; stop(): Promise<void> }> {
  const local = ['0.0.0.0', '::', ''].includes(opts.serverHost) ? '127.0.0.1' : opts.serverHost;
  const serverUrl = `http://${local.includes(':') ? `[${local}]` : local}:${opts.serverPort}`;
  const controlPort = demoControlPortOf(opts.env ?? process.env, opts.serverPort);
  // The server runs under tsx (npm start) or node --import tsx: the child loads TypeScript the same way.
  const execArgv = process.execArgv.some((a) => a.includes('tsx'))
    ? process.execArgv
    : [...process.execArgv, '--import', 'tsx'];
  const child = fork(fileURLToPath(new URL('./demo-terminals.process.ts', import.meta.url)), [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const toChild = (msg: ToTerminalsProcess) => {
    if (child.connected) child.send(msg);
  };
  const ready = new Promise<{ controlUrl: string; terminals: string[] }>((resolve, reject) => {
    child.on('message', (msg: FromTerminalsProcess) => {
      if (msg.type === 'ready') resolve(msg);
      else if (msg.type === 'failed') reject(new Error(msg.message));
      else if (msg.type === 'authorize')
        toChild({
          type: 'caller',
          id: msg.id,
          caller: callerOf(opts.app.auth as App['auth'], msg.authorization),
        });
      else if (msg.type === 'check-device') {
        let check: DemoDeviceCheck | { error: string };
        try {
          check = checkDemoDevice(opts.app, msg.terminal, msg.stored);
        } catch (err) {
          check = { error: (err as Error).message };
        }
        toChild({ type: 'device-checked', id: msg.id, check });
      }
    });
    void exited.then(() => reject(new Error('the demo terminals process ended before it was ready')));
  });
  toChild({ type: 'start', serverUrl, stateDir: join(opts.dataDir, 'agents'), controlPort });
  const stop = async () => {
    toChild({ type: 'stop' });
    const killed = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killed);
  };
  let started: { controlUrl: string; terminals: string[] };
  try {
    started = await ready;
  } catch (err) {
    await stop();
    throw err;
  }
  opts.log.info(
    { terminals: started.terminals, control: started.controlUrl, pid: child.pid },
    `demo terminals running in their own process; kiosk screens at ${started.controlUrl}/kiosk/k1 and /kiosk/k2; play their devices at ${started.controlUrl}/api/demo/terminals (manager or admin token)`,
  );
  return { controlUrl: started.controlUrl, pid: child.pid ?? 0, stop };
}
