/**
 * The driver over the real PC/SC stack: pcscd + vsmartcard's vpcd + the smartcard binding,
 * with the fake card connecting to vpcd. Needs root and the Debian packages pcscd and
 * vsmartcard-vpcd; fails with the reason when they are missing or a pcscd already runs.
 * The tests share one daemon and run in order.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCardOptions, ThreadedFakeCard } from './fake-card.ts';
import { type PcscdProcess, pcscdUnavailableReason, startPcscd } from './pcscd-harness.ts';
import {
  readerOptionsFromProfile,
  SocialSecurityCardReader,
  type SscCardEvent,
  type SscErrorEvent,
  type SscLogger,
  type SscStatus,
} from './reader.ts';

const READER = 'Virtual PCD 00 00';

interface Recorder {
  driver: SocialSecurityCardReader;
  statuses: SscStatus[];
  cards: SscCardEvent[];
  removed: string[];
  errors: SscErrorEvent[];
  logs: string[];
}

function createDriver(): Recorder {
  const logs: string[] = [];
  const log: SscLogger = {
    info: (msg, fields) => logs.push(`${msg} ${JSON.stringify(fields)}`),
    warn: (msg, fields) => logs.push(`${msg} ${JSON.stringify(fields)}`),
  };
  const driver = new SocialSecurityCardReader({
    // vpcd offers two readers; the profile picks the first.
    ...readerOptionsFromProfile({ readerNameMatch: '^Virtual PCD 00 00$' }),
    retryMs: 500,
    today: () => '2026-01-01',
    log,
  });
  const rec: Recorder = { driver, statuses: [], cards: [], removed: [], errors: [], logs };
  driver.on('status', (s) => rec.statuses.push(s));
  driver.on('card', (c) => rec.cards.push(c));
  driver.on('removed', (r) => rec.removed.push(r.reader));
  driver.on('error', (e) => rec.errors.push(e));
  return rec;
}

async function until(what: string, check: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const EXPECTED_CARD = {
  reader: READER,
  cardNumber: 'A12345678',
  idNumber: '11010519491231002X',
  name: '张三',
  sex: 'F',
  nation: '01',
  generation: 3,
  specVersion: '3.00',
  issuedAt: '2021-06-15',
  expiresAt: '2031-06-15',
};

describe('SocialSecurityCardReader over pcscd + vpcd', () => {
  let pcscd: PcscdProcess | null = null;
  let rec: Recorder | null = null;
  let fakeCard: ThreadedFakeCard | null = null;

  beforeAll(async () => {
    const reason = await pcscdUnavailableReason();
    if (reason !== null) {
      throw new Error(`cannot test the real PC/SC stack: ${reason}`);
    }
  });

  afterEach(async () => {
    // Take the card out while the driver still watches, and wait until pcscd has seen it go
    // (it polls vpcd every 0.4 s), so the next test does not start with a card still "in".
    const r = rec;
    await fakeCard?.close();
    fakeCard = null;
    if (r !== null && pcscd !== null && r.cards.length + r.errors.length > r.removed.length) {
      await until('the removal', () => r.cards.length + r.errors.length <= r.removed.length, 3000);
    }
    r?.driver.stop();
    rec = null;
  });

  afterAll(async () => {
    await pcscd?.stop();
    pcscd = null;
  });

  async function insert(options: FakeCardOptions = {}): Promise<ThreadedFakeCard> {
    await fakeCard?.close();
    fakeCard = await ThreadedFakeCard.start(options);
    await fakeCard.insert();
    return fakeCard;
  }

  async function runningDriver(): Promise<Recorder> {
    rec = createDriver();
    rec.driver.start();
    const r = rec;
    await until('the reader', () => r.statuses.some((s) => s.state === 'reader-connected'));
    return r;
  }

  it('reports pcscd down without spinning, then recovers when it starts', async () => {
    rec = createDriver();
    const r = rec;
    const started = Date.now();
    r.driver.start();
    await until('service-not-running', () => r.statuses.some((s) => s.state === 'service-not-running'), 1000);
    expect(Date.now() - started).toBeLessThan(1000);

    const cpuBefore = process.cpuUsage();
    const wallBefore = process.hrtime.bigint();
    await sleep(2000);
    const cpu = process.cpuUsage(cpuBefore);
    const wallMicros = Number(process.hrtime.bigint() - wallBefore) / 1000;
    expect((cpu.user + cpu.system) / wallMicros).toBeLessThan(0.5);
    // Still down, and said so once rather than at every probe.
    expect(r.statuses).toEqual([{ state: 'service-not-running' }]);

    pcscd = await startPcscd();
    await until('the reader', () => r.statuses.some((s) => s.state === 'reader-connected'));
    expect(r.statuses).toEqual([
      { state: 'service-not-running' },
      { state: 'service-running' },
      { state: 'reader-connected', reader: READER },
    ]);

    await insert();
    await until('the card', () => r.cards.length > 0);
    expect(r.cards).toEqual([EXPECTED_CARD]);
  });

  it('reads an inserted card exactly once and reports its removal', async () => {
    const r = await runningDriver();
    const card = await insert();
    await until('the card', () => r.cards.length > 0);
    await sleep(700);
    expect(r.cards).toEqual([EXPECTED_CARD]);
    expect(r.errors).toEqual([]);

    await card.remove();
    await until('removed', () => r.removed.length > 0);
    expect(r.removed).toEqual([READER]);

    // Card data reaches the log masked only.
    const log = r.logs.join('\n');
    expect(log).toContain('110***********002X');
    expect(log).not.toContain('11010519491231002X');
    expect(log).not.toContain('张三');
    expect(log).not.toContain('A12345678');
  });

  it('corrects Le (6Cxx) and follows GET RESPONSE (61xx) through pcscd', async () => {
    const r = await runningDriver();
    const card = await insert({ wrongLeFirst: true, selectGetResponse: true });
    await until('the card', () => r.cards.length > 0);
    expect(r.cards).toEqual([EXPECTED_CARD]);
    const sent = await card.commands();
    expect(sent).toContain('00C0000015');
    expect(sent.filter((c) => c === '00B2072C0B')).toHaveLength(2);
  });

  it('reports a card that needs its PIN as an error with a clear reason', async () => {
    const r = await runningDriver();
    await insert({ requirePin: true });
    await until('the error', () => r.errors.length > 0);
    expect(r.cards).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ reader: READER, code: 'PIN_REQUIRED' });
    expect(r.errors[0]!.message).toContain('密码');
    expect(r.errors[0]!.detail).toContain('6982');
  });

  it('goes back to probing when pcscd dies, and reads again once it is back', async () => {
    const r = await runningDriver();
    await insert();
    await until('the card', () => r.cards.length === 1);

    await pcscd!.stop();
    pcscd = null;
    await until('service-not-running', () => r.statuses.at(-1)?.state === 'service-not-running', 5000);
    expect(r.removed).toEqual([READER]);
    expect(r.statuses).toContainEqual({ state: 'reader-disconnected', reader: READER });

    pcscd = await startPcscd();
    await insert();
    await until('the card again', () => r.cards.length === 2);
    expect(r.cards[1]).toEqual(EXPECTED_CARD);
  });
});
