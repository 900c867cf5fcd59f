/**
 * Frame codec of the resident ID card SAM protocol (GA 467 family), pure: no I/O, no timers.
 *
 * Command: `AA AA AA 96 69 | LEN (2 bytes BE) | CMD PARA [DATA] | CHK`
 * Response: `AA AA AA 96 69 | LEN (2 bytes BE) | SW1 SW2 SW3 [DATA] | CHK`
 *
 * LEN counts every byte after itself up to and including CHK. CHK is the XOR of every byte
 * after the 5-byte preamble except CHK itself, i.e. of LEN and the payload.
 */

import { EventEmitter } from 'node:events';

/** The 5-byte preamble that starts every frame in both directions. */
export const SAM_PREAMBLE: Readonly<Uint8Array> = Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69);

const HEADER_BYTES = SAM_PREAMBLE.length + 2;

/** The commands of the SAM protocol the agent uses, as `[CMD, PARA]`. */
export const SAM_COMMANDS = {
  /** Reset the SAM module. */
  reset: [0x10, 0xff],
  /** SAM self-check status. */
  status: [0x11, 0xff],
  /** SAM management information (its serial number). */
  samId: [0x12, 0xff],
  /** Look for a card in the field: answers SW3 `9F` when one is found, `80` when none. */
  find: [0x20, 0x01],
  /** Select the card found (anticollision + activation). */
  select: [0x20, 0x02],
  /** Read the base information: text (256 bytes) and photo (1024 bytes). */
  readBase: [0x30, 0x01],
  /** Read the latest appended address (住址变更). */
  readNewAddress: [0x30, 0x03],
  /** Read the base information and the fingerprint block. */
  readBaseWithFingerprint: [0x30, 0x10],
} as const satisfies Record<string, readonly [number, number]>;

/** Name of a command in {@link SAM_COMMANDS}. */
export type SamCommandName = keyof typeof SAM_COMMANDS;

/** A command frame's payload, as a reader (or the simulator) sees it. */
export interface SamCommandFrame {
  cmd: number;
  para: number;
  data: Uint8Array;
}

/** What SW3 of a response means to the driver. */
export type SamStatus =
  | { kind: 'ok' }
  | { kind: 'card-found' }
  | { kind: 'no-card' }
  | { kind: 'read-failed' }
  | { kind: 'error'; sw3: number; description: string };

/** A decoded response frame. */
export interface SamResponse {
  /** SW1 and SW2: the card's APDU status as relayed by the reader, often `00 00`. */
  sw1: number;
  sw2: number;
  /** SW3: the reader's own status, interpreted in {@link status}. */
  sw3: number;
  status: SamStatus;
  data: Uint8Array;
}

/**
 * SW3 codes of the SAM interface specification other than success. English, for logs; they
 * never contain card data.
 */
export const SAM_SW3_DESCRIPTIONS: Readonly<Record<number, string>> = {
  16: 'reader received a frame with a bad checksum',
  17: 'reader received a frame with a bad length',
  33: 'reader refused the command (bad command, parameter or sequence)',
  35: 'operation not permitted',
  36: 'unrecognized error',
  49: 'card failed to authenticate the reader',
  50: 'reader failed to authenticate the card',
  51: 'information verification failed',
  64: 'unrecognized card type',
  65: 'reading the card failed',
  71: 'getting a random number from the card failed',
  96: 'SAM self-check failed; it accepts no commands',
  102: 'SAM is not authorized',
  128: 'no card found',
  129: 'selecting the card failed',
  145: 'the card holds no data for this item',
};

/** Interprets SW3: `90` ok, `9F` card found, `80` no card, `41` read failed, anything else an error. */
export function interpretSw3(sw3: number): SamStatus {
  switch (sw3) {
    case 0x90:
      return { kind: 'ok' };
    case 0x9f:
      return { kind: 'card-found' };
    case 0x80:
      return { kind: 'no-card' };
    case 0x41:
      return { kind: 'read-failed' };
    default:
      return {
        kind: 'error',
        sw3,
        description: SAM_SW3_DESCRIPTIONS[sw3] ?? `unknown status 0x${hex(sw3)}`,
      };
  }
}

/** XOR of all bytes of `bytes`. */
export function xorChecksum(bytes: Uint8Array): number {
  let chk = 0;
  for (const b of bytes) {
    chk ^= b;
  }
  return chk;
}

/**
 * Wraps a payload in a frame: preamble, LEN, payload, CHK.
 *
 * @throws RangeError when the payload does not fit a 16-bit LEN
 */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const len = payload.length + 1;
  if (len > 0xffff) {
    throw new RangeError(`SAM frame payload too long: ${payload.length} bytes`);
  }
  const frame = new Uint8Array(HEADER_BYTES + len);
  frame.set(SAM_PREAMBLE, 0);
  frame[5] = len >> 8;
  frame[6] = len & 0xff;
  frame.set(payload, HEADER_BYTES);
  frame[frame.length - 1] = xorChecksum(frame.subarray(SAM_PREAMBLE.length, frame.length - 1));
  return frame;
}

/**
 * Encodes a command frame, e.g. `encodeCommand(0x20, 0x01)` → `AA AA AA 96 69 00 03 20 01 22`.
 *
 * @throws RangeError when `cmd` or `para` is not a byte
 */
export function encodeCommand(cmd: number, para: number, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  requireByte(cmd, 'cmd');
  requireByte(para, 'para');
  const payload = new Uint8Array(2 + data.length);
  payload[0] = cmd;
  payload[1] = para;
  payload.set(data, 2);
  return encodeFrame(payload);
}

/** Encodes one of the named {@link SAM_COMMANDS}. */
export function encodeNamedCommand(name: SamCommandName, data?: Uint8Array): Uint8Array {
  const [cmd, para] = SAM_COMMANDS[name];
  return encodeCommand(cmd, para, data);
}

/**
 * Encodes a response frame. The driver never sends one; the simulator and tests do.
 *
 * @throws RangeError when a status word is not a byte
 */
export function encodeResponse(
  sw3: number,
  data: Uint8Array = new Uint8Array(0),
  sw1 = 0x00,
  sw2 = 0x00,
): Uint8Array {
  requireByte(sw1, 'sw1');
  requireByte(sw2, 'sw2');
  requireByte(sw3, 'sw3');
  const payload = new Uint8Array(3 + data.length);
  payload[0] = sw1;
  payload[1] = sw2;
  payload[2] = sw3;
  payload.set(data, 3);
  return encodeFrame(payload);
}

/**
 * Reads a command frame's payload (what {@link FrameDecoder} emits, CHK excluded).
 *
 * @throws RangeError when it is shorter than CMD PARA
 */
export function parseCommandPayload(payload: Uint8Array): SamCommandFrame {
  if (payload.length < 2) {
    throw new RangeError(`SAM command payload too short: ${payload.length} bytes`);
  }
  return { cmd: payload[0]!, para: payload[1]!, data: payload.slice(2) };
}

/**
 * Reads a response frame's payload (what {@link FrameDecoder} emits, CHK excluded).
 *
 * @throws RangeError when it is shorter than SW1 SW2 SW3
 */
export function parseResponsePayload(payload: Uint8Array): SamResponse {
  if (payload.length < 3) {
    throw new RangeError(`SAM response payload too short: ${payload.length} bytes`);
  }
  const sw3 = payload[2]!;
  return { sw1: payload[0]!, sw2: payload[1]!, sw3, status: interpretSw3(sw3), data: payload.slice(3) };
}

/** Why the decoder refused bytes that started like a frame. */
export type FrameErrorCode = 'BAD_CHECKSUM' | 'BAD_LENGTH';

/** A refused frame. Carries no frame bytes, so it is safe to log. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly code: FrameErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A frame the decoder accepted: the bytes between LEN and CHK. */
export interface DecodedFrame {
  payload: Uint8Array;
}

/** Events of {@link FrameDecoder}. */
export interface FrameDecoderEvents {
  frame: [DecodedFrame];
  error: [FrameError];
}

/** Options of {@link FrameDecoder}. */
export interface FrameDecoderOptions {
  /**
   * Smallest LEN accepted. 3 fits a bare command (CMD PARA CHK); responses are at least 4.
   * Default 3.
   */
  minLength?: number;
  /**
   * Largest LEN accepted. A base-info read with fingerprint is 2,314 bytes; anything far beyond
   * is a corrupted LEN, and waiting for it would stall the stream. Default 4096.
   */
  maxLength?: number;
}

/**
 * Streaming decoder for SAM frames in either direction.
 *
 * Push chunks split anywhere; each complete frame with a good checksum is emitted as `frame`.
 * Bytes that are not part of a frame are skipped until the next preamble. A frame whose LEN is
 * out of range or whose checksum is wrong is reported as `error`, and decoding resumes right after
 * that frame's first byte, so a preamble that was only noise cannot swallow a real frame.
 *
 * `error` is only emitted when someone listens (unlike a bare EventEmitter, which would throw
 * from {@link push}); {@link errorCount} counts them either way.
 */
export class FrameDecoder extends EventEmitter<FrameDecoderEvents> {
  private buf: Uint8Array = new Uint8Array(0);
  private readonly minLength: number;
  private readonly maxLength: number;
  /** Bytes skipped because they were not inside a frame. */
  discardedBytes = 0;
  /** Frames refused for a bad LEN or checksum. */
  errorCount = 0;

  constructor(options: FrameDecoderOptions = {}) {
    super();
    this.minLength = options.minLength ?? 3;
    this.maxLength = options.maxLength ?? 4096;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.buf.length;
  }

  /** Drops any partial frame, e.g. after a timeout, so stale bytes do not prefix the next answer. */
  reset(): void {
    this.discardedBytes += this.buf.length;
    this.buf = new Uint8Array(0);
  }

  /** Adds received bytes and emits every frame they complete. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) {
      return;
    }
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf, 0);
    joined.set(chunk, this.buf.length);
    this.buf = joined;
    this.drain();
  }

  private drain(): void {
    for (;;) {
      const start = findPreamble(this.buf);
      if (start < 0) {
        // Keep a tail that may be the beginning of a preamble split across chunks.
        const keep = preamblePrefixLength(this.buf);
        this.discard(this.buf.length - keep);
        return;
      }
      this.discard(start);
      if (this.buf.length < HEADER_BYTES) {
        return;
      }
      const len = (this.buf[5]! << 8) | this.buf[6]!;
      if (len < this.minLength || len > this.maxLength) {
        this.fail('BAD_LENGTH', `frame length ${len} outside ${this.minLength}..${this.maxLength}`);
        this.discard(1);
        continue;
      }
      const total = HEADER_BYTES + len;
      if (this.buf.length < total) {
        return;
      }
      const expected = xorChecksum(this.buf.subarray(SAM_PREAMBLE.length, total - 1));
      const actual = this.buf[total - 1]!;
      if (expected !== actual) {
        this.fail('BAD_CHECKSUM', `frame checksum 0x${hex(actual)}, expected 0x${hex(expected)}`);
        this.discard(1);
        continue;
      }
      const payload = this.buf.slice(HEADER_BYTES, total - 1);
      this.buf = this.buf.subarray(total);
      this.emit('frame', { payload });
    }
  }

  private discard(n: number): void {
    if (n > 0) {
      this.discardedBytes += n;
      this.buf = this.buf.subarray(n);
    }
  }

  private fail(code: FrameErrorCode, message: string): void {
    this.errorCount++;
    if (this.listenerCount('error') > 0) {
      this.emit('error', new FrameError(code, message));
    }
  }
}

function findPreamble(buf: Uint8Array): number {
  const last = buf.length - SAM_PREAMBLE.length;
  outer: for (let i = 0; i <= last; i++) {
    for (let j = 0; j < SAM_PREAMBLE.length; j++) {
      if (buf[i + j] !== SAM_PREAMBLE[j]) {
        continue outer;
      }
    }
    return i;
  }
  return -1;
}

/** Length of the longest suffix of `buf` that is a proper prefix of the preamble. */
function preamblePrefixLength(buf: Uint8Array): number {
  for (let n = Math.min(SAM_PREAMBLE.length - 1, buf.length); n > 0; n--) {
    let match = true;
    for (let j = 0; j < n; j++) {
      if (buf[buf.length - n + j] !== SAM_PREAMBLE[j]) {
        match = false;
        break;
      }
    }
    if (match) {
      return n;
    }
  }
  return 0;
}

function requireByte(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new RangeError(`${name} must be a byte (0..255)`);
  }
}

function hex(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}
