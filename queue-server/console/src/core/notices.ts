/**
 * 短信模板 and 短信通知 (SPEC NOTE-UI-*): labels, the live check of a template the admin types and
 * its sample rendering, the outbox's status labels. Pure and zod-free (the console bundle loads
 * `@onewindow/shared/notices.ts`, never its schema file).
 */
import {
  NOTICE_TEMPLATE_PARAMS,
  type NoticeStatus,
  type NoticeTemplateId,
  renderNotice,
  templatePlaceholders,
} from '@onewindow/shared/notices.ts';

/** What each template is for, in Chinese (English second). */
export const TEMPLATE_PURPOSE: Record<NoticeTemplateId, { zh: string; en: string }> = {
  'case-accepted': { zh: '受理通知', en: 'Case accepted' },
  'case-supplement': { zh: '一次性补正通知', en: 'Materials missing' },
  'case-ready': { zh: '办结待取通知', en: 'Ready for pick-up' },
  otp: { zh: '手机登录验证码', en: 'Sign-in code' },
  'booking-reminder': { zh: '预约提醒', en: 'Booking reminder' },
  'precheck-result': { zh: '网上预审结果', en: 'Pre-check result' },
  'queue-ahead': { zh: '排队即将到号', en: 'Almost your turn' },
  'queue-called': { zh: '叫号通知', en: 'Called to a window' },
  'rating-link': { zh: '评价链接', en: 'Rating link' },
};

/** What each parameter holds, with an example value for the sample rendering. */
export const PARAM_INFO: Record<string, { zh: string; sample: string }> = {
  hallName: { zh: '大厅名称', sample: '示例区社会保险服务大厅' },
  itemName: { zh: '事项名称', sample: '城镇职工基本养老保险关系转移接续' },
  receiptNo: { zh: '受理编号', sample: 'SL202611260001' },
  deadline: { zh: '承诺办结日期', sample: '2026年12月10日' },
  materials: { zh: '需补正的材料', sample: '居民身份证、户口簿' },
  slot: { zh: '预约时段', sample: '11月27日 09:00–09:30' },
  bookingCode: { zh: '预约码', sample: 'YY8K3D' },
  draftCode: { zh: '预审编号', sample: 'YS20261126001' },
  result: { zh: '预审结果', sample: '通过' },
  code: { zh: '验证码', sample: '382915' },
  minutes: { zh: '有效分钟数', sample: '5' },
  number: { zh: '排队号', sample: 'A012' },
  ahead: { zh: '前面等候人数', sample: '3' },
  windowNo: { zh: '窗口号', sample: '5' },
  link: { zh: '评价链接', sample: 'https://hall.example/m/#/rate/…' },
};

export const PARAM_LABEL = (p: string): string => PARAM_INFO[p]?.zh ?? p;

export const NOTICE_STATUS_LABEL: Record<NoticeStatus, { zh: string; en: string }> = {
  pending: { zh: '待发送', en: 'Pending' },
  sending: { zh: '发送中', en: 'Sending' },
  sent: { zh: '已发送', en: 'Sent' },
  failed: { zh: '失败', en: 'Failed' },
};

/** The sentence a failed notice carries (NOTE-OUT-3): nobody got the SMS, so staff call. */
export const CALL_THE_CITIZEN = '短信未能送达，请工作人员电话联系办事群众';

/** One run of a template text: plain words, or a `{placeholder}` the template may or may not use. */
export type TemplatePiece =
  | { kind: 'text'; text: string }
  | { kind: 'param'; name: string; allowed: boolean };

/** The text cut into plain runs and placeholders (for highlighting), in order. */
export function templatePieces(id: NoticeTemplateId, text: string): TemplatePiece[] {
  const allowed = NOTICE_TEMPLATE_PARAMS[id];
  const out: TemplatePiece[] = [];
  let at = 0;
  for (const m of text.matchAll(/\{([A-Za-z]+)\}/g)) {
    if (m.index > at) out.push({ kind: 'text', text: text.slice(at, m.index) });
    out.push({ kind: 'param', name: m[1]!, allowed: allowed.includes(m[1]!) });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}

export interface TemplateCheck {
  /** The placeholders its notices carry. */
  allowed: readonly string[];
  /** Allowed placeholders the text uses. */
  used: string[];
  /** Placeholders the text uses that its notices do not carry: the server refuses these. */
  unknown: string[];
  /** Allowed placeholders the text leaves out: legal, but the SMS will not say them. */
  missing: string[];
  /** Chinese sentences of what the server would refuse (empty: it can be saved). */
  errors: string[];
  /** The text filled with example parameters. */
  sample: string;
  /** SMS parts the sample takes (UCS2: ≤ 70 one message, else parts of 67; NOTE-GW-2). */
  parts: number;
}

/**
 * The live check of a template as the admin types (NOTE-UI-2): the same rules the server applies
 * (NOTE-TPL-2: text 4–300 characters after trimming, code `[A-Za-z0-9_-]{1,64}`, only the
 * placeholders its notices carry), so a refusal is seen before saving; the server still decides.
 */
export function checkTemplate(id: NoticeTemplateId, text: string, operatorCode: string): TemplateCheck {
  const allowed = NOTICE_TEMPLATE_PARAMS[id];
  const placeholders = templatePlaceholders(text);
  const used = placeholders.filter((p) => allowed.includes(p));
  const unknown = placeholders.filter((p) => !allowed.includes(p));
  const missing = allowed.filter((p) => !placeholders.includes(p));
  const errors: string[] = [];
  const length = text.trim().length;
  if (length < 4) errors.push('模板内容至少 4 个字');
  if (length > 300) errors.push('模板内容不超过 300 个字');
  if (unknown.length > 0)
    errors.push(
      `不能使用参数 ${unknown.map((p) => `{${p}}`).join('、')}，可用：${allowed.map((a) => `{${a}}`).join('、')}`,
    );
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(operatorCode.trim()))
    errors.push('运营商模板编号只能是字母、数字、下划线或短横线（1–64 位）');
  const params = Object.fromEntries(allowed.map((p) => [p, PARAM_INFO[p]?.sample ?? p]));
  const sample = renderNotice(text.trim(), params);
  return { allowed, used, unknown, missing, errors, sample, parts: smsParts(sample) };
}

/** How many SMS a text is sent as (UCS2 units; NOTE-GW-2). */
export function smsParts(text: string): number {
  const units = text.length;
  if (units === 0) return 0;
  return units <= 70 ? 1 : Math.ceil(units / 67);
}
