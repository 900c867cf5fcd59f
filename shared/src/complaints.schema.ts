/**
 * The REST bodies of complaints and the improvement summary (SPEC CMP-*, IMP-*), and the 12345
 * work-order row of an import (CMP-7). Apart from complaints.ts so the console's first load
 * stays zod-free.
 */
import { z } from 'zod';
import {
  COMPLAINT_CHANNELS,
  COMPLAINT_SUBJECT_KINDS,
  type ComplaintSubjectKind,
  REPLY_CHANNELS,
  SATISFACTION_LEVELS,
} from './complaints.ts';
import { staffText } from './staff-text.ts';

/** A mainland mobile (11 digits, 1xx) or a landline with its area code (0xx-xxxxxxx). */
const PHONE = /^(1\d{10}|0\d{2,3}-?\d{7,8})$/;
export const complainantPhone = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s]/g, ''))
  .refine((v) => PHONE.test(v), { message: '联系电话应为11位手机号或带区号的固定电话' });
const complainantName = z
  .string()
  .trim()
  .min(1, { message: '请填写投诉人姓名' })
  .max(40, { message: '姓名不超过40个字' });
const content = z
  .string()
  .trim()
  .min(1, { message: '请填写投诉内容' })
  .max(2000, { message: '投诉内容不超过2000字' });

export const complaintSubjectInput = z.strictObject({
  kind: z.enum(COMPLAINT_SUBJECT_KINDS),
  /** Window id or number, staff id or 工号, item code, case id, ticket id; omitted for the hall. */
  ref: z.string().trim().max(64).default(''),
});

export const complaintRegisterBodySchema = z.strictObject({
  channel: z.enum(COMPLAINT_CHANNELS),
  subject: complaintSubjectInput,
  name: complainantName,
  phone: complainantPhone,
  content,
  workOrderNo: z.string().trim().min(1).max(40).optional(),
  /** Working days to answer (default 10). */
  workingDays: z.number().int().min(1).max(60).optional(),
  /** When the complainant complained (ms); default now. */
  receivedAt: z.number().int().positive().optional(),
});
export type ComplaintRegisterBody = z.infer<typeof complaintRegisterBodySchema>;

export const complaintAssignBodySchema = z.strictObject({ handlerId: z.string().min(1).max(64) });
export const complaintNoteBodySchema = z.strictObject({ note: staffText(1000) });
export const complaintReplyBodySchema = z.strictObject({
  channel: z.enum(REPLY_CHANNELS),
  note: staffText(2000),
});
export const complaintCloseBodySchema = z.strictObject({
  satisfaction: z.enum(SATISFACTION_LEVELS),
  upheld: z.boolean(),
  rectification: staffText(1000).optional(),
});
export const complaintContactQuerySchema = z.strictObject({
  purpose: z.string().trim().min(2).max(200),
});

/**
 * The columns of a 12345 work-order export (CSV with a header row, UTF-8, or the same keys in
 * JSON). Chinese headers are what the 12345 platform exports; the English keys are accepted too.
 */
export const WORK_ORDER_COLUMNS = [
  { key: 'workOrderNo', zh: '工单编号', required: true },
  { key: 'receivedAt', zh: '受理时间', required: true },
  { key: 'name', zh: '诉求人', required: true },
  { key: 'phone', zh: '联系电话', required: true },
  { key: 'content', zh: '诉求内容', required: true },
  { key: 'subjectKind', zh: '涉及对象类型', required: false },
  { key: 'subjectRef', zh: '涉及对象', required: false },
  { key: 'workingDays', zh: '办理时限', required: false },
] as const;

const SUBJECT_KIND_ZH: Record<string, ComplaintSubjectKind> = {
  窗口: 'window',
  工作人员: 'clerk',
  服务事项: 'item',
  事项: 'item',
  案件: 'case',
  号票: 'ticket',
  大厅: 'hall',
  大厅整体: 'hall',
};

/** `2026-12-07 09:30`, `2026-12-07T09:30:00`, `2026/12/07 9:30` or a date alone, hall-local. */
const LOCAL_TIME = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** A 12345 work order as one row of an import; `receivedAt` becomes ms with the hall's offset. */
export const workOrderRowSchema = (utcOffsetMinutes: number) =>
  z.object({
    workOrderNo: z
      .string({ message: '缺少工单编号' })
      .trim()
      .min(1, { message: '缺少工单编号' })
      .max(40, { message: '工单编号不超过40个字符' }),
    receivedAt: z
      .string({ message: '缺少受理时间' })
      .trim()
      .transform((v, ctx) => {
        const m = LOCAL_TIME.exec(v);
        const t =
          m === null
            ? Number.NaN
            : Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) -
              utcOffsetMinutes * 60_000;
        if (Number.isNaN(t) || m === null || +m[2]! > 12 || +m[3]! > 31) {
          ctx.addIssue({ code: 'custom', message: '受理时间应为 YYYY-MM-DD HH:mm' });
          return z.NEVER;
        }
        return t;
      }),
    name: complainantName,
    phone: complainantPhone,
    content,
    subjectKind: z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v === '') return 'hall' as const;
        const kind =
          SUBJECT_KIND_ZH[v] ??
          ((COMPLAINT_SUBJECT_KINDS as readonly string[]).includes(v)
            ? (v as ComplaintSubjectKind)
            : undefined);
        if (kind === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: '涉及对象类型应为 窗口、工作人员、服务事项、案件、号票 或 大厅',
          });
          return z.NEVER;
        }
        return kind;
      }),
    subjectRef: z.string().trim().max(64, { message: '涉及对象不超过64个字符' }).optional(),
    workingDays: z
      .union([z.number(), z.string()])
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v === '') return undefined;
        const n = typeof v === 'number' ? v : Number(String(v).replace(/个?工作日$/, ''));
        if (!Number.isInteger(n) || n < 1 || n > 60) {
          ctx.addIssue({ code: 'custom', message: '办理时限应为1到60之间的工作日数' });
          return z.NEVER;
        }
        return n;
      }),
  });
export type WorkOrderRow = z.output<ReturnType<typeof workOrderRowSchema>>;

/** `POST /api/complaints/import`: the export's text as CSV, or its rows as JSON. */
export const complaintImportBodySchema = z.union([
  z.strictObject({ csv: z.string().min(1).max(2_000_000) }),
  z.strictObject({ workOrders: z.array(z.record(z.string(), z.unknown())).min(1).max(5000) }),
]);

/** A period of the improvement summary: a month `2026-11` or a quarter `2026-Q4` (IMP-1). */
export const IMPROVEMENT_PERIOD = /^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/;
export const improvementPeriodSchema = z.string().regex(IMPROVEMENT_PERIOD, {
  message: '期间应为 YYYY-MM（月）或 YYYY-Q1..Q4（季度）',
});
export const improvementMeasuresBodySchema = z.strictObject({ note: staffText(4000) });

/** A half year of the report (HYR-1): `2026-H1` or `2026-H2`. */
export const HALF_YEAR = /^\d{4}-H[12]$/;
export const halfYearSchema = z.string().regex(HALF_YEAR, { message: '半年度应为 YYYY-H1 或 YYYY-H2' });
