/**
 * The kiosk's use cases (issue #5, SPEC KSK-*): take a ticket with the item's form and print it,
 * reprint, "my tickets today", appointment check-in. Each one that writes is one unit of work
 * (UOW-1): the ticket, its form, its print job (outbox) and their facts commit together, and a
 * retried Idempotency-Key answers with the complete first result (KSK-6). Errors are returned,
 * never thrown at the caller; Chinese sentences for the citizen travel in `messageZh`.
 */
import { randomUUID } from 'node:crypto';
import {
  type Ack,
  type ApiError,
  displayValue,
  type FormDefinition,
  type KioskCheckInResult,
  type KioskContext,
  type KioskIssueResult,
  type KioskTicket,
  LIVE_TICKET_STATUSES,
  maskIdNumber,
  maskName,
  maskPhone,
  parseIdNumber,
  type ServiceItem,
  type Ticket,
  validateForm,
} from '@onewindow/shared';
import type { KioskLookupResult, KioskReprintResult } from '@onewindow/shared/api-types.ts';
import { businessDayOf } from '../domain/clock.ts';
import { mobileOf } from '../domain/notices.ts';
import { openingState } from '../domain/opening-hours.ts';
import type { Command } from '../domain/types.ts';
import type { ApplicationStore } from '../store/application.store.ts';
import type { OnlineStore } from '../store/online.store.ts';
import type { AppointmentService, CheckInInput } from './appointment.service.ts';
import type { Clock, HallService, UnitOfWork } from './hall.service.ts';
import type { HallViews } from './hall.views.ts';
import type { OnlineQueueService } from './online-queue.service.ts';
import { InvalidDocument, type PrintQueue } from './print.service.ts';

/** A ticket printed more often than this on one kiosk is a misuse, not a lost slip (KSK-4). */
export const MAX_REPRINTS = 3;

/** What a kiosk asks for a ticket, parsed (shared/src/kiosk.ts `kioskIssueSchema`). */
export interface KioskIssueInput {
  itemCode: string;
  idNumber?: string | undefined;
  form?: Record<string, string> | undefined;
  print: boolean;
}

/** An answer and whether it created something (REST 201) or repeated it (200). */
export type KioskReply<T> = { ok: true; data: T; created: boolean } | { ok: false; error: ApiError };

type PrintRef = KioskIssueResult['print'];
type ApplicationRef = { id: string; code: string; title: string; lines: string[] };
/** What a kiosk ticket's unit of work stores with its key: everything a retry must answer again. */
interface IssueRecord {
  ticketId: string;
  print: PrintRef;
  application: { id: string; code: string } | null;
}

export interface KioskDeps {
  hall: HallService;
  views: HallViews;
  /** Online tickets the kiosk's check-in confirms by card or code (MOB-Q-2). */
  online: OnlineQueueService;
  /** Where a ticket's notice phone is kept (the form's phone, NOTE-TRG-5..7). */
  contacts: OnlineStore;
  applications: ApplicationStore;
  appointments: AppointmentService;
  print: PrintQueue;
  catalog: () => ServiceItem[];
  deviceName: (deviceId: string) => string | undefined;
  holderRef: (idNumber: string) => string;
  clock: Clock;
  /** Where the ticket's QR code points; the kiosk's request origin when absent. */
  publicUrl?: string | undefined;
  /**
   * Without `publicUrl`: the hall PC's LAN address, put in place of a loopback origin
   * (a kiosk browser on the server PC opens 127.0.0.1, which a citizen's phone cannot reach).
   */
  lanHost?: string | undefined;
}

/**
 * The address a ticket's QR code opens: the configured public URL; else the kiosk's request
 * origin, with a loopback host (localhost, 127.x, ::1) replaced by the hall PC's LAN address
 * (same scheme and port) so a phone on the hall's network can open it.
 */
export function qrBaseUrl(
  publicUrl: string | undefined,
  origin: string,
  lanHost: string | undefined,
): string {
  if (publicUrl !== undefined) return publicUrl.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return origin.replace(/\/+$/, '');
  }
  const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(url.hostname);
  if (loopback && lanHost !== undefined) url.hostname = lanHost.includes(':') ? `[${lanHost}]` : lanHost;
  return url.origin;
}

const refuse = (error: ApiError): { ok: false; error: ApiError } => ({ ok: false, error });

/** The form's answers as printed under the ticket: masked as on every slip (it travels in the citizen's hand). */
export function applicationLines(def: FormDefinition, values: Record<string, string>): string[] {
  return def.fields
    .filter((f) => values[f.key])
    .map((f) => {
      const v = displayValue(f, values[f.key]);
      const shown =
        f.kind === 'id-number'
          ? maskIdNumber(v)
          : f.prefill === 'name'
            ? maskName(v)
            : f.kind === 'phone'
              ? maskPhone(v)
              : f.kind === 'digits' && v.length > 8
                ? `****${v.slice(-4)}`
                : f.prefill === 'address'
                  ? `${v.slice(0, 6)}…`
                  : v;
      return `${f.label}：${shown}`;
    });
}

export class KioskService {
  constructor(private readonly d: KioskDeps) {}

  private get q() {
    return this.d.hall.queue;
  }

  private today(): string {
    return businessDayOf(this.d.clock.now(), this.q.settings?.utcOffsetMinutes ?? 480);
  }

  private base(origin: string): string {
    return qrBaseUrl(this.d.publicUrl, origin, this.d.lanHost);
  }

  /** What the kiosk shows besides the catalog. */
  context(deviceId: string): Ack<KioskContext> {
    const cfg = this.q.hallConfig;
    const s = this.q.settings;
    if (cfg === null || s === null)
      return refuse({ code: 'NOT_CONFIGURED', message: 'the hall has no configuration yet' });
    const open = openingState(s, this.d.clock.now());
    return {
      ok: true,
      data: {
        hallName: s.hallName,
        hallNameEn: 'Social Insurance Service Hall',
        today: this.today(),
        utcOffsetMinutes: s.utcOffsetMinutes,
        seniorAge: s.seniorAge,
        openingHours: s.openingHours,
        openNow: open.openNow,
        closedMessageZh: open.messageZh,
        oneTicketPerCategory: s.oneTicketPerCategory !== false,
        categories: cfg.categories,
        estimates: this.d.views.estimates(),
        device: { id: deviceId, name: this.d.deviceName(deviceId) ?? deviceId },
      },
    };
  }

  /**
   * A ticket as the kiosk shows it (masked holder, people ahead, window when called). An issue
   * asks twice in one turn, for the printed ticket and for the screen: while the queue has not
   * moved, the second answer is the first, so paper and screen show the same wait.
   */
  view(t: Readonly<Ticket>, origin: string): KioskTicket {
    const key = `${t.id}\u0000${t.status}\u0000${this.q.lastSeq}\u0000${origin}`;
    if (this.lastView?.key === key) return this.lastView.view;
    const view = this.freshView(t, origin);
    if (this.lastView === null) queueMicrotask(() => (this.lastView = null));
    this.lastView = { key, view };
    return view;
  }

  private lastView: { key: string; view: KioskTicket } | null = null;

  private freshView(t: Readonly<Ticket>, origin: string): KioskTicket {
    const cfg = this.q.hallConfig;
    const item = t.itemCode ? this.d.catalog().find((i) => i.code === t.itemCode) : undefined;
    const est = t.status === 'waiting' ? this.d.views.ticketEstimate(t.id) : null;
    const windowNumber =
      t.windowId !== null && (t.status === 'called' || t.status === 'serving' || t.status === 'parked')
        ? (this.q.window(t.windowId)?.number ?? null)
        : null;
    return {
      id: t.id,
      number: t.number,
      categoryId: t.categoryId,
      categoryName: cfg?.categories.find((c) => c.id === t.categoryId)?.name ?? t.categoryId,
      itemCode: t.itemCode,
      itemName: item?.name ?? null,
      status: t.status,
      priorityClass: t.priorityClass,
      holderMasked: t.holder?.masked ?? null,
      issuedAt: t.arrivedAt,
      ahead: est?.ahead ?? null,
      estimateMinutes: est?.minutes ?? null,
      estimateRange: est?.low == null || est.high === null ? null : { low: est.low, high: est.high },
      windowNumber,
      statusUrl: `${this.base(origin)}/t/${encodeURIComponent(t.id)}`,
    };
  }

  private priorityNote(t: Readonly<Ticket>): string | null {
    if (t.priorityClass === 'senior')
      return `您已年满${this.q.settings?.seniorAge ?? 60}周岁，享受老年人优先`;
    if (t.priorityClass === 'appointment') return '预约按时签到，享受预约优先';
    return null;
  }

  /** The queue-ticket document for this kiosk's printer (the print carries no ID number or name). */
  private ticketDocument(t: Readonly<Ticket>, origin: string, application: ApplicationRef | null) {
    const s = this.q.settings;
    const view = this.view(t, origin);
    const category = this.q.hallConfig?.categories.find((c) => c.id === t.categoryId);
    const note = this.priorityNote(t);
    return {
      type: 'queue-ticket' as const,
      data: {
        hallName: s?.hallName ?? '社会保险经办服务大厅',
        hallPhone: '12333',
        businessName: category?.name ?? view.categoryName,
        ...(category?.nameEn ? { businessNameEn: category.nameEn } : {}),
        ...(view.itemName ? { itemName: view.itemName } : {}),
        ...(note ? { priorityNote: note.length > 30 ? '老年人优先' : note } : {}),
        number: t.number,
        peopleAhead: view.ahead ?? 0,
        estimatedWaitMinutes: view.estimateMinutes,
        estimatedWaitRange: view.estimateRange,
        takenAt: t.arrivedAt,
        utcOffsetMinutes: s?.utcOffsetMinutes ?? 480,
        ticketId: t.id,
        statusBaseUrl: this.base(origin),
        english: true,
        ...(application
          ? { application: { code: application.code, title: application.title, lines: application.lines } }
          : {}),
      },
    };
  }

  /** Queues the ticket on this kiosk inside the unit; a print that cannot be queued never fails the ticket. */
  private printIn(
    uow: UnitOfWork,
    deviceId: string,
    t: Readonly<Ticket>,
    origin: string,
    application: ApplicationRef | null,
  ): PrintRef {
    try {
      return {
        jobId: this.d.print.enqueue(uow, deviceId, this.ticketDocument(t, origin, application)).jobId,
      };
    } catch (e) {
      if (!(e instanceof InvalidDocument)) throw e;
      return { error: `the ticket could not be queued for printing: ${e.message}` };
    }
  }

  /**
   * Takes a ticket (KSK-2, -4, -5, -6, -7, -8): checks the hall's hours, the identity, the one
   * live ticket rule and the form, then issues the ticket, stores the form and queues the print
   * in one unit of work under the kiosk's Idempotency-Key.
   */
  issue(
    deviceId: string,
    b: KioskIssueInput,
    key: string | undefined,
    origin: string,
  ): KioskReply<KioskIssueResult> {
    const s = this.q.settings;
    if (s === null) return refuse({ code: 'NOT_CONFIGURED', message: 'the hall has no configuration yet' });
    const item = this.d.catalog().find((i) => i.code === b.itemCode);
    if (!item)
      return refuse({
        code: 'NOT_FOUND',
        message: `no catalog item ${b.itemCode}`,
        messageZh: '没有该业务事项，请重新选择',
      });
    if (key !== undefined && (key.length === 0 || key.length > 100))
      return refuse({ code: 'BAD_REQUEST', message: 'Idempotency-Key must be 1–100 characters' });
    // Keys are scoped to the kiosk, so two kiosks can never collide on "1".
    const scoped = key === undefined ? undefined : `device:${deviceId}:kiosk:${key}`;
    if (scoped !== undefined) {
      const replay = this.replayIssue(deviceId, scoped, origin);
      if (replay !== null) return replay;
    }

    const open = openingState(s, this.d.clock.now());
    if (!open.openNow)
      return refuse({
        code: 'HALL_CLOSED',
        message: `tickets are given ${s.openingHours.open}–${s.openingHours.close} on ISO weekdays ${s.openingHours.weekdays.join(',')}`,
        messageZh: open.messageZh ?? undefined,
      });

    let idNumber: string | undefined;
    if (b.idNumber !== undefined) {
      const id = parseIdNumber(b.idNumber, { today: this.today() });
      if (!id.ok)
        return refuse({ code: 'INVALID_ID_NUMBER', message: id.error.detail, messageZh: id.error.message });
      idNumber = id.value.number;
    } else if (item.identityRequired !== false)
      return refuse({
        code: 'IDENTITY_REQUIRED',
        message: `item ${item.code} needs the citizen's ID number`,
      });

    // KSK-4: one live ticket per person per category.
    if (idNumber !== undefined && s.oneTicketPerCategory !== false) {
      const live = this.q.liveTicketOf(this.d.holderRef(idNumber), item.categoryId);
      if (live) {
        const app = this.d.applications.byTicket(live.id)[0];
        return {
          ok: true,
          created: false,
          data: {
            ticket: this.view(live, origin),
            existing: true,
            print: null,
            application: app ? { id: app.id, code: app.code } : null,
            priorityNoteZh: this.priorityNote(live),
          },
        };
      }
    }

    const form = b.form === undefined ? null : this.checkForm(item, b.form, idNumber);
    if (form !== null && !form.ok) return form;

    const cmd: Command = {
      type: 'ticket:issue',
      categoryId: item.categoryId,
      itemCode: item.code,
      idNumber: idNumber ?? null,
      holderRef: idNumber === undefined ? null : this.d.holderRef(idNumber),
      source: 'kiosk',
      by: `device:${deviceId}`,
    };
    const r = this.d.hall.run(
      { type: 'ticket:issue', ...(scoped !== undefined ? { idempotencyKey: scoped } : {}) },
      (uow): IssueRecord => {
        const [issued] = uow.execute(cmd);
        if (issued?.type !== 'ticket:issued')
          return uow.refuse({ code: 'INTERNAL', message: 'the command issued no ticket' });
        const ticket = issued.ticket;
        let application: ApplicationRef | null = null;
        if (form?.ok) {
          const code = `F${ticket.businessDay.slice(2).replaceAll('-', '')}-${ticket.number}`;
          application = {
            id: `app-${randomUUID()}`,
            code,
            title: form.def.title,
            lines: applicationLines(form.def, form.values),
          };
          this.d.applications.insert({
            id: application.id,
            code,
            ticketId: ticket.id,
            itemCode: item.code,
            deviceId,
            createdAt: uow.now,
            formTitle: form.def.title,
            values: form.values,
          });
          // NOTE-TRG-5..7: the form's mobile number is where the queue's notices go (sealed).
          const phoneField = form.def.fields.find((f) => f.kind === 'phone' && form.values[f.key]);
          const phone = mobileOf(phoneField === undefined ? undefined : form.values[phoneField.key]);
          if (phone !== undefined)
            this.d.contacts.putContact({
              ticketId: ticket.id,
              businessDay: ticket.businessDay,
              source: 'form',
              phone,
              phoneMasked: maskPhone(phone),
              at: uow.now,
            });
          uow.append([
            {
              type: 'application:submitted',
              applicationId: application.id,
              code,
              ticketId: ticket.id,
              itemCode: item.code,
              deviceId,
              formTitle: form.def.title,
            },
          ]);
        }
        const print = b.print ? this.printIn(uow, deviceId, ticket, origin, application) : null;
        return {
          ticketId: ticket.id,
          print,
          application: application === null ? null : { id: application.id, code: application.code },
        };
      },
    );
    if (!r.ok) return refuse(r.error);
    return this.issueAnswer(r.value, r.events, origin, !r.replayed);
  }

  /** A retried key: the first answer again (its ticket as it stands now), nothing printed twice. */
  private replayIssue(deviceId: string, scoped: string, origin: string): KioskReply<KioskIssueResult> | null {
    const r = this.d.hall.replay<IssueRecord | undefined>(scoped, 'ticket:issue');
    if (r === undefined) return null;
    if (!r.ok) return refuse(r.error);
    const stored = r.value;
    if (stored !== undefined) return this.issueAnswer(stored, r.events, origin, false);
    // Recorded before units kept their answer: rebuild it from the ticket's form and jobs.
    const issued = r.events.find((e) => e.type === 'ticket:issued');
    if (issued?.type !== 'ticket:issued')
      return refuse({ code: 'INTERNAL', message: 'the key issued no ticket' });
    const job = this.d.print.ticketJobs(deviceId, issued.ticket.id)[0];
    const app = this.d.applications.byTicket(issued.ticket.id)[0];
    return this.issueAnswer(
      {
        ticketId: issued.ticket.id,
        print: job ? { jobId: job.job.jobId } : null,
        application: app ? { id: app.id, code: app.code } : null,
      },
      r.events,
      origin,
      false,
    );
  }

  private issueAnswer(
    rec: IssueRecord,
    events: readonly { type: string }[],
    origin: string,
    created: boolean,
  ): KioskReply<KioskIssueResult> {
    const issued = events.find((e) => e.type === 'ticket:issued') as { ticket: Ticket } | undefined;
    const ticket = this.q.ticket(rec.ticketId) ?? issued?.ticket;
    if (ticket === undefined) return refuse({ code: 'UNKNOWN_TICKET', message: `no ticket ${rec.ticketId}` });
    return {
      ok: true,
      created,
      data: {
        ticket: this.view(ticket, origin),
        existing: false,
        print: rec.print,
        application: rec.application,
        priorityNoteZh: this.priorityNote(ticket),
      },
    };
  }

  /** KSK-5: the form checked with the same rules the kiosk used; the ID number in it must be the identified one. */
  private checkForm(
    item: ServiceItem,
    raw: Record<string, string>,
    idNumber: string | undefined,
  ): { ok: true; def: FormDefinition; values: Record<string, string> } | { ok: false; error: ApiError } {
    if (!item.form) return refuse({ code: 'BAD_REQUEST', message: `item ${item.code} has no kiosk form` });
    const values = Object.fromEntries(
      Object.entries(raw)
        .map(([k, v]) => [k, v.trim()] as const)
        .filter(([, v]) => v !== ''),
    );
    const issues = validateForm(item.form, values, this.today());
    const idField = item.form.fields.find((f) => f.kind === 'id-number');
    if (idField && idNumber !== undefined && values[idField.key] !== undefined) {
      const formId = parseIdNumber(values[idField.key]!);
      if (formId.ok && formId.value.number !== idNumber)
        issues.push({
          key: idField.key,
          messageZh: '表单中的证件号码与刷卡的不一致',
          message: `${idField.key} differs from the identified ID number`,
        });
    }
    if (issues.length > 0)
      return refuse({
        code: 'BAD_REQUEST',
        message: `${issues.length} form field(s) are invalid`,
        issues: issues.map((i) => ({ path: `form.${i.key}`, message: i.message, messageZh: i.messageZh })),
        messageZh: issues[0]!.messageZh,
      });
    return { ok: true, def: item.form, values };
  }

  /** Prints a live ticket again on this kiosk; a ticket with a holder only for the same ID number (KSK-4). */
  reprint(
    deviceId: string,
    ticketId: string,
    idNumber: string | undefined,
    origin: string,
  ): KioskReply<KioskReprintResult> {
    const t = this.q.ticket(ticketId);
    if (!t || !LIVE_TICKET_STATUSES.includes(t.status))
      return refuse({
        code: 'NOT_FOUND',
        message: 'no live ticket with that id',
        messageZh: '没有找到该号票',
      });
    if (t.holder?.ref) {
      const given = idNumber === undefined ? null : parseIdNumber(idNumber);
      if (!given?.ok || this.d.holderRef(given.value.number) !== t.holder.ref)
        return refuse({
          code: 'FORBIDDEN',
          message: 'a ticket with a holder is reprinted for the same ID number only',
          messageZh: '请刷本人证件后补打',
        });
    }
    if (this.d.print.ticketJobs(deviceId, t.id).length > MAX_REPRINTS)
      return refuse({
        code: 'CONFLICT',
        message: `ticket ${t.id} was printed ${MAX_REPRINTS + 1} times on this kiosk already`,
        messageZh: '补打次数已用完，请到咨询引导台',
      });
    const app = this.d.applications.byTicket(t.id)[0];
    const item = t.itemCode ? this.d.catalog().find((i) => i.code === t.itemCode) : undefined;
    const summary =
      app && item?.form
        ? { id: app.id, code: app.code, title: app.formTitle, lines: applicationLines(item.form, app.values) }
        : null;
    const r = this.d.hall.run({ type: 'kiosk:reprint' }, (uow) =>
      this.printIn(uow, deviceId, t, origin, summary),
    );
    if (!r.ok) return refuse(r.error);
    return { ok: true, created: true, data: { print: r.value } };
  }

  /** "My tickets today" (KSK-9): the person's tickets with status, people ahead, estimate; nothing of others. */
  lookup(idNumber: string, origin: string): Ack<KioskLookupResult> {
    const id = parseIdNumber(idNumber, { today: this.today() });
    if (!id.ok)
      return refuse({ code: 'INVALID_ID_NUMBER', message: id.error.detail, messageZh: id.error.message });
    const ref = this.d.holderRef(id.value.number);
    const day = this.today();
    const tickets = this.q
      .allTickets()
      .filter((t) => t.holder?.ref === ref && t.businessDay === day)
      .sort((a, b) => a.arrivedAt - b.arrivedAt)
      .map((t) => this.view(t, origin));
    return { ok: true, data: { tickets } };
  }

  /**
   * MOB-Q-2: the card or the code of an online ticket awaiting confirmation confirms it (and
   * prints it) in one unit; null when neither names one, so the booking check-in goes on.
   */
  private confirmOnline(
    deviceId: string,
    input: CheckInInput,
    print: boolean,
    origin: string,
  ): KioskReply<KioskCheckInResult> | null {
    let t: Readonly<Ticket> | undefined;
    if ('bookingCode' in input) t = this.d.online.awaitingAt({ code: input.bookingCode });
    else {
      const id = parseIdNumber(input.idNumber, { today: this.today() });
      if (!id.ok) return null;
      t = this.d.online.awaitingAt({ holderRef: this.d.holderRef(id.value.number) });
    }
    if (t === undefined) return null;
    const ticket = t;
    const r = this.d.hall.run({ type: 'ticket:confirm' }, (uow) => {
      uow.execute({ type: 'ticket:confirm', ticketId: ticket.id, by: `device:${deviceId}` });
      return print ? this.printIn(uow, deviceId, this.q.ticket(ticket.id)!, origin, null) : null;
    });
    if (!r.ok) return refuse(r.error);
    const now = this.q.ticket(ticket.id) ?? ticket;
    return {
      ok: true,
      created: true,
      data: {
        ticket: this.view(now, origin),
        existing: false,
        print: r.value,
        application: null,
        priorityNoteZh: this.priorityNote(now),
        late: false,
        onlineConfirmed: true,
      },
    };
  }

  /** Appointment check-in at the kiosk (KSK-10): APT-4…6, the ticket printed in the same unit. */
  checkIn(
    deviceId: string,
    input: CheckInInput,
    print: boolean,
    origin: string,
  ): KioskReply<KioskCheckInResult> {
    const online = this.confirmOnline(deviceId, input, print, origin);
    if (online !== null) return online;
    const out = this.d.appointments.checkIn(input, (uow, ticket) =>
      print ? this.printIn(uow, deviceId, ticket, origin, null) : null,
    );
    if (!out.ok) return out;
    const t = this.q.ticket(out.data.ticket.id) ?? out.data.ticket;
    // A check-in committed before it kept its print job: the kiosk's first job for the ticket.
    const prior =
      out.data.extra ?? this.d.print.ticketJobs(deviceId, t.id).map((j) => ({ jobId: j.job.jobId }))[0];
    return {
      ok: true,
      created: !out.data.replayed,
      data: {
        ticket: this.view(t, origin),
        existing: out.data.replayed,
        print: prior ?? null,
        application: null,
        priorityNoteZh: this.priorityNote(t),
        late: out.data.late,
      },
    };
  }
}
