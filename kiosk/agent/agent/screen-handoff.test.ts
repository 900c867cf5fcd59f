import { describe, expect, it } from 'vitest';
import { kioskScreenUrl, startScreenHandoff } from './screen-handoff.ts';

describe('kiosk screen handoff', () => {
  it('puts the token in the fragment, encoded', () => {
    expect(kioskScreenUrl('http://hall:8080/', 'a+b/c')).toBe('http://hall:8080/kiosk/#device=a%2Bb%2Fc');
  });

  it('redirects GET /screen on loopback only, without caching, and 404s anything else', async () => {
    let target: string | null = null;
    const h = await startScreenHandoff({ port: 0, target: () => target });
    try {
      const base = `http://127.0.0.1:${h.port}`;
      expect((await fetch(`${base}/screen`, { redirect: 'manual' })).status).toBe(404); // not paired yet
      target = kioskScreenUrl('http://hall:8080', 'tok');
      const r = await fetch(`${base}/screen`, { redirect: 'manual' });
      expect(r.status).toBe(302);
      expect(r.headers.get('location')).toBe('http://hall:8080/kiosk/#device=tok');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect((await fetch(`${base}/other`, { redirect: 'manual' })).status).toBe(404);
      expect((await fetch(`${base}/screen`, { method: 'POST', redirect: 'manual' })).status).toBe(404);
    } finally {
      await h.close();
    }
  });
});
