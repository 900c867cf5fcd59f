/** Test helpers: copies of the shipped configuration with some files broken. Not exported by the package. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIPPED_CONFIG_DIR } from './load.ts';

// biome-ignore lint/suspicious/noExplicitAny: the edits poke at arbitrary JSON on purpose
export type Json = Record<string, any>;
/** file (relative) → edit of its parsed JSON, or the new raw text, or null to delete it. */
export type Edits = Record<string, ((json: Json) => void) | string | null>;

const copies: string[] = [];

/** A temporary copy of the shipped profiles and halls with `edits` applied; removed by `removeCopies`. */
export function brokenCopy(edits: Edits): string {
  const dir = mkdtempSync(join(tmpdir(), 'firmware-config-'));
  copies.push(dir);
  cpSync(join(SHIPPED_CONFIG_DIR, 'profiles'), join(dir, 'profiles'), { recursive: true });
  cpSync(join(SHIPPED_CONFIG_DIR, 'halls'), join(dir, 'halls'), { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, file);
    if (edit === null) rmSync(path, { recursive: true });
    else if (typeof edit === 'string') writeFileSync(path, edit);
    else {
      const json = JSON.parse(readFileSync(path, 'utf8')) as Json;
      edit(json);
      writeFileSync(path, JSON.stringify(json, null, 2));
    }
  }
  return dir;
}

export function removeCopies(): void {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
}
