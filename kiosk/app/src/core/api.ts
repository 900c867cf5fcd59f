/**
 * REST to the queue server as this kiosk (`X-Device-Token`). Every answer is the shared ack
 * envelope; a network failure becomes `UNAVAILABLE` so screens have one shape to handle.
 */
import type { KioskLookupResult, KioskReprintResult, PrintJobState } from '@onewindow/shared/api-types.ts';
import type { ServiceItem } from '@onewindow/shared/catalog.ts';
import type {
  KioskCheckInResult,
  KioskContext,
  KioskIssueRequest,
  KioskIssueResult,
} from '@onewindow/shared/kiosk.ts';
import type { Ack, ApiError } from '@onewindow/shared/protocol.ts';

/** The shared envelope plus the HTTP status on a refusal (the kiosk routes' errors may carry `messageZh`). */
export type KioskAck<T> = { ok: true; data: T } | { ok: false; error: ApiError; status: number };

export interface KioskApi {
  context(): Promise<KioskAck<KioskContext>>;
  catalog(): Promise<KioskAck<ServiceItem[]>>;
  issue(body: KioskIssueRequest, idempotencyKey: string): Promise<KioskAck<KioskIssueResult>>;
  reprint(ticketId: string, idNumber: string | null): Promise<KioskAck<KioskReprintResult>>;
  printJob(jobId: string): Promise<KioskAck<PrintJobState>>;
  lookup(idNumber: string): Promise<KioskAck<KioskLookupResult>>;
  checkIn(
    body: { idNumber: string } | { bookingCode: string },
    idempotencyKey: string,
  ): Promise<KioskAck<KioskCheckInResult>>;
}

const REQUEST_TIMEOUT_MS = 10_000;

export function createApi(
  deviceToken: string,
  onUnauthorized: () => void,
  fetchImpl: typeof fetch = fetch,
): KioskApi {
  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<KioskAck<T>> {
    const ctrl = typeof AbortController === 'undefined' ? null : new AbortController();
    const timer = setTimeout(() => ctrl?.abort(), REQUEST_TIMEOUT_MS);
    let res: Response;
    try {
      res = await fetchImpl(path, {
        method,
        headers: { 'x-device-token': deviceToken, 'content-type': 'application/json', ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(ctrl ? { signal: ctrl.signal } : {}),
      });
    } catch {
      clearTimeout(timer);
      return { ok: false, status: 0, error: { code: 'UNAVAILABLE', message: 'network error' } };
    }
    clearTimeout(timer);
    if (res.status === 401) onUnauthorized();
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
    context: () => call('GET', '/api/kiosk/context'),
    catalog: () => call('GET', '/api/catalog'),
    issue: (body, key) => call('POST', '/api/kiosk/tickets', body, { 'idempotency-key': key }),
    reprint: (id, idNumber) =>
      call(
        'POST',
        `/api/kiosk/tickets/${encodeURIComponent(id)}/reprint`,
        idNumber === null ? {} : { idNumber },
      ),
    printJob: (jobId) => call('GET', `/api/print-jobs/${encodeURIComponent(jobId)}`),
    lookup: (idNumber) => call('POST', '/api/kiosk/lookup', { idNumber }),
    checkIn: (body, key) => call('POST', '/api/kiosk/check-in', body, { 'idempotency-key': key }),
  };
}
