import { businessDayOf, localTimeOf } from '../domain/clock.ts';
import type { QueueEngine } from '../domain/engine.ts';
import type { Command } from '../domain/types.ts';

/**
 * Which day closes are due now (SPEC Q-DAY-2, Q-DAY-3). Pure: the scheduler asks this every
 * few seconds and on start, so a restart at any moment neither skips nor repeats a close.
 */
export function dueDayCloses(queue: QueueEngine, now: number): Extract<Command, { type: 'day:close' }>[] {
  const s = queue.settings;
  if (s === null) return [];
  const today = businessDayOf(now, s.utcOffsetMinutes);
  const last = queue.hallState().lastClosedDay ?? '';
  const due: Extract<Command, { type: 'day:close' }>[] = [];
  const leftOver = queue
    .allTickets()
    .map((t) => t.businessDay)
    .filter((d) => d < today && d > last)
    .sort()
    .at(-1);
  if (leftOver !== undefined)
    due.push({ type: 'day:close', businessDay: leftOver, by: 'system', reason: '跨日未结清，系统自动日结' });
  const { minutes } = localTimeOf(now, s.utcOffsetMinutes);
  const [h, m] = s.dayCloseAt.split(':').map(Number) as [number, number];
  if (minutes >= h * 60 + m && last < today)
    due.push({ type: 'day:close', businessDay: today, by: 'system', reason: '到达日结时间，系统自动日结' });
  return due;
}
