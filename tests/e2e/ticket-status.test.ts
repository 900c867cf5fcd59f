import { join } from 'node:path';
import type { CommandResult } from '@onewindow/shared';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../support/browser.ts';
import { command, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
let chrome: { browser: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  server = await startTestServer();
  chrome = await launchChromium({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
});
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

describe('mobile ticket status page (QR code on the ticket)', () => {
  it('shows the number, people ahead and the window once called, with nothing personal', async () => {
    const guide = await server.client({ token: await server.login('guide1') });
    const clerk = await server.client({ token: await server.login('clerk1') });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ack = await command<CommandResult>(guide, 'ticket:issue', {
        categoryId: 'A',
        idNumber: '11010519491231002X',
      });
      if (!ack.ok || ack.data.facts[0]?.type !== 'ticket:issued') throw new Error('issue failed');
      ids.push(ack.data.facts[0].ticket.id);
    }
    await command(clerk, 'window:open', { windowId: 'w1' });

    const page = await chrome.browser.newPage();
    await page.goto(`${server.url}/t/${ids[2]}`);
    await expect.poll(() => page.getByTestId('ticket-number').textContent()).toBe('A003');
    expect(await page.getByTestId('ticket-detail').textContent()).toMatch(
      /前面还有 2 人，预计等候约 \d+(–\d+)? 分钟/,
    );
    // Issue #13: people ahead and the estimate as figures of their own, as on the kiosk.
    expect(await page.getByTestId('ticket-ahead').textContent()).toBe('2 人');
    expect(await page.getByTestId('ticket-wait').textContent()).toMatch(/^约 \d+(–\d+)? 分钟$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'ticket-status-waiting.png'), fullPage: true });

    await command(clerk, 'ticket:call-next', { windowId: 'w1' });
    await page.goto(`${server.url}/t/${ids[0]}`);
    expect(await page.getByTestId('ticket-status').getAttribute('data-status')).toBe('called');
    expect(await page.getByTestId('ticket-detail').textContent()).toContain('请到 1 号窗口办理');
    await page.screenshot({ path: join(SCREENSHOTS, 'ticket-status-called.png'), fullPage: true });

    const html = await page.content();
    expect(html).not.toMatch(/11010519491231002X|110\*+|1949/);

    const missing = await page.goto(`${server.url}/t/20261126-Z999`);
    expect(missing?.status()).toBe(404);
    expect(await page.textContent('body')).toContain('未找到该号票');
    await page.close();
  });

  it('answers the same status as JSON for apps', async () => {
    const token = await server.login('guide1');
    const r = await server.rest<CommandResult>('POST', '/api/commands/ticket:issue', {
      token,
      body: { categoryId: 'B' },
    });
    const id =
      r.body.ok && r.body.data.facts[0]?.type === 'ticket:issued' ? r.body.data.facts[0].ticket.id : '';
    const s = await server.rest<{ number: string; ahead: number; status: string }>(
      'GET',
      `/api/tickets/${id}`,
    );
    expect(s.body.ok && s.body.data).toMatchObject({ number: 'B001', ahead: 0, status: 'waiting' });
    expect((await server.rest('GET', '/api/tickets/not-an-id')).status).toBe(404);
  });
});
