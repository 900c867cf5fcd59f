import { describe, expect, it } from 'vitest';
import {
  acceptanceInput,
  completionInput,
  PERSON,
  rejectionInput,
  supplementInput,
  ticketInput,
} from '../printer/documents.fixtures.ts';
import { decodeEscPos, printedItems } from '../printer/escpos-decode.ts';
import { PAPER_58MM } from '../printer/layout.ts';
import {
  DEFAULT_PRINTER_SETUP,
  InvalidDocumentError,
  parseJobDocument,
  printerSetupOf,
  reasonText,
  renderJob,
  TEAR_BAR_LINES,
} from './render.ts';

const has = (bytes: Uint8Array, seq: number[]) =>
  bytes.some((_, i) => seq.every((b, j) => bytes[i + j] === b));

describe('rendering a queue ticket for the profile’s printer', () => {
  const doc = { type: 'queue-ticket' as const, data: { ...ticketInput({ number: 'A001' }) } };

  it('uses the printer’s own QR (GS ( k) when it has one', () => {
    const bytes = renderJob(doc, { ...DEFAULT_PRINTER_SETUP, qr: 'gs-k' });
    expect(has(bytes, [0x1d, 0x28, 0x6b])).toBe(true);
    expect(has(bytes, [0x1d, 0x76, 0x30])).toBe(false);
  });

  it('draws the QR as a raster image (GS v 0) for printers without a QR generator', () => {
    const bytes = renderJob(doc, { ...DEFAULT_PRINTER_SETUP, qr: 'raster' });
    expect(has(bytes, [0x1d, 0x76, 0x30])).toBe(true);
    expect(has(bytes, [0x1d, 0x28, 0x6b])).toBe(false);
  });

  it('leaves the QR out only when the printer can do neither', () => {
    const bytes = renderJob(doc, { ...DEFAULT_PRINTER_SETUP, qr: 'none' });
    expect(has(bytes, [0x1d, 0x76, 0x30]) || has(bytes, [0x1d, 0x28, 0x6b])).toBe(false);
  });
});

describe('a job’s document is parsed with the shared print contract before it is laid out', () => {
  const setup58 = { ...DEFAULT_PRINTER_SETUP, paper: PAPER_58MM };

  it.each([
    ['queue-ticket', ticketInput()],
    ['completion-slip', completionInput({ idNumber: PERSON.idNumber })],
    ['acceptance-receipt', acceptanceInput()],
    ['rejection-notice', rejectionInput()],
    ['supplement-notice', supplementInput()],
  ])('prints a %s of the contract', (type, data) => {
    expect(parseJobDocument({ type, data })).toEqual({ type, data });
    expect(renderJob({ type, data }, setup58).length).toBeGreaterThan(100);
  });

  const reasonOf = (document: unknown): string => {
    try {
      renderJob(document, setup58);
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidDocumentError);
      return (e as InvalidDocumentError).reason;
    }
    throw new Error('rendered an invalid document');
  };

  it('names the first bad fields by path and counts the rest, within the 200 characters of a result', () => {
    const reason = reasonOf({ type: 'queue-ticket', data: { number: 'A001' } });
    expect(reason).toMatch(/^单据内容无效: data\.hallName \([^)]+\); data\.hallPhone \([^)]+\); 另\d+处$/);
    expect(reasonText(reason)).toBe(reason);
  });

  it('names a bad nested field', () => {
    const data = acceptanceInput({ deadline: { workingDays: 1.5, date: '2025-02-30' } });
    expect(reasonOf({ type: 'acceptance-receipt', data })).toMatch(
      /^单据内容无效: data\.deadline\.workingDays \(.+\); data\.deadline\.date \(.+\)$/,
    );
  });

  it('says the type is unknown for a document that is not one of the five, or not a document at all', () => {
    expect(reasonOf({ type: 'poster', data: {} })).toBe('单据类型未知: poster');
    expect(reasonOf(null)).toBe('单据类型未知: undefined');
    expect(reasonOf('queue-ticket')).toBe('单据类型未知: undefined');
  });

  it('keeps personal data out of the reason (it is logged and shown to staff)', () => {
    const data = { ...completionInput({ idNumber: PERSON.idNumber }), applicantName: PERSON.name.repeat(20) };
    const reason = reasonOf({ type: 'completion-slip', data });
    expect(reason).toMatch(/data\.applicantName/);
    expect(reason).not.toContain(PERSON.name);
    expect(reason).not.toContain(PERSON.idNumber);
  });
});

describe('the end of a slip and the characters a printer’s font has (DEV-15)', () => {
  const doc = { type: 'queue-ticket' as const, data: { ...ticketInput({ number: 'A001' }) } };
  const items = (bytes: Uint8Array) => printedItems(decodeEscPos(bytes)).map((i) => i.kind);
  const trailingBlanks = (kinds: string[]) => kinds.length - 1 - kinds.findLastIndex((k) => k !== 'blank');

  it('feeds a printer without a cutter past its tear bar instead of stopping two lines short', () => {
    const setup = { ...DEFAULT_PRINTER_SETUP, paper: PAPER_58MM, qr: 'raster' as const };
    const withCutter = items(renderJob(doc, { ...setup, cutter: true }));
    expect(withCutter.at(-1)).toBe('cut');
    const torn = items(renderJob(doc, { ...setup, cutter: false }));
    expect(torn).not.toContain('cut');
    // The slip's own 2 closing lines, then the 2 a cutter's GS V 66 would have fed.
    expect(trailingBlanks(torn)).toBe(2 + TEAR_BAR_LINES);
    expect(trailingBlanks(items(renderJob(doc, { ...setup, cutter: false, tearBarLines: 5 })))).toBe(7);
  });

  it('prints □ for a 4-byte GB18030 character on a GBK-only printer, and the character on a GB18030 one', () => {
    const named = { ...doc, data: { ...doc.data, hallName: '𠮷祥路社保服务大厅' } };
    const text = (charset: 'gb18030' | 'gbk') =>
      decodeEscPos(renderJob(named, { ...DEFAULT_PRINTER_SETUP, charset }))
        .flatMap((c) => (c.op === 'text' ? [c.text] : []))
        .join('');
    expect(text('gb18030')).toContain('𠮷祥路社保服务大厅');
    expect(text('gbk')).toContain('□祥路社保服务大厅');
    expect(text('gbk')).not.toContain('𠮷');
    const gbkBytes = renderJob(named, { ...DEFAULT_PRINTER_SETUP, charset: 'gbk' });
    // 𠮷 in GB18030 is the 4-byte 95 34 B2 35: it reaches only the GB18030 printer.
    expect(has(renderJob(named, DEFAULT_PRINTER_SETUP), [0x95, 0x34, 0xb2, 0x35])).toBe(true);
    expect(has(gbkBytes, [0x95, 0x34, 0xb2, 0x35])).toBe(false);
  });

  it('takes both from the printer profile', () => {
    const setup = printerSetupOf({
      id: 'p',
      class: 'printer',
      model: 'm',
      vendor: 'v',
      transport: { kind: 'usb', vendorId: 0x0416, productId: 0x5011 },
      paperWidthMm: 58,
      dotsPerLine: 384,
      charsPerLine: 32,
      encoding: 'gbk',
      chineseMode: 'none',
      qr: 'raster',
      cutter: false,
      statusQuery: 'dle-eot',
    });
    expect(setup).toMatchObject({ charset: 'gbk', cutter: false, tearBarLines: TEAR_BAR_LINES });
  });
});
