/**
 * How bytes reach a ticket printer. The agent depends on {@link PrinterTransport} only; this
 * file has the network adapter (raw TCP, port 9100) and a simulator for development; usb.ts
 * (libusb through the `usb` package) and serial.ts (serialport) implement the same interface.
 */
import { createConnection, type Socket } from 'node:net';
import { isPaperStatusByte, parsePaperStatus, statusRequest } from './escpos.ts';
import { ByteInbox, TaskQueue } from './stream-helpers.ts';

/** Paper as the sensor reports it, or 'offline' when the printer does not answer. */
export type PrinterStatus = 'ok' | 'near-end' | 'out' | 'offline';

export interface PrinterTransport {
  /** Sends one job's bytes; resolves when they are handed to the OS (or device), not when printed. */
  write(bytes: Uint8Array): Promise<void>;
  /** Asks the paper sensor (`DLE EOT 4`). Never rejects: anything that is not an answer is 'offline'. */
  queryStatus(): Promise<PrinterStatus>;
  close(): Promise<void>;
}

/** A job refused because the printer cannot print it now. */
export class PrinterUnavailableError extends Error {
  constructor(readonly status: 'out' | 'offline') {
    super(status === 'out' ? 'printer is out of paper' : 'printer is offline');
    this.name = 'PrinterUnavailableError';
  }
}

export interface NetworkPrinterOptions {
  host: string;
  /** Raw print port; 9100 by default. */
  port?: number;
  /** Give up connecting after this long; 3000 ms by default. */
  connectTimeoutMs?: number;
  /** Wait this long for the `DLE EOT 4` reply before reporting 'offline'; 2000 ms by default. */
  statusTimeoutMs?: number;
}

/**
 * An Ethernet printer on raw TCP (JetDirect, port 9100). One connection, opened on first use
 * and again after it drops; jobs and status queries run one at a time in call order.
 *
 * The status reply is read byte by byte from everything the printer sends: it may arrive in a
 * separate TCP chunk from anything before it, and printers with Automatic Status Back enabled
 * interleave 4-byte ASB blocks, whose fixed bits never match a `DLE EOT 4` reply.
 */
export class NetworkPrinter implements PrinterTransport {
  readonly #host: string;
  readonly #port: number;
  readonly #connectTimeoutMs: number;
  readonly #statusTimeoutMs: number;
  #socket: Socket | null = null;
  #closed = false;
  readonly #queue = new TaskQueue();
  readonly #inbox = new ByteInbox();

  constructor(opts: NetworkPrinterOptions) {
    this.#host = opts.host;
    this.#port = opts.port ?? 9100;
    this.#connectTimeoutMs = opts.connectTimeoutMs ?? 3000;
    this.#statusTimeoutMs = opts.statusTimeoutMs ?? 2000;
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.#queue.run(async () => {
      const socket = await this.#connect();
      await new Promise<void>((resolve, reject) => {
        socket.write(bytes, (err) => (err ? reject(err) : resolve()));
      });
    });
  }

  queryStatus(): Promise<PrinterStatus> {
    return this.#queue.run(async () => {
      try {
        const socket = await this.#connect();
        this.#inbox.clear();
        socket.write(statusRequest());
        const deadline = Date.now() + this.#statusTimeoutMs;
        for (;;) {
          const byte = await this.#inbox.readByte(deadline, () => this.#socket !== null);
          if (byte === null) {
            // No answer: the connection is not trustworthy any more; reconnect next time.
            this.#drop();
            return 'offline';
          }
          if (isPaperStatusByte(byte)) {
            return parsePaperStatus(byte);
          }
        }
      } catch {
        return 'offline';
      }
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    return this.#queue.run(async () => {
      const socket = this.#socket;
      this.#socket = null;
      if (socket && !socket.destroyed) {
        await new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          // Flush what was written, then close without waiting for the printer's FIN.
          socket.end(() => socket.destroy());
        });
      }
    });
  }

  #connect(): Promise<Socket> {
    if (this.#closed) {
      return Promise.reject(new Error('printer transport is closed'));
    }
    if (this.#socket && !this.#socket.destroyed) {
      return Promise.resolve(this.#socket);
    }
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: this.#host, port: this.#port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no connection to ${this.#host}:${this.#port} within ${this.#connectTimeoutMs} ms`));
      }, this.#connectTimeoutMs);
      socket.setNoDelay(true);
      socket.once('connect', () => {
        clearTimeout(timer);
        this.#socket = socket;
        resolve(socket);
      });
      socket.on('data', (chunk: Buffer) => this.#inbox.push(chunk));
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err); // no-op once connected; the 'close' that follows drops the socket
      });
      socket.on('close', () => {
        if (this.#socket === socket) {
          this.#socket = null;
        }
        this.#inbox.closed();
      });
    });
  }

  #drop(): void {
    this.#socket?.destroy();
    this.#socket = null;
    this.#inbox.clear();
  }
}

/**
 * DEV ONLY: a printer that prints nowhere. It keeps every job for inspection and can be put
 * out of paper, near the end, or offline, to exercise the kiosk's "no paper" paths. Never
 * configure it in a hall: tickets would be issued that nobody can hold.
 */
export class SimulatedPrinter implements PrinterTransport {
  #paper: 'ok' | 'near-end' | 'out' = 'ok';
  #runOutDuringNext = false;
  #online = true;
  #closed = false;
  readonly #jobs: Uint8Array[] = [];

  /** Jobs printed so far, oldest first (copies of the bytes written). */
  get jobs(): readonly Uint8Array[] {
    return this.#jobs;
  }

  /** Loads, runs low on, or runs out of paper. */
  setPaper(state: 'ok' | 'near-end' | 'out'): void {
    this.#paper = state;
  }

  /** The next job's bytes are taken, then the roll ends part-way through it (status 'out' after). */
  runOutDuringNextJob(): void {
    this.#runOutDuringNext = true;
  }

  /** Switches the printer off (or back on): status 'offline', jobs refused. */
  setOnline(online: boolean): void {
    this.#online = online;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.#closed) {
      throw new Error('printer transport is closed');
    }
    if (!this.#online) {
      throw new PrinterUnavailableError('offline');
    }
    if (this.#paper === 'out') {
      throw new PrinterUnavailableError('out');
    }
    this.#jobs.push(Uint8Array.from(bytes));
    if (this.#runOutDuringNext) {
      this.#runOutDuringNext = false;
      this.#paper = 'out';
    }
  }

  async queryStatus(): Promise<PrinterStatus> {
    return this.#closed || !this.#online ? 'offline' : this.#paper;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
