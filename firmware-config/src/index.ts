/**
 * @onewindow/firmware-config: device profiles, terminal profiles and hall layouts.
 *
 * `loadFirmwareConfig(dir)` (Node) reads and checks a folder; `checkFirmwareConfig(files)` is
 * the same check on files already read (no I/O). Import `@onewindow/firmware-config/schema`
 * for the schemas and types alone (browser-safe).
 */
export {
  type CheckResult,
  CONFIG_DIRS,
  type ConfigError,
  checkFirmwareConfig,
  DEVICE_DIR,
  type FirmwareConfig,
  HALL_DIR,
  type ResolvedTerminal,
  resolveTerminal,
  type SourceFile,
  TERMINAL_DIR,
} from './check.ts';
export { type LoadResult, loadFirmwareConfig, SHIPPED_CONFIG_DIR } from './load.ts';
export * from './schema.ts';
