/**
 * DEV AND TEST ONLY (`--simulate`): simulators for every device of a terminal profile — a
 * SimulatedPrinter, a SimulatedSamReader behind the real IdCardReader driver (over an
 * in-memory link), a SimulatedSscReader behind the real SocialSecurityCardReader driver (as
 * its PC/SC binding and pcscd), a SimulatedPadSource behind the real RatingPadDriver. Never in
 * a hall.
 */
import type { ResolvedTerminal } from '@onewindow/firmware-config';
import { IdCardReader } from '../idcard/reader.ts';
import { SimulatedSamReader } from '../idcard/simulator.ts';
import { createMemoryLink } from '../idcard/transport.ts';
import { SimulatedPrinter } from '../printer/transport.ts';
import { RatingPadDriver } from '../rating-pad/driver.ts';
import { SimulatedPadSource } from '../rating-pad/sources.ts';
import { documentCameraSetting, SimulatedScanner } from '../scanner/sane.ts';
import { readerOptionsFromProfile, SocialSecurityCardReader } from '../ssc/reader.ts';
import { SimulatedSscReader } from '../ssc/simulator.ts';
import type { AgentDevices } from './agent.ts';
import { printerSetupOf } from './render.ts';

export interface Simulators {
  printer?: SimulatedPrinter;
  idCardReader?: SimulatedSamReader;
  sscReader?: SimulatedSscReader;
  ratingPad?: SimulatedPadSource;
  documentScanner?: SimulatedScanner;
}

/**
 * Simulators for the devices the terminal profile lists (its printer's paper and QR settings
 * are kept). `pollIntervalMs` overrides the ID reader's poll interval and the SSC reader's
 * pcscd probe interval (tests use a short one).
 */
export function buildSimulatedDevices(
  t: Pick<ResolvedTerminal, 'printer' | 'idCardReader' | 'sscReader' | 'ratingPad'> &
    Partial<Pick<ResolvedTerminal, 'documentScanner' | 'documentCamera'>>,
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
  if (t.sscReader !== undefined) {
    // The simulated reader is named after the profile's readerNameMatch when the pattern
    // matches its own text (`^ACS ACR39U ICC Reader` → `ACS ACR39U ICC Reader 00 00`), so the
    // driver filters readers as in a hall; otherwise it uses any reader.
    const readerName = `${t.sscReader.readerNameMatch.replace(/^\^/, '')} 00 00`;
    const named = safeTest(t.sscReader.readerNameMatch, readerName);
    const sim = new SimulatedSscReader(named ? { readerName } : {});
    simulators.sscReader = sim;
    devices.sscReader = new SocialSecurityCardReader({
      ...(named ? readerOptionsFromProfile(t.sscReader) : {}),
      socketPath: sim.socketPath,
      open: sim.open,
      ...(opts.pollIntervalMs !== undefined ? { retryMs: opts.pollIntervalMs } : {}),
    });
  }
  if (t.ratingPad !== undefined) {
    const source = new SimulatedPadSource(t.ratingPad);
    simulators.ratingPad = source;
    devices.ratingPad = { driver: new RatingPadDriver(t.ratingPad, source) };
  }
  if (t.documentScanner !== undefined) {
    const scanner = new SimulatedScanner();
    simulators.documentScanner = scanner;
    devices.documentScanner = scanner;
  }
  // The camera is the console's (getUserMedia); the agent only reports the profile's settings.
  if (t.documentCamera !== undefined) devices.documentCamera = documentCameraSetting(t.documentCamera);
  return { devices, simulators };
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'i').test(text);
  } catch {
    return false;
  }
}
