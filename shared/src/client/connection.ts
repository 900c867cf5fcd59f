/**
 * Socket.IO as every OneWindow screen opens it: the protocol version and credentials in the
 * handshake, automatic reconnection with backoff, and the retries Socket.IO does not make by
 * itself (after the server ended the session, or after its middleware refused the handshake).
 * What the screen does with the events stays in each app's own connection module.
 */

import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  CommandName,
  CommandPayload,
  CommandResult,
  HandshakeAuth,
  ServerToClientEvents,
} from '../protocol.ts';

/**
 * Must equal `PROTOCOL_VERSION` in shared/src/protocol.ts, which cannot be imported here
 * without pulling zod into the bundles; connection.test.ts checks they agree.
 */
export const CLIENT_PROTOCOL_VERSION = 1;

/** A screen's socket, typed by the shared event maps. */
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a command may take before the screen says the network is down. */
export const COMMAND_TIMEOUT_MS = 8000;

export interface OpenSocketOptions {
  /** A staff login token, a device token, or neither (the public board, read-only). */
  credentials: { token: string } | { deviceToken: string } | null;
  /** Same origin by default (the queue server serves every app). */
  url?: string;
  /** The connection dropped or could not be made; it is being retried. */
  onDown?: () => void;
  /** The server refused the credentials (revoked device, ended session): no retry follows. */
  onUnauthorized: () => void;
  /** The server speaks another protocol version; retried once a minute (an upgrade may be under way). */
  onProtocolMismatch?: (message: string) => void;
}

export interface OpenedSocket {
  socket: ClientSocket;
  /** Stops every retry and closes the socket; events after this are ignored. */
  close(): void;
  /** Whether `close()` was called (handlers the app adds check it for late events). */
  readonly closed: boolean;
}

export function openSocket(opts: OpenSocketOptions): OpenedSocket {
  const auth: HandshakeAuth = { protocol: CLIENT_PROTOCOL_VERSION, ...opts.credentials };
  const socketOpts = {
    auth,
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
    randomizationFactor: 0.5,
    timeout: 10_000,
  };
  const socket: ClientSocket = opts.url === undefined ? io(socketOpts) : io(opts.url, socketOpts);
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const scheduleRetry = (ms: number) => {
    if (retry !== null || closed) return;
    retry = setTimeout(() => {
      retry = null;
      if (!closed && !socket.connected) socket.connect();
    }, ms);
  };

  socket.on('disconnect', (reason) => {
    if (closed) return;
    opts.onDown?.();
    // The server ended the session (a revoke, a logout, a restart's shutdown): Socket.IO
    // does not retry those by itself. Try again; a revoked token is refused at the handshake.
    if (reason === 'io server disconnect') scheduleRetry(1000);
  });

  socket.on('connect_error', (err) => {
    if (closed) return;
    opts.onDown?.();
    if (err.message === 'UNAUTHENTICATED') {
      opts.onUnauthorized();
      return;
    }
    const mismatch = /^protocol /.test(err.message);
    if (mismatch) opts.onProtocolMismatch?.(err.message);
    // A refusal by the server's middleware is not retried by Socket.IO; a network error is.
    if (!socket.active) scheduleRetry(mismatch ? 60_000 : 5000);
  });

  return {
    socket,
    get closed() {
      return closed;
    },
    close() {
      closed = true;
      if (retry !== null) clearTimeout(retry);
      retry = null;
      socket.close();
    },
  };
}

/** The ack a command gets when the server did not answer in time. */
const NO_ANSWER: Ack<never> = {
  ok: false,
  error: { code: 'UNAVAILABLE', message: 'no answer from the server' },
};

/**
 * Sends a queue command over the socket and resolves with its ack; no answer within
 * `timeoutMs` resolves as UNAVAILABLE, so a caller never waits forever.
 */
export function emitCommand<N extends CommandName>(
  socket: ClientSocket,
  name: N,
  payload: CommandPayload<N>,
  timeoutMs = COMMAND_TIMEOUT_MS,
): Promise<Ack<CommandResult>> {
  // Socket.IO's typed emit cannot follow a generic event name; the map above is the contract.
  const timed = socket.timeout(timeoutMs) as unknown as {
    emit(
      name: N,
      payload: CommandPayload<N>,
      ack: (err: Error | null, ack: Ack<CommandResult>) => void,
    ): void;
  };
  return new Promise((resolve) => {
    timed.emit(name, payload, (err, ack) => resolve(err === null ? ack : NO_ANSWER));
  });
}
