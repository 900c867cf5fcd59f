/**
 * A citizen signed in on the phone app for tests of online booking and online forms (SPEC MOB-*):
 * the SMS code caught at the test SMSC (tests/support/phone.ts), then the ID number bound to the
 * session (MOB-AUTH-7), as the phone does it. Answers the headers the phone sends and the session
 * the phone keeps.
 */
import type { CitizenMe } from '@onewindow/shared/citizen.ts';
import { CITIZEN_TOKEN_HEADER } from '@onewindow/shared/citizen.ts';
import { signIn, type TestSmsc } from './phone.ts';
import type { TestServer } from './server.ts';

export interface CitizenHeaders {
  headers: Record<string, string>;
  session: CitizenMe & { token: string };
}

export async function signInCitizen(
  server: TestServer,
  smsc: TestSmsc,
  idNumber: string,
  phone: string,
): Promise<CitizenHeaders> {
  const token = await signIn(server, smsc, phone);
  const headers = { [CITIZEN_TOKEN_HEADER]: token };
  const r = await server.rest<CitizenMe>('POST', '/api/citizen/identity', { headers, body: { idNumber } });
  if (!r.body.ok) throw new Error(`identity of ${phone}: ${r.body.error.message}`);
  return { headers, session: { ...r.body.data, token } };
}
