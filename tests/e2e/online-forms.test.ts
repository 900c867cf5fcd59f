/**
 * 网上填单 at the window and the reviewer's 网上预审, in Chromium (issue #17 point 3, SPEC
 * MOB-FORM-3, MOB-PRE-2, MOB-PRE-4): a citizen's online form of a high-risk item is returned by
 * the reviewer in the console's 网上预审 tab, and the clerk serving the citizen opens it by its
 * code in the 自助填表 panel and sees plainly that the pre-check did not pass.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OnlineDraftView } from '@onewindow/shared';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAxeClean } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { signInCitizen } from '../support/citizen.ts';
import { consoleShot, openConsoleAs } from '../support/console.ts';
import { startSmsc } from '../support/phone.ts';
import { startTestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');
const POLL = { timeout: 8000 };
const ITEM = '512B0070200003';
const ID = '34052419800101001X';
const FORM = {
  name: '张三丰',
  idNumber: ID,
  sex: '男',
  phone: '13812345678',
  bank: 'ICBC',
  delivery: 'window',
};

let chrome: { browser: BrowserContext; close: () => Promise<void> };
beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('queue-server/console/dist is missing: run `npm run build` first');
  chrome = await launchChromium({ viewport: { width: 1366, height: 768 } });
});
afterAll(async () => {
  await chrome?.close();
});

describe('online forms in the console (SPEC MOB-FORM-3, MOB-PRE-2, MOB-PRE-4)', () => {
  it('the reviewer returns a high-risk form with a reason; the clerk opens it by code and sees it was returned', async () => {
    const smsc = await startSmsc();
    const server = await startTestServer({ sms: smsc.sms });
    try {
      const admin = await server.login('admin');
      const item = server.app.hall.catalog.items().find((i) => i.code === ITEM)!;
      await server.rest('PUT', `/api/catalog/items/${ITEM}`, {
        token: admin,
        body: { ...item, precheck: true },
      });
      const d = await server.rest<OnlineDraftView>('POST', '/api/m/drafts', {
        headers: (await signInCitizen(server, smsc, ID, FORM.phone)).headers,
        body: { itemCode: ITEM, form: FORM },
      });
      if (!d.body.ok) throw new Error(JSON.stringify(d.body.error));
      const code = d.body.data.code;

      const reviewer = await openConsoleAs(chrome.browser, server.url, 'reviewer1', '#precheck');
      await reviewer.click('[data-tab=precheck]');
      const row = reviewer.locator(`[data-code=${code}]`);
      await row.waitFor();
      await row.locator('[data-action=open]').click();
      const form = reviewer.locator('[data-testid=precheck-form]');
      await form.waitFor();
      expect(await form.textContent()).toContain('张三丰');
      await reviewer.fill('textarea[name=reasons]', '开户银行信息不完整');
      await expectAxeClean(reviewer, 'console 网上预审');
      await consoleShot(reviewer, 'precheck-form');
      await reviewer.click('[data-action=return]');
      await expect
        .poll(() => reviewer.locator('[data-testid=precheck-list]').textContent(), POLL)
        .toContain('预审退回');
      await reviewer.close();

      const kiosk = await server.pairDevice('kiosk');
      await server.rest('POST', '/api/kiosk/tickets', {
        deviceToken: kiosk,
        body: { itemCode: ITEM, idNumber: ID, print: false },
      });
      const clerk = await openConsoleAs(chrome.browser, server.url, 'clerk1');
      await clerk.click('[data-window=w1]');
      await clerk.locator('[data-action=call-next]').waitFor();
      await clerk.keyboard.press('F1');
      await clerk.locator('[data-testid=current-ticket]').waitFor();
      await clerk.fill('input[name=scan]', code);
      await clerk.press('input[name=scan]', 'Enter');
      const app = clerk.locator('[data-testid=application]');
      await expect.poll(() => app.textContent(), POLL).toContain(code);
      expect(await app.textContent()).toContain('网上填单');
      const status = clerk.locator('[data-testid=precheck-status]');
      expect(await status.getAttribute('data-status')).toBe('returned');
      expect(await status.textContent()).toContain('开户银行信息不完整');
      await consoleShot(clerk, 'clerk-online-form');
      await clerk.close();

      // The admin's 网上预约 settings: add a line, save, and it is the configuration.
      const adminPage = await openConsoleAs(chrome.browser, server.url, 'admin', '#booking');
      await adminPage.click('[data-tab=booking]');
      const editor = adminPage.locator('[data-testid=booking-config]');
      await editor.waitFor();
      await adminPage.check('input[name=enabled]');
      await adminPage.click('[data-action=add-line]');
      await adminPage.fill('[data-line="0"] input[name=capacity]', '4');
      await expectAxeClean(adminPage, 'console 网上预约');
      await consoleShot(adminPage, 'booking-config');
      await adminPage.click('[data-action=save]');
      await expect.poll(() => editor.textContent(), POLL).toContain('已保存');
      expect(server.app.hall.bookings.config()).toMatchObject({
        enabled: true,
        lines: [{ categoryId: 'A', itemCode: null, from: '09:00', to: '11:30', capacity: 4 }],
      });
      await adminPage.close();
    } finally {
      await server.close();
      await smsc.close();
    }
  }, 90_000);
});
