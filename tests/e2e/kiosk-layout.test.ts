/**
 * The kiosk at every screen size it is sold with and both text sizes (SPEC KSK-12): what a
 * citizen must press is on the screen, never below it; the hall's name is not cut; a date is
 * a few taps. The built app in Debian Chromium against a real queue server, bounding boxes
 * measured in the page, every screen photographed and scanned with axe-core. The card reader
 * is not needed here: identity is typed on the ID keypad.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idBornOn } from '../../queue-server/src/domain/test-factory.ts';
import { expectAxeClean } from '../support/axe.ts';
import { launchChromium, SCREENSHOTS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const ROOT = join(import.meta.dirname, '..', '..');

interface Size {
  name: string;
  width: number;
  height: number;
}
/** Portrait and landscape 21.5–55" kiosks, and the 5:4 and 16:9 panels of 17–19" kiosks. */
const SIZES: Size[] = [
  { name: 'portrait', width: 1080, height: 1920 },
  { name: 'landscape', width: 1920, height: 1080 },
  { name: '5x4', width: 1280, height: 1024 },
  { name: 'wxga', width: 1366, height: 768 },
];

const ITEM_UNEMPLOYMENT = '512B0070100003'; // 失业保险金申领: a form with a date, a bank and an account

let server: TestServer;
let kioskToken: string;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  execFileSync('npm', ['run', 'build:app', '-w', '@onewindow/kiosk'], { cwd: ROOT, stdio: 'pipe' });
  server = await startTestServer();
  kioskToken = await server.pairDevice('kiosk');
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(size: Size, large: boolean, english = false): Promise<Page> {
  const page = await browser.browser.newPage();
  await page.setViewportSize({ width: size.width, height: size.height });
  await page.goto(`${server.url}/kiosk/#device=${kioskToken}`);
  await page.getByTestId('screen-start').waitFor();
  if (large) await page.getByTestId('toggle-large').click();
  if (english) await page.getByTestId('toggle-lang').click();
  return page;
}

async function axe(page: Page, what: string): Promise<void> {
  await expectAxeClean(page, what);
}

/**
 * Every element matching the selector lies wholly inside the viewport (not below it, not cut at
 * a side), and is not covered by the footer. Returns how many were checked.
 */
async function allOnScreen(page: Page, selector: string, what: string): Promise<number> {
  const out = await page.evaluate((sel) => {
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const footer = document.querySelector('.footer')?.getBoundingClientRect().top ?? vh;
    return Array.from(document.querySelectorAll(sel)).map((el) => {
      const r = el.getBoundingClientRect();
      return {
        id: el.getAttribute('data-testid') ?? sel,
        ok:
          r.width > 0 &&
          r.top >= 0 &&
          r.left >= 0 &&
          r.right <= vw + 0.5 &&
          r.bottom <= Math.min(vh, footer) + 0.5,
        box: [Math.round(r.left), Math.round(r.top), Math.round(r.right), Math.round(r.bottom)],
        vh,
      };
    });
  }, selector);
  expect(out.length, `${what}: ${selector}`).toBeGreaterThan(0);
  expect(
    out.filter((o) => !o.ok),
    `${what}: off screen`,
  ).toEqual([]);
  return out.length;
}

/**
 * Keys a finger can hit: at least 56 px high (about 9 mm on a 21.5" panel, more than the
 * 48 px minimum) and none overlapping another, with its label not cut.
 */
async function keysUsable(page: Page, selector: string, what: string): Promise<void> {
  const keys = await page.evaluate((sel) => {
    return Array.from(document.querySelectorAll(sel)).map((el) => {
      const r = el.getBoundingClientRect();
      return {
        id: el.getAttribute('data-testid'),
        r: { l: r.left, t: r.top, r: r.right, b: r.bottom },
        cut: el.scrollHeight > el.clientHeight + 1 ? `${el.scrollHeight}>${el.clientHeight}` : null,
      };
    });
  }, selector);
  const small = keys.filter((k) => k.r.b - k.r.t < 56).map((k) => `${k.id} ${Math.round(k.r.b - k.r.t)}px`);
  expect(small, `${what}: keys too small`).toEqual([]);
  expect(
    keys.filter((k) => k.cut !== null).map((k) => `${k.id} ${k.cut}`),
    `${what}: key labels cut`,
  ).toEqual([]);
  const overlaps: string[] = [];
  for (const a of keys)
    for (const b of keys)
      if (a.id! < b.id! && a.r.l < b.r.r - 1 && b.r.l < a.r.r - 1 && a.r.t < b.r.b - 1 && b.r.t < a.r.b - 1)
        overlaps.push(`${a.id}/${b.id}`);
  expect(overlaps, `${what}: keys overlap`).toEqual([]);
}

/** The hall's name in the header is shown whole (no ellipsis, nothing hidden). */
async function hallNameWhole(page: Page, what: string): Promise<void> {
  const m = await page.evaluate(() => {
    const el = document.querySelector('.header-name') as HTMLElement;
    return { scroll: el.scrollWidth, client: el.clientWidth, text: el.textContent };
  });
  expect(m.text, what).toContain('示范区社会保险经办服务大厅');
  expect(m.scroll, `${what}: hall name cut`).toBeLessThanOrEqual(m.client);
}

let person = 0;
/** A different adult per page, so one-ticket-per-category never interferes. */
function nextId(): string {
  person++;
  return idBornOn(
    `1970${String((person % 12) + 1).padStart(2, '0')}${String((person % 27) + 1).padStart(2, '0')}`,
    String(100 + person * 2 + 1).padStart(3, '0'),
  );
}

describe('KSK-12 kiosk layout at every size and text size', () => {
  for (const size of SIZES)
    for (const large of [false, true]) {
      const name = `${size.name}${large ? '-large' : ''}`;
      it(`${name}: hall name whole; ID keypad with 清空 and its submit on screen; guide and form actions on screen`, async () => {
        const page = await open(size, large);
        try {
          await hallNameWhole(page, `${name} start`);
          await page.getByTestId('start-ticket').click();
          await page.getByTestId('screen-identify').waitFor();
          await hallNameWhole(page, `${name} identify`);
          // Digits, X, 删除 and 清空: all thirteen keys and the submit button.
          expect(await allOnScreen(page, '[data-testid^="id-key-"]', `${name} identify`)).toBe(13);
          await keysUsable(page, '[data-testid^="id-key-"]', `${name} identify`);
          await allOnScreen(page, '[data-testid="id-submit"]', `${name} identify`);
          await page.screenshot({ path: join(SCREENSHOTS, `kiosk-layout-${name}-identify.png`) });
          await axe(page, `${name} identify`);
          // 清空 empties the number in one tap.
          for (const ch of '110105') await page.getByTestId(`id-key-${ch}`).click();
          await page.getByTestId('id-key-clear').click();
          expect((await page.getByTestId('id-display').textContent())?.trim()).toBe('');
          for (const ch of nextId()) await page.getByTestId(`id-key-${ch}`).click();
          await page.getByTestId('id-submit').click();
          await page.getByTestId('screen-categories').waitFor();
          await page.getByTestId('category-A').click();
          await page.getByTestId(`item-${ITEM_UNEMPLOYMENT}`).click();
          await page.getByTestId('screen-guide').waitFor();
          await allOnScreen(
            page,
            '[data-testid="guide-continue"], [data-testid="guide-back"]',
            `${name} guide`,
          );
          await page.screenshot({ path: join(SCREENSHOTS, `kiosk-layout-${name}-guide.png`) });
          await page.getByTestId('guide-continue').click();
          await page.getByTestId('screen-form').waitFor();
          await allOnScreen(page, '[data-testid="form-submit"], [data-testid="form-back"]', `${name} form`);
          await page.screenshot({ path: join(SCREENSHOTS, `kiosk-layout-${name}-form.png`) });
          await axe(page, `${name} form`);
          // With a keypad open (the bank account), every key and 完成输入 stay on screen too.
          await page.getByTestId('field-bankAccount-input').click();
          expect(await allOnScreen(page, '[data-testid^="form-key-"]', `${name} form keypad`)).toBe(12);
          await keysUsable(page, '[data-testid^="form-key-"]', `${name} form keypad`);
          await allOnScreen(
            page,
            '[data-testid="form-pad-done"], [data-testid="form-submit"]',
            `${name} form keypad`,
          );
          await page.screenshot({ path: join(SCREENSHOTS, `kiosk-layout-${name}-form-keypad.png`) });
        } finally {
          await page.close();
        }
      }, 60_000);
    }
});

describe('KSK-12 a date in a few taps', () => {
  it('a date three months back takes two taps (month, day), not fourteen on steppers; 今天 takes one', async () => {
    const page = await open(SIZES[0]!, false);
    try {
      await page.getByTestId('start-ticket').click();
      for (const ch of nextId()) await page.getByTestId(`id-key-${ch}`).click();
      await page.getByTestId('id-submit').click();
      await page.getByTestId('category-A').click();
      await page.getByTestId(`item-${ITEM_UNEMPLOYMENT}`).click();
      await page.getByTestId('guide-continue').click();
      await page.getByTestId('screen-form').waitFor();
      // The test hall's today is 2026-11-26; 离职日期 may be up to 730 days back, not after today.
      await page.getByTestId('field-leftOn-month-8').click();
      await page.getByTestId('field-leftOn-day-15').click();
      expect(await page.getByTestId('field-leftOn-chosen').textContent()).toBe('2026年8月15日');
      // Days after today are not offered.
      await page.getByTestId('field-leftOn-month-11').click();
      expect(await page.getByTestId('field-leftOn-day-27').isDisabled()).toBe(true);
      expect(await page.getByTestId('field-leftOn-day-26').isDisabled()).toBe(false);
      // An earlier year is one more tap; the day is kept where it exists.
      await page.getByTestId('field-leftOn-year-2025').click();
      await page.getByTestId('field-leftOn-month-2').click();
      expect(await page.getByTestId('field-leftOn-chosen').textContent()).toBe('2025年2月15日');
      await page.getByTestId('field-leftOn-day-28').click();
      await page.getByTestId('field-leftOn-month-3').click();
      expect(await page.getByTestId('field-leftOn-chosen').textContent()).toBe('2025年3月28日');
      await page.getByTestId('field-leftOn-today').click();
      expect(await page.getByTestId('field-leftOn-chosen').textContent()).toBe('2026年11月26日');
      expect(await page.getByTestId('field-leftOn-error').count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'kiosk-layout-date-picker.png') });
      await axe(page, 'date picker');
    } finally {
      await page.close();
    }
  });

  it('counts the taps of the 失业保险金申领 form from the start screen to the ticket', async () => {
    const page = await open(SIZES[1]!, false);
    let taps = 0;
    const tap = async (testId: string) => {
      taps++;
      await page.getByTestId(testId).click();
    };
    try {
      await tap('start-ticket');
      for (const ch of nextId()) await tap(`id-key-${ch}`);
      await tap('id-submit');
      await tap('category-A');
      await tap(`item-${ITEM_UNEMPLOYMENT}`);
      await tap('guide-continue');
      await page.getByTestId('screen-form').waitFor();
      const formStart = taps;
      // Typed identity: the name is completed at the window; the ID number gave the sex.
      if ((await page.getByTestId('field-sex-男').getAttribute('aria-pressed')) !== 'true')
        await tap('field-sex-男');
      await tap('field-cause-contract-end');
      await tap('field-leftOn-month-9');
      await tap('field-leftOn-day-15');
      await tap('field-bank-ICBC');
      await tap('field-bankAccount-input');
      for (const d of '6222020200112233445') await tap(`form-key-${d}`);
      await tap('form-pad-done');
      await tap('field-phone-input');
      for (const d of '13812345678') await tap(`form-key-${d}`);
      await tap('form-pad-done');
      const formTaps = taps - formStart;
      const leftover = await page.locator('[data-testid$="-error"]').count();
      expect(leftover, 'the form is complete').toBe(0);
      await tap('form-submit');
      await page.getByTestId('screen-ticket').waitFor();
      // The date is 2 of these taps; the steppers took 14 for the same date (选 today, 2 months
      // back, 11 days back). Bank account (19) and phone (11) digits are the rest.
      writeFileSync(
        join(ROOT, 'test-results', 'kiosk-form-taps.json'),
        `${JSON.stringify({ item: '失业保险金申领', taps, formTaps }, null, 2)}\n`,
      );
      expect(formTaps).toBeLessThanOrEqual(1 + 1 + 2 + 1 + 21 + 13);
    } finally {
      await page.close();
    }
  });
});
