/**
 * A copy of the hall's database, taken off a hall PC, tried as an attacker would (SPEC SEC-KEY-*,
 * SEC-MIN-1, SEC-ENC-*): it must yield no full ID number, no name and no form without the key.
 */
import { createHmac } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ageOn, type KioskIssueResult, maskIdNumber, parseIdNumber } from '@onewindow/shared';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idBornOn } from '../../queue-server/src/domain/test-factory.ts';
import { DataCipher } from '../../queue-server/src/security/crypto.ts';
import { generateKeys } from '../../queue-server/src/security/keys.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import { startTestServer, T0 } from '../support/server.ts';

const CARD_ITEM = '512B0070200003'; // 社会保障卡申领: a form with name, ID, phone and bank
const PEOPLE = [
  { name: '张三丰', born: '19800101' },
  { name: '李四光', born: '19491231' },
  { name: '王小五', born: '19620315' },
  { name: '赵六六', born: '19991110' },
  { name: '钱七七', born: '19580704' },
  { name: '孙八八', born: '19730228' },
  { name: '欧阳娜娜', born: '20010909' },
].map((p, i) => ({ ...p, id: idBornOn(p.born, String(100 + i * 7)), phone: `1391234${String(5670 + i)}` }));

let dir: string;
let copy: string;
let bytes: Buffer;

beforeAll(async () => {
  const server = await startTestServer();
  const kiosk = await server.pairDevice('kiosk');
  await server.client({ deviceToken: kiosk });
  for (const [i, p] of PEOPLE.entries()) {
    const r = await server.rest<KioskIssueResult>('POST', '/api/kiosk/tickets', {
      deviceToken: kiosk,
      headers: { 'idempotency-key': `at-rest-${i}` },
      body: {
        itemCode: CARD_ITEM,
        idNumber: p.id,
        form: { name: p.name, idNumber: p.id, sex: '男', phone: p.phone, bank: 'ICBC', delivery: 'window' },
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  // A guide's cancel reason naming the citizen: staff free text, kept, but sealed.
  const guide = await server.login('guide1');
  const first = server.app.service.queue.waitingInOrder()[0]!;
  await server.rest('POST', '/api/commands/ticket:cancel', {
    token: guide,
    body: { ticketId: first.id, reason: `${PEOPLE[0]!.name}本人要求取消` },
  });
  dir = mkdtempSync(join(tmpdir(), 'onewindow-at-rest-'));
  copy = join(dir, 'copy.db');
  // The attacker copies the file and its WAL as they are, while the server runs.
  copyFileSync(server.dbPath, copy);
  if (existsSync(`${server.dbPath}-wal`)) copyFileSync(`${server.dbPath}-wal`, `${copy}-wal`);
  bytes = Buffer.concat([
    readFileSync(copy),
    existsSync(`${copy}-wal`) ? readFileSync(`${copy}-wal`) : Buffer.alloc(0),
  ]);
  await server.close();
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every text value of every table of the copy (the WAL folded in by SQLite). */
function allText(): string[] {
  const db = new Database(copy, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    const out: string[] = [];
    for (const { name } of tables)
      for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[])
        for (const v of Object.values(row)) if (typeof v === 'string') out.push(v);
    return out;
  } finally {
    db.close();
  }
}

describe('a database copied off a hall PC (SPEC SEC-KEY-1, SEC-MIN-1, SEC-ENC-1)', () => {
  it('holds no full ID number, name, phone or birth date, in the file or the WAL', () => {
    expect(bytes.length).toBeGreaterThan(10_000);
    const text = allText().join('\n');
    for (const p of PEOPLE) {
      for (const secret of [p.id, p.id.slice(0, 17), p.name, p.phone]) {
        expect(bytes.includes(Buffer.from(secret, 'utf8')), `bytes hold ${secret.slice(0, 3)}…`).toBe(false);
        expect(text.includes(secret)).toBe(false);
      }
      const birth = `${p.born.slice(0, 4)}-${p.born.slice(4, 6)}-${p.born.slice(6)}`;
      expect(text.includes(birth), `birth date of ${p.name[0]}*`).toBe(false);
    }
    // What staff need is there: the masked number, and whether the holder is a senior.
    expect(text).toContain(maskIdNumber(PEOPLE[1]!.id));
    expect(text).toMatch(/"senior":true/);
  });

  it('SEC-MIN-1 a masked number cannot be completed from what the copy holds', () => {
    // Every stored holder: the masked number and the reference. The attacker enumerates the
    // hidden digits; without the birth date that is ~1000 areas × ~36 500 dates per person,
    // and no candidate can be confirmed, because the reference needs the key the copy lacks.
    const db = new Database(copy, { readonly: true });
    const holders = (
      db
        .prepare(
          "SELECT json_extract(body, '$.holder') AS h FROM tickets WHERE json_extract(body, '$.holder') IS NOT NULL",
        )
        .all() as {
        h: string;
      }[]
    ).map((r) => JSON.parse(r.h) as Record<string, unknown>);
    const state = db.prepare('SELECT key, value FROM hall_state').all() as { key: string; value: string }[];
    db.close();
    expect(holders.length).toBe(PEOPLE.length);
    for (const h of holders) expect(Object.keys(h).sort()).toEqual(['masked', 'ref', 'senior']);
    // No key in the database: no stored value, used as an HMAC key, reproduces a reference.
    const p = PEOPLE[3]!;
    const ref = holders.find((h) => h.masked === maskIdNumber(p.id))!.ref;
    for (const { value } of state)
      for (const alg of ['sha256', 'sm3'])
        expect(createHmac(alg, value).update(p.id).digest('base64url').slice(0, 22)).not.toBe(ref);
    expect(state.map((s) => s.key)).not.toContain('meta:holderSecret');
    // The senior flag is all the priority rule needed: the person born 1949 is one on T0's day.
    const day = new Date(T0 + 8 * 3600_000).toISOString().slice(0, 10);
    const parsed = parseIdNumber(PEOPLE[1]!.id);
    expect(parsed.ok && ageOn(parsed.value.birthDate, day) >= 60).toBe(true);
    expect(holders.find((h) => h.masked === maskIdNumber(PEOPLE[1]!.id))?.senior).toBe(true);
  });

  it('SEC-ENC-1 the forms are sealed: other keys cannot open them; the hall’s key can', () => {
    const db = new Database(copy, { readonly: true });
    const forms = db.prepare('SELECT id, body FROM applications').all() as { id: string; body: string }[];
    db.close();
    expect(forms.length).toBe(PEOPLE.length);
    const stranger = new DataCipher(generateKeys());
    const hall = new DataCipher(TEST_KEYS);
    for (const f of forms) {
      expect(f.body).toMatch(/^sm4:v1:/);
      expect(() => stranger.open(f.body, `applications:${f.id}`)).toThrow(/integrity/);
      // Moved to another row, even the right key refuses it.
      expect(() => hall.open(f.body, 'applications:someone-else')).toThrow(/integrity/);
      const opened = JSON.parse(hall.open(f.body, `applications:${f.id}`)) as { values: { name: string } };
      expect(PEOPLE.map((p) => p.name)).toContain(opened.values.name);
    }
  });

  it('SEC-KEY-3 the copy does not open with other keys; with the hall’s keys it does, free text included', () => {
    expect(() => new HallStore(copy, generateKeys())).toThrow(/密钥与数据库不匹配/);
    const store = new HallStore(copy, TEST_KEYS);
    try {
      const cancelled = store.events().find((e) => e.type === 'ticket:cancelled');
      expect(cancelled?.type === 'ticket:cancelled' && cancelled.reason).toBe(
        `${PEOPLE[0]!.name}本人要求取消`,
      );
    } finally {
      store.close();
    }
  });
});
