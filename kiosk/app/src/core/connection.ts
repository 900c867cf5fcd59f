/**
 * The kiosk's Socket.IO connection, as its paired device: card reads relayed by the
 * terminal agent of this same kiosk (`device:card`, never broadcast) and the hall's public
 * view, from which only the estimated waits and the server clock are kept.
 */
import { openSocket } from '@onewindow/shared/client';
import type { CardError } from '@onewindow/shared/devices.ts';
import type { CardRead } from '@onewindow/shared/protocol.ts';
import type { KioskStore } from './store.ts';

/** How long a card error stays on screen (DEV-6). */
export const CARD_ERROR_SHOWN_MS = 15_000;

export interface KioskConnection {
  close(): void;
}

export function connectKiosk(opts: {
  store: KioskStore;
  deviceToken: string;
  onCard: (card: CardRead) => void;
  /** A card on the reader gave nothing (DEV-6). */
  onCardError: (error: CardError) => void;
}): KioskConnection {
  const { socket, close } = openSocket({
    credentials: { deviceToken: opts.deviceToken },
    onUnauthorized: () => opts.store.dispatch({ type: 'unauthorized' }),
  });
  socket.on('device:card', (card) => opts.onCard(card));
  let cardErrorTimer: ReturnType<typeof setTimeout> | null = null;
  socket.on('device:card-error', (error) => {
    opts.store.dispatch({ type: 'card-error', error });
    opts.onCardError(error);
    // Long enough to read twice; a good read or a reset clears it sooner.
    if (cardErrorTimer !== null) clearTimeout(cardErrorTimer);
    cardErrorTimer = setTimeout(() => {
      if (opts.store.get().cardError === error) opts.store.dispatch({ type: 'card-error', error: null });
    }, CARD_ERROR_SHOWN_MS);
  });
  // This kiosk's own status (DEV-8): a printer out of paper is said before anyone starts.
  socket.on('device:status', (s) =>
    opts.store.dispatch({ type: 'printer', printer: s.health.printer ?? null }),
  );
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
  return {
    close() {
      if (cardErrorTimer !== null) clearTimeout(cardErrorTimer);
      close();
    },
  };
}
