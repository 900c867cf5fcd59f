/**
 * From a firmware-config ID-card reader profile (class `id-card-reader`) to a running driver.
 */

import type { IdCardReaderProfile } from '@onewindow/firmware-config/schema';
import { IdCardReader, type IdCardReaderOptions } from './reader.ts';
import {
  DEFAULT_HID_FRAMING,
  type HidFraming,
  openHidTransport,
  openSerialTransport,
  openUsbBulkTransport,
  type SamTransport,
} from './transport.ts';

/**
 * Opens the transport a profile describes. HID profiles give only the report size: the report
 * ID and count byte come from {@link DEFAULT_HID_FRAMING} unless `hidFraming` overrides them.
 * USB bulk profiles name one IN and one OUT endpoint, i.e. the `single` layout.
 */
export function openProfileTransport(
  profile: IdCardReaderProfile,
  hidFraming: Partial<HidFraming> = {},
): Promise<SamTransport> {
  const t = profile.transport;
  switch (t.kind) {
    case 'serial':
      return openSerialTransport({ path: t.path, baudRate: t.baudRate });
    case 'hid':
      return openHidTransport({
        vendorId: t.vendorId,
        productId: t.productId,
        framing: { ...DEFAULT_HID_FRAMING, reportSize: t.reportSize, ...hidFraming },
      });
    case 'usb-bulk':
      return openUsbBulkTransport({
        vendorId: t.vendorId,
        productId: t.productId,
        layout: { kind: 'single', out: t.endpoints.out, in: t.endpoints.in },
      });
  }
}

/** What a profile sets of the driver: its poll interval and what the reader can read (DEV-13). */
export function idCardReaderOptionsOf(
  profile: IdCardReaderProfile,
): Pick<IdCardReaderOptions, 'pollIntervalMs' | 'readsAddressUpdate' | 'fingerprint'> {
  return {
    pollIntervalMs: profile.pollIntervalMs,
    readsAddressUpdate: profile.readsAddressUpdate,
    fingerprint: profile.fingerprint,
  };
}

/** A driver for a profile, polling at the profile's interval. Call `start()` on it. */
export function createIdCardReader(
  profile: IdCardReaderProfile,
  options: Partial<Omit<IdCardReaderOptions, 'open'>> & { hidFraming?: Partial<HidFraming> } = {},
): IdCardReader {
  const { hidFraming, ...rest } = options;
  return new IdCardReader({
    ...idCardReaderOptionsOf(profile),
    ...rest,
    open: () => openProfileTransport(profile, hidFraming),
  });
}
