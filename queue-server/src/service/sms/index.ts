/** Builds the hall's SMS gateway from ONEWINDOW_SMS (NOTE-GW-1). */
import type { Logger } from 'pino';
import { LogOnlyDevSmsGateway, type SmsConfig, type SmsGateway } from './gateway.ts';
import { HttpSmsGateway } from './http.gateway.ts';
import { SmppGateway } from './smpp.gateway.ts';

/** `demo`: the log gateway writes sign-in codes in clear (the demo hall's visitors read them there). */
export function createSmsGateway(
  c: SmsConfig,
  log: Logger,
  now: () => number = Date.now,
  demo = false,
): SmsGateway {
  switch (c.kind) {
    case 'log':
      return new LogOnlyDevSmsGateway(log, demo);
    case 'smpp':
      return new SmppGateway({ ...c, log });
    case 'http':
      return new HttpSmsGateway({ url: c.url, appKey: c.appKey, secret: c.secret, now });
  }
}
