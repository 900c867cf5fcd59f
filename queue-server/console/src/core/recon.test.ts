/**
 * The pure helpers of the 日结轧账 screens (SPEC REC-UI-2, REC-UI-4): what a discrepancy says in
 * Chinese, which still lack an explanation, the count body, and who has not reconciled.
 */
import type { Discrepancy, ReconOverviewRow } from '@onewindow/shared/reconcile.ts';
import { describe, expect, it } from 'vitest';
import { countsBody, discrepancyText, idleRow, notReconciled, unexplained } from './recon.ts';
import { consoleReducer, initialConsoleState } from './staff.ts';

const d = (kind: Discrepancy['kind'], ref: string, detail: string, sub = ''): Discrepancy => ({
  key: `${kind}:${ref}${sub === '' ? '' : `:${sub}`}`,
  kind,
  ref,
  detail,
});

const row = (over: Partial<ReconOverviewRow>): ReconOverviewRow => ({
  clerkId: 'c',
  name: '李强',
  staffNumber: 'C0001',
  status: 'open',
  entries: 0,
  discrepancies: 0,
  reopened: 0,
  ...over,
});

describe('日结轧账 helpers (REC-UI-2, REC-UI-4)', () => {
  it('REC-UI-2 each discrepancy in Chinese names the material, the two counts or the ticket', () => {
    expect(discrepancyText(d('material-missing', 'SL1', '居民身份证', '居民身份证'))).toEqual({
      zh: '必需材料既未采集也未标记免提交',
      en: 'Required material neither captured nor waived',
      detail: '材料：居民身份证',
    });
    expect(discrepancyText(d('count-differs', 'SL1', '3 ≠ 1')).detail).toBe('清点 3 页，采集 1 页');
    expect(discrepancyText(d('not-counted', 'SL1', 'A001')).detail).toBe('号票 A001');
    expect(discrepancyText(d('slip-without-case', 'SL9', 'SL9', 'SL9')).detail).toBe('');
    expect(discrepancyText(d('handout-unrecorded', 'SL2', 'SL2')).detail).toBe('');
  });

  it('REC-UI-2 signing waits for a non-blank explanation of every discrepancy', () => {
    const ds = [d('not-counted', 'SL1', 'A001'), d('count-differs', 'SL2', '2 ≠ 1')];
    expect(unexplained(ds, {}).map((x) => x.key)).toEqual(['not-counted:SL1', 'count-differs:SL2']);
    expect(unexplained(ds, { 'not-counted:SL1': '  ' }).length).toBe(2);
    expect(unexplained(ds, { 'not-counted:SL1': '漏点', 'count-differs:SL2': '双面' })).toEqual([]);
  });

  it('REC-UI-2 the count body leaves blanks out and refuses what is not a whole number', () => {
    expect(countsBody({ SL1: '3', SL2: ' ', SL3: '0' }, new Set(['SL3', 'SL1']))).toEqual({
      counts: { SL1: 3, SL3: 0 },
      handedOut: ['SL1', 'SL3'],
    });
    expect(countsBody({ SL1: '-1' }, new Set())).toEqual({ bad: 'SL1' });
    expect(countsBody({ SL1: '2.5' }, new Set())).toEqual({ bad: 'SL1' });
  });

  it('REC-UI-4 who has not reconciled: every day not locked, except a clerk with nothing that day', () => {
    const rows = [
      row({ clerkId: 'idle' }),
      row({ clerkId: 'open', entries: 2 }),
      row({ clerkId: 'signed', status: 'signed', entries: 1 }),
      row({ clerkId: 'locked', status: 'locked', entries: 3 }),
      row({ clerkId: 'reopened', reopened: 1 }),
      row({ clerkId: 'declared', discrepancies: 1 }),
    ];
    expect(idleRow(rows[0]!)).toBe(true);
    expect(notReconciled(rows).map((r) => r.clerkId)).toEqual(['open', 'signed', 'reopened', 'declared']);
  });

  it('REC-UI-3 the store remembers the last whole recon fact; a bare one (another clerk’s) is not news', () => {
    const base = {
      seq: 1,
      at: 0,
      tickets: [],
      windows: [],
      call: null,
      hall: null,
      removed: [],
      estimates: [],
    };
    const whole = consoleReducer(initialConsoleState, {
      type: 'fact',
      fact: {
        ...base,
        type: 'recon:signed',
        event: { type: 'recon:signed', seq: 1, at: 0, clerkId: 'c1', businessDay: '2026-11-26' },
      } as never,
    });
    expect(whole.reconChanged).toEqual({ seq: 1, clerkId: 'c1', businessDay: '2026-11-26' });
    const bare = consoleReducer(whole, {
      type: 'fact',
      fact: {
        ...base,
        seq: 2,
        type: 'recon:counted',
        event: { type: 'recon:counted', seq: 2, at: 0 },
      } as never,
    });
    expect(bare.reconChanged).toEqual(whole.reconChanged);
  });
});
