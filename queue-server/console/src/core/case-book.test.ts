/**
 * The console's copy of the cases (SPEC CASE-6): pushes and list answers meet in any order and
 * the newest step of each case wins; a list answer drops what left its statuses.
 */
import type { CaseRecord, CaseStatus } from '@onewindow/shared/cases.ts';
import { describe, expect, it } from 'vitest';
import { type CaseBook, emptyCaseBook, isFresh, loadedCases, putCase } from './case-book.ts';

/** A case whose last step has hall seq `seq`. */
function kase(id: string, status: CaseStatus, seq: number): CaseRecord {
  return {
    id,
    ticketId: `t-${id}`,
    ticketNumber: 'A001',
    itemCode: '512B0068100002',
    itemName: '企业职工基本养老保险关系转移接续申请',
    reviewLevels: 2,
    acceptedBy: 's-clerk',
    acceptedAt: 0,
    deadline: '2026-12-17',
    workingDays: 15,
    status,
    intake: ['s-clerk'],
    reviewers: [],
    recheckedBy: null,
    materials: [],
    missing: [],
    history: [{ seq, at: seq, by: 's-clerk', step: 'case:accepted', to: status, note: null }],
  };
}

describe('case book', () => {
  it('keeps the newest step of a case whichever arrives last', () => {
    const pushed = putCase(emptyCaseBook, kase('c1', 'reviewed', 9));
    expect(putCase(pushed, kase('c1', 'in-review', 7))).toBe(pushed);
    expect(putCase(pushed, kase('c1', 'approved', 10)).byId.c1!.status).toBe('approved');
  });

  it('a list answer older than a push does not undo it, and marks its statuses fresh', () => {
    // Asked at seq 5; a push at seq 8 moved c1 to reviewed before the answer (c1 in-review at 6).
    const book = putCase(emptyCaseBook, kase('c1', 'reviewed', 8));
    const after = loadedCases(book, ['in-review'], [kase('c1', 'in-review', 6)], 5, 1);
    expect(after.byId.c1!.status).toBe('reviewed');
    expect(isFresh(after, ['in-review'], 1)).toBe(true);
    expect(isFresh(after, ['in-review'], 2)).toBe(false);
    expect(isFresh(after, ['in-review', 'reviewed'], 1)).toBe(false);
  });

  it('drops a case the answer no longer lists in its status, unless pushed after the question', () => {
    let book: CaseBook = putCase(emptyCaseBook, kase('gone', 'accepted', 3));
    book = putCase(book, kase('late', 'accepted', 12));
    book = putCase(book, kase('other', 'ready', 2));
    const after = loadedCases(book, ['accepted'], [kase('kept', 'accepted', 4)], 10, 2);
    expect(Object.keys(after.byId).sort()).toEqual(['kept', 'late', 'other']);
  });
});
