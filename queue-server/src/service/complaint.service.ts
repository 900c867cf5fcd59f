/**
 * 投诉处理 (LD/T 02 §13.3, SPEC CMP-*): register a complaint (at the counter, by phone, a 12345
 * work order, online, a letter), assign its handler, note the investigation, reply to the
 * complainant, close with their satisfaction. Each change is a fact committed in one unit of
 * work (the `complaints` projection folds it in the same transaction); the complainant's contact
 * and words are sealed beside it and read only by the handler or a manager, each read recorded.
 */
import {
  type Ack,
  type ApiError,
  COMPLAINT_STATUSES,
  type ComplaintChannel,
  type ComplaintContact,
  type ComplaintDetail,
  type ComplaintFact,
  type ComplaintImportError,
  type ComplaintImportResult,
  type ComplaintList,
  type ComplaintRecord,
  type ComplaintStatus,
  type ComplaintSubject,
  type ComplaintSubjectKind,
  type ComplaintView,
  DEFAULT_COMPLAINT_WORKING_DAYS,
  type FollowUp,
  type HallConfig,
  maskName,
  maskPhone,
  type ServiceItem,
  type Ticket,
} from '@onewindow/shared';
import type { CaseRecord } from '@onewindow/shared/cases.ts';
import {
  type ComplaintRegisterBody,
  WORK_ORDER_COLUMNS,
  type WorkOrderRow,
  workOrderRowSchema,
} from '@onewindow/shared/complaints.schema.ts';
import { parse as parseCsv } from 'csv-parse/sync';
import { businessDayOf } from '../domain/clock.ts';
import {
  type ComplaintActor,
  type ComplaintStep,
  decideComplaintStep,
  isComplaintOverdue,
} from '../domain/complaints.ts';
import type { ComplaintStore } from '../store/complaint.store.ts';
import type { PiiReadStore } from '../store/pii-read.store.ts';
import type { Clock, HallService, UnitOfWork } from './hall.service.ts';

export interface ComplaintDeps {
  hall: HallService;
  store: ComplaintStore;
  reads: PiiReadStore;
  clock: Clock;
  config: () => HallConfig | null;
  catalog: () => ServiceItem[];
  staff: (id: string) => { name: string; staffNumber: string } | undefined;
  staffByNumber: (staffNumber: string) => { id: string; name: string; staffNumber: string } | undefined;
  caseOf: (id: string) => CaseRecord | undefined;
  ticketById: (id: string) => Ticket | undefined;
  followUpOf: (ticketId: string) => FollowUp | undefined;
  utcOffsetMinutes: () => number;
  addWorkingDays: (fromDate: string, n: number) => string;
}

export type ComplaintOutcome = Ack<ComplaintDetail>;

const refusal = (code: ApiError['code'], message: string, messageZh?: string): Ack<never> => ({
  ok: false,
  error: { code, message, ...(messageZh !== undefined ? { messageZh } : {}) },
});

/** The masked contact staff lists show (CMP-4): 张* 138****5678. */
export const maskContact = (c: Pick<ComplaintContact, 'name' | 'phone'>): string =>
  `${maskName(c.name)} ${maskPhone(c.phone)}`;

export class ComplaintService {
  constructor(private readonly d: ComplaintDeps) {}

  today(): string {
    return businessDayOf(this.d.clock.now(), this.d.utcOffsetMinutes());
  }

  /**
   * The subject a reference names (CMP-1): a window by id or number, a clerk by id or 工号, an
   * item by code, a case or ticket by id; null with the reason (Chinese) when it names nothing.
   */
  resolveSubject(
    kind: ComplaintSubjectKind,
    ref: string,
  ): { subject: ComplaintSubject; ticketId: string | null; caseId: string | null } | { error: string } {
    const none = { ticketId: null, caseId: null };
    switch (kind) {
      case 'hall':
        return { subject: { kind, id: '', label: '大厅整体' }, ...none };
      case 'window': {
        const w = this.d.config()?.windows.find((x) => x.id === ref || String(x.number) === ref);
        return w === undefined
          ? { error: `没有窗口“${ref}”` }
          : { subject: { kind, id: w.id, label: `${w.number}号窗口` }, ...none };
      }
      case 'clerk': {
        const byId = this.d.staff(ref);
        const s = byId !== undefined ? { id: ref, ...byId } : this.d.staffByNumber(ref);
        return s === undefined
          ? { error: `没有工号或编号为“${ref}”的工作人员` }
          : { subject: { kind, id: s.id, label: `${s.name}（${s.staffNumber}）` }, ...none };
      }
      case 'item': {
        const it = this.d.catalog().find((i) => i.code === ref);
        return it === undefined
          ? { error: `没有编码为“${ref}”的服务事项` }
          : { subject: { kind, id: it.code, label: it.name }, ...none };
      }
      case 'case': {
        const c = this.d.caseOf(ref);
        return c === undefined
          ? { error: `没有受理编号为“${ref}”的案件` }
          : {
              subject: { kind, id: c.id, label: `${c.id}（${c.itemName}）` },
              ticketId: c.ticketId,
              caseId: c.id,
            };
      }
      case 'ticket': {
        const t = this.d.ticketById(ref);
        return t === undefined
          ? { error: `没有号票“${ref}”` }
          : {
              subject: { kind, id: t.id, label: `${t.businessDay} ${t.number}` },
              ticketId: t.id,
              caseId: null,
            };
      }
    }
  }

  /** Appends one registration and seals its contact, inside a unit (CMP-1, CMP-4). */
  private registerIn(
    uow: UnitOfWork,
    by: string,
    input: {
      channel: ComplaintChannel;
      subject: ComplaintSubject;
      ticketId: string | null;
      caseId: string | null;
      contact: ComplaintContact;
      workOrderNo: string | null;
      workingDays: number | undefined;
      receivedAt: number;
    },
    id: string,
  ): void {
    const workingDays = input.workingDays ?? DEFAULT_COMPLAINT_WORKING_DAYS;
    const receivedDay = businessDayOf(input.receivedAt, this.d.utcOffsetMinutes());
    const fact: ComplaintFact = {
      type: 'complaint:registered',
      complaintId: id,
      channel: input.channel,
      subject: input.subject,
      workOrderNo: input.workOrderNo,
      receivedAt: input.receivedAt,
      contactMasked: maskContact(input.contact),
      deadline: this.d.addWorkingDays(receivedDay, workingDays),
      workingDays,
      ticketId: input.ticketId,
      caseId: input.caseId,
      by,
    };
    uow.append([fact]);
    this.d.store.putContact(id, input.contact);
  }

  /** The next register number: TS-<day>-<n>, counted in the store inside the unit. */
  private nextIds(now: number, n: number): string[] {
    const day = businessDayOf(now, this.d.utcOffsetMinutes()).replaceAll('-', '');
    const taken = new Set(this.d.store.list().map((c) => c.id));
    const ids: string[] = [];
    for (let i = 1; ids.length < n; i++) {
      const id = `TS${day}-${String(i).padStart(3, '0')}`;
      if (!taken.has(id)) ids.push(id);
    }
    return ids;
  }

  /** CMP-1: registers a complaint; a retry with the same key answers with the first. */
  register(actor: ComplaintActor, body: ComplaintRegisterBody, idempotencyKey?: string): ComplaintOutcome {
    const r = this.d.hall.run(
      { type: 'complaint:register', ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) },
      (uow): string => {
        const s = this.resolveSubject(body.subject.kind, body.subject.ref);
        if ('error' in s)
          return uow.refuse({
            code: 'BAD_REQUEST',
            message: `subject ${body.subject.kind} ${body.subject.ref} not found`,
            messageZh: s.error,
            issues: [{ path: 'subject.ref', message: 'not found', messageZh: s.error }],
          });
        if (body.workOrderNo !== undefined && this.d.store.idOfWorkOrder(body.workOrderNo) !== undefined)
          return uow.refuse({
            code: 'CONFLICT',
            message: `work order ${body.workOrderNo} is registered already`,
            messageZh: `工单 ${body.workOrderNo} 已登记`,
          });
        const [id] = this.nextIds(uow.now, 1);
        this.registerIn(
          uow,
          actor.id,
          {
            channel: body.channel,
            ...s,
            contact: { name: body.name, phone: body.phone, content: body.content },
            workOrderNo: body.workOrderNo ?? null,
            workingDays: body.workingDays,
            receivedAt: body.receivedAt ?? uow.now,
          },
          id!,
        );
        return id!;
      },
    );
    if (!r.ok) return r;
    return this.detail(r.value, actor, false);
  }

  /** CMP-3: assign, note, reply, close, each one fact in its own unit. */
  step(actor: ComplaintActor, step: ComplaintStep, idempotencyKey?: string): ComplaintOutcome {
    if (step.type === 'complaint:assign') {
      const h = this.d.staff(step.handlerId);
      if (h === undefined) return refusal('BAD_REQUEST', `no staff ${step.handlerId}`, '没有这位工作人员');
    }
    const r = this.d.hall.run(
      { type: step.type, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) },
      (uow): string => {
        const decision = decideComplaintStep(this.d.store.byId(step.complaintId), step, actor);
        if (!decision.ok) return uow.refuse(decision.error);
        uow.append([decision.fact]);
        return step.complaintId;
      },
    );
    if (!r.ok) return r;
    return this.detail(r.value ?? step.complaintId, actor, false);
  }

  private view(c: ComplaintRecord, today: string): ComplaintView {
    const staff: ComplaintView['staff'] = {};
    for (const id of new Set([c.registeredBy, c.handlerId, ...c.history.map((h) => h.by)]))
      if (id !== null) {
        const s = this.d.staff(id);
        if (s !== undefined) staff[id] = s;
      }
    const closedDay = c.closedAt === null ? undefined : businessDayOf(c.closedAt, this.d.utcOffsetMinutes());
    return { ...c, overdue: isComplaintOverdue(c, today, closedDay), staff };
  }

  /** Whether this viewer may see this complaint: a manager any, others those they handle or registered. */
  private mayView(c: ComplaintRecord, viewer: ComplaintActor): boolean {
    return viewer.manager || c.handlerId === viewer.id || c.registeredBy === viewer.id;
  }

  /** CMP-5: the register, newest first, with counts; overdue ones are flagged and countable. */
  list(viewer: ComplaintActor, filter: { status?: ComplaintStatus | 'overdue' } = {}): ComplaintList {
    const today = this.today();
    const all = this.d.store
      .list()
      .filter((c) => this.mayView(c, viewer))
      .map((c) => this.view(c, today));
    const counts = Object.fromEntries(COMPLAINT_STATUSES.map((s) => [s, 0])) as ComplaintList['counts'];
    counts.overdue = 0;
    counts.total = all.length;
    for (const c of all) {
      counts[c.status] += 1;
      if (c.overdue && c.status !== 'closed') counts.overdue += 1;
    }
    const s = filter.status;
    const complaints =
      s === undefined
        ? all
        : s === 'overdue'
          ? all.filter((c) => c.overdue && c.status !== 'closed')
          : all.filter((c) => c.status === s);
    return { today, complaints, counts };
  }

  /** One complaint with the ratings and follow-up of its ticket (CMP-6). */
  detail(id: string, viewer: ComplaintActor, checkAccess = true): ComplaintOutcome {
    const c = this.d.store.byId(id);
    if (c === undefined || (checkAccess && !this.mayView(c, viewer)))
      return refusal('NOT_FOUND', `no complaint ${id}`, '没有这件投诉');
    const ticketId = c.ticketId;
    const f = ticketId === null ? undefined : this.d.followUpOf(ticketId);
    return {
      ok: true,
      data: {
        ...this.view(c, this.today()),
        links: {
          ratings: ticketId === null ? [] : this.d.store.ratingsOf(ticketId),
          followUp:
            f === undefined
              ? null
              : { status: f.status, deadline: f.deadline, rectification: f.rectification },
        },
      },
    };
  }

  /**
   * CMP-4: the complainant's name, phone and words, for the handler or a manager only; the read
   * is recorded (with the purpose given) before anything is returned.
   */
  contact(id: string, viewer: ComplaintActor, purpose: string): Ack<ComplaintContact> {
    const c = this.d.store.byId(id);
    if (c === undefined) return refusal('NOT_FOUND', `no complaint ${id}`, '没有这件投诉');
    if (!viewer.manager && c.handlerId !== viewer.id)
      return refusal(
        'FORBIDDEN',
        'only the complaint’s handler or a manager reads the complainant’s contact',
        '只有承办人或管理人员可以查看投诉人联系方式',
      );
    const contact = this.d.store.contact(id);
    if (contact === undefined) return refusal('NOT_FOUND', `complaint ${id} has no contact`);
    this.d.reads.record({
      at: this.d.clock.now(),
      staffId: viewer.id,
      subject: 'complaint',
      subjectId: id,
      ticketId: c.ticketId,
      purpose: viewer.manager && c.handlerId !== viewer.id ? `manager: ${purpose}` : `complaint: ${purpose}`,
    });
    return { ok: true, data: contact };
  }

  /** Reads the rows of an export: CSV text with a header (Chinese or English keys), or JSON rows. */
  static rowsOf(
    body: { csv: string } | { workOrders: Record<string, unknown>[] },
  ): Record<string, unknown>[] {
    if ('workOrders' in body) return body.workOrders.map((r) => normaliseKeys(r));
    const records = parseCsv(body.csv.replace(/^\uFEFF/, ''), {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as Record<string, string>[];
    return records.map((r) => normaliseKeys(r));
  }

  /**
   * CMP-7: imports 12345 work orders. Every row is checked first; any bad row refuses the whole
   * file with each row's errors in Chinese (nothing imported); rows whose work order is already
   * registered are skipped, so a re-import changes nothing; the rest register in one unit.
   */
  importWorkOrders(
    actor: ComplaintActor,
    body: { csv: string } | { workOrders: Record<string, unknown>[] },
  ): Ack<ComplaintImportResult> | { ok: false; errors: ComplaintImportError[] } {
    let rows: Record<string, unknown>[];
    try {
      rows = ComplaintService.rowsOf(body);
    } catch (err) {
      return {
        ok: false,
        errors: [{ row: 0, field: 'csv', message: `CSV 无法解析：${(err as Error).message}` }],
      };
    }
    if (rows.length === 0)
      return { ok: false, errors: [{ row: 0, field: 'csv', message: '文件中没有工单' }] };
    const schema = workOrderRowSchema(this.d.utcOffsetMinutes());
    const errors: ComplaintImportError[] = [];
    const good: (WorkOrderRow & {
      resolved: Exclude<ReturnType<ComplaintService['resolveSubject']>, { error: string }>;
    })[] = [];
    const seen = new Set<string>();
    rows.forEach((raw, i) => {
      const row = i + 1;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          errors.push({ row, field: String(issue.path[0] ?? ''), message: issue.message });
        return;
      }
      const w = parsed.data;
      if (seen.has(w.workOrderNo)) {
        errors.push({ row, field: 'workOrderNo', message: `工单编号 ${w.workOrderNo} 在文件中重复` });
        return;
      }
      seen.add(w.workOrderNo);
      const s = this.resolveSubject(w.subjectKind, w.subjectRef ?? '');
      if ('error' in s) {
        errors.push({ row, field: 'subjectRef', message: s.error });
        return;
      }
      good.push({ ...w, resolved: s });
    });
    if (errors.length > 0) return { ok: false, errors };
    const r = this.d.hall.run({ type: 'complaint:import' }, (uow): ComplaintImportResult => {
      const fresh = good.filter((w) => this.d.store.idOfWorkOrder(w.workOrderNo) === undefined);
      const skipped = good.filter((w) => !fresh.includes(w)).map((w) => w.workOrderNo);
      const ids = this.nextIds(uow.now, fresh.length);
      fresh.forEach((w, i) => {
        this.registerIn(
          uow,
          actor.id,
          {
            channel: '12345',
            ...w.resolved,
            contact: { name: w.name, phone: w.phone, content: w.content },
            workOrderNo: w.workOrderNo,
            workingDays: w.workingDays,
            receivedAt: w.receivedAt,
          },
          ids[i]!,
        );
      });
      return { imported: fresh.map((w) => w.workOrderNo), skipped };
    });
    return r.ok ? { ok: true, data: r.value } : r;
  }
}

/** `工单编号` → `workOrderNo` …; unknown headers are kept as they are (and ignored by the schema). */
function normaliseKeys(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    const col = WORK_ORDER_COLUMNS.find((c) => c.zh === k.trim() || c.key === k.trim());
    out[col?.key ?? k] = typeof v === 'string' && v.trim() === '' ? undefined : v;
  }
  return out;
}
