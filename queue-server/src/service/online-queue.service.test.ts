/**
 * The same-day online ticket, the queue's notices and rating by link (SPEC MOB-Q-*, NOTE-TRG-5..7,
 * MOB-RATE-*) on real components: a composed hall over a real SQLite file, the kiosk's real
 * check-in, the real SMPP adapter against the `smpp` package's own server as the operator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeHall, type Hall } from '../compose.ts';
import { idBornOn, MIN, T0 } from '../domain/test-factory.ts';
import { HallStore } from '../store/hall.store.ts';
import { TEST_KEYS } from '../store/testing.ts';
import type { OnlineCitizen } from './online-queue.service.ts';
import { SmppGateway } from './sms/smpp.gateway.ts';
import { SmppOperator } from './sms/testing.ts';
import { seedServiceHall } from './testing.ts';

const PHONE = '13912345678';
const ID = idBornOn('19800101', '123');
const KIOSK = 'kiosk-1';

let dir: string;
let store: HallStore;
let h: Hall;
let op: SmppOperator;
let now = T0;
const clock = { now: () => now };

function open(withSms: boolean): void {
  store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
  h = composeHall({
    store,
    logger: pino({ level: 'silent' }),
    clock,
    publicUrl: 'https://hall.example.cn',
    ...(withSms
      ? {
          sms: {
            gateway: new SmppGateway({
              host: '127.0.0.1',
              port: op.port,
              systemId: 'hall',
              password: 'secret',
              sourceAddr: '10690000',
              enquireLinkMs: 200,
              responseTimeoutMs: 2000,
              log: pino({ level: 'silent' }),
            }),
            retry: { baseMs: 40, capMs: 200, maxAttempts: 4 },
            pollMs: 100,
          },
        }
      : {}),
  });
}

const citizen = (): OnlineCitizen => ({ holderRef: h.holderRef(ID), phone: PHONE });

function ok<T>(r: { ok: true; data: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.data;
}

function run(cmd: Parameters<Hall['hall']['execute']>[0]) {
  const r = h.hall.execute(cmd);
  if (!r.ok) throw new Error(`${cmd.type}: ${r.error.code} ${r.error.message}`);
  return r.events;
}

const kioskIssue = () =>
  h.hall.execute({ type: 'ticket:issue', categoryId: 'A', source: 'kiosk' }).ok ||
  expect.fail('kiosk ticket refused');

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeEach(async () => {
  now = T0;
  dir = mkdtempSync(join(tmpdir(), 'onewindow-online-'));
  op = new SmppOperator();
  await op.start();
  open(true);
  seedServiceHall(h, store, { 'clerk-a': ['clerk'], 'clerk-b': ['clerk'], guide: ['guide'] });
  run({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-a' });
});

afterEach(async () => {
  await h.noticeWorker?.stop();
  await op.stop().catch(() => undefined);
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('same-day online tickets (MOB-Q-*)', () => {
  it('MOB-Q-1 MOB-Q-2 an online ticket is not called before the kiosk confirms it by its code, then is called in its place', () => {
    const joined = h.onlineQueue.join(citizen(), 'A');
    expect(joined.ok && joined.created).toBe(true);
    const t = ok(joined);
    expect(t).toMatchObject({ status: 'waiting', number: 'A0001', windowNumber: null });
    expect(t.code).toMatch(/^W[0-9A-Z]{9}$/);
    expect(t.confirmBy).toBe(T0 + 60 * MIN);
    // MOB-Q-5: the page lists the categories and the citizen's own ticket, nobody else's.
    const page = h.onlineQueue.overview(citizen());
    expect(page).toMatchObject({ open: true, confirmMinutes: 60 });
    expect(page.categories.map((c) => c.id)).toEqual(['A', 'B', 'C']);
    expect(page.tickets.map((x) => x.id)).toEqual([t.id]);
    expect(h.onlineQueue.overview({ holderRef: 'someone-else', phone: PHONE }).tickets).toEqual([]);
    now += MIN;
    kioskIssue(); // A0002, a kiosk ticket taken after it
    // Not callable: the window gets the kiosk ticket, then nothing.
    const first = run({ type: 'ticket:call-next', windowId: 'w1' });
    expect(first.find((e) => e.type === 'ticket:called')).toMatchObject({
      ticketId: expect.stringMatching(/A0002$/),
    });
    run({ type: 'ticket:start', windowId: 'w1' });
    run({ type: 'ticket:finish', windowId: 'w1', outcome: 'completed' });
    expect(h.hall.execute({ type: 'ticket:call-next', windowId: 'w1' })).toMatchObject({
      ok: false,
      error: { code: 'QUEUE_EMPTY' },
    });
    // The kiosk scans the phone's code: confirmed in one unit, and then it is the next one called.
    now += MIN;
    const checked = h.kiosk.checkIn(KIOSK, { bookingCode: t.code.toLowerCase() }, false, 'http://kiosk');
    expect(checked.ok && checked.data).toMatchObject({ onlineConfirmed: true, ticket: { number: 'A0001' } });
    kioskIssue(); // A0003 comes later and waits behind it
    const called = run({ type: 'ticket:call-next', windowId: 'w1' }).find((e) => e.type === 'ticket:called');
    expect(called).toMatchObject({ ticketId: t.id });
    expect(ok({ ok: true, data: h.onlineQueue.mine(citizen()) })[0]).toMatchObject({
      id: t.id,
      status: 'called',
      windowNumber: 1,
      confirmBy: null,
    });
  });

  it('MOB-Q-2 the card at the kiosk confirms it too; a second join, from the phone or the kiosk, gets the same ticket (KSK-4)', () => {
    const t = ok(h.onlineQueue.join(citizen(), 'A'));
    const again = h.onlineQueue.join(citizen(), 'A');
    expect(again.ok && !again.created && again.data.id).toBe(t.id);
    // The kiosk with the same ID number shows the live online ticket instead of a second one.
    const atKiosk = h.kiosk.issue(
      KIOSK,
      { itemCode: '512B0070200003', idNumber: ID, print: false },
      undefined,
      'http://k',
    );
    expect(atKiosk.ok && atKiosk.data).toMatchObject({ existing: true, ticket: { id: t.id } });
    const byCard = h.kiosk.checkIn(KIOSK, { idNumber: ID }, false, 'http://kiosk');
    expect(byCard.ok && byCard.data.onlineConfirmed).toBe(true);
    expect(h.hall.queue.ticket(t.id)?.confirmBy).toBeUndefined();
    // Confirmed once: the card now finds no online ticket to confirm and falls to the bookings.
    const twice = h.kiosk.checkIn(KIOSK, { idNumber: ID }, false, 'http://kiosk');
    expect(twice.ok ? 'ok' : twice.error.code).toBe('NOT_FOUND');
  });

  it('MOB-Q-1 refused outside opening hours and for an unknown category, with a Chinese message', () => {
    now = T0 - 2 * 60 * MIN; // 07:00
    const closed = h.onlineQueue.join(citizen(), 'A');
    expect(closed.ok ? 'ok' : [closed.error.code, Boolean(closed.error.messageZh)]).toEqual([
      'HALL_CLOSED',
      true,
    ]);
    now = T0;
    const unknown = h.onlineQueue.join(citizen(), 'Z');
    expect(unknown.ok ? 'ok' : unknown.error.code).toBe('UNKNOWN_CATEGORY');
  });

  it('MOB-Q-3 the server timer lapses an unconfirmed ticket at its deadline, once, as a fact; it survives a restart', () => {
    const t = ok(h.onlineQueue.join(citizen(), 'A'));
    now += 60 * MIN - 1;
    h.runDueDayCloses();
    expect(h.hall.queue.ticket(t.id)?.status).toBe('waiting');
    now += 1;
    h.runDueDayCloses();
    h.runDueDayCloses();
    const lapses = store.events().filter((e) => e.type === 'ticket:cancelled' && e.ticketId === t.id);
    expect(lapses).toHaveLength(1);
    expect(lapses[0]).toMatchObject({ by: 'system' });
    // The lapsed ticket frees the person to join again; a restart reads the same state.
    store.close();
    open(false);
    expect(h.hall.queue.ticket(t.id)?.status).toBe('cancelled');
    expect(ok(h.onlineQueue.join(citizen(), 'A')).number).toBe('A0002');
  });

  it('MOB-Q-4 the boards and the public facts never carry the holder, the phone or the code of an online ticket', () => {
    const packets: unknown[] = [];
    h.facts.attach((_events, v) => packets.push(v.pub));
    const t = ok(h.onlineQueue.join(citizen(), 'A'));
    h.kiosk.checkIn(KIOSK, { bookingCode: t.code }, false, 'http://kiosk');
    run({ type: 'ticket:call-next', windowId: 'w1' });
    packets.push(h.views.publicSnapshot());
    const text = JSON.stringify(packets);
    expect(text).toContain(t.number);
    for (const secret of [PHONE, ID, h.holderRef(ID), t.code, '139****5678'])
      expect(text).not.toContain(secret);
    // Never a phone in a fact either (NOTE-OUT-2): the log holds no trace of it.
    expect(JSON.stringify(store.events())).not.toContain(PHONE);
  });
});

describe('queue notices (NOTE-TRG-5..7)', () => {
  it('NOTE-TRG-5 NOTE-TRG-6 NOTE-TRG-7 "N ahead" once, the call with its window, and the rating link after service, each exactly once by SMS', async () => {
    h.noticeWorker!.start();
    // Four kiosk tickets ahead; N = 3 (the default): the notice comes once the first is called.
    for (let i = 0; i < 4; i++) kioskIssue();
    const t = ok(h.onlineQueue.join(citizen(), 'A'));
    h.kiosk.checkIn(KIOSK, { bookingCode: t.code }, false, 'http://kiosk');
    const serve = () => {
      run({ type: 'ticket:call-next', windowId: 'w1' });
      run({ type: 'ticket:start', windowId: 'w1' });
      run({ type: 'ticket:finish', windowId: 'w1', outcome: 'completed' });
    };
    expect(h.notices.list(undefined, 10)).toEqual([]);
    serve(); // 3 ahead now: the call that left 3 wrote it, and no later fact writes another
    serve();
    serve();
    await until(() => op.received.length === 1);
    expect(op.received[0]).toMatchObject({ to: PHONE });
    expect(op.received[0]!.text).toContain('A0005号前面还有3人');
    serve();
    // Called: "please go to window 1".
    run({ type: 'ticket:call-next', windowId: 'w1' });
    await until(() => op.received.length === 2);
    expect(op.received[1]!.text).toBe(`请A0005号到${h.hall.queue.settings!.hallName}1号窗口办理。`);
    run({ type: 'ticket:recall', windowId: 'w1' }); // a recall is no new notice
    run({ type: 'ticket:start', windowId: 'w1' });
    run({ type: 'ticket:finish', windowId: 'w1', outcome: 'completed' });
    await until(() => op.received.length === 3);
    const link = /https:\/\/hall\.example\.cn\/m\/#\/rate\/([A-Za-z0-9_-]{24})$/.exec(op.received[2]!.text);
    expect(link).not.toBeNull();
    await h.noticeWorker!.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect(op.received).toHaveLength(3);
    const rows = h.notices.list(undefined, 10);
    expect(rows.map((r) => r.templateId).sort()).toEqual(['queue-ahead', 'queue-called', 'rating-link']);
    // MOB-RATE-1: managers see that a link went, never the link; it travels sealed, is erased once
    // sent, and only its hash is kept.
    expect(rows.find((r) => r.templateId === 'rating-link')!.params).not.toHaveProperty('link');
    store.close();
    const raw = new Database(join(dir, 'hall.db'), { readonly: true });
    const dump = JSON.stringify([
      raw.prepare('SELECT * FROM notices').all(),
      raw.prepare('SELECT * FROM rating_links').all(),
      raw.prepare('SELECT * FROM ticket_contacts').all(),
      raw.prepare('SELECT body FROM events').all(),
    ]);
    raw.close();
    expect(dump).not.toContain(link![1]);
    expect(dump).not.toContain(PHONE);
    open(false);
  });

  it('NOTE-TRG-5 a kiosk ticket whose form carries a mobile number gets the queue notices at that number', () => {
    const item = store.auth.catalog().find((i) => i.form?.fields.some((f) => f.kind === 'phone'));
    expect(item).toBeDefined();
    const form = Object.fromEntries(
      item!.form!.fields.map((f) => [
        f.key,
        f.kind === 'phone'
          ? '13700001111'
          : f.kind === 'id-number'
            ? ID
            : f.kind === 'date'
              ? '2026-11-01'
              : f.kind === 'choice'
                ? f.options![0]!.value
                : f.kind === 'digits'
                  ? '6222021234567890'.slice(0, f.maxLength ?? 16)
                  : '张三',
      ]),
    );
    const issued = h.kiosk.issue(
      KIOSK,
      { itemCode: item!.code, idNumber: ID, form, print: false },
      undefined,
      'http://k',
    );
    if (!issued.ok) throw new Error(issued.error.message);
    const windowId = h.hall.queue.hallConfig!.windows.find((w) =>
      w.categoryIds.includes(item!.categoryId),
    )!.id;
    if (windowId !== 'w1') run({ type: 'window:open', windowId, clerkId: 'clerk-b' });
    run({ type: 'ticket:call-next', windowId });
    const called = h.notices.list(undefined, 10).find((n) => n.templateId === 'queue-called');
    expect(called).toMatchObject({ phoneMasked: '137****1111' });
  });
});

describe('rating by link (MOB-RATE-*)', () => {
  const DAY = '2026-11-26';

  /** An online ticket confirmed, served at w1 by clerk-a; its rating link's token from the SMS. */
  async function servedWithLink(): Promise<{ ticketId: string; token: string }> {
    h.noticeWorker!.start();
    const t = ok(h.onlineQueue.join(citizen(), 'A'));
    h.kiosk.checkIn(KIOSK, { bookingCode: t.code }, false, 'http://kiosk');
    run({ type: 'ticket:call-next', windowId: 'w1' });
    run({ type: 'ticket:start', windowId: 'w1' });
    run({ type: 'ticket:finish', windowId: 'w1', outcome: 'completed' });
    await until(() => op.received.some((m) => m.text.includes('/m/#/rate/')));
    const sms = op.received.find((m) => m.text.includes('/m/#/rate/'))!;
    return { ticketId: t.id, token: sms.text.split('/m/#/rate/')[1]! };
  }

  it('MOB-RATE-3 a link rating after the day closed is a ticket:rated fact (online) that the day statistics and a follow-up count', async () => {
    const { ticketId, token } = await servedWithLink();
    run({ type: 'day:close', by: 'manager', reason: '日终' });
    now += 24 * 60 * MIN; // the next morning
    const before = h.stats.hall(DAY, DAY);
    expect(before.ratings.rated).toBe(0);
    expect(ok(h.onlineRatings.view(token))).toMatchObject({
      state: 'open',
      number: 'A0001',
      windowNumber: 1,
    });
    const r = h.onlineRatings.rate(token, {
      level: 1,
      reasons: ['waiting', 'attitude'],
      comment: '等了很久',
    });
    expect(ok(r)).toEqual({ ticketId, level: 1 });
    // The rating, then (FUP-5) its follow-up's opening, in the same unit.
    const [fact, opened] = store.events().slice(-2);
    expect(opened).toMatchObject({ type: 'follow-up:opened', ticketId });
    expect(fact).toMatchObject({
      type: 'ticket:rated',
      ticketId,
      channel: 'online',
      windowId: 'w1',
      servedBy: 'clerk-a',
      level: 1,
    });
    // The day's figures changed: one rating, a bad one, for the clerk who served.
    const after = h.stats.hall(DAY, DAY);
    expect(after.ratings).toMatchObject({ rated: 1, bad: 1 });
    expect(after.clerks.find((c) => c.clerkId === 'clerk-a')?.ratings.rated).toBe(1);
    expect(after.badRatings.map((b) => b.ticketId)).toEqual([ticketId]);
    // FUP-1: the bad rating has its follow-up, with the service's day.
    expect(h.followUps.get(ticketId)).toMatchObject({ ticketId, businessDay: DAY, level: 1 });
    // The supervision reports count it in the period it was given (HYR-1, IMP-1).
    expect(h.supervision.halfYear('2026-H2').ratings).toMatchObject({ total: 1, bad: 1 });
    expect(h.supervision.improvement('2026-11').hall).toMatchObject({ ratings: 1 });
    // The stored ticket carries it, so the link (and a restart) sees it rated.
    expect(store.ticketById(ticketId)?.rating).toMatchObject({ level: 1, channel: 'online' });
    expect(ok(h.onlineRatings.view(token)).state).toBe('rated');
    const again = h.onlineRatings.rate(token, { level: 5 });
    expect(again.ok ? 'ok' : again.error.code).toBe('ALREADY_RATED');
    store.close();
    open(false);
    expect(h.stats.hall(DAY, DAY).ratings.rated).toBe(1);
  });

  it('MOB-RATE-3 RAT-1 one rating per ticket across pad and link: the pad first refuses the link, the link first refuses the pad', async () => {
    const { ticketId, token } = await servedWithLink();
    expect(h.hall.execute({ type: 'ticket:rate', ticketId, level: 4, reasons: [], channel: 'pad' }).ok).toBe(
      true,
    );
    const link = h.onlineRatings.rate(token, { level: 1 });
    expect(link.ok ? 'ok' : link.error.code).toBe('ALREADY_RATED');
    // A second service, rated by link first (the day still open: through the queue).
    run({ type: 'day:close', by: 'manager', reason: '日终' });
    now += 24 * 60 * MIN;
    run({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-a' });
    op.received.length = 0;
    const second = await servedWithLink();
    expect(ok(h.onlineRatings.rate(second.token, { level: 5 })).level).toBe(5);
    const pad = h.hall.execute({
      type: 'ticket:rate',
      ticketId: second.ticketId,
      level: 2,
      reasons: [],
      channel: 'pad',
    });
    expect(pad.ok ? 'ok' : pad.error.code).toBe('ALREADY_RATED');
  });

  it('MOB-RATE-2 a link is accepted for the hall’s rating days only; a made-up token is NOT_FOUND', async () => {
    const { token } = await servedWithLink();
    now += 7 * 24 * 60 * MIN + 1;
    expect(ok(h.onlineRatings.view(token)).state).toBe('expired');
    const late = h.onlineRatings.rate(token, { level: 3 });
    expect(late.ok ? 'ok' : [late.error.code, late.error.messageZh]).toEqual([
      'CONFLICT',
      '已超过评价期限，感谢您的关注',
    ]);
    const bogus = h.onlineRatings.view('A'.repeat(24));
    expect(bogus.ok ? 'ok' : bogus.error.code).toBe('NOT_FOUND');
  });
});
