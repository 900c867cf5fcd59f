/**
 * Encoder of base-info blocks: FOR TESTS AND THE SIMULATOR ONLY. A kiosk never writes cards;
 * production code imports base-info.ts, never this file.
 *
 * Written separately from the decoder so that tests check one against the other and against
 * hand-made fixture bytes.
 */

import {
  BASE_INFO_FIELDS,
  BASE_INFO_PHOTO_BYTES,
  BASE_INFO_TEXT_BYTES,
  type BaseInfoTextFields,
  NATION_BY_CODE,
  type ResidentIdCard,
  SEX_BY_CODE,
  VALID_FOREVER,
} from './base-info.ts';

/**
 * Lays out raw field strings in a 256-byte UCS-2LE text block, each padded with spaces as cards
 * are (pass `pad: 0` for NUL padding).
 *
 * @throws RangeError when a field does not fit its size
 */
export function encodeBaseInfoFields(
  fields: Partial<BaseInfoTextFields>,
  options: { pad?: 0x20 | 0x00 } = {},
): Uint8Array {
  const pad = options.pad ?? 0x20;
  const text = new Uint8Array(BASE_INFO_TEXT_BYTES);
  let at = 0;
  for (const [name, size] of BASE_INFO_FIELDS) {
    const value = fields[name] ?? '';
    const bytes = ucs2le(value);
    if (bytes.length > size) {
      throw new RangeError(`field ${name} needs ${bytes.length} bytes, has ${size}`);
    }
    text.set(bytes, at);
    for (let i = at + bytes.length; i < at + size; i += 2) {
      text[i] = pad;
      text[i + 1] = 0x00;
    }
    at += size;
  }
  return text;
}

/**
 * The text block a real card holding `card` would return (codes and YYYYMMDD dates).
 *
 * @throws RangeError when the sex or nation has no code, or a field does not fit
 */
export function encodeBaseInfoText(card: ResidentIdCard): Uint8Array {
  return encodeBaseInfoFields({
    name: card.name,
    sex: codeOf(SEX_BY_CODE, card.sex, 'sex'),
    nation: codeOf(NATION_BY_CODE, card.nation, 'nation'),
    birthDate: compactDate(card.birthDate),
    address: card.address,
    idNumber: card.idNumber,
    issuer: card.issuer,
    validFrom: compactDate(card.validFrom),
    validTo: card.validTo === VALID_FOREVER ? VALID_FOREVER : compactDate(card.validTo),
  });
}

/**
 * DATA of a read-base-info answer: `text length | photo length | text | photo`, plus the
 * fingerprint length and block when `fingerprint` is given (command `30 10`).
 */
export function encodeBaseInfoData(
  text: Uint8Array,
  photo: Uint8Array,
  fingerprint?: Uint8Array,
): Uint8Array {
  const lengths =
    fingerprint === undefined ? [text.length, photo.length] : [text.length, photo.length, fingerprint.length];
  const blocks = fingerprint === undefined ? [text, photo] : [text, photo, fingerprint];
  const out = new Uint8Array(lengths.length * 2 + blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const n of lengths) {
    out[at++] = n >> 8;
    out[at++] = n & 0xff;
  }
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** A deterministic 1024-byte stand-in for a WLT photo (not a decodable image). */
export function fakePhotoWlt(seed = 1): Uint8Array {
  const photo = new Uint8Array(BASE_INFO_PHOTO_BYTES);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < photo.length; i++) {
    // xorshift32: bytes that look random without depending on Math.random.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    photo[i] = x & 0xff;
  }
  return photo;
}

/** Sample cards with valid ID numbers, for the simulator and tests. Fictitious people. */
export const SAMPLE_CARDS = {
  /** Born 1949, card valid 长期: a senior. */
  senior: {
    name: '张秀三',
    sex: '女',
    nation: '汉',
    birthDate: '1949-12-31',
    address: '北京市朝阳区建国路88号院3号楼2单元501室',
    idNumber: '11010519491231002X',
    issuer: '北京市公安局朝阳分局',
    validFrom: '2010-05-20',
    validTo: VALID_FOREVER,
    photoWlt: fakePhotoWlt(1949),
  },
  /** Born 1999 in Shenzhen, a 20-year card. */
  young: {
    name: '李明',
    sex: '男',
    nation: '壮',
    birthDate: '1999-01-10',
    address: '广东省深圳市南山区科技园南区深南大道9988号',
    idNumber: '440308199901101512',
    issuer: '深圳市公安局南山分局',
    validFrom: '2017-03-01',
    validTo: '2037-03-01',
    photoWlt: fakePhotoWlt(1999),
  },
} as const satisfies Record<string, ResidentIdCard>;

function ucs2le(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 * i] = c & 0xff;
    out[2 * i + 1] = c >> 8;
  }
  return out;
}

function compactDate(iso: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    throw new RangeError('dates must be YYYY-MM-DD');
  }
  return iso.replaceAll('-', '');
}

function codeOf(table: Readonly<Record<string, string>>, value: string, what: string): string {
  const code = Object.keys(table).find((k) => table[k] === value);
  if (code === undefined) {
    throw new RangeError(`no ${what} code for this value`);
  }
  return code;
}
