/**
 * What every benchmark suite returns, and how `npm run bench` prints and stores it.
 *
 * A row compares a measured `value` with a `floor` (a baseline measured in the same process:
 * the same code at a small size, or a raw library loop) and passes when the ratio meets the
 * target. Suites build rows with `rowAtMost` / `rowAtLeast` so the direction is explicit.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  floor: number;
  /** value / floor. */
  ratio: number;
  target: number;
  pass: boolean;
}

/** The repository root, found from this file's location (not the working directory). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const RESULTS_PATH = resolve(REPO_ROOT, 'bench-results.json');

/** A row where smaller is better: passes when value / floor ≤ target (e.g. a slowdown bound). */
export function rowAtMost(
  name: string,
  value: number,
  floor: number,
  unit: string,
  target: number,
): BenchRow {
  const ratio = value / floor;
  return { name, value, unit, floor, ratio, target, pass: Number.isFinite(ratio) && ratio <= target };
}

/** A row where larger is better: passes when value / floor ≥ target (e.g. a share of raw throughput). */
export function rowAtLeast(
  name: string,
  value: number,
  floor: number,
  unit: string,
  target: number,
): BenchRow {
  const ratio = value / floor;
  return { name, value, unit, floor, ratio, target, pass: Number.isFinite(ratio) && ratio >= target };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The q-quantile (0…1) by nearest rank. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** Rounds for display and for the JSON file: 3 significant digits, at least 2 decimals below 10. */
export function round(n: number): number {
  if (!Number.isFinite(n) || n === 0) return n;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(n))));
  const f = 10 ** Math.min(digits, 4);
  return Math.round(n * f) / f;
}

const COLUMNS = ['name', 'value', 'unit', 'floor', 'ratio', 'target', 'pass'] as const;

/** The rows as a fixed-width text table. */
export function formatTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((r) => [
    r.name,
    String(round(r.value)),
    r.unit,
    String(round(r.floor)),
    String(round(r.ratio)),
    String(r.target),
    r.pass ? 'yes' : 'NO',
  ]);
  const header = [...COLUMNS];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  // Text columns left-aligned, numbers right-aligned.
  const numeric = [false, true, false, true, true, true, false];
  const line = (c: string[]) =>
    c.map((s, i) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...cells.map(line)].join('\n');
}

/** The rows as a Markdown table (for docs/BENCHMARKS.md). */
export function formatMarkdown(rows: readonly BenchRow[]): string {
  const head = `| ${COLUMNS.join(' | ')} |`;
  const sep = '|---|--:|---|--:|--:|--:|---|';
  const body = rows.map(
    (r) =>
      `| ${r.name} | ${round(r.value)} | ${r.unit} | ${round(r.floor)} | ${round(r.ratio)} | ${r.target} | ${r.pass ? 'yes' : 'NO'} |`,
  );
  return [head, sep, ...body].join('\n');
}

export function printTable(rows: readonly BenchRow[]): void {
  process.stdout.write(`\n${formatTable(rows)}\n`);
}

/** Writes all rows at once, as one JSON array, to bench-results.json at the repository root. */
export function writeResults(
  rows: readonly BenchRow[],
  path: string = RESULTS_PATH,
  opts: { keepOthers?: boolean } = {},
): string {
  // A run of some suites keeps the other rows of the last whole run (by name).
  const kept: unknown[] = [];
  if (opts.keepOthers && existsSync(path)) {
    const names = new Set(rows.map((r) => r.name));
    try {
      for (const r of JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }[])
        if (typeof r.name === 'string' && !names.has(r.name)) kept.push(r);
    } catch {
      // an unreadable file is replaced
    }
  }
  const out = rows.map((r) => ({
    name: r.name,
    value: round(r.value),
    unit: r.unit,
    floor: round(r.floor),
    ratio: round(r.ratio),
    target: r.target,
    pass: r.pass,
  }));
  writeFileSync(path, `${JSON.stringify([...kept, ...out], null, 2)}\n`);
  return path;
}

/** Progress and detail lines while a suite runs (before the table). */
export function progress(message: string): void {
  process.stdout.write(`${message}\n`);
}

/** Gzipped size (default zlib level, as a server compresses) of the JS and CSS in a Vite dist/assets. */
export function bundleBytes(dist: string): { gz: number; raw: number; files: string[] } {
  const assets = join(dist, 'assets');
  const files = readdirSync(assets).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
  let gz = 0;
  let raw = 0;
  for (const f of files) {
    const buf = readFileSync(join(assets, f));
    raw += buf.length;
    gz += gzipSync(buf).length;
  }
  return { gz, raw, files };
}
