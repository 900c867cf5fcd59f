import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('config from the environment', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      demo: false,
      autoDayClose: true,
      logLevel: 'info',
    });
    expect(c.dbPath).toMatch(/data\/onewindow\.db$/);
  });

  it('names every bad key at once', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'eighty', ONEWINDOW_DEMO: 'yes', LOG_LEVEL: 'loud', ONEWINDOW_SECRET: 'short' });
    } catch (e) {
      message = (e as Error).message;
    }
    for (const key of ['PORT', 'ONEWINDOW_DEMO', 'LOG_LEVEL', 'ONEWINDOW_SECRET'])
      expect(message).toContain(key);
  });

  it('turns on the demo by flag or variable', () => {
    expect(loadConfig({}, ['--demo']).demo).toBe(true);
    expect(loadConfig({ ONEWINDOW_DEMO: '1' }).demo).toBe(true);
  });
});
