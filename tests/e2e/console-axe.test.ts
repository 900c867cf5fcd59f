/// <reference lib="dom" />
/**
 * Every screen of the staff console, for every post, scanned with axe-core in Debian's Chromium
 * against a real queue server (SPEC CON-A11Y-1): 0 critical and 0 serious violations. The login,
 * the clerk (window picker, idle, called, serving, finish, transfer and pause dialogs), the
 * rights clerk (counter, 权益出件), the guide (list, override dialog), the reviewer, the
 * supervisor, the accountant, the manager (dashboard with its charts, 案件查询, audit, 日结复签,
 * 电子档案), the clerk's 日结轧账 and the
 * admin (catalog, hall settings, accounts, devices, calendar, audit) and the account dialog.
 * Every screen is photographed (`test-results/screenshots/console-axe-*.png`). The violations
 * of all screens are collected first, so one run names every one of them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SlipResult, Ticket } from '@onewindow/shared';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { consoleShot, kioskTicket, openConsoleAs } from '../support/console.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'queue-server', 'console', 'dist', 'index.html');
const MIN = 60_000;

let server: TestServer;
let chrome: { browser: BrowserContext; close: () => Promise<void> };
/** Screen → its serious and critical violations (rule id, impact, how many nodes, first target). */
const found: Record<string, string[]> = {};
const scanned: string[] = [];

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('queue-server/console/dist is missing: run `npm run build` first');
  server = await startTestServer();
  chrome = await launchChromium({ viewport: { width: 1366, height: 768 } });
});
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

/** axe-core on the page as it stands; serious and critical violations are kept under `name`. */
async function axe(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150);
  await consoleShot(page, `axe-${name}`);
  const violations = await seriousViolations(page);
  scanned.push(name);
  const bad = violations.map((v) => `${v.id} (${v.impact}, ${v.nodes}× e.g. ${v.first})`);
  if (bad.length > 0) found[name] = bad;
}

async function open(username: string, hash = ''): Promise<Page> {
  const page = await openConsoleAs(chrome.browser, server.url, username, hash);
  await page.bringToFront();
  return page;
}

let keyN = 0;
async function rest<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  const r = await server.rest<T>(method, path, {
    token,
    ...(body !== undefined ? { body } : {}),
    headers: { 'idempotency-key': `axe-${++keyN}` },
  });
  if (!r.body.ok) throw new Error(`${method} ${path}: ${r.body.error.code} ${r.body.error.message}`);
  return r.body.data;
}

describe('CON-A11Y-1 axe on every console screen', () => {
  it('finds no serious or critical violation on any screen of any post', async () => {
    const kiosk = await server.pairDevice('kiosk');
    await server.pairDevice('agent', 'w1');
    const catalog = await rest<{ code: string; categoryId: string; kind: string }[]>(
      await server.login('clerk2'),
      'GET',
      '/api/catalog',
    );
    const limited = catalog.find((i) => i.categoryId === 'A' && i.kind === 'time-limited')!;
    const tickets: Ticket[] = [];
    for (let i = 0; i < 5; i++) {
      tickets.push(
        await kioskTicket(server, kiosk, { categoryId: 'A', itemCode: limited.code }, `axe-t-${i}`),
      );
      server.clock.advance(MIN);
    }
    await kioskTicket(server, kiosk, { categoryId: 'C' }, 'axe-t-c');
    // A case for the back office's lists: clerk2 accepts one at window 2 over REST.
    const clerk2 = await server.login('clerk2');
    await rest(clerk2, 'POST', '/api/commands/window:open', { windowId: 'w2' });
    const called = await rest<{ facts: { type: string; ticketId?: string }[] }>(
      clerk2,
      'POST',
      '/api/commands/ticket:call-next',
      { windowId: 'w2' },
    );
    await rest(clerk2, 'POST', '/api/commands/ticket:start', { windowId: 'w2' });
    await rest<SlipResult>(clerk2, 'POST', '/api/slips', {
      ticketId: called.facts.find((f) => f.type === 'ticket:called')!.ticketId,
      kind: 'acceptance',
      applicantName: '李四',
      contactPhone: '13900000000',
      print: false,
    });

    // The login screen.
    const login = await chrome.browser.newPage();
    await login.goto(`${server.url}/console/`);
    await login.locator('[data-testid=login]').waitFor();
    await axe(login, 'login');
    await login.close();

    // The clerk: picker, idle, called, serving, dialogs.
    const clerk = await open('clerk1');
    await clerk.locator('[data-testid=window-picker]').waitFor();
    await axe(clerk, 'clerk-window-picker');
    await clerk.click('[data-window=w1]');
    await clerk.locator('[data-action=call-next]').waitFor();
    await axe(clerk, 'clerk-idle');
    await clerk.keyboard.press('F1');
    await clerk.locator('[data-testid=current-ticket][data-status=called]').waitFor();
    await axe(clerk, 'clerk-called');
    await clerk.click('[data-action=transfer]');
    await clerk.locator('.modal').waitFor();
    await axe(clerk, 'clerk-transfer-dialog');
    await clerk.keyboard.press('Escape');
    await clerk.click('[data-action=start]');
    await clerk.locator('[data-testid=current-ticket][data-status=serving]').waitFor();
    await axe(clerk, 'clerk-serving');
    await clerk.click('[data-action=finish]');
    await clerk.locator('[data-testid=finish-dialog]').waitFor();
    // CON-PRN-1: window 1's agent is paired but not connected: A4, saying why.
    expect(await clerk.locator('[data-testid=window-printer]').getAttribute('data-state')).toBe('offline');
    expect(await clerk.locator('[data-printer=a4]').getAttribute('class')).toContain('on');
    await axe(clerk, 'clerk-finish-dialog');
    await clerk.click('[data-outcome=rejected]');
    await axe(clerk, 'clerk-finish-reject');
    await clerk.click('[data-outcome=supplement]');
    await axe(clerk, 'clerk-finish-supplement');
    await clerk.fill('input[name=applicantName]', '王五');
    await clerk.click('[data-outcome=completed]');
    await clerk.click('[data-printer=a4]');
    await clerk.click('[data-action=confirm-finish]');
    await clerk.locator('[data-testid=slip-a4]').waitFor();
    await axe(clerk, 'clerk-slip');
    await clerk.keyboard.press('Escape');
    await clerk.locator('.modal').waitFor({ state: 'detached' });
    await clerk.click('[data-action=pause]');
    await clerk.locator('.modal').waitFor();
    await axe(clerk, 'clerk-pause-dialog');
    await clerk.keyboard.press('Escape');
    await clerk.click('[data-action=account]');
    await clerk.locator('.modal').waitFor();
    await axe(clerk, 'account-dialog');
    await clerk.keyboard.press('Escape');
    await clerk.close();
    // The clerk's 日结轧账 of the day (REC-UI-1): the finished ticket's business and its count.
    const recon = await open('clerk1', '#recon');
    await recon.locator('[data-testid=recon-discrepancy-panel]').waitFor();
    await axe(recon, 'clerk-recon');
    await recon.close();

    // The rights clerk: the counter and 权益出件.
    const rights = await open('rights1');
    await rights.locator('[data-testid=window-picker]').waitFor();
    await axe(rights, 'rights-window-picker');
    await rights.goto(`${server.url}/console/#handback`);
    await rights.waitForSelector('.link.live');
    await rights.waitForTimeout(300);
    await axe(rights, 'rights-handback');
    await rights.close();

    // The guide: the list and an override dialog.
    const guide = await open('guide1');
    await guide.locator(`tr[data-ticket="${tickets[4]!.id}"]`).waitFor();
    await axe(guide, 'guide');
    await guide.click(`tr[data-ticket="${tickets[4]!.id}"] [data-action=pin]`);
    await guide.locator('[data-testid=override-dialog]').waitFor();
    await axe(guide, 'guide-override-dialog');
    await guide.keyboard.press('Escape');
    await guide.close();

    // The back office: review, re-check, the accountant's query.
    for (const [user, hash] of [
      ['reviewer1', 'review'],
      ['supervisor1', 'recheck'],
      ['accountant1', 'query'],
    ] as const) {
      const p = await open(user, `#${hash}`);
      await p.waitForTimeout(500);
      await axe(p, `${user}-${hash}`);
      const row = p.locator('[data-case]').first();
      if ((await row.count()) > 0) {
        await row.click();
        await p.waitForTimeout(300);
        await axe(p, `${user}-${hash}-case`);
      }
      await p.close();
    }

    // The manager: dashboard with its charts, cases, audit.
    const manager = await open('manager1', '#manager');
    await manager.locator('canvas').first().waitFor();
    await axe(manager, 'manager');
    for (const [hash, ready] of [
      ['query', '.content'],
      ['audit', '.content'],
      ['reconsign', '[data-testid=recon-clerks]'],
      ['archive', '[data-testid=archive-fixity]'],
    ] as const) {
      await manager.goto(`${server.url}/console/#${hash}`);
      await manager.waitForSelector('.link.live');
      await manager.waitForSelector(ready);
      await manager.waitForTimeout(500);
      await axe(manager, `manager-${hash}`);
    }
    await manager.close();

    // The admin: every part of 系统管理, and the audit.
    const admin = await open('admin', '#admin');
    for (const sub of ['catalog', 'hall', 'staff', 'devices', 'calendar']) {
      await admin.click(`[data-sub=${sub}]`);
      await admin.waitForTimeout(500);
      await axe(admin, `admin-${sub}`);
    }
    await admin.goto(`${server.url}/console/#audit`);
    await admin.waitForSelector('.link.live');
    await admin.waitForTimeout(500);
    await axe(admin, 'admin-audit');
    await admin.close();

    expect(scanned.length).toBeGreaterThanOrEqual(25);
    expect(found).toEqual({});
  }, 240_000);
});
