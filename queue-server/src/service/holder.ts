import { createHmac, randomBytes } from 'node:crypto';

/**
 * An opaque per-person reference (Q-PRI-3): the same ID number always maps to the same value,
 * which reveals nothing without the secret. One function for every use case (tickets, bookings,
 * the kiosk's one-ticket rule, the counter's card check).
 */
export function holderRefs(secret: string): (idNumber: string) => string {
  return (idNumber) =>
    createHmac('sha256', secret).update(idNumber.trim().toUpperCase()).digest('base64url').slice(0, 22);
}

/** The holder secret kept in the hall's meta when the environment gives none (ONEWINDOW_SECRET). */
export function ensureHolderSecret(meta: {
  meta(key: string): string | undefined;
  putMeta(key: string, value: string): void;
}): string {
  const existing = meta.meta('holderSecret');
  if (existing) return existing;
  const secret = randomBytes(32).toString('base64url');
  meta.putMeta('holderSecret', secret);
  return secret;
}
