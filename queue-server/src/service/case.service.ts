/**
 * The back office's use cases on time-limited cases (SPEC CASE-*, SOD-*): list them, and take a
 * step (审核, 复核, 退回, 补正, 出件) as one unit of work whose fact the case projection folds in
 * the same transaction. Who may take which step on which case is decided by the pure rules in
 * domain/cases.ts; this service only finds the case and the item and commits.
 */
import type { ApiError, ServiceItem } from '@onewindow/shared';
import type { CaseRecord, CaseStatus } from '@onewindow/shared/cases.ts';
import { adoptionFact, type CaseActor, type CaseStepCommand, decideCaseStep } from '../domain/cases.ts';
import type { HallEvent } from '../domain/types.ts';
import type { CaseStore } from '../store/case.store.ts';
import type { HallService } from './hall.service.ts';

export type CaseStepOutcome =
  | { ok: true; case: CaseRecord; events: HallEvent[]; replayed: boolean }
  | { ok: false; error: ApiError };

export class CaseService {
  constructor(
    private readonly deps: {
      hall: HallService;
      cases: CaseStore;
      catalog: () => ServiceItem[];
      staff: (id: string) => { name: string; staffNumber: string } | undefined;
    },
  ) {}

  /** The case with the name and 工号 of everyone in it (the back office shows who, not ids). */
  named(c: CaseRecord): CaseRecord {
    const staff: NonNullable<CaseRecord['staff']> = {};
    for (const id of new Set([c.acceptedBy, ...c.intake, ...c.reviewers, ...c.history.map((h) => h.by)])) {
      const s = this.deps.staff(id);
      if (s !== undefined) staff[id] = { name: s.name, staffNumber: s.staffNumber };
    }
    return { ...c, staff };
  }

  /**
   * CASE-5: cases recorded before cases were facts (rows of migration 8's shape) are taken into
   * the log once, as they stood, in one unit. @returns how many were adopted
   */
  adoptLegacy(): number {
    const legacy = this.deps.cases
      .rawAll()
      .map(adoptionFact)
      .filter((f) => f !== null);
    if (legacy.length === 0) return 0;
    const r = this.deps.hall.run({ type: 'case:adopt' }, (uow) => {
      uow.append(legacy);
    });
    return r.ok ? legacy.length : 0;
  }

  /** Cases, the earliest deadline first (CASE-3), named. */
  list(status?: CaseStatus): CaseRecord[] {
    return this.deps.cases.list(status).map((c) => this.named(c));
  }

  get(id: string): CaseRecord | undefined {
    const c = this.deps.cases.byId(id);
    return c === undefined ? undefined : this.named(c);
  }

  /** One step on one case (CASE-2..4, SOD-1..3); a retried key answers with the first result. */
  step(actor: CaseActor, cmd: CaseStepCommand, idempotencyKey?: string): CaseStepOutcome {
    const r = this.deps.hall.run(
      { type: cmd.type, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) },
      (uow): string => {
        const record = this.deps.cases.byId(cmd.caseId);
        const item = record && this.deps.catalog().find((i) => i.code === record.itemCode);
        const decision = decideCaseStep(
          record,
          cmd,
          actor,
          item?.guide?.materials.map((m) => m.name),
        );
        if (!decision.ok) return uow.refuse(decision.error);
        uow.append([decision.fact]);
        return cmd.caseId;
      },
    );
    if (!r.ok) return r;
    // A replay answers for the case its first attempt moved (the unit stored its id).
    const caseId = r.value ?? cmd.caseId;
    const kase = this.get(caseId);
    if (kase === undefined)
      return { ok: false, error: { code: 'INTERNAL', message: `case ${caseId} vanished` } };
    return { ok: true, case: kase, events: r.events, replayed: r.replayed };
  }
}
