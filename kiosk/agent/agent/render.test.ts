import { describe, expect, it } from 'vitest';
import { ticketInput } from '../printer/documents.fixtures.ts';
import { DEFAULT_PRINTER_SETUP, renderJob } from './render.ts';

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
