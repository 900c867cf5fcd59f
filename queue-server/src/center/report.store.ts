/**
 * The center's reads for the region's report (SPEC RGN-RPT-1): all of its SQL. PostgreSQL
 * picks the halls, the range's bounds (STAT-1's, found by index as the hall finds them by
 * binary search) and the fact types; the folds stay the hall's (`report.ts`).
 */
import type { HallConfig } from '@onewindow/shared';
import type pg from 'pg';
import type { HallEvent } from '../domain/types.ts';
import type { HallMeta } from './report.ts';

/** Facts are read in pages of this many, so a hall's quarter never sits in memory at once. */
const PAGE = 20_000;

interface FactRow {
  seq: string;
  at: string;
  body: Record<string, unknown>;
}

/** A row as the hall's fact (the body carries its type; seq and at are the hall's). */
const toEvent = (r: FactRow): HallEvent => ({ ...r.body, seq: Number(r.seq), at: Number(r.at) }) as HallEvent;

/** The supervision folds' facts (HYR-*, IMP-*): ratings, cases (not their pages), risk, complaints. */
const SUPERVISION_TYPES = `(type IN ('ticket:rated', 'improvement:measures-recorded')
  OR type LIKE 'risk:%' OR type LIKE 'complaint:%'
  OR (type LIKE 'case:%' AND type NOT LIKE 'case:material-%'))`;

export class CenterReportStore {
  constructor(private readonly pool: pg.Pool) {}

  /** The halls of a set (all when `ids` is null), ordered by id; unknown ids are left out. */
  async halls(ids: readonly string[] | null): Promise<HallMeta[]> {
    const { rows } = await this.pool.query<{
      hall_id: string;
      name: string;
      high_water: string;
      last_contact: string | null;
      flagged: string | null;
    }>(
      `SELECT hall_id, name, high_water, (extract(epoch FROM last_contact) * 1000)::bigint AS last_contact, flagged
         FROM halls WHERE $1::text[] IS NULL OR hall_id = ANY($1::text[]) ORDER BY hall_id`,
      [ids],
    );
    return rows.map((r) => ({
      hallId: r.hall_id,
      name: r.name,
      highWater: Number(r.high_water),
      lastContact: r.last_contact === null ? null : Number(r.last_contact),
      flagged: r.flagged,
    }));
  }

  /** Item names of the region's latest published catalog (RGN-PUSH-*), by code; empty without one. */
  async catalogNames(): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ body: { items?: { code: string; name: string }[] } }>(
      `SELECT body FROM documents WHERE kind = 'catalog' ORDER BY version DESC LIMIT 1`,
    );
    return new Map((rows[0]?.body.items ?? []).map((i) => [i.code, i.name]));
  }

  /** The hall's configuration: its last `hall:configured` fact (the hall reports with its current one). */
  async config(hallId: string): Promise<HallConfig | null> {
    const { rows } = await this.pool.query<{ body: { config: HallConfig } }>(
      `SELECT body FROM facts WHERE hall_id = $1 AND type = 'hall:configured' ORDER BY seq DESC LIMIT 1`,
      [hallId],
    );
    return rows[0]?.body.config ?? null;
  }

  /**
   * STAT-1's bounds at the center, as `StatsService.hall` finds them in the hall: from the first
   * fact at or after the range's first midnight (or the last sign-on before it at a configured
   * window), to the day close of the last day (or its end), else the hall's last fact here.
   */
  async statsBounds(
    hallId: string,
    range: { startMs: number; endMs: number; to: string; windowIds: readonly string[]; highWater: number },
  ): Promise<{ fromSeq: number; toSeq: number }> {
    const first = async (at: number) => {
      const { rows } = await this.pool.query<{ seq: string }>(
        'SELECT seq FROM facts WHERE hall_id = $1 AND at >= $2 ORDER BY at, seq LIMIT 1',
        [hallId, at],
      );
      return rows[0] === undefined ? range.highWater + 1 : Number(rows[0].seq);
    };
    const fromSeq = await first(range.startMs);
    const { rows: opened } = await this.pool.query<{ seq: string | null }>(
      `SELECT min(s) AS seq FROM (
         SELECT (SELECT max(seq) FROM facts
                  WHERE hall_id = $1 AND type = 'window:opened' AND seq < $2 AND body->>'windowId' = w) AS s
           FROM unnest($3::text[]) AS w) x`,
      [hallId, fromSeq, range.windowIds],
    );
    const startSeq = Math.min(fromSeq, opened[0]?.seq == null ? fromSeq : Number(opened[0].seq));
    const { rows: closed } = await this.pool.query<{ seq: string }>(
      `SELECT seq FROM facts WHERE hall_id = $1 AND type = 'day:closed' AND seq >= $2
          AND body->>'businessDay' >= $3 ORDER BY seq LIMIT 1`,
      [hallId, fromSeq, range.to],
    );
    const endOfRange = (await first(range.endMs)) - 1;
    const toSeq = closed[0] === undefined ? range.highWater : Math.max(Number(closed[0].seq), endOfRange);
    return { fromSeq: startSeq, toSeq };
  }

  /** Every fact of [fromSeq, toSeq] in seq order, a page at a time. */
  async *facts(hallId: string, fromSeq: number, toSeq: number): AsyncGenerator<HallEvent[]> {
    let after = fromSeq - 1;
    while (after < toSeq) {
      const { rows } = await this.pool.query<FactRow>(
        `SELECT seq, at, body FROM facts WHERE hall_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT ${PAGE}`,
        [hallId, after, toSeq],
      );
      if (rows.length === 0) return;
      yield rows.map(toEvent);
      after = Number(rows.at(-1)!.seq);
    }
  }

  /**
   * The supervision folds' facts of [startMs, endMs) in seq order: by type, plus the risk list as
   * it stood at the start and the `ticket:issued` of every ticket rated or complained about in
   * the range (the item it was for), and the follow-up facts of its bad ratings. Indexed reads
   * merged by seq, not one OR that would scan the table.
   */
  async supervisionFacts(hallId: string, startMs: number, endMs: number): Promise<HallEvent[]> {
    const { rows: inRange } = await this.pool.query<FactRow>(
      `SELECT seq, at, body FROM facts WHERE hall_id = $1 AND at >= $2 AND at < $3 AND ${SUPERVISION_TYPES}`,
      [hallId, startMs, endMs],
    );
    const named = inRange
      .filter((r) => r.body.type === 'ticket:rated' || r.body.type === 'complaint:registered')
      .map((r) => r.body.ticketId)
      .filter((id): id is string => typeof id === 'string');
    const { rows: issued } =
      named.length === 0
        ? { rows: [] as FactRow[] }
        : await this.pool.query<FactRow>(
            `SELECT seq, at, body FROM facts WHERE hall_id = $1 AND type = 'ticket:issued' AND at < $2
                AND body->'ticket'->>'id' = ANY($3::text[])`,
            [hallId, endMs, [...new Set(named)]],
          );
    const { rows: list } = await this.pool.query<FactRow>(
      `SELECT seq, at, body FROM facts WHERE hall_id = $1 AND type = 'risk:list-published' AND at < $2
        ORDER BY at DESC, seq DESC LIMIT 1`,
      [hallId, startMs],
    );
    // RGN-RPT-9: the follow-up facts of the range's bad ratings, up to now (a callback made
    // after the range still counts, as in the hall's own list).
    const bad = inRange
      .filter((r) => r.body.type === 'ticket:rated' && Number(r.body.level) <= 2)
      .map((r) => r.body.ticketId)
      .filter((id): id is string => typeof id === 'string');
    const { rows: followUps } =
      bad.length === 0
        ? { rows: [] as FactRow[] }
        : await this.pool.query<FactRow>(
            `SELECT seq, at, body FROM facts WHERE hall_id = $1
                AND type IN ('follow-up:opened', 'follow-up:called-back', 'follow-up:status-changed')
                AND body->>'ticketId' = ANY($2::text[])`,
            [hallId, bad],
          );
    return [...inRange, ...issued, ...list, ...followUps].map(toEvent).sort((a, b) => a.seq - b.seq);
  }
}
