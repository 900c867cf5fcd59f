/**
 * Online booking (网上预约, SPEC MOB-BOOK-*): the hall's capacity as a `booking:configured` fact,
 * free slots, booking with the capacity and the one-per-day rule checked in the unit that writes
 * the booking, cancellation until a set time, the no-show bar, and the timers that record
 * no-shows and reminders. A booking is a row of the appointments table, so the kiosk checks it
 * in exactly as an imported one (APT-4..6).
 */
import { randomUUID } from 'node:crypto';
import {
  type Ack,
  type ApiError,
  type BookingConfig,
  DEFAULT_BOOKING_CONFIG,
  type FreeSlot,
  type OnlineBookingView,
  type ServiceItem,
} from '@onewindow/shared';
import {
  bannedUntil,
  bookableDays,
  bookableNow,
  cancelUntil,
  dueNoShows,
  dueReminders,
  type HallHours,
  linesFor,
  type Slot,
  slotsOn,
} from '../domain/booking.ts';
import { businessDayOf, localTimeOf } from '../domain/clock.ts';
import { DEFAULT_SETTINGS } from '../domain/settings.ts';
import type { AppointmentStore } from '../store/appointment.store.ts';
import type { BookingStore, OnlineBookingRow } from '../store/booking.store.ts';
import { APPOINTMENT_LATE_MINUTES } from './appointment.service.ts';
import { type Citizen, randomCode } from './citizen.ts';
import type { Clock, HallService } from './hall.service.ts';

const MIN = 60_000;
const DAY_MS = 24 * 60 * MIN;
export const BOOKING_CONFIG_KEY = 'booking-config';

export interface BookingDeps {
  hall: HallService;
  store: BookingStore;
  appointments: AppointmentStore;
  catalog: () => ServiceItem[];
  isWorkingDay: (day: string) => boolean;
  meta: { get(key: string): string | undefined; put(key: string, value: string): void };
  clock: Clock;
}

const refuse = (
  code: ApiError['code'],
  message: string,
  messageZh: string,
): { ok: false; error: ApiError } => ({
  ok: false,
  error: { code, message, messageZh },
});

const minusDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) - n * DAY_MS).toISOString().slice(0, 10);

export class BookingService {
  constructor(private readonly deps: BookingDeps) {}

  private get hours(): HallHours {
    const s = this.deps.hall.queue.settings ?? DEFAULT_SETTINGS;
    return { openingHours: s.openingHours, utcOffsetMinutes: s.utcOffsetMinutes };
  }

  private hhmm(at: number): string {
    const m = localTimeOf(at, this.hours.utcOffsetMinutes).minutes;
    return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  }

  /** The hall's booking configuration: the last `booking:configured`, else the defaults (MOB-BOOK-1). */
  config(): BookingConfig {
    const raw = this.deps.meta.get(BOOKING_CONFIG_KEY);
    return raw === undefined ? DEFAULT_BOOKING_CONFIG : (JSON.parse(raw) as BookingConfig);
  }

  /** MOB-BOOK-1: an admin sets the configuration; a fact, so the log says who set what and when. */
  configure(actor: string, config: BookingConfig): Ack<BookingConfig> {
    const categories = new Set(this.deps.hall.queue.hallConfig?.categories.map((c) => c.id) ?? []);
    const items = new Map(this.deps.catalog().map((i) => [i.code, i]));
    const issues: { path: string; message: string; messageZh: string }[] = [];
    config.lines.forEach((l, i) => {
      if (!categories.has(l.categoryId))
        issues.push({
          path: `lines.${i}.categoryId`,
          message: `no queue category ${l.categoryId}`,
          messageZh: `没有排队类别 ${l.categoryId}`,
        });
      if (l.itemCode !== null) {
        const item = items.get(l.itemCode);
        if (item === undefined)
          issues.push({
            path: `lines.${i}.itemCode`,
            message: `no catalog item ${l.itemCode}`,
            messageZh: `事项清单中没有 ${l.itemCode}`,
          });
        else if (item.categoryId !== l.categoryId)
          issues.push({
            path: `lines.${i}.itemCode`,
            message: `item ${l.itemCode} queues in ${item.categoryId}, not ${l.categoryId}`,
            messageZh: `事项 ${item.name} 属于类别 ${item.categoryId}`,
          });
      }
    });
    if (issues.length > 0)
      return {
        ok: false,
        error: { code: 'BAD_REQUEST', message: `${issues.length} booking line(s) are invalid`, issues },
      };
    const r = this.deps.hall.run({ type: 'booking:configure' }, (uow) => {
      uow.append([{ type: 'booking:configured', config, by: actor }]);
      this.deps.meta.put(BOOKING_CONFIG_KEY, JSON.stringify(config));
    });
    return r.ok ? { ok: true, data: config } : r;
  }

  private item(itemCode: string): ServiceItem | undefined {
    return this.deps.catalog().find((i) => i.code === itemCode);
  }

  /** The slots of an item's line on the bookable days, with what each has left (MOB-BOOK-2). */
  private slotsOf(item: ServiceItem, config: BookingConfig, now: number): Slot[] | null {
    const lines = linesFor(config, item);
    if (!config.enabled || lines === null) return null;
    const hours = this.hours;
    return bookableDays(now, config, hours.utcOffsetMinutes, this.deps.isWorkingDay).flatMap((day) =>
      slotsOn(day, lines, hours, this.deps.isWorkingDay(day)).filter((s) => bookableNow(s, now, config)),
    );
  }

  /** MOB-BOOK-2: the free slots of an item (public: counts only). */
  freeSlots(itemCode: string): Ack<{ itemCode: string; slots: FreeSlot[] }> {
    const item = this.item(itemCode);
    if (item === undefined) return refuse('NOT_FOUND', `no catalog item ${itemCode}`, '没有这个事项');
    const slots = this.slotsOf(item, this.config(), this.deps.clock.now());
    if (slots === null)
      return refuse('NOT_FOUND', `item ${itemCode} takes no online bookings`, '该事项暂不提供网上预约');
    const taken = new Map<string, Map<number, number>>();
    const takenOf = (s: Slot) => {
      const k = `${s.day}|${s.slotKey}`;
      let m = taken.get(k);
      if (m === undefined) {
        m = this.deps.store.takenOfDay(s.day, s.slotKey);
        taken.set(k, m);
      }
      return m.get(s.start) ?? 0;
    };
    return {
      ok: true,
      data: {
        itemCode,
        slots: slots.map((s) => ({
          day: s.day,
          start: s.start,
          end: s.end,
          capacity: s.capacity,
          free: Math.max(0, s.capacity - takenOf(s)),
        })),
      },
    };
  }

  /**
   * MOB-BOOK-3, MOB-BOOK-4: books a slot for the citizen. The one-per-day rule and the slot's
   * capacity are checked inside the unit that writes the booking, so of clients racing for the
   * last place exactly one commits. With a key, a retry answers with the first booking.
   */
  book(
    citizen: Citizen,
    body: { itemCode: string; slotStart: number },
    key?: string,
  ): Ack<OnlineBookingView> {
    const item = this.item(body.itemCode);
    if (item === undefined) return refuse('NOT_FOUND', `no catalog item ${body.itemCode}`, '没有这个事项');
    const idempotencyKey = key === undefined ? undefined : `booking:${citizen.holderRef}:${key}`;
    if (idempotencyKey !== undefined) {
      const prior = this.deps.hall.replay<OnlineBookingView>(idempotencyKey, 'booking:make');
      if (prior !== undefined)
        return prior.ok ? { ok: true, data: this.viewOf(prior.value.bookingCode)! } : prior;
    }
    const config = this.config();
    const now = this.deps.clock.now();
    const slots = this.slotsOf(item, config, now);
    if (slots === null)
      return refuse('NOT_FOUND', `item ${body.itemCode} takes no online bookings`, '该事项暂不提供网上预约');
    const slot = slots.find((s) => s.start === body.slotStart);
    if (slot === undefined)
      return refuse(
        'BAD_REQUEST',
        'slotStart is not a bookable slot of this item now',
        '该时段不可预约，请重新选择时段',
      );
    const offset = this.hours.utcOffsetMinutes;
    const today = businessDayOf(now, offset);
    const r = this.deps.hall.run(
      { type: 'booking:make', ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) },
      (uow): OnlineBookingView => {
        const until = bannedUntil(
          this.deps.store.noShowDays(citizen.holderRef, minusDays(today, config.noShow.periodDays)),
          today,
          config.noShow,
        );
        if (until !== null)
          uow.refuse({
            code: 'FORBIDDEN',
            message: `online booking is barred until ${until} after ${config.noShow.limit} no-shows`,
            messageZh: `您近 ${config.noShow.periodDays} 天内预约未到 ${config.noShow.limit} 次，${until} 前不能网上预约，可到大厅现场取号办理`,
          });
        const same = this.deps.appointments.byHolder(slot.day, citizen.holderRef);
        if (same.length > 0)
          uow.refuse({
            code: 'CONFLICT',
            message: `the citizen already has booking ${same[0]!.bookingCode} on ${slot.day}`,
            messageZh: `您在 ${slot.day} 已有预约（${this.hhmm(same[0]!.slotStart)}），每人每天只能预约一次`,
          });
        if (this.deps.store.taken(slot.day, slot.slotKey, slot.start) >= slot.capacity)
          uow.refuse({
            code: 'CONFLICT',
            message: `slot ${slot.day} ${this.hhmm(slot.start)} is full`,
            messageZh: `${slot.day} ${this.hhmm(slot.start)} 时段已约满，请选择其他时段`,
          });
        const bookingCode = randomCode('Y');
        this.deps.store.insert({
          id: randomUUID(),
          businessDay: slot.day,
          bookingCode,
          holderRef: citizen.holderRef,
          holderMasked: citizen.holderMasked,
          senior: citizen.senior,
          itemCode: item.code,
          categoryId: item.categoryId,
          slotStart: slot.start,
          slotEnd: slot.end,
          slotKey: slot.slotKey,
          phone: citizen.phone,
          at: uow.now,
        });
        uow.append([
          {
            type: 'booking:made',
            bookingCode,
            businessDay: slot.day,
            categoryId: item.categoryId,
            itemCode: item.code,
            slotStart: slot.start,
            slotEnd: slot.end,
          },
        ]);
        return this.viewOf(bookingCode)!;
      },
    );
    return r.ok ? { ok: true, data: r.value } : r;
  }

  /** MOB-BOOK-5: the citizen cancels their booking until `cancelBeforeMinutes` before the slot. */
  cancel(citizen: Citizen, bookingCode: string): Ack<OnlineBookingView> {
    const b = this.deps.store.byCode(bookingCode);
    if (b === undefined || b.holderRef !== citizen.holderRef)
      return refuse(
        'NOT_FOUND',
        `no booking ${bookingCode.slice(0, 20)} of this citizen`,
        '没有找到这个预约',
      );
    if (b.status !== 'booked')
      return refuse('CONFLICT', `booking ${bookingCode} is ${b.status}`, '该预约已不能取消');
    const config = this.config();
    const until = cancelUntil(b.slotStart, config);
    if (this.deps.clock.now() > until)
      return refuse(
        'CONFLICT',
        `cancellation closed at ${new Date(until).toISOString()} (${config.cancelBeforeMinutes} minutes before the slot)`,
        `预约时段开始前 ${formatMinutes(config.cancelBeforeMinutes)}内不能取消（截止 ${this.hhmm(until)}），如不能前来请联系大厅`,
      );
    const r = this.deps.hall.run({ type: 'booking:cancel' }, (uow) => {
      if (!this.deps.store.cancel(bookingCode))
        uow.refuse({
          code: 'CONFLICT',
          message: `booking ${bookingCode} changed`,
          messageZh: '该预约已不能取消',
        });
      uow.append([{ type: 'booking:cancelled', bookingCode, by: 'citizen' }]);
    });
    return r.ok ? { ok: true, data: this.viewOf(bookingCode)! } : r;
  }

  /** The citizen's bookings from a week ago on (the phone's list). */
  mine(citizen: Citizen): OnlineBookingView[] {
    const today = businessDayOf(this.deps.clock.now(), this.hours.utcOffsetMinutes);
    return this.deps.store
      .ofHolder(citizen.holderRef, minusDays(today, 7))
      .map((b) => this.view(b, this.config()));
  }

  private viewOf(bookingCode: string): OnlineBookingView | undefined {
    const b = this.deps.store.byCode(bookingCode);
    return b === undefined ? undefined : this.view(b, this.config());
  }

  private view(b: OnlineBookingRow, config: BookingConfig): OnlineBookingView {
    return {
      bookingCode: b.bookingCode,
      businessDay: b.businessDay,
      itemCode: b.itemCode,
      itemName: this.item(b.itemCode)?.name ?? b.itemCode,
      categoryId: b.categoryId,
      slotStart: b.slotStart,
      slotEnd: b.slotEnd,
      status: b.status,
      cancelUntil: cancelUntil(b.slotStart, config),
    };
  }

  /** What the reminder SMS says of a booking (NoticeLookups.bookingOf). */
  noticeOf(bookingCode: string): { phone: string; itemName: string; slot: string } | undefined {
    const b = this.deps.store.byCode(bookingCode);
    const phone = this.deps.store.phoneOf(bookingCode);
    if (b === undefined || phone === undefined) return undefined;
    const [, m, d] = b.businessDay.split('-');
    return {
      phone,
      itemName: this.item(b.itemCode)?.name ?? b.itemCode,
      slot: `${Number(m)}月${Number(d)}日${this.hhmm(b.slotStart)}–${this.hhmm(b.slotEnd)}`,
    };
  }

  /**
   * The timer (MOB-BOOK-6, MOB-BOOK-7): records the no-shows and the due reminders now, each kind
   * in one unit with its fact (the reminders' notices are written by the outbox's projector in
   * that unit). Returns how many of each.
   */
  tick(): { noShows: number; reminders: number } {
    const now = this.deps.clock.now();
    const config = this.config();
    const rows = (before: number) =>
      this.deps.store.openBefore(before).map((b) => ({ ...b, bookedAt: b.importedAt }));
    const missed = dueNoShows(rows(now), now, APPOINTMENT_LATE_MINUTES).map((b) => b.bookingCode);
    if (missed.length > 0)
      this.deps.hall.run({ type: 'booking:no-shows' }, (uow) => {
        const codes = missed.filter((c) => this.deps.store.markMissed(c));
        if (codes.length > 0) uow.append([{ type: 'booking:no-shows', bookingCodes: codes }]);
      });
    const due = dueReminders(rows(now + config.reminderMinutesBefore * MIN), now, config).map(
      (b) => b.bookingCode,
    );
    if (due.length > 0)
      this.deps.hall.run({ type: 'booking:remind' }, (uow) => {
        const codes = due.filter((c) => this.deps.store.markReminded(c, uow.now));
        if (codes.length > 0) uow.append([{ type: 'booking:reminded', bookingCodes: codes }]);
      });
    return { noShows: missed.length, reminders: due.length };
  }
}

function formatMinutes(m: number): string {
  if (m % 60 === 0) return `${m / 60} 小时`;
  return `${m} 分钟`;
}
