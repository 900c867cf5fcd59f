/**
 * The back office's core (限时业务, LD/T 02 §9.4–9.5, SPEC CASE-*, SOD-*): loading the cases a
 * view lists into the console's store (core/case-book.ts) and asking again once after a
 * reconnect, taking a step as a command (`case:*`, one idempotency key per click, retried while
 * the answer is lost), the steps a person is offered on a case and why one is closed to them
 * (separation of duties, SOD-*), working days left on the hall's calendar, and the labels.
 * Views read what this returns and never fetch themselves.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import {
  CASE_STATUSES,
  CASE_STEPS,
  type CaseCommandName,
  type CaseFactType,
  type CaseLevel,
  type CaseRecord,
  type CaseStatus,
  type CaseStepRule,
  caseDutyConflict,
  type ReviewLevels,
} from '@onewindow/shared/cases.ts';
import type { ServiceItem } from '@onewindow/shared/catalog.ts';
import { newIdempotencyKey, useStore } from '@onewindow/shared/client';
import type { DeadlineResult } from '@onewindow/shared/console.ts';
import type { Ack, CommandPayload, CommandResult } from '@onewindow/shared/protocol.ts';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, errorText, request, retryWhileUnavailable } from './api.ts';
import { isFresh } from './case-book.ts';
import type { ConsoleStore } from './staff.ts';

/* ─────────────────────────────────── labels ─────────────────────────────────── */

export const CASE_STATUS_LABEL: Record<CaseStatus, { zh: string; en: string }> = {
  accepted: { zh: '待审核', en: 'To review' },
  'in-review': { zh: '审核中', en: 'In review' },
  reviewed: { zh: '待复核', en: 'To re-check' },
  supplementing: { zh: '待补正', en: 'Awaiting materials' },
  approved: { zh: '已通过待出件', en: 'Approved' },
  returned: { zh: '已退回', en: 'Returned' },
  ready: { zh: '办结待取', en: 'Ready' },
  'handed-back': { zh: '已领取', en: 'Handed back' },
};

/** A step in a case's history, as what was done. */
export const CASE_FACT_LABEL: Record<CaseFactType, { zh: string; en: string }> = {
  'case:accepted': { zh: '受理', en: 'Accepted' },
  'case:review-started': { zh: '开始审核', en: 'Review started' },
  'case:reviewed': { zh: '审核通过', en: 'Review passed' },
  'case:rechecked': { zh: '复核通过', en: 'Re-check passed' },
  'case:returned': { zh: '退回', en: 'Returned' },
  'case:supplement-requested': { zh: '一次性告知补正', en: 'Materials asked for' },
  'case:supplemented': { zh: '补正材料已收', en: 'Materials received' },
  'case:ready': { zh: '办结待取', en: 'Ready for pickup' },
  'case:handed-back': { zh: '已领取', en: 'Handed back' },
  'case:adopted': { zh: '转入（系统升级前受理）', en: 'Carried over' },
  'case:material-captured': { zh: '材料采集', en: 'Pages captured' },
  'case:material-waived': { zh: '免提交', en: 'Material waived' },
  'case:material-removed': { zh: '撤下页面', en: 'Page removed' },
};

/** The materials received on paper at the window: at acceptance and with each supplement (history). */
export function receivedMaterials(c: CaseRecord): string[] {
  const names = c.history
    .filter((h) => h.step === 'case:accepted' || h.step === 'case:supplemented')
    .flatMap((h) => h.materials ?? []);
  return [...new Set(names)];
}

export const REVIEW_LEVELS_LABEL: Record<ReviewLevels, { zh: string; en: string }> = {
  0: { zh: '无需审核', en: 'No review' },
  1: { zh: '一级审核', en: 'One review' },
  2: { zh: '审核+复核', en: 'Review + re-check' },
};

/** Statuses whose deadline still runs. */
export const UNDER_WAY: readonly CaseStatus[] = ['accepted', 'in-review', 'reviewed', 'supplementing'];

/** A staff member as 姓名（工号）, from the names the server put in the case. */
export function staffLabel(c: CaseRecord, id: string): string {
  const s = c.staff?.[id];
  return s === undefined ? id : `${s.name}（${s.staffNumber}）`;
}

/* ─────────────────────────────── loading the list ─────────────────────────────── */

/** Requests in flight, per status and snapshot, so views that share a status ask once. */
const inFlight = new Map<string, Promise<string | null>>();

/**
 * Loads every case of `statuses` into the store (one request for all of them when all are
 * wanted); null, or why it failed. Asked once per status and snapshot.
 */
function load(store: ConsoleStore, statuses: readonly CaseStatus[]): Promise<string | null> {
  const { cases, snapshots, view } = store.get();
  const stale = statuses.filter((s) => cases.fresh[s] !== snapshots);
  if (stale.length === 0) return Promise.resolve(null);
  const all = stale.length === CASE_STATUSES.length;
  const key = `${all ? 'all' : stale.join(',')}@${snapshots}`;
  let p = inFlight.get(key);
  if (p === undefined) {
    const asOf = view?.seq ?? 0;
    const get = (s?: CaseStatus) =>
      api<CaseRecord[]>('GET', s === undefined ? '/api/cases' : `/api/cases?status=${s}`);
    p = Promise.all(all ? [get()] : stale.map((s) => get(s))).then((acks) => {
      inFlight.delete(key);
      const bad = acks.find((a): a is Extract<Ack<never>, { ok: false }> => !a.ok);
      if (bad !== undefined) return errorText(bad.error);
      const list = acks.flatMap((a) => (a.ok ? a.data : []));
      store.dispatch({ type: 'cases-loaded', statuses: [...stale], list, asOf, snapshots });
      return null;
    });
    inFlight.set(key, p);
  }
  return p;
}

/** Earliest deadline first, then the earliest accepted (the server's order). */
const byDeadline = (a: CaseRecord, b: CaseRecord) =>
  a.deadline.localeCompare(b.deadline) || a.acceptedAt - b.acceptedAt;

/**
 * The cases of `statuses`, current: loaded when first wanted and again once after each new
 * snapshot (a reconnect may have missed facts); between those, pushed facts keep them current.
 * `ready` once every status is loaded.
 */
export function useCases(
  store: ConsoleStore,
  statuses: readonly CaseStatus[],
): { cases: CaseRecord[]; ready: boolean; error: string | null; retry: () => void } {
  const book = useStore(store, (s) => s.cases);
  const snapshots = useStore(store, (s) => s.snapshots);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const wanted = statuses.join(',');
  const ready = isFresh(book, statuses, snapshots);
  useEffect(() => {
    // Before the first snapshot the console does not know the hall's seq yet: wait for it.
    if (snapshots === 0 || ready) return;
    let alive = true;
    void load(store, statuses).then((e) => alive && setError(e));
    return () => {
      alive = false;
    };
  }, [wanted, snapshots, ready, attempt]);
  const cases = useMemo(
    () =>
      Object.values(book.byId)
        .filter((c) => statuses.includes(c.status))
        .sort(byDeadline),
    [book, wanted],
  );
  return { cases, ready, error: ready ? null : error, retry: () => setAttempt((n) => n + 1) };
}

/** One case from the store (current with the pushes), or undefined. */
export function useCase(store: ConsoleStore, id: string | null): CaseRecord | undefined {
  // The whole book is read (useStore keeps its first selector's answer until the store changes).
  const book = useStore(store, (s) => s.cases);
  return id === null ? undefined : book.byId[id];
}

/* ───────────────────────────────── taking a step ───────────────────────────────── */

/**
 * Sends a case command (`POST /api/commands/case:*`) with one idempotency key for its retries
 * and puts the case it answers with into the store at once (the push follows with the same).
 */
export async function takeCaseStep<N extends CaseCommandName>(
  store: ConsoleStore,
  name: N,
  payload: CommandPayload<N>,
): Promise<Ack<CommandResult>> {
  const key = newIdempotencyKey('case-');
  const r = await retryWhileUnavailable(() =>
    request<CommandResult>('POST', `/api/commands/${encodeURIComponent(name)}`, payload, {
      'idempotency-key': key,
    }),
  );
  if (r.ack.ok && r.ack.data.case !== undefined) store.dispatch({ type: 'case', case: r.ack.data.case });
  return r.ack;
}

/** A step a person is offered on a case; `blocked` when their own part in the case forbids it. */
export interface OfferedStep {
  rule: CaseStepRule;
  blocked: { rule: string; messageZh: string } | null;
}

/**
 * The steps of `levels` that follow from the case's status and that one of the person's posts
 * takes (caseStep, SPEC CASE-2); each with the separation-of-duties rule it would break (SOD-*).
 */
export function offeredSteps(
  c: CaseRecord,
  me: Pick<CurrentStaff, 'id' | 'roles'>,
  levels: readonly CaseLevel[],
): OfferedStep[] {
  return CASE_STEPS.filter(
    (s) =>
      levels.includes(s.level) &&
      s.from.includes(c.status) &&
      s.roles.some((r) => (me.roles as string[]).includes(r)),
  ).map((rule) => {
    const conflict = caseDutyConflict(c, rule.level, me.id);
    return {
      rule,
      blocked: conflict === null ? null : { rule: conflict.rule, messageZh: conflict.messageZh },
    };
  });
}

/* ──────────────────────── working days, on the hall's calendar ──────────────────────── */

const deadlineCache = new Map<string, Promise<string | null>>();

/** The N-th working day after `from` (GET /api/calendar/deadline), cached per (from, N). */
function nthWorkingDay(from: string, n: number): Promise<string | null> {
  const key = `${from}|${n}`;
  let p = deadlineCache.get(key);
  if (p === undefined) {
    p = api<DeadlineResult>('GET', `/api/calendar/deadline?from=${from}&workingDays=${n}`).then((r) =>
      r.ok ? r.data.date : null,
    );
    deadlineCache.set(key, p);
    // A failure is not remembered: the next render asks again.
    void p.then((d) => d === null && deadlineCache.delete(key));
  }
  return p;
}

const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);

/** Working days in (a, b] for a ≤ b: the largest N whose N-th working day after a is ≤ b. */
async function workingDaysBetween(a: string, b: string): Promise<number | null> {
  let lo = 0;
  let hi = Math.round((dayMs(b) - dayMs(a)) / 86_400_000);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const d = await nthWorkingDay(a, mid);
    if (d === null) return null;
    if (d <= b) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Working days from today to the deadline: ≥ 0 left, < 0 overdue by that many. */
async function daysLeft(today: string, deadline: string): Promise<number | null> {
  if (deadline >= today) return workingDaysBetween(today, deadline);
  const over = await workingDaysBetween(deadline, today);
  return over === null ? null : -Math.max(1, over);
}

/** Working days left to each deadline (by date), counted on the server's calendar. */
export function useDaysLeft(today: string, deadlines: readonly string[]): Record<string, number | null> {
  const [left, setLeft] = useState<Record<string, number | null>>({});
  const unique = [...new Set(deadlines)].sort();
  const key = `${today}|${unique.join(',')}`;
  useEffect(() => {
    let alive = true;
    Promise.all(unique.map(async (d) => [d, await daysLeft(today, d)] as const)).then((pairs) => {
      if (alive) setLeft(Object.fromEntries(pairs));
    });
    return () => {
      alive = false;
    };
  }, [key]);
  return left;
}

/* ──────────────────────────────── the item's guide ──────────────────────────────── */

let catalog: Promise<ServiceItem[] | null> | null = null;

/** The catalog item of a case (its guide's materials), the catalog fetched once per console load. */
export function useCatalogItem(code: string): {
  item: ServiceItem | undefined;
  loading: boolean;
  error: string | null;
} {
  const [state, setState] = useState<{
    item: ServiceItem | undefined;
    loading: boolean;
    error: string | null;
  }>({
    item: undefined,
    loading: true,
    error: null,
  });
  useEffect(() => {
    let alive = true;
    if (catalog === null)
      catalog = api<ServiceItem[]>('GET', '/api/catalog').then((r) => {
        if (!r.ok) catalog = null;
        return r.ok ? r.data : null;
      });
    void catalog.then((items) => {
      if (!alive) return;
      if (items === null) setState({ item: undefined, loading: false, error: '暂时无法读取办事指南' });
      else setState({ item: items.find((i) => i.code === code), loading: false, error: null });
    });
    return () => {
      alive = false;
    };
  }, [code]);
  return state;
}
