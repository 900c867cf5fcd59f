import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ticketInput } from './documents.fixtures.ts';
import { queueTicketDocument } from './documents.ts';
import { encode } from './escpos.ts';
import { decodeEscPos } from './escpos-decode.ts';
import { PAPER_58MM } from './layout.ts';
import { NetworkPrinter, PrinterUnavailableError, SimulatedPrinter } from './transport.ts';

const DLE_EOT_4 = Buffer.from([0x10, 0x04, 0x04]);
// DLE EOT 4 replies: fixed bits 0x12, plus 0x0C near end or 0x60 paper end.
const REPLY = { ok: 0x12, 'near-end': 0x1e, out: 0x72 } as const;
// Bytes that are not a DLE EOT 4 reply (an Automatic Status Back block): fixed bits never match.
const ASB_BLOCK = [0x14, 0x00, 0x00, 0x0f];

interface FakePrinter {
  port: number;
  /** Everything received, in order. */
  received(): Buffer;
  /** Resolves once at least `n` bytes have arrived. */
  waitForBytes(n: number): Promise<void>;
  paper: keyof typeof REPLY;
  /** 'split': an ASB block cut across two TCP chunks, the reply in the second; 'silent': no answer. */
  answer: 'split' | 'silent';
  connections: number;
  close(): Promise<void>;
}

const servers: Server[] = [];
const transports: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.close(() => resolve());
        }),
    ),
  );
});

/** A network printer on 127.0.0.1:0 that records bytes and answers DLE EOT 4, even when the request is split. */
async function fakePrinter(): Promise<FakePrinter> {
  const chunks: Buffer[] = [];
  const waiters: { n: number; resolve(): void }[] = [];
  const sockets = new Set<Socket>();
  const fake: FakePrinter = {
    port: 0,
    received: () => Buffer.concat(chunks),
    waitForBytes: (n) =>
      new Promise((resolve) => {
        if (fake.received().length >= n) {
          resolve();
        } else {
          waiters.push({ n, resolve });
        }
      }),
    paper: 'ok',
    answer: 'split',
    connections: 0,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) {
          s.destroy();
        }
        server.close(() => resolve());
      }),
  };
  const server = createServer((socket) => {
    fake.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let seen = Buffer.alloc(0);
    let scanFrom = 0;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      seen = Buffer.concat([seen, chunk]);
      for (let at = seen.indexOf(DLE_EOT_4, scanFrom); at >= 0; at = seen.indexOf(DLE_EOT_4, scanFrom)) {
        scanFrom = at + DLE_EOT_4.length;
        if (fake.answer === 'split') {
          const reply = REPLY[fake.paper];
          socket.write(Buffer.from(ASB_BLOCK.slice(0, 2)));
          // Long enough apart to arrive as two separate TCP chunks.
          setTimeout(() => socket.write(Buffer.from([...ASB_BLOCK.slice(2), reply])), 30);
        }
      }
      scanFrom = Math.max(scanFrom, seen.length - (DLE_EOT_4.length - 1));
      const total = fake.received().length;
      for (const w of waiters.filter((x) => total >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  fake.port = typeof address === 'object' && address !== null ? address.port : 0;
  return fake;
}

function networkPrinter(port: number, statusTimeoutMs = 1000): NetworkPrinter {
  const p = new NetworkPrinter({ host: '127.0.0.1', port, statusTimeoutMs, connectTimeoutMs: 1000 });
  transports.push(p);
  return p;
}

/** A port with nothing listening: bind one, then free it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const address = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('NetworkPrinter (raw TCP 9100) against a loopback fake printer', () => {
  it('delivers a ticket job byte for byte', async () => {
    const fake = await fakePrinter();
    const printer = networkPrinter(fake.port);
    const job = encode(queueTicketDocument(ticketInput(), PAPER_58MM), PAPER_58MM, {
      chineseMode: 'fs-ampersand',
    });
    await printer.write(job);
    await fake.waitForBytes(job.length);
    expect(new Uint8Array(fake.received())).toEqual(job);
    expect(() => decodeEscPos(new Uint8Array(fake.received()))).not.toThrow();
  });

  it('reads "paper out" from a reply split across two TCP chunks behind non-status bytes', async () => {
    const fake = await fakePrinter();
    fake.paper = 'out';
    const printer = networkPrinter(fake.port);
    await printer.write(Uint8Array.of(0x1b, 0x40));
    expect(await printer.queryStatus()).toBe('out');
    expect(Array.from(fake.received())).toEqual([0x1b, 0x40, 0x10, 0x04, 0x04]);
  });

  it('reads near end and ok on the same connection', async () => {
    const fake = await fakePrinter();
    const printer = networkPrinter(fake.port);
    fake.paper = 'near-end';
    expect(await printer.queryStatus()).toBe('near-end');
    fake.paper = 'ok';
    expect(await printer.queryStatus()).toBe('ok');
    expect(fake.connections).toBe(1);
  });

  it('answers concurrent queries one at a time, each with its own reply', async () => {
    const fake = await fakePrinter();
    fake.paper = 'out';
    const printer = networkPrinter(fake.port);
    const results = await Promise.all([printer.queryStatus(), printer.queryStatus(), printer.queryStatus()]);
    expect(results).toEqual(['out', 'out', 'out']);
    expect(fake.received().length).toBe(9);
  });

  it("reports 'offline' when the printer does not answer, and reconnects afterwards", async () => {
    const fake = await fakePrinter();
    fake.answer = 'silent';
    const printer = networkPrinter(fake.port, 100);
    const started = Date.now();
    expect(await printer.queryStatus()).toBe('offline');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    fake.answer = 'split';
    expect(await printer.queryStatus()).toBe('ok');
    expect(fake.connections).toBe(2);
  });

  it("reports 'offline' when nothing listens, and refuses jobs", async () => {
    const printer = networkPrinter(await closedPort());
    expect(await printer.queryStatus()).toBe('offline');
    await expect(printer.write(Uint8Array.of(0x0a))).rejects.toThrow();
  });

  it("reports 'offline' when the printer hangs up mid-query", async () => {
    const fake = await fakePrinter();
    fake.answer = 'silent';
    const printer = networkPrinter(fake.port, 5000);
    await printer.write(Uint8Array.of(0x1b, 0x40));
    const status = printer.queryStatus();
    await fake.waitForBytes(5);
    await fake.close();
    expect(await status).toBe('offline');
  });

  it('refuses to write after close', async () => {
    const fake = await fakePrinter();
    const printer = networkPrinter(fake.port);
    await printer.write(Uint8Array.of(0x0a));
    await printer.close();
    await expect(printer.write(Uint8Array.of(0x0a))).rejects.toThrow(/closed/);
    expect(await printer.queryStatus()).toBe('offline');
  });
});

describe('SimulatedPrinter (dev only)', () => {
  it('records jobs while it has paper, also near the end', async () => {
    const sim = new SimulatedPrinter();
    await sim.write(Uint8Array.of(1, 2));
    sim.setPaper('near-end');
    expect(await sim.queryStatus()).toBe('near-end');
    await sim.write(Uint8Array.of(3));
    expect(sim.jobs.map((j) => Array.from(j))).toEqual([[1, 2], [3]]);
  });

  it('reports paper out and refuses jobs until paper is loaded', async () => {
    const sim = new SimulatedPrinter();
    sim.setPaper('out');
    expect(await sim.queryStatus()).toBe('out');
    const refused = sim.write(Uint8Array.of(1));
    await expect(refused).rejects.toBeInstanceOf(PrinterUnavailableError);
    await expect(refused).rejects.toMatchObject({ status: 'out' });
    expect(sim.jobs).toHaveLength(0);
    sim.setPaper('ok');
    await sim.write(Uint8Array.of(1));
    expect(sim.jobs).toHaveLength(1);
  });

  it('goes offline and comes back', async () => {
    const sim = new SimulatedPrinter();
    sim.setOnline(false);
    expect(await sim.queryStatus()).toBe('offline');
    await expect(sim.write(Uint8Array.of(1))).rejects.toMatchObject({ status: 'offline' });
    sim.setOnline(true);
    expect(await sim.queryStatus()).toBe('ok');
  });

  it('keeps a copy of each job, not the caller’s buffer', async () => {
    const sim = new SimulatedPrinter();
    const job = Uint8Array.of(1, 2, 3);
    await sim.write(job);
    job[0] = 9;
    expect(Array.from(sim.jobs[0]!)).toEqual([1, 2, 3]);
  });
});
