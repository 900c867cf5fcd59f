/** A heap entry: the item, its sort key cached as three numbers, and where it sits. */
interface Entry<T> {
  item: T;
  k0: number;
  k1: number;
  k2: number;
  pos: number;
}

/** The sort key of an item: compared lexicographically, smallest first. */
export type HeapKey = readonly [number, number, number];

/**
 * A binary min-heap whose entries can be removed by id in O(log n).
 *
 * The queue needs this rather than a plain priority queue: guides cancel, transfer and
 * re-prioritise tickets that sit in the middle of a queue, and lazy deletion would let
 * stale entries pile up over a long day. Keys are cached in the entries and positions live
 * on the entries (not in a map updated per swap), so a sift touches only small objects —
 * at 100k tickets the cache, not the comparisons, decides the speed. An item's key must not
 * change while it is in the heap: remove it, change it, push it again.
 */
export class IndexedHeap<T> {
  private readonly heap: Entry<T>[] = [];
  private readonly byId = new Map<string, Entry<T>>();

  constructor(
    private readonly idOf: (item: T) => string,
    private readonly keyOf: (item: T) => HeapKey,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  peek(): T | undefined {
    return this.heap[0]?.item;
  }

  push(item: T): void {
    const id = this.idOf(item);
    if (this.byId.has(id)) throw new Error(`IndexedHeap: duplicate id ${id}`);
    const [k0, k1, k2] = this.keyOf(item);
    const e: Entry<T> = { item, k0, k1, k2, pos: this.heap.length };
    this.heap.push(e);
    this.byId.set(id, e);
    this.siftUp(e);
  }

  /** Removes the entry with this id; returns its item, or undefined when absent. */
  remove(id: string): T | undefined {
    const e = this.byId.get(id);
    if (e === undefined) return undefined;
    this.byId.delete(id);
    const last = this.heap.pop()!;
    if (last !== e) {
      last.pos = e.pos;
      this.heap[e.pos] = last;
      if (e.pos > 0 && less(last, this.heap[(e.pos - 1) >> 1]!)) this.siftUp(last);
      else this.siftDown(last);
    }
    return e.item;
  }

  /**
   * The n smallest items in order, without changing the heap: a best-first walk that
   * touches O(n log n) nodes, so "three places back" stays cheap in a 100k queue.
   */
  smallest(n: number): T[] {
    const out: T[] = [];
    if (n <= 0 || this.heap.length === 0) return out;
    const frontier: Entry<T>[] = [this.heap[0]!];
    while (out.length < n && frontier.length > 0) {
      let best = 0;
      for (let i = 1; i < frontier.length; i++) if (less(frontier[i]!, frontier[best]!)) best = i;
      const e = frontier.splice(best, 1)[0]!;
      out.push(e.item);
      const l = 2 * e.pos + 1;
      if (l < this.heap.length) frontier.push(this.heap[l]!);
      if (l + 1 < this.heap.length) frontier.push(this.heap[l + 1]!);
    }
    return out;
  }

  /** Every item, in heap (not sorted) order. */
  values(): T[] {
    return this.heap.map((e) => e.item);
  }

  /** Moves e up with a hole instead of swaps: one write per level. */
  private siftUp(e: Entry<T>): void {
    let i = e.pos;
    while (i > 0) {
      const parentAt = (i - 1) >> 1;
      const parent = this.heap[parentAt]!;
      if (!less(e, parent)) break;
      this.heap[i] = parent;
      parent.pos = i;
      i = parentAt;
    }
    this.heap[i] = e;
    e.pos = i;
  }

  private siftDown(e: Entry<T>): void {
    const n = this.heap.length;
    let i = e.pos;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let child = this.heap[l]!;
      let childAt = l;
      const r = l + 1;
      if (r < n && less(this.heap[r]!, child)) {
        child = this.heap[r]!;
        childAt = r;
      }
      if (!less(child, e)) break;
      this.heap[i] = child;
      child.pos = i;
      i = childAt;
    }
    this.heap[i] = e;
    e.pos = i;
  }
}

function less<T>(a: Entry<T>, b: Entry<T>): boolean {
  if (a.k0 !== b.k0) return a.k0 < b.k0;
  if (a.k1 !== b.k1) return a.k1 < b.k1;
  return a.k2 < b.k2;
}
