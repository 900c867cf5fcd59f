/**
 * The notice suite of `npm run bench` (issue #17 point 6): how long a notice takes from its
 * triggering fact to the operator's SMSC, against a bare SMPP client sending the same text.
 *
 * One SMSC (the `smpp` package's server, in this process) stamps each submit_sm on arrival.
 * - Notice: a hall on its own SQLite file (WAL, synchronous=FULL) with the SMPP gateway; each
 *   sample is one acceptance (the unit that writes `slip:issued` and its notice), timed from the
 *   moment the unit appends the fact (so its commit counts) to the submit_sm's arrival. The worker's path: the
 *   subscriber's kick, the due query, the durable `sending` commit, the UCS2 submit.
 * - Floor: a bare bound session of the same package submitting the same UCS2 text, timed from the
 *   call to the arrival. Samples alternate, so load on the shared machine hits both.
 * Row: p99 notice / p99 bare. The gap is mostly the `sending` commit's fsync (NOTE-DLV-2), the
 * price of knowing at a restart which notice may be in doubt.
 */
import { demoCatalog } from '../../queue-server/src/seed/demo-hall.ts';
import { type BenchRow, progress, quantile, round, rowAtMost } from './report.ts';
import { smsBenchHall } from './sms-hall.ts';

const SAMPLES = Number(process.env.NOTICE_BENCH_SAMPLES ?? 200);

export async function noticeBench(): Promise<BenchRow[]> {
  progress('notice: fact → submit_sm vs a bare SMPP client');
  const { h, store, advance, arrival, bareSend, close } = await smsBenchHall('notice');
  store.auth.replaceCatalog(demoCatalog());
  h.hall.execute({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-a' });
  h.notices.replaceTemplate('admin', 'case-accepted', {
    text: '已受理，受理编号{receiptNo}',
    operatorCode: 'T1',
  });
  // The fact's moment: when the unit appends it (the unit's commit and everything after counts).
  let t0 = 0;
  h.hall.project((events) => {
    if (events.some((e) => e.type === 'slip:issued')) t0 = performance.now();
  });
  const clerk = {
    kind: 'staff' as const,
    id: 'clerk-a',
    name: '甲',
    staffNumber: 'A1',
    roles: ['clerk' as const],
  };

  const noticeMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    advance(60_000);
    const phone = `139${String(i).padStart(8, '0')}`;
    h.hall.execute({ type: 'ticket:issue', categoryId: 'A', itemCode: '512B0070200003', source: 'kiosk' });
    h.hall.execute({ type: 'ticket:call-next', windowId: 'w1' });
    h.hall.execute({ type: 'ticket:start', windowId: 'w1' });
    const r = h.slips.issue(clerk, {
      ticketId: h.hall.queue.window('w1')!.ticketId!,
      kind: 'acceptance',
      applicantName: '张三',
      contactPhone: phone,
      print: false,
    });
    if (!r.ok) throw new Error(r.error.message);
    noticeMs.push((await arrival(phone)) - t0);

    bareMs.push(await bareSend(`137${String(i).padStart(8, '0')}`, `已受理，受理编号${r.data.number}`));
  }
  await close();
  const p99 = quantile(noticeMs, 0.99);
  const floor = quantile(bareMs, 0.99);
  progress(
    `notice: p50 ${round(quantile(noticeMs, 0.5))} ms, p99 ${round(p99)} ms; bare p50 ${round(quantile(bareMs, 0.5))} ms, p99 ${round(floor)} ms`,
  );
  return [
    rowAtMost('notice: fact → submit_sm p99 / bare SMPP submit p99', round(p99), round(floor), 'ms', 4),
  ];
}
