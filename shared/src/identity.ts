/**
 * Identity numbers a citizen or employer shows at the hall: resident ID (GB 11643), the
 * Hong Kong/Macau/Taiwan residence permit, both foreign permanent residence card formats,
 * and the unified social credit code (GB 32100) of an employer.
 *
 * Everything here is pure: the caller passes `today` so that tests and kiosks agree on
 * what "in the future" means.
 */

/** Which document an identity number belongs to. */
export type IdKind = 'resident' | 'hmt-permit' | 'foreign-2017' | 'foreign-2023';

/** Region of a Hong Kong/Macau/Taiwan residence permit, from its area code 810000/820000/830000. */
export type HmtRegion = 'HK' | 'MO' | 'TW';

/** A validated identity number and what it says about its holder. */
export interface ParsedId {
  kind: IdKind;
  /**
   * Normalized number: no spaces, upper case, ASCII. A legacy 15-digit number is given
   * upgraded to 18 digits, because that is the form the social security records use.
   */
  number: string;
  /** Birth date, `YYYY-MM-DD`. */
  birthDate: string;
  /** From the sequence parity (odd = male); `null` where the format does not encode it (foreign 2017). */
  sex: 'M' | 'F' | null;
  /** Set when the input was a legacy 15-digit number. */
  legacy15?: true;
  /** Set for `hmt-permit`. */
  region?: HmtRegion;
  /**
   * Set for foreign permanent residence cards: the ISO 3166-1 alpha-3 code (2017 format) or
   * the 3-digit numeric country code (2023 format), exactly as printed in the number.
   */
  nationality?: string;
}

/** Why an identity number was refused. */
export type IdErrorCode =
  | 'EMPTY'
  | 'BAD_LENGTH'
  | 'BAD_CHARS'
  | 'BAD_BIRTH_DATE'
  | 'BAD_CHECKSUM'
  | 'BAD_AREA';

/** A refusal: `message` is shown to the citizen, `detail` is for integrators and logs. */
export interface IdError {
  code: IdErrorCode;
  /** Simplified Chinese, addressed to the citizen at the kiosk or window. */
  message: string;
  /** Precise English. Never contains the number or any part of it, so it is safe to log. */
  detail: string;
}

/** Result of {@link parseIdNumber}. */
export type IdParseResult = { ok: true; value: ParsedId } | { ok: false; error: IdError };

/** Options of {@link parseIdNumber} and {@link isPartialIdValid}. */
export interface IdParseOptions {
  /**
   * The current date, `YYYY-MM-DD`. When given, birth dates after it are refused. It also
   * picks the century of a foreign 2017 card's 2-digit birth year.
   */
  today?: string;
}

/** Why a unified social credit code was refused. */
export type CreditCodeErrorCode = 'EMPTY' | 'BAD_LENGTH' | 'BAD_CHARS' | 'BAD_AREA' | 'BAD_CHECKSUM';

/** A refusal of a unified social credit code; same contract as {@link IdError}. */
export interface CreditCodeError {
  code: CreditCodeErrorCode;
  /** Simplified Chinese, addressed to the person at the window. */
  message: string;
  /** Precise English; never contains the code itself. */
  detail: string;
}

/** A validated unified social credit code, split into the fields GB 32100 defines. */
export interface ParsedCreditCode {
  /** Normalized 18-character code. */
  code: string;
  /** Position 1: registration authority (登记管理部门), e.g. '9' for market regulation. */
  registrationAuthority: string;
  /** Position 2: organization type within that authority, e.g. '1' for an enterprise under '9'. */
  orgType: string;
  /** Positions 3–8: administrative division code (GB/T 2260) of the registering office. */
  area: string;
}

/** Result of {@link parseCreditCode}. */
export type CreditCodeParseResult =
  | { ok: true; value: ParsedCreditCode }
  | { ok: false; error: CreditCodeError };

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK_CHARS = '10X98765432';

const HMT_AREAS: Readonly<Record<string, HmtRegion>> = { '810000': 'HK', '820000': 'MO', '830000': 'TW' };

const EARLIEST_BIRTH_DATE = '1900-01-01';

// Only used to pick the century of a 2017 foreign card when the caller gives no `today`:
// the module stays pure, and a fixed year is less surprising in tests than the clock.
const DEFAULT_REFERENCE_DATE = '2026-12-31';

// Past 2099 an ID number cannot exist yet; the keypad needs some ceiling to reject '3…' years.
const LATEST_PLAUSIBLE_BIRTH_DATE = '2099-12-31';

/**
 * Computes the GB 11643 MOD 11-2 check character for the first 17 digits of an 18-digit
 * resident ID, HMT residence permit or 2023 foreign permanent residence card.
 *
 * @param first17 - exactly 17 ASCII digits
 * @returns one of `0`–`9` or `X`
 * @throws RangeError when `first17` is not 17 digits
 */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new RangeError('idCheckChar expects exactly 17 digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  }
  return ID_CHECK_CHARS[sum % 11]!;
}

/**
 * Upgrades a legacy 15-digit resident ID to 18 digits: inserts the century "19" before the
 * birth date and appends the check character (610104620927690 → 610104196209276908).
 *
 * Only the shape is checked; use {@link parseIdNumber} to validate the number itself.
 *
 * @throws RangeError when `id15` is not 15 digits
 */
export function upgradeLegacyId(id15: string): string {
  if (!/^\d{15}$/.test(id15)) {
    throw new RangeError('upgradeLegacyId expects exactly 15 digits');
  }
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + idCheckChar(first17);
}

/**
 * Validates and decodes an identity number typed, scanned or read from a card.
 *
 * Whitespace anywhere is ignored (people type numbers in groups), full-width digits and X
 * are accepted (Chinese input methods produce them), and letters are upper-cased, so a
 * trailing lower-case x is fine. Accepted formats:
 * - 18-digit resident ID (GB 11643), area starting with 1–6;
 * - legacy 15-digit resident ID, returned upgraded to 18 digits with `legacy15: true`;
 * - HMT residence permit: 18 digits with area 810000, 820000 or 830000;
 * - foreign permanent residence card, 2017 format: 3 letters + 2-digit province + YYMMDD + 4 digits;
 * - foreign permanent residence card, 2023 format: 18 digits starting with 9.
 *
 * Checks run in the order length, characters, area, birth date, check character, so a
 * citizen who mistyped the birth date is told so rather than "wrong check character".
 *
 * @param input - the number as entered
 * @param opts - `today` (`YYYY-MM-DD`) to refuse birth dates in the future
 * @throws RangeError when `opts.today` is given but is not a real `YYYY-MM-DD` date
 */
export function parseIdNumber(input: string, opts: IdParseOptions = {}): IdParseResult {
  const today = opts.today === undefined ? undefined : requireIsoDate(opts.today, 'opts.today');
  const id = normalizeId(input);
  if (id === '') {
    return idFail('EMPTY', '请输入证件号码', 'input is empty');
  }
  if (id.length === 18) {
    if (!/^\d{17}[\dX]$/.test(id)) {
      return idFail(
        'BAD_CHARS',
        '证件号码含有无效字符（除最后一位可以是X外，只能是数字），请核对后重新输入',
        '18-character numbers must be 17 digits followed by a digit or X',
      );
    }
    return id.startsWith('9') ? parseForeign2023(id, today) : parseResidentOrPermit(id, today);
  }
  if (id.length === 15) {
    if (/^\d{15}$/.test(id)) {
      return parseLegacy15(id, today);
    }
    if (/^[A-Z]{3}\d{12}$/.test(id)) {
      return parseForeign2017(id, today);
    }
    return idFail(
      'BAD_CHARS',
      '证件号码含有无效字符，请核对后重新输入',
      '15-character numbers must be 15 digits (legacy resident ID) or 3 letters and 12 digits (foreign 2017)',
    );
  }
  return idFail(
    'BAD_LENGTH',
    '证件号码位数不正确，身份证号码应为18位，请核对后重新输入',
    `expected 15 or 18 characters, got ${id.length}`,
  );
}

/**
 * Full years of age on `date` for someone born on `birthDate`, both `YYYY-MM-DD`.
 *
 * The birthday itself counts. Someone born on 29 February turns a year older on 1 March in
 * non-leap years, which is how Chinese civil law counts age (the day after the last day).
 *
 * @throws RangeError when either date is not a real `YYYY-MM-DD` date or `date` is before `birthDate`
 */
export function ageOn(birthDate: string, date: string): number {
  const birth = requireIsoDate(birthDate, 'birthDate');
  const on = requireIsoDate(date, 'date');
  if (on < birth) {
    throw new RangeError('ageOn: date is before birthDate');
  }
  const years = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  // Comparing MM-DD as strings makes 02-28 < 02-29 < 03-01, which is exactly the leap-day rule.
  return on.slice(5) < birth.slice(5) ? years - 1 : years;
}

/**
 * Whether `prefix` can still be completed into a valid 18-character number, for a kiosk
 * keypad that refuses a wrong key as soon as it is pressed.
 *
 * False when: longer than 18; a non-digit before position 18 (X only as the last
 * character); an impossible area start; birth-date digits that no real date between
 * 1900-01-01 and `today` (or 2099-12-31) can begin with; or, at 18 characters, any
 * reason {@link parseIdNumber} refuses it. HMT permits (8…) and 2023 foreign cards (9…)
 * pass too, because their holders use the same keypad. The legacy 15-digit and 2017
 * foreign formats are not considered: kiosks read those from the card, not the keypad.
 *
 * @param prefix - the characters entered so far
 * @param opts - `today` (`YYYY-MM-DD`) to refuse birth dates in the future
 * @throws RangeError when `opts.today` is given but is not a real `YYYY-MM-DD` date
 */
export function isPartialIdValid(prefix: string, opts: IdParseOptions = {}): boolean {
  const latest =
    opts.today === undefined ? LATEST_PLAUSIBLE_BIRTH_DATE : requireIsoDate(opts.today, 'opts.today');
  const p = normalizeId(prefix);
  if (p.length > 18) {
    return false;
  }
  if (p.length === 18) {
    return parseIdNumber(p, opts).ok;
  }
  if (!/^\d*$/.test(p)) {
    return false;
  }
  if (!areaPrefixPossible(p.slice(0, 6))) {
    return false;
  }
  return datePrefixPossible(p.slice(6, 14), latest);
}

/**
 * Computes the GB 32100-2015 check character of a unified social credit code.
 *
 * @param first17 - the first 17 characters, from 0–9 and A–Y without I, O, S, V, Z
 * @throws RangeError when `first17` is not 17 such characters
 */
export function creditCheckChar(first17: string): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(first17)) {
    throw new RangeError('creditCheckChar expects 17 characters from 0-9 and A-Y without I, O, S, V, Z');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += CREDIT_CHARS.indexOf(first17[i]!) * CREDIT_WEIGHTS[i]!;
  }
  return CREDIT_CHARS[(31 - (sum % 31)) % 31]!;
}

/**
 * Validates a unified social credit code (统一社会信用代码, GB 32100-2015) given by an employer.
 *
 * Whitespace is ignored and letters are upper-cased. The embedded organization code
 * (positions 9–17) has a GB 11714 check of its own that is deliberately not enforced: codes
 * issued to individual businesses do not always satisfy it, and the outer check already
 * catches typing mistakes.
 */
export function parseCreditCode(input: string): CreditCodeParseResult {
  const code = input.replace(/\s+/g, '').toUpperCase();
  if (code === '') {
    return creditFail('EMPTY', '请输入统一社会信用代码', 'input is empty');
  }
  if (code.length !== 18) {
    return creditFail(
      'BAD_LENGTH',
      '统一社会信用代码应为18位，请核对后重新输入',
      `expected 18 characters, got ${code.length}`,
    );
  }
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) {
    return creditFail(
      'BAD_CHARS',
      '统一社会信用代码含有无效字符，请核对后重新输入',
      'allowed characters are 0-9 and A-Y without I, O, S, V, Z',
    );
  }
  const area = code.slice(2, 8);
  if (!/^\d{6}$/.test(area)) {
    return creditFail(
      'BAD_AREA',
      '统一社会信用代码中的登记机关行政区划码不正确，请核对后重新输入',
      'positions 3-8 must be a 6-digit administrative division code',
    );
  }
  const expected = creditCheckChar(code.slice(0, 17));
  if (code[17] !== expected) {
    return creditFail(
      'BAD_CHECKSUM',
      '统一社会信用代码校验位不正确，请核对后重新输入',
      `check character (position 18) does not match; expected ${expected}`,
    );
  }
  return {
    ok: true,
    value: { code, registrationAuthority: code[0]!, orgType: code[1]!, area },
  };
}

// Index = character value, so indexOf gives A=10 … Y=30 with I, O, S, V, Z skipped.
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

type BirthDateCheck = { ok: true; birthDate: string } | { ok: false; detail: string };

function normalizeId(input: string): string {
  return input
    .replace(/\s+/g, '')
    .replace(/[０-９Ｘｘ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toUpperCase();
}

function idFail(code: IdErrorCode, message: string, detail: string): IdParseResult {
  return { ok: false, error: { code, message, detail } };
}

function creditFail(code: CreditCodeErrorCode, message: string, detail: string): CreditCodeParseResult {
  return { ok: false, error: { code, message, detail } };
}

function areaFail(label: string, detail: string): IdParseResult {
  return idFail('BAD_AREA', `${label}的地区代码不正确，请核对后重新输入`, detail);
}

function birthFail(label: string, detail: string): IdParseResult {
  return idFail('BAD_BIRTH_DATE', `${label}中的出生日期不正确，请核对后重新输入`, detail);
}

function checksumFail(label: string): IdParseResult {
  return idFail(
    'BAD_CHECKSUM',
    `${label}校验位不正确，请核对后重新输入`,
    'check character (position 18) does not match the MOD 11-2 checksum of the first 17 digits',
  );
}

function sexFromDigit(d: string): 'M' | 'F' {
  return Number(d) % 2 === 1 ? 'M' : 'F';
}

function parseResidentOrPermit(id: string, today: string | undefined): IdParseResult {
  const area = id.slice(0, 6);
  const region = HMT_AREAS[area];
  const first = id[0]!;
  if (region === undefined && !(first >= '1' && first <= '6')) {
    return areaFail(
      '身份证号码',
      'area code must start with 1-6 (resident ID) or be 810000, 820000 or 830000 (HMT residence permit)',
    );
  }
  const label = region === undefined ? '身份证号码' : '居住证号码';
  const birth = checkBirthDate(id.slice(6, 10), id.slice(10, 12), id.slice(12, 14), today);
  if (!birth.ok) {
    return birthFail(label, `positions 7-14: ${birth.detail}`);
  }
  if (id[17] !== idCheckChar(id.slice(0, 17))) {
    return checksumFail(label);
  }
  const value: ParsedId = {
    kind: region === undefined ? 'resident' : 'hmt-permit',
    number: id,
    birthDate: birth.birthDate,
    sex: sexFromDigit(id[16]!),
  };
  if (region !== undefined) {
    value.region = region;
  }
  return { ok: true, value };
}

function parseForeign2023(id: string, today: string | undefined): IdParseResult {
  const label = '永久居留身份证号码';
  // Positions 2-3 name the mainland province that issued the card, so they start with 1-6.
  if (!(id[1]! >= '1' && id[1]! <= '6')) {
    return areaFail(label, 'foreign 2023 card: province code (positions 2-3) must start with 1-6');
  }
  const birth = checkBirthDate(id.slice(6, 10), id.slice(10, 12), id.slice(12, 14), today);
  if (!birth.ok) {
    return birthFail(label, `foreign 2023 card, positions 7-14: ${birth.detail}`);
  }
  if (id[17] !== idCheckChar(id.slice(0, 17))) {
    return checksumFail(label);
  }
  return {
    ok: true,
    value: {
      kind: 'foreign-2023',
      number: id,
      birthDate: birth.birthDate,
      sex: sexFromDigit(id[16]!),
      nationality: id.slice(3, 6),
    },
  };
}

function parseLegacy15(id: string, today: string | undefined): IdParseResult {
  const label = '身份证号码';
  if (!(id[0]! >= '1' && id[0]! <= '6')) {
    return areaFail(label, 'legacy 15-digit ID: area code must start with 1-6');
  }
  const birth = checkBirthDate(`19${id.slice(6, 8)}`, id.slice(8, 10), id.slice(10, 12), today);
  if (!birth.ok) {
    return birthFail(label, `legacy 15-digit ID, positions 7-12: ${birth.detail}`);
  }
  return {
    ok: true,
    value: {
      kind: 'resident',
      number: upgradeLegacyId(id),
      birthDate: birth.birthDate,
      sex: sexFromDigit(id[14]!),
      legacy15: true,
    },
  };
}

function parseForeign2017(id: string, today: string | undefined): IdParseResult {
  const label = '永久居留证号码';
  if (!(id[3]! >= '1' && id[3]! <= '6')) {
    return areaFail(label, 'foreign 2017 card: province code (positions 4-5) must start with 1-6');
  }
  const yy = id.slice(5, 7);
  const mm = id.slice(7, 9);
  const dd = id.slice(9, 11);
  // The card has a 2-digit year: take the latest century that does not put the birth in the future.
  const reference = today ?? DEFAULT_REFERENCE_DATE;
  const century = `20${yy}-${mm}-${dd}` <= reference ? '20' : '19';
  const birth = checkBirthDate(century + yy, mm, dd, today);
  if (!birth.ok) {
    return birthFail(label, `foreign 2017 card, positions 6-11: ${birth.detail}`);
  }
  return {
    ok: true,
    value: {
      kind: 'foreign-2017',
      number: id,
      birthDate: birth.birthDate,
      sex: null,
      nationality: id.slice(0, 3),
    },
  };
}

function checkBirthDate(yyyy: string, mm: string, dd: string, today: string | undefined): BirthDateCheck {
  if (!isCalendarDate(Number(yyyy), Number(mm), Number(dd))) {
    return { ok: false, detail: 'birth date is not a calendar date' };
  }
  const birthDate = `${yyyy}-${mm}-${dd}`;
  if (birthDate < EARLIEST_BIRTH_DATE) {
    return { ok: false, detail: `birth date is before ${EARLIEST_BIRTH_DATE}` };
  }
  if (today !== undefined && birthDate > today) {
    return { ok: false, detail: 'birth date is after opts.today' };
  }
  return { ok: true, birthDate };
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) {
    return isLeapYear(y) ? 29 : 28;
  }
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  return Number.isInteger(y) && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function requireIsoDate(s: string, name: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m === null || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new RangeError(`${name} must be a real date in YYYY-MM-DD form`);
  }
  return s;
}

function areaPrefixPossible(area: string): boolean {
  if (area === '') {
    return true;
  }
  const first = area[0]!;
  if (first >= '1' && first <= '6') {
    return true;
  }
  if (first === '8') {
    return Object.keys(HMT_AREAS).some((code) => code.startsWith(area));
  }
  if (first === '9') {
    return area.length < 2 || (area[1]! >= '1' && area[1]! <= '6');
  }
  return false;
}

// Searching real dates is simpler to trust than digit-by-digit rules (month 1 then 0-2 only,
// day 3 then 0/1 depending on month, 29 Feb by year…), and it stops at the first match.
function datePrefixPossible(digits: string, latest: string): boolean {
  if (digits === '') {
    return true;
  }
  const latestYear = Number(latest.slice(0, 4));
  for (let y = 1900; y <= latestYear; y++) {
    const yyyy = String(y);
    if (!prefixCompatible(yyyy, digits.slice(0, 4))) {
      continue;
    }
    for (let m = 1; m <= 12; m++) {
      const mm = String(m).padStart(2, '0');
      if (!prefixCompatible(yyyy + mm, digits.slice(0, 6))) {
        continue;
      }
      for (let d = 1; d <= daysInMonth(y, m); d++) {
        const dd = String(d).padStart(2, '0');
        if (prefixCompatible(yyyy + mm + dd, digits) && `${yyyy}-${mm}-${dd}` <= latest) {
          return true;
        }
      }
    }
  }
  return false;
}

function prefixCompatible(full: string, prefix: string): boolean {
  return full.startsWith(prefix.slice(0, full.length));
}
