import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upgradeLegacyId } from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import { holderRefs, normalizeIdNumber } from '../service/holder.ts';
import { DataCipher, SealError } from './crypto.ts';
import {
  generateKeys,
  KeyError,
  keyFingerprint,
  parseKeys,
  readKeyFile,
  serializeKeys,
  writeKeyFile,
} from './keys.ts';

describe('holder references (SPEC SEC-KEY-4)', () => {
  const keys = generateKeys();
  const ref = holderRefs(keys);
  const id15 = '110105491231002';
  const id18 = upgradeLegacyId(id15);

  it('SEC-KEY-4 every spelling of one person gives one reference', () => {
    const spellings = [
      id18,
      id18.toLowerCase(),
      ` ${id18.slice(0, 6)} ${id18.slice(6, 14)} ${id18.slice(14)} `,
      id18.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
      id15,
      `${id15.slice(0, 6)} ${id15.slice(6)}`,
    ];
    expect(new Set(spellings.map(normalizeIdNumber))).toEqual(new Set([id18]));
    expect(new Set(spellings.map(ref)).size).toBe(1);
    expect(ref('440308199901101512')).not.toBe(ref(id18));
  });

  it('SEC-KEY-4 another key gives other references (nothing without the key)', () => {
    expect(holderRefs(generateKeys())(id18)).not.toBe(ref(id18));
  });
});

describe('sealing (SPEC SEC-ENC-1)', () => {
  const cipher = new DataCipher(generateKeys());

  it('SEC-ENC-1 seals with SM4 and opens only with the same key and row', () => {
    const sealed = cipher.seal('张三丰 13812345678', 'applications:a-1');
    expect(sealed).toMatch(/^sm4:v1:/);
    expect(sealed).not.toContain('张三丰');
    expect(cipher.open(sealed, 'applications:a-1')).toBe('张三丰 13812345678');
    expect(cipher.seal('x', 'r')).not.toBe(cipher.seal('x', 'r'));
    expect(() => cipher.open(sealed, 'applications:a-2')).toThrow(SealError);
    expect(() => new DataCipher(generateKeys()).open(sealed, 'applications:a-1')).toThrow(SealError);
    const raw = Buffer.from(sealed.slice(7), 'base64');
    raw[20] = raw[20]! ^ 1;
    expect(() => cipher.open(`sm4:v1:${raw.toString('base64')}`, 'applications:a-1')).toThrow(/integrity/);
  });
});

describe('the key file (SPEC SEC-KEY-1)', () => {
  it('SEC-KEY-1 is written 0600, never overwritten by a new hall, and read back the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onewindow-keys-'));
    try {
      const path = join(dir, 'hall.keys');
      const keys = generateKeys();
      writeKeyFile(path, keys, { exclusive: true });
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(() => writeKeyFile(path, generateKeys(), { exclusive: true })).toThrow(KeyError);
      expect(keyFingerprint(readKeyFile(path))).toBe(keyFingerprint(keys));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SEC-KEY-1 refuses malformed keys with a precise message', () => {
    const good = JSON.parse(serializeKeys(generateKeys())) as Record<string, unknown>;
    expect(() => parseKeys('{', 'env')).toThrow(/not valid JSON/);
    expect(() => parseKeys(JSON.stringify({ ...good, format: 'x' }), 'env')).toThrow(/format/);
    expect(() => parseKeys(JSON.stringify({ ...good, holder: 'AA==' }), 'env')).toThrow(/at least 16 bytes/);
    expect(() => parseKeys(JSON.stringify({ ...good, current: 7 }), 'env')).toThrow(/current/);
    expect(() => parseKeys(JSON.stringify({ ...good, data: { 1: 'AA==' } }), 'env')).toThrow(/32 bytes/);
  });
});
