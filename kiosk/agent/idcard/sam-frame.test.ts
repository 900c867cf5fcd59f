import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodedFrame,
  encodeCommand,
  encodeFrame,
  encodeNamedCommand,
  encodeResponse,
  FrameDecoder,
  type FrameError,
  interpretSw3,
  parseCommandPayload,
  parseResponsePayload,
  SAM_COMMANDS,
  xorChecksum,
} from './sam-frame.ts';

/** Hex fixture → bytes; spaces ignored. Written by hand, independent of the encoder. */
function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

function collect(decoder: FrameDecoder): { frames: DecodedFrame[]; errors: FrameError[] } {
  const frames: DecodedFrame[] = [];
  const errors: FrameError[] = [];
  decoder.on('frame', (f) => frames.push(f));
  decoder.on('error', (e) => errors.push(e));
  return { frames, errors };
}

describe('checksum rule', () => {
  it('is the XOR of LEN and payload: find card 00^03^20^01 = 22', () => {
    expect(0x00 ^ 0x03 ^ 0x20 ^ 0x01).toBe(0x22);
    expect(xorChecksum(hex('00 03 20 01'))).toBe(0x22);
  });
});

describe('encodeCommand', () => {
  // Each CHK below was computed by hand as LEN_hi ^ LEN_lo ^ CMD ^ PARA.
  it.each([
    ['reset', 'AA AA AA 96 69 00 03 10 FF EC'],
    ['status', 'AA AA AA 96 69 00 03 11 FF ED'],
    ['samId', 'AA AA AA 96 69 00 03 12 FF EE'],
    ['find', 'AA AA AA 96 69 00 03 20 01 22'],
    ['select', 'AA AA AA 96 69 00 03 20 02 21'],
    ['readBase', 'AA AA AA 96 69 00 03 30 01 32'],
    ['readNewAddress', 'AA AA AA 96 69 00 03 30 03 30'],
    ['readBaseWithFingerprint', 'AA AA AA 96 69 00 03 30 10 23'],
  ] as const)('%s is %s', (name, bytes) => {
    expect(encodeNamedCommand(name)).toEqual(hex(bytes));
    const [cmd, para] = SAM_COMMANDS[name];
    expect(encodeCommand(cmd, para)).toEqual(hex(bytes));
  });

  it('counts DATA in LEN and CHK', () => {
    // LEN = 2 + 2 + 1 = 5; CHK = 00^05^60^00^AB^CD
    expect(encodeCommand(0x60, 0x00, hex('AB CD'))).toEqual(hex('AA AA AA 96 69 00 05 60 00 AB CD 03'));
  });

  it('refuses values that are not bytes', () => {
    expect(() => encodeCommand(0x100, 0x01)).toThrow(RangeError);
    expect(() => encodeCommand(0x20, -1)).toThrow(RangeError);
    expect(() => encodeCommand(1.5, 0)).toThrow(RangeError);
  });

  it('refuses a payload beyond a 16-bit LEN', () => {
    expect(() => encodeFrame(new Uint8Array(0xffff))).toThrow(RangeError);
  });
});

describe('responses', () => {
  it('encodes the answers a reader gives', () => {
    expect(encodeResponse(0x80)).toEqual(hex('AA AA AA 96 69 00 04 00 00 80 84'));
    expect(encodeResponse(0x9f, new Uint8Array(4))).toEqual(
      hex('AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97'),
    );
    expect(encodeResponse(0x90, new Uint8Array(8))).toEqual(
      hex('AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C'),
    );
  });

  it('starts a base-info answer with LEN 0x0508 and the block lengths 0100 0400', () => {
    const data = new Uint8Array(4 + 256 + 1024);
    data.set(hex('01 00 04 00'));
    expect(encodeResponse(0x90, data).subarray(0, 14)).toEqual(
      hex('AA AA AA 96 69 05 08 00 00 90 01 00 04 00'),
    );
  });

  it('parses status words and data', () => {
    const r = parseResponsePayload(hex('12 34 9F 01 02'));
    expect(r).toEqual({
      sw1: 0x12,
      sw2: 0x34,
      sw3: 0x9f,
      status: { kind: 'card-found' },
      data: hex('01 02'),
    });
    expect(() => parseResponsePayload(hex('00 00'))).toThrow(RangeError);
  });

  it('parses command payloads', () => {
    expect(parseCommandPayload(hex('20 01'))).toEqual({ cmd: 0x20, para: 0x01, data: new Uint8Array(0) });
    expect(() => parseCommandPayload(hex('20'))).toThrow(RangeError);
  });

  it.each([
    [0x90, { kind: 'ok' }],
    [0x9f, { kind: 'card-found' }],
    [0x80, { kind: 'no-card' }],
    [0x41, { kind: 'read-failed' }],
  ] as const)('SW3 %i means %o', (sw3, status) => {
    expect(interpretSw3(sw3)).toEqual(status);
  });

  it('turns any other SW3 into an error carrying the byte', () => {
    expect(interpretSw3(0x81)).toEqual({
      kind: 'error',
      sw3: 0x81,
      description: 'selecting the card failed',
    });
    expect(interpretSw3(0x60)).toMatchObject({ kind: 'error', sw3: 0x60 });
    expect(interpretSw3(0x07)).toEqual({ kind: 'error', sw3: 0x07, description: 'unknown status 0x07' });
  });
});

describe('FrameDecoder', () => {
  const find = hex('AA AA AA 96 69 00 03 20 01 22');
  const noCard = hex('AA AA AA 96 69 00 04 00 00 80 84');

  it('decodes a whole frame', () => {
    const d = new FrameDecoder();
    const { frames, errors } = collect(d);
    d.push(find);
    expect(frames).toEqual([{ payload: hex('20 01') }]);
    expect(errors).toEqual([]);
    expect(d.pendingBytes).toBe(0);
  });

  it('decodes a frame split at every position, down to single bytes', () => {
    const both = Uint8Array.from([...find, ...noCard]);
    for (let cut = 1; cut < both.length; cut++) {
      const d = new FrameDecoder();
      const { frames } = collect(d);
      d.push(both.subarray(0, cut));
      d.push(both.subarray(cut));
      expect(frames.map((f) => f.payload)).toEqual([hex('20 01'), hex('00 00 80')]);
    }
    const d = new FrameDecoder();
    const { frames } = collect(d);
    for (const b of both) {
      d.push(Uint8Array.of(b));
    }
    expect(frames).toHaveLength(2);
  });

  it('skips garbage, including partial preambles, before and between frames', () => {
    const d = new FrameDecoder();
    const { frames, errors } = collect(d);
    d.push(hex('00 FF AA AA 13 AA 96'));
    d.push(find);
    d.push(hex('AA AA AA 96'));
    d.push(hex('42'));
    d.push(noCard);
    expect(frames.map((f) => f.payload)).toEqual([hex('20 01'), hex('00 00 80')]);
    expect(errors).toEqual([]);
    expect(d.discardedBytes).toBe(12);
  });

  it('keeps a preamble split across chunks', () => {
    const d = new FrameDecoder();
    const { frames } = collect(d);
    d.push(hex('AA AA'));
    d.push(hex('AA 96 69 00 03 20 01 22'));
    expect(frames).toHaveLength(1);
  });

  it('reports a bad checksum and decodes the next frame', () => {
    const d = new FrameDecoder();
    const { frames, errors } = collect(d);
    d.push(hex('AA AA AA 96 69 00 03 20 01 23'));
    d.push(noCard);
    expect(errors.map((e) => e.code)).toEqual(['BAD_CHECKSUM']);
    expect(errors[0]!.message).toBe('frame checksum 0x23, expected 0x22');
    expect(frames.map((f) => f.payload)).toEqual([hex('00 00 80')]);
    expect(d.errorCount).toBe(1);
  });

  it('reports an impossible LEN and resynchronizes', () => {
    const d = new FrameDecoder({ maxLength: 100 });
    const { frames, errors } = collect(d);
    d.push(hex('AA AA AA 96 69 00 00'));
    d.push(hex('AA AA AA 96 69 FF FF'));
    d.push(find);
    expect(errors.map((e) => e.code)).toEqual(['BAD_LENGTH', 'BAD_LENGTH']);
    expect(frames).toHaveLength(1);
  });

  it('does not throw on errors when nobody listens', () => {
    const d = new FrameDecoder();
    expect(() => d.push(hex('AA AA AA 96 69 00 03 20 01 00'))).not.toThrow();
    expect(d.errorCount).toBe(1);
  });

  it('reset() drops a partial frame', () => {
    const d = new FrameDecoder();
    const { frames } = collect(d);
    d.push(find.subarray(0, 8));
    d.reset();
    d.push(find.subarray(8));
    d.push(noCard);
    expect(frames.map((f) => f.payload)).toEqual([hex('00 00 80')]);
  });

  it('recovers every frame from any chunking of frames and preamble-free garbage', () => {
    const payload = fc.uint8Array({ minLength: 2, maxLength: 300 });
    // Garbage never holds a whole preamble: a stream that does is not a SAM stream.
    const garbage = fc
      .uint8Array({ maxLength: 12 })
      .filter((g) => !Buffer.from(g).includes(Buffer.from(hex('AAAAAA9669'))));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(garbage, payload), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
        (parts, cuts) => {
          const stream = Buffer.concat(parts.flatMap(([g, p]) => [g, encodeFrame(p)]));
          const d = new FrameDecoder();
          const { frames, errors } = collect(d);
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            d.push(new Uint8Array(stream.subarray(at, at + n)));
            at += n;
          }
          expect(errors).toEqual([]);
          expect(frames.map((f) => f.payload)).toEqual(parts.map(([, p]) => p));
        },
      ),
      { seed: 467, numRuns: 300 },
    );
  });
});
