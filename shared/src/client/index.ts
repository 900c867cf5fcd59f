/**
 * `@onewindow/shared/client`: the core every OneWindow browser app is built on — the wall
 * board and window screens (display-board), the citizen kiosk (kiosk/app) and the staff
 * console (queue-server/console). A store with Preact hooks, the Socket.IO connection with
 * its protocol version, idempotency keys, pairing, and Mandarin speech.
 *
 * Browser-only and zod-free: it imports shared types only (`import type`), so the bundles
 * carry no schema code. The server never imports this entry, which is why preact and
 * socket.io-client are optional peer dependencies of @onewindow/shared.
 */
export {
  CLIENT_PROTOCOL_VERSION,
  type ClientSocket,
  COMMAND_TIMEOUT_MS,
  emitCommand,
  type OpenedSocket,
  type OpenSocketOptions,
  openSocket,
} from './connection.ts';
export { useNow, useStore } from './hooks.ts';
export { newIdempotencyKey } from './keys.ts';
export { type PairResult, pair } from './pairing.ts';
export { SpeechAdapter, type VoiceStatus } from './speech.ts';
export { createStore, type Store } from './store.ts';
export { pickMandarinVoice, type VoiceInfo } from './voices.ts';
