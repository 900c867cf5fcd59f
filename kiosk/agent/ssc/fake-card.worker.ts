/**
 * DEV/TEST ONLY: the worker thread of {@link ThreadedFakeCard}: one fake card on vpcd,
 * driven by messages from the thread that started it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type FakeCardReply,
  type FakeCardRequest,
  type FakeCardWorkerData,
  FakeSsseCard,
  FakeVpcdCard,
} from './fake-card.ts';

const port = parentPort;
if (port === null) {
  throw new Error('fake-card.worker.ts runs as a worker thread of ThreadedFakeCard');
}
const data = workerData as FakeCardWorkerData;
const card = new FakeSsseCard(data.options);
const vpcd = new FakeVpcdCard(card, data.endpoint);

port.on('message', (request: FakeCardRequest) => {
  void handle(request).then((reply) => port.postMessage(reply));
});
port.postMessage('ready');

async function handle(request: FakeCardRequest): Promise<FakeCardReply> {
  try {
    switch (request.op) {
      case 'insert':
        await vpcd.insert();
        return { id: request.id, ok: true };
      case 'remove':
        await vpcd.remove();
        return { id: request.id, ok: true };
      case 'commands':
        return {
          id: request.id,
          ok: true,
          commands: card.commands.map((c) => c.toString('hex').toUpperCase()),
        };
    }
  } catch (err) {
    return { id: request.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
