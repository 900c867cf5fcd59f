import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone, redactPersonalData } from './mask.ts';

describe('maskName', () => {
  it('keeps the first and last character of names of 3 or more, one * per hidden character', () => {
    expect(maskName('张三丰')).toBe('张*丰');
    expect(maskName('欧阳娜娜')).toBe('欧**娜');
    expect(maskName('迪丽热巴·迪力木拉提')).toBe('迪********提');
  });

  it('keeps only the first character of a 2-character name and hides a 1-character name', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('张')).toBe('*');
    expect(maskName('')).toBe('');
  });

  it('counts a character outside the BMP once', () => {
    expect(maskName('𠮷野家')).toBe('𠮷*家');
    expect(maskName('王𠮷')).toBe('王*');
  });

  it('keeps the first letter of each word of a Latin-script name', () => {
    expect(maskName('John Smith')).toBe('J*** S****');
    expect(maskName('  Anna  Maria Lopez ')).toBe('A*** M**** L****');
  });

  it('treats spaces inside a Chinese name as a typing slip, not as words', () => {
    expect(maskName(' 张 三丰 ')).toBe('张*丰');
  });
});

describe('maskIdNumber', () => {
  it('keeps the first 3 and last 4 of an 18-character number', () => {
    expect(maskIdNumber('110105194912311234')).toBe('110***********1234');
    expect(maskIdNumber('34052419800101001X')).toBe('340***********001X');
  });

  it('keeps the length and the same rule for 15 characters', () => {
    expect(maskIdNumber('610104620927690')).toBe('610********7690');
  });

  it('fully masks 7 or fewer characters', () => {
    expect(maskIdNumber('1234567')).toBe('*******');
    expect(maskIdNumber('123')).toBe('***');
    expect(maskIdNumber('')).toBe('');
  });

  it('never reveals more than 7 characters nor more than half', () => {
    for (let n = 1; n <= 30; n++) {
      const id = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123'.slice(0, n);
      const masked = maskIdNumber(id);
      const revealed = Array.from(masked).filter((c) => c !== '*').length;
      expect(masked).toHaveLength(n);
      expect(revealed, `length ${n}`).toBeLessThanOrEqual(Math.min(7, Math.floor(n / 2)));
    }
    expect(maskIdNumber('E12345678')).toBe('*****5678');
  });
});

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('leaves separators in place', () => {
    expect(maskPhone('138-1234-5678')).toBe('138-****-5678');
    expect(maskPhone('028-87654321')).toBe('028-****4321');
  });

  it('keeps only the last 4 digits of a short landline and hides very short numbers', () => {
    expect(maskPhone('87654321')).toBe('****4321');
    expect(maskPhone('12345')).toBe('*****');
  });
});

describe('redactPersonalData', () => {
  it('masks 18- and 15-character ID numbers in free text', () => {
    expect(redactPersonalData('check-in id=34052419800101001X ok')).toBe('check-in id=340***********001X ok');
    expect(redactPersonalData('身份证34052419800101001x已核验')).toBe('身份证340***********001x已核验');
    expect(redactPersonalData('old 610104620927690.')).toBe('old 610********7690.');
  });

  it('masks mobile numbers, including with +86 in front', () => {
    expect(redactPersonalData('tel 13812345678, alt +8615912345678')).toBe(
      'tel 138****5678, alt +86159****5678',
    );
    expect(redactPersonalData('电话:19912345678')).toBe('电话:199****5678');
  });

  it('masks 2017 foreign permanent residence card numbers', () => {
    expect(redactPersonalData('card USA118001010012 read')).toBe('card USA********0012 read');
  });

  it('masks several numbers in one line', () => {
    expect(redactPersonalData('11010519491231002X/13812345678/440308199901101512')).toBe(
      '110***********002X/138****5678/440***********1512',
    );
  });

  it('leaves longer or shorter digit runs alone', () => {
    const text = 'ticket A001 at 1735689600000, order 1234567890123456, seq 12345678901234567890';
    expect(redactPersonalData(text)).toBe(text);
    expect(redactPersonalData('23812345678')).toBe('23812345678');
  });
});
