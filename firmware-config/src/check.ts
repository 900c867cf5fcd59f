/**
 * Checks a set of configuration files (already read) against the schema and against each
 * other, and returns the typed configuration together with ALL errors found. Pure: no I/O, so
 * it runs in the terminal agent, in a browser and in tests alike. `load.ts` reads a directory
 * and calls this.
 */
import type { z } from 'zod';
import {
  DEVICE_CLASSES,
  DEVICE_SLOTS,
  type DeviceClass,
  type DeviceProfile,
  type DeviceSlot,
  type DocumentCameraProfile,
  deviceProfileSchema,
  type HallLayout,
  hallLayoutSchema,
  type IdCardReaderProfile,
  type PrinterProfile,
  type RatingPadProfile,
  type ScannerProfile,
  type SscReaderProfile,
  TERMINAL_POSTS,
  type TerminalProfile,
  terminalProfileSchema,
} from './schema.ts';

/** One problem, located: `file` relative to the config folder, `path` inside the JSON ('' = whole file). */
export interface ConfigError {
  file: string;
  path: string;
  message: string;
}

/** A configuration file's name relative to the config folder (forward slashes) and its text. */
export interface SourceFile {
  file: string;
  text: string;
}

/** Valid profiles and layouts by id (hall layouts by file name, e.g. `demo`). */
export interface FirmwareConfig {
  devices: Record<string, DeviceProfile>;
  terminals: Record<string, TerminalProfile>;
  halls: Record<string, HallLayout>;
}

export interface CheckResult {
  config: FirmwareConfig;
  /** Every error, in file order; empty when the configuration is clean. */
  errors: ConfigError[];
}

export const DEVICE_DIR = 'profiles/devices';
export const TERMINAL_DIR = 'profiles/terminals';
export const HALL_DIR = 'halls';
export const CONFIG_DIRS = [DEVICE_DIR, TERMINAL_DIR, HALL_DIR] as const;

const WINDOW_KINDS = Object.keys(TERMINAL_POSTS)
  .map((k) => `"${k}"`)
  .join(', ');

type Section = 'device' | 'terminal' | 'hall';

interface Parsed {
  source: SourceFile;
  section: Section;
  /** The file name without `.json`: a profile's id, a hall layout's name. */
  name: string;
  raw: unknown;
  /** False when the file is not valid JSON (already reported). */
  readable: boolean;
}

/** What is known about a declared id, even when its file failed the schema. */
interface Known<T> {
  file: string;
  value?: T;
  /** The declared class (devices) or kind (terminals), when it is a string. */
  tag?: string;
}

export function checkFirmwareConfig(sources: readonly SourceFile[]): CheckResult {
  const errors: ConfigError[] = [];
  const config: FirmwareConfig = { devices: {}, terminals: {}, halls: {} };
  const parsed: Parsed[] = [];

  for (const source of sources) {
    const section = sectionOf(source.file);
    if (!section) {
      errors.push({
        file: source.file,
        path: '',
        message: `not a configuration file location (${CONFIG_DIRS.join(', ')})`,
      });
      continue;
    }
    const name = baseName(source.file);
    try {
      parsed.push({
        source,
        section,
        name,
        raw: JSON.parse(withoutBom(source.text)) as unknown,
        readable: true,
      });
    } catch (e) {
      errors.push({ file: source.file, path: '', message: jsonErrorMessage(e, source.text) });
      // Still declared by its file name, so references to it are not reported a second time.
      parsed.push({ source, section, name, raw: undefined, readable: false });
    }
  }

  const devices = new Map<string, Known<DeviceProfile>>();
  const terminals = new Map<string, Known<TerminalProfile>>();

  // Devices first, then terminals (which name devices), then halls (which name terminals).
  for (const p of parsed.filter((p) => p.section === 'device')) {
    const value = parseInto(p, deviceProfileSchema, errors);
    const known = declare(p, devices, value, stringField(p.raw, 'class'), errors);
    if (value && known) config.devices[value.id] = value;
  }
  for (const p of parsed.filter((p) => p.section === 'terminal')) {
    const value = parseInto(p, terminalProfileSchema, errors);
    const known = declare(p, terminals, value, stringField(p.raw, 'kind'), errors);
    errors.push(...checkTerminalReferences(p, devices));
    if (value && known) config.terminals[value.id] = value;
  }
  for (const p of parsed.filter((p) => p.section === 'hall')) {
    const value = parseInto(p, hallLayoutSchema, errors);
    errors.push(...checkHallReferences(p, terminals, value));
    if (value) config.halls[p.name] = value;
  }
  return { config, errors };
}

/** The devices of one terminal profile, resolved to their typed profiles. */
export interface ResolvedTerminal {
  profile: TerminalProfile;
  printer?: PrinterProfile;
  idCardReader?: IdCardReaderProfile;
  sscReader?: SscReaderProfile;
  ratingPad?: RatingPadProfile;
  documentScanner?: ScannerProfile;
  documentCamera?: DocumentCameraProfile;
}

/** Looks a terminal profile up with its devices; `undefined` when it is not in a clean config. */
export function resolveTerminal(config: FirmwareConfig, terminalId: string): ResolvedTerminal | undefined {
  const profile = config.terminals[terminalId];
  if (!profile) return undefined;
  const pick = <C extends DeviceClass>(id: string | undefined, cls: C) => {
    const device = id === undefined ? undefined : config.devices[id];
    return device?.class === cls ? (device as Extract<DeviceProfile, { class: C }>) : undefined;
  };
  return {
    profile,
    printer: pick(profile.devices.printer, 'printer'),
    idCardReader: pick(profile.devices.idCardReader, 'id-card-reader'),
    sscReader: pick(profile.devices.sscReader, 'ssc-reader'),
    ratingPad: pick(profile.devices.ratingPad, 'rating-pad'),
    documentScanner: pick(profile.devices.documentScanner, 'scanner'),
    documentCamera: pick(profile.devices.documentCamera, 'document-camera'),
  };
}

// ---------------------------------------------------------------------------------------------
// Schema errors

function parseInto<S extends z.ZodType>(
  p: Parsed,
  schema: S,
  errors: ConfigError[],
): z.output<S> | undefined {
  if (!p.readable) return undefined;
  const result = schema.safeParse(p.raw, { reportInput: true });
  if (result.success) return result.data;
  const keys = knownKeys(schema);
  for (const issue of result.error.issues) errors.push(...toConfigErrors(p.source.file, issue, keys));
  return undefined;
}

function toConfigErrors(file: string, issue: z.core.$ZodIssue, keys: Set<string>): ConfigError[] {
  const at = (path: readonly PropertyKey[]) => path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      file,
      path: at([...issue.path, key]),
      message: `unknown key "${key}"${didYouMean(key, keys)}`,
    }));
  }
  const input = (issue as { input?: unknown }).input;
  const missing = 'input' in issue && input === undefined;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && typeof issue.discriminator === 'string') {
    const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
    const value = isRecord(input) ? input[issue.discriminator] : undefined;
    const list = options.map((o) => `"${o}"`).join(', ');
    // zod reports the discriminator's path already on the discriminator key.
    const path =
      issue.path.at(-1) === issue.discriminator ? issue.path : [...issue.path, issue.discriminator];
    return [
      {
        file,
        path: at(path),
        message:
          value === undefined
            ? `required: one of ${list}`
            : `"${String(value)}" is not one of ${list}${didYouMean(String(value), new Set(options))}`,
      },
    ];
  }
  if (issue.code === 'invalid_type' && missing) {
    return [{ file, path: at(issue.path), message: `required (${issue.expected})` }];
  }
  if (issue.code === 'invalid_union' && missing) {
    return [{ file, path: at(issue.path), message: `required: ${issue.message}` }];
  }
  return [{ file, path: at(issue.path), message: issue.message }];
}

/** Every object key the schema accepts anywhere, for "did you mean" hints. */
function knownKeys(schema: z.ZodType): Set<string> {
  const keys = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (!isRecord(node) || seen.has(node)) return;
    seen.add(node);
    const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return;
    if (isRecord(def.shape)) {
      for (const [key, child] of Object.entries(def.shape)) {
        keys.add(key);
        walk(child);
      }
    }
    if (Array.isArray(def.options)) for (const option of def.options) walk(option);
    for (const k of ['innerType', 'element', 'valueType', 'in', 'out']) walk(def[k]);
  };
  walk(schema);
  return keys;
}

function didYouMean(word: string, candidates: Set<string>): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = c.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = word.length <= 4 ? 1 : 2;
  return best !== undefined && best !== word && bestDistance <= limit ? ` (did you mean "${best}"?)` : '';
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + cost));
    }
    row = next;
  }
  return row[b.length]!;
}

/** Windows editors (Notepad) save UTF-8 with a byte order mark; it is not part of the JSON. */
function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function jsonErrorMessage(e: unknown, text: string): string {
  const message = e instanceof Error ? e.message : String(e);
  const position = /position (\d+)/.exec(message);
  if (!position) return `invalid JSON: ${message}`;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `invalid JSON at line ${line}, column ${column}: ${message}`;
}

// ---------------------------------------------------------------------------------------------
// Ids and references

function declare<T>(
  p: Parsed,
  registry: Map<string, Known<T>>,
  value: T | undefined,
  tag: string | undefined,
  errors: ConfigError[],
): Known<T> | undefined {
  const id = stringField(p.raw, 'id');
  if (id === undefined) {
    // Unreadable or without an id (already reported): known by its file name, without a value.
    if (!registry.has(p.name)) registry.set(p.name, { file: p.source.file });
    return undefined;
  }
  if (id !== p.name) {
    errors.push({
      file: p.source.file,
      path: 'id',
      message: `id "${id}" must match the file name (${p.name}.json), so that references can be found`,
    });
  }
  const other = registry.get(id);
  if (other) {
    errors.push({
      file: p.source.file,
      path: 'id',
      message: `id "${id}" is already declared in ${other.file}`,
    });
    return undefined;
  }
  const known: Known<T> = { file: p.source.file, ...(value ? { value } : {}), ...(tag ? { tag } : {}) };
  registry.set(id, known);
  return known;
}

/** Device references of a terminal, checked on the raw data so they are found even when other fields are broken. */
function checkTerminalReferences(p: Parsed, devices: Map<string, Known<DeviceProfile>>): ConfigError[] {
  const errors: ConfigError[] = [];
  const raw = isRecord(p.raw) && isRecord(p.raw.devices) ? p.raw.devices : undefined;
  if (!raw) return errors;
  const serialPorts = new Map<string, DeviceSlot>();
  for (const slot of Object.keys(DEVICE_SLOTS) as DeviceSlot[]) {
    const ref = raw[slot];
    if (typeof ref !== 'string') continue;
    const path = `devices.${slot}`;
    const wanted = DEVICE_SLOTS[slot];
    const target = devices.get(ref);
    if (!target) {
      errors.push({
        file: p.source.file,
        path,
        message: `no device profile "${ref}" (${DEVICE_DIR}/${ref}.json)${didYouMean(ref, new Set(devices.keys()))}`,
      });
      continue;
    }
    if (
      target.tag !== undefined &&
      (DEVICE_CLASSES as readonly string[]).includes(target.tag) &&
      target.tag !== wanted
    ) {
      errors.push({
        file: p.source.file,
        path,
        message: `"${ref}" has class "${target.tag}"; ${path} needs a profile of class "${wanted}"`,
      });
      continue;
    }
    const transport = target.value && 'transport' in target.value ? target.value.transport : undefined;
    if (transport?.kind === 'serial') {
      const other = serialPorts.get(transport.path);
      if (other) {
        errors.push({
          file: p.source.file,
          path,
          message: `"${ref}" uses serial port ${transport.path}, as does devices.${other}; give each device its own port`,
        });
      } else serialPorts.set(transport.path, slot);
    }
  }
  return errors;
}

/** Terminal references of a hall, and a rating device for every window. */
function checkHallReferences(
  p: Parsed,
  terminals: Map<string, Known<TerminalProfile>>,
  hall: HallLayout | undefined,
): ConfigError[] {
  const errors: ConfigError[] = [];
  const raw = isRecord(p.raw) ? p.raw : undefined;
  const check = (list: string, index: number, entry: unknown, wantKiosk: boolean) => {
    const ref = isRecord(entry) ? entry.terminal : undefined;
    if (typeof ref !== 'string') return;
    const path = `${list}.${index}.terminal`;
    const target = terminals.get(ref);
    if (!target) {
      errors.push({
        file: p.source.file,
        path,
        message: `no terminal profile "${ref}" (${TERMINAL_DIR}/${ref}.json)${didYouMean(ref, new Set(terminals.keys()))}`,
      });
    } else if (target.tag === 'kiosk' && !wantKiosk) {
      errors.push({
        file: p.source.file,
        path,
        message: `"${ref}" is a kiosk terminal; a window needs a terminal of kind ${WINDOW_KINDS}`,
      });
    } else if (target.tag !== undefined && target.tag !== 'kiosk' && wantKiosk) {
      errors.push({
        file: p.source.file,
        path,
        message: `"${ref}" has kind "${target.tag}"; a kiosk needs a terminal of kind "kiosk"`,
      });
    }
  };
  if (raw && Array.isArray(raw.windows))
    for (const [i, w] of raw.windows.entries()) check('windows', i, w, false);
  if (raw && Array.isArray(raw.kiosks))
    for (const [i, k] of raw.kiosks.entries()) check('kiosks', i, k, true);

  // 好差评 at every window: a rating pad on the terminal or a rating-pad screen for the window.
  if (hall) {
    hall.windows.forEach((w, i) => {
      const terminal = terminals.get(w.terminal)?.value;
      if (!terminal) return;
      const hasPad = terminal.devices.ratingPad !== undefined;
      const hasScreen = hall.screens.some((s) => s.kind === 'rating-pad' && s.windowId === w.id);
      if (!hasPad && !hasScreen) {
        errors.push({
          file: p.source.file,
          path: `windows.${i}`,
          message: `window "${w.id}" has no rating device: terminal "${w.terminal}" has no ratingPad and no rating-pad screen has windowId "${w.id}"`,
        });
      }
    });
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------

function sectionOf(file: string): Section | undefined {
  const dir = file.slice(0, file.lastIndexOf('/'));
  if (dir === DEVICE_DIR) return 'device';
  if (dir === TERMINAL_DIR) return 'terminal';
  if (dir === HALL_DIR) return 'hall';
  return undefined;
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1).replace(/\.json$/, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(raw: unknown, key: string): string | undefined {
  return isRecord(raw) && typeof raw[key] === 'string' ? raw[key] : undefined;
}
