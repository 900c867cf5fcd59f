/**
 * The HTTP adapter (NOTE-GW-3) for a cloud SMS API: `POST {phone, templateCode, params}` as JSON,
 * signed with HMAC-SHA256 over `timestamp + "\n" + body` under the hall's secret
 * (`X-Sms-Signature`, hex), with the notice id as `Idempotency-Key` so an API that honours it
 * accepts a re-sent notice once. Answers `{messageId}` on 2xx.
 */
import { createHmac } from 'node:crypto';
import type { SmsGateway, SmsMessage } from './gateway.ts';

export interface HttpSmsOptions {
  url: string;
  appKey: string;
  secret: string;
  /** Injected clock for the timestamp header. */
  now: () => number;
  timeoutMs?: number;
}

/** The signature a receiver checks: HMAC-SHA256(secret, `${timestamp}\n${body}`), hex. */
export function smsSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${body}`).digest('hex');
}

export class HttpSmsGateway implements SmsGateway {
  readonly name: string;

  constructor(private readonly o: HttpSmsOptions) {
    this.name = `http ${new URL(o.url).host}`;
  }

  async send(msg: SmsMessage): Promise<{ messageId: string }> {
    const body = JSON.stringify({ phone: msg.phone, templateCode: msg.templateCode, params: msg.params });
    const timestamp = String(this.o.now());
    const res = await fetch(this.o.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-sms-app-key': this.o.appKey,
        'x-sms-timestamp': timestamp,
        'x-sms-signature': smsSignature(this.o.secret, timestamp, body),
        'idempotency-key': msg.noticeId,
      },
      body,
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`SMS API answered ${res.status}: ${text.slice(0, 200)}`);
    let messageId: unknown;
    try {
      messageId = (JSON.parse(text) as { messageId?: unknown }).messageId;
    } catch {
      throw new Error(`SMS API answered ${res.status} without JSON`);
    }
    if (typeof messageId !== 'string' || messageId === '')
      throw new Error('SMS API answered without a messageId');
    return { messageId };
  }

  async close(): Promise<void> {}
}
