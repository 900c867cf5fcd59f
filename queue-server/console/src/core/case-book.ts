/**
 * The console's copy of the time-limited cases (限时业务, SPEC CASE-*): what the back office
 * lists and the clerk's 补正 panel reads. Filled per status from `GET /api/cases?status=`, then
 * kept current by the case every pushed case fact carries (CASE-6, LD/T 02 §10.2 在线推送待办任务),
 * never by polling. Pure functions, folded by the console's one reducer (core/staff.ts).
 *
 * A case's version is the hall seq of its last step, so an answer that left the server before a
 * push never overwrites it, whatever order they arrive in.
 */
import type { CaseRecord, CaseStatus } from '@onewindow/shared/cases.ts';

export interface CaseBook {
  byId: Readonly<Record<string, CaseRecord>>;
  /**
   * Statuses whose every case is here, each with the console's snapshot count when it was asked
   * for: a newer snapshot (a reconnect, a resync) means facts may have been missed, so the list
   * is asked for again once.
   */
  fresh: Readonly<Partial<Record<CaseStatus, number>>>;
}

export const emptyCaseBook: CaseBook = { byId: {}, fresh: {} };

/** The hall seq of the case's latest step. */
export function caseVersion(c: CaseRecord): number {
  return c.history.at(-1)?.seq ?? 0;
}

/** The book with `c` in it, unless the book already holds this case as new or newer. */
export function putCase(book: CaseBook, c: CaseRecord): CaseBook {
  const known = book.byId[c.id];
  if (known !== undefined && caseVersion(known) >= caseVersion(c)) return book;
  return { ...book, byId: { ...book.byId, [c.id]: c } };
}

/**
 * The book after a list answer for `statuses`, asked for when the console had folded the hall's
 * facts up to `asOf` at snapshot `snapshots`. A case the book holds in one of those statuses at a
 * version the answer already covers, but which the answer leaves out, has moved on (to a status
 * not loaded): it is dropped. A case pushed after the question was asked is kept.
 */
export function loadedCases(
  book: CaseBook,
  statuses: readonly CaseStatus[],
  list: readonly CaseRecord[],
  asOf: number,
  snapshots: number,
): CaseBook {
  const answered = new Set(list.map((c) => c.id));
  const byId: Record<string, CaseRecord> = {};
  for (const c of Object.values(book.byId))
    if (answered.has(c.id) || !statuses.includes(c.status) || caseVersion(c) > asOf) byId[c.id] = c;
  let next: CaseBook = { byId, fresh: { ...book.fresh } };
  for (const c of list) next = putCase(next, c);
  const fresh: Partial<Record<CaseStatus, number>> = { ...next.fresh };
  for (const s of statuses) fresh[s] = snapshots;
  return { ...next, fresh };
}

/** Whether every case of each status is in the book as of this snapshot. */
export function isFresh(book: CaseBook, statuses: readonly CaseStatus[], snapshots: number): boolean {
  return statuses.every((s) => book.fresh[s] === snapshots);
}
