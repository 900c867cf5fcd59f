/**
 * Signed-in citizens for tests of the phone's server parts (SPEC MOB-*), until the phone app's
 * SMS sign-in is on main: a `CitizenResolver` that reads `Authorization: Citizen <token>` and a
 * way to sign a citizen in by ID number and phone, with the same holder reference as the kiosk.
 */
import { randomBytes } from 'node:crypto';
import { maskIdNumber, parseIdNumber } from '@onewindow/shared';
import type { Citizen, CitizenResolver } from '../../queue-server/src/service/citizen.ts';
import { holderRefs } from '../../queue-server/src/service/holder.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';

export interface TestCitizens {
  resolver: CitizenResolver;
  /** Signs a citizen in: the headers their phone sends. */
  signIn(idNumber: string, phone: string): Record<string, string>;
}

export function testCitizens(): TestCitizens {
  const tokens = new Map<string, Citizen>();
  const ref = holderRefs(TEST_KEYS);
  return {
    resolver: (req) => {
      const token = /^Citizen (.+)$/.exec(req.get('authorization') ?? '')?.[1];
      return token === undefined ? null : (tokens.get(token) ?? null);
    },
    signIn(idNumber, phone) {
      const id = parseIdNumber(idNumber);
      if (!id.ok) throw new Error(`not an ID number: ${id.error.detail}`);
      const token = randomBytes(16).toString('base64url');
      tokens.set(token, {
        holderRef: ref(id.value.number),
        holderMasked: maskIdNumber(id.value.number),
        senior: false,
        phone,
      });
      return { authorization: `Citizen ${token}` };
    },
  };
}
