/**
 * 网上填单 and the online pre-check (SPEC MOB-FORM-*, MOB-PRE-*): a citizen fills an item's form
 * on the phone, checked by the same `validateForm` as the kiosk, and gets a draft with a code; a
 * window takes it up by that code while serving the citizen, after which it is the ticket's form
 * like a kiosk one (KSK-5, SEC-NTK-1, MAT-FILE-4). A draft of a high-risk item (`precheck` in
 * the catalog) waits for a reviewer to pass it or return it with reasons (§10.3).
 */
import { randomUUID } from 'node:crypto';
import {
  type Ack,
  type ApiError,
  displayValue,
  type OnlineDraftView,
  type PrecheckBody,
  type PrecheckItem,
  type PrecheckStatus,
  parseIdNumber,
  personalDataRefusal,
  type ServiceItem,
  type StaffRole,
  validateForm,
} from '@onewindow/shared';
import type { QueueEngine } from '../domain/engine.ts';
import type { ApplicationRow, ApplicationStore } from '../store/application.store.ts';
import type { BookingStore, DraftRow } from '../store/booking.store.ts';
import type { PiiReadStore } from '../store/pii-read.store.ts';
import { type Citizen, randomCode } from './citizen.ts';
import type { Clock, HallService } from './hall.service.ts';

export interface DraftDeps {
  hall: HallService;
  store: BookingStore;
  applications: ApplicationStore;
  reads: PiiReadStore;
  catalog: () => ServiceItem[];
  holderRef: (idNumber: string) => string;
  today: () => string;
  clock: Clock;
}

/** The posts that pre-check online forms (MOB-PRE-2): the back office's 业务审核岗. */
export const PRECHECK_ROLES: readonly StaffRole[] = ['reviewer'];

const refuse = (
  code: ApiError['code'],
  message: string,
  messageZh?: string,
): { ok: false; error: ApiError } => ({
  ok: false,
  error: { code, message, ...(messageZh !== undefined ? { messageZh } : {}) },
});

/** An online draft's id as an application row once a window took it up. */
export const applicationIdOf = (draftId: string): string => `app-${draftId}`;

export class DraftService {
  constructor(private readonly deps: DraftDeps) {}

  private item(code: string): ServiceItem | undefined {
    return this.deps.catalog().find((i) => i.code === code);
  }

  /**
   * MOB-FORM-1, MOB-FORM-2: the form of an item, checked as the kiosk checks it, stored sealed as
   * a draft with a code; an item marked for pre-check starts `pending` (MOB-PRE-1).
   */
  submit(
    citizen: Citizen,
    body: { itemCode: string; form: Record<string, string> },
    key?: string,
  ): Ack<OnlineDraftView> {
    const item = this.item(body.itemCode);
    if (item === undefined) return refuse('NOT_FOUND', `no catalog item ${body.itemCode}`, '没有这个事项');
    if (!item.form) return refuse('BAD_REQUEST', `item ${item.code} has no form`, '该事项没有网上表单');
    const values = Object.fromEntries(
      Object.entries(body.form)
        .map(([k, v]) => [k, v.trim()] as const)
        .filter(([, v]) => v !== ''),
    );
    const issues = validateForm(item.form, values, this.deps.today());
    const idField = item.form.fields.find((f) => f.kind === 'id-number');
    if (idField !== undefined && values[idField.key] !== undefined) {
      const id = parseIdNumber(values[idField.key]!);
      if (id.ok && this.deps.holderRef(id.value.number) !== citizen.holderRef)
        issues.push({
          key: idField.key,
          messageZh: '表单中的证件号码与登录时核验的不一致',
          message: `${idField.key} is not the signed-in citizen's ID number`,
        });
    }
    if (issues.length > 0)
      return {
        ok: false,
        error: {
          code: 'BAD_REQUEST',
          message: `${issues.length} form field(s) are invalid`,
          issues: issues.map((i) => ({ path: `form.${i.key}`, message: i.message, messageZh: i.messageZh })),
          messageZh: issues[0]!.messageZh,
        },
      };
    const precheck: PrecheckStatus = item.precheck === true ? 'pending' : 'none';
    const r = this.deps.hall.run(
      {
        type: 'draft:submit',
        ...(key !== undefined ? { idempotencyKey: `draft:${citizen.holderRef}:${key}` } : {}),
      },
      (uow): { id: string } => {
        const id = randomUUID();
        const code = randomCode('W');
        this.deps.store.insertDraft({
          id,
          code,
          holderRef: citizen.holderRef,
          itemCode: item.code,
          formTitle: item.form!.title,
          values,
          phone: citizen.phone,
          precheck,
          createdAt: uow.now,
        });
        uow.append([
          {
            type: 'draft:submitted',
            draftId: id,
            code,
            itemCode: item.code,
            formTitle: item.form!.title,
            precheck,
          },
        ]);
        return { id };
      },
    );
    if (!r.ok) return r;
    return { ok: true, data: this.citizenView(this.deps.store.draftById(r.value.id)!) };
  }

  /** The citizen's own drafts with their pre-check results (MOB-PRE-3). */
  mine(citizen: Citizen): OnlineDraftView[] {
    return this.deps.store.draftsOfHolder(citizen.holderRef).map((d) => this.citizenView(d));
  }

  /** The 预审 list (MOB-PRE-2): codes and items only; the answers are read one draft at a time. */
  precheckList(status: PrecheckStatus): Omit<PrecheckItem, 'fields'>[] {
    return this.deps.store.draftsByPrecheck(status, 200).map(({ values: _v, phone: _p, ...d }) => ({
      id: d.id,
      code: d.code,
      itemCode: d.itemCode,
      itemName: this.item(d.itemCode)?.name ?? d.itemCode,
      formTitle: d.formTitle,
      createdAt: d.createdAt,
      precheck: d.precheck,
      reasons: d.reasons,
    }));
  }

  /** A draft's answers for its pre-check, recorded in the read trail first (SEC-NTK-2). */
  precheckRead(reader: { id: string }, id: string): Ack<PrecheckItem> {
    const d = this.deps.store.draftById(id);
    if (d === undefined || d.precheck === 'none')
      return refuse('NOT_FOUND', 'no online form awaiting or past a pre-check with that id');
    this.deps.reads.record({
      at: this.deps.clock.now(),
      staffId: reader.id,
      subject: 'online-draft',
      subjectId: d.id,
      ticketId: d.ticketId,
      purpose: 'precheck',
    });
    return {
      ok: true,
      data: { ...this.precheckList(d.precheck).find((x) => x.id === id)!, ...this.staffView(d) },
    };
  }

  /**
   * MOB-PRE-2: a reviewer passes a pending draft or returns it with reasons, as a fact; the
   * citizen's notice is written in the same unit (MOB-PRE-3).
   */
  decide(reviewer: { id: string }, id: string, body: PrecheckBody): Ack<PrecheckItem> {
    const d = this.deps.store.draftById(id);
    if (d === undefined) return refuse('NOT_FOUND', `no online form ${id.slice(0, 40)}`);
    if (d.precheck !== 'pending')
      return refuse(
        'CONFLICT',
        `online form ${d.code} is ${d.precheck}, not pending`,
        `该表单${d.precheck === 'none' ? '无需预审' : '已预审'}`,
      );
    const reasons = body.outcome === 'returned' ? body.reasons : [];
    for (const why of reasons) {
      const pii = personalDataRefusal(why);
      if (pii !== null) return refuse('BAD_REQUEST', 'a reason must not contain personal data', pii);
    }
    const r = this.deps.hall.run({ type: 'draft:precheck' }, (uow) => {
      if (!this.deps.store.decide(id, body.outcome, reasons, reviewer.id, uow.now))
        uow.refuse({ code: 'CONFLICT', message: `online form ${d.code} was decided meanwhile` });
      uow.append([
        {
          type: 'draft:prechecked',
          draftId: id,
          code: d.code,
          itemCode: d.itemCode,
          outcome: body.outcome,
          note: reasons.length === 0 ? null : reasons.join('\n'),
          by: reviewer.id,
        },
      ]);
    });
    if (!r.ok) return r;
    const now = this.deps.store.draftById(id)!;
    return {
      ok: true,
      data: { ...this.precheckList(now.precheck).find((x) => x.id === id)!, ...this.staffView(now) },
    };
  }

  /**
   * MOB-FORM-3: a window takes an online draft up by its code while serving the citizen's ticket:
   * in one unit it becomes an application of that ticket (source `online`) with its
   * `application:submitted` fact. Answers the row to read under SEC-NTK-1, or a refusal.
   */
  takeUp(
    reader: { id: string },
    code: string,
    queue: QueueEngine,
  ): { ok: true; row: ApplicationRow } | { ok: false; error: ApiError } | null {
    const d = this.deps.store.draftByCode(code);
    if (d === undefined) return null;
    const w = queue.allWindows().find((x) => x.clerkId === reader.id && x.ticketId !== null);
    if (w === undefined || w.ticketId === null)
      return refuse(
        'FORBIDDEN',
        'an online form is opened by the clerk serving the citizen, at the window, while serving',
      );
    const ticketId = w.ticketId;
    // A ticket taken with an ID number takes up only that person's form (the code was shown to
    // someone else's phone otherwise); an anonymous ticket is the clerk's check at the window.
    const holder = queue.ticket(ticketId)?.holder?.ref ?? null;
    if (holder !== null && holder !== d.holderRef)
      return refuse(
        'CONFLICT',
        `online form ${d.code} belongs to another person than ticket ${ticketId}'s holder`,
        '该网上表单不属于当前办事人',
      );
    if (d.ticketId !== null && d.ticketId !== ticketId)
      return refuse('CONFLICT', `online form ${d.code} was taken up with another ticket`);
    const appId = applicationIdOf(d.id);
    if (d.ticketId === null) {
      const r = this.deps.hall.run({ type: 'draft:take-up' }, (uow) => {
        if (!this.deps.store.take(d.id, ticketId))
          uow.refuse({ code: 'CONFLICT', message: `online form ${d.code} was taken up meanwhile` });
        this.deps.applications.insert({
          id: appId,
          code: d.code,
          ticketId,
          itemCode: d.itemCode,
          deviceId: null,
          createdAt: d.createdAt,
          formTitle: d.formTitle,
          values: d.values,
          source: 'online',
        });
        uow.append([
          {
            type: 'application:submitted',
            applicationId: appId,
            code: d.code,
            ticketId,
            itemCode: d.itemCode,
            deviceId: null,
            formTitle: d.formTitle,
            source: 'online',
          },
        ]);
      });
      if (!r.ok) return r;
    }
    return { ok: true, row: this.deps.applications.byId(appId)! };
  }

  /** The pre-check state of an application that came from an online draft (the window sees it). */
  precheckOf(applicationId: string): { status: PrecheckStatus; reasons: string[] } | undefined {
    if (!applicationId.startsWith('app-')) return undefined;
    const d = this.deps.store.draftById(applicationId.slice(4));
    return d === undefined ? undefined : { status: d.precheck, reasons: d.reasons };
  }

  /** What the pre-check notice says of a draft (NoticeLookups.draftOf). */
  noticeOf(draftId: string): { phone: string; itemName: string } | undefined {
    const d = this.deps.store.draftById(draftId);
    return d === undefined
      ? undefined
      : { phone: d.phone, itemName: this.item(d.itemCode)?.name ?? d.itemCode };
  }

  private staffView(d: DraftRow): { fields: PrecheckItem['fields'] } {
    const item = this.item(d.itemCode);
    return {
      fields: item?.form
        ? item.form.fields
            .filter((f) => d.values[f.key] !== undefined)
            .map((f) => ({ key: f.key, label: f.label, value: displayValue(f, d.values[f.key]) }))
        : Object.entries(d.values).map(([key, value]) => ({ key, label: key, value })),
    };
  }

  private citizenView(d: DraftRow): OnlineDraftView {
    return {
      id: d.id,
      code: d.code,
      itemCode: d.itemCode,
      itemName: this.item(d.itemCode)?.name ?? d.itemCode,
      formTitle: d.formTitle,
      createdAt: d.createdAt,
      precheck: d.precheck,
      reasons: d.reasons,
      taken: d.ticketId !== null,
    };
  }
}
