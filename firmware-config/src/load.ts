/**
 * Reads a configuration folder — `profiles/devices/*.json`, `profiles/terminals/*.json`,
 * `halls/*.json` — and checks it. Data problems never throw: every one is returned in
 * `errors`, located by file and JSON path.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CheckResult,
  CONFIG_DIRS,
  type ConfigError,
  checkFirmwareConfig,
  type SourceFile,
} from './check.ts';

/** This package's own folder: the shipped profiles and the demo hall. */
export const SHIPPED_CONFIG_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface LoadResult extends CheckResult {
  /** The configuration files read (relative names), for summaries. */
  files: string[];
}

export function loadFirmwareConfig(dir: string = SHIPPED_CONFIG_DIR): LoadResult {
  const errors: ConfigError[] = [];
  const sources: SourceFile[] = [];
  if (!isDirectory(dir)) {
    errors.push({ file: '.', path: '', message: `${dir} is not a directory` });
  } else {
    for (const sub of CONFIG_DIRS) {
      const folder = join(dir, sub);
      if (!isDirectory(folder)) {
        errors.push({ file: sub, path: '', message: 'folder not found' });
        continue;
      }
      const names = readdirSync(folder, { withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
        .map((entry) => entry.name)
        .sort();
      for (const name of names) {
        const file = `${sub}/${name}`;
        try {
          sources.push({ file, text: readFileSync(join(folder, name), 'utf8') });
        } catch (e) {
          errors.push({ file, path: '', message: `cannot read: ${(e as Error).message}` });
        }
      }
    }
  }
  const result = checkFirmwareConfig(sources);
  return { config: result.config, errors: [...errors, ...result.errors], files: sources.map((s) => s.file) };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
