/**
 * The TOTP second factor (RFC 6238 as authenticator apps use it: SHA-1, 6 digits, 30 s) through
 * otplib. Time comes from the service's clock, never the wall; a code one step early or late is
 * accepted (clock drift of a phone), and each time step only once (`afterStep`).
 */
import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';

export const TOTP_PERIOD_S = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

/** The `otpauth://totp/…` URI an authenticator app scans. */
export function totpUri(secret: string, account: string, issuer = 'OneWindow 一窗通办'): string {
  return generateURI({ issuer, label: account, secret });
}

/** The code for `atMs` (tests and the demo's documentation use it). */
export function totpCode(secret: string, atMs: number): string {
  return generateSync({ secret, epoch: Math.floor(atMs / 1000) });
}

/** The time step a valid code belongs to, or null (wrong, malformed, or a step not after `afterStep`). */
export function verifyTotp(
  secret: string,
  code: string,
  atMs: number,
  afterStep: number | null,
): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const r = verifySync({
      secret,
      token: code,
      epoch: Math.floor(atMs / 1000),
      epochTolerance: TOTP_PERIOD_S,
      ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
    });
    return r.valid && 'timeStep' in r ? r.timeStep : null;
  } catch {
    return null;
  }
}
