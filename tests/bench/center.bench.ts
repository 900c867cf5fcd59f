/**
 * The center suite of `npm run bench` (issue #18): the regional center on a real PostgreSQL
 * (Debian's, started in a temp dir by tests/support/postgres.ts).
 *
 * 1. Ingest rate: halls' batches of stripped facts POSTed to the center, running in its own process
 *    as `npm run center` starts it (HTTP, JSON parse, zod,
 *    the hall's credential, one transaction per batch with the overlap check and the mark)
 *    against a bare multi-row INSERT (unnest) of the same rows, in the same batches and with the
 *    same concurrency, into a table of the same shape and indexes in the same database, straight
 *    through `pg`. Rounds alternate so the shared machine's load hits both. Goal ≥ 0.5×.
 * 2. Replication lag at a peak hour: 50 halls' real `Shipper`s (the hall side, over in-memory
 *    logs) append facts at PEAK_FACTS_PER_S each and ship them; the lag of a fact is the time
 *    from its commit in the hall to the center's answer covering it. Its p99 against the median
 *    round trip of a one-fact batch on the idle center (the floor). Goal ≤ 200×: about 2 s at the
 *    ~10 ms round trip measured here, the "every hall's day on one page within seconds".
 *
 *   npx tsx tests/bench/center.bench.ts
 *
 * Diagnostics (not part of `npm run bench`): CENTER_BENCH_ONLY=ingest skips the lag part;
 * CENTER_BENCH_DIRECT=1 also times `CenterStore.ingest` called in this process (the center's
 * database work without HTTP); CENTER_BENCH_PROFILE=<dir> writes the center process's V8 CPU
 * profile there (summarise it with `npx tsx tests/bench/profile-top.ts <file>`).
 */
import { fileURLToPath } from 'node:url';
import { type HallEvent, MAX_BATCH_FACTS, type ShippedFact } from '@onewindow/shared';
import pg from 'pg';
import pino from 'pino';
import { CenterStore } from '../../queue-server/src/center/center.store.ts';
import { migrate } from '../../queue-server/src/center/migrations.ts';
import { Shipper } from '../../queue-server/src/center/shipper.ts';
import { stripFact } from '../../queue-server/src/center/strip.ts';
import { startCenterProcess } from '../center/support.ts';
import { startPostgres } from '../support/postgres.ts';
import { type BenchRow, median, progress, quantile, round, rowAtLeast, rowAtMost } from './report.ts';

const INGEST_HALLS = Number(process.env.CENTER_BENCH_HALLS ?? 8);
/** The shipper's default batch (RGN-REP-2): 1,999 new facts, with the overlap the center's limit. */
const BATCH = Number(process.env.CENTER_BENCH_BATCH ?? MAX_BATCH_FACTS - 1);
const BATCHES_PER_ROUND = Number(process.env.CENTER_BENCH_BATCHES ?? 3);
const ROUNDS = Number(process.env.CENTER_BENCH_ROUNDS ?? 3);
const LAG_HALLS = 50;
/** A busy hall at its peak hour: ~1,000 facts an hour; the bench runs the region at 10× that. */
const PEAK_FACTS_PER_S = Number(process.env.CENTER_BENCH_PEAK ?? 3);
const LAG_SECONDS = Number(process.env.CENTER_BENCH_LAG_S ?? 8);
const ONLY_INGEST = process.env.CENTER_BENCH_ONLY === 'ingest';
const DIRECT = process.env.CENTER_BENCH_DIRECT === '1';
const PROFILE_DIR = process.env.CENTER_BENCH_PROFILE;

/** A ticket's life as a hall writes it, stripped: issued (with the ticket), called, serving, finished, rated. */
function hallFact(seq: number, at: number): ShippedFact {
  const n = Math.floor(seq / 5);
  const id = `20261126-A${String(n).padStart(4, '0')}`;
  const ev = ((): HallEvent => {
    switch (seq % 5) {
      case 0:
        return {
          type: 'ticket:issued',
          seq,
          at,
          ticket: {
            id,
            number: `A${n}`,
            categoryId: 'A',
            businessDay: '2026-11-26',
            seq: n,
            itemCode: '512B0070200003',
            source: 'kiosk',
            status: 'waiting',
            priorityClass: n % 7 === 0 ? 'senior' : 'regular',
            holder: { masked: '110102********1234', senior: n % 7 === 0, ref: 'hr-0123456789' },
            arrivedAt: at,
            orderKey: at,
            tieBreak: seq,
            front: null,
            pinnedWindowId: null,
            requiredPost: null,
            windowId: null,
            callCount: 0,
            calledAt: null,
            servingAt: null,
            finishedAt: null,
            misses: 0,
            outcome: null,
            cancelReason: null,
            servedBy: null,
            rating: null,
          },
        };
      case 1:
        return { type: 'ticket:called', seq, at, ticketId: id, windowId: 'w1', priorityStreak: 0 };
      case 2:
        return { type: 'ticket:serving', seq, at, ticketId: id, windowId: 'w1' };
      case 3:
        return { type: 'ticket:finished', seq, at, ticketId: id, windowId: 'w1', outcome: 'completed' };
      default:
        return {
          type: 'ticket:rated',
          seq,
          at,
          ticketId: id,
          windowId: 'w1',
          servedBy: 'clerk-1',
          level: 5,
          reasons: [],
          channel: 'pad',
        };
    }
  })();
  return stripFact(ev);
}

async function post(url: string, credential: string, body: unknown): Promise<{ highWater: number }> {
  const res = await fetch(`${url}/api/center/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as {
    ok: boolean;
    data: { highWater: number };
    error?: { message: string };
  };
  if (!json.ok) throw new Error(`ingest ${res.status}: ${json.error?.message}`);
  return json.data;
}

export async function centerBench(): Promise<BenchRow[]> {
  progress('center: a real PostgreSQL, the center in this process …');
  const db = await startPostgres();
  const dbUrl = db.createDatabase('center');
  const pool = new pg.Pool({ connectionString: dbUrl, max: 12 });
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
    // The bare floor's table: the same columns, key and indexes as `facts`, no foreign key.
    await pool.query(`CREATE TABLE facts_bare (LIKE facts INCLUDING ALL)`);
    const store = new CenterStore(pool);
    // The center in its own process, as `npm run center` runs it: the halls' side of the HTTP work
    // (building and sending batches) stays in this process, as it would on the halls' machines.
    const centerProc = await startCenterProcess(
      dbUrl,
      0,
      {
        ONEWINDOW_CENTER_MAX_INFLIGHT: '64',
        ONEWINDOW_CENTER_POOL: '12',
      },
      PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    );
    /** A profiled center must exit by itself to write its profile. */
    const stopCenter = async () => {
      if (!PROFILE_DIR) return void (await centerProc.proc.kill9());
      centerProc.proc.child.kill('SIGTERM');
      await centerProc.proc.exited;
    };
    const url = centerProc.url;
    const creds: string[] = [];
    for (let i = 0; i < INGEST_HALLS + LAG_HALLS; i++) {
      const r = await store.addHall(`h${i}`, `hall ${i}`);
      creds.push((r as { credential: string }).credential);
    }

    // 1. Ingest rate, center vs bare INSERT, alternating rounds.
    const marks = new Array<number>(INGEST_HALLS).fill(0);
    const bareMarks = new Array<number>(INGEST_HALLS).fill(0);
    const t0 = Date.UTC(2026, 10, 26, 1);
    const viaCenter = async (): Promise<number> => {
      const start = performance.now();
      await Promise.all(
        marks.map(async (_, h) => {
          for (let b = 0; b < BATCHES_PER_ROUND; b++) {
            const from = marks[h] as number;
            const facts = Array.from({ length: BATCH }, (_, k) =>
              hallFact(from + 1 + k, t0 + (from + k) * 1000),
            );
            const overlap = from > 0 ? [hallFact(from, t0 + (from - 1) * 1000)] : [];
            const r = await post(url, creds[h] as string, {
              hallId: `h${h}`,
              hallLastSeq: from + BATCH,
              facts: [...overlap, ...facts],
            });
            marks[h] = r.highWater;
          }
        }),
      );
      return (INGEST_HALLS * BATCHES_PER_ROUND * BATCH) / ((performance.now() - start) / 1000);
    };
    const viaBare = async (): Promise<number> => {
      const start = performance.now();
      await Promise.all(
        bareMarks.map(async (_, h) => {
          for (let b = 0; b < BATCHES_PER_ROUND; b++) {
            const from = bareMarks[h] as number;
            const facts = Array.from({ length: BATCH }, (_, k) =>
              hallFact(from + 1 + k, t0 + (from + k) * 1000),
            );
            await pool.query(
              `INSERT INTO facts_bare (hall_id, seq, at, type, body)
               SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::jsonb[])`,
              [
                `h${h}`,
                facts.map((f) => f.seq),
                facts.map((f) => f.at),
                facts.map((f) => f.type),
                facts.map((f) => JSON.stringify(f.body)),
              ],
            );
            bareMarks[h] = from + BATCH;
          }
        }),
      );
      return (INGEST_HALLS * BATCHES_PER_ROUND * BATCH) / ((performance.now() - start) / 1000);
    };
    await viaCenter(); // warm-up: JIT, connections, first pages
    await viaBare();
    const center: number[] = [];
    const bare: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) {
        center.push(await viaCenter());
        bare.push(await viaBare());
      } else {
        bare.push(await viaBare());
        center.push(await viaCenter());
      }
    }
    progress(`center: ingest ${round(median(center))} facts/s vs bare INSERT ${round(median(bare))} facts/s`);
    const ingestRow = rowAtLeast(
      `center ingest (${INGEST_HALLS} halls × ${BATCH}-fact batches) vs bare multi-row INSERT`,
      median(center),
      median(bare),
      'facts/s',
      0.5,
    );
    if (DIRECT) {
      // The same batches straight into CenterStore.ingest: what the center's database work costs.
      const direct: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const start = performance.now();
        await Promise.all(
          marks.map(async (_, h) => {
            for (let b = 0; b < BATCHES_PER_ROUND; b++) {
              const from = marks[h] as number;
              const facts = Array.from({ length: BATCH + 1 }, (_, k) =>
                hallFact(from + k, t0 + (from + k - 1) * 1000),
              );
              const out = await store.ingest(`h${h}`, from + BATCH, {}, from > 0 ? facts : facts.slice(1));
              if (!out.ok) throw new Error(`direct ingest: ${out.code}`);
              marks[h] = out.highWater;
            }
          }),
        );
        direct.push((INGEST_HALLS * BATCHES_PER_ROUND * BATCH) / ((performance.now() - start) / 1000));
      }
      progress(`center: CenterStore.ingest called directly ${round(median(direct))} facts/s`);
    }
    if (ONLY_INGEST) {
      await stopCenter();
      return [ingestRow];
    }

    // 2. Lag at a peak hour with 50 halls' shippers. Floor: one-fact batches on the idle center.
    const rtt: number[] = [];
    for (let k = 1; k <= 30; k++) {
      const h = INGEST_HALLS; // a hall of the lag set, before its shipper starts
      const start = performance.now();
      await post(url, creds[h] as string, {
        hallId: `h${h}`,
        hallLastSeq: k,
        facts: k > 1 ? [hallFact(k - 1, t0), hallFact(k, t0)] : [hallFact(k, t0)],
      });
      rtt.push(performance.now() - start);
    }
    await pool.query(`DELETE FROM facts WHERE hall_id = 'h${INGEST_HALLS}'`);
    await pool.query(`UPDATE halls SET high_water = 0, reported_seq = 0 WHERE hall_id = 'h${INGEST_HALLS}'`);
    const lags: number[] = [];
    const shippers: Shipper[] = [];
    const timers: NodeJS.Timeout[] = [];
    for (let i = 0; i < LAG_HALLS; i++) {
      const hall = INGEST_HALLS + i <= creds.length - 1 ? INGEST_HALLS + i : i;
      const log: HallEvent[] = [];
      const committedAt: number[] = [];
      let acked = 0;
      const s = new Shipper(
        { url, hallId: `h${hall}`, credential: creds[hall] as string, idleMs: 1000, pullEveryMs: 3_600_000 },
        {
          events: (from, to) => log.slice(from - 1, to),
          lastSeq: () => log.length,
          versions: () => ({}),
          applyDocuments: () => undefined,
          onShipped: (hw) => {
            const now = performance.now();
            for (let q = acked + 1; q <= hw; q++) lags.push(now - (committedAt[q - 1] as number));
            acked = Math.max(acked, hw);
          },
          logger: pino({ level: 'silent' }),
        },
      );
      shippers.push(s);
      s.start();
      const every = 1000 / PEAK_FACTS_PER_S;
      const add = () => {
        const seq = log.length + 1;
        const f = hallFact(seq, t0 + seq * 1000);
        log.push({ ...(f.body as object), seq, at: f.at } as HallEvent);
        committedAt.push(performance.now());
        s.kick();
      };
      // Staggered starts, then a steady peak-hour rate with jitter.
      timers.push(
        setTimeout(() => {
          const t = setInterval(add, every * (0.8 + Math.random() * 0.4));
          timers.push(t);
        }, Math.random() * every),
      );
    }
    await new Promise((r) => setTimeout(r, LAG_SECONDS * 1000));
    for (const t of timers) clearInterval(t);
    await new Promise((r) => setTimeout(r, 1500));
    await Promise.all(shippers.map((s) => s.stop()));
    const p99 = quantile(lags, 0.99);
    const floor = median(rtt);
    progress(
      `center: ${lags.length} facts from ${LAG_HALLS} halls, lag p50 ${round(quantile(lags, 0.5))} ms, p99 ${round(p99)} ms; one-fact batch ${round(floor)} ms`,
    );
    await stopCenter();
    return [
      ingestRow,
      rowAtMost(
        `replication lag p99, ${LAG_HALLS} halls at ${PEAK_FACTS_PER_S} facts/s each, vs a one-fact batch`,
        p99,
        floor,
        'ms',
        200,
      ),
    ];
  } finally {
    await pool.end();
    await db.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { printTable } = await import('./report.ts');
  centerBench().then(
    (rows) => {
      printTable(rows);
      process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
