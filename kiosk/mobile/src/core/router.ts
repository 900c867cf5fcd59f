/**
 * Hash routing: `#/progress?receipt=…` → `{ path: '/progress', query }`. The hash never carries
 * personal data (MOB-PROG-3): a receipt number at most, never a phone, a name or an ID number.
 */
export interface Location {
  path: string;
  query: URLSearchParams;
}

export function parseHash(hash: string): Location {
  const raw = hash.replace(/^#/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(search) };
}

export function hashOf(path: string, query?: Record<string, string>): string {
  const q = query === undefined ? '' : new URLSearchParams(query).toString();
  return `#${path}${q ? `?${q}` : ''}`;
}

/** Goes to a page of the app (a history entry, so the phone's back button returns). */
export function go(path: string, query?: Record<string, string>): void {
  location.hash = hashOf(path, query);
}
