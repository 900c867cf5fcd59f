import { describe, expect, it } from 'vitest';
import { encode, statusRequest } from './escpos.ts';
import { decodeEscPos, EscPosDecodeError, printedItems } from './escpos-decode.ts';
import { PAPER_58MM, type PrintDocument } from './layout.ts';

const TICKET: PrintDocument = {
  blocks: [
    { kind: 'text', text: '社保 A001', align: 'center', size: 2, bold: true },
    { kind: 'qr', data: 'https://hall.example.cn/t/A001', moduleSize: 6, ecc: 'M' },
    { kind: 'cut' },
  ],
};
const good = (): Uint8Array => encode(TICKET, PAPER_58MM, { chineseMode: 'fs-ampersand' });

/** Offset of the `GS ( k` fn 80 (store) command. */
function storeAt(bytes: Uint8Array): number {
  const i = bytes.findIndex((b, j) => b === 0x1d && bytes[j + 1] === 0x28 && bytes[j + 6] === 0x50);
  expect(i).toBeGreaterThan(0);
  return i;
}

function withBytes(bytes: number[]): Uint8Array {
  return Uint8Array.from(bytes);
}

describe('decodeEscPos', () => {
  it('decodes the encoder output into commands and GB18030 text', () => {
    expect(decodeEscPos(good())).toEqual([
      { op: 'init' },
      { op: 'align', align: 'center' },
      { op: 'size', width: 2, height: 2 },
      { op: 'bold', on: true },
      { op: 'chinese-on' },
      { op: 'text', text: '社保 A001' },
      { op: 'lf' },
      { op: 'qr-model', model: 2 },
      { op: 'qr-module-size', dots: 6 },
      { op: 'qr-ecc', level: 'M' },
      { op: 'qr-store', data: 'https://hall.example.cn/t/A001', byteLength: 30 },
      { op: 'qr-print' },
      { op: 'cut', partial: true, feedDots: 0 },
    ]);
  });

  it('decodes the status request', () => {
    expect(decodeEscPos(statusRequest())).toEqual([{ op: 'status-request', n: 4 }]);
  });

  it('rejects a QR store whose pL pH claims one byte more than the data', () => {
    const bytes = good();
    bytes[storeAt(bytes) + 3]! += 1;
    expect(() => decodeEscPos(bytes)).toThrow(EscPosDecodeError);
  });

  it('rejects a QR store whose pL pH claims one byte less than the data', () => {
    const bytes = good();
    bytes[storeAt(bytes) + 3]! -= 1;
    expect(() => decodeEscPos(bytes)).toThrow(/QR print in the middle of a line/);
  });

  it('rejects a QR length counted in characters for a payload with Chinese characters', () => {
    const url = 'https://社保.cn/t/A001';
    const bytes = encode({ blocks: [{ kind: 'qr', data: url, moduleSize: 6, ecc: 'M' }] }, PAPER_58MM, {
      chineseMode: 'none',
    });
    const i = storeAt(bytes);
    expect(bytes[i + 3]).toBe(27);
    bytes[i + 3] = url.length + 3; // what a character-counting encoder (escpos 2.5) would send
    expect(() => decodeEscPos(bytes, { chineseByDefault: true })).toThrow(EscPosDecodeError);
  });

  it('rejects QR fixed-size functions with a wrong count', () => {
    // fn 67 (module size) with pL = 4
    expect(() => decodeEscPos(withBytes([0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x43, 0x06, 0x00]))).toThrow(
      /fn 67 takes 1 parameter/,
    );
  });

  it('rejects unknown commands', () => {
    expect(() => decodeEscPos(withBytes([0x1b, 0x7a, 0x00]))).toThrow(/unknown command ESC 0x7a/);
    expect(() => decodeEscPos(withBytes([0x1d, 0x5a, 0x02]))).toThrow(/unknown command GS 0x5a/); // escpos 2.5's QR
    expect(() => decodeEscPos(withBytes([0x1c, 0x43, 0x00]))).toThrow(/unknown command FS/);
    expect(() => decodeEscPos(withBytes([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x63, 0x00]))).toThrow(
      /unknown GS \( k QR function 99/,
    );
    expect(() => decodeEscPos(withBytes([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x30, 0x43, 0x06]))).toThrow(/cn=48/);
  });

  it('rejects truncated commands, with the offset of the command', () => {
    const bytes = good();
    try {
      decodeEscPos(bytes.subarray(0, bytes.length - 1));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EscPosDecodeError);
      expect((e as EscPosDecodeError).offset).toBe(bytes.length - 4);
    }
    expect(() => decodeEscPos(withBytes([0x1b]))).toThrow(/truncated/);
  });

  it('rejects Chinese text outside FS & mode', () => {
    const none = encode(TICKET, PAPER_58MM, { chineseMode: 'none' });
    expect(() => decodeEscPos(none)).toThrow(/outside Chinese mode/);
    expect(() => decodeEscPos(none, { chineseByDefault: true })).not.toThrow();
    // FS . ends the mode, and ESC @ resets it
    expect(() => decodeEscPos(withBytes([0x1c, 0x26, 0x1c, 0x2e, 0xc9, 0xe7, 0x0a]))).toThrow(
      /outside Chinese/,
    );
    expect(() => decodeEscPos(withBytes([0x1c, 0x26, 0x1b, 0x40, 0xc9, 0xe7, 0x0a]))).toThrow(
      /outside Chinese/,
    );
  });

  it('rejects malformed GB18030', () => {
    const fs = [0x1b, 0x40, 0x1c, 0x26];
    expect(() => decodeEscPos(withBytes([...fs, 0x81, 0x30, 0x0a]))).toThrow(/4-byte GB18030/);
    expect(() => decodeEscPos(withBytes([...fs, 0xc9, 0x0a]))).toThrow(/second byte/);
    expect(() => decodeEscPos(withBytes([...fs, 0x80, 0x0a]))).toThrow(/lead byte/);
    expect(() => decodeEscPos(withBytes([...fs, 0xc9]))).toThrow(/truncated GB18030/);
  });

  it('rejects stray control bytes', () => {
    expect(() => decodeEscPos(withBytes([0x41, 0x07, 0x0a]))).toThrow(/control byte 0x7/);
    expect(() => decodeEscPos(withBytes([0x41, 0x0d, 0x0a]))).toThrow(/control byte 0xd/);
    expect(() => decodeEscPos(withBytes([0x7f, 0x0a]))).toThrow(/control byte 0x7f/);
  });

  it('rejects commands that only work at the start of a line when used mid-line', () => {
    expect(() => decodeEscPos(withBytes([0x41, 0x1b, 0x61, 0x01, 0x0a]))).toThrow(/ESC a/);
    expect(() => decodeEscPos(withBytes([0x41, 0x1d, 0x56, 0x42, 0x00]))).toThrow(/GS V/);
    expect(() => decodeEscPos(withBytes([0x41, 0x1b, 0x40]))).toThrow(/ESC @/);
  });

  it('rejects text that is never terminated by LF', () => {
    expect(() => decodeEscPos(withBytes([0x1b, 0x40, 0x41]))).toThrow(/not terminated by LF/);
  });

  it('rejects out-of-range parameters', () => {
    expect(() => decodeEscPos(withBytes([0x1d, 0x21, 0x88]))).toThrow(/magnification/);
    expect(() => decodeEscPos(withBytes([0x1b, 0x61, 0x03]))).toThrow(/ESC a/);
    expect(() => decodeEscPos(withBytes([0x1b, 0x45, 0x02]))).toThrow(/ESC E/);
    expect(() => decodeEscPos(withBytes([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x34]))).toThrow(
      /error level/,
    );
    expect(() => decodeEscPos(withBytes([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, 0x11]))).toThrow(
      /module size/,
    );
  });

  it('rejects a QR print with nothing stored and QR data that is not UTF-8', () => {
    expect(() => decodeEscPos(withBytes([0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]))).toThrow(
      /no stored/,
    );
    expect(() =>
      decodeEscPos(withBytes([0x1d, 0x28, 0x6b, 0x05, 0x00, 0x31, 0x50, 0x30, 0xc9, 0xe7])),
    ).toThrow(/UTF-8/);
  });
});

describe('printedItems', () => {
  it('joins text runs into lines with the attributes in force at LF', () => {
    const items = printedItems(decodeEscPos(good()));
    expect(items).toEqual([
      { kind: 'line', text: '社保 A001', align: 'center', width: 2, height: 2, bold: true },
      { kind: 'qr', data: 'https://hall.example.cn/t/A001', moduleSize: 6, ecc: 'M', align: 'center' },
      { kind: 'cut' },
    ]);
  });
});
