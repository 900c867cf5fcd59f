import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  displayWidth,
  layOut,
  type Magnification,
  PAPER_58MM,
  PAPER_80MM,
  type PrintDocument,
  sanitizeText,
  type TextLine,
  wrapLine,
} from './layout.ts';

function lines(doc: PrintDocument, paper = PAPER_58MM): TextLine[] {
  return layOut(doc, paper).filter((i): i is TextLine => i.kind === 'text');
}

describe('displayWidth', () => {
  it('counts ASCII as 1 column and every multi-byte character as 2, 𠮷 included', () => {
    expect(displayWidth('A001')).toBe(4);
    expect(displayWidth('社保')).toBe(4);
    expect(displayWidth('社保A𠮷')).toBe(7);
    expect(displayWidth('，')).toBe(2);
    expect(displayWidth('é')).toBe(2);
  });
});

describe('wrapLine', () => {
  it('breaks Chinese between any two characters', () => {
    expect(wrapLine('一二三四五六七八九十', 8)).toEqual(['一二三四', '五六七八', '九十']);
  });

  it('breaks English at spaces and drops the space at the break', () => {
    expect(wrapLine('Please listen for your number', 16)).toEqual(['Please listen', 'for your number']);
  });

  it('cuts a word only when it alone is longer than the line', () => {
    expect(wrapLine('https://hall.example.cn/t/1', 10)).toEqual(['https://ha', 'll.example', '.cn/t/1']);
  });

  it('does not start a line with closing punctuation: the character before comes along', () => {
    expect(wrapLine('请留意叫号，过号', 10)).toEqual(['请留意叫', '号，过号']);
    expect(wrapLine('材料（共4项）：', 14)).toEqual(['材料（共4', '项）：']);
  });

  it('indents continuation lines by the hanging indent', () => {
    expect(wrapLine('1. 一二三四五六七八', 11, 3)).toEqual(['1. 一二三四', '   五六七八']);
  });

  it('keeps an empty paragraph as one empty line and adds no empty line for a trailing space', () => {
    expect(wrapLine('', 8)).toEqual(['']);
    expect(wrapLine('abcd efgh ', 9)).toEqual(['abcd efgh']);
  });

  it('refuses a line too narrow for one Chinese character', () => {
    expect(() => wrapLine('社', 1)).toThrow(RangeError);
  });
});

describe('sanitizeText', () => {
  it('drops control and invisible characters that would become printer commands or garbage', () => {
    expect(sanitizeText('A\u001b@B\u001dV\u0000C\u200bD\r\nE\tF')).toBe('A@BVCD\nE F');
  });

  it('replaces lone surrogates', () => {
    expect(sanitizeText('a\ud842b')).toBe('a?b');
    expect(sanitizeText('𠮷')).toBe('𠮷');
  });
});

describe('layOut', () => {
  it('wraps by the magnified width: size 2 on 58 mm leaves 16 columns', () => {
    const out = lines({ blocks: [{ kind: 'text', text: '一二三四五六七八九十', size: 2 }] });
    expect(out.map((l) => l.text)).toEqual(['一二三四五六七八', '九十']);
    expect(out[0]).toMatchObject({ width: 2, height: 2, columns: 16 });
  });

  it('magnifies width and height separately', () => {
    const out = lines({
      blocks: [{ kind: 'text', text: '一二三四五六七八九十', size: { width: 1, height: 3 } }],
    });
    expect(out.map((l) => l.text)).toEqual(['一二三四五六七八九十']);
    expect(out[0]).toMatchObject({ width: 1, height: 3 });
  });

  it('splits on \\n and keeps empty lines', () => {
    expect(lines({ blocks: [{ kind: 'text', text: 'a\n\nb' }] }).map((l) => l.text)).toEqual(['a', '', 'b']);
  });

  it('draws a rule as dashes across the paper', () => {
    expect(lines({ blocks: [{ kind: 'rule' }] }, PAPER_58MM)[0]!.text).toBe('-'.repeat(32));
    expect(lines({ blocks: [{ kind: 'rule' }] }, PAPER_80MM)[0]!.text).toBe('-'.repeat(48));
  });

  it('rejects magnifications, module sizes and feeds out of range', () => {
    const bad: PrintDocument[] = [
      { blocks: [{ kind: 'text', text: 'x', size: 9 as Magnification }] },
      { blocks: [{ kind: 'text', text: 'x', size: 0 as Magnification }] },
      { blocks: [{ kind: 'qr', data: 'x', moduleSize: 17, ecc: 'M' }] },
      { blocks: [{ kind: 'qr', data: '', moduleSize: 6, ecc: 'M' }] },
      { blocks: [{ kind: 'feed', lines: -1 }] },
    ];
    for (const doc of bad) {
      expect(() => layOut(doc, PAPER_58MM)).toThrow(RangeError);
    }
    expect(() => layOut({ blocks: [] }, { widthMm: 58, charsPerLine: 8 })).toThrow(RangeError);
  });

  // Characters a printer sees on slips: ASCII, Chinese, full-width punctuation, 4-byte 𠮷, spaces, breaks.
  const alphabet = fc.constantFrom(
    ...Array.from('aZ09-./: 社保局办理窗口号，。（）《》“”𠮷é'),
    ' ',
    '\n',
    '\t',
    '\u001b',
  );
  const text = fc.array(alphabet, { maxLength: 120 }).map((cs) => cs.join(''));
  const mag = fc.integer({ min: 1, max: 8 }) as fc.Arbitrary<Magnification>;

  it('never lets a line exceed the paper, at any size, and loses no printable character', () => {
    fc.assert(
      fc.property(
        text,
        mag,
        mag,
        fc.integer({ min: 0, max: 12 }),
        fc.boolean(),
        (s, width, height, indent, wide) => {
          const paper = wide ? PAPER_80MM : PAPER_58MM;
          const out = lines({ blocks: [{ kind: 'text', text: s, size: { width, height }, indent }] }, paper);
          for (const l of out) {
            expect(l.columns * l.width).toBeLessThanOrEqual(paper.charsPerLine);
            expect(l.columns).toBe(displayWidth(l.text));
            expect(Array.from(l.text).every((ch) => ch.charCodeAt(0) >= 0x20)).toBe(true);
          }
          const squeeze = (x: string): string => x.replace(/\s/g, '');
          expect(squeeze(out.map((l) => l.text).join(''))).toBe(squeeze(sanitizeText(s)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
