/**
 * Online booking and 网上填单 on the phone in Chromium at phone size (issue #17 points 2–3, SPEC
 * MOB-BOOK-3, MOB-FORM-1, MOB-FORM-3): the citizen books the last place of a slot while 49 other
 * citizens race for it over REST (exactly one wins; the phone shows either its booking code as a
 * QR code or the refusal in Chinese), and fills a form that the clerk then opens by its code in
 * the console. Sign-in itself is m-auth's test (mobile-auth.test.ts): here the phone starts with
 * a session signed in over REST with the code the test SMSC received.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BookingConfig, OnlineBookingView } from '@onewindow/shared';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idBornOn } from '../../queue-server/src/domain/test-factory.ts';
import { expectAxeClean } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { type CitizenHeaders, signInCitizen } from '../support/citizen.ts';
import { consoleShot, openConsoleAs } from '../support/console.ts';
import { type OpenPhone, openPhone, startSmsc, type TestSmsc } from '../support/phone.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const MOBILE_DIST = join(import.meta.dirname, '..', '..', 'kiosk', 'mobile', 'dist', 'index.html');
const CONSOLE_DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');
const POLL = { timeout: 8000 };
const ITEM = '512B0070200003';
const ID = '34052419800101001X';
const PHONE = '13912345678';
const at = (hhmm: string) => Date.parse(`2026-11-26T${hhmm}:00+08:00`);

let smsc: TestSmsc;
let server: TestServer;
let phone: OpenPhone | null = null;
beforeEach(async () => {
  if (!existsSync(MOBILE_DIST) || !existsSync(CONSOLE_DIST))
    throw new Error('kiosk/mobile/dist or queue-server/console/dist is missing: run `npm run build` first');
  smsc = await startSmsc();
  server = await startTestServer({ sms: smsc.sms, rateLimit: false });
});
afterEach(async () => {
  await phone?.close();
  phone = null;
  await server.close();
  await smsc.close();
});

/** The phone opened on `path` with the citizen's session already in its storage. */
async function phoneAs(c: CitizenHeaders, path: string): Promise<Page> {
  // First a same-origin file that runs none of the app (the app saves its state on every change,
  // so it must not be running while the session is written), then the app itself.
  phone = await openPhone(server.url, '/favicon.svg');
  const { page } = phone;
  await page.evaluate(
    (session) => localStorage.setItem('onewindow.phone', JSON.stringify({ lang: 'zh', big: false, session })),
    { ...c.session, expiresAt: Date.now() + 60 * 60_000 },
  );
  await page.goto(`${server.url}/m/#${path}`);
  return page;
}

describe('the phone books and fills (SPEC MOB-BOOK-3, MOB-FORM-*)', () => {
  it('MOB-BOOK-3 the phone books the last place while 49 citizens race for it: exactly one wins', async () => {
    const admin = await server.login('admin');
    const config: BookingConfig = {
      enabled: true,
      daysAhead: 0,
      minLeadMinutes: 30,
      cancelBeforeMinutes: 120,
      reminderMinutesBefore: 0,
      noShow: { limit: 3, periodDays: 90, banDays: 30 },
      lines: [{ categoryId: 'A', itemCode: null, from: '10:00', to: '10:30', capacity: 2 }],
    };
    expect((await server.rest('PUT', '/api/booking/config', { token: admin, body: config })).status).toBe(
      200,
    );
    const slot = at('10:00');
    // One place taken already: the phone sees the last one.
    const first = await signInCitizen(server, smsc, idBornOn('19800101', '201'), '13800000201');
    expect(
      (
        await server.rest('POST', '/api/m/bookings', {
          headers: first.headers,
          body: { itemCode: ITEM, slotStart: slot },
        })
      ).status,
    ).toBe(201);
    const racers = await Promise.all(
      Array.from({ length: 49 }, (_, i) =>
        signInCitizen(
          server,
          smsc,
          idBornOn('19800101', String(300 + i)),
          `138000003${String(i).padStart(2, '0')}`,
        ),
      ),
    );
    const me = await signInCitizen(server, smsc, ID, PHONE);
    const page = await phoneAs(me, `/book?item=${ITEM}`);
    const tile = page.locator(`[data-slot="${slot}"]`);
    await tile.waitFor().catch(async (e) => {
      await phone!.shot('mobile-book-failed');
      throw e;
    });
    expect(await tile.textContent()).toContain('余 1');
    await expectAxeClean(page, 'phone book');
    await phone!.shot('mobile-book-slots');
    await tile.tap();
    const rest = racers.map((c) =>
      server.rest<OnlineBookingView>('POST', '/api/m/bookings', {
        headers: c.headers,
        body: { itemCode: ITEM, slotStart: slot },
      }),
    );
    await page.getByTestId('confirm').tap();
    const answers = await Promise.all(rest);
    await expect
      .poll(
        async () => (await page.getByTestId('booked').count()) + (await page.getByTestId('error').count()),
        POLL,
      )
      .toBe(1);
    const phoneWon = (await page.getByTestId('booked').count()) === 1;
    const restWon = answers.filter((a) => a.status === 201).length;
    expect(restWon + (phoneWon ? 1 : 0)).toBe(1);
    expect(answers.filter((a) => a.status !== 201).every((a) => a.status === 409)).toBe(true);
    if (phoneWon) {
      const code = (await page.getByTestId('booking-code-code').textContent())!.trim();
      expect(code).toMatch(/^Y[A-Z2-9]{7}$/);
      expect(await page.locator('[data-testid=booking-code] svg path').getAttribute('d')).toMatch(/^M\d/);
      expect(await page.locator(`[data-booking=${code}]`).count()).toBe(1);
    } else expect(await page.getByTestId('error').textContent()).toContain('时段已约满');
    // The page shows what is free now: the slot is full either way.
    await expect.poll(() => tile.textContent(), POLL).toContain('已约满');
    expect(await tile.isDisabled()).toBe(true);
    await phone!.shot('mobile-book-result');
    const rows = await server.rest<{ slots: { start: number; free: number }[] }>(
      'GET',
      `/api/m/booking/slots?itemCode=${ITEM}`,
    );
    expect(rows.body.ok && rows.body.data.slots.find((s) => s.start === slot)?.free).toBe(0);
    // Nothing personal in any address the phone opened.
    expect(page.url()).not.toMatch(new RegExp(`${PHONE}|${ID}`));
  }, 120_000);

  it('MOB-FORM-1, MOB-FORM-3 the phone fills the form (the kiosk’s checks), the clerk opens it by its code', async () => {
    const me = await signInCitizen(server, smsc, ID, PHONE);
    const page = await phoneAs(me, `/form?item=${ITEM}`);
    const form = page.getByTestId('online-form');
    await form.waitFor();
    await page.getByTestId('f-name').fill('张三丰');
    await page.getByTestId('f-idNumber').fill(ID);
    await page.getByTestId('f-sex').selectOption('男');
    await page.getByTestId('f-phone').fill('12345');
    await page.getByTestId('f-bank').selectOption({ index: 1 });
    await page.getByTestId('f-delivery').selectOption({ index: 1 });
    await page.getByTestId('submit-form').tap();
    await page.getByTestId('error').waitFor();
    expect(await form.textContent()).toContain('手机号');
    await phone!.shot('mobile-form-refused');
    await page.getByTestId('f-phone').fill(PHONE);
    await page.getByTestId('submit-form').tap();
    await page.getByTestId('draft-done').waitFor();
    const code = (await page.getByTestId('draft-code-code').textContent())!.trim();
    expect(code).toMatch(/^W[A-Z2-9]{7}$/);
    await expectAxeClean(page, 'phone form');
    await phone!.shot('mobile-form-done');

    const kiosk = await server.pairDevice('kiosk');
    await server.rest('POST', '/api/kiosk/tickets', {
      deviceToken: kiosk,
      body: { itemCode: ITEM, idNumber: ID, print: false },
    });
    const desk = await launchChromium({ viewport: { width: 1366, height: 768 } });
    try {
      const clerk = await openConsoleAs(desk.browser, server.url, 'clerk1');
      await clerk.click('[data-window=w1]');
      await clerk.locator('[data-action=call-next]').waitFor();
      await clerk.keyboard.press('F1');
      await clerk.locator('[data-testid=current-ticket]').waitFor();
      await clerk.fill('input[name=scan]', code);
      await clerk.press('input[name=scan]', 'Enter');
      const app = clerk.locator('[data-testid=application]');
      await expect.poll(() => app.textContent(), POLL).toContain(code);
      expect(await app.textContent()).toContain('张三丰');
      expect(await app.textContent()).toContain('网上填单');
      await consoleShot(clerk, 'clerk-phone-form');
    } finally {
      await desk.close();
    }
    // Back to the page (a hash change: a reload would judge the session's expiry by the browser's
    // clock, and the server's test clock is weeks behind it).
    await page.evaluate(() => {
      location.hash = '#/';
    });
    await page.evaluate(() => {
      location.hash = '#/form';
    });
    await expect.poll(() => page.locator(`[data-draft=${code}]`).textContent(), POLL).toContain('窗口已调取');
  }, 120_000);
});
