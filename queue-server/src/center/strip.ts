/**
 * What of a hall's fact leaves the hall (RGN-REP-1; docs/SECURITY.md "What leaves the hall"). Pure.
 *
 * The facts already hold no ID number, name, phone or form answer (those stay in their sealed
 * tables; facts carry references). What they do hold that is personal, or may be, is removed
 * here, wherever it sits in a fact (deep, so `case:adopted`'s record and a ticket's override
 * note are covered too):
 * - staff free text (`note`, `reason`, `cancelReason`, `rectification`) and a citizen's rating
 *   words (`comment`, MOB-RATE-4): the codec's FREE_TEXT_FIELDS, where a name or number may have
 *   been typed despite SEC-TXT-1 — except a window pause's `reason`, which is a code from
 *   PAUSE_REASONS;
 * - a ticket's holder: the masked ID number and the keyed reference go, only `senior` stays;
 * - a complaint's masked contact (`contactMasked`, 张* 138****5678);
 * - staff names added to a case record (`staff`) and a complaint subject's wording (`label`: 张三（A01）);
 * - a risk alert's subject when it is a person (`holder`): its id is the holder reference.
 */
import { type EventBody, type HallEvent, PAUSE_REASON_CODES, type ShippedFact } from '@onewindow/shared';
import { FREE_TEXT_FIELDS } from '../security/codec.ts';

/** Keys removed wherever they appear. */
export const WITHHELD_KEYS: ReadonlySet<string> = new Set([
  ...FREE_TEXT_FIELDS,
  'contactMasked',
  'staff',
  'label',
]);

const PAUSE_CODES: ReadonlySet<string> = new Set(PAUSE_REASON_CODES);

function clean(value: unknown, key: string | null): unknown {
  if (Array.isArray(value)) return value.map((v) => clean(v, null));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  if (key === 'holder') return { senior: obj.senior === true };
  if ((key === 'subject' || key === null) && obj.kind === 'holder' && typeof obj.id === 'string')
    return { kind: 'holder', id: null };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (WITHHELD_KEYS.has(k)) continue;
    out[k] = clean(v, k);
  }
  return out;
}

/** The body a fact ships with: its `EventBody` (type included) without what stays in the hall. */
export function stripFact(ev: HallEvent): ShippedFact {
  const { seq, at, ...body } = ev;
  const shipped = clean(body, null) as Record<string, unknown>;
  // A window pause's reason is one of PAUSE_REASONS' codes, never typed text (SEC-TXT-2).
  if (ev.type === 'window:paused' && PAUSE_CODES.has(ev.reason)) shipped.reason = ev.reason;
  return { seq, at, type: ev.type, body: shipped };
}

/** A fact rebuilt from the center's row: the hall's `HallEvent` shape, stripped (what reporting reads). */
export function factOfRow(row: { seq: number; at: number; body: Record<string, unknown> }): HallEvent {
  return { ...(row.body as EventBody), seq: row.seq, at: row.at } as HallEvent;
}
