/**
 * A simulated quarter of the hall (issue #16's first test; SPEC RISK-EVAL-1..4, RISK-SIM-1):
 * thirteen weeks on the real calendar (中秋 and 国庆 2026 with their 调休 Sunday 09-20 and
 * Saturday 10-10), driven through the composed hall on real SQLite. Every working day has honest
 * traffic — tickets served, time-limited cases accepted on an acceptance slip, materials captured
 * or waived, reviewed by another person, re-checked for two-level items, 补正 taken at a window,
 * handed back at the rights window — and, on days the seed picks, violations of all nine rule
 * kinds. Three lists must agree: the `risk:alert-raised` facts, an independent recount from the
 * committed log by the rules' definitions (SPEC RISK-RULE-1), and the injections.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HallEvent, RiskRule } from '@onewindow/shared';
import pino from 'pino';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { composeHall, type Hall } from '../compose.ts';
import type { CaseActor } from '../domain/cases.ts';
import { replayRisk } from '../domain/risk.ts';
import { hallConfig, mulberry32 } from '../domain/test-factory.ts';
import type { Command } from '../domain/types.ts';
import { demoCatalog } from '../seed/demo-hall.ts';
import { HallStore } from '../store/hall.store.ts';
import { TEST_KEYS } from '../store/testing.ts';
import { WorkingCalendar } from './calendar.ts';
import { SIM_RISK_RULES } from './risk.testing.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const OFFSET = 8 * HOUR;
/** Local 00:00 (UTC+8) of a date. */
const midnight = (date: string) => Date.parse(`${date}T00:00:00Z`) - OFFSET;
/** The local date (UTC+8) of an instant. */
const dayOf = (at: number) => new Date(at + OFFSET).toISOString().slice(0, 10);
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/** Thirteen weeks from Monday 2026-09-07: 中秋 (09-25), 国庆 (10-01..07), 调休 09-20 and 10-10. */
const FIRST_DAY = '2026-09-07';
const DAYS = 13 * 7;
/** A public holiday (国庆) on which a clerk signs on at a window: outside the hall's days. */
const HOLIDAY = '2026-10-02';

/** The simulation's rules (SIM_RISK_RULES), with a holder's third case in a week flagged too. */
const SIM_RULES: RiskRule[] = SIM_RISK_RULES.map((r) =>
  r.id === 'R-HOLDER' ? ({ ...r, thresholds: { ...r.thresholds, cases: 3 } } as RiskRule) : r,
);

/** One alert, as the comparison sees it: rule, subject and the local day it was raised. */
type Key = string;
const keyOf = (ruleId: string, kind: string, id: string, day: string): Key =>
  `${ruleId}|${kind}|${id}|${day}`;

// ---------------------------------------------------------------------------------------------
// The independent recount: a plain reading of the committed log by the rules' definitions
// (SPEC RISK-RULE-1, RISK-EVAL-3, RISK-EVAL-4), sharing no code with domain/risk.ts.
// ---------------------------------------------------------------------------------------------

type Level = 'intake' | 'review' | 'recheck' | 'handback';

/** Which of the four levels (受理, 审核, 复核, 出件) a case fact is a step of (SPEC CASE-2, MAT-FILE-1). */
function levelOf(ev: HallEvent): Level | null {
  switch (ev.type) {
    case 'case:accepted':
    case 'case:supplemented':
    case 'case:material-captured': // whoever captures pages takes the case in (MAT-FILE-1)
      return 'intake';
    case 'case:review-started':
    case 'case:reviewed':
    case 'case:supplement-requested':
      return 'review';
    case 'case:rechecked':
      return 'recheck';
    case 'case:returned':
      return ev.level;
    case 'case:ready':
    case 'case:handed-back':
      return 'handback';
    default:
      return null;
  }
}

/** Statuses after which a case is no longer running against its deadline (办结: ready, returned, handed back). */
const DONE = new Set(['ready', 'returned', 'handed-back']);

/**
 * Recounts, from the log alone (plus the instants the tick ran, which leave no fact when they
 * find nothing), every alert the rules should raise: one per rule and subject until a manager
 * disposes of it (RISK-EVAL-3).
 */
function recount(
  log: readonly HallEvent[],
  ticks: readonly number[],
  cal: WorkingCalendar,
): { raised: Key[]; escalated: string[] } {
  let rules: RiskRule[] = [];
  let disposalDays = new Map<string, number>();
  let hours = { open: 540, close: 1020, weekdays: [1, 2, 3, 4, 5] };
  const out: Key[] = [];
  /** `rule|kind|id` → the alert open on it: its key, its due day (RISK-HND-3), whether escalated. */
  const open = new Map<string, { key: Key; due: string; escalated: boolean }>();
  const escalated: string[] = [];
  const alertKey = new Map<string, string>();
  for (const ev of log)
    if (ev.type === 'risk:alert-raised')
      alertKey.set(ev.alertId, `${ev.ruleId}|${ev.subject.kind}|${ev.subject.id}`);
  const raise = (ruleId: string, kind: string, id: string, at: number) => {
    const k = `${ruleId}|${kind}|${id}`;
    if (open.has(k)) return;
    const code = rules.find((r) => r.id === ruleId)!.riskCode;
    const due = cal.addWorkingDays(dayOf(at), disposalDays.get(code) ?? 5);
    const key = keyOf(ruleId, kind, id, dayOf(at));
    open.set(k, { key, due, escalated: false });
    out.push(key);
  };
  const clerkAt = new Map<string, string>();
  const tickets = new Map<string, { day: string; arrivedAt: number; waiting: boolean; ref: string | null }>();
  const cases = new Map<
    string,
    { acceptedAt: number; deadline: string; status: string; levels: Map<string, Set<Level>> }
  >();
  const holderTickets: { ref: string; at: number }[] = [];
  const holderCases: { ref: string; at: number }[] = [];
  const staffActs: { who: string; at: number }[] = [];
  const logins: { who: string; at: number }[] = [];
  let finishes: { clerk: string; at: number; rejected: boolean }[] = [];
  const countSince = (xs: { at: number }[], pick: (x: never) => boolean, since: number) =>
    xs.filter((x) => x.at >= since && pick(x as never)).length;

  const outside = (at: number, grace: number) => {
    const local = new Date(at + OFFSET);
    const date = local.toISOString().slice(0, 10);
    const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
    const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
    if (!cal.isWorkingDay(date) && !(weekday >= 6 && hours.weekdays.includes(weekday))) return true;
    return minutes < hours.open - grace || minutes > hours.close + grace;
  };
  const actor = (ev: HallEvent): string | null => {
    let who: string | null = null;
    if (ev.type === 'window:opened') who = ev.clerkId;
    else if (ev.type === 'ticket:priority-overridden') who = ev.note.by;
    else if ('windowId' in ev && ev.type.startsWith('ticket:') && typeof ev.windowId === 'string')
      who = clerkAt.get(ev.windowId) ?? null;
    else if (ev.type === 'window:closed' || ev.type === 'window:paused' || ev.type === 'window:resumed')
      who = clerkAt.get(ev.windowId) ?? null;
    else if (
      'by' in ev &&
      (ev.type.startsWith('case:') || ev.type.startsWith('slip:') || ev.type.startsWith('ticket:'))
    )
      who = typeof ev.by === 'string' ? ev.by : null;
    return who === null || who === 'system' || who === '' ? null : who;
  };

  const runTick = (now: number) => {
    const today = dayOf(now);
    // Alerts not disposed whose due day has passed go to the manager, once (RISK-HND-3).
    for (const a of open.values())
      if (!a.escalated && today > a.due) {
        a.escalated = true;
        escalated.push(`${a.key}>${today}`);
      }
    for (const rule of rules) {
      if (!rule.enabled) continue;
      if (rule.kind === 'long-wait')
        for (const [id, t] of tickets)
          if (t.waiting && now - t.arrivedAt > rule.thresholds.minutes * MIN)
            raise(rule.id, 'ticket', id, now);
      if (rule.kind === 'case-overdue')
        for (const [id, c] of cases)
          if (!DONE.has(c.status) && today > cal.addWorkingDays(c.deadline, rule.thresholds.graceDays))
            raise(rule.id, 'case', id, now);
    }
  };

  const pending = [...ticks].sort((a, b) => a - b);
  for (const ev of log) {
    // A tick sees every fact committed before it; its own alerts are stamped with its time.
    while (pending.length > 0 && ev.at >= pending[0]!) runTick(pending.shift()!);
    if (ev.type.startsWith('risk:') && ev.type !== 'risk:login-failed') {
      if (ev.type === 'risk:list-published')
        disposalDays = new Map(ev.entries.map((e) => [e.code, e.disposalDays]));
      if (ev.type === 'risk:rules-published') {
        rules = structuredClone(ev.rules);
        finishes = [];
      }
      if (ev.type === 'risk:alert-disposed') {
        const k = alertKey.get(ev.alertId);
        if (k !== undefined) open.delete(k);
      }
      continue;
    }
    const who = actor(ev);
    for (const rule of rules) {
      if (!rule.enabled) continue;
      const t = rule.thresholds as Record<string, number>;
      switch (rule.kind) {
        case 'case-two-steps': {
          const level = levelOf(ev);
          const caseId = 'caseId' in ev ? ev.caseId : null;
          if (level === null || typeof caseId !== 'string' || !('by' in ev)) break;
          const mine = cases.get(caseId)?.levels.get(ev.by as string);
          if (mine !== undefined && [...mine].some((l) => l !== level)) raise(rule.id, 'case', caseId, ev.at);
          break;
        }
        case 'case-fast-approval':
          if ((ev.type === 'case:reviewed' || ev.type === 'case:rechecked') && ev.to === 'approved') {
            const c = cases.get(ev.caseId);
            if (c !== undefined && ev.at - c.acceptedAt < t.minMinutes! * MIN)
              raise(rule.id, 'case', ev.caseId, ev.at);
          }
          break;
        case 'outside-hours':
          if (who !== null && outside(ev.at, t.graceMinutes!)) raise(rule.id, 'staff', who, ev.at);
          break;
        case 'holder-frequency': {
          const since = ev.at - t.periodDays! * DAY;
          if (ev.type === 'ticket:issued' && ev.ticket.holder?.ref) {
            const ref = ev.ticket.holder.ref;
            if (countSince(holderTickets, (x: { ref: string }) => x.ref === ref, since) + 1 >= t.tickets!)
              raise(rule.id, 'holder', ref, ev.at);
          }
          if (ev.type === 'case:accepted') {
            const ref = tickets.get(ev.ticketId)?.ref ?? null;
            if (
              ref !== null &&
              countSince(holderCases, (x: { ref: string }) => x.ref === ref, since) + 1 >= t.cases!
            )
              raise(rule.id, 'holder', ref, ev.at);
          }
          break;
        }
        case 'staff-actions': {
          const by =
            ev.type === 'ticket:cancelled' || ev.type === 'slip:reprinted'
              ? ev.by
              : ev.type === 'ticket:priority-overridden'
                ? ev.note.by
                : null;
          if (by === null || by === 'system') break;
          if (
            countSince(staffActs, (x: { who: string }) => x.who === by, ev.at - t.periodHours! * HOUR) + 1 >=
            t.count!
          )
            raise(rule.id, 'staff', by, ev.at);
          break;
        }
        case 'rejection-rate': {
          if (ev.type !== 'ticket:finished' || ev.outcome !== 'rejected') break;
          const clerk = clerkAt.get(ev.windowId);
          if (clerk === undefined) break;
          const inWindow = [
            ...finishes.filter((f) => f.at >= ev.at - t.periodDays! * DAY),
            { clerk, at: ev.at, rejected: true },
          ];
          const mine = inWindow.filter((f) => f.clerk === clerk);
          const rest = inWindow.filter((f) => f.clerk !== clerk);
          if (mine.length < t.minFinished! || rest.length === 0) break;
          const rate = mine.filter((f) => f.rejected).length / mine.length;
          const restRate = rest.filter((f) => f.rejected).length / rest.length;
          if (rate >= t.minRate! && rate >= t.factor! * restRate) raise(rule.id, 'staff', clerk, ev.at);
          break;
        }
        case 'failed-logins':
          if (ev.type === 'risk:login-failed') {
            const k = ev.staffId ?? '';
            if (
              countSince(logins, (x: { who: string }) => x.who === k, ev.at - t.periodMinutes! * MIN) + 1 >=
              t.count!
            )
              raise(rule.id, ev.staffId === null ? 'hall' : 'staff', ev.staffId ?? 'unknown-accounts', ev.at);
          }
          break;
        default:
          break;
      }
    }
    // Then the fact itself enters what later facts are judged against.
    switch (ev.type) {
      case 'hall:configured': {
        const oh = ev.config.settings.openingHours;
        const m = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
        hours = { open: m(oh.open), close: m(oh.close), weekdays: [...oh.weekdays] };
        break;
      }
      case 'window:opened':
        clerkAt.set(ev.windowId, ev.clerkId);
        break;
      case 'ticket:issued':
        tickets.set(ev.ticket.id, {
          day: ev.ticket.businessDay,
          arrivedAt: ev.ticket.arrivedAt,
          waiting: true,
          ref: ev.ticket.holder?.ref ?? null,
        });
        if (ev.ticket.holder?.ref) holderTickets.push({ ref: ev.ticket.holder.ref, at: ev.at });
        break;
      case 'ticket:called':
      case 'ticket:no-show':
      case 'ticket:cancelled':
      case 'ticket:finished': {
        const t = tickets.get(ev.ticketId);
        if (t) t.waiting = false;
        if (ev.type === 'ticket:cancelled' && ev.by !== 'system') staffActs.push({ who: ev.by, at: ev.at });
        if (ev.type === 'ticket:finished') {
          const clerk = clerkAt.get(ev.windowId);
          if (clerk !== undefined) finishes.push({ clerk, at: ev.at, rejected: ev.outcome === 'rejected' });
        }
        break;
      }
      case 'ticket:reinstated':
      case 'ticket:transferred': {
        const t = tickets.get(ev.ticketId);
        if (t) t.waiting = true;
        break;
      }
      case 'ticket:priority-overridden':
        if (ev.note.by !== 'system') staffActs.push({ who: ev.note.by, at: ev.at });
        break;
      case 'slip:reprinted':
        staffActs.push({ who: ev.by, at: ev.at });
        break;
      case 'day:closed':
        for (const [id, t] of tickets) if (t.day <= ev.businessDay) tickets.delete(id);
        break;
      case 'risk:login-failed':
        logins.push({ who: ev.staffId ?? '', at: ev.at });
        break;
      case 'case:accepted': {
        cases.set(ev.caseId, { acceptedAt: ev.at, deadline: ev.deadline, status: ev.to, levels: new Map() });
        const ref = tickets.get(ev.ticketId)?.ref ?? null;
        if (ref !== null) holderCases.push({ ref, at: ev.at });
        break;
      }
      default:
        break;
    }
    if (ev.type.startsWith('case:') && 'caseId' in ev && typeof ev.caseId === 'string') {
      const c = cases.get(ev.caseId);
      const level = levelOf(ev);
      if (c !== undefined && level !== null && 'by' in ev) {
        const mine = c.levels.get(ev.by as string) ?? new Set<Level>();
        mine.add(level);
        c.levels.set(ev.by as string, mine);
      }
      if (c !== undefined && 'to' in ev) c.status = ev.to as string;
    }
  }
  for (const at of pending) runTick(at);
  return { raised: out, escalated };
}

// ---------------------------------------------------------------------------------------------
// The quarter.
// ---------------------------------------------------------------------------------------------

const CLERK = (id: string): CaseActor => ({ id, roles: ['clerk'] });
const RIGHTS: CaseActor = { id: 'rights-1', roles: ['rights-clerk'] };
const REVIEWERS: CaseActor[] = [
  { id: 'rev-1', roles: ['reviewer'] },
  { id: 'rev-2', roles: ['reviewer'] },
];
const SUPERVISOR: CaseActor = { id: 'sup-1', roles: ['review-supervisor'] };
/** Time-limited items: two reviewed once, two reviewed and re-checked (DEMO_TWO_LEVEL_ITEMS). */
const ITEMS = ['512B0070200003', '512B0067900009', '51201400600001', '512B0070100003'];

interface Injection {
  ruleId: string;
  kind: string;
  id: string;
  /** The days it may be raised on (one, or a span where the traffic decides the moment). */
  days: string[];
}

interface SimCase {
  id: string;
  ref: string;
  intake: string;
  acceptedDay: string;
  /** Held back from the back office until this day (the overdue injection). */
  holdUntil?: string;
  supplementOn?: string;
  /** Who takes the 补正 pages in: a window clerk, or the rights clerk (the SOD injection). */
  supplementBy?: 'window' | 'rights';
  supplemented?: boolean;
  pickupOn?: string;
  reviewedOn?: string;
  /** An injected case goes straight through (no random return or 补正). */
  force?: boolean;
}

async function quarter(seed: number) {
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-quarter-'));
  let now = midnight(FIRST_DAY) - 14 * HOUR;
  let store!: HallStore;
  let h!: Hall;
  const openHall = () => {
    store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
    h = composeHall({ store, logger: pino({ level: 'silent' }), clock: { now: () => now } });
  };
  try {
    openHall();
    expect(h.hall.execute({ type: 'hall:configure', config: hallConfig(), by: 'admin' }).ok).toBe(true);
    store.auth.replaceCatalog(demoCatalog());
    h.risk.seed();
    expect(h.risk.publishRules(SIM_RULES, 'admin').ok).toBe(true);

    const rand = mulberry32(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    const cal = new WorkingCalendar();
    const page = await sharp({
      create: { width: 60, height: 80, channels: 3, background: { r: 230, g: 230, b: 220 } },
    })
      .png()
      .toBuffer();

    const ok = (cmd: Command) => {
      const r = h.hall.execute(cmd);
      if (!r.ok) throw new Error(`${cmd.type}: ${r.error.code} ${r.error.message}`);
      return r.events;
    };
    const step = (
      actor: CaseActor,
      type: Parameters<Hall['cases']['step']>[1]['type'],
      caseId: string,
      extra: { note?: string; missing?: string[] } = {},
    ) => {
      const r = h.cases.step(actor, {
        type,
        caseId,
        note: extra.note ?? null,
        missingMaterials: extra.missing ?? [],
      });
      if (!r.ok) throw new Error(`${type} ${caseId} by ${actor.id}: ${r.error.code} ${r.error.message}`);
      return r.case;
    };
    const issue = (categoryId: string, ref: string | null, itemCode?: string) => {
      const evs = ok({
        type: 'ticket:issue',
        categoryId,
        source: 'kiosk',
        ...(itemCode === undefined ? {} : { itemCode }),
        ...(ref === null ? {} : { holder: { masked: '110***********001X', senior: false, ref } }),
      });
      const t = evs.find((e) => e.type === 'ticket:issued');
      if (t?.type !== 'ticket:issued') throw new Error('no ticket');
      return t.ticket.id;
    };
    /** Calls the next ticket at a window and starts serving it. */
    const serve = (windowId: string) => {
      ok({ type: 'ticket:call-next', windowId });
      ok({ type: 'ticket:start', windowId });
      return h.hall.queue.window(windowId)!.ticketId!;
    };

    // The working days of the quarter, and where the seed puts each injection.
    const dates = Array.from({ length: DAYS }, (_, d) => addDays(FIRST_DAY, d));
    const workdays = dates.filter((d) => cal.isWorkingDay(d));
    expect(workdays).toContain('2026-09-20'); // 调休 Sunday
    expect(workdays).toContain('2026-10-10'); // 调休 Saturday
    expect(workdays).not.toContain('2026-10-01');
    const at = (date: string, hh: number, mm = 0) => midnight(date) + hh * HOUR + mm * MIN;
    /** The hall's clock only moves forward (the recount, like the monitor, reads facts in log order). */
    const clockTo = (t: number) => {
      if (t < now)
        throw new Error(
          `the simulation's clock went back from ${new Date(now).toISOString()} to ${new Date(t).toISOString()}`,
        );
      now = t;
    };
    const inj = {
      sodIntake: workdays[between(3, 10)]!,
      fast: workdays[between(5, 15)]!,
      wait: workdays[between(8, 50)]!,
      holder: workdays[between(12, 20)]!,
      overdue: workdays[between(15, 22)]!,
      late: workdays[between(20, 30)]!,
      staff: workdays[between(24, 34)]!,
      sodCapture: workdays[between(28, 34)]!,
      reject: between(36, 42),
      login1: workdays[between(2, 20)]!,
      loginNear: workdays[between(22, 40)]!,
      login2: workdays[between(46, 58)]!,
      holderCases: workdays[between(48, 56)]!,
    };
    const rejectDays = workdays.slice(inj.reject, inj.reject + 3);
    const staffNext = workdays[workdays.indexOf(inj.staff) + 1]!;
    const injections: Injection[] = [];
    const expectOn = (ruleId: string, kind: string, id: string, ...days: string[]) =>
      injections.push({ ruleId, kind, id, days });

    const cases = new Map<string, SimCase>();
    const ticks: number[] = [];
    const tickAt = (date: string, hh: number) => {
      clockTo(at(date, hh) + 30_000); // hh:00:30: no other fact shares a tick's instant
      ticks.push(now);
      h.risk.runTick();
    };
    let refN = 0;
    let overdueCase = '';
    let sodCaptureCase = '';
    let honestCases = 0;

    /** A citizen at a window asks for a time-limited item: acceptance slip, materials, a case. */
    const accept = async (
      windowId: string,
      clerk: string,
      ref: string,
      itemCode: string,
    ): Promise<SimCase> => {
      const ticketId = serve(windowId);
      const slip = h.slips.issue(
        { kind: 'staff', id: clerk, name: clerk, staffNumber: clerk, roles: ['clerk'] },
        {
          ticketId,
          kind: 'acceptance',
          itemCode,
          applicantName: '张三',
          contactPhone: '13800000000',
          print: false,
        },
      );
      if (!slip.ok) throw new Error(`slip: ${slip.error.code} ${slip.error.message}`);
      const kase = slip.data.case!;
      // The first missing required material is photographed at the window, the rest waived (MAT-FILE-2).
      const missing = kase.materials.filter((m) => m.required && m.status === 'missing');
      for (const [i, m] of missing.entries()) {
        if (i === 0) {
          const c = await h.materials.capture(
            CLERK(clerk),
            { caseId: kase.id, material: m.name, source: 'camera' },
            page,
          );
          if (!c.ok) throw new Error(`capture: ${c.error.code} ${c.error.message}`);
        } else {
          const w = h.materials.change(CLERK(clerk), {
            type: 'waive',
            caseId: kase.id,
            material: m.name,
            reason: '原件已在窗口核验',
          });
          if (!w.ok) throw new Error(`waive: ${w.error.code} ${w.error.message}`);
        }
      }
      const c: SimCase = { id: kase.id, ref, intake: clerk, acceptedDay: dayOf(now) };
      cases.set(c.id, c);
      return c;
    };

    for (const date of dates) {
      if (date === HOLIDAY) {
        // R-HOURS: a clerk signs on at window 4 on a national holiday.
        clockTo(at(date, 10));
        ok({ type: 'window:open', windowId: 'w4', clerkId: 'clerk-c' });
        clockTo(at(date, 10, 20));
        ok({ type: 'window:close', windowId: 'w4' });
        expectOn('R-HOURS', 'staff', 'clerk-c', date);
        continue;
      }
      if (!cal.isWorkingDay(date)) continue;
      const wd = workdays.indexOf(date);
      clockTo(at(date, 9));
      for (const [w, clerk] of [
        ['w1', 'clerk-a'],
        ['w2', 'clerk-b'],
        ['w3', 'rights-1'],
      ] as const)
        if (h.hall.queue.window(w)?.state === 'closed')
          ok({ type: 'window:open', windowId: w, clerkId: clerk });

      // The duty manager disposes of the alerts raised ten working days ago or earlier.
      clockTo(at(date, 9) + 20_000);
      const cutoff = workdays[Math.max(0, wd - 10)]!;
      for (const a of h.risk.alerts({ status: 'active' }).alerts)
        if (wd >= 10 && dayOf(a.raisedAt) <= cutoff)
          expect(
            h.risk.dispose(a.alertId, { disposition: 'confirmed', note: '已核查并整改' }, 'mgr-1').ok,
          ).toBe(true);

      // Honest: now and then one mistyped login name; the near miss is two within minutes.
      if (date === inj.login1 || date === inj.login2 || date === inj.loginNear) {
        const n = date === inj.loginNear ? 2 : 3;
        for (let k = 0; k < n; k++) {
          clockTo(at(date, 9, 5 + 2 * k));
          h.risk.loginFailed('nobody-here');
        }
        if (n === 3) expectOn('R-LOGIN', 'hall', 'unknown-accounts', date);
      } else if (rand() < 0.25) {
        clockTo(at(date, 9, between(1, 9)));
        h.risk.loginFailed('zhangsna');
      }

      // R-WAIT: an employer's ticket nobody serves until 12:30 (window 4, the only one for B, is closed).
      if (date === inj.wait) {
        clockTo(at(date, 9, 15));
        const t = issue('B', null);
        expectOn('R-WAIT', 'ticket', t, date);
      }

      // Citizens, served at once at windows 1 and 2: 补正 returns first, then new visitors.
      const returning = [...cases.values()].filter((c) => c.supplementOn === date && !c.supplemented);
      const visitors = between(8, 13);
      let slot = 0;
      const nextSlot = () => {
        clockTo(at(date, 9, 20 + 8 * slot++));
        return slot % 2 === 1 ? (['w1', 'clerk-a'] as const) : (['w2', 'clerk-b'] as const);
      };
      let rejectedToday: Record<string, number> = { 'clerk-a': 0, 'clerk-b': 0 };
      for (const c of returning) {
        const kase = h.cases.get(c.id)!;
        const material = kase.missing[0]!;
        if (c.supplementBy === 'rights') {
          // The citizen is sent on to the rights window, whose clerk photographs the page (joining
          // the case's intake, MAT-FILE-1); a window clerk then records the 补正 itself.
          clockTo(at(date, 9, 20 + 8 * slot++));
          issue('C', c.ref);
          serve('w3');
          const cap = await h.materials.capture(RIGHTS, { caseId: c.id, material, source: 'camera' }, page);
          expect(cap.ok).toBe(true);
          ok({ type: 'ticket:finish', windowId: 'w3', outcome: 'completed' });
          step(CLERK('clerk-a'), 'case:supplement', c.id);
        } else {
          const [w, clerk] = nextSlot();
          issue('A', c.ref);
          serve(w);
          const cap = await h.materials.capture(
            CLERK(clerk),
            { caseId: c.id, material, source: 'camera' },
            page,
          );
          expect(cap.ok).toBe(true);
          step(CLERK(clerk), 'case:supplement', c.id);
          ok({ type: 'ticket:finish', windowId: w, outcome: 'completed' });
        }
        c.supplemented = true;
      }
      for (let i = 0; i < visitors; i++) {
        const [w, clerk] = nextSlot();
        const ref = `h-${seed}-${(refN++).toString(36)}`;
        // R-HOLDER: on one day one holder comes back again and again (four tickets within hours).
        if (date === inj.holder && i < 4) {
          issue('A', `h-${seed}-often`);
          serve(w);
          ok({ type: 'ticket:finish', windowId: w, outcome: 'completed' });
          if (i === 3) expectOn('R-HOLDER', 'holder', `h-${seed}-often`, date);
          continue;
        }
        // R-HOLDER (cases): on another day one holder has three cases accepted, one after another.
        if (date === inj.holderCases && i < 3) {
          const itemCode = ITEMS[i]!;
          issue('A', `h-${seed}-cases`, itemCode);
          const c = await accept(w, clerk, `h-${seed}-cases`, itemCode);
          c.force = true;
          if (i === 2) expectOn('R-HOLDER', 'holder', `h-${seed}-cases`, date);
          continue;
        }
        // R-OVERDUE: the first case of one day is forgotten by the back office until the day after its deadline.
        const forgotten = date === inj.overdue && !cases.has(overdueCase);
        if ((rand() < 0.4 || forgotten) && !rejectDays.includes(date)) {
          const itemCode = pick(ITEMS);
          issue('A', ref, itemCode);
          const c = await accept(w, clerk, ref, itemCode);
          honestCases++;
          if (forgotten) {
            overdueCase = c.id;
            c.holdUntil = cal.addWorkingDays(h.cases.get(c.id)!.deadline, 1);
            c.force = true;
            expectOn('R-OVERDUE', 'case', c.id, c.holdUntil);
          }
          continue;
        }
        issue('A', ref);
        serve(w);
        // R-REJECT: on three days in a row clerk-b turns every citizen away (不予受理).
        const spree = w === 'w2' && rejectDays.includes(date);
        const honestReject = !spree && rejectedToday[clerk]! === 0 && rand() < 0.12;
        if (honestReject) rejectedToday = { ...rejectedToday, [clerk]: 1 };
        ok({ type: 'ticket:finish', windowId: w, outcome: spree || honestReject ? 'rejected' : 'completed' });
      }
      if (date === rejectDays[0]) expectOn('R-REJECT', 'staff', 'clerk-b', ...rejectDays);

      // Honest: the guide cancels at most one ticket a day for a citizen who left.
      // R-STAFF: on one day two cancels and a priority override within the hour; the next day
      // three more cancels while the alert is still open (no second alert, RISK-EVAL-3).
      const guideActs = date === inj.staff || date === staffNext ? 3 : rand() < 0.3 ? 1 : 0;
      for (let k = 0; k < guideActs; k++) {
        clockTo(at(date, 11, 30 + 10 * k));
        const t = issue('B', null);
        if (k === 2 && date === inj.staff) {
          ok({
            type: 'ticket:override',
            ticketId: t,
            action: { kind: 'front' },
            by: 'guide-1',
            reason: '老年人优先',
          });
          now += MIN;
          ok({ type: 'ticket:cancel', ticketId: t, by: 'system', reason: '群众离开' });
        } else ok({ type: 'ticket:cancel', ticketId: t, by: 'guide-1', reason: '群众离开' });
      }
      if (date === inj.staff) expectOn('R-STAFF', 'staff', 'guide-1', date);
      // R-STAFF by reprints: that next day clerk-b prints one acceptance receipt again three times.
      if (date === staffNext) {
        const mine = [...cases.values()].find((c) => c.intake === 'clerk-b')!;
        for (let k = 0; k < 3; k++) {
          clockTo(at(date, 11, 52 + 2 * k));
          const r = h.slips.issue(
            { kind: 'staff', id: 'clerk-b', name: 'clerk-b', staffNumber: 'clerk-b', roles: ['clerk'] },
            {
              ticketId: h.cases.get(mine.id)!.ticketId,
              kind: 'acceptance',
              applicantName: '张三',
              contactPhone: '13800000000',
              print: true,
            },
          );
          if (!r.ok) throw new Error(`reprint: ${r.error.code} ${r.error.message}`);
        }
        expectOn('R-STAFF', 'staff', 'clerk-b', date);
      }

      tickAt(date, 12);
      // RISK-SIM-2: at 12:30 a clerk opens window 4 and calls the long-waiting ticket; the monitor
      // closes its alert in the same unit.
      if (date === inj.wait) {
        clockTo(at(date, 12, 30));
        ok({ type: 'window:open', windowId: 'w4', clerkId: 'clerk-c' });
        serve('w4');
        clockTo(at(date, 12, 40));
        ok({ type: 'ticket:finish', windowId: 'w4', outcome: 'completed' });
        ok({ type: 'window:close', windowId: 'w4' });
      }

      // R-FAST: a case approved ten minutes after it was accepted.
      // R-SOD (1): the accepting clerk, standing in at the rights desk, marks their own case ready.
      for (const kind of ['fast', 'sod'] as const) {
        if (date !== (kind === 'fast' ? inj.fast : inj.sodIntake)) continue;
        clockTo(at(date, 13, kind === 'fast' ? 0 : 45));
        const ref = `h-${seed}-${(refN++).toString(36)}`;
        issue('A', ref, ITEMS[0]);
        const c = await accept('w1', 'clerk-a', ref, ITEMS[0]!);
        c.holdUntil = '9999-12-31';
        now += 5 * MIN;
        step(REVIEWERS[0]!, 'case:start-review', c.id);
        now += kind === 'fast' ? 5 * MIN : 40 * MIN;
        step(REVIEWERS[0]!, 'case:approve', c.id);
        now += 10 * MIN;
        if (kind === 'fast') {
          expectOn('R-FAST', 'case', c.id, date);
          step(RIGHTS, 'case:ready', c.id);
        } else {
          step({ id: 'clerk-a', roles: ['clerk', 'rights-clerk'] }, 'case:ready', c.id);
          expectOn('R-SOD', 'case', c.id, date);
        }
        c.pickupOn = cal.addWorkingDays(date, 2);
      }

      // 14:45 the back office: cases accepted on an earlier day are reviewed by a reviewer, and
      // two-level ones re-checked by the supervisor the day after (SOD-1, SOD-2 hold).
      clockTo(at(date, 14, 45));
      for (const c of cases.values()) {
        const kase = h.cases.get(c.id)!;
        if (c.holdUntil !== undefined && date < c.holdUntil) continue;
        if (kase.status === 'in-review') {
          now += 2 * MIN;
          step(REVIEWERS[1]!, 'case:approve', c.id);
          c.reviewedOn = date;
        } else if (kase.status === 'accepted' && c.acceptedDay < date) {
          now += 2 * MIN;
          const rev = pick(REVIEWERS);
          step(rev, 'case:start-review', c.id);
          const r = rand();
          // R-SOD (2): one case of one day is sent for 补正, and the rights clerk takes its page in.
          const sodCapture = date === inj.sodCapture && sodCaptureCase === '' && c.supplementOn === undefined;
          if (sodCapture || (!c.force && c.supplementOn === undefined && r < 0.1)) {
            const material = kase.materials.find((m) => m.required)!.name;
            step(rev, 'case:request-supplement', c.id, { missing: [material] });
            c.supplementOn = cal.addWorkingDays(date, between(1, 2));
            c.supplementBy = sodCapture ? 'rights' : 'window';
            if (sodCapture) {
              sodCaptureCase = c.id;
              c.force = true;
            }
          } else if (!c.force && r < 0.16) step(rev, 'case:return', c.id, { note: '不符合申领条件' });
          else step(rev, 'case:approve', c.id);
          c.reviewedOn = date;
        } else if (kase.status === 'reviewed' && c.reviewedOn! < date) {
          now += 2 * MIN;
          step(SUPERVISOR, 'case:recheck', c.id);
        }
      }

      // 15:30 results handed back at the rights window to the citizens who come for them.
      clockTo(at(date, 15, 30));
      for (const c of cases.values()) {
        if (c.pickupOn !== date || h.cases.get(c.id)!.status !== 'ready') continue;
        now += 2 * MIN;
        issue('C', c.ref);
        serve('w3');
        step(RIGHTS, 'case:hand-back', c.id, { note: '本人领取' });
        ok({ type: 'ticket:finish', windowId: 'w3', outcome: 'completed' });
      }
      tickAt(date, 16);
      // 16:30 the rights clerk marks approved results ready; citizens come in 1–12 working days,
      // some after the deadline (a result ready in time is 办结 in time, whenever it is fetched).
      clockTo(at(date, 16, 30));
      for (const c of cases.values()) {
        if (h.cases.get(c.id)!.status !== 'approved') continue;
        now += MIN;
        step(RIGHTS, 'case:ready', c.id);
        c.pickupOn = cal.addWorkingDays(date, between(1, 12));
        if (c.id === sodCaptureCase) {
          expectOn('R-SOD', 'case', c.id, date);
          // Fetched while that alert is open: the hand-back by the same clerk raises nothing new.
          c.pickupOn = cal.addWorkingDays(date, 2);
        }
      }
      clockTo(at(date, 17, 20));
      ok({ type: 'day:close', by: 'system', reason: '日结' });

      // R-HOURS (2): a reviewer opens one of today's cases at 19:30; it is approved the next day.
      if (date === inj.late) {
        const c = [...cases.values()].find(
          (x) =>
            x.acceptedDay === date && x.holdUntil === undefined && h.cases.get(x.id)!.status === 'accepted',
        );
        if (c !== undefined) {
          clockTo(at(date, 19, 30));
          step(REVIEWERS[1]!, 'case:start-review', c.id);
          c.force = true;
          expectOn('R-HOURS', 'staff', 'rev-2', date);
        }
      }
    }
    return {
      get h() {
        return h;
      },
      get store() {
        return store;
      },
      injections,
      ticks,
      cal,
      honestCases,
      reopen: () => {
        store.close();
        openHall();
        return h;
      },
      close: () => {
        store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

const RULE_KINDS = new Map(SIM_RULES.map((r) => [r.id, r.kind]));

describe('a simulated quarter with violations injected (RISK-EVAL-1, RISK-EVAL-2, RISK-EVAL-3, RISK-EVAL-4, RISK-SIM-1)', () => {
  for (const seed of [20260907, 7]) {
    it(`seed ${seed}: the alerts raised are exactly the recount from the log and the injections, and a replay raises the same`, {
      timeout: 900_000,
    }, async () => {
      const started = Date.now();
      const q = await quarter(seed);
      try {
        const log = q.store.events();
        const raised = log.filter(
          (e): e is Extract<HallEvent, { type: 'risk:alert-raised' }> => e.type === 'risk:alert-raised',
        );
        const got = raised.map((a) => keyOf(a.ruleId, a.subject.kind, a.subject.id, dayOf(a.at))).sort();

        // The traffic was real: cases through every level, 补正, two-level 复核, pickups after the deadline.
        const count = (type: string) => log.filter((e) => e.type === type).length;
        expect(q.honestCases).toBeGreaterThan(100);
        expect(count('case:handed-back')).toBeGreaterThan(80);
        expect(count('case:supplemented')).toBeGreaterThan(2);
        expect(count('case:rechecked')).toBeGreaterThan(20);
        expect(count('case:returned')).toBeGreaterThan(2);
        expect(count('case:material-captured')).toBeGreaterThan(100);
        expect(count('risk:alert-disposed')).toBeGreaterThan(5);
        expect(count('slip:reprinted')).toBe(3);
        expect(count('ticket:priority-overridden')).toBe(1);
        const readyDay = new Map<string, string>();
        const deadline = new Map<string, string>();
        for (const e of log) {
          if (e.type === 'case:accepted') deadline.set(e.caseId, e.deadline);
          if (e.type === 'case:ready') readyDay.set(e.caseId, dayOf(e.at));
        }
        const lateFetch = log.filter(
          (e) =>
            e.type === 'case:handed-back' &&
            dayOf(e.at) > deadline.get(e.caseId)! &&
            readyDay.get(e.caseId)! <= deadline.get(e.caseId)!,
        );
        expect(lateFetch.length).toBeGreaterThan(0);

        // 1. The raised alerts equal the independent recount (rule, subject and day).
        const counted = recount(log, q.ticks, q.cal);
        expect(got).toEqual(counted.raised.sort());
        // … and so are the escalations of alerts left past their 处置时限 (RISK-HND-3), across
        // 中秋, 国庆 and their 调休 days.
        const keyOfAlert = new Map(
          raised.map((a) => [a.alertId, keyOf(a.ruleId, a.subject.kind, a.subject.id, dayOf(a.at))]),
        );
        const escalations = log
          .filter((e) => e.type === 'risk:alert-escalated')
          .map((e) => `${keyOfAlert.get(e.alertId)}>${dayOf(e.at)}`)
          .sort();
        expect(escalations.length).toBeGreaterThan(3);
        expect(escalations).toEqual(counted.escalated.sort());

        // 2. They equal the injections: every kind of rule injected, each raised once, on its day.
        expect(new Set(q.injections.map((i) => RULE_KINDS.get(i.ruleId)))).toEqual(
          new Set(RULE_KINDS.values()),
        );
        expect(raised.map((a) => `${a.ruleId}|${a.subject.kind}|${a.subject.id}`).sort()).toEqual(
          q.injections.map((i) => `${i.ruleId}|${i.kind}|${i.id}`).sort(),
        );
        for (const a of raised) {
          const i = q.injections.find(
            (x) =>
              x.ruleId === a.ruleId &&
              x.kind === a.subject.kind &&
              x.id === a.subject.id &&
              x.days.includes(dayOf(a.at)),
          );
          expect(i, `${a.ruleId} ${a.subject.id} on ${dayOf(a.at)}`).toBeDefined();
        }

        // RISK-SIM-2: the long wait's alert was closed by the monitor right after its ticket was called.
        const wait = raised.find((a) => a.ruleId === 'R-WAIT')!;
        const disposal = log.find((e) => e.type === 'risk:alert-disposed' && e.alertId === wait.alertId);
        expect(disposal).toMatchObject({ disposition: 'rectified', by: 'system' });
        const called = log.find((e) => e.type === 'ticket:called' && e.ticketId === wait.subject.id)!;
        expect(disposal!.seq).toBe(called.seq + 1);
        expect(disposal!.at).toBe(called.at);

        // 3. RISK-EVAL-2: a replay of the log from empty gives the same alerts in the same states …
        const live = new Map([...q.h.risk.monitor.alerts.values()].map((a) => [a.alertId, a.status]));
        expect([...live.keys()].sort()).toEqual(raised.map((a) => a.alertId).sort());
        const replay = replayRisk(q.store.iterateEvents(), q.h.risk.ctx);
        expect(new Map([...replay.state.alerts.values()].map((a) => [a.alertId, a.status]))).toEqual(live);
        expect(replay.raised.map((a) => a.alertId).sort()).toEqual(
          raised
            .filter((a) => a.alertId.startsWith('A'))
            .map((a) => a.alertId)
            .sort(),
        );
        // … and so does the server opened again on the same database.
        const reopened = q.reopen();
        expect(new Map(reopened.risk.alerts().alerts.map((a) => [a.alertId, a.status]))).toEqual(live);
        process.stdout.write(
          `risk quarter seed ${seed}: ${log.length} facts, ${raised.length} alerts, ${q.honestCases} cases, ${Date.now() - started} ms\n`,
        );
      } finally {
        q.close();
      }
    });
  }
});
