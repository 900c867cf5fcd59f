/**
 * Where SMS notices leave the hall (NOTE-GW-*): one small interface with an SMPP adapter (the
 * operator's SMSC), an HTTP adapter (a cloud SMS API) and a log-only gateway for development.
 */
import { maskPhone } from '@onewindow/shared';
import type { Logger } from 'pino';

/** One notice to send: the registered template's code and parameters, and its rendered text. */
export interface SmsMessage {
  /** The notice's id: an idempotency key to a gateway that takes one. */
  noticeId: string;
  /** A mainland mobile number, 11 digits. */
  phone: string;
  templateCode: string;
  params: Readonly<Record<string, string>>;
  /** The registered text filled with the parameters (what an SMSC carries). */
  text: string;
  /** Parameters that are secrets (a sign-in code, MOB-AUTH-2): never written to a log. */
  secretParams?: readonly string[];
}

export interface SmsGateway {
  /** What the gateway is, for logs (no credentials). */
  readonly name: string;
  /**
   * Hands one message to the operator; resolves with the operator's message id once it has
   * accepted it (an SMPP submit_sm_resp, an HTTP 2xx), rejects otherwise.
   */
  send(msg: SmsMessage): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

/**
 * DEV ONLY: sends nothing, writes one log line per notice with the phone masked. The demo
 * hall uses it; a production hall configures ONEWINDOW_SMS (smpp:// or https://). A secret
 * parameter (a sign-in code) is logged as ****** unless `revealSecrets` (the demo hall only, so
 * its visitor can sign in on the phone app with the code from the log).
 */
export class LogOnlyDevSmsGateway implements SmsGateway {
  readonly name = 'log (DEV ONLY: no SMS leaves the hall)';

  constructor(
    private readonly log: Logger,
    private readonly revealSecrets = false,
  ) {}

  async send(msg: SmsMessage): Promise<{ messageId: string }> {
    let text = msg.text;
    if (!this.revealSecrets)
      for (const k of msg.secretParams ?? []) {
        const v = msg.params[k];
        if (v) text = text.split(v).join('*'.repeat(v.length));
      }
    this.log.info(
      { noticeId: msg.noticeId, phone: maskPhone(msg.phone), templateCode: msg.templateCode, text },
      'DEV ONLY sms gateway: notice logged, not sent',
    );
    return { messageId: `dev-${msg.noticeId}` };
  }

  async close(): Promise<void> {}
}

/** ONEWINDOW_SMS parsed: which gateway and its settings. */
export type SmsConfig =
  | { kind: 'log' }
  | { kind: 'smpp'; host: string; port: number; systemId: string; password: string; sourceAddr: string }
  | { kind: 'http'; url: string; appKey: string; secret: string };

/**
 * Parses ONEWINDOW_SMS: `log`, `smpp://systemId:password@host:port[?source=10690000]`, or
 * `https://appKey:secret@host/path` (the key and HMAC secret travel in the URL's user info and
 * are taken out of it). Returns a Chinese-free, precise message on a bad value.
 */
export function parseSmsConfig(value: string): SmsConfig | { error: string } {
  if (value === 'log') return { kind: 'log' };
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return { error: 'not a URL: use log, smpp://user:pass@host:port or https://key:secret@host/path' };
  }
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  if (u.protocol === 'smpp:') {
    if (user === '' || pass === '') return { error: 'smpp:// needs system_id:password@' };
    return {
      kind: 'smpp',
      host: u.hostname,
      port: u.port === '' ? 2775 : Number(u.port),
      systemId: user,
      password: pass,
      sourceAddr: u.searchParams.get('source') ?? '',
    };
  }
  if (u.protocol === 'https:' || u.protocol === 'http:') {
    if (user === '' || pass === '') return { error: 'an HTTP SMS API needs appKey:secret@ in the URL' };
    if (u.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(u.hostname))
      return { error: 'an HTTP SMS API off this machine must use https://' };
    u.username = '';
    u.password = '';
    return { kind: 'http', url: u.toString(), appKey: user, secret: pass };
  }
  return { error: `unknown scheme ${u.protocol}: use log, smpp:// or https://` };
}
