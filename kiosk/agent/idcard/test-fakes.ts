/**
 * Fake devices for the tests (not shipped): a HID reader and USB bulk pipes, each answering
 * through a {@link SimulatedSamReader}, so the HID and USB transports can be driven without
 * hardware (this machine kind has no USB bus and no uhid).
 */

import { FrameDecoder, parseCommandPayload } from './sam-frame.ts';
import type { SimulatedSamReader } from './simulator.ts';
import {
  createMemoryLink,
  type HidDeviceLike,
  type HidFraming,
  type UsbBulkLayout,
  type UsbBulkPipes,
  UsbReadTimeout,
  wrapHidReports,
} from './transport.ts';

/** A HID reader: unwraps output reports into the simulator, wraps its answers into input reports. */
export class FakeHidReaderDevice implements HidDeviceLike {
  /** Output reports as written by the transport. */
  readonly written: Uint8Array[] = [];
  /** Input reports sent to the transport. */
  readonly sent: Uint8Array[] = [];
  closed = false;
  private readonly dataListeners: ((report: Buffer) => void)[] = [];
  private readonly errorListeners: ((error: Error) => void)[] = [];
  private readonly link = createMemoryLink();

  constructor(
    sim: SimulatedSamReader,
    private readonly framing: HidFraming,
  ) {
    sim.serve(this.link.device);
    this.link.host.onData((chunk) => {
      for (const report of wrapHidReports(chunk, framing)) {
        this.input(framing.inputHasReportId ? report : report.subarray(1));
      }
    });
  }

  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'data' | 'error', listener: ((report: Buffer) => void) | ((error: Error) => void)): unknown {
    if (event === 'data') {
      this.dataListeners.push(listener as (report: Buffer) => void);
    } else {
      this.errorListeners.push(listener as (error: Error) => void);
    }
    return this;
  }

  /** Sends a raw input report, as the device would. */
  input(report: Uint8Array): void {
    this.sent.push(report.slice());
    for (const l of this.dataListeners) {
      l(Buffer.from(report));
    }
  }

  /** Reports a device error (e.g. unplugged). */
  fail(error: Error): void {
    for (const l of this.errorListeners) {
      l(error);
    }
  }

  async write(report: number[] | Buffer): Promise<number> {
    const r = Uint8Array.from(report);
    this.written.push(r);
    const body = r.subarray(1);
    const bytes = this.framing.lengthPrefix ? body.subarray(1, 1 + body[0]!) : body;
    await this.link.host.write(bytes);
    return r.length;
  }

  close(): void {
    this.closed = true;
  }
}

/**
 * Bulk pipes of a USB reader. Split layout: a command is the header written to `headerOut`
 * followed by the rest to `bodyOut`; the answer is read in two parts. Single layout: whole
 * frames both ways, answers streamed.
 */
export class FakeUsbPipes implements UsbBulkPipes {
  readonly writes: { endpoint: number; bytes: Uint8Array }[] = [];
  readonly reads: { endpoint: number; length: number }[] = [];
  closed = false;
  /** Makes the next read reject with this error. */
  failNextRead: Error | undefined;
  private header: Uint8Array | undefined;
  private answer = new Uint8Array(0);
  private waiter: (() => void) | undefined;
  private streamListener: ((chunk: Uint8Array) => void) | undefined;
  private readonly decoder = new FrameDecoder();

  constructor(
    private readonly sim: SimulatedSamReader,
    private readonly layout: UsbBulkLayout,
  ) {
    this.decoder.on('frame', (frame) => {
      const answer = this.sim.answer(parseCommandPayload(frame.payload));
      if (answer === undefined) {
        return;
      }
      if (this.streamListener !== undefined) {
        const listener = this.streamListener;
        queueMicrotask(() => listener(answer));
        return;
      }
      this.answer = Uint8Array.from([...this.answer, ...answer]);
      this.waiter?.();
    });
  }

  async write(endpoint: number, bytes: Uint8Array): Promise<void> {
    this.writes.push({ endpoint, bytes: bytes.slice() });
    const l = this.layout;
    if (l.kind === 'single') {
      this.decoder.push(bytes);
    } else if (endpoint === l.headerOut) {
      this.header = bytes.slice();
    } else if (endpoint === l.bodyOut && this.header !== undefined) {
      this.decoder.push(Uint8Array.from([...this.header, ...bytes]));
      this.header = undefined;
    } else {
      throw new Error(`unexpected OUT endpoint 0x${endpoint.toString(16)}`);
    }
  }

  async read(endpoint: number, length: number, timeoutMs: number): Promise<Uint8Array> {
    this.reads.push({ endpoint, length });
    if (this.failNextRead !== undefined) {
      const err = this.failNextRead;
      this.failNextRead = undefined;
      throw err;
    }
    if (this.answer.length === 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiter = undefined;
          reject(new UsbReadTimeout('fake USB read timed out'));
        }, timeoutMs);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        };
      });
    }
    const part = this.answer.slice(0, length);
    this.answer = this.answer.slice(length);
    return part;
  }

  stream(_endpoint: number, onData: (chunk: Uint8Array) => void): () => void {
    this.streamListener = onData;
    return () => {
      this.streamListener = undefined;
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
