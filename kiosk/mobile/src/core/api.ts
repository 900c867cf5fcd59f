/**
 * REST to the queue server as the signed-in citizen (`X-Citizen-Token`, never in a URL). Every
 * answer is the shared envelope plus the HTTP status; a network failure is status 0 with
 * `UNAVAILABLE`, so pages handle one shape. A 401 while signed in ends the session on the phone.
 * Other pages call `api.get/post/put/del` with their own paths and types.
 */
import type {
  CitizenCase,
  CitizenHallInfo,
  CitizenMe,
  CitizenOtpSent,
  CitizenProgress,
  CitizenSession,
} from '@onewindow/shared/citizen.ts';
import type { Ack, ApiError } from '@onewindow/shared/protocol.ts';

export type PhoneAck<T> = { ok: true; data: T } | { ok: false; error: ApiError; status: number };

export interface CallOptions {
  /** Sent as the Idempotency-Key header (use `newIdempotencyKey` from the client core). */
  idempotencyKey?: string;
}

export interface PhoneApi {
  get<T>(path: string): Promise<PhoneAck<T>>;
  post<T>(path: string, body?: unknown, opts?: CallOptions): Promise<PhoneAck<T>>;
  put<T>(path: string, body?: unknown, opts?: CallOptions): Promise<PhoneAck<T>>;
  del<T>(path: string, opts?: CallOptions): Promise<PhoneAck<T>>;
  hall(): Promise<PhoneAck<CitizenHallInfo>>;
  requestCode(phone: string): Promise<PhoneAck<CitizenOtpSent>>;
  signIn(phone: string, code: string): Promise<PhoneAck<CitizenSession>>;
  me(): Promise<PhoneAck<CitizenMe>>;
  signOut(): Promise<PhoneAck<{ ended: true }>>;
  bindIdentity(idNumber: string): Promise<PhoneAck<CitizenMe>>;
  progress(): Promise<PhoneAck<CitizenProgress>>;
  lookup(receiptNo: string, phoneLast4: string): Promise<PhoneAck<CitizenCase>>;
}

const REQUEST_TIMEOUT_MS = 15_000;

export function createPhoneApi(
  token: () => string | null,
  onSignedOut: () => void,
  fetchImpl: typeof fetch = (...a) => fetch(...a),
): PhoneApi {
  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    opts: CallOptions = {},
  ): Promise<PhoneAck<T>> {
    const ctrl = typeof AbortController === 'undefined' ? null : new AbortController();
    const timer = setTimeout(() => ctrl?.abort(), REQUEST_TIMEOUT_MS);
    const t = token();
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (t !== null) headers['x-citizen-token'] = t;
    if (opts.idempotencyKey !== undefined) headers['idempotency-key'] = opts.idempotencyKey;
    let res: Response;
    try {
      res = await fetchImpl(path, {
        method,
        headers,
        cache: 'no-store',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(ctrl ? { signal: ctrl.signal } : {}),
      });
    } catch {
      return { ok: false, status: 0, error: { code: 'UNAVAILABLE', message: 'network error' } };
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 401 && t !== null) onSignedOut();
    try {
      const ack = (await res.json()) as Ack<T>;
      return ack.ok ? ack : { ok: false, status: res.status, error: ack.error };
    } catch {
      return {
        ok: false,
        status: res.status,
        error: { code: res.status >= 500 ? 'UNAVAILABLE' : 'BAD_REQUEST', message: `HTTP ${res.status}` },
      };
    }
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body, opts) => call('POST', path, body ?? {}, opts),
    put: (path, body, opts) => call('PUT', path, body ?? {}, opts),
    del: (path, opts) => call('DELETE', path, undefined, opts),
    hall: () => call('GET', '/api/citizen/hall'),
    requestCode: (phone) => call('POST', '/api/citizen/otp', { phone }),
    signIn: (phone, code) => call('POST', '/api/citizen/session', { phone, code }),
    me: () => call('GET', '/api/citizen/me'),
    signOut: () => call('DELETE', '/api/citizen/session'),
    bindIdentity: (idNumber) => call('POST', '/api/citizen/identity', { idNumber }),
    progress: () => call('GET', '/api/citizen/progress'),
    lookup: (receiptNo, phoneLast4) => call('POST', '/api/citizen/lookup', { receiptNo, phoneLast4 }),
  };
}
