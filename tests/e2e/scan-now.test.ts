/// <reference lib="dom" />
/**
 * The window's capture devices from the console, in Debian's Chromium against a real queue server
 * (run `npm run build` first). SPEC MAT-DEV-2, MAT-DEV-3.
 *
 * clerk1 accepts a 失业保险金申领 at w1, whose terminal agent (the real TerminalAgent, paired for
 * w1) runs the real `scanimage -d test` with the shipped `sane-test` profile. 扫描 on the
 * dismissal certificate → the agent scans and uploads → the row turns 已采集 (扫描仪). 拍照 opens
 * the camera the agent's document-camera profile names (Chromium's fake camera, matched by its
 * label: the file it plays) at the profile's size. With the agent stopped, 扫描 says so in Chinese.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFirmwareConfig } from '@onewindow/firmware-config';
import type { ScannerProfile } from '@onewindow/firmware-config/schema';
import { PrintJournal, SaneScanner, saneOptionsFromProfile, TerminalAgent } from '@onewindow/kiosk/agent';
import type { Ack, CaseRecord, DeviceStatus } from '@onewindow/shared';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAxeClean } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { consoleShots, kioskTicket, openConsoleAs } from '../support/console.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');
const UNEMPLOYMENT = '512B0070100003';
const ID_CARD = '居民身份证或社会保障卡';
const LEAVING = '解除或终止劳动关系证明';
const BANK = '本人银行账户';
const POLL = { timeout: 20_000 };
const SANE_TEST = loadFirmwareConfig().config.devices['sane-test'] as ScannerProfile;

let server: TestServer;
let chrome: { browser: BrowserContext; close: () => Promise<void> };
let dir: string;
let kiosk: string;
let agent: TerminalAgent | null = null;

/** A printed page as a camera sees it, as YUV4MPEG2 (4:2:0): the Y plane is the page in grey. */
async function printedPageY4m(path: string): Promise<void> {
  const [w, h] = [640, 480];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#555"/><rect x="120" y="20" width="400" height="440" fill="#fff"/><text x="160" y="90" font-size="28">居民身份证</text><rect x="160" y="130" width="320" height="14" fill="#222"/></svg>`;
  const grey = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer();
  const chroma = Buffer.alloc((w / 2) * (h / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), grey.subarray(0, w * h), chroma, chroma]);
  writeFileSync(
    path,
    Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]),
  );
}

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('run `npm run build` first: queue-server/console/dist is missing');
  dir = mkdtempSync(join(tmpdir(), 'onewindow-scan-e2e-'));
  const y4m = join(dir, 'page.y4m');
  await printedPageY4m(y4m);
  server = await startTestServer();
  kiosk = await server.pairDevice('kiosk');
  chrome = await launchChromium({
    viewport: { width: 1366, height: 768 },
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${y4m}`,
    ],
  });
}, 60_000);

afterAll(async () => {
  await agent?.stop(500);
  await chrome?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const row = (page: Page, material: string) =>
  page.locator(`[data-testid=material-row][data-material="${material}"]`);

/** w1's terminal agent with the sane-test scanner and a document camera matched by Chromium's fake camera's label. */
async function startWindowAgent(): Promise<TerminalAgent> {
  const a = new TerminalAgent({
    serverUrl: server.url,
    deviceToken: await server.pairDevice('agent', 'w1'),
    windowId: 'w1',
    devices: {
      documentScanner: new SaneScanner(saneOptionsFromProfile(SANE_TEST)),
      // Chromium names a fake camera that plays a file after the file.
      documentCamera: { labelMatch: 'page\\.y4m$', width: 640, height: 480, rotation: 0 },
    },
    journal: PrintJournal.open(join(dir, 'agent')),
    transports: ['websocket'],
    reconnect: { initialMs: 50, maxMs: 200, jitter: 0.5 },
  });
  const connected = new Promise<void>((resolve) => a.on('state', (s) => s === 'connected' && resolve()));
  a.start();
  await connected;
  // Its health (with the scanner) is stored once the server has it.
  const guide = await server.login('guide1');
  await expect
    .poll(async () => {
      const r = await server.rest<DeviceStatus[]>('GET', '/api/devices/status', { token: guide });
      return r.body.ok ? r.body.data.find((d) => d.windowId === 'w1')?.health.documentScanner : 'refused';
    }, POLL)
    .toBe('ready');
  return a;
}

async function acceptInConsole(c1: Page, number: string): Promise<string> {
  await c1.keyboard.press('F1');
  await expect.poll(() => c1.locator('[data-testid=current-number]').textContent(), POLL).toContain(number);
  await c1.click('[data-action=start]');
  await c1.locator('[data-testid=current-ticket][data-status=serving]').waitFor();
  await c1.click('[data-action=finish]');
  await c1.locator('[data-testid=finish-dialog]').waitFor();
  await c1.click('[data-outcome=accepted]');
  await c1.fill('input[name=applicantName]', '张三');
  await c1.fill('input[name=contactPhone]', '13812345678');
  await c1.click('[data-action=confirm-finish]');
  await c1.locator('[data-testid=slip-a4]').waitFor();
  await c1.click('.modal [aria-label="关闭 Close"]');
  await c1.locator('[data-testid=intake-file]').waitFor();
  const title = (await c1.locator('[data-testid=intake-file]').textContent()) ?? '';
  return /SL\d{12}/.exec(title)![0];
}

describe('the window’s scanner and document camera from the console', () => {
  it('MAT-DEV-2 MAT-DEV-3: 扫描 makes the window agent scan with SANE and the page is linked; 拍照 opens the profile’s camera; an offline agent is said in Chinese', async () => {
    agent = await startWindowAgent();
    await kioskTicket(server, kiosk, { categoryId: 'A', itemCode: UNEMPLOYMENT }, 'scan-1');
    const c1 = await openConsoleAs(chrome.browser, server.url, 'clerk1');
    await c1.click('[data-window=w1]');
    await c1.locator('[data-action=call-next]').waitFor();
    const caseId = await acceptInConsole(c1, 'A001');

    // 扫描: one per material row, since the window's agent reports a scanner.
    await expect.poll(() => c1.locator('[data-testid=capture-scan]').count(), POLL).toBe(3);
    await row(c1, LEAVING).locator('[data-testid=capture-scan]').click();
    await expect.poll(() => row(c1, LEAVING).getAttribute('data-status'), POLL).toBe('present');
    expect(await row(c1, LEAVING).textContent()).toContain('扫描仪');
    await expect
      .poll(() => c1.locator('[data-testid=capture-message]').textContent(), POLL)
      .toBe(`「${LEAVING}」已扫描 1 页`);
    await consoleShots(c1, 'scan-now-done');
    await expectAxeClean(c1, 'the case file with 扫描', '[data-testid=case-file]');
    const kase = await server.rest<CaseRecord>('GET', `/api/cases/${caseId}`, {
      token: await server.login('clerk1'),
    });
    const body = kase.body as Ack<CaseRecord>;
    expect(body.ok && body.data.materials.find((m) => m.name === LEAVING)?.pages).toHaveLength(1);

    // 拍照: the camera whose label matches the profile, at the profile's size.
    await row(c1, ID_CARD).locator('[data-testid=capture-camera]').click();
    await expect
      .poll(() => c1.locator('[data-testid=camera-note]').textContent(), POLL)
      .toMatch(/^高拍仪：\/.*\/page\.y4m Document camera$/);
    await expect
      .poll(
        () => c1.locator('[data-testid=camera-preview]').evaluate((v: HTMLVideoElement) => v.videoWidth),
        POLL,
      )
      .toBe(640);
    await consoleShots(c1, 'scan-now-camera');
    await c1.click('[data-testid=camera-shoot]');
    await expect.poll(() => row(c1, ID_CARD).getAttribute('data-status'), POLL).toBe('present');
    await c1.click('.modal [aria-label="关闭 Close"]');

    // The agent goes away: 扫描 is refused with the reason, and nothing is linked.
    await agent.stop(500);
    agent = null;
    await row(c1, BANK).locator('[data-testid=capture-scan]').click();
    await expect
      .poll(() => c1.locator('[data-testid=capture-message]').textContent(), POLL)
      .toContain('终端助手（扫描仪所在电脑）未连接');
    expect(await row(c1, BANK).getAttribute('data-status')).toBe('missing');
    await consoleShots(c1, 'scan-now-offline');
    await c1.close();
  }, 180_000);
});
