/**
 * `validate [dir]`: checks a configuration folder (default: this package's own) and prints
 * every error as `file: path: message`. Exit code 1 when there is any error, 0 when clean.
 *
 *   npx tsx firmware-config/src/validate.ts [dir]
 *   npm run validate -w @onewindow/firmware-config
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { loadFirmwareConfig, SHIPPED_CONFIG_DIR } from './load.ts';

const USAGE = `usage: validate [dir]

Checks device profiles (profiles/devices/*.json), terminal profiles (profiles/terminals/*.json)
and hall layouts (halls/*.json) under dir (default: ${SHIPPED_CONFIG_DIR}).
Prints every error as "file: path: message"; exits 1 if there are any, 0 when clean.
`;

function main(argv: string[]): number {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const args = argv.filter((a) => !a.startsWith('-'));
  const unknown = argv.filter((a) => a.startsWith('-'));
  if (unknown.length > 0 || args.length > 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const dir = resolve(args[0] ?? SHIPPED_CONFIG_DIR);
  const shown = displayDir(dir);
  const { config, errors, files } = loadFirmwareConfig(dir);

  for (const e of errors) {
    const file = e.file === '.' ? shown : join(shown, e.file);
    process.stdout.write(`${file}: ${e.path === '' ? '(file)' : e.path}: ${e.message}\n`);
  }
  if (errors.length > 0) {
    const faulty = new Set(errors.map((e) => e.file)).size;
    process.stdout.write(
      `${errors.length} error${errors.length === 1 ? '' : 's'} in ${faulty} file${faulty === 1 ? '' : 's'} (${files.length} checked)\n`,
    );
    return 1;
  }
  const halls = Object.values(config.halls);
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  process.stdout.write(
    `ok: ${count(Object.keys(config.devices).length, 'device profile')}, ` +
      `${count(Object.keys(config.terminals).length, 'terminal profile')}, ` +
      `${count(halls.length, 'hall')} (${count(sum(halls.map((h) => h.windows.length)), 'window')}, ` +
      `${count(sum(halls.map((h) => h.kiosks.length)), 'kiosk')}, ` +
      `${count(sum(halls.map((h) => h.screens.length)), 'screen')}) in ${shown}\n`,
  );
  return 0;
}

/** The folder as the user would type it: relative to the working directory when inside it. */
function displayDir(dir: string): string {
  const rel = relative(process.cwd(), dir);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? dir : rel;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

process.exitCode = main(process.argv.slice(2));
