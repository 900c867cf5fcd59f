import type { ServiceItem } from '@onewindow/shared/catalog.ts';
import { describe, expect, it } from 'vitest';
import { itemAllowed, searchItems } from './search.ts';

const item = (code: string, name: string, initials: string, identityRequired?: boolean): ServiceItem => ({
  code,
  implCode: null,
  name,
  kind: 'instant',
  categoryId: 'A',
  timeLimit: { text: '即办', days: 0, unit: null },
  channels: ['窗口'],
  verified: true,
  source: null,
  initials,
  ...(identityRequired === undefined ? {} : { identityRequired }),
});

const ITEMS = [
  item('1', '企业职工参保登记', 'qyzgcbdj'),
  item('2', '参保登记表打印', 'cbdjbdy'),
  item('3', '企业社会保险登记', 'qyshbxdj'),
  item('4', '政策咨询', 'zczx', false),
];

describe('letter search', () => {
  it('finds names containing the initials, those starting with them first', () => {
    expect(searchItems(ITEMS, 'cbdj').map((i) => i.code)).toEqual(['2', '1']);
    expect(searchItems(ITEMS, 'CBDJ').map((i) => i.code)).toEqual(['2', '1']);
    expect(searchItems(ITEMS, '')).toEqual([]);
    expect(searchItems(ITEMS, 'xyz')).toEqual([]);
  });

  it('without identity only items that need none', () => {
    expect(ITEMS.filter((i) => itemAllowed(i, true)).map((i) => i.code)).toEqual(['4']);
    expect(ITEMS.filter((i) => itemAllowed(i, false))).toHaveLength(4);
  });
});
