import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResidentIdCard } from './base-info.ts';
import { encodeBaseInfoFields, encodeBaseInfoText, fakePhotoWlt, SAMPLE_CARDS } from './base-info-encode.ts';
import { IdCardReader, type IdCardReaderError, type IdCardReaderOptions } from './reader.ts';
import { SimulatedSamReader, type SimulatedSamReaderOptions } from './simulator.ts';
import { FakeHidReaderDevice, FakeUsbPipes } from './test-fakes.ts';
import {
  createHidTransport,
  createMemoryLink,
  createUsbBulkTransport,
  type HidFraming,
  SAM_V_USB_LAYOUT,
  type SamTransport,
} from './transport.ts';

type Event =
  | ['card', ResidentIdCard]
  | ['removed']
  | ['error', IdCardReaderError]
  | ['status', 'connected' | 'disconnected'];

interface Harness {
  sim: SimulatedSamReader;
  reader: IdCardReader;
  events: Event[];
  links: { host: SamTransport; device: SamTransport }[];
  names: () => string[];
  count: (command: string) => number;
}

function harness(
  options: {
    sim?: SimulatedSamReaderOptions;
    chunkSize?: number;
    reader?: Partial<IdCardReaderOptions>;
  } = {},
): Harness {
  const sim = new SimulatedSamReader(options.sim);
  const links: Harness['links'] = [];
  const reader = new IdCardReader({
    open: async () => {
      const link = createMemoryLink(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize });
      sim.serve(link.device);
      links.push(link);
      return link.host;
    },
    ...options.reader,
  });
  return withEvents(sim, reader, links);
}

function withEvents(sim: SimulatedSamReader, reader: IdCardReader, links: Harness['links'] = []): Harness {
  const events: Event[] = [];
  reader.on('card', (card) => events.push(['card', card]));
  reader.on('removed', () => events.push(['removed']));
  reader.on('error', (error) => events.push(['error', error]));
  reader.on('status', (status) => events.push(['status', status]));
  return {
    sim,
    reader,
    events,
    links,
    names: () =>
      events.map((e) => (e[0] === 'error' ? `error:${e[1].code}` : e[0] === 'status' ? e[1] : e[0])),
    count: (command) => sim.received.filter((r) => r.name === command).length,
  };
}

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

let h: Harness | undefined;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});

afterEach(async () => {
  await h?.reader.stop();
  h = undefined;
  vi.useRealTimers();
});

describe('IdCardReader with the simulator (in memory)', () => {
  it('connects after checking the SAM status', async () => {
    h = harness();
    h.reader.start();
    await advance(0);
    expect(h.names()).toEqual(['connected']);
    expect(h.reader.status).toBe('connected');
    expect(h.sim.received[0]!.name).toBe('status');
  });

  it('reads an inserted card exactly once while it stays, then reports its removal', async () => {
    h = harness();
    h.reader.start();
    await advance(0);
    await advance(900);
    expect(h.count('find')).toBeGreaterThanOrEqual(3);
    expect(h.count('readBase')).toBe(0);

    h.sim.insertCard(SAMPLE_CARDS.senior);
    await advance(300);
    expect(h.names()).toEqual(['connected', 'card']);
    expect(h.events[1]).toEqual(['card', SAMPLE_CARDS.senior]);

    const findsBefore = h.count('find');
    await advance(5000);
    expect(h.count('find') - findsBefore).toBeGreaterThanOrEqual(15);
    expect(h.count('readBase')).toBe(1);
    expect(h.count('select')).toBe(1);
    expect(h.names()).toEqual(['connected', 'card']);

    h.sim.removeCard();
    await advance(300);
    expect(h.names()).toEqual(['connected', 'card']);
    await advance(300);
    expect(h.names()).toEqual(['connected', 'card', 'removed']);

    await advance(3000);
    expect(h.names()).toEqual(['connected', 'card', 'removed']);
  });

  it('reads the next card after a removal', async () => {
    h = harness();
    h.reader.start();
    h.sim.insertCard(SAMPLE_CARDS.senior);
    await advance(300);
    h.sim.removeCard();
    await advance(900);
    h.sim.insertCard(SAMPLE_CARDS.young);
    await advance(300);
    expect(h.names()).toEqual(['connected', 'card', 'removed', 'card']);
    expect(h.events[3]).toEqual(['card', SAMPLE_CARDS.young]);
  });

  it('reassembles answers arriving one byte at a time', async () => {
    h = harness({ chunkSize: 1 });
    h.reader.start();
    h.sim.insertCard(SAMPLE_CARDS.young);
    await advance(300);
    expect(h.events.find((e) => e[0] === 'card')).toEqual(['card', SAMPLE_CARDS.young]);
  });

  it('reports a failed read, then reads the card on the next poll', async () => {
    h = harness();
    h.reader.start();
    await advance(0);
    h.sim.failNextRead();
    h.sim.insertCard(SAMPLE_CARDS.young);
    await advance(300);
    expect(h.names()).toEqual(['connected', 'error:READ_FAILED']);
    const error = h.events[1]![1] as IdCardReaderError;
    expect(error.detail).toContain('0x41');
    expect(error.message).toMatch(/重新放置/);
    await advance(300);
    expect(h.names()).toEqual(['connected', 'error:READ_FAILED', 'card']);
  });

  it('gives up on a placement after three failed reads until the card is placed again', async () => {
    h = harness();
    h.reader.start();
    await advance(0);
    h.sim.failNextRead(5);
    h.sim.insertCard(SAMPLE_CARDS.young);
    await advance(3000);
    expect(h.names()).toEqual(['connected', 'error:READ_FAILED', 'error:READ_FAILED', 'error:READ_FAILED']);
    expect((h.events[3]![1] as IdCardReaderError).detail).toContain('gave up after 3 attempts');
    expect(h.count('readBase')).toBe(3);

    h.sim.removeCard();
    await advance(900);
    // No 'removed' for a placement that never produced a card.
    expect(h.names()).toHaveLength(4);

    // Placed again: the simulator still fails 2 reads, the third attempt succeeds.
    h.sim.insertCard(SAMPLE_CARDS.young);
    await advance(900);
    expect(h.names().slice(4)).toEqual(['error:READ_FAILED', 'error:READ_FAILED', 'card']);
  });

  it('reports data it cannot decode once, without re-reading the same card', async () => {
    h = harness();
    h.reader.start();
    await advance(0);
    const text = encodeBaseInfoText(SAMPLE_CARDS.senior);
    const bad = encodeBaseInfoFields({
      name: '张秀三',
      sex: '2',
      nation: '01',
      birthDate: '19491231',
      idNumber: '110105194912310021',
      validFrom: '20100520',
      validTo: '长期',
    });
    expect(bad).not.toEqual(text);
    h.sim.insertRaw(bad, fakePhotoWlt());
    await advance(3000);
    expect(h.names()).toEqual(['connected', 'error:DECODE']);
    const error = h.events[1]![1] as IdCardReaderError;
    expect(error.decode).toBe('BAD_ID_NUMBER');
    expect(JSON.stringify(error)).not.toContain('110105');
    expect(JSON.stringify(error)).not.toContain('张');
    expect(h.count('readBase')).toBe(1);
  });

  it('with a reader that hides a read card from find: one card, removal after two polls, no re-read', async () => {
    h = harness({ sim: { refindAfterRead: false } });
    h.reader.start();
    h.sim.insertCard(SAMPLE_CARDS.senior);
    await advance(300);
    await advance(3000);
    expect(h.names()).toEqual(['connected', 'card', 'removed']);
    expect(h.count('readBase')).toBe(1);
  });

  it('times out, resets the SAM after three failures, disconnects, and reconnects when it answers again', async () => {
    h = harness();
    h.reader.start();
    await advance(0);
    h.sim.setMuted(true);
    await advance(3 * (1500 + 300));
    expect(h.names()).toEqual(['connected', 'error:TIMEOUT', 'error:TIMEOUT', 'error:TIMEOUT']);
    expect(h.sim.received.at(-1)!.name).toBe('reset');
    await advance(3000);
    expect(h.names().slice(4)).toEqual(['error:TIMEOUT', 'disconnected']);
    expect(h.reader.status).toBe('disconnected');
    await expect(h.links[0]!.host.write(new Uint8Array(1))).rejects.toThrow(/closed/);

    // Reconnection attempts (each a status check that times out) every 2 s, silently.
    await advance(10_000);
    expect(h.names().at(-1)).toBe('disconnected');
    expect(h.links.length).toBeGreaterThan(2);

    h.sim.setMuted(false);
    h.sim.insertCard(SAMPLE_CARDS.young);
    await advance(4000);
    expect(h.names().slice(-2)).toEqual(['connected', 'card']);
  });

  it('recovers without disconnecting when the reset helps', async () => {
    h = harness();
    h.reader.start();
    await advance(0);
    h.sim.setMuted(true);
    // Finds at 300, 2100 and 3900 ms go unanswered; the SAM is back before the third times out.
    await advance(300 + 2 * (1500 + 300) + 50);
    h.sim.setMuted(false);
    await advance(1600);
    expect(h.names()).toEqual(['connected', 'error:TIMEOUT', 'error:TIMEOUT', 'error:TIMEOUT']);
    const names = h.sim.received.map((r) => r.name);
    expect(names.slice(names.lastIndexOf('reset'), names.lastIndexOf('reset') + 2)).toEqual([
      'reset',
      'status',
    ]);
    h.sim.insertCard(SAMPLE_CARDS.senior);
    await advance(300);
    expect(h.names().at(-1)).toBe('card');
  });

  it('reports a lost transport and reopens it', async () => {
    h = harness();
    h.reader.start();
    await advance(0);
    await h.links[0]!.device.close();
    await advance(0);
    expect(h.names()).toEqual(['connected', 'error:TRANSPORT', 'disconnected']);
    await advance(300);
    expect(h.names()).toEqual(['connected', 'error:TRANSPORT', 'disconnected', 'connected']);
    expect(h.links).toHaveLength(2);
  });

  it('drops a transport whose writes fail, and reopens it', async () => {
    const sim = new SimulatedSamReader();
    let opens = 0;
    const reader = new IdCardReader({
      open: async () => {
        opens++;
        const link = createMemoryLink();
        sim.serve(link.device);
        if (opens > 1) {
          return link.host;
        }
        // The first transport breaks after two writes without closing itself (serial EIO).
        let writes = 0;
        const host = link.host;
        return {
          kind: host.kind,
          onData: (l) => host.onData(l),
          onClose: (l) => host.onClose(l),
          close: () => host.close(),
          write: (bytes) =>
            ++writes > 2 ? Promise.reject(new Error('EIO: i/o error, write')) : host.write(bytes),
        };
      },
    });
    h = withEvents(sim, reader);
    reader.start();
    await advance(300);
    expect(h.names()).toEqual(['connected', 'error:TRANSPORT', 'disconnected']);
    expect((h.events[1]![1] as IdCardReaderError).detail).toContain('EIO');
    await advance(300);
    expect(h.names().at(-1)).toBe('connected');
    expect(opens).toBe(2);
  });

  it('reports a reader that cannot be opened once, and keeps trying', async () => {
    let attempts = 0;
    const sim = new SimulatedSamReader();
    const reader = new IdCardReader({
      open: async () => {
        attempts++;
        if (attempts < 4) {
          throw new Error('ENOENT: /dev/ttyUSB0');
        }
        const link = createMemoryLink();
        sim.serve(link.device);
        return link.host;
      },
    });
    h = withEvents(sim, reader);
    reader.start();
    await advance(7000);
    expect(h.names()).toEqual(['error:TRANSPORT', 'disconnected', 'connected']);
    expect((h.events[0]![1] as IdCardReaderError).detail).toContain('ENOENT');
    expect(attempts).toBe(4);
  });

  it('stops cleanly: no command after stop, transport closed', async () => {
    h = harness();
    h.reader.start();
    h.sim.insertCard(SAMPLE_CARDS.senior);
    await advance(300);
    await h.reader.stop();
    const sent = h.sim.received.length;
    await advance(5000);
    expect(h.sim.received.length).toBe(sent);
    await expect(h.links[0]!.host.write(new Uint8Array(1))).rejects.toThrow(/closed/);
    // Restartable.
    h.reader.start();
    await advance(300);
    expect(h.sim.received.length).toBeGreaterThan(sent);
  });

  it('stops while a command is waiting for an answer', async () => {
    h = harness();
    h.reader.start();
    await advance(0);
    h.sim.setMuted(true);
    await advance(350);
    const stopped = h.reader.stop();
    await advance(0);
    await stopped;
    expect(h.names()).toEqual(['connected']);
  });

  it('does not throw when nobody listens to errors', async () => {
    const sim = new SimulatedSamReader();
    const reader = new IdCardReader({
      open: async () => {
        const link = createMemoryLink();
        sim.serve(link.device);
        return link.host;
      },
    });
    reader.start();
    sim.failNextRead();
    sim.insertCard(SAMPLE_CARDS.young);
    await advance(1000);
    await reader.stop();
  });
});

describe('IdCardReader: damaged answers and what the profile says the reader can do', () => {
  it.each([
    ['checksum', 'BAD_CHECKSUM'],
    ['length', 'BAD_LENGTH'],
    ['truncate', 'TRUNCATED'],
  ] as const)(
    'names a read answered with a bad %s FRAME (DEV-11), and reads the card next poll',
    async (damage, kind) => {
      h = harness();
      h.reader.start();
      await advance(0);
      h.sim.corruptNextRead(damage);
      h.sim.insertCard(SAMPLE_CARDS.young);
      // A checksum or length fault fails the read at once, not after the 3 s read timeout.
      await advance(damage === 'truncate' ? 300 + 3000 : 310);
      expect(h.names()).toEqual(['connected', 'error:FRAME']);
      const error = h.events[1]![1] as IdCardReaderError;
      expect(error.detail).toContain(kind);
      expect(error.message).toMatch(/重新放置/);
      await advance(600);
      expect(h.names()).toEqual(['connected', 'error:FRAME', 'card']);
    },
  );

  it('gives up on a card whose reads keep arriving damaged, until it is placed again (DEV-11)', async () => {
    h = harness();
    h.reader.start();
    await advance(0);
    h.sim.corruptNextRead('truncate', 50);
    h.sim.insertCard(SAMPLE_CARDS.young);
    await advance(60_000);
    expect(h.names()).toEqual(['connected', 'error:FRAME', 'error:FRAME', 'error:FRAME']);
    expect((h.events[3]![1] as IdCardReaderError).detail).toContain('gave up after 3 attempts');
    expect(h.count('readBase')).toBe(3);
    expect(h.reader.status).toBe('connected');
  });

  it('reads the appended address (30 03) when the profile says readsAddressUpdate (DEV-13)', async () => {
    const moved = { ...SAMPLE_CARDS.senior, addressUpdate: '北京市海淀区中关村大街27号' };
    h = harness({ reader: { readsAddressUpdate: true } });
    h.reader.start();
    h.sim.insertCard(moved);
    await advance(300);
    expect(h.names()).toEqual(['connected', 'card']);
    expect((h.events[1]![1] as ResidentIdCard).addressUpdate).toBe('北京市海淀区中关村大街27号');
    expect(h.count('readNewAddress')).toBe(1);

    // A card without an update (SW3 91): the card as printed, no addressUpdate.
    h.sim.removeCard();
    await advance(900);
    h.sim.insertCard(SAMPLE_CARDS.young);
    await advance(300);
    expect(h.events.at(-1)).toEqual(['card', SAMPLE_CARDS.young]);
    expect((h.events.at(-1)![1] as ResidentIdCard).addressUpdate).toBeUndefined();
  });

  it('never asks for the appended address without the profile flag (DEV-13)', async () => {
    h = harness();
    h.reader.start();
    h.sim.insertCard({ ...SAMPLE_CARDS.senior, addressUpdate: '北京市海淀区中关村大街27号' });
    await advance(300);
    expect(h.names()).toEqual(['connected', 'card']);
    expect(h.count('readNewAddress')).toBe(0);
  });

  it('reads with 30 10 and the fingerprint layout when the profile says fingerprint, keeping no fingerprint (DEV-13)', async () => {
    h = harness({ reader: { fingerprint: true } });
    h.reader.start();
    h.sim.insertCard(SAMPLE_CARDS.young);
    await advance(300);
    expect(h.names()).toEqual(['connected', 'card']);
    expect(h.events[1]).toEqual(['card', SAMPLE_CARDS.young]);
    expect(h.count('readBaseWithFingerprint')).toBe(1);
    expect(h.count('readBase')).toBe(0);
    expect(Object.keys(h.events[1]![1] as object)).not.toContain('fingerprint');
  });
});

describe('IdCardReader over HID and USB (fake devices)', () => {
  it.each<[string, HidFraming]>([
    [
      '64-byte reports with a count byte',
      { reportId: 0, reportSize: 64, lengthPrefix: true, inputHasReportId: false },
    ],
    [
      'numbered 32-byte reports, no count',
      { reportId: 2, reportSize: 32, lengthPrefix: false, inputHasReportId: true },
    ],
  ])('reads a card through HID: %s', async (_label, framing) => {
    const sim = new SimulatedSamReader();
    const devices: FakeHidReaderDevice[] = [];
    const reader = new IdCardReader({
      open: async () => {
        const device = new FakeHidReaderDevice(sim, framing);
        devices.push(device);
        return createHidTransport(device, framing);
      },
    });
    h = withEvents(sim, reader);
    reader.start();
    sim.insertCard(SAMPLE_CARDS.senior);
    await advance(300);
    expect(h.names()).toEqual(['connected', 'card']);
    expect(h.events[1]).toEqual(['card', SAMPLE_CARDS.senior]);
    expect(
      devices[0]!.written.every((r) => r.length === 1 + framing.reportSize && r[0] === framing.reportId),
    ).toBe(true);
    // The base-info answer (1,295 bytes) arrived in many reports.
    expect(devices[0]!.sent.length).toBeGreaterThan(20);
  });

  it('reads a card through USB split bulk pipes', async () => {
    const sim = new SimulatedSamReader();
    const pipes: FakeUsbPipes[] = [];
    const reader = new IdCardReader({
      open: async () => {
        const p = new FakeUsbPipes(sim, SAM_V_USB_LAYOUT);
        pipes.push(p);
        return createUsbBulkTransport(p);
      },
    });
    h = withEvents(sim, reader);
    reader.start();
    sim.insertCard(SAMPLE_CARDS.young);
    await advance(300);
    expect(h.names()).toEqual(['connected', 'card']);
    expect(h.events[1]).toEqual(['card', SAMPLE_CARDS.young]);
    expect(pipes[0]!.reads).toContainEqual({ endpoint: 0x85, length: 0x0508 });
  });
});
