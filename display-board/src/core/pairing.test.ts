import { expect, it } from 'vitest';
import { routeOf, type StoredPairing } from './pairing.ts';

const device = (kind: StoredPairing['device']['kind'], windowId: string | null = null): StoredPairing => ({
  deviceToken: 'tok',
  device: { id: 'd1', kind, name: 'x', windowId },
});

it('routes by the paired kind, and serves the public board without pairing', () => {
  expect(routeOf('', null)).toEqual({ kind: 'pairing' });
  expect(routeOf('?view=board', null)).toEqual({ kind: 'board', deviceToken: null });
  expect(routeOf('', device('board'))).toEqual({ kind: 'board', deviceToken: 'tok' });
  expect(routeOf('', device('window-display', 'w3'))).toEqual({
    kind: 'window-display',
    deviceToken: 'tok',
    windowId: 'w3',
  });
  expect(routeOf('', device('rating-pad', 'w3'))).toMatchObject({ kind: 'rating-pad', windowId: 'w3' });
  expect(routeOf('', device('rating-pad', null)).kind).toBe('unsupported');
  expect(routeOf('', device('kiosk')).kind).toBe('unsupported');
});
