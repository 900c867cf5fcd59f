import type { CallNotice, PublicSnapshot, PublicTicket } from '@onewindow/shared/public-view.ts';
import { describe, expect, it } from 'vitest';
import { currentCalls, formatWait, hallClock, initialOf, lastCalls, waitingRows } from './hall.ts';

const ticket = (
  n: number,
  status: PublicTicket['status'],
  windowId: string | null,
  calledAt: number | null,
) => ({
  id: `t${n}`,
  number: `A00${n}`,
  categoryId: 'A',
  status,
  windowId,
  calledAt,
});
const notice = (n: number, windowNumber: number, at: number, recall = false): CallNotice => ({
  seq: 0,
  at,
  ticketId: `t${n}`,
  number: `A00${n}`,
  windowId: `w${windowNumber}`,
  windowNumber,
  recall,
});
const view: PublicSnapshot = {
  seq: 9,
  hallName: '大厅',
  categories: [
    { id: 'A', prefix: 'A', name: '综合业务', nameEn: 'General' },
    { id: 'B', prefix: 'B', name: '单位业务', nameEn: 'Employers' },
  ],
  windows: [1, 2, 3].map((n) => ({
    id: `w${n}`,
    number: n,
    post: 'comprehensive' as const,
    categoryIds: ['A'],
    state: 'open' as const,
    pauseReason: null,
    clerkId: null,
    ticketId: null,
  })),
  tickets: [ticket(1, 'serving', 'w1', 100), ticket(2, 'called', 'w2', 300), ticket(3, 'called', 'w3', 200)],
  recentCalls: [notice(2, 2, 300, true), notice(3, 3, 200), notice(2, 2, 150), notice(1, 1, 100)],
  estimates: [{ categoryId: 'A', waiting: 4, minutes: 12, low: 9, high: 19 }],
  notice: '',
  voiceTemplate: '请{号}号到{窗口}号窗口办理',
};

describe('board readings', () => {
  it('lists tickets being called, newest first, with recall marks', () => {
    expect(currentCalls(view, 3).map((c) => [c.number, c.windowNumber, c.recall])).toEqual([
      ['A002', 2, true],
      ['A003', 3, false],
    ]);
  });

  it('lists the last call of each other ticket', () => {
    expect(lastCalls(view, new Set(['t2', 't3']), 5).map((c) => c.number)).toEqual(['A001']);
    expect(lastCalls(view, new Set(), 5).map((c) => c.number)).toEqual(['A002', 'A003', 'A001']);
  });

  it('gives waiting and estimates per category, counting when no estimate came', () => {
    expect(waitingRows(view).map((r) => [r.categoryId, r.waiting, r.minutes])).toEqual([
      ['A', 4, 12],
      ['B', 0, null],
    ]);
  });

  it('says waits the way a hall does', () => {
    expect(formatWait(0.2).zh).toBe('约1分钟');
    expect(formatWait(75).zh).toBe('约75分钟');
    expect(formatWait(150)).toEqual({ zh: '约2.5小时', en: 'about 2.5 h' });
  });

  it('keeps the hall clock on Beijing time whatever the screen is set to', () => {
    expect(hallClock(Date.UTC(2026, 10, 26, 1, 2, 3))).toEqual({
      date: '2026年11月26日',
      weekday: '星期四',
      time: '09:02:03',
    });
  });

  it('takes the surname for the photo placeholder', () => {
    expect(initialOf(' 李强')).toBe('李');
  });
});
