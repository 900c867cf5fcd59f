/** Preact hooks of the client core: a store slice that re-renders on change, and a ticking clock. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Store } from './store.ts';

/**
 * Reads a slice of a store and re-renders when it changes (compared with `Object.is`, so a
 * selector should return existing objects or primitives where it can).
 */
export function useStore<S, T>(store: Store<S, never>, select: (s: S) => T): T {
  const selector = useRef(select);
  selector.current = select;
  const [value, setValue] = useState(() => select(store.get()));
  useEffect(() => {
    setValue(() => selector.current(store.get()));
    return store.subscribe((s) => setValue(() => selector.current(s)));
  }, [store]);
  return value;
}

/** Re-renders every `ms` milliseconds and returns the current time (clocks, timeouts). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
