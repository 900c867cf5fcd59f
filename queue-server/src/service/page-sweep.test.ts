import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StaffRole } from '@onewindow/shared';
import pino from 'pino';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeHall, type Hall } from '../compose.ts';
import { T0 } from '../domain/test-factory.ts';
import { HallStore } from '../store/hall.store.ts';
import { TEST_KEYS } from '../store/testing.ts';
import { seedServiceHall } from './testing.ts';

/** 社会保障卡申领: one review level; three required materials. */
const CARD = '512B0070200003';
const PEOPLE: Record<string, StaffRole[]> = {
  'clerk-a': ['clerk'],
  'rights-1': ['rights-clerk'],
  'rev-1': ['reviewer'],
  'mgr-1': ['manager'],
};
const DAY = 86_400_000;

let dir: string;
let now = T0;
let h: Hall;
let store: HallStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-sweep-'));
  now = T0;
  store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
  h = composeHall({ store, logger: pino({ level: 'silent' }), clock: { now: () => now } });
  seedServiceHall(h, store, PEOPLE);
  expect(h.hall.execute({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-a' }).ok).toBe(true);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const clerk = { id: 'clerk-a', roles: ['clerk'] as StaffRole[] };
const tick = () => {
  now += 5_000;
};
/** A page as a document camera gives it, different for each n. */
const pageImage = (n: number) =>
  sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="400"><rect width="100%" height="100%" fill="#fff"/><text x="30" y="80" font-size="40">P ${n}</text><rect x="30" y="${120 + n * 9}" width="${40 + n * 11}" height="20"/></svg>`,
    ),
  )
    .png()
    .toBuffer();
/** Makes a file look as if it was last written `days` days ago (file ages are mtimes). */
const age = (file: string, days: number) => {
  const t = (Date.now() - days * DAY) / 1000;
  utimesSync(file, t, t);
};

/** Accepts a 社会保障卡申领 at w1 (clerk-a); the case id and its checklist's material names. */
function accept(): { caseId: string; materials: string[] } {
  tick();
  expect(h.hall.execute({ type: 'ticket:issue', categoryId: 'A', itemCode: CARD, source: 'kiosk' }).ok).toBe(
    true,
  );
  expect(h.hall.execute({ type: 'ticket:call-next', windowId: 'w1' }).ok).toBe(true);
  expect(h.hall.execute({ type: 'ticket:start', windowId: 'w1' }).ok).toBe(true);
  const ticketId = h.hall.queue.window('w1')!.ticketId!;
  const s = h.slips.issue(
    { kind: 'staff', id: 'clerk-a', name: 'a', staffNumber: 'a', roles: ['clerk'] },
    { ticketId, kind: 'acceptance', applicantName: '张三', contactPhone: '13800000000', print: false },
  );
  if (!s.ok) throw new Error(JSON.stringify(s.error));
  return { caseId: s.data.case!.id, materials: s.data.case!.materials.map((m) => m.name) };
}

async function capture(caseId: string, material: string, n: number): Promise<string> {
  tick();
  const r = await h.materials.capture(clerk, { caseId, material, source: 'camera' }, await pageImage(n));
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.data.page.sha256;
}

function handBack(caseId: string): void {
  for (const [who, type, note] of [
    ['rev-1', 'case:start-review', null],
    ['rev-1', 'case:approve', null],
    ['rights-1', 'case:ready', null],
    ['rights-1', 'case:hand-back', '本人领取'],
  ] as const) {
    tick();
    const r = h.cases.step({ id: who, roles: PEOPLE[who]! }, { type, caseId, note } as never);
    if (!r.ok) throw new Error(`${type}: ${JSON.stringify(r.error)}`);
  }
}

describe('the page store sweep (SPEC MAT-SWEEP-*)', () => {
  it('MAT-SWEEP-1: old orphans and old temp files go; young ones, linked pages, pages of removed materials and archive files stay; the run is a fact of counts', async () => {
    const { caseId, materials } = accept();
    const [m0, m1, m2] = materials as [string, string, string];
    const linked = await capture(caseId, m0, 1);
    const removed = await capture(caseId, m1, 2);
    tick();
    const rm = h.materials.change(clerk, {
      type: 'remove',
      caseId,
      material: m1,
      sha256: removed,
      reason: '拍错了',
    });
    expect(rm.ok).toBe(true);
    // The removed page is off the checklist but stays in the history.
    const c = store.cases.byId(caseId)!;
    expect(c.materials.find((m) => m.name === m1)!.pages).toEqual([]);
    for (const m of [m1, m2]) {
      tick();
      expect(h.materials.change(clerk, { type: 'waive', caseId, material: m, reason: '原件已核验' }).ok).toBe(
        true,
      );
    }
    handBack(caseId);
    const filed = await h.archive.file('mgr-1', caseId);
    if (!filed.ok) throw new Error(JSON.stringify(filed.error));
    const pdf = filed.data.pdf.sha256;

    // Orphans: pages written whose linking fact never committed (as a crash leaves them).
    const oldOrphan = (await store.blobs.put(await pageImage(10))).sha256;
    const youngOrphan = (await store.blobs.put(await pageImage(11))).sha256;
    const shard = join(store.blobs.dir, 'sha256', 'ab');
    mkdirSync(shard, { recursive: true });
    const oldTemp = join(shard, `.${'ab'.repeat(32)}.0a0b0c0d0e0f.tmp`);
    const youngTemp = join(shard, `.${'ab'.repeat(32)}.0f0e0d0c0b0a.tmp`);
    writeFileSync(oldTemp, 'half a page');
    writeFileSync(youngTemp, 'a page being written');
    for (const sha of [linked, removed, pdf, oldOrphan]) age(store.blobs.path(sha), 3);
    age(oldTemp, 3);
    age(store.blobs.path(youngOrphan), 0.5);

    tick();
    const r = await h.pageSweep.sweep('mgr-1');
    expect(r).toMatchObject({ files: 5, linked: 3, young: 1, orphans: 1, temps: 1, by: 'mgr-1', at: now });
    expect(r.bytes).toBeGreaterThan('half a page'.length);
    for (const sha of [linked, removed, pdf, youngOrphan])
      expect(await store.blobs.verify(sha), sha).toBe(true);
    expect(await store.blobs.has(oldOrphan)).toBe(false);
    expect(existsSync(oldTemp)).toBe(false);
    expect(existsSync(youngTemp)).toBe(true);
    expect(readdirSync(shard)).toEqual([youngTemp.split('/').at(-1)]);

    // The fact: counts and who, nothing else (no hashes, no personal data).
    const fact = store.events(store.lastSeq(), store.lastSeq())[0]!;
    expect(fact.type).toBe('archive:pages-swept');
    expect(Object.keys(fact).sort()).toEqual(
      ['at', 'by', 'bytes', 'files', 'linked', 'ms', 'orphans', 'seq', 'temps', 'type', 'young'].sort(),
    );
    expect(h.pageSweep.last()).toMatchObject({ orphans: 1, temps: 1, by: 'mgr-1', at: now });
    // The archive's fixity check still finds every page and file it counts.
    const fx = await h.archive.fixity('mgr-1');
    expect([fx.pages, fx.files, fx.failed]).toEqual([2, 1, 0]);

    // A second sweep a day later takes the orphan that has now grown old, nothing else.
    age(store.blobs.path(youngOrphan), 2);
    const again = await h.pageSweep.sweep('system');
    expect(again).toMatchObject({ files: 4, linked: 3, young: 0, orphans: 1, temps: 0 });
    expect(await store.blobs.has(youngOrphan)).toBe(false);
  });

  it('MAT-SWEEP-2: a capture of bytes already lying in the store as an old orphan touches the file, so the sweep keeps it; one the sweep took is written again', async () => {
    const { caseId, materials } = accept();
    const bytes = await pageImage(20);
    // A crash left this page as an orphan two days ago; the clerk now captures the same page.
    const { sha256 } = await store.blobs.put(bytes);
    age(store.blobs.path(sha256), 2);
    const captured = await h.materials.capture(
      clerk,
      { caseId, material: materials[0]!, source: 'file' },
      bytes,
    );
    if (!captured.ok) throw new Error(JSON.stringify(captured.error));
    expect(captured.data.page.sha256).toBe(sha256);
    const r = await h.pageSweep.sweep('system');
    expect(r).toMatchObject({ linked: 1, orphans: 0 });
    expect(await store.blobs.verify(sha256)).toBe(true);

    // The put of an old orphan, before its fact: the file is young again, and kept.
    const other = await pageImage(21);
    const o = await store.blobs.put(other);
    age(store.blobs.path(o.sha256), 2);
    await store.blobs.put(other);
    expect(await h.pageSweep.sweep('system')).toMatchObject({ young: 1, orphans: 0 });
    // Swept while nobody captured it: gone; the next put writes it whole again.
    age(store.blobs.path(o.sha256), 2);
    expect(await h.pageSweep.sweep('system')).toMatchObject({ orphans: 1 });
    expect(await store.blobs.has(o.sha256)).toBe(false);
    await store.blobs.put(other);
    expect(await store.blobs.verify(o.sha256)).toBe(true);
  });

  it('MAT-SWEEP-2: sweeps racing captures of the same old orphan bytes never leave a linked page missing', async () => {
    const { caseId, materials } = accept();
    const images = await Promise.all(Array.from({ length: 8 }, (_, i) => pageImage(30 + i)));
    for (const b of images) {
      const { sha256 } = await store.blobs.put(b);
      age(store.blobs.path(sha256), 2);
    }
    const caps = images.map((b, i) =>
      h.materials.capture(clerk, { caseId, material: materials[i % 3]!, source: 'file' }, b),
    );
    const sweeps = [h.pageSweep.sweep('system'), h.pageSweep.sweep('system')];
    const results = await Promise.all(caps);
    await Promise.all(sweeps);
    await h.pageSweep.sweep('system');
    for (const r of results) {
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      expect(await store.blobs.verify(r.data.page.sha256)).toBe(true);
    }
    const fx = await h.archive.fixity('system');
    expect([fx.pages, fx.failed]).toEqual([8, 0]);
  });

  it('MAT-SWEEP-3: the sweep is due when the last one is older than the schedule', async () => {
    expect(h.pageSweep.last()).toBeNull();
    expect(await h.pageSweep.sweepIfDue(DAY, now)).toMatchObject({ by: 'system', files: 0 });
    now += DAY / 2;
    expect(await h.pageSweep.sweepIfDue(DAY, now)).toBeNull();
    now += DAY / 2;
    expect(await h.pageSweep.sweepIfDue(DAY, now)).not.toBeNull();
  });
});
