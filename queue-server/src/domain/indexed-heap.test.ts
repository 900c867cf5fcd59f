import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexedHeap } from './indexed-heap.ts';

interface Item {
  id: string;
  key: number;
}

const newHeap = () =>
  new IndexedHeap<Item>(
    (x) => x.id,
    (x) => [x.key, Number(x.id.slice(1)), 0],
  );
const order = (a: Item, b: Item) => a.key - b.key || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('IndexedHeap', () => {
  it('agrees with a sorted array under random pushes, removals by id and peeks (Q-ORD-6)', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('push' as const), key: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ k: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ k: fc.constant('smallest' as const), n: fc.integer({ min: 0, max: 8 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300, size: 'max' }), (ops) => {
        const heap = newHeap();
        let model: Item[] = [];
        let next = 0;
        for (const o of ops) {
          if (o.k === 'push') {
            const item = { id: `t${String(next++).padStart(4, '0')}`, key: o.key };
            heap.push(item);
            model.push(item);
          } else if (o.k === 'remove') {
            const victim = model[o.pick % Math.max(model.length, 1)];
            if (victim) {
              expect(heap.remove(victim.id)).toBe(victim);
              model = model.filter((x) => x !== victim);
            }
          } else {
            expect(heap.smallest(o.n)).toEqual([...model].sort(order).slice(0, o.n));
          }
          model.sort(order);
          expect(heap.size).toBe(model.length);
          expect(heap.peek()).toBe(model[0]);
        }
        // Draining gives the full order.
        const drained: Item[] = [];
        for (let top = heap.peek(); top; top = heap.peek()) drained.push(heap.remove(top.id)!);
        expect(drained).toEqual(model);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('refuses duplicate ids and ignores removal of absent ones', () => {
    const heap = newHeap();
    heap.push({ id: 'a', key: 1 });
    expect(() => heap.push({ id: 'a', key: 2 })).toThrow(/duplicate/);
    expect(heap.remove('zz')).toBeUndefined();
    expect(heap.has('a')).toBe(true);
  });
});
