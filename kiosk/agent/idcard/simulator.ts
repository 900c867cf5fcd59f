/**
 * SimulatedSamReader: a DEV/TEST-ONLY stand-in for a SAM ID card reader. It answers command
 * frames the way a real reader does, over any {@link SamTransport} (in memory, or one end of a
 * socat pty pair for the real serial stack).
 *
 * Modeled behaviour: find `9F`/`80`, select `90` (8 bytes) or `81` without a found card, read
 * base info `90` with `text length | photo length | text | photo` built from the inserted card,
 * read failures `41` on demand, reset and status `90`, SAM id `90` + 16 bytes, unknown commands
 * `21`, frames with a bad checksum `10`. After a read, `find` answers `9F` again while the card
 * stays; pass `refindAfterRead: false` to model readers that answer `80` until the card leaves
 * the field.
 */

import type { ResidentIdCard } from './base-info.ts';
import { encodeBaseInfoData, encodeBaseInfoText } from './base-info-encode.ts';
import {
  encodeResponse,
  FrameDecoder,
  parseCommandPayload,
  SAM_COMMANDS,
  type SamCommandFrame,
  type SamCommandName,
} from './sam-frame.ts';
import type { SamTransport } from './transport.ts';

/** Options of {@link SimulatedSamReader}. */
export interface SimulatedSamReaderOptions {
  /** Whether `find` finds a card again after it was read while it stays. Default true. */
  refindAfterRead?: boolean;
  /** Delay before each answer, to look like a real reader. Default 0. */
  answerDelayMs?: number;
}

type Stage = 'in-field' | 'found' | 'selected' | 'read';

interface Placement {
  text: Uint8Array;
  photo: Uint8Array;
  stage: Stage;
  /** The address appended after a move (`30 03`), UCS-2LE padded to 70 bytes. */
  addressUpdate?: Uint8Array;
}

/** How {@link SimulatedSamReader.corruptNextRead} damages a read's answer. */
export type AnswerDamage = 'checksum' | 'length' | 'truncate';

const SW_OK = 0x90;
const SW_FOUND = 0x9f;
const SW_NO_CARD = 0x80;
const SW_SELECT_FAILED = 0x81;
const SW_READ_FAILED = 0x41;
const SW_NO_CONTENT = 0x91;
const SW_BAD_COMMAND = 0x21;
const SW_BAD_CHECKSUM = 0x10;

/** A simulated SAM reader (dev and tests only). */
export class SimulatedSamReader {
  private placement: Placement | undefined;
  private readFailures = 0;
  private damage: AnswerDamage[] = [];
  private muted = false;
  private readonly refindAfterRead: boolean;
  private readonly answerDelayMs: number;
  /** Every command received, in order, for assertions. */
  readonly received: { name: SamCommandName | 'unknown'; frame: SamCommandFrame }[] = [];

  constructor(options: SimulatedSamReaderOptions = {}) {
    this.refindAfterRead = options.refindAfterRead ?? true;
    this.answerDelayMs = options.answerDelayMs ?? 0;
  }

  /** Places a card on the reader (replacing any card there). */
  insertCard(card: ResidentIdCard): void {
    this.insertRaw(encodeBaseInfoText(card), card.photoWlt);
    if (card.addressUpdate !== undefined && this.placement !== undefined) {
      const bytes = new Uint8Array(70).fill(0x20);
      for (let i = 0; i < bytes.length; i += 2) bytes[i + 1] = 0;
      const text = new Uint8Array(Buffer.from(card.addressUpdate, 'utf16le'));
      bytes.set(text.subarray(0, 70), 0);
      this.placement.addressUpdate = bytes;
    }
  }

  /** Places a card with a hand-made text block, e.g. one holding an invalid ID number. */
  insertRaw(text: Uint8Array, photo: Uint8Array): void {
    this.placement = { text: text.slice(), photo: photo.slice(), stage: 'in-field' };
  }

  /** Takes the card away. */
  removeCard(): void {
    this.placement = undefined;
  }

  /** The next `count` base-info reads answer `41` (read failed). */
  failNextRead(count = 1): void {
    this.readFailures += count;
  }

  /**
   * The next `count` base-info reads answer damaged: a wrong checksum, an impossible LEN, or
   * cut off after part of the frame (as a flaky cable or a reader buffer overrun does).
   */
  corruptNextRead(damage: AnswerDamage, count = 1): void {
    for (let i = 0; i < count; i++) this.damage.push(damage);
  }

  /** While muted the reader answers nothing, as if hung or unplugged, so commands time out. */
  setMuted(muted: boolean): void {
    this.muted = muted;
  }

  /** Serves a transport: answers every command frame arriving on it. Returns a detach function. */
  serve(transport: SamTransport): () => void {
    const decoder = new FrameDecoder();
    const send = (bytes: Uint8Array) => {
      const write = () => void transport.write(bytes).catch(() => undefined);
      if (this.answerDelayMs > 0) {
        setTimeout(write, this.answerDelayMs);
      } else {
        write();
      }
    };
    decoder.on('frame', (frame) => {
      if (frame.payload.length < 2) {
        send(encodeResponse(SW_BAD_COMMAND));
        return;
      }
      const answer = this.answer(parseCommandPayload(frame.payload));
      if (answer !== undefined) {
        send(answer);
      }
    });
    decoder.on('error', () => {
      if (!this.muted) {
        send(encodeResponse(SW_BAD_CHECKSUM));
      }
    });
    return transport.onData((chunk) => decoder.push(chunk));
  }

  /** The response frame to one command, or `undefined` while muted. */
  answer(command: SamCommandFrame): Uint8Array | undefined {
    const name = commandName(command);
    this.received.push({ name, frame: command });
    if (this.muted) {
      return undefined;
    }
    const p = this.placement;
    switch (name) {
      case 'reset':
        if (p !== undefined) {
          p.stage = 'in-field';
        }
        return encodeResponse(SW_OK);
      case 'status':
        return encodeResponse(SW_OK);
      case 'samId':
        return encodeResponse(
          SW_OK,
          Uint8Array.from({ length: 16 }, (_, i) => i),
        );
      case 'find':
        if (p === undefined || (p.stage === 'read' && !this.refindAfterRead)) {
          return encodeResponse(SW_NO_CARD);
        }
        p.stage = 'found';
        return encodeResponse(SW_FOUND, new Uint8Array(4));
      case 'select':
        if (p === undefined || (p.stage !== 'found' && p.stage !== 'selected')) {
          return encodeResponse(SW_SELECT_FAILED);
        }
        p.stage = 'selected';
        return encodeResponse(SW_OK, new Uint8Array(8));
      case 'readBase':
      case 'readBaseWithFingerprint':
        return this.read(p, name === 'readBaseWithFingerprint');
      case 'readNewAddress':
        if (p?.stage !== 'selected' && p?.stage !== 'read') return encodeResponse(SW_READ_FAILED);
        return p.addressUpdate === undefined
          ? encodeResponse(SW_NO_CONTENT)
          : encodeResponse(SW_OK, p.addressUpdate);
      default:
        return encodeResponse(SW_BAD_COMMAND);
    }
  }

  private read(p: Placement | undefined, withFingerprint: boolean): Uint8Array {
    if (p === undefined || (p.stage !== 'selected' && p.stage !== 'read')) {
      return encodeResponse(SW_READ_FAILED);
    }
    if (this.readFailures > 0) {
      this.readFailures--;
      // A failed read leaves the card needing find and select again.
      p.stage = 'in-field';
      return encodeResponse(SW_READ_FAILED);
    }
    p.stage = 'read';
    const frame = encodeResponse(
      SW_OK,
      encodeBaseInfoData(p.text, p.photo, withFingerprint ? new Uint8Array(0) : undefined),
    );
    const damage = this.damage.shift();
    if (damage === undefined) return frame;
    p.stage = 'in-field';
    switch (damage) {
      case 'checksum':
        frame[frame.length - 1] = frame[frame.length - 1]! ^ 0xff;
        return frame;
      case 'length':
        frame[5] = 0xff;
        frame[6] = 0xff;
        return frame;
      case 'truncate':
        return frame.slice(0, frame.length - 200);
    }
  }
}

function commandName(command: SamCommandFrame): SamCommandName | 'unknown' {
  for (const [name, [cmd, para]] of Object.entries(SAM_COMMANDS)) {
    if (command.cmd === cmd && command.para === para) {
      return name as SamCommandName;
    }
  }
  return 'unknown';
}
