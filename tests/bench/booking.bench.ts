/**
 * The booking suite of `npm run bench` (issue #17, SPEC MOB-BOOK-3): online booking throughput
 * when many citizens book the same day's slots, against the bare transaction.
 *
 * - Hall: one hall on its own SQLite file (WAL, synchronous=FULL) through `BookingService.book`,
 *   the path `POST /api/m/bookings` calls: the slot found among the day's, the no-show bar, the
 *   one-per-day rule, the capacity, the row with the sealed phone, the `booking:made` fact, the
 *   high-water mark. CLIENTS citizens (each a different person) try the 16 half-hour slots of
 *   one day round-robin, more than their capacity, so a share is refused as full (a refused
 *   unit rolls back, which is part of the price).
 * - Floor: the same attempts on a bare better-sqlite3 file with the same pragmas: one
 *   transaction per attempt that inserts only `WHERE count < capacity` (and not twice a day).
 * Attempts alternate between the two, so load on the shared machine hits both. Row: hall
 * attempts/s over bare attempts/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { composeHall } from '../../queue-server/src/compose.ts';
import { hallConfig, idBornOn, T0 } from '../../queue-server/src/domain/test-factory.ts';
import { demoCatalog } from '../../queue-server/src/seed/demo-hall.ts';
import { holderRefs } from '../../queue-server/src/service/holder.ts';
import { applyDurablePragmas, HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import { type BenchRow, printTable, progress, round, rowAtLeast } from './report.ts';

const CLIENTS = Number(process.env.BOOKING_BENCH_CLIENTS ?? 600);
const CAPACITY = 20;
const ITEM = '512B0070200003';
/**
 * Both are bound by the commit's fsync; the hall's unit adds the fact, the sealed phone, the
 * checks and the high-water mark. Measured 0.74 on the shared 2-core VM: it must keep 0.4.
 */
const TARGET = 0.4;

export async function bookingBench(): Promise<BenchRow[]> {
  progress(
    `booking: ${CLIENTS} citizens on one day's 16 slots (capacity ${CAPACITY}) vs the bare transaction`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-booking-bench-'));
  const store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
  // The day before the booked day, 09:00: every slot of the next day is bookable.
  const now = T0;
  const h = composeHall({ store, logger: pino({ level: 'silent' }), clock: { now: () => now } });
  h.hall.execute({ type: 'hall:configure', config: hallConfig(), by: 'admin' });
  store.auth.replaceCatalog(demoCatalog());
  const configured = h.bookings.configure('admin', {
    enabled: true,
    daysAhead: 1,
    minLeadMinutes: 0,
    cancelBeforeMinutes: 120,
    reminderMinutesBefore: 0,
    noShow: { limit: 3, periodDays: 90, banDays: 30 },
    lines: [{ categoryId: 'A', itemCode: null, from: '09:00', to: '17:00', capacity: CAPACITY }],
  });
  if (!configured.ok) throw new Error(configured.error.message);
  const free = h.bookings.freeSlots(ITEM);
  if (!free.ok) throw new Error(free.error.message);
  const day = free.data.slots.at(-1)!.day;
  const slots = free.data.slots.filter((s) => s.day === day).map((s) => s.start);
  if (slots.length !== 16) throw new Error(`expected 16 slots on ${day}, got ${slots.length}`);

  const bare = new Database(join(dir, 'bare.db'));
  applyDurablePragmas(bare);
  bare.exec(`CREATE TABLE b (code TEXT PRIMARY KEY, day TEXT NOT NULL, holder TEXT NOT NULL,
    slot INTEGER NOT NULL, UNIQUE (day, holder)) STRICT;
    CREATE INDEX b_slot ON b (day, slot);`);
  const insert = bare.prepare(`INSERT INTO b (code, day, holder, slot)
    SELECT @code, @day, @holder, @slot WHERE (SELECT COUNT(*) FROM b WHERE day = @day AND slot = @slot) < @cap
    ON CONFLICT DO NOTHING`);
  const bareBook = bare.transaction(
    (a: { code: string; day: string; holder: string; slot: number }) =>
      insert.run({ ...a, cap: CAPACITY }).changes === 1,
  );

  const ref = holderRefs(TEST_KEYS);
  const citizens = Array.from({ length: CLIENTS }, (_, i) => {
    const id = idBornOn('19800101', String(i).padStart(3, '0'));
    return { holderRef: ref(id), holderMasked: '110***', senior: false, phone: '13800000000' };
  });
  let hallMs = 0;
  let bareMs = 0;
  let hallWon = 0;
  let bareWon = 0;
  for (let i = 0; i < CLIENTS; i++) {
    const slot = slots[i % slots.length]!;
    const t0 = performance.now();
    const r = h.bookings.book(citizens[i]!, { itemCode: ITEM, slotStart: slot });
    hallMs += performance.now() - t0;
    if (r.ok) hallWon++;
    else if (r.error.code !== 'CONFLICT') throw new Error(`${r.error.code}: ${r.error.message}`);
    const b0 = performance.now();
    if (bareBook({ code: `Y${i}`, day, holder: citizens[i]!.holderRef, slot })) bareWon++;
    bareMs += performance.now() - b0;
  }
  if (hallWon !== bareWon || hallWon !== Math.min(CLIENTS, 16 * CAPACITY))
    throw new Error(`hall booked ${hallWon}, bare ${bareWon}: the capacity was not kept`);
  bare.close();
  h.close();
  rmSync(dir, { recursive: true, force: true });
  const hallRate = (CLIENTS / hallMs) * 1000;
  const bareRate = (CLIENTS / bareMs) * 1000;
  progress(
    `booking: hall ${round(hallRate)} attempts/s (${round(hallMs / CLIENTS)} ms each), bare ${round(bareRate)} attempts/s (${round(bareMs / CLIENTS)} ms); ${hallWon} booked, ${CLIENTS - hallWon} refused as full`,
  );
  return [
    rowAtLeast(
      'booking: attempts/s on one day under contention / bare INSERT … WHERE count < cap',
      round(hallRate),
      round(bareRate),
      'attempts/s',
      TARGET,
    ),
  ];
}

// `npx tsx tests/bench/booking.bench.ts` runs this suite alone and prints its table.
if (import.meta.url === `file://${process.argv[1]}`) {
  bookingBench().then(
    (rows) => {
      printTable(rows);
      if (rows.some((r) => !r.pass)) process.exitCode = 1;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
