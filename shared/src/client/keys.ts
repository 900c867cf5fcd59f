/**
 * A fresh idempotency key for one attempt at a command (a retry of the same attempt reuses it).
 * `crypto.getRandomValues` works on plain http too (a hall LAN), where `crypto.randomUUID`
 * does not exist.
 */
export function newIdempotencyKey(prefix = ''): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `${prefix}${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
