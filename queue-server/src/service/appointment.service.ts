import { randomUUID } from 'node:crypto';
import {
  type ApiError,
  ageOn,
  ERROR_MESSAGES_ZH,
  maskIdNumber,
  parseIdNumber,
  type Ticket,
} from '@onewindow/shared';
import { z } from 'zod';
import { businessDayOf, localTimeOf } from '../domain/clock.ts';
import { DEFAULT_SETTINGS } from '../domain/settings.ts';
import type { Command } from '../domain/types.ts';
import type { AppointmentRow, AppointmentStatus, AppointmentStore } from '../store/appointment.store.ts';
import type { Clock, HallService, UnitOfWork } from './hall.service.ts';

/**
 * The check-in window around a booked slot (SPEC APT-4, APT-5): a citizen may check in from
 * 30 minutes before the slot starts until 15 minutes after it ends. Typical of published
 * hall rules (早到不超过半小时, 迟到15分钟视为爽约); constants rather than hall settings so the
 * settings schema shared with every terminal stays unchanged.
 */
export const APPOINTMENT_EARLY_MINUTES = 30;
export const APPOINTMENT_LATE_MINUTES = 15;

/** Most bookings one import may carry (a big hall books a few hundred a day; the JSON body limit is 256 kB). */
export const MAX_IMPORT_ROWS = 1500;

const MIN = 60_000;

/** An instant: an ISO 8601 date-time with an offset (`2026-11-26T10:00:00+08:00`) or epoch ms. */
const instant = z.union([
  z.int().min(0).max(8_640_000_000_000_000),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

/** One booking row of an import, as the booking system exports it. */
export const bookingRowSchema = z.strictObject({
  bookingCode: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (1–64)'),
  idNumber: z.string().trim().min(1).max(32),
  itemCode: z.string().trim().min(1).max(64),
  /** Defaults to the catalog item's category. */
  categoryId: z.string().trim().min(1).max(64).optional(),
  slotStart: instant,
  slotEnd: instant,
  /** The booking system cancelled it (cancel ≥ 2 h before, DOMAIN.md). */
  cancelled: z.boolean().optional(),
});
export type BookingRowInput = z.input<typeof bookingRowSchema>;

export const importBodySchema = z.strictObject({
  bookings: z.array(z.unknown()).min(1).max(MAX_IMPORT_ROWS),
});

export const checkInBodySchema = z.union([
  z.strictObject({ idNumber: z.string().trim().min(1).max(32) }),
  z.strictObject({ bookingCode: z.string().trim().min(1).max(64) }),
]);
export type CheckInInput = z.infer<typeof checkInBodySchema>;

/** A refusal: the shared error plus, for citizens, a Chinese sentence that says what to do. */
export type AppointmentError = ApiError & { messageZh: string; opensAt?: number };
export type Result<T> = { ok: true; data: T } | { ok: false; error: AppointmentError };

/** A row that cannot be imported: which row, which field, why (English, never the ID number). */
export interface RowError {
  row: number;
  field: string;
  message: string;
}

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
  cancelled: number;
  days: string[];
}

/** What staff screens see of a booking: masked, without the holder reference. */
export interface AppointmentView {
  bookingCode: string;
  businessDay: string;
  holderMasked: string;
  itemCode: string;
  categoryId: string;
  slotStart: number;
  slotEnd: number;
  status: AppointmentStatus;
  late: boolean;
  ticketId: string | null;
  checkedInAt: number | null;
}

export interface CheckInResult<X = never> {
  appointment: AppointmentView;
  ticket: Ticket;
  /** True when the booking was already checked in: the same ticket again (APT-6). */
  replayed: boolean;
  /** Checked in after the window: a regular ticket (APT-5). */
  late: boolean;
  /** What the caller's `also` returned inside the unit (first time, or stored with the key); null when none. */
  extra: X | null;
}

export interface AppointmentDeps {
  store: AppointmentStore;
  hall: HallService;
  /** The keyed hash of an ID number (CommandGateway.holderRef): the same person, the same ref. */
  holderRef: (idNumber: string) => string;
  clock: Clock;
  /** Catalog item code → queue category, for rows that do not name one (read once per import). */
  itemCategories?: () => ReadonlyMap<string, string>;
  /** A ticket of a closed day (the engine keeps only open days); default: the engine's. */
  ticketById?: (id: string) => Ticket | undefined;
  /** The admin audit (written inside the import's transaction). */
  audit?: (actor: string, action: string, detail: unknown) => void;
}

function refuse(
  code: ApiError['code'],
  message: string,
  messageZh?: string,
): { ok: false; error: AppointmentError } {
  return { ok: false, error: { code, message, messageZh: messageZh ?? ERROR_MESSAGES_ZH[code] } };
}

export function viewOf(a: AppointmentRow): AppointmentView {
  return {
    bookingCode: a.bookingCode,
    businessDay: a.businessDay,
    holderMasked: a.holderMasked,
    itemCode: a.itemCode,
    categoryId: a.categoryId,
    slotStart: a.slotStart,
    slotEnd: a.slotEnd,
    status: a.status,
    late: a.late,
    ticketId: a.ticketId,
    checkedInAt: a.checkedInAt,
  };
}

function hhmm(at: number, offsetMinutes: number): string {
  const m = localTimeOf(at, offsetMinutes).minutes;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * Appointments (预约, SPEC APT-1..APT-7): import a day's bookings from the booking system and
 * check citizens in at a kiosk or the guide desk. A check-in issues an ordinary ticket through
 * the hall service, so boards, estimates and the log treat it like any other.
 */
export class AppointmentService {
  constructor(private readonly deps: AppointmentDeps) {
    this.settleMissed();
    deps.hall.subscribe((events) => {
      if (events.some((e) => e.type === 'day:closed')) this.settleMissed();
    });
  }

  private get offset(): number {
    return this.deps.hall.queue.settings?.utcOffsetMinutes ?? DEFAULT_SETTINGS.utcOffsetMinutes;
  }

  /**
   * Imports bookings (APT-2, APT-3): every row is checked first; one bad row refuses the whole
   * import with every row's errors, and nothing is written. Re-importing a booking code
   * updates it.
   */
  importBookings(
    rows: readonly unknown[],
    /** Who imports: the import is written to the admin audit in its own transaction. */
    actor?: string,
  ): { ok: true; data: ImportSummary } | { ok: false; errors: RowError[] } {
    const q = this.deps.hall.queue;
    const config = q.hallConfig;
    const now = this.deps.clock.now();
    const offset = this.offset;
    const today = businessDayOf(now, offset);
    const lastClosed = q.hallState().lastClosedDay;
    const seniorAge = q.settings?.seniorAge ?? DEFAULT_SETTINGS.seniorAge;
    const categories = new Set(config?.categories.map((c) => c.id) ?? []);
    const itemCategories = this.deps.itemCategories?.() ?? new Map<string, string>();
    const errors: RowError[] = [];
    const err = (row: number, field: string, message: string) => errors.push({ row, field, message });

    type Ready = Omit<AppointmentRow, 'id' | 'late' | 'ticketId' | 'checkedInAt' | 'importedAt'>;
    const ready: { row: number; value: Ready }[] = [];
    const codes = new Map<string, number>();
    rows.forEach((raw, i) => {
      const parsed = bookingRowSchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) err(i, String(issue.path[0] ?? '(row)'), issue.message);
        return;
      }
      const b = parsed.data;
      const before = errors.length;
      const day = businessDayOf(b.slotStart, offset);
      if (b.slotEnd <= b.slotStart) err(i, 'slotEnd', 'the slot must end after it starts');
      else if (businessDayOf(b.slotEnd - 1, offset) !== day)
        err(i, 'slotEnd', 'the slot must end on the business day it starts');
      if (day < today) err(i, 'slotStart', `business day ${day} is over`);
      else if (lastClosed !== null && day <= lastClosed) err(i, 'slotStart', `business day ${day} is closed`);
      const id = parseIdNumber(b.idNumber, { today: day });
      if (!id.ok) err(i, 'idNumber', id.error.detail);
      const categoryId = b.categoryId ?? itemCategories.get(b.itemCode);
      if (categoryId === undefined)
        err(
          i,
          b.categoryId === undefined ? 'itemCode' : 'categoryId',
          'unknown service item; name its categoryId',
        );
      else if (!categories.has(categoryId)) err(i, 'categoryId', `no queue category ${categoryId}`);
      const first = codes.get(b.bookingCode);
      if (first !== undefined) err(i, 'bookingCode', `booking code repeated (row ${first})`);
      else codes.set(b.bookingCode, i);
      if (errors.length > before || !id.ok || categoryId === undefined) return;
      ready.push({
        row: i,
        value: {
          businessDay: day,
          bookingCode: b.bookingCode,
          holderRef: this.deps.holderRef(id.value.number),
          holderMasked: maskIdNumber(id.value.number),
          // SEC-MIN-1: whether they are a senior on the booked day, not their birth date.
          senior: ageOn(id.value.birthDate, day) >= seniorAge,
          itemCode: b.itemCode,
          categoryId,
          slotStart: b.slotStart,
          slotEnd: b.slotEnd,
          status: b.cancelled ? 'cancelled' : 'booked',
        },
      });
    });

    const store = this.deps.store;
    return store.transaction(() => {
      // APT-3: one live booking per person per day, within the import and against the store.
      const holders = new Map<string, number>();
      for (const { row, value: v } of ready) {
        if (v.status === 'cancelled') continue;
        const key = `${v.businessDay}|${v.holderRef}`;
        const first = holders.get(key);
        if (first !== undefined)
          err(row, 'idNumber', `the same person already has a booking on ${v.businessDay} (row ${first})`);
        else holders.set(key, row);
        const other = store.byHolder(v.businessDay, v.holderRef).find((a) => !codes.has(a.bookingCode));
        if (other !== undefined)
          err(
            row,
            'idNumber',
            `the same person already has booking ${other.bookingCode} on ${v.businessDay}`,
          );
      }
      const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0, cancelled: 0, days: [] };
      const plan: (() => void)[] = [];
      for (const { row, value: v } of ready) {
        const old = store.byCode(v.bookingCode);
        if (v.status === 'cancelled') summary.cancelled += 1;
        if (old === undefined) {
          summary.created += 1;
          plan.push(() => store.insert({ ...v, id: randomUUID(), importedAt: now }));
          continue;
        }
        const same =
          old.businessDay === v.businessDay &&
          old.holderRef === v.holderRef &&
          old.itemCode === v.itemCode &&
          old.categoryId === v.categoryId &&
          old.slotStart === v.slotStart &&
          old.slotEnd === v.slotEnd;
        if (old.status === 'checked-in' || old.status === 'missed') {
          // What happened at the hall is history: only an identical row is accepted again.
          if (same && v.status !== 'cancelled') summary.unchanged += 1;
          else err(row, 'bookingCode', `booking ${v.bookingCode} is ${old.status} and can no longer change`);
          continue;
        }
        if (same && old.status === v.status) {
          summary.unchanged += 1;
          continue;
        }
        summary.updated += 1;
        plan.push(() => store.update({ ...v, importedAt: now }));
      }
      if (errors.length > 0) return { ok: false as const, errors: errors.sort((a, b) => a.row - b.row) };
      for (const write of plan) write();
      summary.days = [...new Set(ready.map((r) => r.value.businessDay))].sort();
      if (actor !== undefined) this.deps.audit?.(actor, 'appointments:import', summary);
      return { ok: true as const, data: summary };
    });
  }

  /**
   * Checks a citizen in (APT-4..APT-6) by ID number or booking code at the clock's now: on
   * time → an `appointment` ticket; late → a regular one; early → refused with the time to
   * come back; already checked in → the same ticket.
   */
  checkIn<X = never>(
    input: CheckInInput,
    also?: (uow: UnitOfWork, ticket: Ticket) => X,
  ): Result<CheckInResult<X>> {
    const q = this.deps.hall.queue;
    if (q.hallConfig === null) return refuse('NOT_CONFIGURED', 'the hall has no configuration yet');
    const now = this.deps.clock.now();
    const offset = this.offset;
    const today = businessDayOf(now, offset);
    const store = this.deps.store;

    let appt: AppointmentRow | undefined;
    let idNumber: string | null = null;
    if ('bookingCode' in input) {
      appt = store.byCode(input.bookingCode);
      if (appt !== undefined && appt.businessDay !== today) appt = undefined;
    } else {
      const id = parseIdNumber(input.idNumber, { today });
      if (!id.ok) return refuse('INVALID_ID_NUMBER', id.error.detail, id.error.message);
      idNumber = id.value.number;
      appt = store.byHolder(today, this.deps.holderRef(idNumber))[0];
    }
    if (appt === undefined)
      return refuse(
        'NOT_FOUND',
        `no booking for business day ${today}`,
        '没有找到您今天的预约，请到咨询台咨询',
      );
    if (appt.status === 'cancelled')
      return refuse('CONFLICT', `booking ${appt.bookingCode} was cancelled`, '该预约已取消，请到咨询台咨询');
    if (appt.status === 'missed')
      return refuse('CONFLICT', `booking ${appt.bookingCode} was missed`, '该预约已过期，请到咨询台咨询');

    const opensAt = appt.slotStart - APPOINTMENT_EARLY_MINUTES * MIN;
    const closesAt = appt.slotEnd + APPOINTMENT_LATE_MINUTES * MIN;
    if (appt.status === 'booked' && now < opensAt) {
      const at = hhmm(opensAt, offset);
      return {
        ok: false,
        error: {
          code: 'APPOINTMENT_TOO_EARLY',
          message: `check-in for booking ${appt.bookingCode} opens at ${at} (${APPOINTMENT_EARLY_MINUTES} minutes before the slot)`,
          messageZh: `您预约的时段是 ${hhmm(appt.slotStart, offset)}–${hhmm(appt.slotEnd, offset)}，请于 ${at} 后签到`,
          opensAt,
        },
      };
    }
    const late = now > closesAt;
    const cmd: Command = {
      type: 'ticket:issue',
      categoryId: appt.categoryId,
      itemCode: appt.itemCode,
      idNumber,
      holderRef: appt.holderRef,
      // APT-8: by booking code alone the ticket still has its holder (masked) and age.
      ...(idNumber === null
        ? { holder: { masked: appt.holderMasked, senior: appt.senior, ref: appt.holderRef } }
        : {}),
      ...(late ? {} : { priorityClass: 'appointment' as const }),
      source: 'appointment',
      by: 'system',
      reason: `预约 ${appt.bookingCode}`,
    };
    // APT-6: the key makes a double tap return the ticket issued the first time. The ticket,
    // the booking's check-in and whatever the caller adds (the kiosk's print job) commit as one
    // unit of work (UOW-1), so a crash leaves either all of them or none.
    const r = this.deps.hall.run(
      { type: 'ticket:issue', idempotencyKey: `appointment:${appt.bookingCode}` },
      (uow): { ticketId: string; extra: X | null } => {
        const [issued] = uow.execute(cmd);
        if (issued?.type !== 'ticket:issued')
          return uow.refuse({ code: 'INTERNAL', message: 'the check-in issued no ticket' });
        const t = issued.ticket;
        store.markCheckedIn(appt.bookingCode, t.id, t.arrivedAt, t.arrivedAt > closesAt);
        return { ticketId: t.id, extra: also === undefined ? null : also(uow, t) };
      },
    );
    if (!r.ok) return refuse(r.error.code, r.error.message);
    const issued = r.events.find((e) => e.type === 'ticket:issued');
    if (issued?.type !== 'ticket:issued') return refuse('INTERNAL', 'the check-in issued no ticket');
    const ticket = (q.ticket(issued.ticket.id) ??
      this.deps.ticketById?.(issued.ticket.id) ??
      issued.ticket) as Ticket;
    const wasLate = ticket.arrivedAt > closesAt;
    // A check-in recorded before check-ins were one unit may have missed its booking update.
    if (r.replayed && store.byCode(appt.bookingCode)?.status !== 'checked-in')
      store.markCheckedIn(appt.bookingCode, ticket.id, ticket.arrivedAt, wasLate);
    return {
      ok: true,
      data: {
        appointment: viewOf(store.byCode(appt.bookingCode)!),
        ticket: structuredClone(ticket),
        replayed: r.replayed,
        late: wasLate,
        extra: r.value?.extra ?? null,
      },
    };
  }

  /** The bookings of a day, masked (staff screens). */
  list(businessDay: string): AppointmentView[] {
    return this.deps.store.ofDay(businessDay).map(viewOf);
  }

  /** Rows of a day for the day report. */
  rowsOf(businessDay: string): AppointmentRow[] {
    return this.deps.store.ofDay(businessDay);
  }

  /** APT-7: bookings of closed days nobody checked in for become `missed`. */
  settleMissed(): number {
    const last = this.deps.hall.queue.hallState().lastClosedDay;
    return last === null ? 0 : this.deps.store.settleMissed(last);
  }
}
