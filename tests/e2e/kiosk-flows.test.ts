/**
 * The citizen kiosk end to end (issue #5): the built app in Debian Chromium, a real queue
 * server, and the real terminal agent of the kiosk on simulated devices (ID-card reader,
 * ESC/POS printer), all paired as one kiosk. Flows run in portrait (1080×1920), landscape
 * (1920×1080) and large-text mode; every screen is scanned with axe-core and photographed.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { ApplicationView, KioskTicket, ServiceItem } from '@onewindow/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reach, sleep, startTestAgent, type TestAgent, until } from '../../kiosk/agent/agent/test-support.ts';
import { SAMPLE_CARDS } from '../../kiosk/agent/idcard/base-info-encode.ts';
import { idBornOn } from '../../queue-server/src/domain/test-factory.ts';
import { expectAxeClean } from '../support/axe.ts';
import { launchChromium, SCREENSHOTS } from '../support/browser.ts';
import { type HallClient, nextEvent, startTestServer, T0, type TestServer } from '../support/server.ts';

const ROOT = join(import.meta.dirname, '..', '..');

interface Layout {
  name: string;
  width: number;
  height: number;
  large: boolean;
  english?: boolean;
}
const PORTRAIT: Layout = { name: 'portrait', width: 1080, height: 1920, large: false };
const LANDSCAPE: Layout = { name: 'landscape', width: 1920, height: 1080, large: false };
const LARGE: Layout = { name: 'landscape-large', width: 1920, height: 1080, large: true };
const ENGLISH: Layout = { name: 'portrait-english', width: 1080, height: 1920, large: false, english: true };
const PORTRAIT_LARGE: Layout = { name: 'portrait-large', width: 1080, height: 1920, large: true };

/** A resident ID card for the simulated reader: a different person per test (one ticket per category). */
function card(name: string, yyyymmdd: string, seq: string, sex: '男' | '女' = '男') {
  const birthDate = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6)}`;
  return { ...SAMPLE_CARDS.young, name, sex, birthDate, idNumber: idBornOn(yyyymmdd, seq) };
}

const ITEM_PLAIN = '512B0067900008'; // 企业职工参保登记, category A, no form
const ITEM_FORM = '512B0369200000'; // 灵活就业人员…参保登记, with a form
const ITEM_CONSULT = 'LOCAL-ZXZX'; // 政策咨询, no identity needed

let server: TestServer;
let kioskToken: string;
let agent: TestAgent;
let catalog: ServiceItem[];
let browser: Awaited<ReturnType<typeof launchChromium>>;
const pages: Page[] = [];

beforeAll(async () => {
  execFileSync('npm', ['run', 'build:app', '-w', '@onewindow/kiosk'], { cwd: ROOT, stdio: 'pipe' });
  server = await startTestServer();
  kioskToken = await server.pairDevice('kiosk');
  agent = startTestAgent(server, { deviceToken: kioskToken, terminal: 'kiosk' });
  await reach(agent.agent, 'connected');
  const r = await server.rest<ServiceItem[]>('GET', '/api/catalog');
  if (!r.body.ok) throw new Error('no catalog');
  catalog = r.body.data;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await agent?.agent.stop(1000);
  await server?.close();
});

async function open(layout: Layout, query = '', first: 'start' | 'closed' = 'start'): Promise<Page> {
  for (const p of pages.splice(0)) await p.close();
  const page = await browser.browser.newPage();
  pages.push(page);
  await page.setViewportSize({ width: layout.width, height: layout.height });
  await page.goto(`${server.url}/kiosk/${query}#device=${kioskToken}`);
  await page.getByTestId(`screen-${first}`).waitFor();
  if (layout.large) await page.getByTestId('toggle-large').click();
  if (layout.english) await page.getByTestId('toggle-lang').click();
  return page;
}

/** Inserts a card into the kiosk's simulated reader; the agent reads and relays it to the screen. */
async function tapCard(c: ReturnType<typeof card> | (typeof SAMPLE_CARDS)['senior']): Promise<void> {
  const reader = agent.sims.idCardReader!;
  // The reader must see the previous card leave (it polls every 30 ms) before it reads a new one.
  reader.removeCard();
  await sleep(200);
  reader.insertCard(c);
}

async function shot(page: Page, layout: Layout, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `kiosk-${layout.name}-${name}.png`) });
}

async function axe(page: Page, what: string): Promise<void> {
  await expectAxeClean(page, what);
}

async function screen(page: Page, layout: Layout, name: string): Promise<void> {
  await page.getByTestId(`screen-${name}`).waitFor();
  // Let the screen settle (fonts, the card animation's first frame) before the picture.
  await page.waitForTimeout(150);
  await shot(page, layout, name);
  await axe(page, `${layout.name} ${name}`);
}

async function lookup(idNumber: string): Promise<KioskTicket[]> {
  const r = await server.rest<{ tickets: KioskTicket[] }>('POST', '/api/kiosk/lookup', {
    deviceToken: kioskToken,
    body: { idNumber },
  });
  if (!r.body.ok) throw new Error(r.body.error.message);
  return r.body.data.tickets;
}

async function typeId(page: Page, id: string): Promise<void> {
  for (const ch of id) await page.getByTestId(`id-key-${ch}`).click();
}

async function printed(page: Page): Promise<void> {
  await expect
    .poll(() => page.getByTestId('print-status').getAttribute('data-status'), { timeout: 10_000 })
    .toBe('printed');
}

describe('kiosk: card to printed ticket', () => {
  const people = [
    card('王大明', '19800101', '011'),
    card('陈晓红', '19850505', '022', '女'),
    card('刘建国', '19900909', '031'),
    card('何小平', '19930303', '151'),
  ];
  for (const [i, layout] of [PORTRAIT, LANDSCAPE, LARGE, ENGLISH].entries()) {
    it(`${layout.name}: tap card, choose the business, read the guide, get a printed ticket`, async () => {
      const person = people[i]!;
      const page = await open(layout);
      await screen(page, layout, 'start');
      await page.getByTestId('start-ticket').click();
      await screen(page, layout, 'identify');
      await tapCard(person);
      await page.getByTestId('screen-categories').waitFor();
      // Masked identity only: 王*明 and 110***********…; never the full name or number.
      const banner = await page.getByTestId('person-masked').textContent();
      expect(banner).toContain(`${person.name[0]}*${person.name.at(-1)}`);
      expect(banner).toContain(`${person.idNumber.slice(0, 3)}***********${person.idNumber.slice(-4)}`);
      expect(await page.content()).not.toContain(person.idNumber);
      expect(await page.content()).not.toContain(person.name);
      await screen(page, layout, 'categories');
      await page.getByTestId('category-A').click();
      await screen(page, layout, 'items');
      await page.getByTestId(`item-${ITEM_PLAIN}`).click();
      await screen(page, layout, 'guide');
      const jobsBefore = agent.sims.printer!.jobs.length;
      await page.getByTestId('guide-continue').click();
      await page.getByTestId('screen-ticket').waitFor();
      await printed(page);
      await screen(page, layout, 'ticket');
      const number = (await page.getByTestId('ticket-number').textContent())?.trim();
      expect(number).toMatch(/^A\d{3}$/);
      expect(agent.sims.printer!.jobs.length).toBe(jobsBefore + 1);
      // KSK-13: screen-reader text follows the language (the voice stays Mandarin, and silent in English).
      await expect
        .poll(() => page.getByTestId('spoken').textContent())
        .toContain(layout.english ? 'Please take your ticket' : '请取走号票');
      expect(await page.locator('[data-testid="ticket-qr"] path').count()).toBe(1);
      const tickets = await lookup(person.idNumber);
      expect(tickets.map((t) => t.number)).toEqual([number]);
      expect(tickets[0]!.itemCode).toBe(ITEM_PLAIN);
    });
  }
});

describe('kiosk: identity', () => {
  it('typed ID numbers: impossible keys are refused with the reason, nothing is issued', async () => {
    const layout = LANDSCAPE;
    const page = await open(layout);
    await page.getByTestId('start-ticket').click();
    await page.getByTestId('screen-identify').waitFor();
    const error = page.getByTestId('id-error');
    // No area code starts with 0.
    await page.getByTestId('id-key-0').click();
    expect(await error.textContent()).toContain('地区代码');
    expect((await page.getByTestId('id-display').textContent())?.trim()).toBe('');
    // Month 13 does not exist.
    await typeId(page, '1101051949');
    await page.getByTestId('id-key-1').click();
    await page.getByTestId('id-key-3').click();
    expect(await error.textContent()).toContain('出生日期');
    expect((await page.getByTestId('id-display').textContent())?.replace(/\s/g, '')).toBe('11010519491');
    // X only as the last character.
    await page.getByTestId('id-key-X').click();
    expect(await error.textContent()).toContain('X');
    // A wrong check character is refused at the 18th key.
    await typeId(page, '231002');
    await page.getByTestId('id-key-1').click();
    expect(await error.textContent()).toContain('校验位');
    await shot(page, layout, 'identify-invalid');
    await axe(page, 'identify with an error');
    expect(await page.getByTestId('id-submit').isDisabled()).toBe(true);
    expect(await lookup('11010519491231002X')).toEqual([]);
    // The right check character completes it.
    await page.getByTestId('id-key-X').click();
    expect(await error.textContent()).toBe('');
    expect(await page.getByTestId('id-submit').isDisabled()).toBe(false);
    await page.getByTestId('id-submit').click();
    await page.getByTestId('screen-categories').waitFor();
    expect(await page.getByTestId('person-masked').textContent()).toContain('110***********002X');
    // Still nothing issued: identifying is not taking a number.
    expect(await lookup('11010519491231002X')).toEqual([]);
  });

  it('a consultation without any ID: only items that need none are offered', async () => {
    const layout = PORTRAIT;
    const page = await open(layout);
    await page.getByTestId('start-ticket').click();
    await page.getByTestId('identify-anonymous').click();
    await page.getByTestId('screen-categories').waitFor();
    const anonymousItems = catalog.filter((i) => i.identityRequired === false);
    expect(anonymousItems.map((i) => i.code)).toContain(ITEM_CONSULT);
    const shownCategories = await page.locator('[data-testid^="category-"]').count();
    expect(shownCategories).toBe(new Set(anonymousItems.map((i) => i.categoryId)).size);
    await shot(page, layout, 'categories-anonymous');
    await page.getByTestId(`category-${catalog.find((i) => i.code === ITEM_CONSULT)!.categoryId}`).click();
    const shownItems = await page
      .locator('[data-testid^="item-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(shownItems).toEqual(
      anonymousItems.filter((i) => i.categoryId === 'A').map((i) => `item-${i.code}`),
    );
    await page.getByTestId(`item-${ITEM_CONSULT}`).click();
    await page.getByTestId('guide-continue').click();
    await page.getByTestId('screen-ticket').waitFor();
    await printed(page);
    expect(await page.getByTestId('ticket-holder').count()).toBe(0);
    expect((await page.getByTestId('ticket-number').textContent())?.trim()).toMatch(/^A\d{3}$/);
  });

  it('a senior is told they go first, on screen, aloud and on the ticket', async () => {
    const layout = LARGE;
    const page = await open(layout);
    await tapCard(SAMPLE_CARDS.senior);
    await page.getByTestId('screen-categories').waitFor();
    expect(await page.getByTestId('senior-note').textContent()).toContain('60周岁以上');
    await expect.poll(() => page.getByTestId('spoken').textContent()).toContain('优先为您办理');
    await shot(page, layout, 'categories-senior');
    await page.getByTestId('category-A').click();
    await page.getByTestId(`item-${ITEM_PLAIN}`).click();
    await page.getByTestId('guide-continue').click();
    await page.getByTestId('screen-ticket').waitFor();
    expect(await page.getByTestId('ticket-priority').textContent()).toMatch(/老年|优先/);
    const [t] = await lookup(SAMPLE_CARDS.senior.idNumber);
    expect(t!.priorityClass).toBe('senior');
    await printed(page);
    await shot(page, layout, 'ticket-senior');
  });
});

describe('kiosk: choosing the business', () => {
  it('pinyin initials: C B D J finds the 参保登记 items', async () => {
    const layout = PORTRAIT;
    const page = await open(layout);
    await page.getByTestId('start-ticket').click();
    await typeId(page, idBornOn('19700303', '041'));
    await page.getByTestId('id-submit').click();
    await page.getByTestId('open-search').click();
    await page.getByTestId('screen-search').waitFor();
    for (const k of 'CBDJ') await page.getByTestId(`letter-key-${k}`).click();
    expect(await page.getByTestId('search-query').textContent()).toBe('CBDJ');
    const names = await page.locator('[data-testid^="item-"] .tile-name').allTextContents();
    const expected = catalog.filter((i) => (i.initials ?? '').includes('cbdj')).map((i) => i.name);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(names.sort()).toEqual(expected.slice(0, 8).sort());
    for (const n of names) expect(n).toContain('参保登记');
    await screen(page, layout, 'search');
    await page.getByTestId('letter-key-back').click();
    expect(await page.getByTestId('search-query').textContent()).toBe('CBD');
    await page.getByTestId(`item-${ITEM_PLAIN}`).click();
    await page.getByTestId('screen-guide').waitFor();
  });

  it('the guide says what people forget (一次性告知) before any ticket is taken', async () => {
    const layout = PORTRAIT_LARGE;
    const item = catalog.find(
      (i) => i.guide?.materials.some((m) => m.commonlyMissing) && i.identityRequired !== false,
    );
    expect(item).toBeDefined();
    const missing = item!.guide!.materials.filter((m) => m.commonlyMissing).map((m) => m.name);
    const id = idBornOn('19750707', '051');
    const page = await open(layout);
    await page.getByTestId('start-ticket').click();
    await typeId(page, id);
    await page.getByTestId('id-submit').click();
    await page.getByTestId(`category-${item!.categoryId}`).click();
    await page.getByTestId(`item-${item!.code}`).click();
    await page.getByTestId('screen-guide').waitFor();
    const notice = await page.getByTestId('guide-missing').textContent();
    for (const m of missing) expect(notice).toContain(m);
    // ADM-6: the limit shown is the item's one limit, the wording citizens may read.
    expect(await page.getByTestId('guide-limit').textContent()).toBe(item!.timeLimit.text);
    await expect.poll(() => page.getByTestId('spoken').textContent()).toContain(missing[0]!);
    await screen(page, layout, 'guide');
    expect(await lookup(id)).toEqual([]);
  });
});

describe('kiosk: forms, duplicates, printer trouble', () => {
  const formPerson = card('赵四海', '19820202', '061');

  for (const layout of [LANDSCAPE, PORTRAIT]) {
    it(`${layout.name}: a form prefilled from the card, checked live, stored and visible to the clerk`, async () => {
      const person = layout === LANDSCAPE ? formPerson : card('孙丽', '19830303', '072', '女');
      const page = await open(layout);
      await tapCard(person);
      await page.getByTestId('screen-categories').waitFor();
      const item = catalog.find((i) => i.code === ITEM_FORM)!;
      await page.getByTestId(`category-${item.categoryId}`).click();
      await page.getByTestId(`item-${ITEM_FORM}`).click();
      await page.getByTestId('guide-continue').click();
      await page.getByTestId('screen-form').waitFor();
      // Card fields are read-only, filled from the card, and masked on this semi-public screen.
      expect(await page.getByTestId('field-name-value').textContent()).toContain(
        `${person.name[0]}*${person.name.length > 2 ? person.name.at(-1) : ''}`,
      );
      expect(await page.getByTestId('field-idNumber-value').textContent()).toContain(
        `${person.idNumber.slice(0, 3)}***********${person.idNumber.slice(-4)}`,
      );
      const html = await page.content();
      expect(html).not.toContain(person.idNumber);
      expect(html).not.toContain(person.name);
      expect(html).not.toContain(person.address);
      expect(await page.getByTestId('field-sex-男').getAttribute('aria-pressed')).toBe(
        person.sex === '男' ? 'true' : 'false',
      );
      // Submitting early names every missing field and takes nothing.
      await page.getByTestId('form-submit').click();
      expect(await page.getByTestId('field-phone-error').textContent()).toContain('联系电话');
      expect(await page.getByTestId('field-hukou-error').textContent()).toContain('户口性质');
      expect(await lookup(person.idNumber)).toEqual([]);
      await shot(page, layout, 'form-errors');
      // A phone number on the keypad: a short one is refused live.
      await page.getByTestId('field-phone-input').click();
      for (const d of '1381234') await page.getByTestId(`form-key-${d}`).click();
      expect(await page.getByTestId('field-phone-error').textContent()).toContain('11位');
      await screen(page, layout, 'form');
      for (const d of '5678') await page.getByTestId(`form-key-${d}`).click();
      await page.getByTestId('form-pad-done').click();
      expect(await page.getByTestId('field-phone-error').count()).toBe(0);
      await page.getByTestId('field-hukou-local-urban').click();
      await page.getByTestId('field-baseLevel-100').click();
      await page.getByTestId('field-startDate-today').click();
      await page
        .getByTestId(`field-startDate-day-${new Date(T0 + 8 * 3_600_000 + 86_400_000).getUTCDate()}`)
        .click();
      await page.getByTestId('form-submit').click();
      await page.getByTestId('screen-ticket').waitFor();
      const code = (await page.getByTestId('ticket-application').locator('strong').textContent())?.trim();
      await printed(page);
      await shot(page, layout, 'ticket-form');
      const [ticket] = await lookup(person.idNumber);
      // KSK-5: the code printed and shown is F<yymmdd>-<ticket number>.
      expect(code).toBe(`F261126-${ticket!.number}`);
      // Read back as a manager who says why (SEC-NTK-1): no clerk serves this ticket yet.
      const manager = await server.login('manager1');
      const apps = await server.rest<ApplicationView[]>(
        'GET',
        `/api/applications?ticketId=${encodeURIComponent(ticket!.id)}&purpose=${encodeURIComponent('核对自助表单')}`,
        { token: manager },
      );
      expect(apps.status).toBe(200);
      if (!apps.body.ok) throw new Error(apps.body.error.message);
      const list = apps.body.data;
      expect(list).toHaveLength(1);
      expect(list[0]!.code).toBe(code);
      expect(list[0]!.itemCode).toBe(ITEM_FORM);
      expect(list[0]!.values).toMatchObject({
        phone: '13812345678',
        hukou: 'local-urban',
        baseLevel: '100',
        sex: person.sex,
        name: person.name,
        idNumber: person.idNumber,
      });
      const tomorrow = new Date(T0 + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
      expect(list[0]!.values.startDate).toBe(tomorrow);
    });
  }

  it('a second ticket in the same category shows the existing one and reprints it, issuing nothing new', async () => {
    const layout = PORTRAIT;
    const page = await open(layout);
    await tapCard(formPerson);
    await page.getByTestId('screen-categories').waitFor();
    const [before] = await lookup(formPerson.idNumber);
    await page.getByTestId('category-A').click();
    await page.getByTestId(`item-${ITEM_PLAIN}`).click();
    await page.getByTestId('guide-continue').click();
    await page.getByTestId('ticket-existing').waitFor();
    expect((await page.getByTestId('ticket-number').textContent())?.trim()).toBe(before!.number);
    await screen(page, layout, 'ticket');
    const jobs = agent.sims.printer!.jobs.length;
    await page.getByTestId('ticket-reprint').click();
    await expect.poll(() => agent.sims.printer!.jobs.length, { timeout: 10_000 }).toBe(jobs + 1);
    await printed(page);
    expect((await lookup(formPerson.idNumber)).map((t) => t.id)).toEqual([before!.id]);
  });

  it('paper out: the number and QR stay large, the guide is alerted, nothing is issued twice', async () => {
    const layout = LANDSCAPE;
    const person = card('周八', '19860606', '081');
    const guide: HallClient = await server.client({ token: await server.login('guide1') });
    agent.sims.printer!.setPaper('out');
    try {
      const page = await open(layout);
      await tapCard(person);
      await page.getByTestId('screen-categories').waitFor();
      const alert = nextEvent<{ status: string; reason?: string }>(guide, 'print:result', 10_000);
      await page.getByTestId('category-A').click();
      await page.getByTestId(`item-${ITEM_PLAIN}`).click();
      await page.getByTestId('guide-continue').click();
      await page.getByTestId('screen-ticket').waitFor();
      expect(await alert).toMatchObject({ status: 'failed' });
      await expect
        .poll(() => page.getByTestId('print-status').getAttribute('data-status'), { timeout: 10_000 })
        .toBe('failed');
      expect(await page.getByTestId('print-status').textContent()).toContain('拍下');
      expect(await page.locator('.screen.ticket.is-print-failed').count()).toBe(1);
      const box = await page.getByTestId('ticket-number').boundingBox();
      expect(box!.height).toBeGreaterThan(150);
      const qr = await page.getByTestId('ticket-qr').boundingBox();
      expect(qr!.width).toBeGreaterThan(300);
      await expect.poll(() => page.getByTestId('spoken').textContent()).toContain('咨询台');
      await screen(page, layout, 'ticket');
      await shot(page, layout, 'ticket-paper-out');
      expect(await lookup(person.idNumber)).toHaveLength(1);
    } finally {
      agent.sims.printer!.setPaper('ok');
      guide.disconnect();
    }
  });
});

describe('kiosk: lookup, appointments, idle, closed hall', () => {
  it('queue lookup by card lists the tickets of today with people ahead', async () => {
    const layout = LARGE;
    const person = card('吴九', '19870707', '091');
    const page = await open(layout);
    await tapCard(person);
    await page.getByTestId('category-A').click();
    await page.getByTestId(`item-${ITEM_PLAIN}`).click();
    await page.getByTestId('guide-continue').click();
    const number = (await page.getByTestId('ticket-number').textContent())?.trim();
    await page.getByTestId('ticket-done').click();
    await page.getByTestId('screen-start').waitFor();
    // "Done" restores the defaults for the next citizen: normal text again.
    expect(await page.getByTestId('toggle-large').getAttribute('aria-pressed')).toBe('false');
    await page.getByTestId('toggle-large').click();
    await page.getByTestId('start-lookup').click();
    await page.getByTestId('screen-identify').waitFor();
    await tapCard(person);
    await page.getByTestId('screen-lookup').waitFor();
    const row = page.getByTestId(`lookup-${number}`);
    expect(await row.textContent()).toContain('前面');
    await screen(page, layout, 'lookup');
    // Someone with no ticket is told so.
    await page.getByTestId('lookup-done').click();
    await page.getByTestId('start-lookup').click();
    await typeId(page, idBornOn('19600606', '101'));
    await page.getByTestId('id-submit').click();
    await page.getByTestId('lookup-empty').waitFor();
  });

  it('appointments: on time by card, too early refused, late by booking code gets a regular ticket', async () => {
    const layout = PORTRAIT;
    const onTime = card('郑十', '19880808', '111');
    const late = idBornOn('19890909', '121');
    const early = idBornOn('19910101', '131');
    const day = '2026-11-26';
    const booking = (bookingCode: string, idNumber: string, from: string, to: string) => ({
      bookingCode,
      idNumber,
      itemCode: ITEM_PLAIN,
      slotStart: `${day}T${from}:00+08:00`,
      slotEnd: `${day}T${to}:00+08:00`,
    });
    const imported = await server.rest('POST', '/api/appointments/import', {
      token: await server.login('manager1'),
      body: {
        bookings: [
          booking('YY101', onTime.idNumber, '09:15', '09:45'),
          booking('YY102', late, '09:30', '10:00'),
          booking('YY103', early, '14:00', '14:30'),
        ],
      },
    });
    expect(imported.status).toBe(200);

    const page = await open(layout);
    await page.getByTestId('start-checkin').click();
    await screen(page, layout, 'identify');
    await tapCard(onTime);
    await page.getByTestId('ticket-ontime').waitFor();
    await printed(page);
    const [t1] = await lookup(onTime.idNumber);
    expect(t1!.priorityClass).toBe('appointment');
    await shot(page, layout, 'ticket-checkin');

    await page.getByTestId('ticket-done').click();
    await page.getByTestId('start-checkin').click();
    await typeId(page, early);
    await page.getByTestId('id-submit').click();
    await expect.poll(() => page.getByTestId('screen-message').textContent()).toMatch(/签到/);
    expect(await lookup(early)).toEqual([]);

    server.clock.advance(90 * 60_000); // 10:30, a quarter of an hour after YY102's window closed
    await page.getByTestId('home').click();
    await page.getByTestId('start-checkin').click();
    await page.getByTestId('identify-toggle-code').click();
    for (const k of 'YY102') await page.getByTestId(`code-key-${k}`).click();
    await shot(page, layout, 'identify-code');
    await axe(page, 'booking code keypad');
    await page.getByTestId('code-submit').click();
    await page.getByTestId('ticket-late').waitFor();
    const lateNumber = (await page.getByTestId('ticket-number').textContent())?.trim();
    const staff = await server.rest<{ tickets: { number: string; priorityClass: string }[] }>(
      'GET',
      '/api/queue/staff',
      { token: await server.login('guide1') },
    );
    if (!staff.body.ok) throw new Error(staff.body.error.message);
    expect(staff.body.data.tickets.find((t) => t.number === lateNumber)?.priorityClass).toBe('regular');
    await shot(page, layout, 'ticket-late');
  });

  it('idle: a countdown, then back to the start with every personal datum gone', async () => {
    const layout = LANDSCAPE;
    const person = card('冯十一', '19920202', '141');
    const page = await open(layout, '?idle=6');
    await page.getByTestId('toggle-lang').click();
    await tapCard(person);
    await page.getByTestId('screen-categories').waitFor();
    await page.getByTestId('category-A').click();
    const masked = (await page.getByTestId('person-masked').textContent()) ?? '';
    expect(masked).toContain(person.idNumber.slice(-4));
    await page.getByTestId('idle-warning').waitFor({ timeout: 8000 });
    await shot(page, layout, 'idle-warning');
    await axe(page, 'idle warning');
    await page.getByTestId('screen-start').waitFor({ timeout: 8000 });
    expect(await page.getByTestId('idle-warning').count()).toBe(0);
    const html = await page.content();
    for (const secret of [
      person.idNumber,
      person.name,
      masked.split('·')[0]!.trim(),
      person.idNumber.slice(-4),
    ])
      expect(html).not.toContain(secret);
    // The display defaults return: Chinese, normal text.
    expect(await page.getByTestId('start-ticket').textContent()).toContain('取号');
    const storage = await page.evaluate(() => ({
      local: Object.fromEntries(Object.entries(localStorage)),
      session: Object.keys(sessionStorage),
    }));
    expect(Object.keys(storage.local)).toEqual(['onewindow.kiosk.deviceToken']);
    expect(storage.session).toEqual([]);
    expect(JSON.stringify(storage)).not.toContain(person.idNumber);
  });

  it('a closed hall: the closed screen says when to come, and no ticket can be taken', async () => {
    const layout = PORTRAIT;
    server.clock.t = T0 + 10 * 3_600_000; // 19:00
    try {
      const page = await open(layout, '', 'closed');
      await screen(page, layout, 'closed');
      expect((await page.getByTestId('closed-message').textContent())?.length).toBeGreaterThan(4);
      const r = await server.rest('POST', '/api/kiosk/tickets', {
        deviceToken: kioskToken,
        headers: { 'idempotency-key': 'closed-1' },
        body: { itemCode: ITEM_CONSULT },
      });
      expect(!r.body.ok && r.body.error.code).toBe('HALL_CLOSED');
    } finally {
      server.clock.t = T0 + 90 * 60_000;
    }
  });
});

describe('kiosk: pairing', () => {
  it("a board's token, or a revoked one, brings the pairing screen back with a notice", async () => {
    const layout = LANDSCAPE;
    for (const p of pages.splice(0)) await p.close();
    const page = await browser.browser.newPage();
    pages.push(page);
    await page.setViewportSize({ width: layout.width, height: layout.height });
    const boardToken = await server.pairDevice('board');
    await page.goto(`${server.url}/kiosk/#device=${boardToken}`);
    await page.getByTestId('pairing-notice').waitFor({ timeout: 8000 });
    expect(await page.evaluate(() => localStorage.getItem('onewindow.kiosk.deviceToken'))).toBeNull();
    expect(page.url()).not.toContain(boardToken);
    // A kiosk revoked by the admin while it is running.
    const token = await server.pairDevice('kiosk');
    await page.goto('about:blank');
    await page.goto(`${server.url}/kiosk/#device=${token}`);
    await page.getByTestId('screen-start').waitFor();
    const admin = await server.login('admin');
    const me = server.app.auth.principal({ deviceToken: token });
    if (me.kind !== 'device') throw new Error('the kiosk token is not a device');
    expect((await server.rest('DELETE', `/api/devices/${me.id}`, { token: admin })).status).toBe(200);
    await page.getByTestId('pairing-notice').waitFor({ timeout: 15_000 });
    await shot(page, layout, 'pairing-revoked');
  });

  it('without a token the kiosk asks for the 8-digit code, and pairs with it', async () => {
    const layout = PORTRAIT;
    for (const p of pages.splice(0)) await p.close();
    const page = await browser.browser.newPage();
    pages.push(page);
    await page.setViewportSize({ width: layout.width, height: layout.height });
    await page.goto(`${server.url}/kiosk/`);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.getByTestId('screen-pairing').waitFor();
    await screen(page, layout, 'pairing');
    const admin = await server.login('admin');
    const code = await server.rest<{ code: string }>('POST', '/api/devices/pairing-codes', {
      token: admin,
      body: { kind: 'kiosk', name: 'e2e kiosk 2', windowId: null },
    });
    if (!code.body.ok) throw new Error(code.body.error.message);
    for (const d of code.body.data.code) await page.getByTestId(`pairing-key-${d}`).click();
    await page.getByTestId('pairing-submit').click();
    await until(
      async () => ((await page.getByTestId('screen-start').count()) > 0 ? true : undefined),
      10_000,
    );
    const stored = await page.evaluate(() => localStorage.getItem('onewindow.kiosk.deviceToken'));
    expect(stored).toMatch(/.{16,}/);
  });
});
