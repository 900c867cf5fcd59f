/**
 * The USB printer transport against a fake `usb` device (no USB bus on this machine kind):
 * endpoint choice, claiming, chunking, the DLE EOT 4 exchange on the bulk IN endpoint, and
 * 'offline' with a clear reason when the device is missing, silent or unplugged.
 */
import { describe, expect, it } from 'vitest';
import {
  USB_TRANSFER_TYPE_BULK,
  type UsbDeviceLike,
  type UsbInEndpointLike,
  type UsbInterfaceLike,
  type UsbOutEndpointLike,
  UsbPrinter,
  type UsbPrinterOptions,
} from './usb.ts';

const INTERRUPT = 3;

class FakeOut implements UsbOutEndpointLike {
  readonly direction = 'out';
  timeout = 0;
  readonly transfers: Uint8Array[] = [];
  readonly timeouts: number[] = [];
  fail: Error | undefined;
  constructor(
    readonly descriptor: { bEndpointAddress: number; wMaxPacketSize: number },
    private readonly onBytes: (bytes: Uint8Array) => void,
    readonly transferType = USB_TRANSFER_TYPE_BULK,
  ) {}
  transfer(buffer: Buffer, callback: (error: Error | undefined) => void): this {
    this.timeouts.push(this.timeout);
    const err = this.fail;
    if (err === undefined) {
      this.transfers.push(Uint8Array.from(buffer));
      this.onBytes(Uint8Array.from(buffer));
    }
    setImmediate(() => callback(err));
    return this;
  }
}

class FakeIn implements UsbInEndpointLike {
  readonly direction = 'in';
  timeout = 0;
  readonly lengths: number[] = [];
  /** Chunks the printer has ready, one per IN transfer. */
  readonly pending: Uint8Array[] = [];
  constructor(
    readonly descriptor: { bEndpointAddress: number; wMaxPacketSize: number },
    readonly transferType = USB_TRANSFER_TYPE_BULK,
  ) {}
  transfer(length: number, callback: (error: Error | undefined, data?: Buffer) => void): this {
    this.lengths.push(length);
    const chunk = this.pending.shift();
    if (chunk !== undefined) {
      setImmediate(() => callback(undefined, Buffer.from(chunk.subarray(0, length))));
    } else {
      // libusb: LIBUSB_TRANSFER_TIMED_OUT after ep.timeout
      setTimeout(
        () => callback(Object.assign(new Error('LIBUSB_TRANSFER_TIMED_OUT'), { errno: 2 })),
        this.timeout,
      );
    }
    return this;
  }
}

/** A printer: prints what reaches its bulk OUT endpoint, answers DLE EOT 4 on its bulk IN. */
class FakeUsbPrinterDevice implements UsbDeviceLike {
  readonly log: string[] = [];
  kernelDriver = true;
  /** What DLE EOT 4 puts on the IN endpoint; undefined: nothing (a printer that does not answer). */
  reply: Uint8Array[] | undefined = [Uint8Array.of(0x1e)];
  readonly printed: number[] = [];
  readonly out: FakeOut;
  readonly in: FakeIn;
  readonly iface: UsbInterfaceLike;

  constructor(opts: { withIn?: boolean } = {}) {
    this.out = new FakeOut({ bEndpointAddress: 0x01, wMaxPacketSize: 64 }, (bytes) => {
      if (bytes.length === 3 && bytes[0] === 0x10 && bytes[1] === 0x04 && bytes[2] === 0x04) {
        this.in.pending.push(...(this.reply ?? []));
      } else {
        this.printed.push(...bytes);
      }
    });
    this.in = new FakeIn({ bEndpointAddress: 0x82, wMaxPacketSize: 64 });
    const interruptIn = new FakeIn({ bEndpointAddress: 0x83, wMaxPacketSize: 8 }, INTERRUPT);
    const endpoints = opts.withIn === false ? [this.out] : [interruptIn, this.in, this.out];
    const log = this.log;
    this.iface = {
      endpoints,
      isKernelDriverActive: () => this.kernelDriver,
      detachKernelDriver: () => {
        log.push('detach');
        this.kernelDriver = false;
      },
      claim: () => log.push('claim'),
      release: (closeEndpoints, cb) => {
        log.push(`release ${closeEndpoints}`);
        setImmediate(() => cb());
      },
    };
  }

  open(): void {
    this.log.push('open');
  }
  close(): void {
    this.log.push('close');
  }
  interface(n: number): UsbInterfaceLike | undefined {
    this.log.push(`interface ${n}`);
    return n === 0 ? this.iface : undefined;
  }
}

function printer(device: UsbDeviceLike | undefined, opts: Partial<UsbPrinterOptions> = {}) {
  const problems: string[] = [];
  const found: string[] = [];
  const p = new UsbPrinter({
    vendorId: 0x0416,
    productId: 0x5011,
    detachKernelDriver: true,
    statusTimeoutMs: 100,
    find: (v, pid) => {
      found.push(`${v.toString(16)}:${pid.toString(16)}`);
      return device;
    },
    onProblem: (r) => problems.push(r),
    ...opts,
  });
  return { p, problems, found };
}

describe('UsbPrinter', () => {
  it('opens, detaches the kernel driver, claims interface 0 and writes in chunks on the bulk OUT endpoint', async () => {
    const dev = new FakeUsbPrinterDevice();
    const { p, found } = printer(dev, { chunkSize: 4, writeTimeoutMs: 5000 });
    const job = Uint8Array.from({ length: 10 }, (_, i) => i + 0x20);
    await p.write(job);
    await p.write(Uint8Array.of(0x0a));
    expect(found).toEqual(['416:5011']); // opened once
    expect(dev.log).toEqual(['open', 'interface 0', 'detach', 'claim']);
    expect(dev.out.transfers.map((t) => t.length)).toEqual([4, 4, 2, 1]);
    expect(dev.printed).toEqual([...job, 0x0a]);
    expect(dev.out.timeouts).toEqual([5000, 5000, 5000, 5000]);
    await p.close();
    expect(dev.log.slice(-2)).toEqual(['release true', 'close']);
    await expect(p.write(job)).rejects.toThrow(/closed/);
  });

  it('leaves the kernel driver alone when none is bound', async () => {
    const dev = new FakeUsbPrinterDevice();
    dev.kernelDriver = false;
    const { p } = printer(dev);
    await p.write(Uint8Array.of(0x0a));
    expect(dev.log).toEqual(['open', 'interface 0', 'claim']);
  });

  it('asks DLE EOT 4 and reads the reply from the bulk IN endpoint (not the interrupt one)', async () => {
    const dev = new FakeUsbPrinterDevice();
    const { p } = printer(dev);
    expect(await p.queryStatus()).toBe('near-end');
    expect(dev.out.transfers.at(-1)).toEqual(Uint8Array.of(0x10, 0x04, 0x04));
    expect(dev.in.lengths).toEqual([64]);
    dev.reply = [Uint8Array.of(0x12)];
    expect(await p.queryStatus()).toBe('ok');
    dev.reply = [Uint8Array.of(0x72)];
    expect(await p.queryStatus()).toBe('out');
    expect(p.problem).toBeNull();
  });

  it('skips bytes that are not a DLE EOT 4 reply, across IN transfers', async () => {
    const dev = new FakeUsbPrinterDevice();
    dev.reply = [Uint8Array.of(0x14, 0x00, 0x00, 0x0f), Uint8Array.of(0x00, 0x1e)];
    const { p } = printer(dev);
    expect(await p.queryStatus()).toBe('near-end');
    expect(dev.in.lengths).toEqual([64, 64]);
  });

  it('is offline, with the ids in the reason, when findByIds finds nothing', async () => {
    const { p, problems } = printer(undefined);
    expect(await p.queryStatus()).toBe('offline');
    expect(p.problem).toMatch(/no USB printer 0416:5011/);
    expect(problems).toHaveLength(1);
    await expect(p.write(Uint8Array.of(0x0a))).rejects.toThrow(/0416:5011/);
  });

  it('is offline when the printer does not answer in time, and reopens the device next time', async () => {
    const dev = new FakeUsbPrinterDevice();
    dev.reply = undefined;
    const { p, found } = printer(dev, { statusTimeoutMs: 50 });
    const started = Date.now();
    expect(await p.queryStatus()).toBe('offline');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(p.problem).toMatch(/0416:5011: no status/);
    expect(dev.log).toContain('close');
    dev.reply = [Uint8Array.of(0x12)];
    expect(await p.queryStatus()).toBe('ok');
    expect(found).toHaveLength(2);
  });

  it('is offline without a bulk IN endpoint, but still prints', async () => {
    const dev = new FakeUsbPrinterDevice({ withIn: false });
    const { p } = printer(dev);
    expect(await p.queryStatus()).toBe('offline');
    expect(p.problem).toMatch(/no bulk IN endpoint/);
    await p.write(Uint8Array.of(0x41, 0x0a));
    expect(dev.printed).toEqual([0x41, 0x0a]);
  });

  it('fails a write when a transfer fails (unplugged) and reopens on the next job', async () => {
    const dev = new FakeUsbPrinterDevice();
    const { p, found } = printer(dev);
    dev.out.fail = Object.assign(new Error('LIBUSB_ERROR_NO_DEVICE'), { errno: -4 });
    await expect(p.write(Uint8Array.of(0x0a))).rejects.toThrow(
      /0416:5011: write failed \(LIBUSB_ERROR_NO_DEVICE\)/,
    );
    dev.out.fail = undefined;
    await p.write(Uint8Array.of(0x0a));
    expect(found).toHaveLength(2);
    expect(dev.printed).toEqual([0x0a]);
  });

  it('refuses an interface without a bulk OUT endpoint, closing the device', async () => {
    const dev = new FakeUsbPrinterDevice();
    const broken: UsbDeviceLike = {
      open: () => dev.open(),
      close: () => dev.close(),
      interface: () => ({ ...dev.iface, endpoints: [dev.in] }),
    };
    const { p } = printer(broken);
    await expect(p.write(Uint8Array.of(0x0a))).rejects.toThrow(/no bulk OUT endpoint/);
    expect(dev.log).toContain('close');
  });
});
