import { readFileSync } from 'node:fs';
import type { ServiceItem } from '@onewindow/shared';
import { DEFAULT_SETTINGS } from '../domain/settings.ts';
import type { HallConfig } from '../domain/types.ts';
import { parseCatalogTsv } from './catalog-tsv.ts';
import { DEMO_FORMS, LOCAL_ITEMS } from './forms.ts';
import { GUIDES } from './guides.ts';

/**
 * The demo hall's catalog: the 23 items of the project's copy of the shared service list,
 * each with its guide (办事指南) and, for seven of them, a kiosk form; then the hall's two local
 * items (政策咨询 without identity, 领取办理结果 at the rights window).
 */
export function demoCatalog(): ServiceItem[] {
  const listed = parseCatalogTsv(readFileSync(new URL('./service-items.tsv', import.meta.url), 'utf8')).map(
    (item) => {
      const guide = GUIDES[item.code];
      if (!guide) throw new Error(`no guide (办事指南) for catalog item ${item.code} ${item.name}`);
      const form = DEMO_FORMS[item.code];
      return { ...item, guide, ...(form ? { form } : {}) };
    },
  );
  return [...listed, ...structuredClone(LOCAL_ITEMS)];
}

/**
 * A typical county hall: three queues (综合业务, 单位业务, 权益出件) and eight windows —
 * six comprehensive (any of them serves any general ticket, LD/T 02 §9.3.3), one rights
 * window handing back results (§7.6), one bulk window for employers.
 */
export function demoHallConfig(opts: { anyTime?: boolean } = {}): HallConfig {
  const comprehensive = [1, 2, 3, 4, 5, 6].map((n) => ({
    id: `w${n}`,
    number: n,
    post: 'comprehensive' as const,
    // Two windows help with employer business when the employer queue is long.
    categoryIds: n >= 5 ? ['A', 'B'] : ['A'],
  }));
  return {
    settings: {
      ...structuredClone(DEFAULT_SETTINGS),
      hallName: '示范区社会保险经办服务大厅',
      // `npm start` is tried at any hour from any time zone: the demo it runs is open around the
      // clock and closes its day just before midnight (tests keep the real 09:00–17:00 hours).
      ...(opts.anyTime
        ? {
            openingHours: { open: '00:00', close: '23:59', weekdays: [1, 2, 3, 4, 5, 6, 7] },
            dayCloseAt: '23:59',
          }
        : {}),
    },
    categories: [
      { id: 'A', prefix: 'A', name: '综合业务', nameEn: 'General business' },
      { id: 'B', prefix: 'B', name: '单位业务', nameEn: 'Employer business' },
      { id: 'C', prefix: 'C', name: '权益出件', nameEn: 'Results and certificates' },
    ],
    windows: [
      ...comprehensive,
      { id: 'w7', number: 7, post: 'rights', categoryIds: ['C'] },
      { id: 'w8', number: 8, post: 'bulk', categoryIds: ['B'] },
    ],
  };
}
