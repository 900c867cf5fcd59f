import type { ArchiveFact, ArchiveRecord, FixityProblem } from '@onewindow/shared/archive.ts';
import type Database from 'better-sqlite3';
import type { PiiCodec } from '../security/codec.ts';

type Filed = Extract<ArchiveFact, { type: 'archive:filed' }>;

/**
 * The archive (SPEC ARC-*): every filed version of a case's PDF, the fold of the `archive:filed`
 * facts (written only by `apply`, inside the commit of the fact; rows are only added, never
 * changed), and the fixity facts read back from the log.
 */
export class ArchiveStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO archive_files (archive_no, version, volume, case_id, pdf_sha256, filed_at, body)
         VALUES (@archiveNo, @version, @volume, @caseId, @pdfSha256, @filedAt, @body)`,
      ),
      ofCase: db.prepare('SELECT body FROM archive_files WHERE case_id = ? ORDER BY version'),
      ofVolume: db.prepare('SELECT body FROM archive_files WHERE volume = ? ORDER BY archive_no, version'),
      byNo: db.prepare('SELECT body FROM archive_files WHERE archive_no = ? ORDER BY version'),
      all: db.prepare(
        'SELECT body FROM archive_files ORDER BY filed_at DESC, archive_no, version DESC LIMIT ?',
      ),
      allPdfs: db.prepare('SELECT DISTINCT pdf_sha256 AS sha256 FROM archive_files ORDER BY pdf_sha256'),
      byPdf: db.prepare('SELECT DISTINCT archive_no AS archiveNo FROM archive_files WHERE pdf_sha256 = ?'),
      volumeCount: db.prepare('SELECT COUNT(DISTINCT archive_no) AS n FROM archive_files WHERE volume = ?'),
      filedCases: db.prepare('SELECT DISTINCT case_id AS caseId FROM archive_files'),
      hasPdf: db.prepare('SELECT 1 FROM archive_files WHERE pdf_sha256 = ? LIMIT 1'),
      bodies: db.prepare('SELECT body FROM archive_files'),
      lastSweep: db.prepare(
        "SELECT seq, at, body FROM events WHERE type = 'archive:pages-swept' ORDER BY at DESC, seq DESC LIMIT 1",
      ),
      lastCheck: db.prepare(
        "SELECT seq, at, body FROM events WHERE type = 'archive:fixity-checked' ORDER BY at DESC, seq DESC LIMIT 1",
      ),
      failedSince: db.prepare(
        "SELECT seq, at, body FROM events WHERE type = 'archive:fixity-failed' AND at >= ? ORDER BY seq",
      ),
    };
  }

  private parse(row: { body: string }): ArchiveRecord {
    const raw = JSON.parse(row.body) as { archiveNo: string; version: number };
    return this.codec.parse<ArchiveRecord>(row.body, `archive_files:${raw.archiveNo}:${raw.version}`);
  }

  /** Folds a committed `archive:filed` fact: one new row. */
  apply(ev: Filed): void {
    const { type: _t, ...rec } = ev as Filed & { seq?: number; at?: number };
    const record: ArchiveRecord = {
      archiveNo: rec.archiveNo,
      volume: rec.volume,
      caseId: rec.caseId,
      itemCode: rec.itemCode,
      itemName: rec.itemName,
      retention: rec.retention,
      version: rec.version,
      pdf: rec.pdf,
      pageHashes: rec.pageHashes,
      filedAt: rec.filedAt,
      by: rec.by,
      reason: rec.reason,
    };
    this.s.insert.run({
      archiveNo: record.archiveNo,
      version: record.version,
      volume: record.volume,
      caseId: record.caseId,
      pdfSha256: record.pdf.sha256,
      filedAt: record.filedAt,
      body: this.codec.stringify(record, `archive_files:${record.archiveNo}:${record.version}`),
    });
  }

  /** Every version filed for a case, oldest first. */
  ofCase(caseId: string): ArchiveRecord[] {
    return (this.s.ofCase.all(caseId) as { body: string }[]).map((r) => this.parse(r));
  }

  /** Every version of one 档号, oldest first. */
  byNumber(archiveNo: string): ArchiveRecord[] {
    return (this.s.byNo.all(archiveNo) as { body: string }[]).map((r) => this.parse(r));
  }

  ofVolume(volume: string): ArchiveRecord[] {
    return (this.s.ofVolume.all(volume) as { body: string }[]).map((r) => this.parse(r));
  }

  /** The latest filings first. */
  list(limit = 500): ArchiveRecord[] {
    return (this.s.all.all(limit) as { body: string }[]).map((r) => this.parse(r));
  }

  /** How many 档号 a volume holds (the next number is one more). */
  volumeCount(volume: string): number {
    return (this.s.volumeCount.get(volume) as { n: number }).n;
  }

  filedCaseIds(): Set<string> {
    return new Set((this.s.filedCases.all() as { caseId: string }[]).map((r) => r.caseId));
  }

  /** Every archive PDF's hash (fixity). */
  *pdfHashes(): Generator<string> {
    for (const r of this.s.allPdfs.iterate() as Iterable<{ sha256: string }>) yield r.sha256;
  }

  /** Whether a filing's PDF is this file (the page store's sweep keeps it, MAT-SWEEP-1). */
  isPdf(sha256: string): boolean {
    return this.s.hasPdf.get(sha256) !== undefined;
  }

  /** Every file any filed version names: its PDF and each material page in it (MAT-SWEEP-1). */
  referencedHashes(): Set<string> {
    const out = new Set<string>();
    for (const row of this.s.bodies.iterate() as Iterable<{ body: string }>) {
      const r = this.parse(row);
      out.add(r.pdf.sha256);
      for (const h of r.pageHashes) out.add(h);
    }
    return out;
  }

  /** The last sweep of the page store (MAT-SWEEP-1), or null. */
  lastSweep(): (Extract<ArchiveFact, { type: 'archive:pages-swept' }> & { at: number; seq: number }) | null {
    const row = this.s.lastSweep.get() as { seq: number; at: number; body: string } | undefined;
    if (row === undefined) return null;
    return {
      ...(JSON.parse(row.body) as Extract<ArchiveFact, { type: 'archive:pages-swept' }>),
      at: row.at,
      seq: row.seq,
    };
  }

  archiveNumbersOfPdf(sha256: string): string[] {
    return (this.s.byPdf.all(sha256) as { archiveNo: string }[]).map((r) => r.archiveNo);
  }

  /** The last fixity run and the problems it raised (ARC-6). */
  lastFixity(): {
    at: number;
    seq: number;
    run: Extract<ArchiveFact, { type: 'archive:fixity-checked' }>;
    problems: FixityProblem[];
  } | null {
    const last = this.s.lastCheck.get() as { seq: number; at: number; body: string } | undefined;
    if (last === undefined) return null;
    const run = JSON.parse(last.body) as Extract<ArchiveFact, { type: 'archive:fixity-checked' }>;
    // The failures of a run are committed in its unit, just before its summary.
    const problems = (this.s.failedSince.all(last.at) as { seq: number; body: string }[])
      .filter((r) => r.seq < last.seq && r.seq >= last.seq - run.failed)
      .map((r) => {
        const f = JSON.parse(r.body) as Extract<ArchiveFact, { type: 'archive:fixity-failed' }>;
        return { sha256: f.sha256, what: f.what, problem: f.problem, refs: f.refs };
      });
    return { at: last.at, seq: last.seq, run, problems };
  }
}
