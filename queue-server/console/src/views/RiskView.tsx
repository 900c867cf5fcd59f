/**
 * 风险防控 (LD/T 02 §12; SPEC RISK-*): the manager's live alert list (filter, search, take,
 * dispose, let a blocked colleague through once), and the risk list with its rules (the admin
 * publishes new versions; managers read and export).
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import { useStore } from '@onewindow/shared/client';
import {
  RISK_CATEGORIES,
  RISK_DISPOSITION_ZH,
  RISK_DISPOSITIONS,
  RISK_LEVEL_ZH,
  RISK_LEVELS,
  RISK_RULE_KIND_ZH,
  type RiskAlert,
  type RiskAlertList,
  type RiskDisposition,
  type RiskEntry,
  type RiskListView,
  type RiskRulesView,
} from '@onewindow/shared/risk.ts';
import { useEffect, useState } from 'preact/hooks';
import { Flash, Modal, Panel, useFlash } from '../components/ui.tsx';
import { api, download, errorText } from '../core/api.ts';
import { hallTime } from '../core/format.ts';
import type { ConsoleStore } from '../core/staff.ts';

export type RiskMode = 'alerts' | 'list';

const STATUS_ZH: Record<RiskAlert['status'], string> = {
  open: '待处置',
  assigned: '处置中',
  disposed: '已处置',
};

export function RiskView(props: { me: CurrentStaff; store: ConsoleStore; mode: RiskMode }) {
  return props.mode === 'alerts' ? <Alerts {...props} /> : <RiskList me={props.me} />;
}

function Alerts({ me, store }: { me: CurrentStaff; store: ConsoleStore }) {
  const alerts = useStore(store, (s) => s.riskAlerts);
  const [flash, setFlash] = useFlash();
  const [status, setStatus] = useState<'active' | 'overdue' | 'disposed' | ''>('active');
  const [q, setQ] = useState('');
  const [disposing, setDisposing] = useState<RiskAlert | null>(null);
  const [rules, setRules] = useState<RiskRulesView | null>(null);
  useEffect(() => {
    api<RiskAlertList>('GET', '/api/risk/alerts').then(
      (r) => r.ok && store.dispatch({ type: 'risk-alerts', alerts: r.data.alerts, replace: true }),
    );
    api<RiskRulesView>('GET', '/api/risk/rules').then((r) => r.ok && setRules(r.data));
  }, [store]);
  // The hall's day by the server's clock (its offset from ours rides on every fact).
  const skew = useStore(store, (s) => s.skew);
  const today = new Date(Date.now() + skew + 8 * 3_600_000).toISOString().slice(0, 10);
  const all = Object.values(alerts).sort((a, b) => b.raisedSeq - a.raisedSeq);
  const needle = q.trim().toLowerCase();
  const shown = all.filter(
    (a) =>
      (status === '' ||
        (status === 'active' && a.status !== 'disposed') ||
        (status === 'overdue' && a.status !== 'disposed' && today > a.dueDay) ||
        (status === 'disposed' && a.status === 'disposed')) &&
      (needle === '' ||
        [a.alertId, a.ruleId, a.riskCode, a.riskName ?? '', a.subject.id, a.detail].some((x) =>
          x.toLowerCase().includes(needle),
        )),
  );
  const open = all.filter((a) => a.status !== 'disposed').length;
  const take = async (a: RiskAlert) => {
    const r = await api<RiskAlert>('POST', `/api/risk/alerts/${encodeURIComponent(a.alertId)}/assign`, {
      ownerId: me.id,
    });
    if (r.ok) store.dispatch({ type: 'risk-alerts', alerts: [r.data] });
    setFlash(
      r.ok ? { kind: 'ok', text: `已认领 ${a.alertId}` } : { kind: 'error', text: errorText(r.error) },
    );
  };
  return (
    <div class="stack" data-testid="risk-alerts">
      <Panel
        title={`风险预警（未处置 ${open}）`}
        en="Risk alerts"
        class={open > 0 ? 'alerting' : ''}
        actions={
          <form class="inline" onSubmit={(e) => e.preventDefault()}>
            <label class="inline">
              状态 <span class="en">Status</span>
              <select
                name="status"
                value={status}
                onChange={(e) => setStatus(e.currentTarget.value as typeof status)}
              >
                <option value="active">未处置 Active</option>
                <option value="overdue">已超期 Overdue</option>
                <option value="disposed">已处置 Disposed</option>
                <option value="">全部 All</option>
              </select>
            </label>
            <label class="inline">
              搜索 <span class="en">Search</span>
              <input
                name="q"
                value={q}
                onInput={(e) => setQ(e.currentTarget.value)}
                placeholder="规则、代码、对象"
              />
            </label>
          </form>
        }
      >
        {shown.length === 0 ? (
          <p class="dim">没有符合条件的预警 No alerts</p>
        ) : (
          <table class="table" data-testid="risk-alert-table">
            <thead>
              <tr>
                <th>时间 Time</th>
                <th>风险点 Risk</th>
                <th>规则 Rule</th>
                <th>对象 Subject</th>
                <th>情况 Detail</th>
                <th>处置时限 Due</th>
                <th>状态 Status</th>
                <th>操作 Actions</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((a) => {
                const overdue = a.status !== 'disposed' && today > a.dueDay;
                return (
                  <tr key={a.alertId} data-alert-id={a.alertId} class={overdue ? 'late' : ''}>
                    <td>{hallTime(a.raisedAt)}</td>
                    <td>
                      {a.riskCode} {a.riskName}
                      <span class="dim"> {a.category}</span>
                    </td>
                    <td>
                      {a.ruleId}
                      <span class="dim">
                        {' '}
                        {rules?.rules.find((r) => r.id === a.ruleId)
                          ? RISK_RULE_KIND_ZH[rules.rules.find((r) => r.id === a.ruleId)!.kind]
                          : ''}
                      </span>
                    </td>
                    <td>
                      {a.subjectLabel ??
                        `${a.subject.kind}:${a.subject.id.length > 16 ? `${a.subject.id.slice(0, 12)}…` : a.subject.id}`}
                    </td>
                    <td>{a.detail}</td>
                    <td>
                      {a.dueDay}
                      {overdue && <b class="tag"> 超期</b>}
                      {a.escalated && <b class="tag"> 已上报</b>}
                    </td>
                    <td data-status={a.status}>
                      {STATUS_ZH[a.status]}
                      {a.disposition && ` · ${RISK_DISPOSITION_ZH[a.disposition]}`}
                      {a.note && <div class="dim">{a.note}</div>}
                    </td>
                    <td>
                      {a.status === 'open' && (
                        <button class="btn small" type="button" data-action="take" onClick={() => take(a)}>
                          认领 <span class="en">Take</span>
                        </button>
                      )}
                      {a.status !== 'disposed' && (
                        <button
                          class="btn small primary"
                          type="button"
                          data-action="dispose"
                          onClick={() => setDisposing(a)}
                        >
                          处置 <span class="en">Dispose</span>
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Panel>
      <OverridePanel rules={rules} onResult={setFlash} />
      <Flash message={flash} />
      {disposing && (
        <DisposeDialog
          alert={disposing}
          onClose={() => setDisposing(null)}
          onDone={(a) => {
            store.dispatch({ type: 'risk-alerts', alerts: [a] });
            setDisposing(null);
            setFlash({ kind: 'ok', text: `已处置 ${a.alertId}` });
          }}
        />
      )}
    </div>
  );
}

function DisposeDialog(props: { alert: RiskAlert; onClose: () => void; onDone: (a: RiskAlert) => void }) {
  const [disposition, setDisposition] = useState<RiskDisposition>('confirmed');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await api<RiskAlert>(
      'POST',
      `/api/risk/alerts/${encodeURIComponent(props.alert.alertId)}/dispose`,
      {
        disposition,
        note: note.trim(),
      },
    );
    if (r.ok) props.onDone(r.data);
    else setError(errorText(r.error));
  };
  return (
    <Modal title={`处置预警 ${props.alert.alertId}`} onClose={props.onClose}>
      <form class="stack" onSubmit={submit} data-testid="dispose-dialog">
        <p>{props.alert.detail}</p>
        <fieldset>
          <legend>
            处置结论 <span class="en">Disposition</span>
          </legend>
          {RISK_DISPOSITIONS.map((d) => (
            <label key={d} class="inline">
              <input
                type="radio"
                name="disposition"
                value={d}
                checked={disposition === d}
                onChange={() => setDisposition(d)}
              />
              {RISK_DISPOSITION_ZH[d]}
            </label>
          ))}
        </fieldset>
        <label>
          处置说明 <span class="en">Note (no ID or phone numbers)</span>
          <textarea
            name="note"
            required
            maxLength={500}
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button class="btn primary" type="submit" data-action="confirm-dispose" disabled={note.trim() === ''}>
          确认处置 <span class="en">Dispose</span>
        </button>
      </form>
    </Modal>
  );
}

/** A blocked colleague asks; the manager lets them past one rule once, with a reason (RISK-INT-2). */
function OverridePanel(props: {
  rules: RiskRulesView | null;
  onResult: (m: { kind: 'ok' | 'error'; text: string }) => void;
}) {
  const blocking = props.rules?.rules.filter((r) => r.mode === 'block' && r.enabled) ?? [];
  const [ruleId, setRuleId] = useState('');
  const [actorId, setActorId] = useState('');
  const [reason, setReason] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await api('POST', '/api/risk/overrides', {
      ruleId: ruleId || blocking[0]?.id,
      actorId: actorId.trim(),
      reason: reason.trim(),
    });
    props.onResult(
      r.ok
        ? { kind: 'ok', text: '已放行一次（30 分钟内有效），请通知该工作人员重试' }
        : { kind: 'error', text: errorText(r.error) },
    );
    if (r.ok) setReason('');
  };
  return (
    <Panel title="拦截放行" en="Override a blocking rule once">
      <form class="inline wrap" onSubmit={submit} data-testid="risk-override">
        <label class="inline">
          规则 <span class="en">Rule</span>
          <select
            name="ruleId"
            value={ruleId || blocking[0]?.id}
            onChange={(e) => setRuleId(e.currentTarget.value)}
          >
            {blocking.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id} {RISK_RULE_KIND_ZH[r.kind]}
              </option>
            ))}
          </select>
        </label>
        <label class="inline">
          工作人员账号 <span class="en">Staff username</span>
          <input name="actorId" required value={actorId} onInput={(e) => setActorId(e.currentTarget.value)} />
        </label>
        <label class="inline">
          放行理由 <span class="en">Reason</span>
          <input
            name="reason"
            required
            maxLength={300}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </label>
        <button class="btn" type="submit" disabled={blocking.length === 0}>
          放行 <span class="en">Allow once</span>
        </button>
      </form>
    </Panel>
  );
}

const EMPTY_ENTRY: RiskEntry = {
  code: '',
  category: '操作',
  name: '',
  description: '',
  probability: 'medium',
  severity: 'medium',
  prevention: '',
  disposalDays: 5,
};

/** The risk list (§12.2) and its rules: the admin edits and publishes a new version; others read. */
function RiskList({ me }: { me: CurrentStaff }) {
  const admin = (me.roles as string[]).includes('admin');
  const [list, setList] = useState<RiskListView | null>(null);
  const [entries, setEntries] = useState<RiskEntry[]>([]);
  const [rules, setRules] = useState<RiskRulesView | null>(null);
  const [rulesText, setRulesText] = useState('');
  const [flash, setFlash] = useFlash();
  const load = () => {
    api<RiskListView>('GET', '/api/risk/list').then((r) => {
      if (r.ok) {
        setList(r.data);
        setEntries(r.data.entries);
      }
    });
    api<RiskRulesView>('GET', '/api/risk/rules').then((r) => {
      if (r.ok) {
        setRules(r.data);
        setRulesText(JSON.stringify(r.data.rules, null, 2));
      }
    });
  };
  useEffect(load, []);
  const put = (i: number, patch: Partial<RiskEntry>) =>
    setEntries(entries.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  const publishList = async () => {
    const r = await api<RiskListView>('PUT', '/api/risk/list', { entries });
    if (r.ok) {
      setList(r.data);
      setEntries(r.data.entries);
    }
    setFlash(
      r.ok
        ? { kind: 'ok', text: `风险清单已发布第 ${r.data.version} 版` }
        : { kind: 'error', text: errorText(r.error) },
    );
  };
  const publishRules = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rulesText);
    } catch {
      setFlash({ kind: 'error', text: '规则不是合法的 JSON' });
      return;
    }
    const r = await api<RiskRulesView>('PUT', '/api/risk/rules', { rules: parsed });
    if (r.ok) setRules(r.data);
    setFlash(
      r.ok
        ? { kind: 'ok', text: `监控规则已发布第 ${r.data.version} 版` }
        : { kind: 'error', text: errorText(r.error) },
    );
  };
  const exportAs = async (format: 'csv' | 'xlsx') => {
    const err = await download(
      `/api/risk/list/export?format=${format}`,
      `风险清单_v${list?.version ?? 0}.${format}`,
    );
    if (err) setFlash({ kind: 'error', text: err });
  };
  if (list === null) return <div class="center-note">正在载入… Loading…</div>;
  const when = list.publishedAt === null ? '' : ` · ${hallTime(list.publishedAt)}`;
  return (
    <div class="stack" data-testid="risk-list">
      <Panel
        title={`风险清单 第 ${list.version} 版${when}`}
        en="Risk list (LD/T 02 §12.2)"
        actions={
          <>
            <button class="btn small" type="button" onClick={() => exportAs('csv')}>
              导出 CSV
            </button>
            <button class="btn small" type="button" onClick={() => exportAs('xlsx')}>
              导出 Excel
            </button>
          </>
        }
      >
        <table class="table risk-list">
          <thead>
            <tr>
              <th>类别</th>
              <th>代码</th>
              <th>名称</th>
              <th>描述</th>
              <th>发生概率</th>
              <th>破坏程度</th>
              <th>预防措施</th>
              <th>处置时限（工作日）</th>
              {admin && <th>操作</th>}
            </tr>
          </thead>
          <tbody>
            {entries.map((e, i) =>
              admin ? (
                <tr key={i} data-code={e.code}>
                  <td>
                    <select
                      aria-label="类别"
                      value={e.category}
                      onChange={(x) => put(i, { category: x.currentTarget.value as RiskEntry['category'] })}
                    >
                      {RISK_CATEGORIES.map((c) => (
                        <option key={c}>{c}</option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      aria-label="代码"
                      class="tiny"
                      value={e.code}
                      onInput={(x) => put(i, { code: x.currentTarget.value })}
                    />
                  </td>
                  <td>
                    <input
                      aria-label="名称"
                      value={e.name}
                      onInput={(x) => put(i, { name: x.currentTarget.value })}
                    />
                  </td>
                  <td>
                    <textarea
                      aria-label="描述"
                      value={e.description}
                      onInput={(x) => put(i, { description: x.currentTarget.value })}
                    />
                  </td>
                  {(['probability', 'severity'] as const).map((k) => (
                    <td key={k}>
                      <select
                        aria-label={k === 'probability' ? '发生概率' : '破坏程度'}
                        value={e[k]}
                        onChange={(x) => put(i, { [k]: x.currentTarget.value })}
                      >
                        {RISK_LEVELS.map((l) => (
                          <option key={l} value={l}>
                            {RISK_LEVEL_ZH[l]}
                          </option>
                        ))}
                      </select>
                    </td>
                  ))}
                  <td>
                    <textarea
                      aria-label="预防措施"
                      value={e.prevention}
                      onInput={(x) => put(i, { prevention: x.currentTarget.value })}
                    />
                  </td>
                  <td>
                    <input
                      aria-label="处置时限"
                      type="number"
                      class="tiny"
                      min={1}
                      max={60}
                      value={e.disposalDays}
                      onInput={(x) => put(i, { disposalDays: Number(x.currentTarget.value) })}
                    />
                  </td>
                  <td>
                    <button
                      class="btn small"
                      type="button"
                      onClick={() => setEntries(entries.filter((_, j) => j !== i))}
                    >
                      删除
                    </button>
                  </td>
                </tr>
              ) : (
                <tr key={e.code} data-code={e.code}>
                  <td>{e.category}</td>
                  <td>{e.code}</td>
                  <td>{e.name}</td>
                  <td>{e.description}</td>
                  <td>{RISK_LEVEL_ZH[e.probability]}</td>
                  <td>{RISK_LEVEL_ZH[e.severity]}</td>
                  <td>{e.prevention}</td>
                  <td>{e.disposalDays}</td>
                </tr>
              ),
            )}
          </tbody>
        </table>
        {admin && (
          <div class="inline">
            <button
              class="btn small"
              type="button"
              onClick={() => setEntries([...entries, { ...EMPTY_ENTRY }])}
            >
              新增风险点 <span class="en">Add</span>
            </button>
            <button class="btn primary" type="button" data-action="publish-list" onClick={publishList}>
              发布新版本 <span class="en">Publish</span>
            </button>
          </div>
        )}
      </Panel>
      <Panel
        title={`监控规则 第 ${rules?.version ?? 0} 版`}
        en="Monitoring rules (JSON, validated by the server)"
      >
        <ul class="dim">
          {rules?.rules.map((r) => (
            <li key={r.id}>
              {r.id} · {RISK_RULE_KIND_ZH[r.kind]} · {r.riskCode} · {r.mode === 'block' ? '拦截' : '预警'}
              {r.enabled ? '' : ' · 已停用'} · {JSON.stringify(r.thresholds)}
            </li>
          ))}
        </ul>
        {admin && (
          <>
            <label>
              规则（JSON） <span class="en">Rules</span>
              <textarea
                name="rules"
                rows={12}
                class="risk-rules"
                value={rulesText}
                onInput={(e) => setRulesText(e.currentTarget.value)}
              />
            </label>
            <button class="btn primary" type="button" data-action="publish-rules" onClick={publishRules}>
              发布规则 <span class="en">Publish rules</span>
            </button>
          </>
        )}
      </Panel>
      <Flash message={flash} />
    </div>
  );
}
