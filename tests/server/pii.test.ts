import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  type Ack,
  type CommandResult,
  idCheckChar,
  maskIdNumber,
  parseIdNumber,
  type StaffView,
  upgradeLegacyId,
} from '@onewindow/shared';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../queue-server/src/app/app.ts';
import { idBornOn } from '../../queue-server/src/domain/test-factory.ts';
import { bootstrap, DEMO_PASSWORD } from '../../queue-server/src/seed/bootstrap.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import { type HallClient, TestClock } from '../support/server.ts';

/*
 * Q-PRI-3 and the public view: "a scan of every payload sent to the public board finds no ID
 * number and no name". A busy day runs through a guide, clerks and a kiosk with real ID
 * numbers and reasons naming people; everything a board received, every public REST answer
 * and every log line the server wrote are scanned. The server gets a plain pino logger (no
 * redaction), so what is checked is what the server code chooses to log.
 */

const withCheck = (first17: string) => first17 + idCheckChar(first17);

/** Holders and their birth dates, in every accepted format. */
const PEOPLE = {
  senior: { id: idBornOn('19480315', '021'), birth: '1948-03-15' },
  young: { id: idBornOn('19900704', '133'), birth: '1990-07-04' },
  legacy15: { id: '110102520918045', birth: '1952-09-18' },
  hongKong: { id: withCheck('81000019750612002'), birth: '1975-06-12' },
  foreign2023: { id: withCheck('91184019830214001'), birth: '1983-02-14' },
  lowerX: { id: '', birth: '1961-11-30' },
};
// A resident whose check character is X, typed with a lower-case x at the kiosk.
for (let n = 0; n < 1000 && PEOPLE.lowerX.id === ''; n++) {
  const id = idBornOn('19611130', String(n).padStart(3, '0'));
  if (id.endsWith('X')) PEOPLE.lowerX.id = `${id.slice(0, -1)}x`;
}
/** A number the queue refuses (bad check character): it must not leak from the refusal either. */
const INVALID_ID = `${PEOPLE.young.id.slice(0, 17)}${PEOPLE.young.id.endsWith('0') ? '1' : '0'}`;

const NAMES = ['张三', '李四', '王五', '赵六'];
const REASONS = {
  disability: '张三 持残疾人证 二级',
  military: '李四 现役军官 军官证 南字第123456号',
  override: '王五 预约已到 电话已核实',
  front: '赵六 行动不便 坐轮椅',
  pin: '张三 指定 1 号窗口复印件',
  cancel: '张三 本人要求取消 办不了',
  transfer: '王五 材料需单位盖章 转单位业务',
  park: '张三回家取户口本',
  dayClose: '张三 闭厅测试 理由',
};
/** SEC-TXT-1: a pause reason is a code from the list; boards show its label. */
const PAUSE_REASON = 'system';

const FORBIDDEN_KEYS = [
  'holder',
  'priorityClass',
  'idNumber',
  'holderRef',
  'masked',
  'birthDate',
  'cancelReason',
  'front',
  'reason',
  'note',
  'by',
  'event',
  // RAT-3: a rating's level, reasons and who served stay with staff.
  'rating',
  'level',
  'reasons',
  'servedBy',
];

let app: App;
let url: string;
let dir: string;
const logLines: string[] = [];
const clients: Socket[] = [];
/** Everything each public board received: [event, ...args] per packet, in order. */
const boards: unknown[][][] = [[], []];
let seqAtFirstBoard = 0;
const allPackets = () => boards.flat();
const publicAnswers: { what: string; body: string }[] = [];
let staffView: StaffView | null = null;
const ticketIds: string[] = [];
/** The ticket rated 1 (非常不满意) with reasons, and the fact that recorded it. */
let rated: { ticketId: string; seq: number } | null = null;

async function rest<T = unknown>(
  method: string,
  path: string,
  o: { token?: string; deviceToken?: string; body?: unknown } = {},
): Promise<{ status: number; text: string; body: Ack<T> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.deviceToken) headers['x-device-token'] = o.deviceToken;
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await res.text();
  let body = null as unknown as Ack<T>;
  try {
    body = JSON.parse(text) as Ack<T>;
  } catch {
    // HTML pages (/t/:id) are scanned as text.
  }
  return { status: res.status, text, body };
}

async function login(username: string): Promise<string> {
  const r = await rest<{ token: string }>('POST', '/api/auth/login', {
    body: { username, password: DEMO_PASSWORD },
  });
  if (!r.body.ok) throw new Error(`login ${username}`);
  return r.body.data.token;
}

function client(auth: Record<string, string>, record?: (packet: unknown[]) => void): Promise<HallClient> {
  const s = connect(url, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    autoConnect: false,
  });
  clients.push(s);
  if (record) s.onAny((event: string, ...args: unknown[]) => record([event, ...args]));
  return new Promise((resolve, reject) => {
    s.once('hall:snapshot', () => resolve(s as HallClient));
    s.once('connect_error', reject);
    s.connect();
  });
}

async function ok(socket: HallClient, name: string, payload: unknown): Promise<CommandResult> {
  const ack = await new Promise<Ack<CommandResult>>((resolve) =>
    (socket.emit as (ev: string, ...a: unknown[]) => void)(name, payload, resolve),
  );
  if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

function issuedId(r: CommandResult): string {
  const ev = r.facts.find((f) => f.type === 'ticket:issued');
  if (ev?.type !== 'ticket:issued') throw new Error('nothing issued');
  ticketIds.push(ev.ticket.id);
  return ev.ticket.id;
}

const lastBoardSeq = () => {
  let seq = 0;
  for (const [event, data] of boards[0]!) {
    const s = (data as { seq?: number } | undefined)?.seq ?? 0;
    if ((event === 'hall:fact' || event === 'hall:snapshot') && s > seq) seq = s;
  }
  return seq;
};

async function boardCaughtUp(): Promise<void> {
  for (let i = 0; i < 200 && lastBoardSeq() < app.service.queue.lastSeq; i++)
    await new Promise((r) => setTimeout(r, 10));
  expect(lastBoardSeq()).toBe(app.service.queue.lastSeq);
}

async function scanPublicRest(label: string): Promise<void> {
  for (const path of [
    '/api/queue',
    '/api/windows',
    '/api/windows/w1/display',
    // The phone app's home page (MOB-UI-3).
    '/api/citizen/hall',
    ...ticketIds.flatMap((id) => [`/api/tickets/${id}`, `/t/${id}`]),
  ]) {
    const r = await rest('GET', path);
    // GET /api/tickets/:id and /t/:id are checked where the server has them.
    if (r.status === 404 && r.body?.ok === false && r.body.error.message === 'no such endpoint') continue;
    expect(r.status, path).toBeLessThan(500);
    publicAnswers.push({ what: `${label} GET ${path}`, body: r.text });
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-pii-'));
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'trace' }, sink);
  const clock = new TestClock();
  app = createApp({
    store: new HallStore(join(dir, 'hall.db'), TEST_KEYS),
    logger,
    clock,
  });
  bootstrap(app, { demo: true, adminPassword: undefined }, logger);
  url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;

  // The public board first, so it sees the whole day.
  seqAtFirstBoard = app.service.queue.lastSeq;
  await client({}, (p) => boards[0]!.push(p));

  const admin = await login('admin');
  const code = await rest<{ code: string }>('POST', '/api/devices/pairing-codes', {
    token: admin,
    body: { kind: 'kiosk', name: '一楼自助机' },
  });
  if (!code.body.ok) throw new Error('pairing code');
  const paired = await rest<{ deviceToken: string }>('POST', '/api/devices/pair', {
    body: { code: code.body.data.code },
  });
  if (!paired.body.ok) throw new Error('pairing');
  const kiosk = await client({ deviceToken: paired.body.data.deviceToken });
  const padCode = await rest<{ code: string }>('POST', '/api/devices/pairing-codes', {
    token: admin,
    body: { kind: 'rating-pad', name: '1号窗口评价器', windowId: 'w1' },
  });
  if (!padCode.body.ok) throw new Error('pairing code');
  const padPaired = await rest<{ deviceToken: string }>('POST', '/api/devices/pair', {
    body: { code: padCode.body.data.code },
  });
  if (!padPaired.body.ok) throw new Error('pairing');
  const pad = await client({ deviceToken: padPaired.body.data.deviceToken });
  const guideToken = await login('guide1');
  const guide = await client({ token: guideToken });
  const clerk1 = await client({ token: await login('clerk1') });
  const clerk2 = await client({ token: await login('clerk2') });
  const rights = await client({ token: await login('rights1') });
  const manager = await client({ token: await login('manager1') });

  // Morning: the kiosk, the guide desk and the API issue tickets with ID numbers.
  const senior = issuedId(await ok(kiosk, 'ticket:issue', { categoryId: 'A', idNumber: PEOPLE.senior.id }));
  issuedId(await ok(kiosk, 'ticket:issue', { categoryId: 'A', idNumber: PEOPLE.hongKong.id }));
  issuedId(await ok(kiosk, 'ticket:issue', { categoryId: 'A', idNumber: PEOPLE.lowerX.id }));
  const refused = await new Promise<Ack<unknown>>((resolve) =>
    (kiosk.emit as (ev: string, ...a: unknown[]) => void)(
      'ticket:issue',
      { categoryId: 'A', idNumber: INVALID_ID },
      resolve,
    ),
  );
  expect(refused.ok === false && refused.error.code).toBe('INVALID_ID_NUMBER');
  const disabled = issuedId(
    await ok(guide, 'ticket:issue', {
      categoryId: 'A',
      idNumber: PEOPLE.legacy15.id,
      priorityClass: 'disability',
      reason: REASONS.disability,
    }),
  );
  const viaApi = await rest<CommandResult>('POST', '/api/commands/ticket:issue', {
    token: guideToken,
    body: { categoryId: 'B', idNumber: PEOPLE.foreign2023.id, itemCode: '0101' },
  });
  if (!viaApi.body.ok) throw new Error(`REST issue: ${viaApi.body.error.message}`);
  issuedId(viaApi.body.data);
  issuedId(
    await ok(guide, 'ticket:issue', {
      categoryId: 'C',
      idNumber: PEOPLE.young.id,
      priorityClass: 'military',
      reason: REASONS.military,
    }),
  );
  const plain = issuedId(await ok(guide, 'ticket:issue', { categoryId: 'A' }));
  const toCancel = issuedId(await ok(kiosk, 'ticket:issue', { categoryId: 'A', idNumber: PEOPLE.young.id }));

  // The guide desk reorders.
  await ok(guide, 'ticket:override', {
    ticketId: plain,
    action: { kind: 'class', priorityClass: 'appointment' },
    reason: REASONS.override,
  });
  await ok(guide, 'ticket:override', { ticketId: senior, action: { kind: 'front' }, reason: REASONS.front });
  await ok(guide, 'ticket:override', {
    ticketId: disabled,
    action: { kind: 'pin', windowId: 'w1' },
    reason: REASONS.pin,
  });
  await ok(guide, 'ticket:cancel', { ticketId: toCancel, reason: REASONS.cancel });

  // Windows work.
  await ok(clerk1, 'window:open', { windowId: 'w1' });
  await ok(clerk2, 'window:open', { windowId: 'w2' });
  await ok(rights, 'window:open', { windowId: 'w7' });
  await ok(clerk1, 'ticket:call-next', { windowId: 'w1' });
  await ok(clerk1, 'ticket:start', { windowId: 'w1' });
  const parked = (await ok(clerk1, 'ticket:park', { windowId: 'w1', note: REASONS.park })).facts[0];
  const parkedId = parked?.type === 'ticket:parked' ? parked.ticketId : '';
  await ok(clerk1, 'ticket:call-next', { windowId: 'w1' });
  await ok(clerk1, 'ticket:recall', { windowId: 'w1' });
  await ok(clerk1, 'ticket:recall', { windowId: 'w1' });
  const missed = (await ok(clerk1, 'ticket:no-show', { windowId: 'w1' })).facts[0];
  if (missed?.type === 'ticket:no-show') await ok(guide, 'ticket:reinstate', { ticketId: missed.ticketId });
  await ok(clerk1, 'ticket:resume', { ticketId: parkedId, windowId: 'w1' });
  await ok(clerk1, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
  // The citizen rates the service at window 1: very dissatisfied, with reasons.
  const rating = (
    await ok(pad, 'ticket:rate', { ticketId: parkedId, level: 1, reasons: ['attitude', 'waiting'] })
  ).facts[0];
  if (rating?.type !== 'ticket:rated') throw new Error('not rated');
  expect(rating).toMatchObject({ level: 1, reasons: ['attitude', 'waiting'], windowId: 'w1' });
  rated = { ticketId: rating.ticketId, seq: rating.seq };
  await ok(clerk2, 'ticket:call-next', { windowId: 'w2' });
  const atW2 = app.service.queue.window('w2')!.ticketId!;
  await ok(clerk2, 'ticket:transfer', { ticketId: atW2, to: { categoryId: 'B' }, note: REASONS.transfer });
  await ok(clerk2, 'window:pause', { windowId: 'w2', reason: PAUSE_REASON });
  await ok(rights, 'ticket:call-next', { windowId: 'w7' });
  await ok(rights, 'ticket:start', { windowId: 'w7' });
  await ok(rights, 'ticket:finish', { windowId: 'w7', outcome: 'supplement' });

  // Staff see masked holders: proof that the ID numbers really went in.
  const staff = await rest<StaffView>('GET', '/api/queue/staff', { token: guideToken });
  if (!staff.body.ok) throw new Error('staff view');
  staffView = staff.body.data;
  await boardCaughtUp();
  await scanPublicRest('during the day');

  // A late join gets a snapshot of the busy hall; then the day closes with a reason.
  await client({}, (p) => boards[1]!.push(p));
  await ok(manager, 'day:close', { reason: REASONS.dayClose });
  await boardCaughtUp();
  await scanPublicRest('after day close');
}, 30_000);

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every full form of every ID number used: as typed, normalized, upgraded, with either x. */
function idForms(): string[] {
  const forms = new Set<string>();
  for (const p of Object.values(PEOPLE)) {
    forms.add(p.id);
    forms.add(p.id.toUpperCase());
    forms.add(p.id.toLowerCase());
    const parsed = parseIdNumber(p.id);
    if (parsed.ok) forms.add(parsed.value.number);
  }
  forms.add(upgradeLegacyId(PEOPLE.legacy15.id));
  forms.add(INVALID_ID);
  return [...forms];
}

function birthForms(): string[] {
  return Object.values(PEOPLE).flatMap((p) => [
    p.birth,
    p.birth.replaceAll('-', ''),
    p.birth.slice(2).replaceAll('-', ''),
  ]);
}

function keysOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, out);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysOf(v, out);
    }
  return out;
}

function expectNoPersonalData(text: string, what: string): void {
  for (const id of idForms()) expect(text.includes(id), `${what} contains ID number ${id}`).toBe(false);
  expect(text, `${what}: masked ID`).not.toMatch(/\d{3}\*+/);
  expect(text, `${what}: masked ID`).not.toMatch(/\*{3,}/);
  for (const b of birthForms()) expect(text.includes(b), `${what} contains birth date ${b}`).toBe(false);
  for (const name of NAMES) expect(text.includes(name), `${what} contains the name ${name}`).toBe(false);
  for (const [k, reason] of Object.entries(REASONS))
    expect(text.includes(reason), `${what}: ${k} reason`).toBe(false);
  expect(text, `${what}: phone number`).not.toContain('13812345678');
}

describe('Q-PRI-3 nothing personal reaches the public board', () => {
  it('Q-PRI-3 the scenario was real: staff saw masked holders, the board saw every fact', () => {
    const masked = new Set(
      Object.values(PEOPLE).map((p) => {
        const parsed = parseIdNumber(p.id);
        return parsed.ok ? maskIdNumber(parsed.value.number) : '';
      }),
    );
    const holders = staffView!.tickets.flatMap((t) => (t.holder ? [t.holder.masked] : []));
    expect(holders.length).toBeGreaterThanOrEqual(3);
    for (const h of holders) expect(masked).toContain(h);
    // The first board got one snapshot and then every fact of the day, in order.
    const [first, second] = boards as [unknown[][], unknown[][]];
    const facts = first.filter(([e]) => e === 'hall:fact').map(([, f]) => (f as { seq: number }).seq);
    expect(facts.length).toBe(app.service.queue.lastSeq - seqAtFirstBoard);
    expect(facts).toEqual([...facts].sort((a, b) => a - b));
    expect(first.filter(([e]) => e === 'hall:snapshot').length).toBe(1);
    expect(second[0]?.[0]).toBe('hall:snapshot');
    expect(ticketIds.length).toBe(8);
    // The board got the rating's fact (RAT-3): that the ticket was rated, nothing more.
    const ratedFact = first.find(([e, f]) => e === 'hall:fact' && (f as { seq: number }).seq === rated?.seq);
    expect(ratedFact?.[1]).toMatchObject({
      type: 'ticket:rated',
      tickets: [{ id: rated?.ticketId, status: 'done' }],
    });
  });

  it('Q-PRI-3 a scan of every payload sent to the public board finds no ID number, no masked number, no birth date, no name and no reason', () => {
    const all = JSON.stringify(allPackets());
    expectNoPersonalData(all, 'board');
    // Windows do show why they are paused: as a code from the list, never as typed text.
    expect(all).toContain(`"pauseReason":"${PAUSE_REASON}"`);
  });

  it('Q-PRI-3 the board never receives holder, priorityClass or any note keys, and no staff events', () => {
    const keys = keysOf(allPackets());
    for (const k of FORBIDDEN_KEYS) expect(keys.has(k), `board received key "${k}"`).toBe(false);
    const events = new Set(allPackets().map(([e]) => e));
    expect([...events].sort()).toEqual(['hall:fact', 'hall:snapshot']);
  });

  it('Q-PRI-3 public REST answers (GET /api/queue, /api/windows, /api/tickets/:id, /t/:id) hold nothing personal', () => {
    expect(publicAnswers.length).toBeGreaterThanOrEqual(4);
    for (const a of publicAnswers) {
      expectNoPersonalData(a.body, a.what);
      if (a.body.startsWith('{')) {
        const keys = keysOf(JSON.parse(a.body));
        for (const k of FORBIDDEN_KEYS) expect(keys.has(k), `${a.what}: key "${k}"`).toBe(false);
      }
    }
  });

  it('Q-PRI-3 the server log holds no full ID number', () => {
    const log = logLines.join('');
    expect(logLines.length).toBeGreaterThan(20); // facts are logged: the scan read something
    for (const id of idForms()) expect(log.includes(id), `log contains ${id}`).toBe(false);
  });
});
