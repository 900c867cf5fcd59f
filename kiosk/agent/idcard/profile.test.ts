import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type IdCardReaderProfile, idCardReaderProfileSchema } from '@onewindow/firmware-config/schema';
import { describe, expect, it } from 'vitest';
import { createIdCardReader, idCardReaderOptionsOf, openProfileTransport } from './profile.ts';
import type { IdCardReaderError } from './reader.ts';

// The shipped profiles, parsed by firmware-config's own schema (ids become numbers).
const devicesDir = join(
  createRequire(import.meta.url).resolve('@onewindow/firmware-config/schema'),
  '../../profiles/devices',
);

function shipped(id: string): IdCardReaderProfile {
  return idCardReaderProfileSchema.parse(JSON.parse(readFileSync(join(devicesDir, `${id}.json`), 'utf8')));
}

describe('ID-card reader profiles', () => {
  it('opens a serial profile with serialport (here: no such port)', async () => {
    const profile = { ...shipped('cvr-100-serial') };
    profile.transport = { kind: 'serial', path: '/dev/ttyOW-no-such-port', baudRate: 115200 };
    await expect(openProfileTransport(profile)).rejects.toThrow(/No such file|ENOENT/);
  });

  // These load the native modules for real: a missing Debian libusb-1.0-0 shows up here as
  // ERR_DLOPEN_FAILED instead of the "not found" below.
  it('opens a HID profile with node-hid (here: no device)', async () => {
    await expect(openProfileTransport(shipped('ss628-hid'))).rejects.toThrow(
      /cannot open device with vendor id 0x483/,
    );
  });

  it('opens a USB bulk profile with usb (here: no device)', async () => {
    await expect(openProfileTransport(shipped('sam-usb-bulk'))).rejects.toThrow(/no USB device 0400:c35a/);
  });

  it("passes the profile's readsAddressUpdate and fingerprint to the driver (DEV-13)", () => {
    const profile = shipped('cvr-100-serial');
    expect(idCardReaderOptionsOf(profile)).toEqual({
      pollIntervalMs: profile.pollIntervalMs,
      readsAddressUpdate: true,
      fingerprint: false,
    });
    expect(idCardReaderOptionsOf({ ...profile, readsAddressUpdate: false, fingerprint: true })).toMatchObject(
      {
        readsAddressUpdate: false,
        fingerprint: true,
      },
    );
  });

  it('builds a driver that reports the missing reader', async () => {
    const profile = { ...shipped('cvr-100-serial') };
    profile.transport = { kind: 'serial', path: '/dev/ttyOW-no-such-port', baudRate: 115200 };
    const reader = createIdCardReader(profile, { reconnectDelayMs: 50 });
    const errors: IdCardReaderError[] = [];
    reader.on('error', (e) => errors.push(e));
    const status = new Promise((resolve) => reader.once('status', resolve));
    reader.start();
    expect(await status).toBe('disconnected');
    await reader.stop();
    expect(errors[0]?.detail).toMatch(/opening the reader failed/);
  });
});
