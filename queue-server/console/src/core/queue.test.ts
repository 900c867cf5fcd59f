import type { Ticket } from '@onewindow/shared/domain.ts';
import { describe, expect, it } from 'vitest';
import { upNextFor, waitingInCallOrder } from './queue.ts';

const ticket = (id: string, over: Partial<Ticket> = {}): Ticket =>
  ({
    id,
    number: id,
    categoryId: 'A',
    status: 'waiting',
    orderKey: 0,
    tieBreak: 0,
    front: null,
    pinnedWindowId: null,
    requiredPost: null,
    ...over,
  }) as Ticket;

describe('CON-ORD-1 the consoles list the queue in call order', () => {
  const list = [
    ticket('A001', { orderKey: 1000, tieBreak: 1 }),
    ticket('A002', { orderKey: 2000, tieBreak: 2 }),
    ticket('A003', { orderKey: 3000, tieBreak: 3, front: { at: 5000, by: 'g', reason: 'r' } }),
    ticket('A004', { orderKey: 500, tieBreak: 4, front: { at: 4000, by: 'g', reason: 'r' } }),
    ticket('B001', { categoryId: 'B', orderKey: 100, tieBreak: 5 }),
    ticket('A005', { orderKey: 50, tieBreak: 6, pinnedWindowId: 'w2' }),
    ticket('A006', { orderKey: 10, tieBreak: 7, status: 'called' }),
  ];

  it('puts front-moved tickets first in the order they were moved, then by order key', () => {
    expect(waitingInCallOrder(list).map((t) => t.id)).toEqual([
      'A004',
      'A003',
      'A005',
      'B001',
      'A001',
      'A002',
    ]);
  });

  it("keeps to the tickets the window may call: its categories, its post's, pinned to it", () => {
    const w1 = { id: 'w1', post: 'comprehensive' as const, categoryIds: ['A'] };
    expect(upNextFor(list, w1).map((t) => t.id)).toEqual(['A004', 'A003', 'A001', 'A002']);
    expect(upNextFor(list, { ...w1, id: 'w2' }).map((t) => t.id)).toEqual([
      'A004',
      'A003',
      'A005',
      'A001',
      'A002',
    ]);
  });
});
