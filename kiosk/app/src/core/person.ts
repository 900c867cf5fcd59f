/** The citizen from a card read or a typed ID number, masked for the screen, with their age. */
import { ageOn, isPartialIdValid, parseIdNumber } from '@onewindow/shared/identity.ts';
import { maskIdNumber, maskName } from '@onewindow/shared/mask.ts';
import type { CardRead } from '@onewindow/shared/protocol.ts';
import type { Person } from './store.ts';

function age(birthDate: string | null, today: string): number | null {
  if (birthDate === null || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) return null;
  try {
    return ageOn(birthDate, today);
  } catch {
    return null;
  }
}

const SEX_ZH: Record<string, string> = { M: '男', F: '女' };

export function personFromCard(card: CardRead, today: string, seniorAge: number): Person {
  const parsed = parseIdNumber(card.idNumber);
  const idNumber = parsed.ok ? parsed.value.number : card.idNumber.trim();
  const birthDate = card.birthDate ?? (parsed.ok ? parsed.value.birthDate : null);
  const years = age(birthDate, today);
  return {
    idNumber,
    source: card.source,
    name: card.name,
    nameMasked: maskName(card.name),
    idMasked: maskIdNumber(idNumber),
    sex: card.sex ?? (parsed.ok && parsed.value.sex !== null ? SEX_ZH[parsed.value.sex]! : null),
    birthDate,
    address: card.address,
    age: years,
    senior: years !== null && years >= seniorAge,
  };
}

/** Null when the number is not a valid ID number (the keypad does not let one through). */
export function personFromTyped(input: string, today: string, seniorAge: number): Person | null {
  const parsed = parseIdNumber(input, { today });
  if (!parsed.ok) return null;
  const v = parsed.value;
  const years = age(v.birthDate, today);
  return {
    idNumber: v.number,
    source: 'typed',
    name: null,
    nameMasked: null,
    idMasked: maskIdNumber(v.number),
    sex: v.sex === null ? null : SEX_ZH[v.sex]!,
    birthDate: v.birthDate,
    address: null,
    age: years,
    senior: years !== null && years >= seniorAge,
  };
}

/**
 * Whether one more key keeps the number possible, and if not, why, in plain Chinese and
 * English: the keypad refuses the key and says what is wrong with the part just typed.
 */
export function checkIdKey(
  next: string,
  today: string,
): { ok: true } | { ok: false; zh: string; en: string } {
  if (isPartialIdValid(next, { today })) return { ok: true };
  if (next.length > 18)
    return { ok: false, zh: '证件号码最多18位', en: 'An ID number has at most 18 characters' };
  if (next.length < 18 && next.endsWith('X'))
    return { ok: false, zh: 'X 只能是最后一位', en: 'X can only be the last character' };
  if (next.length === 18) {
    const r = parseIdNumber(next, { today });
    return {
      ok: false,
      zh: r.ok ? '证件号码有误，请核对' : r.error.message,
      en: 'This ID number is not valid; please check it',
    };
  }
  if (next.length <= 6 || !isPartialIdValid(next.slice(0, 6), { today }))
    return {
      ok: false,
      zh: '前6位地区代码不正确，请核对',
      en: 'The first 6 digits (area code) are not valid',
    };
  return {
    ok: false,
    zh: '第7至14位出生日期不正确，请核对',
    en: 'Digits 7–14 (birth date) are not a valid date',
  };
}

/** 110105 19491231 002X: groups as printed on the card, easier to check by eye. */
export function groupId(id: string): string {
  return [id.slice(0, 6), id.slice(6, 14), id.slice(14)].filter((p) => p !== '').join(' ');
}
