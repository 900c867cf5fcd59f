/**
 * 网上预审 (LD/T 02 §10.3, SPEC MOB-PRE-2): the reviewer's list of online forms of high-risk
 * items. The list shows codes and items only; a form's answers are read one at a time (each read
 * is in the trail), then passed or returned with reasons the citizen sees on the phone.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import { PRECHECK_STATUS_ZH, type PrecheckItem, type PrecheckStatus } from '@onewindow/shared/booking.ts';
import { useEffect, useState } from 'preact/hooks';
import { Flash, Panel, useFlash } from '../../components/ui.tsx';
import { api, errorText } from '../../core/api.ts';
import { hallDateTime } from '../../core/format.ts';

type Row = Omit<PrecheckItem, 'fields'>;
const FILTERS: PrecheckStatus[] = ['pending', 'passed', 'returned'];

export function PrecheckView(_props: { me: CurrentStaff }) {
  const [status, setStatus] = useState<PrecheckStatus>('pending');
  const [rows, setRows] = useState<Row[]>([]);
  const [open, setOpen] = useState<PrecheckItem | null>(null);
  const [reasons, setReasons] = useState('');
  const [flash, setFlash] = useFlash();

  const load = async (s = status) => {
    const r = await api<Row[]>('GET', `/api/prechecks?status=${s}`);
    if (r.ok) setRows(r.data);
    else setFlash({ kind: 'error', text: errorText(r.error) });
  };
  useEffect(() => {
    void load(status);
  }, [status]);

  const read = async (id: string) => {
    const r = await api<PrecheckItem>('GET', `/api/prechecks/${encodeURIComponent(id)}`);
    if (r.ok) {
      setOpen(r.data);
      setReasons('');
    } else setFlash({ kind: 'error', text: errorText(r.error) });
  };

  const decide = async (outcome: 'passed' | 'returned') => {
    if (open === null) return;
    const list = reasons
      .split('\n')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    const body = outcome === 'passed' ? { outcome } : { outcome, reasons: list };
    const r = await api<PrecheckItem>('POST', `/api/prechecks/${encodeURIComponent(open.id)}`, body);
    if (!r.ok) return setFlash({ kind: 'error', text: r.error.messageZh ?? errorText(r.error) });
    setFlash({ kind: 'ok', text: `${open.code} ${PRECHECK_STATUS_ZH[r.data.precheck]}` });
    setOpen(null);
    await load();
  };

  return (
    <div class="stack">
      <Panel
        title="网上预审"
        en="Online pre-check"
        testid="precheck-list"
        actions={FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            class={f === status ? 'btn small active' : 'btn small'}
            aria-pressed={f === status}
            onClick={() => setStatus(f)}
          >
            {PRECHECK_STATUS_ZH[f]}
          </button>
        ))}
      >
        <Flash message={flash} />
        <table class="table">
          <thead>
            <tr>
              <th>表单码</th>
              <th>事项</th>
              <th>提交时间</th>
              <th>状态</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-code={r.code}>
                <td class="num">
                  <button type="button" class="btn small" onClick={() => void read(r.id)} data-action="open">
                    {r.code}
                  </button>
                </td>
                <td>{r.itemName}</td>
                <td class="num nowrap">{hallDateTime(r.createdAt)}</td>
                <td>{PRECHECK_STATUS_ZH[r.precheck]}</td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={4} class="dim center">
                  没有表单 None
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </Panel>
      {open && (
        <Panel title={`${open.formTitle} ${open.code}`} en="Form" testid="precheck-form">
          <p class="dim">
            {open.itemName} · {PRECHECK_STATUS_ZH[open.precheck]}
            {open.reasons.length > 0 && `（${open.reasons.join('；')}）`}
          </p>
          <table class="kv">
            <tbody>
              {open.fields.map((f) => (
                <tr key={f.key}>
                  <th>{f.label}</th>
                  <td>{f.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {open.precheck === 'pending' && (
            <div class="stack">
              <label class="field">
                退回原因（每行一条，不要写证件号码、电话等个人信息）
                <textarea
                  name="reasons"
                  rows={3}
                  value={reasons}
                  onInput={(e) => setReasons(e.currentTarget.value)}
                />
              </label>
              <div class="action-row">
                <button
                  type="button"
                  class="btn primary"
                  data-action="pass"
                  onClick={() => void decide('passed')}
                >
                  预审通过 Pass
                </button>
                <button
                  type="button"
                  class="btn"
                  data-action="return"
                  disabled={reasons.trim() === ''}
                  onClick={() => void decide('returned')}
                >
                  退回 Return
                </button>
              </div>
            </div>
          )}
        </Panel>
      )}
    </div>
  );
}
