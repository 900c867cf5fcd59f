/**
 * The console's live hall: one Socket.IO connection with the staff token. `staff:snapshot`
 * replaces the view, `staff:fact` is folded by the shared `applyFact`, and a gap in seq freezes
 * the view and asks for a snapshot (`hall:resync`) — the same protocol the display screens use.
 * Besides the queue it keeps what the guide's alerts and the clerk's counter need: device
 * health, failed print jobs, card reads at the counter, and no-shows seen this session; and the
 * back office's cases (core/case-book.ts), kept current by the case each case fact carries.
 */

import type { CaseRecord, CaseStatus } from '@onewindow/shared/cases.ts';
import {
  type ClientSocket,
  createStore,
  emitCommand,
  openSocket,
  type Store,
} from '@onewindow/shared/client';
import type { CounterCard } from '@onewindow/shared/console.ts';
import type { DeviceStatus } from '@onewindow/shared/devices.ts';
import type { Ticket } from '@onewindow/shared/domain.ts';
import type { Ack, CommandName, CommandPayload, CommandResult } from '@onewindow/shared/protocol.ts';
import { applyFact, type StaffFact, type StaffView } from '@onewindow/shared/public-view.ts';
import type { RiskAlert } from '@onewindow/shared/risk.ts';
import { type CaseBook, emptyCaseBook, loadedCases, putCase } from './case-book.ts';

/** A card read at this clerk's counter (masked only), with when it arrived here. */
export type CounterCardSeen = CounterCard & { at: number };

export interface PrintFailure {
  jobId: string;
  deviceId: string;
  reason: string;
  at: number;
}

export interface ConsoleState {
  status: 'connecting' | 'live' | 'reconnecting';
  view: StaffView | null;
  gap: boolean;
  snapshots: number;
  devices: Record<string, DeviceStatus>;
  printFailures: PrintFailure[];
  cards: CounterCardSeen[];
  /** No-shows seen in facts since this console connected (the guide may reinstate them). */
  noShows: Record<string, Ticket>;
  /** The server's clock minus ours (waits are judged by the server's clock). */
  skew: number;
  /** Tickets finished since this console connected, newest first (the clerk's recent work). */
  finished: Ticket[];
  /** The time-limited cases loaded so far, current with every pushed case fact. */
  cases: CaseBook;
  /**
   * Risk alerts as the server last gave them (RISK-HND-5): all of them for a manager, the
   * long waits for a guide; loaded once, then kept current by `risk:alerts` pushes.
   */
  riskAlerts: Record<string, RiskAlert>;
  /**
   * The last 日结轧账 fact this console may read whole (REC-UI-5: the clerk's own, or any for a
   * manager): the screens on that day ask for it again.
   */
  reconChanged: { seq: number; clerkId: string; businessDay: string } | null;
}

export type ConsoleAction =
  | { type: 'status'; status: ConsoleState['status'] }
  | { type: 'snapshot'; view: StaffView }
  | { type: 'fact'; fact: StaffFact }
  | { type: 'notice'; text: string }
  | { type: 'device'; status: DeviceStatus }
  | { type: 'devices'; list: DeviceStatus[] }
  | { type: 'print-failed'; failure: PrintFailure }
  | { type: 'card'; card: CounterCardSeen }
  /** This clerk's tickets finished today, as the server lists them (after a reload). */
  | { type: 'finished-loaded'; list: Ticket[] }
  /** A case as a command's answer gave it. */
  | { type: 'case'; case: CaseRecord }
  /** Every case of `statuses`, asked for when the view stood at seq `asOf` and snapshot `snapshots`. */
  | { type: 'cases-loaded'; statuses: CaseStatus[]; list: CaseRecord[]; asOf: number; snapshots: number }
  /** Alerts pushed or loaded; `replace` drops the ones not listed (a fresh load). */
  | { type: 'risk-alerts'; alerts: RiskAlert[]; replace?: boolean };

export const initialConsoleState: ConsoleState = {
  status: 'connecting',
  view: null,
  gap: false,
  snapshots: 0,
  devices: {},
  printFailures: [],
  cards: [],
  noShows: {},
  skew: 0,
  finished: [],
  cases: emptyCaseBook,
  riskAlerts: {},
  reconChanged: null,
};

export function consoleReducer(state: ConsoleState, action: ConsoleAction): ConsoleState {
  switch (action.type) {
    case 'status':
      return state.status === action.status ? state : { ...state, status: action.status };
    case 'snapshot':
      return {
        ...state,
        view: action.view,
        gap: false,
        status: 'live',
        snapshots: state.snapshots + 1,
        skew: action.view.serverTime === undefined ? state.skew : action.view.serverTime - Date.now(),
      };
    case 'fact': {
      // The case rides with its fact whole and versioned: folded even while the queue view waits
      // for a snapshot.
      const folded =
        action.fact.case === undefined ? state : foldCase(state, putCase(state.cases, action.fact.case));
      // REC-UI-3: the clerk's own 日结 facts arrive whole (others' bare, REC-UI-5); the fact's own
      // type decides, so a fact whose event is reduced to its seq is never misread.
      const ev = action.fact.event as { clerkId?: unknown; businessDay?: unknown } | undefined;
      const s =
        action.fact.type.startsWith('recon:') &&
        typeof ev?.clerkId === 'string' &&
        typeof ev.businessDay === 'string'
          ? {
              ...folded,
              reconChanged: { seq: action.fact.seq, clerkId: ev.clerkId, businessDay: ev.businessDay },
            }
          : folded;
      if (s.view === null || s.gap) return s;
      const next = applyFact(s.view, action.fact);
      if (next === null) return { ...s, gap: true, status: 'reconnecting' };
      if (next === s.view) return s;
      let noShows = s.noShows;
      for (const t of action.fact.tickets) {
        if (t.status === 'no-show') noShows = { ...noShows, [t.id]: t };
        else if (noShows[t.id] !== undefined) {
          const { [t.id]: _gone, ...rest } = noShows;
          noShows = rest;
        }
      }
      const done = action.fact.tickets.filter((t) => t.status === 'done');
      const finished = done.length === 0 ? s.finished : mergeFinished(s.finished, done);
      return { ...s, view: next, noShows, finished, skew: action.fact.at - Date.now() };
    }
    case 'notice':
      return state.view === null ? state : { ...state, view: { ...state.view, notice: action.text } };
    case 'device':
      return { ...state, devices: { ...state.devices, [action.status.deviceId]: action.status } };
    case 'devices':
      return { ...state, devices: Object.fromEntries(action.list.map((d) => [d.deviceId, d])) };
    case 'finished-loaded':
      return { ...state, finished: mergeFinished(state.finished, action.list) };
    case 'print-failed':
      return { ...state, printFailures: [action.failure, ...state.printFailures].slice(0, 50) };
    case 'card':
      return { ...state, cards: [action.card, ...state.cards].slice(0, 10) };
    case 'case':
      return foldCase(state, putCase(state.cases, action.case));
    case 'risk-alerts': {
      const next = action.replace ? {} : { ...state.riskAlerts };
      for (const a of action.alerts) next[a.alertId] = a;
      return { ...state, riskAlerts: next };
    }
    case 'cases-loaded':
      return foldCase(
        state,
        loadedCases(state.cases, action.statuses, action.list, action.asOf, action.snapshots),
      );
  }
}

/**
 * Finished tickets, one row per ticket (CON-DONE-1): a later fact about a done ticket (its slip,
 * its rating) carries it again and replaces the row rather than adding one; newest finish first.
 */
export function mergeFinished(have: readonly Ticket[], incoming: readonly Ticket[]): Ticket[] {
  const byId = new Map(have.map((t) => [t.id, t]));
  for (const t of incoming) byId.set(t.id, t);
  return [...byId.values()].sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0)).slice(0, 50);
}

const foldCase = (state: ConsoleState, cases: CaseBook): ConsoleState =>
  cases === state.cases ? state : { ...state, cases };

export type ConsoleStore = Store<ConsoleState, ConsoleAction>;

const RESYNC_RETRY_MS = 5000;

export interface StaffConnection {
  store: ConsoleStore;
  close(): void;
}

/** Connects with the staff token; `onUnauthorized` runs when the server refuses it (logged out). */
export function connectStaff(token: string, onUnauthorized: () => void): StaffConnection {
  const store = createStore(consoleReducer, initialConsoleState);
  const connection = openSocket({
    credentials: { token },
    onDown: () => store.dispatch({ type: 'status', status: 'reconnecting' }),
    onUnauthorized: () => {
      close();
      onUnauthorized();
    },
  });
  const { socket } = connection;
  let resyncTimer: ReturnType<typeof setTimeout> | null = null;

  const requestResync = () => {
    if (resyncTimer !== null || !socket.connected) return;
    socket.emit('hall:resync', () => undefined);
    resyncTimer = setTimeout(() => {
      resyncTimer = null;
      if (store.get().gap) requestResync();
    }, RESYNC_RETRY_MS);
  };

  socket.on('connect', () => {
    if (store.get().gap) requestResync();
  });
  socket.on('disconnect', () => {
    // A snapshot asked for on the old connection will not come: ask again after reconnecting.
    if (resyncTimer !== null) clearTimeout(resyncTimer);
    resyncTimer = null;
  });
  socket.on('staff:snapshot', (view) => {
    if (resyncTimer !== null) clearTimeout(resyncTimer);
    resyncTimer = null;
    store.dispatch({ type: 'snapshot', view });
  });
  socket.on('risk:alerts', (alerts) => store.dispatch({ type: 'risk-alerts', alerts }));
  socket.on('staff:fact', (fact) => {
    store.dispatch({ type: 'fact', fact });
    if (store.get().gap) requestResync();
  });
  socket.on('hall:notice', ({ text }) => store.dispatch({ type: 'notice', text }));
  socket.on('device:status', (status) => store.dispatch({ type: 'device', status }));
  socket.on('print:result', (r) => {
    if (r.status === 'failed')
      store.dispatch({
        type: 'print-failed',
        failure: {
          jobId: r.jobId,
          deviceId: r.deviceId,
          reason: r.reason,
          at: Date.now() + store.get().skew,
        },
      });
  });
  socket.on('counter:card', (c) =>
    store.dispatch({ type: 'card', card: { ...c, at: Date.now() + store.get().skew } }),
  );

  function close(): void {
    if (activeSocket === socket) activeSocket = null;
    if (resyncTimer !== null) clearTimeout(resyncTimer);
    resyncTimer = null;
    connection.close();
  }

  activeSocket = socket;
  return { store, close };
}

let activeSocket: ClientSocket | null = null;

/**
 * Sends a command over the staff socket (the server records a guide's ticket as issued at the
 * guide desk only when it comes this way; REST is for integrations). Null when not connected:
 * the caller then uses REST.
 */
export function socketCommand<N extends CommandName>(
  name: N,
  payload: CommandPayload<N>,
): Promise<Ack<CommandResult>> | null {
  const socket = activeSocket;
  if (socket === null || !socket.connected) return null;
  return emitCommand(socket, name, payload);
}
