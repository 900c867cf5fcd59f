/**
 * A ticket printer on a serial line (RS-232 or a USB-serial adapter), with `serialport`,
 * imported lazily on first use so the rest of the printer code loads without its native module.
 */
import { isPaperStatusByte, parsePaperStatus, statusRequest } from './escpos.ts';
import { ByteInbox, TaskQueue } from './stream-helpers.ts';
import type { PrinterStatus, PrinterTransport } from './transport.ts';

export interface SerialPrinterOptions {
  /** e.g. `/dev/ttyUSB0`, `/dev/serial/by-id/…`, `COM3`. */
  path: string;
  /** The printer's DIP-switch rate; 8 data bits, no parity, 1 stop bit. */
  baudRate: number;
  /** Hardware flow control (RTS/CTS), for printers wired for it; off by default. */
  rtscts?: boolean;
  /** Wait this long for the `DLE EOT 4` reply before reporting 'offline'; 2000 ms by default. */
  statusTimeoutMs?: number;
  /** Told why the printer is unusable, each time it is (for the log). */
  onProblem?: (reason: string) => void;
}

type Port = import('serialport').SerialPort;

/**
 * A serial printer. The port is opened on first use and again after it closes or fails; jobs
 * and status queries run one at a time in call order. A job resolves once its bytes are drained
 * to the line. The status reply is read byte by byte from everything the printer sends (ASB
 * blocks and noise never match its fixed bits).
 */
export class SerialPrinter implements PrinterTransport {
  readonly #o: SerialPrinterOptions;
  readonly #statusTimeoutMs: number;
  #port: Port | null = null;
  #closed = false;
  readonly #queue = new TaskQueue();
  readonly #inbox = new ByteInbox();
  #problem: string | null = null;

  constructor(opts: SerialPrinterOptions) {
    this.#o = opts;
    this.#statusTimeoutMs = opts.statusTimeoutMs ?? 2000;
  }

  /** Why the printer was last unusable, or null if the last operation worked. */
  get problem(): string | null {
    return this.#problem;
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.#queue.run(async () => {
      const port = await this.#connect();
      try {
        await new Promise<void>((resolve, reject) => {
          port.write(Buffer.from(bytes), (err) => {
            if (err) {
              reject(err);
              return;
            }
            port.drain((drainErr) => (drainErr ? reject(drainErr) : resolve()));
          });
        });
      } catch (e) {
        await this.#drop();
        throw this.#fail(`serial printer ${this.#o.path}: write failed (${messageOf(e)})`);
      }
      this.#problem = null;
    });
  }

  queryStatus(): Promise<PrinterStatus> {
    return this.#queue.run(async () => {
      let port: Port;
      try {
        port = await this.#connect();
      } catch {
        return 'offline'; // #connect recorded why
      }
      try {
        this.#inbox.clear();
        await new Promise<void>((resolve, reject) => {
          port.write(Buffer.from(statusRequest()), (err) => (err ? reject(err) : resolve()));
        });
        const deadline = Date.now() + this.#statusTimeoutMs;
        for (;;) {
          const byte = await this.#inbox.readByte(deadline, () => this.#port !== null);
          if (byte === null) {
            this.#fail(
              `serial printer ${this.#o.path}: no DLE EOT 4 reply within ${this.#statusTimeoutMs} ms`,
            );
            return 'offline';
          }
          if (isPaperStatusByte(byte)) {
            this.#problem = null;
            return parsePaperStatus(byte);
          }
        }
      } catch (e) {
        this.#fail(`serial printer ${this.#o.path}: ${messageOf(e)}`);
        return 'offline';
      }
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    return this.#queue.run(() => this.#drop());
  }

  #fail(reason: string): Error {
    this.#problem = reason;
    this.#o.onProblem?.(reason);
    return new Error(reason);
  }

  async #connect(): Promise<Port> {
    if (this.#closed) {
      throw new Error('printer transport is closed');
    }
    if (this.#port?.isOpen) {
      return this.#port;
    }
    const { SerialPort } = await import('serialport');
    const port = new SerialPort({
      path: this.#o.path,
      baudRate: this.#o.baudRate,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      rtscts: this.#o.rtscts ?? false,
      autoOpen: false,
    });
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (e) {
      throw this.#fail(`serial printer ${this.#o.path}: cannot open (${messageOf(e)})`);
    }
    port.on('data', (chunk: Buffer) => this.#inbox.push(chunk));
    // A listener must exist or an I/O error would crash the process; operations report their own.
    port.on('error', () => {});
    port.on('close', () => {
      if (this.#port === port) {
        this.#port = null;
      }
      this.#inbox.closed();
    });
    this.#port = port;
    this.#inbox.clear();
    return port;
  }

  async #drop(): Promise<void> {
    const port = this.#port;
    this.#port = null;
    this.#inbox.clear();
    if (port?.isOpen) {
      await new Promise<void>((resolve) => port.close(() => resolve()));
    }
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
