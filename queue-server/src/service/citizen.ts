/**
 * What online booking and online forms (SPEC MOB-*) need of the citizen behind a phone request:
 * `Hall.citizenOf` builds it from the signed-in citizen's principal (SMS code, then the ID number,
 * MOB-AUTH-*), so these services depend on this shape only, not on how the citizen signed in.
 */
import { randomInt } from 'node:crypto';

export interface Citizen {
  /** The keyed hash of the ID number (CommandGateway.holderRef): the kiosk's holder too. */
  holderRef: string;
  /** The ID number masked (110***********1234), for staff screens. */
  holderMasked: string;
  /** A senior by the ID number's birth date today (Q-PRI-2): an on-time booking keeps the class. */
  senior: boolean;
  /** The mobile number the citizen signed in with (verified by the SMS code). */
  phone: string;
}

/** Letters and digits a citizen cannot confuse when reading a code aloud (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A random code: `prefix` then `length` characters (31^7 ≈ 2.8e10: not guessable one by one). */
export function randomCode(prefix: string, length = 7): string {
  let s = prefix;
  for (let i = 0; i < length; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}
