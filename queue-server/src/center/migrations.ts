import type pg from 'pg';

/**
 * The center's schema (issue #18), numbered and tracked in the database (`schema_migrations`).
 * Never edit a migration that has shipped: add the next one. Each runs in the one transaction
 * `migrate` opens, under an advisory lock, so two centers starting at once apply it once.
 */
export const CENTER_MIGRATIONS: readonly string[] = [
  // 1: halls, their shipped facts (no personal data: `center/strip.ts`), the pushed-down documents.
  `
  CREATE TABLE halls (
    hall_id          text PRIMARY KEY CHECK (hall_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name             text NOT NULL,
    -- sha256 (hex) of the hall's bearer credential; the credential itself is never stored.
    credential_hash  text NOT NULL,
    -- the last seq the center holds for this hall: every seq 1..high_water is in facts.
    high_water       bigint NOT NULL DEFAULT 0,
    -- the hall's own last seq as it last reported it (lag = reported_seq - high_water).
    reported_seq     bigint,
    last_contact     timestamptz,
    -- why ingest is refused (the hall's seq went backwards: RGN-REP-6), null while healthy.
    flagged          text,
    flagged_at       timestamptz,
    -- the pushed-down document versions the hall last reported running, {kind: version}.
    running_versions jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at       timestamptz NOT NULL DEFAULT now()
  );

  CREATE TABLE facts (
    hall_id text   NOT NULL REFERENCES halls,
    seq     bigint NOT NULL,
    at      bigint NOT NULL,          -- epoch ms, as in the hall
    type    text   NOT NULL,
    body    jsonb  NOT NULL,          -- the hall's EventBody (with type), personal data removed
    PRIMARY KEY (hall_id, seq)
  );
  CREATE INDEX facts_type_at ON facts (type, at);
  CREATE INDEX facts_hall_at ON facts (hall_id, at);

  CREATE TABLE documents (
    kind         text NOT NULL CHECK (kind IN ('catalog', 'calendar', 'risk-list', 'risk-rules')),
    version      integer NOT NULL CHECK (version > 0),
    body         jsonb NOT NULL,
    note         text NOT NULL DEFAULT '',
    published_by text NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, version)
  );

  -- What an operator did about a flagged hall (RGN-REP-7), kept.
  CREATE TABLE hall_resolutions (
    id          bigserial PRIMARY KEY,
    hall_id     text NOT NULL REFERENCES halls,
    flagged     text NOT NULL,
    action      text NOT NULL CHECK (action IN ('accept-rewind', 'dismiss')),
    high_water_before bigint NOT NULL,
    high_water_after  bigint NOT NULL,
    by          text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
  );
  `,
  // 2: the region's report (RGN-RPT-1) finds a hall's facts of one type by time: the last sign-on
  // before a range, its day close, the tickets its ratings name, the risk list as it stood.
  `CREATE INDEX facts_hall_type_at ON facts (hall_id, type, at)`,
];

/** A fixed key for `pg_advisory_xact_lock`: 'OWCENTER' as a number. */
const MIGRATION_LOCK = 0x4f5743454e544552n;

/**
 * Applies the migrations the database lacks, all in one transaction under an advisory lock.
 * Answers the numbers it applied.
 */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    const applied: number[] = [];
    for (const [i, sql] of CENTER_MIGRATIONS.entries()) {
      const version = i + 1;
      if (done.has(version)) continue;
      await client.query(sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      applied.push(version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
