/**
 * TESTS ONLY: an agent with simulated devices wired to a real test server
 * (tests/support/server.ts), with its sockets, log lines and state dir at hand.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFirmwareConfig, resolveTerminal } from '@onewindow/firmware-config';
import type { TestServer } from '@onewindow/tests/support/server.ts';
import { io } from 'socket.io-client';
import { type AgentSocket, type SocketFactory, TerminalAgent, type TerminalAgentOptions } from './agent.ts';
import { createLogger } from './log.ts';
import { PrintJournal } from './print-journal.ts';
import { buildSimulatedDevices, type Simulators } from './simulated.ts';

export const FIRMWARE = loadFirmwareConfig().config;

export interface TestAgent {
  agent: TerminalAgent;
  sims: Simulators;
  /** Every socket the agent's factory made, in order. */
  sockets: AgentSocket[];
  /** Events the agent emitted on its sockets, by name, in order. */
  emitted: string[];
  /** Raw log lines. */
  logs: string[];
  stateDir: string;
}

/** Fast reconnects, websocket only, the server's clock. */
export function testSocketFactory(sockets: AgentSocket[], emitted: string[]): SocketFactory {
  return (url, opts) => {
    const socket: AgentSocket = io(url, { ...opts, transports: ['websocket'] });
    const emit = socket.emit.bind(socket) as (ev: string, ...args: unknown[]) => AgentSocket;
    (socket as unknown as { emit: (ev: string, ...args: unknown[]) => AgentSocket }).emit = (ev, ...args) => {
      emitted.push(ev);
      return emit(ev, ...args);
    };
    sockets.push(socket);
    return socket;
  };
}

export function startTestAgent(
  server: TestServer,
  opts: {
    deviceToken: string;
    /** A shipped terminal profile: 'kiosk' (80 mm, reader) or 'comprehensive-window' (58 mm, reader, keypad). */
    terminal: 'kiosk' | 'comprehensive-window';
    windowId?: string | null;
    stateDir?: string;
    agent?: Partial<TerminalAgentOptions>;
  },
): TestAgent {
  const terminal = resolveTerminal(FIRMWARE, opts.terminal);
  if (terminal === undefined) throw new Error(`no terminal profile ${opts.terminal}`);
  const { devices, simulators } = buildSimulatedDevices(terminal, { pollIntervalMs: 30 });
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'onewindow-agent-'));
  const sockets: AgentSocket[] = [];
  const emitted: string[] = [];
  const logs: string[] = [];
  const clock = { now: () => server.clock.now() };
  const agent = new TerminalAgent({
    serverUrl: server.url,
    deviceToken: opts.deviceToken,
    windowId: opts.windowId ?? null,
    devices,
    journal: PrintJournal.open(stateDir, { now: clock.now }),
    socketFactory: testSocketFactory(sockets, emitted),
    clock,
    logger: createLogger({ level: 'debug', write: (l) => logs.push(l), now: clock.now }),
    reconnect: { initialMs: 50, maxMs: 200, jitter: 0.5 },
    ackTimeoutMs: 2000,
    ...opts.agent,
  });
  agent.start();
  return { agent, sims: simulators, sockets, emitted, logs, stateDir };
}

/** Resolves when the agent reaches this state (now or later). */
export function reach(agent: TerminalAgent, state: TerminalAgent['state'], ms = 5000): Promise<void> {
  if (agent.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not reach ${state} (is ${agent.state})`)), ms);
    const on = (s: string) => {
      if (s !== state) return;
      clearTimeout(timer);
      agent.off('state', on);
      resolve();
    };
    agent.on('state', on);
  });
}

/** The next event matching `pick` on an emitter-like object. */
export function eventWhere<T>(
  target: { on(ev: string, fn: (x: T) => void): unknown; off(ev: string, fn: (x: T) => void): unknown },
  event: string,
  pick: (x: T) => boolean = () => true,
  ms = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.off(event, on);
      reject(new Error(`no matching ${event} within ${ms} ms`));
    }, ms);
    const on = (x: T) => {
      if (!pick(x)) return;
      clearTimeout(timer);
      target.off(event, on);
      resolve(x);
    };
    target.on(event, on);
  });
}

/** Polls until `check` returns a value that is not undefined. */
export async function until<T>(check: () => Promise<T | undefined> | T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
