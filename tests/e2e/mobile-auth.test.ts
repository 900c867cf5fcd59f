/**
 * The citizen's phone app in Chromium at phone size (SPEC MOB-AUTH-*, MOB-PROG-*, MOB-UI-*): sign
 * in with the code the test SMSC received (the hall's real SMPP gateway in front of it), give the
 * ID number, see the ticket taken at the kiosk with the people ahead; look a case up by its
 * receipt without signing in. Nothing personal in any URL the phone opened.
 */
import type { KioskIssueResult } from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectAxeClean } from '../support/axe.ts';
import { acceptAtWindow } from '../support/materials.ts';
import { type OpenPhone, openPhone, startSmsc, type TestSmsc } from '../support/phone.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const PHONE = '13912345678';
const ID = '34052419800101001X';
const CONSULT = 'LOCAL-ZXZX';

let smsc: TestSmsc;
let server: TestServer;
let phone: OpenPhone | null = null;
beforeEach(async () => {
  smsc = await startSmsc();
  server = await startTestServer({ sms: smsc.sms });
});
afterEach(async () => {
  await phone?.close();
  phone = null;
  await server.close();
  await smsc.close();
});

describe('the phone app (SPEC MOB-*)', () => {
  it('MOB-AUTH-1..7, MOB-PROG-1: sign in with the SMS code, give the ID number, see the kiosk ticket with the people ahead', async () => {
    // Two people ahead, then our citizen takes a ticket at the kiosk with their ID number.
    const kiosk = await server.pairDevice('kiosk');
    const issue = (idNumber: string, n: number) =>
      server.rest<KioskIssueResult>('POST', '/api/kiosk/tickets', {
        deviceToken: kiosk,
        body: { itemCode: CONSULT, idNumber },
        headers: { 'idempotency-key': `k-${n}` },
      });
    await issue('11010519491231002X', 1);
    await issue('440308199901101512', 2);
    const mine = await issue(ID, 3);
    if (!mine.body.ok) throw new Error(mine.body.error.message);
    const number = mine.body.data.ticket.number;
    const clerk = await server.login('clerk1');
    await server.rest('POST', '/api/commands/window:open', { token: clerk, body: { windowId: 'w1' } });

    phone = await openPhone(server.url);
    const { page } = phone;
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));

    // Home: the hall, its hours, and only the tiles whose pages exist.
    await page.getByTestId('hours').waitFor();
    expect(await page.getByTestId('hours').textContent()).toMatch(/开放时间周.+\d\d:\d\d–\d\d:\d\d/);
    // In the route table's order (预约 10, 网上填单 20, 线上取号 30, 进度查询 40).
    expect(
      await page.locator('.tile').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))),
    ).toEqual(['tile-book', 'tile-form', 'tile-queue', 'tile-progress']);
    expect(await page.getByTestId('tile-progress').textContent()).toContain('进度查询');
    expect(await page.evaluate(() => getComputedStyle(document.body).fontSize)).toBe('18px');
    await expectAxeClean(page, 'phone home');
    await phone.shot('mobile-home');

    // 进度查询 → sign in (the guard) → code from the SMSC.
    await page.getByTestId('tile-progress').tap();
    await page.getByTestId('mine').tap();
    await page.getByTestId('phone').fill(PHONE);
    const before = smsc.count();
    await page.getByTestId('send-code').tap();
    await page.getByTestId('sent').waitFor();
    expect(await page.getByTestId('sent').textContent()).toContain('139****5678');
    expect(await page.getByTestId('send-code').textContent()).toMatch(/\d+ 秒后可重新获取/);
    const code = await smsc.codeFor(PHONE, { after: before });
    await page.getByTestId('code').fill(code);
    await expectAxeClean(page, 'phone sign-in');
    await phone.shot('mobile-sign-in');
    await page.getByTestId('submit').tap();

    // Back on 进度查询, signed in: the ID number next, then the ticket.
    await page.getByTestId('mine').tap();
    await page.getByTestId('id-number').fill('340524198001010011');
    await page.getByTestId('submit').tap();
    expect(await page.getByTestId('error').textContent()).toMatch(/校验|有误|核对/);
    await page.getByTestId('id-number').fill(ID);
    await page.getByTestId('submit').tap();
    await page.getByTestId('ticket').waitFor();
    expect(await page.getByTestId('ticket-number').textContent()).toBe(number);
    expect(await page.getByTestId('ticket-status').textContent()).toBe('等候中');
    expect(await page.getByTestId('ticket-wait').textContent()).toMatch(
      /^前面还有 2 人 · 预计等候约 \d+(–\d+)? 分钟$/,
    );
    await expectAxeClean(page, 'phone progress');
    await phone.shot('mobile-progress');

    // 大字 and English.
    await page.getByTestId('big').tap();
    await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).fontSize)).toBe('22px');
    await page.getByTestId('lang').tap();
    await expect
      .poll(() => page.getByTestId('ticket-wait').textContent())
      .toMatch(/^2 ahead of you · about \d+/);
    await phone.shot('mobile-progress-large-en');

    // PII: no phone, ID number or code in any address the phone opened, nor in the page.
    for (const u of [...urls, page.url()]) expect(u).not.toMatch(new RegExp(`${PHONE}|${ID}|1980|${code}`));
    const html = await page.content();
    expect(html).not.toContain(PHONE);
    expect(html).not.toContain(ID);
  });

  it('MOB-PROG-2, MOB-PROG-3: the receipt QR opens the lookup; receipt number + last four digits show the case, wrong digits the same miss as no receipt', async () => {
    const { caseId } = await acceptAtWindow(server, '512B0070200003');
    phone = await openPhone(server.url, `/m/#/progress?receipt=${encodeURIComponent(caseId)}`);
    const { page } = phone;
    await page.getByTestId('lookup').waitFor();
    expect(await page.getByTestId('receipt').inputValue()).toBe(caseId);
    await page.getByTestId('last4').fill('1234');
    await page.getByTestId('lookup-submit').tap();
    const miss = await page.getByTestId('error').textContent();
    expect(miss).toBe('未查到办件：请核对受理编号和手机号后四位');
    await page.getByTestId('receipt').fill('SL-20261126-9999');
    await page.getByTestId('lookup-submit').tap();
    await expect.poll(() => page.getByTestId('error').textContent()).toBe(miss);
    await page.getByTestId('receipt').fill(caseId);
    await page.getByTestId('last4').fill('0000');
    await page.getByTestId('lookup-submit').tap();
    await page.getByTestId('case').waitFor();
    expect(await page.getByTestId('case-status').textContent()).toBe('已受理，等待审核');
    await expectAxeClean(page, 'phone lookup');
    await phone.shot('mobile-lookup');
    expect(await page.content()).not.toContain('13800000000');
  });
});
