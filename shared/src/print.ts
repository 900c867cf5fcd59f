/**
 * The print contract: what a print job (`PrintJob.document`, devices.ts) carries to a terminal
 * agent — the queue ticket of the kiosk and the window slips of LD/T 02 §9.3.6 and §9.4
 * (业务回单, 业务受理回执, 不予受理告知单, 一次性补正告知书). One zod schema per document's data,
 * the TypeScript types inferred from them; the server builds documents of these types,
 * `POST /api/print-jobs` parses with {@link printDocumentSchema}, and the agent parses every job
 * again before it lays it out (kiosk/agent/printer/documents.ts), so a document that would print
 * wrong is refused with its field paths instead of reaching the paper.
 *
 * Bounds are what the 58 mm (32 columns) and 80 mm (48 columns) layouts print: lengths that wrap
 * into a few lines, numbers as integers where the layout counts them, dates that exist.
 * Personal fields (applicant name, phone, ID number) are raw here: the agent masks them when it
 * lays them out, and the staff console when it renders A4. Unknown fields are dropped, not
 * refused, so an agent one version behind its server still prints a document that gained an
 * optional field.
 */
import { z } from 'zod';
import type { GuideMaterialForm } from './catalog.ts';
import type { PrintDocumentType } from './devices.ts';

/** A trimmed, non-empty line of at most `max` characters. */
const text = (max = 200) => z.string().trim().min(1).max(max);
/** A calendar date in the hall's time zone that exists, `YYYY-MM-DD`. */
const localDate = z.iso.date();
const epochMs = z.number().int().min(0);
/** A UTC offset in minutes, as `HallSettings.utcOffsetMinutes` (UTC−14:00 … UTC+14:00). */
const utcOffsetMinutes = z.number().int().min(-840).max(840);
/** Lines of free text, each 1–500 characters (a few printed lines on 58 mm). */
const lines = (maxItems: number) => z.array(text(500)).max(maxItems);
const materialForm = z.enum([
  '原件',
  '复印件',
  '原件及复印件',
  '电子',
]) satisfies z.ZodType<GuideMaterialForm>;
/** Copies of a material: 0 for an electronic one (电子证照), never more than 99. */
const copies = z.number().int().min(0).max(99);

/** Clerk line of every slip: name and 工号 in full (the window shows them publicly). */
export const slipClerkSchema = z.object({
  name: text(60),
  /** 工号. */
  staffNo: text(40),
});
/** Clerk line of every slip. */
export type SlipClerk = z.infer<typeof slipClerkSchema>;

/** Header and footer of every document, the queue ticket included. */
export const slipHallSchema = z.object({
  /** 大厅名称, e.g. '成都市社会保险事业管理局服务大厅'. */
  hallName: text(100),
  /** 咨询电话: meta `hallPhone`, default 12333 (the national social-insurance hotline). */
  hallPhone: text(40),
});
/** Header and footer of every document. */
export type SlipHall = z.infer<typeof slipHallSchema>;

/** The kiosk's queue ticket (DOMAIN.md "Queue conventions"). */
export const queueTicketDataSchema = z.object({
  ...slipHallSchema.shape,
  /** The queue category's name, e.g. '综合业务' (printed double size). */
  businessName: text(60),
  /** English name of the business, printed small under the Chinese when `english` is set. */
  businessNameEn: text(120).optional(),
  /** The ticket number, e.g. 'A001': printed as large as fits one line (1× fits 12 on 58 mm). */
  number: text(12),
  /** Tickets ahead in the same queue. */
  peopleAhead: z.number().int().min(0),
  /** null when the hall has no estimate yet (nothing is printed then); printed rounded, at least 1. */
  estimatedWaitMinutes: z.number().min(0).nullable(),
  /**
   * The range the kiosk, boards and `/t` show for this ticket (SPEC EST-1); when present it is
   * printed instead of the single figure, worded by `waitRangeText`.
   */
  estimatedWaitRange: z
    .strictObject({ low: z.number().min(0), high: z.number().min(0) })
    .nullable()
    .optional(),
  /** When the ticket was taken, epoch ms. */
  takenAt: epochMs,
  /** The hall's UTC offset (HallSettings.utcOffsetMinutes). */
  utcOffsetMinutes,
  /** The ticket's id, for the status page. */
  ticketId: text(64),
  /** Where the public status page lives, e.g. 'https://hall.example.cn'; the QR says `${base}/t/${ticketId}`. */
  statusBaseUrl: z
    .string()
    .trim()
    .max(200)
    .regex(/^https?:\/\/[^/\s]+/, 'an http(s) URL'),
  /** Defaults to '请留意叫号，过号请到咨询引导台'. */
  reminder: text(200).optional(),
  /** English reminder, printed when `english` is set. */
  reminderEn: text(300).optional(),
  /** Add English lines (small, under the Chinese). */
  english: z.boolean().optional(),
  /** The business item chosen at the kiosk (事项), printed under the queue's name. */
  itemName: text(100).optional(),
  /** Why the ticket has priority, e.g. '老年人优先' (printed as told on screen). */
  priorityNote: text(60).optional(),
  /**
   * The kiosk form stored with the ticket (§9.3.1): a summary (personal data already masked by
   * the server) with its code as a second QR, which the clerk scans to open the form.
   */
  application: z
    .object({
      /** e.g. 'F1126-A012'. */
      code: z.string().regex(/^[A-Z0-9-]{4,32}$/, '4–32 characters A–Z, 0–9 or -'),
      title: text(60),
      lines: lines(30),
    })
    .optional(),
});
/** The kiosk's queue ticket. */
export type QueueTicketData = z.infer<typeof queueTicketDataSchema>;

/** 业务回单 (§9.4.1): an instant business settled at the window. */
export const completionSlipDataSchema = z.object({
  ...slipHallSchema.shape,
  /** 回单编号. */
  documentNumber: text(64),
  itemName: text(),
  /** 事项编码. */
  itemCode: text(64).optional(),
  applicantName: text(60),
  /** Printed masked (110***********1234). */
  idNumber: text(32).optional(),
  ticketNumber: text(12).optional(),
  /** 办理窗口, e.g. '3号窗口'. */
  windowName: text(40),
  clerk: slipClerkSchema,
  /** 办结时间, epoch ms. */
  completedAt: epochMs,
  utcOffsetMinutes,
  /** 办理结果, e.g. '已办结：参保登记成功'. */
  result: text(500),
  notes: lines(20).optional(),
});
/** 业务回单. */
export type CompletionSlipData = z.infer<typeof completionSlipDataSchema>;

/** One material taken in at the window (a GuideMaterial fits). */
export const receivedMaterialDataSchema = z.object({
  name: text(),
  form: materialForm,
  copies,
});
/** One material taken in at the window. */
export type ReceivedMaterialData = z.infer<typeof receivedMaterialDataSchema>;

/** 业务受理回执 (§9.4.2, §9.5.2): a time-limited business accepted for the back office. */
export const acceptanceReceiptDataSchema = z.object({
  ...slipHallSchema.shape,
  /** 受理编号. */
  documentNumber: text(64),
  applicantName: text(60),
  /** Printed masked (138****5678). */
  contactPhone: z
    .string()
    .trim()
    .regex(/^\+?[\d\s-]{5,20}$/, 'a phone number (digits, spaces, dashes)'),
  itemName: text(),
  itemCode: text(64).optional(),
  appliedOn: localDate,
  acceptedOn: localDate,
  /** Printed numbered; none prints '已收材料：无'. */
  materials: z.array(receivedMaterialDataSchema).max(50),
  clerk: slipClerkSchema,
  /** 承诺办结时限: the working days and the due date, counted on the hall's working-day calendar. */
  deadline: z.object({ workingDays: z.number().int().min(0).max(3650), date: localDate }),
  /** 进度查询: how to check progress (the guide's 进度和结果查询). */
  progressQuery: text(300),
  /** A page that shows the case's progress; printed as a QR code when given. */
  progressUrl: text(500).optional(),
});
/** 业务受理回执. */
export type AcceptanceReceiptData = z.infer<typeof acceptanceReceiptDataSchema>;

/**
 * 不予受理告知单 (§9.3.6): the reasons, the basis, and the applicant's right to 行政复议
 * (60 days) or 行政诉讼 (6 months).
 */
export const rejectionNoticeDataSchema = z.object({
  ...slipHallSchema.shape,
  /** 经办机构, e.g. '成都市社会保险事业管理局'. */
  agencyName: text(100),
  /** 告知单编号. */
  documentNumber: text(64),
  applicantName: text(60),
  itemName: text(),
  itemCode: text(64).optional(),
  appliedOn: localDate,
  /** 告知日期. */
  decidedOn: localDate,
  /** 不予受理的理由, at least one. */
  reasons: lines(20).min(1),
  /** 依据 (laws, articles), when there are any. */
  legalBasis: lines(20).optional(),
  /** 行政复议机关; the agent prints the generic '有关行政复议机关' without it. */
  reviewBody: text(100).optional(),
  /** 管辖法院; the agent prints '人民法院' without it. */
  court: text(100).optional(),
  clerk: slipClerkSchema,
  /**
   * The remedy sentence as printed, for the console's A4 rendering. The server always sets it;
   * the agent prints its own from `reviewBody` and `court`, so a job may leave it out.
   */
  remedy: text(500).optional(),
});
/** 不予受理告知单. */
export type RejectionNoticeData = z.infer<typeof rejectionNoticeDataSchema>;

/** One material to bring or correct. */
export const missingMaterialDataSchema = z.object({
  name: text(),
  form: materialForm.optional(),
  copies: copies.optional(),
  /** What is wrong or required, e.g. '须本人签字' or '复印件不清晰'. */
  requirement: text(300).optional(),
});
/** One material to bring or correct. */
export type MissingMaterialData = z.infer<typeof missingMaterialDataSchema>;

/** 一次性补正告知书 (§9.3.6, 行政许可法 §32): every missing or defective material, told once. */
export const supplementNoticeDataSchema = z.object({
  ...slipHallSchema.shape,
  agencyName: text(100),
  /** 告知书编号. */
  documentNumber: text(64),
  applicantName: text(60),
  itemName: text(),
  itemCode: text(64).optional(),
  appliedOn: localDate,
  /** 告知日期. */
  notifiedOn: localDate,
  /** ALL the missing or defective materials, at least one. */
  missing: z.array(missingMaterialDataSchema).min(1).max(50),
  /** 补正期限, when the hall sets one. */
  supplementBy: localDate.optional(),
  clerk: slipClerkSchema,
});
/** 一次性补正告知书. */
export type SupplementNoticeData = z.infer<typeof supplementNoticeDataSchema>;

/** The data schema of each document type; every type of `PRINT_DOCUMENT_TYPES` has one. */
export const printDataSchemas = {
  'queue-ticket': queueTicketDataSchema,
  'completion-slip': completionSlipDataSchema,
  'acceptance-receipt': acceptanceReceiptDataSchema,
  'rejection-notice': rejectionNoticeDataSchema,
  'supplement-notice': supplementNoticeDataSchema,
} as const satisfies Record<PrintDocumentType, z.ZodType>;

const documentOf = <T extends PrintDocumentType>(type: T) =>
  z.strictObject({ type: z.literal(type), data: printDataSchemas[type] });

/**
 * A document as a print job carries it (`PrintJob.document`): its type and that type's data.
 * Issues name their path from the document, e.g. `data.deadline.date`.
 */
export const printDocumentSchema = z.discriminatedUnion('type', [
  documentOf('queue-ticket'),
  documentOf('completion-slip'),
  documentOf('acceptance-receipt'),
  documentOf('rejection-notice'),
  documentOf('supplement-notice'),
]);
/** A document as a print job carries it. */
export type PrintDocument = z.infer<typeof printDocumentSchema>;

/** The window slips: every document but the queue ticket (`POST /api/slips` answers one). */
export type SlipDocument = Exclude<PrintDocument, { type: 'queue-ticket' }>;
