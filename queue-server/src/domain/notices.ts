/**
 * Which SMS notices a committed fact triggers, and when a failed one is tried again (SPEC
 * NOTE-TRG-*, NOTE-DLV-4). Pure: the case, the phone and the hall's name come in as lookups.
 */
import type { NoticeTemplateId } from '@onewindow/shared';
import type { HallEvent } from './types.ts';

/** What a trigger needs about a case: how the citizen knows it. */
export interface NoticeCase {
  itemName: string;
  deadline: string;
}

export interface NoticeLookups {
  /** The case as it stands in this unit (its projection is written with its fact). */
  caseOf(caseId: string): NoticeCase | undefined;
  /** The contact phone the acceptance slip recorded for the case (sealed at rest), if any. */
  phoneOf(caseId: string): string | undefined;
  hallName(): string;
}

/** A notice a fact triggers; the id is deterministic, so the same fact never makes two. */
export interface NoticeDraft {
  id: string;
  templateId: NoticeTemplateId;
  caseId: string;
  factSeq: number;
  phone: string;
  params: Record<string, string>;
}

/**
 * The mainland mobile number a contact phone names (spaces, dashes and a +86/0086 prefix
 * dropped), or undefined: a landline or a foreign number gets no SMS (NOTE-TRG-4).
 */
export function mobileOf(contactPhone: string | undefined): string | undefined {
  if (contactPhone === undefined) return undefined;
  const digits = contactPhone.replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : undefined;
}

/**
 * The notices the facts of one unit trigger (NOTE-TRG-1..3): the acceptance (its slip names the
 * case), a 补正 request (one per request: a case may be asked twice), the result ready for pickup.
 */
export function noticesFor(events: readonly HallEvent[], look: NoticeLookups): NoticeDraft[] {
  const out: NoticeDraft[] = [];
  for (const ev of events) {
    let caseId: string | null = null;
    let templateId: NoticeTemplateId;
    let id: string;
    const extra: Record<string, string> = {};
    if (ev.type === 'slip:issued' && ev.kind === 'acceptance' && ev.caseId !== null) {
      caseId = ev.caseId;
      templateId = 'case-accepted';
      id = `case-accepted:${caseId}`;
    } else if (ev.type === 'case:supplement-requested') {
      caseId = ev.caseId;
      templateId = 'case-supplement';
      id = `case-supplement:${caseId}:${ev.seq}`;
      extra.materials = ev.missing.join('、');
    } else if (ev.type === 'case:ready') {
      caseId = ev.caseId;
      templateId = 'case-ready';
      id = `case-ready:${caseId}`;
    } else continue;
    const c = look.caseOf(caseId);
    const phone = mobileOf(look.phoneOf(caseId));
    if (c === undefined || phone === undefined) continue;
    const base: Record<string, string> = {
      hallName: look.hallName(),
      itemName: c.itemName,
      receiptNo: caseId,
    };
    if (templateId === 'case-accepted') base.deadline = c.deadline;
    out.push({ id, templateId, caseId, factSeq: ev.seq, phone, params: { ...base, ...extra } });
  }
  return out;
}

/** How failed attempts are retried (NOTE-DLV-4). */
export interface RetryPolicy {
  /** The wait after the first failed attempt; it doubles after each further one. */
  baseMs: number;
  /** The longest wait between attempts. */
  capMs: number;
  /** Attempts after which a notice is `failed` for good. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, capMs: 30 * 60_000, maxAttempts: 8 };

/** When to try again after the `attempts`-th failed attempt; null: give up. */
export function nextAttemptAt(attempts: number, now: number, p: RetryPolicy): number | null {
  if (attempts >= p.maxAttempts) return null;
  return now + Math.min(p.capMs, p.baseMs * 2 ** Math.max(0, attempts - 1));
}
