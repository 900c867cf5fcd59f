/**
 * The real serial stack: serialport on both ends of a socat pty pair, the SimulatedSamReader
 * serving one end, the driver reading the other. Needs Debian `socat`; fails (never skips)
 * without it.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '../testing/socat-pair.ts';
import { SAMPLE_CARDS } from './base-info-encode.ts';
import { IdCardReader, type IdCardReaderError, type IdCardReaderEvents } from './reader.ts';
import { SimulatedSamReader } from './simulator.ts';
import { openSerialTransport, type SamTransport } from './transport.ts';

let pair: PtyPair | undefined;
let readerEnd = '';
let deviceEnd = '';

/** The next emission of one event; unlike events.once, an 'error' emitted meanwhile is not a rejection. */
function next<K extends keyof IdCardReaderEvents>(
  reader: IdCardReader,
  event: K,
  timeoutMs = 10_000,
): Promise<IdCardReaderEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    // Typed through a cast: EventEmitter's overloads do not narrow on a generic key.
    const on = reader.once.bind(reader) as (e: K, l: (...args: IdCardReaderEvents[K]) => void) => void;
    on(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

beforeAll(async () => {
  pair = await openPtyPair('ow-idcard-', ['A', 'B']);
  deviceEnd = pair.a;
  readerEnd = pair.b;
});

afterAll(async () => {
  await pair?.close();
});

describe('IdCardReader over a real serial port pair (socat)', () => {
  it('reads a card once, sees it stay, and reports its removal', async () => {
    const sim = new SimulatedSamReader();
    const device: SamTransport = await openSerialTransport({ path: deviceEnd, baudRate: 115_200 });
    sim.serve(device);
    const reader = new IdCardReader({
      open: () => openSerialTransport({ path: readerEnd }),
      pollIntervalMs: 50,
    });
    const errors: IdCardReaderError[] = [];
    reader.on('error', (e) => errors.push(e));
    const cards: unknown[] = [];
    reader.on('card', (c) => cards.push(c));
    try {
      const connected = next(reader, 'status');
      reader.start();
      expect(await connected).toEqual(['connected']);

      const card = next(reader, 'card');
      sim.insertCard(SAMPLE_CARDS.senior);
      expect(await card).toEqual([SAMPLE_CARDS.senior]);

      // Stays on the reader for ten polls: not read again.
      await new Promise((r) => setTimeout(r, 500));
      expect(cards).toHaveLength(1);
      expect(sim.received.filter((r) => r.name === 'readBase')).toHaveLength(1);

      const removed = next(reader, 'removed');
      sim.removeCard();
      await removed;

      const second = next(reader, 'card');
      sim.failNextRead();
      sim.insertCard(SAMPLE_CARDS.young);
      expect(await second).toEqual([SAMPLE_CARDS.young]);
      expect(errors.map((e) => e.code)).toEqual(['READ_FAILED']);
    } finally {
      await reader.stop();
      await device.close();
    }
  });

  it('reports a missing serial device and keeps trying', async () => {
    const reader = new IdCardReader({
      open: () => openSerialTransport({ path: `${deviceEnd}-no-such-port` }),
      reconnectDelayMs: 50,
    });
    const errors: IdCardReaderError[] = [];
    reader.on('error', (e) => errors.push(e));
    const status = next(reader, 'status');
    reader.start();
    expect(await status).toEqual(['disconnected']);
    await reader.stop();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('TRANSPORT');
  });
});
