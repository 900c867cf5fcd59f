import type { ServiceItem } from '@onewindow/shared';
import { pinyin } from 'pinyin-pro';
import type { AuthStore } from '../store/auth.store.ts';

/** Pinyin initials for the kiosk's letter search: 参保登记 → cbdj (SPEC KSK-3). */
export function initialsOf(name: string): string {
  const letters = name.replace(/[^\p{Script=Han}A-Za-z0-9]/gu, '');
  return pinyin(letters, { pattern: 'first', toneType: 'none', type: 'array' }).join('').toLowerCase();
}

/** The catalog as kiosks get it: each item with its pinyin initials (memoized per name). */
export function catalogWithInitials(authStore: AuthStore): () => ServiceItem[] {
  const memo = new Map<string, string>();
  const initials = (name: string) => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const v = initialsOf(name);
    memo.set(name, v);
    return v;
  };
  return () => authStore.catalog().map((i) => ({ ...i, initials: initials(i.name) }));
}
