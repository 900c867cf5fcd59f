/**
 * 线上取号 and rating by link in Chromium at phone size (SPEC MOB-Q-*, NOTE-TRG-5..7, MOB-RATE-*):
 * a signed-in citizen joins the queue from the phone, the kiosk confirms the ticket by the code
 * the phone shows, the clerk calls it (the SMS says which window), serves it; after the day is
 * closed the SMS's link rates the service, and that day's statistics count it. Nothing personal
 * in any URL the phone opened.
 */

import type { OnlineTicketView } from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectAxeClean } from '../support/axe.ts';
import { launchChromium } from '../support/browser.ts';
import { consoleShot, openConsoleAs } from '../support/console.ts';
import { type OpenPhone, openPhone, signIn, startSmsc, type TestSmsc } from '../support/phone.ts';
import { startTestServer, TestClock, type TestServer } from '../support/server.ts';

const PHONE = '13912345678';
const ID = '34052419800101001X';

let smsc: TestSmsc;
let server: TestServer;
let phone: OpenPhone | null = null;
/**
 * The server's clock: the next weekday 09:30 in Beijing after the real now, so the hall is open
 * and the session's expiry (server time) still lies ahead of the phone's own clock, which the app
 * checks a kept session against.
 */
function nextOpenMorning(): number {
  const day = 86_400_000;
  let t = Math.floor(Date.now() / day) * day + day + 90 * 60_000; // 01:30 UTC = 09:30 +08:00
  while ([0, 6].includes(new Date(t + 8 * 3_600_000).getUTCDay())) t += day;
  return t;
}

beforeEach(async () => {
  smsc = await startSmsc();
  server = await startTestServer({ sms: smsc.sms, clock: new TestClock(nextOpenMorning()) });
});
afterEach(async () => {
  await phone?.close();
  phone = null;
  await server.close();
  await smsc.close();
});

async function until<T>(fn: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the phone queue (SPEC MOB-Q-*, MOB-RATE-*)', () => {
  it('MOB-Q-1 MOB-Q-2 NOTE-TRG-6 MOB-RATE-3: join online, confirm at the kiosk by the code, get called, and rate by the SMS link after the day closed', async () => {
    // Signed in with the SMS code and the ID number (REST; the sign-in pages have their own test).
    const token = await signIn(server, smsc, PHONE);
    const bound = await server.rest('POST', '/api/citizen/identity', {
      headers: { 'x-citizen-token': token },
      body: { idNumber: ID },
    });
    expect(bound.body.ok).toBe(true);
    const me = bound.body.ok
      ? (bound.body.data as { phoneMasked: string; idMasked: string; expiresAt: number })
      : null;

    phone = await openPhone(server.url);
    const { page } = phone;
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    // Signed in as the sign-in page leaves it: the session in the phone's storage before the app starts.
    await page.addInitScript(
      (session) => {
        if (location.pathname !== '/m/' || sessionStorage.getItem('seeded') !== null) return;
        localStorage.setItem('onewindow.phone', JSON.stringify({ lang: 'zh', big: false, session }));
        sessionStorage.setItem('seeded', '1');
      },
      { token, ...me!, expiresAt: Date.now() + 86_400_000 },
    );
    await page.goto('about:blank');
    await page.goto(`${server.url}/m/#/queue`);

    // The categories with their wait; join 综合业务.
    await page.getByTestId('join-A').waitFor();
    await expectAxeClean(page, 'phone queue');
    await page.getByTestId('join-A').tap();
    await page.getByTestId('online-code').waitFor();
    const code = (await page.getByTestId('online-code').textContent())!.trim();
    const number = (await page.getByTestId('online-number').textContent())!.trim();
    expect(code).toMatch(/^W[0-9A-Z]{9}$/);
    expect(await page.getByTestId('online-status').textContent()).toMatch(/请于 .+ 前到大厅确认/);
    expect(await page.locator('.queue-qr svg').count()).toBe(1);
    await expectAxeClean(page, 'phone queue ticket');
    await phone.shot('mobile-queue-ticket');

    // A clerk at w1 finds nothing to call before the confirmation.
    const clerk = await server.login('clerk1');
    const cmd = (name: string, body: unknown, t = clerk) =>
      server.rest('POST', `/api/commands/${name}`, { token: t, body });
    await cmd('window:open', { windowId: 'w1' });
    const early = await cmd('ticket:call-next', { windowId: 'w1' });
    expect(early.body.ok ? 'called' : early.body.error.code).toBe('QUEUE_EMPTY');

    // The kiosk scans the phone's code: confirmed; now the clerk calls it.
    const kiosk = await server.pairDevice('kiosk');
    const confirmed = await server.rest<{ onlineConfirmed?: boolean }>('POST', '/api/kiosk/check-in', {
      deviceToken: kiosk,
      body: { bookingCode: code, print: false },
    });
    expect(confirmed.body.ok && confirmed.body.data.onlineConfirmed).toBe(true);
    const before = smsc.count();
    const called = await cmd('ticket:call-next', { windowId: 'w1' });
    expect(called.body.ok).toBe(true);
    const callSms = await until(() =>
      smsc.operator.received.slice(before).find((m) => m.to === PHONE && m.text.includes('号窗口')),
    );
    expect(callSms.text).toContain(`请${number}号到`);
    await page.reload();
    await page.getByTestId('online-status').waitFor();
    expect(await page.getByTestId('online-status').textContent()).toContain('请到 1 号窗口办理');
    await phone.shot('mobile-queue-called');

    // Served; the day closes; the next morning the SMS's link rates it.
    await cmd('ticket:start', { windowId: 'w1' });
    await cmd('ticket:finish', { windowId: 'w1', outcome: 'completed' });
    const linkSms = await until(() =>
      smsc.operator.received.find((m) => m.to === PHONE && m.text.includes('/m/#/rate/')),
    );
    const path = linkSms.text.slice(linkSms.text.indexOf('/m/#/rate/'));
    const manager = await server.login('manager1');
    const day = new Date(server.clock.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect((await cmd('day:close', { reason: '日终' }, manager)).body.ok).toBe(true);
    server.clock.advance(86_400_000);
    const nextMorning = await server.login('manager1'); // yesterday's staff session has ended
    const stats = async () =>
      (
        await server.rest<{ ratings: { rated: number; bad: number } }>(
          'GET',
          `/api/stats?from=${day}&to=${day}`,
          {
            token: nextMorning,
          },
        )
      ).body;
    const s0 = await stats();
    expect(s0.ok && s0.data.ratings.rated).toBe(0);

    await page.goto(`${server.url}${path}`);
    await page.getByTestId('rate-service').waitFor();
    expect(await page.getByTestId('rate-service').textContent()).toContain(`${number} 号 · 1 号窗口`);
    await page.getByTestId('level-2').tap();
    await page.getByTestId('reason-waiting').check();
    await page.getByTestId('comment').fill('请回电13912345678');
    await page.getByTestId('submit-rating').tap();
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').textContent()).toContain('请勿在评价中填写');
    await page.getByTestId('comment').fill('等候时间太长');
    await expectAxeClean(page, 'phone rating');
    await phone.shot('mobile-rate');
    await page.getByTestId('submit-rating').tap();
    await page.getByTestId('rated').waitFor();
    await phone.shot('mobile-rate-done');
    const s1 = await stats();
    expect(s1.ok && s1.data.ratings).toMatchObject({ rated: 1, bad: 1 });

    // Nothing personal in any address the phone asked for; the link's token only after '#'.
    for (const u of urls) {
      expect(u).not.toContain(PHONE);
      expect(u).not.toContain(ID);
      expect(u).not.toContain(path.split('/').at(-1)!);
    }
  }, 90_000);

  it('MOB-Q-2 the guide confirms an online ticket in the console; only then the clerk calls it', async () => {
    const token = await signIn(server, smsc, PHONE);
    const as = { headers: { 'x-citizen-token': token } };
    await server.rest('POST', '/api/citizen/identity', { ...as, body: { idNumber: ID } });
    const joined = await server.rest<OnlineTicketView>('POST', '/api/citizen/queue', {
      ...as,
      body: { categoryId: 'A' },
    });
    if (!joined.body.ok) throw new Error(joined.body.error.message);
    const t = joined.body.data;
    const clerk = await server.login('clerk1');
    const cmd = (name: string, body: unknown) =>
      server.rest<{ facts: { type: string; ticketId?: string }[] }>('POST', `/api/commands/${name}`, {
        token: clerk,
        body,
      });
    await cmd('window:open', { windowId: 'w1' });
    const early = await cmd('ticket:call-next', { windowId: 'w1' });
    expect(early.body.ok ? 'called' : early.body.error.code).toBe('QUEUE_EMPTY');

    const { browser, close } = await launchChromium({ viewport: { width: 1366, height: 768 } });
    try {
      const guide = await openConsoleAs(browser, server.url, 'guide1');
      const row = guide.locator(`tr[data-ticket="${t.id}"]`);
      await row.locator('[data-mark=unconfirmed]').waitFor();
      expect(await row.textContent()).toContain('线上');
      await consoleShot(guide, 'guide-online-unconfirmed');
      await row.locator('[data-action=confirm]').click();
      await row.locator('[data-mark=unconfirmed]').waitFor({ state: 'detached' });
      expect(await row.locator('[data-action=confirm]').count()).toBe(0);
    } finally {
      await close();
    }
    const called = await cmd('ticket:call-next', { windowId: 'w1' });
    expect(called.body.ok && called.body.data.facts.find((f) => f.type === 'ticket:called')?.ticketId).toBe(
      t.id,
    );
  }, 60_000);
});
