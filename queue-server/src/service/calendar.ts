/**
 * Working days for the acceptance deadlines of LD/T 02 §9.4.2 (业务受理回执) and the 差评
 * rectification deadline: the State Council holidays and 调休 make-up workdays as published
 * in the `chinese-days` package (through 2026 at the time of writing), corrected by the
 * hall's own overrides, which always win (SPEC CAL-1, CAL-2). Pure: the overrides come in
 * through a lookup, so tests and the store decide where they live.
 */

import type { CalendarOverrideKind, LocalDate } from '@onewindow/shared';
import chineseDays from 'chinese-days';

/** The hall's correction of one date, if any. */
export type OverrideLookup = (date: LocalDate) => CalendarOverrideKind | undefined;

const noOverrides: OverrideLookup = () => undefined;
const DAY_MS = 86_400_000;
/** A guard against a calendar with no working day at all (every date overridden as a holiday). */
const MAX_SCAN_DAYS = 366 * 20;

/** Whether `date` is a real calendar date written `YYYY-MM-DD`. */
export function isLocalDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === date;
}

function checkDate(date: string): number {
  if (!isLocalDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${String(date).slice(0, 20)}`);
  return Date.parse(`${date}T00:00:00Z`);
}

const dateOf = (t: number): LocalDate => new Date(t).toISOString().slice(0, 10);

/** The date `days` calendar days after `date` (negative goes back). */
export function addCalendarDays(date: LocalDate, days: number): LocalDate {
  return dateOf(checkDate(date) + days * DAY_MS);
}

/**
 * Whether the hall works on `date`: the hall's override when there is one, else the national
 * calendar (weekends off, holidays off, 调休 weekend days on).
 *
 * @throws RangeError for a malformed date
 */
export function isWorkingDay(date: LocalDate, lookup: OverrideLookup = noOverrides): boolean {
  checkDate(date);
  const o = lookup(date);
  if (o !== undefined) return o === 'workday';
  return chineseDays.isWorkday(date);
}

/**
 * The due date `n` working days AFTER `fromDate` (the acceptance day itself is not counted;
 * SPEC CAL-3). `n = 0` is the day itself.
 *
 * @throws RangeError for a malformed date, a negative or fractional `n`, or a calendar with no working days
 */
export function addWorkingDays(
  fromDate: LocalDate,
  n: number,
  lookup: OverrideLookup = noOverrides,
): LocalDate {
  let t = checkDate(fromDate);
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
  let left = n;
  let scanned = 0;
  while (left > 0) {
    t += DAY_MS;
    if (++scanned > MAX_SCAN_DAYS + n * 7)
      throw new RangeError(`no ${n} working days within ${MAX_SCAN_DAYS} days after ${fromDate}`);
    if (isWorkingDay(dateOf(t), lookup)) left--;
  }
  return dateOf(t);
}

/** Working days in (from, to]: how many working days a calendar-day limit leaves. */
export function workingDaysBetween(
  from: LocalDate,
  to: LocalDate,
  lookup: OverrideLookup = noOverrides,
): number {
  const end = checkDate(to);
  let n = 0;
  for (let t = checkDate(from) + DAY_MS; t <= end; t += DAY_MS) if (isWorkingDay(dateOf(t), lookup)) n++;
  return n;
}

/**
 * A deadline for a limit counted in calendar days (e.g. 15日): `days` days after `from`; when
 * that day is not a working day the period ends on the next working day (民法典 §203).
 */
export function calendarDeadline(
  from: LocalDate,
  days: number,
  lookup: OverrideLookup = noOverrides,
): LocalDate {
  if (!Number.isInteger(days) || days < 0)
    throw new RangeError(`days must be a whole number ≥ 0, got ${days}`);
  let d = addCalendarDays(from, days);
  if (days > 0) while (!isWorkingDay(d, lookup)) d = addCalendarDays(d, 1);
  return d;
}

/** The national calendar with one hall's overrides bound in. */
export class WorkingCalendar {
  constructor(private readonly lookup: OverrideLookup = noOverrides) {}

  isWorkingDay(date: LocalDate): boolean {
    return isWorkingDay(date, this.lookup);
  }

  addWorkingDays(fromDate: LocalDate, n: number): LocalDate {
    return addWorkingDays(fromDate, n, this.lookup);
  }

  workingDaysBetween(from: LocalDate, to: LocalDate): number {
    return workingDaysBetween(from, to, this.lookup);
  }

  calendarDeadline(from: LocalDate, days: number): LocalDate {
    return calendarDeadline(from, days, this.lookup);
  }
}
