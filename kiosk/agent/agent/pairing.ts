/**
 * Pairing: a terminal trades a one-time code (from the admin console, valid 15 minutes) for
 * its device token, once (`POST /api/devices/pair`). The token is kept in the state dir; later
 * starts use it and need no code.
 */
import type { Ack, DeviceKind } from '@onewindow/shared';
import type { Logger } from './log.ts';
import { type StoredDevice, TokenStore } from './token-store.ts';

export class PairingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PairingError';
  }
}

/**
 * The stored device, or a new pairing with `pairingCode` when none is stored.
 * @throws PairingError when there is no token and no (valid) code, or the token is another server's
 */
export async function ensurePaired(opts: {
  serverUrl: string;
  stateDir: string;
  pairingCode: string | undefined;
  logger: Logger;
  now?: () => number;
  fetch?: typeof fetch;
}): Promise<StoredDevice> {
  const store = new TokenStore(opts.stateDir);
  const stored = store.read();
  if (stored !== null) {
    if (stored.serverUrl !== opts.serverUrl)
      throw new PairingError(
        `the device token in ${store.path} was issued by ${stored.serverUrl}, not ${opts.serverUrl}; remove it and pair again`,
      );
    if (opts.pairingCode !== undefined)
      opts.logger.warn('a device token is stored; the pairing code is not used', {
        deviceId: stored.deviceId,
      });
    return stored;
  }
  if (opts.pairingCode === undefined)
    throw new PairingError(
      'this terminal is not paired: set ONEWINDOW_PAIRING_CODE to a one-time code an admin creates (POST /api/devices/pairing-codes)',
    );

  const doFetch = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(`${opts.serverUrl}/api/devices/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: opts.pairingCode }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    throw new PairingError(`cannot reach ${opts.serverUrl} to pair: ${(e as Error).message}`);
  }
  type Paired = { device: { id: string; kind: DeviceKind; windowId: string | null }; deviceToken: string };
  const body = (await res.json().catch(() => null)) as Ack<Paired> | null;
  if (body === null || !body.ok)
    throw new PairingError(
      `pairing refused (HTTP ${res.status}): ${body?.ok === false ? body.error.message : 'unexpected answer'}`,
    );
  const device: StoredDevice = {
    deviceToken: body.data.deviceToken,
    deviceId: body.data.device.id,
    kind: body.data.device.kind,
    windowId: body.data.device.windowId,
    pairedAt: (opts.now ?? Date.now)(),
    serverUrl: opts.serverUrl,
  };
  store.write(device);
  opts.logger.info('paired with the queue server', {
    deviceId: device.deviceId,
    kind: device.kind,
    windowId: device.windowId,
  });
  return device;
}
