/**
 * The kiosk's Socket.IO connection, as its paired device: card reads relayed by the
 * terminal agent of this same kiosk (`device:card`, never broadcast) and the hall's public
 * view, from which only the estimated waits and the server clock are kept.
 */
import { openSocket } from '@onewindow/shared/client';
import type { CardRead } from '@onewindow/shared/protocol.ts';
import type { KioskStore } from './store.ts';

export interface KioskConnection {
  close(): void;
}

export function connectKiosk(opts: {
  store: KioskStore;
  deviceToken: string;
  onCard: (card: CardRead) => void;
}): KioskConnection {
  const { socket, close } = openSocket({
    credentials: { deviceToken: opts.deviceToken },
    onUnauthorized: () => opts.store.dispatch({ type: 'unauthorized' }),
  });
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
  return { close };
}
