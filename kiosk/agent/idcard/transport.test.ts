import { describe, expect, it } from 'vitest';
import { encodeNamedCommand } from './sam-frame.ts';
import { SimulatedSamReader } from './simulator.ts';
import { FakeHidReaderDevice, FakeUsbPipes } from './test-fakes.ts';
import {
  createHidTransport,
  createMemoryLink,
  createUsbBulkTransport,
  DEFAULT_HID_FRAMING,
  type HidFraming,
  SAM_V_USB_LAYOUT,
  type UsbBulkLayout,
  unwrapHidReport,
  wrapHidReports,
} from './transport.ts';

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

const FIND = hex('AA AA AA 96 69 00 03 20 01 22');
const NO_CARD = hex('AA AA AA 96 69 00 04 00 00 80 84');
const flush = () => new Promise((r) => setImmediate(r));

describe('memory link', () => {
  it('delivers writes to the other side in chunks', async () => {
    const { host, device } = createMemoryLink({ chunkSize: 4 });
    const got: Uint8Array[] = [];
    device.onData((c) => got.push(c));
    await host.write(FIND);
    await flush();
    expect(got.map((c) => c.length)).toEqual([4, 4, 2]);
    expect(Uint8Array.from(got.flatMap((c) => [...c]))).toEqual(FIND);
  });

  it('closes both sides, telling the peer it was lost', async () => {
    const { host, device } = createMemoryLink();
    const closes: (Error | undefined)[] = [];
    host.onClose((e) => closes.push(e));
    await device.close();
    expect(closes).toHaveLength(1);
    expect(closes[0]?.message).toBe('peer closed');
    await expect(host.write(FIND)).rejects.toThrow(/closed/);
  });
});

describe('HID report framing', () => {
  const small: HidFraming = { reportId: 0, reportSize: 8, lengthPrefix: true, inputHasReportId: false };

  it('wraps a frame into 64-byte reports with a count byte by default', () => {
    const [report, ...rest] = wrapHidReports(FIND, DEFAULT_HID_FRAMING);
    expect(rest).toEqual([]);
    expect(report!.length).toBe(65);
    expect(report!.subarray(0, 12)).toEqual(hex('00 0A AA AA AA 96 69 00 03 20 01 22'));
    expect(report!.subarray(12).every((b) => b === 0)).toBe(true);
  });

  it('splits across reports when a frame is longer than one', () => {
    expect(wrapHidReports(FIND, small)).toEqual([
      hex('00 07 AA AA AA 96 69 00 03'),
      hex('00 03 20 01 22 00 00 00 00'),
    ]);
    expect(
      wrapHidReports(FIND, { reportId: 2, reportSize: 8, lengthPrefix: false, inputHasReportId: true }),
    ).toEqual([hex('02 AA AA AA 96 69 00 03 20'), hex('02 01 22 00 00 00 00 00 00')]);
  });

  it('unwraps input reports', () => {
    expect(unwrapHidReport(hex('03 20 01 22 00 00'), small)).toEqual(hex('20 01 22'));
    expect(unwrapHidReport(hex('05 03 20 01 22 00'), { ...small, inputHasReportId: true })).toEqual(
      hex('20 01 22'),
    );
    expect(unwrapHidReport(hex('20 01 22 00'), { ...small, lengthPrefix: false })).toEqual(
      hex('20 01 22 00'),
    );
    // A count larger than the report is clamped rather than read past the end.
    expect(unwrapHidReport(hex('FF 01 02'), small)).toEqual(hex('01 02'));
  });

  it('refuses a framing with no room for data', () => {
    expect(() => wrapHidReports(FIND, { ...small, reportSize: 1 })).toThrow(RangeError);
    expect(() => wrapHidReports(FIND, { ...small, reportSize: 300 })).toThrow(RangeError);
  });
});

describe('HID transport (fake device)', () => {
  it('writes reports and delivers the unwrapped answer', async () => {
    const sim = new SimulatedSamReader();
    const device = new FakeHidReaderDevice(sim, DEFAULT_HID_FRAMING);
    const transport = createHidTransport(device, DEFAULT_HID_FRAMING);
    const got: number[] = [];
    transport.onData((c) => got.push(...c));
    await transport.write(FIND);
    await flush();
    expect(device.written).toHaveLength(1);
    expect(device.written[0]!.subarray(0, 12)).toEqual(hex('00 0A AA AA AA 96 69 00 03 20 01 22'));
    expect(device.sent[0]!.subarray(0, 12)).toEqual(hex('0B AA AA AA 96 69 00 04 00 00 80 84'));
    expect(Uint8Array.from(got)).toEqual(NO_CARD);
  });

  it('closes with the error when the device fails', async () => {
    const device = new FakeHidReaderDevice(new SimulatedSamReader(), DEFAULT_HID_FRAMING);
    const transport = createHidTransport(device);
    const closes: (Error | undefined)[] = [];
    transport.onClose((e) => closes.push(e));
    device.fail(new Error('could not read from HID device'));
    expect(closes.map((e) => e?.message)).toEqual(['could not read from HID device']);
    await flush();
    expect(device.closed).toBe(true);
    await transport.close();
  });
});

describe('USB bulk transport (fake pipes)', () => {
  it('split layout: header and body go to their pipes, the answer is read in two parts', async () => {
    const pipes = new FakeUsbPipes(new SimulatedSamReader(), SAM_V_USB_LAYOUT);
    const transport = createUsbBulkTransport(pipes);
    const got: Uint8Array[] = [];
    transport.onData((c) => got.push(c));
    await transport.write(FIND);
    await flush();
    expect(pipes.writes).toEqual([
      { endpoint: 0x02, bytes: hex('AA AA AA 96 69 00 03') },
      { endpoint: 0x06, bytes: hex('20 01 22') },
    ]);
    expect(pipes.reads).toEqual([
      { endpoint: 0x81, length: 7 },
      { endpoint: 0x85, length: 4 },
    ]);
    expect(got).toEqual([NO_CARD]);
  });

  it('split layout: exchanges do not overlap', async () => {
    const pipes = new FakeUsbPipes(new SimulatedSamReader(), SAM_V_USB_LAYOUT);
    const transport = createUsbBulkTransport(pipes);
    const got: Uint8Array[] = [];
    transport.onData((c) => got.push(c));
    await Promise.all([transport.write(FIND), transport.write(encodeNamedCommand('status'))]);
    await flush();
    expect(pipes.writes.map((w) => w.endpoint)).toEqual([0x02, 0x06, 0x02, 0x06]);
    expect(pipes.reads.map((r) => r.endpoint)).toEqual([0x81, 0x85, 0x81, 0x85]);
    expect(got).toEqual([NO_CARD, hex('AA AA AA 96 69 00 04 00 00 90 94')]);
  });

  it('split layout: refuses bytes that are not a frame', async () => {
    const transport = createUsbBulkTransport(new FakeUsbPipes(new SimulatedSamReader(), SAM_V_USB_LAYOUT));
    await expect(transport.write(hex('20 01 22'))).rejects.toThrow(RangeError);
  });

  it('split layout: a read timeout is left to the driver, any other error closes', async () => {
    const sim = new SimulatedSamReader();
    const pipes = new FakeUsbPipes(sim, SAM_V_USB_LAYOUT);
    const transport = createUsbBulkTransport(pipes, { answerTimeoutMs: 5 });
    const closes: (Error | undefined)[] = [];
    transport.onClose((e) => closes.push(e));
    sim.setMuted(true);
    await transport.write(FIND);
    await new Promise((r) => setTimeout(r, 20));
    expect(closes).toEqual([]);
    sim.setMuted(false);
    pipes.failNextRead = new Error('LIBUSB_ERROR_NO_DEVICE');
    await transport.write(FIND);
    await flush();
    expect(closes.map((e) => e?.message)).toEqual(['LIBUSB_ERROR_NO_DEVICE']);
    expect(pipes.closed).toBe(true);
  });

  it('single layout: whole frames out, answers streamed in', async () => {
    const layout: UsbBulkLayout = { kind: 'single', out: 0x01, in: 0x82 };
    const pipes = new FakeUsbPipes(new SimulatedSamReader(), layout);
    const transport = createUsbBulkTransport(pipes, { layout });
    const got: Uint8Array[] = [];
    transport.onData((c) => got.push(c));
    await transport.write(FIND);
    await flush();
    expect(pipes.writes).toEqual([{ endpoint: 0x01, bytes: FIND }]);
    expect(got).toEqual([NO_CARD]);
    await transport.close();
    expect(pipes.closed).toBe(true);
  });
});
