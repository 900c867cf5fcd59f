/**
 * Free text never carries personal numbers, and public screens never carry free text
 * (SPEC SEC-TXT-1, SEC-TXT-2). Pure: used by the server's schemas and the console alike.
 */

/** Why a window is paused: a code from this list; boards show the label, never what was typed. */
export const PAUSE_REASONS = [
  { code: 'lunch', zh: '午间休息', en: 'Lunch break' },
  { code: 'away', zh: '临时离开', en: 'Back shortly' },
  { code: 'training', zh: '业务培训/会议', en: 'Training or meeting' },
  { code: 'system', zh: '系统故障/维护', en: 'System maintenance' },
  { code: 'supplies', zh: '补充耗材', en: 'Restocking supplies' },
  { code: 'handover', zh: '交接班', en: 'Shift handover' },
  { code: 'other', zh: '暂停服务', en: 'Paused' },
] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number]['code'];
export const PAUSE_REASON_CODES = PAUSE_REASONS.map((r) => r.code) as [PauseReason, ...PauseReason[]];

/** The label of a pause reason; an unknown code (never stored, but a board may be older) shows as 暂停服务. */
export function pauseReasonLabel(code: string | null, lang: 'zh' | 'en' = 'zh'): string {
  const r = PAUSE_REASONS.find((p) => p.code === code) ?? PAUSE_REASONS.at(-1)!;
  return r[lang];
}

export type PersonalDataKind = 'id-number' | 'phone' | 'bank-card';

export interface PersonalDataHit {
  kind: PersonalDataKind;
  /** Where it is in the text (UTF-16 indices), so a caller can mask it. */
  start: number;
  end: number;
}

const LABEL: Record<PersonalDataKind, string> = {
  'id-number': '身份证号',
  phone: '手机号',
  'bank-card': '银行卡号',
};

/**
 * Numbers in a text that identify a person: resident ID numbers (15 or 18 characters, the last
 * may be X), mobile phone numbers (11 digits from 13–19, typed whole or in groups) and bank
 * card numbers (12–19 digits, typed whole or in groups of 4). Full-width digits count.
 * Deliberately wide: a long number in a staff note is refused rather than guessed harmless.
 */
export function findPersonalData(text: string): PersonalDataHit[] {
  const s = text.normalize('NFKC');
  // NFKC keeps the length for the characters that matter here (full-width digits, X), so the
  // indices of `s` are those of `text` for ASCII and full-width input alike.
  const hits: PersonalDataHit[] = [];
  const run = /\d[\d\s-]*[\dXx]|\d/g;
  for (let m = run.exec(s); m !== null; m = run.exec(s)) {
    const raw = m[0].replace(/[\s-]+$/, '');
    const compact = raw.replace(/[\s-]/g, '');
    const start = m.index;
    const end = start + raw.length;
    const digits = compact.replace(/[Xx]$/, '');
    if (/^\d{17}[\dXx]$/.test(compact) || /^\d{15}$/.test(compact))
      hits.push({ kind: 'id-number', start, end });
    else if (/^1[3-9]\d{9}$/.test(compact)) hits.push({ kind: 'phone', start, end });
    else if (/^\d+$/.test(compact) && digits.length >= 12 && digits.length <= 19)
      hits.push({ kind: 'bank-card', start, end });
  }
  return hits;
}

/**
 * Why a free text is refused, in Chinese for the staff member who typed it, or null. A hall's
 * notes are read by many; the numbers belong on the form, not in a note.
 */
export function personalDataRefusal(text: string): string | null {
  const kinds = [...new Set(findPersonalData(text).map((h) => LABEL[h.kind]))];
  return kinds.length === 0
    ? null
    : `不能填写${kinds.join('、')}：备注会被多人看到，个人号码请只录入办件表单`;
}

/** The text with every personal number replaced by `*` (for text that must be kept, e.g. imports). */
export function maskPersonalData(text: string): string {
  let out = text;
  for (const h of findPersonalData(text).reverse())
    out = out.slice(0, h.start) + '*'.repeat(h.end - h.start) + out.slice(h.end);
  return out;
}
