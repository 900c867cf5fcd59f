/// <reference lib="dom" />
/**
 * The display screens end to end: the built display-board app (display-board/dist, served by
 * the queue server at /display/) in Debian's Chromium against a real queue server. Run
 * `npm run build` first (`npm test` does).
 *
 * 1. every call reaches every open board (paired, anonymous, portrait);
 * 2. the voice queue over 300 calls: complete, in call order, never overlapping, with a chime
 *    per call (speechSynthesis and AudioContext replaced in the page by recording fakes, the
 *    page's clock driven by Playwright so 300 calls of ~2.8 s each take seconds);
 * 3. a server killed and restarted on the same port and database: the open screens converge
 *    without reloading;
 * 4. the rating pad: levels, reasons, submit, thanks; then a 30 s timeout that rates nothing;
 * 5. no personal data in the DOM, the websocket frames or the REST answers of any screen;
 * 6. every screen at its resolutions, photographed into test-results/screenshots/.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallNotice, PublicFact, StaffFact } from '@onewindow/shared';
import { maskIdNumber } from '@onewindow/shared/mask.ts';
import { spokenTicketNumber } from '@onewindow/shared/ticket-number.ts';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { idBornOn } from '../../queue-server/src/domain/test-factory.ts';
import { launchChromium, SCREENSHOTS } from '../support/browser.ts';
import { command, type HallClient, startTestServer, TestClock, type TestServer } from '../support/server.ts';

const DIST = join(import.meta.dirname, '..', '..', 'display-board', 'dist', 'index.html');
const DEVICE_KEY = 'onewindow.display.device';

/** Each test has its own browser: Playwright's clock, once installed, stays with it. */
let chrome: { browser: BrowserContext; close: () => Promise<void> };
let cleanup: (() => Promise<unknown>)[] = [];

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error('display-board/dist is missing: run `npm run build` first');
});
beforeEach(async () => {
  chrome = await launchChromium({ viewport: { width: 1920, height: 1080 } });
  cleanup.push(() => chrome.close());
});
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  cleanup = [];
});

// ---- helpers ------------------------------------------------------------------------------

async function hall(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer(opts);
  cleanup.push(() => server.close());
  return server;
}

async function must(client: HallClient, name: string, payload: unknown): Promise<StaffFact['event'][]> {
  const ack = await command<{ facts: StaffFact['event'][] }>(client, name, payload);
  if (!ack.ok) throw new Error(`${name} ${JSON.stringify(payload)}: ${ack.error.code} ${ack.error.message}`);
  return ack.data.facts;
}

async function staff(server: TestServer, username: string): Promise<HallClient> {
  return server.client({ token: await server.login(username) });
}

/** Call notices as a public board receives them, in seq order. */
async function callLog(server: TestServer): Promise<{ calls: CallNotice[]; facts: PublicFact[] }> {
  const observer = await server.client();
  const log = { calls: [] as CallNotice[], facts: [] as PublicFact[] };
  observer.on('hall:fact', (f) => {
    log.facts.push(f);
    if (f.call !== null) log.calls.push(f.call);
  });
  return log;
}

interface Device {
  token: string;
  kind: string;
  windowId: string | null;
}

async function device(server: TestServer, kind: string, windowId: string | null = null): Promise<Device> {
  return { token: await server.pairDevice(kind, windowId), kind, windowId };
}

/**
 * A screen in its own tab: paired as `device` (what the pairing screen would have stored) or
 * the anonymous public board. Every load gets a fresh `__loadId` and counts itself in
 * sessionStorage, so a reload would show.
 */
async function openScreen(
  server: TestServer,
  opts: {
    device: Device | null;
    viewport: { width: number; height: number };
    init?: string;
    before?: (page: Page) => void;
  },
): Promise<Page> {
  const page = await chrome.browser.newPage();
  cleanup.push(() => page.close());
  await page.setViewportSize(opts.viewport);
  opts.before?.(page);
  const stored =
    opts.device === null
      ? null
      : JSON.stringify({
          deviceToken: opts.device.token,
          device: {
            id: 'd',
            kind: opts.device.kind,
            name: `test ${opts.device.kind}`,
            windowId: opts.device.windowId,
          },
        });
  await page.addInitScript(`
    (() => {
      const stored = ${JSON.stringify(stored)};
      if (stored === null) localStorage.removeItem(${JSON.stringify(DEVICE_KEY)});
      else localStorage.setItem(${JSON.stringify(DEVICE_KEY)}, stored);
      window.__loadId = Math.random().toString(36).slice(2);
      sessionStorage.setItem('loads', String(Number(sessionStorage.getItem('loads') ?? '0') + 1));
    })();
  `);
  if (opts.init !== undefined) await page.addInitScript(opts.init);
  await page.goto(`${server.url}/display/${opts.device === null ? '?view=board' : ''}`);
  await page.locator('[data-testid="status-badge"][data-status="live"]').waitFor({ state: 'attached' });
  return page;
}

/**
 * Every Engine.IO packet the page receives from the server, whichever transport carries it:
 * Socket.IO starts on HTTP long-polling and upgrades to a websocket.
 */
function onServerPackets(page: Page, listener: (packet: string) => void): void {
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => listener(String(payload))));
  page.on('response', async (res) => {
    if (!res.url().includes('/socket.io/') || res.request().method() !== 'GET') return;
    const body = await res.text().catch(() => '');
    for (const packet of body.split('\x1e')) listener(packet);
  });
}

interface Row {
  number: string;
  window: string;
  recall: string | null;
  /** Wholly inside its panel (rows that do not fit are wrapped into a clipped column). */
  inside: boolean;
}

/** The board's rows of one kind, top first, read from the DOM. */
function rows(page: Page, testId: 'current-call' | 'last-call'): Promise<Row[]> {
  return page.evaluate((id) => {
    return Array.from(document.querySelectorAll(`[data-testid="${id}"]`)).map((el) => {
      const panel = el.closest('section')!.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return {
        number: el.querySelector('[data-testid="call-number"]')?.textContent ?? '',
        window: el.querySelector('[data-testid="call-window"]')?.textContent ?? '',
        recall: el.getAttribute('data-recall'),
        inside:
          r.top >= panel.top - 0.5 &&
          r.bottom <= panel.bottom + 0.5 &&
          r.left >= panel.left - 0.5 &&
          r.right <= panel.right + 0.5 &&
          r.width > 0,
      };
    });
  }, testId);
}

const sentence = (c: Pick<CallNotice, 'number' | 'windowNumber'>) =>
  `请${spokenTicketNumber(c.number)}号到${c.windowNumber}号窗口办理`;

/** A small deterministic generator (mulberry32), so every run drives the same hall. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- 1. every call on every board ---------------------------------------------------------

describe('display screens in Chromium against a real queue server', () => {
  it('shows every call on every open board: paired, anonymous and portrait', async () => {
    const server = await hall();
    const log = await callLog(server);
    const guide = await staff(server, 'guide1');
    for (let i = 0; i < 70; i++) await must(guide, 'ticket:issue', { categoryId: 'A' });
    const clerks = new Map<string, HallClient>();
    for (let n = 1; n <= 6; n++) {
      const c = await staff(server, `clerk${n}`);
      clerks.set(`w${n}`, c);
      await must(c, 'window:open', { windowId: `w${n}` });
    }
    const boards = [
      await openScreen(server, {
        device: await device(server, 'board'),
        viewport: { width: 1920, height: 1080 },
      }),
      await openScreen(server, { device: null, viewport: { width: 1280, height: 720 } }),
      await openScreen(server, { device: null, viewport: { width: 1080, height: 1920 } }),
    ];
    for (const b of boards) await b.getByTestId('current-empty').waitFor();

    let previous: CallNotice[] = [];
    let recalls = 0;
    for (let round = 0; round < 16; round++) {
      // Three windows call, one after another; every fourth round the middle one recalls instead.
      const windows = round % 2 === 0 ? ['w1', 'w2', 'w3'] : ['w4', 'w5', 'w6'];
      const before = log.calls.length;
      for (const [i, w] of windows.entries()) {
        server.clock.advance(1000);
        const clerk = clerks.get(w)!;
        const held = server.app.service.queue.window(w)?.ticketId ?? null;
        if (held !== null && round % 4 === 3 && i === 1) {
          await must(clerk, 'ticket:recall', { windowId: w });
          recalls += 1;
          continue;
        }
        if (held !== null) {
          await must(clerk, 'ticket:start', { windowId: w });
          await must(clerk, 'ticket:finish', { windowId: w, outcome: 'completed' });
        }
        await must(clerk, 'ticket:call-next', { windowId: w });
      }
      await expect.poll(() => log.calls.length).toBe(before + 3);
      const made = log.calls.slice(before);
      // Newest first, number → window, recalls tagged, each row whole on screen.
      const expected = [...made].reverse().map((c) => ({
        number: c.number,
        window: String(c.windowNumber),
        recall: String(c.recall),
        inside: true,
      }));
      for (const [b, page] of boards.entries()) {
        await expect
          .poll(() => rows(page, 'current-call'), { message: `board ${b}, round ${round}`, timeout: 5000 })
          .toEqual(expected);
        // The previous round's calls moved to the recent calls, with their windows.
        const last = await rows(page, 'last-call');
        for (const c of previous.filter((p) => !made.some((m) => m.ticketId === p.ticketId)))
          expect(last, `board ${b}, round ${round}`).toContainEqual(
            expect.objectContaining({ number: c.number, window: String(c.windowNumber) }),
          );
        if (made.some((c) => c.recall))
          await expect.poll(() => page.getByTestId('recall-tag').count()).toBe(1);
      }
      previous = made;
    }
    expect(recalls).toBe(4);
    expect(log.calls).toHaveLength(48);
  }, 60_000);

  // ---- 2. the voice queue ------------------------------------------------------------------

  it('announces 300 calls completely, in call order, twice each, never overlapping, a chime before each', async () => {
    const CALLS = 300;
    const server = await hall();
    const log = await callLog(server);
    const guide = await staff(server, 'guide1');
    for (let i = 0; i < 290; i++) await must(guide, 'ticket:issue', { categoryId: 'A' });
    const clerks: HallClient[] = [];
    for (let n = 1; n <= 6; n++) {
      const c = await staff(server, `clerk${n}`);
      clerks.push(c);
      await must(c, 'window:open', { windowId: `w${n}` });
    }

    // Calls the page's socket has received, counted from its websocket frames.
    let pageCalls = 0;
    const page = await openScreen(server, {
      device: await device(server, 'board'),
      viewport: { width: 1280, height: 720 },
      init: FAKE_VOICE,
      before: (p) =>
        onServerPackets(p, (packet) => {
          const m = /^42(\[.*)$/s.exec(packet);
          if (m === null) return;
          const [event, body] = JSON.parse(m[1]!) as [string, PublicFact];
          if (event === 'hall:fact' && body.call !== null) pageCalls += 1;
        }),
    });
    await page.getByTestId('current-empty').waitFor();
    // No voice badge: the stand-in Mandarin voice was found (the badge shows only problems).
    await expect.poll(() => page.getByTestId('voice-badge').count()).toBe(0);
    // From here the page's timers and Date are Playwright's: the chime (1.3 s), the pauses
    // (0.7 s) and the fake speech run on a clock the test moves. The socket already has its
    // real timers, so heartbeats are unaffected.
    await page.clock.install();

    const ended = () =>
      page.evaluate(() => (window as unknown as VoiceWindow).__voice.filter((e) => e.k === 'end').length);
    const rnd = random(20261126);
    const step = async (w: number): Promise<number> => {
      const windowId = `w${w + 1}`;
      const clerk = clerks[w]!;
      const held = server.app.service.queue.window(windowId)?.ticketId ?? null;
      const t = held === null ? null : server.app.service.queue.ticket(held)!;
      if (t !== null && t.status === 'called' && t.callCount < 3 && rnd() < 0.3) {
        await must(clerk, 'ticket:recall', { windowId });
        return 1;
      }
      if (t?.status === 'called') await must(clerk, 'ticket:start', { windowId });
      if (t !== null) await must(clerk, 'ticket:finish', { windowId, outcome: 'completed' });
      await must(clerk, 'ticket:call-next', { windowId });
      return 1;
    };

    /** Moves the page's clock into the next sentence (past the chime or the pause before it). */
    const intoSentence = async (): Promise<void> => {
      for (let i = 0; i < 2; i++) {
        const s = await page.evaluate(() => ({
          now: Date.now(),
          last: (window as unknown as VoiceWindow).__voice.at(-1),
          speaking: window.speechSynthesis.speaking,
        }));
        if (s.speaking || s.last === undefined) return;
        const next = s.last.k === 'tone' ? s.last.t + 1300 : s.last.k === 'end' ? s.last.t + 700 : null;
        if (next === null) return;
        await page.clock.runFor(Math.max(0, next - s.now) + 3);
      }
    };

    let made = 0;
    let bursts = 0;
    /** Bursts that landed while the board was still announcing, and while it was mid-sentence. */
    let busy = 0;
    let midSentence = 0;
    while (made < CALLS) {
      if (bursts % 3 === 2) await intoSentence();
      if ((await ended()) < 2 * made) busy += 1;
      if (await page.evaluate(() => window.speechSynthesis.speaking)) midSentence += 1;
      // A burst: 1–6 windows call at the same moment.
      const k = Math.min(CALLS - made, 1 + Math.floor(rnd() * 6));
      const windows = [0, 1, 2, 3, 4, 5].sort(() => rnd() - 0.5).slice(0, k);
      server.clock.advance(5000);
      const n = await Promise.all(windows.map(step));
      made += n.reduce((a, b) => a + b, 0);
      bursts += 1;
      for (let i = 0; pageCalls < log.calls.length || log.calls.length < made; i++) {
        if (i > 1000) throw new Error(`page received ${pageCalls} calls, server made ${made}`);
        await sleep(5);
      }
      // Let the board speak for a while, often stopping mid-chime or mid-pause, so the next
      // burst lands while it is busy; keep its backlog well under its 30 calls.
      await page.clock.runFor(Math.floor(rnd() * 8000));
      for (let i = 0; i < 50 && made - (await ended()) / 2 > 12; i++) await page.clock.runFor(3000);
    }
    for (let i = 0; (await ended()) < 2 * CALLS; i++) {
      if (i > 200) break;
      await page.clock.runFor(10_000);
    }
    // Nothing more afterwards: the queue is empty, nothing speaks.
    await page.clock.runFor(60_000);
    const voice = await page.evaluate(() => ({
      events: (window as unknown as VoiceWindow).__voice,
      speaking: window.speechSynthesis.speaking,
    }));

    expect(log.calls).toHaveLength(CALLS);
    expect(log.calls.filter((c) => c.recall).length).toBeGreaterThan(20);
    expect(bursts).toBeLessThan(CALLS / 2);

    // The transcript: chime, sentence, sentence for each call, in the server's call order.
    const transcript: string[] = [];
    for (let i = 0; i < voice.events.length; i++) {
      const e = voice.events[i]!;
      if (e.k === 'tone') {
        const tones = [e.hz];
        while (voice.events[i + 1]?.k === 'tone' && tones.length < 4)
          tones.push((voice.events[++i] as { hz: number }).hz);
        transcript.push(tones.join(',') === CHIME ? 'chime' : `tones ${tones.join(',')}`);
      } else transcript.push(`${e.k} ${e.text ?? ''}`);
    }
    const expected = log.calls.flatMap((c) => {
      const s = sentence(c);
      return ['chime', `speak ${s}`, `start ${s}`, `end ${s}`, `speak ${s}`, `start ${s}`, `end ${s}`];
    });
    const first = expected.findIndex((x, i) => transcript[i] !== x);
    if (first >= 0)
      expect(transcript.slice(Math.max(0, first - 4), first + 6), `transcript differs at ${first}`).toEqual(
        expected.slice(Math.max(0, first - 4), first + 6),
      );
    expect(transcript).toHaveLength(expected.length);

    // Never two at once: each sentence starts after the chime's 1.3 s or the 0.7 s pause that
    // follows the previous sentence's end; no utterance was cut off.
    const speaks = voice.events.filter((e) => e.k === 'speak');
    expect(speaks.filter((e) => e.overlap)).toEqual([]);
    expect(voice.events.filter((e) => e.k === 'cancel')).toEqual([]);
    expect(new Set(speaks.map((e) => `${e.lang}|${e.voice}`))).toEqual(new Set(['zh-CN|Stand-in Mandarin']));
    let lastEnd = Number.NEGATIVE_INFINITY;
    let chimeAt = Number.NEGATIVE_INFINITY;
    const gaps: string[] = [];
    for (const [i, e] of voice.events.entries()) {
      if (e.k === 'tone' && voice.events[i - 1]?.k !== 'tone') {
        if (e.t - lastEnd < 700) gaps.push(`chime ${e.t - lastEnd} ms after an end (#${i})`);
        chimeAt = e.t;
      }
      if (e.k === 'speak') {
        const after = Math.max(lastEnd + 700, chimeAt + 1300);
        if (e.t < after) gaps.push(`speak ${after - e.t} ms early (#${i})`);
      }
      if (e.k === 'end') lastEnd = e.t;
    }
    expect(gaps).toEqual([]);
    // Some sentences were long and some calls came in while the board was speaking.
    expect(voice.events.filter((e) => e.k === 'end' && e.dur >= 300).length).toBeGreaterThan(5);
    expect(voice.speaking).toBe(false);
    // The test itself: most bursts landed while the board was announcing, some mid-sentence.
    expect(busy).toBeGreaterThan(bursts / 2);
    expect(midSentence).toBeGreaterThanOrEqual(10);
    await expect.poll(() => page.getByTestId('voice-badge').count()).toBe(0);
  }, 90_000);

  // ---- 3. server restart -------------------------------------------------------------------

  it('converges without a reload when the server is killed and restarted on the same port and database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onewindow-display-restart-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const clock = new TestClock();
    let server = await startTestServer({ dir, clock });
    let up = true;
    cleanup.push(async () => {
      if (up) await server.close({ removeDb: false });
    });
    const port = Number(new URL(server.url).port);
    let guide = await staff(server, 'guide1');
    for (let i = 0; i < 5; i++) await must(guide, 'ticket:issue', { categoryId: 'A' });
    let clerk = await staff(server, 'clerk1');
    await must(clerk, 'window:open', { windowId: 'w1' });
    await must(clerk, 'ticket:call-next', { windowId: 'w1' });

    const screens = [
      await openScreen(server, {
        device: await device(server, 'board'),
        viewport: { width: 1920, height: 1080 },
        init: FAKE_VOICE,
      }),
      await openScreen(server, { device: null, viewport: { width: 1280, height: 720 } }),
      await openScreen(server, {
        device: await device(server, 'window-display', 'w1'),
        viewport: { width: 1280, height: 720 },
      }),
    ];
    const [board, publicBoard, windowScreen] = screens as [Page, Page, Page];
    const identity = (p: Page) =>
      p.evaluate(() => ({
        loadId: (window as unknown as { __loadId: string }).__loadId,
        loads: sessionStorage.getItem('loads'),
        navigations: performance.getEntriesByType('navigation').length,
        href: location.href,
      }));
    const before = await Promise.all(screens.map(identity));
    const shown = async (number: string) => {
      for (const p of [board, publicBoard])
        await expect
          .poll(() => p.getByTestId('current-call').first().getAttribute('data-number'), { timeout: 20_000 })
          .toBe(number);
      await expect
        .poll(() => windowScreen.getByTestId('current-number').textContent(), { timeout: 20_000 })
        .toBe(number);
    };
    await shown('A001');
    // A fact before the restart: the board judges the age of calls it missed by the server's clock
    // as the last fact told it. Without one it uses its own, here 18 h off the test clock, and
    // silently drops the call made while it was away (a known gap: the snapshot has no time).
    await must(guide, 'ticket:issue', { categoryId: 'A' });

    up = false;
    await server.close({ removeDb: false });
    // A close frame tells them at once; if one is lost, the ping timeout (10 s + 5 s) does.
    await Promise.all(
      screens.map((p) =>
        p.locator('[data-testid="status-badge"][data-status="reconnecting"]').waitFor({ timeout: 20_000 }),
      ),
    );
    for (const p of screens) await expect.poll(() => p.getByTestId('status-badge').isVisible()).toBe(true);
    // The last known state stays on screen (dimmed) while the server is away.
    expect(await board.getByTestId('current-call').first().getAttribute('data-number')).toBe('A001');

    clock.advance(60_000);
    server = await startTestServer({ dir, clock, port });
    up = true;
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    guide = await staff(server, 'guide1');
    clerk = await staff(server, 'clerk1');
    // A call right away, most likely before the screens are back (they learn it from the snapshot)…
    await must(clerk, 'ticket:start', { windowId: 'w1' });
    await must(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    await must(clerk, 'ticket:call-next', { windowId: 'w1' });
    for (const p of screens)
      await p
        .locator('[data-testid="status-badge"][data-status="live"]')
        .waitFor({ state: 'attached', timeout: 20_000 });
    await shown('A002');
    for (const p of screens) await expect.poll(() => p.getByTestId('status-badge').isHidden()).toBe(true);
    // …and calls after they are back, which only live facts can bring.
    clock.advance(30_000);
    await must(clerk, 'ticket:start', { windowId: 'w1' });
    await must(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    await must(clerk, 'ticket:call-next', { windowId: 'w1' });
    await shown('A003');
    await must(guide, 'ticket:issue', { categoryId: 'B' });
    await expect
      .poll(() =>
        board
          .locator('[data-testid="waiting-category"][data-category="B"] [data-testid="waiting-count"]')
          .textContent(),
      )
      .toBe('1');
    await expect
      .poll(() => windowScreen.getByTestId('current-number').getAttribute('data-status'))
      .toBe('called');
    await expect.poll(() => windowScreen.getByTestId('clerk-name').textContent()).toBe('李强');

    // The paired board announced the call made while it was away and the one after, once each,
    // and not the call it found on screen when it was opened.
    const spoken = async () =>
      (await board.evaluate(() => (window as unknown as VoiceWindow).__voice))
        .filter((e) => e.k === 'speak')
        .map((e) => e.text);
    await expect.poll(spoken, { timeout: 15_000 }).toHaveLength(4);
    await sleep(1500);
    const a2 = sentence({ number: 'A002', windowNumber: 1 });
    const a3 = sentence({ number: 'A003', windowNumber: 1 });
    expect(await spoken()).toEqual([a2, a2, a3, a3]);

    // The very same documents: no reload, no navigation.
    expect(await Promise.all(screens.map(identity))).toEqual(before);
    expect(before.every((b) => b.loads === '1' && b.navigations === 1)).toBe(true);
  }, 60_000);

  // ---- 4. the rating pad -------------------------------------------------------------------

  it('rates a ticket on the pad with reasons, and a pad left alone for 30 s rates nothing', async () => {
    const server = await hall();
    const guide = await staff(server, 'guide1');
    const t1 = (await must(guide, 'ticket:issue', { categoryId: 'A' }))[0] as { ticket: { id: string } };
    const t2 = (await must(guide, 'ticket:issue', { categoryId: 'A' }))[0] as { ticket: { id: string } };
    const clerk = await staff(server, 'clerk1');
    await must(clerk, 'window:open', { windowId: 'w1' });
    const manager = await staff(server, 'manager1');
    const rated: Extract<StaffFact['event'], { type: 'ticket:rated' }>[] = [];
    manager.on('staff:fact', (f) => {
      if (f.event.type === 'ticket:rated') rated.push(f.event);
    });

    const pad = await openScreen(server, {
      device: await device(server, 'rating-pad', 'w1'),
      viewport: { width: 1280, height: 800 },
    });
    await expect.poll(() => pad.getByTestId('clerk-name').textContent()).toBe('李强');
    await expect.poll(() => pad.getByTestId('rating-pad').getAttribute('data-screen')).toBe('idle');
    // From here the pad's timers, animation frames and Date stand still unless the test moves
    // them (its socket keeps the real timers it was created with): the screen timeouts are
    // measured on that clock, to the frame.
    await pad.clock.install();
    await pad.clock.pauseAt((await pad.evaluate(() => Date.now())) + 10);
    const screenOf = () => pad.getByTestId('rating-pad').getAttribute('data-screen');
    /** Lets the pad run frame by frame (effects run after a frame) until it shows `screen`. */
    const untilScreen = async (screen: string) => {
      for (let i = 0; i < 400 && (await screenOf()) !== screen; i++) {
        await pad.clock.runFor(16);
        if (i >= 20) await sleep(5);
      }
      expect(await screenOf()).toBe(screen);
    };

    const serve = async () => {
      await must(clerk, 'ticket:call-next', { windowId: 'w1' });
      await must(clerk, 'ticket:start', { windowId: 'w1' });
      server.clock.advance(180_000);
      await must(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    };

    await serve();
    await untilScreen('levels');
    expect(await pad.getByTestId('rating-levels').textContent()).toContain('A001');
    const levels = ['非常满意', '满意', '基本满意', '不满意', '非常不满意'];
    for (const [i, zh] of levels.entries()) {
      const button = pad.getByTestId(`rating-level-${5 - i}`);
      expect(await button.isVisible()).toBe(true);
      expect(await button.textContent()).toContain(zh);
    }
    await pad.getByTestId('rating-level-2').click();
    await untilScreen('reasons');
    await pad.getByTestId('rating-reason-waiting').click();
    await pad.getByTestId('rating-reason-attitude').click();
    await pad.clock.runFor(16);
    for (const r of ['attitude', 'efficiency', 'competence', 'waiting', 'other'])
      expect(await pad.getByTestId(`rating-reason-${r}`).getAttribute('aria-pressed'), r).toBe(
        String(r === 'attitude' || r === 'waiting'),
      );
    expect(rated).toEqual([]);
    await pad.getByTestId('rating-submit').click();
    await untilScreen('thanks');
    await expect.poll(() => rated.length).toBe(1);
    expect(rated[0]).toMatchObject({
      ticketId: t1.ticket.id,
      windowId: 'w1',
      level: 2,
      reasons: ['attitude', 'waiting'],
      channel: 'pad',
    });
    expect(server.app.service.queue.ticket(t1.ticket.id)?.rating).toMatchObject({ level: 2 });
    // The thank-you stays 3 s (its timer starts after the frame that shows it).
    await pad.clock.runFor(2900);
    expect(await screenOf()).toBe('thanks');
    await pad.clock.runFor(200);
    expect(await screenOf()).toBe('idle');

    // The next citizen walks away without touching the pad: back to idle after 30 s.
    await serve();
    await untilScreen('levels');
    expect(await pad.getByTestId('rating-levels').textContent()).toContain('A002');
    await pad.clock.runFor(29_900);
    expect(await screenOf()).toBe('levels');
    await pad.clock.runFor(200);
    expect(await screenOf()).toBe('idle');
    await sleep(300);
    expect(rated).toHaveLength(1);
    expect(server.app.service.queue.ticket(t2.ticket.id)).toMatchObject({ status: 'done', rating: null });
  }, 60_000);

  // ---- 5. no personal data -----------------------------------------------------------------

  it('puts no personal data in any screen: not in the DOM, the websocket frames or the REST answers', async () => {
    const server = await hall();
    const seen: { screen: string; what: string; text: string }[] = [];
    const capture = (screen: string) => (page: Page) => {
      onServerPackets(page, (text) => seen.push({ screen, what: 'packet', text }));
      page.on('response', async (res) => {
        if (!res.url().includes('/api/')) return;
        seen.push({ screen, what: `GET ${res.url()}`, text: await res.text().catch(() => '') });
      });
    };
    const screens: [string, Page][] = [];
    screens.push([
      'board',
      await openScreen(server, {
        device: await device(server, 'board'),
        viewport: { width: 1920, height: 1080 },
        before: capture('board'),
      }),
    ]);
    screens.push([
      'public board',
      await openScreen(server, {
        device: null,
        viewport: { width: 1080, height: 1920 },
        before: capture('public board'),
      }),
    ]);
    screens.push([
      'window display',
      await openScreen(server, {
        device: await device(server, 'window-display', 'w1'),
        viewport: { width: 1280, height: 720 },
        before: capture('window display'),
      }),
    ]);
    screens.push([
      'rating pad',
      await openScreen(server, {
        device: await device(server, 'rating-pad', 'w1'),
        viewport: { width: 1280, height: 800 },
        before: capture('rating pad'),
      }),
    ]);

    const people = [
      {
        id: idBornOn('19520317', '123'),
        birth: ['19520317', '1952-03-17', '1952年3月17日', '1952年03月17日'],
      },
      {
        id: idBornOn('19870605', '456'),
        birth: ['19870605', '1987-06-05', '1987年6月5日', '1987年06月05日'],
      },
      { id: idBornOn('19991130', '789'), birth: ['19991130', '1999-11-30', '1999年11月30日'] },
    ];
    const words = {
      cancel: '群众欧阳娜娜本人要求取消',
      front: '张三丰行动不便，优先办理',
      military: '退役军人李四海持优待证',
      transfer: '王五六的单位参保登记转单位窗口',
      park: '等候赵七八补交材料',
    };
    const guide = await staff(server, 'guide1');
    const clerk = await staff(server, 'clerk1');
    await must(clerk, 'window:open', { windowId: 'w1' });
    const ids: string[] = [];
    for (const p of people) {
      const [f] = await must(guide, 'ticket:issue', { categoryId: 'A', idNumber: p.id });
      ids.push((f as { ticket: { id: string } }).ticket.id);
    }
    const [m] = await must(guide, 'ticket:issue', {
      categoryId: 'A',
      priorityClass: 'military',
      reason: words.military,
    });
    ids.push((m as { ticket: { id: string } }).ticket.id);
    for (let i = 0; i < 3; i++) {
      const [f] = await must(guide, 'ticket:issue', { categoryId: 'A' });
      ids.push((f as { ticket: { id: string } }).ticket.id);
    }
    await must(guide, 'ticket:cancel', { ticketId: ids[4], reason: words.cancel });
    await must(guide, 'ticket:override', {
      ticketId: ids[1],
      action: { kind: 'front' },
      reason: words.front,
    });
    await must(guide, 'ticket:transfer', { ticketId: ids[5], to: { categoryId: 'B' }, note: words.transfer });
    // Serve the tickets with IDs: called (on every board), parked with a note, resumed, finished.
    for (let i = 0; i < 3; i++) {
      server.clock.advance(60_000);
      await must(clerk, 'ticket:call-next', { windowId: 'w1' });
      await must(clerk, 'ticket:start', { windowId: 'w1' });
      if (i === 0) {
        const held = server.app.service.queue.window('w1')!.ticketId!;
        await must(clerk, 'ticket:park', { windowId: 'w1', note: words.park });
        await must(clerk, 'ticket:resume', { ticketId: held, windowId: 'w1' });
      }
      await must(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    }
    await must(clerk, 'ticket:call-next', { windowId: 'w1' });
    const lastSeq = server.app.service.queue.lastSeq;
    const called = server.app.service.queue.ticket(server.app.service.queue.window('w1')!.ticketId!)!;
    // The screens got it all: the ticket on screen, the last fact in every socket's frames.
    for (const [name, page] of screens.slice(0, 2))
      await expect
        .poll(() => page.getByTestId('current-call').first().getAttribute('data-number'), { message: name })
        .toBe(called.number);
    await expect.poll(() => screens[2]![1].getByTestId('current-number').textContent()).toBe(called.number);
    await expect
      .poll(() =>
        screens.map(([s]) => seen.some((x) => x.screen === s && x.text.includes(`"seq":${lastSeq},`))),
      )
      .toEqual([true, true, true, true]);
    // The staff side did keep it (so the hall really had personal data to leak).
    expect(
      server.app.service.queue.allTickets().filter((t) => t.holder !== null).length,
    ).toBeGreaterThanOrEqual(3);

    for (const [name, page] of screens)
      seen.push({
        screen: name,
        what: 'DOM',
        text: await page.evaluate(
          () => `${document.documentElement.outerHTML}\n${document.body.textContent}`,
        ),
      });
    const forbidden: (string | RegExp)[] = [
      ...people.flatMap((p) => [p.id, maskIdNumber(p.id), ...p.birth]),
      ...Object.values(words),
      ...['欧阳', '张三丰', '李四海', '王五六', '赵七八'],
      /\d{3}\*+/,
      /holder/i,
      /birthDate/,
      /cancelReason/,
      /priorityClass/,
      /"front"/,
      /"note"/,
    ];
    const leaks = seen.flatMap((s) =>
      forbidden
        .filter((f) => (typeof f === 'string' ? s.text.includes(f) : f.test(s.text)))
        .map((f) => `${s.screen} ${s.what}: ${String(f)}`),
    );
    expect(leaks).toEqual([]);
    expect(seen.filter((s) => s.what === 'packet').length).toBeGreaterThan(40);
  }, 60_000);

  // ---- 6. screenshots ----------------------------------------------------------------------

  it('fits every screen at its resolutions (screenshots in test-results/screenshots/)', async () => {
    const server = await hall();
    const manager = await server.login('manager1');
    await server.rest('PUT', '/api/hall/notice', {
      token: manager,
      body: {
        text: '温馨提示：办理社保卡挂失、补换卡请携带本人身份证原件；60周岁以上老年人可到咨询台优先办理。',
      },
    });
    const guide = await staff(server, 'guide1');
    for (let i = 0; i < 14; i++) await must(guide, 'ticket:issue', { categoryId: 'A' });
    for (let i = 0; i < 5; i++) await must(guide, 'ticket:issue', { categoryId: 'B' });
    for (let i = 0; i < 2; i++) await must(guide, 'ticket:issue', { categoryId: 'C' });
    const clerks: HallClient[] = [];
    for (let n = 1; n <= 5; n++) {
      const c = await staff(server, `clerk${n}`);
      clerks.push(c);
      await must(c, 'window:open', { windowId: `w${n}` });
    }
    for (let n = 1; n <= 5; n++) {
      server.clock.advance(30_000);
      await must(clerks[n - 1]!, 'ticket:call-next', { windowId: `w${n}` });
      if (n <= 2) await must(clerks[n - 1]!, 'ticket:start', { windowId: `w${n}` });
    }
    for (let n = 3; n <= 5; n++) {
      server.clock.advance(20_000);
      await must(clerks[n - 1]!, 'ticket:start', { windowId: `w${n}` });
      await must(clerks[n - 1]!, 'ticket:finish', { windowId: `w${n}`, outcome: 'completed' });
      await must(clerks[n - 1]!, 'ticket:call-next', { windowId: `w${n}` });
    }
    server.clock.advance(20_000);
    await must(clerks[3]!, 'ticket:recall', { windowId: 'w4' });

    const problems: string[] = [];
    const fits = async (page: Page, name: string) => {
      const m = await page.evaluate(() => ({
        w: window.innerWidth,
        h: window.innerHeight,
        sw: document.documentElement.scrollWidth,
        sh: document.documentElement.scrollHeight,
      }));
      if (m.sw > m.w || m.sh > m.h) problems.push(`${name}: content ${m.sw}×${m.sh} overflows ${m.w}×${m.h}`);
      await page.screenshot({ path: join(SCREENSHOTS, `display-e2e-${name}.png`) });
    };

    const boards: [Page, string][] = [];
    for (const [w, h] of [
      [1920, 1080],
      [3840, 2160],
      [1080, 1920],
    ] as const) {
      const page = await openScreen(server, { device: null, viewport: { width: w, height: h } });
      await page.getByTestId('board-notice').waitFor();
      const vmin = Math.min(w, h) / 100;
      const current = await rows(page, 'current-call');
      expect(
        current.map((r) => `${r.number}→${r.window}`),
        `${w}×${h}`,
      ).toEqual(['A007→4', 'A008→5', 'A006→3']);
      if (!current.every((r) => r.inside)) problems.push(`${w}×${h}: a current call is clipped`);
      const last = await rows(page, 'last-call');
      if (!last.slice(0, 3).every((r) => r.inside))
        problems.push(`${w}×${h}: the first last calls are clipped`);
      // The size rule: calls in progress 14 vmin, last calls and waiting counts 10.5 vmin.
      const sizes = await page.evaluate(() => {
        const px = (sel: string) =>
          Array.from(document.querySelectorAll(sel)).map((e) =>
            Number.parseFloat(getComputedStyle(e).fontSize),
          );
        const inView = (sel: string) =>
          Array.from(document.querySelectorAll(sel)).every((e) => {
            const r = e.getBoundingClientRect();
            return (
              r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth
            );
          });
        return {
          current: px('[data-testid="current-call"] [data-testid="call-number"]'),
          last: px('[data-testid="last-call"] [data-testid="call-number"]'),
          waiting: px('[data-testid="waiting-count"]'),
          waitingInView: inView('[data-testid="waiting-category"]'),
          // The English category names whole: not cut with an ellipsis, not hidden past the card.
          englishCut: Array.from(document.querySelectorAll('.waiting-name .en'))
            .filter((e) => {
              const r = e.getBoundingClientRect();
              const card = e.closest('[data-testid="waiting-category"]')!.getBoundingClientRect();
              return (
                e.scrollWidth > e.clientWidth + 1 || r.right > card.right + 1 || r.bottom > card.bottom + 1
              );
            })
            .map((e) => e.textContent),
          clockInView: inView('[data-testid="board-clock"]'),
        };
      });
      if (Math.min(...sizes.current) < 14 * vmin - 0.5)
        problems.push(`${w}×${h}: current calls ${sizes.current}px`);
      if (Math.min(...sizes.last) < 10.5 * vmin - 0.5) problems.push(`${w}×${h}: last calls ${sizes.last}px`);
      if (Math.min(...sizes.waiting) < 10.5 * vmin - 0.5)
        problems.push(`${w}×${h}: waiting ${sizes.waiting}px`);
      if (!sizes.waitingInView) problems.push(`${w}×${h}: a waiting card is off screen`);
      if (sizes.englishCut.length > 0) problems.push(`${w}×${h}: English names cut: ${sizes.englishCut}`);
      if (!sizes.clockInView) problems.push(`${w}×${h}: the clock is off screen`);
      boards.push([page, `board-${w}x${h}`]);
    }
    // The notice scrolls in from the right: photograph the boards once it is on screen.
    await sleep(4000);
    for (const [page, name] of boards) await fits(page, name);

    const wd = await openScreen(server, {
      device: await device(server, 'window-display', 'w4'),
      viewport: { width: 1280, height: 720 },
    });
    await expect.poll(() => wd.getByTestId('clerk-name').textContent()).toBe('杨帆');
    await expect.poll(() => wd.getByTestId('current-number').textContent()).toBe('A007');
    await expect.poll(() => wd.getByTestId('window-number').textContent()).toBe('4');
    await fits(wd, 'window-display-1280x720');
    await wd.setViewportSize({ width: 1920, height: 1080 });
    await fits(wd, 'window-display-1920x1080');

    const pad = await openScreen(server, {
      device: await device(server, 'rating-pad', 'w1'),
      viewport: { width: 1280, height: 800 },
    });
    await expect.poll(() => pad.getByTestId('clerk-name').textContent()).toBe('李强');
    await fits(pad, 'pad-idle-1280x800');
    await must(clerks[0]!, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    await pad.getByTestId('rating-levels').waitFor();
    await fits(pad, 'pad-levels-1280x800');
    // Buttons of at least 12 vmin, each whole on screen.
    const buttons = async (screen: string) => {
      const all = await pad.evaluate(() =>
        Array.from(document.querySelectorAll('button')).map((b) => {
          const r = b.getBoundingClientRect();
          return {
            id: b.getAttribute('data-testid'),
            h: Math.round(r.height),
            w: Math.round(r.width),
            inView: r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth,
          };
        }),
      );
      const bad = all.filter((b) => Math.min(b.h, b.w) < 0.12 * 800 - 0.5 || !b.inView);
      if (all.length === 0 || bad.length > 0) problems.push(`pad ${screen}: buttons ${JSON.stringify(bad)}`);
    };
    await buttons('levels');
    await pad.getByTestId('rating-level-1').click();
    await pad.getByTestId('rating-reason-efficiency').click();
    await fits(pad, 'pad-reasons-1280x800');
    await buttons('reasons');
    expect(problems).toEqual([]);
  }, 60_000);
});

// ---- the stand-in speech engine and chime -------------------------------------------------

const CHIME = '659.25,1318.5,523.25,1046.5';

type VoiceEvent =
  | { k: 'tone'; hz: number; t: number; text?: undefined }
  | { k: 'speak'; text: string; t: number; overlap: boolean; lang: string; voice: string | null }
  | { k: 'start'; text: string; t: number }
  | { k: 'end'; text: string; t: number; dur: number }
  | { k: 'cancel'; text: string; t: number };

interface VoiceWindow {
  __voice: VoiceEvent[];
}

/**
 * A Mandarin `speechSynthesis` and an `AudioContext` that record instead of sounding (a string,
 * not a function: the test's transpiler helpers do not exist in the page). An utterance
 * starts 1 ms after `speak` and ends 20–40 ms later, one in 29 after 300–900 ms; `cancel`
 * interrupts the one speaking, as Chrome does, with an `interrupted` error.
 */
const FAKE_VOICE = `
(() => {
  const log = [];
  window.__voice = log;
  let active = null;
  let n = 0;
  const voice = { lang: 'zh-CN', name: 'Stand-in Mandarin', localService: true, default: true, voiceURI: 'stand-in' };
  const synth = Object.assign(new EventTarget(), {
    pending: false,
    paused: false,
    getVoices() { return [voice]; },
    speak(u) {
      n += 1;
      const dur = n % 29 === 0 ? 300 + (n % 7) * 100 : 20 + ((n * 7919) % 21);
      log.push({ k: 'speak', text: u.text, t: Date.now(), overlap: active !== null, lang: u.lang, voice: u.voice ? u.voice.name : null });
      active = u;
      setTimeout(() => {
        if (active !== u) return;
        log.push({ k: 'start', text: u.text, t: Date.now() });
        if (u.onstart) u.onstart(new Event('start'));
        setTimeout(() => {
          if (active !== u) return;
          active = null;
          log.push({ k: 'end', text: u.text, t: Date.now(), dur });
          if (u.onend) u.onend(new Event('end'));
        }, dur);
      }, 1);
    },
    cancel() {
      const u = active;
      log.push({ k: 'cancel', text: u ? u.text : '', t: Date.now() });
      active = null;
      if (u && u.onerror) u.onerror(Object.assign(new Event('error'), { error: 'interrupted' }));
    },
    pause() {},
    resume() {},
  });
  // A getter (Object.assign above would have copied a getter's value once).
  Object.defineProperty(synth, 'speaking', { get: () => active !== null });
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = class {
    constructor(text) {
      this.text = text; this.lang = ''; this.voice = null; this.rate = 1; this.pitch = 1; this.volume = 1;
      this.onstart = null; this.onend = null; this.onerror = null;
    }
  };
  class FakeAudioContext {
    constructor() { this.state = 'running'; this.currentTime = 0; this.destination = {}; }
    resume() { return Promise.resolve(); }
    createOscillator() {
      const osc = {
        type: 'sine',
        frequency: { value: 0 },
        connect: (x) => x,
        start: () => log.push({ k: 'tone', hz: osc.frequency.value, t: Date.now() }),
        stop: () => {},
      };
      return osc;
    }
    createGain() {
      return { gain: { value: 1, setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (x) => x };
    }
  }
  window.AudioContext = FakeAudioContext;
})();
`;
