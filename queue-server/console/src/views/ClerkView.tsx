/**
 * 窗口受理: the clerk opens a window, calls, serves and finishes with an outcome and its slip.
 * Keys: F1 (or Space) 叫号, F2 重呼, F3 开始办理, F4 过号. The kiosk form of the called ticket
 * opens beside it (or by scanning its barcode), and the counter's card reader shows a masked
 * identity check.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import type { CaseRecord } from '@onewindow/shared/cases.ts';
import type { GuideMaterial, ServiceItem } from '@onewindow/shared/catalog.ts';
import { newIdempotencyKey, useNow, useStore } from '@onewindow/shared/client';
import type { SlipKind, SlipRequest, SlipResult } from '@onewindow/shared/console.ts';
import type { DeviceStatus, PrinterHealth } from '@onewindow/shared/devices.ts';
import type { FinishOutcome, ServiceWindow, Ticket, WindowPost } from '@onewindow/shared/domain.ts';
import type { ApplicationView } from '@onewindow/shared/kiosk.ts';
import { maskIdNumber } from '@onewindow/shared/mask.ts';
import { PAUSE_REASONS, type PauseReason, pauseReasonLabel } from '@onewindow/shared/personal-data.ts';
import type { CommandName, CommandPayload } from '@onewindow/shared/protocol.ts';
import type { MyStats } from '@onewindow/shared/stats.ts';
import { categoryWaitText } from '@onewindow/shared/wait.ts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Lazy } from '../components/Lazy.tsx';
import { SlipPage } from '../components/Slip.tsx';
import { Flash, type FlashMessage, Modal, Panel, Tiles, useFlash } from '../components/ui.tsx';
import { api, command, errorText, issueSlip } from '../core/api.ts';
import { useCase } from '../core/cases.ts';
import {
  CLASS_LABEL,
  duration,
  hallTime,
  minutes,
  OUTCOME_LABEL,
  POST_LABEL,
  percent,
  STATUS_LABEL,
} from '../core/format.ts';
import { upNextFor } from '../core/queue.ts';
import type { ConsoleStore } from '../core/staff.ts';
import { CaseFile } from './cases/CaseFile.tsx';
import { ReprintButton } from './Reprint.tsx';

/** 补正收件 (cases waiting for materials) loads with the back office's chunk, not the clerk's start. */
const loadSupplements = () => import('./cases/SupplementPanel.tsx').then((m) => m.SupplementPanel);
type SupplementProps = { me: CurrentStaff; store: ConsoleStore; onDone: (text: string) => void };

/** An 18-character resident ID number (or a 15-digit old one) inside a form value. */
const ID_LIKE = /^(\d{17}[\dXx]|\d{15})$/;

const POSTS_BY_ROLE: Record<string, WindowPost[]> = {
  clerk: ['comprehensive', 'bulk'],
  'rights-clerk': ['rights'],
};

const REJECT_REASONS = [
  '申请事项不属于本机构职责范围',
  '申请人不符合办理条件',
  '申请事项依法不需要取得行政许可',
  '申请材料存在虚假内容',
];
const OUTCOME_KIND: Record<FinishOutcome, SlipKind> = {
  completed: 'completion',
  accepted: 'acceptance',
  rejected: 'rejection',
  supplement: 'supplement',
};

/** Runs a command and flashes its outcome under `label`; true when the server accepted it. */
type Run = <N extends CommandName>(label: string, name: N, payload: CommandPayload<N>) => Promise<boolean>;

/** Commands whose whole payload is the clerk's window (call next, recall, start, no-show, open, close …). */
type WindowCommand = {
  [N in CommandName]: { windowId: string } extends CommandPayload<N> ? N : never;
}[CommandName];

export function ClerkView({ me, store }: { me: CurrentStaff; store: ConsoleStore }) {
  const view = useStore(store, (s) => s.view);
  const [flash, setFlash] = useFlash();
  const [catalog, setCatalog] = useState<ServiceItem[]>([]);
  useEffect(() => {
    api<ServiceItem[]>('GET', '/api/catalog').then((r) => r.ok && setCatalog(r.data));
  }, []);

  const run: Run = useCallback(
    async (label, name, payload) => {
      const r = await command(name, payload);
      if (!r.ok) setFlash({ kind: 'error', text: `${label}失败：${errorText(r.error)}` });
      else setFlash({ kind: 'ok', text: `${label}成功` });
      return r.ok;
    },
    [setFlash],
  );

  if (view === null) return <div class="center-note">正在载入大厅… Loading the hall…</div>;
  const mine = view.windows.find((w) => w.clerkId === me.id && w.state !== 'closed');
  return (
    <div class="clerk">
      {mine === undefined ? (
        <WindowPicker me={me} windows={view.windows} run={run} />
      ) : (
        <Counter me={me} store={store} window={mine} run={run} catalog={catalog} setFlash={setFlash} />
      )}
      <Flash message={flash} />
    </div>
  );
}

function WindowPicker({ me, windows, run }: { me: CurrentStaff; windows: ServiceWindow[]; run: Run }) {
  const posts = new Set(me.roles.flatMap((r) => POSTS_BY_ROLE[r] ?? []));
  const usable = windows.filter((w) => posts.has(w.post));
  return (
    <Panel title="选择窗口开始服务" en="Open a window" testid="window-picker">
      <div class="window-grid">
        {usable.map((w) => (
          <button
            key={w.id}
            type="button"
            class={`window-card ${w.state}`}
            disabled={w.state !== 'closed'}
            data-window={w.id}
            onClick={() => run(`开启${w.number}号窗口`, 'window:open', { windowId: w.id })}
          >
            <span class="window-no num">{w.number}</span>
            <span>号窗口</span>
            <span class="dim">{POST_LABEL[w.post]}</span>
            <span class="dim">叫 {w.categoryIds.join('·') || '—'} 类号</span>
            <span class="dim">{w.state === 'closed' ? '空闲，可开启' : '已有人员在岗'}</span>
          </button>
        ))}
        {usable.length === 0 && <p class="dim">没有与您岗位相符的窗口。No window matches your post.</p>}
      </div>
    </Panel>
  );
}

function Counter(props: {
  me: CurrentStaff;
  store: ConsoleStore;
  window: ServiceWindow;
  run: Run;
  catalog: ServiceItem[];
  setFlash: (m: FlashMessage) => void;
}) {
  const { window: w, run, store } = props;
  const view = useStore(store, (s) => s.view)!;
  const skew = useStore(store, (s) => s.skew);
  const cards = useStore(store, (s) => s.cards);
  const devices = useStore(store, (s) => s.devices);
  const now = useNow(1000) + skew;
  // The window's terminal agent and its printer (CON-PRN-1), then kept current by device:status.
  useEffect(() => {
    api<DeviceStatus[]>('GET', '/api/devices/status').then(
      (r) => r.ok && store.dispatch({ type: 'devices', list: r.data }),
    );
  }, [store]);
  const current = w.ticketId === null ? undefined : view.tickets.find((t) => t.id === w.ticketId);
  const parked = view.tickets.filter((t) => t.status === 'parked' && t.windowId === w.id);
  const [pausing, setPausing] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [finishing, setFinishing] = useState<Ticket | null>(null);
  const [slip, setSlip] = useState<{ result: SlipResult; created: boolean } | null>(null);
  const [lastSlip, setLastSlip] = useState<SlipResult | null>(null);
  const [statsTick, setStatsTick] = useState(0);
  // A second press of the same command while the first is in flight is a double press: dropped.
  // Another command goes ahead (the screen may already show the first one's fact).
  const busy = useRef(new Set<string>());
  // Re-render when a command starts or ends, so the page can show (and tests can see) what is in flight.
  const [, setInFlight] = useState(0);

  const act = useCallback(
    async <N extends CommandName>(label: string, name: N, payload: CommandPayload<N>) => {
      if (busy.current.has(name)) return false;
      busy.current.add(name);
      setInFlight((n) => n + 1);
      try {
        return await run(label, name, payload);
      } finally {
        busy.current.delete(name);
        setInFlight((n) => n + 1);
      }
    },
    [run],
  );
  const atWindow = (label: string, name: WindowCommand) => act(label, name, { windowId: w.id });

  const callNext = () => atWindow('叫号', 'ticket:call-next');
  const recall = () => atWindow('重呼', 'ticket:recall');
  const start = () => atWindow('开始办理', 'ticket:start');
  const noShow = () => atWindow('过号', 'ticket:no-show');

  // Keyboard shortcuts (not while typing in a field or with a dialog open).
  const latest = {
    callNext,
    recall,
    start,
    noShow,
    current,
    calls: callsLeft(current, view.maxRecalls),
    state: w.state,
    modal: pausing || transferring || finishing !== null || slip !== null,
  };
  const keys = useRef(latest);
  keys.current = latest;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const k = keys.current;
      const target = e.target as HTMLElement | null;
      const typing = target?.closest('input, textarea, select') != null;
      if (k.modal || (typing && !e.key.startsWith('F'))) return;
      // Space on a focused button is that button's own click (no second action from here).
      if (e.key === ' ' && target?.closest('button') != null) return;
      const idle = k.current === undefined;
      if ((e.key === 'F1' || e.key === ' ') && idle && k.state === 'open') {
        e.preventDefault();
        void k.callNext();
      } else if (e.key === 'F2' && k.current?.status === 'called' && k.calls.recallOpen) {
        e.preventDefault();
        void k.recall();
      } else if (e.key === 'F3' && k.current?.status === 'called') {
        e.preventDefault();
        void k.start();
      } else if (e.key === 'F4' && k.current?.status === 'called' && k.calls.noShowOpen) {
        e.preventDefault();
        void k.noShow();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const category = (id: string) => view.categories.find((c) => c.id === id);
  // 过号 opens after 1 + maxRecalls calls (Q-NS-2); 重呼 closes then (Q-NS-1). CON-NS-1.
  const calls = callsLeft(current, view.maxRecalls);
  // The latest card read at this counter for the ticket in front of the clerk (or none).
  const myCard = cards.find(
    (c) => c.windowId === w.id && c.ticketId === (current?.id ?? null) && now - c.at < 10 * 60_000,
  );

  return (
    <div class="counter-layout" data-busy={[...busy.current].join(' ')}>
      <div class="counter-main">
        <div class="window-bar" data-testid="window-bar">
          <div class="window-title">
            <span class="num big-no">{w.number}</span>号窗口
            <span class="dim"> {POST_LABEL[w.post]}</span>
            <span class={`state-pill ${w.state}`} data-testid="window-state">
              {w.state === 'open'
                ? '服务中'
                : w.state === 'paused'
                  ? `暂停：${pauseReasonLabel(w.pauseReason)}`
                  : '关闭'}
            </span>
          </div>
          <div class="row-gap">
            {w.state === 'open' && (
              <button type="button" class="btn" onClick={() => setPausing(true)} data-action="pause">
                暂停 <span class="en">Pause</span>
              </button>
            )}
            {w.state === 'paused' && (
              <button type="button" class="btn primary" onClick={() => atWindow('恢复服务', 'window:resume')}>
                恢复服务 <span class="en">Resume</span>
              </button>
            )}
            <button
              type="button"
              class="btn"
              disabled={current !== undefined}
              title={current !== undefined ? '请先处理当前号票' : ''}
              onClick={() => atWindow('关闭窗口', 'window:close')}
              data-action="close-window"
            >
              关闭窗口 <span class="en">Close</span>
            </button>
          </div>
        </div>

        {myCard && <CardBanner card={myCard} current={current} />}

        {current === undefined ? (
          <div class="call-area">
            <button
              type="button"
              class="btn call-next"
              disabled={w.state !== 'open'}
              onClick={callNext}
              data-action="call-next"
            >
              叫号
              <span class="en">Call next</span>
              <kbd>F1 / 空格</kbd>
            </button>
            {w.state === 'paused' && <p class="dim">窗口暂停中，恢复后可叫号。</p>}
          </div>
        ) : (
          <div
            class="current"
            data-testid="current-ticket"
            data-ticket={current.id}
            data-status={current.status}
          >
            <div class="current-head">
              <span class="current-no num" data-testid="current-number">
                {current.number}
              </span>
              <div class="current-meta">
                <span class={`status-pill ${current.status}`}>{STATUS_LABEL[current.status]}</span>
                <span>{category(current.categoryId)?.name}</span>
                <span class={`class-pill ${current.priorityClass}`}>
                  {CLASS_LABEL[current.priorityClass]}
                </span>
                {current.holder && <span class="dim">证件 {current.holder.masked}</span>}
                <span class="dim">
                  呼叫 {current.callCount} 次 · 等候 {duration((current.calledAt ?? now) - current.arrivedAt)}
                  {current.servingAt !== null && ` · 办理 ${duration(now - current.servingAt)}`}
                </span>
                {current.itemCode && (
                  <span class="dim">
                    事项：{props.catalog.find((i) => i.code === current.itemCode)?.name ?? current.itemCode}
                  </span>
                )}
              </div>
            </div>
            {current.status === 'called' && (
              <div class="action-row">
                <button type="button" class="btn primary big" onClick={start} data-action="start">
                  开始办理 <span class="en">Start</span>
                  <kbd>F3</kbd>
                </button>
                <button
                  type="button"
                  class="btn big"
                  onClick={recall}
                  disabled={!calls.recallOpen}
                  title={calls.recallOpen ? '' : '呼叫次数已满，可过号'}
                  data-action="recall"
                >
                  重呼 <span class="en">Recall</span>
                  <kbd>F2</kbd>
                </button>
                <button
                  type="button"
                  class="btn big warn"
                  onClick={noShow}
                  disabled={!calls.noShowOpen}
                  aria-describedby={calls.total !== null ? 'no-show-hint' : undefined}
                  data-action="no-show"
                  data-calls-needed={calls.needed}
                >
                  过号 <span class="en">No-show</span>
                  <kbd>F4</kbd>
                </button>
                <button
                  type="button"
                  class="btn big"
                  onClick={() => setTransferring(true)}
                  data-action="transfer"
                >
                  转移 <span class="en">Transfer</span>
                </button>
                {calls.total !== null && (
                  <span class="calls-hint" id="no-show-hint" data-testid="no-show-hint">
                    {calls.needed > 0
                      ? `还需重呼 ${calls.needed} 次才能过号（共须呼叫 ${calls.total} 次）`
                      : `已呼叫 ${calls.total} 次，可过号`}
                    <span class="en">
                      {calls.needed > 0
                        ? `${calls.needed} more call${calls.needed === 1 ? '' : 's'} before no-show`
                        : 'No-show allowed'}
                    </span>
                  </span>
                )}
              </div>
            )}
            {current.status === 'serving' && (
              <div class="action-row">
                <button
                  type="button"
                  class="btn primary big"
                  onClick={() => setFinishing(current)}
                  data-action="finish"
                >
                  办结 <span class="en">Finish</span>
                </button>
                <button
                  type="button"
                  class="btn big"
                  onClick={() => setTransferring(true)}
                  data-action="transfer"
                >
                  转移 <span class="en">Transfer</span>
                </button>
                <button
                  type="button"
                  class="btn big"
                  onClick={() => atWindow('挂起', 'ticket:park')}
                  data-action="park"
                >
                  挂起 <span class="en">Park</span>
                </button>
              </div>
            )}
          </div>
        )}

        {parked.length > 0 && (
          <Panel title="挂起的号票" en="Parked" testid="parked">
            <table class="table">
              <tbody>
                {parked.map((t) => (
                  <tr key={t.id}>
                    <td class="num strong">{t.number}</td>
                    <td>{category(t.categoryId)?.name}</td>
                    <td class="dim">{t.calledAt !== null ? `${hallTime(t.calledAt)} 叫号` : ''}</td>
                    <td>
                      <button
                        type="button"
                        class="btn small"
                        disabled={current !== undefined}
                        onClick={() =>
                          act(`恢复 ${t.number}`, 'ticket:resume', { windowId: w.id, ticketId: t.id })
                        }
                        data-action="resume-parked"
                      >
                        恢复办理 Resume
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Panel>
        )}

        <div class="grid-2">
          <UpNext store={store} window={w} now={now} />
          <RecentDone store={store} window={w} />
        </div>

        {lastSlip && (
          <div class="last-slip">
            上一张：{OUTCOME_LABEL[outcomeOf(lastSlip)].slip} {lastSlip.number}
            <ReprintButton
              windowId={w.id}
              slip={lastSlip}
              onDone={(result) => setSlip({ result, created: false })}
            />
          </div>
        )}

        {lastSlip?.case && <IntakeFile store={store} me={props.me} fallback={lastSlip.case} />}

        <Lazy<SupplementProps>
          load={loadSupplements}
          props={{ me: props.me, store, onDone: (text) => props.setFlash({ kind: 'ok', text }) }}
          fallback={null}
        />
      </div>

      <aside class="counter-side">
        <KioskForm ticket={current} />
        <QueueLengths store={store} window={w} />
        <MyFigures tick={`${statsTick}|${w.ticketId}|${w.state}`} />
      </aside>

      {pausing && (
        <PauseDialog
          onClose={() => setPausing(false)}
          onPause={async (reason) => {
            if (await act('暂停', 'window:pause', { windowId: w.id, reason })) setPausing(false);
          }}
        />
      )}
      {transferring && current && (
        <TransferDialog
          ticket={current}
          store={store}
          onClose={() => setTransferring(false)}
          onTransfer={async (to, note) => {
            if (await act(`转移 ${current.number}`, 'ticket:transfer', { ticketId: current.id, to, note }))
              setTransferring(false);
          }}
        />
      )}
      {finishing && (
        <FinishDialog
          ticket={finishing}
          window={w}
          printer={windowPrinter(Object.values(devices), w.id)}
          cardName={myCard?.ticketId === finishing.id ? myCard.applicantName : undefined}
          catalog={props.catalog}
          onClose={() => setFinishing(null)}
          onDone={(result, created) => {
            setFinishing(null);
            setSlip({ result, created });
            setLastSlip(result);
            setStatsTick((n) => n + 1);
          }}
        />
      )}
      {slip && <SlipDialog result={slip.result} created={slip.created} onClose={() => setSlip(null)} />}
    </div>
  );
}

/** The window's slip printer as the console knows it: none, ready, out of paper or offline. */
type WindowPrinter =
  | { state: 'none' }
  | { state: 'ready' | 'out' | 'offline'; name: string; health: PrinterHealth | undefined };

/**
 * The terminal agent paired to this window (slips print on it, SLP-7) and its printer's last
 * report (CON-PRN-1): an agent that reports no printer health is taken to have one.
 */
function windowPrinter(devices: readonly DeviceStatus[], windowId: string): WindowPrinter {
  const agent = devices.find(
    (d) => d.windowId === windowId && (d.kind === 'agent' || d.health.printer !== undefined),
  );
  if (agent === undefined) return { state: 'none' };
  const health = agent.health.printer;
  const state = !agent.online || health === 'offline' ? 'offline' : health === 'out' ? 'out' : 'ready';
  return { state, name: agent.name, health };
}

/**
 * How many calls the ticket in front of the clerk still needs before 过号 (Q-NS-1, Q-NS-2): the
 * server's maxRecalls from the view; unknown (an older server) leaves both buttons open.
 */
function callsLeft(
  t: Ticket | undefined,
  maxRecalls: number | undefined,
): { total: number | null; needed: number; recallOpen: boolean; noShowOpen: boolean } {
  if (t === undefined || maxRecalls === undefined)
    return { total: null, needed: 0, recallOpen: true, noShowOpen: true };
  const total = 1 + maxRecalls;
  const needed = Math.max(0, total - t.callCount);
  return { total, needed, recallOpen: needed > 0, noShowOpen: needed === 0 };
}

function outcomeOf(r: SlipResult): FinishOutcome {
  switch (r.document.type) {
    case 'completion-slip':
      return 'completed';
    case 'acceptance-receipt':
      return 'accepted';
    case 'rejection-notice':
      return 'rejected';
    case 'supplement-notice':
      return 'supplement';
  }
}

function CardBanner({
  card,
  current,
}: {
  card: import('../core/staff.ts').CounterCardSeen;
  current?: Ticket;
}) {
  const relevant = current !== undefined && card.ticketId === current.id;
  const tone = !relevant || card.matchesTicket === null ? 'info' : card.matchesTicket ? 'ok' : 'bad';
  return (
    <div class={`card-banner ${tone}`} data-testid="card-banner" data-match={String(card.matchesTicket)}>
      <strong>{card.source === 'ssc' ? '社保卡' : '身份证'}</strong> {card.maskedName} {card.masked}
      <span>
        {tone === 'ok' && '✔ 与当前号票持有人一致 Matches the ticket'}
        {tone === 'bad' && '✘ 与当前号票持有人不一致，请核实 Does not match the ticket'}
        {tone === 'info' && '当前号票未登记证件，请人工核对 Check by hand'}
      </span>
    </div>
  );
}

function PauseDialog({ onClose, onPause }: { onClose: () => void; onPause: (reason: PauseReason) => void }) {
  const [reason, setReason] = useState<PauseReason>(PAUSE_REASONS[0].code);
  return (
    <Modal title="暂停服务 Pause" onClose={onClose}>
      <p>请选择暂停原因（窗口屏显示原因的标准说法，不显示自由文字）：</p>
      <div class="reason-picker" data-testid="reason-pause-reason">
        <div class="chips">
          {PAUSE_REASONS.map((r) => (
            <button
              key={r.code}
              type="button"
              class={reason === r.code ? 'chip on' : 'chip'}
              data-reason={r.code}
              onClick={() => setReason(r.code)}
            >
              {r.zh}
            </button>
          ))}
        </div>
      </div>
      <div class="dialog-actions">
        <button type="button" class="btn" onClick={onClose}>
          取消
        </button>
        <button type="button" class="btn primary" onClick={() => onPause(reason)} data-action="confirm-pause">
          暂停 Pause
        </button>
      </div>
    </Modal>
  );
}

function TransferDialog(props: {
  ticket: Ticket;
  store: ConsoleStore;
  onClose: () => void;
  onTransfer: (to: CommandPayload<'ticket:transfer'>['to'], note: string) => void;
}) {
  const view = useStore(props.store, (s) => s.view)!;
  const [kind, setKind] = useState<'category' | 'post' | 'window'>('category');
  const [categoryId, setCategoryId] = useState(
    view.categories.find((c) => c.id !== props.ticket.categoryId)?.id ?? view.categories[0]?.id ?? '',
  );
  const [post, setPost] = useState<WindowPost>('rights');
  const [windowId, setWindowId] = useState(
    view.windows.find((w) => w.id !== props.ticket.windowId)?.id ?? '',
  );
  const [note, setNote] = useState('');
  const to = kind === 'category' ? { categoryId } : kind === 'post' ? { post } : { windowId };
  return (
    <Modal title={`转移 ${props.ticket.number} Transfer`} onClose={props.onClose}>
      <div class="seg">
        {(['category', 'post', 'window'] as const).map((k) => (
          <button
            type="button"
            key={k}
            class={kind === k ? 'chip on' : 'chip'}
            onClick={() => setKind(k)}
            data-transfer-kind={k}
          >
            {k === 'category' ? '转业务类别' : k === 'post' ? '转岗位' : '转指定窗口'}
          </button>
        ))}
      </div>
      <div class="field">
        转至 <span class="en">To</span>
        {kind === 'category' && (
          <select
            name="transfer-category"
            aria-label="转至业务类别"
            value={categoryId}
            onChange={(e) => setCategoryId(e.currentTarget.value)}
          >
            {view.categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.prefix} {c.name}
              </option>
            ))}
          </select>
        )}
        {kind === 'post' && (
          <select
            name="transfer-post"
            aria-label="转至岗位"
            value={post}
            onChange={(e) => setPost(e.currentTarget.value as WindowPost)}
          >
            {(Object.keys(POST_LABEL) as WindowPost[]).map((p) => (
              <option key={p} value={p}>
                {POST_LABEL[p]}
              </option>
            ))}
          </select>
        )}
        {kind === 'window' && (
          <select
            name="transfer-window"
            aria-label="转至窗口"
            value={windowId}
            onChange={(e) => setWindowId(e.currentTarget.value)}
          >
            {view.windows.map((w) => (
              <option key={w.id} value={w.id}>
                {w.number}号窗口 · {POST_LABEL[w.post]} {w.state === 'closed' ? '（未开放）' : ''}
              </option>
            ))}
          </select>
        )}
      </div>
      <label class="field">
        转移说明（必填） <span class="en">Note</span>
        <input
          name="transfer-note"
          class="wide"
          value={note}
          maxLength={200}
          placeholder="例如：需办理权益类业务"
          onInput={(e) => setNote(e.currentTarget.value)}
        />
      </label>
      <div class="dialog-actions">
        <button type="button" class="btn" onClick={props.onClose}>
          取消
        </button>
        <button
          type="button"
          class="btn primary"
          disabled={note.trim() === ''}
          onClick={() => props.onTransfer(to, note.trim())}
          data-action="confirm-transfer"
        >
          转移 Transfer
        </button>
      </div>
    </Modal>
  );
}

function FinishDialog(props: {
  ticket: Ticket;
  window: ServiceWindow;
  printer: WindowPrinter;
  /** The name from the card read at this counter for this ticket (CTR-2), if any. */
  cardName?: string | undefined;
  catalog: ServiceItem[];
  onClose: () => void;
  onDone: (r: SlipResult, created: boolean) => void;
}) {
  const { ticket } = props;
  const [outcome, setOutcome] = useState<FinishOutcome>('completed');
  const [app, setApp] = useState<ApplicationView | null>(null);
  // The card the citizen handed over names the applicant (CTR-2); the kiosk form only fills a gap.
  const [applicantName, setApplicantName] = useState(props.cardName ?? '');
  const [nameFromCard, setNameFromCard] = useState(props.cardName !== undefined);
  useEffect(() => {
    if (props.cardName === undefined) return;
    setApplicantName((n) => n || props.cardName!);
    setNameFromCard(true);
  }, [props.cardName]);
  const [contactPhone, setContactPhone] = useState('');
  const [result, setResult] = useState('已办结');
  const [reasons, setReasons] = useState<string[]>([]);
  const [otherReason, setOtherReason] = useState('');
  const [missing, setMissing] = useState<string[]>([]);
  // The window's own printer when it has a working one, else A4 (CON-PRN-1).
  const [printer, setPrinter] = useState<'escpos' | 'a4'>(props.printer.state === 'ready' ? 'escpos' : 'a4');
  const [error, setError] = useState<string | null>(null);
  // Kept for every retry of this finish (the dialog is one click's worth of intent).
  const [slipKey] = useState(() => newIdempotencyKey('slip-'));
  const [busy, setBusy] = useState(false);
  // A ticket taken without an item (a guide's, a bare kiosk number): the clerk names it here.
  const [pickedCode, setPickedCode] = useState(ticket.itemCode ?? '');
  const item = props.catalog.find((i) => i.code === pickedCode);
  const materials: GuideMaterial[] = item?.guide?.materials ?? [];

  useEffect(() => {
    api<ApplicationView[]>('GET', `/api/applications?ticketId=${encodeURIComponent(ticket.id)}`).then((r) => {
      if (!r.ok) return;
      const a = r.data[0];
      if (a === undefined) return;
      setApp(a);
      const byKey = (re: RegExp) => a.fields.find((f) => re.test(f.key) || re.test(f.label))?.value ?? '';
      setApplicantName((n) => n || byKey(/^name$|姓名/));
      setContactPhone((p) => p || byKey(/phone|mobile|电话|手机/));
    });
  }, [ticket.id]);

  const allReasons = [...reasons, ...(otherReason.trim() ? [otherReason.trim()] : [])];
  const problem =
    item === undefined
      ? '请选择办理事项'
      : applicantName.trim() === ''
        ? '请填写申请人姓名'
        : outcome === 'accepted' && contactPhone.trim() === ''
          ? '限时受理需填写联系电话'
          : outcome === 'rejected' && allReasons.length === 0
            ? '请选择或填写不予受理理由'
            : outcome === 'supplement' && missing.length === 0
              ? '请勾选需补正的全部材料'
              : null;

  const submit = async () => {
    if (problem !== null || busy) return;
    setBusy(true);
    setError(null);
    const body: SlipRequest = {
      ticketId: ticket.id,
      kind: OUTCOME_KIND[outcome],
      applicantName: applicantName.trim(),
      print: printer === 'escpos',
      ...(ticket.itemCode === null && item ? { itemCode: item.code } : {}),
      ...(contactPhone.trim() && outcome === 'accepted' ? { contactPhone: contactPhone.trim() } : {}),
      ...(outcome === 'completed' && result.trim() ? { result: result.trim() } : {}),
      ...(outcome === 'rejected' ? { reasons: allReasons } : {}),
      ...(outcome === 'supplement' ? { missingMaterials: missing } : {}),
    };
    // One request finishes the ticket and issues its slip (SPEC UOW-1); the key of this dialog
    // goes with every retry, so an answer lost on the way gives the same slip, never a second.
    const r = await issueSlip(body, slipKey);
    setBusy(false);
    if (!r.ok) {
      setError(
        r.error.code === 'UNAVAILABLE'
          ? '网络中断，未收到服务器答复。回单可能已出具：请再次点击（同一请求，不会重复办结或出具）。'
          : `办结未完成：${errorText(r.error)}（可修改后重试）`,
      );
      return;
    }
    props.onDone(r.data.slip, r.data.created);
  };

  return (
    <Modal title={`办结 ${ticket.number} Finish`} onClose={props.onClose} wide>
      <div class="finish" data-testid="finish-dialog">
        <div class="seg outcomes">
          {(Object.keys(OUTCOME_LABEL) as FinishOutcome[]).map((o) => (
            <button
              type="button"
              key={o}
              class={outcome === o ? 'chip big on' : 'chip big'}
              onClick={() => setOutcome(o)}
              data-outcome={o}
            >
              {OUTCOME_LABEL[o].zh}
              <span class="en">{OUTCOME_LABEL[o].en}</span>
              <small>{OUTCOME_LABEL[o].slip}</small>
            </button>
          ))}
        </div>
        <div class="form-grid">
          <label class="field">
            申请人姓名 <span class="en">Applicant</span>
            <input
              name="applicantName"
              value={applicantName}
              maxLength={60}
              onInput={(e) => setApplicantName(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            联系电话 <span class="en">Phone</span> {outcome === 'accepted' ? '（必填）' : '（选填）'}
            <input
              name="contactPhone"
              value={contactPhone}
              maxLength={20}
              onInput={(e) => setContactPhone(e.currentTarget.value)}
            />
          </label>
          <div class="field">
            办理事项 <span class="en">Item</span>
            {ticket.itemCode !== null ? (
              <div class="strong">{item ? `${item.name}（${item.code}）` : ticket.itemCode}</div>
            ) : (
              <select
                name="itemCode"
                value={pickedCode}
                onChange={(e) => setPickedCode(e.currentTarget.value)}
              >
                <option value="">请选择办理事项 Pick the item</option>
                {[...props.catalog]
                  .sort(
                    (a, b) =>
                      Number(b.categoryId === ticket.categoryId) - Number(a.categoryId === ticket.categoryId),
                  )
                  .map((i) => (
                    <option key={i.code} value={i.code}>
                      {i.categoryId} · {i.name}
                    </option>
                  ))}
              </select>
            )}
            {item && (
              <div class="dim">
                {item.kind === 'instant' ? '即办件' : '承诺件'} · 时限：
                {item.timeLimit.text || '未公布（未核实）'}
              </div>
            )}
          </div>
        </div>
        {nameFromCard && applicantName === props.cardName && (
          <p class="dim" data-testid="name-from-card">
            申请人姓名已从窗口读卡带入。Name taken from the card read at this counter.
          </p>
        )}
        {app && <p class="dim">已从自助填表 {app.code} 带入申请人信息。</p>}

        {outcome === 'completed' && (
          <label class="field">
            办理结果 <span class="en">Result</span>
            <input
              name="result"
              class="wide"
              value={result}
              maxLength={500}
              onInput={(e) => setResult(e.currentTarget.value)}
            />
          </label>
        )}
        {outcome === 'accepted' && (
          <p class="note">
            受理后生成业务受理回执与后台案件，办结期限按法定工作日（含调休）由系统计算。
            {item?.timeLimit.days != null &&
              ` 本事项时限 ${item.timeLimit.days} 个${item.timeLimit.unit === 'working' ? '工作日' : '日'}。`}
          </p>
        )}
        {outcome === 'rejected' && (
          <div class="field" data-testid="reject-reasons">
            不予受理理由（可多选） <span class="en">Reasons</span>
            {REJECT_REASONS.map((r) => (
              <label key={r} class="check">
                <input
                  type="checkbox"
                  checked={reasons.includes(r)}
                  onChange={(e) =>
                    setReasons((rs) => (e.currentTarget.checked ? [...rs, r] : rs.filter((x) => x !== r)))
                  }
                />
                {r}
              </label>
            ))}
            <input
              name="otherReason"
              class="wide"
              placeholder="其他理由"
              value={otherReason}
              maxLength={500}
              onInput={(e) => setOtherReason(e.currentTarget.value)}
            />
            <p class="dim">告知书将载明申请人依法申请行政复议或提起行政诉讼的权利。</p>
          </div>
        )}
        {outcome === 'supplement' && (
          <div class="field" data-testid="missing-materials">
            需补正的全部材料（一次性告知） <span class="en">Missing materials</span>
            {materials.length === 0 && <p class="error">该事项没有办事指南材料清单，无法出具补正告知书。</p>}
            {materials.length > 0 && (
              <div class="row-gap">
                <button
                  type="button"
                  class="btn small"
                  onClick={() =>
                    setMissing(materials.filter((m) => m.required && !m.sharedData).map((m) => m.name))
                  }
                >
                  勾选全部必需材料
                </button>
                <button type="button" class="btn small" onClick={() => setMissing([])}>
                  清空
                </button>
              </div>
            )}
            <div class="materials">
              {materials.map((m) => (
                <label key={m.name} class="check">
                  <input
                    type="checkbox"
                    name="material"
                    value={m.name}
                    checked={missing.includes(m.name)}
                    onChange={(e) =>
                      setMissing((ms) =>
                        e.currentTarget.checked ? [...ms, m.name] : ms.filter((x) => x !== m.name),
                      )
                    }
                  />
                  <span>
                    {m.name}
                    <span class="dim">
                      {' '}
                      {m.form} {m.copies}份{m.required ? '' : ' · 视情形'}
                      {m.sharedData ? ' · 可数据共享' : ''}
                      {m.commonlyMissing ? ' · 常缺' : ''}
                    </span>
                  </span>
                </label>
              ))}
            </div>
          </div>
        )}

        <div class="field">
          出具方式 <span class="en">Print</span>
          <div class="seg">
            <button
              type="button"
              class={printer === 'escpos' ? 'chip on' : 'chip'}
              onClick={() => setPrinter('escpos')}
              data-printer="escpos"
            >
              窗口票据打印机 ESC/POS
            </button>
            <button
              type="button"
              class={printer === 'a4' ? 'chip on' : 'chip'}
              onClick={() => setPrinter('a4')}
              data-printer="a4"
            >
              A4 纸（浏览器打印）
            </button>
          </div>
          <span class="dim" data-testid="window-printer" data-state={props.printer.state}>
            {props.printer.state === 'ready'
              ? `本窗口打印机：${props.printer.name}${props.printer.health === 'near-end' ? '（纸将尽）' : ''}`
              : props.printer.state === 'none'
                ? '本窗口未配置票据打印机，请用 A4 打印。'
                : `本窗口打印机${props.printer.state === 'out' ? '缺纸' : '离线'}（${props.printer.name}），已改用 A4。`}
          </span>
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          {problem && <span class="dim">{problem}</span>}
          <button type="button" class="btn" onClick={props.onClose} disabled={busy}>
            返回
          </button>
          <button
            type="button"
            class="btn primary big"
            disabled={problem !== null || busy}
            onClick={submit}
            data-action="confirm-finish"
          >
            {busy ? '办理中…' : `办结并出具${OUTCOME_LABEL[outcome].slip}`}
          </button>
        </div>
      </div>
    </Modal>
  );
}

function SlipDialog({
  result,
  created,
  onClose,
}: {
  result: SlipResult;
  created: boolean;
  onClose: () => void;
}) {
  return (
    <Modal title="回单 Slip" onClose={onClose} wide>
      <div class="slip-status" data-testid="slip-status" data-created={String(created)}>
        {result.finished && <span class="ok">✔ 号票已办结</span>}
        {!created && result.finished === false && (
          <span class="dim">此号票已出具过该回单，本次为同一回单（{result.number}）</span>
        )}
        {result.printJobId && !result.printError && (
          <span class="ok">✔ 已发送至窗口打印机（任务 {result.printJobId}）</span>
        )}
        {result.printError && (
          <span class="error" data-testid="print-error">
            窗口打印失败：{result.printError}，可用 A4 打印。
          </span>
        )}
        {result.case?.instant === true && (
          <span data-testid="instant-file">
            即办件电子档案 {result.case.id}：请采集材料，齐全后自动归档
            <span class="en">Instant case file: capture its materials; it is filed once complete</span>
          </span>
        )}
        {result.case && result.case.instant !== true && (
          <span>
            案件 {result.case.id} 已转后台
            {result.case.reviewLevels === 2 ? '审核、复核' : result.case.reviewLevels === 1 ? '审核' : '出件'}
            ，办结期限 {result.case.deadline}
          </span>
        )}
        <button type="button" class="btn primary" onClick={() => window.print()} data-action="print-a4">
          A4 打印 Print
        </button>
      </div>
      <section
        class="a4-frame"
        aria-label="回单预览 Slip preview"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: it scrolls, so the keyboard must reach it (axe scrollable-region-focusable)
        tabIndex={0}
      >
        <SlipPage doc={result.document} />
      </section>
    </Modal>
  );
}

function KioskForm({ ticket }: { ticket?: Ticket }) {
  const [app, setApp] = useState<ApplicationView | null>(null);
  const [state, setState] = useState<'none' | 'loading' | 'missing' | 'error'>('none');
  const [scan, setScan] = useState('');
  const [scanError, setScanError] = useState<string | null>(null);
  // ID numbers stay masked until the clerk checks them against the card in hand.
  const [reveal, setReveal] = useState(false);

  useEffect(() => {
    setApp(null);
    setScanError(null);
    setReveal(false);
    if (ticket === undefined) {
      setState('none');
      return;
    }
    setState('loading');
    let alive = true;
    api<ApplicationView[]>('GET', `/api/applications?ticketId=${encodeURIComponent(ticket.id)}`).then((r) => {
      if (!alive) return;
      if (!r.ok) return setState(r.error.code === 'NOT_FOUND' ? 'missing' : 'error');
      const a = r.data[0];
      if (a === undefined) return setState('missing');
      setApp(a);
      setState('none');
    });
    return () => {
      alive = false;
    };
  }, [ticket?.id]);

  const lookup = async (e: Event) => {
    e.preventDefault();
    const code = scan.trim();
    if (code === '') return;
    setScanError(null);
    const r = await api<ApplicationView>('GET', `/api/applications/by-code/${encodeURIComponent(code)}`);
    setScan('');
    if (!r.ok) setScanError(r.error.code === 'NOT_FOUND' ? `没有找到表单 ${code}` : errorText(r.error));
    else setApp(r.data);
  };

  return (
    <Panel title="自助填表" en="Kiosk form" testid="kiosk-form">
      <form onSubmit={lookup} class="scan-row">
        <input
          name="scan"
          placeholder="扫描或输入表单条码，回车 Scan + Enter"
          value={scan}
          onInput={(e) => setScan(e.currentTarget.value)}
        />
      </form>
      {scanError && <p class="error">{scanError}</p>}
      {app ? (
        <div class="app-form" data-testid="application">
          <div class="strong">
            {app.formTitle} <span class="dim">{app.code}</span>
          </div>
          <div class="dim">
            {app.itemName} · 号票 {app.ticketNumber}
            {app.source === 'online' && <span> · 网上填单 Online</span>}
            {ticket && app.ticketId !== ticket.id && <span class="error"> · 非当前号票</span>}
          </div>
          {app.precheck && app.precheck.status !== 'none' && (
            <p
              class={app.precheck.status === 'passed' ? 'ok' : 'error'}
              data-testid="precheck-status"
              data-status={app.precheck.status}
            >
              {app.precheck.status === 'passed'
                ? '高风险事项：网上预审已通过。Pre-check passed.'
                : app.precheck.status === 'pending'
                  ? '高风险事项：网上预审尚未完成，请勿直接受理。Pre-check not done yet.'
                  : `高风险事项：网上预审已退回（${app.precheck.reasons.join('；')}）。Pre-check returned.`}
            </p>
          )}
          <table class="kv">
            <tbody>
              {app.fields.map((f) => (
                <tr key={f.key}>
                  <th>{f.label}</th>
                  <td>
                    {f.value === '' ? (
                      <span class="dim">（窗口补填）</span>
                    ) : ID_LIKE.test(f.value) && !reveal ? (
                      <>
                        {maskIdNumber(f.value)}{' '}
                        <button
                          type="button"
                          class="btn small"
                          onClick={() => setReveal(true)}
                          data-action="reveal"
                        >
                          核对时显示
                        </button>
                      </>
                    ) : (
                      f.value
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="dim">
          {state === 'loading'
            ? '查询中…'
            : state === 'missing'
              ? '该号票没有自助填表。No kiosk form for this ticket.'
              : state === 'error'
                ? '暂时无法读取自助填表。'
                : '叫号后自动显示该号票的自助填表。'}
        </p>
      )}
    </Panel>
  );
}

function QueueLengths({ store, window: w }: { store: ConsoleStore; window: ServiceWindow }) {
  const view = useStore(store, (s) => s.view)!;
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const t of view.tickets)
      if (t.status === 'waiting') m.set(t.categoryId, (m.get(t.categoryId) ?? 0) + 1);
    return m;
  }, [view.tickets]);
  const pinned = view.tickets.filter((t) => t.status === 'waiting' && t.pinnedWindowId === w.id).length;
  return (
    <Panel title="排队情况" en="Queues" testid="queue-lengths">
      <table class="table compact">
        <tbody>
          {view.categories.map((c) => (
            <tr key={c.id} class={w.categoryIds.includes(c.id) ? 'mine' : ''} data-category={c.id}>
              <td class="strong">
                {c.prefix} {c.name}
              </td>
              <td class="num right" data-testid={`waiting-${c.id}`}>
                {counts.get(c.id) ?? 0} 人
              </td>
              <td class="dim right">
                {categoryWaitText(view.estimates.find((e) => e.categoryId === c.id)).zh}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pinned > 0 && <p class="note">有 {pinned} 张号票指定到本窗口。</p>}
    </Panel>
  );
}

function MyFigures({ tick }: { tick: string }) {
  const [stats, setStats] = useState<MyStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    // No date: the server's own business day (the browser's clock may differ from the hall's).
    const load = () =>
      api<MyStats>('GET', '/api/stats/me').then((r) => {
        if (!alive) return;
        if (r.ok) {
          setStats(r.data);
          setError(null);
        } else setError(errorText(r.error));
      });
    void load();
    const t = setInterval(load, 60_000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [tick]);
  return (
    <Panel title="我的今日" en="My day" testid="my-figures">
      {stats ? (
        <Tiles
          items={[
            { label: '办结', en: 'served', value: stats.served },
            { label: '叫号', en: 'calls', value: stats.calls },
            { label: '过号', en: 'no-shows', value: stats.noShows },
            { label: '平均办理(分)', en: 'avg service', value: minutes(stats.serviceAvgSec) },
            { label: '好评率', en: 'good rate', value: percent(stats.ratings.goodRate) },
          ]}
        />
      ) : (
        <p class="dim">{error ?? '载入中…'}</p>
      )}
    </Panel>
  );
}

/** Who this window's next call is likely to get: its categories' waiting tickets in call order. */
function UpNext({ store, window: w, now }: { store: ConsoleStore; window: ServiceWindow; now: number }) {
  const view = useStore(store, (s) => s.view)!;
  // The engine's order and eligibility, shared with it (CON-ORD-1): the first row is F1's call.
  const next = upNextFor(view.tickets, w).slice(0, 6);
  return (
    <Panel title="候叫" en="Up next" testid="up-next">
      <table class="table compact">
        <tbody>
          {next.map((t) => (
            <tr key={t.id}>
              <td class="num strong">{t.number}</td>
              <td>
                <span class={`class-pill ${t.priorityClass}`}>{CLASS_LABEL[t.priorityClass]}</span>
              </td>
              <td class="dim">{t.pinnedWindowId === w.id ? '指定本窗口' : t.front ? '提前' : ''}</td>
              <td class="num right dim">等 {duration(now - t.arrivedAt)}</td>
            </tr>
          ))}
          {next.length === 0 && (
            <tr>
              <td class="dim">本窗口暂无候叫号票 Nobody waiting for this window</td>
            </tr>
          )}
        </tbody>
      </table>
    </Panel>
  );
}

/** Tickets finished at this window, newest first: today's from the server, then as facts come (CON-DONE-1). */
function RecentDone({ store, window: w }: { store: ConsoleStore; window: ServiceWindow }) {
  const finished = useStore(store, (s) => s.finished);
  useEffect(() => {
    let alive = true;
    api<Ticket[]>('GET', '/api/stats/me/finished').then((r) => {
      if (alive && r.ok) store.dispatch({ type: 'finished-loaded', list: r.data });
    });
    return () => {
      alive = false;
    };
  }, [store]);
  const mine = finished.filter((t) => t.windowId === w.id).slice(0, 6);
  return (
    <Panel title="本窗口近期办结" en="Recently finished" testid="recent-done">
      <table class="table compact">
        <tbody>
          {mine.map((t) => (
            <tr key={t.id}>
              <td class="num strong">{t.number}</td>
              <td>{t.outcome ? OUTCOME_LABEL[t.outcome].zh : '—'}</td>
              <td class="num right dim">
                {t.servingAt !== null && t.finishedAt !== null
                  ? `办理 ${duration(t.finishedAt - t.servingAt)}`
                  : ''}
              </td>
              <td class="num right dim">{t.finishedAt !== null ? hallTime(t.finishedAt) : ''}</td>
            </tr>
          ))}
          {mine.length === 0 && (
            <tr>
              <td class="dim">尚无 None yet</td>
            </tr>
          )}
        </tbody>
      </table>
    </Panel>
  );
}

/**
 * 材料采集 at the window (SPEC MAT-CAP-1): the case this clerk just accepted, its checklist from
 * the item's guide, captured with the document camera or a file, or waived, before it goes on
 * to review (MAT-FILE-2). Current with the pushed case facts.
 */
function IntakeFile(props: { store: ConsoleStore; me: CurrentStaff; fallback: CaseRecord }) {
  const c = useCase(props.store, props.fallback.id) ?? props.fallback;
  return (
    <Panel title={`材料采集 ${c.ticketNumber}`} en={`Case file ${c.id}`} testid="intake-file">
      <p class="dim">
        {c.itemName} · {c.instant === true ? '即办件回单编号' : '受理编号'} <span class="num">{c.id}</span>
      </p>
      <CaseFile c={c} me={props.me} />
    </Panel>
  );
}
