/**
 * Simplified Chinese first; the English switch swaps every sentence the phone app writes
 * (as the kiosk does: each sentence is written in both languages where it is used).
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export type Lang = 'zh' | 'en';
export type T = (zh: string, en: string) => string;

export const LangContext = createContext<Lang>('zh');

/** `t('中文', 'English')`: the sentence in the citizen's language. */
export function useT(): T {
  const lang = useContext(LangContext);
  return lang === 'en' ? (_zh, en) => en : (zh) => zh;
}

export function useLang(): Lang {
  return useContext(LangContext);
}

/** A `{zh, en}` pair (shared wording: wait.ts, citizen.ts) in the citizen's language. */
export const pick = (lang: Lang, w: { zh: string; en: string }): string => (lang === 'en' ? w.en : w.zh);

/** 12月8日 09:30 / 8 Dec 09:30 in the hall's time zone. */
export function hallDateTime(lang: Lang, epochMs: number, utcOffsetMinutes: number): string {
  const d = new Date(epochMs + utcOffsetMinutes * 60_000);
  const hm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return lang === 'en'
    ? `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${hm}`
    : `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${hm}`;
}

/** A local date `YYYY-MM-DD` as 2026年12月8日 / 8 Dec 2026. */
export function localDateText(lang: Lang, date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return lang === 'en' ? `${d} ${months[(m ?? 1) - 1]} ${y}` : `${y}年${m}月${d}日`;
}
