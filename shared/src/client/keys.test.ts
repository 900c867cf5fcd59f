import { expect, it } from 'vitest';
import { newIdempotencyKey } from './keys.ts';

it('makes 128-bit hex keys with the caller’s prefix, a new one every call', () => {
  const a = newIdempotencyKey();
  expect(a).toMatch(/^[0-9a-f]{32}$/);
  expect(newIdempotencyKey('kiosk-')).toMatch(/^kiosk-[0-9a-f]{32}$/);
  expect(newIdempotencyKey()).not.toBe(a);
});
