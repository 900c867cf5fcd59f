/**
 * How rows with personal data are written (SPEC SEC-ENC-1..3):
 * - a record that is personal as a whole (a kiosk form, a slip, a use case's stored answer) is
 *   sealed whole (`sealWhole` / `openWhole`);
 * - a record that is not, but carries staff free text (the log's facts, tickets, cases,
 *   follow-ups), keeps its structure in clear and seals only the free-text fields, so SQL can
 *   still filter by status, type or ticket (`stringify` / `parse`).
 *
 * The associated data names the row (`events:42`, `applications:a-…`), so a sealed value does
 * not open anywhere else.
 */
import { DataCipher } from './crypto.ts';

/**
 * Fields that hold what people typed: notes, reasons, the rectification of a bad rating, a
 * citizen's rating comment (MOB-RATE-4).
 */
export const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set([
  'note',
  'reason',
  'cancelReason',
  'rectification',
  'comment',
]);

const SEALED_MARK = '"sm4:v';

export class PiiCodec {
  constructor(readonly cipher: DataCipher) {}

  /** JSON with every non-empty string under a free-text field sealed. */
  stringify(value: unknown, aad: string): string {
    const cipher = this.cipher;
    return JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
      if (typeof v === 'string' && v !== '' && FREE_TEXT_FIELDS.has(key) && !Array.isArray(this))
        return cipher.seal(v, aad);
      return v;
    });
  }

  /** Parses what `stringify` wrote (or plain JSON from before sealing) with the sealed fields opened. */
  parse<T>(text: string, aad: string): T {
    if (!text.includes(SEALED_MARK)) return JSON.parse(text) as T;
    const cipher = this.cipher;
    return JSON.parse(text, (_key, v: unknown) => (DataCipher.isSealed(v) ? cipher.open(v, aad) : v)) as T;
  }

  sealWhole(value: unknown, aad: string): string {
    return this.cipher.sealJson(value, aad);
  }

  openWhole<T>(stored: string, aad: string): T {
    return this.cipher.openJson<T>(stored, aad);
  }
}
