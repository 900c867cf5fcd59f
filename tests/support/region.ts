/**
 * Halls for the center's tests (issue #18): each composed in-process on its own SQLite file and
 * driven through a simulated day by the real services (tickets, transfers, no-shows, ratings,
 * time-limited cases on acceptance slips, the risk monitor's tick), and their logs shipped to
 * the center through its own ingest.
 */
import { join } from 'node:path';
import type { HallEvent } from '@onewindow/shared';
import type pg from 'pg';
import pino from 'pino';
import { CenterStore } from '../../queue-server/src/center/center.store.ts';
import { stripFact } from '../../queue-server/src/center/strip.ts';
import { composeHall, type Hall } from '../../queue-server/src/compose.ts';
import { mulberry32 } from '../../queue-server/src/domain/test-factory.ts';
import type { Command } from '../../queue-server/src/domain/types.ts';
import { SIM_RISK_RULES } from '../../queue-server/src/service/risk.testing.ts';
import { seedServiceHall } from '../../queue-server/src/service/testing.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
const OFFSET = 8 * HOUR;
/** A Tuesday, a working day. */
export const DAY = '2026-12-01';
export const midnight = Date.parse(`${DAY}T00:00:00Z`) - OFFSET;
/** Time-limited items of the demo catalog (an acceptance opens a case with a deadline). */
const CASE_ITEMS = ['512B0070200003', '512B0067900009', '51201400600001', '512B0070100003'];
const CLERKS = ['c1', 'c2', 'c3', 'c4'];

export interface SimHall {
  id: string;
  name: string;
  h: Hall;
  store: HallStore;
  log: HallEvent[];
}

/** One hall's day, driven at random through the composed hall (most random commands are refused). */
export async function playHall(index: number, dir: string, clock: { now: number }): Promise<SimHall> {
  const store = new HallStore(join(dir, `hall-${index}.db`), TEST_KEYS);
  const h = composeHall({ store, logger: pino({ level: 'silent' }), clock: { now: () => clock.now } });
  clock.now = midnight + 8 * HOUR;
  seedServiceHall(h, store, Object.fromEntries(CLERKS.map((c) => [c, ['clerk'] as const])));
  h.risk.seed();
  if (!h.risk.publishRules([...SIM_RISK_RULES], 'admin').ok) throw new Error('rules');
  const rnd = mulberry32(1000 + index * 7919);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const run = (cmd: Command) => h.hall.execute(cmd);
  const windows = h.hall.queue.snapshot().config!.windows;
  const categories = h.hall.queue.snapshot().config!.categories;
  const itemsOf = new Map(
    categories.map((c) => [c.id, store.auth.catalog().filter((i) => i.categoryId === c.id)]),
  );
  clock.now = midnight + 9 * HOUR;
  for (const [i, w] of windows.entries())
    run({ type: 'window:open', windowId: w.id, clerkId: CLERKS[i % 4]! });
  // Halls differ in size: 150 to 420 steps.
  const steps = 150 + index * 30;
  for (let step = 0; step < steps; step += 1) {
    clock.now += Math.floor(rnd() * 100_000);
    const live = h.hall.queue.snapshot().tickets;
    const w = pick(windows);
    const u = rnd();
    if (u < 0.28) {
      const c = pick(categories);
      const items = itemsOf.get(c.id) ?? [];
      const item = items.length > 0 && rnd() < 0.8 ? pick(items).code : undefined;
      run({ type: 'ticket:issue', categoryId: c.id, source: 'kiosk', ...(item ? { itemCode: item } : {}) });
    } else if (u < 0.46) run({ type: 'ticket:call-next', windowId: w.id });
    else if (u < 0.49) run({ type: 'ticket:recall', windowId: w.id });
    else if (u < 0.62) run({ type: 'ticket:start', windowId: w.id });
    else if (u < 0.76) {
      const serving = h.hall.queue.window(w.id);
      const t = serving?.ticketId ? live.find((x) => x.id === serving.ticketId) : undefined;
      if (t?.status === 'serving' && rnd() < 0.25) {
        // A time-limited case: an acceptance slip at the window opens it (SLP-*, CASE-*).
        const clerk = serving!.clerkId!;
        h.slips.issue(
          { kind: 'staff', id: clerk, name: clerk, staffNumber: clerk, roles: ['clerk'] },
          {
            ticketId: t.id,
            kind: 'acceptance',
            itemCode: pick(CASE_ITEMS),
            applicantName: '张三',
            contactPhone: '13800000000',
            print: false,
          },
        );
      }
      run({
        type: 'ticket:finish',
        windowId: w.id,
        outcome: pick(['completed', 'accepted', 'rejected', 'supplement'] as const),
      });
    } else if (u < 0.79) run({ type: 'ticket:no-show', windowId: w.id });
    else if (u < 0.81) {
      const t = live.filter((x) => x.status === 'waiting' || x.status === 'serving');
      if (t.length)
        run({
          type: 'ticket:transfer',
          ticketId: pick(t).id,
          to: { categoryId: pick(categories).id },
          by: 'g',
          note: '转',
        });
    } else if (u < 0.82) {
      const t = live.filter((x) => x.status === 'waiting' || x.status === 'no-show');
      if (t.length) run({ type: 'ticket:cancel', ticketId: pick(t).id, by: 'g', reason: '走了' });
    } else if (u < 0.95) {
      const t = live.filter((x) => x.status === 'done' && x.rating === null);
      if (t.length)
        run({
          type: 'ticket:rate',
          ticketId: pick(t).id,
          level: 1 + Math.floor(rnd() * 5),
          reasons: rnd() < 0.5 ? ['waiting'] : [],
          channel: 'pad',
        });
    } else if (u < 0.96) h.risk.runTick(); // the monitor's tick: long waits raise alerts
  }
  clock.now += 10 * MIN;
  h.risk.runTick();
  return {
    id: `hall-${String(index).padStart(2, '0')}`,
    name: `第${index + 1}服务大厅`,
    h,
    store,
    log: store.events(),
  };
}

/**
 * Ships a hall's log to the center the way the shipper does (RGN-REP-*): registered once, then
 * stripped of what stays in the hall (`stripFact`) and ingested in ordered batches.
 */
export async function replicate(pool: pg.Pool, hall: SimHall): Promise<void> {
  const center = new CenterStore(pool);
  if ((await center.addHall(hall.id, hall.name)) === null) throw new Error(`hall ${hall.id} exists`);
  const last = hall.log.at(-1)?.seq ?? 0;
  for (let i = 0; i < hall.log.length; i += 500) {
    const r = await center.ingest(hall.id, last, {}, hall.log.slice(i, i + 500).map(stripFact));
    if (!r.ok) throw new Error(`ingest ${hall.id}: ${r.code}`);
  }
}
