/**
 * The kiosk's own devices as a citizen meets them (issue #13, SPEC DEV-6..8): the built app in
 * Debian Chromium, a real queue server and the kiosk's real terminal agent on simulated devices.
 * A printer out of paper is said on the start screen before anyone starts; a card the kiosk does
 * not take gets an answer; a card lying on the reader before the screen connects is read.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reach, sleep, startTestAgent, type TestAgent } from '../../kiosk/agent/agent/test-support.ts';
import { encodeBaseInfoText, SAMPLE_CARDS } from '../../kiosk/agent/idcard/base-info-encode.ts';
import { expectAxeClean } from '../support/axe.ts';
import { launchChromium, SCREENSHOTS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const ROOT = join(import.meta.dirname, '..', '..');

let server: TestServer;
let kioskToken: string;
let agent: TestAgent;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  execFileSync('npm', ['run', 'build:app', '-w', '@onewindow/kiosk'], { cwd: ROOT, stdio: 'pipe' });
  server = await startTestServer();
  kioskToken = await server.pairDevice('kiosk');
  // The printer is asked every second here (10 s by default) so the test need not wait.
  agent = startTestAgent(server, {
    deviceToken: kioskToken,
    terminal: 'kiosk',
    agent: { printerPollMs: 1000 },
  });
  await reach(agent.agent, 'connected');
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await agent?.agent.stop(1000);
  await server?.close();
});

async function open(width: number, height: number): Promise<Page> {
  const page = await browser.browser.newPage();
  await page.setViewportSize({ width, height });
  await page.goto(`${server.url}/kiosk/#device=${kioskToken}`);
  return page;
}

async function axe(page: Page, what: string): Promise<void> {
  await expectAxeClean(page, what);
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOTS, `kiosk-devices-${name}.png`) });

describe('kiosk: its own printer and card reader, said to the citizen', () => {
  it('DEV-8 paper out is said on the start screen before anyone starts, and goes when paper is loaded', async () => {
    const page = await open(1080, 1920);
    try {
      await page.getByTestId('screen-start').waitFor();
      agent.sims.printer!.setPaper('out');
      await page.getByTestId('printer-notice').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('printer-notice').textContent()).toContain('缺纸');
      await page.waitForTimeout(150);
      await shot(page, 'portrait-start-paper-out');
      await axe(page, 'start, paper out');
      agent.sims.printer!.setPaper('ok');
      await page.getByTestId('printer-notice').waitFor({ state: 'detached', timeout: 10_000 });
    } finally {
      agent.sims.printer!.setPaper('ok');
      await page.close();
    }
  });

  it('DEV-6 a HK/Macao/Taiwan permit on the reader gets a Chinese answer (and English in English mode)', async () => {
    const page = await open(1920, 1080);
    try {
      await page.getByTestId('screen-start').waitFor();
      const reader = agent.sims.idCardReader!;
      reader.removeCard();
      await sleep(200);
      const permit = encodeBaseInfoText(SAMPLE_CARDS.young);
      permit[248] = 'J'.charCodeAt(0);
      permit[249] = 0;
      reader.insertRaw(permit, SAMPLE_CARDS.young.photoWlt);
      await page.getByTestId('card-error').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('card-error').textContent()).toContain('港澳台居民居住证');
      await page.waitForTimeout(150);
      await shot(page, 'landscape-start-permit');
      await axe(page, 'start, permit refused');
      await page.getByTestId('toggle-lang').click();
      expect(await page.getByTestId('card-error').textContent()).toContain('HK/Macao/Taiwan');
      await page.getByTestId('toggle-lang').click();
      await page.getByRole('button', { name: '知道了' }).click();
      await page.getByTestId('card-error').waitFor({ state: 'detached' });
      reader.removeCard();
    } finally {
      await page.close();
    }
  });

  it('DEV-7 a card lying on the reader before the screen connects is read when it connects', async () => {
    const reader = agent.sims.idCardReader!;
    reader.removeCard();
    await sleep(200);
    reader.insertCard(SAMPLE_CARDS.senior);
    await sleep(300);
    const page = await open(1920, 1080);
    try {
      await page.getByTestId('screen-categories').waitFor({ timeout: 10_000 });
      await shot(page, 'landscape-card-before-screen');
    } finally {
      reader.removeCard();
      await page.close();
    }
  });
});
