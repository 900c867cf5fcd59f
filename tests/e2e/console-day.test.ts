/// <reference lib="dom" />
/**
 * The staff console end to end: a full day in miniature in Debian's Chromium against a real
 * queue server (queue-server/console/dist, served at /console/; run `npm run build` first).
 *
 * Tickets come from a paired kiosk (POST /api/tickets with X-Device-Token and an
 * Idempotency-Key); two comprehensive clerks and a rights clerk call, transfer, mark a no-show
 * and finish with each of the four outcomes in their browsers (slips come back and render as
 * A4); the window's card reader shows a masked match; rating pads rate; then the manager's
 * dashboard must show exactly what the test recounts from the hall's facts, and the CSV and
 * XLSX exports must hold the same numbers. Every screen is photographed into SCREENSHOTS.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PrintJob, ServiceItem, StaffFact, Ticket } from '@onewindow/shared';
import ExcelJS from 'exceljs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idBornOn } from '../../queue-server/src/domain/test-factory.ts';
import { launchChromium } from '../support/browser.ts';
import { consoleShot, kioskTicket, openConsoleAs } from '../support/console.ts';
import { command, nextEvent, startTestServer, type TestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'queue-server', 'console', 'dist', 'index.html');
const MIN = 60_000;
/** The machine is shared: give polled UI conditions time (vitest's default is 1 s). */
const POLL = { timeout: 8000 };

let server: TestServer;
let chrome: { browser: BrowserContext; close: () => Promise<void> };
const events: StaffFact['event'][] = [];

beforeAll(async () => {
  if (!existsSync(DIST)) throw new Error('queue-server/console/dist is missing: run `npm run build` first');
  server = await startTestServer();
  chrome = await launchChromium({ viewport: { width: 1366, height: 768 } });
  // Every committed fact, in order: taken from the service itself, because a staff socket that
  // only listens is idle to the session limit (SEC-ACC-6) and this day spans more than 30 minutes.
  server.app.service.subscribe((evs) => {
    events.push(...evs);
  });
});
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

// ---- helpers ------------------------------------------------------------------------------

const shot = consoleShot;
const openConsole = (username: string) => openConsoleAs(chrome.browser, server.url, username);

let keyN = 0;
async function kioskIssue(kiosk: string, categoryId: string, extra: object = {}): Promise<Ticket> {
  const key = `day-${++keyN}`;
  const body = { categoryId, ...extra };
  const ticket = await kioskTicket(server, kiosk, body, key);
  // A retry with the same key is the same ticket, not a second one.
  const again = await server.rest<{ replayed: boolean; facts: StaffFact['event'][] }>(
    'POST',
    '/api/tickets',
    {
      deviceToken: kiosk,
      body,
      headers: { 'idempotency-key': key },
    },
  );
  expect(again.body.ok && again.body.data.replayed).toBe(true);
  return ticket;
}

/** F1 calls the next ticket; resolves with the number the clerk now sees. */
async function callNext(page: Page, key: 'F1' | 'Space' = 'F1'): Promise<string> {
  // A page in a background tab gets no animation frames: Playwright's clicks then wait ~2 s each.
  await page.bringToFront();
  await page.locator('[data-action=call-next]').waitFor();
  await page.keyboard.press(key);
  const current = page.locator('[data-testid=current-ticket]');
  await current.waitFor();
  return (await page.locator('[data-testid=current-number]').textContent())!.trim();
}

async function start(page: Page): Promise<void> {
  await page.bringToFront();
  await page.click('[data-action=start]');
  await page.locator('[data-testid=current-ticket][data-status=serving]').waitFor();
}

/** What the finish dialog's 申请人姓名 held when it opened (CTR-2: the counter's card fills it). */
let prefilledName = '';

async function finish(
  page: Page,
  outcome: 'completed' | 'accepted' | 'rejected' | 'supplement',
  fill: (dialog: Page) => Promise<void>,
): Promise<void> {
  await page.bringToFront();
  await page.click('[data-action=finish]');
  await page.locator('[data-testid=finish-dialog]').waitFor();
  await page.click(`[data-outcome=${outcome}]`);
  prefilledName = await page.inputValue('input[name=applicantName]');
  await page.fill('input[name=applicantName]', '张三丰');
  await fill(page);
}

async function confirmFinish(page: Page): Promise<string> {
  await page.bringToFront();
  await page.click('[data-action=confirm-finish]');
  const slip = page.locator('[data-testid=slip-a4]');
  await slip.waitFor();
  return (await slip.getAttribute('data-slip-type'))!;
}

async function closeDialog(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.locator('.modal').waitFor({ state: 'detached' });
}

/** Ticks until the condition holds (the browser folds facts asynchronously). */
async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---- the independent recount --------------------------------------------------------------

interface Recount {
  issued: number;
  served: number;
  noShows: number;
  waiting: number;
  waits: number[];
  services: number[];
}

function recount(evs: StaffFact['event'][]): {
  byCategory: Map<string, Recount>;
  rated: number;
  good: number;
  bad: number;
  servedBy: Map<string, number>;
} {
  const byCategory = new Map<string, Recount>();
  const cat = (c: string) => {
    let r = byCategory.get(c);
    if (!r) {
      r = { issued: 0, served: 0, noShows: 0, waiting: 0, waits: [], services: [] };
      byCategory.set(c, r);
    }
    return r;
  };
  const category = new Map<string, string>();
  const arrived = new Map<string, number>();
  const status = new Map<string, string>();
  const called = new Set<string>();
  const serving = new Map<string, { at: number; windowId: string }>();
  const clerkAt = new Map<string, string>();
  const servedBy = new Map<string, number>();
  let rated = 0;
  let good = 0;
  let bad = 0;
  for (const e of evs) {
    switch (e.type) {
      case 'ticket:issued':
        category.set(e.ticket.id, e.ticket.categoryId);
        arrived.set(e.ticket.id, e.ticket.arrivedAt);
        status.set(e.ticket.id, 'waiting');
        cat(e.ticket.categoryId).issued++;
        break;
      case 'window:opened':
        clerkAt.set(e.windowId, e.clerkId);
        break;
      case 'ticket:called':
        status.set(e.ticketId, 'called');
        if (!called.has(e.ticketId)) {
          called.add(e.ticketId);
          cat(category.get(e.ticketId)!).waits.push(e.at - arrived.get(e.ticketId)!);
        }
        break;
      case 'ticket:serving':
        status.set(e.ticketId, 'serving');
        serving.set(e.ticketId, { at: e.at, windowId: e.windowId });
        break;
      case 'ticket:transferred':
        status.set(e.ticketId, 'waiting');
        category.set(e.ticketId, e.categoryId);
        break;
      case 'ticket:no-show':
        status.set(e.ticketId, 'no-show');
        cat(category.get(e.ticketId)!).noShows++;
        break;
      case 'ticket:finished': {
        status.set(e.ticketId, 'done');
        const c = cat(category.get(e.ticketId)!);
        c.served++;
        c.services.push(e.at - serving.get(e.ticketId)!.at);
        const clerk = clerkAt.get(serving.get(e.ticketId)!.windowId)!;
        servedBy.set(clerk, (servedBy.get(clerk) ?? 0) + 1);
        break;
      }
      case 'ticket:rated':
        rated++;
        if (e.level >= 4) good++;
        if (e.level <= 2) bad++;
        break;
      default:
        break;
    }
  }
  for (const [id, s] of status) if (s === 'waiting') cat(category.get(id)!).waiting++;
  return { byCategory, rated, good, bad, servedBy };
}

const minutes = (ms: number[]) =>
  ms.length === 0 ? '—' : (ms.reduce((a, b) => a + Math.round(b / 1000), 0) / ms.length / 60).toFixed(1);
const p90 = (ms: number[]) => {
  if (ms.length === 0) return '—';
  const sorted = ms.map((x) => Math.round(x / 1000)).sort((a, b) => a - b);
  return (sorted[Math.ceil(0.9 * sorted.length) - 1]! / 60).toFixed(1);
};

// ---- the day ------------------------------------------------------------------------------

describe('a day in miniature at the staff console', () => {
  it('kiosk tickets → calls, transfer, four outcomes with slips → ratings → the dashboard equals the recount, and so do the exports', async () => {
    const catalog = await server.rest<ServiceItem[]>('GET', '/api/catalog');
    if (!catalog.body.ok) throw new Error('catalog');
    const items = catalog.body.data;
    const withMaterials = items.find(
      (i) => i.categoryId === 'A' && i.kind === 'instant' && (i.guide?.materials.length ?? 0) >= 2,
    )!;
    const limited = items.find((i) => i.categoryId === 'A' && i.kind === 'time-limited' && i.guide)!;
    expect(withMaterials, 'an instant A item with a material list').toBeDefined();
    expect(limited, 'a time-limited A item').toBeDefined();

    const kiosk = await server.pairDevice('kiosk');
    const citizenId = idBornOn('19800101', '123');
    const a = [] as Ticket[];
    a.push(await kioskIssue(kiosk, 'A', { itemCode: withMaterials.code, idNumber: citizenId }));
    for (const item of [limited, withMaterials, withMaterials, limited, withMaterials]) {
      server.clock.advance(MIN);
      a.push(await kioskIssue(kiosk, 'A', { itemCode: item.code }));
    }
    expect(a.map((t) => t.number)).toEqual(['A001', 'A002', 'A003', 'A004', 'A005', 'A006']);

    // The login screen, then three clerks at their windows.
    const clerk1 = await chrome.browser.newPage();
    clerk1.setDefaultTimeout(8000);
    await clerk1.goto(`${server.url}/console/`);
    await clerk1.locator('[data-testid=login]').waitFor();
    await shot(clerk1, 'login');
    await clerk1.close();

    const c1 = await openConsole('clerk1');
    await c1.locator('[data-testid=window-picker]').waitFor();
    await shot(c1, 'clerk-window-picker');
    await c1.click('[data-window=w1]');
    await c1.locator('[data-action=call-next]').waitFor();
    await expect.poll(() => c1.locator('[data-testid=waiting-A]').textContent(), POLL).toContain('6');
    await shot(c1, 'clerk-idle');
    const c2 = await openConsole('clerk2');
    await c2.click('[data-window=w2]');
    await c2.locator('[data-action=call-next]').waitFor();

    // 09:10 A001 (identified at the kiosk): the counter's reader confirms the holder, masked.
    server.clock.t = a[0]!.arrivedAt + 10 * MIN;
    expect(await callNext(c1)).toBe('A001');
    const agent = await server.client({ deviceToken: await server.pairDevice('agent', 'w1') });
    const relayed = await command<{ relayed: number }>(agent, 'device:card', {
      source: 'resident-id',
      idNumber: citizenId,
      name: '张三丰',
      sex: '男',
      birthDate: '1980-01-01',
      address: null,
    });
    expect(relayed.ok).toBe(true);
    const banner = c1.locator('[data-testid=card-banner]');
    await banner.waitFor();
    expect(await banner.getAttribute('data-match')).toBe('true');
    const bannerText = (await banner.textContent())!;
    expect(bannerText).not.toContain(citizenId);
    expect(bannerText).not.toContain('张三丰');
    await shot(c1, 'clerk-called-card-match');
    await start(c1);
    server.clock.advance(4 * MIN);
    await finish(c1, 'completed', async (p) => p.fill('input[name=result]', '已办结，参保登记信息已更新'));
    // CTR-2: the card read at the counter named the applicant; the clerk typed nothing.
    expect(prefilledName).toBe('张三丰');
    // Printed on the window's ESC/POS printer through its agent (and shown as A4 as well): the
    // dialog chose it by itself, the window has an agent (CON-PRN-1; it defaulted to A4).
    expect(await c1.locator('[data-printer=escpos]').getAttribute('class')).toContain('on');
    expect(await c1.locator('[data-testid=window-printer]').getAttribute('data-state')).toBe('ready');
    const printed = nextEvent<PrintJob>(agent, 'device:print');
    expect(await confirmFinish(c1)).toBe('completion-slip');
    const job = await printed;
    expect(job.document.type).toBe('completion-slip');
    expect(await c1.locator('[data-testid=slip-status]').textContent()).toContain(job.jobId);
    expect(await c1.locator('[data-testid=slip-result]').textContent()).toContain('参保登记信息已更新');
    await shot(c1, 'slip-completion');
    await closeDialog(c1);

    // 09:14 clerk2: A002 accepted (限时受理): receipt with a deadline and a case.
    expect(await callNext(c2)).toBe('A002');
    await start(c2);
    server.clock.advance(6 * MIN);
    await finish(c2, 'accepted', async (p) => p.fill('input[name=contactPhone]', '13812345678'));
    expect(await confirmFinish(c2)).toBe('acceptance-receipt');
    const deadline = await c2.locator('[data-testid=slip-deadline]').getAttribute('data-date');
    expect(deadline).toMatch(/^2026-1[12]-\d\d$/);
    const slipText = (await c2.locator('[data-testid=slip-a4]').textContent())!;
    expect(slipText).not.toContain('13812345678');
    expect(slipText).not.toContain('张三丰');
    await shot(c2, 'slip-acceptance');
    await closeDialog(c2);

    // 09:20 clerk1: A003 goes to the rights post's category C with a note.
    expect(await callNext(c1)).toBe('A003');
    await c1.click('[data-action=transfer]');
    await c1.click('[data-transfer-kind=category]');
    await c1.selectOption('select[name=transfer-category]', 'C');
    await c1.fill('input[name=transfer-note]', '需办理权益出件');
    await shot(c1, 'clerk-transfer');
    await c1.click('[data-action=confirm-transfer]');
    await c1.locator('[data-action=call-next]').waitFor();

    // 09:21 clerk1: A004 supplement (一次性补正) with every missing material picked.
    server.clock.advance(MIN);
    expect(await callNext(c1)).toBe('A004');
    await start(c1);
    // The citizen steps out to fetch a paper: parked, then resumed at the same window.
    server.clock.advance(2 * MIN);
    await c1.click('[data-action=park]');
    await c1.locator('[data-testid=parked] [data-action=resume-parked]').waitFor();
    await shot(c1, 'clerk-parked');
    server.clock.advance(MIN);
    await c1.click('[data-testid=parked] [data-action=resume-parked]');
    await c1.locator('[data-testid=current-ticket][data-status=serving]').waitFor();
    server.clock.advance(2 * MIN);
    const materials = withMaterials.guide!.materials.map((m) => m.name);
    await finish(c1, 'supplement', async (p) => {
      for (const m of materials.slice(0, 2)) await p.check(`input[name=material][value="${m}"]`);
    });
    await shot(c1, 'clerk-finish-supplement');
    expect(await confirmFinish(c1)).toBe('supplement-notice');
    const missing = (await c1.locator('[data-testid=slip-missing]').textContent())!;
    for (const m of materials.slice(0, 2)) expect(missing).toContain(m);
    await shot(c1, 'slip-supplement');
    await c1.emulateMedia({ media: 'print' });
    await shot(c1, 'slip-supplement-print');
    await c1.emulateMedia({ media: 'screen' });
    await closeDialog(c1);

    // 09:26 clerk2: A005 rejected (不予受理) with reasons and the remedy sentence.
    expect(await callNext(c2, 'Space')).toBe('A005');
    await start(c2);
    server.clock.advance(3 * MIN);
    await finish(c2, 'rejected', async (p) => {
      await p.locator('[data-testid=reject-reasons] input[type=checkbox]').first().check();
      await p.fill('input[name=otherReason]', '所报单位不在本辖区');
    });
    expect(await confirmFinish(c2)).toBe('rejection-notice');
    const reasons = (await c2.locator('[data-testid=slip-reasons]').textContent())!;
    expect(reasons).toContain('所报单位不在本辖区');
    expect(await c2.locator('.a4-remedy').textContent()).toMatch(/行政复议|行政诉讼/);
    await shot(c2, 'slip-rejection');
    await closeDialog(c2);

    // 09:29 clerk1: A006 never comes: call, two recalls (F2), then no-show (F4).
    expect(await callNext(c1)).toBe('A006');
    for (let i = 0; i < 2; i++) {
      const before = (await c1.locator('[data-testid=current-ticket] .current-meta').textContent())!;
      await c1.keyboard.press('F2');
      await until(
        () => c1.locator('[data-testid=current-ticket] .current-meta').textContent(),
        (t) => t !== before,
      );
    }
    // 过号 opens once the recalls the hall asks for are made (the button says so before F4 acts).
    await expect.poll(() => c1.locator('[data-action=no-show]').isEnabled(), POLL).toBe(true);
    await c1.keyboard.press('F4');
    await c1.locator('[data-action=call-next]').waitFor();

    // CON-DONE-1: window 1's finishes, once each (a slip's fact carries the ticket again), and the
    // same after a reload (it came back empty).
    const recent = () => c1.locator('[data-testid=recent-done] tbody td.num.strong').allTextContents();
    await expect.poll(recent, POLL).toEqual(['A004', 'A001']);
    await c1.reload();
    await c1.waitForSelector('.link.live');
    await expect.poll(recent, POLL).toEqual(['A004', 'A001']);

    // 09:30 the rights clerk takes the transferred A003 and completes it.
    server.clock.advance(MIN);
    const r1 = await openConsole('rights1');
    await r1.click('[data-window=w7]');
    expect(await callNext(r1)).toBe('A003');
    await start(r1);
    server.clock.advance(2 * MIN);
    await finish(r1, 'completed', async () => undefined);
    expect(await confirmFinish(r1)).toBe('completion-slip');
    await closeDialog(r1);

    // Two more citizens arrive and wait; clerk 2 pauses for lunch, then resumes.
    server.clock.advance(3 * MIN);
    await kioskIssue(kiosk, 'A', {});
    await kioskIssue(kiosk, 'B', {});
    await c2.click('[data-action=pause]');
    await c2.click('[data-testid=reason-pause-reason] .chip >> nth=0');
    await c2.click('[data-action=confirm-pause]');
    await c2.locator('[data-testid=window-state]').filter({ hasText: '暂停' }).waitFor();
    await shot(c2, 'clerk-paused');
    await c2.click('button:has-text("恢复服务")');
    await c2.locator('[data-testid=window-state]').filter({ hasText: '服务中' }).waitFor();

    // Ratings from the windows' pads: 5, 1 (差评 with reasons), 4, 3.
    const rate = async (windowId: string, ticketId: string, level: number, rs: string[] = []) => {
      const pad = await server.client({ deviceToken: await server.pairDevice('rating-pad', windowId) });
      const ack = await command(pad, 'ticket:rate', {
        ticketId,
        level,
        ...(rs.length ? { reasons: rs } : {}),
      });
      expect(ack.ok, JSON.stringify(ack)).toBe(true);
    };
    await rate('w1', a[0]!.id, 5);
    await rate('w2', a[1]!.id, 1, ['attitude', 'waiting']);
    await rate('w1', a[3]!.id, 4);
    await rate('w7', a[2]!.id, 3);

    // The clerk's own figures.
    await c1.reload();
    await c1.locator('[data-testid=my-figures] .tile').first().waitFor();
    expect(await c1.locator('[data-tile=served] .tile-value').textContent()).toBe('2');
    await shot(c1, 'clerk-my-day');

    await c1.setViewportSize({ width: 1920, height: 1080 });
    await shot(c1, 'clerk-1920');

    // ---- the manager's dashboard equals the recount ----
    const count = recount(events);
    const m = await openConsole('manager1');
    await m.locator('[data-testid=by-category] tr[data-category=A]').waitFor();
    await m.locator('[data-testid=chart-hourly] .uplot').waitFor();
    // Live: the dashboard follows the hall (the last fact is in).
    const lastSeq = events.at(-1)!.seq;
    await expect.poll(() => m.locator('.small-note').textContent(), POLL).toContain(`#${lastSeq}`);
    for (const [categoryId, r] of count.byCategory) {
      const row = m.locator(`[data-testid=by-category] tr[data-category=${categoryId}]`);
      const cell = async (col: string) => (await row.locator(`[data-col=${col}]`).textContent())!.trim();
      expect(await cell('issued'), `${categoryId} issued`).toBe(String(r.issued));
      expect(await cell('served'), `${categoryId} served`).toBe(String(r.served));
      expect(await cell('waiting'), `${categoryId} waiting`).toBe(String(r.waiting));
      expect(await cell('noShows'), `${categoryId} no-shows`).toBe(String(r.noShows));
      expect(await cell('waitAvg'), `${categoryId} avg wait`).toBe(minutes(r.waits));
      expect(await cell('waitP90'), `${categoryId} p90 wait`).toBe(p90(r.waits));
      expect(await cell('serviceAvg'), `${categoryId} avg service`).toBe(minutes(r.services));
      expect(await cell('serviceP90'), `${categoryId} p90 service`).toBe(p90(r.services));
    }
    const all = [...count.byCategory.values()];
    const tile = async (name: string) =>
      (await m.locator(`[data-tile="${name}"] .tile-value`).first().textContent())!;
    expect(await tile('issued')).toBe(String(all.reduce((s, r) => s + r.issued, 0)));
    expect(await tile('served')).toBe(String(all.reduce((s, r) => s + r.served, 0)));
    expect(await tile('no-shows')).toBe(String(all.reduce((s, r) => s + r.noShows, 0)));
    expect(await tile('waiting')).toBe(String(all.reduce((s, r) => s + r.waiting, 0)));
    expect(await tile('good rate')).toBe(`${((100 * count.good) / count.rated).toFixed(1)}%`);
    expect(count.rated).toBe(4);
    // Per clerk: clerk1 served 2 (A001, A004).
    const me1 = await server.rest<{ id: string }>('GET', '/api/auth/me', {
      token: await server.login('clerk1'),
    });
    if (!me1.body.ok) throw new Error('me');
    expect(await m.locator(`[data-clerk=${me1.body.data.id}] [data-col=served]`).textContent()).toBe(
      String(count.servedBy.get(me1.body.data.id)),
    );
    // The 差评 got a follow-up record with a deadline.
    const follow = m.locator(`[data-testid=follow-ups] [data-ticket="${a[1]!.id}"]`);
    await follow.waitFor();
    await shot(m, 'manager-1366');
    await m.setViewportSize({ width: 1920, height: 1080 });
    await m.waitForTimeout(300);
    await shot(m, 'manager-1920');
    await m.setViewportSize({ width: 1366, height: 768 });
    // Log a callback and close it with a rectification.
    await follow.locator('[data-action=follow-up]').click();
    await m.fill('textarea[name=callback-note]', '已电话回访，群众反映等候时间长');
    await m.click('[data-action=save-callback]');
    await m.fill('textarea[name=rectification]', '午间增开窗口，已对窗口人员进行服务规范培训');
    await shot(m, 'manager-follow-up');
    await m.click('[data-action=close-follow-up]');
    await m.locator('.modal').waitFor({ state: 'detached' });
    await expect.poll(() => follow.locator('[data-status]').getAttribute('data-status'), POLL).toBe('closed');

    // History: a week's range shows every day and the same totals (nothing happened before today).
    await m.fill('input[name=from]', '2026-11-20');
    await expect
      .poll(() => m.locator('[data-testid=manager-summary] h2').textContent(), POLL)
      .toContain('大厅统计');
    await expect
      .poll(
        () => m.locator('[data-testid=by-category] tr[data-category=A] [data-col=issued]').textContent(),
        POLL,
      )
      .toBe(String(count.byCategory.get('A')!.issued));
    await m.locator('[data-testid=chart-daily] .uplot').waitFor();
    await shot(m, 'manager-history');
    await m.click('[data-testid=manager-summary] .panel-actions button >> text=今日');

    // The notice marquee reaches the hall's public snapshot.
    await m.fill('textarea[name=notice]', '今日下午14:00起社保卡业务暂停办理');
    await m.click('[data-action=save-notice]');
    await expect
      .poll(async () => {
        const q = await server.rest<{ notice: string }>('GET', '/api/queue');
        return q.body.ok ? q.body.data.notice : '';
      })
      .toBe('今日下午14:00起社保卡业务暂停办理');

    // ---- exports: the same numbers ----
    const download = m.waitForEvent('download');
    await m.click('[data-action=export-csv]');
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.csv$/);
    const csv = readFileSync((await file.path())!, 'utf8').replace(/^\uFEFF/, '');
    const rows = parseCsv(csv);
    const header = rows.find((r) => r.includes('取号 Issued'))!;
    const rowA = rows.find((r) => r[0] === 'A 综合业务')!;
    const col = (name: string) => header.indexOf(name);
    const recA = count.byCategory.get('A')!;
    expect(Number(rowA[col('取号 Issued')])).toBe(recA.issued);
    expect(Number(rowA[col('办结 Served')])).toBe(recA.served);
    expect(Number(rowA[col('过号 No-shows')])).toBe(recA.noShows);
    expect(Number(rowA[col('当前等候 Waiting now')])).toBe(recA.waiting);
    const dashIssued = Number(
      await m.locator('[data-testid=by-category] tr[data-category=A] [data-col=issued]').textContent(),
    );
    expect(Number(rowA[col('取号 Issued')])).toBe(dashIssued);

    const token = await server.login('manager1');
    const x = await fetch(`${server.url}/api/stats/export?format=xlsx`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('按业务类别')!;
    const sheet: unknown[][] = [];
    ws.eachRow((row) => sheet.push((row.values as unknown[]).slice(1)));
    const xHeader = sheet.find((r) => r.includes('取号 Issued'))! as string[];
    const xA = sheet.find((r) => r[0] === 'A 综合业务')!;
    expect(Number(xA[xHeader.indexOf('取号 Issued')])).toBe(recA.issued);
    expect(Number(xA[xHeader.indexOf('办结 Served')])).toBe(recA.served);
    expect(Number(xA[xHeader.indexOf('过号 No-shows')])).toBe(recA.noShows);
  }, 180_000);
});

/** RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
