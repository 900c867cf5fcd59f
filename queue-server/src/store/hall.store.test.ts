import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueEngine } from '../domain/engine.ts';
import { hallConfig, idBornOn, MIN, T0, WINDOWS } from '../domain/test-factory.ts';
import type { Command } from '../domain/types.ts';
import { HallService } from '../service/hall.service.ts';
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
