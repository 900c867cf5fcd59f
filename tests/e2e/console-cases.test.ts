/// <reference lib="dom" />
/**
 * The back office for time-limited business (限时业务, LD/T 02 §9.4–9.5) end to end in Debian's
 * Chromium against a real queue server (run `npm run build` first for queue-server/console/dist).
 *
 * clerk1 finishes a ticket as 限时受理 in the browser (the receipt opens a case) and 补打 sends
 * the same receipt to the window's ESC/POS printer through its agent; reviewer1 (业务审核) starts
 * the review and approves, returns another case (only with a reason); rights1 (权益出件) marks
 * the result ready and handed back; the case history shows every step with who did it. A
 * reviewer cannot hand back and a rights clerk cannot approve: the server's FORBIDDEN is shown
 * in Chinese and nothing moves. Deadlines count working days on the hall's calendar: amber
 * within two working days, red when overdue. Screens are photographed at 1366×768.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseRecord, PrintJob, ServiceItem, SlipResult, Ticket } from '@onewindow/shared';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { consoleShot, kioskTicket, openConsoleAs } from '../support/console.ts';
import { type HallClient, nextEvent, startTestServer, type TestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');
const MIN = 60_000;
const POLL = { timeout: 8000 };

let server: TestServer;
let chrome: { browser: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('queue-server/console/dist is missing: run `npm run build` first');
  server = await startTestServer();
  chrome = await launchChromium({ viewport: { width: 1366, height: 768 } });
});
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

// ---- helpers ------------------------------------------------------------------------------

const shot = consoleShot;
const openConsole = (username: string) => openConsoleAs(chrome.browser, server.url, username);

let keyN = 0;
const kioskIssue = (kiosk: string, itemCode: string): Promise<Ticket> =>
  kioskTicket(server, kiosk, { categoryId: 'A', itemCode }, `cases-${++keyN}`);

async function rest<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  const r = await server.rest<T>(method, path, {
    token,
    ...(body !== undefined ? { body } : {}),
    headers: { 'idempotency-key': `cases-${++keyN}` },
  });
  if (!r.body.ok) throw new Error(`${method} ${path}: ${r.body.error.code} ${r.body.error.message}`);
  return r.body.data;
}

/** The clerk at w1 accepts the next ticket over REST (the way the console does it). */
async function acceptNext(clerk: string, expected: string): Promise<CaseRecord> {
  const called = await rest<{ facts: { type: string; ticketId?: string }[] }>(
    clerk,
    'POST',
    '/api/commands/ticket:call-next',
    { windowId: 'w1' },
  );
  const ticketId = called.facts.find((f) => f.type === 'ticket:called')!.ticketId!;
  await rest(clerk, 'POST', '/api/commands/ticket:start', { windowId: 'w1' });
  server.clock.advance(3 * MIN);
  await rest(clerk, 'POST', '/api/commands/ticket:finish', { windowId: 'w1', outcome: 'accepted' });
  const slip = await rest<SlipResult>(clerk, 'POST', '/api/slips', {
    ticketId,
    kind: 'acceptance',
    applicantName: '李四',
    contactPhone: '13900000000',
    print: false,
  });
  expect(slip.case!.ticketNumber).toBe(expected);
  return slip.case!;
}

async function caseById(token: string, id: string): Promise<CaseRecord> {
  const all = await rest<CaseRecord[]>(token, 'GET', '/api/cases');
  return all.find((c) => c.id === id)!;
}

/** Closes the open dialog with its ✕ (Escape is listened for only once the dialog's effect ran). */
async function closeDialog(page: Page): Promise<void> {
  await page.click('.modal [aria-label="关闭 Close"]');
  await page.locator('.modal').waitFor({ state: 'detached' });
}

const row = (page: Page, id: string) => page.locator(`[data-case="${id}"]`);

async function pick(page: Page, id: string): Promise<void> {
  await row(page, id).click();
  await page.locator(`[data-testid=case-detail]:has-text("${id}")`).waitFor();
}

async function step(page: Page, to: string): Promise<void> {
  await page.click(`[data-testid=case-actions] [data-step=${to}]`);
}

/** `YYYY-MM-DD` 09:00 in Beijing as a clock time. */
const hallNine = (d: string) => Date.parse(`${d}T01:00:00Z`);

// ---- the day ------------------------------------------------------------------------------

describe('限时业务 back office', () => {
  it('accept → review → approve → ready → handed back, with who; refusals in Chinese; 补打 at the window printer', async () => {
    const items = await rest<ServiceItem[]>(await server.login('clerk1'), 'GET', '/api/catalog');
    const limited = items
      .filter((i) => i.categoryId === 'A' && i.kind === 'time-limited' && i.guide)
      .filter((i) => i.timeLimit.days !== null && i.timeLimit.unit === 'working')
      .sort((a, b) => a.timeLimit.days! - b.timeLimit.days!);
    expect(limited.length, 'A items with a limit in working days').toBeGreaterThanOrEqual(2);
    const short = limited[0]!;
    const long = limited.at(-1)!;
    expect(long.timeLimit.days! - short.timeLimit.days!, 'two different limits').toBeGreaterThanOrEqual(2);

    const kiosk = await server.pairDevice('kiosk');
    const tickets: Ticket[] = [];
    for (const item of [long, long, short, long]) {
      tickets.push(await kioskIssue(kiosk, item.code));
      server.clock.advance(MIN);
    }
    expect(tickets.map((t) => t.number)).toEqual(['A001', 'A002', 'A003', 'A004']);

    const tokens = {
      clerk1: await server.login('clerk1'),
      reviewer1: await server.login('reviewer1'),
      rights1: await server.login('rights1'),
      supervisor1: await server.login('supervisor1'),
    };
    const names: Record<string, { id: string; name: string; staffNumber: string }> = {};
    for (const [u, t] of Object.entries(tokens)) names[u] = await rest(t, 'GET', '/api/auth/me');
    const label = (u: string) => `${names[u]!.name}（${names[u]!.staffNumber}）`;

    // clerk1 accepts A001 (限时受理) in the browser: the receipt opens a case.
    const c1 = await openConsole('clerk1');
    await c1.click('[data-window=w1]');
    await c1.locator('[data-action=call-next]').waitFor();
    await c1.keyboard.press('F1');
    await expect.poll(() => c1.locator('[data-testid=current-number]').textContent(), POLL).toContain('A001');
    await c1.click('[data-action=start]');
    await c1.locator('[data-testid=current-ticket][data-status=serving]').waitFor();
    server.clock.advance(5 * MIN);
    await c1.click('[data-action=finish]');
    await c1.locator('[data-testid=finish-dialog]').waitFor();
    await c1.click('[data-outcome=accepted]');
    await c1.fill('input[name=applicantName]', '张三丰');
    await c1.fill('input[name=contactPhone]', '13812345678');
    await c1.click('[data-action=confirm-finish]');
    await c1.locator('[data-testid=slip-a4]').waitFor();
    expect(await c1.locator('[data-testid=slip-a4]').getAttribute('data-slip-type')).toBe(
      'acceptance-receipt',
    );
    const cases0 = await rest<CaseRecord[]>(tokens.reviewer1, 'GET', '/api/cases');
    expect(cases0).toHaveLength(1);
    const case1 = cases0[0]!;
    expect(case1).toMatchObject({ ticketNumber: 'A001', itemCode: long.code, status: 'accepted' });
    expect(case1.acceptedBy).toBe(names.clerk1!.id);
    expect(case1.staff?.[names.clerk1!.id]).toEqual({
      name: names.clerk1!.name,
      staffNumber: names.clerk1!.staffNumber,
    });
    expect(await c1.locator('[data-testid=slip-status]').textContent()).toContain(case1.id);
    await closeDialog(c1);

    // 补打 without an agent at the window: the clerk is told, and offered A4.
    await c1.click('[data-action=reprint]');
    await expect
      .poll(() => c1.locator('[data-testid=slip-status]').textContent(), POLL)
      .toContain('本窗口未配对终端');
    await closeDialog(c1);
    // With the window's agent paired, 补打 prints the very same receipt there (no new number or case).
    const agent: HallClient = await server.client({ deviceToken: await server.pairDevice('agent', 'w1') });
    const printed = nextEvent<PrintJob>(agent, 'device:print');
    await c1.click('[data-action=reprint]');
    const job = await printed;
    expect(job.document.type).toBe('acceptance-receipt');
    expect((job.document.data as { documentNumber: string }).documentNumber).toBe(case1.id);
    expect((job.document.data as { deadline: { date: string } }).deadline.date).toBe(case1.deadline);
    await expect.poll(() => c1.locator('[data-testid=slip-status]').textContent(), POLL).toContain(job.jobId);
    await shot(c1, 'clerk-reprint');
    await closeDialog(c1);
    expect(await rest<CaseRecord[]>(tokens.reviewer1, 'GET', '/api/cases')).toHaveLength(1);

    // Three more acceptances (two items with different limits).
    const case2 = await acceptNext(tokens.clerk1, 'A002');
    const case3 = await acceptNext(tokens.clerk1, 'A003');
    const case4 = await acceptNext(tokens.clerk1, 'A004');
    expect(case3.deadline < case4.deadline).toBe(true);

    // reviewer1: the 业务审核 tab is theirs; every case with ticket, item, who and the deadline.
    const rv = await openConsole('reviewer1');
    const tabs = await rv
      .locator('[data-tab]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-tab')));
    expect(tabs).toEqual(['review']);
    await rv.locator('[data-testid=cases-review]').waitFor();
    await expect.poll(() => rv.locator('[data-testid=case-table] tbody tr[data-case]').count(), POLL).toBe(4);
    const r1 = row(rv, case1.id);
    const r1Text = (await r1.textContent())!;
    expect(r1Text).toContain('A001');
    expect(r1Text).toContain(long.name);
    expect(r1Text).toContain(label('clerk1'));
    expect(r1Text).toContain(case1.deadline);
    // Accepted today: exactly the promised working days are left (the hall's calendar).
    await expect
      .poll(() => r1.locator('[data-due]').textContent(), POLL)
      .toBe(`剩 ${case1.workingDays} 个工作日`);
    expect(await r1.locator('[data-due]').getAttribute('data-due')).toBe('ok');
    // No personal data in the back office.
    expect(await rv.locator('body').textContent()).not.toContain('张三丰');
    await pick(rv, case1.id);
    await shot(rv, 'cases-review');

    // 开始审核, then 审核通过 with an opinion.
    await step(rv, 'in-review');
    await expect.poll(() => row(rv, case1.id).getAttribute('data-status'), POLL).toBe('in-review');
    server.clock.advance(10 * MIN);
    await rv.fill('input[name=case-note]', '材料齐全，符合条件');
    await step(rv, 'approved');
    await rv.locator('[data-testid=flash]').waitFor();
    expect((await caseById(tokens.reviewer1, case1.id)).status).toBe('approved');
    // 待办 no longer lists it; 审核通过 does.
    await expect.poll(() => row(rv, case1.id).count(), POLL).toBe(0);

    // Returned only with a reason: the first press opens the reason, a press without one is refused.
    await pick(rv, case2.id);
    await step(rv, 'in-review');
    await expect.poll(() => row(rv, case2.id).getAttribute('data-status'), POLL).toBe('in-review');
    await step(rv, 'returned');
    await rv.locator('[data-testid=reason-case-note]').waitFor();
    await step(rv, 'returned');
    await expect
      .poll(() => rv.locator('[data-testid=case-error]').textContent(), POLL)
      .toContain('退回须填写原因');
    expect((await caseById(tokens.reviewer1, case2.id)).status).toBe('in-review');
    await shot(rv, 'cases-return-reason');
    await rv.click('[data-testid=reason-case-note] .chip:has-text("材料不齐全")');
    await step(rv, 'returned');
    await expect.poll(() => row(rv, case2.id).count(), POLL).toBe(0);
    const returned = await caseById(tokens.reviewer1, case2.id);
    expect(returned.status).toBe('returned');
    expect(returned.history.at(-1)).toMatchObject({
      to: 'returned',
      note: '材料不齐全',
      by: names.reviewer1!.id,
    });

    // A3 stays in review (for the rights clerk's refusal below).
    await pick(rv, case3.id);
    await step(rv, 'in-review');
    await expect.poll(() => row(rv, case3.id).getAttribute('data-status'), POLL).toBe('in-review');

    // A reviewer cannot hand back: the step is marked as the rights post's, the server refuses.
    await rv.click('[data-filter=approved]');
    await pick(rv, case1.id);
    const ready = rv.locator('[data-testid=case-actions] [data-step=ready]');
    expect(await ready.getAttribute('data-own')).toBe('false');
    await ready.click();
    await expect
      .poll(() => rv.locator('[data-testid=case-error]').textContent(), POLL)
      .toBe('没有此操作的权限：「办结待取」由权益柜员岗办理');
    expect((await caseById(tokens.reviewer1, case1.id)).status).toBe('approved');
    await shot(rv, 'cases-reviewer-forbidden');

    // rights1: 权益出件 next to the window; the approved case is there to hand back.
    const rt = await openConsole('rights1');
    const rtTabs = await rt
      .locator('[data-tab]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-tab')));
    expect(rtTabs).toEqual(['clerk', 'handback']);
    await rt.click('[data-tab=handback]');
    await rt.locator('[data-testid=cases-handback]').waitFor();
    await expect.poll(() => rt.locator('[data-testid=case-table] tbody tr[data-case]').count(), POLL).toBe(1);
    expect(await row(rt, case1.id).getAttribute('data-status')).toBe('approved');
    expect(await row(rt, case1.id).locator('[data-due]').getAttribute('data-due')).toBe('on-time');

    // A rights clerk cannot approve.
    await rt.click('[data-filter=all]');
    await pick(rt, case3.id);
    await step(rt, 'approved');
    await expect
      .poll(() => rt.locator('[data-testid=case-error]').textContent(), POLL)
      .toBe('没有此操作的权限：「审核通过」由业务审核岗办理');
    expect((await caseById(tokens.rights1, case3.id)).status).toBe('in-review');

    // 办结待取, then 已领取 (how it went back is required).
    await rt.click('[data-filter=todo]');
    await pick(rt, case1.id);
    server.clock.advance(30 * MIN);
    await rt.fill('input[name=case-note]', '社保卡已制作完成');
    await step(rt, 'ready');
    await expect.poll(() => row(rt, case1.id).getAttribute('data-status'), POLL).toBe('ready');
    await step(rt, 'handed-back');
    await expect.poll(() => rt.locator('[data-testid=case-error]').textContent(), POLL).toContain('领取方式');
    expect((await caseById(tokens.rights1, case1.id)).status).toBe('ready');
    await rt.click('[data-testid=reason-case-note] .chip:has-text("本人领取")');
    server.clock.advance(5 * MIN);
    await step(rt, 'handed-back');
    await expect.poll(() => row(rt, case1.id).count(), POLL).toBe(0);
    await rt.click('[data-filter=handed-back]');
    await pick(rt, case1.id);

    // The history: every step with who did it, as the server keeps it.
    const done = await caseById(tokens.rights1, case1.id);
    expect(done.history.map((h) => h.to)).toEqual([
      'accepted',
      'in-review',
      'approved',
      'ready',
      'handed-back',
    ]);
    const who = ['clerk1', 'reviewer1', 'reviewer1', 'rights1', 'rights1'];
    expect(done.history.map((h) => h.by)).toEqual(who.map((u) => names[u]!.id));
    const steps = rt.locator('[data-testid=case-history] li');
    expect(await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-to')))).toEqual(
      done.history.map((h) => h.to),
    );
    for (const [i, u] of who.entries()) expect(await steps.nth(i).textContent()).toContain(label(u));
    expect(await steps.nth(2).textContent()).toContain('材料齐全，符合条件');
    expect(await steps.nth(3).textContent()).toContain('社保卡已制作完成');
    expect(await steps.nth(4).textContent()).toContain('本人领取');
    await shot(rt, 'cases-handback-history');

    // Days later: A3 (short limit) is overdue, A4 due within two working days.
    // The working day before A4's deadline: the N−1-th working day after acceptance.
    const accepted = new Date(case4.acceptedAt + 8 * 3600_000).toISOString().slice(0, 10);
    const eve = await rest<{ date: string }>(
      tokens.reviewer1,
      'GET',
      `/api/calendar/deadline?from=${accepted}&workingDays=${case4.workingDays - 1}`,
    );
    expect(eve.date > case3.deadline).toBe(true);
    server.clock.t = hallNine(eve.date);
    const sv = await openConsole('supervisor1');
    await sv.locator('[data-testid=cases-review]').waitFor();
    await expect
      .poll(() => row(sv, case4.id).locator('[data-due]').getAttribute('data-due'), POLL)
      .toBe('soon');
    expect(await row(sv, case4.id).locator('[data-due]').textContent()).toBe('剩 1 个工作日');
    await expect
      .poll(() => row(sv, case3.id).locator('[data-due]').getAttribute('data-due'), POLL)
      .toBe('overdue');
    // Overdue by the working days from A3's deadline to today (counted one by one on the server).
    const later = await server.login('reviewer1'); // the morning's sessions have expired by now
    let over = 0;
    for (let d = case3.deadline; d < eve.date; over++)
      d = (
        await rest<{ date: string }>(
          later,
          'GET',
          `/api/calendar/deadline?from=${case3.deadline}&workingDays=${over + 1}`,
        )
      ).date;
    expect(over).toBeGreaterThan(0);
    expect(await row(sv, case3.id).locator('[data-due]').textContent()).toBe(`超期 ${over} 个工作日`);
    expect(await sv.locator('[data-tile=Overdue] .tile-value').textContent()).toBe('1');
    expect(await sv.locator('[data-tile="Due soon"] .tile-value').textContent()).toBe('1');
    await pick(sv, case3.id);
    await shot(sv, 'cases-overdue');
    // The supervisor holds no reviewer post: the server refuses a review step from them too.
    await step(sv, 'approved');
    await expect
      .poll(() => sv.locator('[data-testid=case-error]').textContent(), POLL)
      .toBe('没有此操作的权限：「审核通过」由业务审核岗办理');
  }, 120_000);
});
