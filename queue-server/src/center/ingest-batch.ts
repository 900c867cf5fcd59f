/**
 * The ingest route's check of a batch (RGN-REP-3, RGN-REP-9): the same rules as
 * `ingestBatchSchema` (the wire contract in `shared/`), written as plain loops over the parsed
 * JSON so a 1,000-fact batch costs one pass and no copies. The facts' bodies are not rebuilt or
 * re-serialised: the batch's own JSON text goes to PostgreSQL as one parameter and is expanded
 * there (`CenterStore.ingest`). `ingest-batch.test.ts` holds this to the zod schema on a corpus of
 * good and broken batches.
 */
import {
  hallIdSchema,
  MAX_BATCH_FACTS,
  REGION_DOCUMENT_KINDS,
  type RegionDocumentKind,
  type RegionVersions,
} from '@onewindow/shared';

/** What the store needs besides the JSON text: the envelope, and where the facts start and end. */
export interface CheckedBatch {
  hallId: string;
  hallLastSeq: number;
  versions: RegionVersions;
  count: number;
  first: number | null;
  last: number | null;
}

export type BatchCheck = { ok: true; batch: CheckedBatch } | { ok: false; tooMany: boolean; message: string };

const BATCH_KEYS = new Set(['hallId', 'hallLastSeq', 'versions', 'facts']);
const FACT_KEYS = new Set(['seq', 'at', 'type', 'body']);
const KINDS = new Set<string>(REGION_DOCUMENT_KINDS);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** zod's `z.number().int()`: a safe integer. */
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

const bad = (message: string): BatchCheck => ({ ok: false, tooMany: false, message });

function extraKey(o: Record<string, unknown>, allowed: Set<string>): string | null {
  for (const k in o) if (!allowed.has(k)) return k;
  return null;
}

/** Checks a parsed batch; the messages name the path as the zod schema's do (`facts.3.seq: …`). */
export function checkBatch(raw: unknown): BatchCheck {
  if (!isObject(raw)) return bad('(root): expected an object');
  const extra = extraKey(raw, BATCH_KEYS);
  if (extra !== null) return bad(`(root): unrecognized key "${extra}"`);
  const hallId = hallIdSchema.safeParse(raw.hallId);
  if (!hallId.success) return bad(`hallId: ${hallId.error.issues[0]?.message ?? 'invalid'}`);
  const hallLastSeq = raw.hallLastSeq;
  if (!isInt(hallLastSeq) || hallLastSeq < 0) return bad('hallLastSeq: expected an integer ≥ 0');
  const versions: RegionVersions = {};
  if (raw.versions !== undefined) {
    if (!isObject(raw.versions)) return bad('versions: expected an object');
    for (const k in raw.versions) {
      if (!KINDS.has(k)) return bad(`versions: unrecognized key "${k}"`);
      const v = raw.versions[k];
      if (v === undefined) continue;
      if (!isInt(v) || v < 0) return bad(`versions.${k}: expected an integer ≥ 0`);
      versions[k as RegionDocumentKind] = v;
    }
  }
  const facts = raw.facts;
  if (!Array.isArray(facts)) return bad('facts: expected an array');
  if (facts.length > MAX_BATCH_FACTS)
    return { ok: false, tooMany: true, message: `at most ${MAX_BATCH_FACTS} facts a batch` };
  let prev: number | null = null;
  for (let i = 0; i < facts.length; i++) {
    const f: unknown = facts[i];
    if (!isObject(f)) return bad(`facts.${i}: expected an object`);
    const x = extraKey(f, FACT_KEYS);
    if (x !== null) return bad(`facts.${i}: unrecognized key "${x}"`);
    const { seq, at, type, body } = f;
    if (!isInt(seq) || seq < 1) return bad(`facts.${i}.seq: expected an integer ≥ 1`);
    if (!isInt(at)) return bad(`facts.${i}.at: expected an integer`);
    if (typeof type !== 'string' || type.length < 1 || type.length > 64)
      return bad(`facts.${i}.type: expected a string of 1 to 64 characters`);
    if (!isObject(body)) return bad(`facts.${i}.body: expected an object`);
    if (prev !== null && seq !== prev + 1) return bad('facts: facts must be contiguous and ordered by seq');
    prev = seq;
  }
  if (prev !== null && prev > hallLastSeq) return bad('hallLastSeq: a fact beyond the hall’s last seq');
  const first = facts.length === 0 ? null : (facts[0] as { seq: number }).seq;
  return {
    ok: true,
    batch: { hallId: hallId.data, hallLastSeq, versions, count: facts.length, first, last: prev },
  };
}
