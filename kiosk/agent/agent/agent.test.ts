/**
 * The terminal agent against a real queue server (tests/support/server.ts) with simulated
 * devices: print jobs at most once across drops and crashes, paper out, card relay, keypad
 * ratings (SPEC DEV-1, DEV-3, DEV-4, RAT-2).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CardError, CardRead, DeviceStatus, PrintJob, PrintResult, StaffFact } from '@onewindow/shared';
import { type HallClient, startTestServer, type TestServer } from '@onewindow/tests/support/server.ts';
import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeBaseInfoText, SAMPLE_CARDS } from '../idcard/base-info-encode.ts';
import { acceptanceInput, completionInput, PERSON, ticketInput } from '../printer/documents.fixtures.ts';
import { decodeEscPos, printedItems } from '../printer/escpos-decode.ts';
import { SAMPLE_CARD } from '../ssc/fake-card.ts';
import type { RatingOutcome } from './agent.ts';
import { PrintJournal } from './print-journal.ts';
import { eventWhere, reach, sleep, startTestAgent, type TestAgent, until } from './test-support.ts';

let server: TestServer;
const agents: TestAgent[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const a of agents.splice(0)) {
    await a.agent.stop(1000);
    a.sims.sscReader?.close();
  }
  await server.close();
});

function agentFor(...args: Parameters<typeof startTestAgent>): TestAgent {
  const a = startTestAgent(...args);
  agents.push(a);
  return a;
}

const ticketDoc = { type: 'queue-ticket' as const, data: { ...ticketInput({ number: 'A001' }) } };

async function createJob(deviceToken: string, document: unknown = ticketDoc): Promise<string> {
  const r = await server.rest<{ jobId: string }>('POST', '/api/print-jobs', {
    deviceToken,
    body: { document },
  });
  if (!r.body.ok) throw new Error(r.body.error.message);
  return r.body.data.jobId;
}

async function jobStatus(jobId: string): Promise<{ status: string; reason: string | null }> {
  const token = await server.login('manager1');
  const r = await server.rest<{ status: string; reason: string | null }>('GET', `/api/print-jobs/${jobId}`, {
    token,
  });
  if (!r.body.ok) throw new Error(r.body.error.message);
  return r.body.data;
}

const untilStatus = (jobId: string, status: string) =>
  until(async () => {
    const s = await jobStatus(jobId);
    return s.status === status ? s : undefined;
  });

function printedText(bytes: Uint8Array): string {
  return printedItems(decodeEscPos(bytes))
    .map((i) => (i.kind === 'line' ? i.text : ''))
    .join('\n');
}

describe('terminal agent: printing', () => {
  it('DEV-1 prints a job exactly once when the connection drops before the answer reaches the server', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    let drops = 0;
    const t: TestAgent = agentFor(server, {
      deviceToken,
      terminal: 'kiosk',
      agent: {
        hooks: {
          // The printer took the bytes; the connection dies before the answer is sent.
          afterPrinterWrite: () => {
            if (drops++ === 0) t.agent.socket!.io.engine.close();
          },
        },
      },
    });
    await reach(t.agent, 'connected');
    const states: string[] = [];
    t.agent.on('state', (s) => states.push(s));
    const results: (PrintResult & { fromJournal: boolean })[] = [];
    t.agent.on('print-result', (r) => results.push(r));

    const jobId = await createJob(deviceToken);
    expect(await untilStatus(jobId, 'printed')).toMatchObject({ status: 'printed', reason: null });

    expect(drops).toBe(1);
    expect(states).toEqual(expect.arrayContaining(['disconnected', 'connected']));
    // The server sent the job again after the reconnect; the journal answered it.
    expect(results.filter((r) => r.jobId === jobId).map((r) => r.fromJournal)).toEqual([false, true]);
    expect(t.sims.printer!.jobs).toHaveLength(1);
    expect(printedText(t.sims.printer!.jobs[0]!)).toContain('A001');

    // Acknowledged: a later reconnect brings nothing back to print.
    t.agent.socket!.io.engine.close();
    await reach(t.agent, 'disconnected');
    await reach(t.agent, 'connected');
    await sleep(200);
    expect(t.sims.printer!.jobs).toHaveLength(1);
  });

  it('a job left mid-print by a crash is reported failed "interrupted" and not printed on restart', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    // The agent is offline: the job waits on the server ('pending').
    const jobId = await createJob(deviceToken);
    // What a crash mid-print leaves behind: 'printing' in the journal, no end.
    const stateDir = mkdtempSync(join(tmpdir(), 'onewindow-agent-'));
    const before = PrintJournal.open(stateDir, { now: () => server.clock.now() });
    before.begin(jobId);
    before.close();

    const staff = await server.client({ token: await server.login('guide1') });
    const told = eventWhere<PrintResult>(staff as never, 'print:result', (r) => r.jobId === jobId);
    const t = agentFor(server, { deviceToken, terminal: 'kiosk', stateDir });

    expect(await untilStatus(jobId, 'failed')).toMatchObject({ status: 'failed', reason: 'interrupted' });
    expect(await told).toMatchObject({ jobId, status: 'failed', reason: 'interrupted' });
    await sleep(200);
    expect(t.sims.printer!.jobs).toHaveLength(0);
  });

  it('DEV-3 paper out: the job fails with 缺纸 unprinted and the guides see 打印机缺纸', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    const staff: HallClient = await server.client({ token: await server.login('guide1') });
    const t = agentFor(server, { deviceToken, terminal: 'kiosk' });
    await reach(t.agent, 'connected');
    t.sims.printer!.setPaper('out');

    const alert = eventWhere<DeviceStatus>(staff as never, 'device:status', (s) =>
      s.alerts.includes('打印机缺纸'),
    );
    const jobId = await createJob(deviceToken);
    expect(await untilStatus(jobId, 'failed')).toMatchObject({ status: 'failed', reason: '缺纸' });
    expect(await alert).toMatchObject({ kind: 'kiosk', online: true, health: { printer: 'out' } });
    expect(t.sims.printer!.jobs).toHaveLength(0);

    // Paper loaded: the next job prints, and the health report says so.
    t.sims.printer!.setPaper('ok');
    const again = await createJob(deviceToken);
    await untilStatus(again, 'printed');
    expect(t.agent.health.printer).toBe('ok');
    expect(t.sims.printer!.jobs).toHaveLength(1);
  });

  it('DEV-9 a roll that ends during the job: the bytes went out, but the job is failed, not printed', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    const staff: HallClient = await server.client({ token: await server.login('guide1') });
    const t = agentFor(server, { deviceToken, terminal: 'kiosk' });
    await reach(t.agent, 'connected');
    t.sims.printer!.runOutDuringNextJob();
    const alert = eventWhere<DeviceStatus>(staff as never, 'device:status', (s) =>
      s.alerts.includes('打印机缺纸'),
    );
    const jobId = await createJob(deviceToken);
    expect(await untilStatus(jobId, 'failed')).toMatchObject({
      status: 'failed',
      reason: '打印中缺纸，单据可能不完整',
    });
    expect(t.sims.printer!.jobs).toHaveLength(1);
    expect(await alert).toMatchObject({ health: { printer: 'out' } });
  });

  it('DEV-10 reloaded paper clears the guides’ 打印机缺纸 within seconds, not at the next 60 s report', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    const staff: HallClient = await server.client({ token: await server.login('guide1') });
    const t = agentFor(server, { deviceToken, terminal: 'kiosk' });
    await reach(t.agent, 'connected');
    t.sims.printer!.setPaper('out');
    const out = eventWhere<DeviceStatus>(staff as never, 'device:status', (s) =>
      s.alerts.includes('打印机缺纸'),
    );
    // A job finds the roll empty (the kiosk would otherwise learn it at the next report).
    await untilStatus(await createJob(deviceToken), 'failed');
    await out;
    const cleared = eventWhere<DeviceStatus>(
      staff as never,
      'device:status',
      (s) => s.health.printer === 'ok' && !s.alerts.includes('打印机缺纸'),
      5000,
    );
    const loadedAt = Date.now();
    t.sims.printer!.setPaper('ok');
    await cleared;
    expect(Date.now() - loadedAt).toBeLessThan(4000);
  });

  it('DEV-8 a guide who logs in after a failed print still sees it, and the kiosk screen learns paper out when it connects', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    const t = agentFor(server, { deviceToken, terminal: 'kiosk' });
    await reach(t.agent, 'connected');
    t.sims.printer!.setPaper('out');
    const jobId = await createJob(deviceToken);
    await untilStatus(jobId, 'failed');

    // No console was listening when print:result went out: the device list carries it.
    const guide = await server.login('guide1');
    const list = await server.rest<DeviceStatus[]>('GET', '/api/devices/status', { token: guide });
    if (!list.body.ok) throw new Error(list.body.error.message);
    const kiosk = list.body.data.find((d) => d.kind === 'kiosk')!;
    expect(kiosk.alerts).toEqual(expect.arrayContaining(['打印机缺纸', '上次打印失败：缺纸']));
    expect(kiosk.lastPrintFailure).toMatchObject({ jobId, reason: '缺纸' });

    // The kiosk's own screen is told its printer's state as soon as it connects.
    const screen = io(server.url, { auth: { deviceToken }, transports: ['websocket'], forceNew: true });
    try {
      const own = await eventWhere<DeviceStatus>(screen as never, 'device:status');
      expect(own).toMatchObject({ health: { printer: 'out' } });
    } finally {
      screen.disconnect();
    }

    // A job printed after the paper is loaded clears the failure.
    t.sims.printer!.setPaper('ok');
    await untilStatus(await createJob(deviceToken), 'printed');
    const after = await server.rest<DeviceStatus[]>('GET', '/api/devices/status', { token: guide });
    if (!after.body.ok) throw new Error(after.body.error.message);
    const cleared = after.body.data.find((d) => d.kind === 'kiosk')!;
    expect(cleared.lastPrintFailure).toBeNull();
    expect(cleared.alerts.filter((x) => x.includes('打印'))).toEqual([]);
  });

  it('renders window slips for the 58 mm counter printer and refuses malformed documents unprinted', async () => {
    const deviceToken = await server.pairDevice('agent', 'w1');
    const t = agentFor(server, { deviceToken, terminal: 'comprehensive-window', windowId: 'w1' });
    await reach(t.agent, 'connected');
    const slip = await createJob(deviceToken, {
      type: 'completion-slip',
      data: { ...completionInput({ idNumber: PERSON.idNumber }) },
    });
    await untilStatus(slip, 'printed');
    const text = printedText(t.sims.printer!.jobs[0]!);
    expect(text).toContain('业务回单');
    expect(text).toContain(PERSON.maskedIdNumber);
    expect(text).not.toContain(PERSON.idNumber);

    // The server refuses a malformed document before it stores a job, naming the fields.
    const refused = await server.rest('POST', '/api/print-jobs', {
      deviceToken,
      body: {
        document: { type: 'queue-ticket', data: { ...ticketInput(), hallPhone: undefined, peopleAhead: -1 } },
      },
    });
    expect(refused.status).toBe(400);
    expect(!refused.body.ok && refused.body.error.issues?.map((i) => i.path)).toEqual([
      'document.data.hallPhone',
      'document.data.peopleAhead',
    ]);
    expect(t.sims.printer!.jobs).toHaveLength(1);
  });

  it('answers a job whose document breaks the print contract with a failed result naming the fields, unprinted', async () => {
    const deviceToken = await server.pairDevice('agent', 'w1');
    const t = agentFor(server, { deviceToken, terminal: 'comprehensive-window', windowId: 'w1' });
    await reach(t.agent, 'connected');
    // Jobs the server never parsed (stored before the contract, or sent by another version)
    // reach the agent as they are: send them on the agent's own server-side socket.
    const serverSide = server.app.io.sockets.sockets.get(t.agent.socket!.id!)!;
    const answer = (jobId: string) =>
      new Promise<PrintResult>((resolve) => {
        const on = (r: PrintResult) => {
          if (r.jobId !== jobId) return;
          serverSide.off('device:print-result', on);
          resolve(r);
        };
        serverSide.on('device:print-result', on);
      });
    const send = (jobId: string, document: unknown) =>
      serverSide.emit('device:print', { jobId, createdAt: server.clock.now(), document } as PrintJob);

    const badDate = answer('legacy-1');
    send('legacy-1', {
      type: 'acceptance-receipt',
      data: { ...acceptanceInput(), deadline: { workingDays: 15, date: '2025-02-30' } },
    });
    expect(await badDate).toEqual({
      jobId: 'legacy-1',
      status: 'failed',
      reason: expect.stringMatching(/^单据内容无效: data\.deadline\.date \([^)]+\)$/),
    });
    const notADocument = answer('legacy-2');
    send('legacy-2', 'print me');
    expect(await notADocument).toEqual({
      jobId: 'legacy-2',
      status: 'failed',
      reason: '单据类型未知: undefined',
    });
    expect(t.sims.printer!.jobs).toHaveLength(0);

    // Nothing crashed: the next job of the contract prints.
    const good = await createJob(deviceToken, { type: 'completion-slip', data: { ...completionInput() } });
    await untilStatus(good, 'printed');
    expect(t.sims.printer!.jobs).toHaveLength(1);
  });
});

describe('terminal agent: cards', () => {
  it('DEV-4 relays a card read to the other screen of the same terminal, and logs no ID number', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    const t = agentFor(server, { deviceToken, terminal: 'kiosk' });
    const screen = await server.client({ deviceToken });
    await reach(t.agent, 'connected');
    await until(() => (t.agent.health.idCardReader === 'connected' ? true : undefined));
    const ownEcho: unknown[] = [];
    t.agent.socket!.on('device:card', (c) => ownEcho.push(c));

    const received = eventWhere<CardRead>(screen as never, 'device:card');
    const card = SAMPLE_CARDS.senior;
    t.sims.idCardReader!.insertCard(card);
    expect(await received).toEqual({
      source: 'resident-id',
      idNumber: card.idNumber,
      name: card.name,
      sex: card.sex,
      birthDate: card.birthDate,
      address: card.address,
    } satisfies CardRead);
    await until(() => (t.logs.some((l) => l.includes('card read relayed')) ? true : undefined));

    const log = t.logs.join('');
    expect(log).not.toContain(card.idNumber);
    expect(log).not.toContain(card.name);
    expect(log).not.toContain(card.address);
    expect(ownEcho).toEqual([]);
  });
});

describe('terminal agent: cards that give nothing, and cards waiting for a screen', () => {
  it('DEV-6 a HK/Macao/Taiwan permit gets the screen a not-accepted code, and nobody else anything', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    const t = agentFor(server, { deviceToken, terminal: 'kiosk' });
    const screen = await server.client({ deviceToken });
    const board = await server.client();
    const staff: HallClient = await server.client({ token: await server.login('guide1') });
    const leaked: unknown[] = [];
    for (const c of [board, staff])
      (c as never as { on: (e: string, f: (x: unknown) => void) => void }).on('device:card-error', (x) =>
        leaked.push(x),
      );
    await reach(t.agent, 'connected');
    await until(() => (t.agent.health.idCardReader === 'connected' ? true : undefined));

    const received = eventWhere<CardError>(screen as never, 'device:card-error');
    const permit = encodeBaseInfoText(SAMPLE_CARDS.young);
    permit[248] = 'J'.charCodeAt(0);
    permit[249] = 0;
    t.sims.idCardReader!.insertRaw(permit, SAMPLE_CARDS.young.photoWlt);
    expect(await received).toEqual({ source: 'resident-id', code: 'not-accepted' } satisfies CardError);
    await sleep(100);
    expect(leaked).toEqual([]);
  });

  it('DEV-6 a read that keeps failing is told to the screen as read-failed', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    const t = agentFor(server, { deviceToken, terminal: 'kiosk' });
    const screen = await server.client({ deviceToken });
    await reach(t.agent, 'connected');
    await until(() => (t.agent.health.idCardReader === 'connected' ? true : undefined));
    const received = eventWhere<CardError>(screen as never, 'device:card-error');
    t.sims.idCardReader!.failNextRead(5);
    t.sims.idCardReader!.insertCard(SAMPLE_CARDS.young);
    expect(await received).toEqual({ source: 'resident-id', code: 'read-failed' });
  });

  it('DEV-6 the server refuses a card error that is not a known code, and relays nothing', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    const agentSide = await server.client({ deviceToken });
    const r = await (
      agentSide as never as {
        emitWithAck: (e: string, x: unknown) => Promise<{ ok: boolean; error?: { code: string } }>;
      }
    ).emitWithAck('device:card-error', {
      source: 'resident-id',
      code: 'name: 张三',
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('DEV-7 a card lying on the reader before the screen connects is given to the screen when it connects', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    const t = agentFor(server, { deviceToken, terminal: 'kiosk' });
    await reach(t.agent, 'connected');
    await until(() => (t.agent.health.idCardReader === 'connected' ? true : undefined));
    const relayed = eventWhere<{ relayed: number }>(t.agent as never, 'card-relayed');
    t.sims.idCardReader!.insertCard(SAMPLE_CARDS.senior);
    expect(await relayed).toEqual({ relayed: 0 });

    const screen = io(server.url, { auth: { deviceToken }, transports: ['websocket'], forceNew: true });
    try {
      const received = eventWhere<CardRead>(screen as never, 'device:card');
      expect(await received).toMatchObject({ source: 'resident-id', idNumber: SAMPLE_CARDS.senior.idNumber });
    } finally {
      screen.disconnect();
    }

    // Delivered: a second screen that connects while the card still lies there gets nothing.
    const second = io(server.url, { auth: { deviceToken }, transports: ['websocket'], forceNew: true });
    const again: unknown[] = [];
    second.on('device:card', (c) => again.push(c));
    await sleep(500);
    second.disconnect();
    expect(again).toEqual([]);

    // Taken away (the reader reports it after two empty polls): a screen that connects afterwards gets nothing.
    t.sims.idCardReader!.removeCard();
    await sleep(300);
    const later = io(server.url, { auth: { deviceToken }, transports: ['websocket'], forceNew: true });
    const got: unknown[] = [];
    later.on('device:card', (c) => got.push(c));
    await sleep(500);
    later.disconnect();
    expect(got).toEqual([]);
  });
});

describe('terminal agent: social security cards', () => {
  it('DEV-4 relays a social security card to the other screen of the same terminal, and logs none of it', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    const t = agentFor(server, { deviceToken, terminal: 'kiosk' });
    const screen = await server.client({ deviceToken });
    await reach(t.agent, 'connected');
    await until(() => (t.agent.health.sscReader === 'connected' ? true : undefined));

    const received = eventWhere<CardRead>(screen as never, 'device:card');
    t.sims.sscReader!.insertCard(SAMPLE_CARD);
    expect(await received).toEqual({
      source: 'ssc',
      idNumber: SAMPLE_CARD.idNumber,
      name: SAMPLE_CARD.name,
      sex: '女',
      birthDate: '1949-12-31',
      address: null,
    } satisfies CardRead);
    await until(() => (t.logs.some((l) => l.includes('card read relayed')) ? true : undefined));
    const log = t.logs.join('');
    expect(log).not.toContain(SAMPLE_CARD.idNumber);
    expect(log).not.toContain(SAMPLE_CARD.name);
  });

  it('reports the SSC reading service not running to the guides (社保卡读卡服务未运行)', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    const staff = await server.client({ token: await server.login('guide1') });
    const t = agentFor(server, { deviceToken, terminal: 'kiosk' });
    await reach(t.agent, 'connected');
    await until(() => (t.agent.health.sscReader === 'connected' ? true : undefined));

    const alert = eventWhere<DeviceStatus>(staff as never, 'device:status', (s) =>
      s.alerts.includes('社保卡读卡服务未运行'),
    );
    t.sims.sscReader!.stopService();
    expect(await alert).toMatchObject({
      kind: 'kiosk',
      online: true,
      health: { sscReader: 'service-not-running' },
    });

    // pcscd back: the reader is found again.
    t.sims.sscReader!.startService();
    await until(() => (t.agent.health.sscReader === 'connected' ? true : undefined));
  });
});

describe('terminal agent: rating keypad', () => {
  it('RAT-2 a press rates the ticket the window finished last, once, with channel keypad', async () => {
    const deviceToken = await server.pairDevice('agent', 'w1');
    const t = agentFor(server, { deviceToken, terminal: 'comprehensive-window', windowId: 'w1' });
    const staff = await server.client({ token: await server.login('manager1') });
    await reach(t.agent, 'connected');
    const outcomes: RatingOutcome[] = [];
    t.agent.on('rating', (o) => outcomes.push(o));

    // Nothing finished yet: the press goes nowhere.
    t.sims.ratingPad!.press(5);
    expect(outcomes.at(-1)).toMatchObject({ sent: false, reason: 'no-finished-ticket' });

    const clerk = await server.login('clerk1');
    const guide = await server.login('guide1');
    const cmd = async (token: string, name: string, body: unknown) => {
      const r = await server.rest('POST', `/api/commands/${name}`, { token, body });
      expect(r.body.ok, `${name}: ${JSON.stringify(r.body)}`).toBe(true);
    };
    await cmd(clerk, 'window:open', { windowId: 'w1' });
    await cmd(guide, 'ticket:issue', { categoryId: 'A' });
    await cmd(clerk, 'ticket:call-next', { windowId: 'w1' });
    await cmd(clerk, 'ticket:start', { windowId: 'w1' });
    const finished = eventWhere<{ type: string; tickets: { id: string }[] }>(
      t.agent.socket! as never,
      'hall:fact',
      (f) => f.type === 'ticket:finished',
    );
    await cmd(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
    const ticketId = (await finished).tickets[0]!.id;

    const rated = eventWhere<StaffFact>(staff as never, 'staff:fact', (f) => f.type === 'ticket:rated');
    await sleep(450); // past the pad's debounce of the first press
    t.sims.ratingPad!.press(2);
    const fact = await rated;
    expect(fact.event).toMatchObject({ type: 'ticket:rated', ticketId, level: 2, channel: 'keypad' });
    expect(outcomes.at(-1)).toEqual({ level: 2, ticketId, sent: true });

    // A second press for the same ticket sends nothing.
    await sleep(450);
    t.sims.ratingPad!.press(5);
    expect(outcomes.at(-1)).toEqual({ level: 5, ticketId, sent: false, reason: 'already-rated' });
    await sleep(200);
    expect(t.emitted.filter((e) => e === 'ticket:rate')).toHaveLength(1);
  });

  it('a press more than two minutes after the ticket finished is not sent', async () => {
    const deviceToken = await server.pairDevice('agent', 'w1');
    const t = agentFor(server, { deviceToken, terminal: 'comprehensive-window', windowId: 'w1' });
    await reach(t.agent, 'connected');
    const clerk = await server.login('clerk1');
    const guide = await server.login('guide1');
    for (const [token, name, body] of [
      [clerk, 'window:open', { windowId: 'w1' }],
      [guide, 'ticket:issue', { categoryId: 'A' }],
      [clerk, 'ticket:call-next', { windowId: 'w1' }],
      [clerk, 'ticket:start', { windowId: 'w1' }],
    ] as const)
      await server.rest('POST', `/api/commands/${name}`, { token, body });
    const finished = eventWhere(
      t.agent.socket! as never,
      'hall:fact',
      (f: { type: string }) => f.type === 'ticket:finished',
    );
    await server.rest('POST', '/api/commands/ticket:finish', {
      token: clerk,
      body: { windowId: 'w1', outcome: 'completed' },
    });
    await finished;
    server.clock.advance(121_000);
    const outcome = eventWhere<RatingOutcome>(t.agent, 'rating');
    t.sims.ratingPad!.press(4);
    expect(await outcome).toMatchObject({ sent: false, reason: 'too-late' });
    expect(t.emitted).not.toContain('ticket:rate');
  });
});
