import { describe, expect, it } from 'vitest';
import { loadConfig, parseCommand } from './config.ts';

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

  it('BAK-1: backups every 60 minutes into backups/ beside the database, the newest 48 kept', () => {
    const c = loadConfig({ ONEWINDOW_DB: '/srv/hall/onewindow.db' });
    expect(c.backup).toEqual({ dir: '/srv/hall/backups', everyMinutes: 60, keep: 48 });
    const other = loadConfig({ ONEWINDOW_BACKUP_DIR: '/mnt/usb/hall', ONEWINDOW_BACKUP_EVERY_MINUTES: '0' });
    expect(other.backup).toMatchObject({ dir: '/mnt/usb/hall', everyMinutes: 0 });
    let message = '';
    try {
      loadConfig({ ONEWINDOW_BACKUP_EVERY_MINUTES: 'hourly', ONEWINDOW_BACKUP_KEEP: '0' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('ONEWINDOW_BACKUP_EVERY_MINUTES');
    expect(message).toContain('ONEWINDOW_BACKUP_KEEP');
  });
});

describe('the command line (INT-4, INT-6, BAK-2, BAK-3)', () => {
  it('serves by default and reads each operator command with its arguments', () => {
    expect(parseCommand([])).toEqual({ name: 'serve' });
    expect(parseCommand(['--demo'])).toEqual({ name: 'serve' });
    expect(parseCommand(['init', '--demo'])).toEqual({ name: 'init' });
    expect(parseCommand(['backup'])).toEqual({ name: 'backup' });
    expect(parseCommand(['restore', '/b/x.db'])).toEqual({ name: 'restore', file: '/b/x.db' });
    expect(parseCommand(['accept-loss', '--accept-seq', '41'])).toEqual({
      name: 'accept-loss',
      acceptSeq: 41,
    });
  });

  it('refuses what it does not understand, with the usage', () => {
    for (const argv of [
      ['restore'],
      ['accept-loss'],
      ['accept-loss', '--accept-seq', 'x'],
      ['serve', 'now'],
      ['start'],
    ])
      expect(() => parseCommand(argv), argv.join(' ')).toThrow(/usage: main\.ts/);
  });
});
