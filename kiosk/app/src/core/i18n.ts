/** Simplified Chinese first; the English switch swaps every sentence the kiosk itself writes. */
import { categoryWaitText, ticketWaitText, type WaitRange } from '@onewindow/shared/wait.ts';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Lang } from './store.ts';

export type T = (zh: string, en: string) => string;

export const LangContext = createContext<Lang>('zh');

export function useT(): T {
  const lang = useContext(LangContext);
  return lang === 'en' ? (_zh, en) => en : (zh) => zh;
}

/** The language the citizen chose: for catalog content, which carries its own English. */
export function useLang(): Lang {
  return useContext(LangContext);
}

/** English counts: 1 service, 2 services (Chinese has no plural: 1 项业务). */
export function countEn(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A category's wait in the words the board and the console use for the same figure (EST-1). */
export function categoryWait(
  t: T,
  e: { waiting: number; low: number | null; high: number | null } | undefined,
): string {
  const w = categoryWaitText(e);
  return t(w.zh, w.en);
}

/** A ticket's wait: the server's range ("约 15–25 分钟"), as printed and on `/t` (EST-1). */
export function ticketWait(t: T, range: WaitRange | null): string {
  const w = ticketWaitText(range);
  return t(w.zh, w.en);
}

/** HH:MM in the hall's time zone. */
export function hallTime(epochMs: number, utcOffsetMinutes: number): string {
  const d = new Date(epochMs + utcOffsetMinutes * 60_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/** 11月26日 星期四 / Thu 26 Nov in the hall's time zone. */
export function hallDate(t: T, epochMs: number, utcOffsetMinutes: number): string {
  const d = new Date(epochMs + utcOffsetMinutes * 60_000);
  const wd = d.getUTCDay();
  return t(
    `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 星期${'日一二三四五六'[wd]}`,
    `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][wd]} ${d.getUTCDate()} ${
      ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]
    }`,
  );
}
