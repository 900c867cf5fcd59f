/**
 * Decoding of a resident ID card's base information as the SAM returns it, pure.
 *
 * The text block is 256 bytes of UCS-2LE in fixed fields, padded with spaces (sometimes
 * zeros); the photo is 1024 bytes of WLT, which only the vendor's decoder turns into an image,
 * so it stays opaque here.
 */

import { maskIdNumber, maskName, parseIdNumber } from '@onewindow/shared';

/** Size of the text block. */
export const BASE_INFO_TEXT_BYTES = 256;
/** Size of the WLT photo block. */
export const BASE_INFO_PHOTO_BYTES = 1024;

/** Validity end printed as 长期 (no expiry) on cards of people aged 46 and over. */
export const VALID_FOREVER = '长期';

/** The text block's fields in order, with their byte sizes. */
export const BASE_INFO_FIELDS = [
  ['name', 30],
  ['sex', 2],
  ['nation', 4],
  ['birthDate', 16],
  ['address', 70],
  ['idNumber', 36],
  ['issuer', 30],
  ['validFrom', 16],
  ['validTo', 16],
  ['reserved', 36],
] as const;

/** Name of a text-block field. */
export type BaseInfoFieldName = (typeof BASE_INFO_FIELDS)[number][0];

/** Each field of the text block as text, trailing spaces and zeros removed, nothing interpreted. */
export type BaseInfoTextFields = Record<BaseInfoFieldName, string>;

/** Sex as printed on the card (GB/T 2261.1 codes 0, 1, 2, 9). */
export type Sex = '男' | '女' | '未知' | '未说明';

/** GB/T 2261.1-2003 sex codes. */
export const SEX_BY_CODE: Readonly<Record<string, Sex>> = {
  '0': '未知',
  '1': '男',
  '2': '女',
  '9': '未说明',
};

/**
 * GB/T 3304-1991 nationality (民族) codes, names as the card prints them (without 族), plus 97
 * 其他 and 98 外国血统中国籍人士.
 */
export const NATION_BY_CODE: Readonly<Record<string, string>> = {
  '01': '汉',
  '02': '蒙古',
  '03': '回',
  '04': '藏',
  '05': '维吾尔',
  '06': '苗',
  '07': '彝',
  '08': '壮',
  '09': '布依',
  '10': '朝鲜',
  '11': '满',
  '12': '侗',
  '13': '瑶',
  '14': '白',
  '15': '土家',
  '16': '哈尼',
  '17': '哈萨克',
  '18': '傣',
  '19': '黎',
  '20': '傈僳',
  '21': '佤',
  '22': '畲',
  '23': '高山',
  '24': '拉祜',
  '25': '水',
  '26': '东乡',
  '27': '纳西',
  '28': '景颇',
  '29': '柯尔克孜',
  '30': '土',
  '31': '达斡尔',
  '32': '仫佬',
  '33': '羌',
  '34': '布朗',
  '35': '撒拉',
  '36': '毛南',
  '37': '仡佬',
  '38': '锡伯',
  '39': '阿昌',
  '40': '普米',
  '41': '塔吉克',
  '42': '怒',
  '43': '乌孜别克',
  '44': '俄罗斯',
  '45': '鄂温克',
  '46': '德昂',
  '47': '保安',
  '48': '裕固',
  '49': '京',
  '50': '塔塔尔',
  '51': '独龙',
  '52': '鄂伦春',
  '53': '赫哲',
  '54': '门巴',
  '55': '珞巴',
  '56': '基诺',
  '97': '其他',
  '98': '外国血统中国籍人士',
};

/**
 * A resident ID card as read. Contains personal data: never log it; log {@link maskedCard}.
 */
export interface ResidentIdCard {
  name: string;
  sex: Sex;
  /** Nationality name, e.g. 汉 (see {@link NATION_BY_CODE}). */
  nation: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  address: string;
  /**
   * The latest address appended to the card's chip after a move (住址变更, read with `30 03`
   * when the reader's profile says `readsAddressUpdate`); absent when there is none.
   */
  addressUpdate?: string;
  /** 18 characters, validated with GB 11643 (`parseIdNumber`). */
  idNumber: string;
  /** Issuing authority (签发机关). */
  issuer: string;
  /** `YYYY-MM-DD`. */
  validFrom: string;
  /** `YYYY-MM-DD`, or `长期` ({@link VALID_FOREVER}) for cards without expiry. */
  validTo: string;
  /** WLT-compressed photo, opaque; 1024 bytes on every card seen so far. */
  photoWlt: Uint8Array;
}

/** Why a base-info block was refused. */
export type BaseInfoErrorCode =
  | 'BAD_LENGTH'
  | 'UNSUPPORTED_CARD'
  | 'BAD_SEX'
  | 'BAD_NATION'
  | 'BAD_DATE'
  | 'BAD_ID_NUMBER';

/** A refusal. `detail` names the field and the rule, never the value, so it is safe to log. */
export interface BaseInfoError {
  code: BaseInfoErrorCode;
  /** Simplified Chinese, for the citizen at the kiosk. */
  message: string;
  /** Precise English for logs; contains no card data. */
  detail: string;
}

/** Result of {@link decodeBaseInfo}. */
export type BaseInfoResult = { ok: true; card: ResidentIdCard } | { ok: false; error: BaseInfoError };

/** The blocks of a read-base-info answer (SW3 `90`), see {@link splitBaseInfoData}. */
export interface BaseInfoBlocks {
  text: Uint8Array;
  photo: Uint8Array;
  /** Present for the read-with-fingerprint command (`30 10`); may be empty. */
  fingerprint?: Uint8Array;
}

/** Result of {@link splitBaseInfoData}. */
export type BaseInfoBlocksResult = { ok: true; blocks: BaseInfoBlocks } | { ok: false; error: BaseInfoError };

const READ_FAILED_MESSAGE = '身份证信息读取失败，请重新放置身份证';

/**
 * Splits the DATA of a read-base-info answer into its blocks. The answer carries its own block
 * lengths, big-endian: `text length (2) | photo length (2) | text | photo` for `30 01`, and
 * `text length | photo length | fingerprint length | text | photo | fingerprint` for `30 10`.
 */
export function splitBaseInfoData(data: Uint8Array, withFingerprint = false): BaseInfoBlocksResult {
  const lengthsBytes = withFingerprint ? 6 : 4;
  if (data.length < lengthsBytes) {
    return lengthFail(`base-info answer has ${data.length} bytes, shorter than its length fields`);
  }
  const textLen = readU16(data, 0);
  const photoLen = readU16(data, 2);
  const fpLen = withFingerprint ? readU16(data, 4) : 0;
  if (textLen !== BASE_INFO_TEXT_BYTES) {
    return lengthFail(`text block announced as ${textLen} bytes, expected ${BASE_INFO_TEXT_BYTES}`);
  }
  const needed = lengthsBytes + textLen + photoLen + fpLen;
  if (data.length < needed) {
    return lengthFail(`base-info answer has ${data.length} bytes, its length fields announce ${needed}`);
  }
  let at = lengthsBytes;
  const text = data.slice(at, at + textLen);
  at += textLen;
  const photo = data.slice(at, at + photoLen);
  at += photoLen;
  const blocks: BaseInfoBlocks = { text, photo };
  if (withFingerprint) {
    blocks.fingerprint = data.slice(at, at + fpLen);
  }
  return { ok: true, blocks };
}

/**
 * Reads the text block's fields as text: UCS-2LE, trailing spaces and NULs removed. Nothing is
 * validated; use {@link decodeBaseInfo} for a card.
 *
 * @throws RangeError when `text` is not 256 bytes
 */
export function readBaseInfoFields(text: Uint8Array): BaseInfoTextFields {
  if (text.length !== BASE_INFO_TEXT_BYTES) {
    throw new RangeError(`base-info text must be ${BASE_INFO_TEXT_BYTES} bytes, got ${text.length}`);
  }
  const decoder = new TextDecoder('utf-16le');
  const fields = {} as BaseInfoTextFields;
  let at = 0;
  for (const [name, size] of BASE_INFO_FIELDS) {
    fields[name] = trimPadding(decoder.decode(text.subarray(at, at + size)));
    at += size;
  }
  return fields;
}

/**
 * Decodes a card from its 256-byte text block and its photo.
 *
 * Refused: a text block of another size; a foreigner's permanent residence card or a
 * Hong Kong/Macau/Taiwan residence permit (a different layout, told apart by the type letter at
 * byte 248); a sex or nation code outside GB/T 2261.1 / GB/T 3304; a date that is not a calendar
 * date; an ID number that `parseIdNumber` refuses or that is not a resident ID.
 */
export function decodeBaseInfo(text: Uint8Array, photoWlt: Uint8Array): BaseInfoResult {
  if (text.length !== BASE_INFO_TEXT_BYTES) {
    return lengthFail(`text block has ${text.length} bytes, expected ${BASE_INFO_TEXT_BYTES}`);
  }
  // Cards sharing this reader protocol put a type letter at byte 248 (in the reserved field):
  // 'I' (foreigner, 2017), 'Y' (foreigner, 2023), 'J' (HK/Macau/Taiwan permit); residents a space.
  const typeLetter = String.fromCharCode(text[248]! | (text[249]! << 8));
  if (typeLetter === 'I' || typeLetter === 'Y' || typeLetter === 'J') {
    return fail(
      'UNSUPPORTED_CARD',
      '此证件不是居民身份证，请使用居民身份证或到窗口办理',
      `card type letter '${typeLetter}' is not a resident ID card`,
    );
  }
  const f = readBaseInfoFields(text);

  const sex = SEX_BY_CODE[f.sex];
  if (sex === undefined) {
    return fail('BAD_SEX', READ_FAILED_MESSAGE, 'sex field is not a GB/T 2261.1 code (0, 1, 2, 9)');
  }
  const nation = NATION_BY_CODE[f.nation];
  if (nation === undefined) {
    return fail('BAD_NATION', READ_FAILED_MESSAGE, 'nation field is not a GB/T 3304 code (01-56, 97, 98)');
  }
  const birthDate = cardDate(f.birthDate);
  const validFrom = cardDate(f.validFrom);
  const validTo = f.validTo === VALID_FOREVER ? VALID_FOREVER : cardDate(f.validTo);
  for (const [field, value] of [
    ['birthDate', birthDate],
    ['validFrom', validFrom],
    ['validTo', validTo],
  ] as const) {
    if (value === null) {
      return fail('BAD_DATE', READ_FAILED_MESSAGE, `${field} field is not a YYYYMMDD calendar date`);
    }
  }
  const id = parseIdNumber(f.idNumber);
  if (!id.ok) {
    return fail('BAD_ID_NUMBER', READ_FAILED_MESSAGE, `ID number field refused: ${id.error.detail}`);
  }
  if (id.value.kind !== 'resident' || id.value.legacy15 === true) {
    return fail(
      'BAD_ID_NUMBER',
      READ_FAILED_MESSAGE,
      `ID number field holds a ${id.value.legacy15 ? 'legacy 15-digit' : id.value.kind} number, not an 18-digit resident ID`,
    );
  }
  return {
    ok: true,
    card: {
      name: f.name,
      sex,
      nation,
      birthDate: birthDate!,
      address: f.address,
      idNumber: id.value.number,
      issuer: f.issuer,
      validFrom: validFrom!,
      validTo: validTo!,
      photoWlt: photoWlt.slice(),
    },
  };
}

/** What may be logged about a card: masked name and number, nothing else personal. */
export interface MaskedCard {
  /** 张*三 */
  name: string;
  /** 110***********002X */
  idNumber: string;
  validTo: string;
  photoBytes: number;
}

/**
 * The card reduced to what a log line may hold. Address, birth date, nation, issuer and the photo
 * are left out on purpose: they identify a person as well as the number does.
 */
export function maskedCard(card: ResidentIdCard): MaskedCard {
  return {
    name: maskName(card.name),
    idNumber: maskIdNumber(card.idNumber),
    validTo: card.validTo,
    photoBytes: card.photoWlt.length,
  };
}

/** `YYYYMMDD` → `YYYY-MM-DD`, or `null` when it is not a calendar date. */
function cardDate(s: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m === null) {
    return null;
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return null;
  }
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** Drops the trailing spaces and NULs that pad a field. */
/**
 * The text of a "read new address" answer (`30 03`): UCS-2LE like the base info, padded with
 * spaces or NULs; null when it holds nothing.
 */
export function decodeNewAddress(data: Uint8Array): string | null {
  const text = trimPadding(new TextDecoder('utf-16le').decode(data.subarray(0, data.length & ~1))).trim();
  return text === '' ? null : text;
}

function trimPadding(s: string): string {
  let end = s.length;
  while (end > 0 && (s.charCodeAt(end - 1) === 0x20 || s.charCodeAt(end - 1) === 0x00)) {
    end--;
  }
  return s.slice(0, end);
}

function readU16(data: Uint8Array, at: number): number {
  return (data[at]! << 8) | data[at + 1]!;
}

function fail(code: BaseInfoErrorCode, message: string, detail: string): { ok: false; error: BaseInfoError } {
  return { ok: false, error: { code, message, detail } };
}

function lengthFail(detail: string): { ok: false; error: BaseInfoError } {
  return fail('BAD_LENGTH', READ_FAILED_MESSAGE, detail);
}
