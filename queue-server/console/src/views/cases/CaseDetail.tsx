/**
 * One case: item and review levels, who accepted, reviewed and re-checked it (names and 工号
 * from the server), the deadline in working days left, the materials received and still
 * missing, its history (step in Chinese with English small, who, when, the note), and the next
 * steps the viewer's posts take (CaseSteps).
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import type { CaseHistoryEntry, CaseLevel, CaseRecord } from '@onewindow/shared/cases.ts';
import { Panel } from '../../components/ui.tsx';
import {
  CASE_FACT_LABEL,
  CASE_STATUS_LABEL,
  REVIEW_LEVELS_LABEL,
  receivedMaterials,
  staffLabel,
  UNDER_WAY,
} from '../../core/cases.ts';
import { hallDate, hallDateTime } from '../../core/format.ts';
import type { ConsoleStore } from '../../core/staff.ts';
import { CaseFile } from './CaseFile.tsx';
import { CaseSteps } from './CaseSteps.tsx';

export function DeadlineBadge({ c, left }: { c: CaseRecord; left: number | null | undefined }) {
  if (UNDER_WAY.includes(c.status)) {
    if (left === undefined || left === null) return <span class="due dim">…</span>;
    if (left < 0)
      return (
        <span class="due overdue" data-due="overdue">
          超期 {-left} 个工作日
        </span>
      );
    if (left === 0)
      return (
        <span class="due soon" data-due="soon">
          今日到期
        </span>
      );
    return (
      <span class={left <= 2 ? 'due soon' : 'due'} data-due={left <= 2 ? 'soon' : 'ok'}>
        剩 {left} 个工作日
      </span>
    );
  }
  if (c.status === 'returned') return <span class="due dim">已退回，不计期限</span>;
  // Decided: on time when every level passed on or before the deadline (the hall's date).
  const approved = c.history.findLast((h) => h.to === 'approved');
  if (approved === undefined) return null;
  const late = hallDate(approved.at) > c.deadline;
  return (
    <span class={late ? 'due overdue' : 'due done'} data-due={late ? 'late' : 'on-time'}>
      {late ? '超期办结' : '按期办结'}
    </span>
  );
}

/** A history step's name; a return says at which level (the step before it). */
function stepLabel(h: CaseHistoryEntry, before: CaseHistoryEntry | undefined): { zh: string; en: string } {
  if (h.step === 'case:returned')
    return before?.to === 'reviewed'
      ? { zh: '复核退回', en: 'Returned at re-check' }
      : { zh: '审核退回', en: 'Returned at review' };
  return CASE_FACT_LABEL[h.step];
}

const names = (c: CaseRecord, ids: readonly string[]) =>
  ids.length === 0 ? '—' : ids.map((id) => staffLabel(c, id)).join('、');

export function CaseDetail(props: {
  c: CaseRecord;
  me: CurrentStaff;
  store: ConsoleStore;
  levels: readonly CaseLevel[];
  left: number | null | undefined;
  onMoved: (text: string) => void;
}) {
  const { c } = props;
  const takers = c.intake.filter((id) => id !== c.acceptedBy);
  return (
    <Panel
      title={`案件 ${c.ticketNumber}`}
      en={c.id}
      class="case-detail"
      testid="case-detail"
      actions={
        <span class={`case-pill ${c.status}`} data-testid="case-status" data-status={c.status}>
          {CASE_STATUS_LABEL[c.status].zh}
          <span class="en">{CASE_STATUS_LABEL[c.status].en}</span>
        </span>
      }
    >
      <div class="case-scroll">
        <table class="kv">
          <tbody>
            <tr>
              <th>办理事项</th>
              <td>
                {c.itemName} <span class="dim num">{c.itemCode}</span>
              </td>
            </tr>
            <tr>
              <th>审核级别</th>
              <td data-testid="case-levels" data-levels={c.reviewLevels}>
                {REVIEW_LEVELS_LABEL[c.reviewLevels].zh}
                <span class="en">{REVIEW_LEVELS_LABEL[c.reviewLevels].en}</span>
              </td>
            </tr>
            <tr>
              <th>受理</th>
              <td data-testid="case-intake">
                {staffLabel(c, c.acceptedBy)} · <span class="num">{hallDateTime(c.acceptedAt)}</span>
                {takers.length > 0 && <div class="dim">补正收件：{names(c, takers)}</div>}
              </td>
            </tr>
            {c.reviewLevels > 0 && (
              <tr>
                <th>审核</th>
                <td data-testid="case-reviewers">{names(c, c.reviewers)}</td>
              </tr>
            )}
            {c.reviewLevels > 1 && (
              <tr>
                <th>复核</th>
                <td data-testid="case-rechecked">
                  {c.recheckedBy === null ? '—' : staffLabel(c, c.recheckedBy)}
                </td>
              </tr>
            )}
            <tr>
              <th>办结期限</th>
              <td>
                <span class="num">{c.deadline}</span>
                <span class="dim">（承诺 {c.workingDays} 个工作日）</span>{' '}
                <DeadlineBadge c={c} left={props.left} />
              </td>
            </tr>
            <tr>
              <th>已收材料</th>
              <td data-testid="case-materials">
                {receivedMaterials(c).length === 0 ? '—' : receivedMaterials(c).join('、')}
              </td>
            </tr>
            {c.missing.length > 0 && (
              <tr>
                <th>待补正</th>
                <td data-testid="case-missing">
                  <ul class="material-list missing">
                    {c.missing.map((m) => (
                      <li key={m}>{m}</li>
                    ))}
                  </ul>
                </td>
              </tr>
            )}
          </tbody>
        </table>

        <h3 class="sub">
          电子材料 <span class="en">Case file</span>
        </h3>
        <CaseFile c={c} me={props.me} />

        <h3 class="sub">
          办理记录 <span class="en">History</span>
        </h3>
        <ol class="case-history" data-testid="case-history">
          {c.history.map((h, i) => {
            const label = stepLabel(h, c.history[i - 1]);
            return (
              <li key={h.seq} data-step={h.step} data-to={h.to} class={h.to}>
                <div class="h-head">
                  <span>
                    <span class="strong">{label.zh}</span>
                    <span class="en">{label.en}</span>
                    <span class="h-who">{staffLabel(c, h.by)}</span>
                  </span>
                  <span class="num dim" title={hallDateTime(h.at)}>
                    {hallDateTime(h.at).slice(5)}
                  </span>
                </div>
                {h.note && <div class="h-note">「{h.note}」</div>}
              </li>
            );
          })}
        </ol>
      </div>

      <CaseSteps c={c} me={props.me} store={props.store} levels={props.levels} onMoved={props.onMoved} />
    </Panel>
  );
}
