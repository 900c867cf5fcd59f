/**
 * The electronic case file's use cases (SPEC MAT-*): capture a page at the window (camera,
 * scanner, file), waive a material (免提交) or take a wrong page off, and show a page to the staff
 * who work on its case. A page is normalised, then written to the page store, and only then
 * linked by a `case:material-captured` fact in one unit of work: a crash between the two leaves
 * an orphan file that nothing counts as present (MAT-STORE-1).
 */
import type { ApiError, MaterialPage, MaterialSource, StaffRole } from '@onewindow/shared';
import type { CaseRecord } from '@onewindow/shared/cases.ts';
import { type CaseActor, decideMaterial, type MaterialCommand } from '../domain/cases.ts';
import type { QueueEngine } from '../domain/engine.ts';
import type { BlobStore } from '../store/blob.store.ts';
import type { CaseStore } from '../store/case.store.ts';
import type { PiiReadStore } from '../store/pii-read.store.ts';
import type { HallService } from './hall.service.ts';
import { normalisePage } from './pages.ts';

type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** Who reads a page: a staff member, and (a manager) why. */
export interface PageReader {
  id: string;
  roles: readonly StaffRole[];
  purpose?: string | undefined;
}

export class MaterialService {
  constructor(
    private readonly deps: {
      hall: HallService;
      cases: CaseStore;
      blobs: BlobStore;
      reads: PiiReadStore;
      queue: () => QueueEngine;
      /** The need-to-know rule of personal data on a ticket (SEC-NTK-1), shared with kiosk forms. */
      purposeOf: (reader: PageReader, ticketId: string) => string | null;
      named: (c: CaseRecord) => CaseRecord;
      staffRoles: (id: string) => readonly StaffRole[] | undefined;
      /** Whether a case is filed in the archive (an instant file takes materials until then, MAT-INSTANT-2). */
      filed: (caseId: string) => boolean;
      clock: { now(): number };
      transaction: <T>(fn: () => T) => T;
    },
  ) {}

  /** The window a clerk is signed on at, if any (materials are captured at a window, MAT-CAP-1). */
  windowOf(staffId: string): string | null {
    return (
      this.deps
        .queue()
        .allWindows()
        .find((w) => w.clerkId === staffId)?.id ?? null
    );
  }

  /** The clerk signed on at a window, with their roles: a scanner on that window's agent captures for them. */
  clerkAt(windowId: string): CaseActor | null {
    const id = this.deps.queue().window(windowId)?.clerkId ?? null;
    const roles = id === null ? undefined : this.deps.staffRoles(id);
    return id === null || roles === undefined ? null : { id, roles };
  }

  /**
   * Whether a page from this clerk would be taken onto the case's material now (the case exists,
   * its status and intake admit the clerk, the material is on its checklist): 扫描 asks before the
   * scanner runs (MAT-DEV-2); the upload decides again.
   */
  admits(actor: CaseActor, input: { caseId: string; material: string }): Result<null> {
    const probe: MaterialCommand = { type: 'capture', ...input, source: 'scanner', pages: [PLACEHOLDER] };
    const d = decideMaterial(this.deps.cases.byId(input.caseId), probe, actor);
    return d.ok ? { ok: true, data: null } : d;
  }

  /**
   * One page onto one material of a case (MAT-CAP-1..3): checked, normalised, stored, then linked
   * in one unit. A retry with the same Idempotency-Key answers with the first result.
   */
  async capture(
    actor: CaseActor,
    input: { caseId: string; material: string; source: MaterialSource },
    bytes: Buffer,
    idempotencyKey?: string,
  ): Promise<Result<{ case: CaseRecord; page: MaterialPage }>> {
    if (this.windowOf(actor.id) === null)
      return {
        ok: false,
        error: {
          code: 'FORBIDDEN',
          message: 'materials are captured at a window: open your window first',
          messageZh: '请先在窗口签到（开窗）后再采集材料',
        },
      };
    // Refuse before the expensive part when the case does not admit it at all.
    const probe: MaterialCommand = { type: 'capture', ...input, pages: [PLACEHOLDER] };
    const early = decideMaterial(this.deps.cases.byId(input.caseId), probe, actor, {
      filed: this.deps.filed(input.caseId),
    });
    if (!early.ok) return early;
    const normal = await normalisePage(bytes);
    if (!normal.ok) return normal;
    const stored = await this.deps.blobs.put(normal.data);
    const page: MaterialPage = { sha256: stored.sha256, bytes: stored.bytes, ...normal.page };
    const r = this.deps.hall.run(
      { type: 'case:capture-material', ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) },
      (uow) => {
        const d = decideMaterial(
          this.deps.cases.byId(input.caseId),
          { type: 'capture', ...input, pages: [page] },
          actor,
          { filed: this.deps.filed(input.caseId) },
        );
        if (!d.ok) return uow.refuse(d.error);
        uow.append([d.fact]);
        return page;
      },
    );
    if (!r.ok) return r;
    return this.answer(input.caseId, r.value);
  }

  /** A material waived (免提交) with a reason, or a wrong page taken off the checklist (MAT-CAP-4). */
  change(
    actor: CaseActor,
    cmd: Exclude<MaterialCommand, { type: 'capture' }>,
    idempotencyKey?: string,
  ): Result<CaseRecord> {
    const r = this.deps.hall.run(
      { type: `case:${cmd.type}-material`, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) },
      (uow) => {
        const d = decideMaterial(this.deps.cases.byId(cmd.caseId), cmd, actor, {
          filed: this.deps.filed(cmd.caseId),
        });
        if (!d.ok) return uow.refuse(d.error);
        uow.append([d.fact]);
        return cmd.caseId;
      },
    );
    if (!r.ok) return r;
    const c = this.deps.cases.byId(cmd.caseId);
    return c === undefined
      ? { ok: false, error: { code: 'INTERNAL', message: `case ${cmd.caseId} vanished` } }
      : { ok: true, data: this.deps.named(c) };
  }

  /**
   * A stored page for a staff member who works on a case that links it (MAT-FILE-3): the same
   * need-to-know rule as kiosk forms, each read recorded first, and only bytes that still hash
   * to the page's name.
   */
  async page(reader: PageReader, sha256: string): Promise<Result<{ mime: string; data: Buffer }>> {
    const notFound: Result<never> = { ok: false, error: { code: 'NOT_FOUND', message: `no page ${sha256}` } };
    if (!/^[0-9a-f]{64}$/.test(sha256)) return notFound;
    let allowed: { caseId: string; ticketId: string; purpose: string } | null = null;
    let mime: string | null = null;
    for (const caseId of this.deps.cases.casesOfPage(sha256)) {
      const c = this.deps.cases.byId(caseId);
      if (c === undefined) continue;
      const purpose = this.deps.purposeOf(reader, c.ticketId);
      const row = this.deps.cases.pagesOf(caseId).find((p) => p.sha256 === sha256);
      mime ??= row?.mime ?? null;
      if (purpose !== null) {
        allowed = { caseId, ticketId: c.ticketId, purpose };
        break;
      }
    }
    if (mime === null) return notFound;
    if (allowed === null)
      return {
        ok: false,
        error: {
          code: 'FORBIDDEN',
          message: reader.roles.includes('manager')
            ? 'a manager sees a page of a case they do not work on only with a purpose (?purpose=…, at least 4 characters, recorded)'
            : 'only the staff who work on its case may see a captured page',
          messageZh: '只有经办该案件的人员可以查看材料页面',
        },
      };
    const data = await this.deps.blobs.read(sha256).catch(() => null);
    if (data === null || !(await this.deps.blobs.verify(sha256)))
      return {
        ok: false,
        error: {
          code: 'INTERNAL',
          message: `page ${sha256} is missing or damaged in the page store`,
          messageZh: '该页面文件缺失或已损坏，请联系管理员',
        },
      };
    const at = this.deps.clock.now();
    this.deps.transaction(() =>
      this.deps.reads.record({
        at,
        staffId: reader.id,
        subject: 'case-page',
        subjectId: sha256,
        ticketId: allowed.ticketId,
        purpose: allowed.purpose,
      }),
    );
    return { ok: true, data: { mime, data } };
  }

  private answer(
    caseId: string,
    page: MaterialPage | undefined,
  ): Result<{ case: CaseRecord; page: MaterialPage }> {
    const c = this.deps.cases.byId(caseId);
    if (c === undefined || page === undefined)
      return { ok: false, error: { code: 'INTERNAL', message: `case ${caseId} vanished` } };
    return { ok: true, data: { case: this.deps.named(c), page } };
  }
}

const PLACEHOLDER: MaterialPage = { sha256: '0'.repeat(64), mime: 'image/png', bytes: 0 };
