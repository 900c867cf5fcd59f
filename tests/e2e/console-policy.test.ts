/**
 * Admin hall settings: the tail-guard policy (SPEC Q-ORD-7) can be chosen and tuned in the
 * console, its effect is explained in Chinese, and the saved settings reach the server.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { QueuePolicy } from '@onewindow/shared';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { consoleShot, openConsoleAs } from '../support/console.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');

let chrome: { browser: BrowserContext; close: () => Promise<void> };
let server: TestServer;

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('queue-server/console/dist is missing: run `npm run build` first');
  chrome = await launchChromium({ viewport: { width: 1366, height: 768 } });
  server = await startTestServer();
});
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

describe('admin: order policy', () => {
  it('Q-ORD-7 the admin picks the tail guard, reads what it does, tunes it and saves it', async () => {
    const admin = await openConsoleAs(chrome.browser, server.url, 'admin');
    await admin.click('[data-sub=hall]');
    await admin.locator('[data-testid=hall-settings]').waitFor();
    await admin.selectOption('select[name=policy]', 'tail-guard');
    const fields = admin.locator('[data-testid=tail-guard-fields]');
    await fields.waitFor();
    expect(await fields.textContent()).toContain('2 倍时不再被超过');
    await admin.fill('input[name=tailGuardShare]', '40');
    await admin.fill('input[name=tailGuardMaxMinutes]', '20');
    expect(await fields.textContent()).toContain('2.5 倍时不再被超过');
    await fields.scrollIntoViewIfNeeded();
    await consoleShot(admin, 'admin-hall-tail-guard');
    await admin.click('[data-action=save-hall]');
    await admin.locator('.flash.ok').waitFor();
    const cfg = await server.rest<{ settings: { policy: QueuePolicy } }>('GET', '/api/hall/config', {
      token: await server.login('admin'),
    });
    expect(cfg.body.ok && cfg.body.data.settings.policy).toEqual({
      kind: 'tail-guard',
      sharePercent: 40,
      maxBonusSeconds: 1200,
    });
    await admin.close();
  });
});
