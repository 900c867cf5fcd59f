/** Builds the hall's SMS gateway from ONEWINDOW_SMS (NOTE-GW-1). */
import type { Logger } from 'pino';
import { LogOnlyDevSmsGateway, type SmsConfig, type SmsGateway } from './gateway.ts';
import { HttpSmsGateway } from './http.gateway.ts';
import { SmppGateway } from './smpp.gateway.ts';

export function createSmsGateway(c: SmsConfig, log: Logger, now: () => number = Date.now): SmsGateway {
  switch (c.kind) {
    case 'log':
      return new LogOnlyDevSmsGateway(log);
    case 'smpp':
      return new SmppGateway({ ...c, log });
    case 'http':
      return new HttpSmsGateway({ url: c.url, appKey: c.appKey, secret: c.secret, now });
  }
}
