/**
 * The notice crash-test worker (SPEC NOTE-DLV-3): over a SQLite file, through the hall's
 * composition root, opens `count` cases (each acceptance writes a notice) and serves `online`
 * online tickets (each writes three queue notices: N ahead, the call, the rating link, NOTE-TRG-5..7)
 * the first time, then runs the notice worker against the SMSC at `port` until killed.
 *
 *   node --import tsx tests/crash/notice-worker.ts <dbPath> <port> <count> [online]
 */
import { writeSync } from 'node:fs';
import pino from 'pino';
import { composeHall } from '../../queue-server/src/compose.ts';
import { hallConfig, T0 } from '../../queue-server/src/domain/test-factory.ts';
import { demoCatalog } from '../../queue-server/src/seed/demo-hall.ts';
import { SmppGateway } from '../../queue-server/src/service/sms/smpp.gateway.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';

const [dbPath, port, count, online = '0'] = process.argv.slice(2);
if (dbPath === undefined || port === undefined || count === undefined)
  throw new Error('usage: notice-worker.ts <dbPath> <port> <count>');

const start = Date.now();
const clock = { now: () => T0 + (Date.now() - start) };
const store = new HallStore(dbPath, TEST_KEYS);
const silent = pino({ level: 'silent' });
const h = composeHall({
  store,
  logger: silent,
  clock,
  sms: {
    gateway: new SmppGateway({
      host: '127.0.0.1',
      port: Number(port),
      systemId: 'hall',
      password: 'secret',
      sourceAddr: '',
      responseTimeoutMs: 60_000,
      log: silent,
    }),
    retry: { baseMs: 50, capMs: 200, maxAttempts: 50 },
    pollMs: 100,
  },
});
if (h.hall.queue.hallConfig === null) {
  h.hall.execute({ type: 'hall:configure', config: hallConfig(), by: 'admin' });
  store.auth.replaceCatalog(demoCatalog());
  // One submit_sm per notice (under 70 UCS2 units), so the test can count submits per notice.
  h.notices.replaceTemplate('admin', 'case-accepted', {
    text: '已受理，受理编号{receiptNo}',
    operatorCode: 'T1',
  });
  // The queue's notices short too; the rating link is relative here (no public URL), 34 characters.
  h.notices.replaceTemplate('admin', 'queue-ahead', { text: '{number}号前面{ahead}人', operatorCode: 'T4' });
  h.notices.replaceTemplate('admin', 'queue-called', {
    text: '请{number}号到{windowNo}号窗口',
    operatorCode: 'T5',
  });
  h.notices.replaceTemplate('admin', 'rating-link', { text: '请评价{number}号：{link}', operatorCode: 'T6' });
  h.hall.execute({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-a' });
  const clerk = {
    kind: 'staff' as const,
    id: 'clerk-a',
    name: '甲',
    staffNumber: 'A1',
    roles: ['clerk' as const],
  };
  for (let i = 0; i < Number(count); i += 1) {
    h.hall.execute({ type: 'ticket:issue', categoryId: 'A', itemCode: '512B0070200003', source: 'kiosk' });
    h.hall.execute({ type: 'ticket:call-next', windowId: 'w1' });
    h.hall.execute({ type: 'ticket:start', windowId: 'w1' });
    const r = h.slips.issue(clerk, {
      ticketId: h.hall.queue.window('w1')!.ticketId!,
      kind: 'acceptance',
      applicantName: '张三',
      contactPhone: `139${String(i).padStart(8, '0')}`,
      print: false,
    });
    if (!r.ok) throw new Error(r.error.message);
  }
  for (let i = 0; i < Number(online); i += 1) {
    const joined = h.onlineQueue.join(
      { holderRef: `ref-${i}`, phone: `137${String(i).padStart(8, '0')}` },
      'A',
    );
    if (!joined.ok) throw new Error(joined.error.message);
    const confirmed = h.kiosk.checkIn('kiosk-1', { bookingCode: joined.data.code }, false, 'http://k');
    if (!confirmed.ok) throw new Error(confirmed.error.message);
    h.hall.execute({ type: 'ticket:call-next', windowId: 'w1' });
    h.hall.execute({ type: 'ticket:start', windowId: 'w1' });
    h.hall.execute({ type: 'ticket:finish', windowId: 'w1', outcome: 'completed' });
  }
}
writeSync(1, 'ready\n');
h.noticeWorker!.start();
// The worker's own timers do not hold the process (a server's listener does): while the SMSC
// restarts nothing else would, so this stands in for the server until the test kills it.
setInterval(() => undefined, 60_000);
