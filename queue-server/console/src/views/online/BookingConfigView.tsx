/**
 * 网上预约设置 (SPEC MOB-BOOK-1): the admin's editor of the online booking configuration — the
 * half-hour capacity lines per queue category (or item), the booking window, the cancellation
 * cut-off, the reminder and the no-show rule. Saving replaces it as one `booking:configured` fact.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import type { BookingConfig, BookingLine } from '@onewindow/shared/booking.ts';
import { useStore } from '@onewindow/shared/client';
import { useEffect, useState } from 'preact/hooks';
import { Flash, Panel, useFlash } from '../../components/ui.tsx';
import { api, errorText } from '../../core/api.ts';
import type { ConsoleStore } from '../../core/staff.ts';

const NUMBERS: {
  key: 'daysAhead' | 'minLeadMinutes' | 'cancelBeforeMinutes' | 'reminderMinutesBefore';
  zh: string;
}[] = [
  { key: 'daysAhead', zh: '可预约工作日数（今天之后）' },
  { key: 'minLeadMinutes', zh: '最少提前预约（分钟）' },
  { key: 'cancelBeforeMinutes', zh: '时段开始前多久不能取消（分钟）' },
  { key: 'reminderMinutesBefore', zh: '提前提醒短信（分钟，0 为不发）' },
];

export function BookingConfigView(props: { me: CurrentStaff; store: ConsoleStore }) {
  const categories = useStore(props.store, (s) => s.view?.categories) ?? [];
  const [config, setConfig] = useState<BookingConfig | null>(null);
  const [flash, setFlash] = useFlash();

  useEffect(() => {
    void api<BookingConfig>('GET', '/api/booking/config').then((r) => {
      if (r.ok) setConfig(r.data);
      else setFlash({ kind: 'error', text: errorText(r.error) });
    });
  }, []);
  if (config === null) return <Flash message={flash} />;

  const setLine = (i: number, patch: Partial<BookingLine>) =>
    setConfig({ ...config, lines: config.lines.map((l, j) => (j === i ? { ...l, ...patch } : l)) });

  const save = async (e: Event) => {
    e.preventDefault();
    const r = await api<BookingConfig>('PUT', '/api/booking/config', config);
    if (r.ok) {
      setConfig(r.data);
      setFlash({ kind: 'ok', text: '已保存 Saved' });
    } else
      setFlash({
        kind: 'error',
        text:
          r.error.issues?.map((i) => `${i.path}: ${i.messageZh ?? i.message}`).join('；') ||
          errorText(r.error),
      });
  };

  return (
    <form onSubmit={save} data-testid="booking-config">
      <Panel title="网上预约设置" en="Online booking">
        <Flash message={flash} />
        <label class="check">
          <input
            type="checkbox"
            name="enabled"
            checked={config.enabled}
            onChange={(e) => setConfig({ ...config, enabled: e.currentTarget.checked })}
          />{' '}
          开放网上预约 Open for booking
        </label>
        <div class="form-grid">
          {NUMBERS.map((n) => (
            <label key={n.key} class="field">
              {n.zh}
              <input
                type="number"
                name={n.key}
                min={0}
                value={config[n.key]}
                onInput={(e) => setConfig({ ...config, [n.key]: Number(e.currentTarget.value) })}
              />
            </label>
          ))}
          <label class="field">
            爽约次数上限
            <input
              type="number"
              name="noShowLimit"
              min={1}
              value={config.noShow.limit}
              onInput={(e) =>
                setConfig({ ...config, noShow: { ...config.noShow, limit: Number(e.currentTarget.value) } })
              }
            />
          </label>
          <label class="field">
            统计期（天）
            <input
              type="number"
              name="noShowPeriod"
              min={1}
              value={config.noShow.periodDays}
              onInput={(e) =>
                setConfig({
                  ...config,
                  noShow: { ...config.noShow, periodDays: Number(e.currentTarget.value) },
                })
              }
            />
          </label>
          <label class="field">
            暂停网上预约（天）
            <input
              type="number"
              name="noShowBan"
              min={0}
              value={config.noShow.banDays}
              onInput={(e) =>
                setConfig({ ...config, noShow: { ...config.noShow, banDays: Number(e.currentTarget.value) } })
              }
            />
          </label>
        </div>
      </Panel>
      <Panel
        title="号源（每半小时）"
        en="Capacity per half hour"
        actions={
          <button
            type="button"
            class="btn small"
            data-action="add-line"
            onClick={() =>
              setConfig({
                ...config,
                lines: [
                  ...config.lines,
                  {
                    categoryId: categories[0]?.id ?? 'A',
                    itemCode: null,
                    from: '09:00',
                    to: '11:30',
                    capacity: 5,
                  },
                ],
              })
            }
          >
            添加 Add
          </button>
        }
      >
        <table class="table">
          <thead>
            <tr>
              <th>排队类别</th>
              <th>事项编码（空为全部）</th>
              <th>开始</th>
              <th>结束</th>
              <th>每时段名额</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {config.lines.map((l, i) => (
              <tr key={i} data-line={i}>
                <td>
                  <select
                    name="categoryId"
                    aria-label="排队类别"
                    value={l.categoryId}
                    onChange={(e) => setLine(i, { categoryId: e.currentTarget.value })}
                  >
                    {categories.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.prefix} {c.name}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input
                    name="itemCode"
                    aria-label="事项编码"
                    value={l.itemCode ?? ''}
                    onInput={(e) => setLine(i, { itemCode: e.currentTarget.value.trim() || null })}
                  />
                </td>
                <td>
                  <input
                    type="time"
                    step={1800}
                    name="from"
                    aria-label="开始"
                    value={l.from}
                    onInput={(e) => setLine(i, { from: e.currentTarget.value })}
                  />
                </td>
                <td>
                  <input
                    type="time"
                    step={1800}
                    name="to"
                    aria-label="结束"
                    value={l.to}
                    onInput={(e) => setLine(i, { to: e.currentTarget.value })}
                  />
                </td>
                <td>
                  <input
                    type="number"
                    min={1}
                    name="capacity"
                    aria-label="每时段名额"
                    value={l.capacity}
                    onInput={(e) => setLine(i, { capacity: Number(e.currentTarget.value) })}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    class="btn small"
                    onClick={() => setConfig({ ...config, lines: config.lines.filter((_, j) => j !== i) })}
                  >
                    删除
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="action-row">
          <button type="submit" class="btn primary" data-action="save">
            保存 Save
          </button>
        </div>
      </Panel>
    </form>
  );
}
