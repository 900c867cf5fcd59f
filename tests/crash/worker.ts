/**
 * The crash-test worker (SPEC Q-DUR-3, UOW-1): applies the step stream of stream.ts through the
 * hall's composition root over a SQLite file until it is killed — queue commands through
 * HallService, kiosk tickets with forms and print jobs through KioskService, slips that finish
 * tickets and open cases through SlipService, case steps through CaseService — acknowledging
 * each step on stdout only after its unit of work has returned.
 *
 *   node --import tsx tests/crash/worker.ts <dbPath> <startIndex>
 */
import { writeSync } from 'node:fs';
import type { StaffRole } from '@onewindow/shared';
import pino from 'pino';
import type { Principal } from '../../queue-server/src/auth/permissions.ts';
import { composeHall } from '../../queue-server/src/compose.ts';
import { hallConfig, T0, WINDOWS } from '../../queue-server/src/domain/test-factory.ts';
import type { Command } from '../../queue-server/src/domain/types.ts';
import { demoCatalog } from '../../queue-server/src/seed/demo-hall.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import {
  type Ack,
  CASE_STEP_OF,
  formatAck,
  keyOf,
  type Step,
  stepFor,
  TRANSFER_ITEM,
  timeOf,
} from './stream.ts';

/** Writes the whole line to stdout synchronously, so it is in the pipe before the next command. */
function emit(line: string): void {
  const buf = Buffer.from(line);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
  }
}

const [dbPath, startArg] = process.argv.slice(2);
if (dbPath === undefined || startArg === undefined || !/^\d+$/.test(startArg))
  throw new Error('usage: worker.ts <dbPath> <startIndex>');

let now = T0;
const store = new HallStore(dbPath, TEST_KEYS);
const h = composeHall({
  store,
  logger: pino({ level: 'silent' }),
  clock: { now: () => now },
});

const staff = (id: string, roles: StaffRole[]): Extract<Principal, { kind: 'staff' }> => ({
  kind: 'staff',
  id,
  name: id,
  staffNumber: id,
  roles,
});
const ACTORS = {
  reviewer: staff('reviewer-1', ['reviewer']),
  supervisor: staff('supervisor-1', ['review-supervisor']),
  rights: staff('rights-1', ['rights-clerk']),
};
const clerkAt = (windowId: string) =>
  staff(
    `clerk-${windowId}`,
    WINDOWS.find((w) => w.id === windowId)?.post === 'rights' ? ['rights-clerk'] : ['clerk'],
  );

function setup(cmd: Command, idempotencyKey: string): void {
  const r = h.hall.execute(cmd, { idempotencyKey });
  if (!r.ok) throw new Error(`setup ${idempotencyKey} refused: ${r.error.code} ${r.error.message}`);
}

/** A paired device per terminal, once: a kiosk and an agent at each window (slips print there). */
function deviceId(name: string, kind: 'kiosk' | 'agent', windowId: string | null): string {
  const known = h.auth.allDevices().find((d) => d.name === name);
  if (known) return known.id;
  const code = h.auth.createPairingCode('system', { kind, name, windowId });
  if (!code.ok) throw new Error(code.error.message);
  const paired = h.auth.pair(code.data.code);
  if (!paired.ok) throw new Error(paired.error.message);
  return paired.data.device.id;
}

if (h.hall.queue.hallConfig === null)
  setup({ type: 'hall:configure', config: hallConfig({ numberDigits: 4 }), by: 'admin' }, 'configure');
if (h.catalog.items().length === 0) store.auth.replaceCatalog(demoCatalog());
for (const w of WINDOWS)
  setup({ type: 'window:open', windowId: w.id, clerkId: `clerk-${w.id}` }, `open-${w.id}`);
const kiosk = deviceId('kiosk k1', 'kiosk', null);
for (const w of WINDOWS) deviceId(`agent ${w.id}`, 'agent', w.id);
emit(`ready ${store.lastSeq()}\n`);

type Out = Omit<Ack, 'index'>;
const refused = (code: string): Out => ({
  ok: false,
  lastSeq: store.lastSeq(),
  ticketId: null,
  detail: code,
  extra: {},
});
const lastOf = (events: { seq: number }[]) => events.at(-1)?.seq ?? store.lastSeq();
/** The last seq a unit committed under its (scoped) key: what a retry of it answers with. */
const recordOf = (scopedKey: string): number => {
  const rec = store.findCommand(scopedKey);
  if (rec === undefined) throw new Error(`no command record under ${scopedKey}`);
  return rec.lastSeq;
};

function run(i: number, step: Step): Out {
  const key = keyOf(i);
  switch (step.kind) {
    case 'queue': {
      const r = h.hall.execute(step.cmd, { idempotencyKey: key });
      if (!r.ok) return refused(r.error.code);
      const issued = r.events.find((e) => e.type === 'ticket:issued');
      return {
        ok: true,
        lastSeq: lastOf(r.events),
        ticketId: issued?.type === 'ticket:issued' ? issued.ticket.id : null,
        detail: r.replayed ? 'replay' : 'fresh',
        extra: {},
      };
    }
    case 'kiosk': {
      const r = h.kiosk.issue(
        kiosk,
        {
          itemCode: step.itemCode,
          idNumber: step.idNumber,
          ...(step.form ? { form: step.form } : {}),
          print: true,
        },
        key,
        'http://hall.test',
      );
      if (!r.ok) return refused(r.error.code);
      const d = r.data;
      // The person's live ticket, shown again: nothing was committed (KSK-4).
      if (d.existing) return refused('EXISTING');
      const print = d.print !== null && 'jobId' in d.print ? d.print.jobId : null;
      return {
        ok: true,
        lastSeq: recordOf(`device:${kiosk}:kiosk:${key}`),
        ticketId: d.ticket.id,
        detail: r.created ? 'fresh' : 'replay',
        extra: {
          ...(d.application ? { app: d.application.code } : {}),
          ...(print ? { job: print } : {}),
        },
      };
    }
    case 'slip': {
      // The ticket last called at this window: the same one after a restart, finished or not.
      const ticket = h.hall.queue
        .allTickets()
        .filter((t) => t.windowId === step.windowId && t.calledAt !== null)
        .sort((a, b) => b.calledAt! - a.calledAt!)[0];
      const r = h.slips.issue(
        clerkAt(step.windowId),
        {
          ticketId: ticket?.id ?? `20261126-none-${step.windowId}`,
          kind: step.acceptance ? 'acceptance' : 'completion',
          itemCode: step.acceptance ? TRANSFER_ITEM : '512B0067900008',
          applicantName: '李四',
          ...(step.acceptance ? { contactPhone: '13900000000' } : {}),
          print: true,
        },
        key,
      );
      if (!r.ok) return refused(r.error.code);
      const d = r.data;
      return {
        ok: true,
        lastSeq: recordOf(`${clerkAt(step.windowId).id}:slip:${key}`),
        ticketId: store.slips.byNumber(d.number)?.ticketId ?? null,
        detail: r.created ? 'fresh' : 'replay',
        extra: {
          slip: d.number,
          ...(d.printJobId ? { job: d.printJobId } : {}),
          ...(d.case ? { case: d.case.id } : {}),
        },
      };
    }
    case 'case': {
      const how = CASE_STEP_OF[step.name]!;
      const target = h.cases.list().find((c) => c.status === how.from);
      const actor = ACTORS[how.actor];
      if (step.name === 'case:start-review' && target !== undefined) {
        // MAT-FILE-2: the case leaves 受理 only with its required materials captured or waived. The
        // clerk who took it in waives what is still missing, each in its own unit (a kill between
        // them leaves a case with fewer missing, and this runs again before the next try).
        const clerk = { id: target.intake[0]!, roles: ['clerk' as const] };
        for (const m of target.materials.filter((x) => x.required && x.status === 'missing')) {
          const w = h.materials.change(
            clerk,
            {
              type: 'waive',
              caseId: target.id,
              material: m.name,
              reason: '原件已在窗口核验',
            },
            `prep:${target.id}:waive:${m.name}`,
          );
          if (!w.ok) throw new Error(`waive ${m.name} refused: ${w.error.code} ${w.error.message}`);
        }
      }
      const r = h.cases.step(
        { id: actor.id, roles: actor.roles },
        { type: step.name, caseId: target?.id ?? 'SL-none', note: how.note ?? null },
        key,
      );
      if (!r.ok) return refused(r.error.code);
      return {
        ok: true,
        lastSeq: lastOf(r.events),
        ticketId: null,
        detail: r.replayed ? 'replay' : 'fresh',
        extra: { case: r.case.id },
      };
    }
  }
}

for (let i = Number(startArg); ; i++) {
  now = timeOf(i);
  emit(formatAck({ index: i, ...run(i, stepFor(i)) }));
}
