/**
 * The next steps on a case that the viewer's posts take in this tab (caseStep of the shared step
 * table, SPEC CASE-2): a note where the step takes one, a reason or a way of handing back where
 * it needs one (CASE-4), the materials dialog for 一次性告知补正. A step the viewer's own part in
 * the case forbids (受理人 may not 审核, 审核人 may not 复核: SOD-1..3) is shown closed with the
 * rule in Chinese; should the server still refuse, its sentence is shown.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import type { CaseCommandName, CaseLevel, CaseRecord } from '@onewindow/shared/cases.ts';
import { useState } from 'preact/hooks';
import { ReasonPicker } from '../../components/ui.tsx';
import { errorText } from '../../core/api.ts';
import { CASE_STATUS_LABEL, type OfferedStep, offeredSteps, takeCaseStep } from '../../core/cases.ts';
import type { ConsoleStore } from '../../core/staff.ts';
import { SupplementRequestDialog } from './SupplementRequestDialog.tsx';

const RETURN_REASONS = ['材料不齐全', '不符合办理条件', '信息核验不一致', '超出本机构权限'];
const HANDBACK_WAYS = ['本人领取', '委托代领', '邮寄送达'];

/** What a required note is called, and its choices. */
const REQUIRED: Partial<
  Record<CaseCommandName, { zh: string; en: string; hint: string; choices: string[] }>
> = {
  'case:return': {
    zh: '退回原因（必填，将告知申请人）',
    en: 'Reason, required',
    hint: '退回须填写原因（将告知申请人）',
    choices: RETURN_REASONS,
  },
  'case:hand-back': {
    zh: '领取方式（必填）',
    en: 'How it was handed back',
    hint: '请选择或填写领取方式',
    choices: HANDBACK_WAYS,
  },
};

/** The optional note's caption for the step it goes with. */
const OPTIONAL_NOTE: Partial<Record<CaseCommandName, { zh: string; placeholder: string }>> = {
  'case:approve': { zh: '审核意见', placeholder: '如：材料齐全，符合条件' },
  'case:recheck': { zh: '复核意见', placeholder: '如：复核无误' },
  'case:ready': { zh: '备注', placeholder: '如：社保卡已制作完成' },
};

const TONE: Partial<Record<CaseCommandName, string>> = {
  'case:start-review': 'primary',
  'case:approve': 'primary',
  'case:recheck': 'primary',
  'case:ready': 'primary',
  'case:hand-back': 'primary',
  'case:return': 'warn',
};

export function CaseSteps(props: {
  c: CaseRecord;
  me: CurrentStaff;
  store: ConsoleStore;
  levels: readonly CaseLevel[];
  onMoved: (text: string) => void;
}) {
  const { c } = props;
  const steps = offeredSteps(c, props.me, props.levels);
  const [required, setRequired] = useState<CaseCommandName | null>(null);
  const [note, setNote] = useState('');
  const [asking, setAsking] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (props.levels.length === 0) return null;
  if (steps.length === 0)
    return (
      <p class="dim case-closed" data-testid="case-no-step">
        {c.status === 'returned' || c.status === 'handed-back' ? (
          <>
            流程已结束。<span class="en">Closed</span>
          </>
        ) : (
          <>
            当前为「{CASE_STATUS_LABEL[c.status].zh}」，本岗位暂无可办理的步骤。
            <span class="en">Nothing for your post to do here</span>
          </>
        )}
      </p>
    );

  const go = async (s: OfferedStep, text: string, missingMaterials?: string[]): Promise<boolean> => {
    setPending(true);
    setError(null);
    const base = { caseId: c.id, ...(text !== '' ? { note: text } : {}) };
    const r =
      s.rule.command === 'case:request-supplement'
        ? await takeCaseStep(props.store, 'case:request-supplement', {
            ...base,
            missingMaterials: missingMaterials ?? [],
          })
        : s.rule.command === 'case:return' || s.rule.command === 'case:hand-back'
          ? await takeCaseStep(props.store, s.rule.command, { caseId: c.id, note: text })
          : await takeCaseStep(props.store, s.rule.command, base);
    setPending(false);
    if (!r.ok) {
      setError(errorText(r.error));
      return false;
    }
    setNote('');
    setRequired(null);
    const now = r.data.case === undefined ? undefined : CASE_STATUS_LABEL[r.data.case.status].zh;
    props.onMoved(
      `${c.ticketNumber} ${s.rule.zh}${now !== undefined && now !== s.rule.zh ? ` → ${now}` : ''}`,
    );
    return true;
  };

  const press = (s: OfferedStep) => {
    const cmd = s.rule.command;
    if (cmd === 'case:request-supplement') {
      setError(null);
      setAsking(true);
      return;
    }
    if (s.rule.note === 'required') {
      if (required !== cmd) {
        // First press: open the reason (the second press sends it).
        setRequired(cmd);
        setNote('');
        setError(null);
        return;
      }
      if (note.trim() === '') {
        setError(REQUIRED[cmd]?.hint ?? '请填写说明');
        return;
      }
    }
    void go(s, note.trim());
  };

  const open = steps.filter((s) => s.blocked === null);
  const needs = required === null ? undefined : REQUIRED[required];
  const optional = open.map((s) => OPTIONAL_NOTE[s.rule.command]).find((x) => x !== undefined);
  const blocked = [
    ...new Map(steps.flatMap((s) => (s.blocked ? [[s.blocked.rule, s.blocked]] : []))).values(),
  ];
  const supplementStep = steps.find((s) => s.rule.command === 'case:request-supplement');

  return (
    <div class="case-actions" data-testid="case-actions">
      <h3 class="sub">
        下一步 <span class="en">Next step</span>
      </h3>
      {needs !== undefined ? (
        <div class="field" data-note-for={required}>
          <span>
            {needs.zh} <span class="en">{needs.en}</span>
          </span>
          <ReasonPicker
            name="case-note"
            choices={needs.choices}
            value={note}
            onChange={setNote}
            placeholder={required === 'case:hand-back' ? '领取说明（勿填写证件号码）' : '请填写退回原因'}
          />
        </div>
      ) : (
        optional !== undefined && (
          <label class="field">
            <span>
              {optional.zh}（选填） <span class="en">Note, optional</span>
            </span>
            <input
              name="case-note"
              class="wide"
              maxLength={500}
              value={note}
              placeholder={optional.placeholder}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </label>
        )
      )}
      <div class="row-gap wrap">
        {steps.map((s) => (
          <button
            key={s.rule.command}
            type="button"
            class={`btn ${s.blocked ? 'blocked' : (TONE[s.rule.command] ?? '')} ${required === s.rule.command ? 'armed' : ''}`}
            data-step={s.rule.command}
            data-blocked={s.blocked?.rule}
            disabled={pending || s.blocked !== null}
            title={s.blocked?.messageZh}
            onClick={() => press(s)}
          >
            {s.rule.zh} <span class="en">{s.rule.en}</span>
            {s.rule.command === 'case:approve' && c.reviewLevels === 2 && (
              <small class="post-tag">转复核</small>
            )}
          </button>
        ))}
      </div>
      {blocked.map((b) => (
        <p key={b.rule} class="sod" data-testid="case-sod" data-rule={b.rule}>
          {b.messageZh}
          <span class="en">{b.rule} separation of duties</span>
        </p>
      ))}
      {error && (
        <p class="error" role="alert" data-testid="case-error">
          {error}
        </p>
      )}
      {asking && supplementStep && (
        <SupplementRequestDialog
          c={c}
          pending={pending}
          error={error}
          onClose={() => setAsking(false)}
          onSend={async (missing, text) => {
            if (await go(supplementStep, text, missing)) setAsking(false);
          }}
        />
      )}
    </div>
  );
}
