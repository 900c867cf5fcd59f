import { describe, expect, it } from 'vitest';
import { formatTicketNumber, parseTicketNumber, spokenTicketNumber } from './ticket-number.ts';

describe('formatTicketNumber', () => {
  it('pads the sequence to 3 digits after the prefix by default', () => {
    expect(formatTicketNumber('A', 1)).toBe('A001');
    expect(formatTicketNumber('B', 42)).toBe('B042');
    expect(formatTicketNumber('A', 999)).toBe('A999');
  });

  it('supports halls that use 4 digits without a letter', () => {
    expect(formatTicketNumber('', 12, 4)).toBe('0012');
    expect(formatTicketNumber('', 9999, 4)).toBe('9999');
  });

  it('throws RangeError when seq is below 1 or not an integer', () => {
    expect(() => formatTicketNumber('A', 0)).toThrow(RangeError);
    expect(() => formatTicketNumber('A', -1)).toThrow(RangeError);
    expect(() => formatTicketNumber('A', 1.5)).toThrow(RangeError);
    expect(() => formatTicketNumber('A', Number.NaN)).toThrow(RangeError);
  });

  it('throws RangeError when seq does not fit in the digits', () => {
    expect(() => formatTicketNumber('A', 1000)).toThrow(RangeError);
    expect(() => formatTicketNumber('', 10000, 4)).toThrow(RangeError);
  });

  it('throws RangeError on a prefix that parseTicketNumber could not read back', () => {
    expect(() => formatTicketNumber('A1', 1)).toThrow(RangeError);
    expect(() => formatTicketNumber('a', 1)).toThrow(RangeError);
    expect(() => formatTicketNumber('A', 1, 0)).toThrow(RangeError);
  });
});

describe('parseTicketNumber', () => {
  it('splits prefix and sequence', () => {
    expect(parseTicketNumber('A001')).toEqual({ prefix: 'A', seq: 1 });
    expect(parseTicketNumber('VIP120')).toEqual({ prefix: 'VIP', seq: 120 });
    expect(parseTicketNumber('0012')).toEqual({ prefix: '', seq: 12 });
  });

  it('ignores surrounding whitespace and letter case', () => {
    expect(parseTicketNumber(' a001 ')).toEqual({ prefix: 'A', seq: 1 });
  });

  it('returns null for anything else, including sequence 0', () => {
    for (const s of ['', 'A', 'A000', '1A01', 'A-001', 'A 001', 'A１２']) {
      expect(parseTicketNumber(s), s).toBeNull();
    }
  });

  it('reads back what formatTicketNumber writes', () => {
    for (const [prefix, seq, digits] of [
      ['A', 1, 3],
      ['C', 987, 3],
      ['', 4321, 4],
    ] as const) {
      expect(parseTicketNumber(formatTicketNumber(prefix, seq, digits))).toEqual({ prefix, seq });
    }
  });
});

describe('spokenTicketNumber', () => {
  it('reads each digit singly with 1 as 幺 and 0 as 零', () => {
    expect(spokenTicketNumber('A012')).toBe('A零幺二');
    expect(spokenTicketNumber('0123456789')).toBe('零幺二三四五六七八九');
  });

  it('spells letters as they are', () => {
    expect(spokenTicketNumber('VIP110')).toBe('VIP幺幺零');
    expect(spokenTicketNumber('b2')).toBe('B二');
  });

  it('throws on characters a voice call cannot read', () => {
    expect(() => spokenTicketNumber('A-01')).toThrow(RangeError);
    expect(() => spokenTicketNumber('')).toThrow(RangeError);
  });
});
