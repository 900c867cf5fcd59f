import { describe, expect, it } from 'vitest';
import { qrBaseUrl } from './kiosk.service.ts';

describe('where a ticket QR code points (KSK-14)', () => {
  it('uses ONEWINDOW_PUBLIC_URL when it is set, without a trailing slash', () => {
    expect(qrBaseUrl('https://hall.example.cn/', 'http://127.0.0.1:8080', '192.168.1.20')).toBe(
      'https://hall.example.cn',
    );
  });

  it('puts the LAN address in place of a loopback origin, keeping scheme and port', () => {
    for (const origin of ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080'])
      expect(qrBaseUrl(undefined, origin, '192.168.1.20'), origin).toBe('http://192.168.1.20:8080');
    expect(qrBaseUrl(undefined, 'http://127.0.0.1:8080', 'fe80::1')).toBe('http://[fe80::1]:8080');
  });

  it('keeps an origin a phone can reach, and a loopback one when there is no LAN address', () => {
    expect(qrBaseUrl(undefined, 'http://10.0.3.7:8080', '192.168.1.20')).toBe('http://10.0.3.7:8080');
    expect(qrBaseUrl(undefined, 'http://hall-pc.local', '192.168.1.20')).toBe('http://hall-pc.local');
    expect(qrBaseUrl(undefined, 'http://127.0.0.1:8080', undefined)).toBe('http://127.0.0.1:8080');
  });
});
