/// <reference lib="dom" />
/**
 * The staff console by post, end to end in Debian's Chromium against a real queue server:
 *
 * 1. the guide's overrides (front, pin, class) change who the clerk's next call gets, a
 *    no-show is reinstated, a ticket issued on a citizen's behalf; the alerts panel shows a
 *    kiosk out of paper and its failed print job;
 * 2. each post reaches only its own views (the accountant only 案件查询), and the server refuses
 *    the others' commands;
 * 3. an acceptance on 2026-09-30 gets its deadline across 国庆 2026 with 调休 (server-computed);
 * 4. the admin and audit views, photographed.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PrintDocument, ServiceItem, Ticket } from '@onewindow/shared';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { idBornOn } from '../../queue-server/src/domain/test-factory.ts';
import { launchChromium } from '../support/browser.ts';
import { consoleShot, kioskTicket, openConsoleAs } from '../support/console.ts';
import { command, startTestServer, TestClock, type TestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');
const MIN = 60_000;
/** The machine is shared: give polled UI conditions time (vitest's default is 1 s). */
const POLL = { timeout: 8000 };

let chrome: { browser: BrowserContext; close: () => Promise<void> };
let cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('queue-server/console/dist is missing: run `npm run build` first');
  chrome = await launchChromium({ viewport: { width: 1366, height: 768 } });
});
afterAll(async () => {
  await chrome?.close();
});
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  cleanup = [];
});

async function hall(clock?: TestClock, risk = false): Promise<TestServer> {
  const server = await startTestServer({ ...(clock ? { clock } : {}), risk });
  cleanup.push(() => server.close());
  return server;
}

const shot = consoleShot;

async function openConsole(server: TestServer, username: string, hash = ''): Promise<Page> {
  const page = await openConsoleAs(chrome.browser, server.url, username, hash);
  cleanup.push(() => page.close());
  return page;
}

let keyN = 0;
async function kioskIssue(
  server: TestServer,
  kiosk: string,
  categoryId: string,
  extra: object = {},
): Promise<Ticket> {
  return kioskTicket(server, kiosk, { categoryId, ...extra }, `posts-${++keyN}`);
}

async function callNext(page: Page): Promise<string> {
  // A page in a background tab gets no animation frames: Playwright's clicks then wait ~2 s each.
  await page.bringToFront();
  await page.locator('[data-action=call-next]').waitFor();
  await page.keyboard.press('F1');
  await page
    .locator('[data-testid=current-ticket]')
    .waitFor()
    .catch(async (e) => {
      await shot(page, 'failed-call');
      throw e;
    });
  return (await page.locator('[data-testid=current-number]').textContent())!.trim();
}

async function override(
  guide: Page,
  ticketId: string,
  kind: 'front' | 'pin' | 'class' | 'cancel',
  setup?: () => Promise<void>,
) {
  await guide.bringToFront();
  await guide.click(`tr[data-ticket="${ticketId}"] [data-action=${kind}]`);
  await guide.locator(`[data-testid=override-dialog][data-kind=${kind}]`).waitFor();
  if (setup) await setup();
  await guide.click('[data-testid=reason-override-reason] .chip >> nth=0');
  await guide.click('[data-action=confirm-override]');
  await guide.locator('.modal').waitFor({ state: 'detached' });
}

describe('guide', () => {
  it("front, pin and class overrides change who the clerk's next call gets; reinstate, issue and alerts work", async () => {
    // With the starting risk rules: the long-wait alert is the server's (RISK-HND-5).
    const server = await hall(undefined, true);
    const kiosk = await server.pairDevice('kiosk');
    const t: Ticket[] = [];
    for (let i = 0; i < 6; i++) {
      t.push(await kioskIssue(server, kiosk, 'A'));
      server.clock.advance(MIN);
    }
    const guide = await openConsole(server, 'guide1');
    await guide.locator(`tr[data-ticket="${t[5]!.id}"]`).waitFor();
    const clerk = await openConsole(server, 'clerk1');
    await clerk.click('[data-window=w1]');

    // Without overrides A001 would be next. The guide moves A003 to the front …
    await override(guide, t[2]!.id, 'front');
    expect(await guide.locator(`tr[data-ticket="${t[2]!.id}"] .mark`).first().textContent()).toBe('提前');
    await shot(guide, 'guide-1366');
    // CON-ORD-1: both lists show it first, as the engine calls it (they sorted by orderKey alone
    // and kept a front-moved ticket at its old place).
    expect(await guide.locator('[data-testid=waiting-tickets] tbody tr td.num').first().textContent()).toBe(
      'A003',
    );
    await expect
      .poll(() => clerk.locator('[data-testid=up-next] td.num').first().textContent(), POLL)
      .toBe('A003');
    expect(await callNext(clerk)).toBe('A003');
    await clerk.click('[data-action=start]');
    await clerk.click('[data-action=finish]');
    await clerk.fill('input[name=applicantName]', '李四');
    // A bare kiosk number names no item: the clerk picks it for the slip.
    expect(await clerk.locator('[data-action=confirm-finish]').isDisabled()).toBe(true);
    await clerk.selectOption('select[name=itemCode]', { index: 1 });
    await clerk.click('[data-action=confirm-finish]');
    await clerk.locator('[data-testid=slip-a4]').waitFor();
    await clerk.keyboard.press('Escape');

    // … pins A001 to window 2 (so window 1 skips it) …
    await override(guide, t[0]!.id, 'pin', async () => {
      await guide.selectOption('select[name=pin-window]', 'w2');
    });
    // … and makes A006 a military priority (20 minutes ahead).
    await override(guide, t[5]!.id, 'class', async () => {
      await guide.selectOption('select[name=new-class]', 'military');
    });
    expect(await guide.locator(`tr[data-ticket="${t[5]!.id}"] .class-pill`).textContent()).toBe('军人优先');
    // The clerk's 候叫 list and the guide's list agree with the call that follows.
    await expect
      .poll(() => clerk.locator('[data-testid=up-next] td.num').first().textContent(), POLL)
      .toBe('A006');
    expect(await guide.locator('[data-testid=waiting-tickets] tbody tr td.num').first().textContent()).toBe(
      'A006',
    );
    expect(await callNext(clerk)).toBe('A006');
    // CON-NS-1: 过号 stays closed, saying how many calls are still needed (maxRecalls 2).
    expect(await clerk.locator('[data-action=no-show]').isDisabled()).toBe(true);
    expect(await clerk.locator('[data-testid=no-show-hint]').textContent()).toContain(
      '还需重呼 2 次才能过号',
    );
    // A no-show the guide reinstates comes back to the queue.
    // A second press of the same key while its command is in flight is dropped (double press).
    for (const n of [2, 3]) {
      await clerk.keyboard.press('F2');
      await expect.poll(() => clerk.locator('.current-meta').textContent(), POLL).toContain(`呼叫 ${n} 次`);
      // The fact shows before the command's ack: the next press waits for the ack.
      await clerk.locator('.counter-layout[data-busy=""]').waitFor();
    }
    expect(await clerk.locator('[data-testid=no-show-hint]').textContent()).toContain('已呼叫 3 次，可过号');
    expect(await clerk.locator('[data-action=no-show]').isDisabled()).toBe(false);
    expect(await clerk.locator('[data-action=recall]').isDisabled()).toBe(true);
    await shot(clerk, 'clerk-no-show-open');
    await clerk.keyboard.press('F4');
    await guide.locator('[data-testid=no-shows] [data-action=reinstate]').waitFor();
    await guide.click('[data-testid=no-shows] [data-action=reinstate]');
    await guide.locator(`tr[data-ticket="${t[5]!.id}"]`).waitFor();
    // Pinned A001 is not window 1's: it gets A002.
    expect(await callNext(clerk)).toBe('A002');

    // Cancel A004 with a reason: gone from the list.
    await override(guide, t[3]!.id, 'cancel');
    await guide.locator(`tr[data-ticket="${t[3]!.id}"]`).waitFor({ state: 'detached' });

    // Issue on a citizen's behalf: military class needs a reason.
    await guide.selectOption('select[name=issue-category]', 'A');
    await guide.selectOption('select[name=issue-class]', 'military');
    expect(await guide.locator('[data-action=issue]').isDisabled()).toBe(true);
    await guide.click('[data-testid=reason-issue-reason] .chip >> nth=0');
    await guide.click('[data-action=issue]');
    await expect.poll(() => guide.locator('[data-testid=issued]').textContent(), POLL).toContain('A007');
    // Issued at the guide desk (over the staff socket), so the list says 导办, with the class.
    const issuedRow = guide.locator('[data-testid=waiting-tickets] tr', { hasText: 'A007' });
    expect(await issuedRow.textContent()).toContain('导办');
    expect(await issuedRow.textContent()).toContain('军人优先');

    // Alerts: a long wait (threshold 30 min), a kiosk out of paper and its failed print job.
    server.clock.advance(40 * MIN);
    const agent = await server.client({ deviceToken: kiosk });
    const health = await command(agent, 'device:health', { printer: 'out' });
    expect(health.ok).toBe(true);
    // A whole queue ticket: the server checks every print document against shared/print.ts.
    const ticket: PrintDocument = {
      type: 'queue-ticket',
      data: {
        hallName: '示范服务大厅',
        hallPhone: '12333',
        businessName: '综合业务',
        number: 'A008',
        peopleAhead: 0,
        estimatedWaitMinutes: null,
        takenAt: server.clock.now(),
        utcOffsetMinutes: 480,
        ticketId: 't-a008',
        statusBaseUrl: server.url,
      },
    };
    const job = await server.rest<{ jobId: string }>('POST', '/api/print-jobs', {
      deviceToken: kiosk,
      body: { document: ticket },
    });
    if (!job.body.ok) throw new Error(JSON.stringify(job.body));
    const result = await command(agent, 'device:print-result', {
      jobId: job.body.data.jobId,
      status: 'failed',
      reason: '打印机缺纸',
    });
    expect(result.ok).toBe(true);
    await guide.locator('[data-alert=device]').waitFor();
    await guide.locator('[data-alert=print]').waitFor();
    // Long waits are raised by the server's tick (R-WAIT, 30 min) and pushed to the guide.
    await kioskIssue(server, kiosk, 'B');
    server.app.runDueDayCloses();
    await guide.locator('[data-alert=wait]').first().waitFor();
    expect(await guide.locator('[data-alert=device]').textContent()).toContain('打印机缺纸');
    expect(await guide.locator('[data-alert=print]').textContent()).toContain(job.body.data.jobId);
    await shot(guide, 'guide-alerts');
    await guide.setViewportSize({ width: 1920, height: 1080 });
    await shot(guide, 'guide-1920');

    // The audit search finds the overrides with who and why (manager).
    const manager = await openConsole(server, 'manager1', '#audit');
    await manager.locator('[data-testid=audit-table]').waitFor();
    await manager.fill('input[name=q]', 'A006');
    await manager.click('[data-testid=audit] button[type=submit]');
    await expect
      .poll(() => manager.locator('[data-testid=audit-table] tbody tr').count(), POLL)
      .toBeGreaterThan(0);
    expect(await manager.locator('[data-testid=audit-table]').textContent()).toContain('A006');
    await manager.fill('input[name=q]', '');
    await manager.click('[data-testid=audit] button[type=submit]');
    // CON-AUD-1: the kiosk's pairing reads as its name and words, not its id and a code.
    await expect
      .poll(() => manager.locator('[data-testid=audit-table]').textContent(), POLL)
      .toContain('test kiosk（设备）');
    const auditText = (await manager.locator('[data-testid=audit-table]').textContent())!;
    expect(auditText).toContain('设备配对');
    expect(auditText).not.toMatch(/d-[0-9a-f]{8}-|device:paired|ticket:priority-overridden/);
    await shot(manager, 'audit');
  }, 120_000);
});

describe('kiosk form at the window', () => {
  it('the called ticket’s kiosk form opens beside it, and a scanned form code opens that form', async () => {
    const server = await hall();
    const catalog = await server.rest<ServiceItem[]>('GET', '/api/catalog');
    if (!catalog.body.ok) throw new Error('catalog');
    // An A item whose form has no date field (a value for every other kind is easy to give).
    const item = catalog.body.data.find(
      (i) => i.categoryId === 'A' && i.form && !i.form.fields.some((f) => f.kind === 'date'),
    );
    expect(item, 'an A item with a kiosk form').toBeDefined();
    const idNumber = idBornOn('19700101', '321');
    const values: Record<string, string> = {};
    for (const f of item!.form!.fields) {
      if (f.kind === 'choice') values[f.key] = f.options![0]!.value;
      else if (f.kind === 'phone') values[f.key] = '13812345678';
      else if (f.kind === 'digits') values[f.key] = '6'.repeat(f.minLength ?? 6);
      else if (f.kind === 'id-number') values[f.key] = idNumber;
      else if (f.prefill === 'name') values[f.key] = '赵六';
      else if (f.required) values[f.key] = '示例';
    }
    const kiosk = await server.pairDevice('kiosk');
    const r = await server.rest<{ ticket: { id: string }; application: { code: string } | null }>(
      'POST',
      '/api/kiosk/tickets',
      {
        deviceToken: kiosk,
        body: { itemCode: item!.code, idNumber, identifiedBy: 'typed', form: values, print: false },
      },
    );
    if (!r.body.ok) throw new Error(`kiosk ticket: ${JSON.stringify(r.body.error)}`);
    const code = r.body.data.application!.code;
    const clerk = await openConsole(server, 'clerk1');
    await clerk.click('[data-window=w1]');
    // Before the call there is nothing to show; a wrong code is answered gracefully.
    await clerk.fill('input[name=scan]', 'NO-SUCH-CODE');
    await clerk.press('input[name=scan]', 'Enter');
    await expect
      .poll(() => clerk.locator('[data-testid=kiosk-form] .error').textContent())
      .toContain('没有找到表单');
    expect(await callNext(clerk)).toBe('A001');
    const form = clerk.locator('[data-testid=application]');
    await form.waitFor();
    expect(await form.textContent()).toContain(item!.form!.title);
    expect(await form.textContent()).toContain(code);
    // The ID number stays masked until the clerk asks to check it.
    expect(await form.textContent()).not.toContain(idNumber);
    await shot(clerk, 'clerk-kiosk-form');
    await form.locator('[data-action=reveal]').click();
    expect(await form.textContent()).toContain(idNumber);
    // The finish dialog takes the applicant's name from the form.
    await clerk.click('[data-action=start]');
    await clerk.click('[data-action=finish]');
    await expect.poll(() => clerk.inputValue('input[name=applicantName]'), POLL).toBe('赵六');
    await clerk.keyboard.press('Escape');
    // A scanner types the code and Enter: the same form opens.
    await clerk.reload();
    await clerk.locator('[data-testid=application]').waitFor();
    await clerk.fill('input[name=scan]', code);
    await clerk.press('input[name=scan]', 'Enter');
    await expect.poll(() => clerk.locator('[data-testid=application]').textContent(), POLL).toContain(code);
  }, 60_000);
});

describe('transfers', () => {
  it('to a named window and to a post: the ticket reaches that window’s or post’s next call', async () => {
    const server = await hall();
    const kiosk = await server.pairDevice('kiosk');
    for (let i = 0; i < 3; i++) {
      await kioskIssue(server, kiosk, 'A');
      server.clock.advance(MIN);
    }
    const c1 = await openConsole(server, 'clerk1');
    await c1.click('[data-window=w1]');
    const c2 = await openConsole(server, 'clerk2');
    await c2.click('[data-window=w2]');
    const r1 = await openConsole(server, 'rights1');
    await r1.click('[data-window=w7]');

    const transfer = async (kind: 'window' | 'post', value: string, note: string) => {
      await c1.bringToFront();
      await c1.click('[data-action=transfer]');
      await c1.click(`[data-transfer-kind=${kind}]`);
      await c1.selectOption(`select[name=transfer-${kind}]`, value);
      await c1.fill('input[name=transfer-note]', note);
      await c1.click('[data-action=confirm-transfer]');
      await c1.locator('[data-action=call-next]').waitFor();
    };
    expect(await callNext(c1)).toBe('A001');
    await transfer('window', 'w2', '请到2号窗口续办');
    expect(await callNext(c1)).toBe('A002');
    await transfer('post', 'rights', '需权益柜员办理');
    // Window 2 sees A001 at the head of its list, marked for it, and gets it ahead of A003.
    await c2.bringToFront();
    await expect
      .poll(() => c2.locator('[data-testid=up-next] tbody tr').first().textContent())
      .toContain('指定本窗口');
    expect(await callNext(c2)).toBe('A001');
    // The rights post (window 7, category C only) lists and gets A002 although it is an A ticket.
    await r1.bringToFront();
    await expect
      .poll(() => r1.locator('[data-testid=up-next] tbody tr').first().textContent())
      .toContain('A002');
    expect(await callNext(r1)).toBe('A002');
    expect(await callNext(c1)).toBe('A003');
    // A no-show before the recalls are used up is not offered: the button and F4 stay closed and
    // say how many calls are still needed (CON-NS-1); the server would refuse it (Q-NS-2).
    await c2.bringToFront();
    expect(await c2.locator('[data-action=no-show]').isDisabled()).toBe(true);
    await c2.keyboard.press('F4');
    expect(await c2.locator('[data-testid=current-ticket]').getAttribute('data-status')).toBe('called');
    expect(await c2.locator('[data-testid=no-show-hint]').textContent()).toContain('还需重呼 2 次');
    // The same refusal from the server, asked with this console's own session.
    const early = await c2.evaluate(async () => {
      const r = await fetch('/api/commands/ticket:no-show', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${sessionStorage.getItem('onewindow.console.token')}`,
          'content-type': 'application/json',
          'idempotency-key': 'posts-early-no-show',
        },
        body: JSON.stringify({ windowId: 'w2' }),
      });
      return ((await r.json()) as { error?: { code: string } }).error?.code;
    });
    expect(early).toBe('CALLS_NOT_EXHAUSTED');
  }, 60_000);
});

describe('restart', () => {
  it('an open console follows the hall across a server restart without a reload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onewindow-console-'));
    const clock = new TestClock();
    let server = await startTestServer({ dir, clock });
    const port = Number(new URL(server.url).port);
    let up = true;
    cleanup.push(async () => {
      if (up) await server.close({ removeDb: false });
      rmSync(dir, { recursive: true, force: true });
    });
    const kiosk = await server.pairDevice('kiosk');
    await kioskIssue(server, kiosk, 'A');
    const clerk = await openConsole(server, 'clerk1');
    await clerk.click('[data-window=w1]');
    await expect.poll(() => clerk.locator('[data-testid=waiting-A]').textContent(), POLL).toContain('1 人');
    await server.close({ removeDb: false });
    up = false;
    await clerk.locator('.link.reconnecting').waitFor();
    server = await startTestServer({ dir, clock, port });
    up = true;
    await kioskIssue(server, kiosk, 'A');
    await kioskIssue(server, kiosk, 'A');
    await clerk.locator('.link.live').waitFor({ timeout: 20_000 });
    await expect
      .poll(() => clerk.locator('[data-testid=waiting-A]').textContent(), { timeout: 10_000 })
      .toContain('3 人');
    // Still signed on at window 1 (the session lives in the database): the call works.
    expect(await callNext(clerk)).toBe('A001');
  }, 60_000);
});

describe('posts', () => {
  it('each post sees only its own views, and the server refuses the others’ commands', async () => {
    const server = await hall();
    const expected: Record<string, string[]> = {
      clerk1: ['clerk', 'complaints', 'recon'],
      rights1: ['clerk', 'handback', 'complaints', 'recon'],
      guide1: ['guide', 'complaints'],
      manager1: [
        'manager',
        'query',
        'risk',
        'risklist',
        'audit',
        'complaints',
        'supervision',
        'notices',
        'reconsign',
        'archive',
      ],
      admin: ['admin', 'booking', 'templates', 'risklist', 'audit', 'notices'],
      reviewer1: ['review', 'precheck', 'archive'],
      supervisor1: ['recheck', 'archive'],
      accountant1: ['query', 'archive'],
    };
    for (const [user, tabs] of Object.entries(expected)) {
      const page = await openConsole(server, user, '#manager');
      const seen = await page
        .locator('[data-tab]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-tab')));
      expect(seen, user).toEqual(tabs);
      // A hash for a view the post does not hold shows that post's own view instead.
      if (!tabs.includes('manager'))
        expect(await page.locator('[data-testid=manager-summary]').count(), user).toBe(0);
      await page.close();
    }

    const token = (u: string) => server.login(u);
    const clerk = await token('clerk1');
    const guide = await token('guide1');
    const manager = await token('manager1');
    const forbidden = async (t: string, method: string, path: string, body?: unknown) => {
      const r = await server.rest(method, path, { token: t, ...(body !== undefined ? { body } : {}) });
      expect(r.body.ok ? 'ok' : r.body.error.code, `${method} ${path}`).toBe('FORBIDDEN');
    };
    await forbidden(clerk, 'GET', '/api/stats');
    await forbidden(clerk, 'GET', '/api/stats/export?format=csv');
    await forbidden(clerk, 'GET', '/api/staff');
    await forbidden(clerk, 'POST', '/api/commands/ticket:override', {
      ticketId: 'x',
      action: { kind: 'front' },
      reason: 'r',
    });
    await forbidden(guide, 'POST', '/api/commands/window:open', { windowId: 'w1' });
    await forbidden(guide, 'GET', '/api/stats');
    await forbidden(guide, 'GET', '/api/audit/search');
    const config = await server.rest<unknown>('GET', '/api/hall/config', { token: await token('admin') });
    if (!config.body.ok) throw new Error('hall config');
    await forbidden(manager, 'POST', '/api/commands/hall:configure', { config: config.body.data });
    await forbidden(manager, 'GET', '/api/staff');
    await forbidden(manager, 'POST', '/api/commands/ticket:call-next', { windowId: 'w1' });

    // In the browser: the guide's console refuses a clerk command with the Chinese message.
    const page = await openConsole(server, 'guide1');
    const msg = await page.evaluate(async () => {
      const t = sessionStorage.getItem('onewindow.console.token');
      const r = await fetch('/api/commands/window:open', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t}` },
        body: JSON.stringify({ windowId: 'w1' }),
      });
      return ((await r.json()) as { error: { code: string } }).error.code;
    });
    expect(msg).toBe('FORBIDDEN');
    // Logging out ends the session: the login form again, and the old token is refused.
    const oldToken = await page.evaluate(() => sessionStorage.getItem('onewindow.console.token'));
    await page.click('[data-testid=who] button');
    await page.locator('[data-testid=login]').waitFor();
    const me = await server.rest('GET', '/api/auth/me', { token: oldToken! });
    expect(me.body.ok ? 'ok' : me.body.error.code).toBe('UNAUTHENTICATED');
  }, 120_000);
});

describe('acceptance deadline across 国庆 2026', () => {
  it('a receipt on 2026-09-30 counts working days past the holiday, with the 调休 Saturday', async () => {
    // 2026-09-30 09:00 in Beijing, a Wednesday before the National Day holiday.
    const server = await hall(new TestClock(Date.UTC(2026, 8, 30, 1, 0, 0)));
    const catalog = await server.rest<ServiceItem[]>('GET', '/api/catalog');
    if (!catalog.body.ok) throw new Error('catalog');
    const item = catalog.body.data.find(
      (i) =>
        i.categoryId === 'A' &&
        i.kind === 'time-limited' &&
        i.timeLimit.unit === 'working' &&
        i.timeLimit.days,
    );
    expect(item, 'an A item with a limit in working days').toBeDefined();
    const kiosk = await server.pairDevice('kiosk');
    await kioskIssue(server, kiosk, 'A', { itemCode: item!.code });
    const clerk = await openConsole(server, 'clerk1');
    await clerk.click('[data-window=w1]');
    expect(await callNext(clerk)).toBe('A001');
    await clerk.click('[data-action=start]');
    await clerk.click('[data-action=finish]');
    await clerk.click('[data-outcome=accepted]');
    await clerk.fill('input[name=applicantName]', '王五');
    await clerk.fill('input[name=contactPhone]', '13900001111');
    await clerk.click('[data-action=confirm-finish]');
    const deadline = clerk.locator('[data-testid=slip-deadline]');
    await deadline.waitFor();
    const expectedDate = addWorkingDays('2026-09-30', item!.timeLimit.days!);
    expect(await deadline.getAttribute('data-date')).toBe(expectedDate);
    const [y, m, d] = expectedDate.split('-').map(Number);
    expect(await deadline.textContent()).toBe(`${y}年${m}月${d}日`);
    await shot(clerk, 'slip-acceptance-national-day');
  }, 60_000);
});

describe('admin', () => {
  it('catalog, hall settings, staff (duty conflict refused with the reason), devices with a pairing code, calendar', async () => {
    const server = await hall();
    const admin = await openConsole(server, 'admin');
    await admin.locator('[data-testid=catalog-list] tbody tr button.item-pick').first().click();
    const edit = admin.locator('[data-testid=catalog-edit]');
    const name = edit.locator('input[name=name]');
    await name.waitFor();
    // Edit the item's name in the form and save: the catalog serves the new name (ADM-1).
    const itemCode = await edit.locator('input[name=code]').inputValue();
    const before = await name.inputValue();
    await name.fill(`${before}（试点）`);
    await admin.click('[data-action=save-item]');
    await admin.locator('.flash.ok').waitFor();
    const after = await server.rest<ServiceItem[]>('GET', '/api/catalog');
    expect(after.body.ok && after.body.data.find((i) => i.code === itemCode)?.name).toBe(`${before}（试点）`);
    // A broken edit is named in Chinese and cannot be saved (ADM-7).
    await name.fill('');
    await expect
      .poll(() => edit.getByTestId('catalog-issues').textContent(), POLL)
      .toContain('事项名称 不能为空');
    expect(await admin.isDisabled('[data-action=save-item]')).toBe(true);
    // CON-ZH-1: in Chinese with the field's Chinese name, not zod's English.
    expect(await edit.getByTestId('catalog-issues').textContent()).not.toMatch(/Invalid|expected/);
    await shot(admin, 'admin-catalog');
    const exported = admin.waitForEvent('download');
    await admin.click('[data-action=export-catalog]');
    expect((await exported).suggestedFilename()).toMatch(/^catalog-.*\.json$/);
    await admin.click('[data-sub=hall]');
    await admin.locator('[data-testid=hall-settings]').waitFor();
    await admin.fill('input[name=voiceTemplate]', '请{号}号到{窗口}号窗口');
    expect(await admin.isChecked('input[name=oneTicketPerCategory]')).toBe(true);
    await admin.uncheck('input[name=oneTicketPerCategory]');
    // MOB-Q-3, NOTE-TRG-5: the phone channel's settings, shown with their defaults.
    expect(await admin.inputValue('input[name=online-confirmMinutes]')).toBe('60');
    await admin.fill('input[name=online-confirmMinutes]', '45');
    await admin.fill('input[name=online-aheadNotice]', '5');
    await admin.click('[data-action=save-hall]');
    await admin.locator('.flash.ok').waitFor();
    const cfg = await server.rest<{ settings: { voiceTemplate: string; oneTicketPerCategory?: boolean } }>(
      'GET',
      '/api/hall/config',
      { token: await server.login('admin') },
    );
    expect(cfg.body.ok && cfg.body.data.settings.voiceTemplate).toBe('请{号}号到{窗口}号窗口');
    expect(cfg.body.ok && cfg.body.data.settings.oneTicketPerCategory).toBe(false);
    expect(cfg.body.ok && (cfg.body.data.settings as { online?: unknown }).online).toEqual({
      confirmMinutes: 45,
      aheadNotice: 5,
      ratingDays: 7,
    });
    await shot(admin, 'admin-hall');

    await admin.click('[data-sub=staff]');
    const row = admin.locator('tr[data-staff=clerk1]');
    await row.locator('[data-role=accountant]').click();
    await row.locator('[data-action=save-roles]').click();
    await expect
      .poll(() => row.locator('[data-testid=role-error]').textContent())
      .toContain('账务管理岗不得兼任经办岗位');
    await shot(admin, 'admin-staff');

    await admin.click('[data-sub=devices]');
    await admin.selectOption('select[name=device-kind]', 'rating-pad');
    await admin.selectOption('select[name=device-window]', 'w3');
    await admin.click('[data-action=pairing-code]');
    const code = (await admin.locator('[data-testid=pairing-code]').textContent())!.replace(/\s/g, '');
    expect(code).toMatch(/^\d{8}$/);
    const paired = await server.rest<{ deviceToken: string }>('POST', '/api/devices/pair', {
      body: { code },
    });
    expect(paired.body.ok).toBe(true);
    // The list follows the pairing: the new pad at window 3, then revoked from the console.
    const pad = admin.locator('tr[data-device]', { hasText: '评价器' });
    await pad.waitFor();
    expect(await pad.textContent()).toContain('3号');
    await shot(admin, 'admin-devices');
    admin.once('dialog', (d) => void d.accept());
    await pad.locator('[data-action=revoke]').click();
    await expect.poll(() => pad.textContent(), POLL).toContain('已吊销');

    await admin.click('[data-sub=calendar]');
    await admin.fill('input[name=override-date]', '2026-12-31');
    await admin.fill('input[name=override-note]', '年终结算闭厅');
    await admin.click('[data-testid=calendar] button[type=submit]');
    await admin.locator('[data-testid=calendar] td', { hasText: '年终结算闭厅' }).waitFor();
    await shot(admin, 'admin-calendar');
  }, 90_000);
});

/**
 * An independent working-day count for late 2026: weekends off, except the 调休 workdays, and
 * the State Council's holidays (中秋 9-25…27, 国庆 10-1…7; 9-20 and 10-10 are workdays).
 * The deadline is `n` working days after the acceptance day.
 */
function addWorkingDays(from: string, n: number): string {
  const holidays = new Set([
    '2026-09-25',
    '2026-10-01',
    '2026-10-02',
    '2026-10-03',
    '2026-10-04',
    '2026-10-05',
    '2026-10-06',
    '2026-10-07',
  ]);
  const workdays = new Set(['2026-09-20', '2026-10-10']);
  const d = new Date(`${from}T00:00:00Z`);
  let left = n;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const iso = d.toISOString().slice(0, 10);
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
    const working = workdays.has(iso) || (!weekend && !holidays.has(iso));
    if (working) left--;
  }
  return d.toISOString().slice(0, 10);
}
