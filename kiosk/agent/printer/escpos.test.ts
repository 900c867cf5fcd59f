import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChineseMode, encode, parsePaperStatus, QR_MAX_BYTES, statusRequest } from './escpos.ts';
import { decodeEscPos, printedItems } from './escpos-decode.ts';
import { expectRoundTrip } from './escpos-roundtrip.fixtures.ts';
import {
  type Align,
  type Block,
  type Magnification,
  PAPER_58MM,
  PAPER_80MM,
  type PrintDocument,
  type QrEcc,
} from './layout.ts';

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

// Epson reference bytes, written out by hand rather than computed.
const INIT = [0x1b, 0x40];
const ALIGN_CENTER = [0x1b, 0x61, 0x01];
const SIZE_2X2 = [0x1d, 0x21, 0x11];
const BOLD_ON = [0x1b, 0x45, 0x01];
const FS_AMPERSAND = [0x1c, 0x26];
const SHEBAO_GB18030 = [0xc9, 0xe7, 0xb1, 0xa3]; // 社 C9E7, 保 B1A3 (GB2312 row 41 / 17)
const LF = [0x0a];
const QR_MODEL_2 = [0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00];
const QR_MODULE_6 = [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 0x06];
const QR_ECC_M = [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31];
const QR_PRINT = [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30];
const PARTIAL_CUT = [0x1d, 0x56, 0x42, 0x00];

const URL_30 = 'https://hall.example.cn/t/A001';

function qrDoc(data: string): PrintDocument {
  return { blocks: [{ kind: 'qr', data, moduleSize: 6, ecc: 'M' }] };
}

/** The `GS ( k … fn 80` header the encoder wrote for a QR payload. */
function storeHeader(bytes: Uint8Array): number[] {
  for (let i = 0; i + 8 <= bytes.length; i++) {
    if (bytes[i] === 0x1d && bytes[i + 1] === 0x28 && bytes[i + 2] === 0x6b && bytes[i + 6] === 0x50) {
      return Array.from(bytes.subarray(i, i + 8));
    }
  }
  throw new Error('no QR store command');
}

describe('encode: fixture bytes', () => {
  it('encodes a small ticket byte for byte', () => {
    expect(URL_30).toHaveLength(30);
    const doc: PrintDocument = {
      blocks: [
        { kind: 'text', text: '社保', align: 'center', size: 2, bold: true },
        { kind: 'qr', data: URL_30, moduleSize: 6, ecc: 'M' },
        { kind: 'cut' },
      ],
    };
    const expected = [
      ...INIT,
      ...ALIGN_CENTER,
      ...SIZE_2X2,
      ...BOLD_ON,
      ...FS_AMPERSAND,
      ...SHEBAO_GB18030,
      ...LF,
      ...QR_MODEL_2,
      ...QR_MODULE_6,
      ...QR_ECC_M,
      // pL pH = 30 data bytes + cn fn m = 33 = 0x21 0x00
      ...[0x1d, 0x28, 0x6b, 0x21, 0x00, 0x31, 0x50, 0x30],
      ...ascii(URL_30),
      ...QR_PRINT,
      ...PARTIAL_CUT,
    ];
    expect(Array.from(encode(doc, PAPER_58MM, { chineseMode: 'fs-ampersand' }))).toEqual(expected);
  });

  it('counts a QR payload with Chinese characters in UTF-8 bytes, not characters', () => {
    const url = 'https://社保.cn/t/A001'; // 20 characters, 24 bytes (社 and 保 are 3 bytes each)
    expect(url).toHaveLength(20);
    const bytes = encode(qrDoc(url), PAPER_58MM, { chineseMode: 'fs-ampersand' });
    expect(storeHeader(bytes)).toEqual([0x1d, 0x28, 0x6b, 24 + 3, 0x00, 0x31, 0x50, 0x30]);
    expect(Array.from(bytes)).toEqual(
      expect.arrayContaining([0xe7, 0xa4, 0xbe, 0xe4, 0xbf, 0x9d]), // 社 保 in UTF-8
    );
  });

  it('carries a QR count over 255 into pH', () => {
    const url = `https://hall.example.cn/t/${'x'.repeat(274)}`; // 300 bytes → 303 = 0x012F
    const bytes = encode(qrDoc(url), PAPER_80MM, { chineseMode: 'fs-ampersand' });
    expect(storeHeader(bytes).slice(3, 5)).toEqual([0x2f, 0x01]);
  });

  it('encodes 𠮷 (U+20BB7, outside GBK) as 4 GB18030 bytes', () => {
    // 4-byte index 0x20BB7 − 0x10000 = 68535 = 5·12600 + 4·1260 + 49·10 + 5 → 95 34 B2 35
    const bytes = encode({ blocks: [{ kind: 'text', text: '𠮷' }] }, PAPER_58MM, {
      chineseMode: 'fs-ampersand',
    });
    expect(Array.from(bytes)).toEqual([...INIT, ...FS_AMPERSAND, 0x95, 0x34, 0xb2, 0x35, ...LF]);
  });

  it('sends FS & once, before the first Chinese text only, and never FS .', () => {
    const doc: PrintDocument = {
      blocks: [
        { kind: 'text', text: 'A012' },
        { kind: 'text', text: '综合业务' },
        { kind: 'text', text: '社保' },
      ],
    };
    const bytes = Array.from(encode(doc, PAPER_58MM, { chineseMode: 'fs-ampersand' }));
    expect(bytes.slice(0, 7)).toEqual([...INIT, ...ascii('A012'), ...LF]);
    expect(bytes.slice(7, 9)).toEqual(FS_AMPERSAND);
    const fsCount = bytes.filter(
      (b, i) => b === 0x1c && (bytes[i + 1] === 0x26 || bytes[i + 1] === 0x2e),
    ).length;
    expect(fsCount).toBe(1);
    const asciiOnly = encode({ blocks: [{ kind: 'text', text: 'A012' }] }, PAPER_58MM, {
      chineseMode: 'fs-ampersand',
    });
    expect(Array.from(asciiOnly)).toEqual([...INIT, ...ascii('A012'), ...LF]);
  });

  it('sends no FS & for printers that start in Chinese mode', () => {
    const bytes = encode({ blocks: [{ kind: 'text', text: '社保' }] }, PAPER_58MM, { chineseMode: 'none' });
    expect(Array.from(bytes)).toEqual([...INIT, ...SHEBAO_GB18030, ...LF]);
  });

  it('sends size, bold and align only when they change, and resets them for a rule', () => {
    const doc: PrintDocument = {
      blocks: [
        { kind: 'text', text: 'A', size: { width: 3, height: 4 }, align: 'right', bold: true },
        { kind: 'text', text: 'B', size: { width: 3, height: 4 }, align: 'right', bold: true },
        { kind: 'rule' },
      ],
    };
    expect(Array.from(encode(doc, { widthMm: 58, charsPerLine: 16 }, { chineseMode: 'none' }))).toEqual([
      ...INIT,
      ...[0x1b, 0x61, 0x02],
      ...[0x1d, 0x21, 0x23],
      ...BOLD_ON,
      ...ascii('A'),
      ...LF,
      ...ascii('B'),
      ...LF,
      ...[0x1b, 0x61, 0x00],
      ...[0x1d, 0x21, 0x00],
      ...[0x1b, 0x45, 0x00],
      ...ascii('-'.repeat(16)),
      ...LF,
    ]);
  });

  it('cannot be made to emit a command from text: control characters never reach the bytes', () => {
    const bytes = encode({ blocks: [{ kind: 'text', text: '张\u001dV\u0042\u0000三\u001b@' }] }, PAPER_58MM, {
      chineseMode: 'fs-ampersand',
    });
    const commands = decodeEscPos(bytes);
    expect(commands.filter((c) => c.op === 'cut' || c.op === 'init')).toHaveLength(1); // the leading ESC @
    expect(printedItems(commands)).toEqual([
      { kind: 'line', text: '张VB三@', align: 'left', width: 1, height: 1, bold: false },
    ]);
  });

  it('refuses QR payloads over the symbol capacity', () => {
    expect(() => encode(qrDoc('x'.repeat(QR_MAX_BYTES + 1)), PAPER_80MM, { chineseMode: 'none' })).toThrow(
      RangeError,
    );
  });
});

describe('status', () => {
  it('asks with DLE EOT 4', () => {
    expect(Array.from(statusRequest())).toEqual([0x10, 0x04, 0x04]);
  });

  it('reads paper ok, near end (bits 2–3) and out (bits 5–6)', () => {
    expect(parsePaperStatus(0x12)).toBe('ok');
    expect(parsePaperStatus(0x1e)).toBe('near-end');
    expect(parsePaperStatus(0x16)).toBe('near-end');
    expect(parsePaperStatus(0x72)).toBe('out');
    expect(parsePaperStatus(0x7e)).toBe('out');
    expect(parsePaperStatus(0x32)).toBe('out');
  });

  it('rejects bytes whose fixed bits are wrong', () => {
    // bit 1 must be 1, bit 4 must be 1, bits 0 and 7 must be 0
    for (const b of [0x00, 0x10, 0x02, 0x13, 0x92, 0xff, -1, 256, 1.5]) {
      expect(() => parsePaperStatus(b)).toThrow(RangeError);
    }
  });
});

describe('decode(encode(doc)) for arbitrary documents', () => {
  const char = fc.constantFrom(...Array.from('aZ09 -./:社保号窗，。“”（）𠮷é€'), '\n', '\u001b');
  const mag = fc.integer({ min: 1, max: 8 }) as fc.Arbitrary<Magnification>;
  const block: fc.Arbitrary<Block> = fc.oneof(
    fc.record({
      kind: fc.constant('text' as const),
      text: fc.array(char, { maxLength: 60 }).map((cs) => cs.join('')),
      align: fc.constantFrom<Align>('left', 'center', 'right'),
      size: fc.record({ width: mag, height: mag }),
      bold: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant('qr' as const),
      data: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
      moduleSize: fc.integer({ min: 1, max: 16 }),
      ecc: fc.constantFrom<QrEcc>('L', 'M', 'Q', 'H'),
      align: fc.constantFrom<Align>('left', 'center', 'right'),
    }),
    fc.constant({ kind: 'rule' as const }),
    fc.record({ kind: fc.constant('feed' as const), lines: fc.integer({ min: 0, max: 3 }) }),
    fc.constant({ kind: 'cut' as const }),
  );

  it('prints exactly the laid-out lines, QR codes and cuts, in both Chinese modes', () => {
    fc.assert(
      fc.property(
        fc.array(block, { maxLength: 12 }),
        fc.boolean(),
        fc.constantFrom<ChineseMode>('fs-ampersand', 'none'),
        (blocks, wide, mode) => {
          expectRoundTrip({ blocks }, wide ? PAPER_80MM : PAPER_58MM, mode);
        },
      ),
      { numRuns: 300 },
    );
  });
});
