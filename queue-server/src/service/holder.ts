import { createHmac } from 'node:crypto';
import { parseIdNumber } from '@onewindow/shared';
import type { HallKeys } from '../security/keys.ts';

/**
 * The one normalised form of an identity number (SPEC SEC-KEY-4): what `parseIdNumber` makes of
 * it (no spaces, half-width, upper case, a legacy 15-digit resident ID upgraded to 18 digits),
 * or, for a number it does not recognise, the same without the validation.
 */
export function normalizeIdNumber(idNumber: string): string {
  const parsed = parseIdNumber(idNumber);
  if (parsed.ok) return parsed.value.number;
  return idNumber.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/**
 * An opaque per-person reference (Q-PRI-3): every spelling of one person's number maps to the
 * same value, which reveals nothing without the holder key. One function for every use case
 * (tickets, bookings, the kiosk's one-ticket rule, the counter's card check).
 */
export function holderRefs(keys: Pick<HallKeys, 'holder' | 'holderAlg'>): (idNumber: string) => string {
  return (idNumber) =>
    createHmac(keys.holderAlg, keys.holder)
      .update(normalizeIdNumber(idNumber))
      .digest('base64url')
      .slice(0, 22);
}
