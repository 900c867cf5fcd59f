/// <reference lib="dom" />
/**
 * 日结轧账 and the archive in the staff console, end to end in Debian's Chromium against a real
 * queue server (run `npm run build` first). SPEC REC-UI-1..5, ARC-UI-1..3.
 *
 * clerk1 accepts two 社会保障卡申领 cases (seeded through the hall's own services: real slips,
 * real pages through the material service): one with every required material captured, which
 * is reviewed, handed back and filed; one with a required material left out. clerk1's 日结轧账
 * screen shows exactly the discrepancies that day holds; the clerk counts the paper (one count
 * wrong on purpose), explains each discrepancy (signing waits for every explanation) and signs.
 * The manager sees clerk1 waiting for the countersign, reads the explanations, countersigns in a
 * dialog: clerk1's open screen turns locked by itself. A page captured later reopens the day
 * visibly on both screens. The archive lists the filed case; its PDF downloads and poppler's
 * pdfinfo counts its pages; the fixity check runs on demand after a confirmation, and a flipped
 * byte shows as a failure. The applicant's name and phone never appear on these screens.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../queue-server/src/auth/permissions.ts';
import { expectAxeClean } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { consoleShots, openConsoleAs } from '../support/console.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');
/** 社会保障卡申领: one review level; its required materials the hall does not fetch itself are captured. */
const CARD = '512B0070200003';
const DAY = '2026-11-26';
const APPLICANT = '欧阳锋';
const PHONE = '13912345678';
const POLL = { timeout: 15_000 };

let server: TestServer;
let chrome: { browser: BrowserContext; close: () => Promise<void> };
let dir: string;
const staff: Record<string, Principal & { kind: 'staff' }> = {};

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('run `npm run build` first: queue-server/console/dist is missing');
  dir = mkdtempSync(join(tmpdir(), 'onewindow-recon-e2e-'));
  server = await startTestServer();
  for (const u of ['clerk1', 'rights1', 'reviewer1', 'manager1']) {
    const me = await server.rest<CurrentStaff>('GET', '/api/auth/me', { token: await server.login(u) });
    if (!me.body.ok) throw new Error(`me ${u}`);
    const { id, name, staffNumber, roles } = me.body.data;
    staff[u] = { kind: 'staff', id, name, staffNumber, roles: [...roles] };
  }
  chrome = await launchChromium({ viewport: { width: 1366, height: 768 } });
}, 60_000);
afterAll(async () => {
  await chrome?.close();
  await server?.close({ removeDb: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let pageNo = 0;
/** A page as a document camera gives it: a JPEG with its number drawn on it. */
function pageImage(): Promise<Buffer> {
  const n = ++pageNo;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="620" height="877"><rect width="100%" height="100%" fill="#fff"/><text x="60" y="120" font-size="48">PAGE ${n}</text><rect x="60" y="${200 + (n % 7) * 40}" width="${100 + n * 13}" height="30" fill="#333"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 70 }).toBuffer();
}

const tick = () => server.clock.advance(20_000);
const requiredMaterials = () =>
  server.app.authStore
    .catalog()
    .find((i) => i.code === CARD)!
    .guide!.materials.filter((m) => m.required && m.sharedData !== true)
    .map((m) => m.name);

/** clerk1 accepts a 社会保障卡申领 at w1: the case id (its acceptance receipt's number). */
function accept(): string {
  const h = server.app.hall;
  tick();
  const issued = h.hall.execute({ type: 'ticket:issue', categoryId: 'A', itemCode: CARD, source: 'kiosk' });
  expect(issued.ok).toBe(true);
  expect(h.hall.execute({ type: 'ticket:call-next', windowId: 'w1' }).ok).toBe(true);
  expect(h.hall.execute({ type: 'ticket:start', windowId: 'w1' }).ok).toBe(true);
  const ticketId = h.hall.queue.window('w1')!.ticketId!;
  tick();
  const s = h.slips.issue(staff.clerk1!, {
    ticketId,
    kind: 'acceptance',
    applicantName: APPLICANT,
    contactPhone: PHONE,
    print: false,
  });
  if (!s.ok) throw new Error(JSON.stringify(s.error));
  return s.data.case!.id;
}

async function capture(caseId: string, material: string): Promise<string> {
  tick();
  const r = await server.app.hall.materials.capture(
    { id: staff.clerk1!.id, roles: staff.clerk1!.roles },
    { caseId, material, source: 'camera' },
    await pageImage(),
  );
  if (!r.ok) throw new Error(`capture ${material}: ${JSON.stringify(r.error)}`);
  return r.data.page.sha256;
}

function step(who: string, type: string, caseId: string, note: string | null = null): void {
  tick();
  const p = staff[who]!;
  const r = server.app.hall.cases.step({ id: p.id, roles: p.roles }, {
    type,
    caseId,
    note,
    missingMaterials: [],
  } as never);
  if (!r.ok) throw new Error(`${type}: ${JSON.stringify(r.error)}`);
}

async function open(username: string, hash: string): Promise<Page> {
  const page = await openConsoleAs(chrome.browser, server.url, username, hash);
  page.setDefaultTimeout(15_000);
  return page;
}

const discrepancyKeys = (p: Page) =>
  p
    .locator('[data-testid=recon-discrepancies] li[data-discrepancy]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-discrepancy')).sort());

async function expectNoApplicant(p: Page): Promise<void> {
  const html = await p.content();
  expect(html).not.toContain(APPLICANT);
  expect(html).not.toContain(PHONE);
}

describe('日结轧账 and the archive in the console (REC-UI-*, ARC-UI-*)', () => {
  let filed: string;
  let partial: string;
  let missing: string;
  const pagesOf: Record<string, string[]> = {};

  it('REC-UI-1 REC-UI-2 REC-UI-3 REC-UI-4 REC-UI-5 the clerk sees the seeded discrepancies, must explain each, signs; the manager countersigns', async () => {
    const h = server.app.hall;
    expect(h.hall.execute({ type: 'window:open', windowId: 'w1', clerkId: staff.clerk1!.id }).ok).toBe(true);
    const materials = requiredMaterials();
    expect(materials.length).toBeGreaterThanOrEqual(1);
    // Case 1: every required material captured, reviewed, handed back by rights1, filed.
    filed = accept();
    pagesOf[filed] = [];
    for (const m of materials) pagesOf[filed]!.push(await capture(filed, m));
    step('reviewer1', 'case:start-review', filed);
    step('reviewer1', 'case:approve', filed);
    step('rights1', 'case:ready', filed);
    step('rights1', 'case:hand-back', filed, '本人领取');
    // Case 2: the last required material neither captured nor waived (the seeded discrepancy).
    partial = accept();
    missing = materials.at(-1)!;
    for (const m of materials.slice(0, -1)) await capture(partial, m);

    const clerk = await open('clerk1', '#recon');
    await clerk.locator('[data-testid=recon-entries]').waitFor();
    expect(await clerk.locator('[data-testid=recon-status]').getAttribute('data-status')).toBe('open');
    expect(await clerk.locator('input[name=recon-day]').inputValue()).toBe(DAY);
    // The counted business: two slips, two cases, every captured page.
    expect(await clerk.locator('[data-tile=Slips] .tile-value').textContent()).toBe('2');
    expect(await clerk.locator('[data-tile="Cases accepted"] .tile-value').textContent()).toBe('2');
    expect(await clerk.locator('[data-tile="Pages captured"] .tile-value').textContent()).toBe(
      String(materials.length * 2 - 1),
    );
    // Exactly the discrepancies the seeded day holds: the missing material and two uncounted cases.
    expect(await discrepancyKeys(clerk)).toEqual(
      [`material-missing:${partial}:${missing}`, `not-counted:${filed}`, `not-counted:${partial}`].sort(),
    );
    const missingItem = clerk.locator(`li[data-discrepancy="material-missing:${partial}:${missing}"]`);
    expect(await missingItem.textContent()).toContain('必需材料既未采集也未标记免提交');
    expect(await missingItem.textContent()).toContain(`材料：${missing}`);
    expect(await missingItem.textContent()).toContain(partial);
    await expectNoApplicant(clerk);

    // The paper count: case 1 right, case 2 two pages too many (a count mistake shows as its own line).
    await clerk.fill(`input[name="count-${filed}"]`, String(materials.length));
    await clerk.fill(`input[name="count-${partial}"]`, String(materials.length + 1));
    expect(await clerk.isDisabled('[data-action=sign]'), 'unsaved counts hold the signature').toBe(true);
    await clerk.click('[data-action=save-counts]');
    await expect
      .poll(() => discrepancyKeys(clerk), POLL)
      .toEqual([`count-differs:${partial}`, `material-missing:${partial}:${missing}`]);
    expect(await clerk.textContent(`li[data-discrepancy="count-differs:${partial}"]`)).toContain(
      `清点 ${materials.length + 1} 页，采集 ${materials.length - 1} 页`,
    );
    // Signing waits for every explanation.
    expect(await clerk.isDisabled('[data-action=sign]')).toBe(true);
    expect(await clerk.textContent('[data-testid=recon-missing]')).toContain('还有 2 项差异未说明');
    await clerk.fill(
      `li[data-discrepancy="material-missing:${partial}:${missing}"] textarea`,
      '申请人未带该材料原件，已出具补正告知，次日补交',
    );
    expect(await clerk.isDisabled('[data-action=sign]')).toBe(true);
    await clerk.fill(
      `li[data-discrepancy="count-differs:${partial}"] textarea`,
      '含两页身份证复印件，已退还申请人',
    );
    await consoleShots(clerk, 'recon-clerk');
    await expectAxeClean(clerk, '日结轧账 (clerk, open)');
    await clerk.click('[data-action=sign]');
    await expect
      .poll(() => clerk.locator('[data-testid=recon-status]').getAttribute('data-status'), POLL)
      .toBe('signed');
    expect(await clerk.textContent('[data-testid=recon-status]')).toContain('已签字，待复签');
    expect(await clerk.locator('[data-action=sign]').count(), 'a signed day takes no second signature').toBe(
      0,
    );
    expect(await clerk.locator('[data-testid=recon-note]').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('身份证复印件')]),
    );
    await consoleShots(clerk, 'recon-clerk-signed');
    await expectAxeClean(clerk, '日结轧账 (clerk, signed)');

    // REC-UI-4: the manager sees clerk1 waiting for the countersign, reads it, countersigns.
    const manager = await open('manager1', '#reconsign');
    const row = manager.locator('[data-testid=recon-clerks] tr[data-clerk=C0001]');
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('signed');
    // Who has not reconciled: clerk1 (signed, not countersigned) and rights1 (a hand-back, unsigned);
    // clerks with no business that day are listed as such and not counted.
    expect(await manager.textContent('[data-testid=recon-waiting]')).toContain('2 名柜员尚未完成日结轧账');
    expect(await manager.textContent('[data-testid=recon-clerks] tr[data-clerk=C0003]')).toContain(
      '当日无业务',
    );
    expect(await manager.getAttribute('[data-testid=recon-clerks] tr[data-clerk=R0001]', 'data-status')).toBe(
      'open',
    );
    expect(
      await manager.locator('[data-testid=recon-clerks] tr[data-clerk=C0002]').getAttribute('data-status'),
    ).toBe('open');
    await row.locator('[data-action=open-day]').click();
    const day = manager.locator('[data-testid=recon-clerk-day]');
    await day.locator('[data-testid=recon-note]').first().waitFor();
    expect(await day.textContent()).toContain('申请人未带该材料原件');
    expect(await day.locator('textarea').count(), 'read-only').toBe(0);
    expect(await day.locator('input').count(), 'read-only').toBe(0);
    await expectNoApplicant(manager);
    await consoleShots(manager, 'recon-manager');
    await expectAxeClean(manager, '日结复签 (manager)');
    await manager.click('[data-action=countersign]');
    await manager.locator('[role=dialog]').waitFor();
    await expectAxeClean(manager, '日结复签 (confirm dialog)');
    await manager.click('[data-action=confirm-countersign]');
    await expect.poll(() => row.getAttribute('data-status'), POLL).toBe('locked');
    expect(await day.locator('[data-testid=recon-status]').getAttribute('data-status')).toBe('locked');
    // The clerk's open screen turns locked by itself: the countersign fact reached clerk1 (REC-UI-5).
    await expect
      .poll(() => clerk.locator('[data-testid=recon-status]').getAttribute('data-status'), POLL)
      .toBe('locked');
    expect(await clerk.textContent('[data-testid=recon-status]')).toContain('陈刚（M0001）');
    expect(await clerk.textContent('[data-testid=recon-status]')).toContain('复签，当日已锁定');

    // A page captured later for case 2 reopens the day, visibly for both (REC-5).
    await capture(partial, missing);
    await expect
      .poll(() => clerk.locator('[data-testid=recon-status]').getAttribute('data-status'), POLL)
      .toBe('open');
    expect(await clerk.textContent('[data-testid=recon-reopened]')).toMatch(/已重新打开 1 次[\s\S]*采集材料/);
    await expect.poll(() => row.getAttribute('data-status'), POLL).toBe('open');
    expect(await row.textContent()).toContain('已重开 1 次');
    expect(await day.textContent()).toContain('采集材料');
    await consoleShots(clerk, 'recon-clerk-reopened');
    await expectAxeClean(clerk, '日结轧账 (clerk, reopened)');
    // A past day is chosen from the date field (REC-UI-1): nothing of clerk1's that day.
    await clerk.fill('input[name=recon-day]', '2026-11-25');
    await expect
      .poll(() => clerk.textContent('[data-testid=recon-count]'), POLL)
      .toContain('当日没有本人办理的业务');
    expect(await clerk.locator('input[name=recon-day]').getAttribute('max')).toBe(DAY);
    await clerk.close();
    await manager.close();
  }, 180_000);

  it('ARC-UI-1 ARC-UI-2 ARC-UI-3 the archive lists the filed case, its PDF downloads whole, the fixity check runs after a confirmation and shows a failure', async () => {
    const manager = await server.login('manager1');
    const r = await server.rest<{ archiveNo: string; pdf: { pages: number; sha256: string } }>(
      'POST',
      `/api/archive/cases/${filed}`,
      { token: manager, body: {} },
    );
    if (!r.body.ok) throw new Error(`file: ${r.body.error.message}`);
    const record = r.body.data;

    const page = await open('manager1', '#archive');
    const row = page.locator(`tr[data-case="${filed}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-archive-no')).toBe(record.archiveNo);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 7)).toEqual([
      record.archiveNo,
      '1',
      filed,
      '社会保障卡申领',
      expect.stringMatching(/^(永久|长期（30年）|短期（10年）)$/),
      DAY,
      String(record.pdf.pages),
    ]);
    await expectNoApplicant(page);
    // The PDF downloads whole: poppler counts the pages the list says.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.locator('[data-action=download-pdf]').click(),
    ]);
    const saved = join(dir, 'file.pdf');
    await download.saveAs(saved);
    const info = execFileSync('pdfinfo', [saved], { encoding: 'utf8' });
    expect(Number(/^Pages:\s+(\d+)/m.exec(info)?.[1])).toBe(record.pdf.pages);
    expect(record.pdf.pages).toBeGreaterThan(pagesOf[filed]!.length);
    // The volume exports as a tar.
    const [tar] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-action=export-volume]').first().click(),
    ]);
    expect(tar.suggestedFilename()).toMatch(/\.tar$/);
    const tarPath = join(dir, 'volume.tar');
    await tar.saveAs(tarPath);
    expect(execFileSync('tar', ['-tf', tarPath], { encoding: 'utf8' })).toContain('manifest.json');

    // Fixity on demand: asked first; cancelling runs nothing.
    expect(await page.textContent('[data-testid=archive-fixity]')).toContain('尚未检查过');
    await page.click('[data-action=run-fixity]');
    await page.locator('[role=dialog]').waitFor();
    await expectAxeClean(page, '电子档案 (fixity dialog)');
    await page.click('[role=dialog] button:has-text("取消")');
    expect(await page.textContent('[data-testid=archive-fixity]')).toContain('尚未检查过');
    await page.click('[data-action=run-fixity]');
    await page.click('[data-action=confirm-fixity]');
    await page.locator('[data-testid=fixity-status][data-failed="0"]').waitFor();
    expect(await page.textContent('[data-testid=fixity-status]')).toContain('全部一致');
    await consoleShots(page, 'archive');
    await expectAxeClean(page, '电子档案 (manager)');

    // A flipped byte in a stored page shows as a failure, naming the case.
    const sha = pagesOf[filed]![0]!;
    const file = join(dirname(server.dbPath), 'blobs', 'sha256', sha.slice(0, 2), sha);
    const bytes = readFileSync(file);
    bytes[700] = bytes[700]! ^ 0x01;
    writeFileSync(file, bytes);
    await page.click('[data-action=run-fixity]');
    await page.click('[data-action=confirm-fixity]');
    await page.locator('[data-testid=fixity-status][data-failed="1"]').waitFor();
    const problem = page.locator(`[data-testid=fixity-problems] tr[data-sha256="${sha}"]`);
    expect(await problem.textContent()).toContain('内容被改动');
    expect(await problem.textContent()).toContain(filed);
    await consoleShots(page, 'archive-fixity-failed');
    await expectAxeClean(page, '电子档案 (fixity failed)');
    await page.close();

    // The accountant reads the archive only: no PDF, export or fixity run.
    const accountant = await open('accountant1', '#archive');
    await accountant.locator(`tr[data-case="${filed}"]`).waitFor();
    expect(await accountant.locator('[data-action=download-pdf]').count()).toBe(0);
    expect(await accountant.locator('[data-action=export-volume]').count()).toBe(0);
    expect(await accountant.locator('[data-action=run-fixity]').count()).toBe(0);
    expect(await accountant.textContent('[data-testid=archive-fixity]')).toContain('1 个文件缺失或被改动');
    await expectAxeClean(accountant, '电子档案 (accountant)');
    await accountant.close();
  }, 180_000);
});
