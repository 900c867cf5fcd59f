import {
  type Ack,
  type ClientToServerEvents,
  COMMAND_NAMES,
  type HandshakeAuth,
  PROTOCOL_VERSION,
  type ServerToClientEvents,
  type StaffRole,
} from '@onewindow/shared';
import type { Server, Socket } from 'socket.io';
import { type Principal, permits } from '../auth/permissions.ts';
import type { AuthService } from '../service/auth.service.ts';
import type { HallViews } from '../service/hall.views.ts';
import type { CommandGateway } from './command.gateway.ts';

/** Events a paired terminal sends (handled in devices.realtime.ts). */
export const DEVICE_EVENTS: ReadonlySet<string> = new Set([
  'device:health',
  'device:print-result',
  'device:card',
  'device:card-error',
]);

export interface SocketData {
  principal: Principal;
  /** The staff token of the handshake: its session is checked again on every command. */
  token?: string;
}

export type HallIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type HallSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * Rooms: the public board (no personal data at all); staff whose post serves citizens (holders
 * masked); staff whose post does not (the back office, accountants, admins: no holders at all,
 * SEC-NTK-3); each window, each device. A staff socket is in its staff room only, not the
 * board's: the console reads staff facts, so each commit reaches each socket once (SEC-NTK-3);
 * what every screen gets (the notice) goes to `EVERYONE`.
 */
export const ROOMS = {
  board: 'board',
  staff: 'staff',
  staffNoHolders: 'staff:no-holders',
  window: (id: string) => `window:${id}`,
  device: (id: string) => `device:${id}`,
} as const;

/** Every room a connected screen or console is in. */
export const EVERYONE: readonly string[] = [ROOMS.board, ROOMS.staff, ROOMS.staffNoHolders];

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
    /** How often ended sessions are swept and their sockets dropped (15 s). */
    sweepMs?: number;
  },
): {
  broadcast: (facts: ReturnType<HallViews['factsOf']>) => void;
  disconnectDevice: (id: string) => void;
  disconnectSession: (token: string) => void;
} {
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
    if (principal.kind === 'staff' && typeof auth.token === 'string') socket.data.token = auth.token;
    next();
  });

  // Only public board sessions are kept for connection-state recovery. Socket.IO replays a
  // recovered session's missed packets before any middleware runs, so a staff or device
  // session must never be recoverable: its credentials may have been revoked meanwhile.
  const adapter = io.of('/').adapter as unknown as {
    persistSession?: (session: { data?: SocketData }) => void;
  };
  const persist = adapter.persistSession?.bind(adapter);
  if (persist !== undefined)
    adapter.persistSession = (session) => {
      if (session.data?.principal?.kind === 'anonymous') persist(session);
    };

  io.on('connection', (socket: HallSocket) => {
    const p = socket.data.principal;
    // Rooms follow the principal of this handshake, never a restored session's.
    const rooms = new Set<string>(
      p.kind === 'staff' ? [seesHolders(p.roles) ? ROOMS.staff : ROOMS.staffNoHolders] : [ROOMS.board],
    );
    if (p.kind === 'device') {
      rooms.add(ROOMS.device(p.id));
      if (p.windowId !== null) rooms.add(ROOMS.window(p.windowId));
    }
    for (const room of [...socket.rooms]) if (room !== socket.id && !rooms.has(room)) void socket.leave(room);
    for (const room of rooms) void socket.join(room);
    if (!socket.recovered) sendSnapshot(socket);

    socket.on('hall:resync', (...args: unknown[]) => {
      sendSnapshot(socket);
      ackOf(args)?.({ ok: true, data: { seq: deps.views.publicSnapshot().seq } });
    });

    for (const name of COMMAND_NAMES) {
      // Socket.IO passes the ack last: `emit(name, cb)` (no payload) and extra arguments still get an answer.
      socket.on(name, (...args: unknown[]) => {
        const reply = ackOf(args);
        const payload = typeof args[0] === 'function' ? undefined : args[0];
        // A logout, an expired session or new roles apply to open sockets too, not only to new ones.
        if (socket.data.token !== undefined) {
          socket.data.principal = deps.auth.principal({ token: socket.data.token });
          if (socket.data.principal.kind === 'anonymous') {
            reply?.({
              ok: false,
              error: { code: 'UNAUTHENTICATED', message: 'the session has ended; log in again' },
            });
            socket.disconnect(true);
            return;
          }
        }
        const result = deps.gateway.dispatch(socket.data.principal, name, payload, 'socket');
        reply?.(result);
      });
    }

    // Anything else is an unknown event: say so instead of staying silent.
    socket.onAny((event: string, ...args: unknown[]) => {
      if (event === 'hall:resync' || (COMMAND_NAMES as string[]).includes(event) || DEVICE_EVENTS.has(event))
        return;
      const ack = args.at(-1);
      if (typeof ack === 'function')
        ack({
          ok: false,
          error: { code: 'BAD_REQUEST', message: `unknown event ${String(event).slice(0, 64)}` },
        });
    });
  });

  // SEC-ACC-6: sockets of sessions that ended (expired, idle, disabled, reset) or whose roles
  // changed are dropped at once, not on their next command; a changed account reconnects with
  // its new rooms. The sweep ends expired and idle sessions every 15 s.
  const recheck = (staffId: string | null) => {
    for (const socket of io.of('/').sockets.values()) {
      const was = socket.data.principal;
      if (socket.data.token === undefined || was.kind !== 'staff') continue;
      if (staffId !== null && was.id !== staffId) continue;
      const now = deps.auth.principal({ token: socket.data.token }, { touch: false });
      if (now.kind !== 'staff' || now.roles.join() !== was.roles.join()) socket.disconnect(true);
    }
  };
  deps.auth.onSessionsChanged((e) => recheck('staffId' in e ? e.staffId : null));
  const sweep = setInterval(() => deps.auth.sweepSessions(), deps.sweepMs ?? 15_000);
  sweep.unref();
  io.httpServer?.once('close', () => clearInterval(sweep));

  function ackOf(args: unknown[]): ((a: Ack<unknown>) => void) | undefined {
    const last = args.at(-1);
    return typeof last === 'function' ? (last as (a: Ack<unknown>) => void) : undefined;
  }

  function sendSnapshot(socket: HallSocket): void {
    const p = socket.data.principal;
    socket.emit('hall:snapshot', deps.views.publicSnapshot());
    if (p.kind === 'staff') {
      const view = deps.views.staffView();
      socket.emit('staff:snapshot', seesHolders(p.roles) ? view : withoutHolders(view));
    }
  }

  return {
    broadcast({ pub, staff, restricted }) {
      for (const f of pub) io.to(ROOMS.board).emit('hall:fact', f);
      const whole = new Map(restricted.map((r) => [r.fact.seq, r]));
      const noHolders = (io.of('/').adapter.rooms.get(ROOMS.staffNoHolders)?.size ?? 0) > 0;
      for (const f of staff) {
        const r = whole.get(f.seq);
        if (r === undefined) {
          io.to(ROOMS.staff).emit('staff:fact', f);
          if (noHolders) io.to(ROOMS.staffNoHolders).emit('staff:fact', withoutHolders(f));
          continue;
        }
        // REC-UI-5: socket by socket, in the same order as the room sends, so no socket sees a gap.
        for (const socket of io.of('/').sockets.values()) {
          const p = socket.data.principal;
          if (p?.kind !== 'staff') continue;
          const reads = r.audience.staffIds.includes(p.id) || permits(p, r.audience.permission) === null;
          const out = reads ? r.fact : f;
          socket.emit('staff:fact', seesHolders(p.roles) ? out : withoutHolders(out));
        }
      }
    },
    /** A logout ends the sockets of that login at once, so they stop receiving staff facts. */
    disconnectSession(token) {
      for (const socket of io.of('/').sockets.values())
        if (socket.data.token === token) socket.disconnect(true);
    },
    disconnectDevice(id) {
      io.in(ROOMS.device(id)).disconnectSockets(true);
      deps.log('device disconnected after revoke', { deviceId: id });
    },
  };
}

/** The posts that meet citizens and need to see whose ticket it is (masked): SEC-NTK-3. */
const HOLDER_POSTS: readonly StaffRole[] = ['guide', 'clerk', 'rights-clerk', 'manager'];

export const seesHolders = (roles: readonly StaffRole[]): boolean =>
  roles.some((r) => HOLDER_POSTS.includes(r));

/** A staff view or fact with every ticket's holder removed. */
export function withoutHolders<T>(x: T): T {
  return JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'holder' ? null : v))) as T;
}
