import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATEGORIES, hallConfig, T0 } from '../domain/test-factory.ts';
import { HallService } from '../service/hall.service.ts';
import { backupHall, listBackups, restoreHall } from './backup.ts';
import { HallStore } from './hall.store.ts';
import {
  acceptLoss,
  HighWaterMark,
  hwmPathOf,
  IntegrityRefusal,
  initHall,
  type OpenStore,
  openHall,
  raiseCounters,
} from './integrity.ts';
import { peekDb, TEST_KEYS } from './testing.ts';

/** How these tests build a store: the one place to change when the store's constructor does. */
const openStore: OpenStore = (p) => new HallStore(p, TEST_KEYS);

let dir: string;
let path: string;
const clock = { t: T0, now: () => clock.t };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-integrity-'));
  path = join(dir, 'hall.db');
  clock.t = T0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function issue(service: HallService, n: number): string[] {
  const numbers: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = service.execute({ type: 'ticket:issue', categoryId: CATEGORIES[0]!.id, source: 'guide' });
    if (!r.ok) throw new Error(r.error.message);
    const t = r.events.find((e) => e.type === 'ticket:issued');
    if (t?.type === 'ticket:issued') numbers.push(t.ticket.number);
  }
  return numbers;
}

function newHall(): { store: HallStore; service: HallService } {
  const store = initHall(path, openStore, { now: clock.now });
  const service = new HallService(store, clock);
  const r = service.execute({ type: 'hall:configure', config: hallConfig(), by: 'admin' });
  if (!r.ok) throw new Error(r.error.message);
  return { store, service };
}

const refusal = (fn: () => unknown): IntegrityRefusal => {
  try {
    fn();
  } catch (err) {
    if (err instanceof IntegrityRefusal) return err;
    throw err;
  }
  throw new Error('not refused');
};

describe('the high-water mark (SPEC INT-2)', () => {
  it('INT-2: every committed unit with facts is in the mark before it returns; a refused one is not', () => {
    const { store, service } = newHall();
    issue(service, 3);
    const read = () => {
      const r = HighWaterMark.read(hwmPathOf(path));
      if (r.kind !== 'ok') throw new Error(r.kind);
      return r.mark;
    };
    expect(read().seq).toBe(store.lastSeq());
    expect(read().counters).toEqual([expect.objectContaining({ categoryId: CATEGORIES[0]!.id, last: 3 })]);
    const before = read();
    expect(service.execute({ type: 'ticket:issue', categoryId: 'nope', source: 'guide' }).ok).toBe(false);
    expect(read()).toEqual(before);
    store.close();
  });

  it('INT-2: a torn slot leaves the other one readable; both torn is "damaged", never a guess', () => {
    const { store, service } = newHall();
    issue(service, 2);
    const seq = store.lastSeq();
    store.close();
    const file = readFileSync(hwmPathOf(path));
    // The newest slot is the one the last write went to: tear it.
    const torn = Buffer.from(file);
    for (const slot of [0, 4096]) {
      const copy = Buffer.from(file);
      copy[slot + 60] = copy[slot + 60]! ^ 1;
      writeFileSync(hwmPathOf(path), copy);
      const r = HighWaterMark.read(hwmPathOf(path));
      expect(r.kind).toBe('ok');
      // INT-7: the three units committed in one tick went to one slot; the other still holds
      // the mark init synced (seq 0), whole.
      if (r.kind === 'ok') expect([seq, 0]).toContain(r.mark.seq);
      torn[slot + 60] = torn[slot + 60]! ^ 1;
    }
    writeFileSync(hwmPathOf(path), torn);
    expect(HighWaterMark.read(hwmPathOf(path)).kind).toBe('damaged');
    expect(refusal(() => openHall(path, openStore, { demo: false })).problem).toBe('HWM_DAMAGED');
  });

  it('INT-7: marks written while an fdatasync runs share one slot; the other slot is the last synced mark, whole', async () => {
    const { store, service } = newHall();
    const hwm = (store as unknown as { highWater: HighWaterMark }).highWater;
    const slots = () => {
      const file = readFileSync(hwmPathOf(path));
      return [0, 4096].map((at) => {
        const copy = Buffer.alloc(2 * 4096, 0x20);
        file.copy(copy, 0, at, at + 4096);
        const r = HighWaterMark.read(writeTo(copy));
        return r.kind === 'ok' ? r.mark.seq : -1;
      });
    };
    const writeTo = (buf: Buffer) => {
      const p = join(dir, 'one-slot.hwm');
      writeFileSync(p, buf);
      return p;
    };
    // One tick: every mark is written (readable at once) but no sync has finished yet.
    issue(service, 4);
    const burst = store.lastSeq();
    expect(Math.max(...slots())).toBe(burst);
    expect(Math.min(...slots())).toBe(0);
    // Once synced, the next mark goes to the other slot: a torn write of it leaves `burst`.
    await hwm.durable();
    issue(service, 1);
    expect(slots().sort((a, b) => a - b)).toEqual([burst, burst + 1]);
    await hwm.durable();
    store.close();
  });

  it('INT-7: the next fdatasync starts no sooner than the gap after the last one, and covers every mark written in it', async () => {
    const { store, service } = newHall();
    const hwm = (store as unknown as { highWater: HighWaterMark }).highWater;
    const state = hwm as unknown as { syncing: boolean; gapTimer: unknown };
    issue(service, 1);
    await hwm.durable();
    // A mark right after a sync: written at once, but its sync waits for the gap …
    issue(service, 1);
    expect(state.syncing).toBe(false);
    expect(state.gapTimer).not.toBeNull();
    await new Promise((r) => setTimeout(r, 10));
    // … and covers the marks written meanwhile.
    issue(service, 1);
    const seq = store.lastSeq();
    expect(HighWaterMark.read(hwmPathOf(path))).toMatchObject({ kind: 'ok', mark: { seq } });
    await hwm.durable();
    expect(state.gapTimer).toBeNull();
    store.close();
    expect(HighWaterMark.read(hwmPathOf(path))).toMatchObject({ kind: 'ok', mark: { seq } });
  });

  it('INT-3: a database ahead of its mark (a stop between commit and mark) starts and raises the mark', () => {
    const { store, service } = newHall();
    issue(service, 2);
    const early = readFileSync(hwmPathOf(path));
    issue(service, 2);
    const seq = store.lastSeq();
    store.close();
    writeFileSync(hwmPathOf(path), early);
    const opened = openHall(path, openStore, { demo: false });
    expect(opened.notes.join()).toContain('behind the database');
    const r = HighWaterMark.read(hwmPathOf(path));
    expect(r.kind === 'ok' && r.mark.seq).toBe(seq);
    opened.store.close();
  });

  it('INT-3: a database behind its mark refuses, naming the lost seqs and numbers', () => {
    const { store, service } = newHall();
    issue(service, 2);
    const seq = store.lastSeq();
    const copy = readFileSync(path);
    store.checkpoint();
    const early = Buffer.from(readFileSync(path));
    issue(service, 3);
    store.close();
    expect(copy.length).toBeGreaterThan(0);
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    writeFileSync(path, early);
    const r = refusal(() => openHall(path, openStore, { demo: false }));
    expect(r.problem).toBe('DB_BEHIND');
    expect(r.message).toContain(`第 ${seq + 1}–${seq + 3} 条事件`);
    expect(r.message).toContain(`${CATEGORIES[0]!.id}: 3–5`);
  });

  it('INT-4: a database made before marks existed gets one on its first start', () => {
    const store = openStore(path);
    const service = new HallService(store, clock);
    service.execute({ type: 'hall:configure', config: hallConfig(), by: 'admin' });
    store.close();
    expect(existsSync(hwmPathOf(path))).toBe(false);
    const opened = openHall(path, openStore, { demo: false });
    expect(opened.notes.join()).toContain('older server');
    expect(HighWaterMark.read(hwmPathOf(path)).kind).toBe('ok');
    opened.store.close();
    // From then on its mark is required.
    rmSync(hwmPathOf(path));
    expect(refusal(() => openHall(path, openStore, { demo: false })).problem).toBe('HWM_MISSING');
  });

  it('BAK-4: raising counters keeps handed-out numbers of open days only', () => {
    const db = [{ categoryId: 'A', businessDay: '2026-11-26', last: 4 }];
    const handed = [
      { categoryId: 'A', businessDay: '2026-11-26', last: 9 },
      { categoryId: 'B', businessDay: '2026-11-26', last: 2 },
      { categoryId: 'C', businessDay: '2026-11-25', last: 7 },
    ];
    const r = raiseCounters(db, handed, '2026-11-25');
    expect(r.counters).toEqual(handed.slice(0, 2));
    expect(r.raised).toEqual([
      { categoryId: 'A', businessDay: '2026-11-26', from: 4, to: 9 },
      { categoryId: 'B', businessDay: '2026-11-26', from: 0, to: 2 },
    ]);
  });
});

describe('backups and restore in process (SPEC BAK-2..4, INT-6)', () => {
  it('BAK-2, BAK-3, BAK-4: backup while open, lose the rest, restore: numbers go on after the last one handed out', async () => {
    const { store, service } = newHall();
    const before = issue(service, 3);
    const entry = await backupHall(path, join(dir, 'backups'), { keep: 2, now: clock.now });
    expect(entry.seq).toBe(store.lastSeq());
    const after = issue(service, 4);
    store.close();
    const report = restoreHall(path, join(dir, 'backups', entry.file), openStore, {
      actor: 'operator:test',
      now: clock.now,
    });
    expect(report.lostSeqs).toEqual([entry.seq + 1, entry.seq + 4]);
    expect(report.numbersKept).toEqual([expect.objectContaining({ from: 3, to: 7 })]);
    const opened = openHall(path, openStore, { demo: false });
    const again = new HallService(opened.store, clock);
    expect(again.queue.allTickets().map((t) => t.number)).toEqual(before);
    const [next] = issue(again, 1);
    expect([...before, ...after]).not.toContain(next);
    expect(next).toBe('A008');
    expect(opened.store.auth.auditLog().map((a) => a.action)).toContain('integrity:restore');
    opened.store.close();
  });

  it('BAK-2: keeps the newest N backups, each verified and listed', async () => {
    const { store, service } = newHall();
    for (let i = 0; i < 4; i++) {
      issue(service, 1);
      clock.t += 60_000;
      await backupHall(path, join(dir, 'backups'), { keep: 2, now: clock.now });
    }
    store.close();
    const kept = listBackups(join(dir, 'backups'));
    expect(kept.map((b) => b.seq)).toEqual([4, 5]);
    const manifest = readFileSync(join(dir, 'backups', 'manifest.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(manifest).toHaveLength(4);
  });

  it('INT-6: accept-loss keeps the numbers and records who decided', () => {
    const { store, service } = newHall();
    issue(service, 2);
    store.checkpoint();
    const early = Buffer.from(readFileSync(path));
    const seq = store.lastSeq();
    issue(service, 2);
    store.close();
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    writeFileSync(path, early);
    expect(refusal(() => acceptLoss(path, openStore, { acceptSeq: seq + 2, actor: 'op' })).problem).toBe(
      'SEQ_NOT_CONFIRMED',
    );
    const r = acceptLoss(path, openStore, { acceptSeq: seq, actor: 'operator:tech@hall', now: clock.now });
    expect(r.raised).toEqual([expect.objectContaining({ from: 2, to: 4 })]);
    const audit = peekDb(path, (db) =>
      db.prepare("SELECT actor, detail FROM audit WHERE action = 'integrity:accept-loss'").all(),
    );
    expect(audit).toEqual([
      { actor: 'operator:tech@hall', detail: expect.stringContaining(`"lostSeqs":[${seq + 1},${seq + 2}]`) },
    ]);
    const opened = openHall(path, openStore, { demo: false });
    expect(issue(new HallService(opened.store, clock), 1)).toEqual(['A005']);
    opened.store.close();
  });
});
