/**
 * 大厅管理: today's hall live and date-range history from GET /api/stats (computed by the server
 * from the fact log): issued, served, waiting and no-shows per category; average and p90 wait
 * and service per category, window and clerk; hourly arrivals and daily series; ratings with
 * the 差评 follow-up (回访, deadline, status); CSV/XLSX export; the notice marquee.
 */

import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import { useStore } from '@onewindow/shared/client';
import type { RatingReason } from '@onewindow/shared/domain.ts';
import type {
  CategoryFigures,
  FollowUp,
  FollowUpList,
  FollowUpSettings,
  FollowUpStatus,
  HallStats,
  TimeFigures,
} from '@onewindow/shared/stats.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Chart } from '../components/Chart.tsx';
import { Flash, Modal, Panel, Tiles, useFlash } from '../components/ui.tsx';
import { api, download, errorText } from '../core/api.ts';
import { hallDateTime, minutes, POST_LABEL, percent } from '../core/format.ts';
import type { ConsoleStore } from '../core/staff.ts';

const REASON_LABEL: Record<RatingReason, string> = {
  attitude: '服务态度',
  efficiency: '办事效率',
  competence: '业务能力',
  waiting: '等候时间',
  other: '其他',
};
const FOLLOW_LABEL: Record<FollowUpStatus, string> = {
  open: '待回访',
  'called-back': '已回访',
  rectifying: '整改中',
  closed: '已办结',
};

export function ManagerView({ store }: { me: CurrentStaff; store: ConsoleStore }) {
  const seq = useStore(store, (s) => s.view?.seq ?? 0);
  // The range starts as the server's own business day (the browser's clock may be elsewhere).
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [stats, setStats] = useState<HallStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [flash, setFlash] = useFlash();
  const loadedSeq = useRef(-1);
  const today = stats?.today ?? null;

  const load = async () => {
    const r = await api<HallStats>('GET', from && to ? `/api/stats?from=${from}&to=${to}` : '/api/stats');
    if (!r.ok) {
      setError(errorText(r.error));
      return;
    }
    setError(null);
    setStats(r.data);
    loadedSeq.current = r.data.lastSeq;
    if (from === null) setFrom(r.data.from);
    if (to === null) setTo(r.data.to);
  };
  useEffect(() => {
    void load();
  }, [from, to]);
  // Live: while the range includes today, refresh a moment after the hall changes.
  useEffect(() => {
    if (stats === null || !stats.includesToday || seq === loadedSeq.current) return;
    const t = setTimeout(() => void load(), 1000);
    return () => clearTimeout(t);
  }, [seq, stats?.includesToday, stats?.lastSeq]);

  const exportAs = async (format: 'csv' | 'xlsx') => {
    const err = await download(
      `/api/stats/export?from=${from ?? ''}&to=${to ?? ''}&format=${format}`,
      `hall-stats-${from}-${to}.${format}`,
    );
    setFlash(
      err === null
        ? { kind: 'ok', text: `已导出 ${format.toUpperCase()}` }
        : { kind: 'error', text: `导出失败：${err}` },
    );
  };

  return (
    <div class="manager">
      <div class="manager-main">
        <Panel
          title={stats?.includesToday && from === to ? '今日大厅（实时）' : '大厅统计'}
          en={stats?.includesToday && from === to ? 'Hall live' : 'History'}
          testid="manager-summary"
          actions={
            <div class="row-gap">
              <label class="inline">
                从{' '}
                <input
                  type="date"
                  name="from"
                  value={from ?? ''}
                  max={to ?? ''}
                  onInput={(e) => setFrom(e.currentTarget.value)}
                />
              </label>
              <label class="inline">
                至{' '}
                <input
                  type="date"
                  name="to"
                  value={to ?? ''}
                  min={from ?? ''}
                  onInput={(e) => setTo(e.currentTarget.value)}
                />
              </label>
              <button
                type="button"
                class="btn small"
                disabled={today === null}
                onClick={() => {
                  setFrom(today);
                  setTo(today);
                }}
              >
                今日
              </button>
              <button
                type="button"
                class="btn small"
                onClick={() => exportAs('csv')}
                data-action="export-csv"
              >
                导出 CSV
              </button>
              <button
                type="button"
                class="btn small"
                onClick={() => exportAs('xlsx')}
                data-action="export-xlsx"
              >
                导出 XLSX
              </button>
            </div>
          }
        >
          {error && <p class="error">{error}</p>}
          {stats && <Summary total={stats.total} stats={stats} />}
        </Panel>
        {stats && (
          <>
            <CategoryTable stats={stats} />
            <div class="grid-2">
              <Panel title="分时取号" en="Arrivals by hour">
                <Chart
                  title=""
                  testid="chart-hourly"
                  xName="时"
                  x={stats.hourlyArrivals.map((_, h) => h)}
                  series={[{ label: '取号', values: stats.hourlyArrivals, color: '#0b4aa2', bars: true }]}
                />
              </Panel>
              <Panel title="每日走势" en="Daily">
                <Chart
                  title=""
                  testid="chart-daily"
                  xName="日期"
                  x={stats.days.map((_, i) => i)}
                  xLabels={stats.days.map((d) => d.day.slice(5))}
                  series={[
                    { label: '取号', values: stats.days.map((d) => d.issued), color: '#0b4aa2' },
                    { label: '办结', values: stats.days.map((d) => d.served), color: '#177a3b' },
                  ]}
                />
              </Panel>
            </div>
            <WorkTables stats={stats} />
          </>
        )}
      </div>
      <aside class="manager-side">
        <NoticeEditor store={store} onResult={setFlash} />
        {stats && <Ratings stats={stats} />}
        <FollowUps stats={stats} reload={load} onResult={setFlash} />
      </aside>
      <Flash message={flash} />
    </div>
  );
}

function Summary({ total, stats }: { total: CategoryFigures; stats: HallStats }) {
  return (
    <>
      <Tiles
        items={[
          { label: '取号', en: 'issued', value: total.issued },
          { label: '办结', en: 'served', value: total.served },
          { label: '等候中', en: 'waiting', value: total.waitingNow ?? '—' },
          { label: '过号', en: 'no-shows', value: total.noShows },
          { label: '取消', en: 'cancelled', value: total.cancelled },
          { label: '平均等候(分)', en: 'avg wait', value: minutes(total.waitAvgSec) },
          { label: 'P90等候(分)', en: 'p90 wait', value: minutes(total.waitP90Sec) },
          { label: '平均办理(分)', en: 'avg service', value: minutes(total.serviceAvgSec) },
          { label: 'P90办理(分)', en: 'p90 service', value: minutes(total.serviceP90Sec) },
          { label: '好评率', en: 'good rate', value: percent(stats.ratings.goodRate) },
          { label: '差评', en: 'bad', value: stats.ratings.bad, tone: stats.ratings.bad > 0 ? 'bad' : '' },
        ]}
      />
      <p class="dim small-note">
        即时办结 {total.outcomes.completed} · 限时受理 {total.outcomes.accepted} · 不予受理{' '}
        {total.outcomes.rejected} · 一次性补正 {total.outcomes.supplement} · 截至{' '}
        {hallDateTime(stats.generatedAt)}（事件 #{stats.lastSeq}）
      </p>
    </>
  );
}

function timeCells(t: TimeFigures) {
  return (
    <>
      <td class="num right" data-col="waitAvg">
        {minutes(t.waitAvgSec)}
      </td>
      <td class="num right" data-col="waitP90">
        {minutes(t.waitP90Sec)}
      </td>
      <td class="num right" data-col="serviceAvg">
        {minutes(t.serviceAvgSec)}
      </td>
      <td class="num right" data-col="serviceP90">
        {minutes(t.serviceP90Sec)}
      </td>
    </>
  );
}
const timeHeads = (
  <>
    <th class="right">均等(分)</th>
    <th class="right">P90等</th>
    <th class="right">均办(分)</th>
    <th class="right">P90办</th>
  </>
);

function CategoryTable({ stats }: { stats: HallStats }) {
  return (
    <Panel title="分业务类别" en="By category" testid="by-category">
      <table class="table">
        <thead>
          <tr>
            <th>类别</th>
            <th class="right">取号</th>
            <th class="right">办结</th>
            <th class="right">等候</th>
            <th class="right">过号</th>
            <th class="right">取消</th>
            <th class="right">转入/转出</th>
            {timeHeads}
            <th class="right">好评率</th>
          </tr>
        </thead>
        <tbody>
          {stats.categories.map((c) => (
            <tr key={c.categoryId} data-category={c.categoryId}>
              <td class="strong">
                {c.prefix} {c.name}
              </td>
              <td class="num right" data-col="issued">
                {c.issued}
              </td>
              <td class="num right" data-col="served">
                {c.served}
              </td>
              <td class="num right" data-col="waiting">
                {c.waitingNow ?? '—'}
              </td>
              <td class="num right" data-col="noShows">
                {c.noShows}
              </td>
              <td class="num right" data-col="cancelled">
                {c.cancelled}
              </td>
              <td class="num right">
                {c.transfersIn}/{c.transfersOut}
              </td>
              {timeCells(c)}
              <td class="num right">{percent(c.ratings.goodRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

function WorkTables({ stats }: { stats: HallStats }) {
  return (
    <>
      <Panel title="分窗口" en="By window" testid="by-window">
        <table class="table">
          <thead>
            <tr>
              <th>窗口</th>
              <th class="right">叫号</th>
              <th class="right">办结</th>
              <th class="right">过号</th>
              <th class="right">转出</th>
              {timeHeads}
              <th class="right">好评率</th>
            </tr>
          </thead>
          <tbody>
            {stats.windows.map((w) => (
              <tr key={w.windowId} data-window={w.windowId}>
                <td class="strong">
                  {w.windowNumber}号 <span class="dim">{POST_LABEL[w.post]}</span>
                </td>
                <td class="num right">{w.calls}</td>
                <td class="num right" data-col="served">
                  {w.served}
                </td>
                <td class="num right">{w.noShows}</td>
                <td class="num right">{w.transfersOut}</td>
                {timeCells(w)}
                <td class="num right">{percent(w.ratings.goodRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      <Panel title="人员绩效（数量·时间·质量）" en="Clerk performance §8.4" testid="by-clerk">
        <table class="table">
          <thead>
            <tr>
              <th>人员</th>
              <th>窗口</th>
              <th class="right">办结</th>
              <th class="right">在岗(时)</th>
              <th class="right">件/时</th>
              {timeHeads}
              <th class="right">评价率</th>
              <th class="right">好评率</th>
              <th class="right">差评</th>
              <th class="right">即办率</th>
            </tr>
          </thead>
          <tbody>
            {stats.clerks.map((c) => (
              <tr key={c.clerkId} data-clerk={c.clerkId}>
                <td class="strong">
                  {c.clerkName ?? c.clerkId} <span class="dim">{c.staffNumber}</span>
                </td>
                <td>{c.windowNumbers.join('、')}</td>
                <td class="num right" data-col="served">
                  {c.performance.quantity.served}
                </td>
                <td class="num right">{(c.performance.quantity.onDutySec / 3600).toFixed(1)}</td>
                <td class="num right">{c.performance.quantity.servedPerHour ?? '—'}</td>
                {timeCells(c)}
                <td class="num right">{percent(c.performance.quality.ratedRate)}</td>
                <td class="num right">{percent(c.performance.quality.goodRate)}</td>
                <td class="num right">{c.performance.quality.badCount}</td>
                <td class="num right">{percent(c.performance.quality.completedRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}

function Ratings({ stats }: { stats: HallStats }) {
  const r = stats.ratings;
  return (
    <Panel title="好差评" en="Ratings" testid="ratings">
      <Tiles
        items={[
          { label: '评价数', en: 'rated', value: r.rated },
          { label: '好评率', en: 'good', value: percent(r.goodRate) },
          { label: '中评', en: 'fair', value: r.fair },
          { label: '差评', en: 'bad', value: r.bad, tone: r.bad > 0 ? 'bad' : '' },
        ]}
      />
      <div class="levels">
        {(['5', '4', '3', '2', '1'] as const).map((l) => (
          <div key={l} class="level-row">
            <span>{l}星</span>
            <span class="bar" style={{ width: `${r.rated ? (100 * r.byLevel[l]) / r.rated : 0}%` }} />
            <span class="num">{r.byLevel[l]}</span>
          </div>
        ))}
      </div>
    </Panel>
  );
}

function FollowUps(props: {
  stats: HallStats | null;
  reload: () => void;
  onResult: (m: { kind: 'ok' | 'error'; text: string }) => void;
}) {
  const [list, setList] = useState<FollowUpList | null>(null);
  const [settings, setSettings] = useState<FollowUpSettings | null>(null);
  const [open, setOpen] = useState<FollowUp | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => {
    const r = await api<FollowUpList>('GET', '/api/follow-ups');
    if (r.ok) setList(r.data);
    else setError(errorText(r.error));
  };
  useEffect(() => {
    void load();
    api<FollowUpSettings>('GET', '/api/follow-ups/settings').then((r) => r.ok && setSettings(r.data));
  }, [props.stats?.lastSeq]);
  const saveDays = async (days: number) => {
    const r = await api<FollowUpSettings>('PUT', '/api/follow-ups/settings', { workingDays: days });
    if (r.ok) setSettings(r.data);
    props.onResult(
      r.ok
        ? { kind: 'ok', text: `整改期限已设为 ${days} 个工作日` }
        : { kind: 'error', text: errorText(r.error) },
    );
  };
  return (
    <Panel
      title={`差评回访${list ? `（待办 ${list.counts.total - list.counts.closed}）` : ''}`}
      en="Follow-up"
      testid="follow-ups"
    >
      {settings && (
        <label class="inline">
          差评整改期限
          <input
            type="number"
            class="tiny"
            name="follow-days"
            min={1}
            max={120}
            value={settings.workingDays}
            onChange={(e) => saveDays(Number(e.currentTarget.value) || 15)}
          />
          个工作日 <span class="en">rectify within</span>
        </label>
      )}
      {error && <p class="error">{error}</p>}
      {list && (
        <ul class="plain">
          {list.followUps.map((f) => (
            <li key={f.ticketId} class={`follow ${f.overdue ? 'overdue' : ''}`} data-ticket={f.ticketId}>
              <div class="row-gap">
                <span class="num strong">{f.ticketNumber}</span>
                <span class="class-pill">{f.level}星</span>
                <span>{f.reasons.map((r) => REASON_LABEL[r]).join('、') || '—'}</span>
                <span class="dim">
                  {f.windowNumber ?? '?'}号窗 {f.clerkName ?? ''}
                </span>
              </div>
              <div class="row-gap">
                <span
                  class={`state-pill ${f.status === 'closed' ? 'open' : 'paused'}`}
                  data-status={f.status}
                >
                  {FOLLOW_LABEL[f.status]}
                </span>
                <span class={f.overdue ? 'error' : 'dim'}>
                  期限 {f.deadline}
                  {f.overdue ? '（已逾期）' : ''}
                </span>
                <span class="dim">回访 {f.callbacks.length} 次</span>
                <button type="button" class="btn small" onClick={() => setOpen(f)} data-action="follow-up">
                  处理
                </button>
              </div>
            </li>
          ))}
          {list.followUps.length === 0 && <li class="dim">没有差评 No bad ratings</li>}
        </ul>
      )}
      {open && (
        <FollowUpDialog
          f={open}
          onClose={() => setOpen(null)}
          onSaved={(f, text) => {
            setOpen(f.status === 'closed' ? null : f);
            void load();
            props.onResult({ kind: 'ok', text });
          }}
        />
      )}
    </Panel>
  );
}

function FollowUpDialog(props: {
  f: FollowUp;
  onClose: () => void;
  onSaved: (f: FollowUp, text: string) => void;
}) {
  const { f } = props;
  const [note, setNote] = useState('');
  const [reached, setReached] = useState(true);
  const [rectification, setRectification] = useState(f.rectification ?? '');
  const [error, setError] = useState<string | null>(null);
  const id = encodeURIComponent(f.ticketId);
  const callback = async () => {
    const r = await api<FollowUp>('POST', `/api/follow-ups/${id}/callback`, { note: note.trim(), reached });
    if (!r.ok) return setError(errorText(r.error));
    setNote('');
    props.onSaved(r.data, '回访记录已保存');
  };
  const status = async (s: FollowUpStatus) => {
    const body = rectification.trim() ? { status: s, rectification: rectification.trim() } : { status: s };
    const r = await api<FollowUp>('POST', `/api/follow-ups/${id}/status`, body);
    if (!r.ok) return setError(errorText(r.error));
    props.onSaved(r.data, `状态：${FOLLOW_LABEL[s]}`);
  };
  return (
    <Modal title={`差评回访 ${f.ticketNumber}`} onClose={props.onClose}>
      <div data-testid="follow-up-dialog">
        <p>
          {f.level}星 · {f.reasons.map((r) => REASON_LABEL[r]).join('、') || '未选原因'} · 评价于{' '}
          {hallDateTime(f.ratedAt)} · {f.windowNumber}号窗口 {f.clerkName ?? ''}
        </p>
        <p>
          整改期限 <strong>{f.deadline}</strong>（{f.workingDays} 个工作日） · 状态 {FOLLOW_LABEL[f.status]}
        </p>
        <h3>回访记录</h3>
        <ul class="plain">
          {f.callbacks.map((c) => (
            <li key={c.at}>
              {hallDateTime(c.at)} {c.byName ?? c.by}：{c.note} {c.reached ? '（已联系上）' : '（未联系上）'}
            </li>
          ))}
          {f.callbacks.length === 0 && <li class="dim">尚未回访</li>}
        </ul>
        <label class="field">
          回访情况
          <textarea
            name="callback-note"
            rows={2}
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </label>
        <label class="check">
          <input type="checkbox" checked={reached} onChange={(e) => setReached(e.currentTarget.checked)} />{' '}
          已联系上群众
        </label>
        <button
          type="button"
          class="btn"
          disabled={note.trim() === ''}
          onClick={callback}
          data-action="save-callback"
        >
          保存回访 Log callback
        </button>
        <label class="field">
          整改情况（办结必填）
          <textarea
            name="rectification"
            rows={2}
            value={rectification}
            onInput={(e) => setRectification(e.currentTarget.value)}
          />
        </label>
        {error && <p class="error">{error}</p>}
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={() => status('rectifying')} data-action="rectifying">
            整改中
          </button>
          <button
            type="button"
            class="btn primary"
            disabled={rectification.trim() === ''}
            onClick={() => status('closed')}
            data-action="close-follow-up"
          >
            办结 Close
          </button>
        </div>
      </div>
    </Modal>
  );
}

function NoticeEditor({
  store,
  onResult,
}: {
  store: ConsoleStore;
  onResult: (m: { kind: 'ok' | 'error'; text: string }) => void;
}) {
  const notice = useStore(store, (s) => s.view?.notice ?? '');
  const [text, setText] = useState(notice);
  useEffect(() => setText(notice), [notice]);
  const save = async (value: string) => {
    const r = await api('PUT', '/api/hall/notice', { text: value });
    onResult(
      r.ok
        ? { kind: 'ok', text: value ? '公告已发布到大厅屏' : '公告已清除' }
        : { kind: 'error', text: errorText(r.error) },
    );
  };
  return (
    <Panel title="大厅公告" en="Notice marquee" testid="notice">
      <textarea
        name="notice"
        aria-label="大厅公告内容 Notice text"
        rows={2}
        class="wide"
        maxLength={200}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      <div class="row-gap">
        <button
          type="button"
          class="btn primary small"
          onClick={() => save(text.trim())}
          data-action="save-notice"
        >
          发布 Publish
        </button>
        <button type="button" class="btn small" onClick={() => save('')}>
          清除 Clear
        </button>
        <span class="dim">{notice ? `当前：${notice}` : '当前无公告'}</span>
      </div>
    </Panel>
  );
}
