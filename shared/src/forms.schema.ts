/**
 * The zod schema of a kiosk form definition, for the server's catalog editing (admin) and
 * tests. Kept out of forms.ts so the kiosk's bundle carries the validator without zod.
 */
import { z } from 'zod';
import {
  FORM_FIELD_KINDS,
  FORM_PREFILL_SOURCES,
  type FormDefinition,
  type FormField,
  type FormOption,
} from './forms.ts';

export const formOptionSchema: z.ZodType<FormOption> = z.strictObject({
  value: z.string().min(1).max(40),
  label: z.string().min(1).max(40),
  labelEn: z.string().min(1).max(80),
});

export const formFieldSchema: z.ZodType<FormField> = z.strictObject({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/),
  label: z.string().min(1).max(40),
  labelEn: z.string().min(1).max(80),
  kind: z.enum(FORM_FIELD_KINDS),
  required: z.boolean(),
  /** A line under the field: what to enter, in plain words. */
  hint: z.string().max(80).optional(),
  hintEn: z.string().max(160).optional(),
  prefill: z.enum(FORM_PREFILL_SOURCES).optional(),
  options: z.array(formOptionSchema).min(2).max(12).optional(),
  /** `digits`: allowed lengths. */
  minLength: z.int().min(1).max(40).optional(),
  maxLength: z.int().min(1).max(40).optional(),
  /** `date`: bounds relative to today, in days (e.g. −36500 … 0 for a past date). */
  minDays: z.int().optional(),
  maxDays: z.int().optional(),
});

export const formDefinitionSchema: z.ZodType<FormDefinition> = z
  .strictObject({
    /** 表单名称 as printed, e.g. 社会保险登记表（个人）. */
    title: z.string().min(1).max(60),
    titleEn: z.string().min(1).max(120),
    fields: z.array(formFieldSchema).min(1).max(30),
  })
  .superRefine((f, ctx) => {
    const keys = new Set<string>();
    f.fields.forEach((field, i) => {
      if (keys.has(field.key))
        ctx.addIssue({ code: 'custom', path: ['fields', i, 'key'], message: `duplicate key ${field.key}` });
      keys.add(field.key);
      if (field.kind === 'choice' && !field.options)
        ctx.addIssue({ code: 'custom', path: ['fields', i, 'options'], message: 'a choice needs options' });
      if (field.kind === 'card' && !field.prefill)
        ctx.addIssue({
          code: 'custom',
          path: ['fields', i, 'prefill'],
          message: 'a card field needs prefill',
        });
    });
  });
