import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HallEvent } from '../domain/types.ts';
import { HallStore } from '../store/hall.store.ts';
import { peekDb } from '../store/testing.ts';
import { generateKeys, readKeyFile, writeKeyFile } from './keys.ts';
import { rotateKeys } from './rotate.ts';

let dir: string;
let db: string;
let keyFile: string;

const FORM = { formTitle: '社会保障卡申领登记表', values: { name: '张三丰', phone: '13812345678' } };
const issued = {
  seq: 1,
  at: 1,
  type: 'ticket:issued',
  ticket: {
    id: '20261126-A001',
    holder: { masked: '340***********001X', senior: false, ref: 'ref-of-old-key' },
  },
} as unknown as HallEvent;
const cancelled = {
  seq: 2,
  at: 2,
  type: 'ticket:cancelled',
  ticketId: '20261126-A001',
  by: 's-1',
  reason: '张三丰本人要求',
} as HallEvent;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-rotate-'));
  db = join(dir, 'hall.db');
  keyFile = join(dir, 'hall.keys');
  writeKeyFile(keyFile, generateKeys(), { exclusive: true });
  const store = new HallStore(db, readKeyFile(keyFile));
  store.transaction(() => {
    store.appendEvents([issued, cancelled]);
    store.applications.insert({
      id: 'a-1',
      code: 'F261126-A001',
      ticketId: '20261126-A001',
      itemCode: 'X',
      deviceId: null,
      createdAt: 1,
      ...FORM,
    });
    // NOTE-OUT-2: a notice's phone is sealed like the rest.
    store.notices.insert({
      id: 'case-ready:SL1',
      templateId: 'case-ready',
      caseId: 'SL1',
      factSeq: 2,
      phone: '13812345678',
      phoneMasked: '138****5678',
      params: { receiptNo: 'SL1' },
      at: 2,
    });
    // MOB-AUTH-2, MOB-AUTH-5: a sign-in code's notice (the code sealed apart) and a citizen session.
    store.notices.insert({
      id: 'otp:1',
      templateId: 'otp',
      caseId: null,
      factSeq: 0,
      phone: '13912345678',
      phoneMasked: '139****5678',
      params: { minutes: '5' },
      secretParams: { code: '482913' },
      at: 2,
    });
    store.citizens.insertSession({
      id: 'cs-1',
      tokenHash: 'h1',
      phoneRef: 'pref-old',
      phone: '13912345678',
      phoneMasked: '139****5678',
      createdAt: 2,
      expiresAt: 9e12,
    });
    // A complaint: its notes sealed field by field, the complainant's contact sealed whole.
    const base = { seq: 3, at: 3, complaintId: 'C1', by: 's-1' };
    store.complaints.apply({
      ...base,
      type: 'complaint:registered',
      channel: 'phone',
      subject: { kind: 'window', id: 'w1' },
      workOrderNo: null,
      receivedAt: 3,
      contactMasked: '张* 138****5678',
      deadline: '2026-12-01',
      workingDays: 5,
      ticketId: null,
      caseId: null,
    } as never);
    store.complaints.apply({
      ...base,
      seq: 4,
      type: 'complaint:noted',
      note: '张三丰说窗口态度不好',
    } as never);
    store.complaints.putContact('C1', { name: '张三丰', phone: '13812345678', content: '窗口态度不好' });
  });
  store.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (keys = readKeyFile(keyFile)) => new HallStore(db, keys);

describe('key rotation (SPEC SEC-KEY-5)', () => {
  it('SEC-KEY-5 a new data key re-seals every value; the old key is retired and opens nothing', () => {
    const before = readKeyFile(keyFile);
    const report = rotateKeys({ keyFile, holder: false, open });
    expect(report).toMatchObject({ dataKeyVersion: 2, holderKeyReplaced: false });
    expect(report.resealed).toBeGreaterThanOrEqual(2);
    const after = readKeyFile(keyFile);
    expect([...after.data.keys()]).toEqual([2]);
    expect(after.holder.equals(before.holder)).toBe(true);
    // Every sealed value is now under v2, none under v1.
    const raw = peekDb(db, (d) => [
      ...(d.prepare('SELECT body AS v FROM applications').all() as { v: string }[]),
      ...(d.prepare('SELECT body AS v FROM events').all() as { v: string }[]),
      ...(d.prepare('SELECT phone AS v FROM notices').all() as { v: string }[]),
      ...(d.prepare('SELECT sealed_params AS v FROM notices WHERE sealed_params IS NOT NULL').all() as {
        v: string;
      }[]),
      ...(d.prepare('SELECT phone AS v FROM citizen_sessions').all() as { v: string }[]),
      ...(d.prepare('SELECT body AS v FROM complaints').all() as { v: string }[]),
      ...(d.prepare('SELECT body AS v FROM complaint_contacts').all() as { v: string }[]),
    ])
      .map((r) => r.v)
      .join('\n');
    expect(raw).toContain('sm4:v2:');
    expect(raw).not.toContain('sm4:v1:');
    // The old key file no longer opens the database; the new one reads the same data.
    expect(() => open(before)).toThrow(/缺少数据密钥|lacks data key/);
    const store = open();
    expect(store.applications.byId('a-1')?.values).toEqual(FORM.values);
    expect(store.notices.byId('case-ready:SL1')?.phone).toBe('13812345678');
    expect(store.notices.byId('otp:1')?.params).toEqual({ minutes: '5', code: '482913' });
    expect(store.citizens.session('h1')?.phone).toBe('13912345678');
    expect(store.complaints.contact('C1')).toEqual({
      name: '张三丰',
      phone: '13812345678',
      content: '窗口态度不好',
    });
    expect(store.complaints.byId('C1')?.history.at(-1)).toMatchObject({ note: '张三丰说窗口态度不好' });
    expect(store.events().find((e) => e.type === 'ticket:cancelled')).toMatchObject({
      reason: '张三丰本人要求',
    });
    store.close();
  });

  it('SEC-KEY-5 --holder replaces the holder key and drops the references made with the old one', () => {
    const before = readKeyFile(keyFile);
    const report = rotateKeys({ keyFile, holder: true, open });
    expect(report).toMatchObject({ holderKeyReplaced: true });
    expect(report.holderRefsDropped).toBeGreaterThanOrEqual(1);
    expect(readFileSync(db).includes(Buffer.from('ref-of-old-key'))).toBe(false);
    expect(readKeyFile(keyFile).holder.equals(before.holder)).toBe(false);
    expect(() => open(before)).toThrow(/密钥与数据库不匹配/);
    const store = open();
    const ev = store.events()[0] as { ticket: { holder: { ref: unknown; masked: string } } };
    expect(ev.ticket.holder).toMatchObject({ ref: null, masked: '340***********001X' });
    expect(store.applications.byId('a-1')?.values).toEqual(FORM.values);
    // Citizen sign-ins keyed by the old holder key end (MOB-AUTH-*).
    expect(store.citizens.session('h1')).toBeUndefined();
    store.close();
  });
});
