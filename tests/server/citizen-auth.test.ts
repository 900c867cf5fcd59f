/**
 * The citizen's phone sign-in over REST (SPEC MOB-AUTH-*): a real server on port 0 whose notice
 * worker sends through the real SMPP gateway to a test SMSC (the `smpp` package's server), so
 * every code a test types is the one a phone would have received.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import type { Ack, CitizenMe, CitizenOtpSent, CitizenSession, NoticeView } from '@onewindow/shared';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogOnlyDevSmsGateway } from '../../queue-server/src/service/sms/gateway.ts';
import { signIn, startSmsc, type TestSmsc } from '../support/phone.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const PHONE = '13912345678';
const OTHER = '13700001111';
const MIN = 60_000;

let smsc: TestSmsc;
let server: TestServer;
beforeEach(async () => {
  smsc = await startSmsc();
  server = await startTestServer({ sms: smsc.sms });
});
afterEach(async () => {
  await server.close();
  await smsc.close();
});

const requestCode = (phone: string) =>
  server.rest<CitizenOtpSent>('POST', '/api/citizen/otp', { body: { phone } });
const session = (phone: string, code: string) =>
  server.rest<CitizenSession>('POST', '/api/citizen/session', { body: { phone, code } });
const asCitizen = (token: string) => ({ headers: { 'x-citizen-token': token } });
const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const errorOf = (r: { body: Ack<unknown> }) => (r.body.ok ? null : r.body.error);

describe('sign-in with an SMS code (SPEC MOB-AUTH-*)', () => {
  it('MOB-AUTH-1, MOB-AUTH-2: the code arrives at the SMSC in the registered template; the answer names no account', async () => {
    const first = await requestCode(PHONE);
    expect(first.status).toBe(200);
    const code = await smsc.codeFor(PHONE);
    expect(code).toMatch(/^\d{6}$/);
    const sms = smsc.operator.received.find((m) => m.to === PHONE)!;
    expect(sms.text).toMatch(new RegExp(`^您的验证码是${code}，5分钟内有效。请勿告诉他人。【.+】$`));
    // Signed in once, then a number never seen: the two answers are alike but for the mask.
    expect((await session(PHONE, code)).body.ok).toBe(true);
    server.clock.advance(2 * MIN);
    const again = await requestCode(PHONE);
    const never = await requestCode(OTHER);
    expect(again.status).toBe(never.status);
    const shape = (r: { body: Ack<CitizenOtpSent> }) =>
      r.body.ok ? { ...r.body.data, phoneMasked: r.body.data.phoneMasked.length } : r.body;
    expect(shape(again)).toEqual(shape(never));
    expect(again.body).toEqual({
      ok: true,
      data: { phoneMasked: '139****5678', expiresInSeconds: 300, resendAfterSeconds: 60 },
    });
  });

  it('MOB-AUTH-2: only a keyed hash of the code is stored; the notice list and the database hold neither code nor phone', async () => {
    await requestCode(PHONE);
    const code = await smsc.codeFor(PHONE);
    const manager = await server.login('manager1');
    const list = await server.rest<NoticeView[]>('GET', '/api/notices', { token: manager });
    const otp = (list.body.ok ? list.body.data : []).find((n) => n.templateId === 'otp')!;
    expect(otp).toMatchObject({ status: 'sent', phoneMasked: '139****5678' });
    expect(otp.params).toEqual({ hallName: expect.any(String), minutes: '5' });
    expect(JSON.stringify(list.body)).not.toContain(code);
    expect((await session(PHONE, code)).status).toBe(200);
    const files = [server.dbPath, `${server.dbPath}-wal`].filter((f) => existsSync(f));
    const bytes = files.map((f) => readFileSync(f).toString('latin1')).join('');
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes).not.toContain(PHONE);
    expect(bytes).not.toContain(code);
  });

  it('MOB-AUTH-4, MOB-AUTH-5: the right code signs in once; the token shows the masked phone and ends on sign-out', async () => {
    await requestCode(PHONE);
    const code = await smsc.codeFor(PHONE);
    const wrong = await session(PHONE, wrongOf(code));
    expect(wrong.status).toBe(401);
    expect(errorOf(wrong)?.messageZh).toBe('验证码错误或已失效，请重新输入或重新获取');
    const r = await session(PHONE, code);
    expect(r.status).toBe(200);
    const token = r.body.ok ? r.body.data.token : '';
    expect(r.body.ok && r.body.data.phoneMasked).toBe('139****5678');
    // The code is used up.
    expect((await session(PHONE, code)).status).toBe(401);
    const me = await server.rest<CitizenMe>('GET', '/api/citizen/me', asCitizen(token));
    expect(me.body).toEqual({
      ok: true,
      data: { phoneMasked: '139****5678', idMasked: null, expiresAt: server.clock.now() + 12 * 60 * MIN },
    });
    expect((await server.rest('DELETE', '/api/citizen/session', asCitizen(token))).status).toBe(200);
    expect((await server.rest('GET', '/api/citizen/me', asCitizen(token))).status).toBe(401);
  });

  it('MOB-AUTH-3: a code expires after 5 minutes, and a new code ends the one before', async () => {
    await requestCode(PHONE);
    const first = await smsc.codeFor(PHONE);
    server.clock.advance(5 * MIN);
    expect((await session(PHONE, first)).status).toBe(401);
    const before = smsc.count();
    await requestCode(PHONE);
    const second = await smsc.codeFor(PHONE, { after: before });
    server.clock.advance(MIN);
    const n = smsc.count();
    await requestCode(PHONE);
    const third = await smsc.codeFor(PHONE, { after: n });
    if (second !== third) expect((await session(PHONE, second)).status).toBe(401);
    expect((await session(PHONE, third)).status).toBe(200);
  });

  it('MOB-AUTH-3: one code a minute and five an hour per phone, refused in Chinese', async () => {
    expect((await requestCode(PHONE)).status).toBe(200);
    const soon = await requestCode(PHONE);
    expect(soon.status).toBe(429);
    expect(errorOf(soon)?.messageZh).toMatch(/^验证码已发送，请 \d+ 秒后再重新获取$/);
    for (let i = 0; i < 4; i++) {
      server.clock.advance(MIN);
      expect((await requestCode(PHONE)).status).toBe(200);
    }
    server.clock.advance(MIN);
    const sixth = await requestCode(PHONE);
    expect(sixth.status).toBe(429);
    expect(errorOf(sixth)?.messageZh).toBe('每个手机号每小时最多获取 5 次验证码，请稍后再试');
    // Another phone is not held back by this one.
    expect((await requestCode(OTHER)).status).toBe(200);
    server.clock.advance(60 * MIN);
    expect((await requestCode(PHONE)).status).toBe(200);
  });

  it('MOB-AUTH-4: brute force is refused: 5 wrong tries end a code, 10 in an hour lock the phone for 30 minutes', async () => {
    await requestCode(PHONE);
    const code = await smsc.codeFor(PHONE);
    for (let i = 0; i < 5; i++) expect((await session(PHONE, wrongOf(code))).status).toBe(401);
    // The sixth try is the right code: too late, the code is gone.
    expect((await session(PHONE, code)).status).toBe(401);
    server.clock.advance(MIN);
    const n = smsc.count();
    await requestCode(PHONE);
    const next = await smsc.codeFor(PHONE, { after: n });
    for (let i = 0; i < 3; i++) expect((await session(PHONE, wrongOf(next))).status).toBe(401);
    // The tenth wrong try of the hour locks the phone (the code's own count is at 4 of 5).
    const locking = await session(PHONE, wrongOf(next));
    expect(locking.status).toBe(429);
    expect(errorOf(locking)?.messageZh).toBe('验证码错误次数过多，请 30 分钟后再试');
    expect((await session(PHONE, next)).status).toBe(429);
    expect((await requestCode(PHONE)).status).toBe(429);
    server.clock.advance(30 * MIN);
    const m = smsc.count();
    expect((await requestCode(PHONE)).status).toBe(200);
    expect((await session(PHONE, await smsc.codeFor(PHONE, { after: m }))).status).toBe(200);
  });

  it('MOB-AUTH-3: one client address gets at most 20 codes an hour, whatever the numbers', async () => {
    for (let i = 0; i < 20; i++)
      expect((await requestCode(`1380000${String(i).padStart(4, '0')}`)).status).toBe(200);
    const over = await requestCode('13900009999');
    expect(over.status).toBe(429);
    expect(errorOf(over)?.messageZh).toBe('获取验证码过于频繁，请 1 小时后再试');
  });

  it('MOB-AUTH-5: a session ends after 30 idle minutes; a bad phone or code is refused in Chinese', async () => {
    const token = await signIn(server, smsc, PHONE);
    server.clock.advance(29 * MIN);
    expect((await server.rest('GET', '/api/citizen/me', asCitizen(token))).status).toBe(200);
    server.clock.advance(30 * MIN);
    const idle = await server.rest('GET', '/api/citizen/me', asCitizen(token));
    expect(idle.status).toBe(401);
    expect(errorOf(idle)?.messageZh).toBe('请先用手机号和短信验证码登录');
    const bad = await requestCode('0281234567');
    expect(bad.status).toBe(400);
    expect(errorOf(bad)?.issues?.[0]?.message).toBe('请输入 11 位手机号码');
    expect(errorOf(await session(PHONE, '12ab'))?.issues?.[0]?.message).toBe('请输入短信中的 6 位验证码');
  });

  it('MOB-AUTH-6: a citizen token opens no staff route, a staff token no citizen route', async () => {
    const token = await signIn(server, smsc, PHONE);
    expect((await server.rest('GET', '/api/cases', asCitizen(token))).status).toBe(403);
    expect((await server.rest('GET', '/api/queue', asCitizen(token))).status).toBe(200);
    const cmd = await server.rest('POST', '/api/commands/ticket:issue', {
      ...asCitizen(token),
      body: { categoryId: 'A' },
    });
    expect(cmd.status).toBe(403);
    const manager = await server.login('manager1');
    expect((await server.rest('GET', '/api/citizen/me', { token: manager })).status).toBe(401);
  });

  it('MOB-AUTH-2: no log line carries the code, the phone or the ID number (trace level, every step)', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'trace' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    // A server of its own with this logger (closing a server closes its gateway: a new SMSC too).
    await server.close();
    await smsc.close();
    smsc = await startSmsc();
    server = await startTestServer({ sms: smsc.sms, logger });
    await requestCode(PHONE);
    const code = await smsc.codeFor(PHONE);
    await session(PHONE, wrongOf(code));
    const token = (await session(PHONE, code)).body;
    const t = token.ok ? token.data.token : '';
    await server.rest('POST', '/api/citizen/identity', {
      ...asCitizen(t),
      body: { idNumber: '34052419800101001X' },
    });
    await server.rest('GET', '/api/citizen/progress', asCitizen(t));
    const log = lines.join('');
    expect(log).toContain('notice sent');
    expect(log).not.toContain(code);
    expect(log).not.toContain(PHONE);
    expect(log).not.toContain('34052419800101001X');
    expect(log).not.toContain(t);
  });

  it('MOB-AUTH-2: the DEV ONLY log gateway writes a sign-in code as ****** unless it is the demo hall', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const msg = {
      noticeId: 'otp:1',
      phone: PHONE,
      templateCode: 'SMS_DEMO_0004',
      params: { code: '482913', minutes: '5', hallName: '大厅' },
      text: '您的验证码是482913，5分钟内有效。',
      secretParams: ['code'],
    };
    await new LogOnlyDevSmsGateway(logger).send(msg);
    expect(lines.join('')).toContain('您的验证码是******，5分钟内有效');
    expect(lines.join('')).not.toContain('482913');
    await new LogOnlyDevSmsGateway(logger, true).send(msg);
    expect(lines.at(-1)).toContain('482913');
    expect(lines.join('')).not.toContain(PHONE);
  });

  it('MOB-AUTH-2: a code the operator did not take within its 5 minutes is never sent late', async () => {
    smsc.operator.status = 0x08; // ESME_RSYSERR: every submit refused
    expect((await requestCode(PHONE)).status).toBe(200);
    const worker = server.app.hall.noticeWorker!;
    await expect.poll(() => smsc.operator.submits).toBeGreaterThan(0);
    await worker.idle();
    const refused = smsc.operator.submits;
    smsc.operator.status = 0;
    server.clock.advance(5 * MIN);
    worker.kick();
    await worker.idle();
    expect(smsc.operator.submits).toBe(refused);
    expect(smsc.operator.received).toEqual([]);
    const manager = await server.login('manager1');
    const list = await server.rest<NoticeView[]>('GET', '/api/notices?status=failed', { token: manager });
    expect(list.body.ok && list.body.data.map((n) => [n.templateId, n.lastError])).toEqual([
      ['otp', 'stale: not sent within 300 s of its writing'],
    ]);
  });
});
