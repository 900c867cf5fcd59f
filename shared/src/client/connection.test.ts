import { expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../protocol.ts';
import { CLIENT_PROTOCOL_VERSION } from './connection.ts';

it('speaks the protocol version of shared/ (copied to keep zod out of the bundles)', () => {
  expect(CLIENT_PROTOCOL_VERSION).toBe(PROTOCOL_VERSION);
});
