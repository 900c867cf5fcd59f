/**
 * 投诉处理 (LD/T 02 §13.3, SPEC CMP-*): register a complaint, the register with filters (a
 * manager sees all and the overdue ones; other staff the complaints they handle or registered),
 * a 12345 work-order import for managers, and the detail of the chosen complaint. Contacts show
 * masked; the full contact is fetched only on request, with a purpose, and never kept.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import {
  COMPLAINT_CHANNEL_ZH,
  COMPLAINT_CHANNELS,
  COMPLAINT_STATUS_ZH,
  COMPLAINT_STATUSES,
  COMPLAINT_SUBJECT_KINDS,
  COMPLAINT_SUBJECT_ZH,
  type ComplaintChannel,
  type ComplaintImportResult,
  type ComplaintList,
  type ComplaintStatus,
  type ComplaintSubjectKind,
} from '@onewindow/shared/complaints.ts';
import { useEffect, useState } from 'preact/hooks';
import { Flash, Panel, useFlash } from '../../components/ui.tsx';
import { api, errorText } from '../../core/api.ts';
import { ComplaintDetailPanel } from './ComplaintDetail.tsx';
import './complaints.css';

type Filter = ComplaintStatus | 'overdue' | 'all';

export function ComplaintsView({ me }: { me: CurrentStaff }) {
  const manager = me.roles.includes('manager');
  const [filter, setFilter] = useState<Filter>('all');
  const [list, setList] = useState<ComplaintList | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [flash, setFlash] = useFlash();
  const load = async () => {
    const q = filter === 'all' ? '' : `?status=${filter}`;
    const r = await api<ComplaintList>('GET', `/api/complaints${q}`);
    if (r.ok) setList(r.data);
    else setFlash({ kind: 'error', text: errorText(r.error) });
  };
  useEffect(() => {
    void load();
  }, [filter]);

  return (
    <div class="complaints">
      <div class="complaints-main">
        <Flash message={flash} />
        <Panel title="投诉登记" en="Register a complaint" testid="complaint-register">
          <RegisterForm
            onDone={(id, text) => {
              setFlash({ kind: 'ok', text });
              setChosen(id);
              void load();
            }}
            onError={(text) => setFlash({ kind: 'error', text })}
          />
        </Panel>
        {manager && (
          <Panel title="12345工单导入" en="Import 12345 work orders" testid="complaint-import">
            <ImportForm
              onDone={(text) => {
                setFlash({ kind: 'ok', text });
                void load();
              }}
              onError={(text) => setFlash({ kind: 'error', text })}
            />
          </Panel>
        )}
        <Panel title="投诉台账" en="Register" testid="complaint-list">
          <div class="chips" title="按状态筛选 Filter by status">
            {(['all', ...COMPLAINT_STATUSES, 'overdue'] as Filter[]).map((f) => (
              <button
                key={f}
                type="button"
                class={filter === f ? 'chip on' : 'chip'}
                aria-pressed={filter === f}
                data-filter={f}
                onClick={() => setFilter(f)}
              >
                {f === 'all' ? '全部' : f === 'overdue' ? '已超期' : COMPLAINT_STATUS_ZH[f]}
                {list && <small> {f === 'all' ? list.counts.total : list.counts[f]}</small>}
              </button>
            ))}
          </div>
          {list !== null && list.complaints.length === 0 && <p class="dim">暂无投诉 No complaints</p>}
          {list !== null && list.complaints.length > 0 && (
            <table class="table compact">
              <thead>
                <tr>
                  <th>编号</th>
                  <th>渠道</th>
                  <th>涉及对象</th>
                  <th>投诉人</th>
                  <th>办理时限</th>
                  <th>状态</th>
                </tr>
              </thead>
              <tbody>
                {list.complaints.map((c) => (
                  <tr
                    key={c.id}
                    class={c.overdue && c.status !== 'closed' ? 'late' : ''}
                    data-complaint={c.id}
                  >
                    <td>
                      <button type="button" class="link" onClick={() => setChosen(c.id)}>
                        {c.id}
                      </button>
                    </td>
                    <td>
                      {COMPLAINT_CHANNEL_ZH[c.channel]}
                      {c.workOrderNo && <span class="dim"> {c.workOrderNo}</span>}
                    </td>
                    <td>{c.subject.label}</td>
                    <td>{c.contactMasked}</td>
                    <td>
                      {c.deadline}
                      {c.overdue && c.status !== 'closed' && <span class="badge bad"> 超期</span>}
                    </td>
                    <td>{COMPLAINT_STATUS_ZH[c.status]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {list && <p class="dim">今天 {list.today}</p>}
        </Panel>
      </div>
      <div class="complaints-side">
        {chosen !== null && (
          <ComplaintDetailPanel key={chosen} id={chosen} me={me} onChanged={() => void load()} />
        )}
      </div>
    </div>
  );
}

function RegisterForm(props: {
  onDone: (id: string, text: string) => void;
  onError: (text: string) => void;
}) {
  const [channel, setChannel] = useState<ComplaintChannel>('window');
  const [kind, setKind] = useState<ComplaintSubjectKind>('window');
  const [ref, setRef] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [content, setContent] = useState('');
  const [days, setDays] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const r = await api<{ id: string; deadline: string }>('POST', '/api/complaints', {
      channel,
      subject: { kind, ref },
      name,
      phone,
      content,
      ...(days !== '' ? { workingDays: Number(days) } : {}),
    });
    setBusy(false);
    if (!r.ok) return props.onError(`登记失败：${errorText(r.error)}`);
    setName('');
    setPhone('');
    setContent('');
    setRef('');
    props.onDone(r.data.id, `已登记投诉 ${r.data.id}，办理时限 ${r.data.deadline}`);
  };
  return (
    <form class="complaint-form" onSubmit={submit}>
      <label class="field">
        渠道 <span class="en">Channel</span>
        <select
          value={channel}
          onChange={(e) => setChannel(e.currentTarget.value as ComplaintChannel)}
          name="channel"
        >
          {COMPLAINT_CHANNELS.map((c) => (
            <option key={c} value={c}>
              {COMPLAINT_CHANNEL_ZH[c]}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        涉及对象 <span class="en">Subject</span>
        <select
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value as ComplaintSubjectKind)}
          name="kind"
        >
          {COMPLAINT_SUBJECT_KINDS.map((k) => (
            <option key={k} value={k}>
              {COMPLAINT_SUBJECT_ZH[k]}
            </option>
          ))}
        </select>
      </label>
      {kind !== 'hall' && (
        <label class="field">
          {kind === 'window' ? '窗口号' : kind === 'clerk' ? '工号' : kind === 'item' ? '事项编码' : '编号'}
          <span class="en">Reference</span>
          <input value={ref} onInput={(e) => setRef(e.currentTarget.value)} name="ref" required />
        </label>
      )}
      <label class="field">
        投诉人 <span class="en">Complainant</span>
        <input
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          name="name"
          autocomplete="off"
          required
        />
      </label>
      <label class="field">
        联系电话 <span class="en">Phone</span>
        <input
          value={phone}
          onInput={(e) => setPhone(e.currentTarget.value)}
          name="phone"
          inputMode="tel"
          autocomplete="off"
          required
        />
      </label>
      <label class="field">
        办理时限（工作日，默认10）<span class="en">Working days</span>
        <input value={days} onInput={(e) => setDays(e.currentTarget.value)} name="days" inputMode="numeric" />
      </label>
      <label class="field wide">
        投诉内容 <span class="en">What happened</span>
        <textarea
          value={content}
          onInput={(e) => setContent(e.currentTarget.value)}
          name="content"
          rows={3}
          required
        />
      </label>
      <button class="btn primary" type="submit" disabled={busy} data-action="register">
        登记 <span class="en">Register</span>
      </button>
    </form>
  );
}

function ImportForm(props: { onDone: (text: string) => void; onError: (text: string) => void }) {
  const [busy, setBusy] = useState(false);
  const onFile = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    const text = await file.text();
    let body: unknown;
    if (file.name.toLowerCase().endsWith('.json')) {
      try {
        const parsed = JSON.parse(text) as unknown;
        body = {
          workOrders: Array.isArray(parsed) ? parsed : (parsed as { workOrders: unknown }).workOrders,
        };
      } catch {
        setBusy(false);
        input.value = '';
        return props.onError('JSON 文件无法解析');
      }
    } else body = { csv: text };
    const r = await api<ComplaintImportResult>('POST', '/api/complaints/import', body);
    setBusy(false);
    input.value = '';
    if (!r.ok) {
      const rows = (r.error.issues ?? []).map((i) => i.messageZh ?? i.message).join('；');
      return props.onError(`导入失败，整个文件未导入：${rows || errorText(r.error)}`);
    }
    props.onDone(`导入 ${r.data.imported.length} 件，已存在跳过 ${r.data.skipped.length} 件`);
  };
  return (
    <div>
      <p class="dim">
        CSV（UTF-8，首行表头：工单编号, 受理时间, 诉求人, 联系电话, 诉求内容, 涉及对象类型, 涉及对象,
        办理时限）或同名字段的 JSON。任何一行有误则整个文件不导入；已登记的工单编号自动跳过。
      </p>
      <label class="field">
        选择文件 <span class="en">File</span>
        <input
          type="file"
          accept=".csv,.json,text/csv,application/json"
          onChange={onFile}
          disabled={busy}
          name="import"
        />
      </label>
    </div>
  );
}
