import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueEngine } from '../domain/engine.ts';
import { hallConfig, idBornOn, MIN, T0, WINDOWS } from '../domain/test-factory.ts';
import type { Command } from '../domain/types.ts';
import { createKeysFor } from '../security/hall-keys.ts';
import { HallService } from '../service/hall.service.ts';
import { holderRefs } from '../service/holder.ts';
import { HallStore } from './hall.store.ts';
import { MIGRATIONS } from './migrations.ts';
import { peekDb, TEST_KEYS } from './testing.ts';

let dir: string;
let path: string;
const clock = {
  t: T0,
  now() {
    return this.t;
  },
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-store-'));
  path = join(dir, 'hall.db');
  clock.t = T0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function openHall(): { store: HallStore; service: HallService } {
  const store = new HallStore(path, TEST_KEYS);
  return { store, service: new HallService(store, clock) };
}

function must(service: HallService, cmd: Command, idempotencyKey?: string) {
  const r = service.execute(cmd, idempotencyKey === undefined ? {} : { idempotencyKey });
  if (!r.ok) throw new Error(`${cmd.type}: ${r.error.code} ${r.error.message}`);
  return r;
}

function configured(): { store: HallStore; service: HallService } {
  const hall = openHall();
  must(hall.service, { type: 'hall:configure', config: hallConfig(), by: 'admin' });
  for (const w of WINDOWS) must(hall.service, { type: 'window:open', windowId: w.id, clerkId: `c-${w.id}` });
  return hall;
}

/** A second connection to the same file: the store keeps its own handle to itself. */
const peek = <T>(fn: (db: Database.Database) => T): T => peekDb(path, fn);

const count = (_store: HallStore, table: string) =>
  peek((db) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n);

describe('HallStore', () => {
  it('migrates a new file to the latest schema with WAL and synchronous=FULL, and reopens without change', () => {
    const store = new HallStore(path, TEST_KEYS);
    peek((db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    });
    // synchronous is per connection: the store's own, as its statements see it.
    expect(store.pragmas()).toEqual({ synchronous: 2, foreignKeys: 1 });
    store.close();
    const again = new HallStore(path, TEST_KEYS);
    peek((db) => expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length));
    again.close();
  });

  it('refuses a database written by a newer server', () => {
    const store = new HallStore(path, TEST_KEYS);
    store.close();
    peek((db) => db.pragma(`user_version = ${MIGRATIONS.length + 1}`));
    expect(() => new HallStore(path, TEST_KEYS)).toThrow(/newer than this server/);
  });

  it('Q-LOG-2 recovery: projections and the event log both rebuild the live state after reopening', () => {
    const { store, service } = configured();
    const a = must(service, {
      type: 'ticket:issue',
      categoryId: 'A',
      source: 'kiosk',
      idNumber: idBornOn('19500101'),
    });
    must(service, { type: 'ticket:issue', categoryId: 'B', source: 'kiosk' });
    must(service, { type: 'ticket:call-next', windowId: 'w1' });
    must(service, { type: 'ticket:start', windowId: 'w1' });
    must(service, { type: 'ticket:park', windowId: 'w1', note: '取证件' });
    must(service, { type: 'window:pause', windowId: 'w2', reason: 'lunch' });
    const live = service.queue.snapshot();
    store.close();
    const reopened = openHall();
    expect(reopened.service.queue.snapshot()).toEqual(live);
    expect(QueueEngine.fromEvents(reopened.store.events()).snapshot()).toEqual(live);
    expect(a.events[0]?.type).toBe('ticket:issued');
    reopened.store.close();
  });

  it('Q-DUR-2 a retried command returns the first result and writes nothing new', () => {
    const { store, service } = configured();
    const first = must(service, { type: 'ticket:issue', categoryId: 'A', source: 'kiosk' }, 'kiosk1-0001');
    const events = count(store, 'events');
    const again = must(service, { type: 'ticket:issue', categoryId: 'A', source: 'kiosk' }, 'kiosk1-0001');
    expect(again.replayed).toBe(true);
    expect(again.events).toEqual(first.events);
    expect(count(store, 'events')).toBe(events);
    expect(count(store, 'tickets')).toBe(1);
    const other = service.execute(
      { type: 'ticket:call-next', windowId: 'w1' },
      { idempotencyKey: 'kiosk1-0001' },
    );
    expect(other.ok ? 'accepted' : other.error.code).toBe('IDEMPOTENCY_CONFLICT');
    store.close();
  });

  it('Q-DUR-2 a refused command is not recorded, so its retry decides again', () => {
    const { store, service } = configured();
    const refused = service.execute(
      { type: 'ticket:call-next', windowId: 'w1' },
      { idempotencyKey: 'press-1' },
    );
    expect(refused.ok).toBe(false);
    must(service, { type: 'ticket:issue', categoryId: 'A', source: 'kiosk' });
    const retried = must(service, { type: 'ticket:call-next', windowId: 'w1' }, 'press-1');
    expect(retried.replayed).toBe(false);
    store.close();
  });

  it('Q-DUR-1 a failed commit writes nothing and leaves memory equal to the store', () => {
    const { store, service } = configured();
    must(service, { type: 'ticket:issue', categoryId: 'A', source: 'kiosk' });
    const before = service.queue.snapshot();
    const events = count(store, 'events');
    // Make the projection write fail inside the transaction, as a full disk would.
    peek((db) =>
      db.exec(`CREATE TRIGGER boom BEFORE INSERT ON tickets WHEN NEW.number = 'A002'
               BEGIN SELECT RAISE(ABORT, 'disk full'); END`),
    );
    expect(() =>
      service.execute({ type: 'ticket:issue', categoryId: 'A', source: 'kiosk' }, { idempotencyKey: 'k2' }),
    ).toThrow(/disk full/);
    expect(count(store, 'events')).toBe(events);
    expect(store.findCommand('k2')).toBeUndefined();
    expect(service.queue.snapshot()).toEqual(before);
    peek((db) => db.exec('DROP TRIGGER boom'));
    const retry = must(service, { type: 'ticket:issue', categoryId: 'A', source: 'kiosk' }, 'k2');
    expect(retry.events[0]?.type === 'ticket:issued' && retry.events[0].ticket.number).toBe('A002');
    store.close();
  });

  it('Q-DAY-1 day close settles tickets in the projections and survives a restart', () => {
    const { store, service } = configured();
    const issued = must(service, { type: 'ticket:issue', categoryId: 'A', source: 'kiosk' });
    const id = issued.events[0]?.type === 'ticket:issued' ? issued.events[0].ticket.id : '';
    must(service, { type: 'day:close', by: 'manager', reason: '日终结算' });
    store.close();
    const reopened = openHall();
    expect(reopened.store.ticketById(id)).toMatchObject({ status: 'cancelled', cancelReason: '日终结算' });
    const refused = reopened.service.execute({ type: 'ticket:issue', categoryId: 'A', source: 'kiosk' });
    expect(refused.ok ? 'accepted' : refused.error.code).toBe('DAY_CLOSED');
    clock.t += 24 * 60 * MIN;
    const next = must(reopened.service, { type: 'ticket:issue', categoryId: 'A', source: 'kiosk' });
    expect(next.events[0]?.type === 'ticket:issued' && next.events[0].ticket.id).toBe('20261127-A001');
    expect(QueueEngine.fromEvents(reopened.store.events()).snapshot()).toEqual(
      reopened.service.queue.snapshot(),
    );
    reopened.store.close();
  });

  it('tells subscribers after commit, never for refusals or replays', () => {
    const { store, service } = configured();
    const seen: string[] = [];
    service.subscribe((evs) => seen.push(...evs.map((e) => e.type)));
    must(service, { type: 'ticket:issue', categoryId: 'A', source: 'kiosk' }, 'x');
    must(service, { type: 'ticket:issue', categoryId: 'A', source: 'kiosk' }, 'x');
    service.execute({ type: 'ticket:call-next', windowId: 'nope' });
    expect(seen).toEqual(['ticket:issued']);
    store.close();
  });
});

describe('a database of an older version (SPEC SEC-KEY-3, SEC-MIN-1, SEC-TXT-1)', () => {
  it('SEC-KEY-3 takes its holder secret out, strips birth dates, codes pause reasons and seals what was clear', () => {
    const legacy = 'legacy-holder-secret-0123456789';
    const id = idBornOn('19491231', '002');
    const oldRef = createHmac('sha256', legacy).update(id).digest('base64url').slice(0, 22);
    peekDb(path, (db) => {
      for (const m of MIGRATIONS.slice(0, 10)) db.exec(m);
      db.pragma('user_version = 10');
      const put = db.prepare('INSERT INTO hall_state (key, value) VALUES (?, ?)');
      put.run('meta:holderSecret', legacy);
      put.run('config', JSON.stringify({ settings: { seniorAge: 60 } }));
      const holder = { masked: '110***********002X', birthDate: '1949-12-31', ref: oldRef };
      const ticket = { id: '20261126-A001', businessDay: '2026-11-26', holder, status: 'waiting' };
      db.prepare('INSERT INTO events (seq, at, type, body) VALUES (?, ?, ?, ?)').run(
        1,
        T0,
        'ticket:issued',
        JSON.stringify({ seq: 1, at: T0, type: 'ticket:issued', ticket }),
      );
      db.prepare('INSERT INTO events (seq, at, type, body) VALUES (?, ?, ?, ?)').run(
        2,
        T0,
        'window:paused',
        JSON.stringify({ seq: 2, at: T0, type: 'window:paused', windowId: 'w1', reason: '午间休息' }),
      );
      db.prepare(
        `INSERT INTO tickets (id, business_day, category_id, seq, number, status, priority_class, window_id, arrived_at, body)
         VALUES ('20261126-A001', '2026-11-26', 'A', 1, 'A001', 'waiting', 'senior', NULL, ?, ?)`,
      ).run(T0, JSON.stringify(ticket));
      db.prepare(
        `INSERT INTO appointments (id, business_day, booking_code, holder_ref, holder_masked, birth_date, item_code,
           category_id, slot_start, slot_end, status, imported_at)
         VALUES ('ap-1', '2026-11-26', 'B1', ?, '110***********002X', '1949-12-31', 'X', 'A', 1, 2, 'booked', 1)`,
      ).run(oldRef);
      db.prepare(
        `INSERT INTO applications (id, code, ticket_id, item_code, device_id, body, created_at)
         VALUES ('a-1', 'F1', '20261126-A001', 'X', NULL, ?, 1)`,
      ).run(JSON.stringify({ formTitle: 'T', values: { name: '李四光', idNumber: id } }));
    });
    // The key file made for this database carries its secret: references stay the same.
    const keys = createKeysFor(path);
    expect(holderRefs(keys)(id)).toBe(oldRef);
    const store = new HallStore(path, keys);
    try {
      expect(store.meta('holderSecret')).toBeUndefined();
      expect(store.applications.byId('a-1')?.values).toEqual({ name: '李四光', idNumber: id });
      expect(store.events()[0]).toMatchObject({ ticket: { holder: { senior: true, ref: oldRef } } });
      expect(store.events()[1]).toMatchObject({ reason: 'lunch' });
      expect(store.appointments.byCode('B1')).toMatchObject({ senior: true });
    } finally {
      store.close();
    }
    const text = peekDb(path, (db) =>
      (
        db
          .prepare(
            'SELECT body FROM events UNION ALL SELECT body FROM tickets UNION ALL SELECT body FROM applications',
          )
          .all() as {
          body: string;
        }[]
      )
        .map((r) => r.body)
        .join('\n'),
    );
    expect(text).not.toMatch(/1949-12-31|birthDate|李四光|午间休息/);
    expect(readFileSync(path).includes(Buffer.from(legacy))).toBe(false);
    // Without the secret the old database is refused, not opened with new references.
    expect(() => new HallStore(path, TEST_KEYS)).toThrow(/密钥与数据库不匹配/);
  });
});
