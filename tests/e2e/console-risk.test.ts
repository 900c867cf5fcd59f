/// <reference lib="dom" />
/**
 * The risk screens in Debian's Chromium against a real server (SPEC RISK-HND-5, RISK-LIST-1):
 * an alert raised by a guide's cancels reaches the manager's open 风险预警 list live (pushed,
 * no reload), is taken and disposed there; a clerk's console never receives it; the admin's
 * 风险清单 publishes a new version. Both screens are scanned with axe and photographed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandResult, RiskAlertList } from '@onewindow/shared';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAxeClean } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { consoleShot, openConsoleAs } from '../support/console.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');
const POLL = { timeout: 10_000, interval: 100 };

let server: TestServer;
let chrome: { browser: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('queue-server/console/dist is missing: run `npm run build` first');
  server = await startTestServer({ risk: true });
  chrome = await launchChromium({ viewport: { width: 1366, height: 768 } });
});
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

describe('risk console (RISK-HND-5, RISK-LIST-1)', () => {
  it('a live alert reaches the manager only, is taken and disposed; the admin publishes the list', async () => {
    const manager = await openConsoleAs(chrome.browser, server.url, 'manager1', '#risk');
    await manager.locator('[data-testid=risk-alerts]').waitFor();
    const clerk = await openConsoleAs(chrome.browser, server.url, 'clerk1', '#clerk');

    // The guide cancels five tickets: the starting R-STAFF (block at 5 in 24 h) refuses the
    // fifth; the manager lets it through once, and its commit raises the alert.
    const guide = await server.login('guide1');
    const mgr = await server.login('manager1');
    const cancel = async () => {
      const t = await server.rest<CommandResult>('POST', '/api/commands/ticket:issue', {
        token: guide,
        body: { categoryId: 'A' },
      });
      if (!t.body.ok) throw new Error(JSON.stringify(t.body));
      const issued = t.body.data.facts.find((e) => e.type === 'ticket:issued');
      const id = issued?.type === 'ticket:issued' ? issued.ticket.id : '';
      return server.rest('POST', '/api/commands/ticket:cancel', {
        token: guide,
        body: { ticketId: id, reason: '群众主动放弃' },
      });
    };
    for (let i = 0; i < 4; i++) expect((await cancel()).body.ok).toBe(true);
    const refused = await cancel();
    expect(refused.body.ok).toBe(false);
    if (!refused.body.ok) expect(refused.body.error.code).toBe('RISK_BLOCKED');
    // The manager lets the guide through once, from the console, naming the account.
    await manager.selectOption('[data-testid=risk-override] select[name=ruleId]', 'R-STAFF');
    await manager.fill('[data-testid=risk-override] input[name=actorId]', 'guide1');
    await manager.fill('[data-testid=risk-override] input[name=reason]', '群众集体离开，已核实');
    await manager.click('[data-testid=risk-override] button[type=submit]');
    await expect
      .poll(() => manager.locator('[data-testid=flash]').textContent(), POLL)
      .toContain('已放行一次');
    expect((await cancel()).body.ok).toBe(true);

    // Pushed to the open manager console, without a reload.
    const row = manager.locator('[data-testid=risk-alert-table] tr', { hasText: 'R-STAFF' });
    await row.waitFor(POLL);
    expect(await row.textContent()).toContain('CZ-05');
    // The subject is named (name and 工号), not a bare id.
    expect(await row.textContent()).toContain('王丽（G0001）');
    await consoleShot(manager, 'risk-alerts');
    await expectAxeClean(manager, 'risk alerts');

    await row.locator('[data-action=take]').click();
    await expect.poll(() => row.locator('[data-status]').textContent(), POLL).toContain('处置中');
    await row.locator('[data-action=dispose]').click();
    await manager.locator('[data-testid=dispose-dialog] input[value=rectified]').check();
    await manager.fill('[data-testid=dispose-dialog] textarea[name=note]', '已与引导员核实并培训');
    await expectAxeClean(manager, 'risk dispose dialog');
    await manager.click('[data-action=confirm-dispose]');
    // Disposed alerts leave the default (active) filter.
    await expect.poll(() => row.count(), POLL).toBe(0);
    const list = await server.rest<RiskAlertList>('GET', '/api/risk/alerts?status=disposed', { token: mgr });
    expect(list.body.ok && list.body.data.alerts.map((a) => a.disposition)).toEqual(['rectified']);

    // The clerk's socket never got a risk:alerts push, and the REST list is refused to a clerk.
    const clerkToken = await server.login('clerk1');
    expect((await server.rest('GET', '/api/risk/alerts', { token: clerkToken })).status).toBe(403);
    expect(await clerk.locator('[data-tab=risk]').count()).toBe(0);

    // The admin's risk list: edit a field, publish version 2.
    const admin = await openConsoleAs(chrome.browser, server.url, 'admin', '#risklist');
    await admin.locator('[data-testid=risk-list]').waitFor();
    expect(await admin.locator('[data-testid=risk-list] h2').first().textContent()).toContain('第 1 版');
    await admin.fill('tr[data-code=CZ-04] input[aria-label=处置时限]', '2');
    await admin.click('[data-action=publish-list]');
    await expect
      .poll(() => admin.locator('[data-testid=risk-list] h2').first().textContent(), POLL)
      .toContain('第 2 版');
    await consoleShot(admin, 'risk-list');
    await expectAxeClean(admin, 'risk list');
    const csv = await fetch(`${server.url}/api/risk/list/export?format=csv`, {
      headers: { authorization: `Bearer ${mgr}` },
    });
    expect(csv.status).toBe(200);
    const bytes = Buffer.from(await csv.arrayBuffer());
    // UTF-8 with a BOM, so Excel reads the Chinese.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('CZ-04,等候超时');
  }, 90_000);
});
