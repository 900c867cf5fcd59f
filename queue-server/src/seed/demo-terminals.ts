/**
 * DEMO ONLY (`npm start`, i.e. `--demo`): the demo hall's terminal agents, run in the server
 * process with simulated devices, and a small control API to play those devices.
 *
 * - Terminals: the kiosks `k1`, `k2` and one counter agent per window `w1`…`w8` of
 *   firmware-config's `halls/demo.json`. Each is the real `TerminalAgent` (kiosk/agent) over
 *   `buildSimulatedDevices`, paired through the real auth service (a pairing code created as
 *   `system`), and connected over Socket.IO to the local server like an agent on a hall PC.
 *   Tokens and print journals are kept as a real agent keeps them, under
 *   `<db dir>/agents/<terminal id>/` (device.json, print-journal.jsonl): a restart reuses the
 *   devices instead of pairing new ones. A stored token that is revoked, unknown to this
 *   database, or of another kind / window is replaced by a new pairing.
 * - Control API: EXISTS ONLY WITH --demo, on its own listener bound to 127.0.0.1, port
 *   `ONEWINDOW_DEMO_CONTROL_PORT` (default PORT + 1). Every call needs a staff bearer token of
 *   role manager or admin.
 *
 *   GET    /api/demo/terminals             the terminals: kind, window, printer, last job, readers, pad
 *   POST   /api/demo/terminals/:id/card    {sample: 'senior' | 'adult' | 'hk-permit' | 'ssc'} insert a card
 *   DELETE /api/demo/terminals/:id/card    remove it (from either reader)
 *   POST   /api/demo/terminals/:id/paper   {state: 'ok' | 'near-end' | 'out'} (health → guide alert)
 *   POST   /api/demo/terminals/:id/rate    {level: 1…5} press the counter's rating keypad
 *
 *   `hk-permit` is a Hong Kong/Macau/Taiwan residence permit: the reader refuses it (not a
 *   resident ID card), and the screen says so (`device:card-error` `not-accepted`, SPEC DEV-6). `ssc` is the sample
 *   social security card (张三), inserted into the terminal's social security card reader.
 *
 * A paper change is reported to the server at once on the agent's own socket (the agent itself
 * asks its printer every 10 s, and every 2 s while it is in trouble).
 *
 * The agent comes in through its package entries (`@onewindow/kiosk/agent`, `…/agent/samples`),
 * and main.ts imports this module only with --demo: a real hall's server never loads agent code.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { loadFirmwareConfig, resolveTerminal } from '@onewindow/firmware-config';
import {
  buildSimulatedDevices,
  type Clock,
  createLogger,
  decodeEscPos,
  ensurePaired,
  kioskScreenUrl,
  type Logger,
  PrintJournal,
  printedItems,
  type RatingOutcome,
  type Simulators,
  type StoredDevice,
  screenHandoffHandler,
  TerminalAgent,
  TokenStore,
} from '@onewindow/kiosk/agent';
import { encodeBaseInfoText, SAMPLE_CARDS, SAMPLE_SSC_CARD } from '@onewindow/kiosk/agent/samples';
import type { Ack, ApiError, DeviceKind } from '@onewindow/shared';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { App } from '../app/app.ts';
import { send } from '../app/route-table.ts';
import {
  type ControlCaller,
  callerOf,
  checkDemoDevice,
  type DemoDeviceCheck,
  type DemoTerminalEntry,
  demoTerminalEntries,
} from './demo-hall-devices.ts';

export const DEMO_CARD_SAMPLES = ['senior', 'adult', 'hk-permit', 'ssc'] as const;
export type DemoCardSample = (typeof DEMO_CARD_SAMPLES)[number];
export const PAPER_STATES = ['ok', 'near-end', 'out'] as const;
export type PaperState = (typeof PAPER_STATES)[number];

export interface DemoPrintSummary {
  jobId: string;
  status: 'printed' | 'failed';
  reason: string | null;
  at: number;
  /** The first printed lines (title, number); personal data on slips is already masked by the layouts. */
  lines: string[];
}

/** One terminal as the control API shows it. */
export interface DemoTerminalView {
  id: string;
  kind: DeviceKind;
  windowId: string | null;
  name: string;
  deviceId: string;
  connection: TerminalAgent['state'];
  printer: { paper: PaperState; printed: number; lastJob: DemoPrintSummary | null } | null;
  /** The ID-card reader; `card` is the sample last inserted at this terminal, in either reader. */
  reader: { status: string | null; card: DemoCardSample | null } | null;
  sscReader: { status: string | null } | null;
  ratingPad: { status: string | null; lastPress: RatingOutcome | null } | null;
}

export interface DemoTerminal {
  id: string;
  kind: DeviceKind;
  windowId: string | null;
  name: string;
  device: StoredDevice;
  agent: TerminalAgent;
  simulators: Simulators;
  /** How the simulated printer's bytes are decoded for the job summary (as the agent process does). */
  chineseByDefault: boolean;
}

export class DemoTerminalError extends Error {
  constructor(
    readonly code: ApiError['code'],
    message: string,
  ) {
    super(message);
  }
}

/** The running demo terminals and what the control API does to them. */
export class DemoTerminals {
  readonly #terminals = new Map<string, DemoTerminal>();
  readonly #paper = new Map<string, PaperState>();
  readonly #card = new Map<string, DemoCardSample | null>();
  readonly #lastJob = new Map<string, DemoPrintSummary>();
  readonly #lastPress = new Map<string, RatingOutcome>();

  constructor(
    terminals: DemoTerminal[],
    private readonly clock: Clock,
  ) {
    for (const t of terminals) {
      this.#terminals.set(t.id, t);
      const printer = t.simulators.printer;
      if (printer === undefined) continue;
      this.#paper.set(t.id, 'ok');
      t.agent.on('print-result', (r) => {
        if (r.fromJournal) return;
        const bytes = r.status === 'printed' ? printer.jobs.at(-1) : undefined;
        this.#lastJob.set(t.id, {
          jobId: r.jobId,
          status: r.status,
          reason: r.status === 'failed' ? r.reason : null,
          at: this.clock.now(),
          lines: bytes === undefined ? [] : firstLines(bytes, t.chineseByDefault),
        });
      });
    }
  }

  get(id: string): DemoTerminal | undefined {
    return this.#terminals.get(id);
  }

  all(): DemoTerminal[] {
    return [...this.#terminals.values()];
  }

  view(t: DemoTerminal): DemoTerminalView {
    const { printer, idCardReader, sscReader, ratingPad } = t.simulators;
    const health = t.agent.health;
    const paper = this.#paper.get(t.id) ?? 'ok';
    return {
      id: t.id,
      kind: t.kind,
      windowId: t.windowId,
      name: t.name,
      deviceId: t.device.deviceId,
      connection: t.agent.state,
      printer:
        printer === undefined
          ? null
          : { paper, printed: printer.jobs.length, lastJob: this.#lastJob.get(t.id) ?? null },
      reader:
        idCardReader === undefined
          ? null
          : { status: health.idCardReader ?? null, card: this.#card.get(t.id) ?? null },
      sscReader: sscReader === undefined ? null : { status: health.sscReader ?? null },
      ratingPad:
        ratingPad === undefined
          ? null
          : { status: health.ratingPad ?? null, lastPress: this.#lastPress.get(t.id) ?? null },
    };
  }

  list(): DemoTerminalView[] {
    return this.all().map((t) => this.view(t));
  }

  #terminal(id: string): DemoTerminal {
    const t = this.#terminals.get(id);
    if (t === undefined)
      throw new DemoTerminalError(
        'NOT_FOUND',
        `no demo terminal ${id} (${[...this.#terminals.keys()].join(', ')})`,
      );
    return t;
  }

  insertCard(id: string, sample: DemoCardSample): DemoTerminalView {
    const t = this.#terminal(id);
    if (sample === 'ssc') {
      const ssc = t.simulators.sscReader;
      if (ssc === undefined)
        throw new DemoTerminalError('CONFLICT', `${id} has no social security card reader`);
      ssc.insertCard(SAMPLE_SSC_CARD);
      this.#card.set(id, sample);
      return this.view(t);
    }
    const reader = t.simulators.idCardReader;
    if (reader === undefined) throw new DemoTerminalError('CONFLICT', `${id} has no ID-card reader`);
    if (sample === 'hk-permit') {
      const card = SAMPLE_CARDS.young;
      reader.insertRaw(hkPermitText(), card.photoWlt);
    } else reader.insertCard(sample === 'senior' ? SAMPLE_CARDS.senior : SAMPLE_CARDS.young);
    this.#card.set(id, sample);
    return this.view(t);
  }

  removeCard(id: string): DemoTerminalView {
    const t = this.#terminal(id);
    const { idCardReader, sscReader } = t.simulators;
    if (idCardReader === undefined && sscReader === undefined)
      throw new DemoTerminalError('CONFLICT', `${id} has no card reader`);
    idCardReader?.removeCard();
    sscReader?.removeCard();
    this.#card.set(id, null);
    return this.view(t);
  }

  /** Sets the paper and reports the terminal's health at once (the guides' alert). */
  async setPaper(id: string, state: PaperState): Promise<DemoTerminalView & { reported: boolean }> {
    const t = this.#terminal(id);
    const printer = t.simulators.printer;
    if (printer === undefined) throw new DemoTerminalError('CONFLICT', `${id} has no printer`);
    printer.setPaper(state);
    this.#paper.set(id, state);
    const socket = t.agent.socket;
    let reported = false;
    if (socket?.connected) {
      const ack = await socket
        .timeout(5000)
        .emitWithAck('device:health', { ...t.agent.health, printer: state })
        .catch(() => null);
      reported = ack?.ok === true;
    }
    return { ...this.view(t), reported };
  }

  /** Presses the counter's rating keypad; the outcome says whether a rating was sent. */
  rate(
    id: string,
    level: 1 | 2 | 3 | 4 | 5,
  ): RatingOutcome | { level: number; sent: false; reason: 'debounced' } {
    const t = this.#terminal(id);
    const pad = t.simulators.ratingPad;
    if (pad === undefined) throw new DemoTerminalError('CONFLICT', `${id} has no rating keypad`);
    let outcome: RatingOutcome | undefined;
    const on = (o: RatingOutcome) => {
      outcome = o;
    };
    // The driver and the agent answer a press synchronously; no outcome = the pad's debounce ate it.
    t.agent.once('rating', on);
    pad.press(level);
    t.agent.off('rating', on);
    if (outcome === undefined) return { level, sent: false, reason: 'debounced' };
    this.#lastPress.set(id, outcome);
    return outcome;
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((t) => t.agent.stop(2000)));
    for (const t of this.all()) t.simulators.sscReader?.close();
  }
}

/** Options of {@link startDemoTerminals}. */
export interface DemoTerminalsOptions {
  /**
   * Whether each terminal keeps its stored device token or pairs anew with a code: the server's
   * own answer (`checkDemoDevice`), asked in-process (tests) or over IPC (the terminals process).
   */
  pairing: DemoPairing;
  /** The local server, e.g. `http://127.0.0.1:8080`. */
  serverUrl: string;
  /** Where each terminal keeps its token and print journal: `<stateDir>/<terminal id>/`. */
  stateDir: string;
  firmwareDir?: string;
  /** The hall layout; default `demo`. */
  hall?: string;
  clock?: Clock;
  /** The agents' logger; default JSON lines on stderr at level warn. */
  logger?: Logger;
  /** The simulated readers' poll interval (tests use a short one); default the reader profile's. */
  pollIntervalMs?: number;
  healthIntervalMs?: number;
}

/** Pairs (or reuses) and starts every terminal of the demo hall layout with simulated devices. */
export async function startDemoTerminals(opts: DemoTerminalsOptions): Promise<DemoTerminals> {
  const clock = opts.clock ?? { now: () => Date.now() };
  const loaded = loadFirmwareConfig(opts.firmwareDir);
  const logger = (id: string) =>
    opts.logger ?? createLogger({ level: 'warn', base: { service: 'demo-terminal', terminal: id } });
  const terminals: DemoTerminal[] = [];
  for (const e of demoTerminalEntries(opts)) {
    const profile = resolveTerminal(loaded.config, e.terminal);
    if (profile === undefined)
      throw new Error(`terminal profile "${e.terminal}" of ${e.id} did not load cleanly`);
    const dir = join(opts.stateDir, e.id);
    const device = await pairedDevice(opts, dir, e, logger(e.id), clock);
    const { devices, simulators } = buildSimulatedDevices(profile, {
      ...(opts.pollIntervalMs !== undefined ? { pollIntervalMs: opts.pollIntervalMs } : {}),
    });
    const agent = new TerminalAgent({
      serverUrl: opts.serverUrl,
      deviceToken: device.deviceToken,
      windowId: device.windowId,
      devices,
      journal: PrintJournal.open(dir, { now: () => clock.now() }),
      clock,
      logger: logger(e.id),
      transports: ['websocket'],
      reconnect: { initialMs: 500, maxMs: 5000, jitter: 0.5 },
      ...(opts.healthIntervalMs !== undefined ? { healthIntervalMs: opts.healthIntervalMs } : {}),
    });
    terminals.push({
      id: e.id,
      kind: e.kind,
      windowId: e.windowId,
      name: e.name,
      device,
      agent,
      simulators,
      chineseByDefault: profile.printer?.chineseMode === 'none',
    });
  }
  const demo = new DemoTerminals(terminals, clock);
  for (const t of terminals) t.agent.start();
  return demo;
}

/** Asks the server whether a terminal's stored device stands (`checkDemoDevice`). */
export type DemoPairing = (
  e: Pick<DemoTerminalEntry, 'id' | 'kind' | 'windowId' | 'name'>,
  stored: Pick<StoredDevice, 'deviceToken'> | null,
) => Promise<DemoDeviceCheck>;

/** The pairing answers of a server in this same process (tests). */
export function inProcessPairing(app: Pick<App, 'auth'>): DemoPairing {
  return async (e, stored) => checkDemoDevice(app, e, stored);
}

/**
 * The terminal's stored device while the server still knows it as such; otherwise a new pairing,
 * traded over `POST /api/devices/pair` as a real agent trades the code an admin gives it.
 */
async function pairedDevice(
  opts: DemoTerminalsOptions,
  dir: string,
  e: DemoTerminalEntry,
  logger: Logger,
  clock: Clock,
): Promise<StoredDevice> {
  const store = new TokenStore(dir);
  let stored: StoredDevice | null = null;
  try {
    stored = store.read();
  } catch {
    stored = null; // a malformed file: pair again
  }
  const check = await opts.pairing(e, stored === null ? null : { deviceToken: stored.deviceToken });
  if (check.keep && stored !== null) {
    if (stored.serverUrl === opts.serverUrl) return stored;
    const moved = { ...stored, serverUrl: opts.serverUrl };
    store.write(moved);
    return moved;
  }
  if (check.keep) throw new Error(`demo terminal ${e.id}: the server kept a device that is not stored`);
  store.clear();
  return ensurePaired({
    serverUrl: opts.serverUrl,
    stateDir: dir,
    pairingCode: check.code,
    logger,
    now: () => clock.now(),
  });
}

// ---------------------------------------------------------------------------------------------
// Control API

const fail = (res: Response, code: ApiError['code'], message: string) =>
  send(res, { ok: false, error: { code, message } });

/**
 * Who sent a control call, from its `authorization` header: in the server process its own auth
 * service; in the demo's terminals process a question to the server process (IPC).
 */
export type ControlAuthorizer = (authorization: string | undefined) => Promise<ControlCaller>;

/** The authorizer of a control API running in the server process itself (tests). */
export function inProcessAuthorizer(auth: App['auth']): ControlAuthorizer {
  return async (authorization) => callerOf(auth, authorization);
}

/** The control routes (`/api/demo/terminals…`), for manager and admin tokens only. */
export function demoTerminalsRouter(
  demo: DemoTerminals,
  authorize: ControlAuthorizer,
  serverUrl?: string,
): Router {
  const router = express.Router();
  // A kiosk's screen (the loopback handoff a real kiosk agent serves; screen-handoff.ts): open
  // http://127.0.0.1:<control port>/kiosk/k1 in a browser on this machine to be kiosk k1.
  router.get('/kiosk/:id', (req, res) => {
    const t = demo.get(String(req.params.id));
    if (t === undefined || t.kind !== 'kiosk' || serverUrl === undefined)
      return fail(res, 'NOT_FOUND', `no demo kiosk ${String(req.params.id)}`);
    screenHandoffHandler(() => kioskScreenUrl(serverUrl, t.device.deviceToken))(
      Object.assign(req, { url: '/screen' }),
      res,
    );
  });
  router.use((req, res, next) => {
    authorize(req.get('authorization')).then(
      (p) => {
        if (p.kind !== 'staff') return fail(res, 'UNAUTHENTICATED', 'a manager or admin token is required');
        if (!p.roles?.some((r) => r === 'manager' || r === 'admin'))
          return fail(res, 'FORBIDDEN', 'the demo devices are played by a manager or an admin');
        next();
      },
      () => fail(res, 'UNAVAILABLE', 'the server could not be asked who is calling'),
    );
  });
  const handle =
    (fn: (req: Request) => unknown | Promise<unknown>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        send(res, { ok: true, data: await fn(req) } as Ack<unknown>);
      } catch (err) {
        if (err instanceof DemoTerminalError) return fail(res, err.code, err.message);
        throw err;
      }
    };
  const id = (req: Request) => String(req.params.id);
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

  router.get(
    '/api/demo/terminals',
    handle(() => demo.list()),
  );
  router.post(
    '/api/demo/terminals/:id/card',
    handle((req) => {
      const sample = body(req).sample;
      if (!DEMO_CARD_SAMPLES.includes(sample as DemoCardSample))
        throw new DemoTerminalError('BAD_REQUEST', `sample: one of ${DEMO_CARD_SAMPLES.join(', ')}`);
      return demo.insertCard(id(req), sample as DemoCardSample);
    }),
  );
  router.delete(
    '/api/demo/terminals/:id/card',
    handle((req) => demo.removeCard(id(req))),
  );
  router.post(
    '/api/demo/terminals/:id/paper',
    handle((req) => {
      const state = body(req).state;
      if (!PAPER_STATES.includes(state as PaperState))
        throw new DemoTerminalError('BAD_REQUEST', `state: one of ${PAPER_STATES.join(', ')}`);
      return demo.setPaper(id(req), state as PaperState);
    }),
  );
  router.post(
    '/api/demo/terminals/:id/rate',
    handle((req) => {
      const level = body(req).level;
      if (typeof level !== 'number' || !Number.isInteger(level) || level < 1 || level > 5)
        throw new DemoTerminalError('BAD_REQUEST', 'level: an integer 1 to 5');
      return demo.rate(id(req), level as 1 | 2 | 3 | 4 | 5);
    }),
  );
  return router;
}

/** The control API on its own listener (127.0.0.1 by default). */
export async function startDemoControl(opts: {
  demo: DemoTerminals;
  authorize: ControlAuthorizer;
  port: number;
  host?: string;
  /** The queue server's address, for the kiosk screen redirects. */
  serverUrl?: string;
}): Promise<{ port: number; url: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '16kb' }));
  app.use(demoTerminalsRouter(opts.demo, opts.authorize, opts.serverUrl));
  app.use((_req, res) => fail(res, 'NOT_FOUND', 'no such endpoint'));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; message?: string };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
      return fail(res, 'BAD_REQUEST', 'malformed request');
    fail(res, 'INTERNAL', 'internal error');
  });
  const server: Server = createServer(app);
  const host = opts.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : opts.port);
    });
  });
  return {
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function firstLines(bytes: Uint8Array, chineseByDefault: boolean): string[] {
  try {
    return printedItems(decodeEscPos(bytes, { chineseByDefault }))
      .flatMap((i) => (i.kind === 'line' && i.text.trim() !== '' ? [i.text.trim()] : []))
      .slice(0, 6);
  } catch {
    return [];
  }
}

/** A Hong Kong/Macau/Taiwan residence permit: the resident layout with type letter 'J' at byte 248. */
function hkPermitText(): Uint8Array {
  const text = encodeBaseInfoText({
    ...SAMPLE_CARDS.young,
    name: '陈家明',
    address: '香港特别行政区九龙弥敦道100号',
    idNumber: '810000199901010011',
    issuer: '公安部出入境管理局',
  });
  text[248] = 'J'.charCodeAt(0);
  text[249] = 0;
  return text;
}
