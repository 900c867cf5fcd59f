/**
 * Pairing a terminal screen: the 8-digit code an admin reads out is traded once for a device
 * token (`POST /api/devices/pair`). The wall board, window display, rating pad and kiosk all
 * pair this way; where each keeps its token is its own business.
 */
import type { PairedDevice } from '../api-types.ts';
import type { Ack, ErrorCode } from '../protocol.ts';

export type PairResult = { ok: true; device: PairedDevice } | { ok: false; code: ErrorCode | 'NETWORK' };

/** `POST /api/devices/pair`; UNAUTHENTICATED means the code is unknown, used or expired. */
export async function pair(code: string, fetchImpl: typeof fetch = fetch): Promise<PairResult> {
  let res: Response;
  try {
    res = await fetchImpl('/api/devices/pair', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
  } catch {
    return { ok: false, code: 'NETWORK' };
  }
  try {
    const body = (await res.json()) as Ack<PairedDevice>;
    return body.ok ? { ok: true, device: body.data } : { ok: false, code: body.error.code };
  } catch {
    return { ok: false, code: res.status >= 500 ? 'UNAVAILABLE' : 'BAD_REQUEST' };
  }
}
