import type { ComplaintDetail } from '@onewindow/shared';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImprovementSummary } from '../../queue-server/src/domain/supervision.ts';
import { startTestServer, T0, TestClock, type TestServer } from '../support/server.ts';

/**
 * The service-improvement summary (§13.4) over a seeded November: ratings of known levels and
 * reasons at two windows by two clerks, a bad rating's follow-up closed with its rectification, a
 * complaint about a window closed upheld, and the manager's measures (IMP-1..4).
 */
const NAME = '段正淳';
const PHONE = '13555556666';
let server: TestServer;
let summary: ImprovementSummary;
let manager: string;
const clock = new TestClock(T0); // 2026-11-26 09:00

function exec(cmd: object) {
  const r = server.app.service.execute(cmd as never);
  if (!r.ok) throw new Error(`${(cmd as { type: string }).type}: ${r.error.message}`);
  return r.events;
}

beforeAll(async () => {
  server = await startTestServer({ clock });
  const staff = server.app.hall.auth.allStaff();
  const id = (u: string) => staff.find((s) => s.username === u)!.id;
  manager = id('manager1');
  const item = server.app.hall.catalog.items().find((i) => i.categoryId === 'A')!.code;
  for (const [w, clerk] of [
    ['w1', id('clerk1')],
    ['w2', id('clerk2')],
  ] as const)
    exec({ type: 'window:open', windowId: w, clerkId: clerk });
  const plan: [string, number, string[]][] = [
    ['w1', 5, []],
    ['w1', 1, ['attitude', 'waiting']],
    ['w2', 4, []],
    ['w2', 2, ['efficiency']],
    ['w2', 5, []],
  ];
  const tickets: string[] = [];
  for (const [w, level, reasons] of plan) {
    const issued = exec({
      type: 'ticket:issue',
      categoryId: 'A',
      itemCode: item,
      source: 'guide',
      by: manager,
    });
    const t = (issued[0] as { ticket: { id: string } }).ticket.id;
    tickets.push(t);
    exec({ type: 'ticket:call-next', windowId: w });
    exec({ type: 'ticket:start', windowId: w });
    clock.advance(60_000);
    exec({ type: 'ticket:finish', windowId: w, outcome: 'completed' });
    exec({ type: 'ticket:rate', ticketId: t, level, reasons, channel: 'pad' });
  }
  const fu = server.app.hall.followUps.setStatus(tickets[1]!, manager, {
    status: 'closed',
    rectification: '窗口服务规范培训',
  });
  if (!fu.ok) throw new Error(fu.error.message);
  const actor = { id: manager, manager: true };
  const c = server.app.hall.complaints.register(actor, {
    channel: 'online',
    subject: { kind: 'window', ref: '2' },
    name: NAME,
    phone: PHONE,
    content: '办理太慢',
  });
  if (!c.ok) throw new Error(c.error.message);
  for (const step of [
    { type: 'complaint:assign', complaintId: c.data.id, handlerId: manager },
    { type: 'complaint:reply', complaintId: c.data.id, channel: 'phone', note: '已答复' },
    {
      type: 'complaint:close',
      complaintId: c.data.id,
      satisfaction: 'satisfied',
      upheld: true,
      rectification: '增配人手',
    },
  ] as const) {
    const s: { ok: boolean } & Partial<{ data: ComplaintDetail }> = server.app.hall.complaints.step(
      actor,
      step,
    );
    if (!s.ok) throw new Error('step');
  }
  const token = await server.login('manager1');
  const m = await server.rest('POST', '/api/improvement/2026-11/measures', {
    token,
    body: { note: '高峰时段弹性排班；每周服务规范复盘' },
  });
  if (!m.body.ok) throw new Error(m.body.error.message);
  const r = await server.rest<ImprovementSummary>('GET', '/api/improvement?period=2026-11', { token });
  if (!r.body.ok) throw new Error(r.body.error.message);
  summary = r.body.data;
}, 60_000);
afterAll(async () => {
  await server.close({ removeDb: true });
});

describe('service-improvement summary (IMP-*)', () => {
  it('IMP-1: ratings by level, 好评率 and bad-rating reasons per window and clerk equal a recount of the log', () => {
    const db = new Database(server.dbPath, { readonly: true });
    const rated = (
      db.prepare("SELECT body FROM events WHERE type = 'ticket:rated'").all() as { body: string }[]
    ).map((r) => JSON.parse(r.body) as { windowId: string; level: number; reasons: string[] });
    db.close();
    for (const w of ['w1', 'w2']) {
      const mine = rated.filter((r) => r.windowId === w);
      const row = summary.byWindow.find((x) => x.key === w)!;
      expect(row.ratings).toBe(mine.length);
      const good = mine.filter((r) => r.level >= 4).length;
      expect(row.goodRate).toBe(Math.round((good / mine.length) * 10000) / 100);
      const reasons: Record<string, number> = {};
      for (const r of mine.filter((x) => x.level <= 2))
        for (const why of r.reasons) reasons[why] = (reasons[why] ?? 0) + 1;
      expect(row.badReasons).toEqual(reasons);
    }
    expect(summary.hall.ratings).toBe(5);
    expect(summary.hall.goodRate).toBe(60);
    expect(summary.byClerk.map((c) => c.label)).toEqual(
      expect.arrayContaining(['李强（C0001）', '张敏（C0002）']),
    );
    expect(summary.byWindow.find((w) => w.key === 'w2')).toMatchObject({
      label: '2号窗口',
      complaints: 1,
      complaintsUpheld: 1,
    });
  });

  it('IMP-2, IMP-3: rectifications from follow-ups and complaints, and the measures recorded as a fact', () => {
    expect(summary.rectifications.map((r) => [r.source, r.text])).toEqual(
      expect.arrayContaining([
        ['follow-up', '窗口服务规范培训'],
        ['complaint', '增配人手'],
      ]),
    );
    expect(summary.measures?.note).toBe('高峰时段弹性排班；每周服务规范复盘');
    expect(summary.complaintOutcomes).toEqual({ bySatisfaction: { satisfied: 1 }, byChannel: { online: 1 } });
  });

  it('IMP-4: CSV and XLSX exports carry the figures and no personal data', async () => {
    const token = await server.login('manager1');
    const csv = await (
      await fetch(`${server.url}/api/improvement?period=2026-11&format=csv`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).text();
    expect(csv).toContain('2号窗口');
    expect(csv).toContain('增配人手');
    const xres = await fetch(`${server.url}/api/improvement?period=2026-11&format=xlsx`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await xres.arrayBuffer()) as never);
    expect(wb.getWorksheet('概况')!.getRow(3).getCell(2).value).toBe(5);
    const all: string[] = [csv];
    wb.eachSheet((ws) => ws.eachRow((r) => all.push(JSON.stringify(r.values))));
    for (const p of [NAME, PHONE]) expect(all.join('\n')).not.toContain(p);
    const clerk = await server.login('clerk1');
    expect((await server.rest('GET', '/api/improvement?period=2026-11', { token: clerk })).status).toBe(403);
    expect((await server.rest('GET', '/api/improvement?period=2026-13', { token })).status).toBe(400);
  });
});
