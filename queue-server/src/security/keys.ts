/**
 * The hall's keys (SPEC SEC-KEY-1..5): kept outside the database, in a key file (mode 0600) or
 * the environment, never in the data they protect.
 *
 * - `holder`: the HMAC key of holder references (one person → one opaque reference);
 * - `data`: versioned SM4 data keys that seal personal fields at rest (forms, free-text notes,
 *   slips, a use case's stored answer); `current` seals, every listed version opens.
 *
 * The database keeps only a fingerprint of the holder key and the data key versions it was
 * sealed under, so a key file that does not belong to the database is refused at start instead
 * of silently producing new references and unreadable rows.
 */

import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const KEY_FILE_FORMAT = 'onewindow-keys/1';

export interface HallKeys {
  /** HMAC key of holder references. */
  holder: Buffer;
  /** The HMAC of holder references: SM3 for keys made by this version, SHA-256 for a key imported from before. */
  holderAlg: 'sm3' | 'sha256';
  /** Data keys by version (32 bytes each: SM4 key and MAC key are derived from it). */
  data: ReadonlyMap<number, Buffer>;
  /** The version new seals use. */
  current: number;
}

interface KeyFileJson {
  format: typeof KEY_FILE_FORMAT;
  holder: string;
  holderAlg: 'sm3' | 'sha256';
  data: Record<string, string>;
  current: number;
}

/** A key problem the operator must fix; the message says what and how, Chinese first. */
export class KeyError extends Error {
  override name = 'KeyError';
}

export function generateKeys(): HallKeys {
  return { holder: randomBytes(32), holderAlg: 'sm3', data: new Map([[1, randomBytes(32)]]), current: 1 };
}

/** Reads and checks the keys from JSON text (a key file's content or ONEWINDOW_KEYS). */
export function parseKeys(text: string, source: string): HallKeys {
  let raw: Partial<KeyFileJson>;
  try {
    raw = JSON.parse(text) as Partial<KeyFileJson>;
  } catch {
    throw new KeyError(`密钥文件无法读取 / the keys in ${source} are not valid JSON`);
  }
  if (raw.format !== KEY_FILE_FORMAT)
    throw new KeyError(`密钥文件格式不符 / ${source}: format must be "${KEY_FILE_FORMAT}"`);
  const holder = b64(raw.holder, `${source}: holder`);
  if (holder.length < 16) throw new KeyError(`${source}: the holder key must have at least 16 bytes`);
  if (raw.holderAlg !== 'sm3' && raw.holderAlg !== 'sha256')
    throw new KeyError(`${source}: holderAlg must be "sm3" or "sha256"`);
  const data = new Map<number, Buffer>();
  for (const [v, k] of Object.entries(raw.data ?? {})) {
    const version = Number(v);
    if (!Number.isInteger(version) || version < 1) throw new KeyError(`${source}: data key version ${v}`);
    const key = b64(k, `${source}: data key ${v}`);
    if (key.length !== 32) throw new KeyError(`${source}: data key ${v} must have 32 bytes`);
    data.set(version, key);
  }
  const current = raw.current;
  if (typeof current !== 'number' || !data.has(current))
    throw new KeyError(`${source}: current must name one of the data key versions`);
  return { holder, holderAlg: raw.holderAlg, data, current };
}

export function serializeKeys(keys: HallKeys): string {
  const json: KeyFileJson = {
    format: KEY_FILE_FORMAT,
    holder: keys.holder.toString('base64'),
    holderAlg: keys.holderAlg,
    data: Object.fromEntries([...keys.data].map(([v, k]) => [String(v), k.toString('base64')])),
    current: keys.current,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

export function readKeyFile(path: string): HallKeys {
  if (!existsSync(path))
    throw new KeyError(
      `找不到密钥文件 ${path} / key file ${path} does not exist: give the hall's key file (ONEWINDOW_KEY_FILE), or create a new hall with "init"`,
    );
  return parseKeys(readFileSync(path, 'utf8'), path);
}

/**
 * Writes a key file atomically (temp file, fsync, rename, fsync of the directory) with mode
 * 0600. `exclusive` refuses to replace an existing file: a new hall never overwrites keys.
 */
export function writeKeyFile(path: string, keys: HallKeys, opts: { exclusive: boolean }): void {
  if (opts.exclusive && existsSync(path))
    throw new KeyError(`密钥文件已存在 / key file ${path} exists already; it is never overwritten`);
  const tmp = join(dirname(path), `.${Date.now()}-${randomBytes(4).toString('hex')}.keys.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, serializeKeys(keys));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * What the database keeps about its keys: an HMAC of a constant under the holder key (it
 * reveals nothing of the key) and the data key versions.
 */
export function keyFingerprint(keys: HallKeys): string {
  const id = createHmac('sha256', keys.holder).update('onewindow key fingerprint').digest('hex').slice(0, 24);
  return `${id}/${[...keys.data.keys()].sort((a, b) => a - b).join(',')}`;
}

/** The holder part of a fingerprint: the data key versions may grow by rotation. */
export const holderFingerprint = (fp: string): string => fp.split('/')[0]!;

/** A new data key version; the previous ones stay until `rotate` has re-sealed every row. */
export function withNewDataKey(keys: HallKeys): HallKeys {
  const next = Math.max(...keys.data.keys()) + 1;
  const data = new Map(keys.data);
  data.set(next, randomBytes(32));
  return { ...keys, data, current: next };
}

/** The keys without the data key versions no row is sealed under any more. */
export function retireDataKeys(keys: HallKeys, keep: readonly number[]): HallKeys {
  const data = new Map([...keys.data].filter(([v]) => keep.includes(v) || v === keys.current));
  return { ...keys, data };
}

function b64(v: unknown, what: string): Buffer {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(v))
    throw new KeyError(`${what} must be base64`);
  return Buffer.from(v, 'base64');
}
