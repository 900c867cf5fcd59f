/**
 * The archive (SPEC ARC-*): files a closed case into its volume (档号 of the hall's scheme, the
 * item's 保管期限) as one PDF in the page store with an `archive:filed` fact; a correction files a
 * new version, never rewrites one; the fixity check re-hashes every stored page and PDF and
 * raises `archive:fixity-failed` facts; a volume exports as a tar of its PDFs and manifest.
 * The PDF is built outside the transaction (pdf-lib is asynchronous) and written to the page store
 * before the unit whose fact links it commits, as captured pages are (MAT-STORE-*).
 */
import { performance } from 'node:perf_hooks';
import type { ApiError, CaseRecord, ServiceItem } from '@onewindow/shared';
import {
  type ArchiveFact,
  type ArchiveManifest,
  type ArchiveRecord,
  type ArchiveScheme,
  archiveNumber,
  archiveVolume,
  DEFAULT_ARCHIVE_SCHEME,
  DEFAULT_RETENTION,
  type FixityProblem,
  type FixityStatus,
} from '@onewindow/shared/archive.ts';
import { FINAL_CASE_STATUSES, missingRequired } from '@onewindow/shared/cases.ts';
import tar from 'tar-stream';
import type { ArchiveStore } from '../store/archive.store.ts';
import { type BlobStore, sha256Hex } from '../store/blob.store.ts';
import type { CaseStore } from '../store/case.store.ts';
import type { PiiReadStore } from '../store/pii-read.store.ts';
import type { SlipStore } from '../store/slip.store.ts';
import { type ArchivePage, buildArchivePdf } from './archive-pdf.ts';
import { type CjkFont, CjkFontMissing, loadCjkFont } from './cjk-font.ts';
import type { Clock, HallService } from './hall.service.ts';

type Outcome<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export type { FixityStatus };

export class ArchiveService {
  /** Filings one at a time: the number a PDF carries on its cover is taken when it is built. */
  private chain: Promise<unknown> = Promise.resolve();
  private font: (CjkFont & { bytes: Uint8Array }) | null = null;

  constructor(
    private readonly deps: {
      hall: HallService;
      archive: ArchiveStore;
      cases: CaseStore;
      slips: SlipStore;
      blobs: BlobStore;
      reads: PiiReadStore;
      catalog: () => ServiceItem[];
      scheme: () => ArchiveScheme | undefined;
      hallName: () => string;
      utcOffsetMinutes: () => number;
      staff: (id: string) => { name: string; staffNumber: string } | undefined;
      clock: Clock;
      /** ONEWINDOW_CJK_FONT, when set (cjk-font.ts). */
      fontPath?: string | undefined;
    },
  ) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private cjkFont(): CjkFont & { bytes: Uint8Array } {
    this.font ??= loadCjkFont(this.deps.fontPath);
    return this.font;
  }

  list(limit?: number): ArchiveRecord[] {
    return this.deps.archive.list(limit);
  }

  ofCase(caseId: string): ArchiveRecord[] {
    return this.deps.archive.ofCase(caseId);
  }

  /**
   * Files a closed case (ARC-1..4): version 1 under a new 档号, or with `reason` a correction:
   * the next version under the same 档号. A case already filed without a reason is a conflict.
   */
  file(by: string, caseId: string, reason: string | null = null): Promise<Outcome<ArchiveRecord>> {
    return this.serial(() => this.fileNow(by, caseId, reason));
  }

  private async fileNow(by: string, caseId: string, reason: string | null): Promise<Outcome<ArchiveRecord>> {
    const kase = this.deps.cases.byId(caseId);
    if (kase === undefined) return { ok: false, error: { code: 'NOT_FOUND', message: `no case ${caseId}` } };
    if (!FINAL_CASE_STATUSES.includes(kase.status))
      return {
        ok: false,
        error: {
          code: 'CONFLICT',
          message: `case ${caseId} is ${kase.status}: only a handed-back or returned case is filed`,
          messageZh: '案件尚未办结（已领取或退回），不能归档',
        },
      };
    // MAT-INSTANT-3: an instant business's file is filed only once no required material is missing.
    const missing = kase.instant === true ? missingRequired(kase.materials) : [];
    if (missing.length > 0)
      return {
        ok: false,
        error: {
          code: 'MATERIALS_MISSING',
          message: `instant case file ${caseId} still misses required materials: ${missing.join(', ')}`,
          messageZh: `即办件电子档案缺少必需材料：${missing.map((m) => `「${m}」`).join('、')}，请采集或注明免提交后再归档`,
        },
      };
    const prior = this.deps.archive.ofCase(caseId);
    const last = prior.at(-1);
    if (last !== undefined && reason === null)
      return {
        ok: false,
        error: {
          code: 'CONFLICT',
          message: `case ${caseId} is filed as ${last.archiveNo} v${last.version}; a correction needs a reason`,
          messageZh: `该案件已归档（档号 ${last.archiveNo}），更正归档须说明理由`,
        },
      };
    const item = this.deps.catalog().find((i) => i.code === kase.itemCode);
    const retention = last?.retention ?? item?.retention ?? DEFAULT_RETENTION;
    const scheme = this.deps.scheme() ?? DEFAULT_ARCHIVE_SCHEME;
    const off = this.deps.utcOffsetMinutes();
    const now = this.deps.clock.now();
    const year = new Date(kase.acceptedAt + off * 60_000).getUTCFullYear();
    const volume =
      last?.volume ?? archiveVolume(scheme, { year, retention, categoryId: item?.categoryId ?? '' });
    const archiveNo =
      last?.archiveNo ?? archiveNumber(scheme, volume, this.deps.archive.volumeCount(volume) + 1);
    const version = (last?.version ?? 0) + 1;

    // The case file's checklist order, and each material's pages in the order they were captured.
    const pages: ArchivePage[] = [];
    for (const m of kase.materials ?? [])
      for (const p of m.pages) {
        if (!(await this.deps.blobs.verify(p.sha256)))
          return {
            ok: false,
            error: {
              code: 'CONFLICT',
              message: `page ${p.sha256} of case ${caseId} is missing or damaged in the page store`,
              messageZh: `材料页已缺失或损坏（${m.name}），不能归档，请先补采`,
            },
          };
        pages.push({
          material: m.name,
          sha256: p.sha256,
          mime: p.mime,
          bytes: await this.deps.blobs.read(p.sha256),
        });
      }
    const slip = this.deps.slips.byTicket(kase.ticketId);
    let font: CjkFont & { bytes: Uint8Array };
    try {
      font = this.cjkFont();
    } catch (err) {
      if (err instanceof CjkFontMissing)
        return {
          ok: false,
          error: {
            code: 'UNAVAILABLE',
            message: `no CJK font for the archive PDF (tried ${err.tried.join(', ')}); set ONEWINDOW_CJK_FONT`,
            messageZh: err.messageZh,
          },
        };
      throw err;
    }
    const staffName = (id: string) => {
      const s = this.deps.staff(id);
      return s ? `${s.name}（${s.staffNumber}）` : id;
    };
    const pdf = await buildArchivePdf(
      {
        archiveNo,
        version,
        retention,
        hallName: this.deps.hallName(),
        utcOffsetMinutes: off,
        filedAt: now,
        kase,
        slips: slip
          ? [
              {
                number: slip.number,
                kind: slip.kind,
                issuedAt: slip.issuedAt,
                issuedBy: slip.issuedBy,
                document: slip.document,
              },
            ]
          : [],
        pages,
        staff: staffName,
        reason,
      },
      font,
    );
    const stored = await this.deps.blobs.put(pdf.bytes);
    const record: ArchiveRecord = {
      archiveNo,
      volume,
      caseId,
      itemCode: kase.itemCode,
      itemName: kase.itemName,
      retention,
      version,
      pdf: { sha256: stored.sha256, bytes: stored.bytes, pages: pdf.pages },
      pageHashes: pages.map((p) => p.sha256),
      filedAt: now,
      by,
      reason,
    };
    const r = this.deps.hall.run({ type: 'archive:file' }, (uow) => {
      // Filings are serial here, but a second server process on the same file is not ruled out.
      if ((this.deps.archive.ofCase(caseId).at(-1)?.version ?? 0) !== version - 1)
        uow.refuse({ code: 'CONFLICT', message: `case ${caseId} was filed meanwhile` });
      // An instant file takes materials until it is filed: one captured while the PDF was built
      // would be missing from it, so the filing is refused and tried again (MAT-INSTANT-3).
      const current = this.deps.cases.byId(caseId);
      if (JSON.stringify(current?.materials ?? []) !== JSON.stringify(kase.materials ?? []))
        uow.refuse({
          code: 'CONFLICT',
          message: `the materials of case ${caseId} changed while it was filed`,
        });
      uow.append([{ type: 'archive:filed', ...record }]);
    });
    return r.ok ? { ok: true, data: record } : r;
  }

  /** Closed cases not yet filed, filed now by the server (ARC-1); how many were filed. */
  async fileDue(): Promise<number> {
    const filed = this.deps.archive.filedCaseIds();
    let n = 0;
    for (const status of FINAL_CASE_STATUSES)
      for (const c of this.deps.cases.list(status)) {
        if (filed.has(c.id)) continue;
        const r = await this.file('system', c.id);
        if (r.ok) n++;
      }
    return n;
  }

  /** The archive PDF of a 档号 (the latest version unless asked), its read recorded (SEC-NTK-2). */
  async pdf(
    reader: { id: string },
    archiveNo: string,
    version?: number,
  ): Promise<Outcome<{ record: ArchiveRecord; bytes: Buffer }>> {
    const all = this.deps.archive.byNumber(archiveNo);
    const record = version === undefined ? all.at(-1) : all.find((r) => r.version === version);
    if (record === undefined)
      return { ok: false, error: { code: 'NOT_FOUND', message: `no archive file ${archiveNo}` } };
    const bytes = await this.deps.blobs.read(record.pdf.sha256).catch(() => null);
    if (bytes === null)
      return {
        ok: false,
        error: {
          code: 'NOT_FOUND',
          message: `the PDF of ${archiveNo} is missing from the page store`,
          messageZh: '归档文件缺失',
        },
      };
    this.deps.reads.record({
      at: this.deps.clock.now(),
      staffId: reader.id,
      subject: 'archive-pdf',
      subjectId: `${archiveNo}#${record.version}`,
      ticketId: null,
      purpose: 'archive',
    });
    return { ok: true, data: { record, bytes } };
  }

  /**
   * The fixity check (ARC-6): every linked page and every archive PDF re-hashed; each missing or
   * changed file is an `archive:fixity-failed` fact, and the run an `archive:fixity-checked` fact,
   * in one unit.
   */
  async fixity(by: string): Promise<FixityStatus> {
    const t0 = performance.now();
    const problems: FixityProblem[] = [];
    let pages = 0;
    let files = 0;
    // One read and one hash per file (a stat first, or a read stream, cost 2–4× as much on small pages).
    const check = async (sha256: string): Promise<FixityProblem['problem'] | null> => {
      let bytes: Buffer;
      try {
        bytes = await this.deps.blobs.read(sha256);
      } catch {
        return 'missing';
      }
      return sha256Hex(bytes) === sha256 ? null : 'mismatch';
    };
    for (const sha256 of [...this.deps.cases.linkedPages()]) {
      pages++;
      const problem = await check(sha256);
      if (problem !== null)
        problems.push({ sha256, what: 'page', problem, refs: this.deps.cases.casesOfPage(sha256) });
    }
    for (const sha256 of [...this.deps.archive.pdfHashes()]) {
      files++;
      const problem = await check(sha256);
      if (problem !== null)
        problems.push({ sha256, what: 'pdf', problem, refs: this.deps.archive.archiveNumbersOfPdf(sha256) });
    }
    const ms = Math.round(performance.now() - t0);
    const facts: ArchiveFact[] = [
      ...problems.map((p): ArchiveFact => ({ type: 'archive:fixity-failed', by, ...p })),
      { type: 'archive:fixity-checked', pages, files, failed: problems.length, ms, by },
    ];
    const r = this.deps.hall.run({ type: 'archive:fixity' }, (uow) => {
      uow.append(facts);
    });
    if (!r.ok) throw new Error(`fixity facts refused: ${r.error.message}`);
    return { at: r.events.at(-1)?.at ?? null, pages, files, failed: problems.length, ms, problems };
  }

  fixityStatus(): FixityStatus {
    const last = this.deps.archive.lastFixity();
    if (last === null) return { at: null, pages: 0, files: 0, failed: 0, ms: 0, problems: [] };
    return {
      at: last.at,
      pages: last.run.pages,
      files: last.run.files,
      failed: last.run.failed,
      ms: last.run.ms,
      problems: last.problems,
    };
  }

  /** The manifest of a volume (ARC-7). */
  manifest(volume: string): ArchiveManifest {
    return {
      volume,
      hall: this.deps.hallName(),
      exportedAt: new Date(this.deps.clock.now()).toISOString(),
      files: this.deps.archive.ofVolume(volume).map((r) => ({
        archiveNo: r.archiveNo,
        caseId: r.caseId,
        itemCode: r.itemCode,
        itemName: r.itemName,
        retention: r.retention,
        version: r.version,
        pageHashes: r.pageHashes,
        filedAt: r.filedAt,
        pdf: { ...r.pdf, path: `${r.archiveNo}_v${r.version}.pdf` },
      })),
    };
  }

  /**
   * A volume for transfer to the archive office (ARC-7): a tar of every filed version's PDF and
   * `manifest.json`, each PDF checked against its hash as it is read. @returns the tar's bytes
   */
  async export(reader: { id: string }, volume: string): Promise<Outcome<Buffer>> {
    const manifest = this.manifest(volume);
    if (manifest.files.length === 0)
      return {
        ok: false,
        error: { code: 'NOT_FOUND', message: `no archive volume ${volume}`, messageZh: '没有该案卷' },
      };
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    pack.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<void>((resolve, reject) => {
      pack.on('end', () => resolve());
      pack.on('error', reject);
    });
    const mtime = new Date(this.deps.clock.now());
    for (const f of manifest.files) {
      if (!(await this.deps.blobs.verify(f.pdf.sha256)))
        return {
          ok: false,
          error: {
            code: 'CONFLICT',
            message: `the PDF of ${f.archiveNo} v${f.version} fails its hash: run the fixity check`,
            messageZh: `归档文件 ${f.archiveNo} 校验失败，不能移交`,
          },
        };
      const bytes = await this.deps.blobs.read(f.pdf.sha256);
      pack.entry({ name: `${volume}/${f.pdf.path}`, size: bytes.length, mtime }, bytes);
    }
    const json = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    pack.entry({ name: `${volume}/manifest.json`, size: json.length, mtime }, json);
    pack.finalize();
    await done;
    this.deps.reads.record({
      at: this.deps.clock.now(),
      staffId: reader.id,
      subject: 'archive-pdf',
      subjectId: `volume ${volume}`,
      ticketId: null,
      purpose: 'archive export',
    });
    return { ok: true, data: Buffer.concat(chunks) };
  }
}

export type { CaseRecord };
