/**
 * The serial printer transport over a real serial stack: serialport on both ends of a socat pty
 * pair, a fake printer on one end that records jobs and answers `DLE EOT 4`. Needs Debian
 * `socat`; fails (never skips) without it.
 */
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair, waitUntil } from '../testing/socat-pair.ts';
import { SerialPrinter } from './serial.ts';

let pair: PtyPair | undefined;
let printerEnd = '';
let hostEnd = '';

beforeAll(async () => {
  pair = await openPtyPair('ow-printer-', ['printer', 'host']);
  printerEnd = pair.a;
  hostEnd = pair.b;
});

afterAll(async () => {
  await pair?.close();
});

/**
 * A printer on the other end: keeps every byte that is not `DLE EOT 4`, and answers that with
 * `status` (paper near end by default), preceded by `noise` (e.g. an ASB block), or not at all.
 */
async function fakePrinter(): Promise<{
  received: number[];
  status: number | null;
  noise: number[];
  close(): Promise<void>;
}> {
  const port = new SerialPort({ path: printerEnd, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const state = {
    received: [] as number[],
    status: 0x1e as number | null, // bits 2–3: near end
    noise: [] as number[],
    close: () => new Promise<void>((resolve) => port.close(() => resolve())),
  };
  let pending: number[] = [];
  port.on('data', (chunk: Buffer) => {
    for (const b of chunk) {
      pending.push(b);
      if (pending.length === 3 && pending[0] === 0x10 && pending[1] === 0x04 && pending[2] === 0x04) {
        pending = [];
        if (state.status !== null) {
          port.write(Buffer.from([...state.noise, state.status]));
        }
        continue;
      }
      if (pending[0] !== 0x10 || pending.length === 3 || (pending.length === 2 && pending[1] !== 0x04)) {
        state.received.push(...pending);
        pending = [];
      }
    }
  });
  return state;
}

describe('SerialPrinter over a real serial port pair (socat)', () => {
  it('prints a job, drains it, and reads paper near end from DLE EOT 4', async () => {
    const fake = await fakePrinter();
    const problems: string[] = [];
    const printer = new SerialPrinter({ path: hostEnd, baudRate: 9600, onProblem: (r) => problems.push(r) });
    try {
      const job = Uint8Array.from([
        0x1b,
        0x40,
        ...new TextEncoder().encode('A001\n'.repeat(200)),
        0x1d,
        0x56,
        66,
        0,
      ]);
      await printer.write(job);
      await waitUntil(() => fake.received.length >= job.length, 5000, 'the job to reach the printer');
      expect(fake.received).toEqual(Array.from(job));

      expect(await printer.queryStatus()).toBe('near-end');
      fake.noise = [0x14, 0x00, 0x00, 0x0f]; // an ASB block first
      fake.status = 0x12;
      expect(await printer.queryStatus()).toBe('ok');
      fake.noise = [];
      fake.status = 0x72;
      expect(await printer.queryStatus()).toBe('out');
      expect(problems).toEqual([]);
      expect(printer.problem).toBeNull();
    } finally {
      await printer.close();
      await fake.close();
    }
  });

  it('is offline when the printer does not answer in time, and answers again afterwards', async () => {
    const fake = await fakePrinter();
    const printer = new SerialPrinter({ path: hostEnd, baudRate: 9600, statusTimeoutMs: 200 });
    try {
      fake.status = null;
      const started = Date.now();
      expect(await printer.queryStatus()).toBe('offline');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(printer.problem).toMatch(/no DLE EOT 4 reply within 200 ms/);
      fake.status = 0x1e;
      expect(await printer.queryStatus()).toBe('near-end');
    } finally {
      await printer.close();
      await fake.close();
    }
  });

  it('is offline, naming the port, when the device does not exist; jobs fail', async () => {
    const path = `${hostEnd}-no-such-port`;
    const printer = new SerialPrinter({ path, baudRate: 9600 });
    expect(await printer.queryStatus()).toBe('offline');
    expect(printer.problem).toContain(path);
    await expect(printer.write(Uint8Array.of(0x0a))).rejects.toThrow(/cannot open/);
    await printer.close();
    await expect(printer.write(Uint8Array.of(0x0a))).rejects.toThrow(/closed/);
  });
});
