/**
 * 限时业务 back office (LD/T 02 §9.4–9.5): the cases a 限时受理 opened, from acceptance to
 * hand-back. 业务审核 (reviewer, review-supervisor) reviews: 开始审核, 审核通过, 退回 (reason
 * required); 权益出件 (rights clerk) hands the result back: 办结待取, 已领取. Every case shows
 * its deadline in working days left (GET /api/calendar/deadline: the hall's calendar with
 * holidays and 调休), overdue in red, due within two working days in amber, and its history
 * with who did each step. The server decides who may move a case (SPEC CASE-2/3): a step of
 * another post is still offered, marked with that post, and the server's refusal is shown.
 */

import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import { useStore } from '@onewindow/shared/client';
import type { CaseRecord, CaseStatus, DeadlineResult } from '@onewindow/shared/console.ts';
import type { Ack } from '@onewindow/shared/protocol.ts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Flash, Panel, ReasonPicker, Tiles, useFlash } from '../components/ui.tsx';
import { api, errorText } from '../core/api.ts';
import { hallDate, hallDateTime } from '../core/format.ts';
import type { ConsoleStore } from '../core/staff.ts';

export type CasesMode = 'review' | 'handback';

export const CASE_STATUS_LABEL: Record<CaseStatus, { zh: string; en: string }> = {
  accepted: { zh: '待审核', en: 'Accepted' },
  'in-review': { zh: '审核中', en: 'In review' },
  approved: { zh: '审核通过', en: 'Approved' },
  returned: { zh: '已退回', en: 'Returned' },
  ready: { zh: '办结待取', en: 'Ready' },
  'handed-back': { zh: '已领取', en: 'Handed back' },
};

/** A step in the history, as what was done. */
const STEP_DONE: Record<CaseStatus, string> = {
  accepted: '受理',
  'in-review': '开始审核',
  approved: '审核通过',
  returned: '退回',
  ready: '办结待取',
  'handed-back': '已领取',
};

type Post = 'reviewer' | 'rights-clerk';
const POST_NAME: Record<Post, string> = { reviewer: '业务审核岗', 'rights-clerk': '权益柜员岗' };

/**
 * The steps of CASE_TRANSITIONS (shared/src/console.ts, not imported: it would bring zod into
 * the bundle), with the button each one gets and whether a note is required.
 */
const STEPS: {
  from: CaseStatus;
  to: CaseStatus;
  post: Post;
  zh: string;
  en: string;
  note: 'none' | 'optional' | 'required';
  tone?: 'primary' | 'warn';
}[] = [
  {
    from: 'accepted',
    to: 'in-review',
    post: 'reviewer',
    zh: '开始审核',
    en: 'Start review',
    note: 'none',
    tone: 'primary',
  },
  {
    from: 'in-review',
    to: 'approved',
    post: 'reviewer',
    zh: '审核通过',
    en: 'Approve',
    note: 'optional',
    tone: 'primary',
  },
  {
    from: 'in-review',
    to: 'returned',
    post: 'reviewer',
    zh: '退回',
    en: 'Return',
    note: 'required',
    tone: 'warn',
  },
  {
    from: 'approved',
    to: 'ready',
    post: 'rights-clerk',
    zh: '办结待取',
    en: 'Ready for pickup',
    note: 'optional',
    tone: 'primary',
  },
  {
    from: 'ready',
    to: 'handed-back',
    post: 'rights-clerk',
    zh: '已领取',
    en: 'Handed back',
    note: 'required',
    tone: 'primary',
  },
];

const RETURN_REASONS = ['材料不齐全', '不符合办理条件', '信息核验不一致', '超出本机构权限'];
const HANDBACK_NOTES = ['本人领取', '委托代领', '邮寄送达'];
const REQUIRED_HINT: Partial<Record<CaseStatus, string>> = {
  returned: '退回须填写原因（将告知申请人）',
  'handed-back': '请选择或填写领取方式',
};

/** The filter chips of each tab; a chip is one or more statuses (one GET per status). */
const FILTERS: Record<CasesMode, { id: string; zh: string; en: string; statuses: CaseStatus[] | 'all' }[]> = {
  review: [
    { id: 'todo', zh: '待办', en: 'To do', statuses: ['accepted', 'in-review'] },
    { id: 'accepted', zh: '待审核', en: 'Accepted', statuses: ['accepted'] },
    { id: 'in-review', zh: '审核中', en: 'In review', statuses: ['in-review'] },
    { id: 'approved', zh: '审核通过', en: 'Approved', statuses: ['approved'] },
    { id: 'returned', zh: '已退回', en: 'Returned', statuses: ['returned'] },
    { id: 'all', zh: '全部', en: 'All', statuses: 'all' },
  ],
  handback: [
    { id: 'todo', zh: '待办', en: 'To do', statuses: ['approved', 'ready'] },
    { id: 'approved', zh: '待出件', en: 'Approved', statuses: ['approved'] },
    { id: 'ready', zh: '办结待取', en: 'Ready', statuses: ['ready'] },
    { id: 'handed-back', zh: '已领取', en: 'Handed back', statuses: ['handed-back'] },
    { id: 'all', zh: '全部', en: 'All', statuses: 'all' },
  ],
};

/** Statuses still under way (counted in the tiles on every refresh; few at any time). */
const OPEN: CaseStatus[] = ['accepted', 'in-review', 'approved', 'ready'];
const UNDER_REVIEW: CaseStatus[] = ['accepted', 'in-review'];
const REFRESH_MS = 10_000;

/* ───────────── working days, by the hall's calendar on the server ───────────── */

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
    // A failure is not remembered: the next refresh asks again.
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

function useDaysLeft(today: string, deadlines: string[]): Record<string, number | null> {
  const [left, setLeft] = useState<Record<string, number | null>>({});
  const key = `${today}|${[...new Set(deadlines)].sort().join(',')}`;
  useEffect(() => {
    let alive = true;
    const unique = [...new Set(deadlines)];
    Promise.all(unique.map(async (d) => [d, await daysLeft(today, d)] as const)).then((pairs) => {
      if (alive) setLeft(Object.fromEntries(pairs));
    });
    return () => {
      alive = false;
    };
  }, [key]);
  return left;
}

/* ─────────────────────────────────── view ─────────────────────────────────── */

export function CasesView(props: { me: CurrentStaff; store: ConsoleStore; mode: CasesMode }) {
  const { me, mode } = props;
  const skew = useStore(props.store, (s) => s.skew);
  const filters = FILTERS[mode];
  const [filter, setFilter] = useState(filters[0]!.id);
  const [rows, setRows] = useState<CaseRecord[] | null>(null);
  const [open, setOpen] = useState<CaseRecord[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [flash, setFlash] = useFlash();
  const [tick, setTick] = useState(0);
  const today = hallDate(Date.now() + skew);

  const refresh = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    const t = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(t);
  }, [refresh]);

  useEffect(() => {
    let alive = true;
    const f = filters.find((x) => x.id === filter) ?? filters[0]!;
    const get = (status?: CaseStatus) =>
      api<CaseRecord[]>('GET', status === undefined ? '/api/cases' : `/api/cases?status=${status}`);
    const wanted = f.statuses === 'all' ? [undefined] : f.statuses;
    // The open statuses are fetched anyway (tiles); a filter of open statuses reuses them.
    const extra = wanted.filter((s) => s === undefined || !OPEN.includes(s));
    Promise.all([Promise.all(OPEN.map((s) => get(s))), Promise.all(extra.map((s) => get(s)))]).then(
      ([openAcks, extraAcks]) => {
        if (!alive) return;
        const bad = [...openAcks, ...extraAcks].find((a): a is Extract<Ack<never>, { ok: false }> => !a.ok);
        if (bad !== undefined) {
          setError(errorText(bad.error));
          return;
        }
        setError(null);
        const openCases = openAcks.flatMap((a) => (a.ok ? a.data : []));
        setOpen(openCases);
        const list =
          f.statuses === 'all'
            ? extraAcks.flatMap((a) => (a.ok ? a.data : []))
            : [
                ...openCases.filter((c) => (f.statuses as CaseStatus[]).includes(c.status)),
                ...extraAcks.flatMap((a) => (a.ok ? a.data : [])),
              ];
        // Earliest deadline first, then the earliest accepted (the server's order per status).
        list.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.acceptedAt - b.acceptedAt);
        setRows(list);
      },
    );
    return () => {
      alive = false;
    };
  }, [filter, tick]);

  const left = useDaysLeft(
    today,
    [...open, ...(rows ?? [])].map((c) => c.deadline),
  );
  const known = useMemo(() => {
    const m = new Map<string, CaseRecord>();
    for (const c of [...open, ...(rows ?? [])]) m.set(c.id, c);
    return m;
  }, [open, rows]);
  const current = selected === null ? undefined : known.get(selected);
  const reviewing = open.filter((c) => UNDER_REVIEW.includes(c.status));
  const dueSoon = reviewing.filter((c) => (left[c.deadline] ?? 99) >= 0 && (left[c.deadline] ?? 99) <= 2);
  const overdue = reviewing.filter((c) => (left[c.deadline] ?? 0) < 0);
  const count = (s: CaseStatus) => open.filter((c) => c.status === s).length;
  const chipCount = (statuses: CaseStatus[] | 'all') =>
    statuses === 'all' || statuses.some((s) => !OPEN.includes(s))
      ? null
      : open.filter((c) => statuses.includes(c.status)).length;

  const onMoved = (c: CaseRecord, text: string) => {
    setFlash({ kind: 'ok', text });
    // The answer is the case as it is now: show it at once, then refetch the lists.
    setRows((rs) => rs?.map((r) => (r.id === c.id ? c : r)) ?? rs);
    setOpen((os) => os.map((o) => (o.id === c.id ? c : o)));
    refresh();
  };

  const tiles =
    mode === 'review'
      ? [
          { label: '待审核', en: 'Accepted', value: count('accepted') },
          { label: '审核中', en: 'In review', value: count('in-review') },
          {
            label: '两个工作日内到期',
            en: 'Due soon',
            value: dueSoon.length,
            tone: dueSoon.length ? 'soon' : '',
          },
          { label: '已超期', en: 'Overdue', value: overdue.length, tone: overdue.length ? 'bad' : '' },
        ]
      : [
          { label: '审核通过待出件', en: 'Approved', value: count('approved') },
          { label: '办结待取', en: 'Ready', value: count('ready') },
          { label: '尚在审核', en: 'Still in review', value: reviewing.length },
        ];

  return (
    <div class="cases" data-testid={`cases-${mode}`} data-mode={mode}>
      <Tiles items={tiles} />
      <div class="cases-layout">
        <Panel
          title={mode === 'review' ? '限时业务审核' : '权益出件'}
          en={mode === 'review' ? 'Time-limited cases · review' : 'Results to hand back'}
          actions={
            <button type="button" class="btn small" onClick={refresh} data-action="refresh-cases">
              刷新 Refresh
            </button>
          }
        >
          <div class="chips filters" role="tablist" data-testid="case-filters">
            {filters.map((f) => {
              const n = chipCount(f.statuses);
              return (
                <button
                  key={f.id}
                  type="button"
                  role="tab"
                  aria-selected={filter === f.id}
                  class={filter === f.id ? 'chip on' : 'chip'}
                  data-filter={f.id}
                  onClick={() => setFilter(f.id)}
                >
                  {f.zh}
                  {n !== null && <span class="chip-count num">{n}</span>}
                  <span class="en">{f.en}</span>
                </button>
              );
            })}
          </div>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          {rows === null && !error && <p class="dim">载入中… Loading…</p>}
          {rows !== null && (
            <table class="table case-table" data-testid="case-table">
              <thead>
                <tr>
                  <th>受理编号</th>
                  <th>号票</th>
                  <th>办理事项</th>
                  <th>受理人 · 时间</th>
                  <th>办结期限</th>
                  <th>状态</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr
                    key={c.id}
                    data-case={c.id}
                    data-status={c.status}
                    class={selected === c.id ? 'picked' : ''}
                    tabIndex={0}
                    onClick={() => setSelected(c.id)}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' || e.key === ' ') {
                        e.preventDefault();
                        setSelected(c.id);
                      }
                    }}
                  >
                    <td class="num nowrap">{c.id}</td>
                    <td class="num strong">{c.ticketNumber}</td>
                    <td class="case-item">
                      {c.itemName}
                      <span class="dim num"> {c.itemCode}</span>
                    </td>
                    <td class="nowrap">
                      {who(c, c.acceptedBy, me)}
                      <div class="dim num">{hallDateTime(c.acceptedAt)}</div>
                    </td>
                    <td class="nowrap">
                      <span class="num">{c.deadline}</span>
                      <div>
                        <DeadlineBadge c={c} left={left[c.deadline]} />
                      </div>
                    </td>
                    <td>
                      <span class={`case-pill ${c.status}`}>{CASE_STATUS_LABEL[c.status].zh}</span>
                    </td>
                  </tr>
                ))}
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={6} class="dim center empty-row">
                      {mode === 'review' ? '没有需要审核的案件' : '没有待出件的案件'}
                      <span class="en">Nothing here</span>
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
        </Panel>
        {current ? (
          <CaseDetail key={current.id} c={current} me={me} left={left[current.deadline]} onMoved={onMoved} />
        ) : (
          <Panel title="案件详情" en="Case" class="case-detail">
            <p class="dim center-hint">
              在左侧列表中选择一个案件，查看办理记录并办理下一步。
              <span class="en">Pick a case to see its history and move it on.</span>
            </p>
          </Panel>
        )}
      </div>
      <Flash message={flash} />
    </div>
  );
}

/** A staff member as 姓名（工号）, from the names the server added to the case. */
function who(c: CaseRecord, id: string, me: CurrentStaff): string {
  const s = c.staff?.[id];
  if (s !== undefined) return `${s.name}（${s.staffNumber}）`;
  return id === me.id ? `${me.name}（${me.staffNumber}）` : id;
}

function DeadlineBadge({ c, left }: { c: CaseRecord; left: number | null | undefined }) {
  if (UNDER_REVIEW.includes(c.status)) {
    if (left === undefined || left === null) return <span class="due dim">…</span>;
    if (left < 0)
      return (
        <span class="due overdue" data-due="overdue">
          超期 {-left} 个工作日
        </span>
      );
    if (left === 0)
      return (
        <span class="due soon" data-due="soon">
          今日到期
        </span>
      );
    return (
      <span class={left <= 2 ? 'due soon' : 'due'} data-due={left <= 2 ? 'soon' : 'ok'}>
        剩 {left} 个工作日
      </span>
    );
  }
  if (c.status === 'returned') return <span class="due dim">已退回，不计期限</span>;
  // Decided: on time when approved on or before the deadline (the hall's date).
  const approved = c.history.find((h) => h.to === 'approved');
  if (approved === undefined) return null;
  const late = hallDate(approved.at) > c.deadline;
  return (
    <span class={late ? 'due overdue' : 'due done'} data-due={late ? 'late' : 'on-time'}>
      {late ? '超期办结' : '按期办结'}
    </span>
  );
}

function CaseDetail(props: {
  c: CaseRecord;
  me: CurrentStaff;
  left: number | null | undefined;
  onMoved: (c: CaseRecord, text: string) => void;
}) {
  const { c, me } = props;
  const steps = STEPS.filter((s) => s.from === c.status);
  const mine = (p: Post) => (me.roles as string[]).includes(p);
  const [noteFor, setNoteFor] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);
  const [pending, setPending] = useState(false);

  const go = async (step: (typeof STEPS)[number], text: string) => {
    if (busy.current) return;
    if (step.note === 'required' && text === '') {
      setError(REQUIRED_HINT[step.to] ?? '请填写说明');
      return;
    }
    busy.current = true;
    setPending(true);
    setError(null);
    const r = await api<CaseRecord>('POST', `/api/cases/${encodeURIComponent(c.id)}/transition`, {
      to: step.to,
      ...(text !== '' ? { note: text } : {}),
    });
    busy.current = false;
    setPending(false);
    if (!r.ok) {
      const base = errorText(r.error);
      setError(r.error.code === 'FORBIDDEN' ? `${base}：「${step.zh}」由${POST_NAME[step.post]}办理` : base);
      return;
    }
    setNote('');
    setNoteFor(null);
    props.onMoved(r.data, `${c.ticketNumber} ${CASE_STATUS_LABEL[r.data.status].zh}`);
  };

  /** The step whose note field is open: the one the user pressed, else the first needing a note. */
  const noteStep =
    steps.find((s) => s.to === noteFor) ?? steps.find((s) => s.note !== 'none' && mine(s.post));

  return (
    <Panel
      title={`案件 ${c.ticketNumber}`}
      en={c.id}
      class="case-detail"
      testid="case-detail"
      actions={<span class={`case-pill ${c.status}`}>{CASE_STATUS_LABEL[c.status].zh}</span>}
    >
      <table class="kv">
        <tbody>
          <tr>
            <th>办理事项</th>
            <td>
              {c.itemName} <span class="dim num">{c.itemCode}</span>
            </td>
          </tr>
          <tr>
            <th>受理</th>
            <td>
              {who(c, c.acceptedBy, me)} · <span class="num">{hallDateTime(c.acceptedAt)}</span>
            </td>
          </tr>
          <tr>
            <th>办结期限</th>
            <td>
              <span class="num">{c.deadline}</span>
              <span class="dim">（承诺 {c.workingDays} 个工作日）</span>{' '}
              <DeadlineBadge c={c} left={props.left} />
            </td>
          </tr>
        </tbody>
      </table>

      <h3 class="sub">
        办理记录 <span class="en">History</span>
      </h3>
      <ol class="case-history" data-testid="case-history">
        {c.history.map((h, i) => (
          <li key={`${h.at}-${i}`} data-to={h.to} class={h.to}>
            <div class="h-head">
              <span class="strong">{STEP_DONE[h.to]}</span>
              <span class="num dim">{hallDateTime(h.at)}</span>
            </div>
            <div class="h-who">{who(c, h.by, me)}</div>
            {h.note && <div class="h-note">「{h.note}」</div>}
          </li>
        ))}
      </ol>

      {steps.length === 0 ? (
        <p class="dim case-closed">
          {c.status === 'returned' ? '案件已退回，流程结束。' : '已领取，流程结束。'}
          <span class="en">Closed</span>
        </p>
      ) : (
        <div class="case-actions" data-testid="case-actions">
          <h3 class="sub">
            下一步 <span class="en">Next step</span>
          </h3>
          {noteStep && noteStep.note !== 'none' && (
            <div class="field" data-note-for={noteStep.to}>
              {noteStep.to === 'returned' ? (
                <>
                  <span>
                    退回原因（必填） <span class="en">Reason, required</span>
                  </span>
                  <ReasonPicker
                    name="case-note"
                    choices={RETURN_REASONS}
                    value={note}
                    onChange={setNote}
                    placeholder="请填写退回原因（将告知申请人）"
                  />
                </>
              ) : noteStep.to === 'handed-back' ? (
                <>
                  <span>
                    领取方式（必填） <span class="en">How it was handed back</span>
                  </span>
                  <ReasonPicker
                    name="case-note"
                    choices={HANDBACK_NOTES}
                    value={note}
                    onChange={setNote}
                    placeholder="领取说明（勿填写证件号码）"
                  />
                </>
              ) : (
                <label>
                  <span>
                    {noteStep.to === 'approved' ? '审核意见' : '备注'}（选填）{' '}
                    <span class="en">Note, optional</span>
                  </span>
                  <input
                    name="case-note"
                    class="wide"
                    maxLength={500}
                    value={note}
                    placeholder={noteStep.to === 'approved' ? '如：材料齐全，符合条件' : '如：证件已制作完成'}
                    onInput={(e) => setNote(e.currentTarget.value)}
                  />
                </label>
              )}
            </div>
          )}
          <div class="row-gap">
            {steps.map((s) => {
              const ours = mine(s.post);
              return (
                <button
                  key={s.to}
                  type="button"
                  class={`btn ${ours ? (s.tone ?? '') : 'other-post'}`}
                  data-step={s.to}
                  data-own={ours ? 'true' : 'false'}
                  disabled={pending}
                  title={ours ? undefined : `此步骤由${POST_NAME[s.post]}办理`}
                  onClick={() => {
                    const here = noteStep?.to === s.to;
                    if (s.note === 'required' && !here) {
                      // First press of a step that needs a note: open its field.
                      setNote('');
                      setNoteFor(s.to);
                      setError(null);
                      return;
                    }
                    void go(s, here ? note.trim() : '');
                  }}
                >
                  {s.zh} <span class="en">{s.en}</span>
                  {!ours && <small class="post-tag">{POST_NAME[s.post]}</small>}
                </button>
              );
            })}
          </div>
          {error && (
            <p class="error" role="alert" data-testid="case-error">
              {error}
            </p>
          )}
        </div>
      )}
    </Panel>
  );
}
