/**
 * 监督报告 (SPEC IMP-*, HYR-*): the service-improvement summary of a month or quarter (§13.4)
 * with the measures the manager records for it, and the half-year report to the fund supervision
 * department (§12.5) as XLSX or PDF. Figures come from the server's folds over the log.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import { useEffect, useState } from 'preact/hooks';
import { Flash, Panel, useFlash } from '../components/ui.tsx';
import { api, download, errorText } from '../core/api.ts';

interface Row {
  key: string;
  label?: string;
  ratings: number;
  byLevel: Record<string, number>;
  goodRate: number | null;
  badReasons: Record<string, number>;
  complaints: number;
  complaintsClosed: number;
  complaintsUpheld: number;
}
interface Summary {
  period: { label: string; from: string; to: string };
  hall: Row;
  byItem: Row[];
  byWindow: Row[];
  byClerk: Row[];
  rectifications: { source: string; ref: string; day: string; text: string }[];
  measures: { note: string; by: string; at: number } | null;
}

const REASON_ZH: Record<string, string> = {
  attitude: '服务态度',
  efficiency: '办理效率',
  competence: '业务水平',
  waiting: '等候时间',
  other: '其他',
};

/** The hall's month now, and the half year just ended (what a manager hands in). */
function defaults(now = new Date(Date.now() + 8 * 3600_000)) {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  return {
    month: `${y}-${String(m).padStart(2, '0')}`,
    half: m <= 6 ? `${y - 1}-H2` : `${y}-H1`,
  };
}

export function SupervisionView(_props: { me: CurrentStaff }) {
  const d = defaults();
  const [period, setPeriod] = useState(d.month);
  const [half, setHalf] = useState(d.half);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [measures, setMeasures] = useState('');
  const [flash, setFlash] = useFlash();
  const load = async () => {
    const r = await api<Summary>('GET', `/api/improvement?period=${encodeURIComponent(period)}`);
    if (!r.ok) return setFlash({ kind: 'error', text: errorText(r.error) });
    setSummary(r.data);
    setMeasures(r.data.measures?.note ?? '');
  };
  useEffect(() => {
    if (/^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$/.test(period)) void load();
  }, [period]);
  const get = async (path: string, name: string) => {
    const err = await download(path, name);
    setFlash(
      err === null ? { kind: 'ok', text: `已导出 ${name}` } : { kind: 'error', text: `导出失败：${err}` },
    );
  };
  const rows = (title: string, list: Row[], testid: string) => (
    <>
      <h3>{title}</h3>
      <table class="table compact" data-testid={testid}>
        <thead>
          <tr>
            <th>对象</th>
            <th class="right">评价</th>
            <th class="right">差评(1-2星)</th>
            <th class="right">好评率</th>
            <th>差评原因</th>
            <th class="right">投诉</th>
            <th class="right">属实</th>
          </tr>
        </thead>
        <tbody>
          {list.map((x) => (
            <tr key={x.key}>
              <td>{x.label ?? x.key}</td>
              <td class="right">{x.ratings}</td>
              <td class="right">{(x.byLevel['1'] ?? 0) + (x.byLevel['2'] ?? 0)}</td>
              <td class="right">{x.goodRate === null ? '—' : `${x.goodRate}%`}</td>
              <td>
                {Object.entries(x.badReasons)
                  .map(([k, n]) => `${REASON_ZH[k] ?? k}${n}`)
                  .join('、')}
              </td>
              <td class="right">{x.complaints}</td>
              <td class="right">{x.complaintsUpheld}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
  return (
    <div class="supervision">
      <Flash message={flash} />
      <Panel
        title="服务改进总结"
        en="Service improvement"
        testid="improvement"
        actions={
          <>
            <button
              class="btn small"
              type="button"
              onClick={() =>
                get(`/api/improvement?period=${period}&format=csv`, `服务改进总结_${period}.csv`)
              }
            >
              导出 CSV
            </button>
            <button
              class="btn small"
              type="button"
              onClick={() =>
                get(`/api/improvement?period=${period}&format=xlsx`, `服务改进总结_${period}.xlsx`)
              }
            >
              导出 XLSX
            </button>
          </>
        }
      >
        <label class="field">
          期间（月 YYYY-MM 或季度 YYYY-Q1..Q4）<span class="en">Period</span>
          <input value={period} onInput={(e) => setPeriod(e.currentTarget.value.trim())} name="period" />
        </label>
        {summary && (
          <>
            <p>
              {summary.period.from} 至 {summary.period.to}：评价 {summary.hall.ratings} 次，好评率{' '}
              {summary.hall.goodRate === null ? '—' : `${summary.hall.goodRate}%`}，投诉{' '}
              {summary.hall.complaints} 件（属实 {summary.hall.complaintsUpheld} 件），整改{' '}
              {summary.rectifications.length} 项
            </p>
            {rows('按服务事项 By item', summary.byItem, 'improvement-items')}
            {rows('按窗口 By window', summary.byWindow, 'improvement-windows')}
            {rows('按工作人员 By clerk', summary.byClerk, 'improvement-clerks')}
            <form
              onSubmit={async (e) => {
                e.preventDefault();
                const r = await api<Summary>(
                  'POST',
                  `/api/improvement/${encodeURIComponent(period)}/measures`,
                  {
                    note: measures,
                  },
                );
                if (!r.ok) return setFlash({ kind: 'error', text: errorText(r.error) });
                setSummary(r.data);
                setFlash({ kind: 'ok', text: '已保存改进措施' });
              }}
            >
              <label class="field">
                本期改进措施 <span class="en">Measures taken</span>
                <textarea
                  value={measures}
                  onInput={(e) => setMeasures(e.currentTarget.value)}
                  rows={3}
                  name="measures"
                />
              </label>
              <button class="btn" type="submit" data-action="save-measures">
                保存 <span class="en">Save</span>
              </button>
            </form>
          </>
        )}
      </Panel>
      <Panel title="风险防控半年报告" en="Half-year report (§12.5)" testid="half-year">
        <label class="field">
          半年度（YYYY-H1 / YYYY-H2）<span class="en">Half year</span>
          <input value={half} onInput={(e) => setHalf(e.currentTarget.value.trim())} name="half" />
        </label>
        <p class="dim">
          预警、拦截与放行、处置与逾期、限时件按时办结率、差评回访、投诉、期末风险清单；由事实日志生成，可随时重现。
        </p>
        <button
          class="btn primary"
          type="button"
          data-action="half-year-pdf"
          onClick={() =>
            get(`/api/reports/half-year?half=${half}&format=pdf`, `风险防控半年报告_${half}.pdf`)
          }
        >
          生成 PDF
        </button>{' '}
        <button
          class="btn"
          type="button"
          data-action="half-year-xlsx"
          onClick={() =>
            get(`/api/reports/half-year?half=${half}&format=xlsx`, `风险防控半年报告_${half}.xlsx`)
          }
        >
          生成 XLSX
        </button>
      </Panel>
    </div>
  );
}
