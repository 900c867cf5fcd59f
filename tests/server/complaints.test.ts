import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type {
  ComplaintContact,
  ComplaintDetail,
  ComplaintImportResult,
  ComplaintList,
} from '@onewindow/shared';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyComplaintFact, type ComplaintEvent } from '../../queue-server/src/domain/complaints.ts';
import { PiiCodec } from '../../queue-server/src/security/codec.ts';
import { DataCipher } from '../../queue-server/src/security/crypto.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const PHONE = '13812345678';
const NAME = '李建国';
let server: TestServer;
const tokens = new Map<string, string>();
const tok = async (who: string) => {
  if (!tokens.has(who)) tokens.set(who, await server.login(who));
  return tokens.get(who)!;
};
const post = async <T>(who: string, path: string, body: unknown) =>
  server.rest<T>('POST', path, { token: await tok(who), body, headers: { 'idempotency-key': randomUUID() } });
const get = async <T>(who: string, path: string) => server.rest<T>('GET', path, { token: await tok(who) });
const staffId = async (who: string) => {
  const r = await get<{ id: string }>(who, '/api/auth/me');
  if (!r.body.ok) throw new Error('me');
  return r.body.data.id;
};

beforeEach(async () => {
  tokens.clear();
  server = await startTestServer();
});
afterEach(async () => {
  await server.close({ removeDb: true });
});

const register = (who: string, extra: object = {}) =>
  post<ComplaintDetail>(who, '/api/complaints', {
    channel: 'phone',
    subject: { kind: 'window', ref: '1' },
    name: NAME,
    phone: PHONE,
    content: `${NAME}反映窗口态度差，电话${PHONE}`,
    ...extra,
  });

describe('complaints register (CMP-1..6)', () => {
  it('CMP-1, CMP-3: registered, assigned, noted, replied and closed, each a fact; the projection equals a replay (CMP-2)', async () => {
    const r = await register('guide1');
    expect(r.status).toBe(201);
    if (!r.body.ok) throw new Error(r.body.error.message);
    const c = r.body.data;
    expect(c.status).toBe('registered');
    expect(c.subject).toMatchObject({ kind: 'window', label: '1号窗口' });
    expect(c.contactMasked).toBe('李*国 138****5678');
    // Not yet assigned: the clerk who is not its handler may not reply.
    const clerk = await staffId('clerk1');
    const early = await post('clerk1', `/api/complaints/${c.id}/reply`, { channel: 'phone', note: '已回复' });
    expect(early.body.ok).toBe(false);
    // Only a manager assigns.
    expect((await post('guide1', `/api/complaints/${c.id}/assign`, { handlerId: clerk })).status).toBe(403);
    const a = await post<ComplaintDetail>('manager1', `/api/complaints/${c.id}/assign`, { handlerId: clerk });
    expect(a.body.ok && a.body.data.status).toBe('assigned');
    // Closing before a reply is refused (§13.3: the complainant is answered first).
    const tooSoon = await post('clerk1', `/api/complaints/${c.id}/close`, {
      satisfaction: 'satisfied',
      upheld: false,
    });
    expect(tooSoon.body.ok === false && tooSoon.body.error.code).toBe('CONFLICT');
    // A note with a phone number is refused (SEC-TXT-2).
    const leaky = await post('clerk1', `/api/complaints/${c.id}/notes`, { note: `回访${PHONE}` });
    expect(leaky.status).toBe(400);
    expect((await post('clerk1', `/api/complaints/${c.id}/notes`, { note: '调取录像，属实' })).body.ok).toBe(
      true,
    );
    expect(
      (await post('clerk1', `/api/complaints/${c.id}/reply`, { channel: 'phone', note: '已致歉并说明整改' }))
        .body.ok,
    ).toBe(true);
    const noRect = await post('clerk1', `/api/complaints/${c.id}/close`, {
      satisfaction: 'satisfied',
      upheld: true,
    });
    expect(noRect.status).toBe(400);
    const closed = await post<ComplaintDetail>('clerk1', `/api/complaints/${c.id}/close`, {
      satisfaction: 'basically-satisfied',
      upheld: true,
      rectification: '窗口人员培训',
    });
    if (!closed.body.ok) throw new Error(closed.body.error.message);
    expect(closed.body.data.status).toBe('closed');
    expect(closed.body.data.history.map((h) => h.type)).toEqual([
      'complaint:registered',
      'complaint:assigned',
      'complaint:noted',
      'complaint:replied',
      'complaint:closed',
    ]);
    // A closed complaint stays closed.
    expect((await post('manager1', `/api/complaints/${c.id}/notes`, { note: '补充' })).status).toBe(409);
    // CMP-2: a replay of the log's complaint facts gives the projection.
    const db = new Database(server.dbPath, { readonly: true });
    const rows = db
      .prepare("SELECT seq, body FROM events WHERE type LIKE 'complaint:%' ORDER BY seq")
      .all() as { seq: number; body: string }[];
    db.close();
    expect(rows.map((r) => r.body).join('\n')).not.toContain(PHONE);
    expect(rows.map((r) => r.body).join('\n')).not.toContain('调取录像'); // notes are sealed (SEC-ENC-2)
    const live = await get<ComplaintDetail>('manager1', `/api/complaints/${c.id}`);
    if (!live.body.ok) throw new Error('detail');
    const { overdue: _o, staff: _s, links: _l, ...projected } = live.body.data;
    const codec = new PiiCodec(new DataCipher(TEST_KEYS));
    let folded: ReturnType<typeof applyComplaintFact> | undefined;
    for (const r of rows)
      folded = applyComplaintFact(folded, codec.parse<ComplaintEvent>(r.body, `events:${r.seq}`));
    expect(folded).toEqual(projected);
  });

  it('CMP-4: the contact is sealed at rest, masked in lists, read only by the handler or a manager, each read recorded', async () => {
    const r = await register('clerk1');
    if (!r.body.ok) throw new Error(r.body.error.message);
    const id = r.body.data.id;
    const list = await get<ComplaintList>('manager1', '/api/complaints');
    const text = JSON.stringify(list.body);
    expect(text).toContain('138****5678');
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain(NAME);
    const raw = readFileSync(server.dbPath).toString('latin1') + readWal(server.dbPath);
    expect(raw).not.toContain(PHONE);
    // The registering clerk is not the handler: no contact.
    expect(
      (await get('clerk1', `/api/complaints/${id}/contact?purpose=${encodeURIComponent('回访')}`)).status,
    ).toBe(403);
    const m = await get<ComplaintContact>(
      'manager1',
      `/api/complaints/${id}/contact?purpose=${encodeURIComponent('核实投诉')}`,
    );
    expect(m.body.ok && m.body.data).toMatchObject({ name: NAME, phone: PHONE });
    const reads = await get<{ subject: string; subjectId: string; purpose: string }[]>(
      'manager1',
      '/api/pii-reads',
    );
    if (!reads.body.ok) throw new Error(reads.body.error.message);
    expect(reads.body.data).toContainEqual(
      expect.objectContaining({ subject: 'complaint', subjectId: id, purpose: 'manager: 核实投诉' }),
    );
  });

  it('CMP-5: the deadline counts working days across 调休 (2026-09-30 + 5 → 10-13: 国庆 off, Saturday 10-10 worked); overdue shows to the manager', async () => {
    const received = Date.UTC(2026, 8, 30, 2, 0); // 2026-09-30 10:00 Beijing
    const r = await register('manager1', { receivedAt: received, workingDays: 5 });
    if (!r.body.ok) throw new Error(r.body.error.message);
    expect(r.body.data.deadline).toBe('2026-10-13');
    // The test clock is 2026-11-26: long past, so it is overdue and listed as such.
    const overdue = await get<ComplaintList>('manager1', '/api/complaints?status=overdue');
    if (!overdue.body.ok) throw new Error('list');
    expect(overdue.body.data.complaints.map((c) => c.id)).toEqual([r.body.data.id]);
    expect(overdue.body.data.counts.overdue).toBe(1);
    // A fresh one is not.
    await register('manager1');
    const again = await get<ComplaintList>('manager1', '/api/complaints?status=overdue');
    expect(again.body.ok && again.body.data.counts).toMatchObject({ overdue: 1, total: 2 });
  });

  it('CMP-6: a complaint about a ticket shows its ratings and bad-rating follow-up', async () => {
    const issued = await post<{ facts: { type: string; ticket?: { id: string } }[] }>(
      'guide1',
      '/api/commands/ticket:issue',
      { categoryId: 'A' },
    );
    if (!issued.body.ok) throw new Error(issued.body.error.message);
    const ticketId = issued.body.data.facts[0]!.ticket!.id;
    for (const [name, payload] of [
      ['window:open', { windowId: 'w1' }],
      ['ticket:call-next', { windowId: 'w1' }],
      ['ticket:start', { windowId: 'w1' }],
      ['ticket:finish', { windowId: 'w1', outcome: 'completed' }],
    ] as const) {
      const x = await post('clerk1', `/api/commands/${name}`, payload);
      if (!x.body.ok) throw new Error(`${name} ${x.body.error.message}`);
    }
    const pad = await server.pairDevice('rating-pad', 'w1');
    const rated = await server.rest('POST', '/api/commands/ticket:rate', {
      deviceToken: pad,
      body: { ticketId, level: 1, reasons: ['attitude'] },
    });
    expect(rated.body.ok).toBe(true);
    const r = await register('manager1', { subject: { kind: 'ticket', ref: ticketId } });
    if (!r.body.ok) throw new Error(r.body.error.message);
    expect(r.body.data.ticketId).toBe(ticketId);
    expect(r.body.data.links.ratings).toEqual([expect.objectContaining({ level: 1, reasons: ['attitude'] })]);
    expect(r.body.data.links.followUp).toMatchObject({ status: 'open' });
  });

  it('CMP-1: an unknown subject is refused in Chinese; a bad phone is refused', async () => {
    const r = await register('manager1', { subject: { kind: 'window', ref: '99' } });
    expect(r.status).toBe(400);
    expect(r.body.ok === false && r.body.error.messageZh).toContain('没有窗口');
    expect((await register('manager1', { phone: '12345' })).status).toBe(400);
  });
});

function readWal(dbPath: string): string {
  try {
    return readFileSync(`${dbPath}-wal`).toString('latin1');
  } catch {
    return '';
  }
}

const CSV_HEADER = '工单编号,受理时间,诉求人,联系电话,诉求内容,涉及对象类型,涉及对象,办理时限';

describe('12345 work-order import (CMP-7)', () => {
  it('CMP-7: a good file imports in one unit; a re-import skips every work order; the contacts are sealed', async () => {
    const csv = [
      CSV_HEADER,
      `GD20261120001,2026-11-20 09:15,张三,13900001111,排队时间过长,大厅,,5`,
      `GD20261120002,2026-11-21 14:00,王五,13900002222,"窗口人员解释不清,态度冷淡",窗口,2,`,
    ].join('\n');
    const first = await post<ComplaintImportResult>('manager1', '/api/complaints/import', {
      csv: `\uFEFF${csv}`,
    });
    if (!first.body.ok) throw new Error(JSON.stringify(first.body.error));
    expect(first.body.data).toEqual({ imported: ['GD20261120001', 'GD20261120002'], skipped: [] });
    const list = await get<ComplaintList>('manager1', '/api/complaints');
    if (!list.body.ok) throw new Error('list');
    const byNo = new Map(list.body.data.complaints.map((c) => [c.workOrderNo, c]));
    expect(byNo.get('GD20261120001')).toMatchObject({
      channel: '12345',
      deadline: '2026-11-27',
      workingDays: 5,
    });
    expect(byNo.get('GD20261120002')?.subject.label).toBe('2号窗口');
    expect(JSON.stringify(list.body)).not.toContain('13900001111');
    const again = await post<ComplaintImportResult>('manager1', '/api/complaints/import', { csv });
    expect(again.body.ok && again.body.data).toEqual({
      imported: [],
      skipped: ['GD20261120001', 'GD20261120002'],
    });
    const after = await get<ComplaintList>('manager1', '/api/complaints');
    expect(after.body.ok && after.body.data.counts.total).toBe(2);
    // JSON rows with English keys import too.
    const json = await post<ComplaintImportResult>('manager1', '/api/complaints/import', {
      workOrders: [
        {
          workOrderNo: 'GD3',
          receivedAt: '2026-11-22',
          name: '赵六',
          phone: '010-88886666',
          content: '材料要求反复',
        },
      ],
    });
    expect(json.body.ok && json.body.data.imported).toEqual(['GD3']);
  });

  it('CMP-7: bad rows refuse the whole file with each row’s error in Chinese', async () => {
    const csv = [
      CSV_HEADER,
      `GD1,2026-11-20 09:15,张三,13900001111,排队时间过长,,,`,
      `GD2,昨天,王五,139,内容,窗口,2,`,
      `GD1,2026-11-20 10:00,李四,13900003333,重复,,,`,
      `GD4,2026-11-20 10:00,李四,13900003333,对象不存在,窗口,77,`,
    ].join('\n');
    const r = await post('manager1', '/api/complaints/import', { csv });
    expect(r.status).toBe(400);
    if (r.body.ok) throw new Error('accepted');
    const issues = r.body.error.issues ?? [];
    expect(issues.map((i) => i.path).sort()).toEqual(
      ['rows.2.phone', 'rows.2.receivedAt', 'rows.3.workOrderNo', 'rows.4.subjectRef'].sort(),
    );
    expect(issues.find((i) => i.path === 'rows.2.receivedAt')?.messageZh).toBe(
      '第2行：受理时间应为 YYYY-MM-DD HH:mm',
    );
    expect(issues.find((i) => i.path === 'rows.3.workOrderNo')?.message).toContain('重复');
    const list = await get<ComplaintList>('manager1', '/api/complaints');
    expect(list.body.ok && list.body.data.counts.total).toBe(0);
    // A clerk may not import.
    expect((await post('clerk1', '/api/complaints/import', { csv })).status).toBe(403);
  });
});
