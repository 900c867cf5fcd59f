/**
 * 审计: every override, transfer, cancellation and admin change with who, when and why,
 * searchable by text and date range (GET /api/audit/search). People and devices by name, actions
 * in words (CON-AUD-1); the codes stay in the cells' titles for an integrator.
 */
import type { CurrentStaff, PiiReadEntry } from '@onewindow/shared/api-types.ts';
import type { AuditEntry } from '@onewindow/shared/console.ts';
import { useEffect, useState } from 'preact/hooks';
import { Panel } from '../components/ui.tsx';
import { api, errorText } from '../core/api.ts';
import { hallDateTime } from '../core/format.ts';

const ACTION_LABEL: Record<string, string> = {
  'ticket:priority-overridden': '插队/指定窗口/改类别',
  'ticket:transferred': '转移',
  'ticket:cancelled': '取消号票',
  'ticket:reinstated': '过号恢复',
  'ticket:issued': '代为取号',
  'window:paused': '窗口暂停',
  'day:closed': '日结',
  'hall:configured': '大厅配置',
  'hall:notice': '大厅公告',
  'staff:create': '新增人员',
  'staff:roles': '岗位变更',
  'staff:photo': '人员照片',
  'staff:roles-proposed': '岗位授予提议',
  'staff:roles-approved': '岗位授予批准',
  'staff:roles-rejected': '岗位授予驳回',
  'staff:disable': '停用账户',
  'staff:enable': '启用账户',
  'staff:password-reset': '重置密码',
  'staff:password-change': '修改密码',
  'staff:totp-enrolled': '绑定动态口令',
  'device:pairing-code': '生成配对码',
  'device:paired': '设备配对',
  'device:revoke': '设备吊销',
  'catalog:item-put': '事项修改',
  'catalog:item-delete': '事项删除',
  'catalog:import': '事项导入',
  'calendar:override-put': '日历调整',
  'calendar:override-delete': '日历调整删除',
  'follow-ups:settings': '整改期限设置',
  'appointments:import': '预约导入',
  'hall:configure': '大厅配置',
  'integrity:accept-loss': '确认数据缺失',
  'integrity:restore': '数据恢复',
  'case:accepted': '案件受理',
  'case:review-started': '开始审核',
  'case:reviewed': '审核通过',
  'case:rechecked': '复核通过',
  'case:returned': '审核退回',
  'case:supplement-requested': '一次性告知补正',
  'case:supplemented': '补正材料已收',
  'case:ready': '办结待取',
  'case:handed-back': '已领取',
  'case:adopted': '案件补录',
};

/** An action in words (CON-AUD-1); a code this console does not know yet reads as 其他操作. */
const actionLabel = (action: string): string => ACTION_LABEL[action] ?? '其他操作';

export function AuditView(_props: { me: CurrentStaff }) {
  return (
    <>
      <AuditTrail />
      <PiiReads />
    </>
  );
}

const PURPOSE_LABEL = (p: string): string =>
  p === 'serving'
    ? '窗口办理 Serving'
    : p.startsWith('case ')
      ? `办件 ${p.slice(5)} Case`
      : p.startsWith('manager: ')
        ? `管理查阅：${p.slice(9)}`
        : p;

/** 个人信息查阅记录 (SPEC SEC-NTK-2): who read which kiosk form, when and why. */
function PiiReads() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [ticketId, setTicketId] = useState('');
  const [rows, setRows] = useState<PiiReadEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = async (e?: Event) => {
    e?.preventDefault();
    const qs = new URLSearchParams();
    if (from) qs.set('from', from);
    if (to) qs.set('to', to);
    if (ticketId.trim()) qs.set('ticketId', ticketId.trim());
    const r = await api<PiiReadEntry[]>('GET', `/api/pii-reads?${qs}`);
    if (!r.ok) {
      setError(errorText(r.error));
      setRows(null);
      return;
    }
    setError(null);
    setRows(r.data);
  };
  useEffect(() => {
    void search();
  }, []);

  return (
    <Panel title="个人信息查阅记录" en="Personal data reads" testid="pii-reads">
      <p class="dim">每次查看市民填写的表单都会记录：谁、何时、查看了哪张表单、因何查看。默认显示今天。</p>
      <form class="filters" onSubmit={search}>
        <label class="inline">
          从 <input type="date" name="from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label class="inline">
          至 <input type="date" name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <input
          name="ticketId"
          class="search"
          placeholder="号票编号，如 20261126-A001 Ticket"
          value={ticketId}
          onInput={(e) => setTicketId(e.currentTarget.value)}
        />
        <button type="submit" class="btn primary">
          查询 Search
        </button>
      </form>
      {error && <p class="error">{error}</p>}
      {rows && (
        <table class="table" data-testid="pii-reads-table">
          <thead>
            <tr>
              <th>时间</th>
              <th>人员</th>
              <th>号票</th>
              <th>表单</th>
              <th>事由</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.at}-${r.staffId}-${r.subjectId}`}>
                <td class="num nowrap">{hallDateTime(r.at)}</td>
                <td>
                  {r.staffName ?? r.staffId}
                  {r.staffNumber && <span class="dim"> {r.staffNumber}</span>}
                </td>
                <td class="num">{r.ticketId ?? '—'}</td>
                <td class="num dim">
                  {r.subject === 'counter-card'
                    ? `窗口读卡姓名（${r.subjectId === 'ssc' ? '社保卡' : '身份证'}）`
                    : r.subject === 'case-page'
                      ? `材料页面 ${r.subjectId.slice(0, 12)}…`
                      : r.subject === 'online-draft'
                        ? `网上表单 ${r.subjectId.slice(0, 8)}…`
                        : r.subjectId}
                </td>
                <td>{PURPOSE_LABEL(r.purpose)}</td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={5} class="dim center">
                  没有查阅记录 No reads
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

function AuditTrail() {
  // No dates by default: the newest entries (the browser's day may not be the hall's).
  const [q, setQ] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [kind, setKind] = useState('');
  const [rows, setRows] = useState<AuditEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = async (e?: Event) => {
    e?.preventDefault();
    const qs = new URLSearchParams();
    if (q.trim()) qs.set('q', q.trim());
    if (from) qs.set('from', from);
    if (to) qs.set('to', to);
    if (kind) qs.set('kind', kind);
    const r = await api<AuditEntry[]>('GET', `/api/audit/search?${qs}`);
    if (!r.ok) {
      setError(errorText(r.error));
      setRows(null);
      return;
    }
    setError(null);
    setRows(r.data);
  };
  useEffect(() => {
    void search();
  }, []);

  return (
    <Panel title="审计日志" en="Audit trail" testid="audit">
      <form class="filters" onSubmit={search}>
        <input
          name="q"
          class="search"
          placeholder="搜索：号码、人员、原因、事项… Search"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
        <label class="inline">
          从 <input type="date" name="from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label class="inline">
          至 <input type="date" name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <select
          name="kind"
          aria-label="来源或操作 Kind"
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value)}
        >
          <option value="">全部来源 All</option>
          <option value="hall">大厅操作 Hall</option>
          <option value="admin">管理操作 Admin</option>
          {Object.entries(ACTION_LABEL).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
        <button type="submit" class="btn primary">
          查询 Search
        </button>
      </form>
      {error && <p class="error">{error}</p>}
      {rows && (
        <table class="table" data-testid="audit-table">
          <thead>
            <tr>
              <th>时间</th>
              <th>人员</th>
              <th>操作</th>
              <th>对象</th>
              <th>原因/内容</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-action={r.action}>
                <td class="num nowrap">{hallDateTime(r.at)}</td>
                <td>{r.actorName}</td>
                <td title={r.action}>{actionLabel(r.action)}</td>
                <td class="num" title={r.target ?? ''}>
                  {r.targetName ?? r.target ?? '—'}
                </td>
                <td>{r.reason ?? '—'}</td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={5} class="dim center">
                  没有符合条件的记录 Nothing found
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
