/**
 * The phone app suite of `npm run bench` (issue #17 point 1, SPEC MOB-AUTH-2): how long a citizen
 * waits for the sign-in SMS, and how much the phone downloads.
 *
 * - Code: a hall on its own SQLite file (WAL, synchronous=FULL) with the SMPP gateway; each sample
 *   is one code request (`CitizenAuthService.requestCode`: the code, its send record and its notice
 *   committed in one transaction, then the worker's kick, its durable `sending` commit and the UCS2
 *   submit), timed from the call to the submit_sm's arrival at the SMSC (the `smpp` package's
 *   server, in this process). Each sample is a new phone (the per-phone limits stay out of it).
 * - Floor: a bare bound session of the same package submitting the same UCS2 text, timed from the
 *   call to the arrival. Samples alternate, so load on the shared machine hits both.
 * - Bundle: every JS and CSS file of kiosk/mobile/dist gzipped (the shell and every page) against
 *   a 60 KB bound (run `npm run build:mobile -w @onewindow/kiosk` first).
 *
 * `npx tsx tests/bench/mobile.bench.ts` runs this suite alone.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hallConfig } from '../../queue-server/src/domain/test-factory.ts';
import { type BenchRow, bundleBytes, progress, quantile, REPO_ROOT, round, rowAtMost } from './report.ts';
import { smsBenchHall } from './sms-hall.ts';

const SAMPLES = Number(process.env.MOBILE_BENCH_SAMPLES ?? 200);
const DIST = join(REPO_ROOT, 'kiosk', 'mobile', 'dist');
const BUNDLE_BOUND_KB = 60;

export async function mobileBench(): Promise<BenchRow[]> {
  progress('mobile: sign-in code request → submit_sm vs a bare SMPP client');
  const { h, advance, arrival, bareSend, close } = await smsBenchHall('mobile');

  const template = h.notices.templates().find((t) => t.id === 'otp')!;

  const codeMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    advance(1000);
    const phone = `139${String(i).padStart(8, '0')}`;
    const t0 = performance.now();
    const r = h.citizens.requestCode(phone);
    if (!r.ok) throw new Error(r.error.message);
    codeMs.push((await arrival(phone)) - t0);

    const barePhone = `137${String(i).padStart(8, '0')}`;
    const text = template.text
      .replace('{code}', String(100000 + i))
      .replace('{minutes}', '5')
      .replace('{hallName}', hallConfig().settings.hallName);
    bareMs.push(await bareSend(barePhone, text));
  }
  await close();
  const p99 = quantile(codeMs, 0.99);
  const floor = quantile(bareMs, 0.99);
  progress(
    `mobile: code p50 ${round(quantile(codeMs, 0.5))} ms, p99 ${round(p99)} ms; bare p50 ${round(quantile(bareMs, 0.5))} ms, p99 ${round(floor)} ms`,
  );
  const rows = [
    rowAtMost(
      'mobile: sign-in code request → submit_sm p99 / bare SMPP submit p99',
      round(p99),
      round(floor),
      'ms',
      4,
    ),
  ];
  if (!existsSync(DIST))
    throw new Error(`${DIST} is missing: run npm run build:mobile -w @onewindow/kiosk first`);
  const bundle = bundleBytes(DIST);
  progress(
    `mobile: bundle ${bundle.files.length} files, ${(bundle.raw / 1000).toFixed(1)} KB raw, ${(bundle.gz / 1000).toFixed(1)} KB gzipped`,
  );
  rows.push(
    rowAtMost(
      `mobile bundle gzipped JS+CSS (floor: ${BUNDLE_BOUND_KB} KB bound)`,
      round(bundle.gz / 1000),
      BUNDLE_BOUND_KB,
      'KB',
      1,
    ),
  );
  return rows;
}

// `npx tsx tests/bench/mobile.bench.ts` runs this suite alone.
if (process.argv[1] === fileURLToPath(import.meta.url))
  mobileBench().then(
    (rows) => {
      for (const r of rows)
        progress(
          `${r.name}: ${round(r.value)} ${r.unit} vs ${round(r.floor)} → ${round(r.ratio)} (≤ ${r.target}) ${r.pass ? 'pass' : 'FAIL'}`,
        );
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
