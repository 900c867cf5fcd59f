import { describe, expect, it } from 'vitest';
import { checkIdKey, groupId, personFromCard, personFromTyped } from './person.ts';

const TODAY = '2026-11-26';

describe('identity on the kiosk', () => {
  it('a card gives a masked name and number, the age and senior priority', () => {
    const p = personFromCard(
      {
        source: 'resident-id',
        idNumber: '11010519491231002X',
        name: '张秀三',
        sex: '女',
        birthDate: '1949-12-31',
        address: '北京',
      },
      TODAY,
      60,
    );
    expect(p).toMatchObject({ nameMasked: '张*三', idMasked: '110***********002X', age: 76, senior: true });
  });

  it('a social security card without a birth date takes it from the ID number', () => {
    const p = personFromCard(
      {
        source: 'ssc',
        idNumber: '440308199901101512',
        name: '李明',
        sex: null,
        birthDate: null,
        address: null,
      },
      TODAY,
      60,
    );
    expect(p).toMatchObject({ birthDate: '1999-01-10', sex: '男', age: 27, senior: false });
  });

  it('the senior age is the hall setting', () => {
    expect(personFromTyped('11010519491231002X', TODAY, 80)?.senior).toBe(false);
    expect(personFromTyped('11010519491231002X', TODAY, 76)?.senior).toBe(true);
  });

  it('typed numbers must be valid in full', () => {
    expect(personFromTyped('11010519491231002', TODAY, 60)).toBeNull();
    expect(personFromTyped('110105194912310021', TODAY, 60)).toBeNull();
  });

  it('a key is refused with the part that is wrong', () => {
    expect(checkIdKey('1', TODAY)).toEqual({ ok: true });
    expect(checkIdKey('0', TODAY)).toMatchObject({ ok: false, zh: expect.stringContaining('地区代码') });
    expect(checkIdKey('11010519491', TODAY)).toEqual({ ok: true });
    expect(checkIdKey('110105194913', TODAY)).toMatchObject({
      ok: false,
      zh: expect.stringContaining('出生日期'),
    });
    expect(checkIdKey('11010520991', TODAY)).toMatchObject({
      ok: false,
      zh: expect.stringContaining('出生日期'),
    });
    expect(checkIdKey('1101051949X', TODAY)).toMatchObject({ ok: false, zh: expect.stringContaining('X') });
    expect(checkIdKey('110105194912310021', TODAY)).toMatchObject({
      ok: false,
      zh: expect.stringContaining('校验位'),
    });
    expect(checkIdKey('11010519491231002X', TODAY)).toEqual({ ok: true });
    expect(checkIdKey('11010519491231002X1', TODAY)).toMatchObject({ ok: false });
  });

  it('groups the number as printed on the card', () => {
    expect(groupId('11010519491231002X')).toBe('110105 19491231 002X');
    expect(groupId('1101')).toBe('1101');
  });
});
