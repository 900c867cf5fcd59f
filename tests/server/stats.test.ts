import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  CommandResult,
  FollowUp,
  FollowUpList,
  FollowUpSettings,
  HallStats,
  MyStats,
} from '@onewindow/shared';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { HallService } from '../../queue-server/src/service/hall.service.ts';
import { percent } from '../../queue-server/src/service/stats.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import { startTestServer, T0, TestClock, type TestServer } from '../support/server.ts';

const MIN = 60_000;
const DAY = '2026-11-26';

let server: TestServer;
let dir: string;
const tokens = new Map<string, string>();

async function start(clock = new TestClock()) {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-stats-'));
  tokens.clear();
  server = await startTestServer({ dir, clock });
}
afterEach(async () => {
  await server.close({ removeDb: false });
  rmSync(dir, { recursive: true, force: true });
});

async function tokenOf(who: string): Promise<string> {
  if (!tokens.has(who)) tokens.set(who, await server.login(who));
  return tokens.get(who)!;
}

/** Sends a command over REST as a staff member or a device (`pad:w1`), expecting success. */
async function cmd(who: string, name: string, payload: object): Promise<CommandResult> {
  const auth = who.startsWith('pad:')
    ? { deviceToken: tokens.get(who) ?? (await pairPad(who)) }
    : { token: await tokenOf(who) };
  const r = await server.rest<CommandResult>('POST', `/api/commands/${name}`, {
    ...auth,
    body: payload,
    headers: { 'idempotency-key': randomUUID() },
  });
  if (!r.body.ok) throw new Error(`${who} ${name}: ${r.body.error.code} ${r.body.error.message}`);
  return r.body.data;
}

async function pairPad(who: string): Promise<string> {
  const t = await server.pairDevice('rating-pad', who.slice(4));
  tokens.set(who, t);
  return t;
}

const calledId = (r: CommandResult): string => {
  const f = r.facts.find((x) => x.type === 'ticket:called');
  if (f?.type !== 'ticket:called') throw new Error('nothing called');
  return f.ticketId;
};
const issuedId = (r: CommandResult): string => {
  const f = r.facts[0];
  if (f?.type !== 'ticket:issued') throw new Error('nothing issued');
  return f.ticket.id;
};

async function get<T>(who: string, path: string) {
  return server.rest<T>('GET', path, { token: await tokenOf(who) });
}

async function staffId(username: string): Promise<string> {
  const me = await get<{ id: string }>(username, '/api/auth/me');
  if (!me.body.ok) throw new Error('no /api/auth/me');
  return me.body.data.id;
}

/**
 * A day in miniature, every step at a known minute (09:00 = T0):
 * A001, B001 at 0; A002 at 2; w1 (clerk1) calls A001 at 3 and serves it 3→7 (即时办结);
 * w5 (clerk5) calls B001 at 5, starts, and at 7 transfers it to A; w1 calls B001 at 8 and serves
 * it 8→12 (限时受理); w5 calls A002 at 12, recalls twice, marks it no-show at 15; the guide
 * cancels it; C001 at 15 waits. The pad of w1 rates A001 2 (差评) and B001 5.
 */
async function miniatureDay() {
  const at = (m: number) => {
    server.clock.t = T0 + m * MIN;
  };
  await cmd('clerk1', 'window:open', { windowId: 'w1' });
  await cmd('clerk5', 'window:open', { windowId: 'w5' });
  const a1 = issuedId(await cmd('guide1', 'ticket:issue', { categoryId: 'A' }));
  const b1 = issuedId(await cmd('guide1', 'ticket:issue', { categoryId: 'B' }));
  at(2);
  const a2 = issuedId(await cmd('guide1', 'ticket:issue', { categoryId: 'A' }));
  at(3);
  expect(calledId(await cmd('clerk1', 'ticket:call-next', { windowId: 'w1' }))).toBe(a1);
  await cmd('clerk1', 'ticket:start', { windowId: 'w1' });
  at(5);
  expect(calledId(await cmd('clerk5', 'ticket:call-next', { windowId: 'w5' }))).toBe(b1);
  await cmd('clerk5', 'ticket:start', { windowId: 'w5' });
  at(7);
  await cmd('clerk1', 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
  await cmd('clerk5', 'ticket:transfer', { ticketId: b1, to: { categoryId: 'A' }, note: '个人业务' });
  at(8);
  expect(calledId(await cmd('clerk1', 'ticket:call-next', { windowId: 'w1' }))).toBe(b1);
  await cmd('clerk1', 'ticket:start', { windowId: 'w1' });
  at(12);
  await cmd('clerk1', 'ticket:finish', { windowId: 'w1', outcome: 'accepted' });
  expect(calledId(await cmd('clerk5', 'ticket:call-next', { windowId: 'w5' }))).toBe(a2);
  at(13);
  await cmd('clerk5', 'ticket:recall', { windowId: 'w5' });
  at(14);
  await cmd('clerk5', 'ticket:recall', { windowId: 'w5' });
  at(15);
  await cmd('clerk5', 'ticket:no-show', { windowId: 'w5' });
  await cmd('guide1', 'ticket:cancel', { ticketId: a2, reason: '本人离开' });
  const c1 = issuedId(await cmd('guide1', 'ticket:issue', { categoryId: 'C' }));
  at(16);
  await cmd('pad:w1', 'ticket:rate', { ticketId: a1, level: 2, reasons: ['attitude'] });
  await cmd('pad:w1', 'ticket:rate', { ticketId: b1, level: 5 });
  at(20);
  return { a1, a2, b1, c1 };
}

describe('GET /api/stats', () => {
  it('STAT-1 only managers and admins read the hall figures; a clerk reads only their own', async () => {
    await start();
    for (const who of ['clerk1', 'guide1', 'rights1', 'reviewer1'])
      expect((await get(who, '/api/stats')).status, who).toBe(403);
    expect((await server.rest('GET', '/api/stats')).status).toBe(401);
    expect((await get('manager1', '/api/stats')).status).toBe(200);
    expect((await get('admin', '/api/stats')).status).toBe(200);
    expect((await get('clerk1', '/api/stats/me')).status).toBe(200);
    expect((await get('rights1', '/api/stats/me')).status).toBe(200);
    expect((await get('manager1', '/api/stats/me')).status).toBe(403);
    expect((await get('clerk1', '/api/stats/export?format=csv')).status).toBe(403);
    expect((await get('clerk1', '/api/follow-ups')).status).toBe(403);
    expect((await get('guide1', '/api/follow-ups/settings')).status).toBe(403);
    // Ranges: well-formed, ordered, at most 366 days.
    expect((await get('manager1', '/api/stats?from=2026-11-27&to=2026-11-26')).status).toBe(400);
    expect((await get('manager1', '/api/stats?from=2025-11-25&to=2026-11-26')).status).toBe(400);
    expect((await get('manager1', '/api/stats?from=2025-11-26&to=2026-11-26')).status).toBe(200);
    expect((await get('manager1', '/api/stats?from=2026-13-01')).status).toBe(400);
    expect((await get('manager1', '/api/stats?day=2026-11-26')).status).toBe(400);
  });

  it('STAT-2 STAT-5 STAT-7 a miniature day: figures per category, window and clerk match what happened', async () => {
    await start();
    const { a1, b1 } = await miniatureDay();
    const clerk1 = await staffId('clerk1');
    const clerk5 = await staffId('clerk5');
    const r = await get<HallStats>('manager1', '/api/stats');
    if (!r.body.ok) throw new Error(r.body.error.message);
    const s = r.body.data;
    expect([s.from, s.to, s.today, s.includesToday]).toEqual([DAY, DAY, DAY, true]);
    const [A, B, C] = ['A', 'B', 'C'].map((id) => s.categories.find((c) => c.categoryId === id)!);
    expect(A).toMatchObject({
      name: '综合业务',
      issued: 2,
      served: 2,
      waitingNow: 0,
      stillOpen: 0,
      noShows: 1,
      cancelled: 1,
      transfersIn: 1,
      transfersOut: 0,
      outcomes: { completed: 1, accepted: 1, rejected: 0, supplement: 0 },
      // First calls from A: A001 after 3 min, A002 after 10 min.
      waitCount: 2,
      waitAvgSec: 390,
      waitP90Sec: 600,
      serviceCount: 2,
      serviceAvgSec: 240,
      serviceP90Sec: 240,
    });
    expect(B).toMatchObject({
      issued: 1,
      served: 0,
      transfersOut: 1,
      waitCount: 1,
      waitAvgSec: 300,
      stillOpen: 0,
    });
    expect(C).toMatchObject({ issued: 1, waitingNow: 1, stillOpen: 1, waitCount: 0, waitAvgSec: null });
    expect(s.total).toMatchObject({ issued: 4, served: 2, waitingNow: 1, noShows: 1, cancelled: 1 });
    expect(s.total.waitP90Sec).toBe(600);

    const w1 = s.windows.find((w) => w.windowId === 'w1')!;
    const w5 = s.windows.find((w) => w.windowId === 'w5')!;
    expect(w1).toMatchObject({ windowNumber: 1, calls: 2, served: 2, serviceAvgSec: 240 });
    expect(w5).toMatchObject({
      windowNumber: 5,
      calls: 2,
      recalls: 2,
      served: 0,
      noShows: 1,
      transfersOut: 1,
    });

    const c1 = s.clerks.find((c) => c.clerkId === clerk1)!;
    expect(c1).toMatchObject({
      staffNumber: expect.any(String),
      windowNumbers: [1],
      calls: 2,
      served: 2,
      ratings: { rated: 2, good: 1, bad: 1, goodRate: 0.5 },
      performance: {
        quantity: { served: 2, onDutySec: 20 * 60, servedPerHour: 6 },
        time: { serviceAvgSec: 240, serviceP90Sec: 240, waitAvgSec: 180 },
        quality: { rated: 2, ratedRate: 1, goodRate: 0.5, badCount: 1, completedRate: 0.5 },
      },
    });
    expect(c1.clerkName).toBe('李强'); // clerk1 of the demo staff
    const c5 = s.clerks.find((c) => c.clerkId === clerk5)!;
    expect(c5).toMatchObject({ calls: 2, recalls: 2, noShows: 1, transfersOut: 1, served: 0 });
    expect(c5.performance.quality.ratedRate).toBeNull();

    expect(s.hourlyArrivals[9]).toBe(4);
    expect(s.hourlyArrivals.reduce((a, b) => a + b, 0)).toBe(4);
    expect(s.ratings).toMatchObject({
      rated: 2,
      byLevel: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 1 },
      goodRate: 0.5,
    });
    expect(s.badRatings).toEqual([
      expect.objectContaining({
        ticketId: a1,
        number: 'A001',
        level: 2,
        reasons: ['attitude'],
        windowNumber: 1,
        clerkId: clerk1,
        clerkName: c1.clerkName,
        followUp: expect.objectContaining({ ticketId: a1, status: 'open', overdue: false }),
      }),
    ]);
    expect(s.badRatings.some((b) => b.ticketId === b1)).toBe(false);
    expect(s.days).toEqual([{ day: DAY, issued: 4, served: 2 }]);

    // An independent recount straight from the tickets table.
    const db = new Database(server.dbPath, { readonly: true });
    const rows = (
      db.prepare('SELECT body FROM tickets WHERE business_day = ?').all(DAY) as { body: string }[]
    ).map(
      (x) =>
        JSON.parse(x.body) as { status: string; servingAt: number; finishedAt: number; servedBy: string },
    );
    db.close();
    const done = rows.filter((t) => t.status === 'done');
    expect(s.total.issued).toBe(rows.length);
    expect(s.total.served).toBe(done.length);
    expect(s.total.serviceAvgSec).toBe(
      Math.round(done.reduce((a, t) => a + (t.finishedAt - t.servingAt), 0) / done.length / 1000),
    );
    expect(c1.served).toBe(done.filter((t) => t.servedBy === clerk1).length);

    // A clerk's own figures are the same as their row on the manager's dashboard.
    const me = await get<MyStats>('clerk1', `/api/stats/me?date=${DAY}`);
    if (!me.body.ok) throw new Error(me.body.error.message);
    expect(me.body.data).toEqual({ date: DAY, ...c1 });
    const other = await get<MyStats>('clerk3', '/api/stats/me');
    expect(other.body.ok && other.body.data).toMatchObject({ served: 0, calls: 0, windowNumbers: [] });
    // Another day has none of it; the report of the day still works (RPT-*).
    const before = await get<HallStats>('manager1', '/api/stats?from=2026-11-20&to=2026-11-25');
    expect(before.body.ok && before.body.data.total.issued).toBe(0);
    expect(before.body.ok && before.body.data.total.waitingNow).toBeNull();
    expect(before.body.ok && before.body.data.days.length).toBe(6);
    const report = await get<{ total: { issued: number; served: number } }>(
      'manager1',
      `/api/reports/day?date=${DAY}`,
    );
    expect(report.body.ok && report.body.data.total).toMatchObject({ issued: 4, served: 2 });
  });

  it('STAT-6 CSV and XLSX exports hold the same numbers as the JSON', async () => {
    await start();
    await miniatureDay();
    const s = (await get<HallStats>('manager1', '/api/stats')).body;
    if (!s.ok) throw new Error('stats');
    const token = await tokenOf('manager1');

    const csvRes = await fetch(`${server.url}/api/stats/export?from=${DAY}&to=${DAY}&format=csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csvRes.headers.get('content-disposition')).toContain(
      `attachment; filename="onewindow-stats_${DAY}_${DAY}.csv"`,
    );
    const bytes = new Uint8Array(await csvRes.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const sections = text
      .trim()
      .split('\r\n\r\n')
      .map((sec) => sec.split('\r\n').map((l) => l.split(',')));
    expect(sections.map((sec) => sec[0]![0]!.split(' ')[0])).toEqual([
      '按业务类别',
      '按窗口',
      '按柜员',
      '差评及回访',
      '每日',
      '分时段取号',
    ]);
    const [cats, wins, clerks, bad] = sections;
    const col = (sec: string[][], name: string) => sec[1]!.findIndex((c) => c.startsWith(name));
    const num = (v: string | undefined) => (v === '' || v === undefined ? null : Number(v));
    const catRows = cats!.slice(2);
    for (const c of s.data.categories) {
      const row = catRows.find((r) => r[0] === `${c.prefix} ${c.name}`)!;
      expect(num(row[col(cats!, '取号')]), c.categoryId).toBe(c.issued);
      expect(num(row[col(cats!, '办结')])).toBe(c.served);
      expect(num(row[col(cats!, '过号')])).toBe(c.noShows);
      expect(num(row[col(cats!, '转入')])).toBe(c.transfersIn);
      expect(num(row[col(cats!, '平均等候')])).toBe(c.waitAvgSec);
      expect(num(row[col(cats!, 'P90办理')])).toBe(c.serviceP90Sec);
      expect(num(row[col(cats!, '限时受理')])).toBe(c.outcomes.accepted);
    }
    const totalRow = catRows.find((r) => r[0] === '合计 Total')!;
    expect(num(totalRow[col(cats!, '取号')])).toBe(s.data.total.issued);
    expect(num(totalRow[col(cats!, '好评率')])).toBe(percent(s.data.total.ratings.goodRate));
    for (const w of s.data.windows) {
      const row = wins!.slice(2).find((r) => num(r[0]) === w.windowNumber)!;
      expect(num(row[col(wins!, '叫号')])).toBe(w.calls);
      expect(num(row[col(wins!, '办结')])).toBe(w.served);
    }
    for (const c of s.data.clerks) {
      const row = clerks!.slice(2).find((r) => r[1] === c.staffNumber)!;
      expect(row[0]).toBe(c.clerkName);
      expect(num(row[col(clerks!, '办结')])).toBe(c.served);
      expect(num(row[col(clerks!, '每小时办结')])).toBe(c.performance.quantity.servedPerHour);
      expect(num(row[col(clerks!, '差评')])).toBe(c.ratings.bad);
    }
    expect(bad!.slice(2)).toHaveLength(s.data.badRatings.length);
    expect(bad![2]![0]).toBe(s.data.badRatings[0]!.ticketId);
    expect(bad![2]![3]).toBe('服务态度');
    expect(bad![2]![6]).toBe('待回访');

    const xRes = await fetch(`${server.url}/api/stats/export?format=xlsx`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(xRes.status).toBe(200);
    expect(xRes.headers.get('content-disposition')).toContain(
      `filename="onewindow-stats_${DAY}_${DAY}.xlsx"`,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xRes.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '按业务类别',
      '按窗口',
      '按柜员',
      '差评回访',
      '每日',
      '分时段取号',
    ]);
    const sheet = wb.getWorksheet('按业务类别')!;
    const header = (sheet.getRow(2).values as unknown[]).slice(1) as string[];
    const hcol = (name: string) => header.findIndex((h) => h.startsWith(name)) + 1;
    for (const [i, c] of s.data.categories.entries()) {
      const row = sheet.getRow(3 + i);
      expect(row.getCell(1).value).toBe(`${c.prefix} ${c.name}`);
      expect(row.getCell(hcol('取号')).value).toBe(c.issued);
      expect(row.getCell(hcol('办结')).value).toBe(c.served);
      expect(row.getCell(hcol('P90等候')).value).toBe(c.waitP90Sec);
    }
    const clerkSheet = wb.getWorksheet('按柜员')!;
    expect(clerkSheet.rowCount).toBe(2 + s.data.clerks.length);
    expect(clerkSheet.getRow(3).getCell(4).value).toBe(s.data.clerks[0]!.served);
    const daySheet = wb.getWorksheet('每日')!;
    expect(daySheet.getRow(3).values).toEqual([undefined, DAY, 4, 2]);

    expect((await get('manager1', '/api/stats/export?format=pdf')).status).toBe(400);
  });
});

describe('差评 follow-up (回访)', () => {
  const SEP30 = Date.UTC(2026, 8, 30, 1, 0, 0); // 2026-09-30 09:00, the eve of 国庆

  async function ratedBad(level: 1 | 2, window = 'w1', clerk = 'clerk1') {
    await cmd(clerk, 'window:open', { windowId: window }).catch(() => undefined);
    const id = issuedId(await cmd('guide1', 'ticket:issue', { categoryId: 'A' }));
    expect(calledId(await cmd(clerk, 'ticket:call-next', { windowId: window }))).toBe(id);
    await cmd(clerk, 'ticket:start', { windowId: window });
    await cmd(clerk, 'ticket:finish', { windowId: window, outcome: 'completed' });
    await cmd(`pad:${window}`, 'ticket:rate', { ticketId: id, level, reasons: ['efficiency'] });
    return id;
  }

  it('FUP-1 a bad rating gets a record at once, its deadline 15 working days on across 国庆 and 调休', async () => {
    await start(new TestClock(SEP30));
    const id = await ratedBad(1);
    const good = issuedId(await cmd('guide1', 'ticket:issue', { categoryId: 'A' }));
    await cmd('clerk1', 'ticket:call-next', { windowId: 'w1' });
    await cmd('clerk1', 'ticket:start', { windowId: 'w1' });
    await cmd('clerk1', 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    await cmd('pad:w1', 'ticket:rate', { ticketId: good, level: 3 });

    const list = await get<FollowUpList>('manager1', '/api/follow-ups');
    if (!list.body.ok) throw new Error(list.body.error.message);
    expect(list.body.data.followUps.map((f) => f.ticketId)).toEqual([id]);
    const f = list.body.data.followUps[0]!;
    // Oct 1–7 off; Oct 8, 9, 10 (a Saturday 调休 workday), 12–16, 19–23, 26, 27.
    expect(f).toMatchObject({
      ticketNumber: 'A001',
      level: 1,
      reasons: ['efficiency'],
      windowNumber: 1,
      clerkId: await staffId('clerk1'),
      deadline: '2026-10-27',
      workingDays: 15,
      status: 'open',
      callbacks: [],
      rectification: null,
      overdue: false,
    });
    expect(f.clerkName).toBe('李强');
    expect(list.body.data.counts).toMatchObject({ open: 1, closed: 0, overdue: 0, total: 1 });

    // The setting: 5 working days for ratings from now on; the first record keeps its promise.
    expect((await get<FollowUpSettings>('manager1', '/api/follow-ups/settings')).body).toEqual({
      ok: true,
      data: { workingDays: 15 },
    });
    const bad = await server.rest('PUT', '/api/follow-ups/settings', {
      token: await tokenOf('manager1'),
      body: { workingDays: 0 },
    });
    expect(bad.status).toBe(400);
    const put = await server.rest<FollowUpSettings>('PUT', '/api/follow-ups/settings', {
      token: await tokenOf('manager1'),
      body: { workingDays: 5 },
    });
    expect(put.body).toEqual({ ok: true, data: { workingDays: 5 } });
    const second = await ratedBad(2);
    const g2 = await get<FollowUp>('manager1', `/api/follow-ups/${second}`);
    expect(g2.body.ok && g2.body.data).toMatchObject({ deadline: '2026-10-13', workingDays: 5, level: 2 });
    // CAL-2: the hall's own correction of the calendar (a local holiday on Oct 9) moves it a day.
    const override = await server.rest('PUT', '/api/calendar/overrides/2026-10-09', {
      token: await tokenOf('admin'),
      body: { kind: 'holiday', note: '本地假日' },
    });
    expect(override.status).toBe(201);
    const third = await ratedBad(1);
    const g3 = await get<FollowUp>('manager1', `/api/follow-ups/${third}`);
    expect(g3.body.ok && g3.body.data.deadline).toBe('2026-10-14');
    const g1 = await get<FollowUp>('manager1', `/api/follow-ups/${id}`);
    expect(g1.body.ok && g1.body.data.deadline).toBe('2026-10-27');
    expect((await get('manager1', '/api/follow-ups/20260930-A099')).status).toBe(404);
  });

  it('FUP-3 FUP-4 callbacks, rectification and closing; overdue after the deadline', async () => {
    await start(new TestClock(SEP30));
    const id = await ratedBad(2);
    const other = await ratedBad(1);
    const manager = await tokenOf('manager1');
    const post = <T>(path: string, body: unknown) => server.rest<T>('POST', path, { token: manager, body });

    const cb = await post<FollowUp>(`/api/follow-ups/${id}/callback`, { note: '电话未接通', reached: false });
    expect(cb.body.ok && cb.body.data).toMatchObject({
      status: 'called-back',
      callbacks: [{ note: '电话未接通', reached: false, by: await staffId('manager1') }],
    });
    await post(`/api/follow-ups/${id}/callback`, { note: '已联系本人，致歉', reached: true });
    expect((await post(`/api/follow-ups/${id}/callback`, { note: '', reached: true })).status).toBe(400);
    // Closing needs the rectification.
    const refused = await post(`/api/follow-ups/${id}/status`, { status: 'closed' });
    expect(refused.status).toBe(400);
    const rect = await post<FollowUp>(`/api/follow-ups/${id}/status`, {
      status: 'rectifying',
      rectification: '窗口增加材料预审',
    });
    expect(rect.body.ok && rect.body.data).toMatchObject({
      status: 'rectifying',
      rectification: '窗口增加材料预审',
    });
    const closed = await post<FollowUp>(`/api/follow-ups/${id}/status`, { status: 'closed' });
    expect(closed.body.ok && closed.body.data).toMatchObject({
      status: 'closed',
      closedAt: SEP30,
      overdue: false,
    });
    expect(closed.body.ok && closed.body.data.callbacks).toHaveLength(2);
    expect((await post(`/api/follow-ups/${id}/callback`, { note: '再次回访', reached: true })).status).toBe(
      409,
    );
    expect((await post(`/api/follow-ups/${id}/status`, { status: 'open' })).status).toBe(409);
    expect((await post('/api/follow-ups/20260930-A099/status', { status: 'rectifying' })).status).toBe(404);
    expect(
      (
        await server.rest('POST', `/api/follow-ups/${other}/callback`, {
          token: await tokenOf('clerk1'),
          body: { note: 'x', reached: true },
        })
      ).status,
    ).toBe(403);

    // The day after the deadline, the open one is overdue; the closed one is not.
    server.clock.t = Date.UTC(2026, 9, 28, 1, 0, 0);
    tokens.clear(); // sessions do not last a month
    const list = await get<FollowUpList>('manager1', '/api/follow-ups?status=overdue');
    expect(list.body.ok && list.body.data.followUps.map((f) => f.ticketId)).toEqual([other]);
    expect(list.body.ok && list.body.data.counts).toMatchObject({ closed: 1, open: 1, overdue: 1, total: 2 });
    const closedOnly = await get<FollowUpList>('manager1', '/api/follow-ups?status=closed');
    expect(closedOnly.body.ok && closedOnly.body.data.followUps.map((f) => f.ticketId)).toEqual([id]);
    expect((await get('manager1', '/api/follow-ups?status=lost')).status).toBe(400);
    // On the stats of the day, the bad ratings carry their records.
    const s = await get<HallStats>('manager1', '/api/stats?from=2026-09-30&to=2026-09-30');
    expect(
      s.body.ok && s.body.data.badRatings.map((b) => [b.ticketId, b.followUp?.status, b.followUp?.overdue]),
    ).toEqual([
      [other, 'open', true],
      [id, 'closed', false],
    ]);
  });

  it('FUP-2 ratings committed while no listener was attached get their records on the next start', async () => {
    await start(new TestClock(SEP30));
    await cmd('clerk1', 'window:open', { windowId: 'w1' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      ids.push(issuedId(await cmd('guide1', 'ticket:issue', { categoryId: 'A' })));
      await cmd('clerk1', 'ticket:call-next', { windowId: 'w1' });
      await cmd('clerk1', 'ticket:start', { windowId: 'w1' });
      await cmd('clerk1', 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    }
    await server.close({ removeDb: false });

    // The server is down (or crashed before its listeners ran): ratings reach the log directly.
    const store = new HallStore(server.dbPath, TEST_KEYS);
    const hall = new HallService(store, { now: () => SEP30 + 30 * MIN });
    for (const [i, level] of [1, 4, 2].entries()) {
      const r = hall.execute({ type: 'ticket:rate', ticketId: ids[i]!, level, reasons: [], channel: 'pad' });
      expect(r.ok).toBe(true);
    }
    store.close();

    tokens.clear();
    server = await startTestServer({ dir, clock: new TestClock(SEP30 + 40 * MIN) });
    const list = await get<FollowUpList>('manager1', '/api/follow-ups');
    expect(list.body.ok && list.body.data.followUps.map((f) => [f.ticketId, f.level, f.deadline])).toEqual([
      [ids[2], 2, '2026-10-27'],
      [ids[0], 1, '2026-10-27'],
    ]);
    // A second start creates nothing twice.
    await server.close({ removeDb: false });
    tokens.clear();
    server = await startTestServer({ dir, clock: new TestClock(SEP30 + 50 * MIN) });
    const again = await get<FollowUpList>('manager1', '/api/follow-ups');
    expect(again.body.ok && again.body.data.counts.total).toBe(2);
  });
});
