/**
 * The SMPP adapter (NOTE-GW-2): one transceiver bind to the operator's SMSC, Chinese text as
 * UCS2 (data_coding 8), long texts split behind a concatenation UDH, enquire_link to keep the
 * bind alive, and a new bind on the next send after the SMSC unbinds or the connection drops.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import smpp, { type Pdu, type Session } from 'smpp';
import type { SmsGateway, SmsMessage } from './gateway.ts';
import { ucs2Parts } from './segments.ts';

export interface SmppGatewayOptions {
  host: string;
  port: number;
  systemId: string;
  password: string;
  /** The hall's sender number at the operator (empty: the SMSC's default). */
  sourceAddr: string;
  /** Between enquire_links on an idle bind (30 s). */
  enquireLinkMs?: number;
  /** How long a bind or a submit_sm waits for its response (10 s). */
  responseTimeoutMs?: number;
  log: Logger;
}

export class SmppGateway implements SmsGateway {
  readonly name: string;
  private bound: Promise<Session> | null = null;
  private session: Session | null = null;
  private keepAlive: NodeJS.Timeout | null = null;
  /** Rejects what waits on the current session when it goes away. */
  private readonly waiting = new Set<(err: Error) => void>();
  private closed = false;

  constructor(private readonly o: SmppGatewayOptions) {
    this.name = `smpp ${o.host}:${o.port} as ${o.systemId}`;
  }

  async send(msg: SmsMessage): Promise<{ messageId: string }> {
    const session = await this.bind();
    const ids: string[] = [];
    // The same notice sent again keeps its concatenation reference, so its parts never mix with another's.
    for (const part of ucs2Parts(msg.text, createHash('sha256').update(msg.noticeId).digest()[0]!)) {
      const resp = await this.request(session, (cb) =>
        session.submit_sm(
          {
            source_addr: this.o.sourceAddr,
            destination_addr: msg.phone,
            data_coding: 8,
            esm_class: part.udh ? 0x40 : 0,
            registered_delivery: 1,
            short_message: part.bytes,
          },
          cb,
        ),
      );
      if (resp.command_status !== 0)
        throw new Error(
          `submit_sm refused by the SMSC: command_status 0x${resp.command_status.toString(16)}`,
        );
      ids.push(String(resp.message_id ?? ''));
    }
    return { messageId: ids.join(',') };
  }

  async close(): Promise<void> {
    this.closed = true;
    const s = this.session;
    this.drop(new Error('the SMPP gateway was closed'));
    if (s !== null) await new Promise<void>((resolve) => s.destroy(() => resolve()));
  }

  /** The bound session, binding first when there is none (after a drop: a reconnect). */
  private bind(): Promise<Session> {
    if (this.closed) return Promise.reject(new Error('the SMPP gateway is closed'));
    if (this.bound !== null) return this.bound;
    const session = smpp.connect({ host: this.o.host, port: this.o.port });
    this.session = session;
    const gone = (why: string) => {
      if (this.session !== session) return;
      this.o.log.warn({ gateway: this.name, why }, 'SMPP bind lost; the next notice binds again');
      this.drop(new Error(`SMPP connection lost (${why})`));
      session.destroy();
    };
    session.on('error', (err: Error) => gone(err.message));
    session.on('close', () => gone('closed'));
    session.on('unbind', (pdu: Pdu) => {
      session.send(pdu.response());
      gone('unbound by the SMSC');
    });
    session.on('enquire_link', (pdu: Pdu) => session.send(pdu.response()));
    // Delivery receipts and mobile-originated messages: acknowledged (not recorded yet).
    session.on('deliver_sm', (pdu: Pdu) => session.send(pdu.response()));
    const bound = new Promise<Session>((resolve, reject) => {
      const fail = (err: Error) => {
        this.waiting.delete(fail);
        reject(err);
      };
      this.waiting.add(fail);
      session.once('connect', () => {
        this.request(session, (cb) =>
          session.bind_transceiver({ system_id: this.o.systemId, password: this.o.password }, cb),
        ).then((pdu) => {
          this.waiting.delete(fail);
          if (pdu.command_status !== 0) {
            reject(
              new Error(`bind_transceiver refused: command_status 0x${pdu.command_status.toString(16)}`),
            );
            gone('bind refused');
            return;
          }
          this.o.log.info({ gateway: this.name }, 'SMPP bound (transceiver)');
          this.keepAlive = setInterval(() => {
            this.request(session, (cb) => session.enquire_link({}, cb)).catch(() =>
              gone('enquire_link unanswered'),
            );
          }, this.o.enquireLinkMs ?? 30_000);
          this.keepAlive.unref();
          resolve(session);
        }, fail);
      });
    });
    this.bound = bound;
    return bound;
  }

  /** Sends a request PDU and waits for its response, the session's loss or the timeout. */
  private request(session: Session, send: (cb: (pdu: Pdu) => void) => boolean): Promise<Pdu> {
    return new Promise<Pdu>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(fail);
        reject(new Error('no response from the SMSC in time'));
      }, this.o.responseTimeoutMs ?? 10_000);
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.waiting.delete(fail);
        reject(err);
      };
      this.waiting.add(fail);
      const ok = send((pdu) => {
        clearTimeout(timer);
        this.waiting.delete(fail);
        resolve(pdu);
      });
      if (!ok || this.session !== session) fail(new Error('the SMPP connection is not writable'));
    });
  }

  /** Forgets the session: whatever waits on it fails, the next send binds again. */
  private drop(err: Error): void {
    if (this.keepAlive !== null) clearInterval(this.keepAlive);
    this.keepAlive = null;
    this.session = null;
    this.bound = null;
    for (const fail of [...this.waiting]) fail(err);
  }
}
