/**
 * 一次性告知补正 from the back office: every missing material at once, picked from the item's
 * guide (办事指南, GET /api/catalog) — the server accepts only those names — with an optional
 * note for the applicant. The case then waits (待补正) for a window to take the materials in.
 */
import type { CaseRecord } from '@onewindow/shared/cases.ts';
import { useState } from 'preact/hooks';
import { Modal } from '../../components/ui.tsx';
import { receivedMaterials, useCatalogItem } from '../../core/cases.ts';

export function SupplementRequestDialog(props: {
  c: CaseRecord;
  pending: boolean;
  error: string | null;
  onClose: () => void;
  onSend: (missing: string[], note: string) => void;
}) {
  const { c } = props;
  const { item, loading, error: loadError } = useCatalogItem(c.itemCode);
  const materials = item?.guide?.materials ?? [];
  const [missing, setMissing] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const toggle = (name: string, on: boolean) =>
    setMissing((ms) => (on ? [...ms, name] : ms.filter((x) => x !== name)));

  return (
    <Modal
      title={`一次性告知补正 ${c.ticketNumber} · Ask for missing materials`}
      onClose={props.onClose}
      wide
    >
      <div class="supplement-request" data-testid="supplement-request">
        <p class="dim">
          {c.itemName}（{c.itemCode}）· 受理编号 {c.id}
          。请一次性勾选需要补正的全部材料，案件转为「待补正」，由窗口收齐后回到待审核。
          <span class="en">Tick every missing material at once; a window takes them in.</span>
        </p>
        {loading && <p class="dim">载入办事指南… Loading the guide…</p>}
        {loadError && <p class="error">{loadError}</p>}
        {!loading && loadError === null && materials.length === 0 && (
          <p class="error">该事项办事指南没有材料清单，无法一次性告知补正。</p>
        )}
        <div class="materials" data-testid="supplement-materials">
          {materials.map((m) => (
            <label key={m.name} class="check">
              <input
                type="checkbox"
                name="missing-material"
                value={m.name}
                checked={missing.includes(m.name)}
                onChange={(e) => toggle(m.name, e.currentTarget.checked)}
              />
              <span>
                {m.name}
                <span class="dim">
                  {' '}
                  {m.form} {m.copies}份{m.required ? '' : ' · 视情形'}
                  {receivedMaterials(c).includes(m.name) ? ' · 受理时已收' : ''}
                  {m.commonlyMissing ? ' · 常缺' : ''}
                </span>
              </span>
            </label>
          ))}
        </div>
        <label class="field">
          告知说明（选填） <span class="en">Note for the applicant, optional</span>
          <input
            name="supplement-note"
            class="wide"
            maxLength={500}
            value={note}
            placeholder="如：复印件不清晰，请补交原件核验"
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        </label>
        {props.error && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <div class="dialog-actions">
          <span class="dim">已选 {missing.length} 项</span>
          <button type="button" class="btn" onClick={props.onClose}>
            取消 <span class="en">Cancel</span>
          </button>
          <button
            type="button"
            class="btn primary"
            disabled={missing.length === 0 || props.pending}
            onClick={() => props.onSend(missing, note.trim())}
            data-action="confirm-supplement-request"
          >
            一次性告知补正 <span class="en">Ask for them</span>
          </button>
        </div>
      </div>
    </Modal>
  );
}
