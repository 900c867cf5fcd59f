import { describe, expect, it } from 'vitest';
import {
  buildRecord,
  decodeBcdDate,
  decodeName,
  decodeNation,
  decodeSex,
  decodeText,
  FIELDS,
  generationFromVersion,
  getResponse,
  holderFields,
  interpretResponse,
  parseRecord,
  readField,
  readRecord,
  selectByName,
  withLe,
} from './apdu.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('commands', () => {
  it('selects the SSSE application by its GBK name', () => {
    expect(selectByName()).toEqual(hex('00 A4 04 00 0F 7378312E73682EC9E7BBE1B1A3D5CF'));
  });

  it('reads records by SFI with P2 = SFI<<3 | 4', () => {
    expect(readRecord(5, 7, 0x0b)).toEqual(hex('00 B2 07 2C 0B'));
    expect(readRecord(6, 1, 0x14)).toEqual(hex('00 B2 01 34 14'));
    expect(readRecord(6, 2, 256)).toEqual(hex('00 B2 02 34 00'));
  });

  it('asks for tag + length + value of a known field', () => {
    expect(readField(FIELDS.cardNumber)).toEqual(hex('00 B2 07 2C 0B'));
    expect(readField(FIELDS.idNumber)).toEqual(hex('00 B2 01 34 14'));
    expect(readField(FIELDS.name)).toEqual(hex('00 B2 02 34 20'));
  });

  it('rejects impossible parameters', () => {
    expect(() => readRecord(0, 1, 1)).toThrow(RangeError);
    expect(() => readRecord(31, 1, 1)).toThrow(RangeError);
    expect(() => readRecord(5, 0, 1)).toThrow(RangeError);
    expect(() => readRecord(5, 1, 257)).toThrow(RangeError);
    expect(() => selectByName(Buffer.alloc(17))).toThrow(RangeError);
  });

  it('builds GET RESPONSE', () => {
    expect(getResponse(0x1c)).toEqual(hex('00 C0 00 00 1C'));
  });

  it('replaces or appends Le for 6Cxx', () => {
    // case 2: replace
    expect(withLe(hex('00 B2 07 2C 0B'), 0x12)).toEqual(hex('00 B2 07 2C 12'));
    // case 3 (SELECT without Le): append
    expect(withLe(hex('00 A4 04 00 02 3F00'), 0x1c)).toEqual(hex('00 A4 04 00 02 3F00 1C'));
    // case 4: replace
    expect(withLe(hex('00 A4 04 00 02 3F00 00'), 0x1c)).toEqual(hex('00 A4 04 00 02 3F00 1C'));
    // case 1: append
    expect(withLe(hex('00 84 00 00'), 8)).toEqual(hex('00 84 00 00 08'));
  });
});

describe('interpretResponse', () => {
  it('9000 is done, with the data before it', () => {
    const step = interpretResponse(hex('07 09 413132333435363738 9000'));
    expect(step).toEqual({ kind: 'done', data: hex('07 09 413132333435363738') });
  });

  it('61xx asks for GET RESPONSE, 6100 meaning 256', () => {
    expect(interpretResponse(hex('611C'))).toEqual({ kind: 'get-response', data: Buffer.alloc(0), le: 0x1c });
    expect(interpretResponse(hex('6100'))).toMatchObject({ kind: 'get-response', le: 256 });
  });

  it('6Cxx asks to resend with Le = xx', () => {
    expect(interpretResponse(hex('6C0B'))).toEqual({ kind: 'resend', le: 0x0b });
  });

  it('names the refusals a reader must explain', () => {
    expect(interpretResponse(hex('6A82'))).toEqual({ kind: 'refused', code: 'NOT_FOUND', sw: 0x6a82 });
    expect(interpretResponse(hex('6A83'))).toEqual({ kind: 'refused', code: 'NOT_FOUND', sw: 0x6a83 });
    expect(interpretResponse(hex('6982'))).toEqual({ kind: 'refused', code: 'PIN_REQUIRED', sw: 0x6982 });
    expect(interpretResponse(hex('6D00'))).toEqual({
      kind: 'refused',
      code: 'UNEXPECTED_STATUS',
      sw: 0x6d00,
    });
    expect(interpretResponse(hex('90'))).toMatchObject({ kind: 'refused', code: 'MALFORMED_RESPONSE' });
  });
});

describe('records', () => {
  it('parses tag + length + value and ignores padding after it', () => {
    expect(parseRecord(hex('07 09 413132333435363738'))).toEqual({
      tag: 7,
      value: hex('413132333435363738'),
    });
    expect(parseRecord(hex('0A 01 32 FFFF'))).toEqual({ tag: 0x0a, value: hex('32') });
    expect(parseRecord(hex('08 00'))).toEqual({ tag: 8, value: Buffer.alloc(0) });
  });

  it('refuses records shorter than their length byte', () => {
    expect(parseRecord(hex('07 09 4131'))).toBeNull();
    expect(parseRecord(hex('07'))).toBeNull();
  });

  it('round-trips through buildRecord', () => {
    const value = hex('20210615');
    expect(parseRecord(buildRecord(5, value))).toEqual({ tag: 5, value });
  });
});

describe('field decoders', () => {
  it('decodes text fields without their padding', () => {
    expect(decodeText(hex('413132333435363738'))).toBe('A12345678');
    expect(decodeText(Buffer.from('3.00'))).toBe('3.00');
    expect(decodeText(hex('3131303130353139343931323331303032580000'))).toBe('11010519491231002X');
  });

  it('decodes a zero-padded GBK name', () => {
    const name = Buffer.alloc(30);
    hex('D5C5C8FD').copy(name); // 张三 in GBK
    expect(decodeName(name)).toBe('张三');
    expect(decodeName(hex('C5B7D1F4C4C8C4C8 00 4141'))).toBe('欧阳娜娜');
  });

  it('maps the spec version to the generation', () => {
    expect(generationFromVersion('3.00')).toBe(3);
    expect(generationFromVersion('2.00')).toBe(2);
    expect(generationFromVersion('1.00')).toBe(1);
    expect(generationFromVersion('')).toBe(1);
  });

  it('decodes BCD dates and refuses padding or impossible dates', () => {
    expect(decodeBcdDate(hex('20210615'))).toBe('2021-06-15');
    expect(decodeBcdDate(hex('20240229'))).toBe('2024-02-29');
    expect(decodeBcdDate(hex('20230229'))).toBeNull();
    expect(decodeBcdDate(hex('FFFFFFFF'))).toBeNull();
    expect(decodeBcdDate(hex('202106'))).toBeNull();
  });

  it("decodes sex: '1' 男, '2' 女", () => {
    expect(decodeSex(Buffer.from('1'))).toBe('M');
    expect(decodeSex(Buffer.from('2'))).toBe('F');
    expect(decodeSex(hex('02'))).toBe('F');
    expect(decodeSex(Buffer.from('9'))).toBeNull();
    expect(decodeSex(Buffer.alloc(0))).toBeNull();
  });

  it('decodes the nation code from BCD or ASCII', () => {
    expect(decodeNation(hex('01'))).toBe('01');
    expect(decodeNation(Buffer.from('03'))).toBe('03');
    expect(decodeNation(hex('FF'))).toBeNull();
  });

  it('finds sex and nation one record later from the 2nd generation on', () => {
    expect(holderFields(1).sex).toMatchObject({ sfi: 6, record: 3, tag: 0x0a });
    expect(holderFields(2).sex).toMatchObject({ sfi: 6, record: 4, tag: 0x0a });
    expect(holderFields(3).nation).toMatchObject({ sfi: 6, record: 5, tag: 0x0b });
  });
});
