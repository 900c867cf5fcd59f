/**
 * DEMO ONLY: the demo hall's terminal agents and their control API in a process of their own,
 * forked by `startDemoHallDevices` (demo-hall-devices.ts). Whether a stored device token stands
 * (or the code to pair anew with) and who calls the control API are asked of the server process
 * over IPC; pairing itself goes over HTTP as a real agent's does. The process ends with the server.
 */
import type {
  ControlCaller,
  DemoDeviceCheck,
  FromTerminalsProcess,
  ToTerminalsProcess,
} from './demo-hall-devices.ts';
import { type DemoTerminals, startDemoControl, startDemoTerminals } from './demo-terminals.ts';

const tell = (msg: FromTerminalsProcess) => process.send?.(msg);
const callers = new Map<number, (caller: ControlCaller) => void>();
const checks = new Map<number, (check: DemoDeviceCheck | { error: string }) => void>();
let nextId = 1;
let running: { demo: DemoTerminals; close(): Promise<void> } | null = null;

const authorize = (authorization: string | undefined) =>
  new Promise<ControlCaller>((resolve) => {
    const id = nextId++;
    callers.set(id, resolve);
    tell({ type: 'authorize', id, authorization });
  });

const pairing = (
  terminal: Extract<FromTerminalsProcess, { type: 'check-device' }>['terminal'],
  stored: { deviceToken: string } | null,
) =>
  new Promise<DemoDeviceCheck>((resolve, reject) => {
    const id = nextId++;
    checks.set(id, (check) => ('error' in check ? reject(new Error(check.error)) : resolve(check)));
    tell({
      type: 'check-device',
      id,
      terminal: { id: terminal.id, kind: terminal.kind, windowId: terminal.windowId, name: terminal.name },
      stored,
    });
  });

async function start(msg: Extract<ToTerminalsProcess, { type: 'start' }>): Promise<void> {
  const demo = await startDemoTerminals({ pairing, serverUrl: msg.serverUrl, stateDir: msg.stateDir });
  try {
    const control = await startDemoControl({
      demo,
      authorize,
      port: msg.controlPort,
      serverUrl: msg.serverUrl,
    });
    running = { demo, close: () => control.close() };
    tell({ type: 'ready', controlUrl: control.url, terminals: demo.all().map((t) => t.id) });
  } catch (err) {
    await demo.stop();
    throw err;
  }
}

async function stop(): Promise<void> {
  const r = running;
  running = null;
  await r?.close().catch(() => undefined);
  await r?.demo.stop().catch(() => undefined);
  process.exit(0);
}

if (process.send === undefined)
  throw new Error('demo-terminals.process.ts is started by the queue server (IPC)');
// An orphan must not outlive the server that paired its devices.
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
// Ctrl-C reaches the whole process group: the server stops this process itself.
process.on('SIGINT', () => undefined);
process.on('message', (msg: ToTerminalsProcess) => {
  if (msg.type === 'start')
    start(msg).catch((err: unknown) => {
      tell({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
      setTimeout(() => process.exit(1), 100);
    });
  else if (msg.type === 'caller') {
    callers.get(msg.id)?.(msg.caller);
    callers.delete(msg.id);
  } else if (msg.type === 'device-checked') {
    checks.get(msg.id)?.(msg.check);
    checks.delete(msg.id);
  } else if (msg.type === 'stop') void stop();
});
