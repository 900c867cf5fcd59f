/**
 * 限时业务 back office (LD/T 02 §9.4–9.5): the cases a 限时受理 opened, one tab per post.
 * 业务审核 (reviewer) starts, passes, asks for every missing material at once or returns;
 * 复核 (review-supervisor) passes or returns what a reviewer passed on a two-level item;
 * 权益出件 (rights clerk) marks the result ready and handed back; 案件查询 (accountant, manager)
 * reads every case. The lists come from the console's store, current with every pushed case fact
 * (core/cases.ts); a case's detail and its steps are CaseDetail.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import { CASE_STATUSES, type CaseLevel, type CaseRecord, type CaseStatus } from '@onewindow/shared/cases.ts';
import { useStore } from '@onewindow/shared/client';
import { useMemo, useState } from 'preact/hooks';
import { Flash, Panel, Tiles, useFlash } from '../../components/ui.tsx';
import {
  CASE_STATUS_LABEL,
  REVIEW_LEVELS_LABEL,
  staffLabel,
  UNDER_WAY,
  useCase,
  useCases,
  useDaysLeft,
} from '../../core/cases.ts';
import { hallDate, hallDateTime } from '../../core/format.ts';
import type { ConsoleStore } from '../../core/staff.ts';
import { CaseDetail, DeadlineBadge } from './CaseDetail.tsx';
import './cases.css';

export type CasesMode = 'review' | 'recheck' | 'handback' | 'query';

interface Filter {
  id: string;
  zh: string;
  en: string;
  statuses: readonly CaseStatus[];
}

type Tile = { label: string; en: string; value: number; tone?: string };

/** Working days left per deadline date. */
type Left = Record<string, number | null>;

interface ModeDef {
  title: string;
  en: string;
  /** The steps this tab offers (a person with several posts gets each post's steps in its tab). */
  levels: readonly CaseLevel[];
  filters: readonly Filter[];
  /** Statuses the tiles count (loaded whatever the filter). */
  counted: readonly CaseStatus[];
  tiles: (count: (s: readonly CaseStatus[]) => number, late: (s: readonly CaseStatus[]) => Late) => Tile[];
  empty: string;
}

interface Late {
  soon: number;
  overdue: number;
}

const ALL: Filter = { id: 'all', zh: '全部', en: 'All', statuses: CASE_STATUSES };
const one = (s: CaseStatus, zh = CASE_STATUS_LABEL[s].zh): Filter => ({
  id: s,
  zh,
  en: CASE_STATUS_LABEL[s].en,
  statuses: [s],
});
const dueTiles = (l: Late): Tile[] => [
  { label: '两个工作日内到期', en: 'Due soon', value: l.soon, tone: l.soon ? 'soon' : '' },
  { label: '已超期', en: 'Overdue', value: l.overdue, tone: l.overdue ? 'bad' : '' },
];

const REVIEWING: readonly CaseStatus[] = ['accepted', 'in-review'];
const BEFORE_RECHECK: readonly CaseStatus[] = ['accepted', 'in-review', 'supplementing'];

const MODES: Record<CasesMode, ModeDef> = {
  review: {
    title: '限时业务审核',
    en: 'Time-limited cases · review',
    levels: ['review'],
    filters: [
      { id: 'todo', zh: '待办', en: 'To do', statuses: REVIEWING },
      one('accepted'),
      one('in-review'),
      one('supplementing'),
      one('reviewed'),
      one('approved', '已通过'),
      one('returned'),
      ALL,
    ],
    counted: ['accepted', 'in-review', 'supplementing'],
    tiles: (n, late) => [
      { label: '待审核', en: 'To review', value: n(['accepted']) },
      { label: '审核中', en: 'In review', value: n(['in-review']) },
      { label: '待补正', en: 'Awaiting materials', value: n(['supplementing']) },
      ...dueTiles(late(REVIEWING)),
    ],
    empty: '没有需要审核的案件',
  },
  recheck: {
    title: '复核',
    en: 'Re-check (two-level items)',
    levels: ['recheck'],
    filters: [
      { id: 'todo', zh: '待复核', en: 'To re-check', statuses: ['reviewed'] },
      { id: 'reviewing', zh: '审核阶段', en: 'Before re-check', statuses: BEFORE_RECHECK },
      one('approved', '已通过'),
      one('returned'),
      ALL,
    ],
    counted: ['reviewed', ...BEFORE_RECHECK],
    tiles: (n, late) => [
      { label: '待复核', en: 'To re-check', value: n(['reviewed']) },
      ...dueTiles(late(['reviewed'])),
      { label: '尚在审核', en: 'Still in review', value: n(BEFORE_RECHECK) },
    ],
    empty: '没有待复核的案件',
  },
  handback: {
    title: '权益出件',
    en: 'Results to hand back',
    levels: ['handback'],
    filters: [
      { id: 'todo', zh: '待办', en: 'To do', statuses: ['approved', 'ready'] },
      one('approved', '待出件'),
      one('ready'),
      one('handed-back'),
      ALL,
    ],
    counted: ['approved', 'ready', ...UNDER_WAY],
    tiles: (n) => [
      { label: '审核通过待出件', en: 'Approved', value: n(['approved']) },
      { label: '办结待取', en: 'Ready', value: n(['ready']) },
      { label: '尚在审核', en: 'Still in review', value: n(UNDER_WAY) },
    ],
    empty: '没有待出件的案件',
  },
  query: {
    title: '案件查询',
    en: 'All cases · read only',
    levels: [],
    filters: [
      ALL,
      { id: 'under-way', zh: '办理中', en: 'Under way', statuses: UNDER_WAY },
      { id: 'out', zh: '待出件', en: 'To hand back', statuses: ['approved', 'ready'] },
      one('handed-back'),
      one('returned'),
    ],
    counted: CASE_STATUSES,
    tiles: (n, late) => [
      { label: '办理中', en: 'Under way', value: n(UNDER_WAY) },
      {
        label: '已超期',
        en: 'Overdue',
        value: late(UNDER_WAY).overdue,
        tone: late(UNDER_WAY).overdue ? 'bad' : '',
      },
      { label: '待出件', en: 'To hand back', value: n(['approved', 'ready']) },
      { label: '已领取', en: 'Handed back', value: n(['handed-back']) },
      { label: '已退回', en: 'Returned', value: n(['returned']) },
    ],
    empty: '没有符合条件的案件',
  },
};

export function CasesView(props: { me: CurrentStaff; store: ConsoleStore; mode: CasesMode }) {
  const { me, store, mode } = props;
  const def = MODES[mode];
  const skew = useStore(store, (s) => s.skew);
  const [filterId, setFilterId] = useState(def.filters[0]!.id);
  const filter = def.filters.find((f) => f.id === filterId) ?? def.filters[0]!;
  const [q, setQ] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [flash, setFlash] = useFlash();
  const today = hallDate(Date.now() + skew);

  const wanted = useMemo(
    () => CASE_STATUSES.filter((s) => def.counted.includes(s) || filter.statuses.includes(s)),
    [mode, filter.id],
  );
  const { cases, ready, error, retry } = useCases(store, wanted);
  const left = useDaysLeft(
    today,
    cases.map((c) => c.deadline),
  );
  const current = useCase(store, selected);

  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return cases.filter((c) => {
      if (!filter.statuses.includes(c.status)) return false;
      const day = hallDate(c.acceptedAt);
      if ((from !== '' && day < from) || (to !== '' && day > to)) return false;
      if (needle === '') return true;
      const hay = [
        c.id,
        c.ticketNumber,
        c.itemName,
        c.itemCode,
        ...Object.values(c.staff ?? {}).map((s) => s.name),
      ];
      return hay.some((h) => h.toLowerCase().includes(needle));
    });
  }, [cases, filter.id, q, from, to]);

  const count = (s: readonly CaseStatus[]) => cases.filter((c) => s.includes(c.status)).length;
  const late = (s: readonly CaseStatus[]): Late => {
    const under = cases.filter((c) => s.includes(c.status)).map((c) => left[c.deadline]);
    return {
      soon: under.filter((d) => d !== undefined && d !== null && d >= 0 && d <= 2).length,
      overdue: under.filter((d) => d !== undefined && d !== null && d < 0).length,
    };
  };
  const chipCount = (f: Filter) => (f.statuses.length === CASE_STATUSES.length ? null : count(f.statuses));

  return (
    <div class="cases" data-testid={`cases-${mode}`} data-mode={mode}>
      <Tiles items={def.tiles(count, late)} />
      <div class="cases-layout">
        <Panel
          title={def.title}
          en={def.en}
          actions={
            <input
              type="search"
              name="case-search"
              class="case-search"
              placeholder="受理编号 / 号票 / 事项 / 经办人"
              value={q}
              onInput={(e) => setQ(e.currentTarget.value)}
            />
          }
        >
          <div class="chips filters" role="tablist" data-testid="case-filters">
            {def.filters.map((f) => {
              const n = chipCount(f);
              return (
                <button
                  key={f.id}
                  type="button"
                  role="tab"
                  aria-selected={filter.id === f.id}
                  class={filter.id === f.id ? 'chip on' : 'chip'}
                  data-filter={f.id}
                  onClick={() => setFilterId(f.id)}
                >
                  {f.zh}
                  {n !== null && ready && <span class="chip-count num">{n}</span>}
                  <span class="en">{f.en}</span>
                </button>
              );
            })}
          </div>
          {mode === 'query' && (
            <div class="case-range" data-testid="case-range">
              受理日期 <span class="en">Accepted</span>
              <input
                type="date"
                name="from"
                aria-label="受理日期从 Accepted from"
                value={from}
                onInput={(e) => setFrom(e.currentTarget.value)}
              />
              至
              <input
                type="date"
                name="to"
                aria-label="受理日期至 Accepted to"
                value={to}
                onInput={(e) => setTo(e.currentTarget.value)}
              />
              {(from !== '' || to !== '') && (
                <button
                  type="button"
                  class="btn small"
                  onClick={() => {
                    setFrom('');
                    setTo('');
                  }}
                >
                  清除 Clear
                </button>
              )}
            </div>
          )}
          {error && (
            <p class="error" role="alert">
              {error}{' '}
              <button type="button" class="btn small" onClick={retry}>
                重试 Retry
              </button>
            </p>
          )}
          {!ready && !error && <p class="dim">载入中… Loading…</p>}
          {ready && (
            <CaseTable
              rows={rows}
              left={left}
              selected={selected}
              onPick={setSelected}
              empty={q !== '' || from !== '' || to !== '' ? '没有符合条件的案件' : def.empty}
            />
          )}
        </Panel>
        {current ? (
          <CaseDetail
            key={current.id}
            c={current}
            me={me}
            store={store}
            levels={def.levels}
            left={left[current.deadline]}
            onMoved={(text) => setFlash({ kind: 'ok', text })}
          />
        ) : (
          <Panel title="案件详情" en="Case" class="case-detail">
            <p class="dim center-hint">
              在左侧列表中选择一个案件，查看办理记录
              {def.levels.length > 0 ? '并办理下一步' : ''}。
              <span class="en">Pick a case to see its history.</span>
            </p>
          </Panel>
        )}
      </div>
      <Flash message={flash} />
    </div>
  );
}

function CaseTable(props: {
  rows: CaseRecord[];
  left: Left;
  selected: string | null;
  onPick: (id: string) => void;
  empty: string;
}) {
  return (
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
        {props.rows.map((c) => (
          <tr
            key={c.id}
            data-case={c.id}
            data-status={c.status}
            class={props.selected === c.id ? 'picked' : ''}
            tabIndex={0}
            onClick={() => props.onPick(c.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                props.onPick(c.id);
              }
            }}
          >
            <td class="num nowrap">{c.id}</td>
            <td class="num strong">{c.ticketNumber}</td>
            <td class="case-item">
              {c.itemName}
              <div>
                <span class={`levels-pill l${c.reviewLevels}`} data-levels={c.reviewLevels}>
                  {REVIEW_LEVELS_LABEL[c.reviewLevels].zh}
                </span>
                <span class="dim num"> {c.itemCode}</span>
              </div>
            </td>
            <td class="nowrap">
              {staffLabel(c, c.acceptedBy)}
              <div class="dim num">{hallDateTime(c.acceptedAt)}</div>
            </td>
            <td class="nowrap">
              <span class="num">{c.deadline}</span>
              <div>
                <DeadlineBadge c={c} left={props.left[c.deadline]} />
              </div>
            </td>
            <td>
              <span class={`case-pill ${c.status}`}>{CASE_STATUS_LABEL[c.status].zh}</span>
            </td>
          </tr>
        ))}
        {props.rows.length === 0 && (
          <tr>
            <td colSpan={6} class="dim center empty-row">
              {props.empty}
              <span class="en">Nothing here</span>
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
