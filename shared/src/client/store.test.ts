import { describe, expect, it } from 'vitest';
import { createStore } from './store.ts';

type Action = { type: 'add'; n: number } | { type: 'noop' };
const reducer = (s: { total: number }, a: Action) => (a.type === 'add' ? { total: s.total + a.n } : s);

describe('createStore', () => {
  it('folds actions with the reducer and tells every listener the new state', () => {
    const store = createStore(reducer, { total: 0 });
    const seen: number[] = [];
    store.subscribe((s) => seen.push(s.total));
    store.dispatch({ type: 'add', n: 2 });
    store.dispatch({ type: 'add', n: 3 });
    expect(store.get()).toEqual({ total: 5 });
    expect(seen).toEqual([2, 5]);
  });

  it('stays silent when the reducer returns the same state', () => {
    const store = createStore(reducer, { total: 1 });
    const before = store.get();
    let calls = 0;
    store.subscribe(() => calls++);
    store.dispatch({ type: 'noop' });
    expect(store.get()).toBe(before);
    expect(calls).toBe(0);
  });

  it('stops calling a listener once it unsubscribed, even from inside a dispatch', () => {
    const store = createStore(reducer, { total: 0 });
    const seen: string[] = [];
    const offA = store.subscribe(() => {
      seen.push('a');
      offB();
    });
    const offB = store.subscribe(() => seen.push('b'));
    store.dispatch({ type: 'add', n: 1 });
    store.dispatch({ type: 'add', n: 1 });
    offA();
    store.dispatch({ type: 'add', n: 1 });
    // b was removed during the first dispatch, but that dispatch had already copied the listeners.
    expect(seen).toEqual(['a', 'b', 'a']);
  });
});
