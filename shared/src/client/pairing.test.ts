import { describe, expect, it } from 'vitest';
import type { PairedDevice } from '../api-types.ts';
import { pair } from './pairing.ts';

const paired: PairedDevice = {
  deviceToken: 'tok',
  device: {
    id: 'd1',
    kind: 'kiosk',
    name: '自助机 1',
    windowId: null,
    createdAt: 1,
    revokedAt: null,
    lastSeenAt: null,
  },
};

/** A fetch that answers every request with `status` and `body` (a string is sent as is). */
const answer =
  (status: number, body: unknown): typeof fetch =>
  async () =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });

describe('pair', () => {
  it('posts the code and returns the device and its token', async () => {
    const seen: { url: string; body: unknown }[] = [];
    const fetchImpl: typeof fetch = async (url, init) => {
      seen.push({ url: String(url), body: JSON.parse(String(init?.body)) });
      return new Response(JSON.stringify({ ok: true, data: paired }), { status: 201 });
    };
    expect(await pair('12345678', fetchImpl)).toEqual({ ok: true, device: paired });
    expect(seen).toEqual([{ url: '/api/devices/pair', body: { code: '12345678' } }]);
  });

  it('passes the refusal code on (an unknown, used or expired code is UNAUTHENTICATED)', async () => {
    const refused = { ok: false, error: { code: 'UNAUTHENTICATED', message: 'pairing code is used' } };
    expect(await pair('12345678', answer(401, refused))).toEqual({ ok: false, code: 'UNAUTHENTICATED' });
  });

  it('tells a network failure from an answer that is not JSON', async () => {
    const down: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    expect(await pair('12345678', down)).toEqual({ ok: false, code: 'NETWORK' });
    expect(await pair('12345678', answer(502, '<html>Bad Gateway</html>'))).toEqual({
      ok: false,
      code: 'UNAVAILABLE',
    });
    expect(await pair('12345678', answer(400, 'nope'))).toEqual({ ok: false, code: 'BAD_REQUEST' });
  });
});
