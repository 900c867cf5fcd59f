/**
 * A strict ESC/POS decoder, the independent check on escpos.ts (HARDWARE.md: "decode your
 * bytes with a strict decoder written separately from the encoder"). It shares no code with
 * the encoder, and models the printer rather than the encoder: it reads command syntax from
 * the Epson reference, and throws on anything a careful printer would choke on or misprint —
 * unknown or truncated commands, QR length counts that do not match the data, non-ASCII bytes
 * outside Chinese mode, malformed GB18030, stray control bytes, commands that only work at the
 * start of a line used mid-line, and text never terminated by LF.
 */
import iconv from 'iconv-lite';

export type DecodedAlign = 'left' | 'center' | 'right';

export type EscPosCommand =
  | { op: 'init' }
  | { op: 'align'; align: DecodedAlign }
  | { op: 'size'; width: number; height: number }
  | { op: 'bold'; on: boolean }
  | { op: 'chinese-on' }
  | { op: 'chinese-off' }
  /** A run of printable characters (ASCII, or GB18030 in Chinese mode), decoded. */
  | { op: 'text'; text: string }
  | { op: 'lf' }
  | { op: 'qr-model'; model: 1 | 2 | 'micro' }
  | { op: 'qr-module-size'; dots: number }
  | { op: 'qr-ecc'; level: 'L' | 'M' | 'Q' | 'H' }
  /** `data` is the stored bytes read as UTF-8 (a fatal decode: the payload contract is UTF-8). */
  | { op: 'qr-store'; data: string; byteLength: number }
  | { op: 'qr-print' }
  /**
   * `GS v 0`: a raster bit image, `widthDots` (8 × xL xH) by `heightDots` (yL yH), `bits` row by
   * row, leftmost dot in the high bit, 1 = black; `scale` from m (double width and/or height).
   */
  | { op: 'raster'; widthDots: number; heightDots: number; scale: { x: 1 | 2; y: 1 | 2 }; bits: Uint8Array }
  | { op: 'cut'; partial: boolean; feedDots: number }
  | { op: 'status-request'; n: number };

export class EscPosDecodeError extends Error {
  constructor(
    message: string,
    /** Byte offset where the offending command or byte starts. */
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = 'EscPosDecodeError';
  }
}

export interface DecodeOptions {
  /** The printer powers up (and returns on `ESC @`) in Chinese mode; false for Epson, which needs `FS &`. */
  chineseByDefault?: boolean;
}

const QR_STORE_LIMIT = 7089;
/** Largest `GS v 0` image height the supported printers take (Epson: 1 ≤ yL + yH × 256 ≤ 2303 on TM-T8x). */
const RASTER_HEIGHT_LIMIT = 2303;

/**
 * Decodes printer bytes into commands and text runs.
 *
 * @throws EscPosDecodeError on the first byte that is not valid, well-placed ESC/POS
 */
export function decodeEscPos(input: Uint8Array, options: DecodeOptions = {}): EscPosCommand[] {
  const chineseByDefault = options.chineseByDefault ?? false;
  const bytes = input;
  const out: EscPosCommand[] = [];
  let i = 0;
  let chinese = chineseByDefault;
  // Whether the print buffer holds text not yet printed by LF.
  let midLine = false;
  let qrStored = false;

  const need = (start: number, n: number, what: string): void => {
    if (i + n > bytes.length) {
      throw new EscPosDecodeError(`truncated ${what}`, start);
    }
  };
  const atLineStart = (start: number, what: string): void => {
    if (midLine) {
      throw new EscPosDecodeError(`${what} in the middle of a line`, start);
    }
  };

  while (i < bytes.length) {
    const start = i;
    const b = bytes[i]!;

    if (b === 0x0a) {
      out.push({ op: 'lf' });
      midLine = false;
      i++;
      continue;
    }

    if (b === 0x1b) {
      need(start, 2, 'ESC command');
      const c = bytes[i + 1]!;
      if (c === 0x40) {
        atLineStart(start, 'ESC @ (would discard the unprinted text)');
        out.push({ op: 'init' });
        chinese = chineseByDefault;
        i += 2;
      } else if (c === 0x61) {
        need(start, 3, 'ESC a');
        atLineStart(start, 'ESC a (only works at the start of a line)');
        const n = bytes[i + 2]!;
        const align = (
          { 0: 'left', 48: 'left', 1: 'center', 49: 'center', 2: 'right', 50: 'right' } as const
        )[n as 0 | 48 | 1 | 49 | 2 | 50];
        if (align === undefined) {
          throw new EscPosDecodeError(`ESC a with invalid n=${n}`, start);
        }
        out.push({ op: 'align', align });
        i += 3;
      } else if (c === 0x45) {
        need(start, 3, 'ESC E');
        const n = bytes[i + 2]!;
        if (n !== 0 && n !== 1) {
          throw new EscPosDecodeError(`ESC E with n=${n} (expected 0 or 1)`, start);
        }
        out.push({ op: 'bold', on: n === 1 });
        i += 3;
      } else {
        throw new EscPosDecodeError(`unknown command ESC 0x${c.toString(16)}`, start);
      }
      continue;
    }

    if (b === 0x1d) {
      need(start, 2, 'GS command');
      const c = bytes[i + 1]!;
      if (c === 0x21) {
        need(start, 3, 'GS !');
        const n = bytes[i + 2]!;
        if ((n & 0x88) !== 0) {
          throw new EscPosDecodeError(`GS ! with magnification over 8 (n=0x${n.toString(16)})`, start);
        }
        out.push({ op: 'size', width: (n >> 4) + 1, height: (n & 0x0f) + 1 });
        i += 3;
      } else if (c === 0x56) {
        need(start, 3, 'GS V');
        atLineStart(start, 'GS V (cut)');
        const m = bytes[i + 2]!;
        if (m === 0 || m === 48 || m === 1 || m === 49) {
          out.push({ op: 'cut', partial: m === 1 || m === 49, feedDots: 0 });
          i += 3;
        } else if (m === 65 || m === 66) {
          need(start, 4, 'GS V m n');
          out.push({ op: 'cut', partial: m === 66, feedDots: bytes[i + 3]! });
          i += 4;
        } else {
          throw new EscPosDecodeError(`GS V with invalid m=${m}`, start);
        }
      } else if (c === 0x76) {
        need(start, 8, 'GS v 0 header');
        if (bytes[i + 2] !== 0x30) {
          throw new EscPosDecodeError(`unknown command GS v 0x${bytes[i + 2]!.toString(16)}`, start);
        }
        atLineStart(start, 'GS v 0 (raster image)');
        const m = bytes[i + 3]!;
        const mode = m >= 48 ? m - 48 : m;
        if (mode < 0 || mode > 3 || (m > 3 && m < 48)) {
          throw new EscPosDecodeError(`GS v 0 with invalid m=${m}`, start);
        }
        const xBytes = bytes[i + 4]! + bytes[i + 5]! * 256;
        const yDots = bytes[i + 6]! + bytes[i + 7]! * 256;
        if (xBytes < 1 || yDots < 1 || yDots > RASTER_HEIGHT_LIMIT) {
          throw new EscPosDecodeError(
            `GS v 0 of ${xBytes} bytes × ${yDots} dots (needs x ≥ 1 and 1 ≤ y ≤ ${RASTER_HEIGHT_LIMIT})`,
            start,
          );
        }
        const size = xBytes * yDots;
        need(start, 8 + size, `GS v 0 image of ${size} bytes`);
        out.push({
          op: 'raster',
          widthDots: xBytes * 8,
          heightDots: yDots,
          scale: { x: mode & 1 ? 2 : 1, y: mode & 2 ? 2 : 1 },
          bits: bytes.slice(i + 8, i + 8 + size),
        });
        i += 8 + size;
      } else if (c === 0x28) {
        need(start, 3, 'GS (');
        if (bytes[i + 2] !== 0x6b) {
          throw new EscPosDecodeError(`unknown command GS ( 0x${bytes[i + 2]!.toString(16)}`, start);
        }
        need(start, 5, 'GS ( k header');
        const count = bytes[i + 3]! + bytes[i + 4]! * 256;
        if (count < 2) {
          throw new EscPosDecodeError(`GS ( k with pL pH = ${count} (less than cn fn)`, start);
        }
        need(start, 5 + count, `GS ( k body of ${count} bytes`);
        const body = bytes.subarray(i + 5, i + 5 + count);
        if (body[0] !== 49) {
          throw new EscPosDecodeError(`GS ( k for symbol cn=${body[0]} (only QR, 49, is used)`, start);
        }
        const fn = body[1]!;
        const params = body.subarray(2);
        const exact = (n: number): void => {
          if (params.length !== n) {
            throw new EscPosDecodeError(
              `GS ( k fn ${fn} takes ${n} parameter bytes (pL pH = ${n + 2}), got ${params.length}`,
              start,
            );
          }
        };
        switch (fn) {
          case 65: {
            exact(2);
            const model = ({ 49: 1, 50: 2, 51: 'micro' } as const)[params[0]! as 49 | 50 | 51];
            if (model === undefined || params[1] !== 0) {
              throw new EscPosDecodeError(`QR model with invalid n1=${params[0]} n2=${params[1]}`, start);
            }
            out.push({ op: 'qr-model', model });
            break;
          }
          case 67: {
            exact(1);
            const dots = params[0]!;
            if (dots < 1 || dots > 16) {
              throw new EscPosDecodeError(`QR module size ${dots} outside 1-16`, start);
            }
            out.push({ op: 'qr-module-size', dots });
            break;
          }
          case 69: {
            exact(1);
            const level = ({ 48: 'L', 49: 'M', 50: 'Q', 51: 'H' } as const)[params[0]! as 48 | 49 | 50 | 51];
            if (level === undefined) {
              throw new EscPosDecodeError(`QR error level n=${params[0]} outside 48-51`, start);
            }
            out.push({ op: 'qr-ecc', level });
            break;
          }
          case 80: {
            if (params.length < 2 || params[0] !== 48) {
              throw new EscPosDecodeError('QR store needs m=48 and at least one data byte', start);
            }
            const data = params.subarray(1);
            if (data.length > QR_STORE_LIMIT) {
              throw new EscPosDecodeError(`QR store of ${data.length} bytes (over ${QR_STORE_LIMIT})`, start);
            }
            let text: string;
            try {
              text = new TextDecoder('utf-8', { fatal: true }).decode(data);
            } catch {
              throw new EscPosDecodeError('QR data is not valid UTF-8', start);
            }
            out.push({ op: 'qr-store', data: text, byteLength: data.length });
            qrStored = true;
            break;
          }
          case 81: {
            exact(1);
            if (params[0] !== 48) {
              throw new EscPosDecodeError(`QR print with m=${params[0]} (expected 48)`, start);
            }
            atLineStart(start, 'QR print');
            if (!qrStored) {
              throw new EscPosDecodeError('QR print with no stored data', start);
            }
            out.push({ op: 'qr-print' });
            break;
          }
          default:
            throw new EscPosDecodeError(`unknown GS ( k QR function ${fn}`, start);
        }
        i += 5 + count;
      } else {
        throw new EscPosDecodeError(`unknown command GS 0x${c.toString(16)}`, start);
      }
      continue;
    }

    if (b === 0x1c) {
      need(start, 2, 'FS command');
      const c = bytes[i + 1]!;
      if (c === 0x26) {
        out.push({ op: 'chinese-on' });
        chinese = true;
      } else if (c === 0x2e) {
        out.push({ op: 'chinese-off' });
        chinese = false;
      } else {
        throw new EscPosDecodeError(`unknown command FS 0x${c.toString(16)}`, start);
      }
      i += 2;
      continue;
    }

    if (b === 0x10) {
      need(start, 3, 'DLE EOT');
      const n = bytes[i + 2]!;
      if (bytes[i + 1] !== 0x04 || n < 1 || n > 4) {
        throw new EscPosDecodeError('unknown real-time command after DLE', start);
      }
      out.push({ op: 'status-request', n });
      i += 3;
      continue;
    }

    if (b >= 0x20 && b <= 0x7e) {
      i = readText(bytes, i, chinese, out);
      midLine = true;
      continue;
    }
    if (b >= 0x80) {
      if (!chinese) {
        throw new EscPosDecodeError(`byte 0x${b.toString(16)} outside Chinese mode (no FS &)`, start);
      }
      i = readText(bytes, i, chinese, out);
      midLine = true;
      continue;
    }
    throw new EscPosDecodeError(`unexpected control byte 0x${b.toString(16)}`, start);
  }

  if (midLine) {
    throw new EscPosDecodeError('text not terminated by LF (it would never print)', bytes.length);
  }
  return out;
}

/** Reads one text run from `start`; returns where it ends. */
function readText(bytes: Uint8Array, start: number, chinese: boolean, out: EscPosCommand[]): number {
  let i = start;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b >= 0x20 && b <= 0x7e) {
      i++;
      continue;
    }
    if (b < 0x80 || !chinese) {
      break;
    }
    i += gb18030Length(bytes, i);
  }
  const run = bytes.subarray(start, i);
  const text = iconv.decode(Buffer.from(run), 'gb18030');
  // Some byte sequences are well-formed but unassigned; they decode to U+FFFD and do not come back.
  if (!Buffer.from(iconv.encode(text, 'gb18030')).equals(Buffer.from(run))) {
    throw new EscPosDecodeError('GB18030 text that does not decode to Unicode', start);
  }
  out.push({ op: 'text', text });
  return i;
}

/** Length of the GB18030 character at `i` (2 or 4 bytes), checking its byte ranges. */
function gb18030Length(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x81 || lead > 0xfe) {
    throw new EscPosDecodeError(`invalid GB18030 lead byte 0x${lead.toString(16)}`, i);
  }
  const second = bytes[i + 1];
  if (second === undefined) {
    throw new EscPosDecodeError('truncated GB18030 character', i);
  }
  if ((second >= 0x40 && second <= 0x7e) || (second >= 0x80 && second <= 0xfe)) {
    return 2;
  }
  if (second >= 0x30 && second <= 0x39) {
    const third = bytes[i + 2];
    const fourth = bytes[i + 3];
    if (third === undefined || fourth === undefined) {
      throw new EscPosDecodeError('truncated 4-byte GB18030 character', i);
    }
    if (third < 0x81 || third > 0xfe || fourth < 0x30 || fourth > 0x39) {
      throw new EscPosDecodeError('malformed 4-byte GB18030 character', i);
    }
    return 4;
  }
  throw new EscPosDecodeError(`invalid GB18030 second byte 0x${second.toString(16)}`, i);
}

/** A printed line, a QR symbol or a cut, as the printer would produce them from the commands. */
export type PrintedItem =
  | {
      kind: 'line';
      text: string;
      align: DecodedAlign;
      width: number;
      height: number;
      bold: boolean;
    }
  | { kind: 'blank' }
  | { kind: 'qr'; data: string; moduleSize: number; ecc: 'L' | 'M' | 'Q' | 'H'; align: DecodedAlign }
  /** A raster image: its bits as sent (`widthDots` × `heightDots`), printed magnified by `scale`. */
  | { kind: 'raster'; widthDots: number; heightDots: number; scale: { x: 1 | 2; y: 1 | 2 }; bits: Uint8Array }
  | { kind: 'cut' };

/**
 * Plays decoded commands like a printer would: tracks align, size and bold, joins text runs
 * into lines at LF, and reports QR symbols with the settings in force when they print.
 * An empty LF is a `blank` (its attributes do not matter).
 */
export function printedItems(commands: readonly EscPosCommand[]): PrintedItem[] {
  const out: PrintedItem[] = [];
  let align: DecodedAlign = 'left';
  let width = 1;
  let height = 1;
  let bold = false;
  let line = '';
  // Epson power-on QR defaults: module size 3, level L.
  let moduleSize = 3;
  let ecc: 'L' | 'M' | 'Q' | 'H' = 'L';
  let stored: string | null = null;
  for (const c of commands) {
    switch (c.op) {
      case 'init':
        align = 'left';
        width = 1;
        height = 1;
        bold = false;
        moduleSize = 3;
        ecc = 'L';
        stored = null;
        break;
      case 'align':
        align = c.align;
        break;
      case 'size':
        width = c.width;
        height = c.height;
        break;
      case 'bold':
        bold = c.on;
        break;
      case 'text':
        line += c.text;
        break;
      case 'lf':
        out.push(line === '' ? { kind: 'blank' } : { kind: 'line', text: line, align, width, height, bold });
        line = '';
        break;
      case 'qr-module-size':
        moduleSize = c.dots;
        break;
      case 'qr-ecc':
        ecc = c.level;
        break;
      case 'qr-store':
        stored = c.data;
        break;
      case 'qr-print':
        out.push({ kind: 'qr', data: stored ?? '', moduleSize, ecc, align });
        break;
      case 'raster':
        out.push({
          kind: 'raster',
          widthDots: c.widthDots,
          heightDots: c.heightDots,
          scale: c.scale,
          bits: c.bits,
        });
        break;
      case 'cut':
        out.push({ kind: 'cut' });
        break;
      case 'qr-model':
      case 'chinese-on':
      case 'chinese-off':
      case 'status-request':
        break;
      default: {
        const never: never = c;
        throw new Error(`unhandled command ${JSON.stringify(never)}`);
      }
    }
  }
  return out;
}
