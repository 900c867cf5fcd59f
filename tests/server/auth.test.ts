import {
  COMMAND_NAMES,
  type CommandName,
  type CommandResult,
  type PublicSnapshot,
  type StaffAccount,
} from '@onewindow/shared';
import Database from 'better-sqlite3';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../queue-server/src/seed/bootstrap.ts';
import { command, type HallClient, nextEvent, startTestServer, type TestServer } from '../support/server.ts';

/*
 * SPEC AUTH-1 … AUTH-4 over both transports. One server for the file; tests that change
 * the hall (issue, open) use their own windows and categories so they do not disturb others.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** A valid payload for every command (the demo hall: windows w1–w8, categories A–C). */
const VALID: Record<CommandName, unknown> = {
  'hall:configure': {
    config: {
      settings: {
        hallName: 'x',
        utcOffsetMinutes: 480,
        seniorAge: 60,
        bonusSeconds: { regular: 0, senior: 600, appointment: 600, military: 600, disability: 600 },
        policy: { kind: 'virtual-arrival' },
        maxRecalls: 2,
        reinstatePlaces: 3,
        maxReinstates: 2,
        numberDigits: 3,
        openingHours: { open: '08:30', close: '17:00', weekdays: [1, 2, 3, 4, 5] },
        dayCloseAt: '19:00',
        voiceTemplate: '请{号}号到{窗口}号窗口办理',
      },
      categories: [{ id: 'A', prefix: 'A', name: '综合业务', nameEn: 'General' }],
      windows: [],
    },
  },
  'ticket:issue': { categoryId: 'A' },
  'window:open': { windowId: 'w6' },
  'window:close': { windowId: 'w6' },
  'window:pause': { windowId: 'w6', reason: 'lunch' },
  'window:resume': { windowId: 'w6' },
  'ticket:call-next': { windowId: 'w6' },
  'ticket:recall': { windowId: 'w6' },
  'ticket:start': { windowId: 'w6' },
  'ticket:no-show': { windowId: 'w6' },
  'ticket:finish': { windowId: 'w6', outcome: 'completed' },
  'ticket:park': { windowId: 'w6' },
  'ticket:resume': { ticketId: '20261126-A001', windowId: 'w6' },
  'ticket:reinstate': { ticketId: '20261126-A001' },
  'ticket:transfer': { ticketId: '20261126-A001', to: { categoryId: 'B' }, note: '转' },
  'ticket:cancel': { ticketId: '20261126-A001', reason: '离开' },
  'ticket:confirm': { ticketId: '20261126-A001' },
  'ticket:override': { ticketId: '20261126-A001', action: { kind: 'front' }, reason: '预约' },
  'ticket:rate': { ticketId: '20261126-A001', level: 5 },
  'day:close': { reason: '测试' },
  'case:start-review': { caseId: 'SL209901010001' },
  'case:approve': { caseId: 'SL209901010001' },
  'case:request-supplement': { caseId: 'SL209901010001', missingMaterials: ['申请表'] },
  'case:return': { caseId: 'SL209901010001', note: '退回' },
  'case:recheck': { caseId: 'SL209901010001' },
  'case:supplement': { caseId: 'SL209901010001' },
  'case:ready': { caseId: 'SL209901010001' },
  'case:hand-back': { caseId: 'SL209901010001', note: '本人领取' },
};

const seq = () => server.app.service.queue.lastSeq;

function connectError(auth: Record<string, unknown>): Promise<Error> {
  return new Promise((resolve, reject) => {
    const s = connect(server.url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    s.once('connect', () => {
      s.disconnect();
      reject(new Error('connected, expected connect_error'));
    });
    s.once('connect_error', (e) => {
      s.disconnect();
      resolve(e);
    });
  });
}

function disconnected(socket: HallClient, ms = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket still connected')), ms);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

describe('AUTH-1 anonymous senders', () => {
  it('AUTH-1 a socket without token watches the board but every command is UNAUTHENTICATED', async () => {
    const before = seq();
    const anon = connect(server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    const got: string[] = [];
    anon.onAny((ev) => got.push(ev));
    const snap = await nextEvent<PublicSnapshot>(anon as HallClient, 'hall:snapshot');
    expect(snap.windows.length).toBe(8);
    for (const name of COMMAND_NAMES) {
      const ack = await command(anon as HallClient, name, VALID[name]);
      expect(ack.ok, name).toBe(false);
      if (!ack.ok) expect(ack.error.code, name).toBe('UNAUTHENTICATED');
    }
    // It still gets board facts when staff act, and never the staff view.
    const guide = await server.client({ token: await server.login('guide1') });
    const fact = nextEvent(anon as HallClient, 'hall:fact');
    expect((await command(guide, 'ticket:issue', { categoryId: 'C' })).ok).toBe(true);
    await fact;
    expect(got).not.toContain('staff:snapshot');
    expect(got).not.toContain('staff:fact');
    expect(seq()).toBe(before + 1);
    anon.disconnect();
    guide.disconnect();
  });

  it('AUTH-1 a socket offering a bad staff token or device token fails to connect', async () => {
    expect((await connectError({ token: 'not-a-token' })).message).toBe('UNAUTHENTICATED');
    expect((await connectError({ deviceToken: 'not-a-token' })).message).toBe('UNAUTHENTICATED');
    // A staff token offered as a device token is not one.
    expect((await connectError({ deviceToken: await server.login('guide1') })).message).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('AUTH-1 REST without bearer: commands and staff routes answer 401, nothing written', async () => {
    const before = seq();
    for (const name of COMMAND_NAMES) {
      const r = await server.rest('POST', `/api/commands/${name}`, { body: VALID[name] });
      expect(r.status, name).toBe(401);
      expect(r.body.ok === false && r.body.error.code).toBe('UNAUTHENTICATED');
    }
    for (const [method, path] of [
      ['GET', '/api/auth/me'],
      ['POST', '/api/auth/logout'],
      ['GET', '/api/queue/staff'],
      ['GET', '/api/staff'],
      ['POST', '/api/staff'],
      ['PUT', '/api/staff/x/roles'],
      ['GET', '/api/devices'],
      ['POST', '/api/devices/pairing-codes'],
      ['DELETE', '/api/devices/x'],
      ['GET', '/api/audit'],
    ] as const) {
      const body = method === 'GET' ? {} : { body: {} };
      const r = await server.rest(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.body.ok === false && r.body.error.code).toBe('UNAUTHENTICATED');
      // A garbage bearer is no better.
      const g = await server.rest(method, path, { ...body, headers: { authorization: 'Bearer nope' } });
      expect(g.status, `${method} ${path}`).toBe(401);
    }
    expect(seq()).toBe(before);
  });

  it('AUTH-1 login with a wrong password answers 401 with the same message as an unknown user', async () => {
    const wrong = await server.rest('POST', '/api/auth/login', {
      body: { username: 'clerk1', password: 'not-the-password' },
    });
    const unknown = await server.rest('POST', '/api/auth/login', {
      body: { username: 'nobody', password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.ok === false && wrong.body.error.code).toBe('UNAUTHENTICATED');
    const right = await server.rest('POST', '/api/auth/login', {
      body: { username: 'clerk1', password: DEMO_PASSWORD },
    });
    expect(right.status).toBe(200);
  });

  it('AUTH-1 logout invalidates the token for REST and for new sockets', async () => {
    const token = await server.login('guide1');
    expect((await server.rest('GET', '/api/auth/me', { token })).status).toBe(200);
    expect((await server.rest('POST', '/api/auth/logout', { token })).status).toBe(200);
    const me = await server.rest('GET', '/api/auth/me', { token });
    expect(me.status).toBe(401);
    const r = await server.rest('POST', '/api/commands/ticket:issue', { token, body: { categoryId: 'C' } });
    expect(r.status).toBe(401);
    expect((await connectError({ token })).message).toBe('UNAUTHENTICATED');
  });

  it('AUTH-1 logout also ends the sessions sockets opened with that token', async () => {
    const token = await server.login('guide1');
    const socket = await server.client({ token });
    expect((await command(socket, 'ticket:issue', { categoryId: 'C' })).ok).toBe(true);
    const gone = disconnected(socket);
    await server.rest('POST', '/api/auth/logout', { token });
    // The logout itself ends the socket: it stops receiving staff facts at once.
    expect(await gone).toBe('io server disconnect');
    const before = seq();
    const again = connect(server.url, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const err = await new Promise<Error>((resolve) => again.once('connect_error', resolve));
    expect(err.message).toBe('UNAUTHENTICATED');
    again.disconnect();
    expect(seq()).toBe(before);
  });

  it('AUTH-1 SEC-ACC-6 new roles apply to sockets already open: they are dropped and reconnect with the new roles', async () => {
    const admin = await server.login('admin');
    const created = await server.rest<StaffAccount>('POST', '/api/staff', {
      token: admin,
      body: {
        username: 'mover1',
        name: '测试',
        staffNumber: 'T0010',
        roles: ['clerk'],
        password: 'long-enough-1',
      },
    });
    if (!created.body.ok) throw new Error(created.body.error.message);
    const login = await server.rest<{ token: string }>('POST', '/api/auth/login', {
      body: { username: 'mover1', password: 'long-enough-1' },
    });
    if (!login.body.ok) throw new Error(login.body.error.message);
    const socket = await server.client({ token: login.body.data.token });
    const refused = await command(socket, 'ticket:issue', { categoryId: 'C' });
    expect(refused.ok === false && refused.error.code).toBe('FORBIDDEN');
    // SEC-ACC-6: the socket of the old roles is dropped at once; the client reconnects with the new.
    const dropped = nextEvent<string>(socket, 'disconnect');
    const set = await server.rest('PUT', `/api/staff/${created.body.data.id}/roles`, {
      token: admin,
      body: { roles: ['guide'] },
    });
    expect(set.status).toBe(200);
    expect(await dropped).toBe('io server disconnect');
    const again = await server.client({ token: login.body.data.token });
    expect((await command(again, 'ticket:issue', { categoryId: 'C' })).ok).toBe(true);
    again.disconnect();
  });
});

describe('AUTH-1 wrong roles', () => {
  /** The case steps of each back-office post (CASE-2); every other command is refused. */
  const OWN_STEPS: Record<string, CommandName[]> = {
    reviewer1: ['case:start-review', 'case:approve', 'case:request-supplement', 'case:return'],
    supervisor1: ['case:recheck', 'case:return'],
    accountant1: [],
  };
  for (const user of ['reviewer1', 'supervisor1', 'accountant1']) {
    it(`AUTH-1 ${user} gets FORBIDDEN for every queue command and every case step of another post over Socket.IO and REST (403)`, async () => {
      const token = await server.login(user);
      const socket = await server.client({ token });
      const before = seq();
      for (const name of COMMAND_NAMES.filter((n) => !OWN_STEPS[user]!.includes(n))) {
        const ack = await command(socket, name, VALID[name]);
        expect(ack.ok === false && ack.error.code, name).toBe('FORBIDDEN');
        const r = await server.rest('POST', `/api/commands/${name}`, { token, body: VALID[name] });
        expect(r.status, name).toBe(403);
        expect(r.body.ok === false && r.body.error.code, name).toBe('FORBIDDEN');
      }
      expect(seq()).toBe(before);
      socket.disconnect();
    });
  }

  it('AUTH-1 admin routes answer 403 to a guide, a clerk and a manager', async () => {
    for (const user of ['guide1', 'clerk1', 'manager1']) {
      const token = await server.login(user);
      for (const [method, path] of [
        ['GET', '/api/staff'],
        ['POST', '/api/staff'],
        ['PUT', '/api/staff/x/roles'],
        ['GET', '/api/devices'],
        ['POST', '/api/devices/pairing-codes'],
        ['DELETE', '/api/devices/x'],
      ] as const) {
        const r = await server.rest(method, path, method === 'GET' ? { token } : { token, body: {} });
        expect(r.status, `${user} ${method} ${path}`).toBe(403);
        expect(r.body.ok === false && r.body.error.code).toBe('FORBIDDEN');
      }
    }
  });

  it('AUTH-1 the admin may configure but not run the queue; a clerk may not issue (403 over REST)', async () => {
    const admin = await server.login('admin');
    const before = seq();
    const r = await server.rest('POST', '/api/commands/ticket:issue', {
      token: admin,
      body: { categoryId: 'A' },
    });
    expect(r.status).toBe(403);
    const clerk = await server.login('clerk2');
    expect(
      (await server.rest('POST', '/api/commands/ticket:issue', { token: clerk, body: { categoryId: 'A' } }))
        .status,
    ).toBe(403);
    expect(seq()).toBe(before);
  });

  it('AUTH-2 over sockets: clerk2 cannot call at the window clerk3 signed on at; a clerk cannot open a rights window', async () => {
    const c3 = await server.client({ token: await server.login('clerk3') });
    const c2 = await server.client({ token: await server.login('clerk2') });
    expect((await command(c3, 'window:open', { windowId: 'w3' })).ok).toBe(true);
    const before = seq();
    const ack = await command(c2, 'ticket:call-next', { windowId: 'w3' });
    expect(ack.ok === false && ack.error.code).toBe('FORBIDDEN');
    const rights = await command(c2, 'window:open', { windowId: 'w7' });
    expect(rights.ok === false && rights.error.code).toBe('FORBIDDEN');
    expect((await command(c2, 'window:open', { windowId: 'w2' })).ok).toBe(true);
    const second = await command(c2, 'window:open', { windowId: 'w4' });
    expect(second.ok === false && second.error.code).toBe('CONFLICT');
    expect(seq()).toBe(before + 1);
    c3.disconnect();
    c2.disconnect();
  });
});

describe('RAT-2 ratings over both transports', () => {
  it('RAT-2 only the pad of the window that served rates (REST and Socket.IO); the clerk and a manager may not', async () => {
    // w8 (bulk, category B) is used by no other test of this file.
    const clerk = await server.client({ token: await server.login('clerk5') });
    const guide = await server.client({ token: await server.login('guide1') });
    expect((await command(clerk, 'window:open', { windowId: 'w8' })).ok).toBe(true);
    const issued = await command<CommandResult>(guide, 'ticket:issue', { categoryId: 'B' });
    const ev = issued.ok ? issued.data.facts[0] : undefined;
    const ticketId = ev?.type === 'ticket:issued' ? ev.ticket.id : '';
    for (const name of ['ticket:call-next', 'ticket:start'] as const)
      expect((await command(clerk, name, { windowId: 'w8' })).ok, name).toBe(true);
    expect((await command(clerk, 'ticket:finish', { windowId: 'w8', outcome: 'completed' })).ok).toBe(true);

    const before = seq();
    const body = { ticketId, level: 1, reasons: ['attitude'] };
    const clerkToken = await server.login('clerk5');
    const manager = await server.login('manager1');
    for (const token of [clerkToken, manager]) {
      const r = await server.rest('POST', '/api/commands/ticket:rate', { token, body });
      expect(r.status).toBe(403);
      expect(r.body.ok === false && r.body.error.code).toBe('FORBIDDEN');
    }
    const byClerk = await command(clerk, 'ticket:rate', body);
    expect(byClerk.ok === false && byClerk.error.code).toBe('FORBIDDEN');
    const otherPad = await server.pairDevice('rating-pad', 'w5');
    const wrong = await server.rest('POST', '/api/commands/ticket:rate', { deviceToken: otherPad, body });
    expect(wrong.status).toBe(403);
    const board = await server.pairDevice('board', 'w8');
    expect(
      (await server.rest('POST', '/api/commands/ticket:rate', { deviceToken: board, body })).status,
    ).toBe(403);
    expect(seq()).toBe(before);

    const pad = await server.pairDevice('rating-pad', 'w8');
    const r = await server.rest<CommandResult>('POST', '/api/commands/ticket:rate', {
      deviceToken: pad,
      body,
    });
    expect(r.status).toBe(201);
    expect(r.body.ok && r.body.data.facts[0]).toMatchObject({
      type: 'ticket:rated',
      ticketId,
      windowId: 'w8',
      level: 1,
      channel: 'pad',
    });
    const padSocket = await server.client({ deviceToken: pad });
    const again = await command(padSocket, 'ticket:rate', { ticketId, level: 5 });
    expect(again.ok === false && again.error.code).toBe('ALREADY_RATED');
    // The rating and its follow-up's opened fact (a level-1 rating, FUP-5), nothing more.
    expect(r.body.ok && r.body.data.facts.map((f) => f.type)).toEqual(['ticket:rated', 'follow-up:opened']);
    expect(seq()).toBe(before + 2);
    for (const s of [clerk, guide, padSocket]) s.disconnect();
  });
});

describe('AUTH-4 device pairing and revocation', () => {
  async function pairingCode(admin: string, kind = 'kiosk'): Promise<string> {
    const r = await server.rest<{ code: string }>('POST', '/api/devices/pairing-codes', {
      token: admin,
      body: { kind, name: `auth test ${kind}` },
    });
    expect(r.status).toBe(201);
    if (!r.body.ok) throw new Error(r.body.error.message);
    expect(r.body.data.code).toMatch(/^\d{8}$/);
    return r.body.data.code;
  }

  it('AUTH-4 a pairing code works once; the second use is refused', async () => {
    const admin = await server.login('admin');
    const code = await pairingCode(admin);
    const first = await server.rest<{ deviceToken: string }>('POST', '/api/devices/pair', { body: { code } });
    expect(first.status).toBe(201);
    const second = await server.rest('POST', '/api/devices/pair', { body: { code } });
    expect(second.status).toBe(401);
    expect(second.body.ok === false && second.body.error.code).toBe('UNAUTHENTICATED');
    const never = await server.rest('POST', '/api/devices/pair', { body: { code: '00000000' } });
    expect(never.status).toBe(401);
  });

  it('AUTH-4 an expired pairing code (16 minutes later) is refused', async () => {
    const admin = await server.login('admin');
    const code = await pairingCode(admin);
    server.clock.advance(16 * 60 * 1000);
    try {
      const r = await server.rest('POST', '/api/devices/pair', { body: { code } });
      expect(r.status).toBe(401);
      expect(r.body.ok === false && r.body.error.message).toMatch(/expired/);
    } finally {
      server.clock.advance(-16 * 60 * 1000);
    }
  });

  it('AUTH-4 a kiosk token issues tickets (socket and REST); revoke disconnects its socket and kills the token', async () => {
    const admin = await server.login('admin');
    const deviceToken = await server.pairDevice('kiosk');
    const kiosk = await server.client({ deviceToken });
    const ack = await command<CommandResult>(kiosk, 'ticket:issue', { categoryId: 'C' });
    expect(ack.ok).toBe(true);
    const viaRest = await server.rest('POST', '/api/commands/ticket:issue', {
      deviceToken,
      body: { categoryId: 'C' },
    });
    expect(viaRest.status).toBe(201);
    // The kiosk may not decide a class, and may not call.
    const cls = await command(kiosk, 'ticket:issue', {
      categoryId: 'C',
      priorityClass: 'senior',
      reason: 'x',
    });
    expect(cls.ok === false && cls.error.code).toBe('FORBIDDEN');
    const call = await command(kiosk, 'ticket:call-next', { windowId: 'w7' });
    expect(call.ok === false && call.error.code).toBe('FORBIDDEN');

    const devices = await server.rest<{ id: string; kind: string; revokedAt: number | null }[]>(
      'GET',
      '/api/devices',
      { token: admin },
    );
    expect(devices.body.ok).toBe(true);
    if (!devices.body.ok) return;
    // The device is the newest kiosk: find it by its token working before revocation.
    const id = devices.body.data.filter((d) => d.kind === 'kiosk' && d.revokedAt === null).at(-1)!.id;
    const gone = disconnected(kiosk);
    const revoked = await server.rest('DELETE', `/api/devices/${id}`, { token: admin });
    expect(revoked.status).toBe(200);
    expect(await gone).toBe('io server disconnect');

    const before = seq();
    const after = await server.rest('POST', '/api/commands/ticket:issue', {
      deviceToken,
      body: { categoryId: 'C' },
    });
    expect(after.status).toBe(401);
    expect((await connectError({ deviceToken })).message).toBe('UNAUTHENTICATED');
    expect(seq()).toBe(before);
    // Revoking twice: nothing left to revoke.
    expect((await server.rest('DELETE', `/api/devices/${id}`, { token: admin })).status).toBe(404);
  });

  it('AUTH-4 tokens, pairing codes and passwords are stored only as hashes', async () => {
    const token = await server.login('clerk4');
    const admin = await server.login('admin');
    const code = await pairingCode(admin, 'board');
    const paired = await server.rest<{ deviceToken: string }>('POST', '/api/devices/pair', {
      body: { code },
    });
    if (!paired.body.ok) throw new Error('pairing failed');
    const deviceToken = paired.body.data.deviceToken;
    const db = new Database(server.dbPath, { readonly: true });
    try {
      const tables = (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
      )
        .map((t) => t.name)
        .filter((n) => !n.startsWith('sqlite_'));
      const dump = tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all())).join('\n');
      for (const secret of [token, admin, deviceToken, code, DEMO_PASSWORD])
        expect(dump.includes(secret), `a stored copy of ${secret.slice(0, 4)}…`).toBe(false);
      expect(dump).toMatch(/scrypt\$/);
    } finally {
      db.close();
    }
  });
});

describe('AUTH-3 incompatible duties at the API', () => {
  const newStaff = (username: string, roles: string[]) => ({
    username,
    name: '测试',
    staffNumber: 'T0009',
    roles,
    password: 'long-enough-1',
  });

  it('AUTH-3 creating staff with incompatible roles answers 409 DUTY_CONFLICT and creates nothing', async () => {
    const admin = await server.login('admin');
    const list = async () => {
      const r = await server.rest<StaffAccount[]>('GET', '/api/staff', { token: admin });
      return r.body.ok ? r.body.data.map((s) => s.username) : [];
    };
    const before = await list();
    const audit = async () => {
      const r = await server.rest<{ action: string }[]>('GET', '/api/audit', { token: admin });
      return r.body.ok ? r.body.data.length : -1;
    };
    const auditBefore = await audit();
    for (const [i, roles] of [
      ['admin', 'manager'],
      ['reviewer', 'review-supervisor'],
      ['accountant', 'clerk'],
      ['accountant', 'rights-clerk'],
      ['accountant', 'reviewer'],
    ].entries()) {
      const r = await server.rest('POST', '/api/staff', { token: admin, body: newStaff(`dual${i}`, roles) });
      expect(r.status, roles.join('+')).toBe(409);
      expect(r.body.ok === false && r.body.error.code).toBe('DUTY_CONFLICT');
      const login = await server.rest('POST', '/api/auth/login', {
        body: { username: `dual${i}`, password: 'long-enough-1' },
      });
      expect(login.status).toBe(401);
    }
    expect(await list()).toEqual(before);
    expect(await audit()).toBe(auditBefore);

    // Setting incompatible roles on an existing account is refused the same way.
    const accounts = await server.rest<StaffAccount[]>('GET', '/api/staff', { token: admin });
    const clerk6 = accounts.body.ok ? accounts.body.data.find((s) => s.username === 'clerk6')! : null;
    const set = await server.rest('PUT', `/api/staff/${clerk6!.id}/roles`, {
      token: admin,
      body: { roles: ['clerk', 'accountant'] },
    });
    expect(set.status).toBe(409);
    expect(set.body.ok === false && set.body.error.code).toBe('DUTY_CONFLICT');
    const me = await server.rest<StaffAccount>('GET', '/api/auth/me', {
      token: await server.login('clerk6'),
    });
    expect(me.body.ok && me.body.data.roles).toEqual(['clerk']);
  });

  it('AUTH-4 the admin audit trail lists staff:create, device:pairing-code, device:paired, device:revoke', async () => {
    const admin = await server.login('admin');
    const created = await server.rest<StaffAccount>('POST', '/api/staff', {
      token: admin,
      body: newStaff('audited1', ['guide', 'clerk']),
    });
    expect(created.status).toBe(201);
    const deviceToken = await server.pairDevice('rating-pad', 'w1');
    const devices = await server.rest<{ id: string; kind: string }[]>('GET', '/api/devices', {
      token: admin,
    });
    const pad = devices.body.ok ? devices.body.data.filter((d) => d.kind === 'rating-pad').at(-1)! : null;
    expect((await server.rest('DELETE', `/api/devices/${pad!.id}`, { token: admin })).status).toBe(200);
    expect(deviceToken).toMatch(/^[\w-]{40,}$/);

    const r = await server.rest<{ actor: string; action: string; target: string | null; detail: unknown }[]>(
      'GET',
      '/api/audit',
      { token: admin },
    );
    expect(r.status).toBe(200);
    if (!r.body.ok) return;
    const rows = r.body.data;
    const adminId = (await server.rest<StaffAccount>('GET', '/api/auth/me', { token: admin })).body;
    const me = adminId.ok ? adminId.data.id : '';
    expect(rows).toContainEqual(
      expect.objectContaining({
        action: 'staff:create',
        actor: me,
        target: created.body.ok ? created.body.data.id : '',
      }),
    );
    expect(rows).toContainEqual(expect.objectContaining({ action: 'device:pairing-code', actor: me }));
    expect(rows).toContainEqual(expect.objectContaining({ action: 'device:paired', target: pad!.id }));
    expect(rows).toContainEqual(
      expect.objectContaining({ action: 'device:revoke', actor: me, target: pad!.id }),
    );
    // No secret lands in the audit trail.
    expect(JSON.stringify(rows)).not.toContain('long-enough-1');
    expect(JSON.stringify(rows)).not.toContain(deviceToken);
    // Non-admins other than the manager may not read it.
    const guide = await server.login('guide1');
    expect((await server.rest('GET', '/api/audit', { token: guide })).status).toBe(403);
  });
});

describe('AUTH-4 logout and guessing', () => {
  it('limits failed logins per name: the 11th wrong password in 15 minutes is RATE_LIMITED', async () => {
    const server = await startTestServer();
    try {
      const codes: number[] = [];
      for (let i = 0; i < 11; i++)
        codes.push(
          (
            await server.rest('POST', '/api/auth/login', {
              body: { username: 'clerk3', password: `x${i}xxxxxx` },
            })
          ).status,
        );
      expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
      const last = await server.rest('POST', '/api/auth/login', {
        body: { username: 'clerk3', password: DEMO_PASSWORD },
      });
      expect(last.status).toBe(429);
      expect(last.body.ok ? '' : last.body.error.code).toBe('RATE_LIMITED');
      // Another name from the same client is not locked out.
      expect(await server.login('clerk4')).toMatch(/.{20,}/);
    } finally {
      await server.close();
    }
  });
});
