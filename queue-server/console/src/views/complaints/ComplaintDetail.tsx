/**
 * One complaint (SPEC CMP-3..6): its facts as a timeline, the ratings and follow-up of its
 * ticket, and the steps the viewer may take: a manager assigns; the handler or a manager notes,
 * replies to the complainant and closes with their satisfaction. The full contact is fetched on
 * request with a purpose (recorded in the read trail) and dropped when the panel closes.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import {
  COMPLAINT_CHANNEL_ZH,
  COMPLAINT_STATUS_ZH,
  type ComplaintContact,
  type ComplaintDetail,
  REPLY_CHANNEL_ZH,
  REPLY_CHANNELS,
  type ReplyChannel,
  SATISFACTION_LEVELS,
  SATISFACTION_ZH,
  type Satisfaction,
} from '@onewindow/shared/complaints.ts';
import { useEffect, useState } from 'preact/hooks';
import { Flash, Panel, useFlash } from '../../components/ui.tsx';
import { api, errorText } from '../../core/api.ts';
import { hallDateTime } from '../../core/format.ts';

const STEP_ZH: Record<string, string> = {
  'complaint:registered': '登记',
  'complaint:assigned': '分派承办人',
  'complaint:noted': '调查记录',
  'complaint:replied': '答复投诉人',
  'complaint:closed': '办结',
};

type Handler = { id: string; name: string; staffNumber: string };

export function ComplaintDetailPanel(props: { id: string; me: CurrentStaff; onChanged: () => void }) {
  const manager = props.me.roles.includes('manager');
  const [c, setC] = useState<ComplaintDetail | null>(null);
  const [contact, setContact] = useState<ComplaintContact | null>(null);
  const [handlers, setHandlers] = useState<Handler[]>([]);
  const [flash, setFlash] = useFlash();
  const load = async () => {
    const r = await api<ComplaintDetail>('GET', `/api/complaints/${encodeURIComponent(props.id)}`);
    if (r.ok) setC(r.data);
    else setFlash({ kind: 'error', text: errorText(r.error) });
  };
  useEffect(() => {
    void load();
    if (manager)
      void api<Handler[]>('GET', '/api/complaints/handlers').then((r) => r.ok && setHandlers(r.data));
  }, [props.id]);
  if (c === null)
    return (
      <Panel title="投诉详情" en="Complaint">
        <Flash message={flash} />
      </Panel>
    );
  const mine = manager || c.handlerId === props.me.id;
  const open = c.status !== 'closed';
  const step = async (path: string, body: unknown, done: string) => {
    const r = await api<ComplaintDetail>('POST', `/api/complaints/${encodeURIComponent(c.id)}/${path}`, body);
    if (!r.ok) return setFlash({ kind: 'error', text: errorText(r.error) });
    setC(r.data);
    setFlash({ kind: 'ok', text: done });
    props.onChanged();
  };
  const name = (id: string | null) => (id === null ? '—' : (c.staff[id]?.name ?? id));
  return (
    <Panel title={`投诉 ${c.id}`} en="Complaint" testid="complaint-detail">
      <Flash message={flash} />
      <table class="kv">
        <tbody>
          <tr>
            <th>状态</th>
            <td data-testid="complaint-status">
              {COMPLAINT_STATUS_ZH[c.status]}
              {c.overdue && <span class="badge bad"> 超期</span>}
            </td>
          </tr>
          <tr>
            <th>渠道</th>
            <td>
              {COMPLAINT_CHANNEL_ZH[c.channel]} {c.workOrderNo ?? ''}
            </td>
          </tr>
          <tr>
            <th>涉及对象</th>
            <td>{c.subject.label}</td>
          </tr>
          <tr>
            <th>投诉人</th>
            <td data-testid="complaint-contact">
              {contact === null ? c.contactMasked : `${contact.name} ${contact.phone}`}
              {contact === null && mine && (
                <button
                  type="button"
                  class="btn small"
                  data-action="reveal-contact"
                  onClick={async () => {
                    const purpose = window.prompt('查看投诉人联系方式的用途（将记入查阅记录）', '回复投诉人');
                    if (!purpose) return;
                    const r = await api<ComplaintContact>(
                      'GET',
                      `/api/complaints/${encodeURIComponent(c.id)}/contact?purpose=${encodeURIComponent(purpose)}`,
                    );
                    if (r.ok) setContact(r.data);
                    else setFlash({ kind: 'error', text: errorText(r.error) });
                  }}
                >
                  查看 <span class="en">Show</span>
                </button>
              )}
            </td>
          </tr>
          {contact !== null && (
            <tr>
              <th>投诉内容</th>
              <td>{contact.content}</td>
            </tr>
          )}
          <tr>
            <th>办理时限</th>
            <td>
              {c.deadline}（{c.workingDays}个工作日）
            </td>
          </tr>
          <tr>
            <th>承办人</th>
            <td data-testid="complaint-handler">{name(c.handlerId)}</td>
          </tr>
          {c.reply && (
            <tr>
              <th>答复</th>
              <td>
                {REPLY_CHANNEL_ZH[c.reply.channel]}：{c.reply.note}
              </td>
            </tr>
          )}
          {c.status === 'closed' && (
            <tr>
              <th>办结</th>
              <td>
                {c.satisfaction && SATISFACTION_ZH[c.satisfaction]}，{c.upheld ? '属实' : '不属实'}
                {c.rectification && `，整改：${c.rectification}`}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h3>
        关联评价与回访 <span class="en">Ratings and follow-up</span>
      </h3>
      {c.links.ratings.length === 0 && c.links.followUp === null ? (
        <p class="dim">无 None</p>
      ) : (
        <ul class="plain" data-testid="complaint-links">
          {c.links.ratings.map((r) => (
            <li key={r.at}>
              {hallDateTime(r.at)} 评价 {r.level} 星
            </li>
          ))}
          {c.links.followUp && (
            <li>
              差评回访：{c.links.followUp.status}，整改期限 {c.links.followUp.deadline}
            </li>
          )}
        </ul>
      )}
      <h3>
        处理经过 <span class="en">Timeline</span>
      </h3>
      <ol class="timeline" data-testid="complaint-timeline">
        {c.history.map((h) => (
          <li key={h.seq}>
            <span class="dim">{hallDateTime(h.at)}</span> {STEP_ZH[h.type] ?? h.type} · {name(h.by)}
            {h.handlerId && ` → ${name(h.handlerId)}`}
            {h.note && `：${h.note}`}
          </li>
        ))}
      </ol>
      {open && manager && handlers.length > 0 && (
        <AssignForm
          handlers={handlers}
          current={c.handlerId}
          onAssign={(id) => step('assign', { handlerId: id }, '已分派')}
        />
      )}
      {open && mine && <StepForms onStep={step} canClose={c.reply !== null} />}
    </Panel>
  );
}

function AssignForm(props: { handlers: Handler[]; current: string | null; onAssign: (id: string) => void }) {
  const [id, setId] = useState(props.current ?? '');
  return (
    <form
      class="complaint-step"
      onSubmit={(e) => {
        e.preventDefault();
        if (id !== '') props.onAssign(id);
      }}
    >
      <label class="field">
        承办人 <span class="en">Handler</span>
        <select value={id} onChange={(e) => setId(e.currentTarget.value)} name="handler">
          <option value="">请选择</option>
          {props.handlers.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name}（{h.staffNumber}）
            </option>
          ))}
        </select>
      </label>
      <button class="btn" type="submit" data-action="assign">
        分派 <span class="en">Assign</span>
      </button>
    </form>
  );
}

function StepForms(props: {
  onStep: (path: string, body: unknown, done: string) => Promise<void>;
  canClose: boolean;
}) {
  const [note, setNote] = useState('');
  const [channel, setChannel] = useState<ReplyChannel>('phone');
  const [reply, setReply] = useState('');
  const [satisfaction, setSatisfaction] = useState<Satisfaction>('satisfied');
  const [upheld, setUpheld] = useState(false);
  const [rect, setRect] = useState('');
  return (
    <div class="complaint-steps">
      <form
        class="complaint-step"
        onSubmit={async (e) => {
          e.preventDefault();
          await props.onStep('notes', { note }, '已记录');
          setNote('');
        }}
      >
        <label class="field wide">
          调查记录 <span class="en">Investigation note</span>
          <textarea
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
            rows={2}
            name="note"
            required
          />
        </label>
        <button class="btn" type="submit" data-action="note">
          记录 <span class="en">Add</span>
        </button>
      </form>
      <form
        class="complaint-step"
        onSubmit={async (e) => {
          e.preventDefault();
          await props.onStep('reply', { channel, note: reply }, '已记录答复');
          setReply('');
        }}
      >
        <label class="field">
          答复方式 <span class="en">Reply by</span>
          <select
            value={channel}
            onChange={(e) => setChannel(e.currentTarget.value as ReplyChannel)}
            name="reply-channel"
          >
            {REPLY_CHANNELS.map((r) => (
              <option key={r} value={r}>
                {REPLY_CHANNEL_ZH[r]}
              </option>
            ))}
          </select>
        </label>
        <label class="field wide">
          答复内容 <span class="en">Reply</span>
          <textarea
            value={reply}
            onInput={(e) => setReply(e.currentTarget.value)}
            rows={2}
            name="reply"
            required
          />
        </label>
        <button class="btn" type="submit" data-action="reply">
          答复 <span class="en">Reply</span>
        </button>
      </form>
      <form
        class="complaint-step"
        onSubmit={(e) => {
          e.preventDefault();
          void props.onStep(
            'close',
            { satisfaction, upheld, ...(rect.trim() !== '' ? { rectification: rect } : {}) },
            '已办结',
          );
        }}
      >
        <label class="field">
          投诉人满意度 <span class="en">Satisfaction</span>
          <select
            value={satisfaction}
            onChange={(e) => setSatisfaction(e.currentTarget.value as Satisfaction)}
            name="satisfaction"
          >
            {SATISFACTION_LEVELS.map((s) => (
              <option key={s} value={s}>
                {SATISFACTION_ZH[s]}
              </option>
            ))}
          </select>
        </label>
        <label class="field check">
          <input
            type="checkbox"
            checked={upheld}
            onChange={(e) => setUpheld(e.currentTarget.checked)}
            name="upheld"
          />
          投诉属实 <span class="en">Upheld</span>
        </label>
        <label class="field wide">
          整改情况 <span class="en">Rectification</span>
          <textarea
            value={rect}
            onInput={(e) => setRect(e.currentTarget.value)}
            rows={2}
            name="rectification"
          />
        </label>
        <button
          class="btn primary"
          type="submit"
          disabled={!props.canClose}
          data-action="close"
          title={props.canClose ? '' : '先答复投诉人'}
        >
          办结 <span class="en">Close</span>
        </button>
      </form>
    </div>
  );
}
