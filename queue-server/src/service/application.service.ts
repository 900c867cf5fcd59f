/**
 * A citizen's kiosk forms as the window reads them (SPEC KSK-5): by the ticket beside the
 * called number, or by the code scanned from the ticket. The form's answers are shown with the
 * labels of the item's form definition.
 *
 * Need to know (SPEC SEC-NTK-1): a form is read by the clerk serving its ticket while serving
 * it, by the staff of the case it belongs to while the case is open, and by a manager who says
 * why. Every read is recorded before the form is returned (SEC-NTK-2); no record, no read.
 */
import {
  type ApiError,
  type ApplicationView,
  CASE_STEPS,
  type CaseRecord,
  displayValue,
  personalDataRefusal,
  type ServiceItem,
  type StaffRole,
} from '@onewindow/shared';
import type { PiiReadEntry } from '@onewindow/shared/api-types.ts';
import type { QueueEngine } from '../domain/engine.ts';
import type { ApplicationRow, ApplicationStore } from '../store/application.store.ts';
import type { PiiReadStore } from '../store/pii-read.store.ts';

/** Who asks: a staff member, and (a manager) why. */
export interface Reader {
  id: string;
  roles: readonly StaffRole[];
  /** A manager's reason for reading a form they do not work on (recorded with the read). */
  purpose?: string | undefined;
}

type Read<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export class ApplicationService {
  constructor(
    private readonly deps: {
      store: ApplicationStore;
      reads: PiiReadStore;
      catalog: () => ServiceItem[];
      queue: () => QueueEngine;
      caseOf: (ticketId: string) => CaseRecord | undefined;
      clock: { now(): number };
      transaction: <T>(fn: () => T) => T;
      staff: (id: string) => { name: string; staffNumber: string } | undefined;
      /**
       * An online draft (MOB-FORM-3) with this code, taken up with the reader's serving ticket;
       * null when no draft has the code.
       */
      takeUpOnline?: (
        reader: Reader,
        code: string,
      ) => { ok: true; row: ApplicationRow } | { ok: false; error: ApiError } | null;
      /** The pre-check of an application that came from an online draft (MOB-PRE-4). */
      precheckOf?: (applicationId: string) => ApplicationView['precheck'];
    },
  ) {}

  ofTicket(reader: Reader, ticketId: string): Read<ApplicationView[]> {
    const rows = this.deps.store.byTicket(ticketId).filter((a) => !this.deps.store.isPurged(a));
    if (rows.length === 0) return { ok: true, data: [] };
    return this.read(reader, ticketId, rows);
  }

  byCode(reader: Reader, code: string): Read<ApplicationView> {
    let a = this.deps.store.byCode(code);
    if (a === undefined) {
      const online = this.deps.takeUpOnline?.(reader, code.trim().toUpperCase()) ?? null;
      if (online !== null && !online.ok) return online;
      if (online !== null) a = online.row;
    }
    if (a === undefined || this.deps.store.isPurged(a))
      return { ok: false, error: { code: 'NOT_FOUND', message: 'no kiosk form with that code' } };
    const r = this.read(reader, a.ticketId, [a]);
    return r.ok ? { ok: true, data: r.data[0]! } : r;
  }

  /** The read trail between two hall-local dates (inclusive), newest first (SEC-NTK-2). */
  readTrail(q: {
    from: string;
    to: string;
    staffId?: string | undefined;
    ticketId?: string | undefined;
    limit: number;
  }): PiiReadEntry[] {
    const offset = (this.deps.queue().settings?.utcOffsetMinutes ?? 480) * 60_000;
    const start = (day: string) => Date.parse(`${day}T00:00:00Z`) - offset;
    return this.deps.reads
      .search({
        from: start(q.from),
        to: start(q.to) + 24 * 60 * 60 * 1000,
        staffId: q.staffId,
        ticketId: q.ticketId,
        limit: q.limit,
      })
      .map((r) => {
        const s = this.deps.staff(r.staffId);
        return { ...r, staffName: s?.name ?? null, staffNumber: s?.staffNumber ?? null };
      });
  }

  /** Why this reader may read the forms of this ticket, or null (SEC-NTK-1). */
  purposeOf(reader: Reader, ticketId: string): string | null {
    const serving = this.deps
      .queue()
      .allWindows()
      .some((w) => w.clerkId === reader.id && w.ticketId === ticketId);
    if (serving) return 'serving';
    const c = this.deps.caseOf(ticketId);
    if (c !== undefined && c.status !== 'handed-back') {
      const acted = [c.acceptedBy, ...c.intake, ...c.reviewers, c.recheckedBy].includes(reader.id);
      const nextStep = CASE_STEPS.some(
        (s) => s.from.includes(c.status) && s.roles.some((r) => reader.roles.includes(r)),
      );
      if (acted || nextStep) return `case ${c.id}`;
    }
    if (reader.roles.includes('manager')) {
      const why = reader.purpose?.trim() ?? '';
      if (why.length >= 4 && personalDataRefusal(why) === null) return `manager: ${why.slice(0, 200)}`;
    }
    return null;
  }

  private read(reader: Reader, ticketId: string, rows: ApplicationRow[]): Read<ApplicationView[]> {
    const purpose = this.purposeOf(reader, ticketId);
    if (purpose === null)
      return {
        ok: false,
        error: {
          code: 'FORBIDDEN',
          message: reader.roles.includes('manager')
            ? 'a manager reads a form of a ticket they do not serve only with a purpose (?purpose=…, at least 4 characters, recorded)'
            : 'only the clerk serving this ticket, or the staff of its open case, may read its form',
        },
      };
    const at = this.deps.clock.now();
    this.deps.transaction(() => {
      for (const a of rows)
        this.deps.reads.record({
          at,
          staffId: reader.id,
          subject: 'application',
          subjectId: a.id,
          ticketId,
          purpose,
        });
    });
    return { ok: true, data: rows.map((a) => this.view(a)) };
  }

  private view(a: ApplicationRow): ApplicationView {
    const item = this.deps.catalog().find((i) => i.code === a.itemCode);
    const ticket = this.deps.queue().ticket(a.ticketId);
    const fields = item?.form
      ? item.form.fields
          .filter((f) => a.values[f.key] !== undefined)
          .map((f) => ({ key: f.key, label: f.label, value: displayValue(f, a.values[f.key]) }))
      : Object.entries(a.values).map(([key, value]) => ({ key, label: key, value }));
    return {
      id: a.id,
      code: a.code,
      ticketId: a.ticketId,
      ticketNumber: ticket?.number ?? a.ticketId.split('-').at(-1) ?? a.ticketId,
      itemCode: a.itemCode,
      itemName: item?.name ?? a.itemCode,
      formTitle: a.formTitle,
      createdAt: a.createdAt,
      fields,
      values: a.values,
      ...(a.source === 'online'
        ? {
            source: 'online' as const,
            precheck: this.deps.precheckOf?.(a.id) ?? { status: 'none', reasons: [] },
          }
        : {}),
    };
  }
}
