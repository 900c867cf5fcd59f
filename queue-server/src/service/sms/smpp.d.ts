/** smpp 0.5 ships no types; these are the parts the SMPP gateway and its tests use. */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer } from 'node:net';

  export interface Pdu {
    command: string;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    response(options?: Record<string, unknown>): Pdu;
    isResponse(): boolean;
  }

  export class Session extends EventEmitter {
    send(pdu: Pdu, responseCallback?: (pdu: Pdu) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    bind_transceiver(options: Record<string, unknown>, cb?: (pdu: Pdu) => void): boolean;
    submit_sm(options: Record<string, unknown>, cb?: (pdu: Pdu) => void): boolean;
    enquire_link(options?: Record<string, unknown>, cb?: (pdu: Pdu) => void): boolean;
    unbind(options?: Record<string, unknown>, cb?: (pdu: Pdu) => void): boolean;
    deliver_sm(options: Record<string, unknown>, cb?: (pdu: Pdu) => void): boolean;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  export function connect(options: { host: string; port: number; [k: string]: unknown }): Session;
  export function createServer(listener: (session: Session) => void): Server;

  export const ESME_ROK: number;
  export const ESME_RBINDFAIL: number;
  export const ESME_RSYSERR: number;
  export const ESME_RTHROTTLED: number;
}
