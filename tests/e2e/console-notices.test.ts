/// <reference lib="dom" />
/**
 * 短信模板 and 短信通知 in Debian's Chromium against a real server (SPEC NOTE-UI-1..4): the admin
 * edits a registered template — an unknown placeholder is named in Chinese as she types and the
 * server's refusal is shown in Chinese; a valid text and code are saved after a confirmation and
 * are there after a reload. The manager sees the outbox: one notice the SMSC accepted, one it kept
 * refusing until the retries ran out (the real SMPP gateway against the `smpp` package's server
 * answering submit_sm with an error), highlighted with the sentence to call the citizen; no full
 * phone number anywhere on the page. Both screens at 1366 px, axe-clean, photographed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Ack, NoticeTemplate, NoticeView } from '@onewindow/shared';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAxeClean } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { consoleShots, openConsoleAs } from '../support/console.ts';
import { startSmsc, type TestSmsc } from '../support/phone.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');
const POLL = { timeout: 10_000, interval: 100 };
/** SMPP's ESME_RSUBMITFAIL: the operator refuses every submit while this is set. */
const SUBMIT_FAIL = 0x45;

let server: TestServer;
let smsc: TestSmsc;
let chrome: { browser: BrowserContext; close: () => Promise<void> };

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('queue-server/console/dist is missing: run `npm run build` first');
  smsc = await startSmsc();
  // Two attempts, 1 s apart on the test clock: the test moves the clock to exhaust them.
  server = await startTestServer({
    sms: { ...smsc.sms, pollMs: 100, retry: { baseMs: 1000, capMs: 1000, maxAttempts: 2 } },
  });
  chrome = await launchChromium({ viewport: { width: 1366, height: 768 } });
});
afterAll(async () => {
  await chrome?.close();
  await server?.close();
  await smsc?.close();
});

const ok = <T>(r: { status: number; body: Ack<T> }): T => {
  if (!r.body.ok) throw new Error(`${r.status} ${r.body.error.code}: ${r.body.error.message}`);
  return r.body.data;
};

/** guide1 issues a ticket for a time-limited item; clerk1 serves it at w1 and accepts it with a phone. */
async function acceptWithPhone(phone: string): Promise<string> {
  const guide = await server.login('guide1');
  const issued = ok(
    await server.rest<{ facts: { type: string; ticket?: { id: string } }[] }>(
      'POST',
      '/api/commands/ticket:issue',
      { token: guide, body: { categoryId: 'A', itemCode: '512B0070200003' } },
    ),
  );
  const ticketId = issued.facts.find((f) => f.type === 'ticket:issued')!.ticket!.id;
  const clerk = await server.login('clerk1');
  // The window stays open after the first acceptance; a second open is refused and changes nothing.
  await server.rest('POST', '/api/commands/window:open', { token: clerk, body: { windowId: 'w1' } });
  for (const name of ['ticket:call-next', 'ticket:start'])
    ok(await server.rest('POST', `/api/commands/${name}`, { token: clerk, body: { windowId: 'w1' } }));
  const slip = ok(
    await server.rest<{ case: { id: string } | null }>('POST', '/api/slips', {
      token: clerk,
      body: { ticketId, kind: 'acceptance', applicantName: '李四', contactPhone: phone, print: false },
    }),
  );
  return slip.case!.id;
}

async function noticesOf(status: string): Promise<NoticeView[]> {
  const manager = await server.login('manager1');
  return ok(await server.rest<NoticeView[]>('GET', `/api/notices?status=${status}`, { token: manager }));
}

describe('SMS console screens (NOTE-UI-1..4)', () => {
  it('NOTE-UI-1..3: the admin edits a template: the placeholder error in Chinese, then a confirmed save that survives a reload', async () => {
    const page = await openConsoleAs(chrome.browser, server.url, 'admin', '#templates');
    await page.locator('[data-testid=sms-templates] tr[data-template]').first().waitFor();
    // Every template the server lists, with its Chinese purpose and its placeholders highlighted.
    const ids = await page
      .locator('tr[data-template]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-template')));
    expect(ids).toContain('case-ready');
    expect(ids).toHaveLength(9);
    const row = page.locator('tr[data-template=case-ready]');
    expect(await row.textContent()).toContain('办结待取通知');
    expect(await row.locator('mark.ph').count()).toBeGreaterThan(0);
    await consoleShots(page, 'sms-templates');
    await expectAxeClean(page, 'sms templates');

    await row.locator('[data-action=edit]').click();
    const editor = page.locator('[data-testid=template-editor]');
    await editor
      .locator('textarea[name=text]')
      .fill('【{hallName}】您的{itemName}已办结，请到{window}号窗口领取。');
    // Named as she types, before any request.
    await expect
      .poll(() => editor.locator('[data-testid=template-errors]').textContent(), POLL)
      .toContain('不能使用参数 {window}，可用：{hallName}、{itemName}、{receiptNo}');
    expect(await editor.locator('[data-testid=missing]').textContent()).toContain('受理编号');
    expect(await editor.locator('[data-testid=sample]').textContent()).toContain(
      '【示例区社会保险服务大厅】您的城镇职工基本养老保险关系转移接续已办结',
    );
    await consoleShots(page, 'sms-template-error');
    await expectAxeClean(page, 'sms template editor');
    // Saving anyway: the server refuses it, said in Chinese; nothing changed.
    await editor.locator('[data-action=save]').click();
    await editor.locator('[data-action=confirm]').click();
    const refusal = await editor.locator('[data-testid=refusal]').textContent();
    expect(refusal).toContain('服务器拒绝保存');
    expect(refusal).toContain('{window}');
    expect(refusal).toMatch(/可用/);
    const admin = await server.login('admin');
    const before = ok(await server.rest<NoticeTemplate[]>('GET', '/api/notice-templates', { token: admin }));
    expect(before.find((t) => t.id === 'case-ready')!.text).not.toContain('{window}');

    const text = '【{hallName}】您的{itemName}（受理编号{receiptNo}）已办结，请携带身份证到大厅领取。';
    await editor.locator('textarea[name=text]').fill(text);
    await editor.locator('input[name=operatorCode]').fill('SMS_20261126');
    expect(await editor.locator('[data-testid=template-errors]').count()).toBe(0);
    await editor.locator('[data-action=save]').click();
    // A confirmation first: nothing is sent until it is confirmed.
    await editor.locator('[data-testid=confirm]').waitFor();
    expect(await editor.locator('[data-testid=confirm]').textContent()).toContain('与运营商的报备一致');
    await consoleShots(page, 'sms-template-confirm');
    await editor.locator('[data-action=confirm]').click();
    await expect.poll(() => page.locator('[data-testid=flash]').textContent(), POLL).toContain('已保存');

    await page.reload();
    await page.locator('tr[data-template=case-ready]').waitFor();
    const saved = page.locator('tr[data-template=case-ready]');
    expect(await saved.locator('[data-testid=operator-code]').textContent()).toBe('SMS_20261126');
    expect(await saved.textContent()).toContain('请携带身份证到大厅领取');
    const after = ok(await server.rest<NoticeTemplate[]>('GET', '/api/notice-templates', { token: admin }));
    expect(after.find((t) => t.id === 'case-ready')).toMatchObject({ text, operatorCode: 'SMS_20261126' });
    await page.close();
  });

  it('NOTE-UI-4: the manager sees the outbox by status; a notice whose retries ran out is highlighted to call the citizen; phones masked', async () => {
    const sentCase = await acceptWithPhone('13912345678');
    await expect
      .poll(async () => (await noticesOf('sent')).map((n) => n.id), POLL)
      .toEqual([`case-accepted:${sentCase}`]);
    // The SMSC now refuses every submit: the first attempt fails, the clock passes the retry, the second gives up.
    smsc.operator.status = SUBMIT_FAIL;
    const failedCase = await acceptWithPhone('13698765432');
    await expect.poll(async () => (await noticesOf('pending')).map((n) => n.attempts), POLL).toEqual([1]);
    server.clock.advance(2000);
    await expect
      .poll(async () => (await noticesOf('failed')).map((n) => n.id), POLL)
      .toEqual([`case-accepted:${failedCase}`]);

    const page = await openConsoleAs(chrome.browser, server.url, 'manager1', '#notices');
    const table = page.locator('[data-testid=sms-notices]');
    await table.locator('tr[data-notice]').nth(1).waitFor();
    const failedRow = table.locator(`tr[data-notice="case-accepted:${failedCase}"]`);
    expect(await failedRow.getAttribute('data-status')).toBe('failed');
    const failedText = await failedRow.textContent();
    expect(failedText).toContain('请工作人员电话联系办事群众');
    expect(failedText).toContain('136****5432');
    expect(failedText).toContain('受理通知');
    expect(await table.locator('[data-testid=failed-banner]').textContent()).toContain('1 条短信发送失败');
    // The failed row is the highlighted one (its background is the "bad" colour, not the sent row's).
    const bg = (sel: string) =>
      table
        .locator(`${sel} td`)
        .first()
        .evaluate((td) => getComputedStyle(td).backgroundColor);
    expect(await bg(`tr[data-notice="case-accepted:${failedCase}"]`)).not.toBe(
      await bg(`tr[data-notice="case-accepted:${sentCase}"]`),
    );
    await consoleShots(page, 'sms-notices');
    await expectAxeClean(page, 'sms notices');

    await table.locator('[data-status=failed]').first().click();
    await expect
      .poll(
        () =>
          table
            .locator('tr[data-notice]')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))),
        POLL,
      )
      .toEqual(['failed']);
    await table.locator('[data-status=sent]').first().click();
    await expect
      .poll(
        () =>
          table
            .locator('tr[data-notice]')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-notice'))),
        POLL,
      )
      .toEqual([`case-accepted:${sentCase}`]);
    expect(await table.locator('[data-testid=failed-banner]').count()).toBe(0);
    // No full phone anywhere on the page.
    const html = await page.content();
    expect(html).not.toContain('13912345678');
    expect(html).not.toContain('13698765432');
    expect(html).toContain('139****5678');
    await page.close();
  });
});
