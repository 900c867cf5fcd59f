/**
 * The kiosk's Socket.IO connection, as its paired device: card reads relayed by the
 * terminal agent of this same kiosk (`device:card`, never broadcast) and the hall's public
 * view, from which only the estimated waits and the server clock are kept.
 */
import type {
  CardRead,
  ClientToServerEvents,
  HandshakeAuth,
  ServerToClientEvents,
} from '@onewindow/shared/protocol.ts';
import { io, type Socket } from 'socket.io-client';
import { CLIENT_PROTOCOL_VERSION } from '../../../../display-board/src/core/connection.ts';
import type { KioskStore } from './store.ts';

export interface KioskConnection {
  close(): void;
}

export function connectKiosk(opts: {
  store: KioskStore;
  deviceToken: string;
  onCard: (card: CardRead) => void;
}): KioskConnection {
  const auth: HandshakeAuth = { protocol: CLIENT_PROTOCOL_VERSION, deviceToken: opts.deviceToken };
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
    auth,
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
    timeout: 10_000,
  });
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | null = null;
  const scheduleRetry = (ms: number) => {
    if (retry !== null || closed) return;
    retry = setTimeout(() => {
      retry = null;
      if (!closed && !socket.connected) socket.connect();
    }, ms);
  };
  socket.on('device:card', (card) => opts.onCard(card));
  socket.on('hall:snapshot', (s) =>
    opts.store.dispatch({
      type: 'estimates',
      estimates: s.estimates,
      ...(s.serverTime !== undefined ? { serverTime: s.serverTime } : {}),
    }),
  );
  socket.on('hall:fact', (f) =>
    opts.store.dispatch({ type: 'estimates', estimates: f.estimates, serverTime: f.at }),
  );
  socket.on('disconnect', (reason) => {
    if (!closed && reason === 'io server disconnect') scheduleRetry(1000);
  });
  socket.on('connect_error', (err) => {
    if (closed) return;
    if (err.message === 'UNAUTHENTICATED') {
      opts.store.dispatch({ type: 'unauthorized' });
      return;
    }
    if (!socket.active) scheduleRetry(5000);
  });
  return {
    close() {
      closed = true;
      if (retry !== null) clearTimeout(retry);
      socket.close();
    },
  };
}
