/**
 * The console's center mode (SPEC RGN-RPT-8): the regional manager's state and intents. One
 * store folded by `regionReducer`; the actions fetch (the report, the halls' health, exports)
 * and dispatch what came back. Views only read the store and call these.
 */

import { createStore, type Store } from '@onewindow/shared/client';
import type { Ack } from '@onewindow/shared/protocol.ts';
import type { RegionHallStatus, RegionReport } from '@onewindow/shared/region-report.ts';
import { api, download, errorText, getToken, setToken } from '../core/api.ts';

export interface RegionState {
  signedIn: boolean;
  halls: RegionHallStatus[] | null;
  /** Hall ids picked; empty = every hall. */
  picked: string[];
  from: string;
  to: string;
  report: RegionReport | null;
  loading: boolean;
  error: string | null;
  notice: string | null;
}

export type RegionAction =
  | { type: 'signed-in'; yes: boolean }
  | { type: 'halls'; halls: RegionHallStatus[] }
  | { type: 'pick'; picked: string[] }
  | { type: 'range'; from: string; to: string }
  | { type: 'loading' }
  | { type: 'report'; report: RegionReport }
  | { type: 'error'; error: string | null }
  | { type: 'notice'; notice: string | null };

export function regionReducer(s: RegionState, a: RegionAction): RegionState {
  switch (a.type) {
    case 'signed-in':
      return a.yes === s.signedIn
        ? s
        : { ...s, signedIn: a.yes, ...(a.yes ? {} : { report: null, halls: null }) };
    case 'halls':
      return { ...s, halls: a.halls };
    case 'pick':
      return { ...s, picked: a.picked };
    case 'range':
      return { ...s, from: a.from, to: a.to };
    case 'loading':
      return { ...s, loading: true, error: null };
    case 'report':
      return { ...s, report: a.report, loading: false, error: null };
    case 'error':
      return { ...s, error: a.error, loading: false };
    case 'notice':
      return { ...s, notice: a.notice };
  }
}

/** Today in hall time (UTC+8), the default range. */
export function hallToday(now: number): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

export type RegionStore = Store<RegionState, RegionAction>;

export function createRegionStore(now = Date.now()): RegionStore {
  const today = hallToday(now);
  return createStore(regionReducer, {
    signedIn: getToken() !== null,
    halls: null,
    picked: [],
    from: today,
    to: today,
    report: null,
    loading: false,
    error: null,
    notice: null,
  });
}

const query = (s: RegionState) => `halls=${encodeURIComponent(s.picked.join(','))}&from=${s.from}&to=${s.to}`;

/** The intents of the center mode. */
export function regionActions(store: RegionStore) {
  const failed = (r: Ack<unknown>): boolean => {
    if (r.ok) return false;
    if (r.error.code === 'UNAUTHENTICATED') {
      setToken(null);
      store.dispatch({ type: 'signed-in', yes: false });
      store.dispatch({ type: 'error', error: '令牌无效或已更换，请重新输入 Token refused' });
    } else store.dispatch({ type: 'error', error: errorText(r.error) });
    return true;
  };
  // Only the answer to the latest request counts: picking the two dates sends two requests, and
  // the first one's answer may come last.
  let latest = 0;
  const loadReport = async () => {
    const mine = ++latest;
    store.dispatch({ type: 'loading' });
    const r = await api<RegionReport>('GET', `/api/center/report?${query(store.get())}`);
    if (mine !== latest) return;
    if (!failed(r) && r.ok) store.dispatch({ type: 'report', report: r.data });
  };
  const loadHalls = async () => {
    const r = await api<RegionHallStatus[]>('GET', '/api/center/report/halls');
    if (!failed(r) && r.ok) store.dispatch({ type: 'halls', halls: r.data });
  };
  return {
    async signIn(token: string) {
      setToken(token.trim());
      store.dispatch({ type: 'signed-in', yes: true });
      await Promise.all([loadHalls(), loadReport()]);
    },
    signOut() {
      setToken(null);
      store.dispatch({ type: 'signed-in', yes: false });
    },
    refresh: () => Promise.all([loadHalls(), loadReport()]),
    async setRange(from: string, to: string) {
      store.dispatch({ type: 'range', from, to });
      if (from !== '' && to !== '' && from <= to) await loadReport();
    },
    async toggleHall(hallId: string) {
      const picked = store.get().picked;
      store.dispatch({
        type: 'pick',
        picked: picked.includes(hallId) ? picked.filter((h) => h !== hallId) : [...picked, hallId].sort(),
      });
      await loadReport();
    },
    async allHalls() {
      store.dispatch({ type: 'pick', picked: [] });
      await loadReport();
    },
    async exportAs(format: 'csv' | 'xlsx') {
      const s = store.get();
      const err = await download(
        `/api/center/report/export?${query(s)}&format=${format}`,
        `region-stats-${s.from}-${s.to}.${format}`,
      );
      store.dispatch({
        type: 'notice',
        notice: err === null ? `已导出 ${format.toUpperCase()}` : `导出失败：${err}`,
      });
    },
  };
}

export type RegionActions = ReturnType<typeof regionActions>;
