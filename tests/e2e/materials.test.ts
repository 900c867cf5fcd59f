/// <reference lib="dom" />
/**
 * The electronic case file end to end in Debian's Chromium against a real queue server (run
 * `npm run build` first). SPEC MAT-CAP-1..3, MAT-FILE-1..3.
 *
 * clerk1 accepts a 失业保险金申领 in the console; its checklist (the guide's three materials)
 * appears under the slip. The ID card is photographed with the window's document camera —
 * Chromium's fake capture device playing a Y4M of a printed page generated here — the dismissal
 * certificate is scanned by the window's terminal agent driving SANE's `test` backend through
 * scanimage for real, and the bank account is waived (免提交) with a reason. reviewer1 sees the
 * pages beside the checklist, opens them with zoom, and the review proceeds. A second case with a
 * required material left out is refused at 开始审核 with the material named.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaneScanner, scanToCase } from '@onewindow/kiosk/agent';
import type { Ack, ArchiveRecord, CaseRecord, CommandResult, SlipResult } from '@onewindow/shared';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { consoleShots, kioskTicket, openConsoleAs } from '../support/console.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');
const UNEMPLOYMENT = '512B0070100003';
const ID_CARD = '居民身份证或社会保障卡';
const LEAVING = '解除或终止劳动关系证明';
const BANK = '本人银行账户';
const POLL = { timeout: 10_000 };
const MIN = 60_000;

let server: TestServer;
let chrome: { browser: BrowserContext; close: () => Promise<void> };
let dir: string;
let kiosk: string;

/** A printed page as a camera sees it, as YUV4MPEG2 (4:2:0): the Y plane is the page in grey. */
async function printedPageY4m(path: string): Promise<void> {
  const [w, h] = [640, 480];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#555"/><rect x="120" y="20" width="400" height="440" fill="#fff"/><text x="160" y="90" font-size="28">居民身份证</text><rect x="160" y="130" width="320" height="14" fill="#222"/><rect x="160" y="170" width="280" height="14" fill="#222"/><rect x="160" y="210" width="300" height="14" fill="#222"/></svg>`;
  const grey = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer();
  const chroma = Buffer.alloc((w / 2) * (h / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), grey.subarray(0, w * h), chroma, chroma]);
  writeFileSync(
    path,
    Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]),
  );
}

const ok = <T>(r: { status: number; body: Ack<T> }): T => {
  if (!r.body.ok) throw new Error(`${r.status} ${r.body.error.code}: ${r.body.error.message}`);
  return r.body.data;
};

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('run `npm run build` first: queue-server/console/dist is missing');
  dir = mkdtempSync(join(tmpdir(), 'onewindow-camera-'));
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
  await chrome?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const row = (page: Page, material: string) =>
  page.locator(`[data-testid=material-row][data-material="${material}"]`);

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

describe('the electronic case file in the browser', () => {
  it('MAT-CAP-1 MAT-CAP-2 MAT-CAP-3 MAT-FILE-1 MAT-FILE-3 ARC-1 ARC-2 ARC-3: camera, SANE scanner and waiver at the window; the reviewer and the re-checker see the pages; hand-back; the archive PDF checked by poppler', async () => {
    await kioskTicket(server, kiosk, { categoryId: 'A', itemCode: UNEMPLOYMENT }, 'mat-1');
    const c1 = await openConsoleAs(chrome.browser, server.url, 'clerk1');
    await c1.click('[data-window=w1]');
    await c1.locator('[data-action=call-next]').waitFor();
    const caseId = await acceptInConsole(c1, 'A001');
    expect(
      await c1
        .locator('[data-testid=material-row]')
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-material'), e.getAttribute('data-status')]),
        ),
    ).toEqual([
      [ID_CARD, 'missing'],
      [LEAVING, 'missing'],
      [BANK, 'missing'],
    ]);

    // 高拍仪: the live preview from the fake camera, then 拍照.
    await row(c1, ID_CARD).locator('[data-testid=capture-camera]').click();
    await expect
      .poll(
        () => c1.locator('[data-testid=camera-preview]').evaluate((v: HTMLVideoElement) => v.videoWidth),
        POLL,
      )
      .toBe(640);
    await consoleShots(c1, 'materials-camera');
    await c1.click('[data-testid=camera-shoot]');
    await expect.poll(() => row(c1, ID_CARD).getAttribute('data-status'), POLL).toBe('present');
    await c1.click('.modal [aria-label="关闭 Close"]');

    // The window's scanner: the agent at w1 runs scanimage (SANE test backend) and sends the page.
    const agent = await server.pairDevice('agent', 'w1');
    const scanned = await scanToCase(
      new SaneScanner({ device: 'test', resolution: 75 }),
      { url: server.url, deviceToken: agent },
      { caseId, material: LEAVING },
    );
    expect(scanned.status).toBe(201);
    await expect.poll(() => row(c1, LEAVING).getAttribute('data-status'), POLL).toBe('present');
    expect(await row(c1, LEAVING).textContent()).toContain('扫描仪');

    // 免提交 with a reason.
    await row(c1, BANK).locator('[data-testid=capture-waive]').click();
    await c1.fill('input[name=waive-reason]', '使用社会保障卡金融账户，经办机构核验');
    await c1.click('[data-testid=waive-confirm]');
    await expect.poll(() => row(c1, BANK).getAttribute('data-status'), POLL).toBe('waived');
    await consoleShots(c1, 'materials-intake');

    // The reviewer: the case with its checklist and pages; the page opens, zooms, and review starts.
    const rv = await openConsoleAs(chrome.browser, server.url, 'reviewer1');
    await rv.locator(`[data-testid=case-table] [data-case="${caseId}"]`).click();
    await rv.locator(`[data-testid=case-detail]:has-text("${caseId}")`).waitFor();
    expect(
      await rv
        .locator('[data-testid=material-row]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))),
    ).toEqual(['present', 'present', 'waived']);
    expect(await rv.locator('[data-testid=capture-camera]').count(), 'the reviewer captures nothing').toBe(0);
    await row(rv, ID_CARD).locator('[data-testid=page-open]').first().click();
    const img = rv.locator('[data-testid=page-image]');
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth), POLL).toBe(640);
    const shown = await img.evaluate((i: HTMLImageElement) => i.getBoundingClientRect().width);
    await rv.click('[data-testid=zoom-in]');
    await expect
      .poll(() => img.evaluate((i: HTMLImageElement) => i.getBoundingClientRect().width), POLL)
      .toBeGreaterThan(shown);
    expect(await rv.locator('[data-testid=zoom-level]').textContent()).toBe('150%');
    await consoleShots(rv, 'materials-viewer');
    await rv.click('.modal [aria-label="关闭 Close"]');
    await rv.locator('[data-testid=case-actions] [data-step="case:start-review"]').click();
    await expect
      .poll(() => rv.locator('[data-testid=case-status]').getAttribute('data-status'), POLL)
      .toBe('in-review');
    await consoleShots(rv, 'materials-review');

    // 审核 → 复核 (a two-level item) → 权益出件, each in the console of its post.
    const status = (page: Page) => page.locator('[data-testid=case-status]').getAttribute('data-status');
    const step = (page: Page, command: string) =>
      page.locator(`[data-testid=case-actions] [data-step="${command}"]`);
    server.clock.advance(10 * MIN);
    await rv.fill('input[name=case-note]', '材料齐全，符合申领条件');
    await step(rv, 'case:approve').click();
    await expect.poll(() => status(rv), POLL).toBe('reviewed');
    const sv = await openConsoleAs(chrome.browser, server.url, 'supervisor1');
    await sv.locator(`[data-testid=case-table] [data-case="${caseId}"]`).click();
    await sv.locator(`[data-testid=case-detail]:has-text("${caseId}")`).waitFor();
    expect(
      await sv
        .locator('[data-testid=material-row]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))),
      'the re-checker sees the same case file',
    ).toEqual(['present', 'present', 'waived']);
    server.clock.advance(10 * MIN);
    await sv.fill('input[name=case-note]', '复核无误');
    await step(sv, 'case:recheck').click();
    await expect.poll(() => status(sv), POLL).toBe('approved');
    const rt = await openConsoleAs(chrome.browser, server.url, 'rights1', '#handback');
    await rt.locator(`[data-testid=case-table] [data-case="${caseId}"]`).click();
    await rt.locator(`[data-testid=case-detail]:has-text("${caseId}")`).waitFor();
    server.clock.advance(10 * MIN);
    await step(rt, 'case:ready').click();
    await expect.poll(() => status(rt), POLL).toBe('ready');
    await step(rt, 'case:hand-back').click();
    await rt.locator('[data-testid=reason-case-note]').waitFor();
    await rt.click('[data-testid=reason-case-note] .chip:has-text("本人领取")');
    await step(rt, 'case:hand-back').click();
    await expect.poll(() => status(rt), POLL).toBe('handed-back');

    // 归档: the manager files the closed case; the PDF is checked by poppler, not by the library
    // that wrote it — its page count, the 档号 and every page's hash on the cover sheet.
    const manager = await server.login('manager1');
    const filed = ok(
      await server.rest<ArchiveRecord>('POST', `/api/archive/cases/${caseId}`, { token: manager, body: {} }),
    );
    const kase = ok(await server.rest<CaseRecord>('GET', `/api/cases/${caseId}`, { token: manager }));
    const pageHashes = kase.materials.flatMap((m) => m.pages.map((pg) => pg.sha256));
    expect(pageHashes.length, 'one camera page and the scanner’s pages').toBeGreaterThanOrEqual(2);
    expect(filed.pageHashes).toEqual(pageHashes);
    const res = await fetch(`${server.url}/api/archive/files/${filed.archiveNo}/pdf`, {
      headers: { authorization: `Bearer ${manager}` },
    });
    expect(res.status).toBe(200);
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(pdf).digest('hex')).toBe(res.headers.get('x-content-sha256'));
    const file = join(dir, 'archive.pdf');
    writeFileSync(file, pdf);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
    const text = (first: number, last: number) =>
      execFileSync('pdftotext', ['-f', String(first), '-l', String(last), '-layout', file, '-'], {
        encoding: 'utf8',
      });
    // Cover + the acceptance receipt + one page per material page + the history (one page or more).
    expect(pages).toBeGreaterThanOrEqual(2 + pageHashes.length + 1);
    expect(filed.pdf.pages).toBe(pages);
    const cover = text(1, 1);
    expect(cover).toContain(filed.archiveNo);
    expect(cover).toContain('失业保险金申领');
    expect(cover).toContain(`总页数：${pages}`);
    for (const hash of pageHashes) expect(cover).toContain(hash);
    const all = text(1, pages);
    expect(all, 'the applicant is masked on the filed slip').not.toContain('张三');
    expect(all).not.toContain('13812345678');
    const history = text(2 + pageHashes.length + 1, pages);
    for (const [name, no] of [
      ['李强', 'C0001'],
      ['孙悦', 'V0001'],
      ['吴芳', 'V0002'],
      ['赵敏', 'R0001'],
    ])
      expect(history, 'each step names who took it').toContain(`${name}（${no}）`);
    expect(history).toContain('已领取');
    // Every page in the store still hashes to its name (the fixity check), and the case's pages are the file's.
    const fixity = ok(
      await server.rest<{ failed: number; pages: number }>('POST', '/api/archive/fixity', {
        token: manager,
        body: { confirm: true },
      }),
    );
    expect(fixity.failed).toBe(0);
    expect(fixity.pages).toBeGreaterThanOrEqual(pageHashes.length);
    await c1.close();
    await rv.close();
    await sv.close();
    await rt.close();
  }, 180_000);

  it('MAT-FILE-2: a case with a required material neither captured nor waived cannot start review; the refusal names it', async () => {
    await kioskTicket(server, kiosk, { categoryId: 'A', itemCode: UNEMPLOYMENT }, 'mat-2');
    const clerk = await server.login('clerk1');
    const ticketId = server.app.service.queue.window('w1')?.ticketId;
    expect(ticketId ?? null).toBeNull();
    ok(
      await server.rest<CommandResult>('POST', '/api/commands/ticket:call-next', {
        token: clerk,
        body: { windowId: 'w1' },
      }),
    );
    ok(
      await server.rest<CommandResult>('POST', '/api/commands/ticket:start', {
        token: clerk,
        body: { windowId: 'w1' },
      }),
    );
    const serving = server.app.service.queue.window('w1')!.ticketId!;
    const slip = ok(
      await server.rest<SlipResult>('POST', '/api/slips', {
        token: clerk,
        body: {
          ticketId: serving,
          kind: 'acceptance',
          applicantName: '李四',
          contactPhone: '13900000000',
          print: false,
        },
      }),
    );
    const caseId = slip.case!.id;
    const png = await sharp({ create: { width: 300, height: 400, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    for (const m of [ID_CARD, BANK]) {
      const r = await fetch(
        `${server.url}/api/cases/${caseId}/materials/${encodeURIComponent(m)}/pages?source=file`,
        { method: 'POST', headers: { authorization: `Bearer ${clerk}` }, body: new Uint8Array(png) },
      );
      expect(r.status).toBe(201);
    }
    const rv = await openConsoleAs(chrome.browser, server.url, 'reviewer1');
    await rv.locator(`[data-testid=case-table] [data-case="${caseId}"]`).click();
    await rv.locator(`[data-testid=case-detail]:has-text("${caseId}")`).waitFor();
    expect(await rv.locator('[data-testid=case-file-missing]').textContent()).toContain(`「${LEAVING}」`);
    await rv.locator('[data-testid=case-actions] [data-step="case:start-review"]').click();
    await expect
      .poll(() => rv.locator('body').textContent(), POLL)
      .toContain(`申请材料不齐，不能开始审核：「${LEAVING}」未采集，也未登记免提交`);
    expect(await rv.locator('[data-testid=case-status]').getAttribute('data-status')).toBe('accepted');
    await consoleShots(rv, 'materials-missing-refused');
    const kase = ok(await server.rest<CaseRecord>('GET', `/api/cases/${caseId}`, { token: clerk }));
    expect(kase.status).toBe('accepted');
    await rv.close();
  }, 60_000);

  it('MAT-INSTANT-1 MAT-INSTANT-2: a completed instant business with guide materials shows its instant case file at the window, ready to capture', async () => {
    await kioskTicket(server, kiosk, { categoryId: 'A', itemCode: '512B0067900008' }, 'mat-instant');
    const c1 = await openConsoleAs(chrome.browser, server.url, 'clerk1');
    try {
      // After the other tests clerk1 is still signed on at w1; on its own the window is picked first.
      await c1.locator('[data-action=call-next], [data-window=w1]').first().waitFor();
      if ((await c1.locator('[data-window=w1]').count()) > 0) await c1.click('[data-window=w1]');
      await c1.locator('[data-action=call-next]').waitFor();
      await c1.keyboard.press('F1');
      await c1.click('[data-action=start]');
      await c1.locator('[data-testid=current-ticket][data-status=serving]').waitFor();
      await c1.click('[data-action=finish]');
      await c1.locator('[data-testid=finish-dialog]').waitFor();
      await c1.click('[data-outcome=completed]');
      const name = c1.locator('input[name=applicantName]');
      if ((await name.count()) > 0) await name.fill('张三');
      await c1.click('[data-action=confirm-finish]');
      await c1.locator('[data-testid=instant-file]').waitFor();
      await c1.click('.modal [aria-label="关闭 Close"]');
      await c1.locator('[data-testid=intake-file]').waitFor();
      const title = (await c1.locator('[data-testid=intake-file]').textContent()) ?? '';
      expect(title).toMatch(/HD\d{12}/);
      const rows = await c1
        .locator('[data-testid=material-row]')
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-material'), e.getAttribute('data-status')]),
        );
      expect(rows).toContainEqual(['劳动合同', 'not-required']);
      expect(rows.filter(([, st]) => st === 'missing').length).toBe(3);
      // The clerk who completed it may capture: the waive buttons are there and enabled.
      expect(await c1.locator('[data-testid=capture-waive]').first().isEnabled()).toBe(true);
      await consoleShots(c1, 'materials-instant-file');
    } finally {
      await c1.close();
    }
  }, 90_000);
});
