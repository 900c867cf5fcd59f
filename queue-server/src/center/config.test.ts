import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { loadCenterConfig } from './config.ts';

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
};

describe('the center and the hall, configured for replication (RGN-OPS-1)', () => {
  it('RGN-OPS-1 the center names every bad key at once, the database included', () => {
    const m = messageOf(() => loadCenterConfig({ PORT: 'ninety', ONEWINDOW_CENTER_ADMIN_TOKEN: 'short' }));
    for (const key of ['PORT', 'ONEWINDOW_CENTER_ADMIN_TOKEN', 'ONEWINDOW_CENTER_DATABASE_URL'])
      expect(m).toContain(key);
  });

  it('RGN-OPS-1 the center takes a URL or the PG* variables, with defaults for the rest', () => {
    const token = 'a'.repeat(24);
    expect(
      loadCenterConfig({
        ONEWINDOW_CENTER_DATABASE_URL: 'postgresql://c@db/center',
        ONEWINDOW_CENTER_ADMIN_TOKEN: token,
      }),
    ).toMatchObject({
      port: 8090,
      databaseUrl: 'postgresql://c@db/center',
      poolSize: 10,
      maxInFlight: 8,
    });
    expect(
      loadCenterConfig({ PGHOST: '/run/postgresql', ONEWINDOW_CENTER_ADMIN_TOKEN: token }).databaseUrl,
    ).toBeUndefined();
    expect(
      messageOf(() =>
        loadCenterConfig({ ONEWINDOW_CENTER_DATABASE_URL: 'mysql://x', ONEWINDOW_CENTER_ADMIN_TOKEN: token }),
      ),
    ).toContain('ONEWINDOW_CENTER_DATABASE_URL');
  });

  it('RGN-OPS-1 a hall replicates only with the URL, its id and its credential together', () => {
    expect(loadConfig({}).center).toBeUndefined();
    const m = messageOf(() => loadConfig({ ONEWINDOW_CENTER_URL: 'https://center.example.cn' }));
    expect(m).toContain('ONEWINDOW_CENTER_HALL_ID');
    expect(m).toContain('ONEWINDOW_CENTER_CREDENTIAL');
    expect(
      loadConfig({
        ONEWINDOW_CENTER_URL: 'https://center.example.cn',
        ONEWINDOW_CENTER_HALL_ID: 'hall-xicheng',
        ONEWINDOW_CENTER_CREDENTIAL: `owh_${'x'.repeat(43)}`,
      }).center,
    ).toEqual({
      url: 'https://center.example.cn',
      hallId: 'hall-xicheng',
      credential: `owh_${'x'.repeat(43)}`,
    });
    expect(
      messageOf(() =>
        loadConfig({
          ONEWINDOW_CENTER_URL: 'https://c.cn',
          ONEWINDOW_CENTER_HALL_ID: 'Hall One',
          ONEWINDOW_CENTER_CREDENTIAL: 'x'.repeat(30),
        }),
      ),
    ).toContain('ONEWINDOW_CENTER_HALL_ID');
  });
});
