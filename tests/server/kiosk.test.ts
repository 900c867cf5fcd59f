import type {
  ApplicationView,
  KioskCheckInResult,
  KioskContext,
  KioskIssueResult,
  KioskTicket,
  PrintJob,
  ServiceItem,
} from '@onewindow/shared';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HallClient, nextEvent, startTestServer, T0, type TestServer } from '../support/server.ts';

const MIN = 60_000;
/** DOMAIN.md samples: 46 and 76 years old on 2026-11-26. */
const ID_ADULT = '34052419800101001X';
const ID_SENIOR = '11010519491231002X';
const ID_OTHER = '440308199901101512';
const CARD_ITEM = '512B0070200003'; // 社会保障卡申领: a form, category A
const CONSULT = 'LOCAL-ZXZX'; // 政策咨询: no identity needed

let server: TestServer;
let kiosk: string;
let agent: HallClient;
let key = 0;

const issue = (body: Record<string, unknown>, idempotencyKey = `k-${++key}`) =>
  server.rest<KioskIssueResult>('POST', '/api/kiosk/tickets', {
    deviceToken: kiosk,
    body,
    headers: { 'idempotency-key': idempotencyKey },
  });
const data = <T>(r: { status: number; body: { ok: boolean } }): T => {
  if (!r.body.ok) throw new Error(JSON.stringify(r.body));
  return (r.body as unknown as { data: T }).data;
};

const validForm = {
  name: '张三丰',
  idNumber: ID_ADULT,
  sex: '男',
  phone: '13812345678',
  bank: 'ICBC',
  delivery: 'window',
};

beforeEach(async () => {
  server = await startTestServer();
  kiosk = await server.pairDevice('kiosk');
  // The kiosk's terminal agent: the same device token, it receives the print jobs.
  agent = await server.client({ deviceToken: kiosk });
});
afterEach(async () => {
  await server.close();
});

describe('kiosk API (SPEC KSK-*)', () => {
  it('KSK-1 gives a paired kiosk its context, and refuses anyone else', async () => {
    const ctx = data<KioskContext>(await server.rest('GET', '/api/kiosk/context', { deviceToken: kiosk }));
    expect(ctx).toMatchObject({
      today: '2026-11-26',
      seniorAge: 60,
      openNow: true,
      oneTicketPerCategory: true,
    });
    expect(ctx.categories.map((c) => c.id)).toEqual(['A', 'B', 'C']);
    expect((await server.rest('GET', '/api/kiosk/context')).status).toBe(401);
    const board = await server.pairDevice('board');
    expect((await server.rest('GET', '/api/kiosk/context', { deviceToken: board })).status).toBe(403);
    const clerk = await server.login('clerk1');
    expect(
      (await server.rest('POST', '/api/kiosk/tickets', { token: clerk, body: { itemCode: CONSULT } })).status,
    ).toBe(403);
  });

  it('KSK-3 serves the catalog with pinyin initials for the letter search', async () => {
    const items = data<ServiceItem[]>(await server.rest('GET', '/api/catalog'));
    const byName = (n: string) => items.find((i) => i.name === n)!;
    expect(byName('企业职工参保登记').initials).toBe('qyzgcbdj');
    expect(byName('社会保障卡挂失').initials).toBe('shbzkgs');
    expect(items.filter((i) => i.initials?.includes('cbdj')).map((i) => i.name)).toContain(
      '企业职工参保登记',
    );
    expect(items.filter((i) => i.form).length).toBeGreaterThanOrEqual(5);
  });

  it('KSK-6 issues a ticket, prints it once on this kiosk, and a retry returns the same ticket without printing again', async () => {
    const printed = nextEvent<PrintJob>(agent, 'device:print');
    const r = await issue(
      { itemCode: '512B0067900008', idNumber: ID_ADULT, identifiedBy: 'resident-id' },
      'same',
    );
    expect(r.status).toBe(201);
    const first = data<KioskIssueResult>(r);
    expect(first.ticket).toMatchObject({
      number: 'A001',
      categoryName: '综合业务',
      itemName: '企业职工参保登记',
      priorityClass: 'regular',
      holderMasked: '340***********001X',
      ahead: 0,
    });
    expect(first.ticket.statusUrl).toBe(`${server.url}/t/20261126-A001`);
    const job = await printed;
    expect('jobId' in first.print! && first.print.jobId).toBe(job.jobId);
    expect(job.document).toMatchObject({
      type: 'queue-ticket',
      data: { number: 'A001', itemName: '企业职工参保登记', ticketId: '20261126-A001', peopleAhead: 0 },
    });
    // Personal data never goes to the printer unmasked (the ticket has none at all).
    expect(JSON.stringify(job)).not.toContain(ID_ADULT);

    let again = 0;
    agent.on('device:print', () => again++);
    const retry = data<KioskIssueResult>(
      await issue({ itemCode: '512B0067900008', idNumber: ID_ADULT }, 'same'),
    );
    expect(retry.ticket.id).toBe(first.ticket.id);
    expect(retry.print).toEqual(first.print);
    await new Promise((r) => setTimeout(r, 100));
    expect(again).toBe(0);
    expect(server.app.service.queue.allTickets()).toHaveLength(1);
  });

  it('KSK-6 UOW-1 UOW-2 a ticket with a form is one unit: a retry answers the same ticket, form and print job; a failed unit leaves nothing', async () => {
    const body = { itemCode: CARD_ITEM, idNumber: ID_ADULT, form: validForm };
    const first = data<KioskIssueResult>(await issue(body, 'with-form'));
    expect(first.application?.code).toBe('F261126-A001');
    expect(first.print).toMatchObject({ jobId: expect.stringMatching(/^pj-/) });
    const seq = server.app.service.queue.lastSeq;
    const retry = await issue(body, 'with-form');
    expect(retry.status).toBe(200);
    expect(data<KioskIssueResult>(retry)).toMatchObject({
      ticket: { id: first.ticket.id },
      application: first.application,
      print: first.print,
      existing: false,
    });
    expect(server.app.service.queue.lastSeq).toBe(seq);

    // A unit that fails after its ticket was decided (the form's row cannot be written) leaves
    // no ticket, no form, no print job and no number used up.
    const db = new Database(server.dbPath);
    db.exec(
      `CREATE TRIGGER no_forms BEFORE INSERT ON applications BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    );
    db.close();
    const jobs = () => {
      const d = new Database(server.dbPath, { readonly: true });
      const n = (d.prepare('SELECT COUNT(*) AS n FROM print_jobs').get() as { n: number }).n;
      d.close();
      return n;
    };
    const jobsBefore = jobs();
    const failed = await issue(
      { ...body, idNumber: ID_SENIOR, form: { ...validForm, idNumber: ID_SENIOR } },
      'fails',
    );
    expect(failed.status).toBe(500);
    expect(server.app.service.queue.lastSeq).toBe(seq);
    expect(server.app.service.queue.allTickets()).toHaveLength(1);
    expect(jobs()).toBe(jobsBefore);
    const fix = new Database(server.dbPath);
    fix.exec('DROP TRIGGER no_forms');
    fix.close();
    const next = data<KioskIssueResult>(
      await issue({ ...body, idNumber: ID_SENIOR, form: { ...validForm, idNumber: ID_SENIOR } }, 'fails'),
    );
    expect(next.ticket.number).toBe('A002');
    expect(next.application?.code).toBe('F261126-A002');
  });

  it('KSK-4 gives one live ticket per person per category: the second attempt returns the first', async () => {
    const first = data<KioskIssueResult>(await issue({ itemCode: '512B0067900008', idNumber: ID_ADULT }));
    const second = data<KioskIssueResult>(await issue({ itemCode: '512B0068000007', idNumber: ID_ADULT }));
    expect(second).toMatchObject({ existing: true, print: null, ticket: { id: first.ticket.id } });
    // Another category, or another person, gets a new ticket.
    const pickUp = data<KioskIssueResult>(await issue({ itemCode: 'LOCAL-LQJG', idNumber: ID_ADULT }));
    expect(pickUp).toMatchObject({ existing: false, ticket: { number: 'C001' } });
    const other = data<KioskIssueResult>(await issue({ itemCode: '512B0067900008', idNumber: ID_OTHER }));
    expect(other).toMatchObject({ existing: false, ticket: { number: 'A002' } });

    // Reprint: the same person only.
    const denied = await server.rest('POST', `/api/kiosk/tickets/${first.ticket.id}/reprint`, {
      deviceToken: kiosk,
      body: { idNumber: ID_OTHER },
    });
    expect(denied.status).toBe(403);
    const reprint = nextEvent<PrintJob>(agent, 'device:print');
    const ok = await server.rest<{ print: { jobId: string } }>(
      'POST',
      `/api/kiosk/tickets/${first.ticket.id}/reprint`,
      { deviceToken: kiosk, body: { idNumber: ID_ADULT } },
    );
    expect(ok.status).toBe(201);
    expect((await reprint).document.data).toMatchObject({ number: 'A001' });
  });

  it('KSK-4 lets a person take a new ticket once the old one is done, and the hall can turn the rule off', async () => {
    const first = data<KioskIssueResult>(await issue({ itemCode: '512B0067900008', idNumber: ID_ADULT }));
    const clerk = await server.client({ token: await server.login('clerk1') });
    const { command } = await import('../support/server.ts');
    for (const [name, payload] of [
      ['window:open', { windowId: 'w1' }],
      ['ticket:call-next', { windowId: 'w1' }],
      ['ticket:start', { windowId: 'w1' }],
      ['ticket:finish', { windowId: 'w1', outcome: 'completed' }],
    ] as const)
      expect((await command(clerk, name, payload)).ok, name).toBe(true);
    const next = data<KioskIssueResult>(await issue({ itemCode: '512B0067900008', idNumber: ID_ADULT }));
    expect(next).toMatchObject({ existing: false, ticket: { number: 'A002' } });
    expect(next.ticket.id).not.toBe(first.ticket.id);

    // With the rule off, the same person may hold two live tickets in one category.
    const config = structuredClone(server.app.service.queue.hallConfig!);
    config.settings.oneTicketPerCategory = false;
    const admin = await server.client({ token: await server.login('admin') });
    expect((await command(admin, 'hall:configure', { config })).ok).toBe(true);
    const third = data<KioskIssueResult>(await issue({ itemCode: '512B0067900008', idNumber: ID_ADULT }));
    expect(third).toMatchObject({ existing: false, ticket: { number: 'A003' } });
  });

  it('KSK-2/KSK-7 refuses bad identity, a missing identity, and a closed hall with a Chinese sentence', async () => {
    const bad = await issue({ itemCode: '512B0067900008', idNumber: '340524198001010010' });
    expect(bad.status).toBe(422);
    expect(!bad.body.ok && bad.body.error).toMatchObject({ code: 'INVALID_ID_NUMBER' });
    expect(!bad.body.ok && bad.body.error.messageZh).toMatch(/[\u4e00-\u9fa5]/);
    const none = await issue({ itemCode: '512B0067900008' });
    expect(!none.body.ok && none.body.error.code).toBe('IDENTITY_REQUIRED');
    const unknown = await issue({ itemCode: 'NOPE' });
    expect(unknown.status).toBe(404);
    // A consultation needs no identity.
    const consult = data<KioskIssueResult>(await issue({ itemCode: CONSULT }));
    expect(consult.ticket).toMatchObject({ holderMasked: null, itemName: '政策咨询' });
    // 17:30 local: closed, told when to come back; nothing issued.
    const before = server.app.service.queue.allTickets().length;
    server.clock.t = T0 + 8.5 * 60 * MIN;
    const closed = await issue({ itemCode: CONSULT });
    expect(!closed.body.ok && closed.body.error).toMatchObject({
      code: 'HALL_CLOSED',
      messageZh: expect.stringContaining('明天 09:00'),
    });
    expect(server.app.service.queue.allTickets()).toHaveLength(before);
    expect(
      data<KioskContext>(await server.rest('GET', '/api/kiosk/context', { deviceToken: kiosk })).openNow,
    ).toBe(false);
  });

  it('KSK-8 gives a senior priority by age from the ID and says why', async () => {
    const r = data<KioskIssueResult>(await issue({ itemCode: '512B0067900008', idNumber: ID_SENIOR }));
    expect(r.ticket.priorityClass).toBe('senior');
    expect(r.priorityNoteZh).toBe('您已年满60周岁，享受老年人优先');
  });

  it('SEC-KEY-4 one person, however the number is spelled (spaces, lower-case x, 15 digits), holds one live ticket', async () => {
    const guide = await server.login('guide1');
    const spaced = ` ${ID_SENIOR.slice(0, 6)} ${ID_SENIOR.slice(6, 14)} ${ID_SENIOR.slice(14).toLowerCase()} `;
    const byGuide = await server.rest('POST', '/api/commands/ticket:issue', {
      token: guide,
      body: { categoryId: 'A', idNumber: spaced },
    });
    expect(byGuide.status).toBe(201);
    const legacy15 = `${ID_SENIOR.slice(0, 6)}${ID_SENIOR.slice(8, 17)}`;
    const again = data<KioskIssueResult>(await issue({ itemCode: CARD_ITEM, idNumber: legacy15 }));
    expect(again).toMatchObject({ existing: true, ticket: { number: 'A001' } });
  });

  it('KSK-5 stores a valid form as a draft application the clerk reads; an invalid one is refused field by field', async () => {
    const wrong = await issue({
      itemCode: CARD_ITEM,
      idNumber: ID_ADULT,
      form: { ...validForm, phone: '12345', bank: 'NOPE', extra: 'x' },
    });
    expect(wrong.status).toBe(400);
    if (wrong.body.ok) throw new Error('accepted');
    expect(wrong.body.error.issues?.map((i) => i.path).sort()).toEqual([
      'form.bank',
      'form.extra',
      'form.phone',
    ]);
    expect(wrong.body.error.issues?.find((i) => i.path === 'form.phone')?.messageZh).toBe(
      '请输入11位手机号码',
    );
    expect(server.app.service.queue.allTickets()).toHaveLength(0);
    const mismatch = await issue({
      itemCode: CARD_ITEM,
      idNumber: ID_ADULT,
      form: { ...validForm, idNumber: ID_OTHER },
    });
    expect(mismatch.status).toBe(400);

    const printed = nextEvent<PrintJob>(agent, 'device:print');
    const ok = data<KioskIssueResult>(
      await issue({ itemCode: CARD_ITEM, idNumber: ID_ADULT, form: validForm }),
    );
    expect(ok.application?.code).toBe('F261126-A001');
    const job = await printed;
    const summary = (job.document.data as { application: { code: string; lines: string[] } }).application;
    expect(summary.code).toBe('F261126-A001');
    expect(summary.lines).toEqual(
      expect.arrayContaining(['姓名：张*丰', '联系电话：138****5678', '领卡方式：大厅窗口领取']),
    );
    expect(JSON.stringify(job)).not.toContain(ID_ADULT);
    expect(JSON.stringify(job)).not.toContain('张三丰');

    const clerk = await server.login('clerk1');
    // SEC-NTK-1: only the clerk serving the ticket reads its form; before the call, nobody.
    const early = await server.rest('GET', `/api/applications?ticketId=${ok.ticket.id}`, { token: clerk });
    expect(early.status).toBe(403);
    await server.rest('POST', '/api/commands/window:open', { token: clerk, body: { windowId: 'w1' } });
    await server.rest('POST', '/api/commands/ticket:call-next', { token: clerk, body: { windowId: 'w1' } });
    expect(server.app.service.queue.window('w1')?.ticketId).toBe(ok.ticket.id);
    const list = data<ApplicationView[]>(
      await server.rest('GET', `/api/applications?ticketId=${ok.ticket.id}`, { token: clerk }),
    );
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      ticketNumber: 'A001',
      formTitle: '社会保障卡申领登记表',
      itemName: '社会保障卡申领',
    });
    expect(list[0]!.fields).toContainEqual({ key: 'bank', label: '服务银行', value: '中国工商银行' });
    const scanned = data<ApplicationView>(
      await server.rest('GET', '/api/applications/by-code/f261126-a001', { token: clerk }),
    );
    expect(scanned.id).toBe(list[0]!.id);
    // Only staff posts that serve the citizen read it; a kiosk may not (FORBIDDEN, named).
    const byKiosk = await server.rest('GET', `/api/applications?ticketId=${ok.ticket.id}`, {
      deviceToken: kiosk,
    });
    expect(byKiosk.status).toBe(403);
    expect(byKiosk.body.ok === false && byKiosk.body.error.message).toContain('applications:read');
    const other = await server.login('clerk2');
    expect(
      (await server.rest('GET', `/api/applications?ticketId=${ok.ticket.id}`, { token: other })).status,
    ).toBe(403);
    expect(
      (await server.rest('GET', '/api/applications/by-code/f261126-a001', { token: other })).status,
    ).toBe(403);
    const accountant = await server.login('accountant1');
    expect(
      (await server.rest('GET', `/api/applications?ticketId=${ok.ticket.id}`, { token: accountant })).status,
    ).toBe(403);
    expect((await server.rest('GET', '/api/applications/by-code/NOPE', { token: clerk })).status).toBe(404);
  });

  it('KSK-9 looks up a person’s tickets today with position and estimate', async () => {
    await issue({ itemCode: '512B0067900008', idNumber: ID_OTHER });
    const mine = data<KioskIssueResult>(await issue({ itemCode: '512B0067900008', idNumber: ID_ADULT }));
    await issue({ itemCode: 'LOCAL-LQJG', idNumber: ID_ADULT });
    const r = data<{ tickets: KioskTicket[] }>(
      await server.rest('POST', '/api/kiosk/lookup', { deviceToken: kiosk, body: { idNumber: ID_ADULT } }),
    );
    expect(r.tickets.map((t) => [t.number, t.status, t.ahead])).toEqual([
      ['A002', 'waiting', 1],
      ['C001', 'waiting', 0],
    ]);
    expect(r.tickets[0]!.id).toBe(mine.ticket.id);
    const bad = await server.rest('POST', '/api/kiosk/lookup', {
      deviceToken: kiosk,
      body: { idNumber: '123' },
    });
    expect(!bad.body.ok && bad.body.error.code).toBe('INVALID_ID_NUMBER');
  });

  it('KSK-10 checks an appointment in: on time with priority and printed, late as regular, early refused', async () => {
    const manager = await server.login('manager1');
    const booking = (bookingCode: string, idNumber: string, from: string, to: string) => ({
      bookingCode,
      idNumber,
      itemCode: '512B0067900008',
      slotStart: `2026-11-26T${from}:00+08:00`,
      slotEnd: `2026-11-26T${to}:00+08:00`,
    });
    const imported = await server.rest('POST', '/api/appointments/import', {
      token: manager,
      body: {
        bookings: [
          booking('YY001', ID_ADULT, '09:15', '09:45'),
          booking('YY002', ID_SENIOR, '14:00', '14:30'),
          booking('YY003', ID_OTHER, '08:00', '08:15'),
        ],
      },
    });
    expect(imported.body.ok).toBe(true);
    const printed = nextEvent<PrintJob>(agent, 'device:print');
    const onTime = await server.rest<KioskCheckInResult>('POST', '/api/kiosk/check-in', {
      deviceToken: kiosk,
      body: { bookingCode: 'YY001' },
    });
    expect(data<KioskCheckInResult>(onTime)).toMatchObject({
      late: false,
      ticket: { priorityClass: 'appointment' },
      priorityNoteZh: '预约按时签到，享受预约优先',
    });
    expect((await printed).document.type).toBe('queue-ticket');
    const late = data<KioskCheckInResult>(
      await server.rest('POST', '/api/kiosk/check-in', { deviceToken: kiosk, body: { idNumber: ID_OTHER } }),
    );
    expect(late).toMatchObject({ late: true, ticket: { priorityClass: 'regular' } });
    // APT-8: checked in by booking code alone, the ticket still has its (masked) holder, so the
    // person finds it by ID number and the one-ticket rule sees it.
    expect(data<KioskCheckInResult>(onTime).ticket.holderMasked).toBe('340***********001X');
    const mine = data<{ tickets: KioskTicket[] }>(
      await server.rest('POST', '/api/kiosk/lookup', { deviceToken: kiosk, body: { idNumber: ID_ADULT } }),
    );
    expect(mine.tickets.map((t) => t.id)).toEqual([data<KioskCheckInResult>(onTime).ticket.id]);
    expect(
      data<KioskIssueResult>(await issue({ itemCode: '512B0067900008', idNumber: ID_ADULT })).existing,
    ).toBe(true);
    const early = await server.rest('POST', '/api/kiosk/check-in', {
      deviceToken: kiosk,
      body: { bookingCode: 'YY002' },
    });
    expect(!early.body.ok && early.body.error).toMatchObject({
      code: 'APPOINTMENT_TOO_EARLY',
      messageZh: expect.stringContaining('13:30'),
    });
    const both = await server.rest('POST', '/api/kiosk/check-in', {
      deviceToken: kiosk,
      body: { bookingCode: 'YY002', idNumber: ID_SENIOR },
    });
    expect(both.status).toBe(400);
  });

  it('never crashes on junk bodies', async () => {
    for (const body of [
      null,
      [],
      'x',
      { itemCode: 5 },
      { itemCode: CONSULT, form: { a: 1 } },
      { itemCode: CONSULT, print: 'yes' },
    ]) {
      const r = await server.rest('POST', '/api/kiosk/tickets', { deviceToken: kiosk, body: body as never });
      expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.status, JSON.stringify(body)).toBeLessThan(500);
    }
    const form = await issue({ itemCode: CONSULT, form: { a: 'b' } });
    expect(form.status).toBe(400);
    expect((await server.rest('GET', '/api/health')).status).toBe(200);
  });
});
