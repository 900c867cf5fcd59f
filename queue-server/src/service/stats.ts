import {
  type BadRating,
  type CategoryFigures,
  type CategoryStats,
  type ClerkStats,
  type DayPoint,
  FINISH_OUTCOMES,
  type FollowUp,
  type HallStats,
  isQueueFact,
  type OutcomeCounts,
  type QueueCategory,
  type RatingLevel,
  type RatingSummary,
  type TimeFigures,
  type WindowDefinition,
  type WindowStats,
  type WorkFigures,
} from '@onewindow/shared';
import { businessDayOf, localTimeOf } from '../domain/clock.ts';
import type { HallEvent } from '../domain/types.ts';

/**
 * The manager's figures (SPEC STAT-*), replayed from the fact log. Pure: the caller loads the
 * facts (in seq order, possibly in chunks) and the names; nothing here reads a clock or a file.
 */

const DAY_MS = 86_400_000;

/** Midnight at the start of a business day, in epoch ms. */
export function dayStart(day: string, utcOffsetMinutes: number): number {
  return Date.parse(`${day}T00:00:00Z`) - utcOffsetMinutes * 60_000;
}

/** Every date from `from` to `to` inclusive (YYYY-MM-DD). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * Nearest-rank percentile (SPEC STAT-3): the value at 1-based rank ⌈p/100 × n⌉ of the sample
 * sorted ascending; `null` for an empty sample.
 */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/** Milliseconds to whole seconds, half up. */
const sec = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 1000));

function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

export function timeFigures(waitMs: readonly number[], serviceMs: readonly number[]): TimeFigures {
  return {
    waitCount: waitMs.length,
    waitAvgSec: sec(mean(waitMs)),
    waitP90Sec: sec(nearestRank(waitMs, 90)),
    serviceCount: serviceMs.length,
    serviceAvgSec: sec(mean(serviceMs)),
    serviceP90Sec: sec(nearestRank(serviceMs, 90)),
  };
}

export function ratingSummary(levels: readonly RatingLevel[]): RatingSummary {
  const byLevel = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  for (const l of levels) byLevel[String(l) as keyof typeof byLevel] += 1;
  const good = byLevel['5'] + byLevel['4'];
  return {
    rated: levels.length,
    byLevel,
    good,
    fair: byLevel['3'],
    bad: byLevel['2'] + byLevel['1'],
    goodRate: levels.length === 0 ? null : good / levels.length,
  };
}

const noOutcomes = (): OutcomeCounts =>
  Object.fromEntries(FINISH_OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;

/** Mutable tallies behind one row of figures. */
class Tally {
  issued = 0;
  served = 0;
  calls = 0;
  recalls = 0;
  noShows = 0;
  cancelled = 0;
  settledAtClose = 0;
  transfersIn = 0;
  transfersOut = 0;
  parked = 0;
  outcomes = noOutcomes();
  waits: number[] = [];
  services: number[] = [];
  levels: RatingLevel[] = [];

  work(): WorkFigures {
    return {
      calls: this.calls,
      recalls: this.recalls,
      served: this.served,
      noShows: this.noShows,
      transfersOut: this.transfersOut,
      transfersIn: this.transfersIn,
      parked: this.parked,
      outcomes: { ...this.outcomes },
      ratings: ratingSummary(this.levels),
      ...timeFigures(this.waits, this.services),
    };
  }
}

type LiveStatus = 'waiting' | 'called' | 'serving' | 'parked' | 'no-show' | 'done' | 'cancelled' | 'settled';

/** What the replay keeps per ticket of the range. */
interface TicketTrack {
  id: string;
  number: string;
  businessDay: string;
  categoryId: string;
  arrivedAt: number;
  status: LiveStatus;
  firstCalled: boolean;
  lastServingAt: number | null;
  servedBy: string | null;
}

export interface StatsOptions {
  from: string;
  to: string;
  /** Today's business day (hall time) and the current instant: for `waitingNow` and on-duty time. */
  today: string;
  now: number;
  utcOffsetMinutes: number;
  /** The hall's current configuration; windows and categories seen only in the log are added. */
  categories: readonly QueueCategory[];
  windows: readonly WindowDefinition[];
  /** Clerks listed even with nothing in the range (a clerk's own figures). */
  alwaysClerks?: readonly string[];
}

export interface StatsNames {
  staff: (id: string) => { name: string; staffNumber: string } | undefined;
  followUp: (ticketId: string) => FollowUp | undefined;
}

const STILL_OPEN = new Set<LiveStatus>(['waiting', 'called', 'serving', 'parked', 'no-show']);

/**
 * Folds facts into the figures of a range of business days. Feed it every fact from before the
 * range's first day began (at least the last sign-on of each window before it) up to the close
 * of its last day (or now), in seq order; facts of tickets of other days are ignored.
 */
export class StatsReplay {
  private readonly tickets = new Map<string, TicketTrack>();
  /**
   * Served tickets of the range whose day has closed: a rating by link may still come for them
   * (MOB-RATE-3), so they are kept in this slim form after the day close drops the rest.
   */
  private readonly closedServed = new Map<string, TicketTrack>();
  private readonly category = new Map<string, Tally>();
  private readonly window = new Map<string, Tally>();
  private readonly clerk = new Map<string, Tally>();
  private readonly total = new Tally();
  private readonly windowClerk = new Map<string, { clerkId: string; since: number }>();
  private readonly onDuty = new Map<string, number>();
  private readonly clerkWindows = new Map<string, Set<string>>();
  private readonly windowDefs = new Map<string, WindowDefinition>();
  private readonly categoryDefs = new Map<string, QueueCategory>();
  private readonly hourly = Array.from({ length: 24 }, () => 0);
  private readonly perDay = new Map<string, DayPoint>();
  private readonly bad: Omit<BadRating, 'windowNumber' | 'clerkName' | 'followUp'>[] = [];
  private readonly rangeStart: number;
  private readonly rangeEnd: number;
  private lastSeq = 0;

  constructor(private readonly o: StatsOptions) {
    for (const c of o.categories) this.categoryDefs.set(c.id, c);
    for (const w of o.windows) this.windowDefs.set(w.id, w);
    for (const day of daysBetween(o.from, o.to)) this.perDay.set(day, { day, issued: 0, served: 0 });
    this.rangeStart = dayStart(o.from, o.utcOffsetMinutes);
    this.rangeEnd = Math.min(dayStart(o.to, o.utcOffsetMinutes) + DAY_MS, o.now);
  }

  private inRange(day: string): boolean {
    return day >= this.o.from && day <= this.o.to;
  }

  private tally(map: Map<string, Tally>, key: string): Tally {
    let t = map.get(key);
    if (!t) {
      t = new Tally();
      map.set(key, t);
    }
    return t;
  }

  private clerkAt(windowId: string): Tally | null {
    const c = this.windowClerk.get(windowId);
    return c ? this.tally(this.clerk, c.clerkId) : null;
  }

  private signOff(windowId: string, at: number): void {
    const c = this.windowClerk.get(windowId);
    if (!c) return;
    this.windowClerk.delete(windowId);
    const overlap = Math.min(at, this.rangeEnd) - Math.max(c.since, this.rangeStart);
    if (overlap > 0) {
      this.onDuty.set(c.clerkId, (this.onDuty.get(c.clerkId) ?? 0) + overlap);
      this.workedAt(c.clerkId, windowId);
    }
  }

  private workedAt(clerkId: string, windowId: string): void {
    let s = this.clerkWindows.get(clerkId);
    if (!s) {
      s = new Set();
      this.clerkWindows.set(clerkId, s);
    }
    s.add(windowId);
  }

  /** Folds one fact (in seq order). */
  apply(ev: HallEvent): void {
    this.lastSeq = Math.max(this.lastSeq, ev.seq);
    if (!isQueueFact(ev)) return;
    switch (ev.type) {
      case 'hall:configured':
        for (const c of ev.config.categories)
          if (!this.categoryDefs.has(c.id)) this.categoryDefs.set(c.id, c);
        for (const w of ev.config.windows) if (!this.windowDefs.has(w.id)) this.windowDefs.set(w.id, w);
        return;
      case 'window:opened':
        this.signOff(ev.windowId, ev.at);
        this.windowClerk.set(ev.windowId, { clerkId: ev.clerkId, since: ev.at });
        return;
      case 'window:closed':
        this.signOff(ev.windowId, ev.at);
        return;
      case 'window:paused':
      case 'window:resumed':
        return;
      case 'day:closed': {
        for (const id of ev.settledTicketIds) {
          const t = this.tickets.get(id);
          if (!t || !STILL_OPEN.has(t.status)) continue;
          t.status = 'settled';
          this.tally(this.category, t.categoryId).settledAtClose += 1;
          this.total.settledAtClose += 1;
        }
        if (ev.closeWindows) for (const w of [...this.windowClerk.keys()]) this.signOff(w, ev.at);
        // A closed day's tickets change no more but for a late rating (MOB-RATE-3): keep the
        // served ones slim, drop the rest, so a year's replay stays small.
        for (const [id, t] of this.tickets)
          if (t.businessDay <= ev.businessDay) {
            if (t.status === 'done') this.closedServed.set(id, t);
            this.tickets.delete(id);
          }
        return;
      }
      case 'ticket:issued': {
        const tk = ev.ticket;
        if (!this.inRange(tk.businessDay)) return;
        this.tickets.set(tk.id, {
          id: tk.id,
          number: tk.number,
          businessDay: tk.businessDay,
          categoryId: tk.categoryId,
          arrivedAt: tk.arrivedAt,
          status: 'waiting',
          firstCalled: false,
          lastServingAt: null,
          servedBy: null,
        });
        this.tally(this.category, tk.categoryId).issued += 1;
        this.total.issued += 1;
        const h = Math.floor(localTimeOf(tk.arrivedAt, this.o.utcOffsetMinutes).minutes / 60);
        this.hourly[h] = (this.hourly[h] ?? 0) + 1;
        const d = this.perDay.get(tk.businessDay);
        if (d) d.issued += 1;
        return;
      }
      default:
        break;
    }
    const t =
      this.tickets.get(ev.ticketId) ??
      (ev.type === 'ticket:rated' ? this.closedServed.get(ev.ticketId) : undefined);
    if (!t) return;
    const cat = this.tally(this.category, t.categoryId);
    switch (ev.type) {
      case 'ticket:called': {
        t.status = 'called';
        const win = this.tally(this.window, ev.windowId);
        const clerk = this.clerkAt(ev.windowId);
        win.calls += 1;
        this.total.calls += 1;
        cat.calls += 1;
        if (clerk) {
          clerk.calls += 1;
          this.workedAt(this.windowClerk.get(ev.windowId)!.clerkId, ev.windowId);
        }
        if (!t.firstCalled) {
          t.firstCalled = true;
          const wait = ev.at - t.arrivedAt;
          for (const x of [this.total, cat, win, clerk]) x?.waits.push(wait);
        }
        return;
      }
      case 'ticket:recalled':
        for (const x of [this.total, cat, this.tally(this.window, ev.windowId), this.clerkAt(ev.windowId)])
          if (x) x.recalls += 1;
        return;
      case 'ticket:serving':
        t.status = 'serving';
        t.lastServingAt = ev.at;
        t.servedBy = this.windowClerk.get(ev.windowId)?.clerkId ?? null;
        return;
      case 'ticket:resumed':
        t.status = 'serving';
        t.servedBy = this.windowClerk.get(ev.windowId)?.clerkId ?? null;
        return;
      case 'ticket:parked':
        t.status = 'parked';
        for (const x of [this.total, cat, this.tally(this.window, ev.windowId), this.clerkAt(ev.windowId)])
          if (x) x.parked += 1;
        return;
      case 'ticket:no-show':
        t.status = 'no-show';
        for (const x of [this.total, cat, this.tally(this.window, ev.windowId), this.clerkAt(ev.windowId)])
          if (x) x.noShows += 1;
        return;
      case 'ticket:reinstated':
        t.status = 'waiting';
        return;
      case 'ticket:finished': {
        t.status = 'done';
        const service = t.lastServingAt === null ? null : ev.at - t.lastServingAt;
        const clerk = t.servedBy === null ? null : this.tally(this.clerk, t.servedBy);
        if (t.servedBy !== null) this.workedAt(t.servedBy, ev.windowId);
        for (const x of [this.total, cat, this.tally(this.window, ev.windowId), clerk]) {
          if (!x) continue;
          x.served += 1;
          x.outcomes[ev.outcome] += 1;
          if (service !== null) x.services.push(service);
        }
        const d = this.perDay.get(t.businessDay);
        if (d) d.served += 1;
        return;
      }
      case 'ticket:cancelled':
        t.status = 'cancelled';
        cat.cancelled += 1;
        this.total.cancelled += 1;
        return;
      case 'ticket:transferred': {
        t.status = 'waiting';
        t.lastServingAt = null;
        if (ev.fromWindowId !== null) {
          this.tally(this.window, ev.fromWindowId).transfersOut += 1;
          const clerk = this.clerkAt(ev.fromWindowId);
          if (clerk) clerk.transfersOut += 1;
        }
        if (ev.pinnedWindowId !== null) this.tally(this.window, ev.pinnedWindowId).transfersIn += 1;
        if (ev.categoryId !== t.categoryId) {
          cat.transfersOut += 1;
          this.tally(this.category, ev.categoryId).transfersIn += 1;
          this.total.transfersOut += 1;
          this.total.transfersIn += 1;
          t.categoryId = ev.categoryId;
        }
        return;
      }
      case 'ticket:rated': {
        const clerk = ev.servedBy === null ? null : this.tally(this.clerk, ev.servedBy);
        for (const x of [this.total, cat, this.tally(this.window, ev.windowId), clerk])
          x?.levels.push(ev.level);
        if (ev.level <= 2)
          this.bad.push({
            ticketId: t.id,
            number: t.number,
            level: ev.level as 1 | 2,
            reasons: [...ev.reasons],
            at: ev.at,
            windowId: ev.windowId,
            clerkId: ev.servedBy,
          });
        return;
      }
      case 'ticket:priority-overridden':
        return;
    }
  }

  /**
   * The whole range's samples behind `total`: waits, services (ms) and rating levels. A region's
   * figures over many halls (RGN-RPT-2) take their averages and p90 over these, not over the
   * halls' averages, so they mean what the hall's mean (STAT-3).
   */
  samples(): { waits: number[]; services: number[]; levels: RatingLevel[] } {
    return {
      waits: [...this.total.waits],
      services: [...this.total.services],
      levels: [...this.total.levels],
    };
  }

  /** The figures so far, with names looked up (the replay may go on afterwards). */
  result(names: StatsNames): HallStats {
    const o = this.o;
    // Clerks still signed on count up to the end of the range (or now); the replay itself is left as it is.
    const onDuty = new Map(this.onDuty);
    const clerkWindows = new Map([...this.clerkWindows].map(([k, v]) => [k, new Set(v)]));
    for (const [windowId, c] of this.windowClerk) {
      const overlap = this.rangeEnd - Math.max(c.since, this.rangeStart);
      if (overlap > 0) {
        onDuty.set(c.clerkId, (onDuty.get(c.clerkId) ?? 0) + overlap);
        clerkWindows.set(c.clerkId, (clerkWindows.get(c.clerkId) ?? new Set()).add(windowId));
      }
    }

    const includesToday = o.today >= o.from && o.today <= o.to;
    const waitingBy = new Map<string, number>();
    const openBy = new Map<string, number>();
    let waitingAll = 0;
    let openAll = 0;
    for (const t of this.tickets.values()) {
      if (t.status === 'waiting') {
        waitingBy.set(t.categoryId, (waitingBy.get(t.categoryId) ?? 0) + 1);
        waitingAll += 1;
      }
      if (STILL_OPEN.has(t.status)) {
        openBy.set(t.categoryId, (openBy.get(t.categoryId) ?? 0) + 1);
        openAll += 1;
      }
    }
    const figures = (x: Tally, waiting: number, open: number): CategoryFigures => ({
      issued: x.issued,
      served: x.served,
      waitingNow: includesToday ? waiting : null,
      stillOpen: open,
      noShows: x.noShows,
      cancelled: x.cancelled,
      settledAtClose: x.settledAtClose,
      transfersIn: x.transfersIn,
      transfersOut: x.transfersOut,
      outcomes: { ...x.outcomes },
      ratings: ratingSummary(x.levels),
      ...timeFigures(x.waits, x.services),
    });

    const categoryOrder = o.categories.map((c) => c.id);
    for (const id of [...this.category.keys()].sort())
      if (!categoryOrder.includes(id)) categoryOrder.push(id);
    const categories: CategoryStats[] = categoryOrder.map((id) => {
      const def = this.categoryDefs.get(id);
      return {
        categoryId: id,
        prefix: def?.prefix ?? id,
        name: def?.name ?? id,
        ...figures(this.category.get(id) ?? new Tally(), waitingBy.get(id) ?? 0, openBy.get(id) ?? 0),
      };
    });

    const windowNumber = (id: string): number | null => this.windowDefs.get(id)?.number ?? null;
    const windows: WindowStats[] = [...this.window]
      .map(([windowId, x]) => ({
        windowId,
        windowNumber: windowNumber(windowId) ?? 0,
        post: this.windowDefs.get(windowId)?.post ?? 'comprehensive',
        ...x.work(),
      }))
      .sort((a, b) => a.windowNumber - b.windowNumber || a.windowId.localeCompare(b.windowId));

    const clerkIds = new Set([...this.clerk.keys(), ...onDuty.keys(), ...(o.alwaysClerks ?? [])]);
    const clerks: ClerkStats[] = [...clerkIds].map((clerkId) => {
      const x = this.clerk.get(clerkId) ?? new Tally();
      const work = x.work();
      const staff = names.staff(clerkId);
      const onDutyMs = onDuty.get(clerkId) ?? 0;
      return {
        clerkId,
        clerkName: staff?.name ?? null,
        staffNumber: staff?.staffNumber ?? null,
        windowNumbers: [...(clerkWindows.get(clerkId) ?? [])]
          .map(windowNumber)
          .filter((n): n is number => n !== null)
          .sort((a, b) => a - b),
        ...work,
        performance: {
          quantity: {
            served: work.served,
            onDutySec: Math.round(onDutyMs / 1000),
            servedPerHour:
              onDutyMs > 0 ? Math.round((work.served / (onDutyMs / 3_600_000)) * 100) / 100 : null,
          },
          time: {
            serviceAvgSec: work.serviceAvgSec,
            serviceP90Sec: work.serviceP90Sec,
            waitAvgSec: work.waitAvgSec,
          },
          quality: {
            rated: work.ratings.rated,
            ratedRate: work.served === 0 ? null : work.ratings.rated / work.served,
            goodRate: work.ratings.goodRate,
            badCount: work.ratings.bad,
            completedRate: work.served === 0 ? null : work.outcomes.completed / work.served,
          },
        },
      };
    });
    clerks.sort(
      (a, b) =>
        (a.staffNumber ?? '\uffff').localeCompare(b.staffNumber ?? '\uffff', 'en', { numeric: true }) ||
        a.clerkId.localeCompare(b.clerkId),
    );

    const badRatings: BadRating[] = this.bad
      .map((b) => ({
        ...b,
        windowNumber: windowNumber(b.windowId),
        clerkName: b.clerkId === null ? null : (names.staff(b.clerkId)?.name ?? null),
        followUp: names.followUp(b.ticketId) ?? null,
      }))
      .sort((a, b) => b.at - a.at || b.ticketId.localeCompare(a.ticketId));

    return {
      from: o.from,
      to: o.to,
      today: o.today,
      includesToday,
      generatedAt: o.now,
      lastSeq: this.lastSeq,
      utcOffsetMinutes: o.utcOffsetMinutes,
      total: figures(this.total, waitingAll, openAll),
      categories,
      windows,
      clerks,
      hourlyArrivals: [...this.hourly],
      ratings: ratingSummary(this.total.levels),
      badRatings,
      days: [...this.perDay.values()].map((d) => ({ ...d })),
    };
  }
}

/** The figures of a range from facts already in memory (tests, small ranges). */
export function hallStats(events: Iterable<HallEvent>, opts: StatsOptions, names: StatsNames): HallStats {
  const replay = new StatsReplay(opts);
  for (const ev of events) replay.apply(ev);
  return replay.result(names);
}

/** Today's business day for an instant (re-exported so routes need not reach into domain/). */
export const todayOf = businessDayOf;

/* ------------------------------------------------------------------ export tables (STAT-6) */

export type Cell = string | number | null;

/** One table of the export: a CSV section and an XLSX sheet. */
export interface StatsTable {
  /** Sheet name (≤ 31 characters, no []:*?/\). */
  sheet: string;
  title: string;
  columns: string[];
  rows: Cell[][];
}

const OUTCOME_ZH: Record<(typeof FINISH_OUTCOMES)[number], string> = {
  completed: '即时办结 Completed',
  accepted: '限时受理 Accepted',
  rejected: '不予受理 Rejected',
  supplement: '一次性补正 Supplement',
};
const REASON_ZH: Record<string, string> = {
  attitude: '服务态度',
  efficiency: '办理效率',
  competence: '业务水平',
  waiting: '等候时间',
  other: '其他',
};
/** 回访 statuses in Chinese (the hall's and the region's exports). */
export const FOLLOW_UP_STATUS_ZH: Record<string, string> = {
  open: '待回访',
  'called-back': '已回访',
  rectifying: '整改中',
  closed: '已办结',
};

/** A rate 0…1 as a percentage with one decimal, or null. */
export const percent = (rate: number | null): number | null =>
  rate === null ? null : Math.round(rate * 1000) / 10;

const timeColumns = [
  '平均等候(秒) Avg wait s',
  'P90等候(秒) P90 wait s',
  '平均办理(秒) Avg service s',
  'P90办理(秒) P90 service s',
];
const timeCells = (x: TimeFigures): Cell[] => [x.waitAvgSec, x.waitP90Sec, x.serviceAvgSec, x.serviceP90Sec];
const outcomeColumns = FINISH_OUTCOMES.map((o) => OUTCOME_ZH[o]);
const outcomeCells = (x: { outcomes: OutcomeCounts }): Cell[] => FINISH_OUTCOMES.map((o) => x.outcomes[o]);

/** Local "YYYY-MM-DD HH:MM" of an instant. */
export function localStamp(at: number, utcOffsetMinutes: number): string {
  return new Date(at + utcOffsetMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The export's tables, in order: categories, windows, clerks, bad ratings, days, hours. */
export function statsTables(s: HallStats): StatsTable[] {
  const categoryRow = (label: string, c: CategoryFigures): Cell[] => [
    label,
    c.issued,
    c.served,
    c.waitingNow,
    c.noShows,
    c.cancelled,
    c.settledAtClose,
    c.transfersIn,
    c.transfersOut,
    ...outcomeCells(c),
    ...timeCells(c),
    c.ratings.rated,
    percent(c.ratings.goodRate),
    c.ratings.bad,
  ];
  return [
    {
      sheet: '按业务类别',
      title: `按业务类别 By category ${s.from} – ${s.to}`,
      columns: [
        '业务类别 Category',
        '取号 Issued',
        '办结 Served',
        '当前等候 Waiting now',
        '过号 No-shows',
        '取消 Cancelled',
        '日结清理 Settled at close',
        '转入 Transfers in',
        '转出 Transfers out',
        ...outcomeColumns,
        ...timeColumns,
        '评价数 Rated',
        '好评率(%) Good rate',
        '差评 Bad',
      ],
      rows: [
        ...s.categories.map((c) => categoryRow(`${c.prefix} ${c.name}`, c)),
        categoryRow('合计 Total', s.total),
      ],
    },
    {
      sheet: '按窗口',
      title: `按窗口 By window ${s.from} – ${s.to}`,
      columns: [
        '窗口 Window',
        '叫号 Calls',
        '重呼 Recalls',
        '办结 Served',
        '过号 No-shows',
        '转出 Transfers out',
        '转入 Transfers in',
        '暂挂 Parked',
        ...outcomeColumns,
        ...timeColumns,
        '评价数 Rated',
        '好评率(%) Good rate',
        '差评 Bad',
      ],
      rows: s.windows.map((w) => [
        w.windowNumber,
        w.calls,
        w.recalls,
        w.served,
        w.noShows,
        w.transfersOut,
        w.transfersIn,
        w.parked,
        ...outcomeCells(w),
        ...timeCells(w),
        w.ratings.rated,
        percent(w.ratings.goodRate),
        w.ratings.bad,
      ]),
    },
    {
      sheet: '按柜员',
      title: `按柜员 By clerk (LD/T 02 §8.4 数量·时限·质量) ${s.from} – ${s.to}`,
      columns: [
        '姓名 Name',
        '工号 Staff no.',
        '窗口 Windows',
        '办结 Served',
        '在岗(分钟) On duty min',
        '每小时办结 Served/hour',
        '叫号 Calls',
        '过号 No-shows',
        '转出 Transfers out',
        ...outcomeColumns,
        ...timeColumns,
        '评价数 Rated',
        '参评率(%) Rated rate',
        '好评率(%) Good rate',
        '差评 Bad',
        '即时办结率(%) Completed rate',
      ],
      rows: s.clerks.map((c) => [
        c.clerkName ?? c.clerkId,
        c.staffNumber,
        c.windowNumbers.join(' '),
        c.served,
        Math.round(c.performance.quantity.onDutySec / 60),
        c.performance.quantity.servedPerHour,
        c.calls,
        c.noShows,
        c.transfersOut,
        ...outcomeCells(c),
        ...timeCells(c),
        c.ratings.rated,
        percent(c.performance.quality.ratedRate),
        percent(c.ratings.goodRate),
        c.ratings.bad,
        percent(c.performance.quality.completedRate),
      ]),
    },
    {
      sheet: '差评回访',
      title: `差评及回访 Bad ratings and follow-up ${s.from} – ${s.to}`,
      columns: [
        '票号 Ticket',
        '评价时间 Rated at',
        '等级 Level',
        '原因 Reasons',
        '窗口 Window',
        '柜员 Clerk',
        '回访状态 Follow-up',
        '整改期限 Deadline',
        '逾期 Overdue',
        '回访次数 Callbacks',
        '整改情况 Rectification',
      ],
      rows: s.badRatings.map((b) => [
        b.ticketId,
        localStamp(b.at, s.utcOffsetMinutes),
        b.level,
        b.reasons.map((r) => REASON_ZH[r] ?? r).join('、'),
        b.windowNumber,
        b.clerkName ?? b.clerkId,
        b.followUp ? (FOLLOW_UP_STATUS_ZH[b.followUp.status] ?? b.followUp.status) : null,
        b.followUp?.deadline ?? null,
        b.followUp ? (b.followUp.overdue ? '是' : '否') : null,
        b.followUp?.callbacks.length ?? null,
        b.followUp?.rectification ?? null,
      ]),
    },
    {
      sheet: '每日',
      title: `每日 By day ${s.from} – ${s.to}`,
      columns: ['日期 Day', '取号 Issued', '办结 Served'],
      rows: s.days.map((d) => [d.day, d.issued, d.served]),
    },
    {
      sheet: '分时段取号',
      title: `分时段取号 Arrivals by hour ${s.from} – ${s.to}`,
      columns: ['时段 Hour', '取号 Issued'],
      rows: s.hourlyArrivals.map((n, h) => [`${String(h).padStart(2, '0')}:00`, n]),
    },
  ];
}

function csvCell(c: Cell): string {
  if (c === null) return '';
  const text = String(c);
  // A leading = + - @ would run as a formula in Excel (CSV injection); numbers are safe.
  const safe = typeof c === 'string' && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The tables as one CSV: UTF-8 with a BOM (so Excel reads Chinese), CRLF, a title line and a blank line around each table. */
export function statsCsv(tables: readonly StatsTable[]): string {
  const lines: string[] = [];
  for (const t of tables) {
    if (lines.length > 0) lines.push('');
    lines.push(csvCell(t.title));
    lines.push(t.columns.map(csvCell).join(','));
    for (const r of t.rows) lines.push(r.map(csvCell).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
