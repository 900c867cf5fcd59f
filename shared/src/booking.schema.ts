/** The zod schemas of online booking and online forms (SPEC MOB-BOOK-*, MOB-FORM-*, MOB-PRE-*). */
import { z } from 'zod';
import { SLOT_MINUTES } from './booking.ts';

const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式为 HH:MM')
  .refine((s) => Number(s.slice(3)) % SLOT_MINUTES === 0, '时间须在整点或半点');

export const bookingLineSchema = z
  .strictObject({
    categoryId: z.string().trim().min(1).max(64),
    itemCode: z.string().trim().min(1).max(64).nullable(),
    from: hhmm,
    to: hhmm,
    capacity: z.int().min(1, '每时段至少 1 个').max(500, '每时段不超过 500 个'),
  })
  .refine((l) => l.from < l.to, { message: '结束时间须晚于开始时间', path: ['to'] });

/** The body of `PUT /api/booking/config` (MOB-BOOK-1). */
export const bookingConfigSchema = z.strictObject({
  enabled: z.boolean(),
  daysAhead: z.int().min(0).max(30),
  minLeadMinutes: z
    .int()
    .min(0)
    .max(24 * 60),
  cancelBeforeMinutes: z
    .int()
    .min(0)
    .max(7 * 24 * 60),
  reminderMinutesBefore: z
    .int()
    .min(0)
    .max(7 * 24 * 60),
  noShow: z.strictObject({
    limit: z.int().min(1).max(50),
    periodDays: z.int().min(1).max(366),
    banDays: z.int().min(0).max(366),
  }),
  lines: z.array(bookingLineSchema).max(200),
});

export const freeSlotsQuerySchema = z.strictObject({
  itemCode: z.string().trim().min(1).max(64),
});

/** The body of `POST /api/m/bookings`. */
export const bookBodySchema = z.strictObject({
  itemCode: z.string().trim().min(1).max(64),
  slotStart: z.int().min(0).max(8_640_000_000_000_000),
});

/** The body of `POST /api/m/drafts`: the item and the form's answers, as the kiosk sends them. */
export const draftBodySchema = z.strictObject({
  itemCode: z.string().trim().min(1).max(64),
  form: z.record(z.string().max(64), z.string().max(2000)),
});

/** The body of `POST /api/prechecks/{id}` (MOB-PRE-2): pass, or return with reasons. */
export const precheckBodySchema = z.union([
  z.strictObject({ outcome: z.literal('passed') }),
  z.strictObject({
    outcome: z.literal('returned'),
    reasons: z.array(z.string().trim().min(2).max(200)).min(1, '退回须写明原因').max(10),
  }),
]);
export type PrecheckBody = z.infer<typeof precheckBodySchema>;
