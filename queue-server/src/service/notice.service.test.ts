/**
 * SMS notices end to end on real components (SPEC NOTE-*): a real SQLite hall, real cases, the
 * real SMPP adapter against an operator played by the `smpp` package's own server, and the HTTP
 * adapter against a local HTTP server that checks the signature.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseFact, StaffRole } from '@onewindow/shared';
import pino from 'pino';
import smpp from 'smpp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeHall, type Hall } from '../compose.ts';
import { hallConfig, T0 } from '../domain/test-factory.ts';
import { demoCatalog } from '../seed/demo-hall.ts';
import { HallStore } from '../store/hall.store.ts';
import { TEST_KEYS } from '../store/testing.ts';
import type { SmsGateway } from './sms/gateway.ts';
import { HttpSmsGateway, smsSignature } from './sms/http.gateway.ts';
import { ucs2, ucs2Parts } from './sms/segments.ts';
import { SmppGateway } from './sms/smpp.gateway.ts';
import { SmppOperator as Operator } from './sms/testing.ts';

const ITEM = '512B0070200003';
const PHONE = '13812345678';
const MASKED = '138****5678';
const PEOPLE: Record<string, StaffRole[]> = {
  'clerk-a': ['clerk'],
  'rev-1': ['reviewer'],
  'rights-1': ['rights-clerk'],
};
const staff = (id: string) => ({ kind: 'staff' as const, id, name: id, staffNumber: id, roles: PEOPLE[id]! });

let dir: string;
let store: HallStore;
let h: Hall;
let op: Operator;
let gateway: SmsGateway;
let logLines: string[];
const start = Date.now();
/** The hall's day runs from T0 at real speed: the worker's back-off waits real milliseconds. */
const clock = { now: () => T0 + (Date.now() - start) };

function openHall(gw: SmsGateway | undefined): void {
  store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
  logLines = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => logLines.push(s) });
  h = composeHall({
    store,
    logger: log,
    clock,
    ...(gw !== undefined
      ? { sms: { gateway: gw, retry: { baseMs: 40, capMs: 200, maxAttempts: 4 }, pollMs: 100 } }
      : {}),
  });
}

function smppGateway(port: number): SmppGateway {
  return new SmppGateway({
    host: '127.0.0.1',
    port,
    systemId: 'hall',
    password: 'secret',
    sourceAddr: '10690000',
    enquireLinkMs: 200,
    responseTimeoutMs: 2000,
    log: pino({ level: 'silent' }),
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-notices-'));
  op = new Operator();
  await op.start();
  gateway = smppGateway(op.port);
  openHall(gateway);
  expect(
    h.hall.execute({ type: 'hall:configure', config: hallConfig({ hallName: '示范社保大厅' }), by: 'admin' })
      .ok,
  ).toBe(true);
  store.auth.replaceCatalog(demoCatalog());
  expect(h.hall.execute({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-a' }).ok).toBe(true);
});

afterEach(async () => {
  await h.noticeWorker?.stop();
  await op.stop().catch(() => undefined);
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A ticket served and accepted at w1: a case with the citizen's phone on its receipt. */
function accept(phone = PHONE): string {
  expect(h.hall.execute({ type: 'ticket:issue', categoryId: 'A', itemCode: ITEM, source: 'kiosk' }).ok).toBe(
    true,
  );
  expect(h.hall.execute({ type: 'ticket:call-next', windowId: 'w1' }).ok).toBe(true);
  expect(h.hall.execute({ type: 'ticket:start', windowId: 'w1' }).ok).toBe(true);
  const ticketId = h.hall.queue.window('w1')!.ticketId!;
  const r = h.slips.issue(staff('clerk-a'), {
    ticketId,
    kind: 'acceptance',
    applicantName: '张三',
    contactPhone: phone,
    print: false,
  });
  if (!r.ok) throw new Error(r.error.message);
  const c = r.data.case!;
  for (const m of c.materials.filter((x) => x.required && x.status === 'missing'))
    expect(
      h.materials.change(staff('clerk-a'), {
        type: 'waive',
        caseId: c.id,
        material: m.name,
        reason: '原件已核验',
      }).ok,
    ).toBe(true);
  return c.id;
}

function step(who: string, type: string, caseId: string, missingMaterials: string[] = []) {
  return h.cases.step({ id: who, roles: PEOPLE[who]! }, {
    type,
    caseId,
    note: null,
    missingMaterials,
  } as Parameters<Hall['cases']['step']>[1]);
}

/** Waits until `cond` holds (the worker runs on its own after each commit). */
async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SMS notices through the outbox (SPEC NOTE-*)', () => {
  it('NOTE-TRG-1 NOTE-TRG-2 NOTE-DLV-1 NOTE-DLV-2 NOTE-GW-2 NOTE-OUT-2: a 补正 request on a real case sends exactly one SMS in UCS2 with the material list; the phone is never in a log unmasked', async () => {
    h.noticeWorker!.start();
    const caseId = accept();
    await until(() => op.received.length === 1);
    expect(op.received[0]!.text).toContain(`受理编号${caseId}`);
    const item = store.cases.byId(caseId)!;
    const materials = (demoCatalog().find((i) => i.code === ITEM)!.guide?.materials ?? [])
      .map((m) => m.name)
      .slice(0, 2);
    expect(step('rev-1', 'case:start-review', caseId).ok).toBe(true);
    expect(step('rev-1', 'case:request-supplement', caseId, materials).ok).toBe(true);
    await until(() => op.received.length === 2);
    await h.noticeWorker!.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect(op.received).toHaveLength(2);
    const sms = op.received[1]!;
    expect(sms.to).toBe(PHONE);
    expect(sms.dataCoding).toBe(8);
    expect(sms.text).toBe(
      `您申请的${item.itemName}（受理编号${caseId}）需一次性补正以下材料：${materials.join('、')}。请携带材料到示范社保大厅办理。`,
    );
    const rows = h.notices.list(undefined, 10);
    expect(rows.map((r) => [r.templateId, r.status]).sort()).toEqual([
      ['case-accepted', 'sent'],
      ['case-supplement', 'sent'],
    ]);
    expect(rows.every((r) => r.phoneMasked === MASKED && r.messageId?.startsWith('op-'))).toBe(true);
    const logs = logLines.join('\n');
    expect(logs).toContain(MASKED);
    expect(logs).not.toContain(PHONE);
    // NOTE-OUT-2: at rest the phone is sealed; only the mask is readable.
    const raw = store.notices
      .list(undefined, 10)
      .map((r) => JSON.stringify(r))
      .join();
    expect(raw).not.toContain(PHONE);
  });

  it('NOTE-TRG-3 NOTE-GW-2: the result ready for pickup is one SMS; a long text arrives in UDH parts the phone joins', async () => {
    h.noticeWorker!.start();
    const long = `${'您申请的{itemName}（受理编号{receiptNo}）已办结，请携带本人身份证件到{hallName}领取。'.repeat(2)}`;
    expect(h.notices.replaceTemplate('admin', 'case-ready', { text: long, operatorCode: 'SMS_9' }).ok).toBe(
      true,
    );
    const caseId = accept();
    expect(step('rev-1', 'case:start-review', caseId).ok).toBe(true);
    expect(step('rev-1', 'case:approve', caseId).ok).toBe(true);
    expect(step('rights-1', 'case:ready', caseId).ok).toBe(true);
    await until(() => op.received.length === 2);
    await h.noticeWorker!.idle();
    const ready = op.received[1]!;
    expect(ready.parts).toBeGreaterThan(1);
    expect(ready.text).toContain(`受理编号${caseId}）已办结`);
    expect(ready.text.length).toBeGreaterThan(70);
  });

  it('NOTE-OUT-1: a unit that rolls back leaves no notice; a committed one leaves exactly one per trigger', () => {
    const caseId = accept();
    expect(step('rev-1', 'case:start-review', caseId).ok).toBe(true);
    const before = h.notices.list(undefined, 50).length;
    const r = h.hall.run({ type: 'test:rolled-back' }, (uow) => {
      const fact: CaseFact = {
        type: 'case:supplement-requested',
        caseId,
        by: 'rev-1',
        note: null,
        to: 'supplementing',
        missing: ['居民身份证'],
      };
      uow.append([fact]);
      expect(h.notices.list(undefined, 50).length).toBe(before + 1);
      uow.refuse({ code: 'CONFLICT', message: 'refused on purpose' });
    });
    expect(r.ok).toBe(false);
    expect(h.notices.list(undefined, 50).length).toBe(before);
    expect(step('rev-1', 'case:request-supplement', caseId, ['居民身份证']).ok).toBe(true);
    expect(h.notices.list(undefined, 50).filter((n) => n.templateId === 'case-supplement')).toHaveLength(1);
  });

  it('NOTE-TRG-4: a case without a mobile number gets no notice', () => {
    accept('010-6512 3456');
    expect(h.notices.list(undefined, 50)).toEqual([]);
  });

  it('NOTE-DLV-4 NOTE-GW-2: the SMSC restarting mid-run: the worker binds again and delivers every remaining notice once', async () => {
    h.noticeWorker!.start();
    const cases: string[] = [];
    for (let i = 0; i < 3; i += 1) cases.push(accept(`1390000000${i}`));
    await until(() => op.received.length === 3);
    await h.noticeWorker!.idle();
    const port = op.port;
    await op.stop();
    for (let i = 3; i < 6; i += 1) cases.push(accept(`1390000000${i}`));
    // The gateway is down: attempts fail and back off (the notices stay pending, none lost).
    await until(() => h.notices.list(undefined, 50).some((n) => n.attempts > 0 && n.status === 'pending'));
    const restarted = new Operator();
    await restarted.start(port);
    const prior = op;
    op = restarted;
    await until(() => restarted.received.length === 3);
    await new Promise((r) => setTimeout(r, 300));
    const all = [...prior.received, ...restarted.received];
    expect(all).toHaveLength(6);
    expect(new Set(all.map((m) => m.to)).size).toBe(6);
    for (const c of cases) expect(all.filter((m) => m.text.includes(`受理编号${c}，`))).toHaveLength(1);
    expect(h.notices.list('sent', 50)).toHaveLength(6);
  });

  it('NOTE-DLV-4 NOTE-OUT-3: a notice the operator keeps refusing is retried with back-off and ends failed, listed with a masked phone', async () => {
    op.status = smpp.ESME_RSYSERR;
    h.noticeWorker!.start();
    accept();
    await until(() => h.notices.list('failed', 10).length === 1);
    const [f] = h.notices.list('failed', 10);
    expect(f!.attempts).toBe(4);
    expect(op.submits).toBe(4);
    expect(f!.phoneMasked).toBe(MASKED);
    expect(f!.lastError).toContain('command_status');
  });

  it('NOTE-DLV-3: a notice left `sending` by a killed process is sent again at start (at-least-once), a `sent` one never', async () => {
    const a = accept('13900000001');
    const b = accept('13900000002');
    // As a kill -9 between the submit and its recorded answer leaves them: one in flight, one sent.
    store.transaction(() => {
      store.notices.markSending(`case-accepted:${a}`, clock.now());
      store.notices.markSending(`case-accepted:${b}`, clock.now());
      store.notices.markSent(`case-accepted:${b}`, 'op-earlier', clock.now());
    });
    store.close();
    openHall(smppGateway(op.port));
    h.noticeWorker!.start();
    await until(() => op.received.length === 1);
    await h.noticeWorker!.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect(op.received.map((m) => m.to)).toEqual(['13900000001']);
    expect(store.notices.byId(`case-accepted:${a}`)!.attempts).toBe(2);
  });
});

describe('the SMS gateways (SPEC NOTE-GW-*)', () => {
  it('NOTE-GW-2: UCS2 bodies: 70 units fit one message, longer ones split into 67-unit parts behind a concatenation UDH', () => {
    expect(ucs2('社保').toString('hex')).toBe('793e4fdd');
    expect(ucs2Parts('办'.repeat(70), 7)).toHaveLength(1);
    const parts = ucs2Parts('办'.repeat(140), 7);
    expect(parts).toHaveLength(3);
    expect(parts.map((p) => p.bytes.subarray(0, 6).toString('hex'))).toEqual([
      '050003070301',
      '050003070302',
      '050003070303',
    ]);
    expect(parts[0]!.bytes.length).toBe(6 + 67 * 2);
    // A surrogate pair is never cut in two.
    const emoji = `${'办'.repeat(66)}😀`;
    expect(ucs2Parts(`${emoji}${'办'.repeat(10)}`, 1)[0]!.bytes.length).toBe(6 + 66 * 2);
  });

  it('NOTE-GW-2: a wrong password is refused at bind and the send fails with the status', async () => {
    const g = new SmppGateway({
      host: '127.0.0.1',
      port: op.port,
      systemId: 'hall',
      password: 'wrong',
      sourceAddr: '',
      log: pino({ level: 'silent' }),
    });
    await expect(
      g.send({ noticeId: 'n1', phone: PHONE, templateCode: 'X', params: {}, text: '测试' }),
    ).rejects.toThrow(/bind_transceiver refused/);
    await g.close();
  });

  describe('NOTE-GW-3: the HTTP adapter', () => {
    let server: HttpServer;
    let url: string;
    const seen: { body: unknown; key: string | undefined }[] = [];
    beforeEach(async () => {
      seen.length = 0;
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const ts = String(req.headers['x-sms-timestamp']);
          const good =
            req.headers['x-sms-signature'] === smsSignature('s3cret', ts, body) &&
            req.headers['x-sms-app-key'] === 'k1';
          if (!good) {
            res.writeHead(401, { 'content-type': 'application/json' }).end('{"code":"BAD_SIGNATURE"}');
            return;
          }
          seen.push({ body: JSON.parse(body), key: req.headers['idempotency-key'] as string | undefined });
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ messageId: `cloud-${seen.length}` }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms/send`;
    });
    afterEach(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('signs the body: the right secret is accepted with template code and parameters, a wrong one refused', async () => {
      const msg = {
        noticeId: 'case-ready:SL1',
        phone: PHONE,
        templateCode: 'SMS_3',
        params: { receiptNo: 'SL1' },
        text: 'x',
      };
      const good = new HttpSmsGateway({ url, appKey: 'k1', secret: 's3cret', now: clock.now });
      expect(await good.send(msg)).toEqual({ messageId: 'cloud-1' });
      expect(seen).toEqual([
        {
          body: { phone: PHONE, templateCode: 'SMS_3', params: { receiptNo: 'SL1' } },
          key: 'case-ready:SL1',
        },
      ]);
      const bad = new HttpSmsGateway({ url, appKey: 'k1', secret: 'guess', now: clock.now });
      await expect(bad.send(msg)).rejects.toThrow(/401/);
      expect(seen).toHaveLength(1);
    });
  });
});
