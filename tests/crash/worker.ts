/**
 * The crash-test worker (SPEC Q-DUR-3): applies the command stream of stream.ts through
 * HallService + HallStore on a SQLite file until it is killed, acknowledging each command on
 * stdout only after execute() has returned.
 *
 *   node --import tsx tests/crash/worker.ts <dbPath> <startIndex>
 */
import { writeSync } from 'node:fs';
import { hallConfig, T0, WINDOWS } from '../../queue-server/src/domain/test-factory.ts';
import type { Command } from '../../queue-server/src/domain/types.ts';
import { HallService } from '../../queue-server/src/service/hall.service.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { commandFor, formatAck, keyOf, timeOf } from './stream.ts';

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
const store = new HallStore(dbPath);
const service = new HallService(store, { now: () => now });

function setup(cmd: Command, idempotencyKey: string): void {
  const r = service.execute(cmd, { idempotencyKey });
  if (!r.ok) throw new Error(`setup ${idempotencyKey} refused: ${r.error.code} ${r.error.message}`);
}

if (service.queue.hallConfig === null)
  setup({ type: 'hall:configure', config: hallConfig({ numberDigits: 4 }), by: 'admin' }, 'configure');
for (const w of WINDOWS)
  setup({ type: 'window:open', windowId: w.id, clerkId: `clerk-${w.id}` }, `open-${w.id}`);
emit(`ready ${store.lastSeq()}\n`);

for (let i = Number(startArg); ; i++) {
  now = timeOf(i);
  const r = service.execute(commandFor(i), { idempotencyKey: keyOf(i) });
  if (r.ok) {
    const issued = r.events.find((e) => e.type === 'ticket:issued');
    emit(
      formatAck({
        index: i,
        ok: true,
        lastSeq: r.events.at(-1)!.seq,
        ticketId: issued?.type === 'ticket:issued' ? issued.ticket.id : null,
        detail: r.replayed ? 'replay' : 'fresh',
      }),
    );
  } else {
    emit(formatAck({ index: i, ok: false, lastSeq: store.lastSeq(), ticketId: null, detail: r.error.code }));
  }
}
