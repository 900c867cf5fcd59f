/**
 * The agent's logger: one JSON object per line on stderr. Card data never reaches it whole:
 * fields named like personal data are censored, and every string is scanned for ID and phone
 * numbers (`redactPersonalData`), so even an error message quoting one is masked.
 */
import { redactPersonalData } from '@onewindow/shared';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Keys whose values are never written, whatever they hold. */
const CENSORED = new Set([
  'idnumber',
  'name',
  'address',
  'birthdate',
  'devicetoken',
  'token',
  'pairingcode',
  'password',
]);

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactPersonalData(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: redactPersonalData(value.message) };
  if (value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = CENSORED.has(k.toLowerCase()) ? '[masked]' : scrub(v, depth + 1);
  return out;
}

/**
 * A JSON-lines logger. `write` defaults to stderr; tests pass their own to read what was
 * logged. `clock` stamps the lines.
 */
export function createLogger(
  opts: {
    level?: LogLevel;
    write?: (line: string) => void;
    now?: () => number;
    base?: Record<string, unknown>;
  } = {},
): Logger {
  const min = RANK[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => void process.stderr.write(line));
  const now = opts.now ?? (() => Date.now());
  const base = opts.base ?? { service: 'terminal-agent' };
  const log =
    (level: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields: Record<string, unknown> = {}): void => {
      if (RANK[level] < min) return;
      const record = scrub({ ...fields, ...base, level, time: new Date(now()).toISOString(), msg });
      write(`${JSON.stringify(record)}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that drops everything. */
export const silentLogger: Logger = createLogger({ level: 'silent' });
