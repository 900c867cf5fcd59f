/**
 * The resident ID card reader driver: polls a SAM reader over any {@link SamTransport} and
 * reports cards, their removal, errors and the connection status.
 *
 * Poll cycle (every `pollIntervalMs`, 300 ms by default):
 * - find (`20 01`). `9F` with no card held → select (`20 02`) → read base info (`30 01`) →
 *   decode → `card`. `9F` while the card already read is still there → nothing: a card is read
 *   once per placement.
 * - `80` for `removalPolls` consecutive polls (2) after a `card` → `removed`.
 * Every command has a timeout (1.5 s; 3 s for the read, which moves 1.3 KB over the air and the
 * wire). An answer with a bad checksum or length fails its command at once, and one that stops
 * half-way fails it at the timeout as truncated (`FRAME`, not `TIMEOUT`). A failed read (a
 * `41`, a bad or truncated frame, no answer) counts against the placement: after
 * `maxReadAttempts` the driver gives up on that card until it is removed. After `failuresBeforeReset` consecutive failures (timeouts, unexpected SAM statuses)
 * the SAM is reset (`10 FF`) and checked (`11 FF`); if that fails too the transport is closed,
 * `status` goes `disconnected`, and it is reopened every `reconnectDelayMs`.
 *
 * Nothing here logs. Events carry the card to the listener only; error details never contain
 * card data, so they may be logged as they are.
 */

import { EventEmitter } from 'node:events';
import {
  type BaseInfoErrorCode,
  decodeBaseInfo,
  decodeNewAddress,
  type ResidentIdCard,
  splitBaseInfoData,
} from './base-info.ts';
import {
  type DecodedFrame,
  encodeNamedCommand,
  FrameDecoder,
  parseResponsePayload,
  type SamCommandName,
  type SamResponse,
} from './sam-frame.ts';
import type { SamTransport } from './transport.ts';

/** Whether the driver currently talks to a working SAM. */
export type ReaderStatus = 'connected' | 'disconnected';

/** Kinds of trouble the driver reports. */
export type IdCardReaderErrorCode =
  /** The SAM answered "read failed" (`41`) or an unexpected status while reading a card. */
  | 'READ_FAILED'
  /** The card was read but its data was refused (see `decode`). */
  | 'DECODE'
  /** A command got no answer in time. */
  | 'TIMEOUT'
  /** The answer arrived damaged: bad checksum, impossible length, or cut off (truncated). */
  | 'FRAME'
  /** The SAM answered an unexpected status outside a card read (self-check failed, …). */
  | 'SAM'
  /** The transport could not be opened, failed or closed. */
  | 'TRANSPORT';

/** An `error` event. Safe to log: no card data. */
export interface IdCardReaderError {
  code: IdCardReaderErrorCode;
  /** Simplified Chinese, for the citizen at the kiosk. */
  message: string;
  /** Precise English for logs. */
  detail: string;
  /** For `DECODE`: why the data was refused. */
  decode?: BaseInfoErrorCode;
  /** The trouble is the card placed now (a failed or refused read), not the reader: the citizen is told. */
  aboutCard?: true;
}

/** Events of {@link IdCardReader}. */
export interface IdCardReaderEvents {
  /** A card was placed and read. Emitted once per placement. */
  card: [ResidentIdCard];
  /** The card of the last `card` event left the reader. */
  removed: [];
  error: [IdCardReaderError];
  /** The connection changed (the first known status is reported too). */
  status: [ReaderStatus];
}

/** Options of {@link IdCardReader}. */
export interface IdCardReaderOptions {
  /** Opens the transport; called on start and again after the connection is lost. */
  open: () => Promise<SamTransport>;
  /** Pause between polls. Default 300 ms. */
  pollIntervalMs?: number;
  /** Timeout of every command except the read. Default 1500 ms. */
  commandTimeoutMs?: number;
  /** Timeout of the base-info read and of the SAM reset. Default 3000 ms. */
  readTimeoutMs?: number;
  /** Consecutive "no card" answers after a read that mean the card is gone. Default 2. */
  removalPolls?: number;
  /** Consecutive failed reads of one placement before giving up on it until it is removed. Default 3. */
  maxReadAttempts?: number;
  /** Consecutive command failures before the SAM is reset. Default 3. */
  failuresBeforeReset?: number;
  /** Wait before reopening a lost or unopenable transport. Default 2000 ms. */
  reconnectDelayMs?: number;
  /** The profile's `readsAddressUpdate`: after the base info, read the appended address (`30 03`). Default false. */
  readsAddressUpdate?: boolean;
  /**
   * The profile's `fingerprint`: the reader answers the read with the fingerprint layout, so read
   * with `30 10` and skip the fingerprint block (it is never kept). Default false.
   */
  fingerprint?: boolean;
}

const MSG_READ_AGAIN = '身份证读取失败，请将身份证重新放置在读卡区';
const MSG_READER_FAULT = '身份证阅读器暂时无法使用，请联系工作人员';

/** What the driver knows of the card on the reader. */
type Presence =
  | { kind: 'absent' }
  | { kind: 'reading'; attempts: number; misses: number }
  | { kind: 'read'; misses: number }
  | { kind: 'gave-up'; misses: number };

class CommandTimeout extends Error {
  constructor(readonly command: SamCommandName) {
    super(`no answer to ${command} in time`);
  }
}

class UnexpectedStatus extends Error {
  constructor(
    readonly command: SamCommandName,
    readonly response: SamResponse,
  ) {
    const s = response.status;
    super(
      `${command}: SAM status 0x${response.sw3.toString(16).padStart(2, '0')}${s.kind === 'error' ? ` (${s.description})` : ` (${s.kind})`}`,
    );
  }
}

/** An answer that arrived damaged (bad checksum or length) or cut off. */
class FrameFault extends Error {
  constructor(
    readonly command: SamCommandName,
    readonly kind: 'BAD_CHECKSUM' | 'BAD_LENGTH' | 'TRUNCATED',
    detail: string,
  ) {
    super(`${command}: ${kind === 'TRUNCATED' ? 'truncated answer' : 'damaged answer'} (${kind}): ${detail}`);
  }
}

class TransportFailure extends Error {}

class Stopped extends Error {}

/** The SAM ID card reader driver. Create, subscribe, {@link start}; {@link stop} when done. */
export class IdCardReader extends EventEmitter<IdCardReaderEvents> {
  private readonly opts: Required<IdCardReaderOptions>;
  private transport: SamTransport | undefined;
  private unsubscribe: (() => void)[] = [];
  private decoder = new FrameDecoder();
  private pending:
    | { command: SamCommandName; resolve: (r: SamResponse) => void; reject: (e: Error) => void }
    | undefined;
  private presence: Presence = { kind: 'absent' };
  private failures = 0;
  private currentStatus: ReaderStatus | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(options: IdCardReaderOptions) {
    super();
    this.opts = {
      pollIntervalMs: 300,
      commandTimeoutMs: 1500,
      readTimeoutMs: 3000,
      removalPolls: 2,
      maxReadAttempts: 3,
      failuresBeforeReset: 3,
      reconnectDelayMs: 2000,
      readsAddressUpdate: false,
      fingerprint: false,
      ...options,
    };
  }

  /** The last reported connection status; `undefined` before the first connection attempt ends. */
  get status(): ReaderStatus | undefined {
    return this.currentStatus;
  }

  /** Starts polling. Calling it again while running does nothing. */
  start(): void {
    if (this.running !== undefined) {
      return;
    }
    this.stopping = false;
    this.running = this.loop();
  }

  /**
   * Stops polling, waits for the command in flight to end, and closes the transport. No event
   * follows; {@link status} is `undefined` again.
   */
  async stop(): Promise<void> {
    if (this.running === undefined) {
      return;
    }
    this.stopping = true;
    this.pending?.reject(new Stopped('stopped'));
    this.wake?.();
    await this.running;
    this.running = undefined;
    await this.disconnect();
    // A later start() begins afresh: a card still on the reader is read again.
    this.presence = { kind: 'absent' };
    this.failures = 0;
    this.currentStatus = undefined;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      if (this.transport === undefined && !(await this.connect())) {
        await this.sleep(this.opts.reconnectDelayMs);
        continue;
      }
      try {
        await this.poll();
        this.failures = 0;
      } catch (err) {
        if (err instanceof Stopped || this.stopping) {
          break;
        }
        await this.failed(err);
      }
      await this.sleep(this.opts.pollIntervalMs);
    }
  }

  /** Opens the transport and checks the SAM; false (and `disconnected`) when either fails. */
  private async connect(): Promise<boolean> {
    let transport: SamTransport;
    try {
      transport = await this.opts.open();
    } catch (err) {
      this.setStatus('disconnected', {
        code: 'TRANSPORT',
        message: MSG_READER_FAULT,
        detail: `opening the reader failed: ${errorText(err)}`,
      });
      return false;
    }
    if (this.stopping) {
      await transport.close();
      return false;
    }
    this.attach(transport);
    try {
      const status = await this.command('status', this.opts.commandTimeoutMs);
      if (status.status.kind !== 'ok') {
        await this.resetSam();
      }
      this.failures = 0;
      this.setStatus('connected');
      return true;
    } catch (err) {
      await this.disconnect();
      if (!(err instanceof Stopped) && !this.stopping) {
        this.setStatus('disconnected', {
          code: err instanceof CommandTimeout ? 'TIMEOUT' : 'SAM',
          message: MSG_READER_FAULT,
          detail: `reader did not pass its status check: ${errorText(err)}`,
        });
      }
      return false;
    }
  }

  private attach(transport: SamTransport): void {
    this.transport = transport;
    this.decoder = new FrameDecoder();
    const decoder = this.decoder;
    decoder.on('frame', (frame) => this.onFrame(frame));
    // A damaged answer fails the command waiting for it now, instead of at its timeout.
    decoder.on('error', (err) => {
      const pending = this.pending;
      if (pending === undefined) return;
      decoder.reset();
      pending.reject(new FrameFault(pending.command, err.code, err.message));
    });
    this.unsubscribe = [
      transport.onData((chunk) => decoder.push(chunk)),
      transport.onClose((err) => {
        if (this.transport !== transport) {
          return;
        }
        this.detach();
        this.pending?.reject(new TransportFailure(`transport closed${err ? `: ${err.message}` : ''}`));
        if (!this.stopping) {
          this.setStatus('disconnected', {
            code: 'TRANSPORT',
            message: MSG_READER_FAULT,
            detail: `reader connection lost${err ? `: ${err.message}` : ''}`,
          });
        }
      }),
    ];
  }

  private detach(): void {
    for (const u of this.unsubscribe) {
      u();
    }
    this.unsubscribe = [];
    this.transport = undefined;
  }

  private async disconnect(): Promise<void> {
    const transport = this.transport;
    this.detach();
    await transport?.close().catch(() => undefined);
  }

  private async poll(): Promise<void> {
    const find = await this.command('find', this.opts.commandTimeoutMs);
    switch (find.status.kind) {
      case 'card-found':
        return this.cardThere();
      case 'no-card':
        return this.noCard();
      default:
        throw new UnexpectedStatus('find', find);
    }
  }

  private async cardThere(): Promise<void> {
    const p = this.presence;
    if (p.kind === 'read' || p.kind === 'gave-up') {
      p.misses = 0;
      return;
    }
    const attempts = p.kind === 'reading' ? p.attempts : 0;
    this.presence = { kind: 'reading', attempts, misses: 0 };

    try {
      await this.readPlacement(attempts);
    } catch (err) {
      // A damaged, cut-off or missing answer during the read counts against this placement like
      // a `41`, so a card that keeps failing is given up on instead of being retried forever.
      if (!(err instanceof FrameFault || err instanceof CommandTimeout)) throw err;
      this.readFailed(attempts + 1, {
        code: err instanceof FrameFault ? 'FRAME' : 'TIMEOUT',
        message: MSG_READ_AGAIN,
        detail: err.message,
      });
    }
  }

  private async readPlacement(attempts: number): Promise<void> {
    const select = await this.command('select', this.opts.commandTimeoutMs);
    if (select.status.kind !== 'ok') {
      // Usually the card left between find and select: look again next poll, and only report
      // it once a placement keeps failing (a card that is not an ID card answers SW3 81 forever).
      if (attempts + 1 >= this.opts.maxReadAttempts) {
        this.readFailed(attempts + 1, {
          code: 'READ_FAILED',
          message: MSG_READ_AGAIN,
          detail: new UnexpectedStatus('select', select).message,
        });
      } else {
        this.presence = { kind: 'reading', attempts: attempts + 1, misses: 0 };
      }
      return;
    }
    const readCommand = this.opts.fingerprint ? 'readBaseWithFingerprint' : 'readBase';
    const read = await this.command(readCommand, this.opts.readTimeoutMs);
    if (read.status.kind !== 'ok') {
      this.readFailed(attempts + 1, {
        code: 'READ_FAILED',
        message: MSG_READ_AGAIN,
        detail: new UnexpectedStatus(readCommand, read).message,
      });
      return;
    }
    const blocks = splitBaseInfoData(read.data, this.opts.fingerprint);
    const decoded = blocks.ok ? decodeBaseInfo(blocks.blocks.text, blocks.blocks.photo) : blocks;
    if (!decoded.ok) {
      // The same card would decode the same way: do not read it again until it is removed.
      this.presence = { kind: 'gave-up', misses: 0 };
      this.report({
        code: 'DECODE',
        aboutCard: true,
        message: decoded.error.message,
        detail: `card data refused (${decoded.error.code}): ${decoded.error.detail}`,
        decode: decoded.error.code,
      });
      return;
    }
    const card = decoded.card;
    if (this.opts.readsAddressUpdate) {
      const update = await this.readAddressUpdate();
      if (update !== null) card.addressUpdate = update;
    }
    this.presence = { kind: 'read', misses: 0 };
    this.emit('card', card);
  }

  /**
   * The address appended after a move, or null: none on the card (`91`), or not readable now (the
   * base info is still good, so the card is given without it rather than read again).
   */
  private async readAddressUpdate(): Promise<string | null> {
    try {
      const r = await this.command('readNewAddress', this.opts.commandTimeoutMs);
      return r.status.kind === 'ok' ? decodeNewAddress(r.data) : null;
    } catch (err) {
      if (err instanceof FrameFault || err instanceof CommandTimeout) return null;
      throw err;
    }
  }

  private readFailed(attempts: number, failure: IdCardReaderError): void {
    const error: IdCardReaderError = { ...failure, aboutCard: true };
    if (attempts >= this.opts.maxReadAttempts) {
      this.presence = { kind: 'gave-up', misses: 0 };
      this.report({ ...error, detail: `${error.detail}; gave up after ${attempts} attempts` });
      return;
    }
    this.presence = { kind: 'reading', attempts, misses: 0 };
    this.report(error);
  }

  private noCard(): void {
    const p = this.presence;
    if (p.kind === 'absent') {
      return;
    }
    p.misses++;
    if (p.misses < this.opts.removalPolls) {
      return;
    }
    this.presence = { kind: 'absent' };
    if (p.kind === 'read') {
      this.emit('removed');
    }
  }

  /** A poll failed: report it, and after repeated failures reset the SAM or give up the connection. */
  private async failed(err: unknown): Promise<void> {
    this.failures++;
    if (err instanceof TransportFailure) {
      if (this.transport !== undefined) {
        // A write failed on a transport that did not close itself: the device is most likely
        // gone (serial EIO, USB unplugged). Drop it; the loop reopens it.
        await this.disconnect();
        this.setStatus('disconnected', { code: 'TRANSPORT', message: MSG_READER_FAULT, detail: err.message });
      }
      // Otherwise the close handler has already reported it.
      return;
    }
    this.report({
      code: err instanceof CommandTimeout ? 'TIMEOUT' : err instanceof FrameFault ? 'FRAME' : 'SAM',
      message: MSG_READER_FAULT,
      detail: errorText(err),
    });
    if (this.failures < this.opts.failuresBeforeReset || this.transport === undefined) {
      return;
    }
    try {
      await this.resetSam();
      this.failures = 0;
    } catch (resetErr) {
      if (resetErr instanceof Stopped || this.stopping) {
        return;
      }
      await this.disconnect();
      this.setStatus('disconnected', {
        code: resetErr instanceof CommandTimeout ? 'TIMEOUT' : 'SAM',
        message: MSG_READER_FAULT,
        detail: `SAM reset after ${this.failures} failures did not help: ${errorText(resetErr)}`,
      });
    }
  }

  private async resetSam(): Promise<void> {
    const reset = await this.command('reset', this.opts.readTimeoutMs);
    if (reset.status.kind !== 'ok') {
      throw new UnexpectedStatus('reset', reset);
    }
    const status = await this.command('status', this.opts.commandTimeoutMs);
    if (status.status.kind !== 'ok') {
      throw new UnexpectedStatus('status', status);
    }
  }

  /** Sends one command and waits for its answer. One command is in flight at a time. */
  private command(name: SamCommandName, timeoutMs: number): Promise<SamResponse> {
    const transport = this.transport;
    if (transport === undefined) {
      return Promise.reject(new TransportFailure('no transport'));
    }
    if (this.stopping) {
      return Promise.reject(new Stopped('stopped'));
    }
    return new Promise<SamResponse>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        this.pending = undefined;
      };
      const timer = setTimeout(() => {
        settle();
        // Part of a frame and then silence: the answer was cut off, not missing.
        const partial = this.decoder.pendingBytes;
        // A late answer must not be taken for the next command's: drop any partial frame now;
        // a complete late frame finds no command pending and is dropped too.
        this.decoder.reset();
        reject(
          partial > 0
            ? new FrameFault(
                name,
                'TRUNCATED',
                `${partial} bytes of a frame, then nothing for ${timeoutMs} ms`,
              )
            : new CommandTimeout(name),
        );
      }, timeoutMs);
      const entry = {
        command: name,
        resolve: (r: SamResponse) => {
          settle();
          resolve(r);
        },
        reject: (e: Error) => {
          settle();
          reject(e);
        },
      };
      this.pending = entry;
      let written: Promise<void>;
      try {
        written = transport.write(encodeNamedCommand(name));
      } catch (err) {
        written = Promise.reject(err);
      }
      written.catch((err: unknown) => {
        if (this.pending === entry) {
          entry.reject(new TransportFailure(`writing ${name} failed: ${errorText(err)}`));
        }
      });
    });
  }

  private onFrame(frame: DecodedFrame): void {
    const pending = this.pending;
    if (pending === undefined) {
      return;
    }
    try {
      pending.resolve(parseResponsePayload(frame.payload));
    } catch (err) {
      pending.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private setStatus(status: ReaderStatus, why?: IdCardReaderError): void {
    if (this.currentStatus === status) {
      return;
    }
    this.currentStatus = status;
    if (why !== undefined) {
      this.report(why);
    }
    this.emit('status', status);
  }

  /** Emits `error` only to listeners: a driver must not crash the agent because nobody listens. */
  private report(error: IdCardReaderError): void {
    if (this.listenerCount('error') > 0) {
      this.emit('error', error);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
