import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBody, RiskEntry, RiskFact } from '@onewindow/shared';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HalfYearReport } from '../../queue-server/src/domain/supervision.ts';
import { startTestServer, TestClock, type TestServer } from '../support/server.ts';

/**
 * A seeded half year (2026-H2) with days on both sides of it: tickets served and rated, cases
 * finished on time and late, complaints, follow-ups and RISK's facts injected at known places
 * (as facts of the contract, until the risk branch is merged). The report's figures must equal
 * a recount written here from the raw event rows, independently of the fold (HYR-2).
 */
const OFFSET = 480;
const at = (day: string, hh = 10, mm = 0) =>
  Date.parse(`${day}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+08:00`);
const dayOf = (t: number) => new Date(t + OFFSET * 60_000).toISOString().slice(0, 10);
const NAMES = ['欧阳锋', '黄药师'];
const PHONES = ['13911112222', '13733334444'];
const LIST_V1: RiskEntry[] = [
  {
    code: 'CZ-01',
    category: '操作',
    name: '一人多岗',
    description: '同一人办理同一案件两个环节',
    probability: 'medium',
    severity: 'high',
    prevention: '不相容岗位分离',
    disposalDays: 3,
  },
];
const LIST_V2: RiskEntry[] = [
  ...LIST_V1,
  {
    code: 'DD-01',
    category: '道德',
    name: '违规办理',
    description: '同一参保人短期多次办理',
    probability: 'low',
    severity: 'high',
    prevention: '复核抽查',
    disposalDays: 5,
  },
];

let server: TestServer;
let dir: string;
const clock = new TestClock(at('2026-06-29', 9));
let report: HalfYearReport;

function append(facts: (EventBody | RiskFact)[]) {
  const r = server.app.hall.hall.run({ type: 'test:inject' }, (uow) => {
    uow.append(facts as EventBody[]);
  });
  if (!r.ok) throw new Error(r.error.message);
}
function exec(cmd: object) {
  const r = server.app.service.execute(cmd as never);
  if (!r.ok) throw new Error(`${(cmd as { type: string }).type}: ${r.error.message}`);
  return r.events;
}

/** One business day: four tickets served at w1 and rated [1, 3, 5, 4], then the day closed. */
function serveDay(day: string, clerk: string) {
  clock.t = at(day, 9);
  exec({ type: 'window:open', windowId: 'w1', clerkId: clerk });
  const ids: string[] = [];
  for (const level of [1, 3, 5, 4]) {
    const issued = exec({
      type: 'ticket:issue',
      categoryId: 'A',
      itemCode: null,
      source: 'guide',
      by: clerk,
    });
    const id = (issued[0] as { ticket: { id: string } }).ticket.id;
    ids.push(id);
    clock.t += 60_000;
    exec({ type: 'ticket:call-next', windowId: 'w1' });
    exec({ type: 'ticket:start', windowId: 'w1' });
    clock.t += 120_000;
    exec({ type: 'ticket:finish', windowId: 'w1', outcome: 'completed' });
    exec({
      type: 'ticket:rate',
      ticketId: id,
      level,
      reasons: level <= 2 ? ['attitude'] : [],
      channel: 'pad',
    });
  }
  clock.t = at(day, 17, 30);
  exec({ type: 'window:close', windowId: 'w1' });
  exec({ type: 'day:close', by: clerk, reason: '日结' });
  return ids;
}

const alert = (id: string, ruleId: string, riskCode: string, dueDay: string): RiskFact => ({
  type: 'risk:alert-raised',
  alertId: id,
  ruleId,
  riskCode,
  subject: { kind: 'window', id: 'w1' },
  detail: 'seeded',
  dueDay,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-hyr-'));
  server = await startTestServer({ dir, clock });
  const staff = server.app.hall.auth.allStaff();
  const clerk = staff.find((s) => s.username === 'clerk1')!.id;
  const manager = staff.find((s) => s.username === 'manager1')!.id;
  const h = server.app.hall;

  // H1: a list, an alert and a day of service, all outside the half year (but the list counts as "as it stood").
  clock.t = at('2026-06-29', 8);
  append([{ type: 'risk:list-published', version: 1, entries: LIST_V1, by: 'admin-1' }]);
  append([alert('AL-H1', 'R-SOD', 'CZ-01', '2026-07-02')]);
  serveDay('2026-06-30', clerk);

  // H2 day 1: alerts, an interception, an override; a case finished on time, one late, one open.
  serveDay('2026-07-01', clerk);
  clock.t = at('2026-07-01', 18);
  append([alert('AL-1', 'R-SOD', 'CZ-01', '2026-07-06'), alert('AL-2', 'R-FAST', 'CZ-01', '2026-07-03')]);
  append([
    {
      type: 'risk:intercepted',
      ruleId: 'R-SOD',
      riskCode: 'CZ-01',
      command: 'case:approve',
      actorId: clerk,
      subject: { kind: 'case', id: 'C-1' },
    },
    {
      type: 'risk:intercepted',
      ruleId: 'R-SOD',
      riskCode: 'CZ-01',
      command: 'case:approve',
      actorId: clerk,
      subject: { kind: 'case', id: 'C-2' },
    },
    {
      type: 'risk:overridden',
      ruleId: 'R-SOD',
      riskCode: 'CZ-01',
      command: 'case:approve',
      actorId: clerk,
      supervisorId: manager,
      reason: '主管核实后放行',
    },
  ]);
  const kase = (id: string, deadline: string) =>
    ({
      type: 'case:accepted',
      caseId: id,
      by: clerk,
      note: null,
      to: 'accepted',
      ticketId: `t-${id}`,
      ticketNumber: 'A001',
      itemCode: 'X',
      itemName: '测试事项',
      reviewLevels: 1,
      deadline,
      workingDays: 5,
      receivedMaterials: [],
    }) as EventBody;
  append([
    kase('C-1', '2026-07-08'),
    kase('C-2', '2026-07-08'),
    kase('C-3', '2026-07-08'),
    kase('C-4', '2026-07-08'),
  ]);
  clock.t = at('2026-07-03', 10);
  append([{ type: 'case:reviewed', caseId: 'C-1', by: manager, note: null, to: 'approved' } as EventBody]);
  append([{ type: 'case:ready', caseId: 'C-1', by: clerk, note: null, to: 'ready' } as EventBody]);
  append([
    {
      type: 'case:returned',
      caseId: 'C-4',
      by: manager,
      note: '材料不符',
      to: 'returned',
      level: 'review',
    } as EventBody,
  ]);
  // AL-2 disposed late (due 07-03), AL-1 on time.
  clock.t = at('2026-07-06', 10);
  append([
    { type: 'risk:alert-assigned', alertId: 'AL-1', ownerId: manager, by: manager },
    { type: 'risk:alert-disposed', alertId: 'AL-1', disposition: 'false-alarm', note: '误报', by: manager },
    { type: 'risk:alert-disposed', alertId: 'AL-2', disposition: 'confirmed', note: '属实', by: manager },
    { type: 'risk:alert-escalated', alertId: 'AL-2', to: 'manager' },
  ]);
  clock.t = at('2026-07-20', 10);
  append([{ type: 'case:ready', caseId: 'C-2', by: clerk, note: null, to: 'ready' } as EventBody]);
  append([
    { type: 'case:handed-back', caseId: 'C-2', by: clerk, note: null, to: 'handed-back' } as EventBody,
  ]);

  // A new list version in the half year: its categories are what the report lists at the end.
  clock.t = at('2026-09-01', 9);
  append([{ type: 'risk:list-published', version: 2, entries: LIST_V2, by: 'admin-1' }]);
  append([alert('AL-3', 'R-REPEAT', 'DD-01', '2026-09-08')]); // never disposed: overdue
  serveDay('2026-09-01', clerk);

  // Complaints: one closed, one open past its deadline; contacts must never reach the report.
  const actor = { id: manager, manager: true };
  clock.t = at('2026-09-02', 10);
  for (const [i, name] of NAMES.entries()) {
    const r = h.complaints.register(actor, {
      channel: i === 0 ? 'phone' : '12345',
      subject: { kind: 'window', ref: '1' },
      name,
      phone: PHONES[i]!,
      content: `${name}投诉`,
      workingDays: 5,
    });
    if (!r.ok) throw new Error(r.error.message);
    if (i === 0) {
      const id = r.data.id;
      for (const step of [
        { type: 'complaint:assign', complaintId: id, handlerId: manager },
        { type: 'complaint:reply', complaintId: id, channel: 'phone', note: '已答复' },
        {
          type: 'complaint:close',
          complaintId: id,
          satisfaction: 'satisfied',
          upheld: true,
          rectification: '加强培训',
        },
      ] as const) {
        const s = h.complaints.step(actor, step);
        if (!s.ok) throw new Error(s.error.message);
      }
    }
  }
  // After the half year: must not count.
  clock.t = at('2027-01-04', 9);
  append([alert('AL-LATE', 'R-SOD', 'CZ-01', '2027-01-07')]);
  append([{ type: 'risk:list-published', version: 3, entries: [], by: 'admin-1' }]);

  const res = await server.rest<HalfYearReport>('GET', '/api/reports/half-year?half=2026-H2', {
    token: await server.login('manager1'),
  });
  if (!res.body.ok) throw new Error(res.body.error.message);
  report = res.body.data;
}, 120_000);

afterAll(async () => {
  await server.close({ removeDb: false });
  rmSync(dir, { recursive: true, force: true });
});

/** The independent recount: raw rows of the events table, counted one by one. */
function recount() {
  const db = new Database(join(dir, 'hall.db'), { readonly: true });
  const rows = db.prepare('SELECT seq, at, type, body FROM events ORDER BY seq').all() as {
    seq: number;
    at: number;
    type: string;
    body: string;
  }[];
  db.close();
  const from = '2026-07-01';
  const to = '2026-12-31';
  const h2 = rows.filter((r) => dayOf(r.at) >= from && dayOf(r.at) <= to);
  const body = (r: { body: string }): unknown => JSON.parse(r.body);
  const ofType = (t: string) => h2.filter((r) => r.type === t);
  const lists = rows.filter((r) => r.type === 'risk:list-published');
  const listAt = (t: number) => lists.filter((l) => l.at <= t).at(-1);
  const byCategory: Record<string, number> = {};
  for (const a of ofType('risk:alert-raised')) {
    const entries = (body(listAt(a.at)!) as { entries: RiskEntry[] }).entries;
    const cat = entries.find((e) => e.code === (body(a) as { riskCode: string }).riskCode)!.category;
    byCategory[cat] = (byCategory[cat] ?? 0) + 1;
  }
  const accepted = ofType('case:accepted').map((r) => body(r) as { caseId: string; deadline: string });
  let finished = 0;
  let onTime = 0;
  for (const c of accepted) {
    const end = rows.find(
      (r) =>
        ['case:ready', 'case:returned', 'case:handed-back'].includes(r.type) &&
        (body(r) as { caseId: string }).caseId === c.caseId &&
        dayOf(r.at) <= to,
    );
    if (end === undefined) continue;
    finished += 1;
    if (dayOf(end.at) <= c.deadline) onTime += 1;
  }
  const ratings = ofType('ticket:rated').map((r) => (body(r) as { level: number }).level);
  const lastList = lists.filter((l) => dayOf(l.at) <= to).at(-1)!;
  return {
    raised: ofType('risk:alert-raised').length,
    byCategory,
    intercepted: ofType('risk:intercepted').length,
    overrides: ofType('risk:overridden').length,
    accepted: accepted.length,
    finished,
    onTime,
    ratings: ratings.length,
    bad: ratings.filter((l) => l <= 2).length,
    complaints: ofType('complaint:registered').length,
    closed: ofType('complaint:closed').length,
    listVersion: (body(lastList) as { version: number }).version,
  };
}

describe('half-year report (HYR-*)', () => {
  it('HYR-2: every figure equals an independent recount of the raw log', () => {
    const n = recount();
    expect(report.alerts.raised).toBe(n.raised);
    expect(report.alerts.raised).toBe(3); // AL-1, AL-2, AL-3: not AL-H1, not AL-LATE
    expect(report.alerts.byCategory).toEqual(n.byCategory);
    expect(report.alerts.byRule).toEqual({ 'R-SOD': 1, 'R-FAST': 1, 'R-REPEAT': 1 });
    expect(report.interceptions.total).toBe(n.intercepted);
    expect(report.interceptions.overrides).toBe(n.overrides);
    expect(report.alerts.dispositions).toEqual({ 'false-alarm': 1, confirmed: 1 });
    expect(report.alerts.escalated).toBe(1);
    expect(report.alerts.overdue.map((o) => o.alertId).sort()).toEqual(['AL-2', 'AL-3']);
    expect(report.cases.accepted).toBe(n.accepted);
    expect(report.cases.finished).toBe(n.finished);
    expect(report.cases.finishedOnTime).toBe(n.onTime);
    expect(report.cases.onTimeRate).toBe(Math.round((n.onTime / n.finished) * 10000) / 100);
    expect(report.cases.byOutcome).toEqual({ ready: 1, 'handed-back': 1, accepted: 1, returned: 1 });
    expect(report.ratings.total).toBe(n.ratings);
    expect(report.ratings.bad).toBe(n.bad);
    expect(report.complaints.registered).toBe(n.complaints);
    expect(report.complaints.closed).toBe(n.closed);
    expect(report.complaints.upheld).toBe(1);
    // The open complaint's deadline (5 working days from 09-02) passed before 12-31.
    expect(report.complaints.overdue).toBe(1);
    expect(report.riskList?.version).toBe(n.listVersion);
    expect(report.riskList?.version).toBe(2);
  });

  it('HYR-2: the same log gives the same report (a second fold, and the follow-ups of its bad ratings)', () => {
    const again = server.app.hall.supervision.halfYear('2026-H2');
    expect(again).toEqual(report);
    // Two H2 service days with one bad rating each: two follow-ups opened, none closed, both overdue.
    expect(report.ratings.followUpsClosed).toBe(0);
    expect(report.ratings.followUpsOverdue).toBe(2);
  });

  it('HYR-3: the XLSX reads back with exceljs with the same figures; no personal data', async () => {
    const res = await fetch(`${server.url}/api/reports/half-year?half=2026-H2&format=xlsx`, {
      headers: { authorization: `Bearer ${await server.login('manager1')}` },
    });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const summary = wb.getWorksheet('概况')!;
    const value = (label: string) => {
      let v: unknown;
      summary.eachRow((row) => {
        if (row.getCell(1).value === label) v = row.getCell(2).value;
      });
      return v;
    };
    expect(value('风险预警（条）')).toBe(report.alerts.raised);
    expect(value('事中拦截（次）')).toBe(report.interceptions.total);
    expect(value('限时件按时办结率（%）')).toBe(report.cases.onTimeRate);
    expect(value('投诉登记（件）')).toBe(report.complaints.registered);
    const list = wb.getWorksheet('风险清单')!;
    expect(list.getRow(3).getCell(1).value).toBe('CZ-01');
    expect(list.getRow(4).getCell(2).value).toBe('道德');
    const all: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((r) => all.push(JSON.stringify(r.values))));
    const text = all.join('\n');
    for (const p of [...NAMES, ...PHONES]) expect(text).not.toContain(p);
  });

  it('HYR-3, HYR-4: the PDF is read back by poppler with its Chinese text, a subset font embedded; no personal data', async () => {
    const res = await fetch(`${server.url}/api/reports/half-year?half=2026-H2&format=pdf`, {
      headers: { authorization: `Bearer ${await server.login('manager1')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const file = join(dir, 'report.pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    writeFileSync(file, bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('2026-H2 风险防控半年报告');
    expect(text).toContain('限时件按时办结率');
    expect(text).toMatch(new RegExp(`风险预警（条） ｜ ${report.alerts.raised}`));
    expect(text).toContain('违规办理');
    for (const p of [...NAMES, ...PHONES]) expect(text).not.toContain(p);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Pages:\s+\d+/);
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
    expect(fonts).toMatch(/[A-Z]{6}\+NotoSansCJK/); // a subset (tag+name), embedded
    expect(bytes.length).toBeLessThan(400_000);
  });

  it('HYR-4: a configured font that is not there is refused with a Chinese error naming what to do', async () => {
    const { locateCjkFont } = await import('../../queue-server/src/service/cjk-font.ts');
    expect(() => locateCjkFont('/nonexistent/font.ttc#X')).toThrow(
      /未找到可用的中文字体.*ONEWINDOW_CJK_FONT/,
    );
  });

  it('HYR-1: only managers; a malformed half year is refused', async () => {
    const clerk = await server.login('clerk1');
    expect((await server.rest('GET', '/api/reports/half-year?half=2026-H2', { token: clerk })).status).toBe(
      403,
    );
    const bad = await server.rest('GET', '/api/reports/half-year?half=2026-H3', {
      token: await server.login('manager1'),
    });
    expect(bad.status).toBe(400);
  });
});
