/**
 * The terminal agent: one per hall PC with hardware (a kiosk or a counter). It holds a
 * Socket.IO connection to the queue server as its paired device and
 *
 * - prints the jobs the server sends (`device:print`), each `jobId` at most once (print-journal.ts),
 *   and answers every one (`device:print-result`) until the server has heard the answer; a job
 *   whose document does not parse with the shared print contract (`printDocumentSchema`) is
 *   answered `failed` with the bad fields' paths (render.ts), and nothing is printed;
 * - reports device health (`device:health`) on every change and every `healthIntervalMs`;
 * - relays resident ID cards and social security cards read on its readers to its own screen
 *   (`device:card`, source `resident-id` / `ssc`), and logs nothing about them (the SSC driver
 *   logs masked data only);
 * - on a counter, sends the citizen's press on the rating keypad as `ticket:rate` for the
 *   ticket its window finished last (SPEC RAT-2: its own window only).
 *
 * Everything it touches is injected (devices, journal, socket factory, clock, logger), so tests
 * drive it against a real server with simulated devices.
 */
import { EventEmitter } from 'node:events';
import {
  type CardError,
  type CardRead,
  type ClientToServerEvents,
  type DeviceHealth,
  type DocumentCameraSetting,
  PROTOCOL_VERSION,
  type PrintJob,
  type PrintResult,
  type PublicFact,
  parseIdNumber,
  type ReaderHealth,
  type ScanRequest,
  type ScanResult,
  type ServerToClientEvents,
} from '@onewindow/shared';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { IdCardReader, IdCardReaderError } from '../idcard/reader.ts';
import type { PrinterStatus, PrinterTransport } from '../printer/transport.ts';
import { PrinterUnavailableError } from '../printer/transport.ts';
import type { RatingPadDriver } from '../rating-pad/driver.ts';
import type { DocumentScanner } from '../scanner/sane.ts';
import { runScan } from '../scanner/scan-now.ts';
import type { SocialSecurityCardReader, SscCardEvent, SscErrorEvent, SscStatus } from '../ssc/reader.ts';
import { type Logger, silentLogger } from './log.ts';
import { DEFAULT_RETENTION_MS, maxJobAgeMs, type PrintJournal } from './print-journal.ts';
import { InvalidDocumentError, type PrinterSetup, reasonText, renderJob } from './render.ts';

export type AgentSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type SocketFactory = (url: string, opts: Partial<ManagerOptions & SocketOptions>) => AgentSocket;

export interface Clock {
  now(): number;
}

/** The devices of this terminal; absent = the terminal has none. The agent starts and closes them. */
export interface AgentDevices {
  printer?: { transport: PrinterTransport; setup: PrinterSetup };
  idCardReader?: IdCardReader;
  /** The social security card reader (PC/SC). */
  sscReader?: SocialSecurityCardReader;
  /** `driver: null`: the terminal has a pad but it could not be opened (reported 'disconnected'). */
  ratingPad?: { driver: RatingPadDriver | null };
  /** The window's document scanner (SANE, or the simulator), run on 扫描 (MAT-DEV-2). */
  documentScanner?: DocumentScanner;
  /** The window's 高拍仪 as its profile describes it; reported so the console opens it (MAT-DEV-3). */
  documentCamera?: DocumentCameraSetting;
}

export type AgentState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'revoked' | 'stopped';

/** What became of a pad press (for the UI and tests; the press itself is never logged with the ticket holder). */
export interface RatingOutcome {
  level: number;
  ticketId: string | null;
  sent: boolean;
  /** Why nothing was sent. */
  reason?: 'no-window' | 'no-finished-ticket' | 'already-rated' | 'too-late' | 'offline';
}

export interface TerminalAgentOptions {
  serverUrl: string;
  deviceToken: string;
  /** The window a counter agent serves; null for a kiosk (its keypad presses are ignored). */
  windowId: string | null;
  devices: AgentDevices;
  journal: PrintJournal;
  socketFactory?: SocketFactory;
  clock?: Clock;
  logger?: Logger;
  /** Health is sent on change and at least this often. Default 60 s. */
  healthIntervalMs?: number;
  /**
   * While the printer reports out of paper, near the end or offline, its status is asked this
   * often, so that reloaded paper clears the guides' alert within seconds. Default 2 s.
   */
  printerRecheckMs?: number;
  /**
   * A printer that answers `DLE EOT` is asked this often while all is well, so that a kiosk says
   * it cannot print before a citizen starts (not only when a job fails). Default 10 s.
   */
  printerPollMs?: number;
  /** A press later than this after the ticket finished is not sent. Default 2 min. */
  ratingWindowMs?: number;
  /** How long to wait for the server's answer to an emit. Default 10 s. */
  ackTimeoutMs?: number;
  /** Reconnection backoff: first delay, ceiling, and ± jitter fraction. Default 1 s, 30 s, 0.5. */
  reconnect?: { initialMs?: number; maxMs?: number; jitter?: number };
  /** Jobs created longer ago are refused unprinted. Default from the journal retention (2 days). */
  maxJobAgeMs?: number;
  /** Socket.IO transports; default Socket.IO's own (long-polling, upgraded to WebSocket). */
  transports?: ('websocket' | 'polling')[];
  /** Test hooks. */
  hooks?: {
    /** Runs once a job has ended here (bytes written or refused) and is journaled, before its answer is sent. */
    afterPrinterWrite?: (job: PrintJob, result: PrintResult) => void | Promise<void>;
  };
}

interface AgentEvents {
  state: [AgentState];
  /** A job ended here (printed or failed), or was answered again from the journal (`fromJournal`). */
  'print-result': [PrintResult & { fromJournal: boolean }];
  /** The server answered a print result. */
  'print-acknowledged': [PrintResult];
  health: [DeviceHealth];
  /** A card was read and relayed (`relayed`: other sockets of this device that got it). No card data. */
  'card-relayed': [{ relayed: number }];
  /** A card gave nothing and its code was relayed to the screen. */
  'card-error-relayed': [CardError & { relayed: number }];
  rating: [RatingOutcome];
  /** A scan asked by the console ended here (MAT-DEV-2). No case data beyond the ids. */
  'scan-result': [ScanResult];
  revoked: [];
}

const REASON_PAPER_OUT = '缺纸';
const REASON_PAPER_OUT_DURING = '打印中缺纸，单据可能不完整';
const REASON_OFFLINE = '打印机离线';
const COMPACT_EVERY_MS = 6 * 3600_000;
/** A card still on the reader is given to a screen that connects later, for this long after its read. */
const CARD_HELD_MS = 120_000;

export class TerminalAgent extends EventEmitter<AgentEvents> {
  readonly #o: TerminalAgentOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #healthIntervalMs: number;
  readonly #printerRecheckMs: number;
  #printerRecheck: NodeJS.Timeout | null = null;
  #printerPoll: NodeJS.Timeout | null = null;
  readonly #ratingWindowMs: number;
  readonly #ackTimeoutMs: number;
  readonly #maxJobAgeMs: number;
  readonly #backoff: { initialMs: number; maxMs: number; jitter: number };

  #state: AgentState = 'idle';
  #socket: AgentSocket | null = null;
  #health: DeviceHealth = {};
  #healthTimer: NodeJS.Timeout | null = null;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #compactTimer: NodeJS.Timeout | null = null;
  #manualAttempts = 0;
  #printChain: Promise<void> = Promise.resolve();
  /** Jobs queued or printing in this process (a re-sent copy is ignored meanwhile). */
  readonly #queued = new Set<string>();
  /** Results the server has not answered yet. */
  readonly #unacked = new Map<string, PrintResult>();
  readonly #acking = new Set<string>();
  #lastFinished: { ticketId: string; at: number; rated: boolean } | null = null;
  /**
   * A card on a reader that no screen has had yet, kept only until a screen gets it, it is
   * removed, or {@link CARD_HELD_MS} passes: DEV-7.
   */
  #cardOnReader: { card: CardRead; at: number } | null = null;
  /** The scan running now (one at a time: the scanner has one glass). */
  #scanning: string | null = null;
  #stopping = false;

  constructor(opts: TerminalAgentOptions) {
    super();
    this.#o = opts;
    this.#clock = opts.clock ?? { now: () => Date.now() };
    this.#log = opts.logger ?? silentLogger;
    this.#healthIntervalMs = opts.healthIntervalMs ?? 60_000;
    this.#printerRecheckMs = opts.printerRecheckMs ?? 2000;
    this.#ratingWindowMs = opts.ratingWindowMs ?? 120_000;
    this.#ackTimeoutMs = opts.ackTimeoutMs ?? 10_000;
    this.#maxJobAgeMs = opts.maxJobAgeMs ?? maxJobAgeMs(DEFAULT_RETENTION_MS);
    this.#backoff = {
      initialMs: opts.reconnect?.initialMs ?? 1000,
      maxMs: opts.reconnect?.maxMs ?? 30_000,
      jitter: opts.reconnect?.jitter ?? 0.5,
    };
  }

  get state(): AgentState {
    return this.#state;
  }

  get health(): DeviceHealth {
    return { ...this.#health };
  }

  /** The live socket (tests force drops with `socket.io.engine.close()`). */
  get socket(): AgentSocket | null {
    return this.#socket;
  }

  /** Starts the devices and connects. */
  start(): void {
    if (this.#state !== 'idle') throw new Error(`agent already ${this.#state}`);
    const { printer, idCardReader, sscReader, ratingPad } = this.#o.devices;

    // Jobs the last run left mid-print are answered as failed 'interrupted' (never printed again).
    for (const r of this.#o.journal.interrupted) {
      this.#log.warn('print job interrupted by a restart; reported failed, not printed again', {
        jobId: r.jobId,
      });
      this.#unacked.set(r.jobId, r);
    }

    if (printer !== undefined) {
      // A printer that can be asked is reported once it answered (or did not: 'offline').
      if (printer.setup.statusQuery) {
        void this.#refreshPrinter();
        this.#printerPoll = setInterval(() => void this.#refreshPrinter(), this.#o.printerPollMs ?? 10_000);
        this.#printerPoll.unref?.();
      } else this.#health.printer = 'ok';
    }
    if (idCardReader !== undefined) {
      if (idCardReader.status !== undefined) this.#health.idCardReader = idCardReader.status;
      idCardReader.on('status', (s) => this.#setHealth({ idCardReader: s }));
      idCardReader.on('error', (e) => {
        this.#log.warn('id card reader', { code: e.code, detail: e.detail });
        const code = idCardErrorCode(e);
        if (code !== null) this.#relayCardError({ source: 'resident-id', code });
      });
      idCardReader.on('removed', () => this.#cardRemoved('resident-id'));
      idCardReader.on('card', (card) =>
        this.#relayCard({
          source: 'resident-id',
          idNumber: card.idNumber,
          name: card.name,
          sex: card.sex,
          birthDate: card.birthDate,
          // Where the citizen lives now: the address appended after a move, else the printed one.
          address: card.addressUpdate ?? card.address,
        }),
      );
      idCardReader.start();
    }
    if (sscReader !== undefined) {
      const connected = new Set<string>();
      sscReader.on('status', (s) => {
        if (s.state === 'binding-unavailable')
          this.#log.warn(
            'social security card reader: PC/SC binding unavailable; reported "driver-missing"',
            {
              detail: s.detail,
            },
          );
        const health = sscHealth(s, connected);
        if (health !== undefined) this.#setHealth({ sscReader: health });
      });
      sscReader.on('error', (e) => {
        this.#log.warn('social security card reader', { code: e.code, detail: e.detail });
        this.#relayCardError({ source: 'ssc', code: sscErrorCode(e) });
      });
      sscReader.on('removed', () => this.#cardRemoved('ssc'));
      sscReader.on('card', (card) => this.#relayCard(sscCardRead(card)));
      sscReader.start();
    }
    if (ratingPad !== undefined) {
      const driver = ratingPad.driver;
      this.#health.ratingPad = driver === null ? 'disconnected' : 'connected';
      driver?.on('rating', (level: number) => this.#onRating(level));
      driver?.on('error', (e: Error) => {
        this.#log.warn('rating pad', { error: e });
        this.#setHealth({ ratingPad: 'disconnected' });
      });
      driver?.on('ignored', (input: string) => this.#log.debug('rating pad key not mapped', { input }));
    }

    if (this.#o.devices.documentScanner !== undefined) this.#health.documentScanner = 'ready';
    if (this.#o.devices.documentCamera !== undefined)
      this.#health.documentCamera = this.#o.devices.documentCamera;

    this.#connect();
    this.#healthTimer = setInterval(() => void this.#periodicHealth(), this.#healthIntervalMs);
    this.#healthTimer.unref?.();
    // The journal is compacted at start; a PC that runs for weeks compacts it again now and then.
    this.#compactTimer = setInterval(() => this.#o.journal.compact(), COMPACT_EVERY_MS);
    this.#compactTimer.unref?.();
  }

  /** Finishes the job being printed (up to `graceMs`), disconnects and closes the devices. */
  async stop(graceMs = 10_000): Promise<void> {
    await this.#shutdown('stopped', graceMs);
  }

  // ---------------------------------------------------------------------------------------------
  // Connection

  #connect(): void {
    this.#setState('connecting');
    const factory: SocketFactory = this.#o.socketFactory ?? ((url, opts) => io(url, opts));
    const socket = factory(this.#o.serverUrl, {
      auth: { deviceToken: this.#o.deviceToken, protocol: PROTOCOL_VERSION },
      forceNew: true,
      reconnection: true,
      reconnectionDelay: this.#backoff.initialMs,
      reconnectionDelayMax: this.#backoff.maxMs,
      randomizationFactor: this.#backoff.jitter,
      ...(this.#o.transports ? { transports: this.#o.transports } : {}),
    });
    this.#socket = socket;

    socket.on('connect', () => {
      this.#manualAttempts = 0;
      this.#setState('connected');
      this.#log.info('connected to the queue server', { serverUrl: this.#o.serverUrl });
      for (const jobId of this.#unacked.keys()) this.#sendResult(jobId);
      this.#sendHealth();
      this.#relayHeldCard();
    });
    socket.on('disconnect', (reason) => {
      if (this.#stopping) return;
      this.#setState('disconnected');
      this.#log.warn('disconnected from the queue server', { reason });
      // The server closed this socket itself (a revocation, or a restart that kicks sockets):
      // Socket.IO does not reconnect on its own then. Try again; a revoked token is told apart
      // by the handshake's UNAUTHENTICATED.
      if (reason === 'io server disconnect') this.#reconnectLater();
    });
    socket.on('connect_error', (err) => {
      if (this.#stopping) return;
      if (err.message === 'UNAUTHENTICATED') {
        void this.#shutdown('revoked');
        return;
      }
      this.#log.warn('cannot connect to the queue server', { error: err.message });
      // `active` is false when the server refused the handshake (not a network error):
      // Socket.IO leaves retrying to us.
      if (!socket.active) this.#reconnectLater();
    });
    socket.on('device:print', (job) => this.#onPrint(job));
    socket.on('hall:fact', (fact) => this.#onFact(fact));
    socket.on('device:peer-joined', () => this.#relayHeldCard());
    socket.on('device:scan', (req) => void this.#onScan(req));
  }

  // ---------------------------------------------------------------------------------------------
  // Scanning (MAT-DEV-2)

  async #onScan(req: ScanRequest): Promise<void> {
    if (typeof req?.requestId !== 'string' || req.requestId === '') return;
    const scanner = this.#o.devices.documentScanner;
    const refuse = (code: 'no-device' | 'busy', detail: string): ScanResult => ({
      requestId: req.requestId,
      status: 'failed',
      code,
      pages: 0,
      detail,
    });
    let result: ScanResult;
    if (scanner === undefined) result = refuse('no-device', 'this terminal has no document scanner');
    else if (this.#scanning !== null) result = refuse('busy', `scan ${this.#scanning} is still running here`);
    else {
      this.#scanning = req.requestId;
      this.#setHealth({ documentScanner: 'scanning' });
      this.#log.info('scan asked', { requestId: req.requestId });
      result = await runScan(scanner, { url: this.#o.serverUrl, deviceToken: this.#o.deviceToken }, req);
      this.#scanning = null;
      // The scanner's own trouble is a guide alert; an empty feeder or a refused upload is not.
      const broken =
        result.status === 'failed' && ['no-device', 'jammed', 'timeout', 'failed'].includes(result.code);
      this.#setHealth({ documentScanner: broken ? 'failed' : 'ready' });
    }
    this.#log.info('scan ended', {
      requestId: result.requestId,
      status: result.status,
      pages: result.pages,
      ...(result.status === 'failed' ? { code: result.code, detail: result.detail } : {}),
    });
    this.emit('scan-result', result);
    const socket = this.#socket;
    if (socket === null || !socket.connected) return;
    await socket
      .timeout(this.#ackTimeoutMs)
      .emitWithAck('device:scan-result', result)
      .catch(() =>
        this.#log.warn('the server did not answer a scan result', { requestId: result.requestId }),
      );
  }

  #reconnectLater(): void {
    if (this.#reconnectTimer !== null || this.#stopping) return;
    const { initialMs, maxMs, jitter } = this.#backoff;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(this.#manualAttempts, 20));
    const delay = Math.max(0, Math.round(base * (1 + jitter * (2 * Math.random() - 1))));
    this.#manualAttempts++;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (this.#stopping || this.#socket === null || this.#socket.connected) return;
      this.#setState('connecting');
      this.#socket.connect();
    }, delay);
    this.#reconnectTimer.unref?.();
  }

  async #shutdown(final: 'stopped' | 'revoked', graceMs = 10_000): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#healthTimer !== null) clearInterval(this.#healthTimer);
    if (this.#reconnectTimer !== null) clearTimeout(this.#reconnectTimer);
    if (this.#compactTimer !== null) clearInterval(this.#compactTimer);
    if (this.#printerRecheck !== null) clearTimeout(this.#printerRecheck);
    if (this.#printerPoll !== null) clearInterval(this.#printerPoll);
    this.#printerPoll = null;
    this.#printerRecheck = null;
    this.#healthTimer = null;
    this.#reconnectTimer = null;
    if (final === 'revoked') {
      this.#log.error('the device token was revoked or is unknown to the server: stopping (pair again)');
      this.#socket?.disconnect();
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#printChain,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.#socket?.disconnect();
    const { printer, idCardReader, sscReader, ratingPad } = this.#o.devices;
    sscReader?.stop();
    await Promise.allSettled([idCardReader?.stop(), ratingPad?.driver?.close(), printer?.transport.close()]);
    this.#o.journal.close();
    this.#setState(final);
    if (final === 'revoked') this.emit('revoked');
  }

  #setState(s: AgentState): void {
    if (this.#state === s || this.#state === 'revoked' || this.#state === 'stopped') return;
    this.#state = s;
    this.emit('state', s);
  }

  // ---------------------------------------------------------------------------------------------
  // Printing

  #onPrint(job: PrintJob): void {
    if (typeof job?.jobId !== 'string' || job.jobId === '') {
      this.#log.warn('print job without a job id ignored');
      return;
    }
    const { jobId } = job;
    const known = this.#o.journal.outcome(jobId);
    if (known === 'printing' || this.#queued.has(jobId)) return; // this process is on it
    if (known !== undefined) {
      // Printed or failed before (before a reconnect, or a restart): answer, never print again.
      this.#log.info('print job already handled; answering from the journal', {
        jobId,
        status: known.status,
      });
      this.emit('print-result', { ...known, fromJournal: true });
      this.#unacked.set(jobId, known);
      this.#sendResult(jobId);
      return;
    }
    this.#queued.add(jobId);
    const run = this.#printChain.then(() => this.#print(job));
    this.#printChain = run
      .catch((e: unknown) => this.#log.error('print job crashed', { jobId, error: e }))
      .finally(() => this.#queued.delete(jobId));
  }

  async #print(job: PrintJob): Promise<void> {
    if (this.#stopping) return; // not journaled: the server sends it again after the restart
    const { jobId } = job;
    const printer = this.#o.devices.printer;
    let result: PrintResult;
    let bytes: Uint8Array | null = null;
    if (typeof job.createdAt === 'number' && job.createdAt < this.#clock.now() - this.#maxJobAgeMs) {
      result = { jobId, status: 'failed', reason: '打印任务已过期' };
    } else if (printer === undefined) {
      result = { jobId, status: 'failed', reason: '本终端没有打印机' };
    } else {
      try {
        bytes = renderJob(job.document, printer.setup);
        result = { jobId, status: 'printed' }; // provisional: decided below
      } catch (e) {
        result = {
          jobId,
          status: 'failed',
          reason: reasonText(e instanceof InvalidDocumentError ? e.reason : `单据无法生成: ${String(e)}`),
        };
      }
    }

    if (printer !== undefined && bytes !== null) {
      const status = printer.setup.statusQuery ? await printer.transport.queryStatus() : 'ok';
      if (printer.setup.statusQuery) this.#setHealth({ printer: status });
      if (status === 'out') result = { jobId, status: 'failed', reason: REASON_PAPER_OUT };
      else if (status === 'offline') result = { jobId, status: 'failed', reason: REASON_OFFLINE };
      else {
        // The at-most-once point: durable 'printing' before the first byte leaves.
        this.#o.journal.begin(jobId);
        try {
          await printer.transport.write(bytes);
          result = { jobId, status: 'printed' };
          // Bytes in the printer are not a slip in the citizen's hand: a roll that ended during
          // the job leaves it cut short, so ask the paper sensor again before calling it printed.
          if (printer.setup.statusQuery) {
            const after = await printer.transport.queryStatus();
            this.#setHealth({ printer: after });
            if (after === 'out') result = { jobId, status: 'failed', reason: REASON_PAPER_OUT_DURING };
          }
        } catch (e) {
          result = { jobId, status: 'failed', reason: reasonText(writeFailure(e)) };
          if (e instanceof PrinterUnavailableError) this.#setHealth({ printer: e.status });
        }
      }
    }

    this.#o.journal.finish(result);
    if (result.status === 'printed') this.#log.info('printed', { jobId, type: job.document?.type });
    else this.#log.warn('print job failed', { jobId, reason: result.reason });
    await this.#o.hooks?.afterPrinterWrite?.(job, result);
    this.emit('print-result', { ...result, fromJournal: false });
    this.#unacked.set(jobId, result);
    this.#sendResult(jobId);
  }

  /** Sends a result until the server answers it (any answer: a duplicate is a no-op there). */
  #sendResult(jobId: string): void {
    const result = this.#unacked.get(jobId);
    const socket = this.#socket;
    if (result === undefined || socket === null || !socket.connected || this.#acking.has(jobId)) return;
    this.#acking.add(jobId);
    socket
      .timeout(this.#ackTimeoutMs)
      .emitWithAck('device:print-result', result)
      .then(
        (ack) => {
          this.#acking.delete(jobId);
          if (this.#unacked.get(jobId) === result) this.#unacked.delete(jobId);
          if (!ack.ok) this.#log.warn('the server refused a print result', { jobId, code: ack.error.code });
          this.emit('print-acknowledged', result);
        },
        () => {
          // Disconnected or no answer in time: the next connect sends it again; a slow server
          // gets it again after another timeout.
          this.#acking.delete(jobId);
          if (this.#socket?.connected && !this.#stopping) {
            const t = setTimeout(() => this.#sendResult(jobId), this.#ackTimeoutMs);
            t.unref?.();
          }
        },
      );
  }

  // ---------------------------------------------------------------------------------------------
  // Health

  async #refreshPrinter(): Promise<PrinterStatus | undefined> {
    const printer = this.#o.devices.printer;
    if (printer === undefined || !printer.setup.statusQuery || this.#stopping) return undefined;
    const status = await printer.transport.queryStatus();
    this.#setHealth({ printer: status });
    return status;
  }

  async #periodicHealth(): Promise<void> {
    await this.#refreshPrinter();
    this.#sendHealth();
  }

  #setHealth(patch: Partial<DeviceHealth>): void {
    if (this.#stopping) return;
    const next = { ...this.#health, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.#health)) return;
    this.#health = next;
    this.#log.info('device health', { health: next });
    this.emit('health', { ...next });
    this.#sendHealth();
    this.#watchPrinter();
  }

  /** While the printer is not 'ok', asks it again every few seconds (not only every health interval). */
  #watchPrinter(): void {
    const printer = this.#o.devices.printer;
    if (printer === undefined || !printer.setup.statusQuery || this.#stopping) return;
    if (this.#health.printer === 'ok' || this.#health.printer === undefined || this.#printerRecheck !== null)
      return;
    this.#printerRecheck = setTimeout(() => {
      void this.#refreshPrinter().finally(() => {
        this.#printerRecheck = null;
        this.#watchPrinter();
      });
    }, this.#printerRecheckMs);
    this.#printerRecheck.unref?.();
  }

  #sendHealth(): void {
    const socket = this.#socket;
    if (socket === null || !socket.connected) return;
    const health = { ...this.#health };
    socket
      .timeout(this.#ackTimeoutMs)
      .emitWithAck('device:health', health)
      .then(
        (ack) => {
          if (!ack.ok) this.#log.warn('the server refused a health report', { code: ack.error.code });
        },
        () => undefined, // sent again on the next connect and every interval
      );
  }

  // ---------------------------------------------------------------------------------------------
  // Cards

  #relayCard(card: CardRead): void {
    // Held only while it lies on the reader: a screen that connects meanwhile gets it (DEV-7).
    this.#cardOnReader = { card, at: this.#clock.now() };
    this.#sendCard(card);
  }

  #cardRemoved(source: CardRead['source']): void {
    if (this.#cardOnReader?.card.source === source) this.#cardOnReader = null;
  }

  /** A screen connected (or this agent reconnected): the card still on the reader goes to it. */
  #relayHeldCard(): void {
    const held = this.#cardOnReader;
    if (held === null) return;
    if (this.#clock.now() - held.at > CARD_HELD_MS) {
      this.#cardOnReader = null;
      return;
    }
    this.#sendCard(held.card);
  }

  /** Only the code goes: nothing read from the card. Not held: it concerns the citizen there now. */
  #relayCardError(e: CardError): void {
    const socket = this.#socket;
    if (socket === null || !socket.connected) return;
    socket
      .timeout(this.#ackTimeoutMs)
      .emitWithAck('device:card-error', e)
      .then(
        (ack) => {
          if (!ack.ok) this.#log.warn('the server refused a card error', { code: ack.error.code });
          else this.emit('card-error-relayed', { ...e, relayed: ack.data.relayed });
        },
        () => this.#log.warn('card error not acknowledged'),
      );
  }

  #sendCard(card: CardRead): void {
    const socket = this.#socket;
    // Never buffered for later: a card read while offline and gone from the reader is dropped,
    // not delivered to a screen minutes later when someone else stands there.
    if (socket === null || !socket.connected) {
      this.#log.warn('card read while offline; not relayed');
      return;
    }
    socket
      .timeout(this.#ackTimeoutMs)
      .emitWithAck('device:card', card)
      .then(
        (ack) => {
          if (!ack.ok) {
            this.#log.warn('the server refused a card read', { code: ack.error.code });
            return;
          }
          this.#log.info('card read relayed', { relayed: ack.data.relayed });
          // A screen has it: nothing is held, so a card forgotten on the reader is never handed to
          // the next screen that connects (a reload after its owner left).
          if (ack.data.relayed > 0 && this.#cardOnReader?.card === card) this.#cardOnReader = null;
          this.emit('card-relayed', { relayed: ack.data.relayed });
        },
        () => this.#log.warn('card read not acknowledged'),
      );
  }

  // ---------------------------------------------------------------------------------------------
  // Ratings (counters)

  #onFact(fact: PublicFact): void {
    const windowId = this.#o.windowId;
    if (windowId === null || fact?.type !== 'ticket:finished') return;
    const t = fact.tickets.find((x) => x.windowId === windowId && x.status === 'done');
    if (t === undefined) return;
    this.#lastFinished = { ticketId: t.id, at: this.#clock.now(), rated: false };
  }

  #onRating(level: number): void {
    const outcome = this.#rate(level);
    if (!outcome.sent) this.#log.info('rating press not sent', { level, reason: outcome.reason });
    this.emit('rating', outcome);
  }

  #rate(level: number): RatingOutcome {
    if (this.#o.windowId === null) return { level, ticketId: null, sent: false, reason: 'no-window' };
    const last = this.#lastFinished;
    if (last === null) return { level, ticketId: null, sent: false, reason: 'no-finished-ticket' };
    const { ticketId } = last;
    if (last.rated) return { level, ticketId, sent: false, reason: 'already-rated' };
    if (this.#clock.now() - last.at > this.#ratingWindowMs)
      return { level, ticketId, sent: false, reason: 'too-late' };
    const socket = this.#socket;
    if (socket === null || !socket.connected) return { level, ticketId, sent: false, reason: 'offline' };
    last.rated = true;
    socket
      .timeout(this.#ackTimeoutMs)
      .emitWithAck('ticket:rate', { ticketId, level, idempotencyKey: `keypad:${ticketId}` })
      .then(
        (ack) => {
          if (ack.ok) this.#log.info('rating sent', { ticketId, level });
          else this.#log.warn('the server refused a rating', { ticketId, code: ack.error.code });
        },
        () => this.#log.warn('rating not acknowledged', { ticketId }),
      );
    return { level, ticketId, sent: true };
  }
}

/**
 * The `sscReader` health of a driver status; `connected` tracks the matching readers attached
 * (a dual-interface reader shows two). undefined: no change to report.
 */
/**
 * The health the guides see of a social security card reader: a missing binding (the optional
 * native module was not built) is told apart from a PC/SC service that is down.
 */
export function sscHealth(s: SscStatus, connected: Set<string>): ReaderHealth | undefined {
  switch (s.state) {
    case 'stopped':
      return undefined;
    case 'binding-unavailable':
      connected.clear();
      return 'driver-missing';
    case 'service-not-running':
      connected.clear();
      return 'service-not-running';
    case 'service-running':
      connected.clear();
      return 'disconnected';
    case 'reader-connected':
      connected.add(s.reader);
      return 'connected';
    case 'reader-disconnected':
      connected.delete(s.reader);
      return connected.size > 0 ? 'connected' : 'disconnected';
  }
}

/** What the citizen is told of an ID-card reader error; null for a reader fault (the guides see those). */
export function idCardErrorCode(e: IdCardReaderError): CardError['code'] | null {
  if (e.aboutCard !== true) return null;
  if (e.code !== 'DECODE') return 'read-failed';
  // A HK/Macao/Taiwan residence permit or a foreigner's card: another layout, not taken here.
  if (e.decode === 'UNSUPPORTED_CARD') return 'not-accepted';
  return e.decode === 'BAD_LENGTH' ? 'read-failed' : 'invalid';
}

/** What the citizen is told of a social security card that gave nothing. */
export function sscErrorCode(e: SscErrorEvent): CardError['code'] {
  switch (e.code) {
    case 'NOT_SSC':
      return 'not-accepted';
    case 'PIN_REQUIRED':
      return 'pin-required';
    case 'BAD_ID_NUMBER':
    case 'BAD_RECORD':
    case 'RECORD_NOT_FOUND':
      return 'invalid';
    case 'CARD_STATUS':
    case 'TRANSMIT_FAILED':
    case 'CONNECT_FAILED':
      return 'read-failed';
  }
}

/** What the screen gets of a social security card: birth date from the ID number, no address. */
function sscCardRead(card: SscCardEvent): CardRead {
  const parsed = parseIdNumber(card.idNumber);
  return {
    source: 'ssc',
    idNumber: card.idNumber,
    name: card.name,
    sex: card.sex === 'M' ? '男' : card.sex === 'F' ? '女' : null,
    birthDate: parsed.ok ? parsed.value.birthDate : null,
    address: null,
  };
}

function writeFailure(e: unknown): string {
  if (e instanceof PrinterUnavailableError) return e.status === 'out' ? REASON_PAPER_OUT : REASON_OFFLINE;
  return `打印失败: ${e instanceof Error ? e.message : String(e)}`;
}
