/**
 * The zod schemas of risk control (SPEC RISK-LIST-*, RISK-RULE-*): the risk list and the rule
 * set an admin publishes, and the bodies of the alert-handling routes. Types in `risk.ts`.
 */
import { z } from 'zod';
import {
  RISK_CATEGORIES,
  RISK_DISPOSITIONS,
  RISK_LEVELS,
  RISK_MODES,
  type RiskEntry,
  type RiskRule,
} from './risk.ts';
import { staffText } from './staff-text.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const riskCode = z.string().regex(/^[A-Z]{1,4}-\d{2,3}$/, 'a code like CZ-01');

export const riskEntrySchema: z.ZodType<RiskEntry> = z.strictObject({
  code: riskCode,
  category: z.enum(RISK_CATEGORIES),
  name: text(40),
  description: text(400),
  probability: z.enum(RISK_LEVELS),
  severity: z.enum(RISK_LEVELS),
  prevention: text(400),
  disposalDays: z.number().int().min(1).max(60),
});

export const riskListBodySchema = z
  .strictObject({ entries: z.array(riskEntrySchema).min(1).max(200) })
  .refine((b) => new Set(b.entries.map((e) => e.code)).size === b.entries.length, {
    message: 'each code once',
    path: ['entries'],
  });

const count = z.number().int().min(1).max(10_000);
const base = {
  id: z.string().regex(/^R-[A-Z0-9-]{1,20}$/, 'an id like R-SOD'),
  riskCode,
  mode: z.enum(RISK_MODES),
  enabled: z.boolean(),
};

export const riskRuleSchema: z.ZodType<RiskRule> = z.discriminatedUnion('kind', [
  z.strictObject({ ...base, kind: z.literal('case-two-steps'), thresholds: z.strictObject({}) }),
  z.strictObject({
    ...base,
    kind: z.literal('case-fast-approval'),
    thresholds: z.strictObject({ minMinutes: count }),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('outside-hours'),
    thresholds: z.strictObject({ graceMinutes: z.number().int().min(0).max(720) }),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('holder-frequency'),
    thresholds: z.strictObject({
      tickets: count,
      cases: count,
      periodDays: z.number().int().min(1).max(366),
    }),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('staff-actions'),
    thresholds: z.strictObject({
      count,
      periodHours: z
        .number()
        .int()
        .min(1)
        .max(24 * 31),
    }),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('rejection-rate'),
    thresholds: z.strictObject({
      periodDays: z.number().int().min(1).max(366),
      minFinished: count,
      factor: z.number().min(1).max(100),
      minRate: z.number().min(0).max(1),
    }),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('case-overdue'),
    thresholds: z.strictObject({ graceDays: z.number().int().min(0).max(60) }),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('long-wait'),
    thresholds: z.strictObject({
      minutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60),
    }),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('failed-logins'),
    thresholds: z.strictObject({
      count,
      periodMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60),
    }),
  }),
]) as z.ZodType<RiskRule>;

export const riskRulesBodySchema = z
  .strictObject({ rules: z.array(riskRuleSchema).max(100) })
  .refine((b) => new Set(b.rules.map((r) => r.id)).size === b.rules.length, {
    message: 'each rule id once',
    path: ['rules'],
  });

export const riskAssignBodySchema = z.strictObject({ ownerId: z.string().min(1).max(64) });

export const riskDisposeBodySchema = z.strictObject({
  disposition: z.enum(RISK_DISPOSITIONS),
  note: staffText(500),
});

export const riskOverrideBodySchema = z.strictObject({
  ruleId: base.id,
  actorId: z.string().min(1).max(64),
  reason: staffText(300),
});

export const riskAlertQuerySchema = z.strictObject({
  status: z.enum(['open', 'assigned', 'disposed', 'overdue', 'active']).optional(),
  q: z.string().max(64).optional(),
  riskCode: riskCode.optional(),
});
