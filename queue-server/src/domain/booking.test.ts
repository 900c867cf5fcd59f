import { DEFAULT_BOOKING_CONFIG } from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import { bannedUntil, bookableDays, dueNoShows, dueReminders, type OpenBooking, slotsOn } from './booking.ts';

const MIN = 60_000;
const HOURS = {
  openingHours: { open: '09:00', close: '17:00', weekdays: [1, 2, 3, 4, 5] },
  utcOffsetMinutes: 480,
};
const at = (s: string) => Date.parse(`${s}:00+08:00`);
const LINE = { categoryId: 'A', itemCode: null, from: '08:00', to: '10:00', capacity: 2 };

describe('booking rules (SPEC MOB-BOOK-*)', () => {
  it('MOB-BOOK-2 slots are half hours clipped to opening hours, none on a closed day or weekday', () => {
    const s = slotsOn('2026-11-26', [LINE], HOURS, true);
    expect(s.map((x) => x.start)).toEqual([at('2026-11-26T09:00'), at('2026-11-26T09:30')]);
    expect(s[0]).toMatchObject({ capacity: 2, slotKey: 'A|*', end: at('2026-11-26T09:30') });
    expect(slotsOn('2026-11-26', [LINE], HOURS, false)).toEqual([]);
    expect(slotsOn('2026-11-28', [LINE], HOURS, true)).toEqual([]); // a Saturday the hall is shut
  });

  it('MOB-BOOK-2 bookable days skip what the calendar closes', () => {
    const closed = new Set(['2026-11-27']);
    const days = bookableDays(at('2026-11-26T09:00'), { daysAhead: 2 }, 480, (d) => {
      const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
      return wd !== 0 && wd !== 6 && !closed.has(d);
    });
    expect(days).toEqual(['2026-11-26', '2026-11-30', '2026-12-01']);
  });

  it('MOB-BOOK-6 the bar counts no-shows within the period only and runs from the latest', () => {
    const rule = { limit: 2, periodDays: 30, banDays: 7 };
    expect(bannedUntil(['2026-10-01', '2026-11-20'], '2026-11-26', rule)).toBeNull();
    expect(bannedUntil(['2026-11-02', '2026-11-20'], '2026-11-26', rule)).toBe('2026-11-27');
    expect(bannedUntil(['2026-11-02', '2026-11-10'], '2026-11-26', rule)).toBeNull(); // bar over
    expect(bannedUntil(['2026-11-20', '2026-11-21'], '2026-11-26', { ...rule, banDays: 0 })).toBeNull();
  });

  const b = (over: Partial<OpenBooking>): OpenBooking => ({
    bookingCode: 'Y1',
    slotStart: at('2026-11-27T10:00'),
    slotEnd: at('2026-11-27T10:30'),
    status: 'booked',
    bookedAt: at('2026-11-26T09:00'),
    remindedAt: null,
    ...over,
  });

  it('MOB-BOOK-6 a no-show once the check-in window closed, not a minute before', () => {
    expect(dueNoShows([b({})], at('2026-11-27T10:45'), 15)).toEqual([]);
    expect(dueNoShows([b({})], at('2026-11-27T10:45') + 1, 15)).toHaveLength(1);
    expect(dueNoShows([b({ status: 'checked-in' })], at('2026-11-28T10:45'), 15)).toEqual([]);
  });

  it('MOB-BOOK-7 a reminder is due from its time until the slot, once, and not for a booking made after it', () => {
    const c = { reminderMinutesBefore: DEFAULT_BOOKING_CONFIG.reminderMinutesBefore };
    expect(dueReminders([b({})], at('2026-11-26T09:59'), c)).toEqual([]);
    expect(dueReminders([b({})], at('2026-11-26T10:00'), c)).toHaveLength(1);
    expect(dueReminders([b({ remindedAt: 1 })], at('2026-11-26T10:00'), c)).toEqual([]);
    expect(dueReminders([b({ bookedAt: at('2026-11-26T11:00') })], at('2026-11-26T12:00'), c)).toEqual([]);
    expect(dueReminders([b({})], at('2026-11-27T10:00') + MIN, c)).toEqual([]);
  });
});
