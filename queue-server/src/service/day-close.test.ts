import { describe, expect, it } from 'vitest';
import { Hall, MIN, T0 } from '../domain/test-factory.ts';
import { dueDayCloses } from './day-close.ts';

describe('automatic day close', () => {
  it('Q-DAY-3 is due at dayCloseAt local time, once', () => {
    const h = new Hall({ dayCloseAt: '19:00' });
    h.issue('A');
    h.now = T0 + 9 * 60 * MIN; // 18:00 Beijing
    expect(dueDayCloses(h.engine, h.now)).toEqual([]);
    h.now = T0 + 10 * 60 * MIN; // 19:00
    const due = dueDayCloses(h.engine, h.now);
    expect(due).toMatchObject([{ businessDay: '2026-11-26', by: 'system' }]);
    h.ok(due[0]!);
    expect(dueDayCloses(h.engine, h.now + MIN)).toEqual([]);
  });

  it('Q-DAY-2 Q-DAY-3 on a morning start, closes the day left open overnight first', () => {
    const h = new Hall();
    h.issue('A');
    h.now = T0 + 24 * 60 * MIN; // next day 09:00
    const due = dueDayCloses(h.engine, h.now);
    expect(due).toMatchObject([{ businessDay: '2026-11-26' }]);
    h.ok(due[0]!);
    expect(dueDayCloses(h.engine, h.now)).toEqual([]);
    expect(h.issue('A')).toBe('20261127-A001');
  });
});
