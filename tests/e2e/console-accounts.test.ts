/// <reference lib="dom" />
/**
 * Accounts in the staff console, end to end in Debian's Chromium against a real queue server
 * (SPEC SEC-ACC-1..5):
 *
 * 1. an admin creates a manager account, which waits for approval; the same admin cannot
 *    approve it, the second admin does;
 * 2. an admin resets a clerk's password (shown once), disables and enables an account; the
 *    clerk's console is logged out, and the temporary password leads to the change screen first;
 * 3. a manager enrols TOTP under 账户, then logs in with the code field.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../queue-server/src/service/totp.ts';
import { launchChromium } from '../support/browser.ts';
import { consoleShot, openConsoleAs } from '../support/console.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');
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

async function hall(): Promise<TestServer> {
  const server = await startTestServer();
  cleanup.push(() => server.close());
  return server;
}

async function openConsole(server: TestServer, username: string, hash = ''): Promise<Page> {
  const page = await openConsoleAs(chrome.browser, server.url, username, hash);
  page.on('dialog', (d) => void d.accept());
  cleanup.push(() => page.close());
  return page;
}

/** A console page at the login form, not logged in. */
async function loginPage(server: TestServer): Promise<Page> {
  const page = await chrome.browser.newPage();
  page.setDefaultTimeout(8000);
  cleanup.push(() => page.close());
  await page.goto(`${server.url}/console/`);
  await page.waitForSelector('[data-testid=login]');
  return page;
}

async function staffTab(page: Page): Promise<void> {
  await page.bringToFront();
  await page.click('[data-sub=staff]');
  await page.locator('[data-testid=staff] tr[data-staff=admin]').waitFor();
}

describe('console accounts (SEC-ACC-1..5)', () => {
  it('SEC-ACC-1 a manager granted in the console waits for the second admin, who approves it', async () => {
    const server = await hall();
    const admin = await openConsole(server, 'admin', '#admin');
    await staffTab(admin);
    await admin.fill('input[name=new-username]', 'deputy1');
    await admin.fill('input[name=new-name]', '副主任');
    await admin.fill('input[name=new-staffNumber]', 'M0002');
    await admin.fill('input[name=new-password]', 'Deputy-manager-26');
    await admin.locator('form .chips button', { hasText: '大厅管理' }).click();
    await admin.click('form button[type=submit]');
    await expect
      .poll(() => admin.locator('[data-testid=flash]').textContent(), POLL)
      .toContain('待另一名系统管理员审批');
    const row = admin.locator('[data-testid=grants] tr[data-grant=deputy1]');
    await row.waitFor();
    // The proposer's own approve button is off, and the server refuses it anyway.
    expect(await row.locator('[data-action=approve]').isDisabled()).toBe(true);
    await consoleShot(admin, 'accounts-grant-pending');

    const admin2 = await openConsole(server, 'admin2', '#admin');
    await staffTab(admin2);
    const row2 = admin2.locator('[data-testid=grants] tr[data-grant=deputy1]');
    await row2.locator('[data-action=approve]').click();
    await expect
      .poll(() => admin2.locator('[data-testid=grants]').textContent(), POLL)
      .toContain('没有待审批');
    const roles = admin2.locator('[data-testid=staff] tr[data-staff=deputy1] [data-role=manager]');
    await expect.poll(() => roles.getAttribute('class'), POLL).toContain('on');
  });

  it('SEC-ACC-2/4 reset, disable and enable from the console; the temporary password leads to the change screen', async () => {
    const server = await hall();
    const clerk = await openConsole(server, 'clerk3');
    const admin = await openConsole(server, 'admin', '#admin');
    await staffTab(admin);
    const row = admin.locator('[data-testid=staff] tr[data-staff=clerk3]');

    await row.locator('[data-action=reset-password]').click();
    const shown = admin.locator('[data-testid=temporary-password] code');
    await shown.waitFor();
    const temporary = (await shown.textContent())!.trim();
    expect(temporary).toMatch(/^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/);
    await consoleShot(admin, 'accounts-temporary-password');
    await admin.locator('[data-testid=temporary-password] button').click();
    await expect
      .poll(() => row.locator('[data-testid=account-state]').textContent(), POLL)
      .toContain('待改密');

    // The clerk's open console is logged out (its socket was dropped and the token refused).
    await clerk.bringToFront();
    await clerk.waitForSelector('[data-testid=login]', POLL);

    await row.locator('[data-action=disable]').click();
    await expect
      .poll(() => row.locator('[data-testid=account-state]').textContent(), POLL)
      .toContain('已停用');
    await consoleShot(admin, 'accounts-disabled');
    const refused = await loginPage(server);
    await refused.fill('input[name=username]', 'clerk3');
    await refused.fill('input[name=password]', temporary);
    await refused.click('button[type=submit]');
    await expect
      .poll(() => refused.locator('[role=alert]').textContent(), POLL)
      .toContain('用户名或密码错误');

    await admin.bringToFront();
    await row.locator('[data-action=enable]').click();
    await expect
      .poll(() => row.locator('[data-testid=account-state]').textContent(), POLL)
      .not.toContain('已停用');

    const page = await loginPage(server);
    await page.fill('input[name=username]', 'clerk3');
    await page.fill('input[name=password]', temporary);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=pending-password]');
    await page.fill('input[name=old-password]', temporary);
    await page.fill('input[name=new-password]', '12345678');
    await page.fill('input[name=repeat-password]', '12345678');
    await page.click('[data-testid=change-password] button[type=submit]');
    await expect
      .poll(() => page.locator('[data-testid=change-password] [role=alert]').textContent(), POLL)
      .toContain('密码');
    await consoleShot(page, 'accounts-change-password');
    await page.fill('input[name=new-password]', 'Clerk-three-2026');
    await page.fill('input[name=repeat-password]', 'Clerk-three-2026');
    await page.click('[data-testid=change-password] button[type=submit]');
    await page.waitForSelector('.link.live');
    expect(await page.locator('[data-testid=who]').textContent()).toContain('刘洋');
  });

  it('SEC-ACC-5 a manager enrols TOTP under 账户 and then logs in with the code', async () => {
    const server = await hall();
    const page = await openConsole(server, 'manager1');
    await page.click('[data-action=account]');
    await page.click('[data-action=totp-start]');
    const secret = (await page.locator('[data-testid=totp-secret]').textContent())!.trim();
    expect(
      await page.locator('img.totp-qr').evaluate((img) => (img as HTMLImageElement).naturalWidth),
    ).toBeGreaterThan(0);
    await consoleShot(page, 'accounts-totp-enrol');
    await page.fill('input[name=totp-code]', totpCode(secret, server.clock.now()));
    await page.click('[data-action=totp-confirm]');
    await expect.poll(() => page.locator('.modal .flash.ok').textContent(), POLL).toContain('动态口令已绑定');

    server.clock.advance(30_000);
    const login = await loginPage(server);
    await login.fill('input[name=username]', 'manager1');
    await login.fill('input[name=password]', 'onewindow-demo');
    await login.click('button[type=submit]');
    await login.waitForSelector('input[name=totp]');
    await consoleShot(login, 'accounts-login-totp');
    await login.fill('input[name=totp]', totpCode(secret, server.clock.now()));
    await login.click('button[type=submit]');
    await login.waitForSelector('.link.live');
    expect(await login.locator('[data-testid=who]').textContent()).toContain('陈刚');
  });
});
