/**
 * 短信通知 (SPEC NOTE-UI-4): the manager's view of the SMS outbox (`GET /api/notices`), newest first,
 * filtered by status; phones come masked from the server and are shown as they come. A failed
 * notice reached nobody: its row is highlighted with the sentence that staff should call the
 * citizen (NOTE-OUT-3). Loaded on demand; zod-free.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import { NOTICE_STATUSES, type NoticeStatus, type NoticeView } from '@onewindow/shared/notices.ts';
import { useEffect, useState } from 'preact/hooks';
import { Flash, Panel, useFlash } from '../../components/ui.tsx';
import { api, errorText } from '../../core/api.ts';
import { hallDateTime } from '../../core/format.ts';
import { CALL_THE_CITIZEN, NOTICE_STATUS_LABEL, TEMPLATE_PURPOSE } from '../../core/notices.ts';
import './notices.css';

type Filter = NoticeStatus | 'all';
const LIMIT = 200;

export function NoticesView(_props: { me: CurrentStaff }) {
  const [filter, setFilter] = useState<Filter>('all');
  const [list, setList] = useState<NoticeView[] | null>(null);
  const [flash, setFlash] = useFlash();

  const load = async (f: Filter) => {
    const q = f === 'all' ? `?limit=${LIMIT}` : `?status=${f}&limit=${LIMIT}`;
    const r = await api<NoticeView[]>('GET', `/api/notices${q}`);
    if (r.ok) setList(r.data);
    else setFlash({ kind: 'error', text: errorText(r.error) });
  };
  useEffect(() => {
    setList(null);
    void load(filter);
  }, [filter]);

  const failed = list?.filter((n) => n.status === 'failed').length ?? 0;
  return (
    <div class="notices" data-testid="sms-notices">
      <Panel
        title="短信通知"
        en="SMS notices"
        actions={
          <button type="button" class="btn small" onClick={() => load(filter)} data-action="refresh">
            刷新 <span class="en">Refresh</span>
          </button>
        }
      >
        <div class="filters">
          {(['all', ...NOTICE_STATUSES] as Filter[]).map((f) => (
            <button
              key={f}
              type="button"
              class={filter === f ? 'chip on' : 'chip'}
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
              data-status={f}
            >
              {f === 'all' ? '全部' : NOTICE_STATUS_LABEL[f].zh}
              <span class="en">{f === 'all' ? 'All' : NOTICE_STATUS_LABEL[f].en}</span>
            </button>
          ))}
          <span class="dim">最新的在前，最多 {LIMIT} 条；手机号已隐藏中间四位。</span>
        </div>
        <Flash message={flash} />
        {failed > 0 && (
          <p class="call" role="alert" data-testid="failed-banner">
            {failed} 条短信发送失败：{CALL_THE_CITIZEN}。
          </p>
        )}
        {list === null ? (
          '载入中…'
        ) : list.length === 0 ? (
          <p class="dim" data-testid="no-notices">
            没有{filter === 'all' ? '' : `“${NOTICE_STATUS_LABEL[filter].zh}”的`}短信。
          </p>
        ) : (
          <table class="table compact">
            <thead>
              <tr>
                <th scope="col">时间</th>
                <th scope="col">用途</th>
                <th scope="col">关联</th>
                <th scope="col">手机</th>
                <th scope="col">状态</th>
                <th scope="col" class="right">
                  尝试次数
                </th>
                <th scope="col">最后错误 / 处理</th>
              </tr>
            </thead>
            <tbody>
              {list.map((n) => (
                <tr key={n.id} class={n.status} data-notice={n.id} data-status={n.status}>
                  <td class="nowrap">{hallDateTime(n.createdAt)}</td>
                  <td>{TEMPLATE_PURPOSE[n.templateId]?.zh ?? n.templateId}</td>
                  <td class="nowrap">
                    {n.params.receiptNo ?? n.params.number ?? n.params.bookingCode ?? ''}
                  </td>
                  <td class="nowrap num" data-testid="phone">
                    {n.phoneMasked}
                  </td>
                  <td class="nowrap">
                    {NOTICE_STATUS_LABEL[n.status].zh}
                    {n.status === 'pending' && n.attempts > 0 && (
                      <div class="dim">下次 {hallDateTime(n.nextAttemptAt)}</div>
                    )}
                  </td>
                  <td class="right num">{n.attempts}</td>
                  <td class="last-error">
                    {n.status === 'failed' && <div class="call">{CALL_THE_CITIZEN}</div>}
                    {n.lastError && <div class="dim">{n.lastError}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
