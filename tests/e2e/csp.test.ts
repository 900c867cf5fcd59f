/// <reference lib="dom" />
/**
 * SPEC EDGE-1 in Chromium: the browser apps (display board: wall board, window display, rating
 * pad; kiosk; the citizen's phone app; staff console) and the mobile ticket status page, built and served by a
 * real queue server, do their work under its Content-Security-Policy with no violation. Every
 * page reports `securitypolicyviolation` events (listened for before any of its own script runs)
 * and console CSP errors; a probe per page shows the policy is enforced and the listener hears
 * it. Screens are photographed into test-results/screenshots/csp-*.png. Run `npm run build` first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Ack, CommandResult } from '@onewindow/shared';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../support/browser.ts';
import { openConsoleAs } from '../support/console.ts';
import { command, type HallClient, startTestServer, type TestServer } from '../support/server.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BUILDS = ['display-board/dist', 'kiosk/app/dist', 'kiosk/mobile/dist', 'queue-server/console/dist'];
const DEVICE_KEY = 'onewindow.display.device';

let server: TestServer;
let chrome: { browser: BrowserContext; close: () => Promise<void> };
let clerk: HallClient;
let guide: HallClient;

interface Violation {
  directive: string;
  blocked: string;
  source: string;
}

/** Collects the page's CSP violations from its first script on, and CSP errors on its console. */
async function watched(page: Page): Promise<() => Promise<Violation[]>> {
  const fromConsole: Violation[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text()))
      fromConsole.push({ directive: 'console', blocked: m.text(), source: m.location().url });
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: unknown[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__csp.push({
        directive: e.violatedDirective,
        blocked: e.blockedURI,
        source: `${e.sourceFile}:${e.lineNumber}`,
      }),
    );
  });
  return async () => [
    ...((await page.evaluate(() => (window as unknown as { __csp: Violation[] }).__csp)) ?? []),
    ...fromConsole,
  ];
}

/**
 * After the page was checked clean: an inline script and a foreign image are refused, and the
 * listener hears both (so "no violation" above meant none, not a deaf listener).
 */
async function probe(page: Page, violations: () => Promise<Violation[]>): Promise<void> {
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    const img = document.createElement('img');
    img.src = 'http://192.0.2.1/probe.png';
    document.body.append(img);
  });
  await expect
    .poll(async () => (await violations()).map((v) => v.directive).filter((d) => d !== 'console'))
    .toEqual(expect.arrayContaining(['script-src-elem', 'img-src']));
  expect(await page.evaluate(() => '__inlineRan' in window)).toBe(false);
}

async function clean(page: Page, violations: () => Promise<Violation[]>, what: string): Promise<void> {
  expect(await violations(), what).toEqual([]);
  await page.screenshot({ path: join(SCREENSHOTS, `csp-${what}.png`) });
  await probe(page, violations);
}

async function must(client: HallClient, name: string, payload: unknown): Promise<void> {
  const ack: Ack<CommandResult> = await command(client, name, payload);
  if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
}

/** A display screen paired as this kind of device (what its pairing screen would have stored). */
async function screen(kind: 'window-display' | 'rating-pad', viewport: { width: number; height: number }) {
  const token = await server.pairDevice(kind, 'w1');
  const page = await chrome.browser.newPage();
  await page.setViewportSize(viewport);
  const violations = await watched(page);
  const stored = JSON.stringify({
    deviceToken: token,
    device: { id: 'd', kind, name: kind, windowId: 'w1' },
  });
  await page.addInitScript(
    ([key, value]) => localStorage.setItem(key as string, value as string),
    [DEVICE_KEY, stored],
  );
  await page.goto(`${server.url}/display/`);
  await page.locator('[data-testid="status-badge"][data-status="live"]').waitFor({ state: 'attached' });
  return { page, violations };
}

beforeAll(async () => {
  for (const b of BUILDS)
    if (!existsSync(join(ROOT, b, 'index.html')))
      throw new Error(`${b} is missing: run \`npm run build\` first`);
  server = await startTestServer();
  chrome = await launchChromium({ viewport: { width: 1920, height: 1080 } });
  const admin = await server.login('admin');
  const staff = await server.rest<{ id: string; username: string }[]>('GET', '/api/staff', { token: admin });
  const clerk1 = staff.body.ok ? staff.body.data.find((s) => s.username === 'clerk1')!.id : '';
  const photo = await sharp({
    create: { width: 300, height: 400, channels: 3, background: { r: 70, g: 110, b: 160 } },
  })
    .png()
    .toBuffer();
  const put = await fetch(`${server.url}/api/staff/${clerk1}/photo`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'image/png' },
    body: photo,
  });
  if (!put.ok) throw new Error(`photo upload: ${put.status}`);
  await server.rest('PUT', '/api/hall/notice', {
    token: await server.login('manager1'),
    body: { text: '请携带身份证原件办理业务，谢谢配合' },
  });
  clerk = await server.client({ token: await server.login('clerk1') });
  guide = await server.client({ token: await server.login('guide1') });
  await must(clerk, 'window:open', { windowId: 'w1' });
  for (let i = 0; i < 4; i++) await must(guide, 'ticket:issue', { categoryId: 'A' });
}, 60_000);

afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

describe('EDGE-1 the browser apps run under the Content-Security-Policy', () => {
  it('EDGE-1 the wall board: calls, the notice marquee, voice; no violation', async () => {
    const page = await chrome.browser.newPage();
    const violations = await watched(page);
    await page.goto(`${server.url}/display/?view=board`);
    await page.locator('[data-testid="status-badge"][data-status="live"]').waitFor({ state: 'attached' });
    await must(clerk, 'ticket:call-next', { windowId: 'w1' });
    await page.getByTestId('current-call').first().waitFor();
    await page.getByTestId('board-notice').waitFor();
    // The marquee's speed is an inline style set through the CSSOM, which the policy allows.
    expect(
      await page.locator('.marquee-track').evaluate((el) => (el as HTMLElement).style.animationDuration),
    ).toMatch(/s$/);
    // The stylesheet applied: the board is not an unstyled page.
    expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe('0px');
    await clean(page, violations, 'board');
    await page.close();
  });

  it('EDGE-1 the window display shows the clerk’s photo; the rating pad takes a rating; no violation', async () => {
    const wd = await screen('window-display', { width: 1280, height: 800 });
    await wd.page.getByTestId('window-display').waitFor();
    const img = wd.page.getByTestId('clerk-photo');
    await img.waitFor();
    await expect
      .poll(() =>
        img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth),
      )
      .toBe(300);
    await clean(wd.page, wd.violations, 'window-display');
    await wd.page.close();

    const pad = await screen('rating-pad', { width: 1280, height: 800 });
    await expect.poll(() => pad.page.getByTestId('rating-pad').getAttribute('data-screen')).toBe('idle');
    // The board's test may have left its call at w1: serve that one, or call the next.
    await command(clerk, 'ticket:call-next', { windowId: 'w1' });
    await must(clerk, 'ticket:start', { windowId: 'w1' });
    server.clock.advance(120_000);
    await must(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    await pad.page.getByTestId('rating-levels').waitFor();
    await pad.page.getByTestId('rating-level-2').click();
    await pad.page.getByTestId('rating-reasons').waitFor();
    await clean(pad.page, pad.violations, 'rating-pad');
    await pad.page.close();
  });

  it('EDGE-1 the kiosk: a consultation ticket with its QR code; no violation', async () => {
    const token = await server.pairDevice('kiosk');
    const page = await chrome.browser.newPage();
    const violations = await watched(page);
    await page.goto(`${server.url}/kiosk/#device=${token}`);
    await page.getByTestId('screen-start').waitFor();
    await page.getByTestId('start-ticket').click();
    await page.getByTestId('identify-anonymous').click();
    await page.getByTestId('screen-categories').waitFor();
    await page.getByTestId('category-A').click();
    await page.getByTestId('item-LOCAL-ZXZX').click();
    await page.getByTestId('guide-continue').click();
    await page.getByTestId('screen-ticket').waitFor();
    await page.getByTestId('ticket-qr').waitFor();
    await clean(page, violations, 'kiosk-ticket');
    await page.close();
  });

  it("EDGE-1 the citizen's phone app: home, sign-in and progress pages (loaded on demand); no violation", async () => {
    const page = await chrome.browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const violations = await watched(page);
    await page.goto(`${server.url}/m/`);
    await page.getByTestId('hours').waitFor();
    await page.getByTestId('sign-in').click();
    await page.getByTestId('phone').waitFor();
    await page.goto(`${server.url}/m/#/progress?receipt=SL202611260001`);
    await page.getByTestId('lookup').waitFor();
    await clean(page, violations, 'phone-progress');
    await page.close();
  });

  it('EDGE-1 the staff console: clerk, manager (charts), admin and audit views; no violation', async () => {
    for (const [user, tabs] of [
      ['clerk1', ['clerk']],
      ['manager1', ['manager', 'query', 'risk', 'risklist', 'audit']],
      ['admin', ['admin', 'risklist', 'audit']],
    ] as const) {
      const logged = await openConsoleAs(chrome.browser, server.url, user);
      // Watched from the reload on: the session survives it, the app starts again under the policy.
      const v = await watched(logged);
      await logged.reload();
      await logged.waitForSelector('.link.live');
      for (const tab of tabs) {
        await logged.evaluate((t) => {
          location.hash = t;
        }, tab);
        await logged.waitForTimeout(400);
        expect(await v(), `${user} ${tab}`).toEqual([]);
        await logged.screenshot({ path: join(SCREENSHOTS, `csp-console-${user}-${tab}.png`) });
      }
      await probe(logged, v);
      await logged.close();
    }
  });

  it('EDGE-1 the mobile ticket status page is styled, without script, under its own policy', async () => {
    const page = await chrome.browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const violations = await watched(page);
    const ack = await command<CommandResult>(guide, 'ticket:issue', { categoryId: 'A' });
    if (!ack.ok || ack.data.facts[0]?.type !== 'ticket:issued') throw new Error('issue failed');
    await page.goto(`${server.url}/t/${ack.data.facts[0].ticket.id}`);
    await page.getByTestId('ticket-number').waitFor();
    // The hashed style applied: the number is in the brand colour.
    expect(await page.getByTestId('ticket-number').evaluate((el) => getComputedStyle(el).color)).toBe(
      'rgb(11, 92, 173)',
    );
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('15');
    await clean(page, violations, 'ticket-status');
    await page.close();
  });
});
