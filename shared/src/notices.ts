/**
 * SMS notices to citizens (SPEC NOTE-*). SMS templates in China are registered with the operator
 * in advance, so a notice is a template id plus parameters, never free text: the hall keeps the
 * registered wording (with `{placeholders}`) and the operator's template code beside it.
 */

/**
 * The templates the hall's facts trigger (NOTE-TRG-1..3, NOTE-TRG-5..7 for the queue, MOB-BOOK-7,
 * MOB-PRE-3), and the one-time sign-in code of the citizen's phone app (MOB-AUTH-2).
 */
export const NOTICE_TEMPLATE_IDS = [
  'case-accepted',
  'case-supplement',
  'case-ready',
  'otp',
  'booking-reminder',
  'precheck-result',
  'queue-ahead',
  'queue-called',
  'rating-link',
] as const;
export type NoticeTemplateId = (typeof NOTICE_TEMPLATE_IDS)[number];

/** The parameters each template is sent with: a registered template may use only these. */
export const NOTICE_TEMPLATE_PARAMS: Record<NoticeTemplateId, readonly string[]> = {
  'case-accepted': ['hallName', 'itemName', 'receiptNo', 'deadline'],
  'case-supplement': ['hallName', 'itemName', 'receiptNo', 'materials'],
  'case-ready': ['hallName', 'itemName', 'receiptNo'],
  'booking-reminder': ['hallName', 'itemName', 'slot', 'bookingCode'],
  'precheck-result': ['hallName', 'itemName', 'draftCode', 'result'],
  otp: ['hallName', 'code', 'minutes'],
  'queue-ahead': ['hallName', 'number', 'ahead'],
  'queue-called': ['hallName', 'number', 'windowNo'],
  'rating-link': ['hallName', 'number', 'link'],
};

/**
 * `pending` waits for its next attempt; `sending` was handed to the gateway and has no answer
 * recorded yet; `sent` was accepted by the gateway (with its message id); `failed` gave up.
 */
export const NOTICE_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** A hall's registered template. */
export interface NoticeTemplate {
  id: NoticeTemplateId;
  /** The registered wording, with `{param}` placeholders. */
  text: string;
  /** The operator's code for this template (a cloud SMS API sends it instead of the text). */
  operatorCode: string;
  updatedAt: number;
}

/** A notice as managers see it: the phone masked, never whole (NOTE-OUT-2). */
export interface NoticeView {
  id: string;
  templateId: NoticeTemplateId;
  caseId: string | null;
  phoneMasked: string;
  params: Record<string, string>;
  status: NoticeStatus;
  attempts: number;
  nextAttemptAt: number;
  messageId: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

/** The placeholders a template text uses, in order of first use. */
export function templatePlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!))];
}

/** Fills a template's placeholders; a parameter it lacks stays visible as `{name}`. */
export function renderNotice(text: string, params: Readonly<Record<string, string>>): string {
  return text.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => params[name] ?? whole);
}
