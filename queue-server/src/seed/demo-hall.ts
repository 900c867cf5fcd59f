import { readFileSync } from 'node:fs';
import type { ServiceItem } from '@onewindow/shared';
import { DEFAULT_SETTINGS } from '../domain/settings.ts';
import type { HallConfig } from '../domain/types.ts';
import { parseCatalogTsv } from './catalog-tsv.ts';
import { withEnglish } from './english.ts';
import { DEMO_FORMS, LOCAL_ITEMS } from './forms.ts';
import { GUIDES } from './guides.ts';

/**
 * Items whose result moves fund money (a pension, a benefit, a transfer of contributions, a
 * back payment): 审核 and then 复核 by a second person before it takes effect (LD/T 02 §9.4.4).
 * Every other time-limited item is reviewed once (DEFAULT_REVIEW_LEVELS).
 */
export const DEMO_TWO_LEVEL_ITEMS: readonly string[] = [
  '512B0068100002', // 企业职工基本养老保险关系转移接续申请
  '51201400600001', // 企业职工基本养老保险正常退休申请
  '512B0068200006', // 企业职工社会保险费补缴申报
  '512B0070100003', // 失业保险金申领
  '512B0068400008', // 遗属待遇申领
  '512B0068500015', // 工伤医疗(康复)费用申报
];

/**
 * The demo hall's catalog: the 23 items of the project's copy of the shared service list,
 * each with its guide (办事指南) and, for seven of them, a kiosk form; then the hall's two local
 * items (政策咨询 without identity, 领取办理结果 at the rights window); all with their English
 * for the kiosk's English mode (english.ts).
 */
export function demoCatalog(): ServiceItem[] {
  const listed = parseCatalogTsv(readFileSync(new URL('./service-items.tsv', import.meta.url), 'utf8')).map(
    (item): ServiceItem => {
      const guide = GUIDES[item.code];
      if (!guide) throw new Error(`no guide (办事指南) for catalog item ${item.code} ${item.name}`);
      const form = DEMO_FORMS[item.code];
      return {
        ...item,
        guide,
        ...(form ? { form } : {}),
        ...(DEMO_TWO_LEVEL_ITEMS.includes(item.code) ? { reviewLevels: 2 as const } : {}),
      };
    },
  );
  return [...listed, ...structuredClone(LOCAL_ITEMS)].map(withEnglish);
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
