import type { ServiceWindow } from '@onewindow/shared/domain.ts';
import type { PublicFact, PublicSnapshot } from '@onewindow/shared/public-view.ts';
import { describe, expect, it } from 'vitest';
import { type HallState, hallReducer, initialHallState } from './store.ts';

const win: ServiceWindow = {
  id: 'w1',
  number: 1,
  post: 'comprehensive',
  categoryIds: ['A'],
  state: 'open',
  pauseReason: null,
  clerkId: 'c1',
  ticketId: null,
};
const snapshot = (seq: number): PublicSnapshot => ({
  seq,
  hallName: '大厅',
  categories: [{ id: 'A', prefix: 'A', name: '综合业务', nameEn: 'General' }],
  windows: [win],
  tickets: [],
  recentCalls: [],
  estimates: [],
  notice: '',
  voiceTemplate: '请{号}号到{窗口}号窗口办理',
});
const fact = (seq: number, over: Partial<PublicFact> = {}): PublicFact => ({
  seq,
  at: seq * 1000,
  type: 'ticket:issued',
  tickets: [],
  windows: [],
  call: null,
  hall: null,
  removed: [],
  estimates: [],
  ...over,
});

const live = (): HallState => hallReducer(initialHallState, { type: 'snapshot', snapshot: snapshot(5) });

describe('hallReducer', () => {
  it('goes live on a snapshot and folds facts in order', () => {
    const s = hallReducer(live(), { type: 'fact', fact: fact(6) });
    expect(s.status).toBe('live');
    expect(s.view?.seq).toBe(6);
  });

  it('ignores a fact already seen', () => {
    const s = live();
    expect(hallReducer(s, { type: 'fact', fact: fact(5) })).toBe(s);
  });

  it('freezes the view on a gap until the next snapshot', () => {
    const gap = hallReducer(live(), { type: 'fact', fact: fact(8) });
    expect(gap.gap).toBe(true);
    expect(gap.status).toBe('reconnecting');
    expect(gap.view?.seq).toBe(5);
    expect(hallReducer(gap, { type: 'fact', fact: fact(9) })).toBe(gap);
    const back = hallReducer(gap, { type: 'snapshot', snapshot: snapshot(9) });
    expect(back).toMatchObject({ gap: false, status: 'live', snapshots: 2 });
  });

  it('remembers the ticket last finished at each window (for the rating pad)', () => {
    const s = hallReducer(live(), {
      type: 'fact',
      fact: fact(6, {
        type: 'ticket:finished',
        tickets: [
          {
            id: '20261126-A001',
            number: 'A001',
            categoryId: 'A',
            status: 'done',
            windowId: 'w1',
            calledAt: 1,
          },
        ],
        windows: [win],
      }),
    });
    expect(s.finished.w1).toEqual({ ticketId: '20261126-A001', number: 'A001', windowId: 'w1', seq: 6 });
  });

  it('takes a new notice without touching the seq', () => {
    const s = hallReducer(live(), { type: 'notice', text: '今日下午停电检修' });
    expect(s.view).toMatchObject({ seq: 5, notice: '今日下午停电检修' });
  });

  it('keeps the last view while reconnecting', () => {
    const s = hallReducer(live(), { type: 'status', status: 'reconnecting' });
    expect(s.view?.seq).toBe(5);
    expect(s.status).toBe('reconnecting');
  });
});
