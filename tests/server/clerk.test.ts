import type {
  AcceptanceReceiptData,
  Ack,
  CardRead,
  CaseRecord,
  CommandResult,
  CounterCard,
  DeadlineResult,
  PrintJob,
  SlipResult,
  StaffFact,
  SupplementNoticeData,
} from '@onewindow/shared';
import type { PiiReadEntry } from '@onewindow/shared/api-types.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { layoutOf } from '../../kiosk/agent/agent/render.ts';
import { PAPER_80MM } from '../../kiosk/agent/printer/layout.ts';
import { waiveMissingMaterials } from '../support/materials.ts';
import { type HallClient, nextEvent, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

/** 企业职工基本养老保险关系转移接续申请: time-limited, 15 working days, category A. */
const TRANSFER = '512B0068100002';
/** 企业职工参保登记: instant. */
const ENROL = '512B0067900008';
const ID = '34052419800101001X';

const ok = <T>(r: { status: number; body: Ack<T> }): T => {
  if (!r.body.ok) throw new Error(`${r.status} ${r.body.error.code}: ${r.body.error.message}`);
  return r.body.data;
};

async function cmd(token: string, name: string, body: unknown) {
  return ok(await server.rest('POST', `/api/commands/${name}`, { token, body }));
}

/** guide1 issues a ticket; clerk `who` opens `windowId`, calls it and starts. Returns the ticket id. */
async function serving(o: { itemCode?: string; idNumber?: string; who?: string; windowId?: string } = {}) {
  const guide = await server.login('guide1');
  const issued = (await cmd(guide, 'ticket:issue', {
    categoryId: 'A',
    ...(o.itemCode ? { itemCode: o.itemCode } : {}),
    ...(o.idNumber ? { idNumber: o.idNumber } : {}),
  })) as { facts: { type: string; ticket?: { id: string } }[] };
  const ticketId = issued.facts.find((f) => f.type === 'ticket:issued')!.ticket!.id;
  const clerk = await server.login(o.who ?? 'clerk1');
  const windowId = o.windowId ?? 'w1';
  if ((await server.rest('GET', '/api/windows')).body.ok) {
    const w = ok(await server.rest<{ id: string; clerkId: string | null }[]>('GET', '/api/windows')).find(
      (x) => x.id === windowId,
    );
    if (w?.clerkId === null) await cmd(clerk, 'window:open', { windowId });
  }
  await cmd(clerk, 'ticket:call-next', { windowId });
  await cmd(clerk, 'ticket:start', { windowId });
  return { ticketId, clerk };
}

const slip = (token: string | undefined, body: unknown) =>
  server.rest<SlipResult>('POST', '/api/slips', { ...(token ? { token } : {}), body });

describe('slips (SPEC SLP-*)', () => {
  it('SLP-1 SLP-3 SLP-4 CASE-1 an acceptance receipt: agent prints it, deadline in working days, a case opens', async () => {
    const agentToken = await server.pairDevice('agent', 'w1');
    const agent = await server.client({ deviceToken: agentToken });
    const { ticketId, clerk } = await serving({ itemCode: TRANSFER });
    const printed = nextEvent<PrintJob>(agent, 'device:print');
    const r = await slip(clerk, {
      ticketId,
      kind: 'acceptance',
      applicantName: '张三丰',
      contactPhone: '13812345678',
      print: true,
    });
    expect(r.status).toBe(201);
    const data = ok(r);
    // 2026-11-26 (Thu) + 15 working days: 11-27, 11-30, 12-01..04, 12-07..11, 12-14..17.
    const receipt = data.document.data as AcceptanceReceiptData;
    expect(data.document.type).toBe('acceptance-receipt');
    expect(receipt).toMatchObject({
      documentNumber: 'SL202611260001',
      hallName: '示范区社会保险经办服务大厅',
      hallPhone: '12333',
      applicantName: '张三丰',
      contactPhone: '13812345678',
      itemName: '企业职工基本养老保险关系转移接续申请',
      itemCode: TRANSFER,
      appliedOn: '2026-11-26',
      acceptedOn: '2026-11-26',
      clerk: { name: expect.any(String), staffNo: expect.any(String) },
      deadline: { workingDays: 15, date: '2026-12-17' },
    });
    expect(receipt.materials.map((m) => m.name)).toEqual([
      '居民身份证或社会保障卡',
      '参保缴费凭证',
      '基本养老保险关系转移接续申请表',
    ]);
    expect(data.printError).toBeNull();
    const job = await printed;
    expect(job.jobId).toBe(data.printJobId);
    expect(job.document).toEqual(data.document);
    // The agent's own check of the data passes, and the layout masks the applicant.
    const text = JSON.stringify(layoutOf(job.document, PAPER_80MM));
    expect(text).toContain('张*丰');
    expect(text).toContain('138****5678');
    expect(text).not.toContain('张三丰');

    expect(data.case).toMatchObject({
      id: 'SL202611260001',
      ticketId,
      ticketNumber: 'A001',
      itemCode: TRANSFER,
      deadline: '2026-12-17',
      workingDays: 15,
      status: 'accepted',
    });
    // SLP-5: asking again is a reprint: same number, same case, no second case.
    const again = ok(
      await slip(clerk, {
        ticketId,
        kind: 'acceptance',
        applicantName: '张三丰',
        contactPhone: '13812345678',
        print: false,
      }),
    );
    expect((again.document.data as AcceptanceReceiptData).documentNumber).toBe('SL202611260001');
    expect(again.printJobId).toBeNull();
    const reviewer = await server.login('reviewer1');
    expect(ok(await server.rest<CaseRecord[]>('GET', '/api/cases', { token: reviewer }))).toHaveLength(1);
  });

  it('SLP-3 every kind builds data the agent accepts; numbers are unique per day', async () => {
    const kinds = [
      { kind: 'completion', result: '已办结：转移接续完成' },
      { kind: 'rejection', reasons: ['不属于本机构受理范围'], legalBasis: ['《社会保险法》第十九条'] },
      { kind: 'supplement', missingMaterials: ['参保缴费凭证', '基本养老保险关系转移接续申请表'] },
      { kind: 'acceptance', contactPhone: '010-12345678' },
    ];
    const numbers: string[] = [];
    for (const k of kinds) {
      // One slip per ticket (SLP-5): each kind finishes its own ticket.
      const { ticketId, clerk } = await serving({ itemCode: TRANSFER });
      const d = ok(await slip(clerk, { ticketId, applicantName: '李四', print: false, ...k }));
      expect(d.finished).toBe(true);
      numbers.push((d.document.data as { documentNumber: string }).documentNumber);
      expect(() => layoutOf(d.document, PAPER_80MM)).not.toThrow();
      if (d.document.type === 'rejection-notice') {
        expect(d.document.data.remedy).toMatch(/六十日内.*行政复议.*六个月内.*行政诉讼/);
        expect(d.document.data.reasons).toEqual(['不属于本机构受理范围']);
      }
      if (d.document.type === 'supplement-notice')
        expect((d.document.data as SupplementNoticeData).missing).toEqual([
          { name: '参保缴费凭证', form: '原件', copies: 1 },
          { name: '基本养老保险关系转移接续申请表', form: '原件', copies: 1 },
        ]);
    }
    expect(numbers).toEqual(['HD202611260001', 'BY202611260002', 'BZ202611260003', 'SL202611260004']);
  });

  it('SLP-2 only the clerk serving the ticket gets a slip with its finish; a manager only for a finished one', async () => {
    const { ticketId, clerk } = await serving({ itemCode: ENROL });
    const body = { ticketId, kind: 'completion', applicantName: '王五', print: false };
    expect((await slip(undefined, body)).status).toBe(401);
    const clerk2 = await slip(await server.login('clerk2'), body);
    expect(clerk2.status).toBe(403);
    expect(!clerk2.body.ok && clerk2.body.error.message).toBe(
      'ticket A001 was not served by you or at your window',
    );
    const guide = await slip(await server.login('guide1'), body);
    expect(guide.status).toBe(403);
    const reviewer = await slip(await server.login('reviewer1'), body);
    expect(reviewer.status).toBe(403);
    // A manager never serves (AUTH-2): the ticket is finished at its window, not from the office.
    const manager = await server.login('manager1');
    const early = await slip(manager, body);
    expect(early.status).toBe(409);
    expect(server.app.service.queue.ticket(ticketId)?.status).toBe('serving');
    await cmd(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    expect((await slip(manager, body)).status).toBe(201);
    const unknown = await slip(await server.login('clerk1'), { ...body, ticketId: '20261126-A999' });
    expect(unknown.status).toBe(404);
  });

  it('SLP-2 a waiting ticket gets no slip; a finished one only the slip of its outcome', async () => {
    const { ticketId, clerk } = await serving({ itemCode: ENROL });
    // A001 is serving at w1; A002 waits.
    await cmd(await server.login('guide1'), 'ticket:issue', { categoryId: 'A', itemCode: ENROL });
    const waiting = await slip(await server.login('manager1'), {
      ticketId: ticketId.replace('A001', 'A002'),
      kind: 'completion',
      applicantName: '王五',
      print: false,
    });
    expect(waiting.status).toBe(409);
    await cmd(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    const wrong = await slip(clerk, {
      ticketId,
      kind: 'rejection',
      applicantName: '王五',
      reasons: ['x'],
      print: false,
    });
    expect(wrong.status).toBe(409);
    expect(!wrong.body.ok && wrong.body.error.message).toBe(
      'ticket A001 finished as completed; a rejection slip belongs to rejected',
    );
    // After finishing, the clerk who served it may still print its completion slip.
    expect(
      (await slip(clerk, { ticketId, kind: 'completion', applicantName: '王五', print: false })).status,
    ).toBe(201);
  });

  it('SLP-1 bad input is a 400 with precise issues, never a 500', async () => {
    const { ticketId, clerk } = await serving({ itemCode: TRANSFER });
    const cases: [unknown, string][] = [
      [{ ticketId, kind: 'rejection', applicantName: '王五', print: false }, 'reasons'],
      [{ ticketId, kind: 'rejection', applicantName: '王五', reasons: [], print: false }, 'reasons'],
      [{ ticketId, kind: 'supplement', applicantName: '王五', print: false }, 'missingMaterials'],
      [{ ticketId, kind: 'acceptance', applicantName: '王五', print: false }, 'contactPhone'],
      [{ ticketId, kind: 'completion', print: false }, 'applicantName'],
      [{ ticketId, kind: 'completion', applicantName: '王五' }, 'print'],
      [{ ticketId, kind: 'poster', applicantName: '王五', print: false }, 'kind'],
      [{ ticketId, kind: 'completion', applicantName: '王五', print: false, extra: 1 }, '(root)'],
      [{ ticketId, kind: 'completion', applicantName: '王五', reasons: ['x'], print: false }, 'reasons'],
      [
        { ticketId, kind: 'supplement', applicantName: '王五', missingMaterials: ['结婚证'], print: false },
        'missingMaterials.0',
      ],
    ];
    for (const [body, path] of cases) {
      const r = await slip(clerk, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(!r.body.ok && r.body.error.issues?.map((i) => i.path)).toContain(path);
    }
    const notJson = await slip(clerk, 'not json at all');
    expect(notJson.status).toBe(400);
    expect(!notJson.body.ok && notJson.body.error.message).toBe('malformed JSON body');
    const unknownItem = await slip(clerk, {
      ticketId,
      kind: 'completion',
      applicantName: '王五',
      itemCode: 'NOPE',
      print: false,
    });
    expect(unknownItem.status).toBe(404);
    expect(!unknownItem.body.ok && unknownItem.body.error.message).toBe(
      'no service item NOPE in the catalog',
    );
  });

  it('SLP-7 a ticket without an item needs itemCode; printing without an agent reports why and still answers', async () => {
    const { ticketId, clerk } = await serving();
    const none = await slip(clerk, { ticketId, kind: 'completion', applicantName: '王五', print: true });
    expect(none.status).toBe(400);
    expect(!none.body.ok && none.body.error.issues).toEqual([
      { path: 'itemCode', message: 'required: the ticket has no item' },
    ]);
    const d = ok(
      await slip(clerk, {
        ticketId,
        kind: 'completion',
        applicantName: '王五',
        itemCode: ENROL,
        print: true,
      }),
    );
    expect(d.printJobId).toBeNull();
    expect(d.printError).toBe('no terminal agent is paired at window 1');
    expect(d.document.data).toMatchObject({ itemCode: ENROL, windowName: '1号窗口', result: '已办结' });
  });
});

describe('cases (SPEC CASE-*, SOD-*)', () => {
  async function accepted(o: { itemCode?: string; who?: string; windowId?: string } = {}) {
    const { ticketId, clerk } = await serving({ itemCode: o.itemCode ?? TRANSFER, ...o });
    const d = ok(
      await slip(clerk, {
        ticketId,
        kind: 'acceptance',
        applicantName: '张三',
        contactPhone: '13800000000',
        print: false,
      }),
    );
    // MAT-FILE-2: the case leaves 受理 only with its required materials captured or waived.
    await waiveMissingMaterials(server, clerk, d.case!.id);
    return d.case!.id;
  }
  /** A case step as a command over REST (the console sends the same; Socket.IO carries it too). */
  const step = async (who: string, name: string, caseId: string, extra: Record<string, unknown> = {}) =>
    server.rest<CommandResult>('POST', `/api/commands/${name}`, {
      token: await server.login(who),
      body: { caseId, ...extra },
    });
  const caseOf = (r: { status: number; body: Ack<CommandResult> }) => ok(r).case!;

  it('CASE-2 CASE-5 two levels: 审核, then 复核 by another person, then 出件; history keeps who, and the log has every step', async () => {
    const id = await accepted();
    server.clock.advance(60_000);
    expect(caseOf(await step('reviewer1', 'case:start-review', id)).status).toBe('in-review');
    const reviewed = caseOf(await step('reviewer1', 'case:approve', id, { note: '材料齐全' }));
    expect(reviewed).toMatchObject({ status: 'reviewed', reviewLevels: 2 });
    // Not effective before 复核: the rights window cannot take it yet.
    expect((await step('rights1', 'case:ready', id)).status).toBe(409);
    const rechecked = caseOf(await step('supervisor1', 'case:recheck', id, { note: '复核无误' }));
    expect(rechecked.status).toBe('approved');
    expect(caseOf(await step('rights1', 'case:ready', id)).status).toBe('ready');
    const done = caseOf(await step('rights1', 'case:hand-back', id, { note: '本人领取' }));
    expect(done.history.map((h) => [h.step, h.to])).toEqual([
      ['case:accepted', 'accepted'],
      ['case:material-waived', 'accepted'],
      ['case:material-waived', 'accepted'],
      ['case:material-waived', 'accepted'],
      ['case:review-started', 'in-review'],
      ['case:reviewed', 'reviewed'],
      ['case:rechecked', 'approved'],
      ['case:ready', 'ready'],
      ['case:handed-back', 'handed-back'],
    ]);
    expect(done.history.find((h) => h.step === 'case:reviewed')).toMatchObject({
      note: '材料齐全',
      at: server.clock.now(),
    });
    expect(Object.values(done.staff ?? {}).map((s) => s.name)).toEqual(
      expect.arrayContaining(['孙悦', '吴芳', '赵敏']),
    );
    // The log holds the case facts in commit order, and they are in the audit search.
    const audit = await server.rest<{ action: string; target: string }[]>(
      'GET',
      `/api/audit/search?q=${id}`,
      {
        token: await server.login('manager1'),
      },
    );
    expect(ok(audit).map((e) => e.action)).toEqual([
      'case:handed-back',
      'case:ready',
      'case:rechecked',
      'case:reviewed',
      'case:review-started',
      'case:material-waived',
      'case:material-waived',
      'case:material-waived',
      'case:accepted',
    ]);
    const list = ok(
      await server.rest<CaseRecord[]>('GET', '/api/cases?status=handed-back', {
        token: await server.login('manager1'),
      }),
    );
    expect(list.map((c) => c.id)).toEqual([id]);
    // The accountant reconciles approved business (LD/T 02 §7.5): reads cases, moves none.
    const accountant = await server.login('accountant1');
    expect((await server.rest('GET', '/api/cases', { token: accountant })).status).toBe(200);
  });

  it('CASE-6 reviewers and rights clerks get each step pushed on the staff socket, with the case', async () => {
    const supervisor = await server.client({ token: await server.login('supervisor1') });
    const seen: StaffFact[] = [];
    supervisor.on('staff:fact', (f) => {
      if (f.event.type.startsWith('case:')) seen.push(f);
    });
    const id = await accepted();
    await step('reviewer1', 'case:start-review', id);
    await step('reviewer1', 'case:approve', id);
    await vi.waitFor(() => expect(seen.map((f) => f.event.type)).toContain('case:reviewed'), {
      timeout: 3000,
    });
    expect(seen.map((f) => f.event.type)).toEqual([
      'case:accepted',
      'case:material-waived',
      'case:material-waived',
      'case:material-waived',
      'case:review-started',
      'case:reviewed',
    ]);
    expect(seen.at(-1)!.case).toMatchObject({ id, status: 'reviewed', reviewers: [expect.any(String)] });
    // A board gets the seq (no gap) but nothing of the case.
    supervisor.disconnect();
  });

  it('SOD-1 SOD-2 SOD-3 per case, whatever roles the person holds; the refusal names the rule', async () => {
    const admin = await server.login('admin');
    const both = ok(
      await server.rest<{ id: string }>('POST', '/api/staff', {
        token: admin,
        body: {
          username: 'clerkrev',
          name: '钱多',
          staffNumber: 'C0099',
          roles: ['clerk', 'reviewer'],
          password: 'onewindow-demo',
        },
      }),
    );
    const id = await accepted({ who: 'clerkrev', windowId: 'w2' });
    const own = await step('clerkrev', 'case:start-review', id);
    expect(own.status).toBe(409);
    expect(!own.body.ok && own.body.error).toMatchObject({
      code: 'DUTY_CONFLICT',
      message: expect.stringMatching(/^SOD-1/),
      messageZh: expect.stringContaining('不得审核'),
    });
    expect(caseOf(await step('reviewer1', 'case:start-review', id)).status).toBe('in-review');
    expect(caseOf(await step('reviewer1', 'case:approve', id)).status).toBe('reviewed');
    // reviewer1 becomes a 复核 supervisor later: still never re-checks the case they reviewed.
    const reviewer1 = ok(
      await server.rest<{ id: string; username: string }[]>('GET', '/api/staff', { token: admin }),
    ).find((s) => s.username === 'reviewer1')!;
    expect(
      (
        await server.rest('PUT', `/api/staff/${reviewer1.id}/roles`, {
          token: admin,
          body: { roles: ['review-supervisor'] },
        })
      ).status,
    ).toBe(200);
    const ownReview = await step('reviewer1', 'case:recheck', id);
    expect(!ownReview.body.ok && ownReview.body.error.message).toMatch(/^SOD-2/);
    // The acceptor, made a supervisor, never re-checks what they accepted.
    await server.rest('PUT', `/api/staff/${both.id}/roles`, {
      token: admin,
      body: { roles: ['review-supervisor'] },
    });
    const ownIntake = await step('clerkrev', 'case:recheck', id);
    expect(!ownIntake.body.ok && ownIntake.body.error.message).toMatch(/^SOD-3/);
    expect(caseOf(await step('supervisor1', 'case:recheck', id)).status).toBe('approved');
  });

  it('CASE-2 一次性补正: the reviewer asks for every missing material; the window takes them and the case is back for review', async () => {
    const id = await accepted();
    await step('reviewer1', 'case:start-review', id);
    const unknown = await step('reviewer1', 'case:request-supplement', id, { missingMaterials: ['结婚证'] });
    expect(unknown.status).toBe(400);
    expect(!unknown.body.ok && unknown.body.error.issues?.map((i) => i.path)).toEqual(['missingMaterials.0']);
    const asked = caseOf(
      await step('reviewer1', 'case:request-supplement', id, {
        missingMaterials: ['参保缴费凭证'],
        note: '缴费凭证不清晰',
      }),
    );
    expect(asked).toMatchObject({ status: 'supplementing', missing: ['参保缴费凭证'] });
    expect((await step('reviewer1', 'case:supplement', id)).status).toBe(403);
    const back = caseOf(await step('clerk2', 'case:supplement', id, { note: '已收原件' }));
    expect(back).toMatchObject({ status: 'accepted', missing: [] });
    expect(back.intake).toHaveLength(2);
  });

  it('CASE-3 CASE-4 refusals: wrong post FORBIDDEN, out of order CONFLICT, unknown case 404, bad body 400; nothing written', async () => {
    const id = await accepted();
    const seq = server.app.service.queue.lastSeq;
    expect((await step('clerk1', 'case:start-review', id)).status).toBe(403);
    expect((await step('rights1', 'case:start-review', id)).status).toBe(403);
    expect((await step('manager1', 'case:start-review', id)).status).toBe(403);
    const skip = await step('reviewer1', 'case:approve', id);
    expect(skip.status).toBe(409);
    expect(!skip.body.ok && skip.body.error.message).toBe(
      `case ${id} is accepted; case:approve does not apply to it`,
    );
    expect((await step('reviewer1', 'case:start-review', 'SL000')).status).toBe(404);
    expect((await step('reviewer1', 'case:start-review', id, { to: 'finished' })).status).toBe(400);
    expect(caseOf(await step('reviewer1', 'case:start-review', id)).status).toBe('in-review');
    // CASE-4: a return without its reason does not move the case.
    const bare = await step('reviewer1', 'case:return', id);
    expect(bare.status).toBe(400);
    expect(!bare.body.ok && bare.body.error.issues?.map((i) => i.path)).toEqual(['note']);
    expect(server.app.service.queue.lastSeq).toBe(seq + 1);
    expect(caseOf(await step('reviewer1', 'case:return', id, { note: '缺少退休审批表' })).status).toBe(
      'returned',
    );
    for (const who of ['guide1', 'admin'])
      expect((await server.rest('GET', '/api/cases', { token: await server.login(who) })).status, who).toBe(
        403,
      );
    expect(
      (await server.rest('GET', '/api/cases?status=lost', { token: await server.login('reviewer1') })).status,
    ).toBe(400);
    expect((await server.rest('GET', '/api/cases')).status).toBe(401);
  });

  it('UOW-2 a retried case step answers the first result and writes nothing new', async () => {
    const id = await accepted();
    const token = await server.login('reviewer1');
    const send = () =>
      server.rest<CommandResult>('POST', '/api/commands/case:start-review', {
        token,
        body: { caseId: id },
        headers: { 'idempotency-key': 'click-1' },
      });
    const first = await send();
    expect(first.status).toBe(201);
    const seq = server.app.service.queue.lastSeq;
    const again = await send();
    expect(again.status).toBe(200);
    expect(ok(again)).toMatchObject({ replayed: true, seq: ok(first).seq });
    expect(server.app.service.queue.lastSeq).toBe(seq);
  });
});

describe('deadlines (SPEC CAL-3)', () => {
  const deadline = async (q: string, token?: string) =>
    server.rest<DeadlineResult>('GET', `/api/calendar/deadline?${q}`, token ? { token } : {});

  it('CAL-1 CAL-3 counts across 国庆 2026 with its 调休 Saturday and across 春节 2026', async () => {
    const t = await server.login('clerk1');
    expect(ok(await deadline('from=2026-09-30&workingDays=3', t))).toEqual({
      date: '2026-10-10',
      workingDays: 3,
    });
    expect(ok(await deadline('from=2026-09-30&workingDays=1', t))).toEqual({
      date: '2026-10-08',
      workingDays: 1,
    });
    expect(ok(await deadline('from=2026-02-13&workingDays=2', t))).toEqual({
      date: '2026-02-24',
      workingDays: 2,
    });
    expect(ok(await deadline('from=2026-02-13&workingDays=6', t))).toEqual({
      date: '2026-02-28',
      workingDays: 6,
    });
  });

  it('CAL-3 refuses bad queries with 400 and anonymous callers with 401', async () => {
    const t = await server.login('clerk1');
    for (const q of [
      'from=2026-02-30&workingDays=1',
      'from=2026-09-30',
      'from=2026-09-30&workingDays=-1',
      'from=x&workingDays=1',
      'from=2026-09-30&workingDays=1&x=2',
    ])
      expect((await deadline(q, t)).status, q).toBe(400);
    expect((await deadline('from=2026-09-30&workingDays=1')).status).toBe(401);
  });
});

describe('counter identity check (SPEC CTR-1, CTR-2)', () => {
  const read = (idNumber: string): CardRead => ({
    source: 'resident-id',
    idNumber,
    name: '张三丰',
    sex: '男',
    birthDate: '1980-01-01',
    address: '安徽省合肥市',
  });
  const emitCard = (agent: HallClient, card: CardRead) =>
    new Promise<Ack<{ relayed: number }>>((resolve) =>
      (agent.emit as (e: string, ...a: unknown[]) => void)('device:card', card, resolve),
    );

  it('CTR-1 CTR-2 the clerk at the window gets the card masked, matched against the ticket held, with the name for the slip; no one else does', async () => {
    const agent = await server.client({ deviceToken: await server.pairDevice('agent', 'w1') });
    const { ticketId, clerk } = await serving({ itemCode: ENROL, idNumber: ID });
    const clerkSocket = await server.client({ token: clerk });
    const otherClerk = await server.client({ token: await server.login('clerk2') });
    const guide = await server.client({ token: await server.login('guide1') });
    const leaks: unknown[] = [];
    for (const s of [otherClerk, guide])
      s.on('counter:card', (x) => {
        leaks.push(x);
      });

    const got = nextEvent<CounterCard>(clerkSocket, 'counter:card');
    expect((await emitCard(agent, read(ID))).ok).toBe(true);
    const card = await got;
    expect(card).toEqual({
      windowId: 'w1',
      masked: '340***********001X',
      maskedName: '张*丰',
      source: 'resident-id',
      matchesTicket: true,
      ticketId,
      // CTR-2: the serving clerk gets the name for the slip.
      applicantName: '张三丰',
    });
    expect(JSON.stringify(card)).not.toContain(ID);

    const other = nextEvent<CounterCard>(clerkSocket, 'counter:card');
    await emitCard(agent, read('11010519491231002X'));
    const stranger = await other;
    expect(stranger).toMatchObject({ matchesTicket: false, ticketId, masked: '110***********002X' });
    // CTR-2: never a stranger's name for this citizen's slip.
    expect(stranger.applicantName).toBeUndefined();
    // The same number typed with a lower-case x still matches (the holder reference normalises it).
    const lower = nextEvent<CounterCard>(clerkSocket, 'counter:card');
    await emitCard(agent, read(ID.toLowerCase()));
    expect((await lower).matchesTicket).toBe(true);
    expect(leaks).toEqual([]);
    // CTR-2 / SEC-NTK-2: each name handed to the clerk is in the read trail; the stranger's is not.
    const trail = await server.rest<PiiReadEntry[]>('GET', `/api/pii-reads?ticketId=${ticketId}`, {
      token: await server.login('manager1'),
    });
    expect(trail.body.ok).toBe(true);
    const cardReads = trail.body.ok ? trail.body.data.filter((r) => r.subject === 'counter-card') : [];
    expect(cardReads.map((r) => [r.subjectId, r.purpose, r.ticketId])).toEqual([
      ['resident-id', 'serving', ticketId],
      ['resident-id', 'serving', ticketId],
    ]);
  });

  it('CTR-1 CTR-2 with no ticket at the window matchesTicket is null and no name; a ticket without identity is null too', async () => {
    const agent = await server.client({ deviceToken: await server.pairDevice('agent', 'w1') });
    const clerk = await server.login('clerk1');
    await cmd(clerk, 'window:open', { windowId: 'w1' });
    const socket = await server.client({ token: clerk });
    const idle = nextEvent<CounterCard>(socket, 'counter:card');
    await emitCard(agent, read(ID));
    const idleCard = await idle;
    expect(idleCard).toMatchObject({ matchesTicket: null, ticketId: null });
    // CTR-2: no ticket held, nobody served: no name.
    expect(idleCard.applicantName).toBeUndefined();

    await serving({ itemCode: ENROL });
    const anonymous = nextEvent<CounterCard>(socket, 'counter:card');
    await emitCard(agent, read(ID));
    expect(await anonymous).toMatchObject({
      matchesTicket: null,
      ticketId: '20261126-A001',
      applicantName: '张三丰',
    });
  });
});
