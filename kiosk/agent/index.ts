/**
 * `@onewindow/kiosk/agent`: the terminal agent as a library, for a process that runs agents
 * in-process (the queue server's demo hall, `npm start`) instead of one per hall PC
 * (`agent/agent/main.ts`). The agent itself, the print journal and token store it keeps, its
 * logger, the kiosk screen handoff, the simulated devices of a terminal profile, and the strict
 * ESC/POS decoder that reads back what a simulated printer was sent.
 */
export {
  type AgentDevices,
  type AgentSocket,
  type AgentState,
  type Clock,
  type RatingOutcome,
  type SocketFactory,
  TerminalAgent,
  type TerminalAgentOptions,
} from './agent/agent.ts';
export { createLogger, type Logger, type LogLevel, silentLogger } from './agent/log.ts';
export { ensurePaired, PairingError } from './agent/pairing.ts';
export { PrintJournal } from './agent/print-journal.ts';
export { kioskScreenUrl, screenHandoffHandler, startScreenHandoff } from './agent/screen-handoff.ts';
export { buildSimulatedDevices, type Simulators } from './agent/simulated.ts';
export { type StoredDevice, TokenStore } from './agent/token-store.ts';
export {
  type DecodeOptions,
  decodeEscPos,
  type EscPosCommand,
  type PrintedItem,
  printedItems,
} from './printer/escpos-decode.ts';
export {
  type DocumentScanner,
  SaneScanner,
  ScanError,
  SimulatedScanner,
  saneOptionsFromProfile,
  scanimageArgs,
  scannerFromProfile,
  scanToCase,
} from './scanner/sane.ts';
