/**
 * Which SMS notices a committed fact triggers, and when a failed one is tried again (SPEC
 * NOTE-TRG-*, NOTE-DLV-4). Pure: the case, the phone and the hall's name come in as lookups.
 */
import type { NoticeTemplateId, Ticket } from '@onewindow/shared';
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
  /** An online booking's reminder: the citizen's phone, the item, the slot in words (MOB-BOOK-7). */
  bookingOf?(bookingCode: string): { phone: string; itemName: string; slot: string } | undefined;
  /** An online form's pre-check result goes to the phone it was filled with (MOB-PRE-3). */
  draftOf?(draftId: string): { phone: string; itemName: string } | undefined;
}

/** A notice a fact triggers; the id is deterministic, so the same fact never makes two. */
export interface NoticeDraft {
  id: string;
  templateId: NoticeTemplateId;
  /** The case it is about; null for a queue notice, a booking's or an online form's. */
  caseId: string | null;
  factSeq: number;
  phone: string;
  params: Record<string, string>;
  /** Secrets (the rating link): sealed, merged into `params` only to send, erased after (MOB-RATE-1). */
  secretParams?: Record<string, string>;
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
    // MOB-BOOK-7: one reminder per booking (its id is the booking's), however often the timer runs.
    if (ev.type === 'booking:reminded') {
      for (const bookingCode of ev.bookingCodes) {
        const b = look.bookingOf?.(bookingCode);
        const phone = mobileOf(b?.phone);
        if (b === undefined || phone === undefined) continue;
        out.push({
          id: `booking-reminder:${bookingCode}`,
          templateId: 'booking-reminder',
          caseId: null,
          factSeq: ev.seq,
          phone,
          params: { hallName: look.hallName(), itemName: b.itemName, slot: b.slot, bookingCode },
        });
      }
      continue;
    }
    // MOB-PRE-3: the result of a pre-check, without the reasons (free text stays on the phone).
    if (ev.type === 'draft:prechecked') {
      const d = look.draftOf?.(ev.draftId);
      const phone = mobileOf(d?.phone);
      if (d === undefined || phone === undefined) continue;
      out.push({
        id: `precheck-result:${ev.draftId}`,
        templateId: 'precheck-result',
        caseId: null,
        factSeq: ev.seq,
        phone,
        params: {
          hallName: look.hallName(),
          itemName: d.itemName,
          draftCode: ev.code,
          result:
            ev.outcome === 'passed'
              ? '已通过预审，可携带材料到大厅办理'
              : '未通过预审，请按退回原因修改后重新填报',
        },
      });
      continue;
    }
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

/** What the queue triggers need (NOTE-TRG-5..7): the live queue as the unit has left it. */
export interface QueueNoticeLookups {
  ticket(id: string): Readonly<Ticket> | undefined;
  /** The phone the ticket's notices go to (sealed at rest): online holder's or the kiosk form's. */
  phoneOf(ticketId: string): string | undefined;
  windowNumber(windowId: string): number | undefined;
  /** Live tickets with a phone and no "N ahead" notice yet (the few a unit may have to notify). */
  awaitingAheadNotice(): readonly string[];
  /**
   * People ahead of each of these tickets that is waiting (the EST-1 figure), in one pass over the
   * queue; the others are left out.
   */
  aheadOf(ticketIds: readonly string[]): ReadonlyMap<string, number>;
  /** NOTE-TRG-5's N (hall setting); 0 turns the notice off. */
  aheadNotice(): number;
  /** The one-time rating link of a finished ticket, made in this unit (MOB-RATE-1). */
  ratingLinkFor(ticketId: string): string;
  hallName(): string;
}

/** Facts after which someone may have moved up the queue (NOTE-TRG-5 looks again). */
const QUEUE_MOVES: ReadonlySet<string> = new Set([
  'ticket:issued',
  'ticket:called',
  'ticket:cancelled',
  'ticket:transferred',
  'ticket:confirmed',
  'ticket:priority-overridden',
  'ticket:reinstated',
  'day:closed',
]);

/**
 * The queue's notices (NOTE-TRG-5..7), for tickets with a phone only:
 * - `queue-ahead` once per ticket (`queue-ahead:{ticketId}`), the first time a fact of the unit
 *   leaves it waiting with N or fewer people ahead;
 * - `queue-called` for each call to a window (`queue-called:{ticketId}:{seq}`; a recall is not a
 *   new call, a call after a transfer is);
 * - `rating-link` once the service ended (`rating-link:{ticketId}`), with the link.
 */
export function queueNoticesFor(events: readonly HallEvent[], look: QueueNoticeLookups): NoticeDraft[] {
  const out: NoticeDraft[] = [];
  let moved = false;
  let lastSeq = 0;
  for (const ev of events) {
    lastSeq = ev.seq;
    if (QUEUE_MOVES.has(ev.type)) moved = true;
    if (ev.type === 'ticket:called') {
      const t = look.ticket(ev.ticketId);
      const phone = mobileOf(look.phoneOf(ev.ticketId));
      const windowNo = look.windowNumber(ev.windowId);
      if (t === undefined || phone === undefined || windowNo === undefined) continue;
      out.push({
        id: `queue-called:${t.id}:${ev.seq}`,
        templateId: 'queue-called',
        caseId: null,
        factSeq: ev.seq,
        phone,
        params: { hallName: look.hallName(), number: t.number, windowNo: String(windowNo) },
      });
    } else if (ev.type === 'ticket:finished') {
      const t = look.ticket(ev.ticketId);
      const phone = mobileOf(look.phoneOf(ev.ticketId));
      if (t === undefined || phone === undefined) continue;
      out.push({
        id: `rating-link:${t.id}`,
        templateId: 'rating-link',
        caseId: null,
        factSeq: ev.seq,
        phone,
        params: { hallName: look.hallName(), number: t.number },
        secretParams: { link: look.ratingLinkFor(t.id) },
      });
    }
  }
  const n = look.aheadNotice();
  if (!moved || n <= 0) return out;
  // Only waiting tickets near the head are notified: the phone is opened for those alone.
  const waiting = look.awaitingAheadNotice().filter((id) => look.ticket(id)?.status === 'waiting');
  const aheadOf = look.aheadOf(waiting);
  for (const id of waiting) {
    const ahead = aheadOf.get(id);
    if (ahead === undefined || ahead > n) continue;
    const t = look.ticket(id);
    const phone = mobileOf(look.phoneOf(id));
    if (t === undefined || phone === undefined) continue;
    out.push({
      id: `queue-ahead:${id}`,
      templateId: 'queue-ahead',
      caseId: null,
      factSeq: lastSeq,
      phone,
      params: { hallName: look.hallName(), number: t.number, ahead: String(ahead) },
    });
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
