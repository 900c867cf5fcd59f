/**
 * The console's center mode in real Chromium (SPEC RGN-RPT-8): three simulated halls shipped to a
 * real PostgreSQL, the center app as `npm run center` builds it (report router and console mounted);
 * the regional manager signs in with the report token, sees the region's figures, narrows to one
 * hall, and exports CSV. Screens at 1366×768 (test-results/screenshots/center-*.png), axe-clean.
 * Run `npm run build:console -w @onewindow/queue-server` first.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CenterApp, createCenterApp } from '../../queue-server/src/center/center.app.ts';
import { CenterStore } from '../../queue-server/src/center/center.store.ts';
import { migrate } from '../../queue-server/src/center/migrations.ts';
import { CenterReportService } from '../../queue-server/src/center/report.service.ts';
import { CenterReportStore } from '../../queue-server/src/center/report.store.ts';
import { seriousViolations } from '../support/axe.ts';
import { launchChromium, SCREENSHOTS } from '../support/browser.ts';
import { startPostgres, type TestPostgres } from '../support/postgres.ts';
import { DAY, HOUR, midnight, playHall, replicate, type SimHall } from '../support/region.ts';

const TOKEN = 'center-console-token-0123456789abcdef';
const DIST = new URL('../../queue-server/console/dist/index.html', import.meta.url);

describe('the console in center mode (RGN-RPT-8)', () => {
  let db: TestPostgres;
  let pool: pg.Pool;
  let dir: string;
  const halls: SimHall[] = [];
  let center: CenterApp;
  let base: string;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  const clock = { now: 0 };

  beforeAll(async () => {
    if (!existsSync(DIST))
      throw new Error('build the console first: npm run build:console -w @onewindow/queue-server');
    db = await startPostgres();
    pool = new pg.Pool({ connectionString: db.createDatabase('center_console'), max: 3 });
    await migrate(pool);
    dir = mkdtempSync(join(tmpdir(), 'onewindow-center-ui-'));
    for (let i = 0; i < 3; i += 1) halls.push(await playHall(i, dir, clock));
    // The second hall calls back and closes its first bad rating's follow-up (FUP-5 → the center).
    const first = halls[1]!.h.followUps.list().followUps.at(-1)!;
    clock.now = midnight + 17 * HOUR;
    expect(
      halls[1]!.h.followUps.callback(first.ticketId, 'c1', { note: '已联系张三', reached: true }).ok,
    ).toBe(true);
    expect(
      halls[1]!.h.followUps.setStatus(first.ticketId, 'c1', {
        status: 'closed',
        rectification: '已向张三致歉',
      }).ok,
    ).toBe(true);
    halls[1]!.log = halls[1]!.store.events();
    for (const h of halls) await replicate(pool, h);
    clock.now = midnight + 18 * HOUR;
    const reports = new CenterReportService({ store: new CenterReportStore(pool), now: () => clock.now });
    // The center as `npm run center` builds it, with the report and the console mounted.
    center = createCenterApp({
      store: new CenterStore(pool),
      logger: pino({ level: 'silent' }),
      adminToken: 'center-admin-token-0123456789abcdef',
      maxInFlight: 4,
      now: () => clock.now,
      reports: { service: reports, token: TOKEN },
    });
    base = `http://127.0.0.1:${await center.listen(0)}`;
    chromium = await launchChromium({ viewport: { width: 1366, height: 768 } });
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await center?.close();
    for (const h of halls) h.h.close();
    await pool?.end();
    await db?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const signIn = async (page: Page) => {
    await page.goto(`${base}/console/`);
    await page.getByTestId('center-login').waitFor();
    await page.fill('input[name=token]', TOKEN);
    await page.click('button[type=submit]');
    await page.getByTestId('league-halls').waitFor();
  };

  it('RGN-RPT-8 the center serves the hall console build marked for center mode; a wrong token is refused in Chinese', async () => {
    const html = await (await fetch(`${base}/console/`)).text();
    expect(html).toContain('<meta name="onewindow-mode" content="center" />');
    expect(readFileSync(DIST, 'utf8')).not.toContain('onewindow-mode'); // the hall's own build is unmarked
    const page = await chromium.browser.newPage();
    await page.goto(`${base}/console/`);
    await page.fill('input[name=token]', 'not-the-token');
    await page.click('button[type=submit]');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('令牌无效');
    await page.screenshot({ path: join(SCREENSHOTS, 'center-login-refused.png') });
    await page.close();
  });

  it('RGN-RPT-8 the regional manager sees every hall, narrows to one, and the figures are the hall’s own', async () => {
    const page = await chromium.browser.newPage();
    await signIn(page);
    await page.fill('input[name=from]', DAY);
    await page.fill('input[name=to]', DAY);
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=league-halls] tbody tr').length === n,
      halls.length,
    );
    // The range shown is the range asked for last, whatever order the two answers came in.
    await expect.poll(() => page.getByTestId('region-summary').textContent()).toContain(`${DAY} 至 ${DAY}`);
    expect(await page.getByTestId('region-overdue').textContent()).toContain('无逾期');
    const issued = async () => Number(await page.locator('[data-tile=issued] .tile-value').textContent());
    const own = halls.map((h) => h.h.stats.hall(DAY, DAY).total);
    await expect.poll(issued).toBe(own.reduce((a, t) => a + t.issued, 0));
    for (const [i, h] of halls.entries())
      expect(
        Number(
          await page
            .locator(`[data-testid=league-halls] tr[data-hall="${h.id}"] [data-col=served]`)
            .textContent(),
        ),
      ).toBe(own[i]!.served);
    await expect.poll(() => page.locator('[data-testid=region-health] tbody tr').count()).toBe(halls.length);
    // Every hall shipped all it has: no lag (RGN-OPS-3's health as the center computes it).
    expect(await page.locator('[data-testid=region-health] .badge').allTextContents()).toEqual(
      halls.map(() => '正常'),
    );
    // 回访 per hall (RGN-RPT-9): closed of bad, as the hall's own list counts them; each bad
    // rating shows its status.
    for (const h of halls) {
      const c = h.h.followUps.list().counts;
      expect(
        await page
          .locator(`[data-testid=league-halls] tr[data-hall="${h.id}"] [data-col=followUpsClosed]`)
          .textContent(),
        h.id,
      ).toBe(c.total === 0 ? '—' : `${c.closed}/${c.total}`);
    }
    await page
      .locator('[data-testid=region-bad] button.btn.small')
      .click()
      .catch(() => undefined);
    expect(await page.locator('[data-testid=region-bad] [data-status=closed]').count()).toBe(1);
    expect(await page.locator('[data-testid=region-bad] [data-status=open]').count()).toBeGreaterThan(0);
    // Nothing personal on the regional screens (RGN-RPT-5).
    const text = (await page.textContent('body')) ?? '';
    expect(text).not.toContain('张三');
    expect(text).not.toContain('员工c');
    await page.screenshot({ path: join(SCREENSHOTS, 'center-region-1366.png'), fullPage: true });
    // The lower panels (bad ratings, overdue, the halls' health) scroll inside the content area.
    await page.locator('main.region').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.screenshot({ path: join(SCREENSHOTS, 'center-region-lower-1366.png') });
    expect(await seriousViolations(page)).toEqual([]);
    // The page fits 1366 px: no horizontal scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);

    await page.click(`[data-testid=hall-picker] [data-hall="${halls[1]!.id}"]`);
    await expect.poll(issued).toBe(own[1]!.issued);
    expect(await page.locator('[data-testid=league-halls] tbody tr').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'center-one-hall-1366.png'), fullPage: true });

    const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=export-csv]')]);
    const csv = readFileSync((await file.path())!, 'utf8');
    expect(csv).toContain(halls[1]!.name);
    expect(csv).not.toContain(halls[0]!.name);
    await page.close();
  });
});
