/**
 * The risk crash-test worker (SPEC RISK-EVAL-5): over a SQLite file, through the hall's
 * composition root, issues and cancels tickets, each cancel by a new person under a rule that
 * alerts on every cancel, acknowledging each on stdout after its unit returned, until killed.
 *
 *   node --import tsx tests/crash/risk-worker.ts <dbPath>
 */
import { writeSync } from 'node:fs';
import type { RiskRule } from '@onewindow/shared';
import pino from 'pino';
import { composeHall } from '../../queue-server/src/compose.ts';
import { hallConfig, T0 } from '../../queue-server/src/domain/test-factory.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';

const [dbPath] = process.argv.slice(2);
if (dbPath === undefined) throw new Error('usage: risk-worker.ts <dbPath>');

/** Every cancel alerts: one per person, and each cancel is by a new person. */
export const CRASH_RULES: RiskRule[] = [
  {
    id: 'R-STAFF',
    kind: 'staff-actions',
    riskCode: 'CZ-05',
    mode: 'warn',
    enabled: true,
    thresholds: { count: 1, periodHours: 24 },
  },
];

let now = T0;
const store = new HallStore(dbPath, TEST_KEYS);
const h = composeHall({ store, logger: pino({ level: 'silent' }), clock: { now: () => now } });
if (h.hall.queue.hallConfig === null) {
  h.hall.execute({ type: 'hall:configure', config: hallConfig(), by: 'admin' });
  h.risk.seed();
  h.risk.publishRules(CRASH_RULES, 'admin');
}
let n = store.lastSeq();
writeSync(1, 'ready\n');
for (;;) {
  now += 1000;
  n += 1;
  const issued = h.hall.execute({ type: 'ticket:issue', categoryId: 'B', source: 'kiosk' });
  if (!issued.ok) throw new Error(issued.error.message);
  const t = issued.events[0]!;
  if (t.type !== 'ticket:issued') throw new Error('no ticket');
  const r = h.hall.execute({ type: 'ticket:cancel', ticketId: t.ticket.id, by: `g-${n}`, reason: '测试' });
  if (!r.ok) throw new Error(r.error.message);
  writeSync(1, `ack ${n}\n`);
}
