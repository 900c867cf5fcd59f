/**
 * 日结轧账 for the console (SPEC REC-*, REC-UI-*): the REST calls of the clerk's and the manager's
 * screens, and the pure helpers they render with (labels, the explanations still missing, whether
 * a staff fact concerns a day on screen). The views hold no fetch of their own.
 */
import { newIdempotencyKey } from '@onewindow/shared/client';
import type { Ack } from '@onewindow/shared/protocol.ts';
import type { StaffFact } from '@onewindow/shared/public-view.ts';
import {
  DISCREPANCY_LABELS,
  type Discrepancy,
  REOPEN_CAUSE_LABELS,
  type ReconEntry,
  type ReconOverviewRow,
  type ReconStatus,
  type ReconView,
} from '@onewindow/shared/reconcile.ts';
import { api } from './api.ts';

export type { Discrepancy, ReconEntry, ReconOverviewRow, ReconStatus, ReconView };

const day = (d: string) => encodeURIComponent(d);

/** The caller's own day (REC-1, REC-2). */
export const myDay = (d: string): Promise<Ack<ReconView>> => api<ReconView>('GET', `/api/recon/${day(d)}`);

/** The paper counts and the results handed out (REC-3); replaces the previous count. */
export const saveCounts = (
  d: string,
  body: { counts: Record<string, number>; handedOut: string[] },
): Promise<Ack<ReconView>> =>
  api<ReconView>('PUT', `/api/recon/${day(d)}/counts`, body, { 'idempotency-key': newIdempotencyKey() });

/** Signs the day with one explanation per discrepancy (REC-4). */
export const signDay = (d: string, explanations: { key: string; note: string }[]): Promise<Ack<ReconView>> =>
  api<ReconView>(
    'POST',
    `/api/recon/${day(d)}/sign`,
    { explanations },
    { 'idempotency-key': newIdempotencyKey() },
  );

/** Every comprehensive and rights clerk's status on a day (REC-6). */
export const clerksOfDay = (d: string): Promise<Ack<ReconOverviewRow[]>> =>
  api<ReconOverviewRow[]>('GET', `/api/recon/${day(d)}/clerks`);

/** One clerk's day, read-only, for the countersign (REC-6). */
export const clerkDay = (d: string, clerkId: string): Promise<Ack<ReconView>> =>
  api<ReconView>('GET', `/api/recon/${day(d)}/clerks/${encodeURIComponent(clerkId)}`);

/** The manager countersigns a signed day, which locks it (REC-4). */
export const countersign = (d: string, clerkId: string, note: string): Promise<Ack<ReconView>> =>
  api<ReconView>(
    'POST',
    `/api/recon/${day(d)}/clerks/${encodeURIComponent(clerkId)}/countersign`,
    { note: note.trim() === '' ? null : note.trim() },
    { 'idempotency-key': newIdempotencyKey() },
  );

export const STATUS_ZH: Record<ReconStatus, { zh: string; en: string }> = {
  open: { zh: '未签字', en: 'Not signed' },
  signed: { zh: '已签字，待复签', en: 'Signed, awaiting countersign' },
  locked: { zh: '已复签锁定', en: 'Countersigned, locked' },
};

/** A clerk with nothing to reconcile that day (no business, nothing off, never counted or signed). */
export const idleRow = (r: ReconOverviewRow): boolean =>
  r.status === 'open' && r.entries === 0 && r.discrepancies === 0 && r.reopened === 0;

/** Who has not reconciled (REC-6): every clerk whose day is not locked, unless there is nothing to reconcile. */
export const notReconciled = (rows: readonly ReconOverviewRow[]): ReconOverviewRow[] =>
  rows.filter((r) => r.status !== 'locked' && !idleRow(r));

export const ROLE_ZH: Record<ReconEntry['roles'][number], string> = {
  accepted: '受理',
  supplemented: '补正',
  slip: '出具单据',
  captured: '采集材料',
  'handed-back': '出件',
};

export const SLIP_ZH: Record<string, string> = {
  completion: '业务回单',
  acceptance: '受理回执',
  rejection: '不予受理告知书',
  supplement: '补正告知书',
};

/** A discrepancy in plain Chinese: what is off, and on which slip or case. */
export function discrepancyText(d: Discrepancy): { zh: string; en: string; detail: string } {
  const label = DISCREPANCY_LABELS[d.kind];
  return { zh: label.zh, en: label.en, detail: discrepancyDetail(d) };
}

function discrepancyDetail(d: Discrepancy): string {
  switch (d.kind) {
    case 'count-differs':
      return `清点 ${d.detail.replace(' ≠ ', ' 页，采集 ')} 页`;
    case 'material-missing':
      return `材料：${d.detail}`;
    case 'not-counted':
    case 'case-without-slip':
      return `号票 ${d.detail}`;
    case 'slip-without-case':
      return d.detail === d.ref ? '' : `回执 ${d.detail}`;
    case 'accepted-without-case':
    case 'handout-unrecorded':
    case 'handback-undeclared':
      return d.detail === d.ref ? '' : d.detail;
  }
}

export function causeText(type: string): { zh: string; en: string } {
  return REOPEN_CAUSE_LABELS[type] ?? { zh: type, en: type };
}

/** The discrepancies still without an explanation: signing waits for all of them (REC-4). */
export function unexplained(ds: readonly Discrepancy[], notes: Record<string, string>): Discrepancy[] {
  return ds.filter((d) => (notes[d.key] ?? '').trim() === '');
}

/** The counts typed so far as the body of a count: blanks left out, only whole numbers ≥ 0. */
export function countsBody(
  typed: Record<string, string>,
  handedOut: ReadonlySet<string>,
): { counts: Record<string, number>; handedOut: string[] } | { bad: string } {
  const counts: Record<string, number> = {};
  for (const [ref, v] of Object.entries(typed)) {
    const t = v.trim();
    if (t === '') continue;
    if (!/^\d{1,5}$/.test(t)) return { bad: ref };
    counts[ref] = Number(t);
  }
  return { counts, handedOut: [...handedOut].sort() };
}

/** Whether a staff fact is one of 日结轧账's (the day on screen may have changed: ask again). */
export const isReconStaffFact = (f: Pick<StaffFact, 'type'>): boolean => f.type.startsWith('recon:');
