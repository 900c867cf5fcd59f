import { localTimeOf } from './clock.ts';
import type { HallSettings } from './types.ts';

const WEEKDAY_ZH = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/**
 * Whether the kiosk gives numbers now (SPEC KSK-2): on an opening weekday, from the opening
 * time until the closing time. When closed, a Chinese sentence says when it opens next.
 */
export function openingState(
  s: Pick<HallSettings, 'openingHours' | 'utcOffsetMinutes'>,
  now: number,
): { openNow: true; messageZh: null } | { openNow: false; messageZh: string } {
  const { open, close, weekdays } = s.openingHours;
  const { minutes, weekday } = localTimeOf(now, s.utcOffsetMinutes);
  const from = minutesOf(open);
  const to = minutesOf(close);
  const days = new Set(weekdays);
  if (days.has(weekday) && minutes >= from && minutes < to) return { openNow: true, messageZh: null };
  const hours = `${open}–${close}`;
  if (days.size === 0) return { openNow: false, messageZh: '大厅暂停对外办理业务，请关注大厅公告' };
  if (days.has(weekday) && minutes < from)
    return { openNow: false, messageZh: `大厅今天 ${open} 开始取号（办理时间 ${hours}）` };
  // The next opening day after today.
  let next = weekday;
  for (let i = 1; i <= 7; i++) {
    next = ((weekday - 1 + i) % 7) + 1;
    if (days.has(next)) break;
  }
  const when = next === (weekday % 7) + 1 ? '明天' : WEEKDAY_ZH[next];
  return {
    openNow: false,
    messageZh: `现在不是办理时间。请于${when} ${open} 后来取号（办理时间 ${hours}，${[...days]
      .sort()
      .map((d) => WEEKDAY_ZH[d])
      .join('、')}）`,
  };
}
