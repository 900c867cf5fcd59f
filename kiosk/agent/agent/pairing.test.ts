/**
 * The agent process (startTerminal) against a real server: pairing once with a code, reusing
 * the stored token, and stopping for good when the token is revoked (SPEC DEV-5).
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIPPED_CONFIG_DIR } from '@onewindow/firmware-config';
import { startTestServer, type TestServer } from '@onewindow/tests/support/server.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentSocket } from './agent.ts';
import type { AgentConfig } from './config.ts';
import { createLogger } from './log.ts';
import { type RunningTerminal, startTerminal } from './main.ts';
import { PairingError } from './pairing.ts';
import { reach, sleep, testSocketFactory, until } from './test-support.ts';

let server: TestServer;
const running: RunningTerminal[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  await server.close();
});

async function pairingCode(kind: string, windowId: string | null): Promise<string> {
  const r = await server.rest<{ code: string }>('POST', '/api/devices/pairing-codes', {
    token: await server.login('admin'),
    body: { kind, name: `agent test ${kind}`, windowId },
  });
  if (!r.body.ok) throw new Error(r.body.error.message);
  return r.body.data.code;
}

function configFor(stateDir: string, over: Partial<AgentConfig> = {}): AgentConfig {
  return {
    serverUrl: server.url,
    terminal: 'w2',
    hall: 'demo',
    firmwareDir: SHIPPED_CONFIG_DIR,
    stateDir,
    simulate: true,
    pairingCode: undefined,
    healthIntervalMs: 60_000,
    screenPort: 0,
    logLevel: 'debug',
    ...over,
  };
}

async function start(config: AgentConfig, sockets: AgentSocket[] = [], logs: string[] = []) {
  const r = await startTerminal(config, {
    logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }),
    socketFactory: testSocketFactory(sockets, []),
    clock: { now: () => server.clock.now() },
    agent: { reconnect: { initialMs: 50, maxMs: 200 } },
  });
  running.push(r);
  return r;
}

describe('terminal agent: pairing and revocation', () => {
  it('pairs once with a code, keeps the token (0600), reuses it without a code, and stops for good when revoked', async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), 'onewindow-agent-')), 'state');
    const code = await pairingCode('agent', 'w2');
    const logs: string[] = [];
    const first = await start(configFor(stateDir, { pairingCode: code }), [], logs);
    await reach(first.agent, 'connected');
    expect(first.device).toMatchObject({ kind: 'agent', windowId: 'w2', serverUrl: server.url });
    expect(first.choice.windowId).toBe('w2');

    const tokenFile = join(stateDir, 'device.json');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(tokenFile, 'utf8')) as { deviceId: string; deviceToken: string };
    expect(stored.deviceId).toBe(first.device.deviceId);
    expect(logs.join('')).not.toContain(code);
    expect(logs.join('')).not.toContain(stored.deviceToken);

    await first.stop();
    expect(await first.done).toBe('stopped');

    // Second start: no code (the first one is used up anyway); the stored token connects.
    const sockets: AgentSocket[] = [];
    const second = await start(configFor(stateDir), sockets);
    await reach(second.agent, 'connected');
    expect(second.device.deviceId).toBe(stored.deviceId);

    // Revoked by the admin: the agent reports it and stops trying.
    let attempts = 0;
    const socket = sockets[0]!;
    socket.on('connect_error', () => attempts++);
    socket.on('connect', () => attempts++);
    const admin = await server.login('admin');
    const del = await server.rest('DELETE', `/api/devices/${stored.deviceId}`, { token: admin });
    expect(del.status).toBe(200);
    expect(await second.done).toBe('revoked');
    expect(second.agent.state).toBe('revoked');
    expect(existsSync(tokenFile)).toBe(false);
    const seen = attempts;
    await sleep(600); // several backoff periods
    expect(attempts).toBe(seen);
    expect(socket.active).toBe(false);
    expect(sockets).toHaveLength(1);
  });

  it('without a stored token or a code it refuses to start; a used code is refused by the server', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'onewindow-agent-'));
    await expect(start(configFor(stateDir))).rejects.toThrow(PairingError);
    await expect(start(configFor(stateDir))).rejects.toThrow(/ONEWINDOW_PAIRING_CODE/);

    const code = await pairingCode('kiosk', null);
    await server.rest('POST', '/api/devices/pair', { body: { code } });
    await expect(start(configFor(stateDir, { terminal: 'k1', pairingCode: code }))).rejects.toThrow(
      /pairing refused \(HTTP 401\): pairing code is used/,
    );
    expect(existsSync(join(stateDir, 'device.json'))).toBe(false);
  });

  it('a kiosk from the hall layout runs its simulated devices and prints', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'onewindow-agent-'));
    const r = await start(
      configFor(stateDir, { terminal: 'k1', pairingCode: await pairingCode('kiosk', null) }),
    );
    await reach(r.agent, 'connected');
    expect(r.choice.label).toBe('kiosk k1 (kiosk)');
    await until(() =>
      r.agent.health.idCardReader === 'connected' && r.agent.health.sscReader === 'connected'
        ? true
        : undefined,
    );
    expect(r.agent.health).toEqual({ printer: 'ok', idCardReader: 'connected', sscReader: 'connected' });
    const { ticketInput } = await import('../printer/documents.fixtures.ts');
    const job = await server.rest<{ jobId: string }>('POST', '/api/print-jobs', {
      deviceToken: r.device.deviceToken,
      body: { document: { type: 'queue-ticket', data: { ...ticketInput({ number: 'B007' }) } } },
    });
    const jobId = job.body.ok ? job.body.data.jobId : '';
    const preview = join(stateDir, 'simulated-printer', `${jobId}.txt`);
    await until(() => (existsSync(preview) ? true : undefined));
    expect(readFileSync(preview, 'utf8')).toContain('B007');
  });
});
