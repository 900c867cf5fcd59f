import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptanceInput, ticketInput } from './documents.fixtures.ts';
import { acceptanceReceiptDocument, queueTicketDocument } from './documents.ts';
import { PAPER_58MM, PAPER_80MM, type PrintDocument } from './layout.ts';
import { qrMatrix, renderPreviewPng, renderPreviewSvg } from './preview.ts';

const run = promisify(execFile);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onewindow-preview-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Reads the barcode in a PNG with zbarimg (Debian zbar-tools). `-Sbinary` gives the symbol's
 * bytes as they are, instead of zbar's guess at their character set (which takes UTF-8
 * Chinese for Shift-JIS), so the payload is compared byte for byte.
 */
async function zbar(png: Uint8Array, name: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, png);
  const { stdout } = await run('zbarimg', ['--raw', '-q', '-Sbinary', file], { encoding: 'buffer' });
  return new TextDecoder('utf-8', { fatal: true }).decode(stdout);
}

describe('renderPreviewSvg', () => {
  it('is as wide as the paper plus margins, with the QR drawn as rectangles', () => {
    const svg58 = renderPreviewSvg(queueTicketDocument(ticketInput(), PAPER_58MM), PAPER_58MM);
    expect(svg58).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="416" /);
    expect(svg58).toMatch(/<path d="M\d+ \d+h6v6h-6z/);
    expect(svg58).toContain('Noto Sans CJK SC');
    const svg80 = renderPreviewSvg(queueTicketDocument(ticketInput(), PAPER_80MM), PAPER_80MM);
    expect(svg80).toMatch(/width="608" /);
  });

  it('places each character in its printer cell, magnified like the printer', () => {
    const svg = renderPreviewSvg(
      { blocks: [{ kind: 'text', text: '社A', align: 'right', size: { width: 2, height: 3 } }] },
      PAPER_58MM,
    );
    // 3 columns × 12 dots × 2 = 72 dots, right-aligned on 384: starts at 16 + 312
    expect(svg).toContain('<g transform="translate(328 16) scale(2 3)"');
    expect(svg).toContain('<text x="12" y="21"');
    expect(svg).toContain('<text x="30" y="21"');
  });

  it('escapes markup in text', () => {
    const svg = renderPreviewSvg({ blocks: [{ kind: 'text', text: '<b>&"' }] }, PAPER_58MM);
    expect(svg).toContain('&lt;');
    expect(svg).toContain('&amp;');
    expect(svg).toContain('&quot;');
    expect(svg).not.toContain('<b>');
  });

  it('refuses a QR code wider than the paper', () => {
    const doc: PrintDocument = { blocks: [{ kind: 'qr', data: 'x'.repeat(300), moduleSize: 16, ecc: 'H' }] };
    expect(() => renderPreviewSvg(doc, PAPER_58MM)).toThrow(RangeError);
  });

  it('builds the QR matrix from the UTF-8 bytes', () => {
    // 17 + 4·version modules; 24 bytes at level M fit version 2 (25 modules)
    expect(qrMatrix('https://社保.cn/t/A001', 'M').size).toBe(25);
  });
});

describe('renderPreviewPng read back with zbarimg', () => {
  it.each([PAPER_58MM, PAPER_80MM])('gives the exact status URL of a ticket ($widthMm mm)', async (paper) => {
    const png = await renderPreviewPng(queueTicketDocument(ticketInput(), paper), paper);
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(await zbar(png, `ticket-${paper.widthMm}.png`)).toBe('https://hall.example.cn/t/tk_01HZX3QK');
  });

  it('reads a UTF-8 progress URL with Chinese characters back intact', async () => {
    const url = 'https://hall.example.cn/case/受理-0107';
    const doc = acceptanceReceiptDocument(acceptanceInput({ progressUrl: url }), PAPER_58MM);
    expect(await zbar(await renderPreviewPng(doc, PAPER_58MM), 'receipt.png')).toBe(url);
  });
});
