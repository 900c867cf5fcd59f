/**
 * Time-limited cases (限时业务, LD/T 02 §9.4.2–9.4.4, §9.5.2, §10.1): what a 限时受理 opens at the
 * window and the back office moves to its result. Zod-free, so the staff console bundles the
 * step table without the validator. SPEC rule IDs: CASE-*, SOD-*.
 *
 * A case is a fold of its facts in the hall's log (`case:accepted`, `case:reviewed` …): the
 * server's `cases` table is a projection that a replay rebuilds (SPEC CASE-5).
 */
import type { StaffRole } from './protocol.ts';

/** A calendar date in the hall's time zone, `YYYY-MM-DD`. */
type LocalDate = string;

/**
 * Where a case stands. `accepted` waits for 审核; `in-review` is being reviewed; `reviewed` passed
 * 审核 and waits for 复核 (two-level items only); `supplementing` waits for the citizen to bring
 * missing materials (一次性补正); `approved` passed every level and waits at the rights window;
 * `ready` is ready for pickup; `returned` (refused, the applicant is told why) and `handed-back`
 * end a case.
 */
export const CASE_STATUSES = [
  'accepted',
  'in-review',
  'reviewed',
  'supplementing',
  'approved',
  'returned',
  'ready',
  'handed-back',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses a case never leaves. */
export const FINAL_CASE_STATUSES: readonly CaseStatus[] = ['returned', 'handed-back'];

/**
 * How many back-office levels an item's cases pass (LD/T 02 §9.4.3–9.4.4, the item's catalog
 * entry): 0 none (the acceptance is the decision: the result goes straight to the rights
 * window), 1 审核 (业务审核岗), 2 审核 + 复核 (业务审核岗主管, after a different reviewer).
 */
export const REVIEW_LEVELS = [0, 1, 2] as const;
export type ReviewLevels = (typeof REVIEW_LEVELS)[number];
/** A time-limited item whose catalog entry names no level is reviewed once. */
export const DEFAULT_REVIEW_LEVELS: ReviewLevels = 1;

/** The commands that move a case (Socket.IO events and `POST /api/commands/{name}`). */
export const CASE_COMMAND_NAMES = [
  'case:start-review',
  'case:approve',
  'case:recheck',
  'case:return',
  'case:request-supplement',
  'case:supplement',
  'case:ready',
  'case:hand-back',
] as const;
export type CaseCommandName = (typeof CASE_COMMAND_NAMES)[number];

/** What a step is, for the separation of duties (SOD-*): who takes it in, reviews, re-checks, hands back. */
export type CaseLevel = 'intake' | 'review' | 'recheck' | 'handback';

/** What every case fact carries: the case, who, the note they gave, and the status it leads to. */
interface CaseFactBase {
  caseId: string;
  /** Staff id. */
  by: string;
  note: string | null;
  to: CaseStatus;
}

/** How a page is stored (SPEC MAT-CAP-2): re-encoded images or a checked PDF. */
export const MATERIAL_PAGE_MIMES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type MaterialPageMime = (typeof MATERIAL_PAGE_MIMES)[number];

/**
 * Where a material came from: the window's document camera (高拍仪), a scanner through SANE, a
 * file the clerk picked, or the citizen's own kiosk or online form.
 */
export const MATERIAL_SOURCES = ['camera', 'scanner', 'file', 'kiosk', 'online'] as const;
export type MaterialSource = (typeof MATERIAL_SOURCES)[number];

/** One captured page, as the fact that links it names it: the page store's hash and size. */
export interface MaterialPage {
  /** SHA-256 of the stored bytes, lower-case hex: the page's name in the page store. */
  sha256: string;
  mime: MaterialPageMime;
  bytes: number;
  width?: number;
  height?: number;
}

/**
 * Where a material of the checklist stands (SPEC MAT-FILE-1): `present` has pages (or came with
 * the citizen's kiosk or online form), `waived` is 免提交 with a reason (the hall fetches it
 * itself, or this case does not need it), `missing` is required and has neither, `not-required`
 * is an optional material nobody brought.
 */
export const MATERIAL_STATUSES = ['present', 'missing', 'waived', 'not-required'] as const;
export type MaterialStatus = (typeof MATERIAL_STATUSES)[number];

/** One material of a case's checklist: the item's 办事指南 material at acceptance plus its facts. */
export interface CaseMaterial {
  /** The guide's material name, exactly. */
  name: string;
  required: boolean;
  status: MaterialStatus;
  pages: Pick<MaterialPage, 'sha256' | 'mime' | 'bytes'>[];
  /** Where the last pages came from. */
  source?: MaterialSource;
  /** Why it was waived (免提交). */
  reason?: string;
}

/** A material of the checklist a case opens with: its guide name and whether the guide requires it. */
export interface ChecklistEntry {
  name: string;
  required: boolean;
}

/** Facts about a case's materials (SPEC MAT-*): they never move the case; a page stays in the store. */
export type MaterialFact =
  | {
      type: 'case:material-captured';
      caseId: string;
      material: string;
      pages: MaterialPage[];
      source: MaterialSource;
      /** Staff id. */
      by: string;
    }
  | { type: 'case:material-waived'; caseId: string; material: string; reason: string; by: string }
  | {
      type: 'case:material-removed';
      caseId: string;
      material: string;
      sha256: string;
      reason: string;
      by: string;
    };

/** Facts of a case, in the hall's log with the queue's facts (one seq). No personal data. */
export type CaseFact =
  | MaterialFact
  | (CaseFactBase & {
      type: 'case:accepted';
      ticketId: string;
      ticketNumber: string;
      itemCode: string;
      itemName: string;
      reviewLevels: ReviewLevels;
      deadline: LocalDate;
      workingDays: number;
      /** Names of the guide's materials received at the window. */
      receivedMaterials: string[];
      /**
       * The item's guide materials at acceptance: the case's checklist (SPEC MAT-FILE-1). Absent
       * on cases accepted before capture existed (they have no checklist and no gate).
       */
      checklist?: ChecklistEntry[];
      /**
       * An instant business's case file (即办件电子档案, SPEC MAT-INSTANT-1): opened by its completion
       * slip already final (`handed-back`, no review, deadline the day itself) so its materials are
       * captured and filed; the time-limited figures and overdue rules leave it out.
       */
      instant?: true;
    })
  | (CaseFactBase & { type: 'case:review-started' })
  | (CaseFactBase & { type: 'case:reviewed' })
  | (CaseFactBase & { type: 'case:rechecked' })
  | (CaseFactBase & { type: 'case:returned'; level: 'review' | 'recheck' })
  | (CaseFactBase & { type: 'case:supplement-requested'; missing: string[] })
  | (CaseFactBase & { type: 'case:supplemented'; materials: string[] })
  | (CaseFactBase & { type: 'case:ready' })
  | (CaseFactBase & { type: 'case:handed-back' })
  /**
   * A case recorded before cases were facts (a database from before migration 10), taken into
   * the log once, as it stood, with its history (SPEC CASE-5).
   */
  | (CaseFactBase & { type: 'case:adopted'; record: CaseRecord });
export type CaseFactType = CaseFact['type'];

export const CASE_FACT_TYPES = [
  'case:accepted',
  'case:review-started',
  'case:reviewed',
  'case:rechecked',
  'case:returned',
  'case:supplement-requested',
  'case:supplemented',
  'case:ready',
  'case:handed-back',
  'case:adopted',
  'case:material-captured',
  'case:material-waived',
  'case:material-removed',
] as const satisfies readonly CaseFactType[];

export const MATERIAL_FACT_TYPES = [
  'case:material-captured',
  'case:material-waived',
  'case:material-removed',
] as const satisfies readonly MaterialFact['type'][];

/**
 * The required materials of a checklist that are neither present nor waived (SPEC MAT-FILE-2):
 * while there is one, a case does not leave 受理.
 */
export function missingRequired(materials: readonly CaseMaterial[]): string[] {
  return materials.filter((m) => m.required && m.status === 'missing').map((m) => m.name);
}

export interface CaseHistoryEntry {
  /** The fact's hall seq. */
  seq: number;
  at: number;
  /** Staff id. */
  by: string;
  step: CaseFactType;
  to: CaseStatus;
  note: string | null;
  /** The materials a step named: received at acceptance or with a supplement, or asked for. */
  materials?: string[];
}

/** A time-limited case (限时业务) from acceptance to hand-back: the fold of its facts. No personal data. */
export interface CaseRecord {
  /** The acceptance receipt's 受理编号. */
  id: string;
  ticketId: string;
  ticketNumber: string;
  itemCode: string;
  itemName: string;
  reviewLevels: ReviewLevels;
  /** Staff id of the accepting clerk. */
  acceptedBy: string;
  acceptedAt: number;
  deadline: LocalDate;
  workingDays: number;
  status: CaseStatus;
  /** Who took the case in at a window: the acceptor and whoever took supplements (SOD-1, SOD-3). */
  intake: string[];
  /** Who acted at the 审核 level: started, passed, returned, asked for supplements (SOD-2). */
  reviewers: string[];
  /** Who passed 复核, once. */
  recheckedBy: string | null;
  /**
   * The checklist (SPEC MAT-FILE-1): the item's guide materials at acceptance, each present
   * (with its pages), missing, waived or not required. Empty for a case accepted before capture.
   */
  materials: CaseMaterial[];
  /** What the back office asked for while `supplementing`; empty otherwise. */
  missing: string[];
  history: CaseHistoryEntry[];
  /** An instant business's case file (MAT-INSTANT-1), not a time-limited case. */
  instant?: true;
  /** Name and 工号 of each staff id in the case, added by the server's answers (GET /api/cases, staff facts). */
  staff?: Record<string, { name: string; staffNumber: string }>;
}

/** One way a case moves: the command, from which statuses, who, at which level, and the note it needs. */
export interface CaseStepRule {
  command: CaseCommandName;
  fact: CaseFactType;
  from: readonly CaseStatus[];
  /** Any of these roles may take the step (the domain then checks SOD-* per case). */
  roles: readonly StaffRole[];
  level: CaseLevel;
  note: 'optional' | 'required';
  /** The status it leads to; `approved-or-reviewed` when 审核 passes: `reviewed` if the item needs 复核. */
  to: CaseStatus | 'approved-or-reviewed';
  zh: string;
  en: string;
}

/**
 * Who moves a case where (SPEC CASE-2): 业务审核岗 reviews; 业务审核岗主管 (review-supervisor)
 * re-checks two-level cases; 综合柜员岗 takes supplements in; 权益柜员岗 hands the result back.
 */
export const CASE_STEPS: readonly CaseStepRule[] = [
  {
    command: 'case:start-review',
    fact: 'case:review-started',
    from: ['accepted'],
    roles: ['reviewer'],
    level: 'review',
    note: 'optional',
    to: 'in-review',
    zh: '开始审核',
    en: 'Start review',
  },
  {
    command: 'case:approve',
    fact: 'case:reviewed',
    from: ['in-review'],
    roles: ['reviewer'],
    level: 'review',
    note: 'optional',
    to: 'approved-or-reviewed',
    zh: '审核通过',
    en: 'Pass review',
  },
  {
    command: 'case:request-supplement',
    fact: 'case:supplement-requested',
    from: ['in-review'],
    roles: ['reviewer'],
    level: 'review',
    note: 'optional',
    to: 'supplementing',
    zh: '一次性告知补正',
    en: 'Ask for materials',
  },
  {
    command: 'case:return',
    fact: 'case:returned',
    from: ['in-review'],
    roles: ['reviewer'],
    level: 'review',
    note: 'required',
    to: 'returned',
    zh: '审核退回',
    en: 'Return',
  },
  {
    command: 'case:recheck',
    fact: 'case:rechecked',
    from: ['reviewed'],
    roles: ['review-supervisor'],
    level: 'recheck',
    note: 'optional',
    to: 'approved',
    zh: '复核通过',
    en: 'Pass re-check',
  },
  {
    command: 'case:return',
    fact: 'case:returned',
    from: ['reviewed'],
    roles: ['review-supervisor'],
    level: 'recheck',
    note: 'required',
    to: 'returned',
    zh: '复核退回',
    en: 'Return',
  },
  {
    command: 'case:supplement',
    fact: 'case:supplemented',
    from: ['supplementing'],
    roles: ['clerk', 'rights-clerk'],
    level: 'intake',
    note: 'optional',
    to: 'accepted',
    zh: '补正材料已收',
    en: 'Materials received',
  },
  {
    command: 'case:ready',
    fact: 'case:ready',
    from: ['approved'],
    roles: ['rights-clerk'],
    level: 'handback',
    note: 'optional',
    to: 'ready',
    zh: '办结待取',
    en: 'Ready for pickup',
  },
  {
    command: 'case:hand-back',
    fact: 'case:handed-back',
    from: ['ready'],
    roles: ['rights-clerk'],
    level: 'handback',
    note: 'required',
    to: 'handed-back',
    zh: '已领取',
    en: 'Handed back',
  },
];

/** The step a command takes from a status, if any. */
export function caseStep(command: CaseCommandName, from: CaseStatus): CaseStepRule | undefined {
  return CASE_STEPS.find((s) => s.command === command && s.from.includes(from));
}

/**
 * Separation of duties per case (LD/T 02 §9.4.4, §10.1 岗位权限不相容), whatever roles a person
 * holds: the rule a step by `actor` breaks, or null.
 * - SOD-1: nobody reviews (审核) a case they took in (accepted, or took supplements for);
 * - SOD-2: nobody re-checks (复核) a case they reviewed;
 * - SOD-3: nobody re-checks a case they took in.
 */
export function caseDutyConflict(
  record: Pick<CaseRecord, 'intake' | 'reviewers'>,
  level: CaseLevel,
  actor: string,
): { rule: 'SOD-1' | 'SOD-2' | 'SOD-3'; message: string; messageZh: string } | null {
  if (level === 'review' && record.intake.includes(actor))
    return {
      rule: 'SOD-1',
      message: 'SOD-1: nobody reviews a case they accepted or took supplements for',
      messageZh: '受理（含补正收件）人不得审核同一案件，请由其他审核人员办理',
    };
  if (level === 'recheck' && record.reviewers.includes(actor))
    return {
      rule: 'SOD-2',
      message: 'SOD-2: nobody re-checks a case they reviewed',
      messageZh: '审核人不得复核本人审核的案件，请由其他复核人员办理',
    };
  if (level === 'recheck' && record.intake.includes(actor))
    return {
      rule: 'SOD-3',
      message: 'SOD-3: nobody re-checks a case they accepted or took supplements for',
      messageZh: '受理（含补正收件）人不得复核同一案件，请由其他复核人员办理',
    };
  return null;
}
