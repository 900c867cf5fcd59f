/**
 * The console's live hall: one Socket.IO connection with the staff token. `staff:snapshot`
 * replaces the view, `staff:fact` is folded by the shared `applyFact`, and a gap in seq freezes
 * the view and asks for a snapshot (`hall:resync`) — the same protocol the display screens use.
 * Besides the queue it keeps what the guide's alerts and the clerk's counter need: device
 * health, failed print jobs, card reads at the counter, and no-shows seen this session.
 */
import type { CounterCard } from '@onewindow/shared/console.ts';
import type { DeviceStatus } from '@onewindow/shared/devices.ts';
import type { Ticket } from '@onewindow/shared/domain.ts';
import type {
  Ack,
  ClientToServerEvents,
  HandshakeAuth,
  ServerToClientEvents,
} from '@onewindow/shared/protocol.ts';
import { applyFact, type StaffFact, type StaffView } from '@onewindow/shared/public-view.ts';
import { io, type Socket } from 'socket.io-client';
import { CLIENT_PROTOCOL_VERSION } from '../../../../display-board/src/core/connection.ts';
import { createStore, type Store } from '../../../../display-board/src/core/store.ts';

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
}

export type ConsoleAction =
  | { type: 'status'; status: ConsoleState['status'] }
  | { type: 'snapshot'; view: StaffView }
  | { type: 'fact'; fact: StaffFact }
  | { type: 'notice'; text: string }
  | { type: 'device'; status: DeviceStatus }
  | { type: 'devices'; list: DeviceStatus[] }
  | { type: 'print-failed'; failure: PrintFailure }
  | { type: 'card'; card: CounterCardSeen };

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
      if (state.view === null || state.gap) return state;
      const next = applyFact(state.view, action.fact);
      if (next === null) return { ...state, gap: true, status: 'reconnecting' };
      if (next === state.view) return state;
      let noShows = state.noShows;
      for (const t of action.fact.tickets) {
        if (t.status === 'no-show') noShows = { ...noShows, [t.id]: t };
        else if (noShows[t.id] !== undefined) {
          const { [t.id]: _gone, ...rest } = noShows;
          noShows = rest;
        }
      }
      const done = action.fact.tickets.filter((t) => t.status === 'done');
      const finished = done.length === 0 ? state.finished : [...done, ...state.finished].slice(0, 50);
      return { ...state, view: next, noShows, finished, skew: action.fact.at - Date.now() };
    }
    case 'notice':
      return state.view === null ? state : { ...state, view: { ...state.view, notice: action.text } };
    case 'device':
      return { ...state, devices: { ...state.devices, [action.status.deviceId]: action.status } };
    case 'devices':
      return { ...state, devices: Object.fromEntries(action.list.map((d) => [d.deviceId, d])) };
    case 'print-failed':
      return { ...state, printFailures: [action.failure, ...state.printFailures].slice(0, 50) };
    case 'card':
      return { ...state, cards: [action.card, ...state.cards].slice(0, 10) };
  }
}

export type ConsoleStore = Store<ConsoleState, ConsoleAction>;

type StaffSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const RESYNC_RETRY_MS = 5000;

export interface StaffConnection {
  store: ConsoleStore;
  close(): void;
}

/** Connects with the staff token; `onUnauthorized` runs when the server refuses it (logged out). */
export function connectStaff(token: string, onUnauthorized: () => void): StaffConnection {
  const store = createStore(consoleReducer, initialConsoleState);
  const auth: HandshakeAuth = { token, protocol: CLIENT_PROTOCOL_VERSION };
  const socket: StaffSocket = io({
    auth,
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
  });
  let resyncTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

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
  socket.on('disconnect', (reason) => {
    if (closed) return;
    store.dispatch({ type: 'status', status: 'reconnecting' });
    if (reason === 'io server disconnect') setTimeout(() => !closed && socket.connect(), 1000);
  });
  socket.on('connect_error', (err) => {
    if (closed) return;
    store.dispatch({ type: 'status', status: 'reconnecting' });
    if (err.message === 'UNAUTHENTICATED') {
      closed = true;
      socket.close();
      onUnauthorized();
      return;
    }
    if (!socket.active) setTimeout(() => !closed && socket.connect(), 5000);
  });
  socket.on('staff:snapshot', (view) => {
    if (resyncTimer !== null) clearTimeout(resyncTimer);
    resyncTimer = null;
    store.dispatch({ type: 'snapshot', view });
  });
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

  activeSocket = socket;
  return {
    store,
    close() {
      if (activeSocket === socket) activeSocket = null;
      closed = true;
      if (resyncTimer !== null) clearTimeout(resyncTimer);
      socket.close();
    },
  };
}

let activeSocket: StaffSocket | null = null;

/**
 * Sends a command over the staff socket (the server records a guide's ticket as issued at the
 * guide desk only when it comes this way; REST is for integrations). Null when not connected:
 * the caller then uses REST.
 */
export function socketCommand<T = unknown>(name: string, payload: object): Promise<Ack<T>> | null {
  const socket = activeSocket;
  if (socket === null || !socket.connected) return null;
  return new Promise((resolve) => {
    (socket.timeout(8000) as unknown as { emit: (...a: unknown[]) => void }).emit(
      name,
      payload,
      (err: Error | null, ack: Ack<T>) =>
        resolve(
          err === null
            ? ack
            : { ok: false, error: { code: 'UNAVAILABLE', message: 'no answer from the server' } },
        ),
    );
  });
}
