/**
 * 日结轧账 for the comprehensive and rights clerk (LD/T 02 §9.6.2; SPEC REC-UI-1..3): my day
 * (today, or a past day), the business counted, the paper counted into the 档案 box, each
 * discrepancy in plain Chinese with its explanation, the signature. A signed, locked or reopened
 * day says so. The day is asked for again whenever one of my 日结轧账 facts arrives.
 */
import type { CurrentStaff } from '@onewindow/shared/api-types.ts';
import { useStore } from '@onewindow/shared/client';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Flash, Panel, useFlash } from '../../components/ui.tsx';
import { errorText } from '../../core/api.ts';
import { hallDate } from '../../core/format.ts';
import { countsBody, myDay, type ReconView, saveCounts, signDay, unexplained } from '../../core/recon.ts';
import type { ConsoleStore } from '../../core/staff.ts';
import { DayFigures, DayStatus, DiscrepancyList, EntriesTable } from './ReconParts.tsx';
import './recon.css';

export function ReconClerkView(props: { me: CurrentStaff; store: ConsoleStore }) {
  // The hall's today is the server's: wait for the first snapshot, which says how far our clock is off.
  const ready = useStore(props.store, (s) => s.snapshots > 0);
  return ready ? <ClerkDay {...props} /> : <p class="dim">正在连接… Connecting…</p>;
}

function ClerkDay({ me, store }: { me: CurrentStaff; store: ConsoleStore }) {
  const skew = useStore(store, (s) => s.skew);
  const today = hallDate(Date.now() + skew);
  const [day, setDay] = useState(today);
  const [v, setV] = useState<ReconView | null>(null);
  const [counts, setCounts] = useState<Record<string, string>>({});
  const [handedOut, setHandedOut] = useState<Set<string>>(new Set());
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useFlash();
  const changed = useStore(store, (s) => s.reconChanged);

  /** Shows a day as the server gave it; what was typed and not saved is kept unless `reset`. */
  const show = (next: ReconView, reset: boolean) => {
    setV(next);
    if (reset || !dirty) {
      setCounts(
        Object.fromEntries(
          Object.entries(next.day?.counts ?? {}).map(([ref, n]) => [ref, String(n)] as const),
        ),
      );
      setHandedOut(new Set(next.day?.handedOut ?? []));
      setDirty(false);
    }
    if (next.status === 'open')
      setNotes((old) => {
        const given = Object.fromEntries((next.day?.explanations ?? []).map((x) => [x.key, x.note]));
        return { ...given, ...old };
      });
  };
  const load = async (reset = false) => {
    const r = await myDay(day);
    if (r.ok) show(r.data, reset);
    else {
      setV(null);
      setFlash({ kind: 'error', text: errorText(r.error) });
    }
  };
  useEffect(() => {
    setNotes({});
    void load(true);
  }, [day]);
  useEffect(() => {
    if (changed !== null && changed.clerkId === me.id && changed.businessDay === day) void load();
  }, [changed?.seq]);

  const missing = useMemo(() => (v === null ? [] : unexplained(v.discrepancies, notes)), [v, notes]);

  const save = async () => {
    const body = countsBody(counts, handedOut);
    if ('bad' in body) return setFlash({ kind: 'error', text: `${body.bad} 的页数须为不小于 0 的整数` });
    setBusy(true);
    const r = await saveCounts(day, body);
    setBusy(false);
    if (!r.ok) return setFlash({ kind: 'error', text: `保存失败：${errorText(r.error)}` });
    show(r.data, true);
    setFlash({
      kind: 'ok',
      text:
        r.data.discrepancies.length === 0
          ? '清点已保存，账实相符，可以签字'
          : `清点已保存，尚有 ${r.data.discrepancies.length} 项差异需说明`,
    });
  };

  const sign = async () => {
    if (v === null) return;
    setBusy(true);
    const r = await signDay(
      day,
      v.discrepancies.map((d) => ({ key: d.key, note: (notes[d.key] ?? '').trim() })),
    );
    setBusy(false);
    if (!r.ok) {
      const first = r.error.issues?.[0]?.messageZh;
      return setFlash({ kind: 'error', text: `签字失败：${first ?? errorText(r.error)}` });
    }
    show(r.data, true);
    setFlash({ kind: 'ok', text: '已签字，等待主管复签' });
  };

  const open = v?.status === 'open';
  return (
    <div class="recon" data-testid="recon-clerk">
      <Flash message={flash} />
      <Panel
        title="日结轧账"
        en="Day reconciliation"
        testid="recon-day"
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
            {day !== today && (
              <button type="button" class="btn small" onClick={() => setDay(today)}>
                今天 <span class="en">Today</span>
              </button>
            )}
            <button type="button" class="btn small" onClick={() => void load()} data-action="reload">
              刷新 <span class="en">Reload</span>
            </button>
          </div>
        }
      >
        {v === null ? (
          <p class="dim">正在读取… Loading…</p>
        ) : (
          <>
            <p class="recon-who">
              {me.name}（工号 {me.staffNumber}）· {v.businessDay}
            </p>
            <DayStatus v={v} />
            <DayFigures v={v} />
          </>
        )}
      </Panel>
      {v !== null && (
        <Panel
          title="当日业务与纸质材料清点"
          en="Business and paper count"
          testid="recon-count"
          actions={
            open && (
              <button
                type="button"
                class="btn primary"
                disabled={busy || !dirty}
                onClick={() => void save()}
                data-action="save-counts"
              >
                保存清点 <span class="en">Save count</span>
              </button>
            )
          }
        >
          <EntriesTable
            v={v}
            {...(open
              ? {
                  edit: {
                    counts,
                    handedOut,
                    onCount: (ref, value) => {
                      setCounts({ ...counts, [ref]: value });
                      setDirty(true);
                    },
                    onHandedOut: (caseId, on) => {
                      const next = new Set(handedOut);
                      if (on) next.add(caseId);
                      else next.delete(caseId);
                      setHandedOut(next);
                      setDirty(true);
                    },
                  },
                }
              : {})}
          />
          {open && (
            <p class="dim small-note">
              页数为放入档案盒的纸质材料页数；办结交付结果的，请勾选「已交付」。
              <span class="en">
                Pages: the paper put into the archive box. Tick “handed out” for results you gave back.
              </span>
            </p>
          )}
        </Panel>
      )}
      {v !== null && (
        <Panel title="差异及说明" en="Discrepancies" testid="recon-discrepancy-panel">
          <DiscrepancyList
            v={v}
            {...(open
              ? { notes, onNote: (key: string, note: string) => setNotes({ ...notes, [key]: note }) }
              : {})}
          />
          {open && (
            <div class="dialog-actions recon-sign">
              {dirty && <span class="dim">请先保存清点 Save the count first</span>}
              {!dirty && missing.length > 0 && (
                <span class="dim" data-testid="recon-missing">
                  还有 {missing.length} 项差异未说明 {missing.length} not explained
                </span>
              )}
              <button
                type="button"
                class="btn primary big"
                disabled={busy || dirty || missing.length > 0}
                onClick={() => void sign()}
                data-action="sign"
              >
                签字确认 <span class="en">Sign the day</span>
              </button>
            </div>
          )}
        </Panel>
      )}
    </div>
  );
}
