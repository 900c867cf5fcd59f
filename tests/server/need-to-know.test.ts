/**
 * Kiosk forms are read on a need-to-know basis, every read is recorded, and forms are purged a
 * retention time after their ticket closed (SPEC SEC-NTK-1, SEC-NTK-2, SEC-MIN-2).
 */
import type { ApplicationView, KioskIssueResult, StaffFact, StaffView } from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PiiRead } from '../../queue-server/src/store/pii-read.store.ts';
import { peekDb } from '../../queue-server/src/store/testing.ts';
import { nextEvent, startTestServer, type TestServer } from '../support/server.ts';

const CARD_ITEM = '512B0070200003';
const ID = '34052419800101001X';
const FORM = {
  name: '张三丰',
  idNumber: ID,
  sex: '男',
  phone: '13812345678',
  bank: 'ICBC',
  delivery: 'window',
};
const DAY = 24 * 60 * 60 * 1000;

let server: TestServer;
let ticketId: string;

beforeEach(async () => {
  server = await startTestServer();
  const kiosk = await server.pairDevice('kiosk');
  await server.client({ deviceToken: kiosk });
  const r = await server.rest<KioskIssueResult>('POST', '/api/kiosk/tickets', {
    deviceToken: kiosk,
    headers: { 'idempotency-key': 'ntk-1' },
    body: { itemCode: CARD_ITEM, idNumber: ID, form: FORM },
  });
  if (!r.body.ok) throw new Error(JSON.stringify(r.body));
  ticketId = r.body.data.ticket.id;
});
afterEach(() => server.close());

const cmd = (token: string, name: string, body: unknown) =>
  server.rest('POST', `/api/commands/${name}`, { token, body });
const forms = (token: string, purpose?: string) =>
  server.rest<ApplicationView[]>(
    'GET',
    `/api/applications?ticketId=${ticketId}${purpose === undefined ? '' : `&purpose=${encodeURIComponent(purpose)}`}`,
    { token },
  );

describe('need to know, with a read trail (SPEC SEC-NTK-1, SEC-NTK-2)', () => {
  it('SEC-NTK-1 the serving clerk reads the form while serving; not before, not after, not another clerk', async () => {
    const clerk = await server.login('clerk1');
    const other = await server.login('clerk2');
    expect((await forms(clerk)).status).toBe(403);
    await cmd(clerk, 'window:open', { windowId: 'w1' });
    await cmd(clerk, 'ticket:call-next', { windowId: 'w1' });
    const r = await forms(clerk);
    expect(r.status).toBe(200);
    expect(r.body.ok && r.body.data[0]?.values.name).toBe('张三丰');
    expect((await forms(other)).status).toBe(403);
    await cmd(clerk, 'ticket:start', { windowId: 'w1' });
    await cmd(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    const after = await forms(clerk);
    expect(after.status).toBe(403);
    expect(after.body.ok === false && after.body.error.message).toMatch(/serving this ticket/);
  });

  it('SEC-NTK-1 a manager reads only with a stated purpose, which may not carry personal numbers', async () => {
    const manager = await server.login('manager1');
    expect((await forms(manager)).status).toBe(403);
    expect((await forms(manager, '看看')).status).toBe(403);
    expect((await forms(manager, `核查 ${ID}`)).status).toBe(403);
    const r = await forms(manager, '核查投诉 TS-12');
    expect(r.status).toBe(200);
  });

  it('SEC-NTK-2 every read is recorded (who, what, when, why); managers search the trail, clerks cannot', async () => {
    const clerk = await server.login('clerk1');
    const manager = await server.login('manager1');
    await cmd(clerk, 'window:open', { windowId: 'w1' });
    await cmd(clerk, 'ticket:call-next', { windowId: 'w1' });
    await forms(clerk);
    await server.rest('GET', '/api/applications/by-code/F261126-A001', { token: clerk });
    await forms(manager, '核查投诉 TS-12');
    const trail = await server.rest<PiiRead[]>('GET', `/api/pii-reads?ticketId=${ticketId}`, {
      token: manager,
    });
    expect(trail.status).toBe(200);
    if (!trail.body.ok) throw new Error('no trail');
    const clerkId = server.app.service.queue.window('w1')?.clerkId;
    expect(trail.body.data.map((r) => [r.staffId === clerkId ? 'clerk1' : 'manager1', r.purpose])).toEqual([
      ['manager1', 'manager: 核查投诉 TS-12'],
      ['clerk1', 'serving'],
      ['clerk1', 'serving'],
    ]);
    for (const r of trail.body.data) {
      expect(r).toMatchObject({ subject: 'application', ticketId });
      expect(r.at).toBe(server.clock.now());
    }
    expect((await server.rest('GET', '/api/pii-reads', { token: clerk })).status).toBe(403);
    // A refused read leaves no trail entry (nothing was read) …
    const before = trail.body.data.length;
    await forms(await server.login('clerk2'));
    const again = await server.rest<PiiRead[]>('GET', `/api/pii-reads?ticketId=${ticketId}`, {
      token: manager,
    });
    expect(again.body.ok && again.body.data.length).toBe(before);
  });
});

describe('staff sockets get what their post needs (SPEC SEC-NTK-3)', () => {
  it('SEC-NTK-3 a guide sees the masked holder; the back office and the accountant get tickets without holders', async () => {
    const guide = await server.client({ token: await server.login('guide1') });
    const reviewer = await server.client({ token: await server.login('reviewer1') });
    const accountant = await server.client({ token: await server.login('accountant1') });
    const facts = [guide, reviewer, accountant].map((c) => nextEvent<StaffFact>(c, 'staff:fact'));
    await server.rest('POST', '/api/commands/ticket:issue', {
      token: await server.login('guide1'),
      body: { categoryId: 'A', idNumber: '11010519491231002X' },
    });
    const [g, r, a] = await Promise.all(facts);
    expect(g!.tickets[0]?.holder).toMatchObject({ masked: '110***********002X', senior: true });
    for (const f of [r!, a!]) {
      expect(f.tickets[0]?.holder).toBeNull();
      expect(JSON.stringify(f)).not.toContain('***********');
    }
    // Their snapshots too: the kiosk ticket of beforeEach has a holder; they do not see it.
    const snap = (user: string) =>
      server.login(user).then((token) => server.rest<StaffView>('GET', '/api/queue/staff', { token }));
    const forGuide = await snap('guide1');
    const forReviewer = await snap('reviewer1');
    if (!forGuide.body.ok || !forReviewer.body.ok) throw new Error('no staff view');
    expect(forGuide.body.data.tickets.filter((t) => t.holder !== null)).toHaveLength(2);
    expect(forReviewer.body.data.tickets).toHaveLength(2);
    expect(forReviewer.body.data.tickets.every((t) => t.holder === null)).toBe(true);
  });
});

describe('forms are purged after their retention time (SPEC SEC-MIN-2)', () => {
  it('SEC-MIN-2 a form is deleted 30 days after its ticket’s day, and the purge is a fact in the log', async () => {
    const clerk = await server.login('clerk1');
    await cmd(clerk, 'window:open', { windowId: 'w1' });
    await cmd(clerk, 'ticket:call-next', { windowId: 'w1' });
    expect(server.app.hall.purgeForms()).toBe(0);
    server.clock.advance(29 * DAY);
    expect(server.app.hall.purgeForms()).toBe(0);
    server.clock.advance(2 * DAY);
    expect(server.app.hall.purgeForms()).toBe(1);
    const ev = peekDb(server.dbPath, (db) =>
      db.prepare("SELECT body FROM events WHERE type = 'forms:purged'").get(),
    ) as { body: string } | undefined;
    expect(JSON.parse(ev!.body)).toMatchObject({
      type: 'forms:purged',
      ticketIds: [ticketId],
      retentionDays: 30,
    });
    const row = peekDb(server.dbPath, (db) =>
      db.prepare('SELECT body, purged_at AS purgedAt FROM applications').get(),
    ) as { body: string; purgedAt: number };
    expect(row).toEqual({ body: '', purgedAt: server.clock.now() });
    // A month later the session is long gone; a manager logs in: the form is gone, whoever asks.
    const manager = await server.login('manager1');
    expect((await forms(manager, '核查投诉 TS-12')).body).toMatchObject({ ok: true, data: [] });
    const byCode = await server.rest('GET', '/api/applications/by-code/F261126-A001', { token: manager });
    expect(byCode.status).toBe(404);
    expect(server.app.hall.purgeForms()).toBe(0);
  });
});
