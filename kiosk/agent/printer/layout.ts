/**
 * The printed-document model: what a ticket or slip says and how it is arranged, independent of
 * the bytes a printer needs (escpos.ts) or the picture a preview draws (preview.ts). Both render
 * the output of {@link layOut}, so the preview wraps lines exactly where the printer does.
 *
 * Widths are counted in columns of the printer's base font (Font A, 12 × 24 dots): in GB18030
 * Chinese mode a printer prints every single-byte character (ASCII) half width and every
 * multi-byte character full width, so ASCII is 1 column and anything else — Chinese, full-width
 * punctuation, but also `é` or `·` — is 2. That is the printer's rule, not Unicode's East Asian
 * Width, and it is the one that decides where the paper ends.
 */

/** Character magnification for `GS !`: 1 (normal) to 8. */
export type Magnification = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

export type Align = 'left' | 'center' | 'right';

/** QR error-correction level (L 7 %, M 15 %, Q 25 %, H 30 % of codewords recoverable). */
export type QrEcc = 'L' | 'M' | 'Q' | 'H';

export interface TextSize {
  width: Magnification;
  height: Magnification;
}

export interface TextBlock {
  kind: 'text';
  /** May contain `\n` for separate lines; other control characters are dropped. */
  text: string;
  align?: Align;
  /** One number magnifies both ways; defaults to 1. */
  size?: Magnification | TextSize;
  bold?: boolean;
  /** Columns (at this block's size) that continuation lines are indented by: a hanging indent for numbered lists. */
  indent?: number;
}

export interface QrBlock {
  kind: 'qr';
  /** Stored as UTF-8 bytes. */
  data: string;
  /** Module size in dots, 1–16 (`GS ( k` fn 67). */
  moduleSize: number;
  ecc: QrEcc;
  /** Defaults to center. */
  align?: Align;
}

/** A dashed line across the paper. */
export interface RuleBlock {
  kind: 'rule';
}

/** Blank lines. */
export interface FeedBlock {
  kind: 'feed';
  lines: number;
}

/** Feed to the cutter and cut (partial cut, leaving a hinge so the slip does not fall). */
export interface CutBlock {
  kind: 'cut';
}

export type Block = TextBlock | QrBlock | RuleBlock | FeedBlock | CutBlock;

export interface PrintDocument {
  blocks: readonly Block[];
}

/** Paper roll: 58 mm prints 32 ASCII columns (384 dots), 80 mm prints 48 (576 dots). */
export interface PaperSpec {
  widthMm: 58 | 80;
  /** ASCII characters per line at size 1 (a Chinese character takes 2). */
  charsPerLine: number;
}

export const PAPER_58MM: PaperSpec = { widthMm: 58, charsPerLine: 32 };
export const PAPER_80MM: PaperSpec = { widthMm: 80, charsPerLine: 48 };

/** Dots across one column of Font A at size 1. */
export const COLUMN_DOTS = 12;
/** Dots from top to bottom of a Font A character at size 1. */
export const CHAR_HEIGHT_DOTS = 24;

/** The printable width in dots (384 on 58 mm, 576 on 80 mm). */
export function paperDots(paper: PaperSpec): number {
  return paper.charsPerLine * COLUMN_DOTS;
}

/** One printed line of text, already wrapped to fit. */
export interface TextLine {
  kind: 'text';
  /** Without control characters; '' for an empty line. */
  text: string;
  align: Align;
  width: Magnification;
  height: Magnification;
  bold: boolean;
  /** Display width in columns at size 1 ({@link displayWidth}); never more than `charsPerLine / width`. */
  columns: number;
}

export interface QrItem {
  kind: 'qr';
  data: string;
  moduleSize: number;
  ecc: QrEcc;
  align: Align;
}

export interface FeedItem {
  kind: 'feed';
  lines: number;
}

export interface CutItem {
  kind: 'cut';
}

/** What the encoder and the preview both render. */
export type LaidOutItem = TextLine | QrItem | FeedItem | CutItem;

/** Columns one character takes: 1 for ASCII, 2 for anything the printer prints from a multi-byte code. */
export function charWidth(ch: string): 1 | 2 {
  return (ch.codePointAt(0) ?? 0) < 0x80 ? 1 : 2;
}

/** Display width in columns: ASCII 1, every other character 2 (CJK, full-width punctuation, 𠮷). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    w += charWidth(ch);
  }
  return w;
}

/**
 * C0 controls (but not \n), DEL, C1 controls, and invisible format characters (zero-width,
 * bidi overrides, BOM): an ESC or GS inside a name would be a printer command, and the
 * invisible ones would print as full-width garbage.
 */
function isUnprintable(cp: number): boolean {
  return (
    (cp < 0x20 && cp !== 0x0a) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    cp === 0xfeff
  );
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Makes text safe to print: line breaks normalized to `\n`, tabs to a space, control and
 * invisible format characters removed, lone surrogates replaced by `?`.
 */
export function sanitizeText(s: string): string {
  const normalized = s.replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(LONE_SURROGATE, '?');
  return Array.from(normalized)
    .filter((ch) => !isUnprintable(ch.codePointAt(0)!))
    .join('');
}

// Full-width closing punctuation that must not begin a line (避头点): it pulls the previous
// character down with it instead.
const NO_LINE_START = new Set(Array.from('，。、；：？！）》」』】〕〉”’…％·'));

/** Splits a paragraph into what wrapping may not break: ASCII words, single spaces, single other characters. */
function tokens(paragraph: string): string[] {
  return paragraph.match(/[\u0021-\u007e]+| |[^\u0020-\u007e]/gu) ?? [];
}

/**
 * Wraps one line of text (no `\n`) to at most `maxColumns` columns: between ASCII words at
 * spaces, between any two other characters, breaking a word only when it alone is too long.
 * Spaces at the break are dropped. Continuation lines start with `indent` spaces (reduced when
 * the line is too narrow to leave room for at least one full-width character).
 *
 * @throws RangeError when `maxColumns` is below 2 (a Chinese character could never fit)
 */
export function wrapLine(paragraph: string, maxColumns: number, indent = 0): string[] {
  if (!Number.isInteger(maxColumns) || maxColumns < 2) {
    throw new RangeError(`a line needs at least 2 columns, got ${maxColumns}`);
  }
  const hang = ' '.repeat(Math.max(0, Math.min(Math.trunc(indent), maxColumns - 2)));
  const lines: string[] = [];
  let line = '';
  let lineWidth = 0;
  let continuation = false;

  const hasContent = (): boolean => line.trim() !== '';
  const breakLine = (): void => {
    lines.push(line.trimEnd());
    continuation = true;
    line = hang;
    lineWidth = hang.length;
  };
  // Makes room by ending the line, or, when it holds only spaces, by dropping them.
  const newLine = (): void => {
    if (hasContent()) {
      breakLine();
    } else {
      line = continuation ? hang : '';
      lineWidth = line.length;
    }
  };
  const append = (piece: string): void => {
    line += piece;
    lineWidth += displayWidth(piece);
  };

  for (const token of tokens(paragraph)) {
    const w = displayWidth(token);
    if (token === ' ' && continuation && !hasContent()) {
      continue; // no leading spaces on a continuation line
    }
    if (lineWidth + w <= maxColumns) {
      append(token);
      continue;
    }
    if (token === ' ') {
      breakLine();
      continue;
    }
    if (w === 2 && NO_LINE_START.has(token)) {
      // Carry the last full-width character down with the punctuation (and any punctuation
      // before it: '项）' + '：'), when that leaves something behind and fits the new line.
      const chars = Array.from(line);
      let k = chars.length - 1;
      while (k > 0 && NO_LINE_START.has(chars[k]!)) {
        k--;
      }
      const carried = chars.slice(k).join('');
      const rest = chars.slice(0, k).join('');
      if (
        k >= 0 &&
        charWidth(chars[k]!) === 2 &&
        rest.trim() !== '' &&
        hang.length + displayWidth(carried) + w <= maxColumns
      ) {
        line = rest;
        lineWidth -= displayWidth(carried);
        breakLine();
        append(carried + token);
        continue;
      }
    }
    newLine();
    if (lineWidth + w <= maxColumns) {
      append(token);
      continue;
    }
    // A word longer than a whole line: cut it into pieces that fit.
    for (const ch of token) {
      if (lineWidth + charWidth(ch) > maxColumns) {
        newLine();
      }
      append(ch);
    }
  }
  if (!continuation || hasContent()) {
    lines.push(line.trimEnd());
  }
  return lines;
}

function normalizeSize(size: TextBlock['size']): TextSize {
  if (size === undefined) {
    return { width: 1, height: 1 };
  }
  const s = typeof size === 'number' ? { width: size, height: size } : size;
  for (const m of [s.width, s.height]) {
    if (!Number.isInteger(m) || m < 1 || m > 8) {
      throw new RangeError(`text magnification must be an integer from 1 to 8, got ${m}`);
    }
  }
  return s;
}

function checkPaper(paper: PaperSpec): void {
  if (paper.widthMm !== 58 && paper.widthMm !== 80) {
    throw new RangeError(`paper width must be 58 or 80 mm, got ${paper.widthMm}`);
  }
  if (!Number.isInteger(paper.charsPerLine) || paper.charsPerLine < 16 || paper.charsPerLine > 64) {
    throw new RangeError(`charsPerLine must be an integer from 16 to 64, got ${paper.charsPerLine}`);
  }
}

/**
 * Wraps a document to the paper: every text block becomes printed lines that fit
 * (`columns × width ≤ charsPerLine`), a rule becomes a line of dashes, and the other blocks
 * pass through with their defaults filled in.
 *
 * @throws RangeError on a malformed block or paper spec
 */
export function layOut(doc: PrintDocument, paper: PaperSpec): LaidOutItem[] {
  checkPaper(paper);
  const out: LaidOutItem[] = [];
  for (const block of doc.blocks) {
    switch (block.kind) {
      case 'text': {
        const { width, height } = normalizeSize(block.size);
        const maxColumns = Math.floor(paper.charsPerLine / width);
        const style = { align: block.align ?? 'left', width, height, bold: block.bold ?? false };
        for (const paragraph of sanitizeText(block.text).split('\n')) {
          for (const text of wrapLine(paragraph, maxColumns, block.indent ?? 0)) {
            out.push({ kind: 'text', text, ...style, columns: displayWidth(text) });
          }
        }
        break;
      }
      case 'qr': {
        if (!Number.isInteger(block.moduleSize) || block.moduleSize < 1 || block.moduleSize > 16) {
          throw new RangeError(`QR module size must be an integer from 1 to 16, got ${block.moduleSize}`);
        }
        if (block.data === '') {
          throw new RangeError('QR data is empty');
        }
        if (new RegExp(LONE_SURROGATE.source).test(block.data)) {
          throw new RangeError('QR data contains a lone surrogate (not encodable as UTF-8)');
        }
        out.push({
          kind: 'qr',
          data: block.data,
          moduleSize: block.moduleSize,
          ecc: block.ecc,
          align: block.align ?? 'center',
        });
        break;
      }
      case 'rule':
        out.push({
          kind: 'text',
          text: '-'.repeat(paper.charsPerLine),
          align: 'left',
          width: 1,
          height: 1,
          bold: false,
          columns: paper.charsPerLine,
        });
        break;
      case 'feed':
        if (!Number.isInteger(block.lines) || block.lines < 0 || block.lines > 255) {
          throw new RangeError(`feed must be an integer from 0 to 255 lines, got ${block.lines}`);
        }
        if (block.lines > 0) {
          out.push({ kind: 'feed', lines: block.lines });
        }
        break;
      case 'cut':
        out.push({ kind: 'cut' });
        break;
      default: {
        const never: never = block;
        throw new RangeError(`unknown block ${JSON.stringify(never)}`);
      }
    }
  }
  return out;
}
