/**
 * The store every OneWindow screen keeps its state in: one reducer takes every action, and
 * components subscribe through `useStore`. Generic, so each app brings its own state and actions.
 */

/** A minimal observable store: components subscribe through `useStore`. */
export interface Store<S, A> {
  get(): S;
  dispatch(action: A): void;
  subscribe(listener: (state: S) => void): () => void;
}

/**
 * A store folded by `reducer`. A reducer that returns the same state object means "nothing
 * changed": listeners are not called, so screens do not re-render on no-op actions.
 */
export function createStore<S, A>(reducer: (s: S, a: A) => S, initial: S): Store<S, A> {
  let state = initial;
  const listeners = new Set<(s: S) => void>();
  return {
    get: () => state,
    dispatch(action) {
      const next = reducer(state, action);
      if (next === state) return;
      state = next;
      for (const l of [...listeners]) l(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
