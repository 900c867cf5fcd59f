/// <reference lib="dom" />
/**
 * Drives a demo hall and photographs every screen in Debian's Chromium, so a person can look
 * at them: `npx tsx display-board/scripts/screenshots.ts` after `npm run build -w
 * @onewindow/display-board`. Pictures go to test-results/screenshots/ (git-ignored).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, SCREENSHOTS } from '@onewindow/tests/support/browser.ts';
import {
  command,
  type HallClient,
  startTestServer,
  TestClock,
  type TestServer,
} from '@onewindow/tests/support/server.ts';
import type { BrowserContext, Page } from 'playwright-core';

const say = (s: string) => process.stdout.write(`${s}\n`);

async function must(client: HallClient, name: string, payload: unknown): Promise<void> {
  const ack = await command(client, name, payload);
  if (!ack.ok) throw new Error(`${name} ${JSON.stringify(payload)}: ${ack.error.code} ${ack.error.message}`);
}

/** A context whose pages start paired as this device (what the pairing screen would store). */
async function pairedContext(
  server: TestServer,
  kind: string,
  windowId: string | null,
  viewport: { width: number; height: number },
): Promise<{ browser: BrowserContext; close: () => Promise<void> }> {
  const token = await server.pairDevice(kind, windowId);
  const chrome = await launchChromium({ viewport });
  const stored = JSON.stringify({
    deviceToken: token,
    device: { id: 'd', kind, name: `test ${kind}`, windowId },
  });
  await chrome.browser.addInitScript((value: string) => {
    localStorage.setItem('onewindow.display.device', value);
  }, stored);
  return chrome;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, name) });
  say(`  ${name}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-shots-'));
  let server = await startTestServer({ dir });
  const port = Number(new URL(server.url).port);
  const setNotice = async (text: string) => {
    const r = await server.rest('PUT', '/api/hall/notice', {
      token: await server.login('manager1'),
      body: { text },
    });
    if (!r.body.ok) throw new Error(`notice: ${r.body.error.message}`);
  };
  await setNotice(
    '温馨提示：办理社保卡挂失、补换卡请携带本人身份证原件；60周岁以上老年人可到咨询台优先办理。',
  );

  const guide = await server.client({ token: await server.login('guide1') });
  for (let i = 0; i < 14; i++) await must(guide, 'ticket:issue', { categoryId: 'A' });
  for (let i = 0; i < 5; i++) await must(guide, 'ticket:issue', { categoryId: 'B' });
  for (let i = 0; i < 2; i++) await must(guide, 'ticket:issue', { categoryId: 'C' });
  const clerks: HallClient[] = [];
  for (let n = 1; n <= 5; n++) {
    const c = await server.client({ token: await server.login(`clerk${n}`) });
    clerks.push(c);
    await must(c, 'window:open', { windowId: `w${n}` });
  }
  // History: windows 1–4 called and started, then called again.
  for (let n = 1; n <= 4; n++) {
    const c = clerks[n - 1]!;
    await must(c, 'ticket:call-next', { windowId: `w${n}` });
    await must(c, 'ticket:start', { windowId: `w${n}` });
    server.clock.advance(30_000);
  }
  for (let n = 2; n <= 4; n++) {
    const c = clerks[n - 1]!;
    await must(c, 'ticket:finish', { windowId: `w${n}`, outcome: 'completed' });
    await must(c, 'ticket:call-next', { windowId: `w${n}` });
    server.clock.advance(20_000);
  }
  await must(clerks[3]!, 'ticket:recall', { windowId: 'w4' });

  say('board');
  const views = [
    { name: 'board-1920x1080.png', viewport: { width: 1920, height: 1080 } },
    { name: 'board-3840x2160.png', viewport: { width: 3840, height: 2160 } },
    { name: 'board-1080x1920.png', viewport: { width: 1080, height: 1920 } },
  ];
  for (const v of views) {
    const chrome = await launchChromium({ viewport: v.viewport });
    const page = await chrome.browser.newPage();
    await page.goto(`${server.url}/display/?view=board`);
    await page.getByTestId('current-call').first().waitFor();
    await page.waitForTimeout(4600); // past the flash and the voice check
    await shot(page, v.name);
    await chrome.close();
  }

  say('board: a new call flashes; server restart');
  const board = await pairedContext(server, 'board', null, { width: 1920, height: 1080 });
  const boardPage = await board.browser.newPage();
  await boardPage.goto(`${server.url}/display/`);
  await boardPage.getByTestId('current-call').first().waitFor();
  await must(clerks[4]!, 'ticket:call-next', { windowId: 'w5' });
  await boardPage.waitForTimeout(400);
  await shot(boardPage, 'board-new-call-flash.png');
  await server.close({ removeDb: false });
  await boardPage
    .getByTestId('status-badge')
    .and(boardPage.locator('[data-status="reconnecting"]'))
    .waitFor();
  await shot(boardPage, 'board-reconnecting.png');
  server = await startTestServer({ dir, port, clock: new TestClock(server.clock.t + 60_000) });
  const clerk1 = await server.client({ token: await server.login('clerk1') });
  await must(clerk1, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
  await boardPage
    .locator('[data-testid="status-badge"][data-status="live"]')
    .waitFor({ state: 'attached', timeout: 20_000 });
  await must(clerk1, 'ticket:call-next', { windowId: 'w1' });
  await boardPage.waitForTimeout(5000);
  await shot(boardPage, 'board-after-restart.png');
  await board.close();

  say('voice: simultaneous calls and a recall, with a stand-in Mandarin voice');
  const voiced = await launchChromium({ viewport: { width: 1920, height: 1080 } });
  // A string, not a function: tsx's helpers would not exist inside the page.
  await voiced.browser.addInitScript(`
    (() => {
      const spoken = [];
      window.spoken = spoken;
      let active = false;
      const voice = { lang: 'zh-CN', name: 'Stand-in Mandarin', localService: true, default: true, voiceURI: 'x' };
      const synth = Object.assign(new EventTarget(), {
        speaking: false, pending: false, paused: false,
        getVoices: () => [voice],
        speak(u) {
          if (active) spoken.push('OVERLAP');
          active = true;
          spoken.push(u.text);
          setTimeout(() => { active = false; if (u.onend) u.onend(); }, 150);
        },
        cancel() {}, resume() {}, pause() {},
      });
      Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
      window.SpeechSynthesisUtterance = class {
        constructor(text) { this.text = text; this.onend = null; this.onerror = null; }
      };
    })();
  `);
  const clerk6 = await server.client({ token: await server.login('clerk6') });
  const rights = await server.client({ token: await server.login('rights1') });
  await must(clerk6, 'window:open', { windowId: 'w6' });
  await must(rights, 'window:open', { windowId: 'w7' });
  const voicePage = await voiced.browser.newPage();
  voicePage.on('pageerror', (e) => say(`  pageerror: ${e.message}`));
  await voicePage.goto(`${server.url}/display/?view=board`);
  await voicePage.getByTestId('current-call').first().waitFor();
  await Promise.all([
    must(clerk6, 'ticket:call-next', { windowId: 'w6' }),
    must(rights, 'ticket:call-next', { windowId: 'w7' }),
  ]);
  await must(clerk6, 'ticket:recall', { windowId: 'w6' });
  const spokenSoFar = () => voicePage.evaluate(() => (window as unknown as { spoken: string[] }).spoken);
  for (let i = 0; i < 60 && (await spokenSoFar()).length < 6; i++) await voicePage.waitForTimeout(500);
  await voicePage.waitForTimeout(3000);
  const spoken = await voicePage.evaluate(() => (window as unknown as { spoken: string[] }).spoken);
  say(`  spoken: ${spoken.join(' | ')}`);
  if (spoken.length !== 6 || spoken.includes('OVERLAP') || spoken[0] !== spoken[1] || spoken[4] !== spoken[5])
    throw new Error(`unexpected announcements: ${spoken.join(' | ')}`);
  await setNotice('今日15:00起暂停办理单位参保登记业务');
  await voicePage.getByTestId('board-notice').getByText('单位参保登记').waitFor();
  await shot(voicePage, 'board-voice-ready.png');
  await voiced.close();

  say('window display');
  const wd = await pairedContext(server, 'window-display', 'w1', { width: 1280, height: 720 });
  const wdPage = await wd.browser.newPage();
  await wdPage.goto(`${server.url}/display/`);
  await wdPage.getByTestId('clerk-name').waitFor();
  await wdPage.waitForTimeout(4600);
  await shot(wdPage, 'window-display-called.png');
  await must(clerk1, 'ticket:start', { windowId: 'w1' });
  await wdPage.waitForTimeout(300);
  await shot(wdPage, 'window-display-serving.png');

  say('rating pad');
  const pad = await pairedContext(server, 'rating-pad', 'w1', { width: 1280, height: 800 });
  const padPage = await pad.browser.newPage();
  await padPage.goto(`${server.url}/display/`);
  await padPage.getByTestId('clerk-name').waitFor();
  await shot(padPage, 'pad-idle.png');
  await must(clerk1, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
  await padPage.getByTestId('rating-levels').waitFor();
  await shot(padPage, 'pad-levels.png');
  await padPage.getByTestId('rating-level-2').click();
  await padPage.getByTestId('rating-reason-attitude').click();
  await padPage.getByTestId('rating-reason-waiting').click();
  await shot(padPage, 'pad-reasons.png');
  await padPage.getByTestId('rating-submit').click();
  await padPage.getByTestId('rating-thanks').waitFor();
  await shot(padPage, 'pad-thanks.png');
  await padPage.getByTestId('rating-idle').waitFor({ timeout: 6000 });

  await must(clerk1, 'window:pause', { windowId: 'w1', reason: '系统维护，请到其他窗口办理' });
  await wdPage.getByTestId('window-paused').waitFor();
  await shot(wdPage, 'window-display-paused.png');
  await padPage.waitForTimeout(300);
  await shot(padPage, 'pad-idle-paused.png');
  await must(clerk1, 'window:resume', { windowId: 'w1' });
  await must(clerk1, 'window:close', { windowId: 'w1' });
  await wdPage.getByTestId('window-closed').waitFor();
  await shot(wdPage, 'window-display-closed.png');
  await wd.close();
  await pad.close();

  say('pairing');
  const fresh = await launchChromium({ viewport: { width: 1280, height: 800 } });
  const pairPage = await fresh.browser.newPage();
  await pairPage.goto(`${server.url}/display/`);
  for (const d of '1234') await pairPage.getByTestId(`pairing-key-${d}`).click();
  await shot(pairPage, 'pairing.png');
  await fresh.close();

  await server.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
