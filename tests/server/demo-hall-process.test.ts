/**
 * The demo hall's terminals run in a process of their own (issue #19): the server pairs them and
 * answers their questions over IPC, the terminals connect like hall PCs, and the control API checks
 * each caller with the server. Stopping ends the process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceStatus } from '@onewindow/shared';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoHallDevices } from '../../queue-server/src/seed/demo-hall-devices.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let dataDir: string;

beforeAll(async () => {
  server = await startTestServer();
  dataDir = mkdtempSync(join(tmpdir(), 'onewindow-demo-process-'));
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function untilTrue(check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the demo terminals process', () => {
  it('runs the terminals outside the server, checks control callers with it, and ends on stop', async () => {
    const port = Number(new URL(server.url).port);
    const start = () =>
      startDemoHallDevices({
        app: server.app,
        serverPort: port,
        serverHost: '127.0.0.1',
        dataDir,
        log: pino({ level: 'silent' }),
        env: { ONEWINDOW_DEMO_CONTROL_PORT: '0' },
      });
    const devices = await start();
    expect(devices.pid).toBeGreaterThan(0);
    expect(devices.pid).not.toBe(process.pid);
    expect(alive(devices.pid)).toBe(true);

    const manager = await server.login('manager1');
    const call = (token: string | null) =>
      fetch(`${devices.controlUrl}/api/demo/terminals`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
    expect((await call(null)).status).toBe(401);
    expect((await call(await server.login('clerk1'))).status).toBe(403);
    const listed = (await (await call(manager)).json()) as { ok: boolean; data: { id: string }[] };
    expect(listed.data.map((t) => t.id)).toContain('k1');

    // The kiosks connect to the server like hall PCs: a guide sees them online.
    const online = async () => {
      const r = await server.rest<DeviceStatus[]>('GET', '/api/devices/status', { token: manager });
      const kiosks = r.body.ok ? r.body.data.filter((d) => d.kind === 'kiosk') : [];
      return kiosks.length === 2 && kiosks.every((d) => d.online);
    };
    await untilTrue(online, 20_000);
    const ids = async () => {
      const r = await server.rest<DeviceStatus[]>('GET', '/api/devices/status', { token: manager });
      return r.body.ok ? r.body.data.map((d) => d.deviceId).sort() : [];
    };
    const before = await ids();

    await devices.stop();
    expect(alive(devices.pid)).toBe(false);
    await untilTrue(async () => !(await online()), 10_000);

    // A second start reuses the devices the first paired (the tokens kept under agents/).
    const again = await start();
    try {
      await untilTrue(online, 20_000);
      expect(await ids()).toEqual(before);
    } finally {
      await again.stop();
    }
  }, 90_000);
});
