import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyFact, type PublicFact, type PublicSnapshot, type Ticket } from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idBornOn } from '../../queue-server/src/domain/test-factory.ts';
import type { DayReport } from '../../queue-server/src/service/day-report.ts';
import { nextEvent, startTestServer, T0, TestClock, type TestServer } from '../support/server.ts';

const MIN = 60_000;
const DAY = '2026-11-26';
/** Valid resident IDs (DOMAIN.md samples): 44 and 76 years old on the day. */
const ID_A = '34052419800101001X';
const ID_B = '11010519491231002X';
const ID_C = '440308199901101512';

const booking = (bookingCode: string, idNumber: string, from: string, to: string) => ({
  bookingCode,
  idNumber,
  itemCode: '512B0067900008', // 企业职工参保登记 → category A in the demo catalog
  slotStart: `${DAY}T${from}:00+08:00`,
  slotEnd: `${DAY}T${to}:00+08:00`,
});
const BOOKINGS = [
  booking('YY001', ID_A, '09:15', '09:45'), // check-in opens 08:45: on time at 09:00
  booking('YY002', ID_B, '14:00', '14:30'), // opens 13:30
  booking('YY003', ID_C, '10:00', '10:30'),
];

type CheckIn = { ticket: Ticket; replayed: boolean; late: boolean; appointment: { status: string } };

let dir: string;
let server: TestServer;
let manager: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-appt-e2e-'));
  server = await startTestServer({ dir });
  manager = await server.login('manager1');
});
afterEach(async () => {
  await server.close({ removeDb: false });
  rmSync(dir, { recursive: true, force: true });
});

async function importAll() {
  const r = await server.rest<{ created: number }>('POST', '/api/appointments/import', {
    token: manager,
    body: { bookings: BOOKINGS },
  });
  expect(r.status).toBe(200);
  return r;
}

describe('appointments over REST', () => {
  it('APT-2 imports a day (manager only); a bad row refuses it all with row and field', async () => {
    const guide = await server.login('guide1');
    const denied = await server.rest('POST', '/api/appointments/import', {
      token: guide,
      body: { bookings: BOOKINGS },
    });
    expect(denied.status).toBe(403);
    const bad = await server.rest('POST', '/api/appointments/import', {
      token: manager,
      body: { bookings: [BOOKINGS[0], { ...BOOKINGS[1], idNumber: '110105194912310021' }] },
    });
    expect(bad.status).toBe(400);
    expect(!bad.body.ok && bad.body.error.issues?.map((i) => i.path)).toEqual(['bookings.1.idNumber']);
    const empty = await server.rest<{ appointments: unknown[] }>('GET', `/api/appointments?day=${DAY}`, {
      token: manager,
    });
    expect(empty.body.ok && empty.body.data.appointments).toEqual([]);

    const r = await importAll();
    expect(r.body.ok && r.body.data.created).toBe(3);
    const again = await importAll();
    expect(again.body.ok && again.body.data).toMatchObject({ created: 0, unchanged: 3 });

    const list = await server.rest<{ appointments: { bookingCode: string; holderMasked: string }[] }>(
      'GET',
      `/api/appointments?day=${DAY}`,
      { token: guide },
    );
    expect(list.body.ok && list.body.data.appointments.map((a) => a.bookingCode)).toEqual([
      'YY001',
      'YY003',
      'YY002',
    ]);
    expect(list.body.ok && list.body.data.appointments[0]?.holderMasked).toBe('340***********001X');
    expect(JSON.stringify(list.body)).not.toMatch(new RegExp(`${ID_A}|${ID_B}|${ID_C}|holderRef`));
    expect((await server.rest('GET', `/api/appointments?day=${DAY}`)).status).toBe(401);
  });

  it('APT-4 APT-6 a kiosk check-in on time gives an appointment ticket the board sees as a normal fact; a double tap gives the same one', async () => {
    await importAll();
    const kiosk = await server.pairDevice('kiosk');
    const board = await server.client();
    const snap = nextEvent<PublicSnapshot>(board, 'hall:snapshot');
    board.emit('hall:resync', () => undefined);
    let view = await snap;
    const fact = nextEvent<PublicFact>(board, 'hall:fact');

    const first = await server.rest<CheckIn>('POST', '/api/appointments/check-in', {
      deviceToken: kiosk,
      body: { idNumber: ID_A },
    });
    expect(first.status).toBe(201);
    expect(first.body.ok && first.body.data.ticket).toMatchObject({
      number: 'A001',
      priorityClass: 'appointment',
      source: 'appointment',
    });
    const f = await fact;
    expect(f.type).toBe('ticket:issued');
    expect(f.tickets).toEqual([
      {
        id: '20261126-A001',
        number: 'A001',
        categoryId: 'A',
        status: 'waiting',
        windowId: null,
        calledAt: null,
      },
    ]);
    expect(JSON.stringify(f)).not.toMatch(/340524|\*\*\*|appointment|YY001/);
    view = applyFact(view, f) ?? view;
    expect(view.tickets.map((t) => t.number)).toEqual(['A001']);

    server.clock.advance(2 * MIN);
    const second = await server.rest<CheckIn>('POST', '/api/appointments/check-in', {
      deviceToken: kiosk,
      body: { idNumber: ID_A },
    });
    expect(second.status).toBe(200);
    expect(second.body.ok && second.body.data.replayed).toBe(true);
    expect(second.body.ok && second.body.data.ticket.id).toBe('20261126-A001');
    const guide = await server.login('guide1');
    const byCode = await server.rest<CheckIn>('POST', '/api/appointments/check-in', {
      token: guide,
      body: { bookingCode: 'YY001' },
    });
    expect(byCode.body.ok && byCode.body.data.ticket.id).toBe('20261126-A001');
    const q = await server.rest<PublicSnapshot>('GET', '/api/queue');
    expect(q.body.ok && q.body.data.tickets).toHaveLength(1);
  });

  it('APT-4 too early is refused with a Chinese message saying when to come; who may check in', async () => {
    await importAll();
    const kiosk = await server.pairDevice('kiosk');
    const early = await server.rest('POST', '/api/appointments/check-in', {
      deviceToken: kiosk,
      body: { idNumber: ID_B },
    });
    expect(early.status).toBe(409);
    expect(early.body.ok).toBe(false);
    const error = (early.body as unknown as { error: { code: string; messageZh: string } }).error;
    expect(error.code).toBe('APPOINTMENT_TOO_EARLY');
    expect(error.messageZh).toContain('请于 13:30 后签到');

    const clerk = await server.login('clerk1');
    const board = await server.pairDevice('board');
    for (const who of [{ token: clerk }, { deviceToken: board }, {}]) {
      const r = await server.rest('POST', '/api/appointments/check-in', { ...who, body: { idNumber: ID_A } });
      expect([401, 403]).toContain(r.status);
    }
    const both = await server.rest('POST', '/api/appointments/check-in', {
      deviceToken: kiosk,
      body: { idNumber: ID_A, bookingCode: 'YY001' },
    });
    expect(both.status).toBe(400);
    const none = await server.rest('POST', '/api/appointments/check-in', {
      deviceToken: kiosk,
      body: { idNumber: idBornOn('19800101', '003') }, // valid, but booked nothing
    });
    expect(none.status).toBe(404);
    expect((none.body as unknown as { error: { messageZh: string } }).error.messageZh).toContain(
      '没有找到您今天的预约',
    );
  });

  it('RPT-1..RPT-5 the day report after a small scripted day, the same after a restart', async () => {
    await importAll();
    const kiosk = await server.pairDevice('kiosk');
    let guide = await server.login('guide1');
    let clerk = await server.login('clerk1');
    const cmd = (token: string, name: string, body: unknown) =>
      server.rest('POST', `/api/commands/${name}`, { token, body });

    // 09:00 an appointment checks in; 09:00 and 09:05 two walk-ins; a third at 10:10.
    await server.rest('POST', '/api/appointments/check-in', { deviceToken: kiosk, body: { idNumber: ID_A } });
    await cmd(guide, 'ticket:issue', { categoryId: 'A' });
    server.clock.advance(5 * MIN);
    await cmd(guide, 'ticket:issue', { categoryId: 'A' });
    expect((await cmd(clerk, 'window:open', { windowId: 'w1' })).status).toBe(201);
    // 09:05 calls A001 (the appointment, 5 min wait), serves 10 min: completed.
    await cmd(clerk, 'ticket:call-next', { windowId: 'w1' });
    await cmd(clerk, 'ticket:start', { windowId: 'w1' });
    server.clock.advance(10 * MIN);
    await cmd(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    // 09:15 calls A002 (15 min wait), serves 20 min: rejected.
    await cmd(clerk, 'ticket:call-next', { windowId: 'w1' });
    await cmd(clerk, 'ticket:start', { windowId: 'w1' });
    server.clock.advance(20 * MIN);
    await cmd(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'rejected' });
    // A003 gives up; A004 (10:10) is still waiting at the close. The guide desk sat idle for 30
    // minutes and more in between: it logs in again each time (SEC-ACC-6).
    guide = await server.login('guide1');
    await cmd(guide, 'ticket:cancel', { ticketId: '20261126-A003', reason: '群众放弃' });
    server.clock.t = T0 + 70 * MIN;
    guide = await server.login('guide1');
    await cmd(guide, 'ticket:issue', { categoryId: 'A' });
    server.clock.t = T0 + 10 * 60 * MIN; // 19:00
    // Nine hours without a request: the morning's sessions ended (SEC-ACC-6 idle limit).
    guide = await server.login('guide1');
    clerk = await server.login('clerk1');
    manager = await server.login('manager1');
    await cmd(clerk, 'window:close', { windowId: 'w1' });
    expect((await cmd(manager, 'day:close', { reason: '日结' })).status).toBe(201);

    const denied = await server.rest('GET', `/api/reports/day?date=${DAY}`, { token: guide });
    expect(denied.status).toBe(403);
    const got = await server.rest<DayReport & { clerks: { name: string | null }[] }>(
      'GET',
      `/api/reports/day?date=${DAY}`,
      { token: manager },
    );
    expect(got.status).toBe(200);
    if (!got.body.ok) throw new Error(got.body.error.message);
    const report = got.body.data;
    expect(report.closed).toBe(true);
    expect(report.total).toMatchObject({
      issued: 4,
      served: 2,
      outcomes: { completed: 1, accepted: 0, rejected: 1, supplement: 0 },
      noShows: 0,
      cancelled: 1,
      settledAtClose: 1,
      live: 0,
      wait: { count: 2, avgSeconds: 600, p90Seconds: 900 },
      service: { count: 2, avgSeconds: 900, p90Seconds: 1200 },
    });
    expect(report.categories.map((c) => [c.categoryId, c.issued])).toEqual([
      ['A', 4],
      ['B', 0],
      ['C', 0],
    ]);
    expect(report.windows).toMatchObject([{ windowId: 'w1', served: 2 }]);
    expect(report.clerks).toMatchObject([{ served: 2, windowIds: ['w1'], name: '李强' }]);
    expect(report.hourlyArrivals[9]).toBe(3);
    expect(report.hourlyArrivals[10]).toBe(1);
    expect(report.appointments).toEqual({
      total: 3,
      booked: 0,
      checkedIn: 1,
      late: 0,
      missed: 2,
      cancelled: 0,
    });

    await server.close({ removeDb: false });
    server = await startTestServer({ dir, clock: new TestClock(T0 + 11 * 60 * MIN) });
    const token = await server.login('manager1');
    const after = await server.rest<DayReport>('GET', `/api/reports/day?date=${DAY}`, { token });
    expect(after.body).toEqual(got.body);
  });

  it('lists the new endpoints in the OpenAPI document', async () => {
    const r = await server.rest<never>('GET', '/api/openapi.json');
    const paths = Object.keys((r.body as unknown as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/appointments/import',
        '/api/appointments/check-in',
        '/api/appointments',
        '/api/reports/day',
      ]),
    );
  });
});
