/**
 * 日结轧账 per clerk (LD/T 02 §9.6.2, SPEC REC-*): the clerk's view of their day, counting,
 * signing with every discrepancy explained, the manager's countersign that locks the day, and
 * the projector that reopens a signed day visibly when a later fact touches it. The rules are
 * the pure `reconcile` / `daysReopenedBy` of shared/src/reconcile.ts; each step is one unit of
 * work (HallService.run) whose `recon:*` fact the day's projection folds in the same transaction.
 */
import type { ApiError, HallEvent, ServiceItem, StaffRole } from '@onewindow/shared';
import { personalDataRefusal } from '@onewindow/shared/personal-data.ts';
import {
  DISCREPANCY_LABELS,
  daysReopenedBy,
  isReconFact,
  RECON_ROLES,
  type ReconDay,
  type ReconExplanation,
  type ReconFact,
  type ReconOverviewRow,
  type ReconResult,
  type ReconView,
  reconcile,
  reconDayOf,
  reconDayStart,
} from '@onewindow/shared/reconcile.ts';
import type { ReconStore } from '../store/recon.store.ts';
import type { HallService } from './hall.service.ts';

export type ReconActor = { id: string; roles: readonly StaffRole[] };

export type { ReconOverviewRow, ReconView };

type Outcome<T> = { ok: true; data: T } | { ok: false; error: ApiError };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class ReconService {
  constructor(
    private readonly deps: {
      hall: HallService;
      recon: ReconStore;
      catalog: () => ServiceItem[];
      staff: () => {
        id: string;
        name: string;
        staffNumber: string;
        roles: StaffRole[];
        disabledAt: number | null;
      }[];
      utcOffsetMinutes: () => number;
      today: () => string;
    },
  ) {}

  private result(clerkId: string, businessDay: string, day: ReconDay | undefined): ReconResult {
    const off = this.deps.utcOffsetMinutes();
    const items = new Map(this.deps.catalog().map((i) => [i.code, i]));
    return reconcile({
      clerkId,
      businessDay,
      utcOffsetMinutes: off,
      facts: this.deps.recon.factsFrom(reconDayStart(businessDay, off)),
      materialsOf: (code) => items.get(code)?.guide?.materials,
      counts: day?.counts ?? {},
      handedOut: day?.handedOut ?? [],
    });
  }

  private checkDay(businessDay: string): ApiError | null {
    if (!DAY.test(businessDay) || Number.isNaN(Date.parse(`${businessDay}T00:00:00Z`)))
      return { code: 'BAD_REQUEST', message: `business day must be YYYY-MM-DD, not ${businessDay}` };
    if (businessDay > this.deps.today())
      return {
        code: 'CONFLICT',
        message: `${businessDay} has not begun`,
        messageZh: '不能对尚未到来的日期轧账',
      };
    return null;
  }

  /** A clerk's day (REC-1, REC-2): entries, discrepancies and where the day stands. */
  view(clerkId: string, businessDay: string): Outcome<ReconView> {
    const bad = this.checkDay(businessDay);
    if (bad !== null) return { ok: false, error: bad };
    const day = this.deps.recon.get(clerkId, businessDay);
    const everyone = new Map(this.deps.staff().map((x) => [x.id, x]));
    const s = everyone.get(clerkId);
    const named: ReconView['staff'] = {};
    for (const id of [
      day?.signed?.by,
      day?.countersigned?.by,
      ...(day?.reopened ?? []).map((r) => r.causeBy),
    ]) {
      const x = id === undefined ? undefined : everyone.get(id);
      if (x !== undefined) named[x.id] = { name: x.name, staffNumber: x.staffNumber };
    }
    return {
      ok: true,
      data: {
        clerkId,
        clerk: s ? { name: s.name, staffNumber: s.staffNumber } : null,
        businessDay,
        day: day ?? null,
        status: day?.status ?? 'open',
        staff: named,
        ...this.result(clerkId, businessDay, day),
      },
    };
  }

  /** The manager's list (REC-6): every comprehensive and rights clerk, and where their day stands. */
  overview(businessDay: string): Outcome<ReconOverviewRow[]> {
    const bad = this.checkDay(businessDay);
    if (bad !== null) return { ok: false, error: bad };
    const days = new Map(this.deps.recon.ofDay(businessDay).map((d) => [d.clerkId, d]));
    const rows: ReconOverviewRow[] = [];
    for (const s of this.deps.staff()) {
      const clerk = s.roles.some((r) => (RECON_ROLES as readonly string[]).includes(r));
      const day = days.get(s.id);
      if (!clerk && day === undefined) continue;
      const r = this.result(s.id, businessDay, day);
      if (s.disabledAt !== null && r.entries.length === 0 && day === undefined) continue;
      rows.push({
        clerkId: s.id,
        name: s.name,
        staffNumber: s.staffNumber,
        status: day?.status ?? 'open',
        entries: r.entries.length,
        discrepancies: r.discrepancies.length,
        reopened: day?.reopened.length ?? 0,
      });
    }
    return { ok: true, data: rows };
  }

  /** The clerk's paper counts and results handed out (REC-3): only while their day is open. */
  count(
    actor: ReconActor,
    businessDay: string,
    body: { counts: Record<string, number>; handedOut: string[] },
    idempotencyKey?: string,
  ): Outcome<ReconView> {
    const bad = this.checkDay(businessDay);
    if (bad !== null) return { ok: false, error: bad };
    const r = this.deps.hall.run(
      { type: 'recon:count', ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) },
      (uow) => {
        const day = this.deps.recon.get(actor.id, businessDay);
        if (day !== undefined && day.status !== 'open') uow.refuse(closedDay(day));
        const known = new Set(this.result(actor.id, businessDay, day).entries.map((e) => e.ref));
        const unknown = Object.keys(body.counts).filter((ref) => !known.has(ref));
        if (unknown.length > 0)
          uow.refuse({
            code: 'BAD_REQUEST',
            message: `not business of yours on ${businessDay}: ${unknown.join(', ')}`,
            messageZh: '清点的业务不属于本人当日业务',
            issues: unknown.map((ref) => ({ path: `counts.${ref}`, message: 'unknown entry' })),
          });
        const fact: ReconFact = {
          type: 'recon:counted',
          clerkId: actor.id,
          businessDay,
          by: actor.id,
          counts: body.counts,
          handedOut: [...new Set(body.handedOut)].sort(),
        };
        uow.append([fact]);
      },
    );
    return r.ok ? this.view(actor.id, businessDay) : r;
  }

  /**
   * The clerk signs their day (REC-4): every discrepancy found now must carry an explanation
   * (staff free text without personal numbers), and an explanation must name a discrepancy.
   */
  sign(
    actor: ReconActor,
    businessDay: string,
    explanations: { key: string; note: string }[],
    idempotencyKey?: string,
  ): Outcome<ReconView> {
    const bad = this.checkDay(businessDay);
    if (bad !== null) return { ok: false, error: bad };
    const r = this.deps.hall.run(
      { type: 'recon:sign', ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) },
      (uow) => {
        const day = this.deps.recon.get(actor.id, businessDay);
        if (day !== undefined && day.status !== 'open') uow.refuse(closedDay(day));
        const result = this.result(actor.id, businessDay, day);
        const given = new Map(explanations.map((x) => [x.key, x.note.trim()]));
        const issues: { path: string; message: string; messageZh: string }[] = [];
        for (const d of result.discrepancies) {
          const note = given.get(d.key);
          if (note === undefined || note === '')
            issues.push({
              path: `explanations.${d.key}`,
              message: `discrepancy ${d.key} (${d.kind}) is not explained`,
              messageZh: `未说明差异：${DISCREPANCY_LABELS[d.kind].zh}（${d.detail}）`,
            });
          else if (personalDataRefusal(note) !== null)
            issues.push({
              path: `explanations.${d.key}`,
              message: 'an explanation carries a personal number',
              messageZh: '说明中不得填写身份证号、手机号或银行卡号',
            });
        }
        const keys = new Set(result.discrepancies.map((d) => d.key));
        for (const k of given.keys())
          if (!keys.has(k))
            issues.push({
              path: `explanations.${k}`,
              message: `no discrepancy ${k} on this day`,
              messageZh: '说明对应的差异不存在（当日业务可能已变化，请刷新后重试）',
            });
        if (issues.length > 0)
          uow.refuse({
            code: 'BAD_REQUEST',
            message: `cannot sign ${businessDay}: ${issues.map((i) => i.message).join('; ')}`,
            messageZh: issues[0]!.messageZh,
            issues,
          });
        const expl: ReconExplanation[] = result.discrepancies.map((d) => ({
          key: d.key,
          kind: d.kind,
          ref: d.ref,
          note: given.get(d.key)!,
        }));
        uow.append([
          {
            type: 'recon:signed',
            clerkId: actor.id,
            businessDay,
            by: actor.id,
            counts: day?.counts ?? {},
            handedOut: day?.handedOut ?? [],
            explanations: expl,
            refs: result.refs,
            entries: result.entries.length,
          },
        ]);
      },
    );
    return r.ok ? this.view(actor.id, businessDay) : r;
  }

  /** A manager countersigns a signed day, which locks it (REC-4); never their own day. */
  countersign(
    actor: ReconActor,
    clerkId: string,
    businessDay: string,
    note: string | null,
    idempotencyKey?: string,
  ): Outcome<ReconView> {
    const bad = this.checkDay(businessDay);
    if (bad !== null) return { ok: false, error: bad };
    if (actor.id === clerkId)
      return {
        ok: false,
        error: {
          code: 'DUTY_CONFLICT',
          message: 'REC-4: nobody countersigns their own reconciliation',
          messageZh: '不得复签本人的日结轧账',
        },
      };
    const r = this.deps.hall.run(
      { type: 'recon:countersign', ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) },
      (uow) => {
        const day = this.deps.recon.get(clerkId, businessDay);
        if (day === undefined || day.status !== 'signed')
          uow.refuse({
            code: 'CONFLICT',
            message: `${clerkId}'s ${businessDay} is ${day?.status ?? 'open'}, not signed`,
            messageZh: day?.status === 'locked' ? '该柜员当日已复签锁定' : '柜员尚未签字，不能复签',
          });
        uow.append([{ type: 'recon:countersigned', clerkId, businessDay, by: actor.id, note }]);
      },
    );
    return r.ok ? this.view(clerkId, businessDay) : r;
  }

  /**
   * The projector (REC-5): a committed fact that touches a signed or locked day reopens it, in the
   * same unit, with a `recon:reopened` fact naming the fact that did.
   */
  reopenings(events: readonly HallEvent[]): ReconFact[] {
    const off = this.deps.utcOffsetMinutes();
    const out: ReconFact[] = [];
    const done = new Set<string>();
    for (const ev of events) {
      if (isReconFact(ev)) continue;
      const e = ev as HallEvent & Record<string, unknown>;
      const ids = [e.caseId, e.ticketId].filter((x): x is string => typeof x === 'string');
      const by = typeof e.by === 'string' ? e.by : null;
      if (ids.length === 0 && by === null) continue;
      const candidates = this.deps.recon.closedTouching(
        ids,
        by === null ? null : { id: by, day: reconDayOf(ev.at, off) },
      );
      if (candidates.length === 0) continue;
      for (const d of daysReopenedBy(candidates, e, off)) {
        const k = `${d.clerkId}\u0000${d.businessDay}`;
        if (done.has(k)) continue;
        done.add(k);
        out.push({
          type: 'recon:reopened',
          clerkId: d.clerkId,
          businessDay: d.businessDay,
          causeSeq: ev.seq,
          causeType: ev.type,
          causeBy: by ?? 'system',
        });
      }
    }
    return out;
  }
}

function closedDay(day: ReconDay): ApiError {
  return {
    code: 'CONFLICT',
    message: `${day.businessDay} is ${day.status}: it reopens only when a later fact touches it`,
    messageZh: day.status === 'locked' ? '当日轧账已复签锁定，不能修改' : '当日轧账已签字，等待主管复签',
  };
}
