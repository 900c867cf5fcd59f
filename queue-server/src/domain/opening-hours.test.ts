import { describe, expect, it } from 'vitest';
import { openingState } from './opening-hours.ts';

const s = {
  utcOffsetMinutes: 480,
  openingHours: { open: '09:00', close: '17:00', weekdays: [1, 2, 3, 4, 5] },
};
// 2026-11-26 is a Thursday; 01:00 UTC is 09:00 in Beijing.
const at = (isoLocal: string) => Date.parse(`${isoLocal}+08:00`);

describe('opening hours (SPEC KSK-2)', () => {
  it('is open from the opening minute until just before closing, on opening weekdays', () => {
    expect(openingState(s, at('2026-11-26T09:00:00')).openNow).toBe(true);
    expect(openingState(s, at('2026-11-26T16:59:59')).openNow).toBe(true);
    expect(openingState(s, at('2026-11-26T08:59:59'))).toEqual({
      openNow: false,
      messageZh: '大厅今天 09:00 开始取号（办理时间 09:00–17:00）',
    });
    expect(openingState(s, at('2026-11-26T17:00:00')).messageZh).toMatch(
      /^现在不是办理时间。请于明天 09:00 后来取号/,
    );
  });

  it('names the next opening day across a weekend', () => {
    expect(openingState(s, at('2026-11-27T18:00:00')).messageZh).toMatch(/请于周一 09:00 后来取号/);
    expect(openingState(s, at('2026-11-28T10:00:00')).messageZh).toMatch(/请于周一 09:00/);
    expect(openingState(s, at('2026-11-29T10:00:00')).messageZh).toMatch(/请于明天 09:00/);
  });

  it('says the hall is suspended when no weekday is open', () => {
    expect(
      openingState({ ...s, openingHours: { ...s.openingHours, weekdays: [] } }, at('2026-11-26T10:00:00'))
        .openNow,
    ).toBe(false);
  });
});
