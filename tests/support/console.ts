/**
 * Helpers the staff-console end-to-end tests share: log a demo account into the console in
 * Chromium, photograph a page, and take a ticket as a paired kiosk over REST.
 */
import { join } from 'node:path';
import type { StaffFact, Ticket } from '@onewindow/shared';
import type { BrowserContext, Page } from 'playwright-core';
import { SCREENSHOTS } from './browser.ts';
import type { TestServer } from './server.ts';

/** A new page logged into `/console/` (a demo account's password unless given), once it is live. */
export async function openConsoleAs(
  browser: BrowserContext,
  serverUrl: string,
  username: string,
  hash = '',
  password = 'onewindow-demo',
): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(8000);
  page.on('pageerror', (e) => console.error(`[${username}] page error`, e));
  await page.goto(`${serverUrl}/console/${hash}`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('.link.live');
  return page;
}

export async function consoleShot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`) });
}

/** The page at 1366×768 (`console-<name>.png`) and at 1920×1080 (`console-<name>-1920.png`), back at 1366×768. */
export async function consoleShots(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1366, height: 768 });
  await consoleShot(page, name);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await consoleShot(page, `${name}-1920`);
  await page.setViewportSize({ width: 1366, height: 768 });
}

/** `POST /api/tickets` as a paired kiosk with an idempotency key; the issued ticket, or a thrown error. */
export async function kioskTicket(
  server: TestServer,
  kioskToken: string,
  body: Record<string, unknown>,
  idempotencyKey: string,
): Promise<Ticket> {
  const r = await server.rest<{ facts: StaffFact['event'][] }>('POST', '/api/tickets', {
    deviceToken: kioskToken,
    body,
    headers: { 'idempotency-key': idempotencyKey },
  });
  if (!r.body.ok) throw new Error(`issue: ${r.body.error.code} ${r.body.error.message}`);
  const issued = r.body.data.facts.find((f) => f.type === 'ticket:issued');
  if (issued?.type !== 'ticket:issued') throw new Error('issue: no ticket:issued fact');
  return issued.ticket;
}
