/**
 * The shipped terminals get a real printer transport from their profile (agent/devices.ts):
 * USB for the kiosk, comprehensive and rights windows, TCP for the bulk window, serial when a
 * profile says so. Nothing is opened by building them.
 */
import { loadFirmwareConfig } from '@onewindow/firmware-config';
import type { PrinterProfile } from '@onewindow/firmware-config/schema';
import { describe, expect, it } from 'vitest';
import { buildPrinterTransport } from '../agent/devices.ts';
import type { Logger } from '../agent/log.ts';
import { SerialPrinter } from './serial.ts';
import { NetworkPrinter } from './transport.ts';
import { UsbPrinter } from './usb.ts';

function recordingLog(): Logger & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  const none = (): void => {};
  return {
    debug: none,
    info: none,
    error: none,
    warn: (msg, fields) => warnings.push({ msg, ...fields }),
    warnings,
  };
}

describe('buildPrinterTransport', () => {
  const { config, errors } = loadFirmwareConfig();

  it.each([
    ['kiosk', UsbPrinter],
    ['comprehensive-window', UsbPrinter],
    ['rights-window', UsbPrinter],
    ['bulk-window', NetworkPrinter],
  ] as const)('gives the shipped %s terminal a real transport', async (id, kind) => {
    expect(errors).toEqual([]);
    const printerId = config.terminals[id]?.devices.printer;
    const profile = config.devices[printerId ?? ''] as PrinterProfile | undefined;
    expect(profile?.class).toBe('printer');
    const transport = buildPrinterTransport(profile as PrinterProfile, recordingLog());
    expect(transport).toBeInstanceOf(kind);
    await transport.close();
  });

  it('builds a serial printer, and logs why it is offline once per reason', async () => {
    const usb = config.devices['xprinter-xp58iih-usb'] as PrinterProfile;
    const serial: PrinterProfile = {
      ...usb,
      transport: { kind: 'serial', path: '/dev/ow-no-such-tty', baudRate: 9600 },
    };
    const log = recordingLog();
    const transport = buildPrinterTransport(serial, log);
    expect(transport).toBeInstanceOf(SerialPrinter);
    expect(await transport.queryStatus()).toBe('offline');
    expect(await transport.queryStatus()).toBe('offline');
    expect(log.warnings).toHaveLength(1);
    expect(JSON.stringify(log.warnings[0])).toContain('/dev/ow-no-such-tty');
    await transport.close();
  });
});
