import { PROTOCOL_VERSION } from '@onewindow/shared';
import { expect, it } from 'vitest';
import { CLIENT_PROTOCOL_VERSION } from './connection.ts';

it('speaks the protocol version of shared/ (copied to keep zod out of the bundle)', () => {
  expect(CLIENT_PROTOCOL_VERSION).toBe(PROTOCOL_VERSION);
});
