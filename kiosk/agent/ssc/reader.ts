/**
 * The social security card reader driver of the terminal agent: watches PC/SC readers and
 * reads each card put into a matching one.
 *
 * The PC/SC binding is only touched once pcscd answers on its socket: a binding that talks
 * to an absent daemon may block or spin (nfc-pcsc does; see README.md). While pcscd is
 * down the driver reports `service-not-running` and probes again every `retryMs`, which
 * costs one stat() and at most one connect() per probe. When the daemon dies under it, the
 * driver drops the session, reports the card removed and the readers disconnected, and goes
 * back to probing.
 *
 * Card data is only ever logged masked.
 */
import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import net from 'node:net';
import type { SscReaderProfile } from '@onewindow/firmware-config/schema';
import { maskIdNumber, maskName, redactPersonalData } from '@onewindow/shared';
import {
  readSocialSecurityCard,
  type SocialSecurityCard,
  type SscReadErrorCode,
  sscErrorMessage,
} from './read-card.ts';

/** Where pcsc-lite's daemon listens (Debian and most Linux distributions). */
export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';

// ---------------------------------------------------------------------------------------------
// The binding, behind a small interface (the real one is smartcard; tests may bring another)

/** A card connected in shared mode. */
export interface PcscCard {
  transmit(command: Buffer): Promise<Buffer>;
  /** Leaves the card powered, so another application can use it after us. */
  disconnect(): void;
}

/** What the binding reports; called on the main thread. */
export interface PcscEvents {
  readerAttached(reader: string, cardPresent: boolean): void;
  readerDetached(reader: string): void;
  cardInserted(reader: string): void;
  cardRemoved(reader: string): void;
  /** The monitor failed; the session is unusable (usually pcscd went away). */
  error(err: Error): void;
}

/** An open PC/SC context with its reader monitor. */
export interface PcscSession {
  connect(reader: string): Promise<PcscCard>;
  /** Releases the monitor and the context. Must not throw. */
  stop(): void;
}

/** Opens a session; rejects when the daemon is not there or the binding cannot load. */
export type PcscOpen = (events: PcscEvents) => Promise<PcscSession>;

/** The binding could not be loaded (not installed, not built for this platform). */
export class BindingUnavailableError extends Error {
  override name = 'BindingUnavailableError';
}

/**
 * What the agent uses of the `smartcard` package (its own types, dist/lib/types.d.ts, name the
 * same members). Declared here, and the package loaded by a specifier the compiler does not
 * resolve, so that the type check never depends on the optional native build having succeeded
 * (a machine without libpcsclite-dev skips it). The PC/SC tests drive the real binding.
 */
interface SmartcardCard {
  transmit(command: Buffer): Promise<Buffer>;
  disconnect(disposition?: number): void;
}
interface SmartcardReader {
  readonly name: string;
  connect(shareMode?: number, protocol?: number): Promise<SmartcardCard>;
}
interface SmartcardBinding {
  Context: new () => { listReaders(): SmartcardReader[]; close(): void };
  ReaderMonitor: new () => {
    start(
      callback: (event: {
        type: 'reader-attached' | 'reader-detached' | 'card-inserted' | 'card-removed' | 'error';
        reader: string;
        state: number;
      }) => void,
    ): void;
    stop(): void;
  };
  SCARD_SHARE_SHARED: number;
  SCARD_PROTOCOL_T0: number;
  SCARD_PROTOCOL_T1: number;
  SCARD_LEAVE_CARD: number;
  SCARD_STATE_PRESENT: number;
}
const SMARTCARD: string = 'smartcard';

let loaded: Promise<SmartcardBinding> | null = null;

/**
 * Loads the `smartcard` package (N-API) once. Loading touches no daemon (only `new Context()`
 * does), so it can be tried before pcscd is asked: a PC without the binding is "driver missing",
 * whether or not pcscd runs. `specifier` is for tests (a package that is not installed).
 *
 * @throws BindingUnavailableError when it is not installed or not built for this platform
 */
export function loadSmartcard(specifier: string = SMARTCARD): Promise<SmartcardBinding> {
  const attempt =
    specifier === SMARTCARD && loaded !== null
      ? loaded
      : (import(specifier) as Promise<SmartcardBinding>).catch((err: unknown) => {
          if (specifier === SMARTCARD) loaded = null; // installed later (npm test rebuilds it): try again
          throw new BindingUnavailableError(`cannot load the smartcard binding: ${errorText(err)}`);
        });
  if (specifier === SMARTCARD) loaded = attempt;
  return attempt;
}

/** The real binding: the `smartcard` package (N-API), loaded on first use. */
export const openSmartcard: PcscOpen = async (events) => {
  const sc = await loadSmartcard();
  // Fails fast with "PC/SC service not running" when pcscd is not there.
  const context = new sc.Context();
  const monitor = new sc.ReaderMonitor();
  try {
    monitor.start((event) => {
      switch (event.type) {
        case 'reader-attached':
          events.readerAttached(event.reader, (event.state & sc.SCARD_STATE_PRESENT) !== 0);
          break;
        case 'reader-detached':
          events.readerDetached(event.reader);
          break;
        case 'card-inserted':
          events.cardInserted(event.reader);
          break;
        case 'card-removed':
          events.cardRemoved(event.reader);
          break;
        case 'error':
          // For error events the native monitor puts the PC/SC message in `reader`.
          events.error(new Error(event.reader));
          break;
      }
    });
  } catch (err) {
    context.close();
    throw err;
  }
  return {
    async connect(readerName) {
      const reader = context.listReaders().find((r) => r.name === readerName);
      if (reader === undefined) {
        throw new Error('reader is no longer listed');
      }
      let card: Awaited<ReturnType<typeof reader.connect>>;
      try {
        card = await reader.connect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1);
      } catch (err) {
        // Some contact cards refuse the T0|T1 negotiation but work with T=0 alone.
        if (!/unresponsive/i.test(errorText(err))) {
          throw err;
        }
        card = await reader.connect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0);
      }
      return {
        transmit: (command) => card.transmit(command),
        disconnect: () => {
          try {
            card.disconnect(sc.SCARD_LEAVE_CARD);
          } catch {
            // Already gone with the card.
          }
        },
      };
    },
    stop() {
      try {
        monitor.stop();
      } catch {
        // Stopping a monitor whose daemon died can fail; the context is released anyway.
      }
      try {
        context.close();
      } catch {
        // Same.
      }
    },
  };
};

/**
 * Whether pcscd answers: its socket exists and accepts a connection. A socket file alone is
 * not enough: a pcscd that crashed leaves it behind.
 */
export async function pcscdReachable(socketPath: string = PCSCD_SOCKET, timeoutMs = 1000): Promise<boolean> {
  try {
    if (!(await stat(socketPath)).isSocket()) {
      return false;
    }
  } catch {
    return false;
  }
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketPath });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// ---------------------------------------------------------------------------------------------
// The driver

/** Where the driver stands; also the payload of the `status` event. */
export type SscStatus =
  | { state: 'stopped' }
  | { state: 'service-not-running' }
  | { state: 'binding-unavailable'; detail: string }
  /** pcscd is up; readers follow as `reader-connected`. */
  | { state: 'service-running' }
  | { state: 'reader-connected'; reader: string }
  | { state: 'reader-disconnected'; reader: string };

/** A card read in `reader`. */
export interface SscCardEvent extends SocialSecurityCard {
  reader: string;
}

/** Why reading a card failed: `message` for the citizen, `detail` for logs (no card data). */
export interface SscErrorEvent {
  reader: string;
  code: SscReadErrorCode | 'CONNECT_FAILED';
  message: string;
  detail: string;
}

export interface SscReaderEvents {
  status: [SscStatus];
  card: [SscCardEvent];
  removed: [{ reader: string }];
  error: [SscErrorEvent];
}

/** The part of the agent's logger (`msg`, then fields) the driver uses. */
export interface SscLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface SocialSecurityCardReaderOptions {
  /**
   * Only readers whose PC/SC name matches are used. A string is compiled case-insensitively,
   * as the device profile's `readerNameMatch` is meant (see {@link readerOptionsFromProfile}).
   */
  readerName?: RegExp | string;
  /** pcscd's socket; default {@link PCSCD_SOCKET}. */
  socketPath?: string;
  /** Pause between probes while pcscd is down, and before reopening after a failure. */
  retryMs?: number;
  /** The binding; default {@link openSmartcard}. */
  open?: PcscOpen;
  /**
   * Loads the binding before pcscd is probed (DEV-16); default {@link loadSmartcard} with the real
   * binding, nothing with an injected `open`. Rejects with {@link BindingUnavailableError}.
   */
  loadBinding?: () => Promise<unknown>;
  /** Today as `YYYY-MM-DD`, so ID numbers born "in the future" are refused. */
  today?: () => string;
  log?: SscLogger;
}

/** The driver options a device profile (firmware-config, class `ssc-reader`) sets. */
export function readerOptionsFromProfile(
  profile: Pick<SscReaderProfile, 'readerNameMatch'>,
): Pick<SocialSecurityCardReaderOptions, 'readerName'> {
  return { readerName: new RegExp(profile.readerNameMatch, 'i') };
}

interface ReaderState {
  present: boolean;
  /** Bumped on every insertion and removal; a read whose number is stale is dropped. */
  insertion: number;
}

const NO_LOG: SscLogger = { info: () => {}, warn: () => {} };

/**
 * Emits `status`, `card`, `removed` and `error` (only when someone listens to `error`: a
 * card the citizen inserted upside down must not crash the agent).
 */
export class SocialSecurityCardReader extends EventEmitter<SscReaderEvents> {
  private readonly readerPattern: RegExp | null;
  private readonly socketPath: string;
  private readonly retryMs: number;
  private readonly open: PcscOpen;
  private readonly loadBinding: () => Promise<unknown>;
  private readonly log: SscLogger;
  private readonly today: (() => string) | undefined;

  private running = false;
  private session: PcscSession | null = null;
  /** Bumped whenever a session ends (or the driver stops); callbacks of older ones are ignored. */
  private generation = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly readers = new Map<string, ReaderState>();
  private current: SscStatus = { state: 'stopped' };

  constructor(options: SocialSecurityCardReaderOptions = {}) {
    super();
    const pattern = options.readerName;
    // Without the g/y flags: test() would be stateful across readers.
    this.readerPattern =
      pattern === undefined
        ? null
        : typeof pattern === 'string'
          ? new RegExp(pattern, 'i')
          : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    this.socketPath = options.socketPath ?? PCSCD_SOCKET;
    this.retryMs = options.retryMs ?? 3000;
    this.open = options.open ?? openSmartcard;
    this.loadBinding =
      options.loadBinding ?? (options.open === undefined ? () => loadSmartcard() : async () => {});
    this.log = options.log ?? NO_LOG;
    this.today = options.today;
  }

  /** The last status emitted, for a late subscriber. */
  get status(): SscStatus {
    return this.current;
  }

  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    void this.connect();
  }

  stop(): void {
    if (!this.running) {
      return;
    }
    this.running = false;
    this.generation++;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.session?.stop();
    this.session = null;
    this.readers.clear();
    this.current = { state: 'stopped' };
  }

  private schedule(delayMs: number): void {
    if (!this.running) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delayMs);
  }

  private async connect(): Promise<void> {
    const generation = this.generation;
    // The driver first: without it the reader cannot work even when pcscd runs, and the guides
    // must be told to install it, not to start a service (a fresh PC has neither).
    try {
      await this.loadBinding();
    } catch (err) {
      if (!this.running || generation !== this.generation) return;
      this.setStatus({
        state: 'binding-unavailable',
        detail: err instanceof BindingUnavailableError ? err.message : errorText(err),
      });
      this.schedule(this.retryMs);
      return;
    }
    const reachable = await pcscdReachable(this.socketPath);
    if (!this.running || generation !== this.generation) {
      return;
    }
    if (!reachable) {
      this.setStatus({ state: 'service-not-running' });
      this.schedule(this.retryMs);
      return;
    }
    try {
      const session = await this.open(this.eventsFor(generation));
      if (!this.running || generation !== this.generation) {
        session.stop();
        return;
      }
      this.session = session;
      this.setStatus({ state: 'service-running' });
    } catch (err) {
      if (generation !== this.generation) {
        return;
      }
      this.generation++;
      if (err instanceof BindingUnavailableError) {
        this.setStatus({ state: 'binding-unavailable', detail: err.message });
      } else {
        // pcscd went away between the probe and the open.
        this.log.warn('social security card: cannot open PC/SC', { err: errorText(err) });
        this.setStatus({ state: 'service-not-running' });
      }
      this.schedule(this.retryMs);
    }
  }

  private eventsFor(generation: number): PcscEvents {
    const live = () => this.running && generation === this.generation;
    return {
      readerAttached: (reader, cardPresent) => {
        if (live()) {
          this.onReaderAttached(reader, cardPresent, generation);
        }
      },
      readerDetached: (reader) => {
        if (live()) {
          this.onReaderDetached(reader);
        }
      },
      cardInserted: (reader) => {
        if (live()) {
          this.onCardInserted(reader, generation);
        }
      },
      cardRemoved: (reader) => {
        if (live()) {
          this.onCardRemoved(reader);
        }
      },
      error: (err) => {
        if (live()) {
          this.onSessionFailed(err);
        }
      },
    };
  }

  private matches(reader: string): boolean {
    return this.readerPattern === null || this.readerPattern.test(reader);
  }

  private onReaderAttached(reader: string, cardPresent: boolean, generation: number): void {
    if (!this.matches(reader)) {
      this.log.info('social security card: ignoring reader not in the profile', { reader });
      return;
    }
    if (!this.readers.has(reader)) {
      this.readers.set(reader, { present: false, insertion: 0 });
      this.setStatus({ state: 'reader-connected', reader });
    }
    if (cardPresent) {
      this.onCardInserted(reader, generation);
    }
  }

  private onReaderDetached(reader: string): void {
    const state = this.readers.get(reader);
    if (state === undefined) {
      return;
    }
    this.onCardRemoved(reader);
    this.readers.delete(reader);
    this.setStatus({ state: 'reader-disconnected', reader });
  }

  private onCardInserted(reader: string, generation: number): void {
    const state = this.readers.get(reader);
    if (state === undefined || state.present) {
      return;
    }
    state.present = true;
    state.insertion++;
    void this.readCard(reader, state, state.insertion, generation).catch((err: unknown) => {
      // Only a throwing event listener gets here; the read itself never throws.
      this.log.warn('social security card: listener failed', {
        reader,
        err: redactPersonalData(errorText(err)),
      });
    });
  }

  private onCardRemoved(reader: string): void {
    const state = this.readers.get(reader);
    if (state === undefined || !state.present) {
      return;
    }
    state.present = false;
    state.insertion++;
    this.emit('removed', { reader });
  }

  private onSessionFailed(err: Error): void {
    this.log.warn('social security card: PC/SC session failed', { err: err.message });
    const session = this.session;
    this.session = null;
    this.generation++;
    for (const reader of [...this.readers.keys()]) {
      this.onReaderDetached(reader);
    }
    session?.stop();
    // Probe now so that a dead daemon is reported at once; reopen only after a pause, so a
    // daemon that is up but keeps failing is not hammered.
    void pcscdReachable(this.socketPath).then((reachable) => {
      if (!this.running) {
        return;
      }
      if (!reachable) {
        this.setStatus({ state: 'service-not-running' });
      }
      this.schedule(this.retryMs);
    });
  }

  private async readCard(
    reader: string,
    state: ReaderState,
    insertion: number,
    generation: number,
  ): Promise<void> {
    const stillThere = () =>
      this.running && generation === this.generation && state.present && state.insertion === insertion;
    const session = this.session;
    if (session === null) {
      return;
    }
    let card: PcscCard;
    try {
      card = await session.connect(reader);
    } catch (err) {
      if (stillThere()) {
        this.fail({
          reader,
          code: 'CONNECT_FAILED',
          message: sscErrorMessage('TRANSMIT_FAILED'),
          detail: `connect failed: ${errorText(err)}`,
        });
      }
      return;
    }
    try {
      const result = await readSocialSecurityCard((command) => card.transmit(command), {
        ...(this.today === undefined ? {} : { today: this.today() }),
      });
      if (!stillThere()) {
        return;
      }
      if (!result.ok) {
        this.fail({ reader, ...result.error });
        return;
      }
      this.log.info('social security card read', {
        reader,
        cardNumber: maskIdNumber(result.card.cardNumber),
        idNumber: maskIdNumber(result.card.idNumber),
        name: maskName(result.card.name),
        generation: result.card.generation,
      });
      this.emit('card', { reader, ...result.card });
    } finally {
      card.disconnect();
    }
  }

  private fail(event: SscErrorEvent): void {
    this.log.warn('social security card: read failed', {
      reader: event.reader,
      code: event.code,
      detail: event.detail,
    });
    if (this.listenerCount('error') > 0) {
      this.emit('error', event);
    }
  }

  private setStatus(status: SscStatus): void {
    const previous = this.current.state;
    this.current = status;
    // Repeated probes while pcscd stays down are not news.
    if (
      status.state === previous &&
      (status.state === 'service-not-running' || status.state === 'binding-unavailable')
    ) {
      return;
    }
    this.log.info('social security card reader status', { ...status });
    this.emit('status', status);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
