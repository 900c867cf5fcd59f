/**
 * The one way a waiting estimate is written (SPEC EST-1): the kiosk, the boards, the console,
 * the printed ticket and the `/t` page all format the server's range with this, so at the
 * same minute they say the same thing.
 */

/** A server-side estimate: the range in minutes, both null when no window can call the ticket. */
export interface WaitRange {
  low: number | null;
  high: number | null;
}

/** "约 15–25 分钟" / "about 15–25 min"; hours past 100 minutes; null when there is no estimate. */
export function waitRangeText(r: WaitRange): { zh: string; en: string } | null {
  if (r.low === null || r.high === null) return null;
  const hi = Math.max(1, Math.round(r.high));
  const lo = Math.min(Math.max(0, Math.round(r.low)), hi);
  if (hi <= 2) return { zh: '即将办理', en: 'almost now' };
  if (hi >= 100) {
    const h = (m: number) => Math.round(m / 30) / 2;
    const a = h(Math.max(lo, 30));
    const b = h(hi);
    return a === b
      ? { zh: `约 ${b} 小时`, en: `about ${b} h` }
      : { zh: `约 ${a}–${b} 小时`, en: `about ${a}–${b} h` };
  }
  if (lo === hi) return { zh: `约 ${hi} 分钟`, en: `about ${hi} min` };
  return { zh: `约 ${lo}–${hi} 分钟`, en: `about ${lo}–${hi} min` };
}

/** What a surface says when the server has no estimate: no window that may call it is open. */
export const NO_ESTIMATE = { zh: '暂无窗口办理', en: 'no window open' } as const;

/**
 * A category's figure as the board, the kiosk and the console write it: nobody waiting is
 * "no wait", no window is "no window open", else the range of a ticket taken now.
 */
export function categoryWaitText(
  e: { waiting: number; low: number | null; high: number | null } | undefined,
): { zh: string; en: string } {
  if (e === undefined) return NO_ESTIMATE;
  const range = waitRangeText(e);
  if (range === null) return NO_ESTIMATE;
  if (e.waiting === 0) return { zh: '无需等候', en: 'no wait' };
  return range;
}

/** A ticket's figure (kiosk ticket, `/t` page, console): the range, or "no window open". */
export function ticketWaitText(r: WaitRange | null | undefined): { zh: string; en: string } {
  return (r === null || r === undefined ? null : waitRangeText(r)) ?? NO_ESTIMATE;
}
