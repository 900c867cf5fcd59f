/**
 * DEV AND TEST ONLY (`--simulate`, the demo hall, tests): a simulated PC/SC stack for the
 * SocialSecurityCardReader driver. Never in a hall.
 *
 * One reader, into which the fake card (fake-card.ts, 张三 by default) is inserted and
 * removed, behind the driver's binding interface (`open`), and a listening Unix socket that
 * stands in for pcscd's, so the driver's reachability probe passes (`socketPath`).
 * `stopService()` plays pcscd dying: the socket goes away and the open session's monitor fails,
 * as the real binding reports it. When the driver stops, the socket is released too.
 */
import { unlinkSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSsseCard, SAMPLE_CARD, type SampleCard } from './fake-card.ts';
import type { PcscEvents, PcscOpen } from './reader.ts';

/** Socket files of live simulators, removed when the process exits. */
const liveSockets = new Set<string>();
let exitHooked = false;
let sequence = 0;

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Not there.
  }
}

export interface SimulatedSscReaderOptions {
  /** The PC/SC reader name it shows; default `OneWindow Simulated SSC Reader 00 00`. */
  readerName?: string;
}

export class SimulatedSscReader {
  readonly readerName: string;
  /** pcscd's socket as the driver should probe it (`socketPath` of the driver). */
  readonly socketPath: string;
  #server: net.Server | null = null;
  #events: PcscEvents | null = null;
  #card: FakeSsseCard | null = null;

  constructor(options: SimulatedSscReaderOptions = {}) {
    this.readerName = options.readerName ?? 'OneWindow Simulated SSC Reader 00 00';
    this.socketPath = join(tmpdir(), `onewindow-ssc-sim-${process.pid}-${++sequence}.sock`);
    if (!exitHooked) {
      exitHooked = true;
      process.once('exit', () => {
        for (const path of liveSockets) unlinkQuietly(path);
      });
    }
    this.startService();
  }

  /** The binding to give the driver (its `open` option). */
  readonly open: PcscOpen = async (events) => {
    if (this.#server === null) throw new Error('PC/SC service not running');
    this.#events = events;
    // The real monitor reports the readers from its own thread, after the session is open.
    setImmediate(() => {
      if (this.#events === events) events.readerAttached(this.readerName, this.#card !== null);
    });
    return {
      connect: async (reader) => {
        const card = reader === this.readerName ? this.#card : null;
        if (card === null) throw new Error('no card in the reader');
        card.reset();
        return { transmit: async (command) => card.respond(command), disconnect: () => {} };
      },
      // The driver stopped (a failure after stopService() finds #events already cleared): the
      // simulated pcscd goes with it, leaving no socket file behind. startService() brings it back.
      stop: () => {
        if (this.#events !== events) return;
        this.#events = null;
        this.#closeSocket();
      },
    };
  };

  /** Whether a card is in the reader. */
  get cardPresent(): boolean {
    return this.#card !== null;
  }

  /** Inserts a card (replacing any card there): the sample card, or one with these fields. */
  insertCard(sample: Partial<SampleCard> = SAMPLE_CARD): void {
    if (this.#card !== null) this.#events?.cardRemoved(this.readerName);
    this.#card = new FakeSsseCard({ card: sample });
    this.#events?.cardInserted(this.readerName);
  }

  /** Takes the card out (nothing happens when there is none). */
  removeCard(): void {
    if (this.#card === null) return;
    this.#card = null;
    this.#events?.cardRemoved(this.readerName);
  }

  /** pcscd stops: the socket goes away and the open session fails. */
  stopService(): void {
    this.#closeSocket();
    const events = this.#events;
    this.#events = null;
    events?.error(new Error('PC/SC service stopped (simulated)'));
  }

  /** pcscd (re)starts: the driver finds it on its next probe. */
  startService(): void {
    if (this.#server !== null) return;
    unlinkQuietly(this.socketPath);
    const server = net.createServer((socket) => socket.destroy());
    // A socket that cannot listen reads as "service not running" to the driver.
    server.on('error', () => undefined);
    server.listen(this.socketPath);
    server.unref();
    this.#server = server;
    liveSockets.add(this.socketPath);
  }

  /** Releases the socket (the driver then sees no service). */
  close(): void {
    this.#closeSocket();
  }

  #closeSocket(): void {
    this.#server?.close();
    this.#server = null;
    liveSockets.delete(this.socketPath);
    unlinkQuietly(this.socketPath);
  }
}
