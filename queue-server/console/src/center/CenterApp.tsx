/**
 * The console's center mode (SPEC RGN-RPT-8): the regional manager enters the center's report
 * token, picks halls and a date range, and reads the region's figures, the league tables per
 * hall, item and window, bad ratings, overdue 限时件 and risk alerts, and the halls' health;
 * exports CSV/XLSX. Reads `region.ts`'s store, calls its intents.
 */
import { useStore } from '@onewindow/shared/client';
import type { RegionHallStatus, RegionReport } from '@onewindow/shared/region-report.ts';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Panel, Tiles } from '../components/ui.tsx';
import { hallDateTime, minutes, POST_LABEL, percent } from '../core/format.ts';
import { createRegionStore, type RegionActions, type RegionStore, regionActions } from './region.ts';
import './center.css';

const HEALTH: Record<RegionHallStatus['health'], { zh: string; tone: string }> = {
  ok: { zh: '正常', tone: 'ok' },
  lagging: { zh: '追赶中', tone: 'warn' },
  silent: { zh: '失联', tone: 'bad' },
  never: { zh: '未接入', tone: 'warn' },
  flagged: { zh: '已标记', tone: 'bad' },
};
/** 回访 statuses as the hall's manager page names them (FUP-4). */
const FOLLOW_LABEL: Record<string, string> = {
  open: '待回访',
  'called-back': '已回访',
  rectifying: '整改中',
  closed: '已办结',
};

const REASON: Record<string, string> = {
  attitude: '服务态度',
  efficiency: '办事效率',
  competence: '业务能力',
  waiting: '等候时间',
  other: '其他',
};
/** How many rows a league shows before "show all". */
const TOP = 10;

export function CenterApp() {
  const store = useMemo(() => createRegionStore(), []);
  const actions = useMemo(() => regionActions(store), [store]);
  const signedIn = useStore(store, (s) => s.signedIn);
  // A tab that kept its token (sessionStorage) loads straight away.
  useEffect(() => {
    if (store.get().signedIn) void actions.refresh();
  }, [store]);
  return signedIn ? (
    <Region store={store} actions={actions} />
  ) : (
    <TokenLogin store={store} actions={actions} />
  );
}

function TokenLogin({ store, actions }: { store: RegionStore; actions: RegionActions }) {
  const error = useStore(store, (s) => s.error);
  const [token, setToken] = useState('');
  return (
    <div class="login-page">
      <form
        class="login-card"
        data-testid="center-login"
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim() !== '') void actions.signIn(token);
        }}
      >
        <h1>
          一窗通办 · 区域中心
          <small>OneWindow regional center · 区域统计 Regional report</small>
        </h1>
        <label>
          报表令牌 <span class="en">Report token</span>
          <input
            type="password"
            name="token"
            autocomplete="current-password"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button class="btn primary big" type="submit">
          进入 <span class="en">Enter</span>
        </button>
      </form>
    </div>
  );
}

function Region({ store, actions }: { store: RegionStore; actions: RegionActions }) {
  const s = useStore(store, (x) => x);
  const r = s.report;
  return (
    <div class="shell">
      <header class="topbar">
        <div class="brand">
          一窗通办 · 区域中心<span class="en">OneWindow region</span>
        </div>
        <div class="grow" />
        <button
          class="btn small on-dark"
          type="button"
          onClick={() => actions.signOut()}
          data-action="sign-out"
        >
          退出 <span class="en">Sign out</span>
        </button>
      </header>
      <main class="content region" data-testid="region">
        <Panel
          title="区域统计"
          en="Regional report"
          testid="region-summary"
          actions={
            <div class="row-gap">
              <label class="inline">
                从{' '}
                <input
                  type="date"
                  name="from"
                  value={s.from}
                  max={s.to}
                  onInput={(e) => void actions.setRange(e.currentTarget.value, s.to)}
                />
              </label>
              <label class="inline">
                至{' '}
                <input
                  type="date"
                  name="to"
                  value={s.to}
                  min={s.from}
                  onInput={(e) => void actions.setRange(s.from, e.currentTarget.value)}
                />
              </label>
              <button
                class="btn small"
                type="button"
                onClick={() => void actions.exportAs('csv')}
                data-action="export-csv"
              >
                导出 CSV
              </button>
              <button
                class="btn small"
                type="button"
                onClick={() => void actions.exportAs('xlsx')}
                data-action="export-xlsx"
              >
                导出 XLSX
              </button>
            </div>
          }
        >
          <HallPicker halls={s.halls} picked={s.picked} actions={actions} />
          {s.error && (
            <p class="error" role="alert">
              {s.error}
            </p>
          )}
          {s.notice && (
            <p class="dim" role="status">
              {s.notice}
            </p>
          )}
          {r && <Summary r={r} />}
          {s.loading && <p class="dim">正在汇总… Loading</p>}
        </Panel>
        {r && (
          <>
            <HallLeague r={r} />
            <div class="grid-2">
              <ItemLeague r={r} />
              <WindowLeague r={r} />
            </div>
            <div class="grid-2">
              <BadRatings r={r} />
              <Overdue r={r} />
            </div>
          </>
        )}
        <Health halls={s.halls} />
      </main>
    </div>
  );
}

function HallPicker(props: { halls: RegionHallStatus[] | null; picked: string[]; actions: RegionActions }) {
  if (props.halls === null) return null;
  const all = props.picked.length === 0;
  return (
    <fieldset class="hall-picker" data-testid="hall-picker">
      <legend>
        大厅 <span class="en">Halls</span>
      </legend>
      <label class={all ? 'chip on' : 'chip'}>
        <input type="checkbox" checked={all} onChange={() => void props.actions.allHalls()} />
        全部 <span class="en">All</span> ({props.halls.length})
      </label>
      {props.halls.map((h) => (
        <label
          key={h.hallId}
          class={props.picked.includes(h.hallId) ? 'chip on' : 'chip'}
          data-hall={h.hallId}
        >
          <input
            type="checkbox"
            checked={props.picked.includes(h.hallId)}
            onChange={() => void props.actions.toggleHall(h.hallId)}
          />
          {h.name}
        </label>
      ))}
    </fieldset>
  );
}

function Summary({ r }: { r: RegionReport }) {
  const t = r.total;
  return (
    <>
      <Tiles
        items={[
          { label: '大厅', en: 'halls', value: r.hallIds.length },
          { label: '取号', en: 'issued', value: t.issued },
          { label: '办结', en: 'served', value: t.served },
          { label: '等候中', en: 'waiting', value: t.waitingNow ?? '—' },
          { label: '平均等候(分)', en: 'avg wait', value: minutes(t.waitAvgSec) },
          { label: 'P90等候(分)', en: 'p90 wait', value: minutes(t.waitP90Sec) },
          { label: '平均办理(分)', en: 'avg service', value: minutes(t.serviceAvgSec) },
          { label: '好评率', en: 'good rate', value: percent(t.ratings.goodRate) },
          { label: '差评', en: 'bad', value: t.ratings.bad, tone: t.ratings.bad > 0 ? 'bad' : '' },
          {
            label: '回访办结率',
            en: 'follow-ups closed',
            value: r.followUps.closedRate === null ? '—' : `${r.followUps.closedRate}%`,
          },
          {
            label: '回访逾期',
            en: 'follow-ups overdue',
            value: r.followUps.overdue,
            tone: r.followUps.overdue > 0 ? 'bad' : '',
          },
          {
            label: '按时办结率',
            en: 'on time',
            value: r.cases.onTimeRate === null ? '—' : `${r.cases.onTimeRate}%`,
          },
          {
            label: '逾期件',
            en: 'overdue cases',
            value: r.overdueCases.length,
            tone: r.overdueCases.length > 0 ? 'bad' : '',
          },
          {
            label: '逾期预警',
            en: 'overdue alerts',
            value: r.overdueAlerts.length,
            tone: r.overdueAlerts.length > 0 ? 'bad' : '',
          },
        ]}
      />
      <p class="dim small-note">
        {r.from} 至 {r.to} · 预警 {r.alerts.raised} 条 · 受理限时件 {r.cases.accepted} 件 · 汇总于{' '}
        {hallDateTime(r.generatedAt)}
      </p>
    </>
  );
}

function useTop<T>(rows: T[]): [T[], boolean, () => void] {
  const [all, setAll] = useState(false);
  return [all ? rows : rows.slice(0, TOP), rows.length > TOP && !all, () => setAll(true)];
}

function More({ show, onClick, n }: { show: boolean; onClick: () => void; n: number }) {
  return show ? (
    <button class="btn small" type="button" onClick={onClick}>
      显示全部 {n} 行 <span class="en">Show all</span>
    </button>
  ) : null;
}

function HallLeague({ r }: { r: RegionReport }) {
  return (
    <Panel title="大厅排名" en="League by hall (好评率)" testid="league-halls">
      <table class="table compact">
        <thead>
          <tr>
            <th class="right">名次</th>
            <th>大厅 Hall</th>
            <th class="right">取号</th>
            <th class="right">办结</th>
            <th class="right">平均等候</th>
            <th class="right">P90等候</th>
            <th class="right">平均办理</th>
            <th class="right">评价</th>
            <th class="right">好评率</th>
            <th class="right">差评</th>
            <th class="right">限时件</th>
            <th class="right">按时率</th>
            <th class="right">逾期件</th>
            <th class="right">预警</th>
            <th class="right">投诉</th>
            <th class="right">回访办结</th>
            <th class="right">回访逾期</th>
          </tr>
        </thead>
        <tbody>
          {r.halls.map((h) => (
            <tr key={h.hallId} data-hall={h.hallId}>
              <td class="num right">{h.rank}</td>
              <td>
                {h.name}
                {h.flagged && <span class="badge bad"> 已标记</span>}
              </td>
              <td class="num right" data-col="issued">
                {h.issued}
              </td>
              <td class="num right" data-col="served">
                {h.served}
              </td>
              <td class="num right">{minutes(h.waitAvgSec)}</td>
              <td class="num right">{minutes(h.waitP90Sec)}</td>
              <td class="num right">{minutes(h.serviceAvgSec)}</td>
              <td class="num right">{h.ratings.rated}</td>
              <td class="num right" data-col="goodRate">
                {percent(h.ratings.goodRate)}
              </td>
              <td class={h.ratings.bad > 0 ? 'num right bad' : 'num right'}>{h.ratings.bad}</td>
              <td class="num right">{h.casesAccepted}</td>
              <td class="num right">{h.onTimeRate === null ? '—' : `${h.onTimeRate}%`}</td>
              <td class={h.casesOverdue > 0 ? 'num right bad' : 'num right'}>{h.casesOverdue}</td>
              <td class="num right">{h.alertsRaised}</td>
              <td class="num right">{h.complaints}</td>
              <td class="num right" data-col="followUpsClosed">
                {h.followUps.bad === 0 ? '—' : `${h.followUps.closed}/${h.followUps.bad}`}
              </td>
              <td class={h.followUps.overdue > 0 ? 'num right bad' : 'num right'} data-col="followUpsOverdue">
                {h.followUps.overdue}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

function ItemLeague({ r }: { r: RegionReport }) {
  const [rows, more, showAll] = useTop(r.items);
  return (
    <Panel title="事项好评" en="League by item" testid="league-items">
      <table class="table compact">
        <thead>
          <tr>
            <th class="right">名次</th>
            <th>事项 Item</th>
            <th class="right">大厅</th>
            <th class="right">评价</th>
            <th class="right">好评率</th>
            <th class="right">投诉</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr key={i.key}>
              <td class="num right">{i.rank}</td>
              <td title={i.key}>{i.name ?? i.key}</td>
              <td class="num right">{i.halls}</td>
              <td class="num right">{i.ratings}</td>
              <td class="num right">{i.goodRate === null ? '—' : `${i.goodRate}%`}</td>
              <td class="num right">{i.complaints}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <More show={more} onClick={showAll} n={r.items.length} />
    </Panel>
  );
}

function WindowLeague({ r }: { r: RegionReport }) {
  const [rows, more, showAll] = useTop(r.windows);
  return (
    <Panel title="窗口排名" en="League by window" testid="league-windows">
      <table class="table compact">
        <thead>
          <tr>
            <th class="right">名次</th>
            <th>大厅 · 窗口</th>
            <th class="right">办结</th>
            <th class="right">平均办理</th>
            <th class="right">评价</th>
            <th class="right">好评率</th>
            <th class="right">差评</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => (
            <tr key={`${w.hallId}/${w.windowId}`}>
              <td class="num right">{w.rank}</td>
              <td>
                {w.hallName} · {w.windowNumber}号 <span class="dim">{POST_LABEL[w.post]}</span>
              </td>
              <td class="num right">{w.served}</td>
              <td class="num right">{minutes(w.serviceAvgSec)}</td>
              <td class="num right">{w.rated}</td>
              <td class="num right">{percent(w.goodRate)}</td>
              <td class="num right">{w.bad}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <More show={more} onClick={showAll} n={r.windows.length} />
    </Panel>
  );
}

function BadRatings({ r }: { r: RegionReport }) {
  const [rows, more, showAll] = useTop(r.badRatings);
  return (
    <Panel title="差评" en="Bad ratings" testid="region-bad">
      {r.badRatings.length === 0 ? (
        <p class="dim">无差评 None</p>
      ) : (
        <table class="table compact">
          <thead>
            <tr>
              <th>大厅</th>
              <th>票号</th>
              <th>时间</th>
              <th class="right">等级</th>
              <th>原因</th>
              <th class="right">窗口</th>
              <th>回访</th>
              <th>整改时限</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => (
              <tr key={`${b.hallId}/${b.ticketId}`}>
                <td>{b.hallName}</td>
                <td class="num">{b.number}</td>
                <td class="num">{hallDateTime(b.at)}</td>
                <td class="num right bad">{b.level}</td>
                <td>{b.reasons.map((x) => REASON[x] ?? x).join('、') || '—'}</td>
                <td class="num right">{b.windowNumber ?? '—'}</td>
                <td data-col="followUp" data-status={b.followUp?.status ?? 'none'}>
                  {b.followUp === null ? (
                    <span class="dim">未收到</span>
                  ) : (
                    <span
                      class={`badge ${b.followUp.status === 'closed' ? 'ok' : b.followUp.overdue ? 'bad' : 'warn'}`}
                    >
                      {FOLLOW_LABEL[b.followUp.status] ?? b.followUp.status}
                      {b.followUp.overdue ? ' · 逾期' : ''}
                    </span>
                  )}
                </td>
                <td class="num">{b.followUp?.deadline ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More show={more} onClick={showAll} n={r.badRatings.length} />
      <p class="dim small-note">
        回访与整改在各大厅办理；此处只显示状态，回访内容与整改情况留在大厅。Follow-ups are handled in each
        hall; only their status reaches the center.
      </p>
    </Panel>
  );
}

function Overdue({ r }: { r: RegionReport }) {
  const [cases, moreCases, allCases] = useTop(r.overdueCases);
  const [alerts, moreAlerts, allAlerts] = useTop(r.overdueAlerts);
  return (
    <Panel title="逾期限时件与预警" en="Overdue cases and alerts" testid="region-overdue">
      {r.overdueCases.length === 0 && r.overdueAlerts.length === 0 && <p class="dim">无逾期 None overdue</p>}
      {r.overdueCases.length > 0 && (
        <table class="table compact" data-testid="overdue-cases">
          <thead>
            <tr>
              <th>大厅</th>
              <th>案件</th>
              <th>时限</th>
              <th>状态</th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c) => (
              <tr key={`${c.hallId}/${c.caseId}`}>
                <td>{c.hallName}</td>
                <td class="num">{c.caseId}</td>
                <td class="num bad">{c.deadline}</td>
                <td>{c.finishedDay === null ? c.status : `${c.finishedDay} 办结`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More show={moreCases} onClick={allCases} n={r.overdueCases.length} />
      {r.overdueAlerts.length > 0 && (
        <table class="table compact" data-testid="overdue-alerts">
          <thead>
            <tr>
              <th>大厅</th>
              <th>预警</th>
              <th>风险点</th>
              <th>处置时限</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => (
              <tr key={`${a.hallId}/${a.alertId}`}>
                <td>{a.hallName}</td>
                <td class="num">{a.ruleId}</td>
                <td class="num">{a.riskCode}</td>
                <td class="num bad">{a.dueDay}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More show={moreAlerts} onClick={allAlerts} n={r.overdueAlerts.length} />
    </Panel>
  );
}

function Health({ halls }: { halls: RegionHallStatus[] | null }) {
  if (halls === null) return null;
  return (
    <Panel title="大厅接入状态" en="Halls: health, lag, last contact" testid="region-health">
      <table class="table compact">
        <thead>
          <tr>
            <th>大厅 Hall</th>
            <th>编号</th>
            <th>状态</th>
            <th class="right">已同步事件</th>
            <th class="right">滞后</th>
            <th>最后联系</th>
          </tr>
        </thead>
        <tbody>
          {halls.map((h) => (
            <tr key={h.hallId} data-hall={h.hallId}>
              <td>{h.name}</td>
              <td class="num">{h.hallId}</td>
              <td>
                <span class={`badge ${HEALTH[h.health].tone}`}>{HEALTH[h.health].zh}</span>
                {h.flagged && <span class="dim"> {h.flagged}</span>}
              </td>
              <td class="num right">{h.highWater}</td>
              <td class="num right">{h.lag}</td>
              <td class="num">{h.lastContact === null ? '—' : hallDateTime(Date.parse(h.lastContact))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}
