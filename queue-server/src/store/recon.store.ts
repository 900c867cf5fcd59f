import {
  applyReconFact,
  RECON_INPUT_TYPES,
  type ReconDay,
  type ReconFact,
  type ReconInputFact,
} from '@onewindow/shared/reconcile.ts';
import type Database from 'better-sqlite3';
import type { PiiCodec } from '../security/codec.ts';

/**
 * 日结轧账 (SPEC REC-*): each clerk's day as the fold of its `recon:*` facts (written only by
 * `apply`, inside the commit of the fact), the ids a signed day is made of, and the facts a
 * reconciliation reads. Explanations are staff free text, sealed per field (SEC-ENC-2).
 */
export class ReconStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    const types = RECON_INPUT_TYPES.map((t) => `'${t}'`).join(', ');
    this.s = {
      upsert: db.prepare(
        `INSERT INTO recon_days (clerk_id, business_day, status, body, updated_at)
         VALUES (@clerkId, @businessDay, @status, @body, @at)
         ON CONFLICT (clerk_id, business_day) DO UPDATE SET status = excluded.status, body = excluded.body,
           updated_at = excluded.updated_at`,
      ),
      get: db.prepare('SELECT body FROM recon_days WHERE clerk_id = ? AND business_day = ?'),
      ofDay: db.prepare('SELECT body FROM recon_days WHERE business_day = ? ORDER BY clerk_id'),
      dropRefs: db.prepare('DELETE FROM recon_refs WHERE clerk_id = ? AND business_day = ?'),
      addRef: db.prepare('INSERT OR IGNORE INTO recon_refs (ref, clerk_id, business_day) VALUES (?, ?, ?)'),
      closedByRef: db.prepare(
        `SELECT d.body FROM recon_refs r JOIN recon_days d
           ON d.clerk_id = r.clerk_id AND d.business_day = r.business_day
         WHERE r.ref = ? AND d.status <> 'open'`,
      ),
      closed: db.prepare(
        "SELECT body FROM recon_days WHERE clerk_id = ? AND business_day = ? AND status <> 'open'",
      ),
      factsFrom: db.prepare(`SELECT seq, body FROM events WHERE type IN (${types}) AND at >= ? ORDER BY seq`),
    };
  }

  private aad(clerkId: string, day: string): string {
    return `recon_days:${clerkId}:${day}`;
  }

  private parse(row: { body: string } | undefined): ReconDay | undefined {
    if (row === undefined) return undefined;
    const raw = JSON.parse(row.body) as { clerkId: string; businessDay: string };
    return this.codec.parse<ReconDay>(row.body, this.aad(raw.clerkId, raw.businessDay));
  }

  /** Folds a committed recon fact into its day (REC-3..5). */
  apply(ev: ReconFact & { seq: number; at: number }): ReconDay {
    const next = applyReconFact(this.get(ev.clerkId, ev.businessDay), ev);
    this.s.upsert.run({
      clerkId: next.clerkId,
      businessDay: next.businessDay,
      status: next.status,
      body: this.codec.stringify(next, this.aad(next.clerkId, next.businessDay)),
      at: ev.at,
    });
    if (ev.type === 'recon:signed') {
      this.s.dropRefs.run(ev.clerkId, ev.businessDay);
      for (const ref of ev.refs) this.s.addRef.run(ref, ev.clerkId, ev.businessDay);
    }
    return next;
  }

  get(clerkId: string, day: string): ReconDay | undefined {
    return this.parse(this.s.get.get(clerkId, day) as { body: string } | undefined);
  }

  /** Every clerk's day with a recon fact on this date. */
  ofDay(day: string): ReconDay[] {
    return (this.s.ofDay.all(day) as { body: string }[]).map((r) => this.parse(r)!);
  }

  /** Signed or locked days that hold one of these ids, or are this clerk's on this date (REC-5 candidates). */
  closedTouching(ids: readonly string[], clerk: { id: string; day: string } | null): ReconDay[] {
    const out = new Map<string, ReconDay>();
    const put = (d: ReconDay | undefined) => {
      if (d !== undefined) out.set(`${d.clerkId}\u0000${d.businessDay}`, d);
    };
    for (const id of ids)
      for (const r of this.s.closedByRef.all(id) as { body: string }[]) put(this.parse(r));
    if (clerk !== null)
      put(this.parse(this.s.closed.get(clerk.id, clerk.day) as { body: string } | undefined));
    return [...out.values()];
  }

  /** The facts a reconciliation reads, from `from` (ms) on, in seq order. */
  factsFrom(from: number): ReconInputFact[] {
    return (this.s.factsFrom.all(from) as { seq: number; body: string }[]).map((r) =>
      this.codec.parse<ReconInputFact>(r.body, `events:${r.seq}`),
    );
  }
}
