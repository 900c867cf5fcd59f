/**
 * The driver's logic against a simulated binding (no pcscd needed); a listening Unix socket
 * stands in for pcscd's, so the reachability probe passes. The real stack is tested in
 * reader.pcsc.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSsseCard } from './fake-card.ts';
import {
  BindingUnavailableError,
  loadSmartcard,
  type PcscEvents,
  type PcscOpen,
  readerOptionsFromProfile,
  SocialSecurityCardReader,
  type SscCardEvent,
  type SscErrorEvent,
  type SscStatus,
} from './reader.ts';

interface SimulatedPcsc {
  open: PcscOpen;
  events(): PcscEvents;
  /** Cards by reader name; a transmit can be held back with `gate`. */
  cards: Map<string, FakeSsseCard>;
  gate: Promise<void> | null;
  opened: number;
  stopped: number;
}

function simulatedPcsc(): SimulatedPcsc {
  let current: PcscEvents | null = null;
  const sim: SimulatedPcsc = {
    cards: new Map(),
    gate: null,
    opened: 0,
    stopped: 0,
    events: () => {
      if (current === null) {
        throw new Error('no session open');
      }
      return current;
    },
    open: async (events) => {
      current = events;
      sim.opened++;
      return {
        connect: async (reader) => {
          const card = sim.cards.get(reader);
          if (card === undefined) {
            throw new Error('no card');
          }
          return {
            transmit: async (command) => {
              await sim.gate;
              return card.respond(command);
            },
            disconnect: () => {},
          };
        },
        stop: () => {
          sim.stopped++;
        },
      };
    },
  };
  return sim;
}

async function until(what: string, check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('SocialSecurityCardReader (simulated binding)', () => {
  let dir: string;
  let socketPath: string;
  let server: net.Server;
  let driver: SocialSecurityCardReader | null = null;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ssc-'));
    socketPath = join(dir, 'pcscd.comm');
    server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });

  afterEach(async () => {
    driver?.stop();
    driver = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  function start(sim: SimulatedPcsc, extra: { readerNameMatch?: string } = {}) {
    const statuses: SscStatus[] = [];
    const cards: SscCardEvent[] = [];
    const removed: string[] = [];
    const errors: SscErrorEvent[] = [];
    const warnings: string[] = [];
    driver = new SocialSecurityCardReader({
      ...(extra.readerNameMatch === undefined
        ? {}
        : readerOptionsFromProfile({ readerNameMatch: extra.readerNameMatch })),
      socketPath,
      retryMs: 50,
      open: sim.open,
      log: { info: () => {}, warn: (_msg, fields) => warnings.push(JSON.stringify(fields)) },
    });
    driver.on('status', (s) => statuses.push(s));
    driver.on('card', (c) => cards.push(c));
    driver.on('removed', (r) => removed.push(r.reader));
    driver.start();
    return { driver, statuses, cards, removed, errors, warnings };
  }

  it('uses only readers matching the profile, case-insensitively', async () => {
    const sim = simulatedPcsc();
    sim.cards.set('ACS ACR39U ICC Reader 00 00', new FakeSsseCard());
    sim.cards.set('Other Reader 00 00', new FakeSsseCard());
    const t = start(sim, { readerNameMatch: '^acs acr39u icc reader' });
    await until('open', () => sim.opened === 1);
    sim.events().readerAttached('Other Reader 00 00', true);
    sim.events().readerAttached('ACS ACR39U ICC Reader 00 00', true);
    await until('the card', () => t.cards.length === 1);
    expect(t.cards[0]).toMatchObject({ reader: 'ACS ACR39U ICC Reader 00 00', cardNumber: 'A12345678' });
    expect(t.statuses).toEqual([
      { state: 'service-running' },
      { state: 'reader-connected', reader: 'ACS ACR39U ICC Reader 00 00' },
    ]);
  });

  it('drops a read that finishes after the card was pulled out', async () => {
    const sim = simulatedPcsc();
    sim.cards.set('R', new FakeSsseCard());
    let release = () => {};
    sim.gate = new Promise((resolve) => {
      release = resolve;
    });
    const t = start(sim);
    await until('open', () => sim.opened === 1);
    sim.events().readerAttached('R', false);
    sim.events().cardInserted('R');
    sim.events().cardRemoved('R');
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(t.cards).toEqual([]);
    expect(t.removed).toEqual(['R']);
  });

  it('does not throw on a failed read when nobody listens to error, and logs no card data', async () => {
    const sim = simulatedPcsc();
    sim.cards.set('R', new FakeSsseCard({ requirePin: true }));
    const t = start(sim);
    await until('open', () => sim.opened === 1);
    sim.events().readerAttached('R', true);
    await until('the warning', () => t.warnings.some((w) => w.includes('PIN_REQUIRED')));
    expect(t.warnings.join('\n')).not.toContain('11010519491231002X');
  });

  it('reports a binding that cannot load, once, and keeps retrying', async () => {
    let attempts = 0;
    const statuses: SscStatus[] = [];
    driver = new SocialSecurityCardReader({
      socketPath,
      retryMs: 20,
      open: async () => {
        attempts++;
        throw new BindingUnavailableError('cannot load the smartcard binding: ERR_DLOPEN_FAILED');
      },
    });
    driver.on('status', (s) => statuses.push(s));
    driver.start();
    await until('three attempts', () => attempts >= 3);
    expect(statuses).toEqual([
      { state: 'binding-unavailable', detail: 'cannot load the smartcard binding: ERR_DLOPEN_FAILED' },
    ]);
  });

  it('DEV-16 a PC without the binding and without pcscd (a fresh machine) is driver-missing, not service-not-running', async () => {
    // The real loader with a package that is not installed: the same failure as a skipped optional build.
    await expect(loadSmartcard('smartcard-not-installed-here')).rejects.toBeInstanceOf(
      BindingUnavailableError,
    );
    const statuses: SscStatus[] = [];
    driver = new SocialSecurityCardReader({
      socketPath: join(dir, 'no-pcscd-here.comm'),
      retryMs: 20,
      loadBinding: () => loadSmartcard('smartcard-not-installed-here'),
    });
    driver.on('status', (s) => statuses.push(s));
    driver.start();
    await until('status', () => statuses.length > 0);
    expect(statuses[0]).toMatchObject({ state: 'binding-unavailable' });
    expect((statuses[0] as { detail: string }).detail).toMatch(
      /cannot load the smartcard binding: .*smartcard-not-installed-here/,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(statuses.map((s) => s.state)).toEqual(['binding-unavailable']);
  });

  it('on a session failure reports the card removed and the reader gone, then reopens', async () => {
    const sim = simulatedPcsc();
    sim.cards.set('R', new FakeSsseCard());
    const t = start(sim);
    await until('open', () => sim.opened === 1);
    const first = sim.events();
    first.readerAttached('R', true);
    await until('the card', () => t.cards.length === 1);

    first.error(new Error('Communication error'));
    expect(t.removed).toEqual(['R']);
    expect(t.statuses.at(-1)).toEqual({ state: 'reader-disconnected', reader: 'R' });
    expect(sim.stopped).toBe(1);
    await until('reopen', () => sim.opened === 2);
    // Events of the dead session are ignored.
    first.cardInserted('R');
    sim.events().readerAttached('R', true);
    await until('the card again', () => t.cards.length === 2);
  });

  it('reports service-not-running when the socket does not answer', async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server = net.createServer();
    const sim = simulatedPcsc();
    const t = start(sim);
    await until('status', () => t.statuses.length > 0);
    expect(t.statuses).toEqual([{ state: 'service-not-running' }]);
    expect(sim.opened).toBe(0);
  });
});
