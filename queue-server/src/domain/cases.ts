/**
 * The case rules (限时业务, SPEC CASE-*, SOD-*): which step a staff member may take on a case
 * now, and how a case is the fold of its facts. Pure: no store, no clock (the time comes with
 * the fact), so the live projection and a replay of the log give the same records.
 */
import {
  type CaseCommandName,
  type CaseFact,
  type CaseFactType,
  type CaseHistoryEntry,
  type CaseRecord,
  type CaseStatus,
  caseDutyConflict,
  caseStep,
  type ReviewLevels,
} from '@onewindow/shared/cases.ts';
import type { ApiError, StaffRole } from '@onewindow/shared/protocol.ts';

/** A case fact as committed. */
export type CaseEvent = CaseFact & { seq: number; at: number };

/** Who takes a step: their staff id and every role they hold. */
export interface CaseActor {
  id: string;
  roles: readonly StaffRole[];
}

/** A step on a case, as the edge parsed it (the actor comes from the login, never the payload). */
export interface CaseStepCommand {
  type: CaseCommandName;
  caseId: string;
  note: string | null;
  /** `case:request-supplement`: names from the item's guide material list. */
  missingMaterials?: readonly string[];
}

export type CaseDecision = { ok: true; fact: CaseFact } | { ok: false; error: ApiError };

const refuse = (error: ApiError): CaseDecision => ({ ok: false, error });

/** The fact that opens a case at a 限时受理 (CASE-1). An item without review goes straight to `approved`. */
export function acceptanceFact(input: {
  caseId: string;
  ticketId: string;
  ticketNumber: string;
  itemCode: string;
  itemName: string;
  reviewLevels: ReviewLevels;
  deadline: string;
  workingDays: number;
  receivedMaterials: string[];
  by: string;
}): CaseFact {
  return {
    type: 'case:accepted',
    ...input,
    note: null,
    to: input.reviewLevels === 0 ? 'approved' : 'accepted',
  };
}

/**
 * Decides one step (CASE-2..4, SOD-1..3): the fact it produces, or why not. Checks, in order:
 * the case exists, the step follows from its status, the actor holds the step's post, the
 * actor's part in this case does not forbid it, and the step's own fields.
 * `guideMaterials` are the item's material names (a supplement request names only those).
 */
export function decideCaseStep(
  record: CaseRecord | undefined,
  cmd: CaseStepCommand,
  actor: CaseActor,
  guideMaterials: readonly string[] | undefined,
): CaseDecision {
  if (record === undefined) return refuse({ code: 'NOT_FOUND', message: `no case ${cmd.caseId}` });
  const step = caseStep(cmd.type, record.status);
  if (step === undefined)
    return refuse({
      code: 'CONFLICT',
      message: `case ${record.id} is ${record.status}; ${cmd.type} does not apply to it`,
      messageZh: '案件当前状态不能进行此操作，请刷新',
    });
  if (!actor.roles.some((r) => step.roles.includes(r)))
    return refuse({
      code: 'FORBIDDEN',
      message: `${cmd.type} on a ${record.status} case is for ${step.roles.join(' or ')}; you are ${actor.roles.join(', ') || 'no post'}`,
    });
  const conflict = caseDutyConflict(record, step.level, actor.id);
  if (conflict !== null)
    return refuse({
      code: 'DUTY_CONFLICT',
      message: `${conflict.message} (case ${record.id})`,
      messageZh: conflict.messageZh,
    });
  const note = cmd.note?.trim() || null;
  if (step.note === 'required' && note === null)
    return refuse({
      code: 'BAD_REQUEST',
      message: `${cmd.type} needs a note (why it was returned, how it was handed back)`,
      issues: [{ path: 'note', message: 'required' }],
    });
  const base = { caseId: record.id, by: actor.id, note };
  const to: CaseStatus =
    step.to === 'approved-or-reviewed' ? (record.reviewLevels >= 2 ? 'reviewed' : 'approved') : step.to;
  switch (step.fact) {
    case 'case:supplement-requested': {
      const missing = [...new Set(cmd.missingMaterials ?? [])];
      if (missing.length === 0)
        return refuse({
          code: 'BAD_REQUEST',
          message: 'a supplement request names at least one missing material',
          issues: [{ path: 'missingMaterials', message: 'required' }],
        });
      if (guideMaterials !== undefined) {
        const issues = missing
          .map((m, i) => ({ m, i }))
          .filter(({ m }) => !guideMaterials.includes(m))
          .map(({ m, i }) => ({
            path: `missingMaterials.${i}`,
            message: `"${m}" is not a material of item ${record.itemCode}`,
          }));
        if (issues.length > 0)
          return refuse({
            code: 'BAD_REQUEST',
            message: `unknown materials: ${issues.map((x) => x.message).join('; ')}`,
            issues,
          });
      }
      return { ok: true, fact: { type: step.fact, ...base, to, missing } };
    }
    case 'case:supplemented':
      return { ok: true, fact: { type: step.fact, ...base, to, materials: [...record.missing] } };
    case 'case:returned':
      return {
        ok: true,
        fact: { type: step.fact, ...base, to, level: step.level === 'recheck' ? 'recheck' : 'review' },
      };
    case 'case:review-started':
    case 'case:reviewed':
    case 'case:rechecked':
    case 'case:ready':
    case 'case:handed-back':
      return { ok: true, fact: { type: step.fact, ...base, to } };
    case 'case:accepted':
    case 'case:adopted':
      return refuse({ code: 'CONFLICT', message: 'a case is opened by an acceptance slip, not a step' });
  }
}

const withOnce = (list: readonly string[], id: string): string[] =>
  list.includes(id) ? [...list] : [...list, id];

/**
 * Folds one committed fact into its case (CASE-5). Facts are trusted: they were decided already.
 * A fact for a case that does not exist yet (other than its acceptance) is a broken log: it throws.
 */
export function applyCaseFact(record: CaseRecord | undefined, ev: CaseEvent): CaseRecord {
  // The adopted record replaces the row it was made from (live) or starts the case (replay).
  if (ev.type === 'case:adopted') return structuredClone(ev.record);
  const named =
    ev.type === 'case:accepted'
      ? ev.receivedMaterials
      : ev.type === 'case:supplement-requested'
        ? ev.missing
        : ev.type === 'case:supplemented'
          ? ev.materials
          : null;
  const entry: CaseHistoryEntry = {
    seq: ev.seq,
    at: ev.at,
    by: ev.by,
    step: ev.type,
    to: ev.to,
    note: ev.note,
    ...(named !== null ? { materials: [...named] } : {}),
  };
  if (ev.type === 'case:accepted') {
    if (record !== undefined) throw new Error(`case ${ev.caseId} was accepted twice (seq ${ev.seq})`);
    return {
      id: ev.caseId,
      ticketId: ev.ticketId,
      ticketNumber: ev.ticketNumber,
      itemCode: ev.itemCode,
      itemName: ev.itemName,
      reviewLevels: ev.reviewLevels,
      acceptedBy: ev.by,
      acceptedAt: ev.at,
      deadline: ev.deadline,
      workingDays: ev.workingDays,
      status: ev.to,
      intake: [ev.by],
      reviewers: [],
      recheckedBy: null,
      materials: [...ev.receivedMaterials],
      missing: [],
      history: [entry],
    };
  }
  if (record === undefined) throw new Error(`${ev.type} for unknown case ${ev.caseId} (seq ${ev.seq})`);
  const next: CaseRecord = { ...record, status: ev.to, history: [...record.history, entry] };
  switch (ev.type) {
    case 'case:review-started':
    case 'case:reviewed':
      next.reviewers = withOnce(record.reviewers, ev.by);
      return next;
    case 'case:supplement-requested':
      next.reviewers = withOnce(record.reviewers, ev.by);
      next.missing = [...ev.missing];
      return next;
    case 'case:returned':
      if (ev.level === 'review') next.reviewers = withOnce(record.reviewers, ev.by);
      return next;
    case 'case:rechecked':
      next.recheckedBy = ev.by;
      return next;
    case 'case:supplemented':
      next.intake = withOnce(record.intake, ev.by);
      next.materials = [...record.materials, ...ev.materials.filter((m) => !record.materials.includes(m))];
      next.missing = [];
      return next;
    case 'case:ready':
    case 'case:handed-back':
      return next;
  }
}

/** A case row from before cases were facts (migration 8's shape), if this row is one. */
interface LegacyCase {
  id: string;
  ticketId: string;
  ticketNumber: string;
  itemCode: string;
  itemName: string;
  acceptedBy: string;
  acceptedAt: number;
  deadline: string;
  workingDays: number;
  status: 'accepted' | 'in-review' | 'approved' | 'returned' | 'ready' | 'handed-back';
  history: { at: number; by: string; to: LegacyCase['status']; note: string | null }[];
}

const LEGACY_STEP: Record<LegacyCase['status'], CaseFactType> = {
  accepted: 'case:accepted',
  'in-review': 'case:review-started',
  approved: 'case:reviewed',
  returned: 'case:returned',
  ready: 'case:ready',
  'handed-back': 'case:handed-back',
};

/**
 * The fact that takes a case recorded before cases were facts into the log (CASE-5): the record
 * as it stood, in today's shape — reviewed once, its reviewers those who moved it in review.
 * Null when the row is already of today's shape.
 */
export function adoptionFact(row: unknown): CaseFact | null {
  const r = row as LegacyCase & { intake?: unknown };
  if (Array.isArray(r.intake)) return null;
  const reviewers = [
    ...new Set(
      r.history.filter((h) => ['in-review', 'approved', 'returned'].includes(h.to)).map((h) => h.by),
    ),
  ];
  const record: CaseRecord = {
    id: r.id,
    ticketId: r.ticketId,
    ticketNumber: r.ticketNumber,
    itemCode: r.itemCode,
    itemName: r.itemName,
    reviewLevels: 1,
    acceptedBy: r.acceptedBy,
    acceptedAt: r.acceptedAt,
    deadline: r.deadline,
    workingDays: r.workingDays,
    status: r.status,
    intake: [r.acceptedBy],
    reviewers,
    recheckedBy: null,
    materials: [],
    missing: [],
    history: r.history.map((h) => ({
      seq: 0,
      at: h.at,
      by: h.by,
      step: LEGACY_STEP[h.to],
      to: h.to,
      note: h.note,
    })),
  };
  return { type: 'case:adopted', caseId: r.id, by: 'system', note: null, to: r.status, record };
}
