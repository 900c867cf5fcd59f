import type { Ticket } from '@onewindow/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lanesOfWindow, QueueEngine } from './engine.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import { Hall, idBornOn, MIN, WINDOWS } from './test-factory.ts';
import type { Command, EngineSnapshot, HallSettings, QueuePolicy } from './types.ts';

/**
 * Random command sequences against the engine, checked after every step against invariants
 * and against a deliberately naive reference of the ordering rules (a linear scan with its
 * own comparator), so the heaps and lanes are tested by something that shares no code.
 */

const WINDOW_IDS = WINDOWS.map((w) => w.id);

type Step =
  | { k: 'issue'; cat: string; who: 'regular' | 'senior' | 'military' | 'online' }
  | {
      k: 'win';
      w: string;
      op: 'call' | 'recall' | 'start' | 'noshow' | 'finish' | 'park' | 'pause' | 'resume';
    }
  | {
      k: 'ticket';
      i: number;
      op:
        | 'resume'
        | 'reinstate'
        | 'cancel'
        | 'front'
        | 'pin'
        | 'class'
        | 'transfer'
        | 'rate'
        | 'confirm'
        | 'lapse';
      w: string;
      cat: string;
    }
  | { k: 'tick'; ms: number }
  | { k: 'close' };

const stepArb = (withOverrides: boolean, withClose: boolean): fc.Arbitrary<Step> => {
  // MOB-Q-2/3: online tickets are confirmed (often) or lapse (when their deadline has passed).
  const ticketOps = withOverrides
    ? ([
        'resume',
        'reinstate',
        'cancel',
        'front',
        'pin',
        'class',
        'transfer',
        'rate',
        'confirm',
        'confirm',
        'lapse',
      ] as const)
    : (['resume', 'cancel', 'confirm', 'confirm', 'lapse'] as const);
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        k: fc.constant('issue' as const),
        cat: fc.constantFrom('A', 'B', 'C'),
        who: fc.constantFrom('regular', 'regular', 'senior', 'military', 'online'),
      }),
    },
    {
      weight: 10,
      arbitrary: fc.record({
        k: fc.constant('win' as const),
        w: fc.constantFrom(...WINDOW_IDS),
        op: fc.constantFrom(
          'call',
          'call',
          'call',
          'recall',
          'start',
          'start',
          'noshow',
          'finish',
          'finish',
          'park',
          'pause',
          'resume',
        ),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant('ticket' as const),
        i: fc.nat(60),
        op: fc.constantFrom(...ticketOps),
        w: fc.constantFrom(...WINDOW_IDS),
        cat: fc.constantFrom('A', 'B', 'C'),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({ k: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 8 * MIN }) }),
    },
    { weight: withClose ? 1 : 0, arbitrary: fc.constant({ k: 'close' as const }) },
  );
};

/**
 * `finished`: tickets finished so far, the ones a rating usually targets; `online`: online
 * tickets issued so far, the ones a confirmation or a lapse usually targets.
 */
function toCommand(step: Step, ids: string[], finished: string[], online: string[] = []): Command | null {
  switch (step.k) {
    case 'issue':
      return step.who === 'senior'
        ? { type: 'ticket:issue', categoryId: step.cat, source: 'kiosk', idNumber: idBornOn('19500101') }
        : step.who === 'military'
          ? {
              type: 'ticket:issue',
              categoryId: step.cat,
              source: 'guide',
              priorityClass: 'military',
              by: 'g',
              reason: '证件已核验',
            }
          : step.who === 'online'
            ? {
                type: 'ticket:issue',
                categoryId: step.cat,
                source: 'online',
                holder: { masked: '', senior: false, ref: null },
              }
            : { type: 'ticket:issue', categoryId: step.cat, source: 'kiosk' };
    case 'win': {
      const windowId = step.w;
      switch (step.op) {
        case 'call':
          return { type: 'ticket:call-next', windowId };
        case 'recall':
          return { type: 'ticket:recall', windowId };
        case 'start':
          return { type: 'ticket:start', windowId };
        case 'noshow':
          return { type: 'ticket:no-show', windowId };
        case 'finish':
          return { type: 'ticket:finish', windowId, outcome: 'completed' };
        case 'park':
          return { type: 'ticket:park', windowId, note: '取材料' };
        case 'pause':
          return { type: 'window:pause', windowId, reason: 'away' };
        case 'resume':
          return { type: 'window:resume', windowId };
      }
      return null;
    }
    case 'ticket': {
      const ticketId = ids[step.i % Math.max(ids.length, 1)];
      if (ticketId === undefined) return null;
      const who = { by: 'guide1', reason: '现场调整' };
      switch (step.op) {
        case 'resume':
          return { type: 'ticket:resume', ticketId, windowId: step.w };
        case 'reinstate':
          return { type: 'ticket:reinstate', ticketId, by: 'guide1' };
        case 'cancel':
          return { type: 'ticket:cancel', ticketId, ...who };
        case 'front':
          return { type: 'ticket:override', ticketId, action: { kind: 'front' }, ...who };
        case 'pin':
          return { type: 'ticket:override', ticketId, action: { kind: 'pin', windowId: step.w }, ...who };
        case 'class':
          return {
            type: 'ticket:override',
            ticketId,
            action: { kind: 'class', priorityClass: 'disability' },
            ...who,
          };
        case 'transfer':
          return step.i % 3 === 0
            ? { type: 'ticket:transfer', ticketId, to: { post: 'rights' }, by: 'c', note: '转岗' }
            : { type: 'ticket:transfer', ticketId, to: { categoryId: step.cat }, by: 'c', note: '转类' };
        case 'confirm':
        case 'lapse': {
          // Mostly one of the last few online tickets (likely still unconfirmed), else any ticket.
          const target =
            step.i % 5 === 0 || online.length === 0
              ? ticketId
              : online[Math.max(0, online.length - 1 - (step.i % 3))]!;
          return step.op === 'confirm'
            ? { type: 'ticket:confirm', ticketId: target, by: 'guide1' }
            : { type: 'ticket:lapse', ticketId: target };
        }
        case 'rate':
          // RAT-1: mostly a finished ticket (rated or not), else any; any level 1–5.
          return {
            type: 'ticket:rate',
            ticketId:
              step.i % 4 === 0 || finished.length === 0 ? ticketId : finished[step.i % finished.length]!,
            level: (step.i % 5) + 1,
            reasons: step.i % 2 === 0 ? [] : ['waiting', 'attitude'],
            channel: 'pad',
          };
      }
      return null;
    }
    case 'close':
      return { type: 'day:close', by: 'manager', reason: '日终' };
    case 'tick':
      return null;
  }
}

/** The reference order, written independently of the engine's comparator. */
function refCompare(a: Ticket, b: Ticket): number {
  const ta = a.front ? 0 : 1;
  const tb = b.front ? 0 : 1;
  if (ta !== tb) return ta - tb;
  const ka = a.front ? a.front.at : a.orderKey;
  const kb = b.front ? b.front.at : b.orderKey;
  return ka !== kb ? ka - kb : a.tieBreak - b.tieBreak;
}

/** MOB-Q-2: waiting and, if it came online, confirmed at the hall. */
const callable = (t: Ticket): boolean => t.status === 'waiting' && t.confirmBy === undefined;

function refEligible(s: EngineSnapshot, windowId: string, t: Ticket): boolean {
  const w = s.windows.find((x) => x.id === windowId)!;
  if (t.pinnedWindowId !== null) return t.pinnedWindowId === w.id;
  if (t.requiredPost !== null) return t.requiredPost === w.post;
  return w.categoryIds.includes(t.categoryId);
}

function refPick(s: EngineSnapshot, windowId: string, now: number): Ticket | undefined {
  const eligible = s.tickets.filter((t) => callable(t) && refEligible(s, windowId, t)).sort(refCompare);
  const policy = s.config!.settings.policy;
  const first = eligible[0];
  if (!first || policy.kind === 'virtual-arrival' || first.front) return first;
  const p = eligible.find((t) => t.priorityClass !== 'regular');
  const r = eligible.find((t) => t.priorityClass === 'regular');
  if (!p || !r) return first;
  if (policy.kind === 'tail-guard') {
    const protectedR =
      (now - r.arrivedAt) * policy.sharePercent >= (now - p.arrivedAt) * 100 ||
      p.arrivedAt - r.arrivedAt > policy.maxBonusSeconds * 1000;
    return protectedR ? r : p;
  }
  return s.priorityStreak >= policy.maxPriorityInRow && now - r.arrivedAt > policy.regularWaitSeconds * 1000
    ? r
    : p;
}

function checkInvariants(s: EngineSnapshot): void {
  // Q-ELG-2: windows and held tickets point at each other, one to one.
  const held = s.tickets.filter((t) => t.status === 'called' || t.status === 'serving');
  const holders = s.windows.filter((w) => w.ticketId !== null);
  expect(holders.length).toBe(held.length);
  for (const w of holders) {
    const t = s.tickets.find((x) => x.id === w.ticketId)!;
    expect(t.windowId).toBe(w.id);
    expect(['called', 'serving']).toContain(t.status);
  }
  expect(new Set(holders.map((w) => w.ticketId)).size).toBe(holders.length);
  // Q-NUM-2: numbers of a category on a day are 1..n, no duplicates.
  const byCat = new Map<string, number[]>();
  for (const t of s.tickets)
    byCat.set(`${t.businessDay}/${t.categoryId}/${t.number[0]}`, [
      ...(byCat.get(`${t.businessDay}/${t.categoryId}/${t.number[0]}`) ?? []),
      t.seq,
    ]);
  for (const t of s.tickets) expect(t.number.endsWith(String(t.seq).padStart(3, '0'))).toBe(true);
  const ids = s.tickets.map((t) => t.id);
  expect(new Set(ids).size).toBe(ids.length);
  // MOB-Q-2: only a waiting ticket may await confirmation, and no other source ever does.
  for (const t of s.tickets)
    if (t.confirmBy !== undefined) {
      expect(t.status).toBe('waiting');
      expect(t.source).toBe('online');
    }
  // RAT-1, RAT-3: only finished tickets are rated; a finished one names the clerk of its window.
  for (const t of s.tickets) {
    if (t.rating !== null) expect(t.status).toBe('done');
    if (t.status === 'done') expect(t.servedBy).toBe(`clerk-${t.windowId}`);
  }
}

interface RunStats {
  calls: number;
  ratings: number;
  /** Online tickets called (after their confirmation) and lapsed. */
  onlineCalls: number;
  lapses: number;
}

function runSequence(
  steps: Step[],
  settings: Partial<HallSettings>,
  onCall?: (ctx: CallContext) => void,
): RunStats {
  const h = new Hall(settings);
  const ids: string[] = [];
  const finished: string[] = [];
  const online: string[] = [];
  const touched = new Set<string>(); // tickets moved by a guide, reinstated or transferred
  let calls = 0;
  let ratings = 0;
  let onlineCalls = 0;
  let lapses = 0;
  for (const step of steps) {
    if (step.k === 'tick') {
      h.tick(step.ms);
      continue;
    }
    if (step.k === 'close') {
      h.run({ type: 'day:close', by: 'manager', reason: '日终' });
      h.tick(24 * 60 * MIN);
      // A new morning: the clerks sign on again.
      for (const windowId of WINDOW_IDS)
        h.run({ type: 'window:open', windowId, clerkId: `clerk-${windowId}` });
      continue;
    }
    const cmd = toCommand(step, ids, finished, online);
    if (cmd === null) continue;
    const before = h.engine.snapshot();
    const expected =
      cmd.type === 'ticket:call-next'
        ? refPick(afterAutoNoShow(before, cmd.windowId), cmd.windowId, h.now)
        : undefined;
    const r = h.run(cmd);
    if (!r.ok) {
      // Q-LOG-1: a refusal changes nothing.
      expect(h.engine.snapshot()).toEqual(before);
      continue;
    }
    for (const ev of r.events) {
      if (ev.type === 'ticket:issued') ids.push(ev.ticket.id);
      if (ev.type === 'ticket:issued' && ev.ticket.source === 'online') online.push(ev.ticket.id);
      if (ev.type === 'ticket:finished') finished.push(ev.ticketId);
      if (ev.type === 'ticket:rated') ratings++;
      if (ev.type === 'ticket:cancelled' && cmd.type === 'ticket:lapse') lapses++;
      if (
        ev.type === 'ticket:priority-overridden' ||
        ev.type === 'ticket:reinstated' ||
        ev.type === 'ticket:transferred'
      )
        touched.add(ev.ticketId);
      if (ev.type === 'ticket:called') {
        calls++;
        const was = before.tickets.find((t) => t.id === ev.ticketId)!;
        // MOB-Q-2: never called before its confirmation.
        expect(was.confirmBy).toBeUndefined();
        if (was.source === 'online') onlineCalls++;
        // Q-ORD-1 / Q-ORD-4 against the reference.
        expect(ev.ticketId).toBe(expected?.id);
        onCall?.({
          before: afterAutoNoShow(before, ev.windowId),
          called: before.tickets.find((t) => t.id === ev.ticketId)!,
          windowId: ev.windowId,
          now: h.now,
          touched,
        });
      }
    }
    checkInvariants(h.engine.snapshot());
  }
  // Q-LOG-2: the log replays to the live state; the snapshot loads to it too.
  const live = h.engine.snapshot();
  expect(QueueEngine.fromEvents(h.log).snapshot()).toEqual(live);
  expect(QueueEngine.fromSnapshot(live).snapshot()).toEqual(live);
  return { calls, ratings, onlineCalls, lapses };
}

/** The state a call-next decides on: an exhausted called ticket at the window is a no-show first. */
function afterAutoNoShow(s: EngineSnapshot, windowId: string): EngineSnapshot {
  const w = s.windows.find((x) => x.id === windowId);
  if (!w?.ticketId) return s;
  const copy = structuredClone(s);
  const t = copy.tickets.find((x) => x.id === w.ticketId)!;
  if (t.status === 'called') t.status = 'no-show';
  return copy;
}

interface CallContext {
  before: EngineSnapshot;
  called: Ticket;
  windowId: string;
  now: number;
  touched: Set<string>;
}

const policies: QueuePolicy[] = [
  { kind: 'virtual-arrival' },
  { kind: 'interleave', maxPriorityInRow: 2, regularWaitSeconds: 600 },
  { kind: 'tail-guard', sharePercent: 50, maxBonusSeconds: 600 },
];

describe('engine properties over random command sequences', () => {
  for (const policy of policies) {
    it(`Q-ELG-2 Q-LOG-1 Q-LOG-2 Q-ORD-1 Q-ORD-4 RAT-1 RAT-3 MOB-Q-2 MOB-Q-3 invariants and reference order hold (${policy.kind})${policy.kind === 'tail-guard' ? ' Q-ORD-7' : ''}`, () => {
      let totalCalls = 0;
      let totalRatings = 0;
      let onlineCalls = 0;
      let lapses = 0;
      fc.assert(
        fc.property(
          fc.array(stepArb(true, true), { minLength: 40, maxLength: 200, size: 'max' }),
          (steps) => {
            const stats = runSequence(steps, {
              policy,
              maxRecalls: 1,
              reinstatePlaces: 2,
              // Short enough that some online tickets lapse between the steps' ticks.
              online: { confirmMinutes: 10, aheadNotice: 3, ratingDays: 7 },
            });
            totalCalls += stats.calls;
            totalRatings += stats.ratings;
            onlineCalls += stats.onlineCalls;
            lapses += stats.lapses;
          },
        ),
        { numRuns: 250, seed: 20261126 },
      );
      // The generator must actually exercise calling (and rating), or the property says nothing.
      expect(totalCalls).toBeGreaterThan(800);
      expect(totalRatings).toBeGreaterThan(0);
      // … and online tickets must be both confirmed-then-called and lapsed (MOB-Q-2, MOB-Q-3).
      expect(onlineCalls).toBeGreaterThan(10);
      expect(lapses).toBeGreaterThan(0);
    });
  }

  it('Q-ORD-2 FIFO within a class and lane', () => {
    fc.assert(
      fc.property(fc.array(stepArb(true, false), { minLength: 40, maxLength: 200, size: 'max' }), (steps) => {
        runSequence(steps, {}, ({ before, called, windowId, touched }) => {
          if (touched.has(called.id)) return;
          const w = before.windows.find((x) => x.id === windowId)!;
          const lanes = lanesOfWindow(w);
          const laneOfT = (t: Ticket) =>
            t.pinnedWindowId
              ? `w:${t.pinnedWindowId}`
              : t.requiredPost
                ? `p:${t.requiredPost}`
                : `c:${t.categoryId}`;
          expect(lanes).toContain(laneOfT(called));
          for (const t of before.tickets) {
            if (!callable(t) || touched.has(t.id) || t.id === called.id) continue;
            if (t.priorityClass !== called.priorityClass || laneOfT(t) !== laneOfT(called)) continue;
            expect(
              t.arrivedAt > called.arrivedAt ||
                (t.arrivedAt === called.arrivedAt && t.tieBreak > called.tieBreak),
            ).toBe(true);
          }
        });
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('Q-ORD-3 no starvation: a regular is never overtaken by someone who came more than the max bonus later', () => {
    const maxBonusMs = Math.max(...Object.values(DEFAULT_SETTINGS.bonusSeconds)) * 1000;
    let overtakes = 0;
    fc.assert(
      fc.property(
        fc.array(stepArb(false, false), { minLength: 40, maxLength: 200, size: 'max' }),
        (steps) => {
          runSequence(steps, {}, ({ before, called, windowId }) => {
            for (const r of before.tickets) {
              if (!callable(r) || r.priorityClass !== 'regular' || !refEligible(before, windowId, r))
                continue;
              if (called.arrivedAt > r.arrivedAt) overtakes++;
              expect(called.arrivedAt).toBeLessThanOrEqual(r.arrivedAt + maxBonusMs);
            }
          });
        },
      ),
      { numRuns: 150, seed: 11 },
    );
    // Seniors and military did overtake regulars: the bound was exercised, not vacuous.
    expect(overtakes).toBeGreaterThan(50);
  });

  it('Q-ORD-4 interleave: never more than k priority calls in a row while an eligible regular waits beyond T', () => {
    const k = 2;
    const T = 300;
    let forced = 0;
    fc.assert(
      fc.property(
        fc.array(stepArb(false, false), { minLength: 40, maxLength: 200, size: 'max' }),
        (steps) => {
          runSequence(
            steps,
            { policy: { kind: 'interleave', maxPriorityInRow: k, regularWaitSeconds: T } },
            ({ before, called, windowId, now }) => {
              const overdueRegular = before.tickets
                .filter(
                  (t) => callable(t) && t.priorityClass === 'regular' && refEligible(before, windowId, t),
                )
                .sort(refCompare)[0];
              if (overdueRegular && now - overdueRegular.arrivedAt > T * 1000 && before.priorityStreak >= k) {
                forced++;
                expect(called.priorityClass).toBe('regular');
              }
            },
          );
        },
      ),
      { numRuns: 150, seed: 13 },
    );
    expect(forced).toBeGreaterThan(0);
  });

  it('Q-ORD-7 tail guard: a regular is passed only by a later arrival within the bound, and never once it has waited 100/share times as long as the priority ticket', () => {
    const share = 50;
    const maxBonusSeconds = 600;
    let passed = 0;
    fc.assert(
      fc.property(
        fc.array(stepArb(false, false), { minLength: 40, maxLength: 200, size: 'max' }),
        (steps) => {
          runSequence(
            steps,
            { policy: { kind: 'tail-guard', sharePercent: share, maxBonusSeconds } },
            ({ before, called, windowId, now }) => {
              if (called.priorityClass === 'regular') return;
              for (const r of before.tickets) {
                if (!callable(r) || r.priorityClass !== 'regular' || !refEligible(before, windowId, r))
                  continue;
                if (r.front !== null || called.front !== null) continue;
                passed++;
                // Overtaking stays bounded: never by someone who came more than the bound later …
                expect(called.arrivedAt).toBeLessThanOrEqual(r.arrivedAt + maxBonusSeconds * 1000);
                // … and the longest-waiting regulars are not passed at all.
                expect((now - r.arrivedAt) * share).toBeLessThan((now - called.arrivedAt) * 100);
              }
            },
          );
        },
      ),
      { numRuns: 150, seed: 17 },
    );
    expect(passed).toBeGreaterThan(50);
  }, 120_000);
});
