/**
 * How the auth service keeps a secret it must read back (a TOTP seed): sealed by a box it is
 * given. The hall's data cipher (security/crypto.ts `DataCipher`, keys outside the database)
 * has this shape; `aesGcmBox` is the stand-in with a key the caller holds.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface SecretBox {
  /** Seals `plain` for the row named by `aad` (a sealed value opens only with the same `aad`). */
  seal(plain: string, aad: string): string;
  /** Opens what `seal` wrote; throws when the key, the text or the `aad` does not match. */
  open(sealed: string, aad: string): string;
}

const PREFIX = 'aes256gcm:';

/** AES-256-GCM with a 32-byte key; a sealed value is `aes256gcm:<base64 iv|tag|ciphertext>`. */
export function aesGcmBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('an AES-256 key has 32 bytes');
  return {
    seal(plain, aad) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(Buffer.from(aad, 'utf8'));
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `${PREFIX}${Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64')}`;
    },
    open(sealed, aad) {
      if (!sealed.startsWith(PREFIX)) throw new Error('not an aes256gcm sealed value');
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
      if (raw.length < 28) throw new Error('sealed value too short');
      const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      d.setAAD(Buffer.from(aad, 'utf8'));
      d.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

/** A box whose key lives only in this process (tests, and until the hall's key file is wired in). */
export function processSecretBox(): SecretBox {
  return aesGcmBox(randomBytes(32));
}
