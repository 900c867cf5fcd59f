/**
 * The supervision reports, as pure folds over the hall's fact log (SPEC HYR-*, IMP-*):
 * - the half-year report to the fund supervision department (LD/T 02 §12.5): alerts by category
 *   and rule, interceptions and overrides, dispositions and overdue alerts, cases by outcome and
 *   the on-time rate (限时件按时办结率), bad ratings and their follow-ups, complaints, and the risk
 *   list as it stood at the end of the half year;
 * - the service-improvement summary (§13.4) per month or quarter, per item, window and clerk.
 *
 * No I/O: the caller hands in the facts (in seq order) and the follow-up records (which are
 * records, not facts: their status is read as it stands). The same log always gives the same
 * report (HYR-2).
 */
import type { ComplaintChannel, HallEvent, RatingReason, RiskEntry, Satisfaction } from '@onewindow/shared';
import { businessDayOf } from './clock.ts';

/** What the folds read: the hall's facts (the risk branch's `risk:*` among them, SPEC RISK-*). */
export type SupervisionFact = HallEvent;

/** A follow-up record as the folds need it. */
export interface FollowUpLite {
  ticketId: string;
  ratedAt: number;
  deadline: string;
  status: string;
  closedAt: number | null;
  rectification: string | null;
}

/** A period of local dates, both ends included. */
export interface Period {
  label: string;
  from: string;
  to: string;
}

/** `2026-H2` → 2026-07-01..2026-12-31. */
export function halfYearPeriod(half: string): Period {
  const m = /^(\d{4})-H([12])$/.exec(half);
  if (m === null) throw new RangeError(`not a half year: ${half}`);
  const y = m[1]!;
  return m[2] === '1'
    ? { label: half, from: `${y}-01-01`, to: `${y}-06-30` }
    : { label: half, from: `${y}-07-01`, to: `${y}-12-31` };
}

const lastDay = (y: number, month: number) => new Date(Date.UTC(y, month, 0)).getUTCDate();
const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11` (a month) or `2026-Q4` (a quarter) → its local dates. */
export function improvementPeriod(p: string): Period {
  const m = /^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$/.exec(p);
  if (m === null) throw new RangeError(`not a month or quarter: ${p}`);
  const y = Number(m[1]);
  const [first, last] =
    m[2] !== undefined ? [Number(m[2]), Number(m[2])] : [Number(m[3]) * 3 - 2, Number(m[3]) * 3];
  return { label: p, from: `${y}-${pad(first)}-01`, to: `${y}-${pad(last)}-${pad(lastDay(y, last))}` };
}

type Counts = Record<string, number>;
const inc = (c: Counts, k: string, by = 1) => {
  c[k] = (c[k] ?? 0) + by;
};
const rate = (num: number, den: number): number | null =>
  den === 0 ? null : Math.round((num / den) * 10000) / 100;

export interface HalfYearReport {
  period: Period;
  alerts: {
    raised: number;
    byCategory: Counts;
    byRule: Counts;
    dispositions: Counts;
    escalated: number;
    /** Alerts of the period not disposed by their due day (open at the end, or disposed late). */
    overdue: {
      alertId: string;
      ruleId: string;
      riskCode: string;
      dueDay: string;
      disposedDay: string | null;
    }[];
  };
  interceptions: { total: number; byRule: Counts; overrides: number; overridesByRule: Counts };
  cases: {
    accepted: number;
    /** Where the period's cases stood at its end: handed-back, returned, in progress … */
    byOutcome: Counts;
    /** Cases of the period finished (ready or returned) by the end. */
    finished: number;
    finishedOnTime: number;
    /** 限时件按时办结率, percent with two decimals; null without finished cases. */
    onTimeRate: number | null;
    /** Cases of the period past their deadline: unfinished after it at the period's end, or finished after it. */
    overdue: {
      caseId: string;
      itemCode: string | null;
      deadline: string;
      status: string;
      finishedDay: string | null;
    }[];
  };
  ratings: { total: number; byLevel: Counts; bad: number; followUpsClosed: number; followUpsOverdue: number };
  complaints: {
    registered: number;
    byChannel: Counts;
    closed: number;
    upheld: number;
    bySatisfaction: Counts;
    /** Open past their deadline at the period's end, or closed after it. */
    overdue: number;
  };
  /** The risk list as it stood at the end of the period (the last one published before it). */
  riskList: { version: number; entries: RiskEntry[] } | null;
}

/** HYR-1, HYR-2: the half-year report, a fold over the log up to the end of the period. */
export function foldHalfYear(
  half: string | Period,
  facts: Iterable<SupervisionFact>,
  followUps: readonly FollowUpLite[],
  utcOffsetMinutes: number,
): HalfYearReport {
  // A region's report (RGN-RPT-4) folds any range of days with the same definitions.
  const period = typeof half === 'string' ? halfYearPeriod(half) : half;
  const dayOf = (at: number) => businessDayOf(at, utcOffsetMinutes);
  const inPeriod = (day: string) => day >= period.from && day <= period.to;
  // The period's bounds as instants: most facts are compared by number, not by formatted day.
  const startMs = Date.parse(`${period.from}T00:00:00Z`) - utcOffsetMinutes * 60_000;
  const endMs = Date.parse(`${period.to}T00:00:00Z`) + 86_400_000 - utcOffsetMinutes * 60_000;
  const r: HalfYearReport = {
    period,
    alerts: { raised: 0, byCategory: {}, byRule: {}, dispositions: {}, escalated: 0, overdue: [] },
    interceptions: { total: 0, byRule: {}, overrides: 0, overridesByRule: {} },
    cases: { accepted: 0, byOutcome: {}, finished: 0, finishedOnTime: 0, onTimeRate: null, overdue: [] },
    ratings: { total: 0, byLevel: {}, bad: 0, followUpsClosed: 0, followUpsOverdue: 0 },
    complaints: { registered: 0, byChannel: {}, closed: 0, upheld: 0, bySatisfaction: {}, overdue: 0 },
    riskList: null,
  };
  const alerts = new Map<
    string,
    { ruleId: string; riskCode: string; dueDay: string; inPeriod: boolean; disposedDay: string | null }
  >();
  const cases = new Map<
    string,
    {
      deadline: string;
      status: string;
      finishedDay: string | null;
      inPeriod: boolean;
      itemCode: string | null;
    }
  >();
  const complaints = new Map<string, { deadline: string; closedDay: string | null; inPeriod: boolean }>();
  const categoryOf = (code: string) =>
    r.riskList?.entries.find((e) => e.code === code)?.category ?? '未列入清单';
  for (const ev of facts) {
    if (ev.at >= endMs) break;
    const here = ev.at >= startMs;
    switch (ev.type) {
      case 'risk:list-published':
        r.riskList = { version: ev.version, entries: ev.entries };
        break;
      case 'risk:alert-raised':
        alerts.set(ev.alertId, {
          ruleId: ev.ruleId,
          riskCode: ev.riskCode,
          dueDay: ev.dueDay,
          inPeriod: here,
          disposedDay: null,
        });
        if (here) {
          r.alerts.raised += 1;
          inc(r.alerts.byCategory, categoryOf(ev.riskCode));
          inc(r.alerts.byRule, ev.ruleId);
        }
        break;
      case 'risk:alert-disposed': {
        const a = alerts.get(ev.alertId);
        if (a !== undefined && a.disposedDay === null) a.disposedDay = dayOf(ev.at);
        if (here) inc(r.alerts.dispositions, ev.disposition);
        break;
      }
      case 'risk:alert-escalated':
        if (here) r.alerts.escalated += 1;
        break;
      case 'risk:intercepted':
        if (here) {
          r.interceptions.total += 1;
          inc(r.interceptions.byRule, ev.ruleId);
        }
        break;
      case 'risk:overridden':
        if (here) {
          r.interceptions.overrides += 1;
          inc(r.interceptions.overridesByRule, ev.ruleId);
        }
        break;
      case 'case:accepted':
        // MAT-INSTANT-5: an instant business's case file is no 限时件.
        if (ev.instant === true) break;
        cases.set(ev.caseId, {
          deadline: ev.deadline,
          status: ev.to,
          finishedDay: null,
          inPeriod: here,
          itemCode: ev.itemCode,
        });
        if (here) r.cases.accepted += 1;
        break;
      case 'case:adopted':
        cases.set(ev.caseId, {
          deadline: ev.record.deadline,
          status: ev.record.status,
          finishedDay: null,
          inPeriod: inPeriod(dayOf(ev.record.acceptedAt)),
          itemCode: ev.record.itemCode ?? null,
        });
        break;
      case 'ticket:rated':
        if (here) {
          r.ratings.total += 1;
          inc(r.ratings.byLevel, String(ev.level));
          if (ev.level <= 2) r.ratings.bad += 1;
        }
        break;
      case 'complaint:registered':
        complaints.set(ev.complaintId, { deadline: ev.deadline, closedDay: null, inPeriod: here });
        if (here) {
          r.complaints.registered += 1;
          inc(r.complaints.byChannel, ev.channel);
        }
        break;
      case 'complaint:closed': {
        const c = complaints.get(ev.complaintId);
        if (c !== undefined) c.closedDay = dayOf(ev.at);
        if (here) {
          r.complaints.closed += 1;
          if (ev.upheld) r.complaints.upheld += 1;
          inc(r.complaints.bySatisfaction, ev.satisfaction);
        }
        break;
      }
      default:
        if (ev.type.startsWith('case:') && 'caseId' in ev && 'to' in ev) {
          const c = cases.get(ev.caseId);
          if (c === undefined) break;
          c.status = ev.to;
          if (
            c.finishedDay === null &&
            (ev.to === 'ready' || ev.to === 'returned' || ev.to === 'handed-back')
          )
            c.finishedDay = dayOf(ev.at);
        }
    }
  }
  // Cases accepted in the period: where they stood at its end, and whether finished on time.
  for (const [caseId, c] of cases) {
    if (!c.inPeriod) continue;
    inc(r.cases.byOutcome, c.status);
    if (c.finishedDay !== null) {
      r.cases.finished += 1;
      if (c.finishedDay <= c.deadline) r.cases.finishedOnTime += 1;
    }
    if (c.finishedDay === null ? c.deadline < period.to : c.finishedDay > c.deadline)
      r.cases.overdue.push({
        caseId,
        itemCode: c.itemCode,
        deadline: c.deadline,
        status: c.status,
        finishedDay: c.finishedDay,
      });
  }
  r.cases.onTimeRate = rate(r.cases.finishedOnTime, r.cases.finished);
  // Alerts of the period past their due day: still open at the end, or disposed after it.
  for (const [alertId, a] of alerts) {
    if (!a.inPeriod) continue;
    const late = a.disposedDay === null ? a.dueDay < period.to : a.disposedDay > a.dueDay;
    if (late)
      r.alerts.overdue.push({
        alertId,
        ruleId: a.ruleId,
        riskCode: a.riskCode,
        dueDay: a.dueDay,
        disposedDay: a.disposedDay,
      });
  }
  for (const c of complaints.values())
    if (c.inPeriod && (c.closedDay === null ? c.deadline < period.to : c.closedDay > c.deadline))
      r.complaints.overdue += 1;
  // Follow-ups of the period's bad ratings: closed, and overdue (open past the deadline at the end).
  for (const f of followUps) {
    if (!inPeriod(dayOf(f.ratedAt))) continue;
    const closedDay = f.closedAt === null ? null : dayOf(f.closedAt);
    if (closedDay !== null && closedDay <= period.to) r.ratings.followUpsClosed += 1;
    else if (f.deadline < period.to) r.ratings.followUpsOverdue += 1;
  }
  return r;
}

/** One row of the improvement summary: an item, a window, a clerk, or the whole hall. */
export interface ImprovementRow {
  key: string;
  /** How staff read the key (an item's name, 3号窗口, a clerk's name and 工号); added by the service. */
  label?: string;
  ratings: number;
  byLevel: Counts;
  /** 好评率: ratings of 4–5 over all ratings, percent; null without ratings. */
  goodRate: number | null;
  /** Reasons given with ratings of 1–2. */
  badReasons: Counts;
  complaints: number;
  complaintsClosed: number;
  complaintsUpheld: number;
}

export interface ImprovementSummary {
  period: Period;
  hall: ImprovementRow;
  byItem: ImprovementRow[];
  byWindow: ImprovementRow[];
  byClerk: ImprovementRow[];
  complaintOutcomes: { bySatisfaction: Counts; byChannel: Counts };
  /** What was put right in the period: closed follow-ups and closed upheld complaints. */
  rectifications: { source: 'follow-up' | 'complaint'; ref: string; day: string; text: string }[];
  /** The measures the manager recorded for this period (the last entry wins), IMP-3. */
  measures: { note: string; by: string; at: number } | null;
}

const row = (key: string): ImprovementRow => ({
  key,
  ratings: 0,
  byLevel: {},
  goodRate: null,
  badReasons: {},
  complaints: 0,
  complaintsClosed: 0,
  complaintsUpheld: 0,
});

/**
 * One row for the same key from several halls' summaries (a region's item league, RGN-RPT-3):
 * counts added, 好评率 recomputed from the added levels with IMP-1's definition.
 */
export function mergeImprovementRows(key: string, rows: readonly ImprovementRow[]): ImprovementRow {
  const out = row(key);
  for (const x of rows) {
    out.ratings += x.ratings;
    for (const [k, n] of Object.entries(x.byLevel)) inc(out.byLevel, k, n);
    for (const [k, n] of Object.entries(x.badReasons)) inc(out.badReasons, k, n);
    out.complaints += x.complaints;
    out.complaintsClosed += x.complaintsClosed;
    out.complaintsUpheld += x.complaintsUpheld;
  }
  out.goodRate = rate((out.byLevel['4'] ?? 0) + (out.byLevel['5'] ?? 0), out.ratings);
  return out;
}

/** IMP-1, IMP-2: the improvement summary of a month or quarter, a fold over the log. */
export function foldImprovement(
  periodLabel: string | Period,
  facts: Iterable<SupervisionFact>,
  followUps: readonly FollowUpLite[],
  utcOffsetMinutes: number,
): ImprovementSummary {
  const period = typeof periodLabel === 'string' ? improvementPeriod(periodLabel) : periodLabel;
  const dayOf = (at: number) => businessDayOf(at, utcOffsetMinutes);
  const inPeriod = (day: string) => day >= period.from && day <= period.to;
  const hall = row('hall');
  const items = new Map<string, ImprovementRow>();
  const windows = new Map<string, ImprovementRow>();
  const clerks = new Map<string, ImprovementRow>();
  const of = (m: Map<string, ImprovementRow>, k: string) => {
    const found = m.get(k);
    if (found !== undefined) return found;
    const x = row(k);
    m.set(k, x);
    return x;
  };
  const itemOfTicket = new Map<string, string | null>();
  const complaintRows = new Map<string, ImprovementRow[]>();
  const bySatisfaction: Counts = {};
  const byChannel: Counts = {};
  const rectifications: ImprovementSummary['rectifications'] = [];
  let measures: ImprovementSummary['measures'] = null;
  for (const ev of facts) {
    if (ev.type === 'improvement:measures-recorded') {
      if (ev.period === period.label) measures = { note: ev.note, by: ev.by, at: ev.at };
      continue;
    }
    if (ev.type === 'ticket:issued') {
      itemOfTicket.set(ev.ticket.id, ev.ticket.itemCode);
      continue;
    }
    const day = dayOf(ev.at);
    if (!inPeriod(day)) continue;
    switch (ev.type) {
      case 'ticket:rated': {
        const item = itemOfTicket.get(ev.ticketId) ?? '未选事项';
        const rows = [hall, of(items, item), of(windows, ev.windowId)];
        if (ev.servedBy !== null) rows.push(of(clerks, ev.servedBy));
        for (const x of rows) {
          x.ratings += 1;
          inc(x.byLevel, String(ev.level));
          if (ev.level <= 2) for (const why of ev.reasons as RatingReason[]) inc(x.badReasons, why);
        }
        break;
      }
      case 'complaint:registered': {
        const s = ev.subject;
        const rows = [hall];
        if (s.kind === 'item') rows.push(of(items, s.id));
        else if (s.kind === 'window') rows.push(of(windows, s.id));
        else if (s.kind === 'clerk') rows.push(of(clerks, s.id));
        else if (ev.ticketId !== null) {
          const item = itemOfTicket.get(ev.ticketId);
          if (item) rows.push(of(items, item));
        }
        for (const x of rows) x.complaints += 1;
        complaintRows.set(ev.complaintId, rows);
        inc(byChannel, ev.channel as ComplaintChannel);
        break;
      }
      case 'complaint:closed': {
        for (const x of complaintRows.get(ev.complaintId) ?? [hall]) {
          x.complaintsClosed += 1;
          if (ev.upheld) x.complaintsUpheld += 1;
        }
        inc(bySatisfaction, ev.satisfaction as Satisfaction);
        if (ev.rectification !== null)
          rectifications.push({ source: 'complaint', ref: ev.complaintId, day, text: ev.rectification });
        break;
      }
      default:
    }
  }
  for (const f of followUps) {
    if (f.closedAt === null || f.rectification === null) continue;
    const day = dayOf(f.closedAt);
    if (inPeriod(day))
      rectifications.push({ source: 'follow-up', ref: f.ticketId, day, text: f.rectification });
  }
  const done = (x: ImprovementRow) => {
    const good = (x.byLevel['4'] ?? 0) + (x.byLevel['5'] ?? 0);
    x.goodRate = rate(good, x.ratings);
    return x;
  };
  const sorted = (m: Map<string, ImprovementRow>) =>
    [...m.values()].map(done).sort((a, b) => a.key.localeCompare(b.key));
  rectifications.sort((a, b) => a.day.localeCompare(b.day) || a.ref.localeCompare(b.ref));
  return {
    period,
    hall: done(hall),
    byItem: sorted(items),
    byWindow: sorted(windows),
    byClerk: sorted(clerks),
    complaintOutcomes: { bySatisfaction, byChannel },
    rectifications,
    measures,
  };
}
