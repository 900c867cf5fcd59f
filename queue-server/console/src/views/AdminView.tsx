/**
 * 系统管理: the service catalog and guides (CatalogEditor.tsx: a form, import, export), the hall's categories,
 * windows and settings (hall:configure), staff and their posts (StaffAccounts.tsx), devices (pairing codes, revoke, last seen, status) and the
 * working-day calendar's local corrections, and the regional documents the hall runs (RegionStatus.tsx).
 */
import type { CurrentStaff, DeviceRecord, PairingCode } from '@onewindow/shared/api-types.ts';
import { useStore } from '@onewindow/shared/client';
import type { CalendarOverride, DeadlineResult } from '@onewindow/shared/console.ts';
import type { DeviceStatus } from '@onewindow/shared/devices.ts';
import type { PriorityClass, WindowPost } from '@onewindow/shared/domain.ts';
import { DEFAULT_ONLINE, type HallConfig } from '@onewindow/shared/hall.ts';
import type { DeviceKind } from '@onewindow/shared/protocol.ts';
import { useEffect, useState } from 'preact/hooks';
import { TAIL_GUARD_DEFAULT, TailGuardFields } from '../components/TailGuardFields.tsx';
import { Flash, type FlashMessage, Panel, useFlash } from '../components/ui.tsx';
import { api, command, errorText } from '../core/api.ts';
import { CLASS_LABEL, hallDate, hallDateTime, POST_LABEL } from '../core/format.ts';
import type { ConsoleStore } from '../core/staff.ts';
import { CatalogEditor } from './CatalogEditor.tsx';
import { RegionStatus } from './RegionStatus.tsx';
import { StaffAccounts } from './StaffAccounts.tsx';

type Sub = 'catalog' | 'hall' | 'staff' | 'devices' | 'calendar' | 'region';
const SUBS: { id: Sub; zh: string; en: string }[] = [
  { id: 'catalog', zh: '事项与指南', en: 'Catalog' },
  { id: 'hall', zh: '类别·窗口·大厅设置', en: 'Hall' },
  { id: 'staff', zh: '人员与岗位', en: 'Staff' },
  { id: 'devices', zh: '设备', en: 'Devices' },
  { id: 'calendar', zh: '工作日历', en: 'Calendar' },
  { id: 'region', zh: '区域下发', en: 'Region' },
];
type SetFlash = (m: FlashMessage) => void;

export function AdminView({ me, store }: { me: CurrentStaff; store: ConsoleStore }) {
  const [sub, setSub] = useState<Sub>('catalog');
  const [flash, setFlash] = useFlash();
  return (
    <div class="admin">
      <div class="subtabs">
        {SUBS.map((s) => (
          <button
            key={s.id}
            type="button"
            class={sub === s.id ? 'chip on' : 'chip'}
            onClick={() => setSub(s.id)}
            data-sub={s.id}
          >
            {s.zh}
            <span class="en">{s.en}</span>
          </button>
        ))}
      </div>
      {sub === 'catalog' && <CatalogEditor setFlash={setFlash} />}
      {sub === 'hall' && <HallEditor setFlash={setFlash} />}
      {sub === 'staff' && <StaffAccounts me={me} setFlash={setFlash} />}
      {sub === 'devices' && <Devices store={store} setFlash={setFlash} />}
      {sub === 'calendar' && <Calendar setFlash={setFlash} />}
      {sub === 'region' && <RegionStatus />}
      <Flash message={flash} />
    </div>
  );
}

/* ─────────────── hall config ─────────────── */

const CLASSES = Object.keys(CLASS_LABEL) as PriorityClass[];
const POSTS = Object.keys(POST_LABEL) as WindowPost[];

function HallEditor({ setFlash }: { setFlash: SetFlash }) {
  const [config, setConfig] = useState<HallConfig | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<HallConfig>('GET', '/api/hall/config').then((r) =>
      r.ok ? setConfig(r.data) : setError(errorText(r.error)),
    );
  }, []);
  if (config === null)
    return (
      <Panel title="大厅设置" en="Hall">
        {error ? <p class="error">{error}</p> : '载入中…'}
      </Panel>
    );
  const s = config.settings;
  const set = (patch: Partial<HallConfig['settings']>) =>
    setConfig({ ...config, settings: { ...s, ...patch } });
  const save = async () => {
    // The regular class never moves ahead (the schema pins its bonus to 0; the editor hides it).
    const bonusSeconds = { ...s.bonusSeconds, regular: 0 as const };
    const r = await command('hall:configure', { config: { ...config, settings: { ...s, bonusSeconds } } });
    if (!r.ok) return setError(errorText(r.error));
    setError(null);
    setFlash({ kind: 'ok', text: '大厅配置已生效' });
  };
  const num = (v: string) => Math.max(0, Math.round(Number(v) || 0));
  // MOB-Q-3, NOTE-TRG-5, MOB-RATE-2: the phone channel's settings, defaults until the hall sets them.
  const online = s.online ?? DEFAULT_ONLINE;
  return (
    <div class="grid-2">
      <Panel title="大厅设置" en="Settings" testid="hall-settings">
        <div class="form-grid two">
          <label class="field">
            大厅名称
            <input
              name="hallName"
              value={s.hallName}
              onInput={(e) => set({ hallName: e.currentTarget.value })}
            />
          </label>
          <label class="field">
            号码位数（A001 = 3）
            <input
              type="number"
              min={1}
              max={6}
              name="numberDigits"
              value={s.numberDigits}
              onInput={(e) => set({ numberDigits: num(e.currentTarget.value) })}
            />
          </label>
          <label class="field">
            重呼次数上限（之后可过号）
            <input
              type="number"
              min={0}
              max={10}
              name="maxRecalls"
              value={s.maxRecalls}
              onInput={(e) => set({ maxRecalls: num(e.currentTarget.value) })}
            />
          </label>
          <label class="field">
            过号恢复：退后位数
            <input
              type="number"
              min={0}
              name="reinstatePlaces"
              value={s.reinstatePlaces}
              onInput={(e) => set({ reinstatePlaces: num(e.currentTarget.value) })}
            />
          </label>
          <label class="field">
            过号恢复：次数上限
            <input
              type="number"
              min={0}
              max={10}
              name="maxReinstates"
              value={s.maxReinstates}
              onInput={(e) => set({ maxReinstates: num(e.currentTarget.value) })}
            />
          </label>
          <label class="field">
            老年人年龄
            <input
              type="number"
              min={0}
              name="seniorAge"
              value={s.seniorAge}
              onInput={(e) => set({ seniorAge: num(e.currentTarget.value) })}
            />
          </label>
          <label class="field">
            开门时间
            <input
              type="time"
              name="open"
              value={s.openingHours.open}
              onInput={(e) => set({ openingHours: { ...s.openingHours, open: e.currentTarget.value } })}
            />
          </label>
          <label class="field">
            关门时间
            <input
              type="time"
              name="close"
              value={s.openingHours.close}
              onInput={(e) => set({ openingHours: { ...s.openingHours, close: e.currentTarget.value } })}
            />
          </label>
          <label class="field">
            日结时间
            <input
              type="time"
              name="dayCloseAt"
              value={s.dayCloseAt}
              onInput={(e) => set({ dayCloseAt: e.currentTarget.value })}
            />
          </label>
          <label class="field">
            线上取号到厅确认时限（分钟）
            <input
              type="number"
              min={5}
              max={480}
              name="online-confirmMinutes"
              value={online.confirmMinutes}
              onInput={(e) => set({ online: { ...online, confirmMinutes: num(e.currentTarget.value) } })}
            />
          </label>
          <label class="field">
            剩几人时短信提醒（0=关）
            <input
              type="number"
              min={0}
              max={50}
              name="online-aheadNotice"
              value={online.aheadNotice}
              onInput={(e) => set({ online: { ...online, aheadNotice: num(e.currentTarget.value) } })}
            />
          </label>
          <label class="field">
            评价链接有效天数
            <input
              type="number"
              min={1}
              max={90}
              name="online-ratingDays"
              value={online.ratingDays}
              onInput={(e) => set({ online: { ...online, ratingDays: num(e.currentTarget.value) } })}
            />
          </label>
        </div>
        <div class="field">
          开放日
          <div class="chips">
            {[1, 2, 3, 4, 5, 6, 7].map((d) => (
              <button
                type="button"
                key={d}
                class={s.openingHours.weekdays.includes(d) ? 'chip on' : 'chip'}
                onClick={() =>
                  set({
                    openingHours: {
                      ...s.openingHours,
                      weekdays: s.openingHours.weekdays.includes(d)
                        ? s.openingHours.weekdays.filter((x) => x !== d)
                        : [...s.openingHours.weekdays, d].sort(),
                    },
                  })
                }
              >
                周{'一二三四五六日'[d - 1]}
              </button>
            ))}
          </div>
        </div>
        <label class="field">
          <span>
            <input
              type="checkbox"
              name="oneTicketPerCategory"
              checked={s.oneTicketPerCategory !== false}
              onChange={(e) => set({ oneTicketPerCategory: e.currentTarget.checked })}
            />{' '}
            自助机每人每类业务限一个有效号 <small>One live kiosk ticket per person per category</small>
          </span>
        </label>
        <label class="field">
          叫号语音模板（须含 {'{号}'} 与 {'{窗口}'}）
          <input
            name="voiceTemplate"
            class="wide"
            value={s.voiceTemplate}
            onInput={(e) => set({ voiceTemplate: e.currentTarget.value })}
          />
        </label>
        <div class="field">
          优先提前量（分钟）
          <div class="form-grid four">
            {CLASSES.filter((c) => c !== 'regular').map((c) => (
              <label key={c} class="field">
                {CLASS_LABEL[c]}
                <input
                  type="number"
                  min={0}
                  name={`bonus-${c}`}
                  value={Math.round(s.bonusSeconds[c] / 60)}
                  onInput={(e) =>
                    set({ bonusSeconds: { ...s.bonusSeconds, [c]: num(e.currentTarget.value) * 60 } })
                  }
                />
              </label>
            ))}
          </div>
        </div>
        <div class="field">
          叫号策略
          <select
            name="policy"
            aria-label="叫号策略"
            value={s.policy.kind}
            onChange={(e) =>
              set({
                policy:
                  e.currentTarget.value === 'interleave'
                    ? { kind: 'interleave', maxPriorityInRow: 3, regularWaitSeconds: 1800 }
                    : e.currentTarget.value === 'tail-guard'
                      ? TAIL_GUARD_DEFAULT
                      : { kind: 'virtual-arrival' },
              })
            }
          >
            <option value="virtual-arrival">按虚拟到达时间（优先提前量）</option>
            <option value="interleave">优先与普通交替</option>
            <option value="tail-guard">优先但保护久等者</option>
          </select>
          {s.policy.kind === 'tail-guard' && (
            <TailGuardFields policy={s.policy} onChange={(policy) => set({ policy })} />
          )}
          {s.policy.kind === 'interleave' && (
            <div class="row-gap">
              <label class="inline">
                连续优先上限
                <input
                  type="number"
                  class="tiny"
                  min={1}
                  aria-label="连续优先上限"
                  value={s.policy.maxPriorityInRow}
                  onInput={(e) =>
                    set({
                      policy: {
                        ...(s.policy as {
                          kind: 'interleave';
                          maxPriorityInRow: number;
                          regularWaitSeconds: number;
                        }),
                        maxPriorityInRow: Math.max(1, num(e.currentTarget.value)),
                      },
                    })
                  }
                />
              </label>
              <label class="inline">
                普通号等候超过（分）
                <input
                  type="number"
                  class="tiny"
                  min={0}
                  value={Math.round(s.policy.regularWaitSeconds / 60)}
                  onInput={(e) =>
                    set({
                      policy: {
                        ...(s.policy as {
                          kind: 'interleave';
                          maxPriorityInRow: number;
                          regularWaitSeconds: number;
                        }),
                        regularWaitSeconds: num(e.currentTarget.value) * 60,
                      },
                    })
                  }
                />
              </label>
            </div>
          )}
        </div>
        {error && <p class="error">{error}</p>}
        <div class="dialog-actions">
          <button type="button" class="btn primary" onClick={save} data-action="save-hall">
            保存并生效 Apply
          </button>
        </div>
      </Panel>
      <div>
        <Panel
          title="业务类别"
          en="Categories"
          testid="hall-categories"
          actions={
            <button
              type="button"
              class="btn small"
              onClick={() =>
                setConfig({
                  ...config,
                  categories: [
                    ...config.categories,
                    { id: `K${config.categories.length + 1}`, prefix: '', name: '新类别', nameEn: 'New' },
                  ],
                })
              }
            >
              + 新增
            </button>
          }
        >
          <table class="table compact">
            <thead>
              <tr>
                <th>编号</th>
                <th>字头</th>
                <th>名称</th>
                <th>英文</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {config.categories.map((c, i) => {
                const put = (patch: Partial<typeof c>) =>
                  setConfig({
                    ...config,
                    categories: config.categories.map((x, j) => (j === i ? { ...x, ...patch } : x)),
                  });
                return (
                  <tr key={i}>
                    <td>
                      <input
                        class="tiny"
                        aria-label={`第${i + 1}个类别 编号`}
                        value={c.id}
                        onInput={(e) => put({ id: e.currentTarget.value })}
                      />
                    </td>
                    <td>
                      <input
                        class="tiny"
                        aria-label={`第${i + 1}个类别 字头`}
                        value={c.prefix}
                        maxLength={2}
                        onInput={(e) => put({ prefix: e.currentTarget.value.toUpperCase() })}
                      />
                    </td>
                    <td>
                      <input
                        aria-label={`第${i + 1}个类别 名称`}
                        value={c.name}
                        onInput={(e) => put({ name: e.currentTarget.value })}
                      />
                    </td>
                    <td>
                      <input
                        aria-label={`第${i + 1}个类别 英文名称`}
                        value={c.nameEn}
                        onInput={(e) => put({ nameEn: e.currentTarget.value })}
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        class="btn small warn"
                        onClick={() =>
                          setConfig({ ...config, categories: config.categories.filter((_, j) => j !== i) })
                        }
                      >
                        删除
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Panel>
        <Panel
          title="窗口"
          en="Windows"
          testid="hall-windows"
          actions={
            <button
              type="button"
              class="btn small"
              onClick={() => {
                const n = Math.max(0, ...config.windows.map((w) => w.number)) + 1;
                setConfig({
                  ...config,
                  windows: [
                    ...config.windows,
                    { id: `w${n}`, number: n, post: 'comprehensive', categoryIds: [] },
                  ],
                });
              }}
            >
              + 新增
            </button>
          }
        >
          <table class="table compact">
            <thead>
              <tr>
                <th>号</th>
                <th>岗位</th>
                <th>服务类别</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {config.windows.map((w, i) => {
                const put = (patch: Partial<typeof w>) =>
                  setConfig({
                    ...config,
                    windows: config.windows.map((x, j) => (j === i ? { ...x, ...patch } : x)),
                  });
                return (
                  <tr key={w.id}>
                    <td>
                      <input
                        type="number"
                        class="tiny"
                        aria-label={`第${i + 1}个窗口 窗口号`}
                        value={w.number}
                        onInput={(e) => put({ number: num(e.currentTarget.value) })}
                      />
                    </td>
                    <td>
                      <select
                        aria-label={`${w.number}号窗口 岗位`}
                        value={w.post}
                        onChange={(e) => put({ post: e.currentTarget.value as WindowPost })}
                      >
                        {POSTS.map((p) => (
                          <option key={p} value={p}>
                            {POST_LABEL[p]}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <div class="row-gap">
                        {config.categories.map((c) => (
                          <label key={c.id} class="inline">
                            <input
                              type="checkbox"
                              checked={w.categoryIds.includes(c.id)}
                              onChange={(e) =>
                                put({
                                  categoryIds: e.currentTarget.checked
                                    ? [...w.categoryIds, c.id]
                                    : w.categoryIds.filter((x) => x !== c.id),
                                })
                              }
                            />
                            {c.prefix || c.id}
                          </label>
                        ))}
                      </div>
                    </td>
                    <td>
                      <button
                        type="button"
                        class="btn small warn"
                        onClick={() =>
                          setConfig({ ...config, windows: config.windows.filter((_, j) => j !== i) })
                        }
                      >
                        删除
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Panel>
      </div>
    </div>
  );
}

/* ─────────────── devices ─────────────── */

const KIND_LABEL: Record<DeviceKind, string> = {
  kiosk: '自助取号机',
  board: '综合屏',
  'window-display': '窗口屏',
  'rating-pad': '评价器',
  agent: '柜台终端代理',
};

function Devices({ store, setFlash }: { store: ConsoleStore; setFlash: SetFlash }) {
  const view = useStore(store, (s) => s.view);
  const statuses = useStore(store, (s) => s.devices);
  const [devices, setDevices] = useState<DeviceRecord[]>([]);
  const [kind, setKind] = useState<DeviceKind>('kiosk');
  const [name, setName] = useState('');
  const [windowId, setWindowId] = useState('');
  const [code, setCode] = useState<PairingCode | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => api<DeviceRecord[]>('GET', '/api/devices').then((r) => r.ok && setDevices(r.data));
  useEffect(() => {
    const refresh = () => {
      void load();
      api<DeviceStatus[]>('GET', '/api/devices/status').then(
        (r) => r.ok && store.dispatch({ type: 'devices', list: r.data }),
      );
    };
    refresh();
    // A pairing happens on the device: the list follows it (and last-seen times) on its own.
    const t = setInterval(refresh, 3000);
    return () => clearInterval(t);
  }, [store]);
  const pairingCode = async (e: Event) => {
    e.preventDefault();
    const r = await api<PairingCode>('POST', '/api/devices/pairing-codes', {
      kind,
      name: name.trim() || KIND_LABEL[kind],
      windowId: windowId || null,
    });
    if (!r.ok) return setError(errorText(r.error));
    setError(null);
    setCode(r.data);
  };
  const revoke = async (d: DeviceRecord) => {
    if (!confirm(`吊销设备“${d.name}”？它将立即断开，需重新配对。`)) return;
    const r = await api('DELETE', `/api/devices/${encodeURIComponent(d.id)}`);
    setFlash(r.ok ? { kind: 'ok', text: `已吊销 ${d.name}` } : { kind: 'error', text: errorText(r.error) });
    void load();
  };
  const winNo = (id: string | null) => view?.windows.find((w) => w.id === id)?.number;
  return (
    <div class="grid-2 wide-left">
      <Panel title="设备" en="Devices" testid="devices">
        <table class="table compact">
          <thead>
            <tr>
              <th>名称</th>
              <th>类型</th>
              <th>窗口</th>
              <th>状态</th>
              <th>最近在线</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => {
              const st = statuses[d.id];
              return (
                <tr key={d.id} data-device={d.id}>
                  <td class="strong">{d.name}</td>
                  <td>{KIND_LABEL[d.kind] ?? d.kind}</td>
                  <td>{d.windowId ? `${winNo(d.windowId) ?? d.windowId}号` : '—'}</td>
                  <td>
                    {d.revokedAt !== null ? (
                      <span class="dim">已吊销</span>
                    ) : st ? (
                      <span class={st.online && st.alerts.length === 0 ? 'ok' : 'error'}>
                        {st.online ? '在线' : '离线'}
                        {st.alerts.length > 0 && ` · ${st.alerts.join('、')}`}
                      </span>
                    ) : (
                      <span class="dim">未连接</span>
                    )}
                  </td>
                  <td class="num dim">{d.lastSeenAt ? hallDateTime(d.lastSeenAt) : '从未'}</td>
                  <td>
                    {d.revokedAt === null && (
                      <button
                        type="button"
                        class="btn small warn"
                        onClick={() => revoke(d)}
                        data-action="revoke"
                      >
                        吊销
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Panel>
      <Panel title="生成配对码" en="Pairing code" testid="pairing">
        <form class="stack" onSubmit={pairingCode}>
          <label class="field">
            设备类型
            <select
              name="device-kind"
              value={kind}
              onChange={(e) => setKind(e.currentTarget.value as DeviceKind)}
            >
              {(Object.keys(KIND_LABEL) as DeviceKind[]).map((k) => (
                <option key={k} value={k}>
                  {KIND_LABEL[k]}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            名称
            <input
              name="device-name"
              value={name}
              placeholder={KIND_LABEL[kind]}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            所属窗口（窗口屏、评价器、柜台终端）
            <select
              name="device-window"
              value={windowId}
              onChange={(e) => setWindowId(e.currentTarget.value)}
            >
              <option value="">—</option>
              {view?.windows.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.number}号窗口
                </option>
              ))}
            </select>
          </label>
          {error && <p class="error">{error}</p>}
          <button type="submit" class="btn primary" data-action="pairing-code">
            生成 Generate
          </button>
        </form>
        {code && (
          <div class="pairing-result">
            <div class="pairing-code num" data-testid="pairing-code">
              {code.code.slice(0, 4)} {code.code.slice(4)}
            </div>
            <p class="dim center">
              在设备上输入此配对码，{hallDateTime(code.expiresAt).slice(11)} 前有效（一次性）。
            </p>
          </div>
        )}
      </Panel>
    </div>
  );
}

/* ─────────────── calendar ─────────────── */

function Calendar({ setFlash }: { setFlash: SetFlash }) {
  const [rows, setRows] = useState<CalendarOverride[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [date, setDate] = useState('');
  const [kind, setKind] = useState<'holiday' | 'workday'>('holiday');
  const [note, setNote] = useState('');
  const [from, setFrom] = useState(hallDate(Date.now()));
  const [days, setDays] = useState(20);
  const [deadline, setDeadline] = useState<DeadlineResult | null>(null);
  const load = () =>
    api<CalendarOverride[]>('GET', '/api/calendar/overrides').then((r) =>
      r.ok ? setRows(r.data) : setError(errorText(r.error)),
    );
  useEffect(() => {
    void load();
  }, []);
  const add = async (e: Event) => {
    e.preventDefault();
    const r = await api('PUT', `/api/calendar/overrides/${date}`, { kind, note: note.trim() });
    if (!r.ok) return setError(errorText(r.error));
    setError(null);
    setNote('');
    setFlash({ kind: 'ok', text: `${date} 已设为${kind === 'holiday' ? '休息日' : '工作日'}` });
    void load();
  };
  const remove = async (d: string) => {
    const r = await api('DELETE', `/api/calendar/overrides/${d}`);
    setFlash(r.ok ? { kind: 'ok', text: `已删除 ${d} 的调整` } : { kind: 'error', text: errorText(r.error) });
    void load();
  };
  const compute = async () => {
    const r = await api<DeadlineResult>('GET', `/api/calendar/deadline?from=${from}&workingDays=${days}`);
    if (r.ok) setDeadline(r.data);
    else setError(errorText(r.error));
  };
  return (
    <div class="grid-2">
      <Panel title="本厅日历调整" en="Local calendar corrections" testid="calendar">
        <p class="dim">国家法定节假日与调休由系统内置；此处仅登记本厅的额外调整（优先于国家日历）。</p>
        <table class="table compact">
          <tbody>
            {rows.map((o) => (
              <tr key={o.date}>
                <td class="num strong">{o.date}</td>
                <td>{o.kind === 'holiday' ? '休息日' : '工作日'}</td>
                <td>{o.note}</td>
                <td>
                  <button type="button" class="btn small warn" onClick={() => remove(o.date)}>
                    删除
                  </button>
                </td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td class="dim">没有调整</td>
              </tr>
            )}
          </tbody>
        </table>
        <form class="row-gap" onSubmit={add}>
          <input
            type="date"
            name="override-date"
            aria-label="调整日期 Date"
            required
            value={date}
            onInput={(e) => setDate(e.currentTarget.value)}
          />
          <select
            aria-label="调整为 Make it"
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as 'holiday' | 'workday')}
          >
            <option value="holiday">休息日</option>
            <option value="workday">工作日</option>
          </select>
          <input
            name="override-note"
            aria-label="调整说明 Note"
            required
            placeholder="说明"
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
          <button type="submit" class="btn primary small">
            保存
          </button>
        </form>
        {error && <p class="error">{error}</p>}
      </Panel>
      <Panel title="办结期限试算" en="Deadline calculator">
        <div class="row-gap">
          受理日{' '}
          <input
            type="date"
            aria-label="受理日 From"
            value={from}
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
          后{' '}
          <input
            type="number"
            class="tiny"
            min={0}
            aria-label="工作日数 Working days"
            value={days}
            onInput={(e) => setDays(Number(e.currentTarget.value) || 0)}
          />{' '}
          个工作日
          <button type="button" class="btn small" onClick={compute}>
            计算
          </button>
        </div>
        {deadline && (
          <p class="note" data-testid="deadline">
            办结期限：<strong>{deadline.date}</strong>
          </p>
        )}
      </Panel>
    </div>
  );
}
