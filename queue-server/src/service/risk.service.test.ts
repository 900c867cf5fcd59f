import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_RISK_LIST,
  DEFAULT_RISK_RULES,
  type HallEvent,
  type RiskEntry,
  type RiskRule,
} from '@onewindow/shared';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeHall, type Hall } from '../compose.ts';
import { businessDayOf } from '../domain/clock.ts';
import { replayRisk } from '../domain/risk.ts';
import { hallConfig, T0 } from '../domain/test-factory.ts';
import type { Command } from '../domain/types.ts';
import { demoCatalog } from '../seed/demo-hall.ts';
import { HallStore } from '../store/hall.store.ts';
import { TEST_KEYS } from '../store/testing.ts';
import { WorkingCalendar } from './calendar.ts';
import { SIM_RISK_RULES } from './risk.testing.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Local 00:00 (UTC+8) of a date. */
const midnight = (date: string) => Date.parse(`${date}T00:00:00Z`) - 8 * HOUR;

let dir: string;
let store: HallStore;
let h: Hall;
let now = T0;

function open(): void {
  store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
  h = composeHall({ store, logger: pino({ level: 'silent' }), clock: { now: () => now } });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-risk-'));
  now = T0;
  open();
  expect(h.hall.execute({ type: 'hall:configure', config: hallConfig(), by: 'admin' }).ok).toBe(true);
  store.auth.replaceCatalog(demoCatalog());
  h.risk.seed();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ok = (cmd: Command) => {
  const r = h.hall.execute(cmd);
  if (!r.ok) throw new Error(`${cmd.type}: ${r.error.code} ${r.error.message}`);
  return r.events;
};
const raisedIn = (events: readonly HallEvent[]) => events.filter((e) => e.type === 'risk:alert-raised');
const allAlerts = () =>
  store
    .events()
    .filter((e): e is Extract<HallEvent, { type: 'risk:alert-raised' }> => e.type === 'risk:alert-raised');

/** The simulation's rules: every kind, warn only, thresholds small enough for four weeks. */
const SIM_RULES: RiskRule[] = [...SIM_RISK_RULES];

describe('the risk monitor over a simulated month (RISK-EVAL-1, RISK-EVAL-2, RISK-EVAL-3, RISK-EVAL-4)', () => {
  it('raises exactly the injected violations, each in the unit of its fact, and a replay of the log raises the same', () => {
    expect(h.risk.publishRules(SIM_RULES, 'admin').ok).toBe(true);
    const cal = new WorkingCalendar();
    // The injections, written down as they are made: the independent expectation.
    const expected: string[] = [];
    let holderN = 0;
    const issue = (categoryId: string, ref: string | null) => {
      const evs = ok({
        type: 'ticket:issue',
        categoryId,
        source: 'kiosk',
        ...(ref === null ? {} : { holder: { masked: '110***********001X', senior: false, ref } }),
      });
      const t = evs.find((e) => e.type === 'ticket:issued');
      if (t?.type !== 'ticket:issued') throw new Error('no ticket');
      return t.ticket.id;
    };
    const start = midnight(businessDayOf(T0, 480));
    let workingDay = 0;
    for (let d = 0; d < 28; d++) {
      const date = businessDayOf(start + d * DAY + 12 * HOUR, 480);
      if (!cal.isWorkingDay(date)) continue;
      workingDay++;
      const at = (hh: number, mm = 0) => midnight(date) + hh * HOUR + mm * MIN;
      now = at(9);
      for (const [w, clerk] of [
        ['w1', 'clerk-a'],
        ['w2', 'clerk-b'],
      ] as const)
        if (h.hall.queue.window(w)?.state === 'closed')
          ok({ type: 'window:open', windowId: w, clerkId: clerk });
      // Twelve citizens, served at once: ticket 0 of the day is refused at w1 (the hall's baseline).
      for (let i = 0; i < 12; i++) {
        now = at(9, 5 + i * 10);
        const ref = `h-${(holderN++).toString(36)}`;
        issue('A', ref);
        const w = i % 2 === 0 ? 'w1' : 'w2';
        ok({ type: 'ticket:call-next', windowId: w });
        ok({ type: 'ticket:start', windowId: w });
        // Week 3 (working days 11–15): clerk-b refuses everything (R-REJECT, once while open).
        const rejected = (w === 'w1' && i === 0) || (w === 'w2' && workingDay >= 11 && workingDay <= 15);
        ok({ type: 'ticket:finish', windowId: w, outcome: rejected ? 'rejected' : 'completed' });
      }
      if (workingDay === 11) expected.push('R-REJECT|staff|clerk-b');
      // Day 5: a ticket nobody serves (category B has no open window); the tick finds it once (R-WAIT).
      if (workingDay === 5) {
        now = at(10);
        const t = issue('B', null);
        now = at(10, 30);
        h.risk.runTick();
        now = at(11);
        h.risk.runTick();
        now = at(11, 15);
        h.risk.runTick();
        expected.push(`R-WAIT|ticket|${t}`);
      }
      // Days 10–13: one holder takes a ticket a day; the fourth within 7 days alerts (R-HOLDER).
      if (workingDay >= 10 && workingDay <= 13) {
        // 30 minutes before the 16:00 tick: below R-WAIT's 45 (a ticket left waiting is settled at close).
        now = at(15, 30);
        issue('B', 'h-frequent');
        if (workingDay === 13) expected.push('R-HOLDER|holder|h-frequent');
      }
      // Day 15: the guide cancels three tickets within the morning (R-STAFF); day 16 one more, 25 h later.
      if (workingDay === 15 || workingDay === 16) {
        for (let k = 0; k < (workingDay === 15 ? 3 : 1); k++) {
          now = at(workingDay === 15 ? 10 : 11, k);
          const t = issue('B', null);
          ok({ type: 'ticket:cancel', ticketId: t, by: 'guide-1', reason: '群众离开' });
        }
        if (workingDay === 15) expected.push('R-STAFF|staff|guide-1');
      }
      // Day 8: clerk-a opens and closes w4 at 19:00, outside the hours (two facts, one alert).
      if (workingDay === 8) {
        now = at(19);
        ok({ type: 'window:open', windowId: 'w4', clerkId: 'clerk-a' });
        ok({ type: 'window:close', windowId: 'w4' });
        expected.push('R-HOURS|staff|clerk-a');
      }
      // Day 18: three failed logins of unknown names within five minutes; day 19 only two.
      if (workingDay === 18 || workingDay === 19) {
        for (let k = 0; k < (workingDay === 18 ? 3 : 2); k++) {
          now = at(9, 30 + k * 2);
          h.risk.loginFailed('nobody');
        }
        if (workingDay === 18) expected.push('R-LOGIN|hall|unknown-accounts');
      }
      now = at(16);
      h.risk.runTick();
      now = at(17, 30);
      ok({ type: 'day:close', by: 'system', reason: '日结' });
    }
    const got = allAlerts().map((a) => `${a.ruleId}|${a.subject.kind}|${a.subject.id}`);
    expect(got.sort()).toEqual(expected.sort());

    // Each fact-raised alert is committed right after its fact, in the same unit (one command row).
    const log = store.events();
    for (const a of allAlerts().filter((x) => x.alertId.startsWith('A'))) {
      const cause = Number(a.alertId.slice(1, a.alertId.indexOf('-')));
      const between = log.filter((e) => e.seq > cause && e.seq < (a as HallEvent).seq);
      expect(between.every((e) => e.type === 'risk:alert-raised')).toBe(true);
    }

    // RISK-EVAL-2: a replay of the events table from scratch gives the same alerts and state.
    const replay = replayRisk(store.iterateEvents(), h.risk.ctx);
    expect([...replay.state.alerts.keys()].sort()).toEqual([...h.risk.monitor.alerts.keys()].sort());
    expect(replay.raised.map((a) => a.alertId).sort()).toEqual(
      allAlerts()
        .filter((a) => a.alertId.startsWith('A'))
        .map((a) => a.alertId)
        .sort(),
    );
    // And a restarted server folds to the same alerts.
    store.close();
    open();
    expect(
      h.risk
        .alerts()
        .alerts.map((a) => a.alertId)
        .sort(),
    ).toEqual([...replay.state.alerts.keys()].sort());
  });
});

describe('interception (RISK-INT-1, RISK-INT-2, RISK-INT-3)', () => {
  /** guide-1 cancels a fresh ticket: the starting R-STAFF blocks the fifth cancel, override or reprint within 24 h. */
  const cancel = () => {
    const issued = ok({ type: 'ticket:issue', categoryId: 'B', source: 'kiosk' });
    const t = issued[0]!.type === 'ticket:issued' ? issued[0]!.ticket.id : '';
    return h.hall.execute({ type: 'ticket:cancel', ticketId: t, by: 'guide-1', reason: '群众离开' });
  };

  it('a blocking rule refuses the command with the rule in Chinese, records the interception, and a manager override lets it through once, audited', () => {
    for (let i = 0; i < 4; i++) expect(cancel().ok).toBe(true);
    const before = store.lastSeq();
    const refused = cancel();
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('RISK_BLOCKED');
    expect(refused.error.messageZh).toContain('R-STAFF');
    expect(refused.error.messageZh).toContain('主管');
    // The ticket of that attempt was issued; the cancel is not in the log, the interception is.
    const after = store.events(before + 1);
    expect(after.some((e) => e.type === 'ticket:cancelled')).toBe(false);
    const icp = after.find((e) => e.type === 'risk:intercepted');
    expect(icp).toMatchObject({ ruleId: 'R-STAFF', actorId: 'guide-1', command: 'ticket:cancel' });

    // The guide may not override for themselves; a manager does, with a reason.
    expect(
      h.risk.grantOverride('guide-1', { ruleId: 'R-STAFF', actorId: 'guide-1', reason: '自己放行' }).ok,
    ).toBe(false);
    expect(
      h.risk.grantOverride('mgr-1', { ruleId: 'R-STAFF', actorId: 'guide-1', reason: '群众集体离开，已核实' })
        .ok,
    ).toBe(true);
    const through = cancel();
    expect(through.ok).toBe(true);
    if (!through.ok) return;
    const types = through.events.map((e) => e.type);
    expect(types).toContain('ticket:cancelled');
    expect(through.events.find((e) => e.type === 'risk:overridden')).toMatchObject({
      ruleId: 'R-STAFF',
      actorId: 'guide-1',
      supervisorId: 'mgr-1',
      reason: '群众集体离开，已核实',
    });
    // The override is spent: the next one is refused again.
    expect(cancel().ok).toBe(false);
    // Both are in the audit search.
    const audit = h.audit.search({ q: 'R-STAFF', limit: 100 });
    expect(audit.ok).toBe(true);
    if (!audit.ok) return;
    const actions = audit.data.map((e) => e.action);
    expect(actions).toContain('risk:intercepted');
    expect(actions).toContain('risk:override-granted');
    expect(actions).toContain('risk:overridden');
  });

  it('RISK-INT-2 a grant is a fact: it survives a restart unused, is spent by the unit that uses it, and lapses after 30 minutes', () => {
    for (let i = 0; i < 4; i++) expect(cancel().ok).toBe(true);
    expect(cancel().ok).toBe(false);
    const granted = h.risk.grantOverride('mgr-1', {
      ruleId: 'R-STAFF',
      actorId: 'guide-1',
      reason: '群众集体离开，已核实',
    });
    if (!granted.ok) throw new Error(granted.error.message);
    const fact = store.events().find((e) => e.type === 'risk:override-granted');
    expect(fact).toMatchObject({
      grantId: granted.data.id,
      ruleId: 'R-STAFF',
      actorId: 'guide-1',
      supervisorId: 'mgr-1',
      reason: '群众集体离开，已核实',
      expiresAt: now + 30 * MIN,
    });
    // The server restarts before the guide tries again: the grant is still there.
    store.close();
    now += 5 * MIN;
    open();
    const through = cancel();
    expect(through.ok).toBe(true);
    if (!through.ok) return;
    expect(through.events.find((e) => e.type === 'risk:overridden')).toMatchObject({
      grantId: granted.data.id,
    });
    expect(cancel().ok, 'spent').toBe(false);
    // A grant left unused lapses after 30 minutes, also across a restart.
    expect(
      h.risk.grantOverride('mgr-1', { ruleId: 'R-STAFF', actorId: 'guide-1', reason: '再次核实' }).ok,
    ).toBe(true);
    store.close();
    now += 31 * MIN;
    open();
    expect(cancel().ok, 'lapsed').toBe(false);
  });

  it('R-SOD blocks the accepting clerk handing the result back (one person in two steps of one case)', () => {
    const item = '512B0070200003';
    ok({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-r' });
    ok({ type: 'ticket:issue', categoryId: 'A', itemCode: item, source: 'kiosk' });
    ok({ type: 'ticket:call-next', windowId: 'w1' });
    ok({ type: 'ticket:start', windowId: 'w1' });
    const ticketId = h.hall.queue.window('w1')!.ticketId!;
    const slip = h.slips.issue(
      { kind: 'staff', id: 'clerk-r', name: 'r', staffNumber: 'r', roles: ['clerk', 'rights-clerk'] },
      { ticketId, kind: 'acceptance', applicantName: '张三', contactPhone: '13800000000', print: false },
    );
    expect(slip.ok).toBe(true);
    if (!slip.ok) return;
    const caseId = slip.data.case!.id;
    // MAT-FILE-2: the intake clerk waives what is still missing, so the case may leave 受理.
    for (const m of slip.data.case!.materials.filter((x) => x.required && x.status === 'missing')) {
      const w = h.materials.change(
        { id: 'clerk-r', roles: ['clerk', 'rights-clerk'] },
        { type: 'waive', caseId, material: m.name, reason: '原件已在窗口核验' },
      );
      expect(w.ok).toBe(true);
    }
    const rev = { id: 'rev-1', roles: ['reviewer'] as const };
    now += 2 * HOUR;
    expect(
      h.cases.step(rev, { type: 'case:start-review', caseId, note: null, missingMaterials: [] }).ok,
    ).toBe(true);
    expect(h.cases.step(rev, { type: 'case:approve', caseId, note: null, missingMaterials: [] }).ok).toBe(
      true,
    );
    const clerkR = { id: 'clerk-r', roles: ['clerk', 'rights-clerk'] as const };
    const r = h.cases.step(clerkR, { type: 'case:ready', caseId, note: null, missingMaterials: [] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('RISK_BLOCKED');
    expect(store.events().at(-1)).toMatchObject({
      type: 'risk:intercepted',
      ruleId: 'R-SOD',
      subject: { kind: 'case', id: caseId },
    });
    expect(h.cases.get(caseId)?.status).toBe('approved');
  });
});

describe('handling (RISK-HND-1, RISK-HND-2, RISK-HND-3)', () => {
  it('due days count working days across a 调休 weekend; overdue alerts escalate once; disposal closes and reopens the subject', () => {
    const entries: RiskEntry[] = DEFAULT_RISK_LIST.map((e) =>
      e.code === 'JS-01' ? { ...e, disposalDays: 1 } : { ...e },
    );
    expect(h.risk.publishList(entries, 'admin').ok).toBe(true);
    // Friday 2026-09-18: one working day later is Sunday 09-20, a 调休 working day (not Monday 09-21).
    now = midnight('2026-09-18') + 10 * HOUR;
    for (let k = 0; k < 5; k++) h.risk.loginFailed('nobody');
    const [alert] = h.risk.alerts().alerts;
    expect(alert).toMatchObject({ ruleId: 'R-LOGIN', dueDay: '2026-09-20', status: 'open' });
    now = midnight('2026-09-20') + 10 * HOUR;
    h.risk.runTick();
    expect(h.risk.get(alert!.alertId)?.escalated).toBe(false);
    now = midnight('2026-09-21') + 10 * HOUR;
    expect(h.risk.runTick()).toBe(1);
    expect(h.risk.runTick()).toBe(0);
    expect(h.risk.get(alert!.alertId)).toMatchObject({ escalated: true, overdue: true });
    expect(h.risk.assign(alert!.alertId, 'nobody-here', 'mgr-1').ok).toBe(false);
    const disposed = h.risk.dispose(
      alert!.alertId,
      { disposition: 'false-alarm', note: '测试账号输错密码' },
      'mgr-1',
    );
    expect(disposed.ok && disposed.data.status).toBe('disposed');
    expect(h.risk.dispose(alert!.alertId, { disposition: 'confirmed', note: '再次' }, 'mgr-1').ok).toBe(
      false,
    );
    // A Sunday 调休 working day is inside the hours for R-HOURS.
    now = midnight('2026-09-20') + 10 * HOUR;
    expect(raisedIn(ok({ type: 'window:open', windowId: 'w4', clerkId: 'clerk-z' }))).toEqual([]);
  });

  it('the starting list and rules are published once, as version 1 (RISK-LIST-2, RISK-RULE-2)', () => {
    h.risk.seed();
    expect(h.risk.list()).toMatchObject({ version: 1, entries: DEFAULT_RISK_LIST });
    expect(h.risk.rules()).toMatchObject({ version: 1, rules: DEFAULT_RISK_RULES });
    expect(store.events().filter((e) => e.type === 'risk:list-published')).toHaveLength(1);
    const bad = h.risk.publishRules([{ ...DEFAULT_RISK_RULES[0]!, riskCode: 'XX-99' } as RiskRule], 'admin');
    expect(bad.ok).toBe(false);
  });
});
