/**
 * Online booking rules (SPEC MOB-BOOK-*), pure: the slots a day offers, whether a slot may be
 * booked or cancelled now, the no-show bar, and which bookings are no-shows or due a reminder.
 * Time, the calendar and the hall's hours come in as arguments.
 */
import { type BookingConfig, type BookingLine, type NoShowRule, SLOT_MINUTES } from '@onewindow/shared';
import { businessDayOf, localTimeOf } from './clock.ts';

const MIN = 60_000;
const DAY_MS = 24 * 60 * MIN;

export interface HallHours {
  openingHours: { open: string; close: string; weekdays: number[] };
  utcOffsetMinutes: number;
}

/** A half-hour slot of a line on a day. */
export interface Slot {
  day: string;
  start: number;
  end: number;
  capacity: number;
  /** Which capacity it counts against: `category|item` or `category|*`. */
  slotKey: string;
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The instant of a hall-local date and minute of the day. */
export function instantOf(day: string, minutes: number, utcOffsetMinutes: number): number {
  return Date.parse(`${day}T00:00:00Z`) + (minutes - utcOffsetMinutes) * MIN;
}

export const slotKeyOf = (line: Pick<BookingLine, 'categoryId' | 'itemCode'>): string =>
  `${line.categoryId}|${line.itemCode ?? '*'}`;

/** The line an item books against: its own line first, else its category's (MOB-BOOK-1). */
export function linesFor(
  config: BookingConfig,
  item: { code: string; categoryId: string },
): BookingLine[] | null {
  const own = config.lines.filter((l) => l.itemCode === item.code);
  if (own.length > 0) return own;
  const cat = config.lines.filter((l) => l.itemCode === null && l.categoryId === item.categoryId);
  return cat.length > 0 ? cat : null;
}

/**
 * The half-hour slots `lines` open on `day` (MOB-BOOK-1): none on a day the working calendar
 * closes or the hall does not open; each inside the opening hours.
 */
export function slotsOn(
  day: string,
  lines: readonly BookingLine[],
  hours: HallHours,
  workingDay: boolean,
): Slot[] {
  if (!workingDay) return [];
  const weekday = localTimeOf(
    instantOf(day, 12 * 60, hours.utcOffsetMinutes),
    hours.utcOffsetMinutes,
  ).weekday;
  if (!hours.openingHours.weekdays.includes(weekday)) return [];
  const open = minutesOf(hours.openingHours.open);
  const close = minutesOf(hours.openingHours.close);
  const out: Slot[] = [];
  for (const line of lines) {
    const from = Math.max(minutesOf(line.from), open);
    const to = Math.min(minutesOf(line.to), close);
    for (let m = from; m + SLOT_MINUTES <= to; m += SLOT_MINUTES)
      out.push({
        day,
        start: instantOf(day, m, hours.utcOffsetMinutes),
        end: instantOf(day, m + SLOT_MINUTES, hours.utcOffsetMinutes),
        capacity: line.capacity,
        slotKey: slotKeyOf(line),
      });
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * The days a citizen may book now (MOB-BOOK-2): today and the next `daysAhead` working days.
 * `isWorkingDay` is the hall's calendar (holidays, 调休, its overrides).
 */
export function bookableDays(
  now: number,
  config: Pick<BookingConfig, 'daysAhead'>,
  utcOffsetMinutes: number,
  isWorkingDay: (day: string) => boolean,
): string[] {
  const today = businessDayOf(now, utcOffsetMinutes);
  const out = [today];
  let t = Date.parse(`${today}T00:00:00Z`);
  // A year of holidays cannot hide `daysAhead` working days; the bound only stops a broken calendar.
  for (let i = 0; out.length < config.daysAhead + 1 && i < 400; i++) {
    t += DAY_MS;
    const d = new Date(t).toISOString().slice(0, 10);
    if (isWorkingDay(d)) out.push(d);
  }
  return out;
}

/** Whether a slot can still be booked now: it starts at least `minLeadMinutes` from now. */
export const bookableNow = (slot: Pick<Slot, 'start'>, now: number, config: BookingConfig): boolean =>
  slot.start >= now + config.minLeadMinutes * MIN;

/** Until when a booking may be cancelled (MOB-BOOK-5). */
export const cancelUntil = (slotStart: number, config: Pick<BookingConfig, 'cancelBeforeMinutes'>): number =>
  slotStart - config.cancelBeforeMinutes * MIN;

/**
 * The day until which (inclusive) online booking is barred (MOB-BOOK-6), or null: when the
 * holder has `limit` no-shows on days within the last `periodDays`, the bar runs `banDays` from
 * the day of the latest of them.
 */
export function bannedUntil(noShowDays: readonly string[], today: string, rule: NoShowRule): string | null {
  if (rule.banDays === 0) return null;
  const todayT = Date.parse(`${today}T00:00:00Z`);
  const recent = noShowDays
    .filter((d) => Date.parse(`${d}T00:00:00Z`) > todayT - rule.periodDays * DAY_MS)
    .sort();
  if (recent.length < rule.limit) return null;
  const until = new Date(Date.parse(`${recent.at(-1)}T00:00:00Z`) + rule.banDays * DAY_MS)
    .toISOString()
    .slice(0, 10);
  return until >= today ? until : null;
}

/** What the timers need of a booking. */
export interface OpenBooking {
  bookingCode: string;
  slotStart: number;
  slotEnd: number;
  status: string;
  bookedAt: number;
  remindedAt: number | null;
}

/**
 * Bookings that are no-shows now (MOB-BOOK-6): still `booked` after their check-in window closed
 * (`lateMinutes` after the slot ends, as APT-5 lets a late citizen in until then).
 */
export function dueNoShows<B extends OpenBooking>(
  bookings: readonly B[],
  now: number,
  lateMinutes: number,
): B[] {
  return bookings.filter((b) => b.status === 'booked' && now > b.slotEnd + lateMinutes * MIN);
}

/**
 * Bookings whose reminder is due now (MOB-BOOK-7): booked, not reminded yet, the reminder time
 * reached and the slot not begun. A booking made after its reminder time gets none: the citizen
 * has just seen the slot on the phone.
 */
export function dueReminders<B extends OpenBooking>(
  bookings: readonly B[],
  now: number,
  config: Pick<BookingConfig, 'reminderMinutesBefore'>,
): B[] {
  if (config.reminderMinutesBefore <= 0) return [];
  return bookings.filter((b) => {
    const at = b.slotStart - config.reminderMinutesBefore * MIN;
    return (
      b.status === 'booked' && b.remindedAt === null && b.bookedAt < at && now >= at && now < b.slotStart
    );
  });
}
