/**
 * One hall as its own process for the replication tests (issue #18): a real hall server (createApp
 * over a SQLite file, listening on port 0) that replicates to the center named in its env, driven
 * over stdin with a simulated day's traffic through its services: kiosk tickets with ID numbers and
 * forms, calls, service, slips that open cases with the applicant's name and phone, ratings, notes.
 *
 *   HALL_DB=… CENTER_URL=… HALL_ID=… CREDENTIAL=… [BATCH=n] node --import tsx tests/center/hall-worker.ts
 *
 * stdin: `day <steps>` → `ok <lastSeq>`; `status` → `status <json>`; `dump` → `dump <json of the
 * stripped log>`. It prints `ready <port> <lastSeq>` once serving.
 */
import { createInterface } from 'node:readline';
import type { StaffRole } from '@onewindow/shared';
import pino from 'pino';
import { createApp } from '../../queue-server/src/app/app.ts';
import type { Principal } from '../../queue-server/src/auth/permissions.ts';
import { stripFact } from '../../queue-server/src/center/strip.ts';
import { hallConfig, idBornOn, T0, WINDOWS } from '../../queue-server/src/domain/test-factory.ts';
import type { Command } from '../../queue-server/src/domain/types.ts';
import { demoCatalog } from '../../queue-server/src/seed/demo-hall.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import { CARD_ITEM, ENROL_ITEM, TRANSFER_ITEM } from '../crash/stream.ts';
import { CANARY } from './support.ts';

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is required`);
  return v;
};

const store = new HallStore(env('HALL_DB'), TEST_KEYS);
let now = Math.max(T0, (store.events(store.lastSeq(), store.lastSeq())[0]?.at ?? 0) + 1000);
const app = createApp({
  store,
  logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
  clock: { now: () => now },
  shutdownGraceMs: 200,
  center: {
    url: env('CENTER_URL'),
    hallId: env('HALL_ID'),
    credential: env('CREDENTIAL'),
    batchFacts: Number(process.env.BATCH ?? 200),
    idleMs: 1000,
    pullEveryMs: 500,
    backoffMs: 100,
    maxBackoffMs: 400,
    timeoutMs: 3000,
  },
});
const h = app.hall;

const staff = (id: string, roles: StaffRole[]): Extract<Principal, { kind: 'staff' }> => ({
  kind: 'staff',
  id,
  name: id,
  staffNumber: id,
  roles,
});
const clerkAt = (windowId: string) =>
  staff(
    `clerk-${windowId}`,
    WINDOWS.find((w) => w.id === windowId)?.post === 'rights' ? ['rights-clerk'] : ['clerk'],
  );

if (h.hall.queue.hallConfig === null)
  h.hall.execute({ type: 'hall:configure', config: hallConfig({ numberDigits: 4 }), by: 'admin' });
if (h.catalog.items().length === 0) store.auth.replaceCatalog(demoCatalog());
for (const w of WINDOWS)
  if (h.hall.queue.window(w.id)?.state === 'closed' || h.hall.queue.window(w.id) === undefined)
    h.hall.execute({ type: 'window:open', windowId: w.id, clerkId: `clerk-${w.id}` });
const kiosk =
  h.auth.allDevices().find((d) => d.name === 'kiosk k1')?.id ??
  (() => {
    const code = h.auth.createPairingCode('system', { kind: 'kiosk', name: 'kiosk k1', windowId: null });
    if (!code.ok) throw new Error(code.error.message);
    const paired = h.auth.pair(code.data.code);
    if (!paired.ok) throw new Error(paired.error.message);
    return paired.data.device.id;
  })();

let step = store.lastSeq();
const exec = (cmd: Command) => h.hall.execute(cmd);

/** One step of a day: the kind cycles so every hall writes tickets, cases, ratings and notes. */
function oneStep(): void {
  const i = step++;
  now += 10_000;
  const w = WINDOWS[Math.floor(i / 8) % 2]!.id;
  switch (i % 8) {
    case 0:
    case 1: {
      const idNumber = idBornOn(`19${50 + (i % 40)}0${1 + (i % 9)}1${i % 10}`, String(100 + (i % 899)));
      h.kiosk.issue(
        kiosk,
        {
          itemCode: i % 2 === 0 ? CARD_ITEM : ENROL_ITEM,
          idNumber,
          ...(i % 2 === 0
            ? {
                form: {
                  name: CANARY.name,
                  idNumber,
                  sex: '男',
                  phone: CANARY.phone,
                  bank: 'ICBC',
                  delivery: 'window',
                },
              }
            : {}),
          print: false,
        },
        `k-${i}`,
        'http://hall.test',
      );
      return;
    }
    case 2:
      exec({ type: 'ticket:call-next', windowId: w });
      return;
    case 3:
      exec({ type: 'ticket:start', windowId: w });
      return;
    case 4: {
      const t = h.hall.queue.window(w)?.ticketId;
      if (!t) return;
      h.slips.issue(
        clerkAt(w),
        {
          ticketId: t,
          kind: i % 3 === 0 ? 'acceptance' : 'completion',
          itemCode: i % 3 === 0 ? TRANSFER_ITEM : ENROL_ITEM,
          applicantName: CANARY.name,
          ...(i % 3 === 0 ? { contactPhone: CANARY.phone } : {}),
          print: false,
        },
        `s-${i}`,
      );
      return;
    }
    case 5: {
      const done = h.hall.queue
        .allTickets()
        .filter((t) => t.status === 'done' && t.rating === null)
        .at(-1);
      if (done)
        exec({ type: 'ticket:rate', ticketId: done.id, level: 1 + (i % 5), reasons: [], channel: 'pad' });
      return;
    }
    case 6:
      exec({ type: 'ticket:call-next', windowId: 'w4' });
      exec({ type: 'ticket:start', windowId: 'w4' });
      exec({ type: 'ticket:park', windowId: 'w4', note: CANARY.note });
      return;
    default: {
      const parked = h.hall.queue.allTickets().find((t) => t.status === 'parked');
      if (parked) exec({ type: 'ticket:cancel', ticketId: parked.id, by: 'guide-1', reason: CANARY.note });
    }
  }
}

const port = await app.listen(0, '127.0.0.1');
process.stdout.write(`ready ${port} ${store.lastSeq()}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'day') {
    for (let n = Number(arg); n > 0; n--) oneStep();
    process.stdout.write(`ok ${store.lastSeq()}\n`);
  } else if (cmd === 'status') {
    process.stdout.write(
      `status ${JSON.stringify({ ...(h.shipper?.status() ?? {}), documents: h.region.status(), catalog: h.catalog.items().map((x) => x.code) })}\n`,
    );
  } else if (cmd === 'dump') {
    process.stdout.write(`dump ${JSON.stringify(store.events().map(stripFact))}\n`);
  } else if (cmd === 'exit') {
    await app.close();
    process.exit(0);
  }
}
