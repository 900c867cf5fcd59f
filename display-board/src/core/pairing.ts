/**
 * Who this screen is: a paired device (token and kind kept in localStorage) or the public
 * board (`?view=board`). Pairing itself (code → token) is the shared `pair`.
 */
import type { DeviceRecord } from '@onewindow/shared/api-types.ts';

/** What a screen keeps of its pairing (the server's `PairedDevice` is assignable to it). */
export interface StoredPairing {
  deviceToken: string;
  device: Pick<DeviceRecord, 'id' | 'kind' | 'name' | 'windowId'>;
}

/** What the app shows: a screen kind, with the token when paired. */
export type Route =
  | { kind: 'board'; deviceToken: string | null }
  | { kind: 'window-display'; deviceToken: string; windowId: string }
  | { kind: 'rating-pad'; deviceToken: string; windowId: string }
  | { kind: 'pairing' }
  | { kind: 'unsupported'; device: StoredPairing['device'] };

const STORAGE_KEY = 'onewindow.display.device';

export function loadDevice(storage: Pick<Storage, 'getItem'> = localStorage): StoredPairing | null {
  try {
    const raw = storage.getItem(STORAGE_KEY);
    if (raw === null) return null;
    const v = JSON.parse(raw) as Partial<StoredPairing>;
    if (typeof v.deviceToken !== 'string' || typeof v.device?.kind !== 'string') return null;
    return v as StoredPairing;
  } catch {
    return null;
  }
}

export function saveDevice(d: StoredPairing, storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(d));
}

export function forgetDevice(storage: Pick<Storage, 'removeItem'> = localStorage): void {
  storage.removeItem(STORAGE_KEY);
}

/** Picks the screen from the URL and the stored pairing. `?view=board` needs no pairing. */
export function routeOf(search: string, device: StoredPairing | null): Route {
  const params = new URLSearchParams(search);
  if (device === null)
    return params.get('view') === 'board' ? { kind: 'board', deviceToken: null } : { kind: 'pairing' };
  const { kind, windowId } = device.device;
  if (kind === 'board') return { kind: 'board', deviceToken: device.deviceToken };
  if ((kind === 'window-display' || kind === 'rating-pad') && windowId !== null)
    return { kind, deviceToken: device.deviceToken, windowId };
  return { kind: 'unsupported', device: device.device };
}
