/**
 * Online booking, 网上填单 and the online pre-check over REST (issue #17 part 2, SPEC MOB-*):
 * a real server on port 0 with a demo hall; citizens signed in through tests/support/citizen.ts.
 */
import type {
  ApplicationView,
  BookingConfig,
  FreeSlot,
  KioskIssueResult,
  NoticeView,
  OnlineBookingView,
  OnlineDraftView,
  PrecheckItem,
  Ticket,
} from '@onewindow/shared';
import { validateForm } from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idBornOn } from '../../queue-server/src/domain/test-factory.ts';
import { peekDb } from '../../queue-server/src/store/testing.ts';
import { signInCitizen } from '../support/citizen.ts';
import { startSmsc, type TestSmsc } from '../support/phone.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const MIN = 60_000;
/** An item of category A with a kiosk form (the need-to-know suite's). */
const ITEM = '512B0070200003';
const ID = '34052419800101001X';
const PHONE = '13812345678';
const FORM = { name: '张三丰', idNumber: ID, sex: '男', phone: PHONE, bank: 'ICBC', delivery: 'window' };
/** Beijing time on the test's Thursday 2026-11-26 (T0 is 09:00). */
const at = (hhmm: string, day = '2026-11-26') => Date.parse(`${day}T${hhmm}:00+08:00`);

const CONFIG: BookingConfig = {
  enabled: true,
  daysAhead: 2,
  minLeadMinutes: 30,
  cancelBeforeMinutes: 120,
  reminderMinutesBefore: 24 * 60,
  noShow: { limit: 2, periodDays: 30, banDays: 7 },
  lines: [{ categoryId: 'A', itemCode: null, from: '09:00', to: '12:00', capacity: 1 }],
};

let smsc: TestSmsc;
let server: TestServer;
let admin: string;

beforeEach(async () => {
  smsc = await startSmsc();
  // The race signs fifty citizens in from one address: the per-address limits stay out of it.
  server = await startTestServer({ sms: smsc.sms, rateLimit: false });
  admin = await server.login('admin');
});
afterEach(async () => {
  await server.close();
  await smsc.close();
});

/** A citizen signed in with the SMS code and their ID number: the headers their phone sends. */
let phones = 0;
const sign = async (idNumber: string, phone?: string) =>
  (await signInCitizen(server, smsc, idNumber, phone ?? `1370000${String(++phones).padStart(4, '0')}`))
    .headers;

async function configure(over: Partial<BookingConfig> = {}) {
  const r = await server.rest<BookingConfig>('PUT', '/api/booking/config', {
    token: admin,
    body: { ...CONFIG, ...over },
  });
  expect(r.status).toBe(200);
}

const book = (headers: Record<string, string>, slotStart: number, key?: string) =>
  server.rest<OnlineBookingView>('POST', '/api/m/bookings', {
    headers: { ...headers, ...(key !== undefined ? { 'idempotency-key': key } : {}) },
    body: { itemCode: ITEM, slotStart },
  });

const messageZh = (b: { ok: boolean; error?: { messageZh?: string } }) => (b.ok ? null : b.error?.messageZh);

describe('online booking (SPEC MOB-BOOK-*)', () => {
  it('MOB-BOOK-1 the admin sets capacity as a fact; others may not; a line naming no category is refused', async () => {
    const manager = await server.login('manager1');
    expect((await server.rest('PUT', '/api/booking/config', { token: manager, body: CONFIG })).status).toBe(
      403,
    );
    const bad = await server.rest('PUT', '/api/booking/config', {
      token: admin,
      body: { ...CONFIG, lines: [{ ...CONFIG.lines[0], categoryId: 'Z' }] },
    });
    expect(bad.status).toBe(400);
    expect(!bad.body.ok && bad.body.error.issues?.[0]?.path).toBe('lines.0.categoryId');
    await configure();
    const facts = peekDb(server.dbPath, (db) =>
      db.prepare(`SELECT body FROM events WHERE type = 'booking:configured'`).all(),
    ) as { body: string }[];
    expect(facts).toHaveLength(1);
    expect(JSON.parse(facts[0]!.body).config.lines).toEqual(CONFIG.lines);
  });

  it('MOB-BOOK-2 free slots: half hours inside opening hours on today and the next working days, after the lead time', async () => {
    await configure();
    const r = await server.rest<{ slots: FreeSlot[] }>('GET', `/api/m/booking/slots?itemCode=${ITEM}`);
    expect(r.status).toBe(200);
    if (!r.body.ok) throw new Error('no slots');
    const days = [...new Set(r.body.data.slots.map((s) => s.day))];
    // Thursday, Friday and (over the weekend) Monday.
    expect(days).toEqual(['2026-11-26', '2026-11-27', '2026-11-30']);
    const today = r.body.data.slots.filter((s) => s.day === '2026-11-26');
    // 09:00 is inside the 30-minute lead time: the first slot today is 09:30; the last 11:30.
    expect(today.map((s) => s.start)).toEqual(
      ['09:30', '10:00', '10:30', '11:00', '11:30'].map((h) => at(h)),
    );
    expect(today.every((s) => s.capacity === 1 && s.free === 1 && s.end - s.start === 30 * MIN)).toBe(true);
  });

  it('MOB-BOOK-3 50 citizens race for the last place: exactly one wins, the others hear it is full in Chinese', async () => {
    await configure();
    const slot = at('10:00');
    const racers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sign(idBornOn('19800101', String(100 + i)))),
    );
    const rs = await Promise.all(racers.map((c) => book(c, slot)));
    const won = rs.filter((r) => r.status === 201);
    expect(won).toHaveLength(1);
    const lost = rs.filter((r) => r.status !== 201);
    expect(lost.every((r) => r.status === 409)).toBe(true);
    expect(lost.every((r) => /时段已约满/.test(messageZh(r.body) ?? ''))).toBe(true);
    const rows = peekDb(server.dbPath, (db) =>
      db
        .prepare(`SELECT COUNT(*) AS n FROM appointments WHERE source = 'online' AND slot_start = ?`)
        .get(slot),
    ) as { n: number };
    expect(rows.n).toBe(1);
    const free = await server.rest<{ slots: FreeSlot[] }>('GET', `/api/m/booking/slots?itemCode=${ITEM}`);
    expect(free.body.ok && free.body.data.slots.find((s) => s.start === slot)?.free).toBe(0);
  });

  it('MOB-BOOK-4 one booking per person per day; a retry with the key is the same booking; unsigned is 401', async () => {
    await configure({
      lines: [{ categoryId: 'A', itemCode: null, from: '09:00', to: '12:00', capacity: 5 }],
    });
    expect((await book({}, at('10:00'))).status).toBe(401);
    const me = await sign(ID, PHONE);
    const first = await book(me, at('10:00'), 'k1');
    expect(first.status).toBe(201);
    const again = await book(me, at('10:00'), 'k1');
    expect(again.status).toBe(201);
    expect(again.body.ok && first.body.ok && again.body.data.bookingCode).toBe(
      first.body.ok && first.body.data.bookingCode,
    );
    const second = await book(me, at('11:00'), 'k2');
    expect(second.status).toBe(409);
    expect(messageZh(second.body)).toMatch(/每人每天只能预约一次/);
    expect((await book(me, at('10:00', '2026-11-27'), 'k3')).status).toBe(201);
    const mine = await server.rest<OnlineBookingView[]>('GET', '/api/m/bookings', { headers: me });
    expect(mine.body.ok && mine.body.data.map((b) => b.businessDay).sort()).toEqual([
      '2026-11-26',
      '2026-11-27',
    ]);
  });

  it('MOB-BOOK-5 cancellation until the cut-off before the slot; refused after, in Chinese with the time', async () => {
    await configure();
    const me = await sign(ID, PHONE);
    const early = await book(me, at('11:30'));
    const code = early.body.ok ? early.body.data.bookingCode : '';
    const ok = await server.rest<OnlineBookingView>('POST', `/api/m/bookings/${code}/cancel`, {
      headers: me,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.ok && ok.body.data.status).toBe('cancelled');
    // The place is free again; the same citizen books 11:00 (cut-off 09:00) and is a minute late to cancel.
    const late = await book(me, at('11:00'));
    expect(late.status).toBe(201);
    server.clock.advance(1 * MIN);
    const refused = await server.rest(
      'POST',
      `/api/m/bookings/${late.body.ok && late.body.data.bookingCode}/cancel`,
      {
        headers: me,
      },
    );
    expect(refused.status).toBe(409);
    expect(messageZh(refused.body)).toMatch(/2 小时内不能取消（截止 09:00）/);
    // Nobody else cancels it.
    const other = await sign(idBornOn('19900505', '022'));
    expect((await server.rest('POST', `/api/m/bookings/${code}/cancel`, { headers: other })).status).toBe(
      404,
    );
  });

  it('MOB-BOOK-3 a booking checks in at the kiosk by code exactly as an imported one: an appointment ticket', async () => {
    await configure();
    const me = await sign(ID, PHONE);
    const b = await book(me, at('10:00'));
    const code = b.body.ok ? b.body.data.bookingCode : '';
    const kiosk = await server.pairDevice('kiosk');
    const tooEarly = await server.rest('POST', '/api/kiosk/check-in', {
      deviceToken: kiosk,
      body: { bookingCode: code, print: false },
    });
    expect(!tooEarly.body.ok && tooEarly.body.error.code).toBe('APPOINTMENT_TOO_EARLY');
    server.clock.t = at('09:40');
    const r = await server.rest<KioskIssueResult>('POST', '/api/kiosk/check-in', {
      deviceToken: kiosk,
      body: { bookingCode: code, print: false },
    });
    expect(r.status).toBeLessThan(300);
    const ticketId = r.body.ok ? r.body.data.ticket.id : '';
    const t = server.app.service.queue.ticket(ticketId) as Ticket;
    expect(t).toMatchObject({ priorityClass: 'appointment', source: 'appointment', categoryId: 'A' });
    const [row] = peekDb(server.dbPath, (db) =>
      db.prepare(`SELECT status, ticket_id AS ticketId FROM appointments WHERE booking_code = ?`).all(code),
    ) as { status: string; ticketId: string }[];
    expect(row).toEqual({ status: 'checked-in', ticketId });
    // By ID number too (the same holder reference as the phone's).
    const again = await server.rest('POST', '/api/kiosk/check-in', {
      deviceToken: kiosk,
      body: { idNumber: ID, print: false },
    });
    expect(again.status).toBeLessThan(300);
  });

  it('MOB-BOOK-6 not checked in by the end of the window is a no-show (a fact); enough of them bar booking until a day', async () => {
    await configure({ noShow: { limit: 1, periodDays: 30, banDays: 7 } });
    const me = await sign(ID, PHONE);
    const b = await book(me, at('09:30'));
    const code = b.body.ok ? b.body.data.bookingCode : '';
    server.clock.t = at('10:15'); // the window closes 15 minutes after the slot: 10:15 is still inside
    server.app.runDueDayCloses();
    expect(
      peekDb(server.dbPath, (db) =>
        db.prepare(`SELECT status FROM appointments WHERE booking_code = ?`).get(code),
      ),
    ).toEqual({
      status: 'booked',
    });
    server.clock.t = at('10:16');
    server.app.runDueDayCloses();
    server.app.runDueDayCloses();
    const facts = peekDb(server.dbPath, (db) =>
      db.prepare(`SELECT body FROM events WHERE type = 'booking:no-shows'`).all(),
    ) as { body: string }[];
    expect(facts.map((f) => JSON.parse(f.body).bookingCodes)).toEqual([[code]]);
    // An hour on, the phone's session has idled out (MOB-AUTH): the citizen signs in again.
    const refused = await book(await sign(ID, PHONE), at('10:00', '2026-11-27'));
    expect(refused.status).toBe(403);
    expect(messageZh(refused.body)).toMatch(/2026-12-03 前不能网上预约/);
    // Someone else still books.
    expect((await book(await sign(idBornOn('19900505', '022')), at('10:00', '2026-11-27'))).status).toBe(201);
  });

  it('MOB-BOOK-7 a reminder notice is written once, in the unit of its fact, however often the timer runs', async () => {
    await configure();
    const me = await sign(ID, PHONE);
    const b = await book(me, at('10:00', '2026-11-27'));
    const code = b.body.ok ? b.body.data.bookingCode : '';
    // Booked today at 11:00 for 10:00 tomorrow: no reminder yet at 09:59 today.
    server.clock.t = at('09:59');
    server.app.runDueDayCloses();
    const manager = await server.login('manager1');
    const list = async () =>
      (await server.rest<NoticeView[]>('GET', '/api/notices', { token: manager })).body;
    let notices = await list();
    expect(notices.ok && notices.data.filter((n) => n.templateId === 'booking-reminder')).toEqual([]);
    server.clock.t = at('10:00');
    server.app.runDueDayCloses();
    server.clock.t = at('10:05');
    server.app.runDueDayCloses();
    notices = await list();
    const reminders = notices.ok ? notices.data.filter((n) => n.templateId === 'booking-reminder') : [];
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({
      id: `booking-reminder:${code}`,
      phoneMasked: '138****5678',
      params: { bookingCode: code, slot: '11月27日10:00–10:30' },
    });
    const seqs = peekDb(server.dbPath, (db) =>
      db
        .prepare(
          `SELECT e.seq AS seq, n.fact_seq AS factSeq FROM events e JOIN notices n ON n.fact_seq = e.seq WHERE e.type = 'booking:reminded'`,
        )
        .all(),
    ) as { seq: number; factSeq: number }[];
    expect(seqs).toHaveLength(1);
    // And it reaches the operator (the hall's real SMPP gateway, the test SMSC), once, in words.
    await expect
      .poll(() => smsc.operator.received.filter((m) => m.text.includes(code)), { timeout: 8000 })
      .toHaveLength(1);
    const sms = smsc.operator.received.find((m) => m.text.includes(code))!;
    expect(sms.to).toBe(PHONE);
    expect(sms.text).toContain('11月27日10:00–10:30');
  });
});

describe('网上填单 and the online pre-check (SPEC MOB-FORM-*, MOB-PRE-*)', () => {
  const submit = (headers: Record<string, string>, form: Record<string, string>) =>
    server.rest<OnlineDraftView>('POST', '/api/m/drafts', { headers, body: { itemCode: ITEM, form } });

  it('MOB-FORM-1 the same validateForm as the kiosk: the same issues for the same answers; the ID must be the citizen’s', async () => {
    const me = await sign(ID, PHONE);
    const bad = { ...FORM, phone: '12345' };
    const r = await submit(me, bad);
    expect(r.status).toBe(400);
    const item = server.app.hall.catalog.items().find((i) => i.code === ITEM)!;
    const expected = validateForm(item.form!, bad, '2026-11-26').map((i) => `form.${i.key}:${i.messageZh}`);
    expect(!r.body.ok && r.body.error.issues?.map((i) => `${i.path}:${i.messageZh}`)).toEqual(expected);
    const other = await submit(await sign(idBornOn('19900505', '022')), FORM);
    expect(!other.body.ok && other.body.error.messageZh).toMatch(/证件号码与登录时核验的不一致/);
    expect((await submit({}, FORM)).status).toBe(401);
    const ok = await submit(me, FORM);
    expect(ok.status).toBe(201);
    expect(ok.body.ok && ok.body.data).toMatchObject({ precheck: 'none', taken: false });
    expect(ok.body.ok && ok.body.data.code).toMatch(/^W[A-Z2-9]{7}$/);
    // Sealed at rest: the name is not in the database file's row.
    const raw = peekDb(server.dbPath, (db) => db.prepare('SELECT body FROM online_drafts').get()) as {
      body: string;
    };
    expect(raw.body).not.toContain('张三丰');
  });

  it('MOB-FORM-3 the clerk serving the citizen opens it by code (a read trail row); it becomes the ticket’s form', async () => {
    const me = await sign(ID, PHONE);
    const d = await submit(me, FORM);
    const code = d.body.ok ? d.body.data.code : '';
    const clerk = await server.login('clerk1');
    const byCode = () =>
      server.rest<ApplicationView>('GET', `/api/applications/by-code/${code}`, { token: clerk });
    expect((await byCode()).status).toBe(403); // not serving anyone
    const kiosk = await server.pairDevice('kiosk');
    const t = await server.rest<KioskIssueResult>('POST', '/api/kiosk/tickets', {
      deviceToken: kiosk,
      body: { itemCode: ITEM, idNumber: ID, print: false },
    });
    const ticketId = t.body.ok ? t.body.data.ticket.id : '';
    await server.rest('POST', '/api/commands/window:open', { token: clerk, body: { windowId: 'w1' } });
    await server.rest('POST', '/api/commands/ticket:call-next', { token: clerk, body: { windowId: 'w1' } });
    // Another person's form is not this ticket's.
    const stranger = await submit(await sign(idBornOn('19900505', '022')), {
      ...FORM,
      idNumber: idBornOn('19900505', '022'),
    });
    const foreign = await server.rest(
      'GET',
      `/api/applications/by-code/${stranger.body.ok && stranger.body.data.code}`,
      {
        token: clerk,
      },
    );
    expect(foreign.status).toBe(409);
    const r = await byCode();
    expect(r.status).toBe(200);
    expect(r.body.ok && r.body.data).toMatchObject({
      ticketId,
      source: 'online',
      code,
      values: { name: '张三丰' },
    });
    const trail = peekDb(server.dbPath, (db) =>
      db.prepare(`SELECT subject, ticket_id AS ticketId, purpose FROM pii_reads`).all(),
    );
    expect(trail).toEqual([{ subject: 'application', ticketId, purpose: 'serving' }]);
    const facts = peekDb(server.dbPath, (db) =>
      db.prepare(`SELECT body FROM events WHERE type = 'application:submitted'`).all(),
    ) as { body: string }[];
    expect(facts.map((f) => JSON.parse(f.body))).toEqual([
      expect.objectContaining({ code, ticketId, source: 'online', deviceId: null }),
    ]);
    // Taken up once: the ticket's form list shows it, and the phone says it was taken.
    const forms = await server.rest<ApplicationView[]>('GET', `/api/applications?ticketId=${ticketId}`, {
      token: clerk,
    });
    expect(forms.body.ok && forms.body.data.map((a) => a.code)).toEqual([code]);
    const mine = await server.rest<OnlineDraftView[]>('GET', '/api/m/drafts', { headers: me });
    expect(mine.body.ok && mine.body.data[0]?.taken).toBe(true);
  });

  it('MOB-FORM-4 at acceptance the online form is its checklist material, present from the phone', async () => {
    const FORM_TITLE = '社会保障卡申领登记表';
    const item = server.app.hall.catalog.items().find((i) => i.code === ITEM)!;
    expect(item.form?.title).toBe(FORM_TITLE);
    const guide = item.guide!;
    const put = await server.rest('PUT', `/api/catalog/items/${ITEM}`, {
      token: admin,
      body: {
        ...item,
        guide: {
          ...guide,
          materials: [...guide.materials, { name: FORM_TITLE, form: '原件', copies: 1, required: true }],
        },
      },
    });
    expect(put.status).toBe(200);
    const d = await submit(await sign(ID, PHONE), FORM);
    const code = d.body.ok ? d.body.data.code : '';
    const kiosk = await server.pairDevice('kiosk');
    await server.rest('POST', '/api/kiosk/tickets', {
      deviceToken: kiosk,
      body: { itemCode: ITEM, idNumber: ID, print: false },
    });
    const clerk = await server.login('clerk1');
    await server.rest('POST', '/api/commands/window:open', { token: clerk, body: { windowId: 'w1' } });
    await server.rest('POST', '/api/commands/ticket:call-next', { token: clerk, body: { windowId: 'w1' } });
    await server.rest('POST', '/api/commands/ticket:start', { token: clerk, body: { windowId: 'w1' } });
    expect((await server.rest('GET', `/api/applications/by-code/${code}`, { token: clerk })).status).toBe(
      200,
    );
    const ticketId = server.app.service.queue.window('w1')!.ticketId!;
    const slip = await server.rest<{ case: { id: string } | null }>('POST', '/api/slips', {
      token: clerk,
      body: { ticketId, kind: 'acceptance', applicantName: '张三丰', contactPhone: PHONE, print: false },
    });
    const caseId = slip.body.ok ? slip.body.data.case!.id : '';
    const c = await server.rest<{ materials: { name: string; status: string; source: string | null }[] }>(
      'GET',
      `/api/cases/${caseId}`,
      { token: clerk },
    );
    expect(c.body.ok && c.body.data.materials.find((m) => m.name === FORM_TITLE)).toMatchObject({
      status: 'present',
      source: 'online',
    });
  });

  it('MOB-PRE-1..4 a high-risk item waits for the reviewer, who returns it with reasons; the citizen and the window see it', async () => {
    const item = server.app.hall.catalog.items().find((i) => i.code === ITEM)!;
    const put = await server.rest('PUT', `/api/catalog/items/${ITEM}`, {
      token: admin,
      body: { ...item, precheck: true },
    });
    expect(put.status).toBe(200);
    const me = await sign(ID, PHONE);
    const d = await submit(me, FORM);
    expect(d.body.ok && d.body.data.precheck).toBe('pending');
    const id = d.body.ok ? d.body.data.id : '';
    const reviewer = await server.login('reviewer1');
    const clerk = await server.login('clerk1');
    expect((await server.rest('GET', '/api/prechecks', { token: clerk })).status).toBe(403);
    const list = await server.rest<PrecheckItem[]>('GET', '/api/prechecks', { token: reviewer });
    expect(list.body.ok && list.body.data.map((x) => [x.id, 'fields' in x])).toEqual([[id, false]]);
    const one = await server.rest<PrecheckItem>('GET', `/api/prechecks/${id}`, { token: reviewer });
    expect(one.body.ok && one.body.data.fields.find((f) => f.key === 'name')?.value).toBe('张三丰');
    const withId = await server.rest('POST', `/api/prechecks/${id}`, {
      token: reviewer,
      body: { outcome: 'returned', reasons: [`证件 ${ID} 不清晰`] },
    });
    expect(withId.status).toBe(400);
    const returned = await server.rest<PrecheckItem>('POST', `/api/prechecks/${id}`, {
      token: reviewer,
      body: { outcome: 'returned', reasons: ['银行账户信息不完整'] },
    });
    expect(returned.status).toBe(200);
    expect(
      (await server.rest('POST', `/api/prechecks/${id}`, { token: reviewer, body: { outcome: 'passed' } }))
        .status,
    ).toBe(409);
    const mine = await server.rest<OnlineDraftView[]>('GET', '/api/m/drafts', { headers: me });
    expect(mine.body.ok && mine.body.data[0]).toMatchObject({
      precheck: 'returned',
      reasons: ['银行账户信息不完整'],
    });
    const notices = peekDb(server.dbPath, (db) =>
      db.prepare(`SELECT id, params FROM notices WHERE template_id = 'precheck-result'`).all(),
    ) as { id: string; params: string }[];
    expect(notices.map((n) => n.id)).toEqual([`precheck-result:${id}`]);
    expect(notices[0]!.params).not.toContain('银行账户'); // reasons stay on the phone
    const draftCode = d.body.ok ? d.body.data.code : '';
    await expect
      .poll(() => smsc.operator.received.filter((m) => m.text.includes(draftCode)), { timeout: 8000 })
      .toHaveLength(1);
    expect(smsc.operator.received.find((m) => m.text.includes(draftCode))!.text).toContain('未通过预审');
    const reads = peekDb(server.dbPath, (db) => db.prepare(`SELECT subject, purpose FROM pii_reads`).all());
    expect(reads).toEqual([{ subject: 'online-draft', purpose: 'precheck' }]);
    // The window opening it sees the pre-check plainly.
    const kiosk = await server.pairDevice('kiosk');
    await server.rest('POST', '/api/kiosk/tickets', {
      deviceToken: kiosk,
      body: { itemCode: ITEM, idNumber: ID, print: false },
    });
    await server.rest('POST', '/api/commands/window:open', { token: clerk, body: { windowId: 'w1' } });
    await server.rest('POST', '/api/commands/ticket:call-next', { token: clerk, body: { windowId: 'w1' } });
    const code = d.body.ok ? d.body.data.code : '';
    const opened = await server.rest<ApplicationView>('GET', `/api/applications/by-code/${code}`, {
      token: clerk,
    });
    expect(opened.body.ok && opened.body.data.precheck).toEqual({
      status: 'returned',
      reasons: ['银行账户信息不完整'],
    });
  });
});
