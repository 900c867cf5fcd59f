import { type Ack, COMMAND_NAMES, COMMAND_SCHEMAS, type CommandName, ERROR_CODES } from '@onewindow/shared';
import fc from 'fast-check';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHallConfig } from '../../queue-server/src/seed/demo-hall.ts';
import {
  command,
  type HallClient,
  mountedRoutes,
  startTestServer,
  type TestServer,
} from '../support/server.ts';

/*
 * Fuzzing of every Socket.IO command event and every REST route with malformed, wrongly
 * typed and oversized input, always from a sender allowed to send the command, so the only
 * thing that can refuse it is validation. Invariants: every refusal is the ack envelope with
 * a known code (never INTERNAL, never a 5xx), a refused payload writes nothing (Q-LOG-1),
 * and the server stays up. Seeds are pinned so a failure repeats.
 */

const SEED = 20261126;
const SOCKET_LIMIT = 256 * 1024;

let server: TestServer;
/**
 * An authorized socket per command (admin configures, guide issues, clerk1 works w1, manager
 * closes the day, the rating pad paired with w1 rates).
 */
const senders = new Map<CommandName, HallClient>();
const tokens: Record<
  'admin' | 'guide' | 'clerk' | 'manager' | 'pad' | 'reviewer' | 'supervisor' | 'rights',
  string
> = {
  admin: '',
  guide: '',
  clerk: '',
  manager: '',
  pad: '',
  reviewer: '',
  supervisor: '',
  rights: '',
};
/** Senders that are paired devices: their token goes in X-Device-Token, not as a bearer. */
const DEVICES = new Set<keyof typeof tokens>(['pad']);

const SENDER: Record<CommandName, keyof typeof tokens> = {
  'hall:configure': 'admin',
  'ticket:issue': 'guide',
  'window:open': 'clerk',
  'window:close': 'clerk',
  'window:pause': 'clerk',
  'window:resume': 'clerk',
  'ticket:call-next': 'clerk',
  'ticket:recall': 'clerk',
  'ticket:start': 'clerk',
  'ticket:no-show': 'clerk',
  'ticket:finish': 'clerk',
  'ticket:park': 'clerk',
  'ticket:resume': 'clerk',
  'ticket:reinstate': 'guide',
  'ticket:transfer': 'guide',
  'ticket:cancel': 'guide',
  'ticket:confirm': 'guide',
  'ticket:override': 'guide',
  'ticket:rate': 'pad',
  'day:close': 'manager',
  'case:start-review': 'reviewer',
  'case:approve': 'reviewer',
  'case:request-supplement': 'reviewer',
  'case:return': 'reviewer',
  'case:recheck': 'supervisor',
  'case:supplement': 'clerk',
  'case:ready': 'rights',
  'case:hand-back': 'rights',
};

beforeAll(async () => {
  server = await startTestServer();
  tokens.admin = await server.login('admin');
  tokens.guide = await server.login('guide1');
  tokens.clerk = await server.login('clerk1');
  tokens.manager = await server.login('manager1');
  tokens.pad = await server.pairDevice('rating-pad', 'w1');
  tokens.reviewer = await server.login('reviewer1');
  tokens.supervisor = await server.login('supervisor1');
  tokens.rights = await server.login('rights1');
  const sockets = {
    admin: await server.client({ token: tokens.admin }),
    guide: await server.client({ token: tokens.guide }),
    clerk: await server.client({ token: tokens.clerk }),
    manager: await server.client({ token: tokens.manager }),
    pad: await server.client({ deviceToken: tokens.pad }),
    reviewer: await server.client({ token: tokens.reviewer }),
    supervisor: await server.client({ token: tokens.supervisor }),
    rights: await server.client({ token: tokens.rights }),
  };
  for (const name of COMMAND_NAMES) senders.set(name, sockets[SENDER[name]]);
  // A live hall: clerk1 at w1 serving a ticket, more waiting, so valid-looking ids would pass authorization.
  expect((await command(sockets.clerk, 'window:open', { windowId: 'w1' })).ok).toBe(true);
  for (const categoryId of ['A', 'A', 'B', 'C'])
    expect((await command(sockets.guide, 'ticket:issue', { categoryId })).ok).toBe(true);
  expect((await command(sockets.clerk, 'ticket:call-next', { windowId: 'w1' })).ok).toBe(true);
});
afterAll(async () => {
  await server.close();
});

const seq = () => server.app.service.queue.lastSeq;

/** Emits with any arguments and resolves with the ack, failing loudly instead of hanging. */
function emitAck(socket: HallClient, event: string, args: unknown[], ms = 3000): Promise<Ack<unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event} within ${ms} ms`)), ms);
    (socket.emit as (ev: string, ...a: unknown[]) => void)(event, ...args, (ack: Ack<unknown>) => {
      clearTimeout(timer);
      resolve(ack);
    });
  });
}

/** The payload as the server receives it: Socket.IO sends JSON (undefined becomes null). */
const onTheWire = (v: unknown): unknown => JSON.parse(JSON.stringify([v === undefined ? null : v]))[0];

const isValid = (name: CommandName, payload: unknown) =>
  COMMAND_SCHEMAS[name].safeParse(onTheWire(payload) ?? {}).success;

function expectRefusal(ack: Ack<unknown>, what: string): void {
  expect(ack.ok, what).toBe(false);
  if (ack.ok) return;
  expect(ack.error.code, what).toBe('BAD_REQUEST');
  expect(typeof ack.error.message, what).toBe('string');
  expect(ack.error.message.length, what).toBeGreaterThan(0);
}

function expectEnvelope(ack: Ack<unknown>, what: string): void {
  if (ack.ok) return;
  expect(ERROR_CODES as readonly string[], what).toContain(ack.error.code);
  expect(ack.error.code, what).not.toBe('INTERNAL');
  expect(typeof ack.error.message, what).toBe('string');
}

/** 100 000 characters of one ASCII letter: oversized for every field, well under the socket limit. */
const huge = fc.constantFrom('x', '9', 'A', ' ').map((c) => c.repeat(100_000));

function deep(depth: number, leaf: unknown = 'w1'): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? { a: v } : [v];
  return v;
}

/** A value of the wrong type for any field (strings only when blank or far too long). */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', '   ', '\n\t'),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.anything({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.constant(deep(200)),
);

const keysOf = (name: CommandName): string[] =>
  Object.keys((COMMAND_SCHEMAS[name] as unknown as { shape: Record<string, unknown> }).shape);

/** Objects with exactly the right keys, wrong values; sometimes one of them 100k characters long. */
function wrongTyped(name: CommandName): fc.Arbitrary<Record<string, unknown>> {
  const keys = keysOf(name);
  return fc
    .tuple(
      fc.record(Object.fromEntries(keys.map((k) => [k, wrongValue])), { requiredKeys: [] }),
      fc.option(fc.tuple(fc.constantFrom(...keys), huge), { nil: undefined }),
    )
    .map(([rec, big]) => (big === undefined ? rec : { ...rec, [big[0]]: big[1] }));
}

/** A valid payload per command: the base the near-misses below start from (never sent as is). */
const SAMPLE: Record<CommandName, Record<string, unknown>> = {
  'hall:configure': { config: demoHallConfig(), idempotencyKey: 'k' },
  'ticket:issue': { categoryId: 'A', idNumber: '11010519491231002X', itemCode: '0101', idempotencyKey: 'k' },
  'window:open': { windowId: 'w2' },
  'window:close': { windowId: 'w1' },
  'window:pause': { windowId: 'w1', reason: 'lunch' },
  'window:resume': { windowId: 'w1' },
  'ticket:call-next': { windowId: 'w1' },
  'ticket:recall': { windowId: 'w1' },
  'ticket:start': { windowId: 'w1' },
  'ticket:no-show': { windowId: 'w1' },
  'ticket:finish': { windowId: 'w1', outcome: 'completed' },
  'ticket:park': { windowId: 'w1', note: '取材料' },
  'ticket:resume': { ticketId: '20261126-A001', windowId: 'w1' },
  'ticket:reinstate': { ticketId: '20261126-A001' },
  'ticket:transfer': { ticketId: '20261126-A002', to: { categoryId: 'B' }, note: '转' },
  'ticket:cancel': { ticketId: '20261126-A002', reason: '离开' },
  'ticket:confirm': { ticketId: '20261126-A002' },
  'ticket:override': { ticketId: '20261126-A002', action: { kind: 'front' }, reason: '预约' },
  'ticket:rate': { ticketId: '20261126-A001', level: 2, reasons: ['waiting', 'attitude'] },
  'day:close': { reason: '下班' },
  'case:start-review': { caseId: 'SL202611260001', note: '开始' },
  'case:approve': { caseId: 'SL202611260001', note: '通过' },
  'case:request-supplement': { caseId: 'SL202611260001', missingMaterials: ['申请表'], note: '补' },
  'case:return': { caseId: 'SL202611260001', note: '退回' },
  'case:recheck': { caseId: 'SL202611260001', note: '复核' },
  'case:supplement': { caseId: 'SL202611260001', note: '已收' },
  'case:ready': { caseId: 'SL202611260001', note: '待取' },
  'case:hand-back': { caseId: 'SL202611260001', note: '本人领取' },
};

/** Near misses: a valid payload with one key too many (schemas are strict) or one field of the wrong type. */
function nearValid(name: CommandName): fc.Arbitrary<Record<string, unknown>> {
  const base = SAMPLE[name];
  const keys = Object.keys(base);
  return fc.oneof(
    fc
      .tuple(
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !keysOf(name).includes(k)),
        // undefined would vanish on the wire and leave a valid payload.
        fc.anything({ maxDepth: 1 }).filter((v) => v !== undefined),
      )
      .map(([k, v]) => ({ ...base, [k]: v })),
    fc.tuple(fc.constantFrom(...keys), wrongValue).map(([k, v]) => ({ ...base, [k]: v })),
    fc.tuple(fc.constantFrom(...keys), huge).map(([k, v]) => ({ ...base, [k]: v })),
  );
}

function payloads(name: CommandName): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: nearValid(name), weight: 3 },
    { arbitrary: fc.anything({ maxDepth: 3 }), weight: 3 },
    { arbitrary: wrongTyped(name), weight: 4 },
    { arbitrary: huge, weight: 1 },
    { arbitrary: fc.constantFrom(null, 0, -1, 1e308, true, [], [{}], 'ticket', deep(1000)), weight: 1 },
  );
}

describe('Socket.IO fuzzing: every command event', () => {
  for (const name of COMMAND_NAMES) {
    it(`${name}: random, wrongly typed and oversized payloads are refused with BAD_REQUEST and write nothing (Q-LOG-1)`, async () => {
      const socket = senders.get(name)!;
      let refused = 0;
      let valid = 0;
      await fc.assert(
        fc.asyncProperty(
          payloads(name),
          fc.constantFrom('ack', 'extra-args', 'no-ack'),
          async (payload, mode) => {
            const before = seq();
            const isValidPayload = isValid(name, payload);
            const what = `${name} ${mode} ${JSON.stringify(payload)?.slice(0, 200)}`;
            if (mode === 'no-ack') {
              (socket.emit as (ev: string, ...a: unknown[]) => void)(name, payload);
              // Events on one socket are handled in order: the resync ack comes after the command ran.
              const r = await emitAck(socket, 'hall:resync', []);
              expect(r.ok, what).toBe(true);
            } else {
              const args = mode === 'extra-args' ? [payload, 'extra', 42, { more: true }] : [payload];
              const ack = await emitAck(socket, name, args);
              if (isValidPayload) expectEnvelope(ack, what);
              else expectRefusal(ack, what);
            }
            if (isValidPayload) valid++;
            else {
              refused++;
              expect(seq(), what).toBe(before);
            }
          },
        ),
        { seed: SEED, numRuns: 80 },
      );
      // The generators make invalid payloads only, so the hall was never changed by the fuzzing.
      expect(valid).toBe(0);
      expect(refused).toBe(80);
      expect(socket.connected).toBe(true);
    });
  }

  it('an ack without payload, binary payloads and binary fields are refused with BAD_REQUEST', async () => {
    const before = seq();
    for (const name of COMMAND_NAMES) {
      const socket = senders.get(name)!;
      expectRefusal(await emitAck(socket, name, []), `${name} ack only`);
      expectRefusal(await emitAck(socket, name, [Buffer.from('A')]), `${name} Buffer`);
      expectRefusal(await emitAck(socket, name, [new Uint8Array([1, 2, 3]).buffer]), `${name} ArrayBuffer`);
      const binaryFields = Object.fromEntries(keysOf(name).map((k) => [k, Buffer.from('w1')]));
      expectRefusal(await emitAck(socket, name, [binaryFields]), `${name} binary fields`);
    }
    expect(seq()).toBe(before);
  });

  it('unknown event names are answered BAD_REQUEST "unknown event", with or without arguments', async () => {
    const socket = senders.get('ticket:issue')!;
    const reserved = new Set([
      'connect',
      'connect_error',
      'disconnect',
      'disconnecting',
      'newListener',
      'removeListener',
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(
            fc.string({ maxLength: 40 }),
            fc.constantFrom(
              'ticket:issue ',
              'TICKET:ISSUE',
              'ticket:',
              'hall:configure2',
              '__proto__',
              'constructor',
              'toString',
              'hasOwnProperty',
              'x'.repeat(5000),
            ),
          )
          .filter((e) => !reserved.has(e) && e !== 'hall:resync' && !(COMMAND_NAMES as string[]).includes(e)),
        fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }),
        async (event, args) => {
          const before = seq();
          const ack = await emitAck(socket, event, args);
          expect(ack.ok).toBe(false);
          if (!ack.ok) {
            expect(ack.error.code).toBe('BAD_REQUEST');
            expect(ack.error.message).toMatch(/^unknown event/);
            expect(ack.error.message.length).toBeLessThan(100);
          }
          expect(seq()).toBe(before);
        },
      ),
      { seed: SEED, numRuns: 80 },
    );
  });

  it('a payload over the 256 KB socket limit disconnects that socket only; the server stays up and nothing is written', async () => {
    const before = seq();
    for (const payload of [
      { categoryId: 'x'.repeat(SOCKET_LIMIT + 10) },
      Buffer.alloc(SOCKET_LIMIT + 10, 1),
      { categoryId: '张'.repeat(100_000) }, // 300 KB in UTF-8
    ]) {
      const victim = await server.client({ token: tokens.guide });
      const gone = new Promise<string>((resolve) => victim.once('disconnect', resolve));
      (victim.emit as (ev: string, ...a: unknown[]) => void)('ticket:issue', payload, () => {
        throw new Error('an oversized payload was answered');
      });
      expect(await gone).toMatch(/transport (close|error)/);
    }
    expect(seq()).toBe(before);
    expect((await server.rest('GET', '/api/health')).status).toBe(200);
    expect(senders.get('ticket:issue')!.connected).toBe(true);
  });

  it('malformed Socket.IO packets (raw engine.io frames) close that connection at worst', async () => {
    const before = seq();
    for (const frame of [
      '42',
      '42[',
      '42{}',
      '42[1,2,3]',
      '42["disconnect"]',
      '42["connect"]',
      '43["ticket:issue"]',
      '4x',
      '49',
      '45-["ticket:issue",{"_placeholder":true,"num":0}]',
      `42["ticket:issue",${'['.repeat(5000)}${']'.repeat(5000)}]`,
      '42["ticket:issue",{"categoryId":"A","__proto__":{"polluted":1}}]',
    ]) {
      const raw = connect(server.url, {
        auth: { token: tokens.guide },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      await new Promise<void>((resolve, reject) => {
        raw.once('connect', () => resolve());
        raw.once('connect_error', reject);
      });
      (raw.io.engine as unknown as { send: (m: string) => void }).send(frame);
      // Either the server drops the connection or it still answers in order.
      const outcome = await Promise.race([
        new Promise<string>((resolve) => raw.once('disconnect', () => resolve('disconnected'))),
        emitAck(raw as HallClient, 'hall:resync', [], 2000).then(
          () => 'answered',
          () => 'silent',
        ),
      ]);
      expect(['disconnected', 'answered'], frame.slice(0, 60)).toContain(outcome);
      raw.disconnect();
    }
    expect(seq()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await server.rest('GET', '/api/health')).status).toBe(200);
  });

  it('after all of it the server is healthy and the fuzzed sockets still work', async () => {
    expect((await server.rest('GET', '/api/health')).status).toBe(200);
    const before = seq();
    for (const socket of new Set(senders.values())) expect(socket.connected).toBe(true);
    const ack = await command(senders.get('ticket:issue')!, 'ticket:issue', { categoryId: 'B' });
    expect(ack.ok).toBe(true);
    expect(seq()).toBe(before + 1);
    const fresh = await server.client();
    expect(fresh.connected).toBe(true);
    fresh.disconnect();
  });
});

describe('REST fuzzing: every route of the route table', () => {
  const ROUTES = mountedRoutes();
  type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  const METHODS: Method[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
  const methodsOf = (path: string) =>
    new Set(ROUTES.filter((r) => r.path === path).map((r) => r.method.toUpperCase()));

  const segment = fc.oneof(
    fc.string({ maxLength: 40 }).map((s) => {
      try {
        return encodeURIComponent(s) || 'x';
      } catch {
        return 'x';
      }
    }),
    fc.constantFrom(
      '%zz',
      '%',
      '..',
      '%2e%2e',
      '%2F',
      'a%2Fb',
      '%00',
      'w1',
      'ticket:issue',
      '20261126-A001',
      '-1',
      'x'.repeat(300),
    ),
  );

  const body = fc.oneof(
    // Valid JSON of any shape.
    fc
      .anything({ maxDepth: 3 })
      .map((v) => ({ type: 'application/json', text: JSON.stringify(v) ?? 'null' })),
    // Malformed JSON.
    fc
      .oneof(
        fc.string({ maxLength: 40 }),
        fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
        fc.constantFrom(
          '{',
          '{"a":',
          '[1,',
          "{'a':1}",
          '{"a":1,}',
          'undefined',
          'NaN',
          '\u0000',
          '{"a":"\\u12"}',
        ),
      )
      .filter((t) => {
        try {
          JSON.parse(t);
          return false;
        } catch {
          return true;
        }
      })
      .map((text) => ({ type: 'application/json', text })),
    // Right JSON, wrong (or no) content type.
    fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/octet-stream',
          '',
        ),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .map(([type, v]) => ({ type, text: JSON.stringify(v) })),
    // Oversized: over the 256 KB body limit.
    fc.constantFrom('x', '张').map((c) => ({
      type: 'application/json',
      text: JSON.stringify({ reason: c.repeat(300 * 1024) }),
    })),
    // Deeply nested.
    fc.constant({ type: 'application/json', text: JSON.stringify(deep(3000, 1)) }),
  );

  async function request(
    method: Method,
    path: string,
    token: string | undefined,
    b: { type: string; text: string } | undefined,
    deviceToken?: string,
  ): Promise<{ status: number; text: string; type: string }> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (deviceToken) headers['x-device-token'] = deviceToken;
    if (b !== undefined && b.type !== '') headers['content-type'] = b.type;
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(b !== undefined && method !== 'GET' ? { body: b.text } : {}),
    });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
  }

  function expectClientError(r: { status: number; text: string; type: string }, what: string): void {
    expect(r.status, what).toBeLessThan(500);
    if (!what.includes(' /api/')) return; // /metrics, /t/{id}: not part of the JSON API
    if (r.status < 400) return; // successes have their own shapes (the OpenAPI document)
    expect(r.type, what).toMatch(/application\/json/);
    const parsed = JSON.parse(r.text) as Ack<unknown>;
    expect(parsed.ok, what).toBe(false);
    if (!parsed.ok) {
      expect(ERROR_CODES as readonly string[], what).toContain(parsed.error.code);
      expect(typeof parsed.error.message, what).toBe('string');
    }
  }

  const paths = [...new Set(ROUTES.map((r) => r.path))];

  it('the route table lists the API the server serves', () => {
    expect(paths).toEqual(
      expect.arrayContaining(['/api/health', '/api/commands/{name}', '/api/devices/{id}']),
    );
    expect(ROUTES.length).toBeGreaterThanOrEqual(19);
  });

  for (const path of paths) {
    it(`${path}: malformed, mistyped and oversized bodies, wrong methods and random params get 4xx JSON errors, never 5xx`, async () => {
      const before = seq();
      const own = methodsOf(path);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...METHODS),
          fc.array(segment, { minLength: 4, maxLength: 4 }),
          // Logout would end the token the other runs use: it is fuzzed without one.
          fc.constantFrom(undefined, 'admin', 'guide', 'manager'),
          fc.option(body, { nil: undefined }),
          fc.oneof(
            fc.constant(''),
            fc.string({ maxLength: 20 }).map((q) => `?${encodeURIComponent(q)}=1&after=${q.length}`),
          ),
          async (method, params, who, b, query) => {
            let i = 0;
            const concrete = path.replace(/\{\w+\}/g, () => params[i++]!) + query;
            const token =
              who === undefined || path === '/api/auth/logout' ? undefined : tokens[who as 'admin'];
            const what = `${method} ${concrete.slice(0, 120)} as ${who ?? 'nobody'} body ${b?.type} ${b?.text.slice(0, 80)}`;
            const r = await request(method, concrete, token, b);
            expectClientError(r, what);
            if (!own.has(method)) expect(r.status, `wrong method ${what}`).toBeGreaterThanOrEqual(400);
          },
        ),
        { seed: SEED, numRuns: 40 },
      );
      expect(seq(), 'no fuzzed request wrote to the hall').toBe(before);
      expect((await server.rest('GET', '/api/health')).status).toBe(200);
    });
  }

  it('every command name over REST: malformed and mistyped bodies from an allowed sender are 400 and write nothing', async () => {
    const before = seq();
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...COMMAND_NAMES)
          .chain((name) => fc.tuple(fc.constant(name), fc.oneof(payloads(name), fc.constant(undefined)))),
        async ([name, payload]) => {
          const valid = isValid(name, payload);
          const sender = SENDER[name];
          const token = tokens[sender];
          const r = await request(
            'POST',
            `/api/commands/${name}`,
            DEVICES.has(sender) ? undefined : token,
            payload === undefined
              ? undefined
              : { type: 'application/json', text: JSON.stringify(payload) ?? 'null' },
            DEVICES.has(sender) ? token : undefined,
          );
          const what = `${name} ${JSON.stringify(payload)?.slice(0, 120)}`;
          expectClientError(r, ` /api/ ${what}`);
          expect(valid, `generated a valid payload: ${what}`).toBe(false);
          expect(r.status, what).toBe(400);
          expect(seq(), what).toBe(before);
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('oversized and malformed bodies get the envelope: 400 "body too large", 400 malformed JSON', async () => {
    const big = await request('POST', '/api/commands/ticket:issue', tokens.guide, {
      type: 'application/json',
      text: JSON.stringify({ categoryId: 'A', reason: 'x'.repeat(300 * 1024) }),
    });
    expect(big.status).toBe(400);
    expect(JSON.parse(big.text)).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'body too large' },
    });
    const bad = await request('POST', '/api/auth/login', undefined, {
      type: 'application/json',
      text: '{"username":',
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.code).toBe('BAD_REQUEST');
  });

  it('an unsupported charset or Content-Encoding is a 4xx, not 500 INTERNAL', async () => {
    for (const headers of <Record<string, string>[]>[
      { 'content-type': 'application/json; charset=latin1' },
      { 'content-type': 'application/json', 'content-encoding': 'compress' },
    ]) {
      const res = await fetch(`${server.url}/api/commands/ticket:issue`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.guide}`, ...headers },
        body: '{"categoryId":"A"}',
      });
      expect(res.status, JSON.stringify(headers)).toBeLessThan(500);
    }
  });

  it('after all of it the server is healthy and REST still works', async () => {
    expect((await server.rest('GET', '/api/health')).status).toBe(200);
    const me = await server.rest('GET', '/api/auth/me', { token: tokens.admin });
    expect(me.status).toBe(200);
    const before = seq();
    const r = await server.rest('POST', '/api/commands/ticket:issue', {
      token: tokens.guide,
      body: { categoryId: 'C' },
    });
    expect(r.status).toBe(201);
    expect(seq()).toBe(before + 1);
  });
});
