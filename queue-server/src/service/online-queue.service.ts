/**
 * The same-day online ticket (线上取号, SPEC MOB-Q-*): a signed-in citizen joins a category's
 * queue from the phone during opening hours; the ticket keeps its place from then on but is
 * called only once confirmed at the hall (the kiosk's check-in by card or code, or the guide),
 * and lapses at its deadline otherwise. Each step is one unit of work.
 */
import { randomInt } from 'node:crypto';
import {
  type ApiError,
  LIVE_TICKET_STATUSES,
  maskPhone,
  type OnlineQueueOverview,
  type OnlineTicketView,
  type Ticket,
} from '@onewindow/shared';
import { businessDayOf } from '../domain/clock.ts';
import { mobileOf } from '../domain/notices.ts';
import { openingState } from '../domain/opening-hours.ts';
import { onlineSettingsOf } from '../domain/settings.ts';
import type { OnlineStore } from '../store/online.store.ts';
import type { Clock, HallService, UnitOfWork } from './hall.service.ts';
import type { HallViews } from './hall.views.ts';

/**
 * The citizen behind a phone request, as this service needs them: the kiosk's holder reference
 * (the same keyed hash of the ID number, so one live ticket per person holds across channels)
 * and the phone they signed in with. The sign-in (issue #17 point 1) produces it.
 */
export interface OnlineCitizen {
  holderRef: string;
  phone: string;
  /** The masked ID number, when the sign-in knows it (shown to staff like a kiosk ticket's). */
  masked?: string;
  /** Whether the ID number proves the senior class (Q-PRI-1) on this business day. */
  senior?: boolean;
}

const refuse = (error: ApiError & { messageZh?: string }): { ok: false; error: ApiError } => ({
  ok: false,
  error,
});

/** Crockford's base32 without I, L, O, U: nothing a citizen or a guide misreads. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The confirmation code of an online ticket: `W` and 9 random characters (45 bits). */
export function newConfirmCode(): string {
  let code = 'W';
  for (let i = 0; i < 9; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

export interface OnlineQueueDeps {
  hall: HallService;
  views: HallViews;
  online: OnlineStore;
  clock: Clock;
}

export class OnlineQueueService {
  constructor(private readonly d: OnlineQueueDeps) {}

  private get q() {
    return this.d.hall.queue;
  }

  /**
   * MOB-Q-1: joins a category's queue. Refused outside opening hours; a citizen who already holds
   * a live ticket of that category (from the kiosk or the phone) gets that ticket back
   * (`created: false`), as the kiosk does (KSK-4).
   */
  join(
    citizen: OnlineCitizen,
    categoryId: string,
  ): { ok: true; created: boolean; data: OnlineTicketView } | { ok: false; error: ApiError } {
    const s = this.q.settings;
    const config = this.q.hallConfig;
    if (s === null || config === null)
      return refuse({ code: 'NOT_CONFIGURED', message: 'the hall has no configuration yet' });
    if (!config.categories.some((c) => c.id === categoryId))
      return refuse({
        code: 'UNKNOWN_CATEGORY',
        message: `no category ${categoryId.slice(0, 64)}`,
        messageZh: '没有该业务类别，请重新选择',
      });
    const phone = mobileOf(citizen.phone);
    if (phone === undefined)
      return refuse({ code: 'BAD_REQUEST', message: 'the signed-in phone is not a mainland mobile number' });
    const open = openingState(s, this.d.clock.now());
    if (!open.openNow)
      return refuse({
        code: 'HALL_CLOSED',
        message: `online tickets are taken ${s.openingHours.open}–${s.openingHours.close} on ISO weekdays ${s.openingHours.weekdays.join(',')}`,
        messageZh: open.messageZh,
      });
    if (s.oneTicketPerCategory !== false) {
      const live = this.q.liveTicketOf(citizen.holderRef, categoryId);
      if (live !== undefined) return { ok: true, created: false, data: this.view(live) };
    }
    const r = this.d.hall.run({ type: 'ticket:issue' }, (uow) =>
      this.issueIn(uow, citizen, categoryId, phone),
    );
    if (!r.ok) return r;
    const t = this.q.ticket(r.value) as Ticket;
    return { ok: true, created: true, data: this.view(t) };
  }

  private issueIn(uow: UnitOfWork, citizen: OnlineCitizen, categoryId: string, phone: string): string {
    const [issued] = uow.execute({
      type: 'ticket:issue',
      categoryId,
      source: 'online',
      holder: { masked: citizen.masked ?? '', senior: citizen.senior ?? false, ref: citizen.holderRef },
      by: 'citizen',
    });
    if (issued?.type !== 'ticket:issued')
      return uow.refuse({ code: 'INTERNAL', message: 'the command issued no ticket' });
    const t = issued.ticket;
    this.d.online.putCode(newConfirmCode(), t.id, citizen.holderRef, uow.now);
    // NOTE-TRG-5..7 read the phone in the unit of each fact; it never enters a fact.
    this.d.online.putContact({
      ticketId: t.id,
      businessDay: t.businessDay,
      source: 'online',
      phone,
      phoneMasked: maskPhone(phone),
      at: uow.now,
    });
    return t.id;
  }

  /** The citizen's tickets today, from any channel (MOB-Q-5): nothing of anyone else. */
  mine(citizen: OnlineCitizen): OnlineTicketView[] {
    const s = this.q.settings;
    if (s === null) return [];
    const day = businessDayOf(this.d.clock.now(), s.utcOffsetMinutes);
    return this.q
      .allTickets()
      .filter((t) => t.holder?.ref === citizen.holderRef && t.businessDay === day)
      .sort((a, b) => a.arrivedAt - b.arrivedAt)
      .map((t) => this.view(t));
  }

  /** The 线上取号 page (MOB-Q-5): categories with the wait a ticket taken now would have, and the citizen's tickets. */
  overview(citizen: OnlineCitizen): OnlineQueueOverview {
    const s = this.q.settings;
    const config = this.q.hallConfig;
    if (s === null || config === null)
      return { open: false, closedZh: '大厅尚未开放', confirmMinutes: 0, categories: [], tickets: [] };
    const open = openingState(s, this.d.clock.now());
    const est = new Map(this.d.views.estimates().map((e) => [e.categoryId, e]));
    return {
      open: open.openNow,
      closedZh: open.messageZh,
      confirmMinutes: onlineSettingsOf(s).confirmMinutes,
      categories: config.categories.map((c) => {
        const e = est.get(c.id);
        return {
          id: c.id,
          name: c.name,
          nameEn: c.nameEn,
          waiting: e?.waiting ?? 0,
          low: e?.low ?? null,
          high: e?.high ?? null,
        };
      }),
      tickets: this.mine(citizen),
    };
  }

  /** The online ticket awaiting confirmation that a kiosk's card or code names, if any (MOB-Q-2). */
  awaitingAt(input: { code: string } | { holderRef: string }): Readonly<Ticket> | undefined {
    if ('code' in input) {
      const row = this.d.online.byCode(input.code.trim().toUpperCase());
      const t = row === undefined ? undefined : this.q.ticket(row.ticketId);
      return t?.confirmBy !== undefined && t.status === 'waiting' ? t : undefined;
    }
    return this.q.awaitingConfirmation().find((t) => t.holder?.ref === input.holderRef);
  }

  /** MOB-Q-3: lapses every online ticket past its deadline, each in its own unit; how many. */
  lapseDue(): number {
    const now = this.d.clock.now();
    let n = 0;
    for (const t of this.q.awaitingConfirmation()) {
      if (t.confirmBy === undefined || t.confirmBy > now) continue;
      const r = this.d.hall.execute(
        { type: 'ticket:lapse', ticketId: t.id },
        { idempotencyKey: `system:lapse:${t.id}` },
      );
      if (r.ok && !r.replayed) n++;
    }
    return n;
  }

  view(t: Readonly<Ticket>): OnlineTicketView {
    const config = this.q.hallConfig;
    const est = t.status === 'waiting' ? this.d.views.ticketEstimate(t.id) : null;
    const called = t.status === 'called' || t.status === 'serving';
    return {
      id: t.id,
      number: t.number,
      categoryName: config?.categories.find((c) => c.id === t.categoryId)?.name ?? t.categoryId,
      status: t.status,
      confirmBy: t.confirmBy ?? null,
      code: t.source === 'online' ? (this.d.online.codeOf(t.id) ?? '') : '',
      ahead: est?.ahead ?? null,
      low: est?.low ?? null,
      high: est?.high ?? null,
      windowNumber: called && t.windowId !== null ? (this.q.window(t.windowId)?.number ?? null) : null,
      cancelReason: LIVE_TICKET_STATUSES.includes(t.status) ? null : t.cancelReason,
    };
  }
}
