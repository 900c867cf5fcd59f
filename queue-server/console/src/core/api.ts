/**
 * REST for the console: the bearer token kept for this tab, one `api()` that always answers
 * with the server's Ack envelope (a network failure becomes UNAVAILABLE), Chinese error texts,
 * and authenticated downloads (exports are fetched with the token, then saved as a blob).
 */
import { newIdempotencyKey } from '@onewindow/shared/client';
import type { SlipRequest, SlipResult } from '@onewindow/shared/console.ts';
import { ERROR_MESSAGES_ZH } from '@onewindow/shared/messages.ts';
import type {
  Ack,
  ApiError,
  CommandName,
  CommandPayload,
  CommandResult,
} from '@onewindow/shared/protocol.ts';
import { wireIssuesZh } from '@onewindow/shared/zod-zh.ts';
import { FIELD_LABELS } from './field-labels.ts';

const TOKEN_KEY = 'onewindow.console.token';

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    /* private mode: the token lives only in memory (the socket and fetches still work this load) */
  }
  memoryToken = token;
}
let memoryToken: string | null = null;
const token = () => getToken() ?? memoryToken;

/** The bearer header of this tab's login, for requests `request` cannot make (raw uploads, images). */
export function authHeader(): Record<string, string> {
  const t = token();
  return t === null ? {} : { authorization: `Bearer ${t}` };
}

const unavailable = (message: string): Ack<never> => ({ ok: false, error: { code: 'UNAVAILABLE', message } });

/** Called when the server says the session ended (the app shows the login again). */
let onUnauthenticated: () => void = () => undefined;
export function whenLoggedOut(fn: () => void): void {
  onUnauthenticated = fn;
}

export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Ack<T>> {
  return (await request<T>(method, path, body, headers)).ack;
}

/** As `api`, with the HTTP status too (0 when no answer came: the network failed). */
export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; ack: Ack<T> }> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  const t = token();
  if (t !== null) h.authorization = `Bearer ${t}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: h,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    return { status: 0, ack: unavailable('network error') };
  }
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {
    return { status: res.status, ack: unavailable(`HTTP ${res.status} without a JSON body`) };
  }
  const ack = parsed as Ack<T>;
  if (typeof ack !== 'object' || ack === null || typeof ack.ok !== 'boolean')
    return { status: res.status, ack: unavailable(`HTTP ${res.status}: unexpected answer`) };
  if (!ack.ok && ack.error.code === 'UNAUTHENTICATED' && t !== null && path !== '/api/auth/login')
    onUnauthenticated();
  return { status: res.status, ack };
}

/** Waits before the 2nd and 3rd attempt of a request whose answer did not arrive. */
const RETRY_DELAYS_MS = [400, 1200];

/**
 * Sends again while the answer is UNAVAILABLE (it may have been lost after the server committed):
 * safe only for a request that carries the same idempotency key every time. The last answer.
 */
export async function retryWhileUnavailable<T>(
  send: () => Promise<{ status: number; ack: Ack<T> }>,
): Promise<{ status: number; ack: Ack<T> }> {
  let r = await send();
  for (const ms of RETRY_DELAYS_MS) {
    if (r.ack.ok || r.ack.error.code !== 'UNAVAILABLE') return r;
    await new Promise((resolve) => setTimeout(resolve, ms));
    r = await send();
  }
  return r;
}

/**
 * `POST /api/slips`: the slip, and the finish of the ticket serving at the clerk's window with
 * it, in one request (SPEC UOW-1). `key` is kept for every retry of one click, so a lost answer
 * retried gives the same slip (200) instead of a second one. `created`: 201, issued by this
 * request; else the ticket already had this slip (printed again when asked).
 */
export async function issueSlip(
  body: SlipRequest,
  key: string,
): Promise<Ack<{ slip: SlipResult; created: boolean }>> {
  const r = await retryWhileUnavailable(() =>
    request<SlipResult>('POST', '/api/slips', body, { 'idempotency-key': key }),
  );
  return r.ack.ok ? { ok: true, data: { slip: r.ack.data, created: r.status === 201 } } : r.ack;
}

/**
 * Runs a queue command over REST (`POST /api/commands/{name}`): the payload is checked against
 * the shared command map at compile time, and the answer is the command's result. A fresh
 * idempotency key unless the caller passes the key of the click it retries.
 */
export function command<N extends CommandName>(
  name: N,
  payload: CommandPayload<N>,
  key: string = newIdempotencyKey(),
): Promise<Ack<CommandResult>> {
  return api<CommandResult>('POST', `/api/commands/${encodeURIComponent(name)}`, payload, {
    'idempotency-key': key,
  });
}

/**
 * The Chinese message for a refusal; codes that carry a reason worth reading add the server's
 * text, its Chinese sentence (`messageZh`, e.g. which separation-of-duties rule) when it has one.
 * Validation issues are said in Chinese with Chinese field names (CON-ZH-1), never zod's English.
 */
export function errorText(e: ApiError): string {
  const zh = (ERROR_MESSAGES_ZH as Record<string, string>)[e.code] ?? e.code;
  if (e.messageZh !== undefined && e.messageZh !== '' && e.code !== 'BAD_REQUEST')
    return `${zh}：${e.messageZh}`;
  if (e.code === 'NOT_FOUND' && /no such endpoint/.test(e.message)) return '该功能的服务端接口尚未上线';
  if (e.code === 'DUTY_CONFLICT' || e.code === 'CONFLICT') return `${zh}：${e.message}`;
  if (e.code === 'BAD_REQUEST' && e.issues !== undefined && e.issues.length > 0)
    return `${zh}：${wireIssuesZh(e.issues, FIELD_LABELS)}`;
  return zh;
}

/** Fetches a file with the bearer token and saves it under `filename`. */
export async function download(path: string, filename: string): Promise<string | null> {
  const h: Record<string, string> = {};
  const t = token();
  if (t !== null) h.authorization = `Bearer ${t}`;
  try {
    const res = await fetch(path, { headers: h });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as Ack<unknown> | null;
      return body !== null && !body.ok ? errorText(body.error) : `HTTP ${res.status}`;
    }
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return null;
  } catch {
    return '网络错误，下载失败';
  }
}
