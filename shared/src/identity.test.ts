import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ageOn,
  creditCheckChar,
  type IdErrorCode,
  idCheckChar,
  isPartialIdValid,
  parseCreditCode,
  parseIdNumber,
  upgradeLegacyId,
} from './identity.ts';

const VALID_RESIDENT = ['34052419800101001X', '11010519491231002X', '440308199901101512'];

function withCheck(first17: string): string {
  return first17 + idCheckChar(first17);
}

function errorCode(input: string, today?: string): IdErrorCode | 'OK' {
  const r = parseIdNumber(input, today === undefined ? {} : { today });
  return r.ok ? 'OK' : r.error.code;
}

describe('idCheckChar', () => {
  it('reproduces the check character of the DOMAIN.md samples, including X', () => {
    for (const id of VALID_RESIDENT) {
      expect(idCheckChar(id.slice(0, 17))).toBe(id[17]);
    }
  });

  it('maps sum mod 11 = 0 to 1 and 1 to 0 (not the naive 11 - r)', () => {
    // Only position 8 (weight 1) is non-zero, so the sum is that digit.
    expect(idCheckChar('00000000000000000')).toBe('1');
    expect(idCheckChar('00000001000000000')).toBe('0');
    expect(idCheckChar('00000002000000000')).toBe('X');
    expect(idCheckChar('00000003000000000')).toBe('9');
  });

  it('refuses anything but 17 digits', () => {
    expect(() => idCheckChar('1234')).toThrow(RangeError);
    expect(() => idCheckChar('3405241980010100X')).toThrow(RangeError);
  });
});

describe('parseIdNumber: resident IDs', () => {
  it('accepts the DOMAIN.md samples with birth date and sex', () => {
    expect(parseIdNumber('34052419800101001X')).toEqual({
      ok: true,
      value: { kind: 'resident', number: '34052419800101001X', birthDate: '1980-01-01', sex: 'M' },
    });
    expect(parseIdNumber('11010519491231002X')).toEqual({
      ok: true,
      value: { kind: 'resident', number: '11010519491231002X', birthDate: '1949-12-31', sex: 'F' },
    });
    expect(parseIdNumber('440308199901101512')).toEqual({
      ok: true,
      value: { kind: 'resident', number: '440308199901101512', birthDate: '1999-01-10', sex: 'M' },
    });
  });

  it('accepts a lower-case x and spaces, returning the normalized number', () => {
    const r = parseIdNumber(' 340524 19800101 001x ');
    expect(r.ok && r.value.number).toBe('34052419800101001X');
  });

  it('accepts full-width digits and X from a Chinese input method', () => {
    const r = parseIdNumber('３４０５２４１９８００１０１００１Ｘ');
    expect(r.ok && r.value.number).toBe('34052419800101001X');
  });

  it('rejects every single-character mutation of a valid ID', () => {
    const alphabet = '0123456789X';
    for (const id of VALID_RESIDENT) {
      for (let i = 0; i < id.length; i++) {
        for (const c of alphabet) {
          if (c === id[i]) {
            continue;
          }
          const mutated = id.slice(0, i) + c + id.slice(i + 1);
          const code = errorCode(mutated);
          expect(code, `${mutated} (position ${i + 1})`).not.toBe('OK');
          expect(['BAD_CHECKSUM', 'BAD_BIRTH_DATE', 'BAD_AREA', 'BAD_CHARS']).toContain(code);
        }
      }
    }
  });

  it('reports a wrong check character as BAD_CHECKSUM with the citizen message', () => {
    const r = parseIdNumber('340524198001010011');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('BAD_CHECKSUM');
      expect(r.error.message).toBe('身份证号码校验位不正确，请核对后重新输入');
      expect(r.error.detail).not.toContain('340524');
    }
  });

  it('rejects dates that are not on the calendar even with a correct check character', () => {
    expect(errorCode(withCheck('34052419800230001'))).toBe('BAD_BIRTH_DATE'); // 30 Feb
    expect(errorCode(withCheck('34052419000229001'))).toBe('BAD_BIRTH_DATE'); // 1900 is not leap
    expect(errorCode(withCheck('34052419801301001'))).toBe('BAD_BIRTH_DATE'); // month 13
    expect(errorCode(withCheck('34052419800001001'))).toBe('BAD_BIRTH_DATE'); // month 0
    expect(errorCode(withCheck('34052419800100001'))).toBe('BAD_BIRTH_DATE'); // day 0
    expect(errorCode(withCheck('34052419800431001'))).toBe('BAD_BIRTH_DATE'); // 31 April
  });

  it('accepts 29 February in a leap year, including 2000', () => {
    expect(errorCode(withCheck('34052420000229001'))).toBe('OK');
    expect(errorCode(withCheck('34052419840229001'))).toBe('OK');
  });

  it('rejects birth dates before 1900-01-01 and accepts 1900-01-01', () => {
    expect(errorCode(withCheck('34052418991231001'))).toBe('BAD_BIRTH_DATE');
    expect(errorCode(withCheck('34052419000101001'))).toBe('OK');
  });

  it('rejects a birth date after today, but accepts one born today', () => {
    const id = withCheck('34052420250610001');
    expect(errorCode(id, '2025-06-09')).toBe('BAD_BIRTH_DATE');
    expect(errorCode(id, '2025-06-10')).toBe('OK');
    expect(errorCode(id)).toBe('OK');
  });

  it('throws on a malformed today, a programming error rather than bad citizen input', () => {
    expect(() => parseIdNumber('34052419800101001X', { today: '2025-02-30' })).toThrow(RangeError);
  });

  it('rejects areas that do not start with 1-6 and unknown 8xxxxx areas', () => {
    expect(errorCode(withCheck('04052419800101001'))).toBe('BAD_AREA');
    expect(errorCode(withCheck('74052419800101001'))).toBe('BAD_AREA');
    expect(errorCode(withCheck('84052419800101001'))).toBe('BAD_AREA');
    expect(errorCode(withCheck('81000119800101001'))).toBe('BAD_AREA');
  });

  it('takes the sex from the parity of the 17th digit', () => {
    const male = parseIdNumber(withCheck('34052419800101003'));
    const female = parseIdNumber(withCheck('34052419800101008'));
    expect(male.ok && male.value.sex).toBe('M');
    expect(female.ok && female.value.sex).toBe('F');
  });

  it('reports empty, wrong-length and bad-character input', () => {
    expect(errorCode('')).toBe('EMPTY');
    expect(errorCode('   ')).toBe('EMPTY');
    expect(errorCode('34052419800101001')).toBe('BAD_LENGTH');
    expect(errorCode('34052419800101001X1')).toBe('BAD_LENGTH');
    expect(errorCode('3405241980010X0011')).toBe('BAD_CHARS');
    expect(errorCode('34052419800101-01X')).toBe('BAD_CHARS');
    expect(errorCode('34052462092769X')).toBe('BAD_CHARS');
  });

  it('property: a valid-date prefix plus its check char parses, any other last char does not', () => {
    const prefix = fc
      .record({
        first: fc.integer({ min: 1, max: 6 }),
        area: fc.integer({ min: 0, max: 99_999 }),
        birth: fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2026-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        seq: fc.integer({ min: 0, max: 999 }),
      })
      .map(({ first, area, birth, seq }) => {
        const ymd = birth.toISOString().slice(0, 10).replaceAll('-', '');
        return `${first}${String(area).padStart(5, '0')}${ymd}${String(seq).padStart(3, '0')}`;
      });
    fc.assert(
      fc.property(prefix, fc.constantFrom(...'0123456789X'), (first17, other) => {
        const check = idCheckChar(first17);
        const r = parseIdNumber(first17 + check);
        expect(r.ok && r.value.number).toBe(first17 + check);
        if (other !== check) {
          expect(errorCode(first17 + other)).toBe('BAD_CHECKSUM');
        }
      }),
    );
  });
});

describe('legacy 15-digit IDs', () => {
  it('upgrades 610104620927690 to 610104196209276908', () => {
    expect(upgradeLegacyId('610104620927690')).toBe('610104196209276908');
  });

  it('parses a legacy number as an upgraded resident ID marked legacy15', () => {
    expect(parseIdNumber('610104620927690')).toEqual({
      ok: true,
      value: {
        kind: 'resident',
        number: '610104196209276908',
        birthDate: '1962-09-27',
        sex: 'F',
        legacy15: true,
      },
    });
  });

  it('takes the sex from the 15th digit', () => {
    const r = parseIdNumber('610104620927691');
    expect(r.ok && r.value.sex).toBe('M');
  });

  it('rejects an impossible legacy birth date and a bad area', () => {
    expect(errorCode('610104620230690')).toBe('BAD_BIRTH_DATE');
    expect(errorCode('710104620927690')).toBe('BAD_AREA');
  });

  it('refuses to upgrade anything but 15 digits', () => {
    expect(() => upgradeLegacyId('61010462092769')).toThrow(RangeError);
  });
});

describe('HMT residence permits', () => {
  it.each([
    ['810000', 'HK'],
    ['820000', 'MO'],
    ['830000', 'TW'],
  ] as const)('area %s is a permit from %s', (area, region) => {
    const id = withCheck(`${area}19900101002`);
    expect(parseIdNumber(id)).toEqual({
      ok: true,
      value: { kind: 'hmt-permit', number: id, birthDate: '1990-01-01', sex: 'F', region },
    });
  });

  it('uses the same MOD 11-2 check', () => {
    const id = withCheck('81000019900101002');
    const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    expect(errorCode(wrong)).toBe('BAD_CHECKSUM');
  });
});

describe('foreign permanent residence cards', () => {
  it('parses a 2023 card (9 + province + nationality + birth date + sequence + check)', () => {
    const id = withCheck('91184019850615003');
    expect(parseIdNumber(id)).toEqual({
      ok: true,
      value: { kind: 'foreign-2023', number: id, birthDate: '1985-06-15', sex: 'M', nationality: '840' },
    });
  });

  it('checks the 2023 card birth date, province and check character', () => {
    expect(errorCode(withCheck('91184019850631003'))).toBe('BAD_BIRTH_DATE');
    expect(errorCode(withCheck('97184019850615003'))).toBe('BAD_AREA');
    const id = withCheck('91184019850615003');
    expect(errorCode(id.slice(0, 17) + (id[17] === '0' ? '1' : '0'))).toBe('BAD_CHECKSUM');
  });

  it('parses a 2017 card with a 20th-century birth year and no sex', () => {
    expect(parseIdNumber('USA118001010012', { today: '2025-06-01' })).toEqual({
      ok: true,
      value: {
        kind: 'foreign-2017',
        number: 'USA118001010012',
        birthDate: '1980-01-01',
        sex: null,
        nationality: 'USA',
      },
    });
  });

  it('picks the century so that the 2017 card birth date is not in the future', () => {
    const born = (id: string, today?: string) => {
      const r = parseIdNumber(id, today === undefined ? {} : { today });
      return r.ok ? r.value.birthDate : r.error.code;
    };
    expect(born('CAN110503150034', '2025-06-01')).toBe('2005-03-15');
    expect(born('CAN112506150034', '2025-06-01')).toBe('1925-06-15');
    expect(born('CAN112506150034', '2025-06-15')).toBe('2025-06-15');
    // Without today the reference year is 2026.
    expect(born('CAN112612310034')).toBe('2026-12-31');
    expect(born('CAN112701010034')).toBe('1927-01-01');
  });

  it('accepts lower-case letters and rejects bad 2017 dates and provinces', () => {
    const r = parseIdNumber('usa118001010012');
    expect(r.ok && r.value.number).toBe('USA118001010012');
    expect(errorCode('USA118002300012')).toBe('BAD_BIRTH_DATE');
    expect(errorCode('USA718001010012')).toBe('BAD_AREA');
    expect(errorCode('US1118001010012')).toBe('BAD_CHARS');
  });
});

describe('ageOn', () => {
  it('counts the birthday itself and not the day before', () => {
    expect(ageOn('1965-03-10', '2025-03-10')).toBe(60);
    expect(ageOn('1965-03-10', '2025-03-09')).toBe(59);
    expect(ageOn('1965-03-10', '2025-12-31')).toBe(60);
  });

  it('makes a 29 February birthday older on 1 March in non-leap years', () => {
    expect(ageOn('1964-02-29', '2025-02-28')).toBe(60);
    expect(ageOn('1964-02-29', '2025-03-01')).toBe(61);
    expect(ageOn('1964-02-29', '2024-02-28')).toBe(59);
    expect(ageOn('1964-02-29', '2024-02-29')).toBe(60);
  });

  it('is 0 on the day of birth and throws for a date before birth or a malformed date', () => {
    expect(ageOn('2020-05-05', '2020-05-05')).toBe(0);
    expect(() => ageOn('2020-05-05', '2020-05-04')).toThrow(RangeError);
    expect(() => ageOn('1965-02-30', '2025-03-01')).toThrow(RangeError);
    expect(() => ageOn('1965/03/10', '2025-03-01')).toThrow(RangeError);
  });
});

describe('isPartialIdValid', () => {
  it('accepts every prefix of valid numbers of each 18-character kind', () => {
    const ids = [...VALID_RESIDENT, withCheck('82000019900101002'), withCheck('91184019850615003')];
    for (const id of ids) {
      for (let n = 0; n <= id.length; n++) {
        expect(isPartialIdValid(id.slice(0, n)), id.slice(0, n)).toBe(true);
      }
    }
    expect(isPartialIdValid('34052419800101001x')).toBe(true);
  });

  it('rejects non-digits before position 18 and X anywhere but last', () => {
    expect(isPartialIdValid('34052A')).toBe(false);
    expect(isPartialIdValid('3405241980X')).toBe(false);
    expect(isPartialIdValid('34052419800101001XX')).toBe(false);
  });

  it('rejects a complete number that does not parse and anything longer than 18', () => {
    expect(isPartialIdValid('340524198001010011')).toBe(false);
    expect(isPartialIdValid('3405241980010100190')).toBe(false);
  });

  it('rejects impossible area starts', () => {
    expect(isPartialIdValid('0')).toBe(false);
    expect(isPartialIdValid('7')).toBe(false);
    expect(isPartialIdValid('84')).toBe(false);
    expect(isPartialIdValid('8100001')).toBe(true);
    expect(isPartialIdValid('810001')).toBe(false);
    expect(isPartialIdValid('97')).toBe(false);
  });

  it('rejects impossible birth-date digits as soon as they are typed', () => {
    expect(isPartialIdValid('3405240')).toBe(false); // year 0…
    expect(isPartialIdValid('34052418')).toBe(false); // 18xx
    expect(isPartialIdValid('34052419802')).toBe(false); // month 2x
    expect(isPartialIdValid('340524198013')).toBe(false); // month 13
    expect(isPartialIdValid('340524198000')).toBe(false); // month 00
    expect(isPartialIdValid('3405241980023')).toBe(false); // 3x February
    expect(isPartialIdValid('3405241980043')).toBe(true); // 30 April is possible
    expect(isPartialIdValid('34052419800431')).toBe(false); // 31 April
    expect(isPartialIdValid('34052419000229')).toBe(false); // 1900 not leap
    expect(isPartialIdValid('34052420000229')).toBe(true);
    expect(isPartialIdValid('34052419800100')).toBe(false); // day 00
  });

  it('rejects years after today when today is given', () => {
    expect(isPartialIdValid('34052420', { today: '2025-06-01' })).toBe(true);
    expect(isPartialIdValid('340524203', { today: '2025-06-01' })).toBe(false);
    expect(isPartialIdValid('3405242025061', { today: '2025-06-01' })).toBe(false);
    expect(isPartialIdValid('3405242025060', { today: '2025-06-01' })).toBe(true);
  });
});

describe('parseCreditCode', () => {
  it('accepts the DOMAIN.md sample and splits its fields', () => {
    expect(parseCreditCode('91350100M000100Y43')).toEqual({
      ok: true,
      value: { code: '91350100M000100Y43', registrationAuthority: '9', orgType: '1', area: '350100' },
    });
  });

  it('computes the sample check character', () => {
    expect(creditCheckChar('91350100M000100Y4')).toBe('3');
  });

  it('maps a sum that is a multiple of 31 to check 0, not 31', () => {
    expect(creditCheckChar('00000000000000000')).toBe('0');
    // 1 at weight 1: 31 - 1 = 30 = Y.
    expect(creditCheckChar('10000000000000000')).toBe('Y');
  });

  it('accepts lower case and spaces', () => {
    const r = parseCreditCode(' 91350100m000100y43 ');
    expect(r.ok && r.value.code).toBe('91350100M000100Y43');
  });

  it('rejects every single-character mutation of the sample', () => {
    const sample = '91350100M000100Y43';
    for (let i = 0; i < sample.length; i++) {
      for (const c of '0123456789ABCDEFGHJKLMNPQRTUWXY') {
        if (c === sample[i]) {
          continue;
        }
        const r = parseCreditCode(sample.slice(0, i) + c + sample.slice(i + 1));
        expect(r.ok, `position ${i + 1} → ${c}`).toBe(false);
      }
    }
  });

  it('reports each kind of error', () => {
    const code = (s: string) => {
      const r = parseCreditCode(s);
      return r.ok ? 'OK' : r.error.code;
    };
    expect(code('')).toBe('EMPTY');
    expect(code('91350100M000100Y4')).toBe('BAD_LENGTH');
    expect(code('91350100M000100I43')).toBe('BAD_CHARS');
    expect(code('91350100M000100S43')).toBe('BAD_CHARS');
    const badArea = `9135A100M000100Y4`;
    expect(code(badArea + creditCheckChar(badArea))).toBe('BAD_AREA');
    expect(code('91350100M000100Y44')).toBe('BAD_CHECKSUM');
  });

  it('refuses a malformed first17 in creditCheckChar', () => {
    expect(() => creditCheckChar('91350100M000100O4')).toThrow(RangeError);
  });
});
