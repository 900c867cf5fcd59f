/**
 * Who this screen is: a paired device (token and kind kept in localStorage) or the public
 * board (`?view=board`). Pairing trades the 8-digit code an admin reads out for a token.
 */
import type { DeviceKind, ErrorCode } from '@onewindow/shared/protocol.ts';

export interface PairedDevice {
  deviceToken: string;
  device: { id: string; kind: DeviceKind; name: string; windowId: string | null };
}

/** What the app shows: a screen kind, with the token when paired. */
export type Route =
  | { kind: 'board'; deviceToken: string | null }
  | { kind: 'window-display'; deviceToken: string; windowId: string }
  | { kind: 'rating-pad'; deviceToken: string; windowId: string }
  | { kind: 'pairing' }
  | { kind: 'unsupported'; device: PairedDevice['device'] };

const STORAGE_KEY = 'onewindow.display.device';

export function loadDevice(storage: Pick<Storage, 'getItem'> = localStorage): PairedDevice | null {
  try {
    const raw = storage.getItem(STORAGE_KEY);
    if (raw === null) return null;
    const v = JSON.parse(raw) as Partial<PairedDevice>;
    if (typeof v.deviceToken !== 'string' || typeof v.device?.kind !== 'string') return null;
    return v as PairedDevice;
  } catch {
    return null;
  }
}

export function saveDevice(d: PairedDevice, storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(d));
}

export function forgetDevice(storage: Pick<Storage, 'removeItem'> = localStorage): void {
  storage.removeItem(STORAGE_KEY);
}

/** Picks the screen from the URL and the stored pairing. `?view=board` needs no pairing. */
export function routeOf(search: string, device: PairedDevice | null): Route {
  const params = new URLSearchParams(search);
  if (device === null)
    return params.get('view') === 'board' ? { kind: 'board', deviceToken: null } : { kind: 'pairing' };
  const { kind, windowId } = device.device;
  if (kind === 'board') return { kind: 'board', deviceToken: device.deviceToken };
  if ((kind === 'window-display' || kind === 'rating-pad') && windowId !== null)
    return { kind, deviceToken: device.deviceToken, windowId };
  return { kind: 'unsupported', device: device.device };
}

export type PairResult = { ok: true; device: PairedDevice } | { ok: false; code: ErrorCode | 'NETWORK' };

/** `POST /api/devices/pair`; a 401 means the code is unknown, used or expired. */
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
    const body = (await res.json()) as
      | { ok: true; data: PairedDevice }
      | { ok: false; error: { code: ErrorCode; message: string } };
    return body.ok ? { ok: true, device: body.data } : { ok: false, code: body.error.code };
  } catch {
    return { ok: false, code: res.status >= 500 ? 'UNAVAILABLE' : 'BAD_REQUEST' };
  }
}
