/**
 * Which terminal this PC is (a terminal profile, or a window / kiosk of the hall layout) and
 * its real devices, built from the firmware-config profiles.
 */
import { type FirmwareConfig, type ResolvedTerminal, resolveTerminal } from '@onewindow/firmware-config';
import { createIdCardReader } from '../idcard/profile.ts';
import { NetworkPrinter, type PrinterStatus, type PrinterTransport } from '../printer/transport.ts';
import { RatingPadDriver } from '../rating-pad/driver.ts';
import { openPadSource } from '../rating-pad/sources.ts';
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
 * A printer the agent cannot drive yet (USB and serial transports are not written): reports
 * 'offline' so the guide console shows an alert, and refuses every job.
 */
class MissingPrinterTransport implements PrinterTransport {
  async write(): Promise<void> {
    throw new Error('no driver for this printer transport');
  }
  async queryStatus(): Promise<PrinterStatus> {
    return 'offline';
  }
  async close(): Promise<void> {}
}

/** The terminal's real devices. Nothing is opened yet except the rating pad (its driver needs the source). */
export async function buildRealDevices(t: ResolvedTerminal, log: Logger): Promise<AgentDevices> {
  const devices: AgentDevices = {};
  if (t.printer !== undefined) {
    const p = t.printer;
    let transport: PrinterTransport;
    if (p.transport.kind === 'tcp') {
      transport = new NetworkPrinter({ host: p.transport.host, port: p.transport.port });
    } else {
      log.error('this printer transport has no driver yet; printing will fail as "打印机离线"', {
        profile: p.id,
        transport: p.transport.kind,
      });
      transport = new MissingPrinterTransport();
    }
    if (p.qr !== 'gs-k')
      log.warn('this printer has no native QR (GS ( k); QR codes are left off its documents', {
        profile: p.id,
      });
    devices.printer = { transport, setup: printerSetupOf(p) };
  }
  if (t.idCardReader !== undefined) devices.idCardReader = createIdCardReader(t.idCardReader);
  if (t.sscReader !== undefined)
    log.warn('the social security card reader is not driven by the agent yet', { profile: t.sscReader.id });
  if (t.ratingPad !== undefined) {
    const profile = t.ratingPad;
    try {
      devices.ratingPad = { driver: new RatingPadDriver(profile, await openPadSource(profile)) };
    } catch (e) {
      log.error('cannot open the rating pad; reported disconnected', { profile: profile.id, error: e });
      devices.ratingPad = { driver: null };
    }
  }
  return devices;
}
