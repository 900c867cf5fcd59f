/**
 * 日结复签 for the hall's manager (LD/T 02 §9.6.2; SPEC REC-UI-4): every comprehensive and rights
 * clerk of a day with where their 日结轧账 stands (who has not reconciled, who waits for the
 * countersign, whose day was reopened), one clerk's day read-only with the explanations, and the
 * countersign that locks it (asked for again in a dialog). Asked for again on any 日结轧账 fact.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import { useStore } from '@onewindow/shared/client';
import { useEffect, useState } from 'preact/hooks';
import { Flash, Modal, Panel, useFlash } from '../../components/ui.tsx';
import { errorText } from '../../core/api.ts';
import { hallDate } from '../../core/format.ts';
import {
  clerkDay,
  clerksOfDay,
  countersign,
  idleRow,
  notReconciled,
  type ReconOverviewRow,
  type ReconView,
  STATUS_ZH,
} from '../../core/recon.ts';
import type { ConsoleStore } from '../../core/staff.ts';
import { DayFigures, DayStatus, DiscrepancyList, EntriesTable } from './ReconParts.tsx';
import './recon.css';

export function ReconManagerView(props: { me: CurrentStaff; store: ConsoleStore }) {
  // The hall's today is the server's: wait for the first snapshot, which says how far our clock is off.
  const ready = useStore(props.store, (s) => s.snapshots > 0);
  return ready ? <ManagerDay {...props} /> : <p class="dim">正在连接… Connecting…</p>;
}

function ManagerDay({ me, store }: { me: CurrentStaff; store: ConsoleStore }) {
  const skew = useStore(store, (s) => s.skew);
  const today = hallDate(Date.now() + skew);
  const [day, setDay] = useState(today);
  const [rows, setRows] = useState<ReconOverviewRow[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [v, setV] = useState<ReconView | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useFlash();
  const changed = useStore(store, (s) => s.reconChanged);

  const loadList = async () => {
    const r = await clerksOfDay(day);
    if (r.ok) setRows(r.data);
    else setFlash({ kind: 'error', text: errorText(r.error) });
  };
  const loadDay = async (id: string) => {
    const r = await clerkDay(day, id);
    if (r.ok) setV(r.data);
    else setFlash({ kind: 'error', text: errorText(r.error) });
  };
  useEffect(() => {
    setChosen(null);
    setV(null);
    void loadList();
  }, [day]);
  useEffect(() => {
    if (chosen !== null) void loadDay(chosen);
  }, [chosen]);
  useEffect(() => {
    if (changed === null || changed.businessDay !== day) return;
    void loadList();
    if (chosen !== null && changed.clerkId === chosen) void loadDay(chosen);
  }, [changed?.seq]);

  const doCountersign = async () => {
    if (v === null) return;
    setBusy(true);
    const r = await countersign(day, v.clerkId, note);
    setBusy(false);
    setConfirming(false);
    if (!r.ok) return setFlash({ kind: 'error', text: `复签失败：${errorText(r.error)}` });
    setV(r.data);
    setNote('');
    setFlash({ kind: 'ok', text: `已复签 ${r.data.clerk?.name ?? ''} ${day} 的日结轧账，当日已锁定` });
    void loadList();
  };

  const waiting = rows === null ? 0 : notReconciled(rows).length;
  return (
    <div class="recon recon-manager" data-testid="recon-manager">
      <div class="recon-main">
        <Flash message={flash} />
        <Panel
          title="日结复签"
          en="Reconciliation sign-off"
          testid="recon-overview"
          actions={
            <div class="row-gap">
              <label class="inline">
                业务日期 <span class="en">Day</span>
                <input
                  type="date"
                  name="recon-day"
                  value={day}
                  max={today}
                  onChange={(e) => e.currentTarget.value !== '' && setDay(e.currentTarget.value)}
                />
              </label>
              <button type="button" class="btn small" onClick={() => void loadList()} data-action="reload">
                刷新 <span class="en">Reload</span>
              </button>
            </div>
          }
        >
          {rows === null ? (
            <p class="dim">正在读取… Loading…</p>
          ) : (
            <>
              <p class={waiting > 0 ? 'recon-banner warn' : 'recon-banner ok'} data-testid="recon-waiting">
                {waiting > 0
                  ? `${day}：${waiting} 名柜员尚未完成日结轧账（未签字或待复签） ${waiting} not reconciled`
                  : `${day}：有业务的柜员均已复签锁定 Every day with business is locked`}
              </p>
              {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a table that scrolls sideways is reached by keyboard */}
              <section class="recon-scroll" tabIndex={0} aria-label="柜员日结状态 Clerks">
                <table class="table" data-testid="recon-clerks">
                  <thead>
                    <tr>
                      <th>柜员 Clerk</th>
                      <th>状态 Status</th>
                      <th class="right" title="Entries">
                        业务
                      </th>
                      <th class="right" title="Discrepancies">
                        差异
                      </th>
                      <th title="Reopened">重开</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr
                        key={r.clerkId}
                        data-clerk={r.staffNumber}
                        data-status={r.status}
                        class={chosen === r.clerkId ? 'mine' : r.status === 'signed' ? 'late' : ''}
                      >
                        <td class="nowrap">
                          {r.name} <span class="num dim">{r.staffNumber}</span>
                        </td>
                        <td>
                          {idleRow(r) ? (
                            <span class="state-pill">当日无业务</span>
                          ) : (
                            <span class={`state-pill recon-${r.status}`}>{STATUS_ZH[r.status].zh}</span>
                          )}
                        </td>
                        <td class="right num">{r.entries}</td>
                        <td class="right num">{r.discrepancies}</td>
                        <td>
                          {r.reopened > 0 ? (
                            <span class="badge bad nowrap">已重开 {r.reopened} 次</span>
                          ) : (
                            '—'
                          )}
                        </td>
                        <td>
                          <button
                            type="button"
                            class="btn small"
                            onClick={() => setChosen(r.clerkId)}
                            data-action="open-day"
                            aria-label={`查看 Open：${r.name}`}
                          >
                            查看 <span class="en">Open</span>
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
            </>
          )}
        </Panel>
      </div>
      <div class="recon-side">
        {v !== null && (
          <Panel
            title={`${v.clerk?.name ?? v.clerkId} · ${v.businessDay}`}
            en="Read-only"
            testid="recon-clerk-day"
          >
            <DayStatus v={v} />
            <DayFigures v={v} />
            <h3>
              差异及说明 <span class="en">Discrepancies and explanations</span>
            </h3>
            <DiscrepancyList v={v} />
            <h3>
              当日业务 <span class="en">Business</span>
            </h3>
            <EntriesTable v={v} />
            {v.status === 'signed' && v.clerkId !== me.id && (
              <div class="dialog-actions recon-sign">
                <button
                  type="button"
                  class="btn primary big"
                  onClick={() => setConfirming(true)}
                  data-action="countersign"
                >
                  复签并锁定 <span class="en">Countersign and lock</span>
                </button>
              </div>
            )}
            {v.status === 'open' && <p class="dim">柜员尚未签字，不能复签。The clerk has not signed yet.</p>}
          </Panel>
        )}
      </div>
      {confirming && v !== null && (
        <Modal title="复签确认 Countersign" onClose={() => setConfirming(false)}>
          <div class="stack">
            <p>
              复签后 {v.clerk?.name} {v.businessDay} 的日结轧账即锁定；之后的更正将重新打开当日并留痕。
              <br />
              <span class="en">Countersigning locks the day; later changes reopen it visibly.</span>
            </p>
            <label class="field">
              复签意见（可选）<span class="en">Note (optional)</span>
              <textarea
                name="countersign-note"
                rows={2}
                maxLength={500}
                value={note}
                onInput={(e) => setNote(e.currentTarget.value)}
              />
            </label>
            <div class="dialog-actions">
              <button type="button" class="btn" onClick={() => setConfirming(false)}>
                取消 <span class="en">Cancel</span>
              </button>
              <button
                type="button"
                class="btn primary"
                disabled={busy}
                onClick={() => void doCountersign()}
                data-action="confirm-countersign"
              >
                确认复签 <span class="en">Countersign</span>
              </button>
            </div>
          </div>
        </Modal>
      )}
    </div>
  );
}
