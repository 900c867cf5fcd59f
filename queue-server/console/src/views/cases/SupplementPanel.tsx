/**
 * 补正收件 at the window: the cases the back office sent back for missing materials (待补正),
 * with what is missing, found by 受理编号 or ticket; when the applicant brings them the clerk
 * records 补正材料已收 (`case:supplement`) and the case is back in 待审核. Shown under the
 * clerk's counter, current with every pushed case fact. Whoever takes the materials in may no
 * longer review that case (SOD-1).
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import type { CaseRecord } from '@onewindow/shared/cases.ts';
import { useState } from 'preact/hooks';
import { Modal, Panel } from '../../components/ui.tsx';
import { errorText } from '../../core/api.ts';
import { offeredSteps, staffLabel, takeCaseStep, useCases } from '../../core/cases.ts';
import { hallDateTime } from '../../core/format.ts';
import type { ConsoleStore } from '../../core/staff.ts';
import './cases.css';

const WAITING = ['supplementing'] as const;

export function SupplementPanel(props: {
  me: CurrentStaff;
  store: ConsoleStore;
  onDone: (text: string) => void;
}) {
  const { cases, ready, error } = useCases(props.store, WAITING);
  const [q, setQ] = useState('');
  const [taking, setTaking] = useState<CaseRecord | null>(null);
  const needle = q.trim().toUpperCase();
  const rows = cases.filter(
    (c) => needle === '' || c.id.toUpperCase().includes(needle) || c.ticketNumber.toUpperCase() === needle,
  );
  return (
    <Panel
      title={`补正收件${ready ? `（${cases.length}）` : ''}`}
      en="Materials to take in"
      testid="supplement-panel"
      actions={
        <input
          type="search"
          name="supplement-search"
          class="case-search"
          placeholder="受理编号或号票"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
      }
    >
      {error && <p class="error">{error}</p>}
      {!ready && !error && <p class="dim">载入中… Loading…</p>}
      {ready && (
        <table class="table compact supplement-table">
          <tbody>
            {rows.map((c) => {
              const asked = c.history.findLast((h) => h.step === 'case:supplement-requested');
              const step = offeredSteps(c, props.me, ['intake'])[0];
              return (
                <tr key={c.id} data-case={c.id}>
                  <td class="nowrap">
                    <span class="num strong">{c.ticketNumber}</span>
                    <div class="dim num">{c.id}</div>
                  </td>
                  <td>
                    {c.itemName}
                    <ul class="material-list missing">
                      {c.missing.map((m) => (
                        <li key={m}>{m}</li>
                      ))}
                    </ul>
                  </td>
                  <td class="dim nowrap">
                    {asked && (
                      <>
                        {staffLabel(c, asked.by)} 告知
                        <div class="num">{hallDateTime(asked.at)}</div>
                      </>
                    )}
                  </td>
                  <td class="right">
                    {step && (
                      <button
                        type="button"
                        class="btn small primary"
                        data-step="case:supplement"
                        onClick={() => setTaking(c)}
                      >
                        补正材料已收 <span class="en">Received</span>
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
            {rows.length === 0 && (
              <tr>
                <td class="dim">
                  {cases.length === 0 ? '没有待补正的案件' : '没有符合的案件'}
                  <span class="en">Nothing waiting for materials</span>
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      {taking && (
        <TakeInDialog
          c={taking}
          store={props.store}
          onClose={() => setTaking(null)}
          onDone={(text) => {
            setTaking(null);
            props.onDone(text);
          }}
        />
      )}
    </Panel>
  );
}

function TakeInDialog(props: {
  c: CaseRecord;
  store: ConsoleStore;
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const { c } = props;
  const [note, setNote] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const send = async () => {
    setPending(true);
    setError(null);
    const r = await takeCaseStep(props.store, 'case:supplement', {
      caseId: c.id,
      ...(note.trim() !== '' ? { note: note.trim() } : {}),
    });
    setPending(false);
    if (!r.ok) setError(errorText(r.error));
    else props.onDone(`${c.ticketNumber} 补正材料已收，案件回到待审核`);
  };
  return (
    <Modal title={`补正收件 ${c.ticketNumber} · Take materials in`} onClose={props.onClose}>
      <div data-testid="supplement-take">
        <p>
          请核对申请人已补齐以下<strong>全部</strong>材料：
          <span class="en">Check that every one of these was brought</span>
        </p>
        <ul class="material-list missing">
          {c.missing.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
        <p class="dim">
          {c.itemName} · 受理编号 {c.id}。收件后案件回到「待审核」；收件人不再审核此案件。
        </p>
        <label class="field">
          收件备注（选填） <span class="en">Note, optional</span>
          <input
            name="take-note"
            class="wide"
            maxLength={500}
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error" role="alert" data-testid="supplement-error">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={props.onClose}>
            取消 <span class="en">Cancel</span>
          </button>
          <button
            type="button"
            class="btn primary"
            disabled={pending}
            onClick={send}
            data-action="confirm-supplement"
          >
            确认已收齐 <span class="en">All received</span>
          </button>
        </div>
      </div>
    </Modal>
  );
}
