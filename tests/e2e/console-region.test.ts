/// <reference lib="dom" />
/**
 * 区域下发 in the admin console (SPEC RGN-PUSH-4), end to end in Debian's Chromium against a real
 * queue server: after the region's catalog and calendar are applied (one refused), the admin sees
 * which version of each the hall runs, what of its own it kept, the refusal in Chinese, and that
 * the hall has no center configured; axe-core finds no serious or critical violation.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RegionDocument, ServiceItem } from '@onewindow/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAxeClean } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { consoleShot, openConsoleAs } from '../support/console.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');

let server: TestServer;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('queue-server/console/dist is missing: run `npm run build` first');
  server = await startTestServer({ risk: true });
  chrome = await launchChromium({ viewport: { width: 1366, height: 768 } });
}, 60_000);
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

const doc = (kind: RegionDocument['kind'], version: number, body: unknown): RegionDocument => ({
  kind,
  version,
  body,
  note: '',
  publishedAt: new Date(0).toISOString(),
});

describe('区域下发 (admin)', () => {
  it('RGN-PUSH-4 shows the versions the hall runs, its own entries kept, and a refused version', async () => {
    const h = server.app.hall;
    const items = h.catalog.items();
    expect(h.region.apply(doc('catalog', 4, { items: items.slice(0, 10) })).ok).toBe(true);
    expect(
      h.region.apply(
        doc('calendar', 2, { overrides: [{ date: '2027-02-06', kind: 'workday', note: '春节调休' }] }),
      ).ok,
    ).toBe(true);
    const bad: ServiceItem = { ...(items[0] as ServiceItem), code: 'X-9', categoryId: 'none' };
    expect(h.region.apply(doc('catalog', 5, { items: [bad] })).ok).toBe(false);

    const page = await openConsoleAs(chrome.browser, server.url, 'admin');
    try {
      await page.locator('button[data-sub=region]').click();
      const docs = page.locator('[data-testid=region-documents]');
      await docs.waitFor();
      expect(await page.locator('[data-testid=version-catalog]').textContent()).toBe('第 4 版');
      expect(await page.locator('[data-testid=version-calendar]').textContent()).toBe('第 2 版');
      expect(await page.locator('[data-testid=version-risk-list]').textContent()).toBe('未接收');
      expect(await docs.locator('tr[data-kind=catalog] summary').textContent()).toBe(
        `${items.length - 10} 项（本厅自有）`,
      );
      expect(await page.locator('[data-testid=refused-catalog]').textContent()).toContain('第 5 版未能应用');
      expect(await page.locator('[data-testid=region-replication]').textContent()).toContain(
        '本厅未配置区域中心',
      );
      await consoleShot(page, 'admin-region');
      await expectAxeClean(page, 'admin region', '.admin');
    } finally {
      await page.close();
    }
  });
});
