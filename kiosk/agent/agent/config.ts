/**
 * The agent's settings, from the environment and the command line (the command line wins).
 * Every bad key is named at once, so an installer fixes the whole list in one go.
 *
 * | env                        | flag             | default                         |
 * | -------------------------- | ---------------- | ------------------------------- |
 * | ONEWINDOW_SERVER_URL       | --server         | http://127.0.0.1:8080           |
 * | ONEWINDOW_TERMINAL         | --terminal       | (required)                      |
 * | ONEWINDOW_HALL             | --hall           | demo                            |
 * | ONEWINDOW_FIRMWARE_DIR     | --firmware-dir   | firmware-config's shipped folder |
 * | ONEWINDOW_AGENT_STATE      | --state-dir      | ./data/agent                    |
 * | ONEWINDOW_SIMULATE         | --simulate       | 0                               |
 * | ONEWINDOW_PAIRING_CODE     | (env only)       | —                               |
 * | ONEWINDOW_HEALTH_INTERVAL_S| --health-interval| 60                              |
 * | ONEWINDOW_SCREEN_PORT      | (env only)       | 7310 (kiosks; 0 = off)          |
 * | LOG_LEVEL                  | --log-level      | info                            |
 *
 * The pairing code is read from the environment only: command lines are visible to every user
 * of the PC (`ps`).
 */
import { resolve } from 'node:path';
import { SHIPPED_CONFIG_DIR } from '@onewindow/firmware-config';
import { z } from 'zod';
import { LOG_LEVELS, type LogLevel } from './log.ts';

const FLAGS = {
  '--server': 'ONEWINDOW_SERVER_URL',
  '--terminal': 'ONEWINDOW_TERMINAL',
  '--hall': 'ONEWINDOW_HALL',
  '--firmware-dir': 'ONEWINDOW_FIRMWARE_DIR',
  '--state-dir': 'ONEWINDOW_AGENT_STATE',
  '--health-interval': 'ONEWINDOW_HEALTH_INTERVAL_S',
  '--log-level': 'LOG_LEVEL',
} as const;
/** Flags without a value. */
const SWITCHES = { '--simulate': 'ONEWINDOW_SIMULATE' } as const;

const id = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
    'a terminal profile id (e.g. "kiosk") or a hall entry id (e.g. "w1")',
  );

const schema = z.object({
  ONEWINDOW_SERVER_URL: z
    .url({ protocol: /^https?$/, error: 'an http(s) URL such as http://192.168.1.10:8080' })
    .default('http://127.0.0.1:8080'),
  ONEWINDOW_TERMINAL: id.optional(),
  ONEWINDOW_HALL: id.default('demo'),
  ONEWINDOW_FIRMWARE_DIR: z.string().min(1).default(SHIPPED_CONFIG_DIR),
  ONEWINDOW_AGENT_STATE: z.string().min(1).default('./data/agent'),
  ONEWINDOW_SIMULATE: z.enum(['0', '1'], { error: '0 or 1' }).default('0'),
  ONEWINDOW_PAIRING_CODE: z
    .string()
    .trim()
    .regex(/^\d{8}$/, 'the 8-digit one-time code from the admin console')
    .optional(),
  /** A kiosk's loopback screen handoff (screen-handoff.ts); 0 turns it off. */
  ONEWINDOW_SCREEN_PORT: z.coerce.number().int().min(0).max(65535).default(7310),
  ONEWINDOW_HEALTH_INTERVAL_S: z.coerce.number().int().min(5).max(3600).default(60),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export interface AgentConfig {
  serverUrl: string;
  /** A terminal profile id (`comprehensive-window`) or a window / kiosk id of the hall layout (`w1`, `k1`). */
  terminal: string;
  /** The hall layout (`halls/<hall>.json`) that hall entry ids are looked up in. */
  hall: string;
  firmwareDir: string;
  /** Where the device token and the print journal live. */
  stateDir: string;
  /** Simulators for every device (the demo); never in a hall. */
  simulate: boolean;
  /** Used once, when no device token is stored. */
  pairingCode: string | undefined;
  healthIntervalMs: number;
  /** Kiosks: the loopback port where the touchscreen browser picks up its identity (0: none). */
  screenPort: number;
  logLevel: LogLevel;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid agent configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads env and argv (without `node script`); throws {@link ConfigError} naming every bad key. */
export function loadAgentConfig(env: NodeJS.ProcessEnv, argv: readonly string[] = []): AgentConfig {
  const problems: string[] = [];
  const fromArgs: Record<string, string> = {};
  const flagOf: Record<string, string> = {};
  for (const [flag, key] of [...Object.entries(FLAGS), ...Object.entries(SWITCHES)]) flagOf[key] = flag;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag in SWITCHES) {
      if (eq > 0) problems.push(`${flag}: takes no value`);
      else fromArgs[SWITCHES[flag as keyof typeof SWITCHES]] = '1';
      continue;
    }
    if (flag in FLAGS) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[i + 1];
      if (eq < 0) i++;
      if (value === undefined || (eq < 0 && value.startsWith('--'))) {
        problems.push(`${flag}: needs a value`);
        if (eq < 0 && value !== undefined) i--;
        continue;
      }
      fromArgs[FLAGS[flag as keyof typeof FLAGS]] = value;
      continue;
    }
    if (flag === '--pairing-code') {
      if (eq < 0 && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) i++; // never echo it
      problems.push(
        '--pairing-code: pass the code in ONEWINDOW_PAIRING_CODE (command lines are visible to all)',
      );
    } else
      problems.push(
        `${arg}: unknown argument (known: ${[...Object.keys(FLAGS), ...Object.keys(SWITCHES)].join(', ')})`,
      );
  }

  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = fromArgs[key] ?? env[key];
    // An empty variable counts as unset (a systemd `Environment=KEY=` line).
    input[key] = value === '' ? undefined : value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      const flag = flagOf[key];
      problems.push(`${key}${flag ? ` (${flag})` : ''}: ${issue.message}`);
    }
  }
  if (input.ONEWINDOW_TERMINAL === undefined) {
    problems.push(
      'ONEWINDOW_TERMINAL (--terminal): required: a terminal profile id (kiosk, comprehensive-window, …) or a hall entry id (w1, k1, …)',
    );
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    serverUrl: e.ONEWINDOW_SERVER_URL.replace(/\/+$/, ''),
    terminal: e.ONEWINDOW_TERMINAL!,
    hall: e.ONEWINDOW_HALL,
    firmwareDir: resolve(e.ONEWINDOW_FIRMWARE_DIR),
    stateDir: resolve(e.ONEWINDOW_AGENT_STATE),
    simulate: e.ONEWINDOW_SIMULATE === '1',
    pairingCode: e.ONEWINDOW_PAIRING_CODE,
    healthIntervalMs: e.ONEWINDOW_HEALTH_INTERVAL_S * 1000,
    screenPort: e.ONEWINDOW_SCREEN_PORT,
    logLevel: e.LOG_LEVEL,
  };
}
