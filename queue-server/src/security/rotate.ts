/**
 * Key rotation (SPEC SEC-KEY-5), run with the server stopped: `keys rotate` gives the hall a new
 * data key and re-seals every sealed value under it; `--holder` also replaces the holder key and
 * drops the references made with the old one. Every step leaves a key file that opens the
 * database, so an interrupted rotation can simply be run again.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import type { HallStore } from '../store/hall.store.ts';
import { type HallKeys, readKeyFile, retireDataKeys, withNewDataKey, writeKeyFile } from './keys.ts';

export interface RotationReport {
  dataKeyVersion: number;
  resealed: number;
  holderKeyReplaced: boolean;
  holderRefsDropped: number;
}

export function rotateKeys(opts: {
  keyFile: string;
  holder: boolean;
  open: (keys: HallKeys) => HallStore;
}): RotationReport {
  const pending = `${opts.keyFile}.new`;
  if (existsSync(pending)) {
    // A holder rotation stopped after the database took the new keys: finish it.
    renameSync(pending, opts.keyFile);
  }
  const old = readKeyFile(opts.keyFile);
  // 1. Old and new data keys in the file: the database opens with it before and after step 2.
  const both = withNewDataKey(old);
  writeKeyFile(opts.keyFile, both, { exclusive: false });
  const store = opts.open(both);
  let resealed: number;
  let dropped = 0;
  const final: HallKeys = retireDataKeys(both, [both.current]);
  try {
    // 2. Every sealed value under the new data key.
    resealed = store.resealAll();
    if (opts.holder) {
      const next: HallKeys = { ...final, holder: randomBytes(32), holderAlg: 'sm3' };
      // 3. The new keys go to a pending file first: the database will only open with them.
      writeKeyFile(pending, next, { exclusive: false });
      dropped = store.forgetHolderRefs(next);
      store.checkpoint();
      renameSync(pending, opts.keyFile);
      return { dataKeyVersion: next.current, resealed, holderKeyReplaced: true, holderRefsDropped: dropped };
    }
    store.checkpoint();
  } finally {
    store.close();
  }
  // 4. The old data key retired: no value is sealed under it any more.
  writeKeyFile(opts.keyFile, final, { exclusive: false });
  return { dataKeyVersion: final.current, resealed, holderKeyReplaced: false, holderRefsDropped: dropped };
}
