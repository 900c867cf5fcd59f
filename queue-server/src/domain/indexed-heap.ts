/**
 * A binary min-heap whose entries can be removed or re-keyed by id in O(log n).
 *
 * The queue needs this rather than a plain priority queue: guides cancel, transfer and
 * re-prioritise tickets that sit in the middle of a queue, and lazy deletion would let
 * stale entries pile up over a long day.
 */
export class IndexedHeap<T> {
  private readonly items: T[] = [];
  private readonly positions = new Map<string, number>();

  constructor(
    private readonly idOf: (item: T) => string,
    private readonly less: (a: T, b: T) => boolean,
  ) {}

  get size(): number {
    return this.items.length;
  }

  has(id: string): boolean {
    return this.positions.has(id);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const id = this.idOf(item);
    if (this.positions.has(id)) throw new Error(`IndexedHeap: duplicate id ${id}`);
    this.items.push(item);
    this.positions.set(id, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  /** Removes the entry with this id; returns it, or undefined when absent. */
  remove(id: string): T | undefined {
    const at = this.positions.get(id);
    if (at === undefined) return undefined;
    const removed = this.items[at]!;
    const last = this.items.pop()!;
    this.positions.delete(id);
    if (at < this.items.length) {
      this.items[at] = last;
      this.positions.set(this.idOf(last), at);
      this.down(at);
      this.up(at);
    }
    return removed;
  }

  /**
   * The n smallest entries in order, without changing the heap: a best-first walk that
   * touches O(n log n) nodes, so "three places back" stays cheap in a 100k queue.
   */
  smallest(n: number): T[] {
    const out: T[] = [];
    if (n <= 0 || this.items.length === 0) return out;
    const frontier: number[] = [0];
    while (out.length < n && frontier.length > 0) {
      let best = 0;
      for (let i = 1; i < frontier.length; i++) {
        if (this.less(this.items[frontier[i]!]!, this.items[frontier[best]!]!)) best = i;
      }
      const at = frontier.splice(best, 1)[0]!;
      out.push(this.items[at]!);
      const l = 2 * at + 1;
      if (l < this.items.length) frontier.push(l);
      if (l + 1 < this.items.length) frontier.push(l + 1);
    }
    return out;
  }

  values(): readonly T[] {
    return this.items;
  }

  private up(start: number): void {
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.items[i]!, this.items[parent]!)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(start: number): void {
    let i = start;
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(this.items[l]!, this.items[m]!)) m = l;
      if (r < n && this.less(this.items[r]!, this.items[m]!)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const x = this.items[a]!;
    const y = this.items[b]!;
    this.items[a] = y;
    this.items[b] = x;
    this.positions.set(this.idOf(y), a);
    this.positions.set(this.idOf(x), b);
  }
}
