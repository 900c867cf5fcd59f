/**
 * ISO 7816-4 APDUs and the SSSE (社会保障卡) data layout, as pure functions over bytes.
 *
 * The card holds the application `sx1.sh.社会保障` (its name in GBK is the AID). Inside it:
 * - EF05 (SFI 5, 发卡机构数据): rec 03 spec version, rec 05 issue date, rec 06 expiry date,
 *   rec 07 card number;
 * - EF06 (SFI 6, 持卡人基本信息): rec 01 social security number (= ID number), rec 02 name
 *   (30 bytes GBK, zero-padded), then sex and nation, whose record numbers depend on the
 *   generation (2nd and 3rd generation cards insert 姓名扩展 as rec 03).
 * Every record is tag + length + value; tags number the fields across both files (01–0D).
 *
 * Nothing here does I/O; `read-card.ts` drives the exchange through an injected transmit.
 */
import iconv from 'iconv-lite';

/** GBK bytes of "sx1.sh.社会保障", the SSSE application name. */
export const SSSE_AID = Buffer.from('7378312e73682ec9e7bbe1b1a3d5cf', 'hex');

/** The elementary files of the SSSE application that a kiosk reads. */
export const EF05_SFI = 5;
export const EF06_SFI = 6;

/** Card generation (代): from the spec version in EF05 rec 03. */
export type CardGeneration = 1 | 2 | 3;

/** A field of the card: where it is and what tag its record carries. */
export interface RecordLocation {
  sfi: number;
  record: number;
  tag: number;
  /** Expected value length; READ RECORD asks for tag + length + this many bytes. */
  length: number;
}

/** The fields read from every card, whatever its generation. */
export const FIELDS = {
  specVersion: { sfi: EF05_SFI, record: 0x03, tag: 0x03, length: 4 },
  issuedAt: { sfi: EF05_SFI, record: 0x05, tag: 0x05, length: 4 },
  expiresAt: { sfi: EF05_SFI, record: 0x06, tag: 0x06, length: 4 },
  cardNumber: { sfi: EF05_SFI, record: 0x07, tag: 0x07, length: 9 },
  idNumber: { sfi: EF06_SFI, record: 0x01, tag: 0x08, length: 18 },
  name: { sfi: EF06_SFI, record: 0x02, tag: 0x09, length: 30 },
} as const satisfies Record<string, RecordLocation>;

/** Sex and nation move by one record from the 2nd generation on (rec 03 became 姓名扩展). */
export function holderFields(generation: CardGeneration): { sex: RecordLocation; nation: RecordLocation } {
  const base = generation === 1 ? 0x03 : 0x04;
  return {
    sex: { sfi: EF06_SFI, record: base, tag: 0x0a, length: 1 },
    nation: { sfi: EF06_SFI, record: base + 1, tag: 0x0b, length: 1 },
  };
}

// ---------------------------------------------------------------------------------------------
// Commands

/** SELECT by DF name (`00 A4 04 00 Lc name`), the first command after power-on. */
export function selectByName(name: Buffer = SSSE_AID): Buffer {
  if (name.length < 1 || name.length > 16) {
    throw new RangeError('selectByName: a DF name is 1 to 16 bytes');
  }
  return Buffer.concat([Buffer.from([0x00, 0xa4, 0x04, 0x00, name.length]), name]);
}

/**
 * READ RECORD by record number in the file with short identifier `sfi`
 * (`00 B2 record P2 Le`, P2 = SFI << 3 | 4: "record number in P1").
 *
 * @param le - expected response length, 0 meaning "up to 256"
 */
export function readRecord(sfi: number, record: number, le: number): Buffer {
  if (!Number.isInteger(sfi) || sfi < 1 || sfi > 30) {
    throw new RangeError('readRecord: SFI is 1 to 30');
  }
  if (!Number.isInteger(record) || record < 1 || record > 254) {
    throw new RangeError('readRecord: record number is 1 to 254');
  }
  return Buffer.from([0x00, 0xb2, record, (sfi << 3) | 0x04, checkLe(le)]);
}

/** READ RECORD for a known field: tag and length byte plus the value. */
export function readField(field: RecordLocation): Buffer {
  return readRecord(field.sfi, field.record, field.length + 2);
}

/** GET RESPONSE (`00 C0 00 00 Le`), fetching what a T=0 card announced with `61xx`. */
export function getResponse(le: number): Buffer {
  return Buffer.from([0x00, 0xc0, 0x00, 0x00, checkLe(le)]);
}

/**
 * The same command with its Le replaced, as `6Cxx` asks. A command without Le (case 1 or 3)
 * gets one appended.
 */
export function withLe(command: Buffer, le: number): Buffer {
  if (command.length < 4) {
    throw new RangeError('withLe: a command APDU has at least 4 header bytes');
  }
  const hasLe = command.length === 5 || (command.length > 5 && command.length === 5 + command[4]! + 1);
  const body = hasLe ? command.subarray(0, command.length - 1) : command;
  return Buffer.concat([body, Buffer.from([checkLe(le)])]);
}

function checkLe(le: number): number {
  if (!Number.isInteger(le) || le < 0 || le > 256) {
    throw new RangeError('Le is 0 to 256');
  }
  return le & 0xff;
}

// ---------------------------------------------------------------------------------------------
// Responses

/** Why the card refused a command, from its status word. */
export type CardStatusCode = 'NOT_FOUND' | 'PIN_REQUIRED' | 'UNEXPECTED_STATUS' | 'MALFORMED_RESPONSE';

/** What to do with one response APDU. */
export type ResponseStep =
  | { kind: 'done'; data: Buffer }
  /** `61xx`: `data` so far, `le` more bytes to fetch with GET RESPONSE. */
  | { kind: 'get-response'; data: Buffer; le: number }
  /** `6Cxx`: the Le was wrong; send the command again with this one. */
  | { kind: 'resend'; le: number }
  | { kind: 'refused'; code: CardStatusCode; sw: number };

/** Splits a response APDU into data and the status word SW1SW2. */
export function splitResponse(response: Buffer): { data: Buffer; sw: number } | null {
  if (response.length < 2) {
    return null;
  }
  return { data: response.subarray(0, -2), sw: response.readUInt16BE(response.length - 2) };
}

/**
 * Decides what a response means. `6A82` (file or application not found, also `6A83` record
 * not found) and `6982` (security status not satisfied: the card wants VERIFY PIN first) are
 * refusals a reader must explain; any other non-9000 status is unexpected.
 */
export function interpretResponse(response: Buffer): ResponseStep {
  const parts = splitResponse(response);
  if (parts === null) {
    return { kind: 'refused', code: 'MALFORMED_RESPONSE', sw: 0 };
  }
  const { data, sw } = parts;
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  if (sw === 0x9000) {
    return { kind: 'done', data };
  }
  if (sw1 === 0x61) {
    return { kind: 'get-response', data, le: sw2 === 0 ? 256 : sw2 };
  }
  if (sw1 === 0x6c) {
    return { kind: 'resend', le: sw2 === 0 ? 256 : sw2 };
  }
  if (sw === 0x6a82 || sw === 0x6a83) {
    return { kind: 'refused', code: 'NOT_FOUND', sw };
  }
  if (sw === 0x6982) {
    return { kind: 'refused', code: 'PIN_REQUIRED', sw };
  }
  return { kind: 'refused', code: 'UNEXPECTED_STATUS', sw };
}

/** Formats a status word for logs: `6A82`. */
export function formatSw(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

// ---------------------------------------------------------------------------------------------
// Records

/** One record's tag and value. */
export interface TlvRecord {
  tag: number;
  value: Buffer;
}

/**
 * Parses a record as tag (1 byte) + length (1 byte) + value. Bytes past the value are
 * ignored (some cards pad records to a fixed size); a record shorter than its length is
 * malformed.
 */
export function parseRecord(bytes: Buffer): TlvRecord | null {
  if (bytes.length < 2) {
    return null;
  }
  const tag = bytes[0]!;
  const length = bytes[1]!;
  if (bytes.length < 2 + length) {
    return null;
  }
  return { tag, value: bytes.subarray(2, 2 + length) };
}

/** Builds a record (the inverse of {@link parseRecord}), for fixtures and the fake card. */
export function buildRecord(tag: number, value: Buffer): Buffer {
  if (value.length > 255) {
    throw new RangeError('buildRecord: a value is at most 255 bytes');
  }
  return Buffer.concat([Buffer.from([tag, value.length]), value]);
}

// ---------------------------------------------------------------------------------------------
// Field decoders: each returns null for a value it cannot make sense of.

/** Text fields (an): ASCII, padded with spaces, NULs or FFs. */
export function decodeText(value: Buffer): string {
  return stripPadding(value).toString('latin1').trim();
}

/**
 * The holder's name: GBK, zero-padded to 30 bytes. Cut at the first NUL, since some issuers
 * left stale bytes after it; a GBK trail byte is never 0x00, so no character is split.
 */
export function decodeName(value: Buffer): string {
  const nul = value.indexOf(0x00);
  return iconv.decode(stripPadding(nul === -1 ? value : value.subarray(0, nul)), 'gbk').trim();
}

/** '2.00' and '3.00' are the 2nd and 3rd generation; anything else is read as the 1st. */
export function generationFromVersion(version: string): CardGeneration {
  const v = version.trim();
  if (v.startsWith('3.')) {
    return 3;
  }
  if (v.startsWith('2.')) {
    return 2;
  }
  return 1;
}

/** A BCD date YYYYMMDD (4 bytes) as `YYYY-MM-DD`; null for padding (FF…) or an impossible date. */
export function decodeBcdDate(value: Buffer): string | null {
  if (value.length !== 4) {
    return null;
  }
  const digits = decodeBcd(value);
  if (digits === null) {
    return null;
  }
  const y = Number(digits.slice(0, 4));
  const m = Number(digits.slice(4, 6));
  const d = Number(digits.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return null;
  }
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
}

/** Packed BCD digits, or null when a nibble is not 0–9. */
export function decodeBcd(value: Buffer): string | null {
  let out = '';
  for (const byte of value) {
    const hi = byte >> 4;
    const lo = byte & 0x0f;
    if (hi > 9 || lo > 9) {
      return null;
    }
    out += `${hi}${lo}`;
  }
  return out;
}

/**
 * Sex (GB/T 2261.1): `'1'` 男, `'2'` 女, written as an ASCII digit; a few issuers wrote the
 * binary value, which is accepted too. Other codes (0 unknown, 9 unstated) give null.
 */
export function decodeSex(value: Buffer): 'M' | 'F' | null {
  if (value.length < 1) {
    return null;
  }
  const b = value[0]!;
  if (b === 0x31 || b === 0x01) {
    return 'M';
  }
  if (b === 0x32 || b === 0x02) {
    return 'F';
  }
  return null;
}

/**
 * Nation (民族, GB 3304): a 2-digit code, stored as one BCD byte (`01` 汉族) or as ASCII
 * digits. Null when neither.
 */
export function decodeNation(value: Buffer): string | null {
  const text = decodeText(value);
  if (/^\d{2}$/.test(text)) {
    return text;
  }
  if (value.length === 1) {
    return decodeBcd(value);
  }
  return null;
}

function stripPadding(value: Buffer): Buffer {
  let end = value.length;
  while (end > 0 && (value[end - 1] === 0x00 || value[end - 1] === 0xff || value[end - 1] === 0x20)) {
    end--;
  }
  return value.subarray(0, end);
}
