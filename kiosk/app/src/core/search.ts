/** The letter search: pinyin initials typed on the A–Z keypad ("cbdj" → 参保登记 items). */
import type { ServiceItem } from '@onewindow/shared/catalog.ts';

/** Items whose initials contain the letters typed, those starting with them first. */
export function searchItems(items: readonly ServiceItem[], letters: string): ServiceItem[] {
  const q = letters.toLowerCase().replace(/[^a-z]/g, '');
  if (q === '') return [];
  const hits = items.filter((i) => (i.initials ?? '').includes(q));
  return hits.sort(
    (a, b) => Number(!(a.initials ?? '').startsWith(q)) - Number(!(b.initials ?? '').startsWith(q)),
  );
}

/** Whether this citizen may take a number for the item: anonymous only where identity is not required. */
export function itemAllowed(item: ServiceItem, anonymous: boolean): boolean {
  return !anonymous || item.identityRequired === false;
}
