/**
 * Shapes of the REST answers the browser apps read (the `data` of the `{ok, data}` envelope),
 * declared once so the console, the kiosk and the screens do not each redeclare them. Types
 * only, no zod: apps import this file by path (`@onewindow/shared/api-types.ts`) and it adds
 * nothing to their bundles. Each type names its route and the server code that builds it.
 */
import type { DeviceKind } from './protocol.ts';

/**
 * A paired device: an entry of `GET /api/devices` (admin), and the `device` of
 * `POST /api/devices/pair`. Built by the server's `AuthStore.allDevices` / `pairDevice`
 * (queue-server/src/store/auth.store.ts `DeviceRow`).
 */
export interface DeviceRecord {
  id: string;
  kind: DeviceKind;
  name: string;
  /** The window a window display, rating pad or counter agent belongs to. */
  windowId: string | null;
  createdAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
}

/** `POST /api/devices/pair`: the device and its token, shown once (queue-server/src/app/auth.service.ts `pair`). */
export interface PairedDevice {
  deviceToken: string;
  device: DeviceRecord;
}
