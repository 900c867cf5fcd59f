/**
 * The region's report as a use case (SPEC RGN-RPT-*): checks the query, reads each hall from
 * PostgreSQL one at a time and folds it (`report.ts`), and writes the exports from the same
 * tables as the JSON (CSV with a BOM, XLSX), like the hall's `StatsService`.
 */
import type { RegionReport } from '@onewindow/shared/region-report.ts';
import type { HallEvent } from '../domain/types.ts';
import { MAX_RANGE_DAYS, statsXlsx, XLSX_TYPE } from '../service/stats.service.ts';
import { dayStart, daysBetween, statsCsv } from '../service/stats.ts';
import type { CenterReportStore } from './report.store.ts';
import { DEFAULT_UTC_OFFSET_MINUTES, type HallMeta, RegionReplay, regionTables } from './report.ts';

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HALL_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface RegionQuery {
  /** Hall ids; empty or absent for every hall. */
  halls?: readonly string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export type RegionQueryResult =
  | { ok: true; halls: string[] | null; from: string; to: string }
  | { ok: false; message: string };

export class CenterReportService {
  constructor(
    private readonly deps: {
      store: CenterReportStore;
      now: () => number;
      /** The region's hall time, for the default range (today). */
      utcOffsetMinutes?: number;
    },
  ) {}

  private today(): string {
    const offset = this.deps.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES;
    return new Date(this.deps.now() + offset * 60_000).toISOString().slice(0, 10);
  }

  /** RGN-RPT-1: a query's halls and range (default today, every hall), or why it is refused. */
  check(q: RegionQuery): RegionQueryResult {
    for (const d of [q.from, q.to])
      if (d !== undefined && (!DATE.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`))))
        return { ok: false, message: `not a date (YYYY-MM-DD): ${d.slice(0, 20)}` };
    const bad = (q.halls ?? []).find((h) => !HALL_ID.test(h));
    if (bad !== undefined) return { ok: false, message: `not a hall id: ${bad.slice(0, 70)}` };
    const today = this.today();
    const to = q.to ?? (q.from !== undefined && q.from > today ? q.from : today);
    const from = q.from ?? to;
    if (from > to) return { ok: false, message: `from ${from} is after to ${to}` };
    if (daysBetween(from, to).length > MAX_RANGE_DAYS)
      return { ok: false, message: `a range spans at most ${MAX_RANGE_DAYS} days` };
    const halls = q.halls !== undefined && q.halls.length > 0 ? [...new Set(q.halls)].sort() : null;
    return { ok: true, halls, from, to };
  }

  /**
   * RGN-RPT-1..5: the region's figures over the halls of a set (unknown ids are left out). Halls
   * are folded one at a time in id order; the next hall's facts are read from PostgreSQL while
   * this one folds, so the database and the fold work at once.
   */
  async report(halls: readonly string[] | null, from: string, to: string): Promise<RegionReport> {
    const { store } = this.deps;
    const replay = new RegionReplay({
      from,
      to,
      now: this.deps.now(),
      itemNames: await store.catalogNames(),
    });
    const load = async (meta: HallMeta) => {
      const config = await store.config(meta.hallId);
      const offset = config?.settings.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES;
      const startMs = dayStart(from, offset);
      const endMs = dayStart(to, offset) + DAY_MS;
      const { fromSeq, toSeq } = await store.statsBounds(meta.hallId, {
        startMs,
        endMs,
        to,
        windowIds: config?.windows.map((w) => w.id) ?? [],
        highWater: meta.highWater,
      });
      const pages: HallEvent[][] = [];
      for await (const page of store.facts(meta.hallId, fromSeq, toSeq)) pages.push(page);
      return { meta, config, pages, supervision: await store.supervisionFacts(meta.hallId, startMs, endMs) };
    };
    const metas = await store.halls(halls);
    let next = metas[0] === undefined ? null : load(metas[0]);
    for (let i = 0; next !== null; i += 1) {
      const part = await next;
      next = metas[i + 1] === undefined ? null : load(metas[i + 1]!);
      const fold = replay.hall(part.meta, part.config);
      for (const page of part.pages) for (const ev of page) fold.apply(ev);
      fold.finish(part.supervision);
    }
    return replay.result();
  }

  /** RGN-RPT-6: the report as CSV (UTF-8 BOM) or XLSX, with its file names. */
  async export(
    halls: readonly string[] | null,
    from: string,
    to: string,
    format: 'csv' | 'xlsx',
  ): Promise<{ name: string; nameZh: string; type: string; body: string | Buffer }> {
    const tables = regionTables(await this.report(halls, from, to));
    const name = `onewindow-region_${from}_${to}.${format}`;
    const nameZh = `区域统计_${from}_${to}.${format}`;
    if (format === 'csv') return { name, nameZh, type: 'text/csv; charset=utf-8', body: statsCsv(tables) };
    return { name, nameZh, type: XLSX_TYPE, body: await statsXlsx(tables, this.deps.now()) };
  }
}
