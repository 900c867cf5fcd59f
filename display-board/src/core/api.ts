/** REST reads the screens make besides the socket (the clerk is not part of the hall view). */
import type { WindowClerk, WindowDisplayData } from '@onewindow/shared/api-types.ts';

/** `GET /api/windows/:id/display`: the clerk signed on, or null. Throws on a network error. */
export async function fetchWindowClerk(
  windowId: string,
  fetchImpl: typeof fetch = fetch,
): Promise<WindowClerk | null> {
  const res = await fetchImpl(`/api/windows/${encodeURIComponent(windowId)}/display`);
  const body = (await res.json()) as { ok: boolean; data?: WindowDisplayData };
  if (!body.ok || body.data === undefined) throw new Error(`window display ${res.status}`);
  return body.data.clerk;
}
