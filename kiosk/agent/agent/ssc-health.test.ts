import { healthAlerts } from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import { sscHealth } from './agent.ts';

describe('social security card reader health (DEV-3)', () => {
  it('tells a missing PC/SC binding apart from a PC/SC service that is down, for the guides', () => {
    const connected = new Set(['ACS ACR39U 00 00']);
    const missing = sscHealth(
      { state: 'binding-unavailable', detail: 'cannot load the smartcard binding: MODULE_NOT_FOUND' },
      connected,
    );
    expect(missing).toBe('driver-missing');
    expect(connected.size).toBe(0);
    expect(healthAlerts({ sscReader: missing! })).toEqual(['社保卡读卡驱动未安装']);
    const down = sscHealth({ state: 'service-not-running' }, new Set());
    expect(down).toBe('service-not-running');
    expect(healthAlerts({ sscReader: down! })).toEqual(['社保卡读卡服务未运行']);
  });
});
