import Database from 'better-sqlite3';

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
