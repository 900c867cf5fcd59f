import { describe, expect, it } from 'vitest';
import {
  BASE_INFO_FIELDS,
  decodeBaseInfo,
  maskedCard,
  NATION_BY_CODE,
  readBaseInfoFields,
  SEX_BY_CODE,
  splitBaseInfoData,
} from './base-info.ts';
import { encodeBaseInfoData, encodeBaseInfoText, fakePhotoWlt, SAMPLE_CARDS } from './base-info-encode.ts';

/**
 * A text-block fixture built with Node's own UTF-16LE encoder, independent of
 * base-info-encode.ts: each value padded with spaces to its field's size.
 */
function fixtureText(values: Record<string, string>, padChar = ' '): Uint8Array {
  const parts = BASE_INFO_FIELDS.map(([name, size]) => {
    const v = values[name] ?? '';
    return Buffer.from(v.padEnd(size / 2, padChar), 'utf16le');
  });
  const text = Buffer.concat(parts);
  expect(text.length).toBe(256);
  return new Uint8Array(text);
}

const SENIOR = {
  name: '张秀三',
  sex: '2',
  nation: '01',
  birthDate: '19491231',
  address: '北京市朝阳区建国路88号院3号楼2单元501室',
  idNumber: '11010519491231002X',
  issuer: '北京市公安局朝阳分局',
  validFrom: '20100520',
  validTo: '长期',
};

const photo = fakePhotoWlt(7);

describe('decodeBaseInfo', () => {
  it('decodes a fixture text block', () => {
    const text = fixtureText(SENIOR);
    // Spot-check the layout of the fixture itself: name at 0, sex at 30, nation at 32, ID at 122.
    expect(Array.from(text.subarray(0, 6))).toEqual([0x20, 0x5f, 0xc0, 0x79, 0x09, 0x4e]);
    expect(Array.from(text.subarray(30, 32))).toEqual([0x32, 0x00]);
    expect(Array.from(text.subarray(32, 36))).toEqual([0x30, 0x00, 0x31, 0x00]);
    expect(Array.from(text.subarray(122, 126))).toEqual([0x31, 0x00, 0x31, 0x00]);

    const result = decodeBaseInfo(text, photo);
    expect(result).toEqual({
      ok: true,
      card: {
        name: '张秀三',
        sex: '女',
        nation: '汉',
        birthDate: '1949-12-31',
        address: '北京市朝阳区建国路88号院3号楼2单元501室',
        idNumber: '11010519491231002X',
        issuer: '北京市公安局朝阳分局',
        validFrom: '2010-05-20',
        validTo: '长期',
        photoWlt: photo,
      },
    });
  });

  it('keeps the photo as opaque bytes, copied', () => {
    const p = fakePhotoWlt(3);
    const result = decodeBaseInfo(fixtureText(SENIOR), p);
    if (!result.ok) throw new Error('expected ok');
    expect(result.card.photoWlt).toEqual(p);
    expect(result.card.photoWlt).not.toBe(p);
  });

  it('decodes a dated validity end', () => {
    const result = decodeBaseInfo(fixtureText({ ...SENIOR, validTo: '20300520' }), photo);
    expect(result.ok && result.card.validTo).toBe('2030-05-20');
  });

  it('trims trailing NUL padding like space padding', () => {
    const result = decodeBaseInfo(fixtureText(SENIOR, '\u0000'), photo);
    expect(result.ok && result.card.name).toBe('张秀三');
    expect(result.ok && result.card.address).toBe(SENIOR.address);
  });

  it('keeps inner spaces (Latin-script names, addresses)', () => {
    const result = decodeBaseInfo(fixtureText({ ...SENIOR, name: '阿依 古丽' }), photo);
    expect(result.ok && result.card.name).toBe('阿依 古丽');
  });

  it.each([
    ['0', '未知'],
    ['1', '男'],
    ['2', '女'],
    ['9', '未说明'],
  ])('sex code %s is %s', (code, text) => {
    // The ID number's parity is not checked against the sex field: the card is authoritative.
    const result = decodeBaseInfo(fixtureText({ ...SENIOR, sex: code }), photo);
    expect(result.ok && result.card.sex).toBe(text);
  });

  it('refuses a sex code outside GB/T 2261.1', () => {
    const result = decodeBaseInfo(fixtureText({ ...SENIOR, sex: '3' }), photo);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_SEX' } });
  });

  it.each([
    ['01', '汉'],
    ['03', '回'],
    ['05', '维吾尔'],
    ['08', '壮'],
    ['10', '朝鲜'],
    ['29', '柯尔克孜'],
    ['37', '仡佬'],
    ['43', '乌孜别克'],
    ['56', '基诺'],
    ['97', '其他'],
    ['98', '外国血统中国籍人士'],
  ])('nation code %s is %s', (code, name) => {
    const result = decodeBaseInfo(fixtureText({ ...SENIOR, nation: code }), photo);
    expect(result.ok && result.card.nation).toBe(name);
  });

  it.each(['00', '57', '99', '1', 'AB'])('refuses nation code %s', (code) => {
    const result = decodeBaseInfo(fixtureText({ ...SENIOR, nation: code }), photo);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_NATION' } });
  });

  it.each([
    ['birthDate', '19490231'],
    ['validFrom', '2010052'],
    ['validTo', '永久'],
  ])('refuses %s %s', (field, value) => {
    const result = decodeBaseInfo(fixtureText({ ...SENIOR, [field]: value }), photo);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_DATE' } });
    expect(!result.ok && result.error.detail).toContain(field);
  });

  it('refuses an invalid ID number, without putting it in the error', () => {
    const result = decodeBaseInfo(fixtureText({ ...SENIOR, idNumber: '110105194912310021' }), photo);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_ID_NUMBER' } });
    if (result.ok) throw new Error('expected an error');
    expect(result.error.detail).toContain('check character');
    expect(JSON.stringify(result.error)).not.toContain('110105');
    expect(result.error.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('refuses a number that is valid but not a resident ID (HMT permit)', () => {
    const result = decodeBaseInfo(fixtureText({ ...SENIOR, idNumber: '810000199408230021' }), photo);
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_ID_NUMBER' } });
    expect(!result.ok && result.error.detail).toContain('hmt-permit');
  });

  it('refuses foreigners’ cards and HMT permits by their type letter', () => {
    for (const letter of ['I', 'J', 'Y']) {
      const text = fixtureText(SENIOR);
      text[248] = letter.charCodeAt(0);
      text[249] = 0;
      expect(decodeBaseInfo(text, photo)).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_CARD' } });
    }
  });

  it('refuses a text block of the wrong size', () => {
    expect(decodeBaseInfo(new Uint8Array(255), photo)).toMatchObject({
      ok: false,
      error: { code: 'BAD_LENGTH' },
    });
    expect(() => readBaseInfoFields(new Uint8Array(10))).toThrow(RangeError);
  });

  it('decodes what the test encoder writes, for both sample cards', () => {
    for (const card of Object.values(SAMPLE_CARDS)) {
      expect(decodeBaseInfo(encodeBaseInfoText(card), card.photoWlt)).toEqual({ ok: true, card });
    }
  });

  it('matches the fixture byte for byte with the test encoder', () => {
    expect(encodeBaseInfoText(SAMPLE_CARDS.senior)).toEqual(fixtureText(SENIOR));
  });
});

describe('tables', () => {
  it('has all 56 nationalities 01–56 plus 97 and 98, with distinct names', () => {
    const codes = Object.keys(NATION_BY_CODE);
    const expected = [...Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, '0')), '97', '98'];
    expect(codes.sort()).toEqual(expected);
    expect(new Set(Object.values(NATION_BY_CODE)).size).toBe(58);
    expect(Object.values(NATION_BY_CODE).every((n) => !n.endsWith('族'))).toBe(true);
  });

  it('has the GB/T 2261.1 sex codes', () => {
    expect(SEX_BY_CODE).toEqual({ '0': '未知', '1': '男', '2': '女', '9': '未说明' });
  });

  it('lays out 256 bytes of fields', () => {
    expect(BASE_INFO_FIELDS.reduce((n, [, size]) => n + size, 0)).toBe(256);
  });
});

describe('splitBaseInfoData', () => {
  const text = fixtureText(SENIOR);

  it('splits text and photo by the announced lengths', () => {
    const data = new Uint8Array([0x01, 0x00, 0x04, 0x00, ...text, ...photo]);
    expect(splitBaseInfoData(data)).toEqual({ ok: true, blocks: { text, photo } });
    expect(encodeBaseInfoData(text, photo)).toEqual(data);
  });

  it('splits the fingerprint variant', () => {
    const fp = new Uint8Array([1, 2, 3]);
    const data = new Uint8Array([0x01, 0x00, 0x04, 0x00, 0x00, 0x03, ...text, ...photo, ...fp]);
    expect(splitBaseInfoData(data, true)).toEqual({ ok: true, blocks: { text, photo, fingerprint: fp } });
  });

  it('refuses a truncated answer or an unexpected text length', () => {
    expect(splitBaseInfoData(new Uint8Array([0x01, 0x00, 0x04, 0x00, ...text]))).toMatchObject({
      ok: false,
      error: { code: 'BAD_LENGTH' },
    });
    expect(splitBaseInfoData(new Uint8Array([0x00, 0x10, 0x00, 0x00]))).toMatchObject({ ok: false });
    expect(splitBaseInfoData(new Uint8Array(2))).toMatchObject({ ok: false });
  });
});

describe('maskedCard', () => {
  it('keeps only masked name and number and harmless facts', () => {
    const masked = maskedCard(SAMPLE_CARDS.senior);
    expect(masked).toEqual({
      name: '张*三',
      idNumber: '110***********002X',
      validTo: '长期',
      photoBytes: 1024,
    });
    const logged = JSON.stringify(masked);
    for (const secret of ['秀', '11010519491231002X', '19491231', '1949-12-31', '建国路', '朝阳分局']) {
      expect(logged).not.toContain(secret);
    }
  });
});
