/** REST reads the screens make besides the socket (the clerk is not part of the hall view). */

/** The clerk signed on at a window, as its screen and pad show them. */
export interface WindowClerk {
  name: string;
  staffNumber: string;
  /** The clerk's photo, when the admin uploaded one; else the card shows the surname. */
  photoUrl?: string | null;
}

/** `GET /api/windows/:id/display`: the clerk signed on, or null. Throws on a network error. */
export async function fetchWindowClerk(
  windowId: string,
  fetchImpl: typeof fetch = fetch,
): Promise<WindowClerk | null> {
  const res = await fetchImpl(`/api/windows/${encodeURIComponent(windowId)}/display`);
  const body = (await res.json()) as { ok: boolean; data?: { clerk: WindowClerk | null } };
  if (!body.ok || body.data === undefined) throw new Error(`window display ${res.status}`);
  return body.data.clerk === null
    ? null
    : {
        name: body.data.clerk.name,
        staffNumber: body.data.clerk.staffNumber,
        photoUrl: body.data.clerk.photoUrl ?? null,
      };
}
