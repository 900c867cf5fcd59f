/// <reference lib="dom" />
/**
 * 事项与指南 in the admin console (SPEC ADM-6, ADM-7), end to end in Debian's Chromium against a
 * real queue server: the admin edits an item and its guide in a form (no JSON), sees every
 * problem named in Chinese before saving, and the time limit saved is the one the kiosk's
 * catalog serves; the view is scanned with axe-core (no critical or serious violation).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandResult, ServiceItem, SlipResult } from '@onewindow/shared';
import type { ArchiveRecord } from '@onewindow/shared/archive.ts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAxeClean } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { consoleShot, openConsoleAs } from '../support/console.ts';
import { waiveMissingMaterials } from '../support/materials.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'queue-server', 'console', 'dist', 'index.html');
const POLL = { timeout: 8000 };

let server: TestServer;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('queue-server/console/dist is missing: run `npm run build` first');
  server = await startTestServer();
  chrome = await launchChromium({ viewport: { width: 1366, height: 768 } });
}, 60_000);
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

/** axe-core on the admin view: no serious or critical violation. */
async function axe(page: Page, what: string): Promise<void> {
  await expectAxeClean(page, what, '.admin');
}

const publicItem = async (code: string): Promise<ServiceItem> => {
  const r = await server.rest<ServiceItem[]>('GET', '/api/catalog');
  if (!r.body.ok) throw new Error('catalog');
  return r.body.data.find((i) => i.code === code)!;
};

describe('admin catalog editor', () => {
  it('ADM-6 ADM-7 edits an item and its guide in a form; issues in Chinese; the saved limit is what kiosks get', async () => {
    const code = '512B0070100003'; // 失业保险金申领: its limit is unverified in the list
    const page = await openConsoleAs(chrome.browser, server.url, 'admin');
    try {
      await page.locator(`[data-testid=catalog-list] button[data-item="${code}"]`).click();
      const edit = page.locator('[data-testid=catalog-edit]');
      await edit.locator('input[name=name]').waitFor();
      // The admin sees the research note the kiosk never shows.
      expect(await edit.locator('textarea[name="timeLimit.note"]').inputValue()).toBe(
        '清单原文：未证实(地方例:7工作日)',
      );
      expect(await edit.locator('input[name=verified]').isChecked()).toBe(false);
      expect((await publicItem(code)).timeLimit.text).toBe('');
      await consoleShot(page, 'admin-catalog-form');
      await axe(page, 'catalog form');

      // Problems are named in Chinese as they are made, and nothing can be saved meanwhile.
      await edit.locator('textarea[name="guide.scope"]').fill('');
      await edit.locator('input[name=verified]').check();
      await expect
        .poll(() => edit.getByTestId('catalog-issues').textContent(), POLL)
        .toContain('办事指南·适用范围 不能为空');
      expect(await edit.getByTestId('catalog-issues').textContent()).toContain(
        '办理时限·公布文字 已核实的事项须填写公布文字',
      );
      expect(await edit.locator('[data-action=save-item]').isDisabled()).toBe(true);
      await consoleShot(page, 'admin-catalog-issues');
      await axe(page, 'catalog form with issues');

      // Fixed, verified and saved: the kiosk's catalog shows this limit, in both languages.
      await edit
        .locator('textarea[name="guide.scope"]')
        .fill('非因本人意愿中断就业、已办理失业登记的参保人员。');
      await edit.locator('input[name="timeLimit.text"]').fill('7个工作日');
      await edit.locator('input[name="timeLimit.textEn"]').fill('7 working days');
      await page.locator('[data-action=add-material]').click();
      const newMaterial = edit.locator('.materials-edit tbody tr').last().locator('input').first();
      await newMaterial.fill('失业登记证明');
      await expect.poll(() => edit.getByTestId('catalog-issues').count(), POLL).toBe(0);
      await edit.locator('[data-action=save-item]').click();
      await page.locator('.flash.ok').waitFor();
      const saved = await publicItem(code);
      expect(saved.timeLimit).toEqual({
        text: '7个工作日',
        textEn: '7 working days',
        days: 7,
        unit: 'working',
      });
      expect(saved.guide?.scope).toBe('非因本人意愿中断就业、已办理失业登记的参保人员。');
      expect(saved.guide?.materials.map((m) => m.name)).toContain('失业登记证明');

      // A material named like another one is caught as well.
      const first = await edit
        .locator('.materials-edit tbody tr')
        .first()
        .locator('input')
        .first()
        .inputValue();
      await edit.locator('.materials-edit tbody tr').last().locator('input').first().fill(first);
      await expect
        .poll(() => edit.getByTestId('catalog-issues').textContent(), POLL)
        .toContain('办事指南·申办材料 材料名称不能重复');
    } finally {
      await page.close();
    }
  }, 120_000);

  it('ADM-7 ARC-2: the admin sets an item’s 保管期限 in the form; the next case of it filed carries the retention code in its 档号', async () => {
    const code = '512B0070200003'; // 社会保障卡申领: 长期 by default
    const page = await openConsoleAs(chrome.browser, server.url, 'admin');
    try {
      await page.locator(`[data-testid=catalog-list] button[data-item="${code}"]`).click();
      const edit = page.locator('[data-testid=catalog-edit]');
      const select = edit.getByTestId('catalog-retention');
      await select.waitFor();
      expect(await select.inputValue()).toBe('');
      const labels = await select.locator('option').allTextContents();
      expect(labels.join('|')).toMatch(/永久.*\|.*长期（30年）.*\|.*短期（10年）/);
      await select.selectOption('short');
      await expect.poll(() => edit.getByTestId('catalog-issues').count(), POLL).toBe(0);
      await select.scrollIntoViewIfNeeded();
      await consoleShot(page, 'admin-catalog-retention');
      await axe(page, 'catalog form with retention');
      await edit.locator('[data-action=save-item]').click();
      await page.locator('.flash.ok').waitFor();
      expect((await publicItem(code)).retention).toBe('short');
    } finally {
      await page.close();
    }

    // A case of that item, from the window to the rights window, then filed.
    const ok = <T>(r: {
      status: number;
      body: { ok: boolean; data?: T; error?: { message: string } };
    }): T => {
      if (!r.body.ok) throw new Error(`${r.status}: ${r.body.error?.message}`);
      return r.body.data as T;
    };
    const cmd = async (who: string, name: string, body: unknown) =>
      ok(
        await server.rest<CommandResult>('POST', `/api/commands/${name}`, {
          token: await server.login(who),
          body,
        }),
      );
    const issued = await cmd('guide1', 'ticket:issue', { categoryId: 'A', itemCode: code });
    const ticketId = (issued.facts as { type: string; ticket?: { id: string } }[]).find(
      (f) => f.type === 'ticket:issued',
    )!.ticket!.id;
    const clerk = await server.login('clerk1');
    for (const name of ['window:open', 'ticket:call-next', 'ticket:start'])
      ok(await server.rest('POST', `/api/commands/${name}`, { token: clerk, body: { windowId: 'w1' } }));
    const slip = ok(
      await server.rest<SlipResult>('POST', '/api/slips', {
        token: clerk,
        body: {
          ticketId,
          kind: 'acceptance',
          applicantName: '张三',
          contactPhone: '13800000000',
          print: false,
        },
      }),
    );
    const caseId = slip.case!.id;
    await waiveMissingMaterials(server, clerk, caseId);
    await cmd('reviewer1', 'case:start-review', { caseId });
    await cmd('reviewer1', 'case:approve', { caseId, note: '材料齐全' });
    await cmd('rights1', 'case:ready', { caseId });
    await cmd('rights1', 'case:hand-back', { caseId, note: '本人领取' });
    const filed = ok(
      await server.rest<ArchiveRecord>('POST', `/api/archive/cases/${caseId}`, {
        token: await server.login('manager1'),
        body: {},
      }),
    );
    expect(filed.retention).toBe('short');
    expect(filed.archiveNo).toMatch(/^\d{4}-D-SB01-\d{4}$/);
    expect(filed.volume).toMatch(/^\d{4}-D-SB01$/);
  }, 180_000);
});
