/**
 * The manager's figures (SPEC STAT-*) and the day report (RPT-*), read from the store: the
 * statistics replay the fact log for a range of business days in chunks; the day report reads
 * the tickets projection. Exports are built from the same tables (CSV with a BOM, XLSX).
 */
import type { HallStats, MyStats } from '@onewindow/shared';
import ExcelJS from 'exceljs';
import { businessDayOf } from '../domain/clock.ts';
import { onlineSettingsOf } from '../domain/settings.ts';
import type { HallConfig } from '../domain/types.ts';
import type { AuthStore } from '../store/auth.store.ts';
import type { HallStore } from '../store/hall.store.ts';
import type { ReportStore } from '../store/report.store.ts';
import type { AppointmentService } from './appointment.service.ts';
import { type DayReport, loadDayReport } from './day-report.ts';
import type { FollowUpService } from './follow-up.ts';
import type { Clock } from './hall.service.ts';
import {
  dayStart,
  daysBetween,
  type StatsNames,
  type StatsOptions,
  StatsReplay,
  type StatsTable,
  statsCsv,
  statsTables,
} from './stats.ts';

/** The longest range one request may ask for (STAT-1). */
export const MAX_RANGE_DAYS = 366;
/** Facts are read from the log in chunks of this many, so a year's range never sits in memory at once. */
const CHUNK = 20_000;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** STAT-6's tables as a workbook: one sheet per table, its title and bold header frozen above the rows. */
export async function statsXlsx(tables: readonly StatsTable[], createdAt: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'OneWindow';
  wb.created = new Date(createdAt);
  for (const t of tables) {
    const ws = wb.addWorksheet(t.sheet);
    ws.addRow([t.title]).font = { bold: true };
    ws.addRow(t.columns).font = { bold: true };
    for (const row of t.rows) ws.addRow(row);
    ws.views = [{ state: 'frozen', ySplit: 2 }];
    ws.columns.forEach((c, i) => {
      c.width = Math.min(40, Math.max(10, (t.columns[i]?.length ?? 8) + 2));
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export class StatsService {
  constructor(
    private readonly deps: {
      store: Pick<HallStore, 'events' | 'lastSeq'>;
      reports: ReportStore;
      auth: AuthStore;
      followUps: FollowUpService;
      appointments: AppointmentService;
      config: () => HallConfig | null;
      utcOffsetMinutes: () => number;
      clock: Clock;
    },
  ) {}

  today(): string {
    return businessDayOf(this.deps.clock.now(), this.deps.utcOffsetMinutes());
  }

  private staffNames = (id: string) => {
    const s = this.deps.auth.staffById(id);
    return s === undefined ? undefined : { name: s.name, staffNumber: s.staffNumber };
  };

  /** A range of business days from a query (default today), or why it is refused (STAT-1). */
  range(q: {
    from?: string | undefined;
    to?: string | undefined;
  }): { from: string; to: string } | { error: string } {
    const today = this.today();
    const to = q.to ?? (q.from !== undefined && q.from > today ? q.from : today);
    const from = q.from ?? to;
    if (from > to) return { error: `from ${from} is after to ${to}` };
    if (daysBetween(from, to).length > MAX_RANGE_DAYS)
      return { error: `a range spans at most ${MAX_RANGE_DAYS} days` };
    return { from, to };
  }

  /** Replays the log for a range of business days (STAT-1): chunked, from the last sign-on before it. */
  hall(from: string, to: string, extra: Partial<StatsOptions> = {}): HallStats {
    const cfg = this.deps.config();
    const opts: StatsOptions = {
      from,
      to,
      today: this.today(),
      now: this.deps.clock.now(),
      utcOffsetMinutes: this.deps.utcOffsetMinutes(),
      categories: cfg?.categories ?? [],
      windows: cfg?.windows ?? [],
      ...extra,
    };
    const reports = this.deps.reports;
    const replay = new StatsReplay(opts);
    const fromSeq = reports.firstSeqAtOrAfter(dayStart(from, opts.utcOffsetMinutes));
    let startSeq = fromSeq;
    for (const w of opts.windows) {
      const carried = reports.openingBefore(fromSeq, w.id);
      if (carried !== undefined) startSeq = Math.min(startSeq, carried.seq);
    }
    const lastSeq = this.deps.store.lastSeq();
    const closed = reports.dayClosed(to, fromSeq);
    const endOfRange = reports.firstSeqAtOrAfter(dayStart(to, opts.utcOffsetMinutes) + 86_400_000) - 1;
    const toSeq = closed === undefined ? lastSeq : Math.max(closed.seq, endOfRange);
    for (let seq = startSeq; seq <= toSeq; seq += CHUNK)
      for (const ev of this.deps.store.events(seq, Math.min(toSeq, seq + CHUNK - 1))) replay.apply(ev);
    // MOB-RATE-3: ratings by link of the range's services, given after its last day closed (a
    // link is accepted `ratingDays` after the service, so nothing later can be one of them).
    if (toSeq < lastSeq) {
      const days = onlineSettingsOf(cfg?.settings).ratingDays + 1;
      const until =
        reports.firstSeqAtOrAfter(dayStart(to, opts.utcOffsetMinutes) + (days + 1) * 86_400_000) - 1;
      for (const ev of reports.ratedBetween(toSeq, Math.min(lastSeq, until))) replay.apply(ev);
    }
    const names: StatsNames = { staff: this.staffNames, followUp: (id) => this.deps.followUps.get(id) };
    return replay.result(names);
  }

  /** STAT-7: one clerk's own row for a day (zeros when they did nothing). */
  mine(clerkId: string, day: string): MyStats {
    const stats = this.hall(day, day, { alwaysClerks: [clerkId] });
    return { date: day, ...stats.clerks.find((c) => c.clerkId === clerkId)! };
  }

  /** STAT-6: the range as CSV (UTF-8 BOM) or XLSX, with its file names. */
  async export(
    from: string,
    to: string,
    format: 'csv' | 'xlsx',
  ): Promise<{ name: string; nameZh: string; type: string; body: string | Buffer }> {
    const tables = statsTables(this.hall(from, to));
    const name = `onewindow-stats_${from}_${to}.${format}`;
    const nameZh = `大厅统计_${from}_${to}.${format}`;
    if (format === 'csv') return { name, nameZh, type: 'text/csv; charset=utf-8', body: statsCsv(tables) };
    return { name, nameZh, type: XLSX_TYPE, body: await statsXlsx(tables, this.deps.clock.now()) };
  }

  /** RPT-*: the day report with the clerks' names and 工号. */
  dayReport(day: string): DayReport & {
    clerks: (DayReport['clerks'][number] & { name: string | null; staffNumber: string | null })[];
  } {
    const report = loadDayReport(this.deps.reports, {
      businessDay: day,
      utcOffsetMinutes: this.deps.utcOffsetMinutes(),
      categoryIds: this.deps.config()?.categories.map((c) => c.id) ?? [],
      appointments: this.deps.appointments.rowsOf(day),
    });
    const clerks = report.clerks.map((c) => {
      const s = this.deps.auth.staffById(c.clerkId);
      return { ...c, name: s?.name ?? null, staffNumber: s?.staffNumber ?? null };
    });
    return { ...report, clerks };
  }
}
