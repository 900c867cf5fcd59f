import { EventEmitter } from 'node:events';
import type { RatingPadProfile } from '@onewindow/firmware-config/schema';
import type { PadSource } from './driver.ts';

/**
 * Opens the real transport of a pad profile. node-hid reads hidraw reports (a keyboard-wedge
 * keypad still types into the focused window too; the kiosk page ignores those keys), and
 * serialport reads text lines. Bindings load only when a profile needs them.
 */
export async function openPadSource(profile: RatingPadProfile): Promise<PadSource> {
  const t = profile.transport;
  if (t.kind === 'serial') {
    const { SerialPort, ReadlineParser } = await import('serialport');
    const port = new SerialPort({ path: t.path, baudRate: t.baudRate });
    const delimiter = t.lineEnding === 'crlf' ? '\r\n' : t.lineEnding === 'lf' ? '\n' : '\r';
    const lines = port.pipe(new ReadlineParser({ delimiter }));
    const source = new EventEmitter() as EventEmitter & PadSource;
    lines.on('data', (line: string) => source.emit('line', line));
    port.on('error', (err: Error) => source.emit('error', err));
    source.close = () =>
      new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
    return source;
  }
  const HID = await import('node-hid');
  const device = await HID.HIDAsync.open(t.vendorId, t.productId);
  const source = new EventEmitter() as EventEmitter & PadSource;
  device.on('data', (data: Buffer) => source.emit('report', new Uint8Array(data)));
  device.on('error', (err: Error) => source.emit('error', err));
  source.close = () => device.close();
  return source;
}

/**
 * A dev-only pad for the demo hall and tests: `press(level)` sends exactly what the profile's
 * real device would (a keyboard report, a vendor report, or a line).
 */
export class SimulatedPadSource extends EventEmitter implements PadSource {
  constructor(private readonly profile: RatingPadProfile) {
    super();
  }

  /** Sends the raw input the profile maps to this level. */
  press(level: 1 | 2 | 3 | 4 | 5): void {
    const key = Object.entries(this.profile.keyMap as Record<string, number>).find(
      ([, l]) => l === level,
    )?.[0];
    if (key === undefined) throw new Error(`profile ${this.profile.id} has no key for level ${level}`);
    const t = this.profile.transport;
    if (t.kind === 'serial') this.emit('line', key);
    else if (t.kind === 'hid-report') {
      const report = new Uint8Array(Math.max(8, t.reportByte + 1));
      report[t.reportByte] = Number(key);
      this.emit('report', report);
    } else {
      const usage = usageOf(key);
      this.emit('report', Uint8Array.from([0, 0, usage, 0, 0, 0, 0, 0]));
      this.emit('report', new Uint8Array(8)); // key up
    }
  }

  async close(): Promise<void> {
    this.removeAllListeners();
  }
}

function usageOf(code: string): number {
  const digit = /^Digit(\d)$/.exec(code);
  if (digit) return digit[1] === '0' ? 0x27 : 0x1d + Number(digit[1]);
  const f = /^F(\d{1,2})$/.exec(code);
  if (f) return 0x39 + Number(f[1]);
  const pad = /^Numpad(\d)$/.exec(code);
  if (pad) return pad[1] === '0' ? 0x62 : 0x58 + Number(pad[1]);
  throw new Error(`no HID usage for ${code}`);
}
