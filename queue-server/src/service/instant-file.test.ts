import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StaffRole } from '@onewindow/shared';
import pino from 'pino';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeHall, type Hall } from '../compose.ts';
import { foldHalfYear, type SupervisionFact } from '../domain/supervision.ts';
import { T0 } from '../domain/test-factory.ts';
import { demoCatalog } from '../seed/demo-hall.ts';
import { HallStore } from '../store/hall.store.ts';
import { TEST_KEYS } from '../store/testing.ts';
import { seedServiceHall } from './testing.ts';

/** 企业职工参保登记: instant; its guide lists four materials, three required. */
const ENROL = '512B0067900008';
/** 社会保障卡申领: time-limited. */
const CARD = '512B0070200003';
const PEOPLE: Record<string, StaffRole[]> = {
  'clerk-a': ['clerk'],
  'clerk-b': ['clerk'],
  'rev-1': ['reviewer'],
  'mgr-1': ['manager'],
};

let dir: string;
let now = T0;
let h: Hall;
let store: HallStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-instant-'));
  now = T0;
  store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
  h = composeHall({ store, logger: pino({ level: 'silent' }), clock: { now: () => now } });
  seedServiceHall(h, store, PEOPLE);
  expect(h.hall.execute({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-a' }).ok).toBe(true);
  expect(h.hall.execute({ type: 'window:open', windowId: 'w2', clerkId: 'clerk-b' }).ok).toBe(true);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const actor = (id: string) => ({ id, roles: PEOPLE[id]! });
const tick = () => {
  now += 5_000;
};
const page = (n: number) =>
  sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="400"><rect width="100%" height="100%" fill="#fff"/><text x="30" y="80" font-size="40">P ${n}</text></svg>`,
    ),
  )
    .png()
    .toBuffer();

/** clerk-a serves a ticket for `itemCode` at w1 and issues the slip of `kind`. */
function slipFor(itemCode: string, kind: 'completion' | 'acceptance') {
  tick();
  expect(h.hall.execute({ type: 'ticket:issue', categoryId: 'A', itemCode, source: 'kiosk' }).ok).toBe(true);
  expect(h.hall.execute({ type: 'ticket:call-next', windowId: 'w1' }).ok).toBe(true);
  expect(h.hall.execute({ type: 'ticket:start', windowId: 'w1' }).ok).toBe(true);
  const ticketId = h.hall.queue.window('w1')!.ticketId!;
  const s = h.slips.issue(
    { kind: 'staff', id: 'clerk-a', name: 'a', staffNumber: 'a', roles: ['clerk'] },
    {
      ticketId,
      kind,
      applicantName: '张三',
      ...(kind === 'acceptance' ? { contactPhone: '13800000000' } : {}),
      print: false,
    },
  );
  if (!s.ok) throw new Error(JSON.stringify(s.error));
  return s.data;
}

const requiredOf = (code: string) =>
  demoCatalog()
    .find((i) => i.code === code)!
    .guide!.materials.filter((m) => m.required && m.sharedData !== true)
    .map((m) => m.name);

describe('instant business case files (SPEC MAT-INSTANT-*)', () => {
  it('MAT-INSTANT-1: a completion slip of an item whose guide lists materials opens a final instant case file with the checklist; one without materials opens none', async () => {
    const d = slipFor(ENROL, 'completion');
    const c = d.case!;
    expect(c).toMatchObject({
      id: d.number,
      instant: true,
      status: 'handed-back',
      reviewLevels: 0,
      deadline: '2026-11-26',
      workingDays: 0,
      intake: ['clerk-a'],
    });
    expect(d.number).toMatch(/^HD/);
    const required = requiredOf(ENROL);
    expect(required.length).toBeGreaterThan(1);
    expect(c.materials.filter((m) => m.status === 'missing').map((m) => m.name)).toEqual(required);
    expect(c.materials.find((m) => m.name === '劳动合同')?.status).toBe('not-required');
    expect(store.slips.byNumber(d.number)?.caseId).toBe(d.number);
    // An instant item whose guide asks only for identity documents shown at the window (个人参保证明
    // 查询打印, 社会保障卡挂失): a 回单 and nothing else, so the clerk's 日结 is not left with files
    // whose ID card can never be "captured".
    for (const code of ['51201401800006', '512B0070200008']) {
      const item = demoCatalog().find((i) => i.code === code)!;
      expect(item.kind).toBe('instant');
      expect(item.guide!.materials.length).toBeGreaterThan(0);
      expect(slipFor(code, 'completion').case, item.name).toBeNull();
    }
    // A time-limited acceptance is untouched: no instant flag, waiting for review.
    const acc = slipFor(CARD, 'acceptance').case!;
    expect(acc.instant).toBeUndefined();
    expect(acc.status).toBe('accepted');
  });

  it('MAT-INSTANT-2: the clerk who completed it captures and waives until it is filed; another clerk may not; a filed file takes nothing more', async () => {
    const d = slipFor(ENROL, 'completion');
    const caseId = d.case!.id;
    const [first, ...rest] = requiredOf(ENROL) as [string, ...string[]];
    tick();
    const other = await h.materials.capture(
      actor('clerk-b'),
      { caseId, material: first, source: 'camera' },
      await page(1),
    );
    expect(!other.ok && other.error.code).toBe('FORBIDDEN');
    const mine = await h.materials.capture(
      actor('clerk-a'),
      { caseId, material: first, source: 'camera' },
      await page(2),
    );
    if (!mine.ok) throw new Error(JSON.stringify(mine.error));
    expect(mine.data.case.materials.find((m) => m.name === first)?.status).toBe('present');
    expect(mine.data.case.status).toBe('handed-back');
    for (const m of rest) {
      tick();
      expect(
        h.materials.change(actor('clerk-a'), { type: 'waive', caseId, material: m, reason: '原件已核验' }).ok,
      ).toBe(true);
    }
    const filed = await h.archive.file('mgr-1', caseId);
    if (!filed.ok) throw new Error(JSON.stringify(filed.error));
    expect(filed.data.pageHashes).toEqual([mine.data.page.sha256]);
    tick();
    const late = await h.materials.capture(
      actor('clerk-a'),
      { caseId, material: first, source: 'camera' },
      await page(3),
    );
    expect(!late.ok && late.error).toMatchObject({
      code: 'CONFLICT',
      messageZh: expect.stringContaining('已归档'),
    });
    const lateWaive = h.materials.change(actor('clerk-a'), {
      type: 'waive',
      caseId,
      material: first,
      reason: '补',
    });
    expect(!lateWaive.ok && lateWaive.error.code).toBe('CONFLICT');
  });

  it('MAT-INSTANT-3: the archive files an instant file only when no required material is missing; the scheduled filing waits for it', async () => {
    const d = slipFor(ENROL, 'completion');
    const caseId = d.case!.id;
    const required = requiredOf(ENROL);
    expect(await h.archive.fileDue()).toBe(0);
    const refused = await h.archive.file('mgr-1', caseId);
    expect(!refused.ok && refused.error.code).toBe('MATERIALS_MISSING');
    expect(!refused.ok && refused.error.messageZh).toContain(`「${required[0]}」`);
    expect(h.archive.ofCase(caseId)).toEqual([]);
    for (const [i, m] of required.entries()) {
      tick();
      const r = await h.materials.capture(
        actor('clerk-a'),
        { caseId, material: m, source: 'file' },
        await page(10 + i),
      );
      expect(r.ok).toBe(true);
    }
    expect(await h.archive.fileDue()).toBe(1);
    const [rec] = h.archive.ofCase(caseId);
    expect(rec).toMatchObject({ caseId, version: 1, itemCode: ENROL });
    expect(rec!.pageHashes).toHaveLength(required.length);
  });

  it('MAT-INSTANT-4: 日结轧账 names an instant file with missing materials as the clerk’s discrepancy; its completion slip is its slip; complete, it has none of either', async () => {
    const d = slipFor(ENROL, 'completion');
    const caseId = d.case!.id;
    const required = requiredOf(ENROL);
    const day = h.recon.view('clerk-a', '2026-11-26');
    if (!day.ok) throw new Error(JSON.stringify(day.error));
    const mine = day.data.discrepancies.filter((x) => x.ref === caseId);
    expect(mine.map((x) => x.kind).sort()).toEqual(
      [...required.map(() => 'material-missing'), 'not-counted'].sort(),
    );
    expect(mine.filter((x) => x.kind === 'material-missing').map((x) => x.detail)).toEqual(
      expect.arrayContaining(required),
    );
    expect(day.data.discrepancies.some((x) => x.kind === 'case-without-slip')).toBe(false);
    for (const m of required) {
      tick();
      expect(
        h.materials.change(actor('clerk-a'), { type: 'waive', caseId, material: m, reason: '原件已核验' }).ok,
      ).toBe(true);
    }
    const after = h.recon.view('clerk-a', '2026-11-26');
    if (!after.ok) throw new Error(JSON.stringify(after.error));
    expect(after.data.discrepancies.filter((x) => x.ref === caseId).map((x) => x.kind)).toEqual([
      'not-counted',
    ]);
  });

  it('MAT-INSTANT-5: the half-year report counts only time-limited cases, and no overdue alert ever names an instant file', async () => {
    h.risk.seed();
    const instant = slipFor(ENROL, 'completion').case!.id;
    const limited = slipFor(CARD, 'acceptance').case!.id;
    const facts = [...store.iterateEvents()] as unknown as SupervisionFact[];
    const report = foldHalfYear('2026-H2', facts, [], 480);
    expect(report.cases.accepted).toBe(1);
    expect(report.cases.byOutcome).toEqual({ accepted: 1 });
    // Weeks later the risk tick runs: the time-limited case may be overdue, the instant file never is.
    now += 40 * 86_400_000;
    h.risk.runTick();
    const named = [...store.iterateEvents()]
      .filter((e) => e.type === 'risk:alert-raised')
      .map((e) => JSON.stringify(e));
    expect(named.some((s) => s.includes(limited))).toBe(true);
    expect(named.some((s) => s.includes(instant))).toBe(false);
  });
});
