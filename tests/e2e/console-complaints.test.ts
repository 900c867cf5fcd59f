/// <reference lib="dom" />
/**
 * Complaints end to end in Chromium (SPEC CMP-1, CMP-3, CMP-4, CMP-8): the guide registers a
 * complaint from the console, the manager assigns it, the handling clerk notes, replies and closes
 * it; the complainant's phone never appears unmasked in any page or in the server's log (the
 * server logs through the project's scrubbing logger at debug level into this test). The
 * complaints and supervision screens pass axe and are photographed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../queue-server/src/log.ts';
import { expectAxeClean } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { consoleShot, openConsoleAs } from '../support/console.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');
const PHONE = '13698765432';
const NAME = '慕容复';

let server: TestServer;
let chrome: { browser: BrowserContext; close: () => Promise<void> };
const logLines: string[] = [];
const pages: Page[] = [];

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('queue-server/console/dist is missing: run `npm run build` first');
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  server = await startTestServer({ logger: createLogger('debug', sink) });
  chrome = await launchChromium({ viewport: { width: 1366, height: 900 } });
});
afterAll(async () => {
  await chrome?.close();
  await server?.close({ removeDb: true });
});

async function open(username: string): Promise<Page> {
  const page = await openConsoleAs(chrome.browser, server.url, username, '#complaints');
  pages.push(page);
  await page.waitForSelector('[data-testid=complaint-register]');
  return page;
}

/** Every page's text and HTML so far must not carry the phone or the name unmasked. */
async function expectNoPii(): Promise<void> {
  for (const p of pages) {
    const html = await p.content();
    expect(html).not.toContain(PHONE);
    expect(html).not.toContain(NAME);
  }
}

describe('complaints in the console (CMP-8)', () => {
  it('CMP-8: register → assign → note → reply → close from the console; the phone never shows unmasked', async () => {
    // The guide registers it at the desk.
    const guide = await open('guide1');
    await guide.selectOption('select[name=channel]', 'window');
    await guide.selectOption('select[name=kind]', 'window');
    await guide.fill('input[name=ref]', '1');
    await guide.fill('input[name=name]', NAME);
    await guide.fill('input[name=phone]', PHONE);
    await guide.fill('textarea[name=content]', '在1号窗口等候很久，工作人员态度生硬');
    await guide.click('[data-action=register]');
    await guide.waitForSelector('[data-testid=flash].ok');
    const flash = await guide.textContent('[data-testid=flash]');
    const id = /已登记投诉 (TS\d{8}-\d{3})/.exec(flash ?? '')?.[1];
    expect(id).toBeDefined();
    // The form forgot what was typed; the list shows the masked contact only.
    await guide.waitForSelector(`[data-complaint="${id}"]`);
    expect(await guide.textContent(`[data-complaint="${id}"]`)).toContain('慕*复 136****5432');
    expect(await guide.inputValue('input[name=phone]')).toBe('');
    await consoleShot(guide, 'complaints-guide');
    await expectNoPii();

    // The manager sees it in the register and assigns the clerk of window 1.
    const manager = await open('manager1');
    await manager.click(`[data-complaint="${id}"] button.link`);
    await manager.waitForSelector('[data-testid=complaint-detail] select[name=handler] option:nth-child(2)', {
      state: 'attached',
    });
    const clerkOption = await manager.$eval(
      'select[name=handler]',
      (s) =>
        Array.from((s as HTMLSelectElement).querySelectorAll('option')).find((o) =>
          o.textContent?.includes('C0001'),
        )?.value,
    );
    expect(clerkOption, 'the handler list offers clerk C0001').toEqual(expect.any(String));
    await manager.selectOption('select[name=handler]', clerkOption!);
    await manager.click('[data-action=assign]');
    await manager.waitForFunction(() =>
      document.querySelector('[data-testid=complaint-status]')?.textContent?.includes('调查处理中'),
    );
    // The server assigned exactly the clerk the option named (CMP-3).
    const assigned = await server.rest<{ handlerId: string | null }>('GET', `/api/complaints/${id}`, {
      token: await server.login('manager1'),
    });
    expect(assigned.body.ok && assigned.body.data.handlerId).toBe(clerkOption);
    await consoleShot(manager, 'complaints-manager');
    await expectAxeClean(manager, 'complaints (manager)');

    // The clerk handles it: a note, the reply, then the close with the complainant's satisfaction.
    const clerk = await open('clerk1');
    await clerk.waitForSelector(`[data-complaint="${id}"]`);
    await clerk.click(`[data-complaint="${id}"] button.link`);
    await clerk.waitForSelector('[data-action=note]');
    expect(await clerk.isDisabled('[data-action=close]')).toBe(true); // no reply yet
    await clerk.fill('textarea[name=note]', '调取监控，确有等候过长');
    await clerk.click('[data-action=note]');
    await clerk.waitForFunction(() =>
      document.querySelector('[data-testid=complaint-timeline]')?.textContent?.includes('调取监控'),
    );
    await clerk.selectOption('select[name=reply-channel]', 'phone');
    await clerk.fill('textarea[name=reply]', '已电话致歉并说明改进安排');
    await clerk.click('[data-action=reply]');
    await clerk.waitForFunction(() =>
      document.querySelector('[data-testid=complaint-status]')?.textContent?.includes('已答复'),
    );
    await clerk.selectOption('select[name=satisfaction]', 'basically-satisfied');
    await clerk.check('input[name=upheld]');
    await clerk.fill('textarea[name=rectification]', '高峰时段增开窗口');
    await clerk.click('[data-action=close]');
    await clerk.waitForFunction(() =>
      document.querySelector('[data-testid=complaint-status]')?.textContent?.includes('已办结'),
    );
    const timeline = await clerk.textContent('[data-testid=complaint-timeline]');
    for (const step of ['登记', '分派承办人', '调查记录', '答复投诉人', '办结'])
      expect(timeline).toContain(step);
    await consoleShot(clerk, 'complaints-closed');
    await expectAxeClean(clerk, 'complaints (handler, closed)');

    // The manager's list shows it closed.
    await manager.click('[data-filter=closed]');
    await manager.waitForSelector(`[data-complaint="${id}"]`);
    await expectNoPii();
    // The log saw the whole flow at debug level and never the phone or name.
    const log = logLines.join('');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(PHONE);
    expect(log).not.toContain(NAME);
  });

  it('CMP-8, IMP-4: the supervision screen (improvement summary, half-year buttons) passes axe', async () => {
    const manager = await openConsoleAs(chrome.browser, server.url, 'manager1', '#supervision');
    await manager.waitForSelector('[data-testid=improvement-items]');
    await manager.waitForSelector('[data-testid=half-year]');
    await consoleShot(manager, 'supervision');
    await expectAxeClean(manager, 'supervision');
  });
});
