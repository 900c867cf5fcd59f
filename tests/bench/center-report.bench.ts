/**
 * The region's report at the center (SPEC RGN-RPT-*, issue #18's benchmark): 50 halls × 90 days
 * of facts COPYed once into a real PostgreSQL, then the center's report over all of them (the
 * hall's folds over every hall's facts, read in pages) against a bare SQL aggregate of the same
 * rows in the same database in the same run (counts by type and the good ratings, GROUP BY hall).
 * The report must give the aggregate's numbers; the row is its time over the aggregate's.
 *
 * `npx tsx tests/bench/center-report.bench.ts` runs this suite alone.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate } from '../../queue-server/src/center/migrations.ts';
import { CenterReportService } from '../../queue-server/src/center/report.service.ts';
import { CenterReportStore } from '../../queue-server/src/center/report.store.ts';
import { hallConfig, mulberry32 } from '../../queue-server/src/domain/test-factory.ts';
import { postgresBin, startPostgres } from '../support/postgres.ts';
import { type BenchRow, median, printTable, progress, rowAtMost } from './report.ts';

const HALLS = 50;
const DAYS = 90;
const TICKETS_PER_DAY = 30;
const FIRST_DAY = '2026-09-01';
const OFFSET_MS = 8 * 3_600_000;
const MIN = 60_000;
/**
 * The report may take this many times the bare aggregate: the aggregate never leaves PostgreSQL,
 * the report ships every row to the process and folds it there (measured 34–44× on the loaded VM).
 */
const TARGET = 60;
/** …and this many times reading the same rows without folding them (the fold's own cost). */
const READ_TARGET = 3;
const RUNS = 2;

const dayOf = (i: number) =>
  new Date(Date.parse(`${FIRST_DAY}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10);
const midnight = (day: string) => Date.parse(`${day}T00:00:00Z`) - OFFSET_MS;

/** One row of COPY's text format: tab-separated, backslashes doubled (JSON has no raw tabs or newlines). */
const copyRow = (hall: string, seq: number, at: number, type: string, body: object) =>
  `${hall}\t${seq}\t${at}\t${type}\t${JSON.stringify({ type, ...body }).replaceAll('\\', '\\\\')}\n`;

/** A hall's 90 days as COPY rows, in seq order with `at` never going back (a real hall's log). */
function* hallRows(hall: string, seed: number): Generator<string> {
  const rnd = mulberry32(seed);
  const cfg = hallConfig();
  let seq = 0;
  yield copyRow(hall, ++seq, midnight(FIRST_DAY) + 8 * 60 * MIN, 'hall:configured', {
    config: cfg,
    by: 'admin',
  });
  const windows = cfg.windows;
  for (let d = 0; d < DAYS; d += 1) {
    const day = dayOf(d);
    const open = midnight(day) + 9 * 60 * MIN;
    const events: { at: number; type: string; body: object }[] = [];
    for (const [i, w] of windows.entries())
      events.push({ at: open, type: 'window:opened', body: { windowId: w.id, clerkId: `${hall}-c${i}` } });
    for (let t = 0; t < TICKETS_PER_DAY; t += 1) {
      const id = `${day.replaceAll('-', '')}-${t}`;
      const w = windows[t % windows.length]!;
      const categoryId = w.categoryIds[0]!;
      const arrivedAt = open + t * 11 * MIN + Math.floor(rnd() * 5 * MIN);
      const called = arrivedAt + Math.floor(rnd() * 40 * MIN);
      const serving = called + 30_000;
      const finished = serving + Math.floor((3 + rnd() * 15) * MIN);
      events.push({
        at: arrivedAt,
        type: 'ticket:issued',
        body: {
          ticket: {
            id,
            number: `${categoryId}${String(t + 1).padStart(3, '0')}`,
            businessDay: day,
            categoryId,
            arrivedAt,
            itemCode: `ITEM${t % 12}`,
            status: 'waiting',
          },
        },
      });
      events.push({
        at: called,
        type: 'ticket:called',
        body: { ticketId: id, windowId: w.id, priorityStreak: 0 },
      });
      events.push({ at: serving, type: 'ticket:serving', body: { ticketId: id, windowId: w.id } });
      events.push({
        at: finished,
        type: 'ticket:finished',
        body: { ticketId: id, windowId: w.id, outcome: 'completed' },
      });
      if (rnd() < 0.6) {
        const level = 1 + Math.floor(rnd() * 5);
        events.push({
          at: finished + MIN,
          type: 'ticket:rated',
          body: { ticketId: id, windowId: w.id, servedBy: null, level, reasons: [], channel: 'pad' },
        });
        // A bad rating's 回访 (FUP-5): opened in the rating's unit, half called back, a quarter closed.
        if (level <= 2) {
          const deadline = dayOf(Math.min(d + 21, DAYS - 1));
          const f = { ticketId: id };
          events.push({
            at: finished + MIN,
            type: 'follow-up:opened',
            body: {
              ...f,
              deadline,
              level,
              windowId: w.id,
              itemCode: `ITEM${t % 12}`,
              ratedAt: finished + MIN,
            },
          });
          if (t % 2 === 0)
            events.push({
              at: finished + 30 * MIN,
              type: 'follow-up:called-back',
              body: { ...f, reached: true, by: 'm' },
            });
          if (t % 4 === 0)
            events.push({
              at: finished + 60 * MIN,
              type: 'follow-up:status-changed',
              body: { ...f, status: 'closed', by: 'm' },
            });
        }
      }
    }
    events.push({
      at: midnight(day) + 17 * 60 * MIN + 30 * MIN,
      type: 'day:closed',
      body: { businessDay: day, settledTicketIds: [], closeWindows: true, by: 'system', reason: '' },
    });
    events.sort((a, b) => a.at - b.at);
    for (const e of events) yield copyRow(hall, ++seq, e.at, e.type, e.body);
  }
}

/** COPY … FROM STDIN through Debian's psql: the bulk path PostgreSQL itself offers. */
async function copyIn(url: string, rows: Iterable<string>): Promise<void> {
  const psql = spawn(
    join(postgresBin(), 'psql'),
    [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', 'COPY facts (hall_id, seq, at, type, body) FROM STDIN'],
    {
      stdio: ['pipe', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  psql.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const done = new Promise<void>((resolve, reject) =>
    psql.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql COPY: ${stderr}`)))),
  );
  let buf = '';
  for (const r of rows) {
    buf += r;
    if (buf.length > 1 << 20) {
      if (!psql.stdin.write(buf)) await new Promise((r2) => psql.stdin.once('drain', r2));
      buf = '';
    }
  }
  psql.stdin.end(buf);
  await done;
}

const BARE = `SELECT hall_id,
    count(*) FILTER (WHERE type = 'ticket:issued') AS issued,
    count(*) FILTER (WHERE type = 'ticket:finished') AS served,
    count(*) FILTER (WHERE type = 'ticket:rated') AS rated,
    count(*) FILTER (WHERE type = 'ticket:rated' AND (body->>'level')::int >= 4) AS good,
    count(*) FILTER (WHERE type = 'follow-up:status-changed' AND body->>'status' = 'closed') AS closed
  FROM facts WHERE at >= $1 AND at < $2 GROUP BY hall_id`;

export async function centerReportBench(): Promise<BenchRow[]> {
  const db = await startPostgres();
  const url = db.createDatabase('center_report_bench');
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    await migrate(pool);
    const ids = Array.from({ length: HALLS }, (_, i) => `hall-${String(i).padStart(2, '0')}`);
    await pool.query(
      `INSERT INTO halls (hall_id, name, credential_hash) SELECT id, id, repeat('0', 64) FROM unnest($1::text[]) AS id`,
      [ids],
    );
    const t0 = performance.now();
    await copyIn(
      url,
      (function* () {
        for (const [i, id] of ids.entries()) yield* hallRows(id, 17 + i);
      })(),
    );
    await pool.query(
      'UPDATE halls SET high_water = m.seq FROM (SELECT hall_id, max(seq) AS seq FROM facts GROUP BY hall_id) m WHERE halls.hall_id = m.hall_id',
    );
    await pool.query('ANALYZE facts');
    const { rows: countRows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM facts');
    const facts = Number(countRows[0]!.n);
    progress(
      `center-report: ${facts} facts of ${HALLS} halls × ${DAYS} days COPYed in ${Math.round(performance.now() - t0)} ms`,
    );

    const from = FIRST_DAY;
    const to = dayOf(DAYS - 1);
    const service = new CenterReportService({
      store: new CenterReportStore(pool),
      now: () => midnight(to) + 86_400_000 + 60 * MIN,
    });
    const store = new CenterReportStore(pool);
    const report: number[] = [];
    const bare: number[] = [];
    const fetched: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const b0 = performance.now();
      const { rows } = await pool.query<{
        issued: string;
        served: string;
        rated: string;
        good: string;
        closed: string;
      }>(BARE, [midnight(from), midnight(to) + 86_400_000]);
      bare.push(performance.now() - b0);
      // The second floor: the same rows only read into the process, a page at a time, and dropped.
      const f0 = performance.now();
      let read = 0;
      for (const h of await store.halls(null))
        for await (const page of store.facts(h.hallId, 1, h.highWater)) read += page.length;
      fetched.push(performance.now() - f0);
      if (read !== facts) throw new Error(`read ${read} of ${facts} facts`);
      const r0 = performance.now();
      const r = await service.report(null, from, to);
      report.push(performance.now() - r0);
      // The report and the aggregate read the same rows: the same counts, or the row means nothing.
      const sum = (k: 'issued' | 'served' | 'rated' | 'good' | 'closed') =>
        rows.reduce((a, x) => a + Number(x[k]), 0);
      if (
        r.total.issued !== sum('issued') ||
        r.total.served !== sum('served') ||
        r.total.ratings.rated !== sum('rated') ||
        r.total.ratings.good !== sum('good') ||
        r.followUps.closed !== sum('closed') ||
        r.followUps.total !== r.total.ratings.bad ||
        r.halls.length !== HALLS
      )
        throw new Error(
          `the report (${r.total.issued}/${r.total.served}/${r.total.ratings.rated}) is not the aggregate (${sum('issued')}/${sum('served')}/${sum('rated')})`,
        );
    }
    const value = median(report);
    const floor = median(bare);
    const readFloor = median(fetched);
    progress(
      `center-report: report ${Math.round(value)} ms (runs ${report.map(Math.round).join(', ')}), bare aggregate ${Math.round(floor)} ms (${bare.map(Math.round).join(', ')}), rows read only ${Math.round(readFloor)} ms (${fetched.map(Math.round).join(', ')})`,
    );
    return [
      rowAtMost(
        `region report, ${HALLS} halls × ${DAYS} days, median of ${RUNS} (floor: the same rows only read from PostgreSQL)`,
        value,
        readFloor,
        'ms',
        READ_TARGET,
      ),
      rowAtMost(
        `region report, ${HALLS} halls × ${DAYS} days (${Math.round(facts / 1000)}k facts), median of ${RUNS} (floor: a bare SQL aggregate of the same rows)`,
        value,
        floor,
        'ms',
        TARGET,
      ),
    ];
  } finally {
    await pool.end();
    await db.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  centerReportBench().then(
    (rows) => printTable(rows),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
