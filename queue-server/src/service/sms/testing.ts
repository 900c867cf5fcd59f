/**
 * For tests only: the operator's SMSC played by the `smpp` package's own server. It binds one
 * account (hall / secret), decodes each submit_sm (UCS2, parts joined by their UDH) and answers
 * with a message id, so a test sees exactly what a phone would get.
 */
import type { AddressInfo } from 'node:net';
import smpp, { type Pdu, type Session, type Server as SmppServer } from 'smpp';

/** One short message as the operator received it (parts joined by their UDH). */
export interface Received {
  to: string;
  text: string;
  dataCoding: number;
  parts: number;
}

/** The operator's SMSC: binds one account, answers every submit_sm with a message id. */
export class SmppOperator {
  server!: SmppServer;
  port = 0;
  readonly received: Received[] = [];
  readonly sessions = new Set<Session>();
  submits = 0;
  /** Answers submit_sm with this status (0: accept). */
  status = 0;
  /** Called on each submit_sm before it is answered; return false to leave it unanswered. */
  onSubmit: (pdu: Pdu, n: number) => boolean = () => true;
  private readonly partial = new Map<number, string[]>();

  async start(port = 0): Promise<void> {
    this.server = smpp.createServer((session) => {
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
      session.on('error', () => undefined);
      session.on('bind_transceiver', (pdu: Pdu) => {
        const ok = pdu.system_id === 'hall' && pdu.password === 'secret';
        session.send(pdu.response(ok ? {} : { command_status: smpp.ESME_RBINDFAIL }));
      });
      session.on('enquire_link', (pdu: Pdu) => session.send(pdu.response()));
      session.on('unbind', (pdu: Pdu) => session.send(pdu.response()));
      session.on('submit_sm', (pdu: Pdu) => this.submit(session, pdu));
    });
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private submit(session: Session, pdu: Pdu): void {
    this.submits += 1;
    if (!this.onSubmit(pdu, this.submits)) return;
    if (this.status !== 0) {
      session.send(pdu.response({ command_status: this.status }));
      return;
    }
    const sm = pdu.short_message as { message: string; udh?: Buffer[] };
    const udh = sm.udh?.find((u) => u[0] === 0x00);
    const to = String(pdu.destination_addr);
    if (udh === undefined)
      this.received.push({ to, text: sm.message, dataCoding: Number(pdu.data_coding), parts: 1 });
    else {
      const [ref, total, index] = [udh[2]!, udh[3]!, udh[4]!];
      const parts = this.partial.get(ref) ?? [];
      parts[index - 1] = sm.message;
      this.partial.set(ref, parts);
      if (parts.filter((p) => p !== undefined).length === total) {
        this.partial.delete(ref);
        this.received.push({ to, text: parts.join(''), dataCoding: Number(pdu.data_coding), parts: total });
      }
    }
    session.send(pdu.response({ message_id: `op-${this.submits}` }));
  }

  /** Stops like a restarting SMSC: every bind cut, the port closed. */
  async stop(): Promise<void> {
    for (const s of this.sessions) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
