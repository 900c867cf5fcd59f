/**
 * Raster QR (`GS v 0`) for printers without `GS ( k`: decode(encode(doc)) with the strict
 * decoder, then the decoded bits written as a PBM (whose P4 layout is exactly `GS v 0`'s: rows of
 * bytes, leftmost dot in the high bit, 1 = black) and read back with Debian's `zbarimg`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptanceInput, ticketInput } from './documents.fixtures.ts';
import { acceptanceReceiptDocument, queueTicketDocument, ticketStatusUrl } from './documents.ts';
import { encode, encodeLaidOut } from './escpos.ts';
import { decodeEscPos, EscPosDecodeError, type PrintedItem, printedItems } from './escpos-decode.ts';
import { expectedPrinted } from './escpos-roundtrip.fixtures.ts';
import { layOut, PAPER_58MM, PAPER_80MM, type PaperSpec, type PrintDocument } from './layout.ts';

const run = promisify(execFile);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onewindow-raster-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Raster = Extract<PrintedItem, { kind: 'raster' }>;

/** Reads the QR in a decoded raster with zbarimg, byte for byte (`-Sbinary`), as UTF-8. */
async function zbar(image: Raster, name: string): Promise<string> {
  const file = join(dir, name);
  const header = new TextEncoder().encode(`P4\n${image.widthDots} ${image.heightDots}\n`);
  await writeFile(file, Buffer.concat([header, image.bits]));
  const { stdout } = await run('zbarimg', ['--raw', '-q', '-Sbinary', file], { encoding: 'buffer' });
  return new TextDecoder('utf-8', { fatal: true }).decode(stdout).replace(/\n$/, '');
}

/** Encodes with raster QR, decodes strictly, and checks every non-QR item prints as laid out. */
function rasterRoundTrip(doc: PrintDocument, paper: PaperSpec): Raster[] {
  const bytes = encode(doc, paper, { chineseMode: 'fs-ampersand', qr: 'raster' });
  const commands = decodeEscPos(bytes);
  expect(commands.some((c) => c.op.startsWith('qr-'))).toBe(false);
  const printed = printedItems(commands);
  const expected = expectedPrinted(layOut(doc, paper));
  expect(printed.map((p) => (p.kind === 'raster' ? 'qr' : p.kind))).toEqual(expected.map((p) => p.kind));
  expect(printed.filter((p) => p.kind !== 'raster')).toEqual(expected.filter((p) => p.kind !== 'qr'));
  return printed.filter((p): p is Raster => p.kind === 'raster');
}

/** Leftmost and rightmost black columns of an image. */
function inkColumns(image: Raster): [number, number] {
  const rowBytes = image.widthDots / 8;
  let min = Number.POSITIVE_INFINITY;
  let max = -1;
  for (let y = 0; y < image.heightDots; y++) {
    for (let x = 0; x < image.widthDots; x++) {
      if ((image.bits[y * rowBytes + (x >> 3)]! & (0x80 >> (x & 7))) !== 0) {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
    }
  }
  return [min, max];
}

describe('raster QR (GS v 0)', () => {
  it.each([PAPER_58MM, PAPER_80MM])(
    'round-trips a ticket and reads back the exact status URL ($widthMm mm)',
    async (paper) => {
      const input = ticketInput();
      const [image, ...more] = rasterRoundTrip(queueTicketDocument(input, paper), paper);
      expect(more).toEqual([]);
      expect(image).toBeDefined();
      const raster = image as Raster;
      expect(raster.widthDots).toBe(paper.widthMm === 58 ? 384 : 576);
      expect(raster.scale).toEqual({ x: 1, y: 1 });
      // Centered: as much white left of the symbol as right of it (±1 dot of rounding).
      const [first, last] = inkColumns(raster);
      expect(Math.abs(first - (raster.widthDots - 1 - last))).toBeLessThanOrEqual(1);
      expect(await zbar(raster, `ticket-${paper.widthMm}.pbm`)).toBe(
        ticketStatusUrl(input.statusBaseUrl, input.ticketId),
      );
    },
  );

  it('reads a UTF-8 progress URL with Chinese characters back intact', async () => {
    const url = 'https://hall.example.cn/case/受理-0107';
    const doc = acceptanceReceiptDocument(acceptanceInput({ progressUrl: url }), PAPER_58MM);
    const [image] = rasterRoundTrip(doc, PAPER_58MM);
    expect(await zbar(image as Raster, 'receipt.pbm')).toBe(url);
  });

  it('places left and right aligned symbols at the paper edges, quiet zone included', () => {
    const doc = (align: 'left' | 'right'): PrintDocument => ({
      blocks: [{ kind: 'qr', data: 'A001', moduleSize: 4, ecc: 'M', align }],
    });
    const [left] = rasterRoundTrip(doc('left'), PAPER_58MM);
    const [right] = rasterRoundTrip(doc('right'), PAPER_58MM);
    expect(inkColumns(left as Raster)[0]).toBe(16); // 4 quiet modules × 4 dots
    expect(inkColumns(right as Raster)[1]).toBe(384 - 1 - 16);
  });

  it('shrinks modules that would not fit the paper, and refuses what fits at no size', () => {
    const [image] = rasterRoundTrip(
      { blocks: [{ kind: 'qr', data: 'x'.repeat(300), moduleSize: 16, ecc: 'H' }] },
      PAPER_58MM,
    );
    expect((image as Raster).widthDots).toBe(384);
    // Version 40 (177 modules + quiet zone) fits 58 mm at 2 dots a module; 64 dots hold nothing.
    const big = layOut(
      { blocks: [{ kind: 'qr', data: 'x'.repeat(2900), moduleSize: 8, ecc: 'L' }] },
      PAPER_58MM,
    );
    expect(() =>
      encodeLaidOut(big, { chineseMode: 'none', qr: 'raster', rasterWidthDots: 384 }),
    ).not.toThrow();
    expect(() => encodeLaidOut(big, { chineseMode: 'none', qr: 'raster', rasterWidthDots: 64 })).toThrow(
      RangeError,
    );
  });

  it('needs the paper width when encoding laid-out items directly', () => {
    const items = layOut({ blocks: [{ kind: 'qr', data: 'A001', moduleSize: 4, ecc: 'M' }] }, PAPER_58MM);
    expect(() => encodeLaidOut(items, { chineseMode: 'none', qr: 'raster' })).toThrow(/rasterWidthDots/);
    expect(() =>
      encodeLaidOut(items, { chineseMode: 'none', qr: 'raster', rasterWidthDots: 384 }),
    ).not.toThrow();
  });

  it('keeps GS ( k as the default', () => {
    const bytes = encode({ blocks: [{ kind: 'qr', data: 'A001', moduleSize: 4, ecc: 'M' }] }, PAPER_58MM, {
      chineseMode: 'none',
    });
    expect(decodeEscPos(bytes).some((c) => c.op === 'qr-store')).toBe(true);
    expect(decodeEscPos(bytes).some((c) => c.op === 'raster')).toBe(false);
  });
});

describe('strict decoding of GS v 0', () => {
  const header = (m: number, x: number, y: number) => [
    0x1d,
    0x76,
    0x30,
    m,
    x & 0xff,
    x >> 8,
    y & 0xff,
    y >> 8,
  ];

  it('reads the size fields and the double width / height modes', () => {
    const bits = [0xff, 0x00, 0x81, 0x7e];
    const [cmd] = decodeEscPos(Uint8Array.from([...header(51, 2, 2), ...bits]));
    expect(cmd).toEqual({
      op: 'raster',
      widthDots: 16,
      heightDots: 2,
      scale: { x: 2, y: 2 },
      bits: Uint8Array.from(bits),
    });
    expect(decodeEscPos(Uint8Array.from([...header(1, 1, 1), 0xaa]))[0]).toMatchObject({
      scale: { x: 2, y: 1 },
    });
  });

  it('rejects truncated images, bad modes and sizes, and images mid-line', () => {
    const bad = [
      [...header(0, 2, 2), 1, 2, 3],
      [0x1d, 0x76, 0x30, 0, 1],
      [...header(4, 1, 1), 0],
      [...header(0, 0, 1)],
      [...header(0, 1, 0)],
      [...header(0, 1, 2304), ...new Array(2304).fill(0)],
      [0x1d, 0x76, 0x31, 0, 1, 0, 1, 0, 0],
      [0x41, ...header(0, 1, 1), 0, 0x0a],
    ];
    for (const bytes of bad) {
      expect(() => decodeEscPos(Uint8Array.from(bytes))).toThrow(EscPosDecodeError);
    }
  });
});
