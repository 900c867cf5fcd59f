import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StaffRole } from '@onewindow/shared';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeHall, type Hall } from '../compose.ts';
import { T0 } from '../domain/test-factory.ts';
import type { HallEvent } from '../domain/types.ts';
import { HallStore } from '../store/hall.store.ts';
import { TEST_KEYS } from '../store/testing.ts';
import { HallService } from './hall.service.ts';
import { seedServiceHall } from './testing.ts';

const PEOPLE: Record<string, StaffRole[]> = { 'clerk-a': ['clerk'], 'mgr-1': ['manager'] };
const NOTE = '张三说窗口态度差 13800000000';
const RECT = '已约谈窗口人员，向张三致歉';

let dir: string;
let dbPath: string;
let now = T0;
let h: Hall;
let store: HallStore;

const compose = () => {
  store = new HallStore(dbPath, TEST_KEYS);
  h = composeHall({ store, logger: pino({ level: 'silent' }), clock: { now: () => now } });
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-fup-'));
  dbPath = join(dir, 'hall.db');
  now = T0;
  compose();
  seedServiceHall(h, store, PEOPLE);
  expect(h.hall.execute({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-a' }).ok).toBe(true);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Serves one ticket at w1 and rates it with `hall` (the composed one unless given). */
function served(hall: Pick<HallService, 'execute'> = h.hall): string {
  now += 60_000;
  expect(hall.execute({ type: 'ticket:issue', categoryId: 'A', source: 'kiosk' }).ok).toBe(true);
  const called = hall.execute({ type: 'ticket:call-next', windowId: 'w1' });
  if (!called.ok) throw new Error(called.error.message);
  const id = (called.events.find((e) => e.type === 'ticket:called') as { ticketId: string }).ticketId;
  expect(hall.execute({ type: 'ticket:start', windowId: 'w1' }).ok).toBe(true);
  expect(hall.execute({ type: 'ticket:finish', windowId: 'w1', outcome: 'completed' }).ok).toBe(true);
  return id;
}

function rate(id: string, level: 1 | 2 | 3 | 4 | 5, hall: Pick<HallService, 'execute'> = h.hall) {
  now += 1_000;
  const r = hall.execute({ type: 'ticket:rate', ticketId: id, level, reasons: [], channel: 'pad' });
  if (!r.ok) throw new Error(r.error.message);
  return r.events;
}

const followUpFacts = (): HallEvent[] =>
  [...store.iterateEvents()].filter((e) => e.type.startsWith('follow-up:'));

describe('follow-up changes are facts (FUP-5)', () => {
  it('FUP-5 opening, a callback and each status change commit their fact with the record, without the free text', () => {
    const bad = served();
    const good = served();
    const events = rate(bad, 1);
    rate(good, 5);
    // The opened fact is in the rating's own unit, right after it.
    expect(events.map((e) => e.type)).toEqual(['ticket:rated', 'follow-up:opened']);
    const ticket = store.ticketById(bad)!;
    expect(events[1]).toMatchObject({
      type: 'follow-up:opened',
      ticketId: bad,
      level: 1,
      windowId: 'w1',
      itemCode: ticket.itemCode,
      deadline: h.followUps.get(bad)!.deadline,
      ratedAt: events[0]!.at,
    });

    const times = [events[1]!.at];
    now += 1_000;
    times.push(now);
    expect(h.followUps.callback(bad, 'mgr-1', { note: NOTE, reached: true }).ok).toBe(true);
    now += 1_000;
    times.push(now);
    expect(h.followUps.setStatus(bad, 'mgr-1', { status: 'rectifying', rectification: RECT }).ok).toBe(true);
    now += 1_000;
    times.push(now);
    expect(h.followUps.setStatus(bad, 'mgr-1', { status: 'closed' }).ok).toBe(true);
    // Refusals write neither record nor fact.
    expect(h.followUps.setStatus(bad, 'mgr-1', { status: 'open' }).ok).toBe(false);
    expect(h.followUps.callback(good, 'mgr-1', { note: NOTE, reached: true }).ok).toBe(false);

    const facts = followUpFacts();
    expect(
      facts.map((f) => [
        f.type,
        f.type === 'follow-up:status-changed'
          ? f.status
          : f.type === 'follow-up:called-back'
            ? f.reached
            : f.type === 'follow-up:opened' && f.level,
      ]),
    ).toEqual([
      ['follow-up:opened', 1],
      ['follow-up:called-back', true],
      ['follow-up:status-changed', 'rectifying'],
      ['follow-up:status-changed', 'closed'],
    ]);
    expect(facts.map((f) => f.at)).toEqual(times);
    expect(facts.every((f) => f.type === 'follow-up:opened' || ('by' in f && f.by === 'mgr-1'))).toBe(true);
    const record = h.followUps.get(bad)!;
    expect(record.status).toBe('closed');
    expect(record.callbacks[0]!.note).toBe(NOTE);
    expect(record.closedAt).toBe(facts.at(-1)!.at);
    const log = JSON.stringify(facts);
    expect(log).not.toContain('张三');
    expect(log).not.toContain('13800000000');
  });

  it('FUP-5 a unit that rolls back leaves neither the record change nor its fact', () => {
    const bad = served();
    rate(bad, 2);
    const before = followUpFacts().length;
    let fail = false;
    h.hall.project((events) => {
      if (fail && events.some((e) => e.type.startsWith('follow-up:'))) throw new Error('disk full');
    });
    fail = true;
    expect(() => h.followUps.callback(bad, 'mgr-1', { note: NOTE, reached: false })).toThrow('disk full');
    expect(() => h.followUps.setStatus(bad, 'mgr-1', { status: 'rectifying', rectification: RECT })).toThrow(
      'disk full',
    );
    expect(followUpFacts()).toHaveLength(before);
    const f = h.followUps.get(bad)!;
    expect([f.status, f.callbacks.length, f.rectification]).toEqual(['open', 0, null]);
    // A rating whose unit rolls back gets no record and no opened fact either.
    const other = served();
    expect(() => rate(other, 1)).toThrow('disk full');
    expect(h.followUps.get(other)).toBeUndefined();
    expect(followUpFacts()).toHaveLength(before);
    fail = false;
    expect(h.followUps.callback(bad, 'mgr-1', { note: NOTE, reached: false }).ok).toBe(true);
    expect(followUpFacts()).toHaveLength(before + 1);
  });

  it('FUP-2 FUP-5 ratings caught up at start get their records and opened facts in one unit, once', () => {
    const ids = [served(), served(), served()];
    store.close();
    // Ratings reach the log with no follow-up listener attached (an older server, a crash).
    store = new HallStore(dbPath, TEST_KEYS);
    const bare = new HallService(store, { now: () => now });
    rate(ids[0]!, 1, bare);
    rate(ids[1]!, 4, bare);
    rate(ids[2]!, 2, bare);
    expect(followUpFacts()).toHaveLength(0);
    store.close();

    compose();
    const opened = followUpFacts();
    expect(opened.map((f) => [f.type, f.type === 'follow-up:opened' && f.ticketId])).toEqual([
      ['follow-up:opened', ids[0]],
      ['follow-up:opened', ids[2]],
    ]);
    expect(h.followUps.list().counts.total).toBe(2);
    store.close();
    compose();
    expect(followUpFacts()).toHaveLength(2);
  });
});
