/**
 * Pure readings of the hall view for the screens: what is being called, the last calls,
 * the waiting per category, a window's ticket, and the Chinese labels. Numbers only, never
 * anything personal (the public view has none to begin with).
 */
import type { ServiceWindow, WindowPost } from '@onewindow/shared/domain.ts';
import type { PublicSnapshot, PublicTicket } from '@onewindow/shared/public-view.ts';
import { callKey } from './voice.ts';

export interface CallRow {
  /** Changes with every (re)call, so a row flashes again on a recall. */
  key: string;
  ticketId: string;
  number: string;
  windowNumber: number;
  recall: boolean;
  at: number;
}

/** Tickets called and not yet at the counter, newest first: the big rows of the board. */
export function currentCalls(view: PublicSnapshot, max: number): CallRow[] {
  const windowNumber = new Map(view.windows.map((w) => [w.id, w.number]));
  return view.tickets
    .filter((t) => t.status === 'called' && t.windowId !== null && t.calledAt !== null)
    .sort((a, b) => b.calledAt! - a.calledAt!)
    .slice(0, max)
    .map((t) => {
      const at = t.calledAt!;
      const notice = view.recentCalls.find((c) => c.ticketId === t.id && c.at === at);
      return {
        key: callKey({ ticketId: t.id, at }),
        ticketId: t.id,
        number: t.number,
        windowNumber: notice?.windowNumber ?? windowNumber.get(t.windowId!) ?? 0,
        recall: notice?.recall ?? false,
        at,
      };
    });
}

/** The last calls, one row per ticket (its latest call), newest first, without `exclude`. */
export function lastCalls(view: PublicSnapshot, exclude: ReadonlySet<string>, max: number): CallRow[] {
  const seen = new Set<string>(exclude);
  const rows: CallRow[] = [];
  for (const c of view.recentCalls) {
    if (seen.has(c.ticketId)) continue;
    seen.add(c.ticketId);
    rows.push({
      key: callKey(c),
      ticketId: c.ticketId,
      number: c.number,
      windowNumber: c.windowNumber,
      recall: c.recall,
      at: c.at,
    });
    if (rows.length >= max) break;
  }
  return rows;
}

export interface WaitingRow {
  categoryId: string;
  prefix: string;
  name: string;
  nameEn: string;
  waiting: number;
  /** Minutes for a ticket taken now; null when no open window serves the category. */
  minutes: number | null;
  /** The server's range (SPEC EST-1), shown with `categoryWaitText` as on every surface. */
  low: number | null;
  high: number | null;
}

export function waitingRows(view: PublicSnapshot): WaitingRow[] {
  return view.categories.map((c) => {
    const e = view.estimates.find((x) => x.categoryId === c.id);
    const waiting =
      e?.waiting ?? view.tickets.filter((t) => t.categoryId === c.id && t.status === 'waiting').length;
    return {
      categoryId: c.id,
      prefix: c.prefix,
      name: c.name,
      nameEn: c.nameEn,
      waiting,
      minutes: e?.minutes ?? null,
      low: e?.low ?? null,
      high: e?.high ?? null,
    };
  });
}

/** A window and the ticket called to or served at it. */
export function windowAndTicket(
  view: PublicSnapshot,
  windowId: string,
): { window: ServiceWindow | null; ticket: PublicTicket | null } {
  const window = view.windows.find((w) => w.id === windowId) ?? null;
  const ticketId = window?.ticketId ?? null;
  const ticket = ticketId === null ? null : (view.tickets.find((t) => t.id === ticketId) ?? null);
  return { window, ticket };
}

export const POST_NAMES: Record<WindowPost, { zh: string; en: string }> = {
  comprehensive: { zh: '综合柜员', en: 'General services' },
  rights: { zh: '权益柜员', en: 'Results & certificates' },
  bulk: { zh: '单位业务', en: 'Employer services' },
};

/**
 * A wait as a hall says it: "约12分钟" up to 100 minutes, then half hours ("约2.5小时"), short
 * enough for one line of a board card. The caller handles null (no open window).
 */
export function formatWait(minutes: number): { zh: string; en: string } {
  const m = Math.max(1, Math.round(minutes));
  if (m < 100) return { zh: `约${m}分钟`, en: `about ${m} min` };
  const h = Math.round(m / 30) / 2;
  return { zh: `约${h}小时`, en: `about ${h} h` };
}

/** China keeps one time zone with no daylight saving, so the hall clock ignores the screen's OS setting. */
export const HALL_UTC_OFFSET_MINUTES = 480;

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;

/** Date and time on the hall's clock: `{date: '2026年11月26日', weekday: '星期四', time: '09:05:07'}`. */
export function hallClock(now: number, offsetMinutes = HALL_UTC_OFFSET_MINUTES) {
  const d = new Date(now + offsetMinutes * 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`,
    weekday: WEEKDAYS[d.getUTCDay()]!,
    time: `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`,
  };
}

/** The character a photo placeholder shows: the surname (first character) of a Chinese name. */
export function initialOf(name: string): string {
  return Array.from(name.trim())[0] ?? '';
}
