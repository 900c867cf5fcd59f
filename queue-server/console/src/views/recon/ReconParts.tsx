/**
 * The pieces both 日结轧账 screens show (SPEC REC-UI-1..4): where the day stands (signed, locked,
 * reopened and why), the counted business, the entries with their paper counts, and the
 * discrepancies with their explanations. Editable only on the clerk's own open day.
 */
import type { ComponentChildren } from 'preact';
import { Tiles } from '../../components/ui.tsx';
import { hallDateTime } from '../../core/format.ts';
import {
  causeText,
  type Discrepancy,
  discrepancyText,
  type ReconEntry,
  type ReconView,
  ROLE_ZH,
  SLIP_ZH,
  STATUS_ZH,
} from '../../core/recon.ts';

const who = (v: ReconView, id: string | undefined) => {
  if (id === undefined) return '';
  if (id === 'system') return '系统';
  const s = v.staff[id];
  return s === undefined ? id : `${s.name}（${s.staffNumber}）`;
};

/** Where the day stands, who signed and countersigned, and every reopening with its cause. */
export function DayStatus({ v }: { v: ReconView }) {
  const st = STATUS_ZH[v.status];
  return (
    <div class={`recon-status ${v.status}`} data-testid="recon-status" data-status={v.status}>
      <span class={`state-pill recon-${v.status}`}>
        {st.zh} <span class="en">{st.en}</span>
      </span>
      {v.day?.signed && (
        <span>
          {who(v, v.day.signed.by)} 于 {hallDateTime(v.day.signed.at)} 签字
        </span>
      )}
      {v.day?.countersigned && (
        <span>
          · {who(v, v.day.countersigned.by)} 于 {hallDateTime(v.day.countersigned.at)} 复签，当日已锁定
          {v.day.countersigned.note && <span class="dim">（{v.day.countersigned.note}）</span>}
        </span>
      )}
      {v.status === 'open' && v.day?.reopened.length === 0 && (
        <span class="dim">
          清点纸质材料、逐条说明差异后签字。Count the paper, explain each discrepancy, sign.
        </span>
      )}
      {(v.day?.reopened.length ?? 0) > 0 && (
        <div class="recon-reopened" data-testid="recon-reopened">
          <strong>
            已重新打开 {v.day!.reopened.length} 次 <span class="en">Reopened</span>
          </strong>
          <ul class="plain">
            {v.day!.reopened.map((r) => {
              const c = causeText(r.causeType);
              return (
                <li key={r.seq}>
                  {hallDateTime(r.at)}：签字后发生「{c.zh}」（{who(v, r.causeBy)}，事实 #{r.causeSeq}
                  ），需重新清点、说明并签字 <span class="en">{c.en} after signing</span>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </div>
  );
}

/** The counted business of the day in figures. */
export function DayFigures({ v }: { v: ReconView }) {
  const slips = v.entries.reduce((n, e) => n + e.slips.length, 0);
  const cases = v.entries.filter((e) => e.roles.includes('accepted')).length;
  const pages = v.entries.reduce((n, e) => n + (e.pagesCaptured ?? 0), 0);
  const handed = v.entries.filter((e) => e.roles.includes('handed-back')).length;
  return (
    <Tiles
      items={[
        { label: '单据', en: 'Slips', value: slips },
        { label: '受理案件', en: 'Cases accepted', value: cases },
        { label: '采集页数', en: 'Pages captured', value: pages },
        { label: '出件', en: 'Results handed back', value: handed },
        {
          label: '差异',
          en: 'Discrepancies',
          value: v.discrepancies.length,
          tone: v.discrepancies.length > 0 ? 'warn' : 'ok',
        },
      ]}
    />
  );
}

/**
 * The entries: each slip or case (its number, never the citizen), what was done, pages captured,
 * the paper counted into the 档案 box and whether the result was handed out.
 */
export function EntriesTable(props: {
  v: ReconView;
  /** The typed counts and handed-out set when the clerk may edit, else the stored ones are shown. */
  edit?: {
    counts: Record<string, string>;
    handedOut: ReadonlySet<string>;
    onCount: (ref: string, value: string) => void;
    onHandedOut: (caseId: string, on: boolean) => void;
  };
}) {
  const { v, edit } = props;
  if (v.entries.length === 0)
    return <p class="dim">当日没有本人办理的业务。No business of yours on this day.</p>;
  const declared = new Set(v.day?.handedOut ?? []);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a table that scrolls sideways is reached by keyboard
    <section class="recon-scroll" tabIndex={0} aria-label="当日业务 Business">
      <table class="table compact recon-entries" data-testid="recon-entries">
        <thead>
          <tr>
            <th>业务编号 Ref</th>
            <th>号票 Ticket</th>
            <th>事项 Item</th>
            <th>办理 Done</th>
            <th>单据 Slips</th>
            <th class="right">采集页 Captured</th>
            <th class="right">入档案盒页数 Paper counted</th>
            <th>已出件 Handed out</th>
          </tr>
        </thead>
        <tbody>
          {v.entries.map((e) => (
            <EntryRow key={e.ref} e={e} edit={edit} declared={declared} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function EntryRow({
  e,
  edit,
  declared,
}: {
  e: ReconEntry;
  edit: Parameters<typeof EntriesTable>[0]['edit'];
  declared: ReadonlySet<string>;
}) {
  const counted = edit ? (edit.counts[e.ref] ?? '') : e.counted === null ? '—' : String(e.counted);
  const mismatch =
    e.countDue && e.counted !== null && e.pagesCaptured !== null && e.counted !== e.pagesCaptured;
  return (
    <tr data-entry={e.ref} class={mismatch ? 'late' : ''}>
      <td class="num">{e.ref}</td>
      <td class="num">{e.ticketNumber ?? '—'}</td>
      <td>{e.itemName ?? e.itemCode}</td>
      <td>{e.roles.map((r) => ROLE_ZH[r]).join('、')}</td>
      <td>
        {e.slips.length === 0
          ? '—'
          : e.slips.map((s) => (
              <div key={s.number} class="nowrap">
                {SLIP_ZH[s.kind] ?? s.kind} <span class="num dim">{s.number}</span>
              </div>
            ))}
      </td>
      <td class="right num">{e.pagesCaptured ?? '—'}</td>
      <td class="right num">
        {!e.countDue ? (
          <span class="dim" title="未收纸质材料 No paper taken in">
            —
          </span>
        ) : edit ? (
          <input
            class="count-input"
            name={`count-${e.ref}`}
            inputMode="numeric"
            aria-label={`${e.ref} 入档案盒页数 Paper pages counted`}
            value={counted}
            onInput={(ev) => edit.onCount(e.ref, ev.currentTarget.value)}
          />
        ) : (
          counted
        )}
      </td>
      <td>
        {e.caseId === null ? (
          '—'
        ) : edit ? (
          <label class="check">
            <input
              type="checkbox"
              name={`handed-${e.ref}`}
              checked={edit.handedOut.has(e.caseId)}
              onChange={(ev) => edit.onHandedOut(e.caseId!, ev.currentTarget.checked)}
            />
            已交付
          </label>
        ) : declared.has(e.caseId) ? (
          '已交付'
        ) : (
          '—'
        )}
      </td>
    </tr>
  );
}

/** Each discrepancy in plain Chinese, with its explanation (an input on the clerk's open day). */
export function DiscrepancyList(props: {
  v: ReconView;
  notes?: Record<string, string>;
  onNote?: (key: string, note: string) => void;
}) {
  const { v, notes, onNote } = props;
  const given = new Map((v.day?.explanations ?? []).map((x) => [x.key, x.note]));
  if (v.discrepancies.length === 0)
    return (
      <p class="recon-banner ok" data-testid="recon-no-discrepancies">
        账实相符，无差异 <span class="en">Everything reconciles</span>
      </p>
    );
  return (
    <ol class="recon-discrepancies" data-testid="recon-discrepancies">
      {v.discrepancies.map((d) => (
        <DiscrepancyItem key={d.key} d={d} note={notes?.[d.key] ?? given.get(d.key) ?? ''} onNote={onNote} />
      ))}
    </ol>
  );
}

function DiscrepancyItem(props: {
  d: Discrepancy;
  note: string;
  onNote: ((key: string, note: string) => void) | undefined;
}): ComponentChildren {
  const { d, note, onNote } = props;
  const t = discrepancyText(d);
  const id = `expl-${d.key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <li data-discrepancy={d.key} data-kind={d.kind}>
      <div>
        <strong>{t.zh}</strong> <span class="en">{t.en}</span>
      </div>
      <div class="dim">
        业务编号 <span class="num">{d.ref}</span>
        {t.detail !== '' && <> · {t.detail}</>}
      </div>
      {onNote ? (
        <label class="field" for={id}>
          差异说明（必填）<span class="en">Explanation (required)</span>
          <textarea
            id={id}
            name={`note-${d.key}`}
            rows={2}
            maxLength={500}
            value={note}
            placeholder="说明原因及处理情况，不得填写身份证号、手机号"
            onInput={(e) => onNote(d.key, e.currentTarget.value)}
          />
        </label>
      ) : (
        <div class="recon-note" data-testid="recon-note">
          说明 <span class="en">Explanation</span>：{note === '' ? <span class="dim">（未说明）</span> : note}
        </div>
      )}
    </li>
  );
}
