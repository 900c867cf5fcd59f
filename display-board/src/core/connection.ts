/**
 * The one place that touches the transport: a Socket.IO connection that feeds the store.
 * A snapshot replaces the view; a fact is folded by `applyFact`; a gap in `seq` freezes the
 * view and asks for a snapshot (`hall:resync`). Reconnection is automatic with backoff and
 * survives a server restart: the new server sends a snapshot on connect.
 */
import type { RatingReason } from '@onewindow/shared/domain.ts';
import type {
  Ack,
  ClientToServerEvents,
  CommandResult,
  HandshakeAuth,
  ServerToClientEvents,
} from '@onewindow/shared/protocol.ts';
import type { PublicFact, PublicSnapshot } from '@onewindow/shared/public-view.ts';
import { io, type Socket } from 'socket.io-client';
import type { HallStore } from './store.ts';

/**
 * Must equal `PROTOCOL_VERSION` in shared/src/protocol.ts, which cannot be imported here
 * without pulling zod into the bundle; connection.test.ts checks they agree.
 */
export const CLIENT_PROTOCOL_VERSION = 1;

type HallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long to wait for a snapshot after `hall:resync` before asking again. */
const RESYNC_RETRY_MS = 5000;
/** How long a command may take before the screen says the network is down. */
const COMMAND_TIMEOUT_MS = 8000;

/** What screens may ask of the server; components get this, never the socket. */
export interface HallCommands {
  rate(payload: { ticketId: string; level: number; reasons?: RatingReason[] }): Promise<Ack<CommandResult>>;
  /** A paired screen tells the server about its voice (the manager's device status); sent again on reconnect. */
  reportHealth(health: { voice: 'ok' | 'no-mandarin-voice' }): void;
}

export interface HallConnection extends HallCommands {
  /** Facts that changed the view, in order (voice calling listens here). */
  onFact(listener: (fact: PublicFact) => void): () => void;
  /** Every snapshot, with the view it replaced (null for the first). */
  onSnapshot(listener: (snapshot: PublicSnapshot, previous: PublicSnapshot | null) => void): () => void;
  close(): void;
}

export function connectHall(opts: {
  store: HallStore;
  /** Null for the public board (anonymous, read-only). */
  deviceToken: string | null;
  /** Same origin by default (the queue server serves this app). */
  url?: string;
}): HallConnection {
  const { store } = opts;
  const auth: HandshakeAuth = { protocol: CLIENT_PROTOCOL_VERSION };
  if (opts.deviceToken !== null) auth.deviceToken = opts.deviceToken;
  const socketOpts = {
    auth,
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
    randomizationFactor: 0.5,
    timeout: 10_000,
  };
  const socket: HallSocket = opts.url === undefined ? io(socketOpts) : io(opts.url, socketOpts);
  const factListeners = new Set<(f: PublicFact) => void>();
  const snapshotListeners = new Set<(s: PublicSnapshot, prev: PublicSnapshot | null) => void>();
  let resyncTimer: ReturnType<typeof setTimeout> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const requestResync = () => {
    if (resyncTimer !== null || !socket.connected) return;
    socket.emit('hall:resync', () => undefined);
    resyncTimer = setTimeout(() => {
      resyncTimer = null;
      if (store.get().gap) requestResync();
    }, RESYNC_RETRY_MS);
  };

  let health: { voice: 'ok' | 'no-mandarin-voice' } | null = null;
  const sendHealth = () => {
    if (health !== null && opts.deviceToken !== null && socket.connected)
      socket.emit('device:health', health, () => undefined);
  };

  socket.on('connect', () => {
    sendHealth();
    // A recovered session (public board) had its missed facts replayed and gets no snapshot.
    if (socket.recovered && store.get().view !== null && !store.get().gap)
      store.dispatch({ type: 'status', status: 'live' });
    else if (store.get().gap) requestResync();
  });

  socket.on('disconnect', (reason) => {
    if (closed) return;
    store.dispatch({ type: 'status', status: 'reconnecting' });
    if (resyncTimer !== null) clearTimeout(resyncTimer);
    resyncTimer = null;
    // The server ended the session (a revoke, a logout, a restart's shutdown): Socket.IO
    // does not retry those by itself. Try again; a revoked token is refused at the handshake.
    if (reason === 'io server disconnect') scheduleRetry(1000);
  });

  socket.on('connect_error', (err) => {
    if (closed) return;
    store.dispatch({ type: 'status', status: 'reconnecting' });
    if (err.message === 'UNAUTHENTICATED') {
      store.dispatch({ type: 'unauthorized' });
      return;
    }
    if (/^protocol /.test(err.message)) store.dispatch({ type: 'fatal', message: err.message });
    // A refusal by the server's middleware is not retried by Socket.IO; a network error is.
    if (!socket.active) scheduleRetry(/^protocol /.test(err.message) ? 60_000 : 5000);
  });

  function scheduleRetry(ms: number): void {
    if (retryTimer !== null || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (!closed && !socket.connected) socket.connect();
    }, ms);
  }

  socket.on('hall:snapshot', (snapshot) => {
    if (resyncTimer !== null) clearTimeout(resyncTimer);
    resyncTimer = null;
    const previous = store.get().view;
    store.dispatch({ type: 'snapshot', snapshot });
    for (const l of [...snapshotListeners]) l(snapshot, previous);
  });

  socket.on('hall:notice', ({ text }) => store.dispatch({ type: 'notice', text }));

  socket.on('hall:fact', (fact) => {
    const before = store.get();
    store.dispatch({ type: 'fact', fact });
    const after = store.get();
    if (after.gap) {
      requestResync();
      return;
    }
    if (after.view !== before.view) for (const l of [...factListeners]) l(fact);
  });

  return {
    reportHealth(h) {
      health = h;
      sendHealth();
    },
    rate(payload) {
      return new Promise((resolve) => {
        socket
          .timeout(COMMAND_TIMEOUT_MS)
          .emit('ticket:rate', payload, (err: Error | null, ack: Ack<CommandResult>) => {
            resolve(
              err === null
                ? ack
                : { ok: false, error: { code: 'UNAVAILABLE', message: 'no answer from the server' } },
            );
          });
      });
    },
    onFact(listener) {
      factListeners.add(listener);
      return () => factListeners.delete(listener);
    },
    onSnapshot(listener) {
      snapshotListeners.add(listener);
      return () => snapshotListeners.delete(listener);
    },
    close() {
      closed = true;
      if (resyncTimer !== null) clearTimeout(resyncTimer);
      if (retryTimer !== null) clearTimeout(retryTimer);
      socket.close();
    },
  };
}
