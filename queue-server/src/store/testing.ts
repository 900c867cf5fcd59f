import Database from 'better-sqlite3';
import type { HallKeys } from '../security/keys.ts';

/**
 * For tests: a second connection to a store's file, opened and closed around `fn` (the store
 * keeps its own handle to itself). DDL made here (a trigger that fails a write) is seen by the
 * store's connection too.
 */
export function peekDb<T>(path: string, fn: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/**
 * For tests and benchmarks only: fixed keys, the same in every process, so a test can reopen a
 * store another process wrote (crash tests, restarts). A hall never uses them: `main.ts` reads
 * the hall's key file (SEC-KEY-1).
 */
export const TEST_KEYS: HallKeys = {
  holder: Buffer.alloc(32, 7),
  holderAlg: 'sm3',
  data: new Map([[1, Buffer.alloc(32, 9)]]),
  current: 1,
};
