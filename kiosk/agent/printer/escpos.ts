/**
 * ESC/POS encoder for tickets and slips: a pure function from a laid-out document to the bytes
 * an Epson-compatible thermal printer takes (HARDWARE.md "Ticket printer"). The npm `escpos`
 * package is not used: its QR command is not Epson's `GS ( k` and it miscounts non-ASCII.
 *
 * Commands emitted, and nothing else:
 * `ESC @` init · `ESC a n` align · `GS ! n` size · `ESC E n` bold · `FS &` Chinese mode ·
 * GB18030 text · `LF` · `GS ( k` QR (fn 65, 67, 69, 80, 81) · `GS v 0` raster image (QR on
 * printers without `GS ( k`) · `GS V 66 0` partial cut.
 */
import iconv from 'iconv-lite';
import { create as createQr } from 'qrcode';
import {
  type Align,
  type LaidOutItem,
  layOut,
  type PaperSpec,
  type PrintDocument,
  paperDots,
  type QrEcc,
  type QrItem,
} from './layout.ts';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
const EOT = 0x04;
const LF = 0x0a;

/**
 * How the printer gets into Chinese (GB18030 double-byte) mode:
 * - `fs-ampersand`: send `FS &` before the first non-ASCII text (Epson Chinese models, whose
 *   power-on default is single-byte);
 * - `none`: send nothing, for printers that power up in Chinese mode (most domestic models).
 * Either way text is GB18030, which encodes every Unicode character (𠮷 as 4 bytes), unlike GBK.
 */
export type ChineseMode = 'fs-ampersand' | 'none';

/**
 * What the printer's font covers: `gb18030` everything; `gbk` only the 2-byte range, so a
 * character that GB18030 encodes in 4 bytes (𠮷, 𬌗, most of CJK Extension B…) would print as two
 * wrong characters. It is printed as {@link MISSING_GLYPH} instead.
 */
export type Charset = 'gb18030' | 'gbk';

/** What a GBK-only printer prints for a character its font does not have (the typesetter's 缺字 box). */
export const MISSING_GLYPH = '□';

/** Text as the printer's font can print it: on `gbk`, every 4-byte GB18030 character becomes □. */
export function printableText(text: string, charset: Charset): string {
  if (charset === 'gb18030') return text;
  let out = '';
  for (const ch of text) out += iconv.encode(ch, 'gb18030').length > 2 ? MISSING_GLYPH : ch;
  return out;
}

export interface EncodeOptions {
  chineseMode: ChineseMode;
  /**
   * How QR blocks are printed: `gs-k` (default) with the printer's own QR generator, `raster`
   * as a `GS v 0` bitmap drawn here, for printers whose firmware has no `GS ( k`.
   */
  qr?: 'gs-k' | 'raster';
  /**
   * Printable width in dots, for `raster` QR: the bitmap spans it (rounded down to a multiple
   * of 8) with the symbol placed by its alignment. {@link encode} takes it from the paper.
   */
  rasterWidthDots?: number;
  /** The printer's font (default `gb18030`); see {@link Charset}. */
  charset?: Charset;
}

/** Largest QR payload in bytes (version 40, byte mode, level L); `GS ( k` fn 80 allows up to 7089. */
export const QR_MAX_BYTES = 7089;

const ALIGN_CODE: Record<Align, number> = { left: 0, center: 1, right: 2 };
// GS ( k fn 69: 48 L, 49 M, 50 Q, 51 H.
const ECC_CODE: Record<QrEcc, number> = { L: 48, M: 49, Q: 50, H: 51 };
const QR_MODEL_2 = 50;

class ByteSink {
  private readonly chunks: number[] = [];

  push(...bytes: number[]): void {
    for (const b of bytes) {
      this.chunks.push(b);
    }
  }

  pushAll(bytes: Uint8Array): void {
    for (const b of bytes) {
      this.chunks.push(b);
    }
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

/** `GS ( k pL pH cn fn [params]` for the QR symbol (cn = 49), with pL pH counting `cn fn params`. */
function qrCommand(sink: ByteSink, fn: number, params: Uint8Array | number[]): void {
  const count = params.length + 2;
  sink.push(GS, 0x28, 0x6b, count & 0xff, count >> 8, 49, fn);
  sink.pushAll(Uint8Array.from(params));
}

/**
 * Encodes a document for a printer. Wrapping is {@link layOut}'s, so the printed lines are
 * exactly the preview's. Attribute commands are sent only when they change.
 *
 * @throws RangeError when the document is malformed or a QR payload is over {@link QR_MAX_BYTES} bytes
 */
export function encode(doc: PrintDocument, paper: PaperSpec, opts: EncodeOptions): Uint8Array {
  return encodeLaidOut(layOut(doc, paper), { rasterWidthDots: paperDots(paper), ...opts });
}

/** Encodes already laid-out items (see {@link encode}). */
export function encodeLaidOut(items: readonly LaidOutItem[], opts: EncodeOptions): Uint8Array {
  const sink = new ByteSink();
  // State after ESC @: left, size 1, not bold, single-byte mode.
  let align: Align = 'left';
  let sizeByte = 0;
  let bold = false;
  let chineseOn = false;
  sink.push(ESC, 0x40);

  const setAlign = (a: Align): void => {
    if (a !== align) {
      sink.push(ESC, 0x61, ALIGN_CODE[a]);
      align = a;
    }
  };

  for (const item of items) {
    switch (item.kind) {
      case 'text': {
        if (item.text === '') {
          sink.push(LF); // attributes do not change how far an empty line feeds
          break;
        }
        // layOut already removed these; a control byte here would be a printer command.
        if (Array.from(item.text).some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
          throw new RangeError('text contains a control character');
        }
        setAlign(item.align);
        const size = ((item.width - 1) << 4) | (item.height - 1);
        if (size !== sizeByte) {
          sink.push(GS, 0x21, size);
          sizeByte = size;
        }
        if (item.bold !== bold) {
          sink.push(ESC, 0x45, item.bold ? 1 : 0);
          bold = item.bold;
        }
        if (opts.chineseMode === 'fs-ampersand' && !chineseOn && /[^\u0020-\u007e]/.test(item.text)) {
          sink.push(FS, 0x26);
          chineseOn = true;
        }
        sink.pushAll(iconv.encode(printableText(item.text, opts.charset ?? 'gb18030'), 'gb18030'));
        sink.push(LF);
        break;
      }
      case 'qr': {
        const data = new TextEncoder().encode(item.data);
        if (data.length === 0 || data.length > QR_MAX_BYTES) {
          throw new RangeError(`QR data must be 1 to ${QR_MAX_BYTES} bytes, got ${data.length}`);
        }
        if (opts.qr === 'raster') {
          // Not affected by ESC a: the bitmap is as wide as the paper and places the symbol itself.
          rasterCommand(sink, qrRaster(item, data, opts.rasterWidthDots));
          break;
        }
        setAlign(item.align);
        qrCommand(sink, 65, [QR_MODEL_2, 0]);
        qrCommand(sink, 67, [item.moduleSize]);
        qrCommand(sink, 69, [ECC_CODE[item.ecc]]);
        qrCommand(sink, 80, [48, ...data]);
        qrCommand(sink, 81, [48]);
        break;
      }
      case 'feed':
        for (let i = 0; i < item.lines; i++) {
          sink.push(LF);
        }
        break;
      case 'cut':
        // GS V 66 n: feed to the cutter (+ n dots) and cut partially.
        sink.push(GS, 0x56, 66, 0);
        break;
      default: {
        const never: never = item;
        throw new RangeError(`unknown item ${JSON.stringify(never)}`);
      }
    }
  }
  return sink.toBytes();
}

/** A 1-bit image, rows top to bottom, each `widthDots / 8` bytes, most significant bit leftmost; 1 = black. */
export interface RasterImage {
  widthDots: number;
  heightDots: number;
  bits: Uint8Array;
}

/** Quiet zone around a QR symbol, in modules (ISO/IEC 18004 asks for 4). */
const QR_QUIET_MODULES = 4;
/** Tallest `GS v 0` image (yL + yH × 256) the printers in use accept. */
export const RASTER_MAX_HEIGHT = 2303;

/**
 * The QR symbol of `item` as a bitmap `widthDots` wide (rounded down to a multiple of 8): the
 * matrix comes from the `qrcode` package with the payload as one UTF-8 byte segment (what
 * `GS ( k` would store), each module `moduleSize` dots square — smaller if the symbol and its
 * quiet zone would not fit — placed left, centered or right by `item.align`.
 *
 * @throws RangeError when there is no width, or the symbol does not fit even at 1 dot a module
 */
export function qrRaster(item: QrItem, data: Uint8Array, widthDots: number | undefined): RasterImage {
  if (widthDots === undefined || !Number.isInteger(widthDots) || widthDots < 8) {
    throw new RangeError('a raster QR needs the printable width in dots (rasterWidthDots)');
  }
  const width = widthDots - (widthDots % 8);
  const modules = createQr([{ data, mode: 'byte' }], { errorCorrectionLevel: item.ecc }).modules;
  const size = modules.size;
  const span = size + 2 * QR_QUIET_MODULES;
  const scale = Math.min(item.moduleSize, Math.floor(width / span), Math.floor(RASTER_MAX_HEIGHT / span));
  if (scale < 1) {
    throw new RangeError(`a QR of ${size} modules does not fit ${width} dots`);
  }
  const free = width - span * scale;
  const left =
    (item.align === 'left' ? 0 : item.align === 'center' ? Math.floor(free / 2) : free) +
    QR_QUIET_MODULES * scale;
  const top = QR_QUIET_MODULES * scale;
  const height = span * scale;
  const rowBytes = width / 8;
  const bits = new Uint8Array(rowBytes * height);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (modules.get(row, col) !== 1) {
        continue;
      }
      for (let dy = 0; dy < scale; dy++) {
        const y = top + row * scale + dy;
        for (let dx = 0; dx < scale; dx++) {
          const x = left + col * scale + dx;
          const at = y * rowBytes + (x >> 3);
          bits[at] = (bits[at] ?? 0) | (0x80 >> (x & 7));
        }
      }
    }
  }
  return { widthDots: width, heightDots: height, bits };
}

/** `GS v 0 m xL xH yL yH d…`: a raster bit image at normal size (m = 0); x counts bytes across, y dots down. */
function rasterCommand(sink: ByteSink, image: RasterImage): void {
  const x = image.widthDots / 8;
  const y = image.heightDots;
  sink.push(GS, 0x76, 0x30, 0, x & 0xff, x >> 8, y & 0xff, y >> 8);
  sink.pushAll(image.bits);
}

/** `DLE EOT 4`: transmit the roll paper sensor status (one byte back, see {@link parsePaperStatus}). */
export function statusRequest(): Uint8Array {
  return Uint8Array.of(DLE, EOT, 4);
}

/** Paper as the roll sensor reports it. */
export type PaperStatus = 'ok' | 'near-end' | 'out';

// Reply to DLE EOT 4: bits 0 and 7 are always 0, bits 1 and 4 always 1.
const FIXED_MASK = 0x93;
const FIXED_VALUE = 0x12;

/** Whether a byte from the printer has the fixed bits of a `DLE EOT 4` reply (other bytes are ASB or noise). */
export function isPaperStatusByte(byte: number): boolean {
  return Number.isInteger(byte) && byte >= 0 && byte <= 0xff && (byte & FIXED_MASK) === FIXED_VALUE;
}

/**
 * Reads the reply to `DLE EOT 4`: bits 5–6 (`0x60`) paper end, bits 2–3 (`0x0C`) near end.
 * Either bit of a pair counts, since a printer that sets only one still means it.
 *
 * @throws RangeError when the fixed bits are wrong (not a reply to `DLE EOT 4`)
 */
export function parsePaperStatus(byte: number): PaperStatus {
  if (!isPaperStatusByte(byte)) {
    throw new RangeError(`not a DLE EOT 4 reply: ${byte}`);
  }
  if ((byte & 0x60) !== 0) {
    return 'out';
  }
  return (byte & 0x0c) !== 0 ? 'near-end' : 'ok';
}
