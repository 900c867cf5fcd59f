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
  type CaseMaterial,
  type CaseRecord,
  type CaseStatus,
  type ChecklistEntry,
  caseDutyConflict,
  caseStep,
  MATERIAL_FACT_TYPES,
  type MaterialFact,
  type MaterialPage,
  type MaterialSource,
  type MaterialStatus,
  missingRequired,
  type ReviewLevels,
} from '@onewindow/shared/cases.ts';
import { personalDataRefusal } from '@onewindow/shared/personal-data.ts';
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
  /** The item's guide materials (the checklist, MAT-FILE-1); omitted only by callers from before capture. */
  checklist?: ChecklistEntry[];
  by: string;
  /** An instant business's case file (MAT-INSTANT-1): final at once, no review. */
  instant?: boolean;
}): CaseFact {
  const { instant, ...rest } = input;
  if (instant === true)
    return { type: 'case:accepted', ...rest, reviewLevels: 0, note: null, to: 'handed-back', instant: true };
  return {
    type: 'case:accepted',
    ...rest,
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
  if (step.command === 'case:start-review') {
    // A case leaves 受理 only with every required material captured or waived (MAT-FILE-2).
    const missing = missingRequired(record.materials);
    if (missing.length > 0)
      return refuse({
        code: 'MATERIALS_MISSING',
        message: `case ${record.id} lacks required materials (neither captured nor waived): ${missing.join(', ')}`,
        messageZh: `申请材料不齐，不能开始审核：${missing.map((m) => `「${m}」`).join('、')}未采集，也未登记免提交`,
        issues: missing.map((m) => ({ path: `materials.${m}`, message: 'missing' })),
      });
  }
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
    case 'case:material-captured':
    case 'case:material-waived':
    case 'case:material-removed':
      return refuse({ code: 'CONFLICT', message: `${step.fact} is not a step of a case` });
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
  if (isMaterialEvent(ev)) {
    if (record === undefined) throw new Error(`${ev.type} for unknown case ${ev.caseId} (seq ${ev.seq})`);
    return applyMaterialFact(record, ev);
  }
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
      materials: (ev.checklist ?? []).map((m) => ({
        name: m.name,
        required: m.required,
        status: m.required ? 'missing' : 'not-required',
        pages: [],
      })),
      missing: [],
      history: [entry],
      ...(ev.instant === true ? { instant: true as const } : {}),
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
      next.missing = [];
      return next;
    case 'case:ready':
    case 'case:handed-back':
      return next;
  }
}

type MaterialEvent = Extract<CaseEvent, { type: MaterialFact['type'] }>;

const isMaterialEvent = (ev: CaseEvent): ev is MaterialEvent =>
  (MATERIAL_FACT_TYPES as readonly string[]).includes(ev.type);

/** A material's status from its pages and waiver (MAT-FILE-1). */
function statusOf(m: Omit<CaseMaterial, 'status'>): MaterialStatus {
  if (m.pages.length > 0 || m.source === 'kiosk' || m.source === 'online') return 'present';
  if (m.reason !== undefined) return 'waived';
  return m.required ? 'missing' : 'not-required';
}

/**
 * Folds a material fact (MAT-FILE-1): pages are added (once each) or taken off the checklist, a
 * waiver records its reason. The case's status does not change; whoever captures pages took
 * the case in (SOD-1). A material the checklist does not name is added as not required.
 */
function applyMaterialFact(record: CaseRecord, ev: MaterialEvent): CaseRecord {
  const materials = record.materials.map((m) => ({ ...m, pages: [...m.pages] }));
  let m = materials.find((x) => x.name === ev.material);
  if (m === undefined) {
    m = { name: ev.material, required: false, status: 'not-required', pages: [] };
    materials.push(m);
  }
  const next: CaseRecord = {
    ...record,
    materials,
    history: [
      ...record.history,
      {
        seq: ev.seq,
        at: ev.at,
        by: ev.by,
        step: ev.type,
        to: record.status,
        note: ev.type === 'case:material-captured' ? null : ev.reason,
        materials: [ev.material],
      },
    ],
  };
  switch (ev.type) {
    case 'case:material-captured':
      for (const p of ev.pages)
        if (!m.pages.some((x) => x.sha256 === p.sha256))
          m.pages.push({ sha256: p.sha256, mime: p.mime, bytes: p.bytes });
      m.source = ev.source;
      delete m.reason;
      next.intake = withOnce(record.intake, ev.by);
      break;
    case 'case:material-waived':
      m.pages = [];
      delete m.source;
      m.reason = ev.reason;
      break;
    case 'case:material-removed':
      m.pages = m.pages.filter((p) => p.sha256 !== ev.sha256);
      if (m.pages.length === 0) delete m.source;
      break;
  }
  m.status = statusOf(m);
  return next;
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

/** A change to a case's materials, as the edge parsed it (the actor comes from the login). */
export type MaterialCommand =
  | { type: 'capture'; caseId: string; material: string; pages: MaterialPage[]; source: MaterialSource }
  | { type: 'waive'; caseId: string; material: string; reason: string }
  | { type: 'remove'; caseId: string; material: string; sha256: string; reason: string };

/** Statuses in which a case's materials may change: 受理 and 补正 (MAT-CAP-1). */
const MATERIAL_STATUSES_OPEN: readonly CaseStatus[] = ['accepted', 'supplementing'];

/**
 * Decides a change to a case's materials (MAT-CAP-1): only while the case is at 受理 (by whoever
 * took it in) or waiting for 补正 (by any window clerk, who then takes it in), only materials of
 * its checklist, a waiver or a removal with a reason free of personal numbers.
 */
export function decideMaterial(
  record: CaseRecord | undefined,
  cmd: MaterialCommand,
  actor: CaseActor,
  /** Whether the case is filed in the archive (an instant file takes materials until then). */
  ctx: { filed: boolean } = { filed: false },
): { ok: true; fact: MaterialFact } | { ok: false; error: ApiError } {
  if (record === undefined)
    return { ok: false, error: { code: 'NOT_FOUND', message: `no case ${cmd.caseId}` } };
  // MAT-INSTANT-2: an instant business's file takes materials from the clerk who completed it, until it is filed.
  if (record.instant === true && ctx.filed)
    return {
      ok: false,
      error: {
        code: 'CONFLICT',
        message: `instant case file ${record.id} is filed in the archive; its materials no longer change`,
        messageZh: '该即办件电子档案已归档，材料不能再变更（更正请走归档更正）',
      },
    };
  if (record.instant === true && !record.intake.includes(actor.id))
    return {
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message: `instant case file ${record.id}: only the clerk who completed it captures its materials`,
        messageZh: '只有办结该即办业务的柜员可以采集其材料',
      },
    };
  if (record.instant !== true && !MATERIAL_STATUSES_OPEN.includes(record.status))
    return {
      ok: false,
      error: {
        code: 'CONFLICT',
        message: `case ${record.id} is ${record.status}; materials change only while it is accepted or supplementing`,
        messageZh: '案件已移交审核或已办结，材料只能在受理时或补正时采集',
      },
    };
  if (!actor.roles.some((r) => r === 'clerk' || r === 'rights-clerk'))
    return {
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message: 'materials are captured by a window clerk (clerk or rights-clerk)',
      },
    };
  if (record.instant !== true && record.status === 'accepted' && !record.intake.includes(actor.id))
    return {
      ok: false,
      error: {
        code: 'FORBIDDEN',
        message: `case ${record.id} is at 受理 with another clerk; only who took it in captures its materials`,
        messageZh: '只有受理该案件的柜员可以采集其材料',
      },
    };
  const entry = record.materials.find((m) => m.name === cmd.material);
  if (record.materials.length > 0 && entry === undefined)
    return {
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: `"${cmd.material}" is not a material of item ${record.itemCode}`,
        messageZh: `「${cmd.material}」不是该事项办事指南中的材料`,
        issues: [{ path: 'material', message: 'not in the checklist' }],
      },
    };
  const by = actor.id;
  const base = { caseId: record.id, material: cmd.material, by };
  switch (cmd.type) {
    case 'capture':
      if (cmd.pages.length === 0 && cmd.source !== 'kiosk' && cmd.source !== 'online')
        return { ok: false, error: { code: 'BAD_REQUEST', message: 'a capture links at least one page' } };
      return {
        ok: true,
        fact: { type: 'case:material-captured', ...base, pages: cmd.pages, source: cmd.source },
      };
    case 'waive':
    case 'remove': {
      const reason = cmd.reason.trim();
      const refusal = reason === '' ? '请填写原因' : personalDataRefusal(reason);
      if (refusal !== null)
        return {
          ok: false,
          error: {
            code: 'BAD_REQUEST',
            message:
              reason === '' ? 'a reason is required' : 'the reason may not hold ID, phone or card numbers',
            messageZh: refusal,
            issues: [{ path: 'reason', message: reason === '' ? 'required' : 'personal data' }],
          },
        };
      if (cmd.type === 'waive') return { ok: true, fact: { type: 'case:material-waived', ...base, reason } };
      if (!entry?.pages.some((p) => p.sha256 === cmd.sha256))
        return {
          ok: false,
          error: {
            code: 'NOT_FOUND',
            message: `page ${cmd.sha256} is not linked to "${cmd.material}" of case ${record.id}`,
          },
        };
      return { ok: true, fact: { type: 'case:material-removed', ...base, sha256: cmd.sha256, reason } };
    }
  }
}
