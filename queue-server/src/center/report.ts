/**
 * A region's figures over many halls (SPEC RGN-RPT-*), folded from the halls' replicated facts
 * with the hall's own folds: `StatsReplay` (STAT-*) per hall, `foldImprovement` (IMP-1) for
 * 好评率 by item, `foldHalfYear` (HYR-*) for 限时件 and risk alerts. Nothing here is a second
 * definition: a region's row is the sum of its halls' rows, and its averages and p90 are taken
 * over the halls' samples together (STAT-3), never over their averages.
 *
 * Pure: the store reads the facts and hands them in; no clock, no I/O.
 */
import type {
  CategoryFigures,
  DayPoint,
  FinishOutcome,
  HallConfig,
  HallStats,
  RatingLevel,
} from '@onewindow/shared';
import { FINISH_OUTCOMES } from '@onewindow/shared';
import type {
  FollowUpCounts,
  HallLeagueRow,
  ItemLeagueRow,
  RegionBadRating,
  RegionReport,
  WindowLeagueRow,
} from '@onewindow/shared/region-report.ts';
import { FollowUpFold } from '../domain/follow-up.ts';
import {
  foldHalfYear,
  foldImprovement,
  type HalfYearReport,
  type ImprovementRow,
  mergeImprovementRows,
  type Period,
} from '../domain/supervision.ts';
import type { HallEvent } from '../domain/types.ts';
import {
  type Cell,
  FOLLOW_UP_STATUS_ZH,
  localStamp,
  percent,
  ratingSummary,
  StatsReplay,
  type StatsTable,
  timeFigures,
} from '../service/stats.ts';

/** Hall time when a hall has not shipped its configuration yet (China Standard Time). */
export const DEFAULT_UTC_OFFSET_MINUTES = 480;

export interface RegionOptions {
  from: string;
  to: string;
  /** The center's instant; `today` is each hall's business day of it. */
  now: number;
  /** Item names by code from the region's catalog; a name a case fact carries fills the rest. */
  itemNames?: ReadonlyMap<string, string>;
}

/** What the center knows of a hall besides its facts. */
export interface HallMeta {
  hallId: string;
  name: string;
  /** The center's high-water mark: the hall's last fact the center holds. */
  highWater: number;
  /** Epoch ms of the hall's last contact, or null. */
  lastContact: number | null;
  /** Why the center stopped merging this hall (a seq that went backwards …), or null. */
  flagged: string | null;
}

/** One hall's part of the region (what the store reads for it). */
export interface HallPart {
  meta: HallMeta;
  /** The hall's configuration as of the range's end (its last `hall:configured` fact), or null. */
  config: HallConfig | null;
  /** Facts for STAT-1 in seq order: from the last sign-on before the range to the close of its last day. */
  statsFacts: Iterable<HallEvent>;
  /**
   * Facts for the supervision folds in seq order (ratings, cases, risk, complaints, the tickets
   * they name), and the follow-up facts of the range's bad ratings up to now (RGN-RPT-9).
   */
  supervisionFacts: Iterable<HallEvent>;
}

/** The business day of an instant in hall time. */
function dayOf(at: number, utcOffsetMinutes: number): string {
  return new Date(at + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/**
 * Names at the center: staff names stay in the hall (RGN-RPT-5). The hall's follow-up records
 * stay there too; the center's view of them is folded from their facts (RGN-RPT-9).
 */
const CENTER_NAMES = { staff: () => undefined, followUp: () => undefined };

/** RGN-RPT-9: follow-up counts over bad ratings; the rate is HYR-1's percent with two decimals. */
export function followUpCounts(bad: readonly Pick<RegionBadRating, 'followUp'>[]): FollowUpCounts {
  const c: FollowUpCounts = {
    bad: bad.length,
    total: 0,
    open: 0,
    calledBack: 0,
    rectifying: 0,
    closed: 0,
    overdue: 0,
    closedRate: null,
  };
  for (const { followUp: f } of bad) {
    if (f === null) continue;
    c.total += 1;
    if (f.status === 'open') c.open += 1;
    else if (f.status === 'called-back') c.calledBack += 1;
    else if (f.status === 'rectifying') c.rectifying += 1;
    else c.closed += 1;
    if (f.overdue) c.overdue += 1;
  }
  c.closedRate = c.bad === 0 ? null : Math.round((c.closed / c.bad) * 10000) / 100;
  return c;
}

/** Sums counts (a region's is its halls'). */
function sumFollowUpCounts(rows: readonly FollowUpCounts[]): FollowUpCounts {
  const keys = ['bad', 'total', 'open', 'calledBack', 'rectifying', 'closed', 'overdue'] as const;
  const c = Object.fromEntries(keys.map((k) => [k, rows.reduce((a, r) => a + r[k], 0)])) as Omit<
    FollowUpCounts,
    'closedRate'
  >;
  return { ...c, closedRate: c.bad === 0 ? null : Math.round((c.closed / c.bad) * 10000) / 100 };
}

/** Ranks rows best first: a higher 好评率, then more served; rows without ratings last. */
function ranked<T extends { rank: number }>(
  rows: T[],
  rate: (r: T) => number | null,
  volume: (r: T) => number,
  key: (r: T) => string,
): T[] {
  rows.sort((a, b) => {
    const ra = rate(a);
    const rb = rate(b);
    if (ra !== rb) return ra === null ? 1 : rb === null ? -1 : rb - ra;
    return volume(b) - volume(a) || key(a).localeCompare(key(b));
  });
  rows.forEach((r, i) => {
    r.rank = i + 1;
  });
  return rows;
}

/**
 * Folds halls one at a time (RGN-RPT-1): a hall's facts are read, folded and let go before the
 * next, so a region of many halls never sits in memory at once; only samples and rows stay.
 */
export class RegionReplay {
  private readonly waits: number[] = [];
  private readonly services: number[] = [];
  private readonly levels: RatingLevel[] = [];
  private readonly perHall: {
    meta: HallMeta;
    stats: HallStats;
    half: HalfYearReport;
    bad: RegionBadRating[];
    followUps: FollowUpCounts;
  }[] = [];
  private readonly itemRows = new Map<string, ImprovementRow[]>();
  private readonly itemNames = new Map<string, string>();

  constructor(private readonly o: RegionOptions) {}

  /** Folds one hall's part from facts in memory. */
  addHall(part: HallPart): void {
    const fold = this.hall(part.meta, part.config);
    for (const ev of part.statsFacts) fold.apply(ev);
    fold.finish(part.supervisionFacts);
  }

  /**
   * Starts one hall: feed `apply` its STAT-1 facts in seq order (in chunks, as read), then
   * `finish` with its supervision facts. One hall at a time.
   */
  hall(
    meta: HallMeta,
    config: HallConfig | null,
  ): { apply(ev: HallEvent): void; finish(facts: Iterable<HallEvent>): void } {
    const { o } = this;
    const offset = config?.settings.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES;
    const replay = new StatsReplay({
      from: o.from,
      to: o.to,
      today: dayOf(o.now, offset),
      now: o.now,
      utcOffsetMinutes: offset,
      categories: config?.categories ?? [],
      windows: config?.windows ?? [],
    });
    return {
      apply: (ev) => replay.apply(ev),
      finish: (supervisionFacts) => {
        const stats = replay.result(CENTER_NAMES);
        const s = replay.samples();
        for (const w of s.waits) this.waits.push(w);
        for (const v of s.services) this.services.push(v);
        for (const l of s.levels) this.levels.push(l);
        const facts = [...supervisionFacts];
        const fups = new FollowUpFold();
        for (const ev of facts) fups.apply(ev);
        const today = dayOf(o.now, offset);
        const bad = stats.badRatings.map(
          (b): RegionBadRating => ({
            ...b,
            hallId: meta.hallId,
            hallName: meta.name,
            followUp: fups.get(b.ticketId, today) ?? null,
          }),
        );
        for (const ev of facts)
          if (ev.type === 'case:accepted' && !this.itemNames.has(ev.itemCode))
            this.itemNames.set(ev.itemCode, ev.itemName);
        const period: Period = { label: `${o.from}..${o.to}`, from: o.from, to: o.to };
        const half = foldHalfYear(period, facts, [], offset);
        const improvement = foldImprovement(period, facts, [], offset);
        for (const r of improvement.byItem) {
          const list = this.itemRows.get(r.key) ?? [];
          list.push(r);
          this.itemRows.set(r.key, list);
        }
        this.perHall.push({ meta, stats, half, bad, followUps: followUpCounts(bad) });
      },
    };
  }

  result(): RegionReport {
    const halls = this.perHall;
    const sum = (f: (x: CategoryFigures) => number) => halls.reduce((a, h) => a + f(h.stats.total), 0);
    const outcomes = Object.fromEntries(FINISH_OUTCOMES.map((k) => [k, sum((x) => x.outcomes[k])])) as Record<
      FinishOutcome,
      number
    >;
    const anyToday = halls.some((h) => h.stats.includesToday);
    const total: CategoryFigures = {
      issued: sum((x) => x.issued),
      served: sum((x) => x.served),
      waitingNow: anyToday ? sum((x) => x.waitingNow ?? 0) : null,
      stillOpen: sum((x) => x.stillOpen),
      noShows: sum((x) => x.noShows),
      cancelled: sum((x) => x.cancelled),
      settledAtClose: sum((x) => x.settledAtClose),
      transfersIn: sum((x) => x.transfersIn),
      transfersOut: sum((x) => x.transfersOut),
      outcomes,
      ratings: ratingSummary(this.levels),
      ...timeFigures(this.waits, this.services),
    };

    const hallRows = ranked(
      halls.map(
        ({ meta, stats, half, followUps }): HallLeagueRow => ({
          rank: 0,
          hallId: meta.hallId,
          name: meta.name,
          ...stats.total,
          casesAccepted: half.cases.accepted,
          casesFinished: half.cases.finished,
          onTimeRate: half.cases.onTimeRate,
          casesOverdue: half.cases.overdue.length,
          alertsRaised: half.alerts.raised,
          alertsOverdue: half.alerts.overdue.length,
          complaints: half.complaints.registered,
          followUps,
          highWater: meta.highWater,
          lastContact: meta.lastContact,
          flagged: meta.flagged,
        }),
      ),
      (r) => r.ratings.goodRate,
      (r) => r.served,
      (r) => r.hallId,
    );

    const windows = ranked(
      halls.flatMap(({ meta, stats }) =>
        stats.windows.map(
          (w): WindowLeagueRow => ({
            rank: 0,
            hallId: meta.hallId,
            hallName: meta.name,
            windowId: w.windowId,
            windowNumber: w.windowNumber,
            post: w.post,
            calls: w.calls,
            served: w.served,
            noShows: w.noShows,
            waitAvgSec: w.waitAvgSec,
            serviceAvgSec: w.serviceAvgSec,
            serviceP90Sec: w.serviceP90Sec,
            rated: w.ratings.rated,
            goodRate: w.ratings.goodRate,
            bad: w.ratings.bad,
          }),
        ),
      ),
      (r) => r.goodRate,
      (r) => r.served,
      (r) => `${r.hallId}\u0000${String(r.windowNumber).padStart(6, '0')}\u0000${r.windowId}`,
    );

    const items = ranked(
      [...this.itemRows].map(
        ([key, rows]): ItemLeagueRow => ({
          ...mergeImprovementRows(key, rows),
          rank: 0,
          name: this.o.itemNames?.get(key) ?? this.itemNames.get(key) ?? null,
          halls: rows.length,
        }),
      ),
      (r) => r.goodRate,
      (r) => r.ratings,
      (r) => r.key,
    );

    const badRatings = halls
      .flatMap((h) => h.bad)
      .sort(
        (a, b) => b.at - a.at || a.hallId.localeCompare(b.hallId) || a.ticketId.localeCompare(b.ticketId),
      );

    const accepted = halls.reduce((a, h) => a + h.half.cases.accepted, 0);
    const finished = halls.reduce((a, h) => a + h.half.cases.finished, 0);
    const finishedOnTime = halls.reduce((a, h) => a + h.half.cases.finishedOnTime, 0);
    const byRule: Record<string, number> = {};
    for (const h of halls)
      for (const [k, n] of Object.entries(h.half.alerts.byRule)) byRule[k] = (byRule[k] ?? 0) + n;

    const days = new Map<string, DayPoint>();
    for (const h of halls)
      for (const d of h.stats.days) {
        const x = days.get(d.day) ?? { day: d.day, issued: 0, served: 0 };
        x.issued += d.issued;
        x.served += d.served;
        days.set(d.day, x);
      }

    return {
      from: this.o.from,
      to: this.o.to,
      generatedAt: this.o.now,
      hallIds: halls.map((h) => h.meta.hallId),
      total,
      halls: hallRows,
      windows,
      items,
      badRatings,
      followUps: sumFollowUpCounts(halls.map((h) => h.followUps)),
      // HYR-1's rate: percent with two decimals.
      cases: {
        accepted,
        finished,
        finishedOnTime,
        onTimeRate: finished === 0 ? null : Math.round((finishedOnTime / finished) * 10000) / 100,
      },
      overdueCases: halls
        .flatMap(({ meta, half }) =>
          half.cases.overdue.map((c) => ({ ...c, hallId: meta.hallId, hallName: meta.name })),
        )
        .sort((a, b) => a.deadline.localeCompare(b.deadline) || a.hallId.localeCompare(b.hallId)),
      alerts: {
        raised: halls.reduce((a, h) => a + h.half.alerts.raised, 0),
        byRule,
        escalated: halls.reduce((a, h) => a + h.half.alerts.escalated, 0),
      },
      overdueAlerts: halls
        .flatMap(({ meta, half }) =>
          half.alerts.overdue.map((x) => ({ ...x, hallId: meta.hallId, hallName: meta.name })),
        )
        .sort((a, b) => a.dueDay.localeCompare(b.dueDay) || a.hallId.localeCompare(b.hallId)),
      days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
      hourlyArrivals: Array.from({ length: 24 }, (_, i) =>
        halls.reduce((a, h) => a + (h.stats.hourlyArrivals[i] ?? 0), 0),
      ),
      perHall: halls.map((h) => ({ hallId: h.meta.hallId, stats: h.stats })),
    };
  }
}

/* ------------------------------------------------------------------ export tables (RGN-RPT-6) */

const REASON_ZH: Record<string, string> = {
  attitude: '服务态度',
  efficiency: '办理效率',
  competence: '业务水平',
  waiting: '等候时间',
  other: '其他',
};

/** The region's export tables, in order: halls, items, windows, bad ratings, overdue cases and alerts, days. */
export function regionTables(r: RegionReport): StatsTable[] {
  const range = `${r.from} – ${r.to}`;
  return [
    {
      sheet: '按大厅',
      title: `按大厅 By hall ${range}`,
      columns: [
        '排名 Rank',
        '大厅 Hall',
        '编号 Hall id',
        '取号 Issued',
        '办结 Served',
        '过号 No-shows',
        '取消 Cancelled',
        '平均等候(秒) Avg wait s',
        'P90等候(秒) P90 wait s',
        '平均办理(秒) Avg service s',
        'P90办理(秒) P90 service s',
        '评价数 Rated',
        '好评率(%) Good rate',
        '差评 Bad',
        '受理限时件 Cases',
        '按时办结率(%) On time',
        '逾期件 Overdue cases',
        '预警 Alerts',
        '逾期预警 Overdue alerts',
        '投诉 Complaints',
        '差评回访已办结 Follow-ups closed',
        '差评回访逾期 Follow-ups overdue',
        '回访办结率(%) Follow-up closed rate',
      ],
      rows: [
        ...r.halls.map((h): Cell[] => [
          h.rank,
          h.name,
          h.hallId,
          h.issued,
          h.served,
          h.noShows,
          h.cancelled,
          h.waitAvgSec,
          h.waitP90Sec,
          h.serviceAvgSec,
          h.serviceP90Sec,
          h.ratings.rated,
          percent(h.ratings.goodRate),
          h.ratings.bad,
          h.casesAccepted,
          h.onTimeRate,
          h.casesOverdue,
          h.alertsRaised,
          h.alertsOverdue,
          h.complaints,
          h.followUps.closed,
          h.followUps.overdue,
          h.followUps.closedRate,
        ]),
        [
          null,
          '合计 Total',
          null,
          r.total.issued,
          r.total.served,
          r.total.noShows,
          r.total.cancelled,
          r.total.waitAvgSec,
          r.total.waitP90Sec,
          r.total.serviceAvgSec,
          r.total.serviceP90Sec,
          r.total.ratings.rated,
          percent(r.total.ratings.goodRate),
          r.total.ratings.bad,
          r.cases.accepted,
          r.cases.onTimeRate,
          r.overdueCases.length,
          r.alerts.raised,
          r.overdueAlerts.length,
          r.halls.reduce((a, h) => a + h.complaints, 0),
          r.followUps.closed,
          r.followUps.overdue,
          r.followUps.closedRate,
        ],
      ],
    },
    {
      sheet: '按事项',
      title: `按事项 By item ${range}`,
      columns: [
        '排名 Rank',
        '事项编码 Item',
        '事项 Name',
        '大厅数 Halls',
        '评价数 Rated',
        '好评率(%) Good rate',
        '差评 Bad',
        '投诉 Complaints',
      ],
      rows: r.items.map((i) => [
        i.rank,
        i.key,
        i.name,
        i.halls,
        i.ratings,
        i.goodRate,
        (i.byLevel['1'] ?? 0) + (i.byLevel['2'] ?? 0),
        i.complaints,
      ]),
    },
    {
      sheet: '按窗口',
      title: `按窗口 By window ${range}`,
      columns: [
        '排名 Rank',
        '大厅 Hall',
        '窗口 Window',
        '叫号 Calls',
        '办结 Served',
        '过号 No-shows',
        '平均等候(秒) Avg wait s',
        '平均办理(秒) Avg service s',
        'P90办理(秒) P90 service s',
        '评价数 Rated',
        '好评率(%) Good rate',
        '差评 Bad',
      ],
      rows: r.windows.map((w) => [
        w.rank,
        w.hallName,
        w.windowNumber,
        w.calls,
        w.served,
        w.noShows,
        w.waitAvgSec,
        w.serviceAvgSec,
        w.serviceP90Sec,
        w.rated,
        percent(w.goodRate),
        w.bad,
      ]),
    },
    {
      sheet: '差评',
      title: `差评 Bad ratings ${range}`,
      columns: [
        '大厅 Hall',
        '票号 Ticket',
        '评价时间 Rated at',
        '等级 Level',
        '原因 Reasons',
        '窗口 Window',
        '柜员编号 Clerk id',
        '回访状态 Follow-up',
        '整改时限 Deadline',
        '逾期 Overdue',
        '回访次数 Callbacks',
      ],
      rows: r.badRatings.map((b) => [
        b.hallName,
        b.number,
        localStamp(b.at, DEFAULT_UTC_OFFSET_MINUTES),
        b.level,
        b.reasons.map((x) => REASON_ZH[x] ?? x).join('、'),
        b.windowNumber,
        b.clerkId,
        b.followUp ? (FOLLOW_UP_STATUS_ZH[b.followUp.status] ?? b.followUp.status) : '无记录',
        b.followUp?.deadline ?? null,
        b.followUp ? (b.followUp.overdue ? '是' : '否') : null,
        b.followUp?.callbacks ?? null,
      ]),
    },
    {
      sheet: '逾期限时件',
      title: `逾期限时件 Overdue cases ${range}`,
      columns: [
        '大厅 Hall',
        '案件 Case',
        '事项编码 Item',
        '办结时限 Deadline',
        '状态 Status',
        '办结日 Finished',
      ],
      rows: r.overdueCases.map((c) => [
        c.hallName,
        c.caseId,
        c.itemCode,
        c.deadline,
        c.status,
        c.finishedDay,
      ]),
    },
    {
      sheet: '逾期预警',
      title: `逾期预警 Overdue risk alerts ${range}`,
      columns: ['大厅 Hall', '预警 Alert', '规则 Rule', '风险点 Risk', '处置时限 Due', '处置日 Disposed'],
      rows: r.overdueAlerts.map((a) => [
        a.hallName,
        a.alertId,
        a.ruleId,
        a.riskCode,
        a.dueDay,
        a.disposedDay ?? '未处置',
      ]),
    },
    {
      sheet: '每日',
      title: `每日 By day ${range}`,
      columns: ['日期 Day', '取号 Issued', '办结 Served'],
      rows: r.days.map((d) => [d.day, d.issued, d.served]),
    },
  ];
}
