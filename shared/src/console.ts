/**
 * The staff console's server API beyond the queue commands (issue #6): the working-day
 * calendar, window slips (LD/T 02 §9.3.6, §9.4), time-limited cases for the back office,
 * the counter's identity check, catalog and hall administration, and the audit search.
 * Request schemas are zod (types inferred); responses are plain interfaces, always inside
 * the `Ack` envelope of protocol.ts. SPEC rule IDs: CAL-*, SLP-*, CASE-*, CTR-*, ADM-*.
 */
import { z } from 'zod';
import { RETENTIONS } from './archive.ts';
import { CASE_STATUSES, type CaseRecord } from './cases.ts';
import type { ServiceItem } from './catalog.ts';
import { formDefinitionSchema } from './forms.schema.ts';
import type { SlipDocument } from './print.ts';
import { staffText } from './staff-text.ts';

const dateText = z.iso.date();
const text = (max: number) => z.string().trim().min(1).max(max);

/* ───────────────────────── Working-day calendar (CAL-*) ───────────────────────── */

/** A calendar date in the hall's time zone, `YYYY-MM-DD`. */
export type LocalDate = string;

/** `GET /api/calendar/deadline?from=YYYY-MM-DD&workingDays=N` (any staff). */
export const deadlineQuerySchema = z.strictObject({
  from: dateText,
  workingDays: z.coerce.number().int().min(0).max(3650),
});
export type DeadlineQuery = z.infer<typeof deadlineQuerySchema>;

/** The due date: `workingDays` working days AFTER `from` (the acceptance day is not counted). */
export interface DeadlineResult {
  date: LocalDate;
  workingDays: number;
}

/** The hall's own correction of the national calendar; wins over the published one. */
export const CALENDAR_OVERRIDE_KINDS = ['holiday', 'workday'] as const;
export type CalendarOverrideKind = (typeof CALENDAR_OVERRIDE_KINDS)[number];

export interface CalendarOverride {
  date: LocalDate;
  kind: CalendarOverrideKind;
  note: string;
}

/** `PUT /api/calendar/overrides/:date` body (admin). The date is in the path. */
export const calendarOverrideBodySchema = z.strictObject({
  kind: z.enum(CALENDAR_OVERRIDE_KINDS),
  note: staffText(200),
});
export type CalendarOverrideBody = z.infer<typeof calendarOverrideBodySchema>;

/* ───────────────────────────── Slips (SLP-*) ───────────────────────────── */

/** 即时办结 业务回单, 限时受理 业务受理回执, 不予受理 告知单, 一次性补正 告知书. */
export const SLIP_KINDS = ['completion', 'acceptance', 'rejection', 'supplement'] as const;
export type SlipKind = (typeof SLIP_KINDS)[number];

/**
 * `POST /api/slips` (clerk, rights-clerk, manager). The ticket must be one the clerk served or
 * their window holds. `applicantName` is required by every slip; `contactPhone` by an
 * acceptance; `reasons` (≥1) by a rejection; `missingMaterials` (≥1, names from the item's
 * guide) by a supplement. `receivedMaterials` (acceptance, names from the guide) defaults to
 * every required material of the guide the hall does not obtain itself (sharedData). A second
 * acceptance of the same ticket reprints the same receipt (same number, deadline and case).
 */
export const slipRequestSchema = z
  .strictObject({
    ticketId: text(64),
    kind: z.enum(SLIP_KINDS),
    /** The service item; defaults to the ticket's item (required when the ticket names none). */
    itemCode: text(64).optional(),
    applicantName: text(60),
    contactPhone: z
      .string()
      .trim()
      .regex(/^\+?[\d\s-]{5,20}$/, 'a phone number (digits, spaces, dashes)')
      .optional(),
    /** 办理结果 of a completion slip; defaults to '已办结'. */
    result: staffText(500).optional(),
    /** 不予受理的理由 (rejection only). */
    reasons: z.array(staffText(500)).min(1).max(20).optional(),
    /** 依据 of a rejection, when any. */
    legalBasis: z.array(text(500)).min(1).max(20).optional(),
    /** Names from the item's guide material list (supplement only). */
    missingMaterials: z.array(text(200)).min(1).max(50).optional(),
    /** Names from the item's guide material list (acceptance only). */
    receivedMaterials: z.array(text(200)).max(50).optional(),
    /** Print on the ESC/POS printer of the clerk's window agent. */
    print: z.boolean(),
  })
  .superRefine((b, ctx) => {
    const need = (ok: boolean, path: string, message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path: [path], message });
    };
    need(
      b.kind !== 'acceptance' || b.contactPhone !== undefined,
      'contactPhone',
      'an acceptance receipt needs the contact phone',
    );
    need(
      b.kind !== 'rejection' || b.reasons !== undefined,
      'reasons',
      'a rejection notice needs at least one reason',
    );
    need(
      b.kind !== 'supplement' || b.missingMaterials !== undefined,
      'missingMaterials',
      'a supplement notice needs at least one missing material',
    );
    need(
      b.kind === 'rejection' || b.reasons === undefined,
      'reasons',
      'reasons belong to a rejection notice only',
    );
    need(
      b.kind === 'rejection' || b.legalBasis === undefined,
      'legalBasis',
      'legalBasis belongs to a rejection notice only',
    );
    need(
      b.kind === 'supplement' || b.missingMaterials === undefined,
      'missingMaterials',
      'missingMaterials belong to a supplement notice only',
    );
    need(
      b.kind === 'acceptance' || b.receivedMaterials === undefined,
      'receivedMaterials',
      'receivedMaterials belong to an acceptance receipt only',
    );
    need(
      b.kind === 'completion' || b.result === undefined,
      'result',
      'result belongs to a completion slip only',
    );
  });
export type SlipRequest = z.infer<typeof slipRequestSchema>;

/*
 * The slip document data: the print contract of print.ts (zod schemas, types inferred), re-exported
 * here for the staff console, which renders the same data on A4. Type-only: erased from bundles.
 */
export type {
  AcceptanceReceiptData,
  CompletionSlipData,
  MissingMaterialData,
  ReceivedMaterialData,
  RejectionNoticeData,
  SlipClerk,
  SlipDocument,
  SlipHall,
  SupplementNoticeData,
} from './print.ts';

/**
 * `POST /api/slips` answer (SPEC SLP-*). A print failure (no agent at the window) still returns
 * the document. A second request for the same ticket answers with the same slip.
 */
export interface SlipResult {
  document: SlipDocument;
  /** The document number (HD/SL/BY/BZ + date + sequence); an acceptance's is its case id. */
  number: string;
  printJobId: string | null;
  printError: string | null;
  /** The case an acceptance opened (with the staff names); null for the other kinds. */
  case: CaseRecord | null;
  /** Whether this request finished the serving ticket (finish and slip are one unit of work, UOW-1). */
  finished: boolean;
}

/** Working days an acceptance promises when the item's limit is not in working days (行政许可法 §42, §82: 20 working days). */
export const DEFAULT_ACCEPTANCE_WORKING_DAYS = 20;

/* ───────────────────────────── Cases (CASE-*) ───────────────────────────── */

/** `GET /api/cases?status=` (cases:read). Steps are commands: `case:*` in protocol.ts. */
export const caseListQuerySchema = z.strictObject({ status: z.enum(CASE_STATUSES).optional() });

/* ──────────────────────── Counter identity check (CTR-*) ──────────────────────── */

/**
 * Socket.IO `counter:card`, to the staff sockets of the clerk signed on at the window whose
 * terminal agent read a card. Masked only: never the full ID number or name.
 */
export interface CounterCard {
  windowId: string;
  /** The ID number masked (110***********1234). */
  masked: string;
  /** The name masked (张*三). */
  maskedName: string;
  source: 'resident-id' | 'ssc';
  /** Whether the card's holder is the holder of the ticket the window holds; null when that is unknown. */
  matchesTicket: boolean | null;
  ticketId: string | null;
  /**
   * The name as the card holds it, for the slip's applicant (CTR-2): only while the window holds
   * a ticket (this clerk serves it) and the card is not another person's (`matchesTicket` ≠ false).
   * The console fills the slip form with it and never shows it elsewhere.
   */
  applicantName?: string;
}

/* ───────────────────────────── Admin (ADM-*) ───────────────────────────── */

const materialForm = z.enum(['原件', '复印件', '原件及复印件', '电子']);
const stringList = (maxItems: number, maxLen = 500) => z.array(text(maxLen)).max(maxItems);

export const guideMaterialSchema = z.strictObject({
  name: text(200),
  nameEn: text(200).optional(),
  form: materialForm,
  copies: z.int().min(0).max(99),
  required: z.boolean(),
  note: text(1000).optional(),
  noteEn: text(1000).optional(),
  commonlyMissing: z.boolean().optional(),
  sharedData: z.boolean().optional(),
  identity: z.boolean().optional(),
});

/** 办事指南: the 16 elements of shared/src/catalog.ts `ServiceGuide`. */
export const serviceGuideSchema = z.strictObject({
  scope: text(2000),
  scopeEn: text(2000).optional(),
  caseType: z.enum(['instant', 'promised']),
  channels: stringList(20, 60).min(1),
  visitsOnSite: z.int().min(0).max(9),
  legalBasis: stringList(50),
  conditions: stringList(50),
  materials: z
    .array(guideMaterialSchema)
    .max(100)
    .refine(
      (ms) => new Set(ms.map((m) => m.name)).size === ms.length,
      'material names must be unique within a guide',
    ),
  steps: stringList(50).min(1),
  fee: text(200),
  result: text(200),
  delivery: stringList(20, 100).min(1),
  addressAndHours: text(500),
  consultation: text(500),
  /** At most 300: it is printed on the acceptance receipt. */
  progressQuery: text(300),
  complaint: text(500),
  note: text(2000).optional(),
});

export const serviceItemSchema = z
  .strictObject({
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (max 64)'),
    implCode: z.string().trim().min(1).max(64).nullable(),
    name: text(200),
    nameEn: text(200).optional(),
    kind: z.enum(['instant', 'time-limited']),
    categoryId: text(64),
    timeLimit: z
      .strictObject({
        /** Empty only when the item is not verified (checked below). */
        text: z.string().trim().max(200),
        textEn: text(200).optional(),
        days: z.int().min(0).max(3650).nullable(),
        unit: z.enum(['working', 'calendar']).nullable(),
        note: text(1000).optional(),
      })
      .refine((t) => t.unit === null || t.days !== null, {
        path: ['days'],
        message: 'a unit needs a number of days',
      }),
    channels: stringList(20, 60),
    verified: z.boolean(),
    source: z.string().trim().min(1).max(500).nullable(),
    guide: serviceGuideSchema.optional(),
    form: formDefinitionSchema.optional(),
    identityRequired: z.boolean().optional(),
    reviewLevels: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
    precheck: z.boolean().optional(),
    retention: z.enum(RETENTIONS).optional(),
    /** Computed by the server when it serves the catalog; accepted (an export re-imports) and not stored. */
    initials: z.string().max(200).optional(),
  })
  .refine((i) => !i.verified || i.timeLimit.text !== '', {
    path: ['timeLimit', 'text'],
    message: 'a verified item needs the wording of its time limit',
  }) satisfies z.ZodType<ServiceItem>;

/** `PUT /api/catalog/items/:code` body: the whole item; its `code` must equal the path's. */
export type ServiceItemInput = z.infer<typeof serviceItemSchema>;

/**
 * `POST /api/catalog/import` body (admin): replaces the whole catalog; one bad row refuses all.
 * Bodies over 256 KB (about 90 items with full guides) go as `Content-Type:
 * application/vnd.onewindow.catalog+json` (up to 8 MB).
 */
export const catalogImportSchema = z.strictObject({
  items: z.array(z.unknown()).min(1).max(2000),
});
/** `POST /api/catalog/import` answer. */
export interface CatalogImportResult {
  imported: number;
}

/* ───────────────────────────── Audit search (ADM-AUD-*) ───────────────────────────── */

/** `GET /api/audit/search` (manager, admin). `from`/`to` are hall-local dates, inclusive. */
export const auditSearchQuerySchema = z.strictObject({
  q: z.string().trim().max(100).optional(),
  from: dateText.optional(),
  to: dateText.optional(),
  /** An exact action (`ticket:cancelled`, `catalog:item-put` …) or a source: `admin` | `hall`. */
  kind: z.string().trim().min(1).max(60).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type AuditSearchQuery = z.infer<typeof auditSearchQuerySchema>;

/** One entry of the merged audit: the admin audit table and the hall's override facts. */
export interface AuditEntry {
  /** `admin:<audit id>` or `hall:<event seq>`. */
  id: string;
  source: 'admin' | 'hall';
  at: number;
  /** Staff id ('system' for the server itself). */
  actor: string;
  actorName: string;
  action: string;
  /** Ticket id, item code, date, device id …; null when none. */
  target: string | null;
  /** The target's name when it is a staff member or a device (CON-AUD-1); else null. */
  targetName?: string | null;
  reason: string | null;
  /** What changed, in short (`pin w3`, `to category B`, `12 tickets settled`, an admin row's detail as JSON). */
  detail: string | null;
}
