/**
 * DEV AND TEST ONLY (`--simulate`): simulators for every device of a terminal profile — a
 * SimulatedPrinter, a SimulatedSamReader behind the real IdCardReader driver (over an
 * in-memory link), a SimulatedPadSource behind the real RatingPadDriver. Never in a hall.
 */
import type { ResolvedTerminal } from '@onewindow/firmware-config';
import { IdCardReader } from '../idcard/reader.ts';
import { SimulatedSamReader } from '../idcard/simulator.ts';
import { createMemoryLink } from '../idcard/transport.ts';
import { SimulatedPrinter } from '../printer/transport.ts';
import { RatingPadDriver } from '../rating-pad/driver.ts';
import { SimulatedPadSource } from '../rating-pad/sources.ts';
import type { AgentDevices } from './agent.ts';
import { printerSetupOf } from './render.ts';

export interface Simulators {
  printer?: SimulatedPrinter;
  idCardReader?: SimulatedSamReader;
  ratingPad?: SimulatedPadSource;
}

/**
 * Simulators for the devices the terminal profile lists (its printer's paper and QR settings
 * are kept). `pollIntervalMs` overrides the reader's poll interval (tests use a short one).
 */
export function buildSimulatedDevices(
  t: Pick<ResolvedTerminal, 'printer' | 'idCardReader' | 'ratingPad'>,
  opts: { pollIntervalMs?: number } = {},
): { devices: AgentDevices; simulators: Simulators } {
  const devices: AgentDevices = {};
  const simulators: Simulators = {};
  if (t.printer !== undefined) {
    const printer = new SimulatedPrinter();
    simulators.printer = printer;
    devices.printer = { transport: printer, setup: printerSetupOf(t.printer) };
  }
  if (t.idCardReader !== undefined) {
    const sam = new SimulatedSamReader();
    simulators.idCardReader = sam;
    devices.idCardReader = new IdCardReader({
      pollIntervalMs: opts.pollIntervalMs ?? t.idCardReader.pollIntervalMs,
      open: async () => {
        const link = createMemoryLink();
        sam.serve(link.device);
        return link.host;
      },
    });
  }
  if (t.ratingPad !== undefined) {
    const source = new SimulatedPadSource(t.ratingPad);
    simulators.ratingPad = source;
    devices.ratingPad = { driver: new RatingPadDriver(t.ratingPad, source) };
  }
  return { devices, simulators };
}
