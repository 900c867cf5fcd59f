/**
 * `npm run bench`: runs every suite in order, prints one table, writes bench-results.json at
 * the repository root, and exits 1 when any row misses its target (so CI can gate on it).
 * `npm run bench -- hall-load center` runs only the named suites; their rows replace the same
 * rows of an existing bench-results.json, whose other rows are kept.
 *
 * To add a suite: export `async function xBench(): Promise<BenchRow[]>` from
 * `tests/bench/x.bench.ts` and list it in SUITES.
 */
import { archiveBench } from './archive.bench.ts';
import { bookingBench } from './booking.bench.ts';
import { captureBench } from './capture.bench.ts';
import { centerBench } from './center.bench.ts';
import { centerReportBench } from './center-report.bench.ts';
import { displayBench } from './display.bench.ts';
import { fanoutBench } from './fanout.bench.ts';
import { halfYearBench } from './half-year.bench.ts';
import { hallLoadBench } from './hall-load.bench.ts';
import { kioskBench } from './kiosk.bench.ts';
import { mobileBench } from './mobile.bench.ts';
import { noticeBench } from './notice.bench.ts';
import { queueBench } from './queue.bench.ts';
import { type BenchRow, printTable, progress, writeResults } from './report.ts';
import { riskBench } from './risk.bench.ts';
import { scanBench } from './scan.bench.ts';
import { simBench } from './sim.bench.ts';

const SUITES: { name: string; run: () => Promise<BenchRow[]> }[] = [
  { name: 'queue', run: queueBench },
  { name: 'fanout', run: fanoutBench },
  { name: 'hall-load', run: hallLoadBench },
  { name: 'display', run: displayBench },
  { name: 'kiosk', run: kioskBench },
  { name: 'sim', run: simBench },
  { name: 'half-year', run: halfYearBench },
  { name: 'risk', run: riskBench },
  { name: 'archive', run: archiveBench },
  { name: 'capture', run: captureBench },
  { name: 'scan', run: scanBench },
  { name: 'notice', run: noticeBench },
  { name: 'booking', run: bookingBench },
  { name: 'mobile', run: mobileBench },
  { name: 'center-report', run: centerReportBench },
  { name: 'center', run: centerBench },
];

async function main(): Promise<number> {
  const started = performance.now();
  const only = process.argv.slice(2);
  const unknown = only.filter((n) => !SUITES.some((x) => x.name === n));
  if (unknown.length > 0)
    throw new Error(`no suite ${unknown.join(', ')}; the suites: ${SUITES.map((x) => x.name).join(', ')}`);
  const rows: BenchRow[] = [];
  for (const suite of SUITES)
    if (only.length === 0 || only.includes(suite.name)) rows.push(...(await suite.run()));
  printTable(rows);
  const path = writeResults(rows, undefined, { keepOthers: only.length > 0 });
  const failed = rows.filter((r) => !r.pass);
  progress(`\nwrote ${path} (${rows.length} rows) in ${Math.round((performance.now() - started) / 1000)} s`);
  if (failed.length > 0) {
    progress(`${failed.length} row(s) missed the target: ${failed.map((r) => r.name).join('; ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
