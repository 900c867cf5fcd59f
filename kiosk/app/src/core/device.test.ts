import { describe, expect, it } from 'vitest';
import { idleSeconds, loadToken, TOKEN_KEY, takeTokenFromUrl } from './device.ts';

function memory(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: (i) => [...m.keys()][i] ?? null,
    get length() {
      return m.size;
    },
  };
}

describe('device token', () => {
  it('is taken from #device=, kept, and removed from the address', () => {
    const storage = memory();
    let replaced: string | null = null;
    takeTokenFromUrl({ hash: '#device=abc123', pathname: '/kiosk/', search: '?idle=5' }, storage, (u) => {
      replaced = u;
    });
    expect(storage.getItem(TOKEN_KEY)).toBe('abc123');
    expect(loadToken(storage)).toBe('abc123');
    expect(replaced).toBe('/kiosk/?idle=5');
  });

  it('leaves the address alone without a token', () => {
    const storage = memory();
    let replaced = false;
    takeTokenFromUrl({ hash: '', pathname: '/kiosk/', search: '' }, storage, () => {
      replaced = true;
    });
    expect(replaced).toBe(false);
    expect(loadToken(storage)).toBeNull();
  });

  it('idle is 60 s unless a sane ?idle= is given', () => {
    expect(idleSeconds('')).toBe(60);
    expect(idleSeconds('?idle=3')).toBe(3);
    expect(idleSeconds('?idle=0')).toBe(60);
    expect(idleSeconds('?idle=abc')).toBe(60);
    expect(idleSeconds('?idle=100000')).toBe(60);
  });
});
