/**
 * Byte transports between the agent and a SAM ID card reader. The driver only sees
 * {@link SamTransport}: bytes out, chunks of bytes in, close. Frames are the codec's business
 * (sam-frame.ts); a transport never interprets them, except USB split pipes, which must know
 * where a frame's header ends.
 *
 * Native packages (serialport, node-hid, usb) are imported lazily inside the `open…` functions,
 * so the codec, the driver and the simulator load on machines without libusb or udev.
 */

import type { InEndpoint, OutEndpoint, Device as UsbDevice } from 'usb';
import { SAM_PREAMBLE } from './sam-frame.ts';

/** A byte pipe to a SAM reader. */
export interface SamTransport {
  /** What carries the bytes, for status reports. */
  readonly kind: 'serial' | 'hid' | 'usb' | 'memory';
  /** Sends bytes; resolves once they are handed to the OS (serial: drained). */
  write(bytes: Uint8Array): Promise<void>;
  /** Subscribes to received chunks, split anywhere. Returns the unsubscribe function. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Called once when the transport closes, with the error if it was lost rather than closed. */
  onClose(listener: (error?: Error) => void): () => void;
  /** Closes; safe to call twice. */
  close(): Promise<void>;
}

/** Listener bookkeeping shared by the transports. */
abstract class BaseTransport implements SamTransport {
  abstract readonly kind: SamTransport['kind'];
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners = new Set<(error?: Error) => void>();
  protected closed = false;

  abstract write(bytes: Uint8Array): Promise<void>;
  abstract close(): Promise<void>;

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  protected emitData(chunk: Uint8Array): void {
    if (this.closed || chunk.length === 0) {
      return;
    }
    for (const l of this.dataListeners) {
      l(chunk);
    }
  }

  /** Marks the transport closed and tells the listeners, once. */
  protected markClosed(error?: Error): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const l of this.closeListeners) {
      l(error);
    }
    this.dataListeners.clear();
    this.closeListeners.clear();
  }

  protected requireOpen(): void {
    if (this.closed) {
      throw new Error(`${this.kind} transport is closed`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// In memory

/** Options of {@link createMemoryLink}. */
export interface MemoryLinkOptions {
  /**
   * Deliver each write in chunks of this many bytes (each in its own microtask), to exercise
   * reassembly the way a UART does. Default: whole writes.
   */
  chunkSize?: number;
}

class MemoryTransport extends BaseTransport {
  readonly kind = 'memory';
  peer: MemoryTransport | undefined;

  constructor(private readonly chunkSize: number) {
    super();
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.requireOpen();
    const peer = this.peer;
    const copy = bytes.slice();
    for (let at = 0; at < copy.length; at += this.chunkSize) {
      const chunk = copy.subarray(at, at + this.chunkSize);
      queueMicrotask(() => peer?.receive(chunk));
    }
  }

  receive(chunk: Uint8Array): void {
    this.emitData(chunk);
  }

  async close(): Promise<void> {
    const peer = this.peer;
    this.markClosed();
    peer?.markClosed(new Error('peer closed'));
  }
}

/**
 * Two transports wired back to back: what one writes, the other receives. For tests and the
 * simulator; `host` goes to the driver, `device` to the simulated reader.
 */
export function createMemoryLink(options: MemoryLinkOptions = {}): {
  host: SamTransport;
  device: SamTransport;
} {
  const chunkSize = options.chunkSize ?? Number.POSITIVE_INFINITY;
  if (!(chunkSize >= 1)) {
    throw new RangeError('chunkSize must be at least 1');
  }
  const host = new MemoryTransport(chunkSize);
  const device = new MemoryTransport(chunkSize);
  host.peer = device;
  device.peer = host;
  return { host, device };
}

// ---------------------------------------------------------------------------------------------
// Serial (UART readers, 115200 8N1 by default)

/** Where a serial reader is. */
export interface SerialProfile {
  /** e.g. `/dev/ttyUSB0`, `/dev/ttyS1`, `COM3`. */
  path: string;
  /** Readers ship at 115200; some are set to 57600, 38400, 19200 or 9600. */
  baudRate?: number;
}

class SerialTransport extends BaseTransport {
  readonly kind = 'serial';

  constructor(private readonly port: import('serialport').SerialPort) {
    super();
    port.on('data', (chunk: Buffer) => this.emitData(new Uint8Array(chunk)));
    port.on('close', (err?: Error | null) => this.markClosed(err ?? undefined));
    // A listener must exist or an I/O error would crash the process; writes report their own.
    port.on('error', (err: Error) => {
      if (!port.isOpen) {
        this.markClosed(err);
      }
    });
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.requireOpen();
    await new Promise<void>((resolve, reject) => {
      this.port.write(Buffer.from(bytes), (err) => {
        if (err) {
          reject(err);
          return;
        }
        this.port.drain((drainErr) => (drainErr ? reject(drainErr) : resolve()));
      });
    });
  }

  close(): Promise<void> {
    if (this.closed || !this.port.isOpen) {
      this.markClosed();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.port.close(() => {
        this.markClosed();
        resolve();
      });
    });
  }
}

/** Opens a serial reader, 8 data bits, no parity, 1 stop bit. */
export async function openSerialTransport(profile: SerialProfile): Promise<SamTransport> {
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({
    path: profile.path,
    baudRate: profile.baudRate ?? 115_200,
    dataBits: 8,
    parity: 'none',
    stopBits: 1,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return new SerialTransport(port);
}

// ---------------------------------------------------------------------------------------------
// HID (readers that tunnel the SAM frames through HID reports)

/**
 * How a reader packs SAM frames into HID reports. There is no standard: vendors differ in
 * report size, report ID and whether each report starts with a count of the valid bytes.
 * Take these values from the reader's documentation or from a USB capture of its vendor tool.
 */
export interface HidFraming {
  /** Report ID sent as the first byte of every output report; 0 for devices without numbered reports. */
  reportId: number;
  /** Bytes after the report ID in each report (output and input), e.g. 64. */
  reportSize: number;
  /** Whether the first payload byte of each report is the number of valid bytes that follow. */
  lengthPrefix: boolean;
  /** Whether input reports arrive with the report ID in front (numbered reports). */
  inputHasReportId: boolean;
}

/** A common layout: 64-byte reports, unnumbered, with a length byte. Check your reader. */
export const DEFAULT_HID_FRAMING: Readonly<HidFraming> = {
  reportId: 0x00,
  reportSize: 64,
  lengthPrefix: true,
  inputHasReportId: false,
};

/**
 * Splits bytes into output reports: `[reportId, (count), bytes…, zero padding]`, each
 * `1 + reportSize` long.
 *
 * @throws RangeError when the framing cannot carry any byte
 */
export function wrapHidReports(bytes: Uint8Array, framing: HidFraming): Uint8Array[] {
  const room = framing.reportSize - (framing.lengthPrefix ? 1 : 0);
  if (room < 1 || (framing.lengthPrefix && room > 0xff)) {
    throw new RangeError('HID framing leaves no room for data or its count does not fit a byte');
  }
  const reports: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += room) {
    const part = bytes.subarray(at, at + room);
    const report = new Uint8Array(1 + framing.reportSize);
    report[0] = framing.reportId;
    let o = 1;
    if (framing.lengthPrefix) {
      report[o++] = part.length;
    }
    report.set(part, o);
    reports.push(report);
  }
  return reports;
}

/**
 * The frame bytes carried by one input report. Without a length byte the zero padding comes
 * along; the frame decoder skips it as inter-frame noise.
 */
export function unwrapHidReport(report: Uint8Array, framing: HidFraming): Uint8Array {
  const body = framing.inputHasReportId ? report.subarray(1) : report;
  if (!framing.lengthPrefix) {
    return body;
  }
  const count = Math.min(body[0] ?? 0, body.length - 1);
  return body.subarray(1, 1 + count);
}

/** What the HID transport needs of an opened device; node-hid's `HIDAsync` fits. */
export interface HidDeviceLike {
  write(report: number[] | Buffer): Promise<number> | number;
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): Promise<void> | void;
}

class HidTransport extends BaseTransport {
  readonly kind = 'hid';

  constructor(
    private readonly device: HidDeviceLike,
    private readonly framing: HidFraming,
  ) {
    super();
    device.on('data', (report) => this.emitData(unwrapHidReport(new Uint8Array(report), framing)));
    device.on('error', (err) => {
      this.markClosed(err);
      // Free the handle too; node-hid may refuse once the device is gone, which is fine.
      void Promise.resolve()
        .then(() => device.close())
        .catch(() => undefined);
    });
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.requireOpen();
    for (const report of wrapHidReports(bytes, this.framing)) {
      await this.device.write(Buffer.from(report));
    }
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.markClosed();
    await this.device.close();
  }
}

/** Wraps an already opened HID device (node-hid `HIDAsync`, or a fake in tests). */
export function createHidTransport(
  device: HidDeviceLike,
  framing: HidFraming = DEFAULT_HID_FRAMING,
): SamTransport {
  return new HidTransport(device, framing);
}

/** Where a HID reader is: its hidraw path, or its USB ids (first match). */
export type HidProfile = ({ path: string } | { vendorId: number; productId: number }) & {
  framing?: HidFraming;
};

/** Opens a HID reader with node-hid (needs Debian `libusb-1.0-0` and udev rules granting access). */
export async function openHidTransport(profile: HidProfile): Promise<SamTransport> {
  const { HIDAsync } = await import('node-hid');
  const device =
    'path' in profile
      ? await HIDAsync.open(profile.path)
      : await HIDAsync.open(profile.vendorId, profile.productId);
  return createHidTransport(device, profile.framing ?? DEFAULT_HID_FRAMING);
}

// ---------------------------------------------------------------------------------------------
// USB bulk (vendor-class readers)

/**
 * Bulk endpoints of a USB reader.
 *
 * `split`: the layout of the published SAM_V protocol: the host writes the 7-byte header
 * (preamble + LEN) to one OUT pipe (0x02) and the rest of the frame to another (0x06), then reads
 * the answer's header from one IN pipe (0x81) and, knowing LEN, the rest from another (0x85).
 * `single`: one OUT and one IN pipe carrying whole frames, as on UART.
 */
export type UsbBulkLayout =
  | { kind: 'split'; headerOut: number; bodyOut: number; headerIn: number; bodyIn: number }
  | { kind: 'single'; out: number; in: number };

/** The SAM_V split layout: OUT 0x02 / 0x06, IN 0x81 / 0x85. */
export const SAM_V_USB_LAYOUT: Readonly<UsbBulkLayout> = {
  kind: 'split',
  headerOut: 0x02,
  bodyOut: 0x06,
  headerIn: 0x81,
  bodyIn: 0x85,
};

/**
 * Bulk transfers on an opened, claimed interface. {@link openUsbBulkTransport} implements it with
 * the `usb` package; tests fake it.
 */
export interface UsbBulkPipes {
  /** One OUT transfer. */
  write(endpoint: number, bytes: Uint8Array): Promise<void>;
  /** One IN transfer of up to `length` bytes; rejects on timeout. */
  read(endpoint: number, length: number, timeoutMs: number): Promise<Uint8Array>;
  /** Keeps IN transfers pending and reports what arrives; returns a stop function. */
  stream(endpoint: number, onData: (chunk: Uint8Array) => void, onError: (error: Error) => void): () => void;
  /** Releases the interface and closes the device. */
  close(): Promise<void>;
}

/** Options of {@link createUsbBulkTransport}. */
export interface UsbBulkOptions {
  layout?: UsbBulkLayout;
  /**
   * Split layout: how long to wait for an answer's header. Reading a card takes about a second;
   * keep this at or under the driver's read timeout so a lost answer does not delay the next
   * command. Default 3000 ms.
   */
  answerTimeoutMs?: number;
}

/**
 * What {@link UsbBulkPipes.read} rejects with when nothing came in time. The transport swallows
 * it: the driver has its own command timeout. Any other error means the device is gone.
 */
export class UsbReadTimeout extends Error {
  override readonly name = 'UsbReadTimeout';
}

class UsbBulkTransport extends BaseTransport {
  readonly kind = 'usb';
  private readonly layout: UsbBulkLayout;
  private readonly answerTimeoutMs: number;
  private exchange: Promise<void> = Promise.resolve();
  private stopStream: (() => void) | undefined;

  constructor(
    private readonly pipes: UsbBulkPipes,
    options: UsbBulkOptions,
  ) {
    super();
    this.layout = options.layout ?? SAM_V_USB_LAYOUT;
    this.answerTimeoutMs = options.answerTimeoutMs ?? 3000;
    if (this.layout.kind === 'single') {
      this.stopStream = pipes.stream(
        this.layout.in,
        (chunk) => this.emitData(chunk),
        (err) => this.lost(err),
      );
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.requireOpen();
    const layout = this.layout;
    if (layout.kind === 'single') {
      return this.pipes.write(layout.out, bytes);
    }
    if (bytes.length < 7 || !SAM_PREAMBLE.every((b, i) => bytes[i] === b)) {
      throw new RangeError('USB split pipes carry whole SAM frames only');
    }
    // One exchange at a time: the answer's header pipe must not be read by two commands.
    const sent = this.exchange.then(async () => {
      await this.pipes.write(layout.headerOut, bytes.subarray(0, 7));
      await this.pipes.write(layout.bodyOut, bytes.subarray(7));
    });
    this.exchange = sent.then(
      () => this.readAnswer(layout).catch((err: unknown) => this.readFailed(err)),
      () => undefined,
    );
    return sent;
  }

  private async readAnswer(layout: Extract<UsbBulkLayout, { kind: 'split' }>): Promise<void> {
    const header = await this.pipes.read(layout.headerIn, 7, this.answerTimeoutMs);
    if (header.length !== 7 || !SAM_PREAMBLE.every((b, i) => header[i] === b)) {
      // Not a header: hand it over anyway, the decoder will skip it.
      this.emitData(header);
      return;
    }
    const len = (header[5]! << 8) | header[6]!;
    const body = await this.pipes.read(layout.bodyIn, len, this.answerTimeoutMs);
    const frame = new Uint8Array(7 + body.length);
    frame.set(header, 0);
    frame.set(body, 7);
    this.emitData(frame);
  }

  private readFailed(err: unknown): void {
    if (err instanceof UsbReadTimeout) {
      return;
    }
    this.lost(err instanceof Error ? err : new Error(String(err)));
  }

  private lost(err: Error): void {
    this.stopStream?.();
    this.markClosed(err);
    void this.pipes.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.stopStream?.();
    this.markClosed();
    // libusb cannot release an interface with a transfer pending: let the exchange in flight end
    // (it is bounded by answerTimeoutMs).
    await this.exchange;
    await this.pipes.close();
  }
}

/** Builds the USB transport over given pipes (the real ones, or a fake in tests). */
export function createUsbBulkTransport(pipes: UsbBulkPipes, options: UsbBulkOptions = {}): SamTransport {
  return new UsbBulkTransport(pipes, options);
}

/** Where a USB bulk reader is. */
export interface UsbBulkProfile extends UsbBulkOptions {
  vendorId: number;
  productId: number;
  /** Interface holding the bulk endpoints. Default 0. */
  interfaceNumber?: number;
}

/**
 * Opens a vendor-class USB reader with the `usb` package (libusb): claims the interface,
 * detaching a kernel driver if one is bound, and checks the layout's endpoints exist.
 * Needs write access to the device node (a udev rule on the kiosk).
 */
export async function openUsbBulkTransport(profile: UsbBulkProfile): Promise<SamTransport> {
  const usb = await import('usb');
  const device = usb.findByIds(profile.vendorId, profile.productId);
  if (device === undefined) {
    throw new Error(
      `no USB device ${hex4(profile.vendorId)}:${hex4(profile.productId)} (unplugged, or no permission to list it)`,
    );
  }
  device.open();
  try {
    const iface = device.interface(profile.interfaceNumber ?? 0);
    if (process.platform === 'linux' && iface.isKernelDriverActive()) {
      iface.detachKernelDriver();
    }
    iface.claim();
    const pipes = libusbPipes(
      device,
      iface,
      usb.usb.LIBUSB_TRANSFER_TYPE_BULK,
      usb.usb.LIBUSB_TRANSFER_TIMED_OUT,
    );
    const layout = profile.layout ?? SAM_V_USB_LAYOUT;
    const wanted =
      layout.kind === 'split'
        ? [layout.headerOut, layout.bodyOut, layout.headerIn, layout.bodyIn]
        : [layout.out, layout.in];
    for (const addr of wanted) {
      pipes.endpoint(addr);
    }
    return createUsbBulkTransport(pipes, profile);
  } catch (err) {
    device.close();
    throw err;
  }
}

function libusbPipes(
  device: UsbDevice,
  iface: ReturnType<UsbDevice['interface']>,
  bulkType: number,
  timedOut: number,
): UsbBulkPipes & { endpoint(addr: number): InEndpoint | OutEndpoint } {
  const endpoint = (addr: number): InEndpoint | OutEndpoint => {
    const ep = iface.endpoint(addr);
    if (ep === undefined || ep.transferType !== bulkType) {
      throw new Error(`USB interface has no bulk endpoint 0x${addr.toString(16)}`);
    }
    return ep as InEndpoint | OutEndpoint;
  };
  const inEndpoint = (addr: number): InEndpoint => {
    const ep = endpoint(addr);
    if (ep.direction !== 'in') {
      throw new Error(`USB endpoint 0x${addr.toString(16)} is not IN`);
    }
    return ep as InEndpoint;
  };
  const outEndpoint = (addr: number): OutEndpoint => {
    const ep = endpoint(addr);
    if (ep.direction !== 'out') {
      throw new Error(`USB endpoint 0x${addr.toString(16)} is not OUT`);
    }
    return ep as OutEndpoint;
  };
  return {
    endpoint,
    write: (addr, bytes) =>
      new Promise((resolve, reject) => {
        outEndpoint(addr).transfer(Buffer.from(bytes), (err) => (err ? reject(err) : resolve()));
      }),
    read: (addr, length, timeoutMs) =>
      new Promise((resolve, reject) => {
        const ep = inEndpoint(addr);
        ep.timeout = timeoutMs;
        ep.transfer(length, (err, data) => {
          if (err) {
            reject(err.errno === timedOut ? new UsbReadTimeout('USB answer timed out') : err);
            return;
          }
          resolve(new Uint8Array(data ?? Buffer.alloc(0)));
        });
      }),
    stream: (addr, onData, onError) => {
      const ep = inEndpoint(addr);
      const data = (chunk: Buffer) => onData(new Uint8Array(chunk));
      ep.on('data', data);
      ep.on('error', onError);
      ep.startPoll(2, 512);
      return () => {
        ep.off('data', data);
        ep.off('error', onError);
        if (ep.pollActive) {
          ep.stopPoll();
        }
      };
    },
    close: () =>
      new Promise((resolve) => {
        iface.release(true, () => {
          try {
            device.close();
          } catch {
            // Already gone, or a transfer still pending: the handle dies with the process anyway.
          }
          resolve();
        });
      }),
  };
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
