/**
 * Sealing of personal fields at rest (SPEC SEC-ENC-1..3) with the national algorithms GB/T 39786
 * expects: SM4 in CTR mode for confidentiality and HMAC-SM3 over version, IV, ciphertext and
 * the row it belongs to for integrity (encrypt-then-MAC; Node's OpenSSL has no SM4-GCM).
 *
 * A sealed value is text: `sm4:v<version>:<base64 iv|ciphertext|tag>`. The associated data (the
 * table and row, e.g. `applications:a-…`) is not stored in the seal but must be given to open
 * it, so a sealed value copied onto another row does not open.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import type { HallKeys } from './keys.ts';

const PREFIX = 'sm4:v';
const IV = 16;
const TAG = 32;

interface DerivedKey {
  enc: Buffer;
  mac: Buffer;
}

/** A sealed value did not open: wrong key, damaged text, or a value moved from another row. */
export class SealError extends Error {
  override name = 'SealError';
}

export class DataCipher {
  private readonly derived = new Map<number, DerivedKey>();

  constructor(private readonly keys: Pick<HallKeys, 'data' | 'current'>) {
    for (const [v, k] of keys.data)
      this.derived.set(v, {
        enc: Buffer.from(hkdfSync('sm3', k, '', 'onewindow sm4 enc', 16)),
        mac: Buffer.from(hkdfSync('sm3', k, '', 'onewindow hmac-sm3', 32)),
      });
  }

  /** The data key version new seals use. */
  get currentVersion(): number {
    return this.keys.current;
  }

  seal(plain: string, aad: string): string {
    const v = this.keys.current;
    const k = this.derived.get(v)!;
    const iv = randomBytes(IV);
    const c = createCipheriv('sm4-ctr', k.enc, iv);
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    const tag = mac(k.mac, v, iv, ct, aad);
    return `${PREFIX}${v}:${Buffer.concat([iv, ct, tag]).toString('base64')}`;
  }

  open(sealed: string, aad: string): string {
    const m = /^sm4:v(\d+):([A-Za-z0-9+/]*={0,2})$/.exec(sealed);
    if (m === null) throw new SealError('not a sealed value');
    const v = Number(m[1]);
    const k = this.derived.get(v);
    if (k === undefined) throw new SealError(`no data key version ${v} in the key file`);
    const raw = Buffer.from(m[2]!, 'base64');
    if (raw.length < IV + TAG) throw new SealError('sealed value too short');
    const iv = raw.subarray(0, IV);
    const ct = raw.subarray(IV, raw.length - TAG);
    const tag = raw.subarray(raw.length - TAG);
    if (!timingSafeEqual(tag, mac(k.mac, v, iv, ct, aad)))
      throw new SealError('sealed value fails its integrity check (wrong key, damage, or another row)');
    const d = createDecipheriv('sm4-ctr', k.enc, iv);
    return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
  }

  /** The data key version a value is sealed under, or null when it is not sealed. */
  static versionOf(value: string): number | null {
    const m = /^sm4:v(\d+):/.exec(value);
    return m === null ? null : Number(m[1]);
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  /** Seals `value` as JSON. */
  sealJson(value: unknown, aad: string): string {
    return this.seal(JSON.stringify(value), aad);
  }

  /** Opens JSON sealed by {@link sealJson}; plain JSON written before sealing existed reads as is. */
  openJson<T>(stored: string, aad: string): T {
    return JSON.parse(DataCipher.isSealed(stored) ? this.open(stored, aad) : stored) as T;
  }
}

function mac(key: Buffer, version: number, iv: Buffer, ct: Buffer, aad: string): Buffer {
  const h = createHmac('sm3', key);
  h.update(`v${version}|`);
  h.update(iv);
  h.update(ct);
  h.update(`|${aad}`);
  return h.digest();
}
