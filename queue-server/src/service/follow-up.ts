import {
  type Ack,
  type EventBody,
  FOLLOW_UP_STATUSES,
  type FollowUp,
  type FollowUpCallbackBody,
  type FollowUpList,
  type FollowUpSettings,
  type FollowUpStatus,
  type FollowUpStatusBody,
  type RatingLevel,
  type RatingReason,
  type Ticket,
} from '@onewindow/shared';
import { businessDayOf } from '../domain/clock.ts';
import { isFollowUpOverdue } from '../domain/follow-up.ts';
import type { HallEvent } from '../domain/types.ts';
import type { FollowUpStore, StoredFollowUp } from '../store/follow-up.store.ts';
import type { HallService } from './hall.service.ts';

/**
 * 差评回访 (SPEC FUP-*): every rating of level 1–2 gets a follow-up record with a rectification
 * deadline in working days; managers log callbacks, rectification and closing. Records are
 * created from committed facts (a subscriber) and, on start, from any bad rating in the log
 * that has none (a crash between the commit and the subscriber, or a server without this
 * feature). Creating is idempotent: one record per ticket, never overwritten.
 *
 * FUP-5: every change of a record is also a fact, appended in the same unit as the record
 * (`follow-up:opened` / `called-back` / `status-changed`), so it reaches the center; the
 * callback's note and the rectification stay in the sealed record only.
 */

export const DEFAULT_FOLLOW_UP_WORKING_DAYS = 15;
const SETTING_KEY = 'followUpWorkingDays';
const CATCH_UP_KEY = 'followUpCatchUpSeq';

export interface FollowUpDeps {
  store: FollowUpStore;
  /** The unit of work a callback or status change commits in with its fact (UOW-1). */
  hall: Pick<HallService, 'run'>;
  /** Hall meta values (the `hall_state` table). */
  meta: { get(key: string): string | undefined; put(key: string, value: string): void };
  ticketById: (id: string) => Ticket | undefined;
  staff: (id: string) => { name: string } | undefined;
  windowNumber: (windowId: string) => number | null;
  utcOffsetMinutes: () => number;
  /** `n` working days after a date (the national calendar with the hall's overrides). */
  addWorkingDays: (fromDate: string, n: number) => string;
  now: () => number;
  /** One transaction around a change and its audit row. */
  transaction: <T>(fn: () => T) => T;
  /** The admin audit. */
  audit?: (actor: string, action: string, detail: unknown) => void;
}

interface RatingFact {
  at: number;
  ticketId: string;
  windowId: string;
  servedBy: string | null;
  level: RatingLevel;
  reasons: RatingReason[];
}

const fail = <T>(code: 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST', message: string): Ack<T> => ({
  ok: false,
  error: { code, message },
});

export class FollowUpService {
  constructor(private readonly d: FollowUpDeps) {}

  settings(): FollowUpSettings {
    const raw = Number(this.d.meta.get(SETTING_KEY));
    return { workingDays: Number.isInteger(raw) && raw > 0 ? raw : DEFAULT_FOLLOW_UP_WORKING_DAYS };
  }

  /** Applies to bad ratings given from now on; existing deadlines stay as they were promised. */
  putSettings(s: FollowUpSettings, actor?: string): FollowUpSettings {
    this.d.transaction(() => {
      this.d.meta.put(SETTING_KEY, String(s.workingDays));
      if (actor !== undefined) this.d.audit?.(actor, 'follow-ups:settings', s);
    });
    return this.settings();
  }

  today(): string {
    return businessDayOf(this.d.now(), this.d.utcOffsetMinutes());
  }

  private view(f: StoredFollowUp, today = this.today()): FollowUp {
    return { ...f, overdue: isFollowUpOverdue(f.status, f.deadline, today) };
  }

  /**
   * Creates the record of a bad rating unless it exists, inside the caller's unit.
   * @returns its `follow-up:opened` fact if created (the caller appends it in the same unit)
   */
  private create(r: RatingFact): EventBody | undefined {
    if (r.level > 2) return undefined;
    const ticket = this.d.ticketById(r.ticketId);
    const workingDays = this.settings().workingDays;
    const ratedDay = businessDayOf(r.at, this.d.utcOffsetMinutes());
    const rec: StoredFollowUp = {
      ticketId: r.ticketId,
      ticketNumber: ticket?.number ?? r.ticketId.split('-').pop() ?? r.ticketId,
      businessDay: ticket?.businessDay ?? ratedDay,
      level: r.level as 1 | 2,
      reasons: [...r.reasons],
      ratedAt: r.at,
      clerkId: r.servedBy,
      clerkName: r.servedBy === null ? null : (this.d.staff(r.servedBy)?.name ?? null),
      windowId: r.windowId,
      windowNumber: this.d.windowNumber(r.windowId),
      deadline: this.d.addWorkingDays(ratedDay, workingDays),
      workingDays,
      status: 'open',
      callbacks: [],
      rectification: null,
      closedAt: null,
      closedBy: null,
    };
    if (!this.d.store.insert(rec, this.d.now())) return undefined;
    return {
      type: 'follow-up:opened',
      ticketId: rec.ticketId,
      deadline: rec.deadline,
      level: rec.level,
      windowId: rec.windowId,
      itemCode: ticket?.itemCode ?? null,
      ratedAt: rec.ratedAt,
    };
  }

  /**
   * The reactor, inside every unit (FUP-1, FUP-5): records for the bad ratings among its facts.
   * @returns their `follow-up:opened` facts, which the unit appends
   */
  onFacts(events: readonly HallEvent[]): EventBody[] {
    const opened: EventBody[] = [];
    for (const ev of events) {
      if (ev.type !== 'ticket:rated' || ev.level > 2) continue;
      const f = this.create(ev);
      if (f) opened.push(f);
    }
    return opened;
  }

  /**
   * FUP-2: records for every bad rating in the log that has none, from the last catch-up on.
   * @returns how many were created
   */
  catchUp(lastSeq: number): number {
    const after = Number(this.d.meta.get(CATCH_UP_KEY) ?? 0) || 0;
    // One unit: the records, their `follow-up:opened` facts (FUP-5, so the center sees them
    // too) and the catch-up mark commit together or not at all.
    const r = this.d.hall.run({ type: 'follow-ups:catch-up' }, (uow) => {
      const opened: EventBody[] = [];
      for (const r of this.d.store.badRatingsWithoutRecord(after)) {
        const f = this.create(r);
        if (f) opened.push(f);
      }
      if (opened.length > 0) uow.append(opened);
      this.d.meta.put(CATCH_UP_KEY, String(Math.max(lastSeq, after)));
      return opened.length;
    });
    return r.ok ? r.value : 0;
  }

  get(ticketId: string): FollowUp | undefined {
    const f = this.d.store.get(ticketId);
    return f === undefined ? undefined : this.view(f);
  }

  list(filter: { status?: FollowUpStatus | 'overdue' } = {}): FollowUpList {
    const today = this.today();
    const all = this.d.store.list().map((f) => this.view(f, today));
    const counts = Object.fromEntries(FOLLOW_UP_STATUSES.map((s) => [s, 0])) as FollowUpList['counts'];
    counts.overdue = 0;
    counts.total = all.length;
    for (const f of all) {
      counts[f.status] += 1;
      if (f.overdue) counts.overdue += 1;
    }
    const s = filter.status;
    const followUps =
      s === undefined
        ? all
        : s === 'overdue'
          ? all.filter((f) => f.overdue)
          : all.filter((f) => f.status === s);
    return { today, followUps, counts };
  }

  /** FUP-3: logs a call back to the citizen; an open record becomes called-back. */
  callback(ticketId: string, by: string, body: FollowUpCallbackBody): Ack<FollowUp> {
    return this.change('follow-ups:callback', ticketId, (f, now) => {
      f.callbacks.push({
        at: now,
        by,
        byName: this.d.staff(by)?.name ?? null,
        note: body.note,
        reached: body.reached,
      });
      if (f.status === 'open') f.status = 'called-back';
      return { type: 'follow-up:called-back', ticketId, reached: body.reached, by };
    });
  }

  /** FUP-4: moves a record on; closing needs a rectification note; a closed record stays closed. */
  setStatus(ticketId: string, by: string, body: FollowUpStatusBody): Ack<FollowUp> {
    return this.change('follow-ups:status', ticketId, (f, now) => {
      const rectification = body.rectification ?? f.rectification;
      if (body.status === 'closed' && (rectification === null || rectification.trim() === ''))
        return fail('BAD_REQUEST', 'closing a follow-up needs the rectification (整改情况)');
      f.rectification = rectification;
      f.status = body.status;
      if (body.status === 'closed') {
        f.closedAt = now;
        f.closedBy = by;
      }
      return { type: 'follow-up:status-changed', ticketId, status: body.status, by };
    });
  }

  /**
   * One change of an open record as a unit (FUP-5): `edit` changes the record and returns its
   * fact (or a refusal); the record and the fact commit together or not at all.
   */
  private change(
    type: string,
    ticketId: string,
    edit: (f: StoredFollowUp, now: number) => EventBody | Ack<FollowUp>,
  ): Ack<FollowUp> {
    const r = this.d.hall.run<Ack<FollowUp>>({ type }, (uow) => {
      const f = this.d.store.get(ticketId);
      if (!f) return fail('NOT_FOUND', `no follow-up for ticket ${ticketId}`);
      if (f.status === 'closed') return fail('CONFLICT', 'this follow-up is closed');
      const fact = edit(f, uow.now);
      if ('ok' in fact) return fact;
      this.d.store.update(f, uow.now);
      uow.append([fact]);
      return { ok: true, data: this.view(f) };
    });
    return r.ok ? r.value : { ok: false, error: r.error };
  }
}
