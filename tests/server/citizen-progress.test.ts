/**
 * The citizen's ID binding and progress over REST (SPEC MOB-AUTH-7, MOB-PROG-*): a real server
 * with a test SMSC; tickets taken at the kiosk and by the guide, a case accepted at the window,
 * a booking imported, all seen from the phone through the same holder reference.
 */
import type {
  Ack,
  CitizenCase,
  CitizenMe,
  CitizenProgress,
  CommandResult,
  KioskIssueResult,
  SlipResult,
} from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signIn, startSmsc, type TestSmsc } from '../support/phone.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const PHONE = '13912345678';
/** DOMAIN.md samples. */
const ID = '34052419800101001X';
const ID_OTHER = '11010519491231002X';
const CONSULT = 'LOCAL-ZXZX';
const CARD_ITEM = '512B0070200003';

let smsc: TestSmsc;
let server: TestServer;
beforeEach(async () => {
  smsc = await startSmsc();
  server = await startTestServer({ sms: smsc.sms });
});
afterEach(async () => {
  await server.close();
  await smsc.close();
});

const as = (token: string) => ({ headers: { 'x-citizen-token': token } });
const data = <T>(r: { status: number; body: Ack<T> }): T => {
  if (!r.body.ok) throw new Error(`${r.status} ${r.body.error.code}: ${r.body.error.message}`);
  return r.body.data;
};
const bind = (token: string, idNumber: string) =>
  server.rest<CitizenMe>('POST', '/api/citizen/identity', { ...as(token), body: { idNumber } });
const progress = (token: string) => server.rest<CitizenProgress>('GET', '/api/citizen/progress', as(token));
const lookup = (receiptNo: string, phoneLast4: string) =>
  server.rest<CitizenCase>('POST', '/api/citizen/lookup', { body: { receiptNo, phoneLast4 } });

/** The guide issues a ticket for the holder, clerk1 serves it at w1 and accepts it with `phone` on the slip. */
async function acceptFor(idNumber: string, phone: string): Promise<SlipResult> {
  const guide = await server.login('guide1');
  const clerk = await server.login('clerk1');
  data(
    await server.rest<CommandResult>('POST', '/api/commands/ticket:issue', {
      token: guide,
      body: { categoryId: 'A', itemCode: CARD_ITEM, idNumber },
    }),
  );
  const ticketId = server.app.hall.hall.queue.allTickets().at(-1)!.id;
  await server.rest('POST', '/api/commands/window:open', { token: clerk, body: { windowId: 'w1' } });
  await server.rest('POST', '/api/commands/ticket:call-next', { token: clerk, body: { windowId: 'w1' } });
  await server.rest('POST', '/api/commands/ticket:start', { token: clerk, body: { windowId: 'w1' } });
  return data(
    await server.rest<SlipResult>('POST', '/api/slips', {
      token: clerk,
      body: { ticketId, kind: 'acceptance', applicantName: '张三', contactPhone: phone, print: false },
    }),
  );
}

describe("the citizen's ID number and progress (SPEC MOB-AUTH-7, MOB-PROG-*)", () => {
  it('MOB-AUTH-7, MOB-PROG-1: a ticket taken at the kiosk shows on the phone bound to the same ID, with people ahead; only masked', async () => {
    const kiosk = await server.pairDevice('kiosk');
    const issue = (idNumber: string, key: string) =>
      server.rest<KioskIssueResult>('POST', '/api/kiosk/tickets', {
        deviceToken: kiosk,
        body: { itemCode: CONSULT, idNumber },
        headers: { 'idempotency-key': key },
      });
    data(await issue(ID_OTHER, 'k1'));
    const mine = data(await issue(ID, 'k2'));
    const clerk = await server.login('clerk1');
    await server.rest('POST', '/api/commands/window:open', { token: clerk, body: { windowId: 'w1' } });

    const token = await signIn(server, smsc, PHONE);
    const before = await progress(token);
    expect(before.status).toBe(422);
    expect(!before.body.ok && before.body.error).toMatchObject({
      code: 'IDENTITY_REQUIRED',
      messageZh: '请先填写本人身份证号码',
    });
    const bad = await bind(token, '340524198001010011');
    expect(bad.status).toBe(422);
    // A wrong check digit is refused with the kiosk's own words (shared/src/identity.ts).
    expect(!bad.body.ok && bad.body.error).toMatchObject({
      code: 'INVALID_ID_NUMBER',
      messageZh: '身份证号码校验位不正确，请核对后重新输入',
    });
    // Another spelling of the same number (lower-case x, spaces) is the same person.
    const me = data(await bind(token, ' 34052419800101001x '));
    expect(me).toEqual({
      phoneMasked: '139****5678',
      idMasked: '340***********001X',
      expiresAt: expect.any(Number),
    });
    const r = await progress(token);
    const p = data(r);
    expect(p.tickets).toEqual([
      expect.objectContaining({
        id: mine.ticket.id,
        number: mine.ticket.number,
        status: 'waiting',
        ahead: 1,
      }),
    ]);
    expect(p.tickets[0]!.low).not.toBeNull();
    expect(JSON.stringify(r.body)).not.toMatch(/34052419800101001X|13912345678|1980/i);
    // The one-live-ticket rule keys on the same reference: the kiosk's ticket is this session's holder's.
    const session = server.app.hall.citizens.principal(token);
    expect(session.kind === 'citizen' && session.holderRef).toBe(server.app.hall.holderRef(ID));
    // Called: "please go to window 1".
    const cmd = async (name: string, body: unknown) =>
      data(await server.rest('POST', `/api/commands/${name}`, { token: clerk, body }));
    await cmd('ticket:call-next', { windowId: 'w1' });
    await cmd('ticket:start', { windowId: 'w1' });
    await cmd('ticket:finish', { windowId: 'w1', outcome: 'completed' });
    await cmd('ticket:call-next', { windowId: 'w1' });
    const called = data(await progress(token)).tickets[0]!;
    expect([called.status, called.windowNumber]).toEqual(['called', 1]);
  });

  it('MOB-AUTH-7: a session binds one person (another number needs a new sign-in) and knows whether they are a senior today', async () => {
    const token = await signIn(server, smsc, PHONE);
    data(await bind(token, ID));
    const other = await bind(token, ID_OTHER);
    expect(other.status).toBe(409);
    expect(!other.body.ok && other.body.error.messageZh).toBe(
      '本次登录已绑定其他证件，如需更换请退出后重新登录',
    );
    expect(data(await bind(token, ID)).idMasked).toBe('340***********001X');
    // The holder as a same-day ticket carries it: masked, senior on the day of the binding, the reference.
    const p = server.app.hall.citizens.principal(token);
    expect(p.kind === 'citizen' && p.holder).toEqual({
      masked: '340***********001X',
      senior: false,
      ref: server.app.hall.holderRef(ID),
      on: '2026-11-26',
    });
    const elder = await signIn(server, smsc, '13700001111');
    data(await bind(elder, ID_OTHER));
    const q = server.app.hall.citizens.principal(elder);
    expect(q.kind === 'citizen' && q.holder?.senior).toBe(true);
  });

  it("MOB-PROG-1: cases with their steps and deadline, only when the slip's phone is the signed-in phone; bookings from the appointments table", async () => {
    const slip = await acceptFor(ID, '139 1234 5678');
    const manager = await server.login('manager1');
    data(
      await server.rest('POST', '/api/appointments/import', {
        token: manager,
        body: {
          bookings: [
            {
              bookingCode: 'YY001',
              idNumber: ID,
              itemCode: '512B0067900008',
              slotStart: '2026-11-26T14:00:00+08:00',
              slotEnd: '2026-11-26T14:30:00+08:00',
            },
          ],
        },
      }),
    );
    const token = await signIn(server, smsc, PHONE);
    data(await bind(token, ID));
    const p = data(await progress(token));
    expect(p.cases).toEqual([
      {
        receiptNo: slip.number,
        itemName: slip.case!.itemName,
        status: 'accepted',
        acceptedAt: slip.case!.acceptedAt,
        deadline: slip.case!.deadline,
        workingDays: slip.case!.workingDays,
        missing: [],
        steps: [{ at: slip.case!.acceptedAt, to: 'accepted' }],
      },
    ]);
    expect(p.bookings).toEqual([
      expect.objectContaining({ bookingCode: 'YY001', status: 'booked', businessDay: '2026-11-26' }),
    ]);
    // The same ID number claimed from another phone sees the ticket's place, not the case.
    const stranger = await signIn(server, smsc, '13700001111');
    data(await bind(stranger, ID));
    expect(data(await progress(stranger)).cases).toEqual([]);
  });

  it("MOB-PROG-2: lookup by receipt number and the slip phone's last four digits; a wrong receipt and wrong digits answer alike; 5 misses of one receipt are limited", async () => {
    const slip = await acceptFor(ID, '13800001234');
    const found = await lookup(slip.number, '1234');
    expect(data(found)).toMatchObject({
      receiptNo: slip.number,
      status: 'accepted',
      deadline: slip.case!.deadline,
    });
    expect(JSON.stringify(found.body)).not.toMatch(/13800001234|张三|clerk|s-/);
    const wrongDigits = await lookup(slip.number, '9999');
    const noReceipt = await lookup('SL202611269999', '1234');
    expect([wrongDigits.status, wrongDigits.body]).toEqual([noReceipt.status, noReceipt.body]);
    expect(wrongDigits.body).toEqual({
      ok: false,
      error: {
        code: 'NOT_FOUND',
        message: 'no case with this receipt number and phone digits',
        messageZh: '未查到办件：请核对受理编号和手机号后四位',
      },
    });
    for (let i = 0; i < 4; i++) expect((await lookup(slip.number, `000${i}`)).status).toBe(404);
    const limited = await lookup(slip.number, '1234');
    expect(limited.status).toBe(429);
    expect(!limited.body.ok && limited.body.error.messageZh).toBe('该受理编号查询次数过多，请 15 分钟后再试');
  });

  it('MOB-PROG-3: the acceptance receipt prints the phone app’s lookup for its number, nothing personal in the address', async () => {
    const slip = await acceptFor(ID, '13800001234');
    expect(slip.document.type).toBe('acceptance-receipt');
    const url = slip.document.type === 'acceptance-receipt' ? slip.document.data.progressUrl : undefined;
    expect(url).toBe(`${server.url}/m/#/progress?receipt=${slip.number}`);
  });
});
