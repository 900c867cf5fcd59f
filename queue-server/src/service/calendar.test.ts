import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  calendarDeadline,
  isLocalDate,
  isWorkingDay,
  type OverrideLookup,
  WorkingCalendar,
  workingDaysBetween,
} from './calendar.ts';

describe('working days on the national calendar (SPEC CAL-1)', () => {
  it('knows 国庆 2026 (10-01..10-07 off) and its 调休 Saturday 10-10 on', () => {
    for (const d of [
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
      '2026-10-04',
      '2026-10-05',
      '2026-10-06',
      '2026-10-07',
    ])
      expect(isWorkingDay(d), d).toBe(false);
    expect(isWorkingDay('2026-10-10')).toBe(true); // a Saturday made a workday
    expect(isWorkingDay('2026-10-11')).toBe(false); // an ordinary Sunday
    expect(isWorkingDay('2026-09-20')).toBe(true); // Sunday before 中秋, a make-up workday
    expect(isWorkingDay('2026-09-25')).toBe(false); // 中秋
  });

  it('knows 春节 2026 (02-15..02-23 off) with the 调休 Saturdays 02-14 and 02-28 on', () => {
    expect(isWorkingDay('2026-02-14')).toBe(true);
    for (let d = 15; d <= 23; d++) expect(isWorkingDay(`2026-02-${d}`), `02-${d}`).toBe(false);
    expect(isWorkingDay('2026-02-24')).toBe(true);
    expect(isWorkingDay('2026-02-28')).toBe(true);
    expect(isWorkingDay('2026-03-01')).toBe(false);
  });
});

describe('addWorkingDays (SPEC CAL-3: n working days after the acceptance day)', () => {
  it('counts an ordinary week: Thursday + 3 = Tuesday; + 0 = the day itself', () => {
    expect(addWorkingDays('2026-11-26', 3)).toBe('2026-12-01');
    expect(addWorkingDays('2026-11-26', 0)).toBe('2026-11-26');
    expect(addWorkingDays('2026-11-28', 1)).toBe('2026-11-30'); // accepted on a Saturday
  });

  it('skips 国庆 and counts the 调休 Saturday', () => {
    // 09-30 (Wed) +1 → 10-08; +2 → 10-09; +3 → 10-10 (调休 Saturday); +4 → 10-12.
    expect(addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
    expect(addWorkingDays('2026-09-30', 3)).toBe('2026-10-10');
    expect(addWorkingDays('2026-09-30', 4)).toBe('2026-10-12');
    // 中秋 then 国庆: from 09-24 (Thu), 09-25..27 off, 09-28..30 on, 10-01..07 off, 10-08 on.
    expect(addWorkingDays('2026-09-24', 4)).toBe('2026-10-08');
    // 20 working days from 09-21: 09-22,23,24,28,29,30,10-08,09,10,12,13,14,15,16,19,20,21,22,23,26.
    expect(addWorkingDays('2026-09-21', 20)).toBe('2026-10-26');
  });

  it('skips 春节 and counts both 调休 Saturdays', () => {
    // 02-13 (Fri) +1 → 02-14 (调休 Sat); +2 → 02-24; +6 → 02-28 (调休 Sat); +7 → 03-02.
    expect(addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
    expect(addWorkingDays('2026-02-13', 6)).toBe('2026-02-28');
    expect(addWorkingDays('2026-02-13', 7)).toBe('2026-03-02');
  });

  it('refuses malformed input', () => {
    expect(() => addWorkingDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addWorkingDays('26-02-01', 1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-02-01', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-02-01', 1.5)).toThrow(RangeError);
  });

  it('gives up on a calendar without working days instead of looping forever', () => {
    expect(() => addWorkingDays('2026-01-05', 1, () => 'holiday')).toThrow(/no 1 working days/);
  });
});

describe('hall overrides win over the package (SPEC CAL-2)', () => {
  const overrides = new Map<string, 'holiday' | 'workday'>([
    ['2027-01-01', 'holiday'], // 元旦 2027, not published in the package yet
    ['2026-10-10', 'holiday'], // the hall stays shut on the 调休 Saturday
    ['2026-11-28', 'workday'], // a Saturday the hall opens
  ]);
  const lookup: OverrideLookup = (d) => overrides.get(d);
  const cal = new WorkingCalendar(lookup);

  it('an unpublished 2027 holiday is only known through an override', () => {
    expect(isWorkingDay('2027-01-01')).toBe(true);
    expect(cal.isWorkingDay('2027-01-01')).toBe(false);
    expect(addWorkingDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(cal.addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
  });

  it('a holiday override removes a 调休 workday; a workday override adds one', () => {
    expect(cal.addWorkingDays('2026-09-30', 3)).toBe('2026-10-12');
    expect(cal.addWorkingDays('2026-11-27', 1)).toBe('2026-11-28');
    expect(cal.workingDaysBetween('2026-11-26', '2026-11-30')).toBe(3);
    expect(workingDaysBetween('2026-11-26', '2026-11-30')).toBe(2);
  });
});

describe('calendar-day limits', () => {
  it('ends on the next working day when the last day is a holiday (民法典 §203)', () => {
    expect(calendarDeadline('2026-09-20', 15)).toBe('2026-10-08'); // 10-05 is in 国庆
    expect(calendarDeadline('2026-11-02', 15)).toBe('2026-11-17');
    expect(calendarDeadline('2026-11-26', 0)).toBe('2026-11-26');
  });

  it('isLocalDate accepts only real dates', () => {
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2027-02-29')).toBe(false);
    expect(isLocalDate('2026-1-01')).toBe(false);
  });
});
