/**
 * Reads a social security card through any transmit function: the PC/SC binding in
 * production, the in-memory fake card in unit tests. T=0 status handling (61xx, 6Cxx) is
 * done here rather than by the binding, so it behaves the same on every reader.
 */
import { parseIdNumber } from '@onewindow/shared';
import {
  type CardGeneration,
  type CardStatusCode,
  decodeBcdDate,
  decodeName,
  decodeNation,
  decodeSex,
  decodeText,
  FIELDS,
  formatSw,
  generationFromVersion,
  getResponse,
  holderFields,
  interpretResponse,
  parseRecord,
  type RecordLocation,
  readField,
  selectByName,
  withLe,
} from './apdu.ts';

/** Sends one command APDU and resolves with the response APDU (data + SW1 SW2). */
export type Transmit = (command: Buffer) => Promise<Buffer>;

/** What a kiosk learns from a social security card. */
export interface SocialSecurityCard {
  /** 卡号, 9 characters, printed on the card. */
  cardNumber: string;
  /** 社会保障号码: the holder's ID number, validated and normalized. */
  idNumber: string;
  name: string;
  /** From the card's sex field (GB/T 2261.1); null when the card says "unknown". */
  sex: 'M' | 'F' | null;
  /** Nation code (GB 3304, `01` 汉族), null when absent. */
  nation: string | null;
  generation: CardGeneration;
  /** As written on the card, e.g. `3.00`. */
  specVersion: string;
  /** `YYYY-MM-DD`, null when the card has none. */
  issuedAt: string | null;
  /** `YYYY-MM-DD`, null when the card has none (or says "long-term"). */
  expiresAt: string | null;
}

/** Why a card could not be read. */
export type SscReadErrorCode =
  | 'NOT_SSC'
  | 'PIN_REQUIRED'
  | 'RECORD_NOT_FOUND'
  | 'BAD_RECORD'
  | 'BAD_ID_NUMBER'
  | 'CARD_STATUS'
  | 'TRANSMIT_FAILED';

/** A refusal: `message` is for the citizen, `detail` for logs (never contains card data). */
export interface SscReadError {
  code: SscReadErrorCode;
  message: string;
  detail: string;
}

export type SscReadResult = { ok: true; card: SocialSecurityCard } | { ok: false; error: SscReadError };

/** Result of one command, after GET RESPONSE and Le correction. */
export type ExchangeResult = { ok: true; data: Buffer } | { ok: false; code: CardStatusCode; sw: number };

// A well-behaved card needs at most a few GET RESPONSEs for our short records; the bound
// only stops a broken card from keeping the reader busy forever.
const MAX_STEPS = 16;

/**
 * Sends `command` and follows the card's T=0 status words: `61xx` is answered with GET
 * RESPONSE (data accumulated), `6Cxx` by sending the last command again with Le = xx (once
 * per command: a card that keeps asking is broken).
 */
export async function exchange(transmit: Transmit, command: Buffer): Promise<ExchangeResult> {
  const chunks: Buffer[] = [];
  let current = command;
  let resent = false;
  for (let step = 0; step < MAX_STEPS; step++) {
    const outcome = interpretResponse(await transmit(current));
    switch (outcome.kind) {
      case 'done':
        chunks.push(outcome.data);
        return { ok: true, data: Buffer.concat(chunks) };
      case 'get-response':
        chunks.push(outcome.data);
        current = getResponse(outcome.le);
        resent = false;
        break;
      case 'resend':
        if (resent) {
          return { ok: false, code: 'UNEXPECTED_STATUS', sw: 0x6c00 | (outcome.le & 0xff) };
        }
        resent = true;
        current = withLe(current, outcome.le);
        break;
      case 'refused':
        return { ok: false, code: outcome.code, sw: outcome.sw };
    }
  }
  return { ok: false, code: 'UNEXPECTED_STATUS', sw: 0x6100 };
}

/** Options of {@link readSocialSecurityCard}. */
export interface ReadCardOptions {
  /** `YYYY-MM-DD`: ID numbers with a birth date after it are refused. */
  today?: string;
}

const MESSAGES: Readonly<Record<SscReadErrorCode, string>> = {
  NOT_SSC: '这不是社会保障卡，请插入社会保障卡',
  PIN_REQUIRED: '此社会保障卡需要验证密码后才能读取，请到服务窗口办理',
  RECORD_NOT_FOUND: '无法读取社会保障卡信息，请到服务窗口办理',
  BAD_RECORD: '社会保障卡信息无法识别，请到服务窗口办理',
  BAD_ID_NUMBER: '社会保障卡中的证件号码无效，请到服务窗口办理',
  CARD_STATUS: '读卡失败，请重新插卡',
  TRANSMIT_FAILED: '读卡失败，请重新插卡',
};

/** The Chinese message for an error code, for drivers that report their own failures. */
export function sscErrorMessage(code: SscReadErrorCode): string {
  return MESSAGES[code];
}

class ReadFailure extends Error {
  constructor(
    readonly code: SscReadErrorCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/**
 * Selects the SSSE application and reads the holder's fields. Never throws: a transmit
 * failure (card pulled out, reader gone) becomes `TRANSMIT_FAILED` with the binding's message.
 */
export async function readSocialSecurityCard(
  transmit: Transmit,
  opts: ReadCardOptions = {},
): Promise<SscReadResult> {
  try {
    return { ok: true, card: await readFields(transmit, opts) };
  } catch (err) {
    if (err instanceof ReadFailure) {
      return { ok: false, error: { code: err.code, message: MESSAGES[err.code], detail: err.detail } };
    }
    const detail = `transmit failed: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, error: { code: 'TRANSMIT_FAILED', message: MESSAGES.TRANSMIT_FAILED, detail } };
  }
}

async function readFields(transmit: Transmit, opts: ReadCardOptions): Promise<SocialSecurityCard> {
  const selected = await exchange(transmit, selectByName());
  if (!selected.ok) {
    if (selected.code === 'NOT_FOUND') {
      throw new ReadFailure('NOT_SSC', `SELECT SSSE: application not found (SW ${formatSw(selected.sw)})`);
    }
    throw statusFailure('SELECT SSSE', selected);
  }

  const specVersion = decodeText(await readRequired(transmit, FIELDS.specVersion, 'spec version'));
  const generation = generationFromVersion(specVersion);
  const cardNumber = decodeText(await readRequired(transmit, FIELDS.cardNumber, 'card number'));
  if (!/^[0-9A-Z]{6,20}$/.test(cardNumber)) {
    throw new ReadFailure('BAD_RECORD', 'EF05 rec 07: card number is not 6-20 digits or capital letters');
  }
  const issued = await readOptional(transmit, FIELDS.issuedAt, 'issue date');
  const expires = await readOptional(transmit, FIELDS.expiresAt, 'expiry date');

  const idText = decodeText(await readRequired(transmit, FIELDS.idNumber, 'ID number'));
  const id = parseIdNumber(idText, opts.today === undefined ? {} : { today: opts.today });
  if (!id.ok) {
    throw new ReadFailure('BAD_ID_NUMBER', `EF06 rec 01: ${id.error.code}: ${id.error.detail}`);
  }
  const name = decodeName(await readRequired(transmit, FIELDS.name, 'name'));
  if (name === '') {
    throw new ReadFailure('BAD_RECORD', 'EF06 rec 02: name is empty');
  }
  const { sex, nation } = holderFields(generation);
  const sexValue = await readOptional(transmit, sex, 'sex');
  const nationValue = await readOptional(transmit, nation, 'nation');

  return {
    cardNumber,
    idNumber: id.value.number,
    name,
    sex: sexValue === null ? null : decodeSex(sexValue),
    nation: nationValue === null ? null : decodeNation(nationValue),
    generation,
    specVersion,
    issuedAt: issued === null ? null : decodeBcdDate(issued),
    expiresAt: expires === null ? null : decodeBcdDate(expires),
  };
}

async function readRequired(transmit: Transmit, field: RecordLocation, what: string): Promise<Buffer> {
  const value = await readOptional(transmit, field, what);
  if (value === null) {
    throw new ReadFailure('RECORD_NOT_FOUND', `${where(field)} (${what}): record not found`);
  }
  return value;
}

/** A field's value, or null when the card does not have that record. */
async function readOptional(transmit: Transmit, field: RecordLocation, what: string): Promise<Buffer | null> {
  const result = await exchange(transmit, readField(field));
  if (!result.ok) {
    if (result.code === 'NOT_FOUND') {
      return null;
    }
    throw statusFailure(`${where(field)} (${what})`, result);
  }
  const record = parseRecord(result.data);
  if (record === null) {
    throw new ReadFailure('BAD_RECORD', `${where(field)} (${what}): record shorter than its length byte`);
  }
  if (record.tag !== field.tag) {
    throw new ReadFailure(
      'BAD_RECORD',
      `${where(field)} (${what}): tag ${hex(record.tag)}, expected ${hex(field.tag)}`,
    );
  }
  return record.value;
}

function statusFailure(what: string, result: { code: CardStatusCode; sw: number }): ReadFailure {
  if (result.code === 'PIN_REQUIRED') {
    return new ReadFailure(
      'PIN_REQUIRED',
      `${what}: security status not satisfied (SW 6982), the card requires VERIFY PIN first`,
    );
  }
  if (result.code === 'MALFORMED_RESPONSE') {
    // No status word at all: the card left the field mid-command (pulled out, or the contact
    // lost), which a reader reports as an empty answer rather than an error.
    return new ReadFailure(
      'TRANSMIT_FAILED',
      `${what}: the card answered without a status word (pulled out or lost contact)`,
    );
  }
  return new ReadFailure('CARD_STATUS', `${what}: ${result.code} (SW ${formatSw(result.sw)})`);
}

function where(field: RecordLocation): string {
  return `EF${String(field.sfi).padStart(2, '0')} rec ${String(field.record).padStart(2, '0')}`;
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
