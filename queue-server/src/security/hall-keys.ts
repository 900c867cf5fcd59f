/**
 * Where a hall's keys come from (SPEC SEC-KEY-1, SEC-KEY-2): ONEWINDOW_KEYS (the key file's JSON,
 * for a secrets manager), else the key file ONEWINDOW_KEY_FILE. A real hall refuses to start
 * without one; only the demo hall makes its own key file, beside its database, on first start.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { generateKeys, type HallKeys, KeyError, parseKeys, readKeyFile, writeKeyFile } from './keys.ts';

export interface KeySource {
  /** ONEWINDOW_KEYS: the keys' JSON itself. */
  keysJson?: string | undefined;
  /** ONEWINDOW_KEY_FILE. */
  keyFile?: string | undefined;
  demo: boolean;
  dbPath: string;
  /** ONEWINDOW_SECRET of an older version: the holder key its references were made with. */
  legacySecret?: string | undefined;
}

/** The demo hall's key file: beside its database (a real hall names its own, elsewhere). */
export const demoKeyFile = (dbPath: string): string => join(dirname(dbPath), 'onewindow.keys');

/** The key file a source names, if any (the environment's JSON has none). */
export function keyFileOf(src: KeySource): string | undefined {
  if (src.keysJson !== undefined) return undefined;
  return src.keyFile ?? (src.demo ? demoKeyFile(src.dbPath) : undefined);
}

/**
 * The hall's keys. The demo hall creates its key file when it has none; a database of an
 * older version that kept its holder secret inside gets a key file carrying that secret, so
 * its holder references stay the same (the store then deletes the secret from the database).
 */
export function resolveHallKeys(src: KeySource, log?: (msg: string) => void): HallKeys {
  if (src.keysJson !== undefined) return parseKeys(src.keysJson, 'ONEWINDOW_KEYS');
  const path = keyFileOf(src);
  if (path === undefined)
    throw new KeyError(
      '未配置密钥 / no keys: a hall keeps its keys outside the database. Set ONEWINDOW_KEY_FILE to the key file made by "init" (or ONEWINDOW_KEYS to its content)',
    );
  if (existsSync(path)) return readKeyFile(path);
  if (!src.demo) return readKeyFile(path); // throws: says the file is missing and how to make one
  const keys = createKeysFor(src.dbPath, src.legacySecret);
  writeKeyFile(path, keys, { exclusive: true });
  log?.(`demo hall: created its key file ${path}`);
  return keys;
}

/**
 * New keys for a database: fresh ones, or, for a database an older version wrote, a holder key
 * that is the secret it kept inside or was given (ONEWINDOW_SECRET), so its references stay valid.
 */
export function createKeysFor(dbPath: string, legacySecret?: string): HallKeys {
  const keys = generateKeys();
  const legacy = legacyHolderSecret(dbPath) ?? legacySecret;
  return legacy === undefined ? keys : { ...keys, holder: Buffer.from(legacy, 'utf8'), holderAlg: 'sha256' };
}

/** The holder secret an older version kept in the database (`meta:holderSecret`), if any. */
export function legacyHolderSecret(dbPath: string): string | undefined {
  if (dbPath === ':memory:' || !existsSync(dbPath)) return undefined;
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const hasState = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'hall_state'")
      .get();
    if (hasState === undefined) return undefined;
    const row = db.prepare("SELECT value FROM hall_state WHERE key = 'meta:holderSecret'").get() as
      | { value: string }
      | undefined;
    return row?.value;
  } finally {
    db.close();
  }
}
