/**
 * A ticket printer on USB (printer class 7 or vendor class, bulk endpoints), driven with the
 * `usb` package (libusb) directly. escpos-usb is not used: it needs `usb` pinned back to 2.18
 * with npm overrides and adds nothing over the few libusb calls below.
 *
 * The transport only needs a small part of usb's `Device` ({@link UsbDeviceLike}), so the
 * endpoint choice, chunking and status logic are tested against a fake device (this machine
 * kind has no USB bus). `usb` itself is imported lazily, on first use.
 */
import { isPaperStatusByte, parsePaperStatus, statusRequest } from './escpos.ts';
import { TaskQueue } from './stream-helpers.ts';
import type { PrinterStatus, PrinterTransport } from './transport.ts';

/** `bmAttributes & 3` of a bulk endpoint (libusb's LIBUSB_TRANSFER_TYPE_BULK). */
export const USB_TRANSFER_TYPE_BULK = 2;

/** What is used of an OUT endpoint of the `usb` package. */
export interface UsbOutEndpointLike {
  readonly direction: 'out';
  readonly transferType: number;
  readonly descriptor: { readonly bEndpointAddress: number; readonly wMaxPacketSize: number };
  /** Milliseconds; 0 waits forever. */
  timeout: number;
  transfer(buffer: Buffer, callback: (error: Error | undefined) => void): unknown;
}

/** What is used of an IN endpoint of the `usb` package. */
export interface UsbInEndpointLike {
  readonly direction: 'in';
  readonly transferType: number;
  readonly descriptor: { readonly bEndpointAddress: number; readonly wMaxPacketSize: number };
  timeout: number;
  transfer(length: number, callback: (error: Error | undefined, data?: Buffer) => void): unknown;
}

/** What is used of a `usb` Interface. */
export interface UsbInterfaceLike {
  readonly endpoints: readonly (UsbInEndpointLike | UsbOutEndpointLike)[];
  isKernelDriverActive(): boolean;
  detachKernelDriver(): void;
  claim(): void;
  release(closeEndpoints: boolean, callback: (error?: Error) => void): void;
}

/** What is used of a `usb` Device (from `findByIds`). */
export interface UsbDeviceLike {
  open(): void;
  close(): void;
  interface(number: number): UsbInterfaceLike | undefined;
}

export interface UsbPrinterOptions {
  vendorId: number;
  productId: number;
  /** Interface holding the bulk endpoints; 0 by default. */
  interfaceNumber?: number;
  /** Bytes per OUT transfer; 4096 by default (cheap printers have small input buffers). */
  chunkSize?: number;
  /** Give up on one OUT transfer after this long (a stalled printer NAKs forever); 10000 ms by default. */
  writeTimeoutMs?: number;
  /** Wait this long for the `DLE EOT 4` reply before reporting 'offline'; 2000 ms by default. */
  statusTimeoutMs?: number;
  /** Detach a bound kernel driver (`usblp`) before claiming; by default on Linux only. */
  detachKernelDriver?: boolean;
  /** Finds the device; `usb.findByIds` by default. */
  find?: (
    vendorId: number,
    productId: number,
  ) => UsbDeviceLike | undefined | Promise<UsbDeviceLike | undefined>;
  /** Told why the printer is unusable, each time it is (for the log). */
  onProblem?: (reason: string) => void;
}

interface OpenDevice {
  device: UsbDeviceLike;
  iface: UsbInterfaceLike;
  out: UsbOutEndpointLike;
  in: UsbInEndpointLike | undefined;
}

/**
 * A USB printer. The device is opened and its interface claimed on first use, and again after
 * any transfer error (unplugged, re-plugged, powered off); jobs and status queries run one at
 * a time in call order. A job goes out in {@link UsbPrinterOptions.chunkSize} transfers on
 * the interface's bulk OUT endpoint; the status reply is read from its bulk IN endpoint
 * (a printer without one reports 'offline', as it cannot answer).
 */
export class UsbPrinter implements PrinterTransport {
  readonly #o: Required<Omit<UsbPrinterOptions, 'find' | 'onProblem'>> & Pick<UsbPrinterOptions, 'onProblem'>;
  readonly #find: NonNullable<UsbPrinterOptions['find']>;
  #open: OpenDevice | null = null;
  #closed = false;
  readonly #queue = new TaskQueue();
  #problem: string | null = null;

  constructor(opts: UsbPrinterOptions) {
    const chunkSize = opts.chunkSize ?? 4096;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
    }
    this.#o = {
      vendorId: opts.vendorId,
      productId: opts.productId,
      interfaceNumber: opts.interfaceNumber ?? 0,
      chunkSize,
      writeTimeoutMs: opts.writeTimeoutMs ?? 10_000,
      statusTimeoutMs: opts.statusTimeoutMs ?? 2000,
      detachKernelDriver: opts.detachKernelDriver ?? process.platform === 'linux',
      onProblem: opts.onProblem,
    };
    this.#find = opts.find ?? findWithUsbPackage;
  }

  /** `04b8:0202`, as lsusb prints it. */
  get ids(): string {
    return `${hex4(this.#o.vendorId)}:${hex4(this.#o.productId)}`;
  }

  /** Why the printer was last unusable, or null if the last operation worked. */
  get problem(): string | null {
    return this.#problem;
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.#queue.run(async () => {
      const dev = await this.#connect();
      try {
        for (let at = 0; at < bytes.length; at += this.#o.chunkSize) {
          await transferOut(dev.out, bytes.subarray(at, at + this.#o.chunkSize), this.#o.writeTimeoutMs);
        }
      } catch (e) {
        await this.#drop();
        throw this.#fail(`USB printer ${this.ids}: write failed (${messageOf(e)})`);
      }
      this.#problem = null;
    });
  }

  queryStatus(): Promise<PrinterStatus> {
    return this.#queue.run(async () => {
      let dev: OpenDevice;
      try {
        dev = await this.#connect();
      } catch {
        return 'offline'; // #connect recorded why
      }
      const inEndpoint = dev.in;
      if (inEndpoint === undefined) {
        this.#fail(`USB printer ${this.ids} has no bulk IN endpoint: it cannot answer DLE EOT 4`);
        return 'offline';
      }
      try {
        await transferOut(dev.out, statusRequest(), this.#o.writeTimeoutMs);
        const deadline = Date.now() + this.#o.statusTimeoutMs;
        for (;;) {
          const remaining = deadline - Date.now();
          if (remaining <= 0) {
            throw new Error(`no DLE EOT 4 reply within ${this.#o.statusTimeoutMs} ms`);
          }
          const chunk = await transferIn(inEndpoint, inEndpoint.descriptor.wMaxPacketSize || 64, remaining);
          // Read byte by byte: Automatic Status Back blocks and other noise never match the reply's fixed bits.
          const reply = chunk.find((b) => isPaperStatusByte(b));
          if (reply !== undefined) {
            this.#problem = null;
            return parsePaperStatus(reply);
          }
        }
      } catch (e) {
        // A late reply must not answer the next query, and an unplugged device must be reopened.
        await this.#drop();
        this.#fail(`USB printer ${this.ids}: no status (${messageOf(e)})`);
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

  async #connect(): Promise<OpenDevice> {
    if (this.#closed) {
      throw new Error('printer transport is closed');
    }
    if (this.#open !== null) {
      return this.#open;
    }
    let device: UsbDeviceLike | undefined;
    try {
      device = await this.#find(this.#o.vendorId, this.#o.productId);
    } catch (e) {
      throw this.#fail(`USB printer ${this.ids}: cannot search the USB bus (${messageOf(e)})`);
    }
    if (device === undefined) {
      throw this.#fail(
        `no USB printer ${this.ids} (vendor 0x${hex4(this.#o.vendorId)}, product 0x${hex4(this.#o.productId)}): ` +
          'unplugged, switched off, or no permission to list it',
      );
    }
    try {
      device.open();
    } catch (e) {
      throw this.#fail(
        `USB printer ${this.ids}: cannot open (${messageOf(e)}; is there a udev rule granting access?)`,
      );
    }
    try {
      const iface = device.interface(this.#o.interfaceNumber);
      if (iface === undefined) {
        throw new Error(`no interface ${this.#o.interfaceNumber}`);
      }
      if (this.#o.detachKernelDriver && iface.isKernelDriverActive()) {
        iface.detachKernelDriver();
      }
      iface.claim();
      const bulk = iface.endpoints.filter((e) => e.transferType === USB_TRANSFER_TYPE_BULK);
      const out = bulk.find((e): e is UsbOutEndpointLike => e.direction === 'out');
      const inEndpoint = bulk.find((e): e is UsbInEndpointLike => e.direction === 'in');
      if (out === undefined) {
        await release(iface);
        throw new Error(`interface ${this.#o.interfaceNumber} has no bulk OUT endpoint`);
      }
      this.#open = { device, iface, out, in: inEndpoint };
      return this.#open;
    } catch (e) {
      closeQuietly(device);
      throw this.#fail(`USB printer ${this.ids}: ${messageOf(e)}`);
    }
  }

  async #drop(): Promise<void> {
    const dev = this.#open;
    this.#open = null;
    if (dev !== null) {
      await release(dev.iface);
      closeQuietly(dev.device);
    }
  }
}

function transferOut(ep: UsbOutEndpointLike, bytes: Uint8Array, timeoutMs: number): Promise<void> {
  ep.timeout = timeoutMs;
  return new Promise((resolve, reject) => {
    ep.transfer(Buffer.from(bytes), (err) => (err ? reject(err) : resolve()));
  });
}

function transferIn(ep: UsbInEndpointLike, length: number, timeoutMs: number): Promise<Uint8Array> {
  ep.timeout = Math.max(1, Math.ceil(timeoutMs));
  return new Promise((resolve, reject) => {
    ep.transfer(length, (err, data) =>
      err ? reject(err) : resolve(new Uint8Array(data ?? Buffer.alloc(0))),
    );
  });
}

/** Releases the interface (ending pending transfers); errors mean it is gone already. */
function release(iface: UsbInterfaceLike): Promise<void> {
  return new Promise((resolve) => {
    try {
      iface.release(true, () => resolve());
    } catch {
      resolve();
    }
  });
}

function closeQuietly(device: UsbDeviceLike): void {
  try {
    device.close();
  } catch {
    // Already closed or gone: the handle dies with the process anyway.
  }
}

async function findWithUsbPackage(vendorId: number, productId: number): Promise<UsbDeviceLike | undefined> {
  const { findByIds } = await import('usb');
  // The usb Device has everything UsbDeviceLike names; its Interface types endpoints as the
  // abstract Endpoint (no transfer), hence the cast.
  return findByIds(vendorId, productId) as unknown as UsbDeviceLike | undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
