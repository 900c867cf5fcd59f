/**
 * Which terminal this PC is (a terminal profile, or a window / kiosk of the hall layout) and
 * its real devices, built from the firmware-config profiles.
 */
import { type FirmwareConfig, type ResolvedTerminal, resolveTerminal } from '@onewindow/firmware-config';
import type { PrinterProfile } from '@onewindow/firmware-config/schema';
import { createIdCardReader } from '../idcard/profile.ts';
import { SerialPrinter } from '../printer/serial.ts';
import { NetworkPrinter, type PrinterTransport } from '../printer/transport.ts';
import { UsbPrinter } from '../printer/usb.ts';
import { RatingPadDriver } from '../rating-pad/driver.ts';
import { openPadSource } from '../rating-pad/sources.ts';
import { documentCameraSetting, scannerFromProfile } from '../scanner/sane.ts';
import { readerOptionsFromProfile, SocialSecurityCardReader } from '../ssc/reader.ts';
import type { AgentDevices } from './agent.ts';
import type { Logger } from './log.ts';
import { printerSetupOf } from './render.ts';

export interface TerminalChoice {
  terminal: ResolvedTerminal;
  /** The hall window this terminal serves, when chosen by a window id of the hall layout. */
  windowId: string | null;
  /** How it was chosen, for the log: `terminal kiosk`, `window w1 (comprehensive-window)`. */
  label: string;
}

/**
 * `id` is a terminal profile id (`comprehensive-window`), or a window or kiosk id of the hall
 * layout `hall` (`w1`, `k1`), which names its terminal profile. @throws Error listing what exists
 */
export function chooseTerminal(config: FirmwareConfig, hall: string, id: string): TerminalChoice {
  const direct = resolveTerminal(config, id);
  if (direct !== undefined) return { terminal: direct, windowId: null, label: `terminal ${id}` };
  const layout = config.halls[hall];
  const window = layout?.windows.find((w) => w.id === id);
  const kiosk = layout?.kiosks.find((k) => k.id === id);
  const profileId = window?.terminal ?? kiosk?.terminal;
  const resolved = profileId === undefined ? undefined : resolveTerminal(config, profileId);
  if (resolved !== undefined)
    return {
      terminal: resolved,
      windowId: window?.id ?? null,
      label: `${window ? 'window' : 'kiosk'} ${id} (${profileId})`,
    };
  const entries = layout ? [...layout.windows, ...layout.kiosks].map((e) => e.id).join(', ') : '';
  throw new Error(
    `no terminal "${id}": terminal profiles are ${Object.keys(config.terminals).join(', ') || '(none)'}` +
      (layout
        ? `; hall "${hall}" has ${entries}`
        : `; there is no hall layout "${hall}" (${Object.keys(config.halls).join(', ') || 'none'})`) +
      (profileId !== undefined ? `; its terminal profile "${profileId}" did not load cleanly` : ''),
  );
}

/**
 * The transport of a printer profile: raw TCP, USB (libusb) or serial. Nothing is opened
 * here; each transport opens on first use and reopens after a failure. Why a USB or serial
 * printer is unusable is logged once each time the reason changes (status is polled).
 */
export function buildPrinterTransport(p: PrinterProfile, log: Logger): PrinterTransport {
  let last: string | null = null;
  const onProblem = (reason: string): void => {
    if (reason !== last) log.warn('printer unusable; reported as "打印机离线"', { profile: p.id, reason });
    last = reason;
  };
  const t = p.transport;
  switch (t.kind) {
    case 'tcp':
      return new NetworkPrinter({ host: t.host, port: t.port });
    case 'usb':
      return new UsbPrinter({ vendorId: t.vendorId, productId: t.productId, onProblem });
    case 'serial':
      return new SerialPrinter({ path: t.path, baudRate: t.baudRate, onProblem });
  }
}

/** The terminal's real devices. Nothing is opened yet except the rating pad (its driver needs the source). */
export async function buildRealDevices(t: ResolvedTerminal, log: Logger): Promise<AgentDevices> {
  const devices: AgentDevices = {};
  if (t.printer !== undefined) {
    const p = t.printer;
    const transport = buildPrinterTransport(p, log);
    if (p.qr === 'none')
      log.warn('this printer prints no QR codes; tickets go out without the status QR', { profile: p.id });
    devices.printer = { transport, setup: printerSetupOf(p) };
  }
  if (t.idCardReader !== undefined) devices.idCardReader = createIdCardReader(t.idCardReader);
  // PC/SC through the smartcard binding, loaded on first use; card data is only logged masked.
  if (t.sscReader !== undefined)
    devices.sscReader = new SocialSecurityCardReader({ ...readerOptionsFromProfile(t.sscReader), log });
  if (t.ratingPad !== undefined) {
    const profile = t.ratingPad;
    try {
      devices.ratingPad = { driver: new RatingPadDriver(profile, await openPadSource(profile)) };
    } catch (e) {
      log.error('cannot open the rating pad; reported disconnected', { profile: profile.id, error: e });
      devices.ratingPad = { driver: null };
    }
  }
  // The scanner by its profile's transport: SANE's scanimage (a real one, or its `test` device),
  // or the simulator that only the demo's profile names (MAT-DEV-2).
  if (t.documentScanner !== undefined) devices.documentScanner = scannerFromProfile(t.documentScanner);
  if (t.documentCamera !== undefined) devices.documentCamera = documentCameraSetting(t.documentCamera);
  return devices;
}
