/**
 * What the citizen's phone shows of their business (SPEC MOB-PROG-*): today's tickets with the
 * hall's own estimate, bookings, and cases with their steps and deadlines; and the lookup of one
 * case by its receipt number and the last four digits of the phone on its slip, without signing
 * in. Read-only: nothing here writes.
 */
import { timingSafeEqual } from 'node:crypto';
import type {
  CaseRecord,
  CitizenBooking,
  CitizenCase,
  CitizenHallInfo,
  CitizenProgress,
  CitizenTicket,
  ServiceItem,
} from '@onewindow/shared';
import type { CitizenPrincipal } from '../auth/permissions.ts';
import { mobileOf } from '../domain/notices.ts';
import { DEFAULT_SETTINGS } from '../domain/settings.ts';
import type { AppointmentRow } from '../store/appointment.store.ts';
import type { HallService } from './hall.service.ts';
import type { HallViews } from './hall.views.ts';

export interface CitizenProgressDeps {
  hall: HallService;
  views: HallViews;
  catalog: () => readonly ServiceItem[];
  today: () => string;
  /** The holder's bookings from `from` on (the appointments table: imported and online alike). */
  bookingsOf: (holderRef: string, from: string) => AppointmentRow[];
  /** The cases taken in for the holder's tickets, newest first. */
  casesOf: (holderRef: string) => CaseRecord[];
  caseById: (id: string) => CaseRecord | undefined;
  /** The contact phone on a case's acceptance slip, as written there. */
  slipPhoneOf: (c: CaseRecord) => string | undefined;
  /** The signed-in session's phone, opened. */
  sessionPhone: (p: CitizenPrincipal) => string | undefined;
}

/** The one answer to a receipt that does not exist and digits that do not match (MOB-PROG-2). */
export const LOOKUP_MISS = {
  code: 'NOT_FOUND',
  message: 'no case with this receipt number and phone digits',
  messageZh: '未查到办件：请核对受理编号和手机号后四位',
} as const;

export class CitizenProgressService {
  constructor(private readonly d: CitizenProgressDeps) {}

  hallInfo(): CitizenHallInfo {
    const s = this.d.hall.queue.settings ?? DEFAULT_SETTINGS;
    return {
      hallName: s.hallName,
      openingHours: { ...s.openingHours, weekdays: [...s.openingHours.weekdays] },
      utcOffsetMinutes: s.utcOffsetMinutes,
    };
  }

  /**
   * MOB-PROG-1: the identified citizen's tickets of today, bookings from today on, and cases.
   * A case is listed only when its slip's phone is the signed-in phone: an ID number is claimed,
   * not proven, so knowing someone's number shows no more than their ticket's place in line.
   */
  progress(p: CitizenPrincipal & { holderRef: string }): CitizenProgress {
    const q = this.d.hall.queue;
    const today = this.d.today();
    const config = q.hallConfig;
    const categoryName = (id: string) => config?.categories.find((c) => c.id === id)?.name ?? id;
    const items = new Map(this.d.catalog().map((i) => [i.code, i.name]));
    const tickets: CitizenTicket[] = q
      .allTickets()
      .filter((t) => t.businessDay === today && t.holder?.ref === p.holderRef)
      .sort((a, b) => a.arrivedAt - b.arrivedAt)
      .flatMap((t) => {
        const v = this.d.views.ticketStatus(t.id);
        return v === null
          ? []
          : [
              {
                id: v.id,
                number: v.number,
                categoryName: v.categoryName,
                status: v.status,
                ahead: v.ahead,
                low: v.low,
                high: v.high,
                minutes: v.minutes,
                windowNumber: v.windowNumber,
                arrivedAt: v.arrivedAt,
              },
            ];
      });
    const bookings: CitizenBooking[] = this.d.bookingsOf(p.holderRef, today).map((b) => ({
      id: b.id,
      businessDay: b.businessDay,
      categoryName: categoryName(b.categoryId),
      itemName: items.get(b.itemCode) ?? null,
      slotStart: b.slotStart,
      slotEnd: b.slotEnd,
      status: b.status,
      bookingCode: b.bookingCode,
    }));
    const phone = mobileOf(this.d.sessionPhone(p));
    const cases = this.d
      .casesOf(p.holderRef)
      .filter((c) => phone !== undefined && mobileOf(this.d.slipPhoneOf(c)) === phone)
      .map(citizenCase);
    return { hallName: this.hallInfo().hallName, tickets, bookings, cases };
  }

  /**
   * MOB-PROG-2: one case by its receipt number and the last four digits of the phone its slip
   * names. A missing receipt, a slip without a phone and wrong digits give the same answer.
   */
  lookup(
    receiptNo: string,
    phoneLast4: string,
  ): { ok: true; data: CitizenCase } | { ok: false; error: typeof LOOKUP_MISS } {
    const c = this.d.caseById(receiptNo);
    const digits = (c === undefined ? '' : (this.d.slipPhoneOf(c) ?? '')).replace(/\D/g, '');
    const tail = Buffer.from(digits.length >= 4 ? digits.slice(-4) : '----');
    const match = timingSafeEqual(tail, Buffer.from(phoneLast4.padEnd(4, '-').slice(0, 4)));
    if (c === undefined || !match) return { ok: false, error: LOOKUP_MISS };
    return { ok: true, data: citizenCase(c) };
  }
}

/** A case as its citizen may see it: the steps' times and statuses, no staff, no notes. */
export function citizenCase(c: CaseRecord): CitizenCase {
  return {
    receiptNo: c.id,
    itemName: c.itemName,
    status: c.status,
    acceptedAt: c.acceptedAt,
    deadline: c.deadline,
    workingDays: c.workingDays,
    missing: c.status === 'supplementing' ? [...c.missing] : [],
    // A step that leaves the status as it was (a page captured, a material waived) is no step to the citizen.
    steps: c.history
      .filter((h, i) => i === 0 || h.to !== c.history[i - 1]!.to)
      .map((h) => ({ at: h.at, to: h.to })),
  };
}
