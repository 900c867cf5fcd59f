import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBody, StaffRole } from '@onewindow/shared';
import type { DiscrepancyKind } from '@onewindow/shared/reconcile.ts';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeHall, type Hall } from '../compose.ts';
import { T0 } from '../domain/test-factory.ts';
import { demoCatalog } from '../seed/demo-hall.ts';
import { HallStore } from '../store/hall.store.ts';
import { TEST_KEYS } from '../store/testing.ts';
import { seedServiceHall } from './testing.ts';

/** 社会保障卡申领 (审核 once), 个人参保证明查询打印 (instant), 失业保险金申领 (审核 + 复核). */
const CARD = '512B0070200003';
const INSTANT = '512B0369200000'; // 灵活就业人员参保登记: an instant item that keeps a file (MAT-INSTANT-1)
const UNEMPLOYMENT = '512B0070100003';
const DAY = '2026-11-26';

const PEOPLE: Record<string, StaffRole[]> = {
  'clerk-a': ['clerk'],
  'clerk-b': ['clerk'],
  'clerk-c': ['clerk'],
  'rights-1': ['rights-clerk'],
  'rev-1': ['reviewer'],
  'sup-1': ['review-supervisor'],
  'mgr-1': ['manager'],
};
const WINDOW_OF: Record<string, string> = {
  'clerk-a': 'w1',
  'clerk-b': 'w2',
  'rights-1': 'w3',
  'clerk-c': 'w4',
};

let dir: string;
let now = T0;
let h: Hall;
let store: HallStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-recon-'));
  now = T0;
  store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
  h = composeHall({ store, logger: pino({ level: 'silent' }), clock: { now: () => now } });
  seedServiceHall(h, store, PEOPLE, (id) => id);
  for (const [clerk, windowId] of Object.entries(WINDOW_OF))
    expect(h.hall.execute({ type: 'window:open', windowId, clerkId: clerk }).ok).toBe(true);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const actor = (id: string) => ({ kind: 'staff' as const, id, name: id, staffNumber: id, roles: PEOPLE[id]! });
const tick = () => {
  now += 7_000;
};

/** A deterministic generator (mulberry32), so the simulated day is the same on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Calls and starts the next ticket at a clerk's window. */
function serveNext(clerk: string, categoryId: string, itemCode: string): string {
  tick();
  expect(h.hall.execute({ type: 'ticket:issue', categoryId, itemCode, source: 'kiosk' }).ok).toBe(true);
  const windowId = WINDOW_OF[clerk]!;
  expect(h.hall.execute({ type: 'ticket:call-next', windowId }).ok).toBe(true);
  expect(h.hall.execute({ type: 'ticket:start', windowId }).ok).toBe(true);
  return h.hall.queue.window(windowId)!.ticketId!;
}

function slip(clerk: string, ticketId: string, kind: 'acceptance' | 'completion' | 'rejection') {
  tick();
  const r = h.slips.issue(actor(clerk), {
    ticketId,
    kind,
    applicantName: '张三',
    contactPhone: '13800000000',
    print: false,
    ...(kind === 'rejection' ? { reasons: ['不属于本中心受理范围'] } : {}),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.data;
}

let pageNo = 0;
/** A capture of `pages` pages of one material (the case file's fact, issue #15 points 1–2). */
function capture(clerk: string, caseId: string, material: string, pages: number): string[] {
  tick();
  const list = Array.from({ length: pages }, () => ({
    sha256: (++pageNo).toString(16).padStart(64, '0'),
    mime: 'image/jpeg' as const,
    bytes: 1000,
  }));
  const r = h.hall.run({ type: 'test:capture' }, (uow) => {
    uow.append([
      {
        type: 'case:material-captured',
        caseId,
        material,
        pages: list,
        source: 'camera',
        by: clerk,
      } as unknown as EventBody,
    ]);
  });
  expect(r.ok).toBe(true);
  return list.map((p) => p.sha256);
}

function raw(fact: Record<string, unknown>): void {
  tick();
  expect(h.hall.run({ type: 'test:inject' }, (uow) => uow.append([fact as unknown as EventBody])).ok).toBe(
    true,
  );
}

function step(who: string, type: string, caseId: string, note: string | null = null): void {
  tick();
  const r = h.cases.step({ id: who, roles: PEOPLE[who]! }, {
    type,
    caseId,
    note,
    missingMaterials: [],
  } as Parameters<Hall['cases']['step']>[1]);
  if (!r.ok) throw new Error(`${type}: ${JSON.stringify(r.error)}`);
}

const requiredOf = (code: string, opts: { acceptedBySlip?: boolean } = {}) =>
  demoCatalog()
    .find((i) => i.code === code)!
    // A case accepted through a slip has the materials the hall fetches itself waived already (MAT-CAP-4).
    .guide!.materials.filter((m) => m.required && !(opts.acceptedBySlip && m.sharedData === true))
    .map((m) => m.name);

/** What the test itself knows it did: the independent recount the reconciliation is checked against. */
interface Ledger {
  expected: Map<string, Set<string>>;
  counts: Map<string, Record<string, number>>;
  handedOut: Map<string, string[]>;
}

/**
 * A day of three comprehensive clerks and a rights clerk, seeded: each accepts cases (most with
 * every required material captured), serves instant business and refusals, and counts their paper;
 * the rights clerk hands results back. Known discrepancies are injected and written into the ledger.
 */
function simulateDay(seed: number): Ledger {
  const rand = rng(seed);
  const L: Ledger = { expected: new Map(), counts: new Map(), handedOut: new Map() };
  const expect_ = (clerk: string, kind: DiscrepancyKind, ref: string, sub = '') =>
    (L.expected.get(clerk) ?? L.expected.set(clerk, new Set()).get(clerk)!).add(
      `${kind}:${ref}${sub === '' ? '' : `:${sub}`}`,
    );
  const count = (clerk: string, ref: string, n: number) => {
    (L.counts.get(clerk) ?? L.counts.set(clerk, {}).get(clerk)!)[ref] = n;
  };
  const forHandBack: string[] = [];
  for (const clerk of ['clerk-a', 'clerk-b', 'clerk-c']) {
    const n = 4 + Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) {
      const r = rand();
      if (r < 0.6) {
        const item = rand() < 0.5 ? CARD : UNEMPLOYMENT;
        const ticketId = serveNext(clerk, 'A', item);
        const s = slip(clerk, ticketId, 'acceptance');
        const caseId = s.case!.id;
        let pages = 0;
        const required = requiredOf(item, { acceptedBySlip: true });
        // One required material in six is left out: material-missing, named.
        const skip = rand() < 1 / 6 ? required[Math.floor(rand() * required.length)] : undefined;
        for (const m of required) {
          if (m === skip) {
            expect_(clerk, 'material-missing', caseId, m);
            continue;
          }
          const k = 1 + Math.floor(rand() * 3);
          capture(clerk, caseId, m, k);
          pages += k;
        }
        // One count in five is off by one, one in ten never entered.
        const c = rand();
        if (c < 0.1) expect_(clerk, 'not-counted', caseId);
        else if (c < 0.3) {
          count(clerk, caseId, pages + 1);
          expect_(clerk, 'count-differs', caseId);
        } else count(clerk, caseId, pages);
        if (item === CARD && skip === undefined && forHandBack.length < 3) forHandBack.push(caseId);
      } else if (r < 0.85) {
        const ticketId = serveNext(clerk, 'A', INSTANT);
        const s = slip(clerk, ticketId, 'completion');
        // MAT-INSTANT-1: the completion opened the item's instant case file; its materials are captured.
        for (const m of requiredOf(INSTANT, { acceptedBySlip: true })) capture(clerk, s.number, m, 1);
        count(clerk, s.number, requiredOf(INSTANT, { acceptedBySlip: true }).length);
      } else {
        const ticketId = serveNext(clerk, 'A', INSTANT);
        slip(clerk, ticketId, 'rejection');
      }
    }
  }
  // Injected: a case of clerk-a with no acceptance receipt; a receipt of clerk-b with no case;
  // a ticket clerk-c finished as accepted with no case.
  raw({
    type: 'case:accepted',
    caseId: 'SL202611269901',
    ticketId: 't-ghost-1',
    ticketNumber: 'A9901',
    itemCode: CARD,
    itemName: '社会保障卡申领',
    reviewLevels: 1,
    deadline: '2026-12-10',
    workingDays: 10,
    receivedMaterials: [],
    by: 'clerk-a',
    note: null,
    to: 'accepted',
  });
  for (const m of requiredOf(CARD)) capture('clerk-a', 'SL202611269901', m, 1);
  count('clerk-a', 'SL202611269901', requiredOf(CARD).length);
  expect_('clerk-a', 'case-without-slip', 'SL202611269901');
  raw({
    type: 'slip:issued',
    number: 'SL202611269902',
    kind: 'acceptance',
    ticketId: 't-ghost-2',
    caseId: null,
    itemCode: CARD,
    windowId: 'w2',
    by: 'clerk-b',
    printedOn: null,
    printJobId: null,
  });
  count('clerk-b', 'SL202611269902', 0);
  expect_('clerk-b', 'slip-without-case', 'SL202611269902', 'SL202611269902');
  const bare = serveNext('clerk-c', 'A', CARD);
  tick();
  expect(h.hall.execute({ type: 'ticket:finish', windowId: 'w4', outcome: 'accepted' }).ok).toBe(true);
  expect_('clerk-c', 'accepted-without-case', bare);

  // The rights clerk hands back results: one is not declared, one declared result has no fact.
  for (const caseId of forHandBack) {
    step('rev-1', 'case:start-review', caseId);
    step('rev-1', 'case:approve', caseId);
    step('rights-1', 'case:ready', caseId);
    step('rights-1', 'case:hand-back', caseId, '本人领取');
  }
  expect(forHandBack.length).toBeGreaterThanOrEqual(2);
  const declared = forHandBack.slice(1);
  expect_('rights-1', 'handback-undeclared', forHandBack[0]!, '');
  declared.push('SL202611260000');
  expect_('rights-1', 'handout-unrecorded', 'SL202611260000');
  L.handedOut.set('rights-1', declared);
  return L;
}

function enterCounts(L: Ledger): void {
  for (const clerk of ['clerk-a', 'clerk-b', 'clerk-c', 'rights-1']) {
    const r = h.recon.count(actor(clerk), DAY, {
      counts: L.counts.get(clerk) ?? {},
      handedOut: L.handedOut.get(clerk) ?? [],
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
  }
}

describe('日结轧账 (SPEC REC-*)', () => {
  it.each([7, 1234, 99])(
    'REC-1 REC-2 a seeded day (seed %i): each clerk’s reconciliation finds exactly the injected discrepancies',
    (seed) => {
      const L = simulateDay(seed);
      enterCounts(L);
      let total = 0;
      for (const clerk of ['clerk-a', 'clerk-b', 'clerk-c', 'rights-1']) {
        const v = h.recon.view(clerk, DAY);
        expect(v.ok).toBe(true);
        if (!v.ok) continue;
        const found = new Set(v.data.discrepancies.map((d) => d.key));
        expect([...found].sort(), clerk).toEqual([...(L.expected.get(clerk) ?? [])].sort());
        total += found.size;
      }
      // The seeds are chosen so that the day does show discrepancies of several kinds.
      expect(total).toBeGreaterThanOrEqual(5);
      const kinds = new Set([...L.expected.values()].flatMap((s) => [...s].map((k) => k.split(':')[0])));
      expect(kinds.size).toBeGreaterThanOrEqual(5);
    },
  );

  it('REC-2 a day with nothing off has no discrepancy, and a rejection needs no count', () => {
    const t1 = serveNext('clerk-a', 'A', CARD);
    const caseId = slip('clerk-a', t1, 'acceptance').case!.id;
    const req = requiredOf(CARD);
    for (const m of req) capture('clerk-a', caseId, m, 2);
    const t2 = serveNext('clerk-a', 'A', INSTANT);
    slip('clerk-a', t2, 'rejection');
    expect(
      h.recon.count(actor('clerk-a'), DAY, { counts: { [caseId]: req.length * 2 }, handedOut: [] }).ok,
    ).toBe(true);
    const v = h.recon.view('clerk-a', DAY);
    expect(v.ok && v.data.discrepancies).toEqual([]);
    expect(v.ok && v.data.entries.map((e) => e.pagesCaptured)).toEqual([req.length * 2, null]);
  });

  it('REC-3 REC-4 REC-5 sign with explanations, countersign locks, a later fact reopens visibly', () => {
    const L = simulateDay(7);
    enterCounts(L);
    const v = h.recon.view('clerk-a', DAY);
    if (!v.ok) throw new Error('view');
    expect(v.data.discrepancies.length).toBeGreaterThan(0);
    // Unexplained: refused, naming what is missing in Chinese.
    const refused = h.recon.sign(actor('clerk-a'), DAY, []);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('BAD_REQUEST');
      expect(refused.error.issues?.length).toBe(v.data.discrepancies.length);
      expect(refused.error.messageZh).toMatch(/未说明差异/);
    }
    // An explanation with a phone number is refused (SEC-TXT-2).
    const withPhone = h.recon.sign(
      actor('clerk-a'),
      DAY,
      v.data.discrepancies.map((d) => ({ key: d.key, note: '已电话联系 13800138000' })),
    );
    expect(withPhone.ok).toBe(false);
    const seq = h.hall.queue.lastSeq;
    const signed = h.recon.sign(
      actor('clerk-a'),
      DAY,
      v.data.discrepancies.map((d) => ({ key: d.key, note: `已核实：${d.kind}` })),
    );
    expect(signed.ok && signed.data.status).toBe('signed');
    expect(h.hall.queue.lastSeq).toBe(seq + 1);
    // Counting after signing is refused; only a manager countersigns, never the clerk themself.
    expect(h.recon.count(actor('clerk-a'), DAY, { counts: {}, handedOut: [] }).ok).toBe(false);
    const self = h.recon.countersign({ id: 'clerk-a', roles: ['clerk', 'manager'] }, 'clerk-a', DAY, null);
    expect(!self.ok && self.error.code).toBe('DUTY_CONFLICT');
    const locked = h.recon.countersign(actor('mgr-1'), 'clerk-a', DAY, null);
    expect(locked.ok && locked.data.status).toBe('locked');
    expect(h.recon.countersign(actor('mgr-1'), 'clerk-a', DAY, null).ok).toBe(false);
    // The others are untouched by clerk-a's lock.
    const ov = h.recon.overview(DAY);
    expect(ov.ok && Object.fromEntries(ov.data.map((r) => [r.clerkId, r.status]))).toMatchObject({
      'clerk-a': 'locked',
      'clerk-b': 'open',
      'clerk-c': 'open',
      'rights-1': 'open',
    });

    // A page of one of clerk-a's cases captured the next morning: the day reopens, naming it.
    now += 86_400_000;
    const caseOfA = v.data.entries.find((e) => e.caseId !== null && e.roles.includes('accepted'))!.caseId!;
    capture('clerk-b', caseOfA, requiredOf(CARD)[0]!, 1);
    const after = h.recon.view('clerk-a', DAY);
    if (!after.ok) throw new Error('view');
    expect(after.data.status).toBe('open');
    expect(after.data.day?.reopened).toHaveLength(1);
    expect(after.data.day?.reopened[0]).toMatchObject({
      causeType: 'case:material-captured',
      causeBy: 'clerk-b',
    });
    const reopenFact = store.events(after.data.day!.reopened[0]!.seq, after.data.day!.reopened[0]!.seq)[0]!;
    expect(reopenFact).toMatchObject({ type: 'recon:reopened', clerkId: 'clerk-a', businessDay: DAY });
    // The cause and its reopening committed in the same unit, one after the other.
    expect(after.data.day!.reopened[0]!.seq).toBe(after.data.day!.reopened[0]!.causeSeq + 1);
    // A fact on someone else's business reopens nothing.
    const t = serveNext('clerk-c', 'A', INSTANT);
    slip('clerk-c', t, 'completion');
    expect(h.recon.view('clerk-a', DAY).ok && store.recon.get('clerk-a', DAY)?.reopened).toHaveLength(1);
  });

  it('REC-5 a fact of the clerk’s own on the same day after signing reopens it', () => {
    const t1 = serveNext('clerk-a', 'A', INSTANT);
    const s = slip('clerk-a', t1, 'completion');
    const pages = requiredOf(INSTANT, { acceptedBySlip: true });
    for (const m of pages) capture('clerk-a', s.number, m, 1);
    expect(
      h.recon.count(actor('clerk-a'), DAY, { counts: { [s.number]: pages.length }, handedOut: [] }).ok,
    ).toBe(true);
    expect(h.recon.sign(actor('clerk-a'), DAY, []).ok).toBe(true);
    const t2 = serveNext('clerk-a', 'A', INSTANT);
    slip('clerk-a', t2, 'completion');
    const day = store.recon.get('clerk-a', DAY)!;
    expect(day.status).toBe('open');
    // The completion's first fact of the clerk's: the instant case file it opens (MAT-INSTANT-1).
    expect(day.reopened[0]?.causeType).toBe('case:accepted');
    // The new slip is now a discrepancy (not counted) until counted again, and its instant case
    // file misses each material nobody captured yet (MAT-INSTANT-4).
    const v = h.recon.view('clerk-a', DAY);
    expect(v.ok && v.data.discrepancies.map((d) => d.kind)).toEqual([
      ...pages.map(() => 'material-missing'),
      'not-counted',
    ]);
  });

  it('REC-3 a count for business that is not the clerk’s is refused; the days survive a restart', () => {
    const L = simulateDay(1234);
    enterCounts(L);
    const other = [...Object.keys(L.counts.get('clerk-b') ?? {})][0]!;
    const r = h.recon.count(actor('clerk-a'), DAY, { counts: { [other]: 1 }, handedOut: [] });
    expect(!r.ok && r.error.code).toBe('BAD_REQUEST');
    const before = store.recon.ofDay(DAY);
    store.close();
    store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
    h = composeHall({ store, logger: pino({ level: 'silent' }), clock: { now: () => now } });
    expect(store.recon.ofDay(DAY)).toEqual(before);
  });
});
