import {
  type Ack,
  type ClientToServerEvents,
  COMMAND_NAMES,
  type HandshakeAuth,
  PROTOCOL_VERSION,
  type ServerToClientEvents,
} from '@onewindow/shared';
import type { Server, Socket } from 'socket.io';
import type { Principal } from '../auth/permissions.ts';
import type { AuthService } from './auth.service.ts';
import type { CommandGateway } from './command.gateway.ts';
import type { HallViews } from './hall.views.ts';

interface SocketData {
  principal: Principal;
}

export type HallIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type HallSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Rooms: the public board (no personal data at all), staff, each window, each device. */
export const ROOMS = {
  board: 'board',
  staff: 'staff',
  window: (id: string) => `window:${id}`,
  device: (id: string) => `device:${id}`,
} as const;

/**
 * Socket.IO side of the server. Every connection gets a snapshot unless Socket.IO recovered
 * its session (then the missed facts were replayed to it); facts follow in seq order. A
 * client that sees a gap sends `hall:resync` and gets a fresh snapshot.
 */
export function attachRealtime(
  io: HallIo,
  deps: {
    auth: AuthService;
    gateway: CommandGateway;
    views: HallViews;
    log: (msg: string, extra?: object) => void;
  },
): { broadcast: (facts: ReturnType<HallViews['factsOf']>) => void; disconnectDevice: (id: string) => void } {
  io.use((socket, next) => {
    const auth = (socket.handshake.auth ?? {}) as HandshakeAuth;
    if (auth.protocol !== undefined && auth.protocol !== PROTOCOL_VERSION) {
      next(
        new Error(`protocol ${String(auth.protocol)} is not supported (server speaks ${PROTOCOL_VERSION})`),
      );
      return;
    }
    const principal = deps.auth.principal({
      token: typeof auth.token === 'string' ? auth.token : undefined,
      deviceToken: typeof auth.deviceToken === 'string' ? auth.deviceToken : undefined,
    });
    if ((auth.token || auth.deviceToken) && principal.kind === 'anonymous') {
      next(new Error('UNAUTHENTICATED'));
      return;
    }
    socket.data.principal = principal;
    next();
  });

  io.on('connection', (socket: HallSocket) => {
    const p = socket.data.principal;
    if (!socket.recovered) {
      void socket.join(ROOMS.board);
      if (p.kind === 'staff') void socket.join(ROOMS.staff);
      if (p.kind === 'device') {
        void socket.join(ROOMS.device(p.id));
        if (p.windowId !== null) void socket.join(ROOMS.window(p.windowId));
      }
      sendSnapshot(socket);
    }

    socket.on('hall:resync', (ack) => {
      sendSnapshot(socket);
      if (typeof ack === 'function') ack({ ok: true, data: { seq: deps.views.publicSnapshot().seq } });
    });

    for (const name of COMMAND_NAMES) {
      socket.on(name, (payload: unknown, ack: unknown) => {
        const reply = typeof ack === 'function' ? (ack as (a: Ack<unknown>) => void) : undefined;
        // Clients on an old protocol may send a callback first; a command without an ack is still answered nowhere.
        const result = deps.gateway.dispatch(socket.data.principal, name, payload, 'socket');
        reply?.(result);
      });
    }

    // Anything else is an unknown event: say so instead of staying silent.
    socket.onAny((event: string, ...args: unknown[]) => {
      if (event === 'hall:resync' || (COMMAND_NAMES as string[]).includes(event)) return;
      const ack = args.at(-1);
      if (typeof ack === 'function')
        ack({
          ok: false,
          error: { code: 'BAD_REQUEST', message: `unknown event ${String(event).slice(0, 64)}` },
        });
    });
  });

  function sendSnapshot(socket: HallSocket): void {
    const p = socket.data.principal;
    socket.emit('hall:snapshot', deps.views.publicSnapshot());
    if (p.kind === 'staff') socket.emit('staff:snapshot', deps.views.staffView());
  }

  return {
    broadcast({ pub, staff }) {
      for (const f of pub) io.to(ROOMS.board).emit('hall:fact', f);
      for (const f of staff) io.to(ROOMS.staff).emit('staff:fact', f);
    },
    disconnectDevice(id) {
      io.in(ROOMS.device(id)).disconnectSockets(true);
      deps.log('device disconnected after revoke', { deviceId: id });
    },
  };
}
