/**
 * The display suite of `npm run bench`: how long a call takes to reach the pixels of a wall
 * board in Chromium, and how big the board's bundle is.
 *
 * 1. Call → pixels. The bench takes `Date.now()` right before a clerk's socket emits
 *    `ticket:call-next`; the board page (display-board/dist, a paired board at 1920×1080 in
 *    Debian's Chromium) takes `Date.now()` in the first animation frame after the new number
 *    appeared in its current-call row (a MutationObserver notices the DOM change, a
 *    `requestAnimationFrame` callback stamps the frame that paints it). Latency = page stamp −
 *    bench stamp: one machine, one wall clock. The floor is the same measurement of the least
 *    a page can do on the same path: a bare Socket.IO server in this process serving a
 *    minimal page that sets the number of a `hall:fact` of the same byte size into one
 *    element, with the same observer. Blocks of the two alternate in one browser.
 * 2. Bundle. Gzipped bytes of display-board/dist's JS and CSS against the 60 KB bound.
 *
 * The queue server, the bare server and the clerks run in this process (as in the e2e tests);
 * Chromium is its own processes. See docs/BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { CommandResult, PublicFact } from '@onewindow/shared';
import type { BrowserContext, Page } from 'playwright-core';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { launchChromium } from '../support/browser.ts';
import { command, type HallClient, startTestServer, type TestServer } from '../support/server.ts';
import {
  type BenchRow,
  bundleBytes,
  median,
  progress,
  quantile,
  REPO_ROOT,
  round,
  rowAtMost,
} from './report.ts';

// ---- parameters ---------------------------------------------------------------------------

/** Blocks per side; each block opens a fresh page, makes WARMUP untimed calls, then CALLS timed. */
const BLOCKS = 8;
const CALLS = 25;
const WARMUP = 3;
const WINDOWS = 6;
const VIEWPORT = { width: 1920, height: 1080 };
/** Quiet time before each timed call (after the untimed start/finish of the previous ticket). */
const SETTLE_MS = 30;
/** A random pause after each call, so calls land at every phase of the 60 Hz frame clock. */
const JITTER_MS = 40;
const PAINT_TIMEOUT_MS = 5000;

/** The board may take at most 1.5× the p99 of the least a page can do on the same path. */
const P99_TARGET = 1.5;
/** The bound on the board's bundle, gzipped JS + CSS. */
const BUNDLE_BOUND_KB = 60;

const DIST = join(REPO_ROOT, 'display-board', 'dist');
const DEVICE_KEY = 'onewindow.display.device';

// ---- the page's instruments ---------------------------------------------------------------

/**
 * Injected into both pages before their scripts (a string: the bench's transpiler helpers do
 * not exist in the page). It stamps when a `hall:fact` with a call arrives on the websocket
 * (before the app sees it) and the first animation frame after the number of the first
 * current-call row changes, and reports both through `__painted`.
 */
const INSTRUMENTS = `
(() => {
  const arrivals = new Map();
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string' || !e.data.startsWith('42["hall:fact"')) return;
        const m = /"call":\\{[^}]*"number":"([^"]+)"/.exec(e.data);
        if (m) arrivals.set(m[1], Date.now());
      });
    }
  };
  let shown = null;
  const check = () => {
    const row = document.querySelector('[data-testid="current-call"]');
    const n = row && row.getAttribute('data-number');
    if (!n || n === shown) return;
    shown = n;
    const mutated = Date.now();
    requestAnimationFrame(() => {
      const painted = Date.now();
      if (window.__painted) window.__painted(n, painted, arrivals.get(n) ?? null, mutated);
    });
  };
  const start = () =>
    new MutationObserver(check).observe(document.documentElement, {
      subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-number'],
    });
  if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
})();
`;

/**
 * The floor's page: one row at the board's number size, the same Socket.IO client library.
 * `animated`: the row pulses as a board's new call does (five 0.9 s pulses; here without end),
 * so the page's frames run at the display's 60 Hz like a board's while a call flashes; the
 * idle page gets a frame the moment it asks for one (headless Chromium has no vsync to wait
 * for when nothing else is drawn).
 */
const barePage = (animated: boolean) => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>floor</title>
<style>
  html, body { margin: 0; height: 100%; background: #0b1f4d; color: #ffd43b; font-family: sans-serif; }
  li { list-style: none; font-size: 14vmin; font-weight: 700; }
  ${animated ? 'li { animation: pulse 0.9s ease-in-out infinite; }' : ''}
  @keyframes pulse { 50% { background: #1f5fc4; box-shadow: inset 0 0 0 0.6vmin #ffd43b; } }
</style></head>
<body><ol><li data-testid="current-call" data-number=""><span data-testid="call-number"></span></li></ol>
<script src="/socket.io/socket.io.min.js"></script>
<script>
  const row = document.querySelector('li');
  const number = row.querySelector('span');
  const socket = io({ transports: ['websocket'] });
  socket.on('connect', () => { window.connected = true; });
  socket.on('hall:fact', (f) => {
    if (f.call === null) return;
    row.setAttribute('data-number', f.call.number);
    number.textContent = f.call.number;
  });
</script></body></html>`;

// ---- helpers ------------------------------------------------------------------------------

/** The board; the bare page pulsing like a new call (the row's floor); the bare page idle (a detail). */
const SIDES = ['ours', 'floor', 'idle'] as const;
type Side = (typeof SIDES)[number];

interface Paint {
  number: string;
  painted: number;
  arrived: number | null;
  mutated: number;
}

interface Sample {
  total: number;
  /** Bench emit → the fact on the page's websocket. */
  transport: number | null;
  /** Arrival → the frame that paints it. */
  render: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`display bench: ${what} (timed out after ${ms} ms)`)),
      ms,
    );
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

async function must(socket: HallClient, name: string, payload: unknown): Promise<CommandResult> {
  const ack = await within(command<CommandResult>(socket, name, payload), 10_000, `no ack for ${name}`);
  if (!ack.ok) throw new Error(`display bench: ${name} refused: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

/** Paint reports of one page, awaited one at a time. */
class Paints {
  private readonly queue: Paint[] = [];
  private waiter: ((p: Paint) => void) | null = null;

  push(p: Paint): void {
    if (this.waiter !== null) {
      const w = this.waiter;
      this.waiter = null;
      w(p);
    } else this.queue.push(p);
  }

  /** The next paint of `number` (earlier reports of other numbers are skipped). */
  async next(number: string): Promise<Paint> {
    for (;;) {
      const p =
        this.queue.shift() ??
        (await within(
          new Promise<Paint>((resolve) => {
            this.waiter = resolve;
          }),
          PAINT_TIMEOUT_MS,
          `no paint of ${number}`,
        ));
      if (p.number === number) return p;
    }
  }

  clear(): void {
    this.queue.length = 0;
  }
}

// ---- the two sides ------------------------------------------------------------------------

/** Our side: the queue server, six clerks, a paired board page. */
async function ours(browser: BrowserContext) {
  const server: TestServer = await startTestServer();
  const guide = await server.client({ token: await server.login('guide1') });
  const total = BLOCKS * (CALLS + WARMUP) + WINDOWS;
  for (let i = 0; i < total; i++) await must(guide, 'ticket:issue', { categoryId: 'A' });
  const clerks: HallClient[] = [];
  for (let n = 1; n <= WINDOWS; n++) {
    const c = await server.client({ token: await server.login(`clerk${n}`) });
    clerks.push(c);
    await must(c, 'window:open', { windowId: `w${n}` });
  }
  const token = await server.pairDevice('board');
  const stored = JSON.stringify({
    deviceToken: token,
    device: { id: 'd', kind: 'board', name: 'bench', windowId: null },
  });
  let k = 0;
  return {
    server,
    async open(): Promise<Page> {
      const page = await browser.newPage();
      await page.setViewportSize(VIEWPORT);
      await page.addInitScript(
        `localStorage.setItem(${JSON.stringify(DEVICE_KEY)}, ${JSON.stringify(stored)});`,
      );
      await page.addInitScript(INSTRUMENTS);
      await page.goto(`${server.url}/display/`);
      await page.locator('[data-testid="status-badge"][data-status="live"]').waitFor({ state: 'attached' });
      return page;
    },
    /** One call at the next window; returns the bench's emit stamp and the number called. */
    async call(): Promise<{ emitted: number; number: string; done: Promise<unknown> }> {
      const w = k % WINDOWS;
      k += 1;
      const windowId = `w${w + 1}`;
      const clerk = clerks[w]!;
      if (server.app.service.queue.window(windowId)?.ticketId) {
        await must(clerk, 'ticket:start', { windowId });
        await must(clerk, 'ticket:finish', { windowId, outcome: 'completed' });
      }
      // Each call is the newest (the board orders calls in progress by call time).
      server.clock.advance(1000);
      await sleep(SETTLE_MS);
      const emitted = Date.now();
      const done = must(clerk, 'ticket:call-next', { windowId });
      const result = await done;
      const called = result.facts.find((f) => f.type === 'ticket:called');
      if (called?.type !== 'ticket:called') throw new Error('display bench: call-next called nobody');
      const number = server.app.service.queue.ticket(called.ticketId)!.number;
      return { emitted, number, done };
    },
    async close() {
      await server.close();
    },
  };
}

/** The floor: a bare Socket.IO server that broadcasts a fact of the same size on a trigger. */
async function bare(template: PublicFact) {
  const http = createServer((req, res) => {
    if (req.url === '/' || req.url === '/animated') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(barePage(req.url === '/animated'));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  const io = new Server(http, { serveClient: true });
  io.on('connection', (socket) => {
    socket.on('trigger', (number: string, ack: () => void) => {
      // The real fact with the number swapped (same length): the same bytes on the wire.
      const fact = JSON.parse(
        JSON.stringify(template).replaceAll(template.call!.number, number),
      ) as PublicFact;
      socket.broadcast.emit('hall:fact', fact);
      ack();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const trigger: Socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve) => trigger.once('connect', () => resolve()));
  let k = 0;
  return {
    async open(browser: BrowserContext, animated: boolean): Promise<Page> {
      const page = await browser.newPage();
      await page.setViewportSize(VIEWPORT);
      await page.addInitScript(INSTRUMENTS);
      await page.goto(`${url}/${animated ? 'animated' : ''}`);
      await page.waitForFunction(() => (window as unknown as { connected?: boolean }).connected === true);
      return page;
    },
    async call(): Promise<{ emitted: number; number: string; done: Promise<unknown> }> {
      k += 1;
      const number = `${template.call!.number.slice(0, 1)}${String(k % 1000).padStart(template.call!.number.length - 1, '0')}`;
      await sleep(SETTLE_MS);
      const emitted = Date.now();
      const done = new Promise<void>((resolve) => trigger.emit('trigger', number, () => resolve()));
      return { emitted, number, done };
    },
    async close() {
      trigger.disconnect();
      http.closeAllConnections();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

// ---- the suite ----------------------------------------------------------------------------

export async function displayBench(): Promise<BenchRow[]> {
  progress('display: building display-board/dist');
  execFileSync('npm', ['run', 'build', '-w', '@onewindow/display-board'], { cwd: REPO_ROOT, stdio: 'pipe' });
  const bundle = bundleBytes(DIST);
  progress(
    `display: bundle ${bundle.files.join(', ')}: ${(bundle.raw / 1000).toFixed(1)} KB raw, ${(bundle.gz / 1000).toFixed(1)} KB gzipped`,
  );

  const chrome = await launchChromium({ viewport: VIEWPORT });
  const paints = new Paints();
  await chrome.browser.exposeFunction(
    '__painted',
    (number: string, painted: number, arrived: number | null, mutated: number) =>
      paints.push({ number, painted, arrived, mutated }),
  );
  const ourSide = await ours(chrome.browser);
  // The template for the floor's payload: a real call-next fact as boards receive it.
  const observer = await ourSide.server.client();
  const facts: PublicFact[] = [];
  observer.on('hall:fact', (f) => facts.push(f));
  const samples: Record<Side, Sample[]> = { ours: [], floor: [], idle: [] };
  let floorSide: Awaited<ReturnType<typeof bare>> | null = null;
  try {
    const first = await ourSide.call();
    await first.done;
    await within(
      (async () => {
        while (!facts.some((f) => f.call !== null)) await sleep(5);
      })(),
      5000,
      'no call fact for the template',
    );
    const template = facts.find((f) => f.call !== null)!;
    floorSide = await bare(template);
    progress(
      `display: fact payload ${JSON.stringify(template).length} bytes; ${BLOCKS} blocks × ${CALLS} calls per side`,
    );

    for (let b = 0; b < BLOCKS; b++) {
      // Each side goes first, second and third in turn.
      const order = SIDES.map((_, i) => SIDES[(i + b) % SIDES.length]!);
      for (const side of order) {
        const impl = side === 'ours' ? ourSide : floorSide;
        const page =
          side === 'ours' ? await ourSide.open() : await floorSide.open(chrome.browser, side === 'floor');
        paints.clear();
        for (let i = 0; i < WARMUP + CALLS; i++) {
          const c = await impl.call();
          const p = await paints.next(c.number);
          await c.done;
          if (i >= WARMUP)
            samples[side].push({
              total: p.painted - c.emitted,
              transport: p.arrived === null ? null : p.arrived - c.emitted,
              render: p.arrived === null ? null : p.painted - p.arrived,
            });
          await sleep(Math.random() * JITTER_MS);
        }
        await page.close();
      }
      const p99 = (side: Side) =>
        quantile(
          samples[side].map((s) => s.total),
          0.99,
        );
      progress(
        `display: block ${b + 1}/${BLOCKS}: p99 so far ours ${p99('ours')} ms, floor ${p99('floor')} ms, idle page ${p99('idle')} ms`,
      );
    }
  } finally {
    await floorSide?.close();
    await ourSide.close();
    await chrome.close();
  }

  const stats = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return `p50 ${round(median(v))} / p90 ${round(quantile(v, 0.9))} / p99 ${round(quantile(v, 0.99))} / max ${Math.max(...v)} ms (n ${v.length})`;
  };
  for (const side of SIDES) {
    const s = samples[side];
    progress(`display ${side}: call→pixels ${stats(s.map((x) => x.total))}`);
    progress(`display ${side}:   emit→arrival ${stats(s.map((x) => x.transport))}`);
    progress(`display ${side}:   arrival→frame ${stats(s.map((x) => x.render))}`);
  }

  return [
    rowAtMost(
      'board call→pixels p99 (Chromium)',
      quantile(
        samples.ours.map((s) => s.total),
        0.99,
      ),
      quantile(
        samples.floor.map((s) => s.total),
        0.99,
      ),
      'ms',
      P99_TARGET,
    ),
    rowAtMost('board bundle gzipped JS+CSS (floor: 60 KB bound)', bundle.gz / 1000, BUNDLE_BOUND_KB, 'KB', 1),
  ];
}
