/**
 * What every page of the phone app reaches through `usePhone()`: the store (language, 大字, the
 * session), the REST client as the signed-in citizen, and navigation. Pages never fetch
 * themselves with `fetch`: they call `api` so the token, the timeout and 401 handling are one.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { PhoneApi } from './api.ts';
import type { PhoneStore } from './store.ts';

export interface PhoneCore {
  store: PhoneStore;
  api: PhoneApi;
  /** Goes to a page: `go('/progress', { receipt: 'SL-…' })`. */
  go(path: string, query?: Record<string, string>): void;
}

export const PhoneContext = createContext<PhoneCore | null>(null);

export function usePhone(): PhoneCore {
  const core = useContext(PhoneContext);
  if (core === null) throw new Error('usePhone outside the phone app');
  return core;
}
