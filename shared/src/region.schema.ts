/** The wire schemas of the region (issue #18; SPEC RGN-*): batches a hall ships, documents the region publishes. */
import { z } from 'zod';
import { calendarOverrideBodySchema, serviceItemSchema } from './console.ts';
import { REGION_DOCUMENT_KINDS, type RegionDocumentKind } from './region.ts';
import { riskListBodySchema, riskRulesBodySchema } from './risk.schema.ts';

/** A hall id as the center knows it: lower-case letters, digits, dashes. */
export const hallIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes');

const versionsSchema = z.strictObject(
  Object.fromEntries(REGION_DOCUMENT_KINDS.map((k) => [k, z.number().int().min(0).optional()])) as Record<
    RegionDocumentKind,
    z.ZodOptional<z.ZodNumber>
  >,
);

/** One fact as it leaves the hall: its seq and time, and its body stripped of personal data. */
export const shippedFactSchema = z.strictObject({
  seq: z.number().int().min(1),
  at: z.number().int(),
  type: z.string().min(1).max(64),
  body: z.record(z.string(), z.unknown()),
});
export type ShippedFact = z.infer<typeof shippedFactSchema>;

/** The most facts one batch may carry (RGN-REP-3); a bigger batch is refused with 413. */
export const MAX_BATCH_FACTS = 2000;

/**
 * `POST /api/center/ingest` (a hall's credential): facts ordered by seq, contiguous, starting at
 * or below the center's mark + 1. The first fact is normally the one at the mark itself (the
 * overlap the center compares, RGN-REP-6).
 */
export const ingestBatchSchema = z
  .strictObject({
    hallId: hallIdSchema,
    /** The hall's own last seq now (the center's lag figure; below the mark flags the hall). */
    hallLastSeq: z.number().int().min(0),
    versions: versionsSchema.default({}),
    facts: z.array(shippedFactSchema).max(MAX_BATCH_FACTS),
  })
  .refine((b) => b.facts.every((f, i) => i === 0 || f.seq === (b.facts[i - 1] as ShippedFact).seq + 1), {
    message: 'facts must be contiguous and ordered by seq',
    path: ['facts'],
  })
  .refine((b) => b.facts.length === 0 || (b.facts.at(-1) as ShippedFact).seq <= b.hallLastSeq, {
    message: 'a fact beyond the hall’s last seq',
    path: ['hallLastSeq'],
  });
export type IngestBatch = z.infer<typeof ingestBatchSchema>;

/** The center's answer to a batch or a hello: where its copy of the hall's log ends. */
export interface IngestAnswer {
  highWater: number;
  /** How many of the batch's facts were new (the rest were already there, same content). */
  inserted: number;
}

/** A regional catalog: the items every hall offers (§6.2 dynamic management of one list). */
export const regionCatalogSchema = z.strictObject({
  items: z.array(serviceItemSchema).min(1).max(2000),
});
/** The region's corrections of the national working-day calendar (CAL-2). */
export const regionCalendarSchema = z.strictObject({
  overrides: z
    .array(
      z.strictObject({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), ...calendarOverrideBodySchema.shape }),
    )
    .max(1000),
});

/** The body schema of each kind of document, checked at publication and again by each hall. */
export const REGION_DOCUMENT_SCHEMAS = {
  catalog: regionCatalogSchema,
  calendar: regionCalendarSchema,
  'risk-list': riskListBodySchema,
  'risk-rules': riskRulesBodySchema,
} as const satisfies Record<RegionDocumentKind, z.ZodType>;

/** `POST /api/center/documents/:kind` (regional admin): a new version of a document. */
export const publishDocumentSchema = z.strictObject({
  body: z.unknown(),
  note: z.string().max(200).default(''),
});

/** A published document as halls pull it. */
export interface RegionDocument {
  kind: RegionDocumentKind;
  version: number;
  body: unknown;
  note: string;
  publishedAt: string;
}
