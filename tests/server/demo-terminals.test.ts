/**
 * The demo hall's in-process terminals (`--demo`) and their control API: a card inserted at a
 * kiosk reaches its screen, paper out reaches the guides, a counter's keypad rates the finished
 * ticket, and a restart reuses the paired devices.
 */
import { dirname, join } from 'node:path';
import type { CardRead, DeviceStatus, StaffFact } from '@onewindow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../kiosk/agent/agent/log.ts';
import { eventWhere, reach, sleep, until } from '../../kiosk/agent/agent/test-support.ts';
import { SAMPLE_CARDS } from '../../kiosk/agent/idcard/base-info-encode.ts';
import { SAMPLE_CARD as SAMPLE_SSC } from '../../kiosk/agent/ssc/fake-card.ts';
import {
  type DemoTerminals,
  type DemoTerminalView,
  inProcessAuthorizer,
  inProcessPairing,
  startDemoControl,
  startDemoTerminals,
} from '../../queue-server/src/seed/demo-terminals.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let demo: DemoTerminals;
let control: Awaited<ReturnType<typeof startDemoControl>>;

const start = () =>
  startDemoTerminals({
    pairing: inProcessPairing(server.app),
    serverUrl: server.url,
    stateDir: join(dirname(server.dbPath), 'agents'),
    clock: server.clock,
    logger: silentLogger,
    pollIntervalMs: 30,
  });

async function call<T>(method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${control.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; data: T } };
}

beforeAll(async () => {
  server = await startTestServer();
  demo = await start();
  control = await startDemoControl({
    demo,
    authorize: inProcessAuthorizer(server.app.auth),
    port: 0,
    serverUrl: server.url,
  });
  await Promise.all(demo.all().map((t) => reach(t.agent, 'connected')));
});

afterAll(async () => {
  await control?.close();
  await demo?.stop();
  await server?.close();
});

describe('demo terminals', () => {
  it('hands a kiosk screen the identity of its terminal (k1, k2 only)', async () => {
    const r = await fetch(`${control.url}/kiosk/k1`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    const location = r.headers.get('location')!;
    expect(location.startsWith(`${server.url}/kiosk/#device=`)).toBe(true);
    const token = decodeURIComponent(location.split('#device=')[1]!);
    expect(token).toBe(demo.get('k1')!.device.deviceToken);
    // The handed-over token is the kiosk terminal's: it may take tickets.
    const ctx = await server.rest('GET', '/api/kiosk/context', { deviceToken: token });
    expect(ctx.status).toBe(200);
    expect((await fetch(`${control.url}/kiosk/w1`, { redirect: 'manual' })).status).toBe(404);
  });

  it('lists k1, k2 and w1–w8 to a manager only', async () => {
    expect((await call('GET', '/api/demo/terminals', null)).status).toBe(401);
    expect((await call('GET', '/api/demo/terminals', await server.login('clerk1'))).status).toBe(403);
    const r = await call<DemoTerminalView[]>('GET', '/api/demo/terminals', await server.login('manager1'));
    expect(r.status).toBe(200);
    expect(r.body.data.map((t) => t.id)).toEqual([
      'k1',
      'k2',
      'w1',
      'w2',
      'w3',
      'w4',
      'w5',
      'w6',
      'w7',
      'w8',
    ]);
    expect(r.body.data.find((t) => t.id === 'w3')).toMatchObject({ kind: 'agent', windowId: 'w3' });
    expect(r.body.data.find((t) => t.id === 'k1')).toMatchObject({
      kind: 'kiosk',
      windowId: null,
      connection: 'connected',
      printer: { paper: 'ok', lastJob: null },
      reader: { card: null },
    });
  });

  it('relays a sample card to the kiosk screen and reports paper out to the guides', async () => {
    const manager = await server.login('manager1');
    const k1 = demo.get('k1')!;
    await until(() => (k1.agent.health.idCardReader === 'connected' ? true : undefined));
    const screen = await server.client({ deviceToken: k1.device.deviceToken });
    const card = eventWhere<CardRead>(screen as never, 'device:card');
    const inserted = await call<DemoTerminalView>('POST', '/api/demo/terminals/k1/card', manager, {
      sample: 'senior',
    });
    expect(inserted.body.data.reader).toMatchObject({ card: 'senior' });
    expect(await card).toMatchObject({ source: 'resident-id', idNumber: SAMPLE_CARDS.senior.idNumber });
    expect((await call('DELETE', '/api/demo/terminals/k1/card', manager)).body.data).toMatchObject({
      reader: { card: null },
    });
    expect((await call('POST', '/api/demo/terminals/k1/card', manager, { sample: 'x' })).status).toBe(400);

    const guide = await server.client({ token: await server.login('guide1') });
    const alert = eventWhere<DeviceStatus>(guide as never, 'device:status', (s) =>
      s.alerts.includes('打印机缺纸'),
    );
    const paper = await call<{ reported: boolean }>('POST', '/api/demo/terminals/k1/paper', manager, {
      state: 'out',
    });
    expect(paper.body.data.reported).toBe(true);
    expect(await alert).toMatchObject({ kind: 'kiosk', health: { printer: 'out' } });
    await call('POST', '/api/demo/terminals/k1/paper', manager, { state: 'ok' });
  });

  it("inserts the sample social security card into the kiosk's SSC reader", async () => {
    const manager = await server.login('manager1');
    const k2 = demo.get('k2')!;
    await until(() => (k2.agent.health.sscReader === 'connected' ? true : undefined));
    const screen = await server.client({ deviceToken: k2.device.deviceToken });
    const card = eventWhere<CardRead>(screen as never, 'device:card');
    const inserted = await call<DemoTerminalView>('POST', '/api/demo/terminals/k2/card', manager, {
      sample: 'ssc',
    });
    expect(inserted.body.data).toMatchObject({ reader: { card: 'ssc' }, sscReader: { status: 'connected' } });
    expect(await card).toMatchObject({ source: 'ssc', idNumber: SAMPLE_SSC.idNumber, address: null });
    expect((await call('DELETE', '/api/demo/terminals/k2/card', manager)).body.data).toMatchObject({
      reader: { card: null },
    });
    expect(k2.simulators.sscReader!.cardPresent).toBe(false);
  });

  it("rates the counter's finished ticket from its keypad", async () => {
    const manager = await server.login('manager1');
    const clerk = await server.login('clerk1');
    const guide = await server.login('guide1');
    const cmd = async (token: string, name: string, body: unknown) => {
      const r = await server.rest('POST', `/api/commands/${name}`, { token, body });
      expect(r.body.ok, `${name}: ${JSON.stringify(r.body)}`).toBe(true);
    };
    const staff = await server.client({ token: manager });
    await cmd(clerk, 'window:open', { windowId: 'w1' });
    await cmd(guide, 'ticket:issue', { categoryId: 'A' });
    await cmd(clerk, 'ticket:call-next', { windowId: 'w1' });
    await cmd(clerk, 'ticket:start', { windowId: 'w1' });
    const finished = eventWhere(
      demo.get('w1')!.agent.socket! as never,
      'hall:fact',
      (f: { type: string }) => f.type === 'ticket:finished',
    );
    await cmd(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    await finished;

    const rated = eventWhere<StaffFact>(staff as never, 'staff:fact', (f) => f.type === 'ticket:rated');
    await sleep(450); // past the pad's debounce of an earlier press
    const r = await call<{ sent: boolean }>('POST', '/api/demo/terminals/w1/rate', manager, { level: 4 });
    expect(r.body.data).toMatchObject({ sent: true, level: 4 });
    expect((await rated).event).toMatchObject({ type: 'ticket:rated', level: 4, channel: 'keypad' });
    expect((await call('POST', '/api/demo/terminals/k1/rate', manager, { level: 4 })).status).toBe(409);
  });

  it('a restart on the same state dir reuses the paired devices', async () => {
    const admin = await server.login('admin');
    const count = async () => {
      const r = await server.rest<unknown[]>('GET', '/api/devices', { token: admin });
      if (!r.body.ok) throw new Error(r.body.error.message);
      return r.body.data.length;
    };
    const before = await count();
    expect(before).toBeGreaterThanOrEqual(10);
    const ids = demo.all().map((t) => t.device.deviceId);
    await control.close();
    await demo.stop();
    demo = await start();
    control = await startDemoControl({ demo, authorize: inProcessAuthorizer(server.app.auth), port: 0 });
    await Promise.all(demo.all().map((t) => reach(t.agent, 'connected')));
    expect(demo.all().map((t) => t.device.deviceId)).toEqual(ids);
    expect(await count()).toBe(before);
  });
});
