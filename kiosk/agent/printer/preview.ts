/**
 * Preview of a printed document: the same {@link layOut} output the encoder prints, drawn to
 * SVG at one unit per printer dot (203 dpi), and to PNG through Debian's `rsvg-convert`
 * (package `librsvg2-bin`). Used for the kiosk's on-screen "your ticket" picture, for
 * reviewing slip layouts without paper, and by tests that read the QR back with `zbarimg`.
 *
 * Every character sits in its printer cell (ASCII 12 dots, others 24, times the width
 * magnification), so lines break and align where the printer breaks them; the glyphs are the
 * screen's fonts, not the printer's. The QR matrix comes from the `qrcode` package with the
 * payload as one UTF-8 byte segment, as `GS ( k` stores it.
 */
import { spawn } from 'node:child_process';
import { create as createQr } from 'qrcode';
import {
  CHAR_HEIGHT_DOTS,
  COLUMN_DOTS,
  charWidth,
  type LaidOutItem,
  layOut,
  type PaperSpec,
  type PrintDocument,
  paperDots,
  type QrItem,
  type TextLine,
} from './layout.ts';

/** Dots between lines at size 1 (ESC 2 default spacing is about 30 dots at 203 dpi). */
const LINE_DOTS = 30;
/** Blank paper drawn around the printable area. */
const MARGIN = 16;

const CJK_FONTS =
  "'Noto Sans CJK SC','Source Han Sans SC','Noto Serif CJK SC','WenQuanYi Zen Hei','Microsoft YaHei','PingFang SC','SimSun',sans-serif";
const ASCII_FONTS = "'DejaVu Sans Mono','Noto Sans Mono','Consolas','Menlo',monospace";

function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

/** The QR symbol as the printer would build it: `size × size` modules, `dark(row, col)`. */
export function qrMatrix(
  data: string,
  ecc: QrItem['ecc'],
): { size: number; dark(row: number, col: number): boolean } {
  const qr = createQr([{ data: new TextEncoder().encode(data), mode: 'byte' }], {
    errorCorrectionLevel: ecc,
  });
  const { size } = qr.modules;
  return { size, dark: (row, col) => qr.modules.get(row, col) === 1 };
}

function startX(align: TextLine['align'], contentDots: number, paper: PaperSpec): number {
  const free = paperDots(paper) - contentDots;
  return MARGIN + (align === 'left' ? 0 : align === 'center' ? Math.floor(free / 2) : free);
}

function drawText(line: TextLine, y: number, paper: PaperSpec): string {
  const x0 = startX(line.align, line.columns * COLUMN_DOTS * line.width, paper);
  const cells: string[] = [];
  let col = 0;
  for (const ch of line.text) {
    const w = charWidth(ch);
    if (ch !== ' ') {
      const cx = col * COLUMN_DOTS + (w * COLUMN_DOTS) / 2;
      // ASCII at 20 px keeps a monospace glyph (0.6 em) inside its 12-dot cell.
      const attrs =
        w === 1 ? `font-family="${ASCII_FONTS}" font-size="20"` : `font-family="${CJK_FONTS}" font-size="24"`;
      cells.push(`<text x="${cx}" y="21" ${attrs}>${escapeXml(ch)}</text>`);
    }
    col += w;
  }
  const weight = line.bold ? ' font-weight="bold"' : '';
  return `<g transform="translate(${x0} ${y}) scale(${line.width} ${line.height})" text-anchor="middle"${weight}>${cells.join('')}</g>`;
}

function drawQr(item: QrItem, y: number, paper: PaperSpec): { svg: string; height: number } {
  const m = qrMatrix(item.data, item.ecc);
  const dots = m.size * item.moduleSize;
  if (dots > paperDots(paper)) {
    throw new RangeError(`QR code of ${dots} dots does not fit ${paperDots(paper)}-dot paper`);
  }
  const x0 = startX(item.align, dots, paper);
  const s = item.moduleSize;
  let path = '';
  for (let r = 0; r < m.size; r++) {
    for (let c = 0; c < m.size; c++) {
      if (m.dark(r, c)) {
        path += `M${x0 + c * s} ${y + r * s}h${s}v${s}h-${s}z`;
      }
    }
  }
  return { svg: `<path d="${path}" fill="#000" shape-rendering="crispEdges"/>`, height: dots };
}

/**
 * Draws laid-out items on a white strip as wide as the paper (plus a margin), one unit per dot.
 *
 * @throws RangeError when a QR code is wider than the paper
 */
export function renderLaidOutSvg(items: readonly LaidOutItem[], paper: PaperSpec): string {
  const parts: string[] = [];
  let y = MARGIN;
  const width = paperDots(paper) + 2 * MARGIN;
  for (const item of items) {
    switch (item.kind) {
      case 'text':
        if (item.text !== '') {
          parts.push(drawText(item, y, paper));
        }
        y += item.text === '' ? LINE_DOTS : CHAR_HEIGHT_DOTS * item.height + (LINE_DOTS - CHAR_HEIGHT_DOTS);
        break;
      case 'qr': {
        const qr = drawQr(item, y, paper);
        parts.push(qr.svg);
        y += qr.height;
        break;
      }
      case 'feed':
        y += LINE_DOTS * item.lines;
        break;
      case 'cut':
        y += MARGIN;
        parts.push(
          `<line x1="0" y1="${y}" x2="${width}" y2="${y}" stroke="#999" stroke-width="2" stroke-dasharray="8 6"/>`,
        );
        y += MARGIN;
        break;
      default: {
        const never: never = item;
        throw new RangeError(`unknown item ${JSON.stringify(never)}`);
      }
    }
  }
  const height = y + MARGIN;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<g fill="#000">${parts.join('')}</g>`,
    '</svg>',
  ].join('');
}

/** SVG preview of a document on the given paper. */
export function renderPreviewSvg(doc: PrintDocument, paper: PaperSpec): string {
  return renderLaidOutSvg(layOut(doc, paper), paper);
}

/**
 * Converts SVG to PNG with `rsvg-convert` (Debian `librsvg2-bin`).
 *
 * @param zoom - pixels per SVG unit (per printer dot); 1 by default
 * @throws Error when rsvg-convert is missing or fails
 */
export function svgToPng(svg: string, zoom = 1): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn('rsvg-convert', ['--format=png', `--zoom=${zoom}`], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? new Error('rsvg-convert not found: apt-get install librsvg2-bin', { cause: e })
          : e,
      );
    });
    child.on('close', (code) => {
      if (code === 0) {
        resolve(new Uint8Array(Buffer.concat(out)));
      } else {
        reject(new Error(`rsvg-convert exited with ${code}: ${Buffer.concat(err).toString().trim()}`));
      }
    });
    child.stdin.on('error', () => {}); // an early exit is reported by 'close'
    child.stdin.end(svg);
  });
}

/** PNG preview of a document (see {@link svgToPng}). */
export function renderPreviewPng(doc: PrintDocument, paper: PaperSpec, zoom = 1): Promise<Uint8Array> {
  return svgToPng(renderPreviewSvg(doc, paper), zoom);
}
