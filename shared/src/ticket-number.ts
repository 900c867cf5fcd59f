/**
 * Ticket numbers (A001): a letter prefix per queue category and a zero-padded daily sequence.
 * Prefix and width are hall settings (DOMAIN.md "Queue conventions").
 */

/** A ticket number split into its parts. */
export interface ParsedTicketNumber {
  /** Upper-case letters, '' for halls that use bare numbers. */
  prefix: string;
  /** The daily sequence, 1 or more. */
  seq: number;
}

/**
 * Formats a ticket number: `formatTicketNumber('A', 1)` → 'A001', `formatTicketNumber('', 12, 4)` → '0012'.
 *
 * Throws rather than widening or wrapping on overflow, because the right reaction (open a
 * new prefix, refuse tickets, call the guide desk) is a hall decision the caller makes.
 *
 * @param prefix - upper-case letters A–Z, possibly ''
 * @param seq - integer from 1 to 10^digits − 1
 * @param digits - zero-padded width, integer from 1 to 15
 * @throws RangeError when `seq` is below 1 or does not fit in `digits` digits, or an argument is malformed
 */
export function formatTicketNumber(prefix: string, seq: number, digits = 3): string {
  if (!/^[A-Z]*$/.test(prefix)) {
    throw new RangeError('ticket prefix must be upper-case letters A-Z (or empty)');
  }
  // Beyond 15 digits 10 ** digits is no longer an exact integer.
  if (!Number.isInteger(digits) || digits < 1 || digits > 15) {
    throw new RangeError(`digits must be an integer from 1 to 15, got ${digits}`);
  }
  if (!Number.isInteger(seq) || seq < 1) {
    throw new RangeError(`ticket sequence must be an integer of at least 1, got ${seq}`);
  }
  if (seq >= 10 ** digits) {
    throw new RangeError(`ticket sequence ${seq} does not fit in ${digits} digits`);
  }
  return prefix + String(seq).padStart(digits, '0');
}

/**
 * Reads a ticket number back ('A001' → `{ prefix: 'A', seq: 1 }`), e.g. from a scanned slip
 * or a clerk's entry. Surrounding whitespace is ignored and letters are upper-cased.
 *
 * @returns `null` when it is not letters followed by digits, or the sequence is 0
 */
export function parseTicketNumber(s: string): ParsedTicketNumber | null {
  const m = /^([A-Z]*)(\d{1,15})$/.exec(s.trim().toUpperCase());
  if (m === null) {
    return null;
  }
  const seq = Number(m[2]);
  return seq >= 1 ? { prefix: m[1]!, seq } : null;
}

const SPOKEN_DIGITS = ['零', '幺', '二', '三', '四', '五', '六', '七', '八', '九'] as const;

/**
 * The Mandarin reading of a ticket number for the voice call: letters as they are, each digit
 * read singly, with 1 as 幺 and 0 as 零 ('A012' → 'A零幺二'), as halls read them so that
 * 一 and 七 are not confused over a loudspeaker.
 *
 * @throws RangeError when the number contains anything but letters and digits
 */
export function spokenTicketNumber(number: string): string {
  if (!/^[A-Za-z0-9]+$/.test(number)) {
    throw new RangeError('ticket number must be letters and digits only');
  }
  return number.toUpperCase().replace(/\d/g, (d) => SPOKEN_DIGITS[Number(d)]!);
}
