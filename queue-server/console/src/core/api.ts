/**
 * REST for the console: the bearer token kept for this tab, one `api()` that always answers
 * with the server's Ack envelope (a network failure becomes UNAVAILABLE), Chinese error texts,
 * and authenticated downloads (exports are fetched with the token, then saved as a blob).
 */
import { newIdempotencyKey } from '@onewindow/shared/client';
import { ERROR_MESSAGES_ZH } from '@onewindow/shared/messages.ts';
import type {
  Ack,
  ApiError,
  CommandName,
  CommandPayload,
  CommandResult,
} from '@onewindow/shared/protocol.ts';

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
    return unavailable('network error');
  }
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {
    return unavailable(`HTTP ${res.status} without a JSON body`);
  }
  const ack = parsed as Ack<T>;
  if (typeof ack !== 'object' || ack === null || typeof ack.ok !== 'boolean')
    return unavailable(`HTTP ${res.status}: unexpected answer`);
  if (!ack.ok && ack.error.code === 'UNAUTHENTICATED' && t !== null && path !== '/api/auth/login')
    onUnauthenticated();
  return ack;
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

/** The Chinese message for a refusal; codes that carry a reason worth reading add the server's text. */
export function errorText(e: ApiError): string {
  const zh = (ERROR_MESSAGES_ZH as Record<string, string>)[e.code] ?? e.code;
  if (e.code === 'NOT_FOUND' && /no such endpoint/.test(e.message)) return '该功能的服务端接口尚未上线';
  if (e.code === 'DUTY_CONFLICT' || e.code === 'CONFLICT') return `${zh}：${e.message}`;
  if (e.code === 'BAD_REQUEST' && e.issues !== undefined && e.issues.length > 0)
    return `${zh}：${e.issues.map((i) => `${i.path} ${i.message}`).join('；')}`;
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
