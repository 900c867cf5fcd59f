/**
 * The page store's sweep (SPEC MAT-SWEEP-*): a page is written before the fact that links it
 * commits (MAT-STORE-1), so a crash between the two leaves an orphan file, and a crash during the
 * write a temp file. The sweep deletes both once they are older than a day, and never a file that
 * anything links: a page of a case (`case_pages`, removed pages included: a removal keeps the page
 * in the history), an archive PDF, or a page an archive filing names. Its result is one
 * `archive:pages-swept` fact of counts.
 */
import { performance } from 'node:perf_hooks';
import type { PageSweepCounts } from '@onewindow/shared/archive.ts';
import type { ArchiveStore } from '../store/archive.store.ts';
import type { BlobStore } from '../store/blob.store.ts';
import type { CaseStore } from '../store/case.store.ts';
import type { HallService } from './hall.service.ts';

export const SWEEP_AFTER_MS = 86_400_000;

export interface PageSweepStatus extends PageSweepCounts {
  /** When the sweep's fact committed (the hall's clock). */
  at: number;
  by: string;
}

export class PageSweepService {
  private running: Promise<PageSweepStatus> | null = null;

  constructor(
    private readonly deps: {
      hall: HallService;
      blobs: BlobStore;
      cases: CaseStore;
      archive: ArchiveStore;
      /** The file system's clock: file ages are mtimes, whatever the hall's clock says. */
      fileClock: () => number;
      olderThanMs?: number;
    },
  ) {}

  /** Sweeps now (one sweep at a time: a second call while one runs gets its result). */
  sweep(by: string): Promise<PageSweepStatus> {
    this.running ??= this.sweepNow(by).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sweepNow(by: string): Promise<PageSweepStatus> {
    const t0 = performance.now();
    // What filings name, read once; case pages are asked live, just before each deletion.
    const archived = this.deps.archive.referencedHashes();
    const linked = (sha256: string) =>
      archived.has(sha256) || this.deps.cases.isLinked(sha256) || this.deps.archive.isPdf(sha256);
    const r = await this.deps.blobs.sweepOrphans(
      linked,
      this.deps.fileClock(),
      this.deps.olderThanMs ?? SWEEP_AFTER_MS,
    );
    const counts: PageSweepCounts = {
      files: r.files,
      linked: r.linked,
      young: r.young,
      orphans: r.orphans.length,
      temps: r.temps,
      bytes: r.bytes,
      ms: Math.round(performance.now() - t0),
    };
    const done = this.deps.hall.run({ type: 'archive:sweep-pages' }, (uow) => {
      uow.append([{ type: 'archive:pages-swept', by, ...counts }]);
    });
    if (!done.ok) throw new Error(`sweep fact refused: ${done.error.message}`);
    return { ...counts, by, at: done.events.at(-1)?.at ?? 0 };
  }

  /** The last sweep, or null when the page store was never swept. */
  last(): PageSweepStatus | null {
    const l = this.deps.archive.lastSweep();
    if (l === null) return null;
    const { type: _t, seq: _s, ...rest } = l;
    return rest;
  }

  /** The scheduler's call: sweeps when the last sweep is older than `everyMs` (hall clock). */
  async sweepIfDue(everyMs: number, now: number): Promise<PageSweepStatus | null> {
    const last = this.last();
    if (last !== null && now - last.at < everyMs) return null;
    return this.sweep('system');
  }
}
