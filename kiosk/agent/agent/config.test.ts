import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadAgentConfig } from './config.ts';

function problems(env: NodeJS.ProcessEnv, argv: string[] = []): string[] {
  try {
    loadAgentConfig(env, argv);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('agent configuration', () => {
  it('reads env and flags, flags winning; defaults for the rest', () => {
    const c = loadAgentConfig(
      {
        ONEWINDOW_TERMINAL: 'kiosk',
        ONEWINDOW_SERVER_URL: 'http://10.0.0.2:8080/',
        ONEWINDOW_PAIRING_CODE: '01234567',
      },
      ['--terminal', 'w1', '--simulate', '--state-dir=/tmp/agent-x'],
    );
    expect(c).toMatchObject({
      serverUrl: 'http://10.0.0.2:8080',
      terminal: 'w1',
      hall: 'demo',
      stateDir: '/tmp/agent-x',
      simulate: true,
      pairingCode: '01234567',
      healthIntervalMs: 60_000,
      screenPort: 7310,
      logLevel: 'info',
    });
    expect(loadAgentConfig({ ONEWINDOW_TERMINAL: 'k1', ONEWINDOW_SCREEN_PORT: '0' }).screenPort).toBe(0);
    expect(loadAgentConfig({ ONEWINDOW_TERMINAL: 'k1' }).stateDir).toBe(resolve('./data/agent'));
  });

  it('names every bad key at once, with its flag', () => {
    const p = problems(
      {
        ONEWINDOW_SERVER_URL: 'ftp://hall',
        ONEWINDOW_PAIRING_CODE: '12',
        ONEWINDOW_HEALTH_INTERVAL_S: '1',
        LOG_LEVEL: 'loud',
        ONEWINDOW_SIMULATE: 'yes',
      },
      ['--bogus', '--hall'],
    );
    const keys = [
      'ONEWINDOW_SERVER_URL (--server)',
      'ONEWINDOW_PAIRING_CODE:',
      'ONEWINDOW_HEALTH_INTERVAL_S (--health-interval)',
      'LOG_LEVEL (--log-level)',
      'ONEWINDOW_SIMULATE (--simulate)',
      'ONEWINDOW_TERMINAL (--terminal): required',
      '--bogus: unknown argument',
      '--hall: needs a value',
    ];
    for (const k of keys)
      expect(
        p.some((line) => line.startsWith(k)),
        `${k} in ${p.join(' | ')}`,
      ).toBe(true);
    expect(p).toHaveLength(keys.length);
  });

  it('refuses a pairing code on the command line (visible in ps) without echoing it', () => {
    const p = problems({ ONEWINDOW_TERMINAL: 'w1' }, ['--pairing-code', '12345678']);
    expect(p.join('\n')).toMatch(/--pairing-code: pass the code in ONEWINDOW_PAIRING_CODE/);
    expect(p.join('\n')).not.toContain('12345678');
  });
});
