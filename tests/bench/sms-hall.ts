/**
 * What the SMS suites of `npm run bench` (notice, mobile) share: one SMSC in this process (the
 * `smpp` package's server) that stamps each submit_sm on arrival, a hall on its own SQLite file
 * with the SMPP gateway and its notice worker running, and a bare bound session of the same
 * package (the floor) that submits one UCS2 text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import smpp, { type Pdu } from 'smpp';
import { composeHall, type Hall } from '../../queue-server/src/compose.ts';
import { hallConfig, T0 } from '../../queue-server/src/domain/test-factory.ts';
import { ucs2Parts } from '../../queue-server/src/service/sms/segments.ts';
import { SmppGateway } from '../../queue-server/src/service/sms/smpp.gateway.ts';
import { SmppOperator } from '../../queue-server/src/service/sms/testing.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';

export interface SmsBenchHall {
  h: Hall;
  store: HallStore;
  /** The hall's clock: T0, moved on by `advance`. */
  advance(ms: number): void;
  /** When the SMSC received the submit_sm to this number (performance.now()). */
  arrival(to: string): Promise<number>;
  /** Submits `text` on the bare session; resolves with the time it took to arrive. */
  bareSend(to: string, text: string): Promise<number>;
  close(): Promise<void>;
}

export async function smsBenchHall(name: string): Promise<SmsBenchHall> {
  const op = new SmppOperator();
  await op.start();
  const arrived = new Map<string, number>();
  let waiter: { to: string; resolve: () => void } | null = null;
  op.onSubmit = (pdu: Pdu) => {
    const to = String(pdu.destination_addr);
    arrived.set(to, performance.now());
    if (waiter?.to === to) waiter.resolve();
    return true;
  };
  const arrival = (to: string) =>
    new Promise<number>((resolve) => {
      if (arrived.has(to)) resolve(arrived.get(to)!);
      else waiter = { to, resolve: () => resolve(arrived.get(to)!) };
    });

  const dir = mkdtempSync(join(tmpdir(), `onewindow-${name}-bench-`));
  const store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
  let now = T0;
  const silent = pino({ level: 'silent' });
  const h = composeHall({
    store,
    logger: silent,
    clock: { now: () => now },
    sms: {
      gateway: new SmppGateway({
        host: '127.0.0.1',
        port: op.port,
        systemId: 'hall',
        password: 'secret',
        sourceAddr: '',
        log: silent,
      }),
    },
  });
  h.hall.execute({ type: 'hall:configure', config: hallConfig(), by: 'admin' });
  h.noticeWorker!.start();

  const bare = smpp.connect({ host: '127.0.0.1', port: op.port });
  await new Promise<void>((resolve, reject) => {
    bare.once('error', reject);
    bare.once('connect', () =>
      bare.bind_transceiver({ system_id: 'hall', password: 'secret' }, (pdu) =>
        pdu.command_status === 0 ? resolve() : reject(new Error('bind refused')),
      ),
    );
  });

  return {
    h,
    store,
    advance: (ms) => {
      now += ms;
    },
    arrival,
    async bareSend(to, text) {
      const b0 = performance.now();
      bare.submit_sm({ destination_addr: to, data_coding: 8, short_message: ucs2Parts(text, 1)[0]!.bytes });
      return (await arrival(to)) - b0;
    },
    async close() {
      await h.noticeWorker!.stop();
      bare.destroy();
      await op.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
