import type { CommandResult, PublicFact, PublicSnapshot, StaffFact } from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { command, nextEvent, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

describe('queue server over real sockets', () => {
  it('a guide issues, a clerk calls: the caller gets the ack and a board receives the facts', async () => {
    const board = await server.client();
    const guide = await server.client({ token: await server.login('guide1') });
    const clerk = await server.client({ token: await server.login('clerk1') });

    const issued = nextEvent<PublicFact>(board, 'hall:fact');
    const ack = await command<CommandResult>(guide, 'ticket:issue', {
      categoryId: 'A',
      idNumber: '11010519491231002X',
    });
    expect(ack.ok).toBe(true);
    const fact = await issued;
    expect(fact.tickets[0]).toMatchObject({ number: 'A001', status: 'waiting' });
    expect(JSON.stringify(fact)).not.toMatch(/11010519491231002X|110\*|1949-12-31/);

    expect((await command(clerk, 'window:open', { windowId: 'w1' })).ok).toBe(true);
    const called = nextEvent<PublicFact>(board, 'hall:fact');
    const callAck = await command<CommandResult>(clerk, 'ticket:call-next', { windowId: 'w1' });
    expect(callAck.ok && callAck.data.facts[0]?.type).toBe('ticket:called');
    expect((await called).call).toMatchObject({ number: 'A001', windowNumber: 1, recall: false });
  });

  it('a REST call reaches the boards like a socket call', async () => {
    const board = await server.client();
    const staff = await server.client({ token: await server.login('manager1') });
    const token = await server.login('guide1');
    const pub = nextEvent<PublicFact>(board, 'hall:fact');
    const priv = nextEvent<StaffFact>(staff, 'staff:fact');
    const r = await server.rest('POST', '/api/commands/ticket:issue', {
      token,
      body: { categoryId: 'B' },
      headers: { 'idempotency-key': 'k1' },
    });
    expect(r.status).toBe(201);
    expect((await pub).tickets[0]?.number).toBe('B001');
    expect((await priv).event.type).toBe('ticket:issued');
    const again = await server.rest('POST', '/api/commands/ticket:issue', {
      token,
      body: { categoryId: 'B' },
      headers: { 'idempotency-key': 'k1' },
    });
    expect(again.status).toBe(200);
    expect(again.body.ok && (again.body.data as CommandResult).replayed).toBe(true);
  });

  it('sends a snapshot on join and on resync', async () => {
    const board = await server.client();
    const snap = nextEvent<PublicSnapshot>(board, 'hall:snapshot');
    board.emit('hall:resync', () => undefined);
    const s = await snap;
    expect(s.windows).toHaveLength(8);
    expect(s.categories.map((c) => c.id)).toEqual(['A', 'B', 'C']);
  });
});

describe('REST for integrations', () => {
  it('POST /api/tickets issues with an Idempotency-Key and the OpenAPI document lists it', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    const headers = { 'idempotency-key': 'kiosk-7' };
    const first = await server.rest<CommandResult>('POST', '/api/tickets', {
      deviceToken,
      body: { categoryId: 'A' },
      headers,
    });
    const again = await server.rest<CommandResult>('POST', '/api/tickets', {
      deviceToken,
      body: { categoryId: 'A' },
      headers,
    });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.ok && again.body.data.facts).toEqual(first.body.ok && first.body.data.facts);
    const doc = await server.rest<never>('GET', '/api/openapi.json');
    const paths = (doc.body as unknown as { paths: Record<string, object> }).paths;
    for (const p of [
      '/api/tickets',
      '/api/tickets/{id}',
      '/api/commands/{name}',
      '/api/appointments/check-in',
      '/api/reports/day',
    ])
      expect(Object.keys(paths)).toContain(p);
  });
});

describe('window display', () => {
  it('GET /api/windows/:id/display names the clerk signed on (name, staff number), none when closed', async () => {
    type Display = {
      window: { id: string; number: number; state: string; clerkId: string | null };
      clerk: { id: string; name: string; staffNumber: string } | null;
    };
    const closed = await server.rest<Display>('GET', '/api/windows/w1/display');
    expect(closed.status).toBe(200);
    expect(closed.body.ok && closed.body.data).toMatchObject({
      window: { id: 'w1', number: 1, state: 'closed', clerkId: null },
      clerk: null,
    });

    const clerk = await server.client({ token: await server.login('clerk1') });
    expect((await command(clerk, 'window:open', { windowId: 'w1' })).ok).toBe(true);
    const open = await server.rest<Display>('GET', '/api/windows/w1/display');
    expect(open.status).toBe(200);
    if (!open.body.ok) throw new Error(open.body.error.message);
    expect(open.body.data.clerk).toMatchObject({ name: '李强', staffNumber: 'C0001' });
    expect(open.body.data.clerk?.id).toBe(open.body.data.window.clerkId);
    expect(open.body.data.window).toMatchObject({ id: 'w1', state: 'open' });
    // Only what the badge shows: no username, roles or password material.
    expect(Object.keys(open.body.data.clerk!).sort()).toEqual(['id', 'name', 'photoUrl', 'staffNumber']);
    // Another window stays without a clerk.
    const other = await server.rest<Display>('GET', '/api/windows/w2/display');
    expect(other.body.ok && other.body.data.clerk).toBeNull();

    expect((await command(clerk, 'window:close', { windowId: 'w1' })).ok).toBe(true);
    const after = await server.rest<Display>('GET', '/api/windows/w1/display');
    expect(after.body.ok && after.body.data.clerk).toBeNull();
  });

  it('GET /api/windows/:id/display answers 404 UNKNOWN_WINDOW for a window the hall does not have', async () => {
    for (const id of ['w99', 'nope', '%E7%AA%97']) {
      const r = await server.rest('GET', `/api/windows/${id}/display`);
      expect(r.status, id).toBe(404);
      expect(r.body.ok === false && r.body.error.code, id).toBe('UNKNOWN_WINDOW');
    }
  });
});

describe('notice marquee', () => {
  it('a manager sets it; boards get it live and in every snapshot; others may not', async () => {
    const board = await server.client();
    const manager = await server.login('manager1');
    const got = nextEvent<{ text: string }>(board, 'hall:notice');
    const r = await server.rest('PUT', '/api/hall/notice', {
      token: manager,
      body: { text: '今日 12:00–13:00 午间不休，窗口照常办理' },
    });
    expect(r.status).toBe(200);
    expect((await got).text).toContain('午间不休');
    const snap = await server.rest<PublicSnapshot>('GET', '/api/queue');
    expect(snap.body.ok && snap.body.data.notice).toContain('午间不休');
    const guide = await server.login('guide1');
    expect((await server.rest('PUT', '/api/hall/notice', { token: guide, body: { text: 'x' } })).status).toBe(
      403,
    );
    expect(
      (await server.rest('PUT', '/api/hall/notice', { token: manager, body: { text: 'x'.repeat(201) } }))
        .status,
    ).toBe(400);
  });
});

describe('voice calling settings and board health', () => {
  it('the call sentence comes from hall settings; a template without placeholders is refused', async () => {
    const snap = await server.rest<PublicSnapshot>('GET', '/api/queue');
    expect(snap.body.ok && snap.body.data.voiceTemplate).toBe('请{号}号到{窗口}号窗口办理');
    // Screens judge the age of calls they missed by the server's clock, not their own.
    expect(snap.body.ok && snap.body.data.serverTime).toBe(server.clock.now());
    const admin = await server.client({ token: await server.login('admin') });
    const config = structuredClone(server.app.service.queue.hallConfig!);
    config.settings.voiceTemplate = '{号}号请到{窗口}号窗口';
    const board = await server.client();
    const fact = nextEvent<PublicFact>(board, 'hall:fact');
    expect((await command(admin, 'hall:configure', { config })).ok).toBe(true);
    expect((await fact).hall?.voiceTemplate).toBe('{号}号请到{窗口}号窗口');
    config.settings.voiceTemplate = '请到窗口';
    const bad = await command(admin, 'hall:configure', { config });
    expect(bad.ok === false && bad.error.code).toBe('BAD_REQUEST');
  });

  it('a board without a Mandarin voice shows on the staff device status', async () => {
    const staff = await server.client({ token: await server.login('manager1') });
    const board = await server.client({ deviceToken: await server.pairDevice('board') });
    const alerted = new Promise<string[]>((resolve) =>
      staff.on('device:status', (s) => {
        if (s.alerts.length > 0) resolve(s.alerts);
      }),
    );
    board.emit('device:health', { voice: 'no-mandarin-voice' }, () => undefined);
    expect(await alerted).toEqual(['无普通话语音，仅提示音']);
  });
});

describe('clerk photos on the window display', () => {
  // The smallest valid PNG (1×1 transparent pixel).
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
    'base64',
  );

  it('an admin uploads a photo; the window display links it; anyone may fetch it', async () => {
    const admin = await server.login('admin');
    const staff = await server.rest<{ id: string; username: string }[]>('GET', '/api/staff', {
      token: admin,
    });
    const clerk1 = staff.body.ok ? staff.body.data.find((s) => s.username === 'clerk1')!.id : '';
    const put = await fetch(`${server.url}/api/staff/${clerk1}/photo`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'image/png' },
      body: png,
    });
    expect(put.status).toBe(200);
    await server.rest('POST', '/api/commands/window:open', {
      token: await server.login('clerk1'),
      body: { windowId: 'w1' },
    });
    const display = await server.rest<{ clerk: { photoUrl: string } }>('GET', '/api/windows/w1/display');
    const url = display.body.ok ? display.body.data.clerk.photoUrl : '';
    expect(url).toMatch(new RegExp(`^/api/staff/${clerk1}/photo`));
    const img = await fetch(`${server.url}${url}`);
    // Stored and served re-encoded as a JPEG (SPEC EDGE-3), never the bytes sent.
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect([...Buffer.from(await img.arrayBuffer()).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);

    const notImage = await fetch(`${server.url}/api/staff/${clerk1}/photo`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'image/png' },
      body: Buffer.from('<svg onload="x"/>'),
    });
    expect(notImage.status).toBe(400);
    const byGuide = await fetch(`${server.url}/api/staff/${clerk1}/photo`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await server.login('guide1')}`, 'content-type': 'image/png' },
      body: png,
    });
    expect(byGuide.status).toBe(403);
  });
});
