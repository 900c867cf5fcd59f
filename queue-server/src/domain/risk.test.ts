import type { HallEvent, RiskRule } from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../service/calendar.ts';
import {
  blockingFindings,
  observe,
  type RiskContext,
  startRiskState,
  tick,
  WAIT_ENDED_NOTE,
} from './risk.ts';
import { hallConfig, T0 } from './test-factory.ts';

const MIN = 60_000;
const cal = new WorkingCalendar();
const ctx: RiskContext = {
  addWorkingDays: (d, n) => cal.addWorkingDays(d, n),
  isWorkingDay: (d) => cal.isWorkingDay(d),
};

/** Facts with seqs and times, as a log would hold them. */
function log() {
  let seq = 0;
  return (at: number, body: Record<string, unknown>) => ({ ...body, seq: ++seq, at }) as unknown as HallEvent;
}

const rule = (r: Partial<RiskRule> & Pick<RiskRule, 'kind' | 'thresholds'>): RiskRule =>
  ({ id: `R-${r.kind.toUpperCase()}`, riskCode: 'CZ-01', mode: 'warn', enabled: true, ...r }) as RiskRule;

function monitor(rules: RiskRule[]) {
  const s = startRiskState();
  const at = log();
  /** Every fact the monitor returns for a fact (alerts raised, and long waits it closes). */
  const feedAll = (t: number, body: Record<string, unknown>) => observe(s, at(t, body), ctx);
  /** The alerts a fact raises. */
  const feed = (t: number, body: Record<string, unknown>) =>
    feedAll(t, body).filter(
      (f): f is Extract<typeof f, { type: 'risk:alert-raised' }> => f.type === 'risk:alert-raised',
    );
  feed(T0, { type: 'hall:configured', config: hallConfig(), by: 'admin' });
  feed(T0, { type: 'risk:rules-published', version: 1, rules, by: 'admin' });
  return { s, feed, feedAll };
}

const accepted = (caseId: string, by: string) => ({
  type: 'case:accepted',
  caseId,
  by,
  note: null,
  to: 'accepted',
  ticketId: 't1',
  ticketNumber: 'A001',
  itemCode: 'X',
  itemName: 'X',
  reviewLevels: 1,
  deadline: '2026-11-27',
  workingDays: 1,
  receivedMaterials: [],
});

describe('the pure risk monitor (RISK-EVAL-1, RISK-EVAL-3, RISK-EVAL-4, RISK-RULE-1)', () => {
  it('case-fast-approval: approved 10 minutes after acceptance alerts, 40 minutes does not', () => {
    const { feed } = monitor([rule({ kind: 'case-fast-approval', thresholds: { minMinutes: 30 } })]);
    feed(T0, accepted('SL-1', 'c1'));
    feed(T0, accepted('SL-2', 'c1'));
    const fast = feed(T0 + 10 * MIN, {
      type: 'case:reviewed',
      caseId: 'SL-1',
      by: 'r1',
      note: null,
      to: 'approved',
    });
    const slow = feed(T0 + 40 * MIN, {
      type: 'case:reviewed',
      caseId: 'SL-2',
      by: 'r1',
      note: null,
      to: 'approved',
    });
    expect(fast.map((a) => a.subject)).toEqual([{ kind: 'case', id: 'SL-1' }]);
    expect(slow).toEqual([]);
  });

  it('case-two-steps in block mode is found before the fact, and only for a second level', () => {
    const { s, feed } = monitor([rule({ kind: 'case-two-steps', mode: 'block', thresholds: {} })]);
    feed(T0, accepted('SL-1', 'c1'));
    const at = log();
    const supplement = at(T0, {
      type: 'case:supplemented',
      caseId: 'SL-1',
      by: 'c1',
      note: null,
      to: 'accepted',
      materials: [],
    });
    expect(blockingFindings(s, supplement, ctx)).toEqual([]);
    const ready = at(T0, { type: 'case:ready', caseId: 'SL-1', by: 'c1', note: null, to: 'ready' });
    const found = blockingFindings(s, ready, ctx);
    expect(found.map((f) => f.rule.kind)).toEqual(['case-two-steps']);
    expect(found[0]!.detail).toContain('受理');
    // Read only: nothing was registered.
    expect(s.alerts.size).toBe(0);
  });

  it('case-overdue and long-wait come from the tick, once per subject until disposed', () => {
    const { s, feed } = monitor([
      rule({ id: 'R-OVERDUE', kind: 'case-overdue', thresholds: { graceDays: 0 } }),
      rule({ id: 'R-WAIT', kind: 'long-wait', thresholds: { minutes: 30 } }),
    ]);
    feed(T0, accepted('SL-1', 'c1'));
    feed(T0, {
      type: 'ticket:issued',
      ticket: { id: 't-9', number: 'A009', businessDay: '2026-11-26', arrivedAt: T0, holder: null },
    });
    expect(tick(s, T0 + 20 * MIN, ctx)).toEqual([]);
    const later = tick(s, T0 + 31 * MIN, ctx);
    expect(later.map((f) => f.type === 'risk:alert-raised' && f.ruleId)).toEqual(['R-WAIT']);
    for (const f of later) feed(T0 + 31 * MIN, f);
    expect(tick(s, T0 + 40 * MIN, ctx)).toEqual([]);
    // The deadline 2026-11-27 (Friday) has passed on Monday 11-30.
    const monday = Date.parse('2026-11-30T02:00:00Z');
    const overdue = tick(s, monday, ctx).filter((f) => f.type === 'risk:alert-raised');
    expect(overdue.map((f) => f.type === 'risk:alert-raised' && f.subject)).toContainEqual({
      kind: 'case',
      id: 'SL-1',
    });
  });

  it('case-two-steps counts a page captured during 补正 as 受理 (MAT-FILE-1): that clerk handing the result back alerts', () => {
    const { feed } = monitor([rule({ id: 'R-SOD', kind: 'case-two-steps', thresholds: {} })]);
    feed(T0, accepted('SL-1', 'c1'));
    const step = (t: number, type: string, by: string, to: string, extra: Record<string, unknown> = {}) =>
      feed(T0 + t * MIN, { type, caseId: 'SL-1', by, note: null, to, ...extra });
    step(60, 'case:review-started', 'r1', 'in-review');
    step(61, 'case:supplement-requested', 'r1', 'supplementing', { missing: ['居民身份证'] });
    // The rights clerk photographs the missing page; another clerk records the 补正.
    expect(
      feed(T0 + 120 * MIN, {
        type: 'case:material-captured',
        caseId: 'SL-1',
        material: '居民身份证',
        pages: [{ sha256: 'a'.repeat(64), mime: 'image/png', bytes: 10 }],
        source: 'camera',
        by: 'rc1',
      }),
    ).toEqual([]);
    step(121, 'case:supplemented', 'c2', 'accepted', { materials: ['居民身份证'] });
    step(180, 'case:review-started', 'r1', 'in-review');
    step(181, 'case:reviewed', 'r1', 'approved');
    const ready = step(240, 'case:ready', 'rc1', 'ready');
    expect(ready.map((a) => [a.ruleId, a.subject.id])).toEqual([['R-SOD', 'SL-1']]);
    expect(ready[0]!.detail).toContain('受理');
  });

  it('case-overdue leaves a case ready for pickup (办结待取) alone, however late it is fetched', () => {
    const { s, feed } = monitor([
      rule({ id: 'R-OVERDUE', kind: 'case-overdue', thresholds: { graceDays: 0 } }),
    ]);
    feed(T0, accepted('SL-1', 'c1'));
    feed(T0, accepted('SL-2', 'c1'));
    feed(T0 + 60 * MIN, {
      type: 'case:review-started',
      caseId: 'SL-1',
      by: 'r1',
      note: null,
      to: 'in-review',
    });
    feed(T0 + 61 * MIN, { type: 'case:reviewed', caseId: 'SL-1', by: 'r1', note: null, to: 'approved' });
    feed(T0 + 62 * MIN, { type: 'case:ready', caseId: 'SL-1', by: 'rc1', note: null, to: 'ready' });
    // Monday 11-30 is past the deadline (Friday 11-27): only the case still in the back office alerts.
    const monday = Date.parse('2026-11-30T02:00:00Z');
    const raised = tick(s, monday, ctx).filter((f) => f.type === 'risk:alert-raised');
    expect(raised.map((f) => f.type === 'risk:alert-raised' && f.subject.id)).toEqual(['SL-2']);
  });

  it('a long-wait alert is closed by the monitor when its ticket is called, and only then (RISK-SIM-2)', () => {
    const { s, feed, feedAll } = monitor([
      rule({ id: 'R-WAIT', kind: 'long-wait', thresholds: { minutes: 30 } }),
    ]);
    for (const id of ['t-1', 't-2'])
      feed(T0, {
        type: 'ticket:issued',
        ticket: { id, number: id, businessDay: '2026-11-26', arrivedAt: T0, holder: null },
      });
    const raised = tick(s, T0 + 31 * MIN, ctx);
    expect(raised).toHaveLength(2);
    for (const f of raised) feed(T0 + 31 * MIN, f);
    const [a1, a2] = raised.map((f) => (f.type === 'risk:alert-raised' ? f.alertId : ''));
    // t-2 leaves (cancelled): its alert stays for the manager; t-1 is called: its alert is closed.
    expect(
      feedAll(T0 + 35 * MIN, { type: 'ticket:cancelled', ticketId: 't-2', by: 'guide-1', reason: 'x' }),
    ).toEqual([]);
    const closed = feedAll(T0 + 40 * MIN, { type: 'ticket:called', ticketId: 't-1', windowId: 'w1' });
    expect(closed).toEqual([
      {
        type: 'risk:alert-disposed',
        alertId: a1,
        disposition: 'rectified',
        note: WAIT_ENDED_NOTE,
        by: 'system',
      },
    ]);
    // Nothing changes until the disposal's own fact folds (it is appended in the same unit).
    expect(s.alerts.get(a1!)?.status).toBe('open');
    for (const f of closed) feed(T0 + 40 * MIN, f);
    expect(s.alerts.get(a1!)).toMatchObject({ status: 'disposed', disposedBy: 'system' });
    expect(s.alerts.get(a2!)?.status).toBe('open');
    // A recall of the same ticket finds no open alert: nothing more.
    expect(feedAll(T0 + 41 * MIN, { type: 'ticket:called', ticketId: 't-1', windowId: 'w1' })).toEqual([]);
  });

  it('rejection-rate compares a clerk with the rest of the hall', () => {
    const { feed } = monitor([
      rule({
        kind: 'rejection-rate',
        thresholds: { periodDays: 7, minFinished: 4, factor: 2, minRate: 0.5 },
      }),
    ]);
    feed(T0, { type: 'window:opened', windowId: 'w1', clerkId: 'good' });
    feed(T0, { type: 'window:opened', windowId: 'w2', clerkId: 'harsh' });
    let n = 0;
    const finish = (w: string, outcome: string) =>
      feed(T0 + ++n * MIN, { type: 'ticket:finished', ticketId: `t${n}`, windowId: w, outcome });
    for (let i = 0; i < 4; i++) finish('w1', i === 0 ? 'rejected' : 'completed'); // 25 %
    const raised = [
      finish('w2', 'rejected'),
      finish('w2', 'completed'),
      finish('w2', 'rejected'),
      finish('w2', 'rejected'),
    ];
    // The fourth finish makes 4 with 3 refused (75 % ≥ 50 % and ≥ 2 × 25 %).
    expect(raised.map((r) => r.length)).toEqual([0, 0, 0, 1]);
    expect(raised[3]![0]!.subject).toEqual({ kind: 'staff', id: 'harsh' });
  });

  it('a disabled rule finds nothing', () => {
    const { feed } = monitor([
      rule({ kind: 'failed-logins', enabled: false, thresholds: { count: 1, periodMinutes: 5 } }),
    ]);
    expect(feed(T0, { type: 'risk:login-failed', staffId: 's1' })).toEqual([]);
  });
});
