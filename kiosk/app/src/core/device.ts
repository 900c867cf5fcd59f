/**
 * The kiosk's device token: handed over once in the URL (`#device=<token>`, so it never
 * reaches a server log or a Referer), then kept in localStorage and removed from the address.
 */
export const TOKEN_KEY = 'onewindow.kiosk.deviceToken';

export function takeTokenFromUrl(
  loc: Pick<Location, 'hash' | 'pathname' | 'search'> = location,
  storage: Pick<Storage, 'setItem'> = localStorage,
  replace: (url: string) => void = (url) => history.replaceState(null, '', url),
): void {
  const params = new URLSearchParams(loc.hash.replace(/^#/, ''));
  const token = params.get('device');
  if (token === null || token.trim() === '') return;
  storage.setItem(TOKEN_KEY, token.trim());
  params.delete('device');
  const rest = params.toString();
  replace(`${loc.pathname}${loc.search}${rest === '' ? '' : `#${rest}`}`);
}

export function loadToken(storage: Pick<Storage, 'getItem'> = localStorage): string | null {
  try {
    const t = storage.getItem(TOKEN_KEY);
    return t === null || t === '' ? null : t;
  } catch {
    return null;
  }
}

export function saveToken(token: string, storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(TOKEN_KEY, token);
}

export function forgetToken(storage: Pick<Storage, 'removeItem'> = localStorage): void {
  storage.removeItem(TOKEN_KEY);
}

/** Seconds without a touch before the kiosk forgets the citizen: `?idle=<s>` (tests), else 60. */
export function idleSeconds(search: string = location.search): number {
  const v = Number(new URLSearchParams(search).get('idle'));
  return Number.isFinite(v) && v >= 2 && v <= 600 ? v : 60;
}
