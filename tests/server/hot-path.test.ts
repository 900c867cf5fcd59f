import { Writable } from 'node:stream';
import type { Ack, CommandResult } from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../queue-server/src/app/app.ts';
import { createLogger } from '../../queue-server/src/log.ts';
import { bootstrap } from '../../queue-server/src/seed/bootstrap.ts';
import { AuthStore } from '../../queue-server/src/store/auth.store.ts';
import { DeviceStore } from '../../queue-server/src/store/device.store.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import { command, nextEvent, startTestServer, TestClock, type TestServer } from '../support/server.ts';

/*
 * Issue #19, the server's hot path: what a busy hall does on every request is done once, and
 * none of it weakens a rule. The counts are of the real stores' calls (spies that call through).
 */

const MINUTE = 60_000;
const CONSULT = 'LOCAL-ZXZX'; // 政策咨询: no identity, no form

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await server.close();
});

const codeOf = (a: Ack<unknown>) => (a.ok ? 'ok' : a.error.code);

describe('SEC-ACC-7 the principal behind a token is kept in memory, never past its end', () => {
  it('SEC-ACC-7 a staff socket’s commands read its session from the database once, not per command', async () => {
    const token = await server.login('clerk1');
    const socket = await server.client({ token });
    expect(codeOf(await command(socket, 'window:open', { windowId: 'w1' }))).toBe('ok');
    const reads = vi.spyOn(AuthStore.prototype, 'session');
    for (let i = 0; i < 20; i++)
      expect(codeOf(await command(socket, 'ticket:call-next', { windowId: 'w1' }))).toBe('QUEUE_EMPTY');
    expect(reads.mock.calls.length).toBeLessThanOrEqual(1);
  });

  it('SEC-ACC-7 a kept session still ends at once: logout, disable, password reset, new roles, idle limit', async () => {
    const admin = await server.login('admin');
    const me = (token: string) => server.rest<{ roles: string[] }>('GET', '/api/auth/me', { token });
    const staffId = async (username: string) => {
      const all = await server.rest<{ id: string; username: string }[]>('GET', '/api/staff', {
        token: admin,
      });
      if (!all.body.ok) throw new Error(all.body.error.message);
      return all.body.data.find((s) => s.username === username)!.id;
    };

    const out = await server.login('clerk2');
    expect((await me(out)).status).toBe(200);
    expect((await server.rest('POST', '/api/auth/logout', { token: out })).status).toBe(200);
    expect((await me(out)).status).toBe(401);

    const disabled = await server.login('clerk3');
    expect((await me(disabled)).status).toBe(200);
    await server.rest('POST', `/api/staff/${await staffId('clerk3')}/disable`, { token: admin });
    expect((await me(disabled)).status).toBe(401);

    const reset = await server.login('clerk4');
    expect((await me(reset)).status).toBe(200);
    await server.rest('POST', `/api/staff/${await staffId('clerk4')}/password-reset`, { token: admin });
    expect((await me(reset)).status).toBe(401);

    const moved = await server.login('clerk5');
    const socket = await server.client({ token: moved });
    expect(codeOf(await command(socket, 'window:open', { windowId: 'w5' }))).toBe('ok');
    await server.rest('PUT', `/api/staff/${await staffId('clerk5')}/roles`, {
      token: admin,
      body: { roles: ['rights-clerk'] },
    });
    const after = await me(moved);
    expect(after.body.ok && after.body.data.roles).toEqual(['rights-clerk']);

    const idle = await server.login('clerk6');
    expect((await me(idle)).status).toBe(200);
    server.clock.advance(31 * MINUTE);
    expect((await me(idle)).status).toBe(401);
  });

  it('SEC-ACC-7 AUTH-4 a kept device token is cut at once by its revocation; its last contact is written at most once a minute', async () => {
    const admin = await server.login('admin');
    const kiosk = await server.pairDevice('kiosk');
    const seen = vi.spyOn(AuthStore.prototype, 'deviceSeen');
    for (let i = 0; i < 10; i++)
      expect((await server.rest('GET', '/api/kiosk/context', { deviceToken: kiosk })).status).toBe(200);
    expect(seen.mock.calls.length).toBe(1);
    server.clock.advance(MINUTE);
    await server.rest('GET', '/api/kiosk/context', { deviceToken: kiosk });
    expect(seen.mock.calls.length).toBe(2);

    const devices = await server.rest<{ id: string; kind: string }[]>('GET', '/api/devices', {
      token: admin,
    });
    if (!devices.body.ok) throw new Error(devices.body.error.message);
    const id = devices.body.data.find((d) => d.kind === 'kiosk')!.id;
    expect((await server.rest('DELETE', `/api/devices/${id}`, { token: admin })).status).toBe(200);
    expect((await server.rest('GET', '/api/kiosk/context', { deviceToken: kiosk })).status).toBe(401);
  });
});

describe('hot path: catalog, print jobs, rooms, fact log (issue #19)', () => {
  it('KSK-3 ADM-2 ADM-5 the catalog is parsed once and shared frozen; a change is seen by the next kiosk ticket', async () => {
    const first = server.app.authStore.catalog();
    const again = server.app.authStore.catalog();
    expect(again[0]).toBe(first[0]);
    expect(Object.isFrozen(first[0])).toBe(true);

    const kiosk = await server.pairDevice('kiosk');
    const issue = () =>
      server.rest('POST', '/api/kiosk/tickets', {
        deviceToken: kiosk,
        body: { itemCode: CONSULT, print: false },
      });
    expect((await issue()).status).toBe(201);
    const admin = await server.login('admin');
    expect((await server.rest('DELETE', `/api/catalog/items/${CONSULT}`, { token: admin })).status).toBe(200);
    const gone = await issue();
    expect(gone.status).toBe(404);
    expect(server.app.authStore.catalog().some((i) => i.code === CONSULT)).toBe(false);
  });

  it('UOW-3 DEV-1 a print job for a connected terminal is written once, in the ticket’s unit, and reaches it', async () => {
    const kiosk = await server.pairDevice('kiosk');
    const agent = await server.client({ deviceToken: kiosk });
    const statusWrites = vi.spyOn(DeviceStore.prototype, 'setStatus');
    const printed = nextEvent<{ jobId: string }>(agent, 'device:print');
    const r = await server.rest<{ print: { jobId: string } }>('POST', '/api/kiosk/tickets', {
      deviceToken: kiosk,
      body: { itemCode: CONSULT, print: true },
    });
    expect(r.status).toBe(201);
    const job = await printed;
    expect(r.body.ok && r.body.data.print.jobId).toBe(job.jobId);
    expect(statusWrites).not.toHaveBeenCalled();
    expect(server.app.hall.print.job(job.jobId)?.status).toBe('sent');
  });

  it('SEC-NTK-3 each socket gets each commit once: a console the staff fact, a board the public one; the notice reaches both', async () => {
    const board = await server.client();
    const clerk = await server.client({ token: await server.login('clerk1') });
    const events = { board: [] as string[], clerk: [] as string[] };
    board.onAny((e: string) => events.board.push(e));
    clerk.onAny((e: string) => events.clerk.push(e));
    const guide = await server.client({ token: await server.login('guide1') });
    const ack = (await command(guide, 'ticket:issue', { categoryId: 'A' })) as Ack<CommandResult>;
    expect(ack.ok).toBe(true);
    await expect.poll(() => events.board.length + events.clerk.length).toBe(2);
    expect(events).toEqual({ board: ['hall:fact'], clerk: ['staff:fact'] });

    const manager = await server.login('manager1');
    const noticed = [nextEvent(board, 'hall:notice'), nextEvent(clerk, 'hall:notice')];
    expect(
      (await server.rest('PUT', '/api/hall/notice', { token: manager, body: { text: '今日午休不停办' } }))
        .status,
    ).toBe(200);
    expect(await Promise.all(noticed)).toEqual([{ text: '今日午休不停办' }, { text: '今日午休不停办' }]);
  });
});

describe('facts are logged at debug level (issue #19)', () => {
  it('ADM-5 at info a committed fact writes no log line; at debug it writes one per fact', async () => {
    for (const level of ['info', 'debug'] as const) {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const log = createLogger(level, sink);
      const app = createApp({
        store: new HallStore(':memory:', TEST_KEYS),
        logger: log,
        clock: new TestClock(),
      });
      bootstrap(app, { demo: true, adminPassword: undefined }, log);
      lines.length = 0;
      const r = app.service.execute({ type: 'ticket:issue', categoryId: 'A', source: 'guide' });
      expect(r.ok).toBe(true);
      const facts = lines.filter((l) => (JSON.parse(l) as { msg?: string }).msg === 'fact');
      expect(facts.length, level).toBe(level === 'debug' ? 1 : 0);
      await app.close();
    }
  });
});
