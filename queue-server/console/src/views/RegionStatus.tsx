/**
 * 区域下发 (SPEC RGN-PUSH-4): which version of each regional document this hall runs, what of its
 * own it kept beside them, a version it could not take, and its replication to the center.
 */
import type { RegionDocumentKind, RegionStatusView, ReplicationStatus } from '@onewindow/shared/region.ts';
import { useEffect, useState } from 'preact/hooks';
import { Panel } from '../components/ui.tsx';
import { api, errorText } from '../core/api.ts';
import { hallDateTime } from '../core/format.ts';

const KIND: Record<RegionDocumentKind, { zh: string; en: string }> = {
  catalog: { zh: '事项清单与办事指南', en: 'Catalog and guides' },
  calendar: { zh: '节假日与调休', en: 'Holiday corrections' },
  'risk-list': { zh: '风险清单', en: 'Risk list' },
  'risk-rules': { zh: '风险规则与阈值', en: 'Risk rules' },
};

const STATE: Record<ReplicationStatus['state'], string> = {
  starting: '正在连接',
  shipping: '正在上报',
  idle: '已同步',
  'backing-off': '中心暂不可达，稍后重试（本厅业务不受影响）',
  flagged: '中心已暂停接收：本厅记录序号回退，请联系区域管理员',
  stopped: '已停止',
};

export function RegionStatus() {
  const [view, setView] = useState<RegionStatusView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api<RegionStatusView>('GET', '/api/region/status').then((r) =>
      r.ok ? setView(r.data) : setError(errorText(r.error)),
    );
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!view) return <p class="dim">加载中…</p>;
  const rep = view.replication;
  return (
    <div class="grid-2">
      <Panel title="区域下发的版本" en="Regional documents this hall runs" testid="region-documents">
        <table class="table">
          <thead>
            <tr>
              <th>文件</th>
              <th>版本</th>
              <th>应用时间</th>
              <th>本厅自有（保留）</th>
            </tr>
          </thead>
          <tbody>
            {view.documents.map((d) => (
              <tr key={d.kind} data-kind={d.kind}>
                <td>
                  {KIND[d.kind].zh}
                  <span class="en">{KIND[d.kind].en}</span>
                  {d.refused && (
                    <p class="error" data-testid={`refused-${d.kind}`}>
                      第 {d.refused.version} 版未能应用，本厅仍按
                      {d.version > 0 ? `第 ${d.version} 版` : '本厅自有设置'}运行。
                      <span class="dim">原因：{d.refused.message}</span>
                    </p>
                  )}
                </td>
                <td class="num strong nowrap" data-testid={`version-${d.kind}`}>
                  {d.version > 0 ? `第 ${d.version} 版` : '未接收'}
                </td>
                <td class="num nowrap">{d.at === null ? '—' : hallDateTime(d.at)}</td>
                <td>
                  {d.localKept.length === 0 ? (
                    <span class="dim">无</span>
                  ) : (
                    <details>
                      <summary>{d.localKept.length} 项（本厅自有）</summary>
                      <p class="dim">{d.localKept.join('、')}</p>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      <Panel title="向区域中心上报" en="Replication to the center" testid="region-replication">
        {rep === null ? (
          <p class="dim">本厅未配置区域中心（ONEWINDOW_CENTER_URL），数据仅保存在本厅。</p>
        ) : (
          <dl class="facts">
            <dt>状态</dt>
            <dd data-testid="replication-state">{STATE[rep.state]}</dd>
            <dt>本厅编号</dt>
            <dd>{rep.hallId}</dd>
            <dt>待上报记录</dt>
            <dd class="num">{rep.lag === null ? '—' : rep.lag}</dd>
            <dt>最近联系</dt>
            <dd class="num">{rep.lastContact === null ? '—' : hallDateTime(rep.lastContact)}</dd>
            {rep.lastError && (
              <>
                <dt>最近错误</dt>
                <dd class="dim">{rep.lastError}</dd>
              </>
            )}
          </dl>
        )}
      </Panel>
    </div>
  );
}
