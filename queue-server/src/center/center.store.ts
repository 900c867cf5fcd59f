/**
 * All of the center's SQL (issue #18): halls, their shipped facts, the pushed-down documents.
 * Every ingest is one PostgreSQL transaction that holds the hall's row (`FOR UPDATE`), so a
 * hall's batches apply one at a time and its mark only moves with the facts it covers.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RegionDocument, RegionDocumentKind, RegionVersions, ShippedFact } from '@onewindow/shared';
import pg from 'pg';

/** bigint columns come back as JS numbers: a hall's seq stays far below 2^53. */
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface HallRow {
  hallId: string;
  name: string;
  highWater: number;
  reportedSeq: number | null;
  lastContact: Date | null;
  flagged: string | null;
  flaggedAt: Date | null;
  runningVersions: RegionVersions;
}

/**
 * A batch as JSON text, `{"facts": [{seq, at, type, body}, …], …}` (other keys are ignored), with
 * its first and last seq. The ingest route passes the request body as it came, after
 * `checkBatch` (ingest-batch.ts) read it; facts must be contiguous and ordered by seq.
 */
export interface BatchText {
  json: string;
  first: number | null;
  last: number | null;
}

/** The batch text of facts built in JS (tests, tools). */
export function batchText(facts: readonly ShippedFact[]): BatchText {
  return { json: JSON.stringify({ facts }), first: facts[0]?.seq ?? null, last: facts.at(-1)?.seq ?? null };
}

export type IngestOutcome =
  | { ok: true; highWater: number; inserted: number }
  | { ok: false; code: 'UNKNOWN_HALL' }
  | { ok: false; code: 'HALL_FLAGGED'; flagged: string; highWater: number }
  | { ok: false; code: 'GAP'; highWater: number };

/** sha256 of a credential, hex: credentials are 32 random bytes, so a plain hash is enough. */
export function hashCredential(credential: string): string {
  return createHash('sha256').update(credential, 'utf8').digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

const toHall = (r: Record<string, unknown>): HallRow => ({
  hallId: r.hall_id as string,
  name: r.name as string,
  highWater: r.high_water as number,
  reportedSeq: (r.reported_seq as number | null) ?? null,
  lastContact: (r.last_contact as Date | null) ?? null,
  flagged: (r.flagged as string | null) ?? null,
  flaggedAt: (r.flagged_at as Date | null) ?? null,
  runningVersions: (r.running_versions as RegionVersions) ?? {},
});

export class CenterStore {
  /** Each hall's credential hash as last read: a batch needs no query to authenticate (halls are never re-keyed in place). */
  private readonly hashes = new Map<string, string>();

  constructor(readonly pool: pg.Pool) {}

  /** Registers a hall and answers its credential (shown once; only its hash is kept). */
  async addHall(hallId: string, name: string): Promise<{ credential: string } | null> {
    const credential = `owh_${randomBytes(32).toString('base64url')}`;
    const r = await this.pool.query(
      'INSERT INTO halls (hall_id, name, credential_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [hallId, name, hashCredential(credential)],
    );
    return r.rowCount === 1 ? { credential } : null;
  }

  /** Whether this credential is this hall's (RGN-REP-5): a hall writes only its own stream. */
  async authenticate(hallId: string, credential: string): Promise<boolean> {
    const given = hashCredential(credential);
    const known = this.hashes.get(hallId);
    if (known !== undefined && sameHash(known, given)) return true;
    const r = await this.pool.query<{ credential_hash: string }>(
      'SELECT credential_hash FROM halls WHERE hall_id = $1',
      [hallId],
    );
    const row = r.rows[0];
    if (row === undefined) return false;
    this.hashes.set(hallId, row.credential_hash);
    return sameHash(row.credential_hash, given);
  }

  async hall(hallId: string): Promise<HallRow | undefined> {
    const r = await this.pool.query('SELECT * FROM halls WHERE hall_id = $1', [hallId]);
    return r.rows[0] === undefined ? undefined : toHall(r.rows[0]);
  }

  async halls(): Promise<HallRow[]> {
    const r = await this.pool.query('SELECT * FROM halls ORDER BY hall_id');
    return r.rows.map(toHall);
  }

  /**
   * RGN-REP-2..7: one batch in one transaction. Facts at or below the mark must equal what the
   * center holds (else the hall's log was rewound: flagged, nothing merged); new facts must
   * continue the mark without a gap; the mark moves to the last one.
   */
  async ingest(
    hallId: string,
    hallLastSeq: number,
    versions: RegionVersions,
    batch: readonly ShippedFact[] | BatchText,
  ): Promise<IngestOutcome> {
    const b = Array.isArray(batch) ? batchText(batch as readonly ShippedFact[]) : (batch as BatchText);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const cur = await client.query<{ high_water: number; flagged: string | null }>(
        'SELECT high_water, flagged FROM halls WHERE hall_id = $1 FOR UPDATE',
        [hallId],
      );
      const row = cur.rows[0];
      if (row === undefined) {
        await client.query('ROLLBACK');
        return { ok: false, code: 'UNKNOWN_HALL' };
      }
      const mark = row.high_water;
      if (row.flagged !== null) {
        await client.query('UPDATE halls SET last_contact = now(), reported_seq = $2 WHERE hall_id = $1', [
          hallId,
          hallLastSeq,
        ]);
        await client.query('COMMIT');
        return { ok: false, code: 'HALL_FLAGGED', flagged: row.flagged, highWater: mark };
      }
      const flag = async (why: string): Promise<IngestOutcome> => {
        await client.query(
          `UPDATE halls SET flagged = $2, flagged_at = now(), last_contact = now(), reported_seq = $3
           WHERE hall_id = $1`,
          [hallId, why, hallLastSeq],
        );
        await client.query('COMMIT');
        return { ok: false, code: 'HALL_FLAGGED', flagged: why, highWater: mark };
      };
      // RGN-REP-6: the hall says its log ends below what it already shipped.
      if (hallLastSeq < mark)
        return flag(`the hall reports its last seq ${hallLastSeq}, below the ${mark} the center holds`);
      if (b.first !== null && b.first > mark + 1) {
        await client.query('ROLLBACK');
        return { ok: false, code: 'GAP', highWater: mark };
      }
      // One statement after the lock: compare the facts the center holds (RGN-REP-6), insert the
      // new ones and move the mark, unless one differs. Its snapshot is taken after the lock, so it
      // sees every batch committed before this one. The facts arrive as the batch's JSON text in
      // one parameter and PostgreSQL expands them (RGN-REP-9): no per-fact work in JS. seq and at
      // go through numeric so `1.0` (an integer to JSON) is 1, as it is to the route's check.
      const highWater = Math.max(mark, b.last ?? mark);
      const r = await client.query<{ differs: number | null; inserted: number }>({
        name: 'center-ingest',
        text: `WITH n AS (
           SELECT n.seq::bigint AS seq, n.at::bigint AS at, n.type, n.body
           FROM jsonb_to_recordset($2::jsonb -> 'facts') AS n(seq numeric, at numeric, type text, body jsonb)
         ), diff AS (
           SELECT n.seq FROM n LEFT JOIN facts f ON f.hall_id = $1 AND f.seq = n.seq
           WHERE n.seq <= $3 AND (f.seq IS NULL OR f.at <> n.at OR f.type <> n.type OR f.body <> n.body)
           ORDER BY n.seq LIMIT 1
         ), ins AS (
           INSERT INTO facts (hall_id, seq, at, type, body)
           SELECT $1, n.seq, n.at, n.type, n.body FROM n WHERE n.seq > $3 AND NOT EXISTS (SELECT 1 FROM diff)
           ON CONFLICT DO NOTHING RETURNING 1
         ), upd AS (
           UPDATE halls SET high_water = $4, reported_seq = $5, last_contact = now(), running_versions = $6
           WHERE hall_id = $1 AND NOT EXISTS (SELECT 1 FROM diff) RETURNING 1
         )
         SELECT (SELECT seq FROM diff) AS differs, (SELECT count(*)::int FROM ins) AS inserted,
                (SELECT count(*) FROM upd) AS updated`,
        values: [hallId, b.json, mark, highWater, hallLastSeq, JSON.stringify(versions)],
      });
      const differs = r.rows[0]?.differs ?? null;
      if (differs !== null)
        return flag(
          `fact ${differs} differs from the one the center holds: the hall's log was rewound (restored backup?)`,
        );
      const inserted = r.rows[0]?.inserted ?? 0;
      await client.query('COMMIT');
      return { ok: true, highWater, inserted };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * RGN-REP-7: an operator resolves a flagged hall. `accept-rewind` keeps the center's facts up to
   * `keepThrough` (the restored backup's last seq, if the operator knows it; 0 by default: the hall
   * ships its whole log again) and lowers the mark to it, so the hall's new history replaces what it
   * lost; a wrong `keepThrough` is caught by the next batch's overlap and flags the hall again.
   * `dismiss` only clears the flag.
   */
  async resolve(
    hallId: string,
    action: 'accept-rewind' | 'dismiss',
    by: string,
    keepThrough = 0,
  ): Promise<{ highWater: number } | null> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const cur = await client.query<{ high_water: number; flagged: string | null }>(
        'SELECT high_water, flagged FROM halls WHERE hall_id = $1 FOR UPDATE',
        [hallId],
      );
      const row = cur.rows[0];
      if (row === undefined || row.flagged === null) {
        await client.query('ROLLBACK');
        return null;
      }
      let after = row.high_water;
      if (action === 'accept-rewind') {
        after = Math.min(row.high_water, keepThrough);
        await client.query('DELETE FROM facts WHERE hall_id = $1 AND seq > $2', [hallId, after]);
      }
      await client.query(
        'UPDATE halls SET flagged = NULL, flagged_at = NULL, high_water = $2 WHERE hall_id = $1',
        [hallId, after],
      );
      await client.query(
        `INSERT INTO hall_resolutions (hall_id, flagged, action, high_water_before, high_water_after, by)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [hallId, row.flagged, action, row.high_water, after, by],
      );
      await client.query('COMMIT');
      return { highWater: after };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** RGN-PUSH-1: a new version of a document (one more than the last, in one statement). */
  async publish(kind: RegionDocumentKind, body: unknown, note: string, by: string): Promise<RegionDocument> {
    const r = await this.pool.query(
      `INSERT INTO documents (kind, version, body, note, published_by)
       SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4 FROM documents WHERE kind = $1
       RETURNING kind, version, body, note, published_at`,
      [kind, JSON.stringify(body), note, by],
    );
    return toDocument(r.rows[0]);
  }

  /** The newest version of each kind newer than the hall's (RGN-PUSH-2). */
  async documentsNewerThan(versions: RegionVersions): Promise<RegionDocument[]> {
    const r = await this.pool.query(
      `SELECT DISTINCT ON (kind) kind, version, body, note, published_at FROM documents
       ORDER BY kind, version DESC`,
    );
    return r.rows.map(toDocument).filter((d) => d.version > (versions[d.kind] ?? 0));
  }

  async latestDocument(kind: RegionDocumentKind): Promise<RegionDocument | undefined> {
    const r = await this.pool.query(
      'SELECT kind, version, body, note, published_at FROM documents WHERE kind = $1 ORDER BY version DESC LIMIT 1',
      [kind],
    );
    return r.rows[0] === undefined ? undefined : toDocument(r.rows[0]);
  }
}

const toDocument = (r: Record<string, unknown>): RegionDocument => ({
  kind: r.kind as RegionDocumentKind,
  version: r.version as number,
  body: r.body,
  note: r.note as string,
  publishedAt: (r.published_at as Date).toISOString(),
});
