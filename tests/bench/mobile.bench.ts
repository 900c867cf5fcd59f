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
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import smpp, { type Pdu } from 'smpp';
import { composeHall } from '../../queue-server/src/compose.ts';
import { hallConfig, T0 } from '../../queue-server/src/domain/test-factory.ts';
import { ucs2Parts } from '../../queue-server/src/service/sms/segments.ts';
import { SmppGateway } from '../../queue-server/src/service/sms/smpp.gateway.ts';
import { SmppOperator } from '../../queue-server/src/service/sms/testing.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import { type BenchRow, bundleBytes, progress, quantile, REPO_ROOT, round, rowAtMost } from './report.ts';

const SAMPLES = Number(process.env.MOBILE_BENCH_SAMPLES ?? 200);
const DIST = join(REPO_ROOT, 'kiosk', 'mobile', 'dist');
const BUNDLE_BOUND_KB = 60;

export async function mobileBench(): Promise<BenchRow[]> {
  progress('mobile: sign-in code request → submit_sm vs a bare SMPP client');
  const op = new SmppOperator();
  await op.start();
  const arrived = new Map<string, number>();
  let waiter: { to: string; resolve: () => void } | null = null;
  op.onSubmit = (pdu: Pdu) => {
    const to = String(pdu.destination_addr);
    arrived.set(to, performance.now());
    if (waiter?.to === to) waiter.resolve();
    return true;
  };
  const arrival = (to: string) =>
    new Promise<number>((resolve) => {
      if (arrived.has(to)) resolve(arrived.get(to)!);
      else waiter = { to, resolve: () => resolve(arrived.get(to)!) };
    });

  const dir = mkdtempSync(join(tmpdir(), 'onewindow-mobile-bench-'));
  const store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
  let now = T0;
  const silent = pino({ level: 'silent' });
  const h = composeHall({
    store,
    logger: silent,
    clock: { now: () => now },
    sms: {
      gateway: new SmppGateway({
        host: '127.0.0.1',
        port: op.port,
        systemId: 'hall',
        password: 'secret',
        sourceAddr: '',
        log: silent,
      }),
    },
  });
  h.hall.execute({ type: 'hall:configure', config: hallConfig(), by: 'admin' });
  h.noticeWorker!.start();

  const bare = smpp.connect({ host: '127.0.0.1', port: op.port });
  await new Promise<void>((resolve, reject) => {
    bare.once('error', reject);
    bare.once('connect', () =>
      bare.bind_transceiver({ system_id: 'hall', password: 'secret' }, (pdu) =>
        pdu.command_status === 0 ? resolve() : reject(new Error('bind refused')),
      ),
    );
  });
  const template = h.notices.templates().find((t) => t.id === 'otp')!;

  const codeMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    now += 1000;
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
    const b0 = performance.now();
    bare.submit_sm({
      destination_addr: barePhone,
      data_coding: 8,
      short_message: ucs2Parts(text, 1)[0]!.bytes,
    });
    bareMs.push((await arrival(barePhone)) - b0);
  }
  await h.noticeWorker!.stop();
  bare.destroy();
  await op.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
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
