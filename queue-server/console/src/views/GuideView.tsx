/**
 * 咨询引导: every waiting ticket with its wait and class; confirm an online ticket whose citizen has
 * come (MOB-Q-2); issue a ticket for a citizen; change
 * class, move to the front or pin to a window (reason required, audited); reinstate a no-show;
 * cancel; and the alerts: long waits, printers, readers and boards, failed print jobs.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import type { ServiceItem } from '@onewindow/shared/catalog.ts';
import { useNow, useStore } from '@onewindow/shared/client';
import type { DeviceStatus } from '@onewindow/shared/devices.ts';
import type { PriorityClass, Ticket } from '@onewindow/shared/domain.ts';
import type { HallEvent } from '@onewindow/shared/hall.ts';
import { pauseReasonLabel } from '@onewindow/shared/personal-data.ts';
import type { CommandPayload } from '@onewindow/shared/protocol.ts';
import type { RiskAlert } from '@onewindow/shared/risk.ts';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Flash, Modal, Panel, ReasonPicker, useFlash } from '../components/ui.tsx';
import { api, command, errorText } from '../core/api.ts';
import { CLASS_LABEL, duration, hallTime, POST_LABEL, SOURCE_LABEL, STATUS_LABEL } from '../core/format.ts';
import { waitingInCallOrder } from '../core/queue.ts';
import { type ConsoleStore, socketCommand } from '../core/staff.ts';

const CLASSES = Object.keys(CLASS_LABEL) as PriorityClass[];
const OVERRIDE_REASONS = ['行动不便', '急事急办', '预约迟到补办', '窗口指定续办', '领导交办'];
const CANCEL_REASONS = ['群众主动放弃', '重复取号', '非本厅业务', '材料不全已告知'];
const ISSUE_REASONS = ['现役军人凭证件', '残疾人凭证件', '老年人未带证件', '预约群众'];

type Action = { kind: 'front' | 'pin' | 'class' | 'cancel'; ticket: Ticket };

export function GuideView({ store }: { me: CurrentStaff; store: ConsoleStore }) {
  const view = useStore(store, (s) => s.view);
  const skew = useStore(store, (s) => s.skew);
  const now = useNow(5000) + skew;
  const [flash, setFlash] = useFlash();
  const [action, setAction] = useState<Action | null>(null);
  const [filter, setFilter] = useState('');
  const [catalog, setCatalog] = useState<ServiceItem[]>([]);
  const risk = useStore(store, (s) => s.riskAlerts);
  const lateIds = useMemo(
    () =>
      new Set(
        Object.values(risk)
          .filter((a) => a.subject.kind === 'ticket' && a.status !== 'disposed')
          .map((a) => a.subject.id),
      ),
    [risk],
  );
  useEffect(() => {
    api<ServiceItem[]>('GET', '/api/catalog').then((r) => r.ok && setCatalog(r.data));
    api<DeviceStatus[]>('GET', '/api/devices/status').then(
      (r) => r.ok && store.dispatch({ type: 'devices', list: r.data }),
    );
    // Long waits are the server's alerts (RISK-HND-5): loaded once, then pushed.
    api<RiskAlert[]>('GET', '/api/risk/waits').then(
      (r) => r.ok && store.dispatch({ type: 'risk-alerts', alerts: r.data, replace: true }),
    );
  }, [store]);

  const waiting = useMemo(
    () =>
      // The engine's call order (a guide's 提前 first), not the order key alone (CON-ORD-1).
      waitingInCallOrder(view?.tickets ?? []),
    [view?.tickets],
  );
  if (view === null) return <div class="center-note">正在载入大厅… Loading the hall…</div>;
  // MOB-Q-2: an online ticket is called only once the citizen is here; the guide can confirm it.
  const confirmOnline = async (t: Ticket) => {
    const r = await command('ticket:confirm', { ticketId: t.id });
    setFlash(
      r.ok
        ? { kind: 'ok', text: `${t.number} 已确认到厅，进入叫号` }
        : { kind: 'error', text: `确认失败：${errorText(r.error)}` },
    );
  };
  const cat = (id: string) => view.categories.find((c) => c.id === id);
  const win = (id: string | null) => view.windows.find((w) => w.id === id);
  const shown = waiting.filter(
    (t) => filter === '' || t.number.includes(filter.toUpperCase()) || t.categoryId === filter,
  );

  return (
    <div class="guide">
      <div class="guide-main">
        <Panel
          title={`等候中的号票（${waiting.length}）`}
          en="Waiting tickets"
          testid="waiting-tickets"
          actions={
            <input
              class="search"
              placeholder="号码筛选 Filter"
              value={filter}
              onInput={(e) => setFilter(e.currentTarget.value)}
            />
          }
        >
          <table class="table">
            <thead>
              <tr>
                <th>号码</th>
                <th>业务</th>
                <th>等候</th>
                <th>类别</th>
                <th>证件</th>
                <th>来源</th>
                <th>标记</th>
                <th>操作</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((t) => {
                const wait = now - t.arrivedAt;
                return (
                  <tr key={t.id} data-ticket={t.id} class={lateIds.has(t.id) ? 'late' : ''}>
                    <td class="num strong">{t.number}</td>
                    <td>{cat(t.categoryId)?.name}</td>
                    <td class="num">
                      {duration(wait)}
                      <span class="dim"> {hallTime(t.arrivedAt)}取</span>
                    </td>
                    <td>
                      <span class={`class-pill ${t.priorityClass}`}>{CLASS_LABEL[t.priorityClass]}</span>
                    </td>
                    <td class="dim">{t.holder?.masked ?? '—'}</td>
                    <td class="dim">{SOURCE_LABEL[t.source]}</td>
                    <td class="marks">
                      {t.front && <span class="mark">提前</span>}
                      {t.pinnedWindowId && <span class="mark">指定{win(t.pinnedWindowId)?.number}号窗</span>}
                      {t.requiredPost && <span class="mark">{POST_LABEL[t.requiredPost]}</span>}
                      {t.misses > 0 && <span class="mark warn">过号恢复</span>}
                      {t.confirmBy !== undefined && (
                        <span class="mark warn" data-mark="unconfirmed">
                          待到厅确认（{hallTime(t.confirmBy)}前）
                        </span>
                      )}
                    </td>
                    <td>
                      <div class="row-gap">
                        {t.confirmBy !== undefined && (
                          <button
                            type="button"
                            class="btn small"
                            onClick={() => void confirmOnline(t)}
                            data-action="confirm"
                          >
                            确认到厅
                          </button>
                        )}
                        <button
                          type="button"
                          class="btn small"
                          onClick={() => setAction({ kind: 'front', ticket: t })}
                          data-action="front"
                        >
                          提前
                        </button>
                        <button
                          type="button"
                          class="btn small"
                          onClick={() => setAction({ kind: 'pin', ticket: t })}
                          data-action="pin"
                        >
                          指定窗口
                        </button>
                        <button
                          type="button"
                          class="btn small"
                          onClick={() => setAction({ kind: 'class', ticket: t })}
                          data-action="class"
                        >
                          改类别
                        </button>
                        <button
                          type="button"
                          class="btn small warn"
                          onClick={() => setAction({ kind: 'cancel', ticket: t })}
                          data-action="cancel"
                        >
                          取消
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
              {shown.length === 0 && (
                <tr>
                  <td colSpan={8} class="dim center">
                    没有等候中的号票 No one is waiting
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </Panel>
        <InService store={store} now={now} />
      </div>
      <aside class="guide-side">
        <IssuePanel store={store} catalog={catalog} onResult={setFlash} />
        <Alerts store={store} now={now} waiting={waiting} />
        <NoShows store={store} onResult={setFlash} />
      </aside>
      <Flash message={flash} />
      {action && (
        <ActionDialog
          action={action}
          store={store}
          onClose={() => setAction(null)}
          onDone={(text) => {
            setAction(null);
            setFlash({ kind: 'ok', text });
          }}
        />
      )}
    </div>
  );
}

function InService({ store, now }: { store: ConsoleStore; now: number }) {
  const view = useStore(store, (s) => s.view)!;
  return (
    <Panel title="窗口状态" en="Windows" testid="windows-status">
      <div class="window-strip">
        {view.windows.map((w) => {
          const t = view.tickets.find((x) => x.id === w.ticketId);
          return (
            <div key={w.id} class={`window-chip ${w.state}`} data-window={w.id}>
              <span class="num strong">{w.number}</span>
              <span class="dim">{POST_LABEL[w.post]}</span>
              <span>
                {w.state === 'closed'
                  ? '未开放'
                  : w.state === 'paused'
                    ? `暂停 ${pauseReasonLabel(w.pauseReason)}`
                    : t
                      ? `${t.number} ${STATUS_LABEL[t.status]} ${t.servingAt ? duration(now - t.servingAt) : ''}`
                      : '空闲'}
              </span>
            </div>
          );
        })}
      </div>
    </Panel>
  );
}

function IssuePanel({
  store,
  catalog,
  onResult,
}: {
  store: ConsoleStore;
  catalog: ServiceItem[];
  onResult: (m: { kind: 'ok' | 'error'; text: string }) => void;
}) {
  const view = useStore(store, (s) => s.view)!;
  const [categoryId, setCategoryId] = useState(view.categories[0]?.id ?? '');
  const [itemCode, setItemCode] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [cls, setCls] = useState<PriorityClass | ''>('');
  const [reason, setReason] = useState('');
  const [issued, setIssued] = useState<Ticket | null>(null);
  const items = catalog.filter((i) => i.categoryId === categoryId);
  const needsReason = cls !== '' && cls !== 'regular';
  const submit = async (e: Event) => {
    e.preventDefault();
    const payload: CommandPayload<'ticket:issue'> = {
      categoryId,
      ...(itemCode ? { itemCode } : {}),
      ...(idNumber.trim() ? { idNumber: idNumber.trim().toUpperCase() } : {}),
      ...(cls ? { priorityClass: cls } : {}),
      ...(needsReason && reason.trim() ? { reason: reason.trim() } : {}),
    };
    const r = await (socketCommand('ticket:issue', payload) ?? command('ticket:issue', payload));
    if (!r.ok) return onResult({ kind: 'error', text: `取号失败：${errorText(r.error)}` });
    const fact = r.data.facts.find(
      (f): f is Extract<HallEvent, { type: 'ticket:issued' }> => f.type === 'ticket:issued',
    );
    setIssued(fact?.ticket ?? null);
    setIdNumber('');
    setReason('');
    setCls('');
    onResult({ kind: 'ok', text: `已取号 ${fact?.ticket?.number ?? ''}` });
  };
  return (
    <Panel title="代为取号" en="Issue a ticket" testid="issue-panel">
      <form onSubmit={submit} class="stack">
        <label class="field">
          业务类别
          <select
            name="issue-category"
            value={categoryId}
            onChange={(e) => setCategoryId(e.currentTarget.value)}
          >
            {view.categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.prefix} {c.name}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          办理事项（选填）
          <select name="issue-item" value={itemCode} onChange={(e) => setItemCode(e.currentTarget.value)}>
            <option value="">—</option>
            {items.map((i) => (
              <option key={i.code} value={i.code}>
                {i.name}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          证件号码（读卡或输入，选填）
          <input
            name="issue-id"
            autoComplete="off"
            value={idNumber}
            maxLength={32}
            onInput={(e) => setIdNumber(e.currentTarget.value)}
            placeholder="18位身份证号"
          />
        </label>
        <label class="field">
          优先类别
          <select
            name="issue-class"
            value={cls}
            onChange={(e) => setCls(e.currentTarget.value as PriorityClass | '')}
          >
            <option value="">按证件自动判定</option>
            {CLASSES.map((c) => (
              <option key={c} value={c}>
                {CLASS_LABEL[c]}
              </option>
            ))}
          </select>
        </label>
        {needsReason && (
          <ReasonPicker choices={ISSUE_REASONS} value={reason} onChange={setReason} name="issue-reason" />
        )}
        <button
          type="submit"
          class="btn primary"
          disabled={needsReason && reason.trim() === ''}
          data-action="issue"
        >
          取号 Issue
        </button>
        {issued && (
          <p class="issued" data-testid="issued">
            已取号 <span class="num big-no">{issued.number}</span> {CLASS_LABEL[issued.priorityClass]}
          </p>
        )}
      </form>
    </Panel>
  );
}

function ActionDialog(props: {
  action: Action;
  store: ConsoleStore;
  onClose: () => void;
  onDone: (t: string) => void;
}) {
  const view = useStore(props.store, (s) => s.view)!;
  const { kind, ticket } = props.action;
  const [reason, setReason] = useState('');
  const [windowId, setWindowId] = useState(
    view.windows.find((w) => w.categoryIds.includes(ticket.categoryId))?.id ?? view.windows[0]?.id ?? '',
  );
  const [cls, setCls] = useState<PriorityClass>(ticket.priorityClass === 'regular' ? 'senior' : 'regular');
  const [error, setError] = useState<string | null>(null);
  const title = { front: '提前办理', pin: '指定窗口', class: '更改优先类别', cancel: '取消号票' }[kind];
  const submit = async () => {
    const r =
      kind === 'cancel'
        ? await command('ticket:cancel', { ticketId: ticket.id, reason: reason.trim() })
        : await command('ticket:override', {
            ticketId: ticket.id,
            reason: reason.trim(),
            action:
              kind === 'front'
                ? { kind }
                : kind === 'pin'
                  ? { kind, windowId }
                  : { kind, priorityClass: cls },
          });
    if (!r.ok) setError(errorText(r.error));
    else props.onDone(`${ticket.number} ${title}成功`);
  };
  return (
    <Modal title={`${title} ${ticket.number}`} onClose={props.onClose}>
      <div data-testid="override-dialog" data-kind={kind}>
        {kind === 'pin' && (
          <label class="field">
            指定到窗口
            <select name="pin-window" value={windowId} onChange={(e) => setWindowId(e.currentTarget.value)}>
              {view.windows.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.number}号窗口 · {POST_LABEL[w.post]}
                </option>
              ))}
            </select>
          </label>
        )}
        {kind === 'class' && (
          <label class="field">
            新类别（当前：{CLASS_LABEL[ticket.priorityClass]}）
            <select
              name="new-class"
              value={cls}
              onChange={(e) => setCls(e.currentTarget.value as PriorityClass)}
            >
              {CLASSES.map((c) => (
                <option key={c} value={c}>
                  {CLASS_LABEL[c]}
                </option>
              ))}
            </select>
          </label>
        )}
        <div class="field">
          原因（必填，记入审计） <span class="en">Reason</span>
          <ReasonPicker
            choices={kind === 'cancel' ? CANCEL_REASONS : OVERRIDE_REASONS}
            value={reason}
            onChange={setReason}
            name="override-reason"
          />
        </div>
        {error && <p class="error">{error}</p>}
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={props.onClose}>
            返回
          </button>
          <button
            type="button"
            class={kind === 'cancel' ? 'btn warn' : 'btn primary'}
            disabled={reason.trim() === ''}
            onClick={submit}
            data-action="confirm-override"
          >
            确定 {title}
          </button>
        </div>
      </div>
    </Modal>
  );
}

function Alerts(props: { store: ConsoleStore; now: number; waiting: Ticket[] }) {
  const devices = useStore(props.store, (s) => s.devices);
  const failures = useStore(props.store, (s) => s.printFailures);
  const risk = useStore(props.store, (s) => s.riskAlerts);
  // The server raises a long wait (its R-WAIT rule, RISK-HND-5); shown while the ticket waits.
  const lateIds = new Set(
    Object.values(risk)
      .filter((a) => a.subject.kind === 'ticket' && a.status !== 'disposed')
      .map((a) => a.subject.id),
  );
  const late = props.waiting.filter((t) => lateIds.has(t.id));
  const troubled = Object.values(devices).filter((d) => !d.online || d.alerts.length > 0);
  const deviceName = (id: string) => devices[id]?.name ?? id;
  const total = late.length + troubled.length + failures.length;
  return (
    <Panel title={`提醒（${total}）`} en="Alerts" testid="alerts" class={total > 0 ? 'alerting' : ''}>
      <ul class="alerts">
        {late.map((t) => (
          <li key={t.id} class="alert wait" data-alert="wait">
            <b class="tag">超时</b> {t.number} 已等候 {duration(props.now - t.arrivedAt)}（风险预警 Long
            wait）
          </li>
        ))}
        {troubled.map((d) => (
          <li key={d.deviceId} class="alert device" data-alert="device" data-device={d.deviceId}>
            <b class="tag">设备</b> {d.name}：{!d.online ? '设备离线' : d.alerts.join('、')}
          </li>
        ))}
        {failures.map((f) => (
          <li key={f.jobId} class="alert print" data-alert="print">
            <b class="tag">打印</b> {deviceName(f.deviceId)} 打印失败（{hallTime(f.at)}）：{f.reason} · 任务{' '}
            {f.jobId}
          </li>
        ))}
        {total === 0 && <li class="dim">暂无提醒 All clear</li>}
      </ul>
    </Panel>
  );
}

function NoShows({
  store,
  onResult,
}: {
  store: ConsoleStore;
  onResult: (m: { kind: 'ok' | 'error'; text: string }) => void;
}) {
  const noShows = useStore(store, (s) => s.noShows);
  const view = useStore(store, (s) => s.view)!;
  const [number, setNumber] = useState('');
  const list = Object.values(noShows);
  const reinstate = async (ticketId: string, label: string) => {
    const r = await command('ticket:reinstate', { ticketId });
    onResult(
      r.ok
        ? { kind: 'ok', text: `${label} 已恢复排队` }
        : { kind: 'error', text: `恢复失败：${errorText(r.error)}` },
    );
  };
  const day = view.tickets[0]?.businessDay ?? list[0]?.businessDay;
  return (
    <Panel title="过号恢复" en="Reinstate a no-show" testid="no-shows">
      <ul class="plain">
        {list.map((t) => (
          <li key={t.id} class="row-gap">
            <span class="num strong">{t.number}</span>
            <span class="dim">过号 {t.misses} 次</span>
            <button
              type="button"
              class="btn small"
              onClick={() => reinstate(t.id, t.number)}
              data-action="reinstate"
            >
              恢复排队
            </button>
          </li>
        ))}
      </ul>
      <form
        class="scan-row"
        onSubmit={(e) => {
          e.preventDefault();
          const n = number.trim().toUpperCase();
          if (n && day) void reinstate(`${day}-${n}`, n);
          setNumber('');
        }}
      >
        <input
          name="reinstate-number"
          placeholder="输入过号号码，如 A003"
          value={number}
          onInput={(e) => setNumber(e.currentTarget.value)}
        />
      </form>
    </Panel>
  );
}
