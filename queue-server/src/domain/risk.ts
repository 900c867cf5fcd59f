/**
 * The risk monitor (LD/T 02 §12.3; SPEC RISK-EVAL-*): a pure, deterministic fold of the hall's
 * facts that decides which alerts a fact raises under the published rule set. No I/O and no
 * clock: time is each fact's `at` (and the tick's `now`, which the caller passes and which
 * becomes the `at` of the facts the tick commits). Like the engine's `apply`, `observe` folds
 * into the state it is given; a replay of the log from an empty state reaches the same state and
 * decides the same alerts, with the same ids (RISK-EVAL-2).
 *
 * Alert ids are derived from what raised them: `A<seq>-<rule>` for a fact, `T<at>-<rule>-<subject>`
 * for the tick. An alert is raised only while no alert of the same rule and subject is open
 * (RISK-EVAL-3); a disposal reopens the subject to the rule.
 */
import {
  CASE_STEPS,
  type CaseLevel,
  FINAL_CASE_STATUSES,
  type HallEvent,
  type HallSettings,
  isCaseFact,
  type RiskAlert,
  type RiskEntry,
  type RiskFact,
  type RiskRule,
  type RiskSubject,
} from '@onewindow/shared';
import { businessDayOf, localTimeOf } from './clock.ts';

/** What the evaluator may ask of the world: the hall's working calendar (pure lookups). */
export interface RiskContext {
  /** `n` working days after a local date (the hall's calendar, 调休 aware). */
  addWorkingDays(fromDate: string, n: number): string;
  /** Whether a local date is a working day of the hall's calendar. */
  isWorkingDay(date: string): boolean;
}

type AlertRaised = Extract<RiskFact, { type: 'risk:alert-raised' }>;
type AlertEscalated = Extract<RiskFact, { type: 'risk:alert-escalated' }>;
type AlertDisposed = Extract<RiskFact, { type: 'risk:alert-disposed' }>;

/** The note of a long-wait alert the monitor closes itself when its ticket is called (RISK-SIM-2). */
export const WAIT_ENDED_NOTE = '号票已叫号，等候结束（系统自动关闭）';

/** An alert a rule decided, before it is a fact. */
export interface RiskFinding {
  rule: RiskRule;
  subject: RiskSubject;
  detail: string;
}

interface TicketState {
  businessDay: string;
  holderRef: string | null;
  arrivedAt: number;
  waiting: boolean;
}

interface CaseState {
  ticketId: string;
  acceptedAt: number;
  deadline: string;
  /**
   * Ready for pickup (办结待取): finished as far as its deadline goes, like the half-year report's
   * 按时办结 counts it; the case stays watched for two steps until it is handed back.
   */
  ready: boolean;
  /** Staff id → the levels they acted at in this case. */
  levels: Map<string, Set<CaseLevel>>;
}

/** Times in a sliding window with a running count (amortised O(1) per push and prune). */
class Times {
  private readonly at: number[] = [];
  private head = 0;
  push(t: number): void {
    this.at.push(t);
  }
  /** Drops times before `since`; returns how many remain. */
  countSince(since: number): number {
    while (this.head < this.at.length && this.at[this.head]! < since) this.head++;
    if (this.head > 64 && this.head * 2 > this.at.length) {
      this.at.splice(0, this.head);
      this.head = 0;
    }
    return this.at.length - this.head;
  }
  last(): number {
    return this.at.length > this.head ? this.at[this.at.length - 1]! : Number.NEGATIVE_INFINITY;
  }
}

/** 不予受理 shares over one rule's window, per clerk and hall-wide, kept incrementally. */
class FinishWindow {
  private readonly rows: { at: number; clerk: string; rejected: boolean }[] = [];
  private head = 0;
  readonly byClerk = new Map<string, { finished: number; rejected: number }>();
  finished = 0;
  rejected = 0;
  constructor(readonly periodMs: number) {}
  push(at: number, clerk: string, rejected: boolean): void {
    this.prune(at);
    this.rows.push({ at, clerk, rejected });
    this.add(clerk, rejected, 1);
  }
  prune(now: number): void {
    const since = now - this.periodMs;
    while (this.head < this.rows.length && this.rows[this.head]!.at < since) {
      const r = this.rows[this.head++]!;
      this.add(r.clerk, r.rejected, -1);
    }
    if (this.head > 256 && this.head * 2 > this.rows.length) {
      this.rows.splice(0, this.head);
      this.head = 0;
    }
  }
  private add(clerk: string, rejected: boolean, d: number): void {
    const c = this.byClerk.get(clerk) ?? { finished: 0, rejected: 0 };
    c.finished += d;
    if (rejected) c.rejected += d;
    this.finished += d;
    if (rejected) this.rejected += d;
    if (c.finished === 0) this.byClerk.delete(clerk);
    else this.byClerk.set(clerk, c);
  }
}

/** Everything the monitor remembers between facts. */
export interface RiskState {
  lastSeq: number;
  list: { version: number; entries: RiskEntry[]; at: number | null; by: string | null };
  rules: { version: number; rules: RiskRule[]; at: number | null; by: string | null };
  settings: Pick<HallSettings, 'openingHours' | 'utcOffsetMinutes'> | null;
  /** Open window → the clerk who opened it. */
  windows: Map<string, string>;
  tickets: Map<string, TicketState>;
  cases: Map<string, CaseState>;
  holderTickets: Map<string, Times>;
  holderCases: Map<string, Times>;
  staffActions: Map<string, Times>;
  logins: Map<string, Times>;
  /** Per rejection-rate rule id. */
  finishes: Map<string, FinishWindow>;
  alerts: Map<string, RiskAlert>;
  /** `rule|kind|id` → the open alert's id. */
  open: Map<string, string>;
  /** A manager's override grants not yet used (RISK-INT-2); expiry is checked where one is used. */
  grants: Map<string, Extract<RiskFact, { type: 'risk:override-granted' }>>;
}

const DEFAULT_OFFSET = 480;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * An empty monitor: no list and no rules until the first publish (bootstrap publishes the
 * starting ones, RISK-LIST-2, RISK-RULE-2), so a hall watches exactly what its log says.
 */
export function emptyRiskState(): RiskState {
  return {
    lastSeq: 0,
    list: { version: 0, entries: [], at: null, by: null },
    rules: { version: 0, rules: [], at: null, by: null },
    settings: null,
    windows: new Map(),
    tickets: new Map(),
    cases: new Map(),
    holderTickets: new Map(),
    holderCases: new Map(),
    staffActions: new Map(),
    logins: new Map(),
    finishes: new Map(),
    alerts: new Map(),
    open: new Map(),
    grants: new Map(),
  };
}

const openKey = (ruleId: string, s: RiskSubject) => `${ruleId}|${s.kind}|${s.id}`;
const offsetOf = (s: RiskState) => s.settings?.utcOffsetMinutes ?? DEFAULT_OFFSET;
const entryOf = (s: RiskState, code: string) => s.list.entries.find((e) => e.code === code);

/** The staff member who acted in a fact, or null (devices, the server, citizens). */
export function actorOf(s: RiskState, ev: HallEvent): string | null {
  let who: string | null = null;
  switch (ev.type) {
    case 'window:opened':
      who = ev.clerkId;
      break;
    case 'ticket:called':
    case 'ticket:recalled':
    case 'ticket:serving':
    case 'ticket:no-show':
    case 'ticket:finished':
    case 'ticket:parked':
    case 'ticket:resumed':
    case 'window:paused':
    case 'window:resumed':
    case 'window:closed':
      who = s.windows.get(ev.windowId) ?? null;
      break;
    case 'ticket:cancelled':
    case 'ticket:transferred':
    case 'ticket:reinstated':
    case 'slip:issued':
    case 'slip:reprinted':
      who = ev.by;
      break;
    case 'ticket:priority-overridden':
      who = ev.note.by;
      break;
    default:
      if (isCaseFact(ev)) who = ev.by;
  }
  return who === null || who === 'system' || who === '' ? null : who;
}

function caseLevelOf(ev: HallEvent): CaseLevel | null {
  // Whoever captures pages takes the case in (MAT-FILE-1, as SOD-1 counts it): 受理 too.
  if (ev.type === 'case:accepted' || ev.type === 'case:material-captured') return 'intake';
  if (ev.type === 'case:returned') return ev.level;
  const step = CASE_STEPS.find((st) => st.fact === ev.type);
  return step?.level ?? null;
}

const LEVEL_ZH: Record<CaseLevel, string> = {
  intake: '受理',
  review: '审核',
  recheck: '复核',
  handback: '出件',
};

/** Whether a local time is outside the hall's opening hours by more than `grace` minutes. */
function outsideHours(s: RiskState, at: number, graceMinutes: number, ctx: RiskContext): boolean {
  if (s.settings === null) return false;
  const offset = offsetOf(s);
  const day = businessDayOf(at, offset);
  const { minutes, weekday } = localTimeOf(at, offset);
  const oh = s.settings.openingHours;
  const weekendOpening = weekday >= 6 && oh.weekdays.includes(weekday);
  if (!ctx.isWorkingDay(day) && !weekendOpening) return true;
  const [oH, oM] = oh.open.split(':').map(Number) as [number, number];
  const [cH, cM] = oh.close.split(':').map(Number) as [number, number];
  return minutes < oH * 60 + oM - graceMinutes || minutes > cH * 60 + cM + graceMinutes;
}

/**
 * What one rule finds in a fact, against the state as it stood before the fact (read only).
 * Counting rules count the fact itself.
 */
export function checkRule(s: RiskState, rule: RiskRule, ev: HallEvent, ctx: RiskContext): RiskFinding | null {
  if (!rule.enabled) return null;
  const found = (subject: RiskSubject, detail: string): RiskFinding => ({ rule, subject, detail });
  switch (rule.kind) {
    case 'case-two-steps': {
      if (!isCaseFact(ev)) return null;
      const level = caseLevelOf(ev);
      const c = s.cases.get(ev.caseId);
      if (level === null || c === undefined) return null;
      const before = c.levels.get(ev.by);
      const other = before === undefined ? [] : [...before].filter((l) => l !== level);
      if (other.length === 0) return null;
      return found(
        { kind: 'case', id: ev.caseId },
        `案件 ${ev.caseId}：工作人员 ${ev.by} 已办理${other.map((l) => LEVEL_ZH[l]).join('、')}环节，又办理${LEVEL_ZH[level]}环节`,
      );
    }
    case 'case-fast-approval': {
      if ((ev.type !== 'case:reviewed' && ev.type !== 'case:rechecked') || ev.to !== 'approved') return null;
      const c = s.cases.get(ev.caseId);
      if (c === undefined) return null;
      const minutes = (ev.at - c.acceptedAt) / 60_000;
      if (minutes >= rule.thresholds.minMinutes) return null;
      return found(
        { kind: 'case', id: ev.caseId },
        `案件 ${ev.caseId} 受理后 ${Math.floor(minutes)} 分钟即审批通过（下限 ${rule.thresholds.minMinutes} 分钟）`,
      );
    }
    case 'outside-hours': {
      const who = actorOf(s, ev);
      if (who === null || !outsideHours(s, ev.at, rule.thresholds.graceMinutes, ctx)) return null;
      const { minutes } = localTimeOf(ev.at, offsetOf(s));
      const hhmm = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      return found(
        { kind: 'staff', id: who },
        `工作人员 ${who} 于 ${businessDayOf(ev.at, offsetOf(s))} ${hhmm}（非开放时间）操作 ${ev.type}`,
      );
    }
    case 'holder-frequency': {
      const since = ev.at - rule.thresholds.periodDays * DAY;
      if (ev.type === 'ticket:issued') {
        const ref = ev.ticket.holder?.ref ?? null;
        if (ref === null) return null;
        const n = (s.holderTickets.get(ref)?.countSince(since) ?? 0) + 1;
        if (n < rule.thresholds.tickets) return null;
        return found(
          { kind: 'holder', id: ref },
          `同一办事人 ${rule.thresholds.periodDays} 天内取号 ${n} 次（阈值 ${rule.thresholds.tickets}），最近一张 ${ev.ticket.number}`,
        );
      }
      if (ev.type === 'case:accepted') {
        const ref = s.tickets.get(ev.ticketId)?.holderRef ?? null;
        // MAT-INSTANT-5: only time-limited cases count here; an instant business's file is none.
        if (ref === null || ev.instant === true) return null;
        const n = (s.holderCases.get(ref)?.countSince(since) ?? 0) + 1;
        if (n < rule.thresholds.cases) return null;
        return found(
          { kind: 'holder', id: ref },
          `同一办事人 ${rule.thresholds.periodDays} 天内受理限时件 ${n} 件（阈值 ${rule.thresholds.cases}），最近一件 ${ev.caseId}`,
        );
      }
      return null;
    }
    case 'staff-actions': {
      const who =
        ev.type === 'ticket:cancelled' || ev.type === 'slip:reprinted'
          ? ev.by
          : ev.type === 'ticket:priority-overridden'
            ? ev.note.by
            : null;
      if (who === null || who === 'system') return null;
      const n = (s.staffActions.get(who)?.countSince(ev.at - rule.thresholds.periodHours * HOUR) ?? 0) + 1;
      if (n < rule.thresholds.count) return null;
      return found(
        { kind: 'staff', id: who },
        `工作人员 ${who} ${rule.thresholds.periodHours} 小时内作废、调整顺序或补打 ${n} 次（阈值 ${rule.thresholds.count}）`,
      );
    }
    case 'rejection-rate': {
      if (ev.type !== 'ticket:finished' || ev.outcome !== 'rejected') return null;
      const clerk = s.windows.get(ev.windowId);
      if (clerk === undefined) return null;
      const w = s.finishes.get(rule.id);
      if (w === undefined) return null;
      w.prune(ev.at);
      const mine = w.byClerk.get(clerk) ?? { finished: 0, rejected: 0 };
      const finished = mine.finished + 1;
      const rejected = mine.rejected + 1;
      const restFinished = w.finished - mine.finished;
      const restRejected = w.rejected - mine.rejected;
      if (finished < rule.thresholds.minFinished || restFinished === 0) return null;
      const rate = rejected / finished;
      const rest = restRejected / restFinished;
      if (rate < rule.thresholds.minRate || rate < rule.thresholds.factor * rest) return null;
      return found(
        { kind: 'staff', id: clerk },
        `柜员 ${clerk} 近 ${rule.thresholds.periodDays} 天不予受理率 ${(rate * 100).toFixed(1)}%（${rejected}/${finished}），全厅其余 ${(rest * 100).toFixed(1)}%`,
      );
    }
    case 'failed-logins': {
      if (ev.type !== 'risk:login-failed') return null;
      const key = ev.staffId ?? '';
      const n = (s.logins.get(key)?.countSince(ev.at - rule.thresholds.periodMinutes * 60_000) ?? 0) + 1;
      if (n < rule.thresholds.count) return null;
      return found(
        ev.staffId === null ? { kind: 'hall', id: 'unknown-accounts' } : { kind: 'staff', id: ev.staffId },
        `${ev.staffId === null ? '不存在的账号' : `账号 ${ev.staffId}`} ${rule.thresholds.periodMinutes} 分钟内登录失败 ${n} 次（阈值 ${rule.thresholds.count}）`,
      );
    }
    case 'case-overdue':
    case 'long-wait':
      return null;
  }
}

/** The block-mode rules a fact would break, against the state before it (RISK-INT-1). Read only. */
export function blockingFindings(s: RiskState, ev: HallEvent, ctx: RiskContext): RiskFinding[] {
  const out: RiskFinding[] = [];
  for (const rule of s.rules.rules) {
    if (rule.mode !== 'block') continue;
    const f = checkRule(s, rule, ev, ctx);
    if (f !== null) out.push(f);
  }
  return out;
}

/** The fact of a finding, or null while the same rule has an open alert on the subject. */
function raise(s: RiskState, f: RiskFinding, id: string, at: number, ctx: RiskContext): AlertRaised | null {
  if (s.open.has(openKey(f.rule.id, f.subject))) return null;
  const days = entryOf(s, f.rule.riskCode)?.disposalDays ?? 5;
  return {
    type: 'risk:alert-raised',
    alertId: id,
    ruleId: f.rule.id,
    riskCode: f.rule.riskCode,
    subject: f.subject,
    detail: f.detail,
    dueDay: ctx.addWorkingDays(businessDayOf(at, offsetOf(s)), days),
  };
}

/**
 * Folds one committed fact and returns the alerts it raises (RISK-EVAL-1), which are already
 * registered as open in the state; their `risk:alert-raised` facts fold as no-ops when they
 * follow. A ticket called out of a long wait also returns the disposal of that wait's alert
 * (RISK-SIM-2), which takes effect when its fact folds. Deterministic: the same facts from the
 * same state give the same facts.
 */
export function observe(s: RiskState, ev: HallEvent, ctx: RiskContext): (AlertRaised | AlertDisposed)[] {
  const raised: (AlertRaised | AlertDisposed)[] = [];
  if (ev.type === 'ticket:called')
    for (const rule of s.rules.rules) {
      if (rule.kind !== 'long-wait') continue;
      const alertId = s.open.get(openKey(rule.id, { kind: 'ticket', id: ev.ticketId }));
      if (alertId !== undefined)
        raised.push({
          type: 'risk:alert-disposed',
          alertId,
          disposition: 'rectified',
          note: WAIT_ENDED_NOTE,
          by: 'system',
        });
    }
  if (!ev.type.startsWith('risk:') || ev.type === 'risk:login-failed') {
    for (const rule of s.rules.rules) {
      const f = checkRule(s, rule, ev, ctx);
      if (f === null) continue;
      const a = raise(s, f, `A${ev.seq}-${rule.id}`, ev.at, ctx);
      if (a === null) continue;
      register(s, a, ev.at, ev.seq);
      raised.push(a);
    }
  }
  fold(s, ev);
  s.lastSeq = Math.max(s.lastSeq, ev.seq);
  return raised;
}

function register(s: RiskState, a: AlertRaised, at: number, seq: number): void {
  if (s.alerts.has(a.alertId)) return;
  const entry = entryOf(s, a.riskCode);
  s.alerts.set(a.alertId, {
    alertId: a.alertId,
    ruleId: a.ruleId,
    riskCode: a.riskCode,
    riskName: entry?.name ?? null,
    category: entry?.category ?? null,
    subject: { ...a.subject },
    detail: a.detail,
    raisedAt: at,
    raisedSeq: seq,
    dueDay: a.dueDay,
    status: 'open',
    ownerId: null,
    escalated: false,
    disposition: null,
    note: null,
    disposedBy: null,
    disposedAt: null,
    overdue: false,
  });
  s.open.set(openKey(a.ruleId, a.subject), a.alertId);
}

const push = (m: Map<string, Times>, key: string, at: number) => {
  let t = m.get(key);
  if (t === undefined) {
    t = new Times();
    m.set(key, t);
  }
  t.push(at);
};

function resetWindows(s: RiskState): void {
  s.finishes.clear();
  for (const r of s.rules.rules)
    if (r.kind === 'rejection-rate') s.finishes.set(r.id, new FinishWindow(r.thresholds.periodDays * DAY));
}

/** The longest window any rule of these kinds looks back, for forgetting old times. */
function horizon(s: RiskState): number {
  let ms = DAY;
  for (const r of s.rules.rules) {
    if (r.kind === 'holder-frequency') ms = Math.max(ms, r.thresholds.periodDays * DAY);
    if (r.kind === 'staff-actions') ms = Math.max(ms, r.thresholds.periodHours * HOUR);
    if (r.kind === 'failed-logins') ms = Math.max(ms, r.thresholds.periodMinutes * 60_000);
  }
  return ms;
}

function forgetOld(m: Map<string, Times>, since: number): void {
  for (const [k, t] of m) if (t.last() < since) m.delete(k);
}

/** Folds a fact into the state (no decisions). */
function fold(s: RiskState, ev: HallEvent): void {
  switch (ev.type) {
    case 'hall:configured':
      s.settings = {
        openingHours: ev.config.settings.openingHours,
        utcOffsetMinutes: ev.config.settings.utcOffsetMinutes,
      };
      return;
    case 'window:opened':
      s.windows.set(ev.windowId, ev.clerkId);
      return;
    case 'window:closed':
      s.windows.delete(ev.windowId);
      return;
    case 'ticket:issued': {
      const ref = ev.ticket.holder?.ref ?? null;
      s.tickets.set(ev.ticket.id, {
        businessDay: ev.ticket.businessDay,
        holderRef: ref,
        arrivedAt: ev.ticket.arrivedAt,
        waiting: true,
      });
      if (ref !== null) push(s.holderTickets, ref, ev.at);
      return;
    }
    case 'ticket:cancelled': {
      const t = s.tickets.get(ev.ticketId);
      if (t) t.waiting = false;
      if (ev.by !== 'system') push(s.staffActions, ev.by, ev.at);
      return;
    }
    case 'ticket:called':
    case 'ticket:no-show': {
      const t = s.tickets.get(ev.ticketId);
      if (t) t.waiting = false;
      return;
    }
    case 'ticket:reinstated':
    case 'ticket:transferred': {
      const t = s.tickets.get(ev.ticketId);
      if (t) t.waiting = true;
      return;
    }
    case 'ticket:finished': {
      const t = s.tickets.get(ev.ticketId);
      if (t) t.waiting = false;
      const clerk = s.windows.get(ev.windowId);
      if (clerk !== undefined)
        for (const w of s.finishes.values()) w.push(ev.at, clerk, ev.outcome === 'rejected');
      return;
    }
    case 'ticket:priority-overridden':
      if (ev.note.by !== 'system') push(s.staffActions, ev.note.by, ev.at);
      return;
    case 'slip:reprinted':
      push(s.staffActions, ev.by, ev.at);
      return;
    case 'day:closed': {
      for (const id of ev.settledTicketIds) s.tickets.delete(id);
      for (const [id, t] of s.tickets) if (t.businessDay <= ev.businessDay) s.tickets.delete(id);
      const since = ev.at - horizon(s);
      forgetOld(s.holderTickets, since);
      forgetOld(s.holderCases, since);
      forgetOld(s.staffActions, since);
      forgetOld(s.logins, since);
      return;
    }
    case 'risk:list-published':
      s.list = { version: ev.version, entries: ev.entries.map((e) => ({ ...e })), at: ev.at, by: ev.by };
      return;
    case 'risk:rules-published':
      s.rules = { version: ev.version, rules: structuredClone(ev.rules), at: ev.at, by: ev.by };
      resetWindows(s);
      return;
    case 'risk:alert-raised': {
      // The log is the truth: a replay keeps the due day and wording the fact was committed with.
      const known = s.alerts.get(ev.alertId);
      if (known) {
        known.dueDay = ev.dueDay;
        known.detail = ev.detail;
      } else register(s, ev, ev.at, ev.seq);
      return;
    }
    case 'risk:alert-assigned': {
      const a = s.alerts.get(ev.alertId);
      if (a && a.status !== 'disposed') {
        a.ownerId = ev.ownerId;
        a.status = 'assigned';
      }
      return;
    }
    case 'risk:alert-disposed': {
      const a = s.alerts.get(ev.alertId);
      if (!a) return;
      a.status = 'disposed';
      a.disposition = ev.disposition;
      a.note = ev.note;
      a.disposedBy = ev.by;
      a.disposedAt = ev.at;
      const k = openKey(a.ruleId, a.subject);
      if (s.open.get(k) === a.alertId) s.open.delete(k);
      return;
    }
    case 'risk:alert-escalated': {
      const a = s.alerts.get(ev.alertId);
      if (a) a.escalated = true;
      return;
    }
    case 'risk:login-failed':
      push(s.logins, ev.staffId ?? '', ev.at);
      return;
    case 'risk:override-granted': {
      const { seq: _seq, at: _at, ...grant } = ev;
      s.grants.set(ev.grantId, grant);
      // Spent and expired grants leave the state (a busy year keeps no pile of them).
      for (const [id, g] of s.grants) if (g.expiresAt < ev.at) s.grants.delete(id);
      return;
    }
    case 'risk:overridden':
      if (ev.grantId !== undefined) s.grants.delete(ev.grantId);
      return;
    default:
      if (ev.type.startsWith('case:')) foldCase(s, ev);
  }
}

function foldCase(s: RiskState, ev: HallEvent): void {
  if (ev.type === 'case:accepted') {
    s.cases.set(ev.caseId, {
      ticketId: ev.ticketId,
      acceptedAt: ev.at,
      deadline: ev.deadline,
      ready: ev.to === 'ready',
      levels: new Map([[ev.by, new Set<CaseLevel>(['intake'])]]),
    });
    const ref = s.tickets.get(ev.ticketId)?.holderRef ?? null;
    if (ref !== null && ev.instant !== true) push(s.holderCases, ref, ev.at);
    if (FINAL_CASE_STATUSES.includes(ev.to)) s.cases.delete(ev.caseId);
    return;
  }
  if (ev.type === 'case:adopted') {
    const r = ev.record;
    if (FINAL_CASE_STATUSES.includes(r.status)) return;
    const levels = new Map<string, Set<CaseLevel>>();
    const add = (who: string, l: CaseLevel) => levels.set(who, (levels.get(who) ?? new Set()).add(l));
    for (const w of r.intake) add(w, 'intake');
    for (const w of r.reviewers) add(w, 'review');
    if (r.recheckedBy !== null) add(r.recheckedBy, 'recheck');
    s.cases.set(r.id, {
      ticketId: r.ticketId,
      acceptedAt: r.acceptedAt,
      deadline: r.deadline,
      ready: r.status === 'ready',
      levels,
    });
    return;
  }
  if (!isCaseFact(ev)) return;
  const c = s.cases.get(ev.caseId);
  if (c === undefined) return;
  const level = caseLevelOf(ev);
  if (level !== null) c.levels.set(ev.by, (c.levels.get(ev.by) ?? new Set()).add(level));
  if ('to' in ev) c.ready = ev.to === 'ready';
  if ('to' in ev && FINAL_CASE_STATUSES.includes(ev.to)) s.cases.delete(ev.caseId);
}

/**
 * The time-driven rules at `now` (RISK-EVAL-4): tickets waiting too long, cases past their
 * deadline, and alerts past their due day to escalate (RISK-HND-3). Read only: the caller
 * commits the facts (at `now`), and `observe` folds them. Running it again before they are
 * disposed finds nothing new (one alert per rule and subject).
 */
export function tick(s: RiskState, now: number, ctx: RiskContext): (AlertRaised | AlertEscalated)[] {
  const out: (AlertRaised | AlertEscalated)[] = [];
  const today = businessDayOf(now, offsetOf(s));
  for (const rule of s.rules.rules) {
    if (!rule.enabled) continue;
    if (rule.kind === 'long-wait') {
      const limit = rule.thresholds.minutes * 60_000;
      for (const [id, t] of s.tickets) {
        if (!t.waiting || now - t.arrivedAt <= limit) continue;
        const subject: RiskSubject = { kind: 'ticket', id };
        const a = raise(
          s,
          {
            rule,
            subject,
            detail: `号票 ${id} 已等候 ${Math.floor((now - t.arrivedAt) / 60_000)} 分钟（阈值 ${rule.thresholds.minutes} 分钟）`,
          },
          `T${now}-${rule.id}-${id}`,
          now,
          ctx,
        );
        if (a) out.push(a);
      }
    } else if (rule.kind === 'case-overdue') {
      for (const [id, c] of s.cases) {
        // A result ready in time is 办结 in time, however late the citizen fetches it.
        if (c.ready) continue;
        const last = ctx.addWorkingDays(c.deadline, rule.thresholds.graceDays);
        if (today <= last) continue;
        const a = raise(
          s,
          { rule, subject: { kind: 'case', id }, detail: `案件 ${id} 办结时限 ${c.deadline} 已过，仍未办结` },
          `T${now}-${rule.id}-${id}`,
          now,
          ctx,
        );
        if (a) out.push(a);
      }
    }
  }
  // One id per subject within this tick, whatever rules overlap.
  const seen = new Set<string>();
  const raised = out.filter((a) => {
    if (a.type !== 'risk:alert-raised') return true;
    const k = openKey(a.ruleId, a.subject);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  for (const a of s.alerts.values())
    if (a.status !== 'disposed' && !a.escalated && today > a.dueDay)
      raised.push({ type: 'risk:alert-escalated', alertId: a.alertId, to: 'manager' });
  return raised;
}

/** Builds the monitor's state from a log, and the alerts the facts raised on the way (a replay). */
export function replayRisk(
  events: Iterable<HallEvent>,
  ctx: RiskContext,
): { state: RiskState; raised: AlertRaised[] } {
  const s = emptyRiskState();
  resetWindows(s);
  const raised: AlertRaised[] = [];
  for (const ev of events)
    for (const f of observe(s, ev, ctx)) if (f.type === 'risk:alert-raised') raised.push(f);
  return { state: s, raised };
}

/** A fresh state with its rule windows ready (use instead of emptyRiskState to observe live). */
export function startRiskState(): RiskState {
  const s = emptyRiskState();
  resetWindows(s);
  return s;
}
