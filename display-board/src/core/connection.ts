/**
 * The one place that touches the transport: a Socket.IO connection that feeds the store.
 * A snapshot replaces the view; a fact is folded by `applyFact`; a gap in `seq` freezes the
 * view and asks for a snapshot (`hall:resync`). Reconnection is automatic with backoff and
 * survives a server restart: the new server sends a snapshot on connect.
 */
import { emitCommand, openSocket } from '@onewindow/shared/client';
import type { Ack, CommandPayload, CommandResult } from '@onewindow/shared/protocol.ts';
import type { PublicFact, PublicSnapshot } from '@onewindow/shared/public-view.ts';
import type { HallStore } from './store.ts';

/** How long to wait for a snapshot after `hall:resync` before asking again. */
const RESYNC_RETRY_MS = 5000;

/** What screens may ask of the server; components get this, never the socket. */
export interface HallCommands {
  rate(payload: CommandPayload<'ticket:rate'>): Promise<Ack<CommandResult>>;
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
  const connection = openSocket({
    credentials: opts.deviceToken === null ? null : { deviceToken: opts.deviceToken },
    ...(opts.url !== undefined ? { url: opts.url } : {}),
    onDown: () => store.dispatch({ type: 'status', status: 'reconnecting' }),
    onUnauthorized: () => store.dispatch({ type: 'unauthorized' }),
    onProtocolMismatch: (message) => store.dispatch({ type: 'fatal', message }),
  });
  const { socket } = connection;
  const factListeners = new Set<(f: PublicFact) => void>();
  const snapshotListeners = new Set<(s: PublicSnapshot, prev: PublicSnapshot | null) => void>();
  let resyncTimer: ReturnType<typeof setTimeout> | null = null;

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

  socket.on('disconnect', () => {
    // A snapshot asked for on the old connection will not come: ask again after reconnecting.
    if (resyncTimer !== null) clearTimeout(resyncTimer);
    resyncTimer = null;
  });

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
      return emitCommand(socket, 'ticket:rate', payload);
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
      if (resyncTimer !== null) clearTimeout(resyncTimer);
      resyncTimer = null;
      connection.close();
    },
  };
}
