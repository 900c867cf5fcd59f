/**
 * The round-trip check tests share: decode(encode(doc)) with the strict decoder must print
 * exactly what layOut(doc) laid out. Not used outside tests.
 */
import { expect } from 'vitest';
import { type ChineseMode, encode } from './escpos.ts';
import { decodeEscPos, type EscPosCommand, type PrintedItem, printedItems } from './escpos-decode.ts';
import { type LaidOutItem, layOut, PAPER_58MM, type PaperSpec, type PrintDocument } from './layout.ts';

/** What the printer should produce from laid-out items, in the decoder's terms. */
export function expectedPrinted(items: readonly LaidOutItem[]): PrintedItem[] {
  return items.flatMap((item): PrintedItem[] => {
    switch (item.kind) {
      case 'text':
        return item.text === ''
          ? [{ kind: 'blank' }]
          : [
              {
                kind: 'line',
                text: item.text,
                align: item.align,
                width: item.width,
                height: item.height,
                bold: item.bold,
              },
            ];
      case 'feed':
        return Array.from({ length: item.lines }, (): PrintedItem => ({ kind: 'blank' }));
      case 'qr':
        return [
          { kind: 'qr', data: item.data, moduleSize: item.moduleSize, ecc: item.ecc, align: item.align },
        ];
      case 'cut':
        return [{ kind: 'cut' }];
      default: {
        const never: never = item;
        throw new Error(`unknown item ${JSON.stringify(never)}`);
      }
    }
  });
}

export function expectRoundTrip(
  doc: PrintDocument,
  paper: PaperSpec = PAPER_58MM,
  chineseMode: ChineseMode = 'fs-ampersand',
): EscPosCommand[] {
  const bytes = encode(doc, paper, { chineseMode });
  const commands = decodeEscPos(bytes, { chineseByDefault: chineseMode === 'none' });
  expect(printedItems(commands)).toEqual(expectedPrinted(layOut(doc, paper)));
  if (chineseMode === 'none') {
    expect(commands.some((c) => c.op === 'chinese-on')).toBe(false);
  }
  return commands;
}
