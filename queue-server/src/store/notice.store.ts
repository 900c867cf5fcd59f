/**
 * The SMS notice outbox and the hall's registered templates (SPEC NOTE-OUT-*, NOTE-TPL-*); all
 * their SQL lives here. The phone is sealed whole, bound to the notice's id; a masked copy sits
 * beside it for lists. Parameters are template values (item names, receipt numbers, material
 * names), no personal data, so they stay readable.
 */
import type { NoticeStatus, NoticeTemplate, NoticeTemplateId, NoticeView } from '@onewindow/shared';
import type Database from 'better-sqlite3';
import type { PiiCodec } from '../security/codec.ts';

/** A notice to write in the unit of its fact. */
export interface NewNotice {
  id: string;
  templateId: NoticeTemplateId;
  caseId: string | null;
  factSeq: number;
  phone: string;
  phoneMasked: string;
  params: Record<string, string>;
  /**
   * Parameters that are secrets (a sign-in code, MOB-AUTH-2): sealed with the phone's row, merged
   * into `params` only when the worker sends, erased once the gateway answered or gave up.
   */
  secretParams?: Record<string, string>;
  at: number;
}

/** A notice the worker sends: its phone opened, its secret parameters merged into `params`. */
export interface OutgoingNotice extends NoticeView {
  phone: string;
  /** Which of `params` were sealed (a sign-in code): no log may carry them. */
  secretParams: string[];
}

type Raw = Omit<NoticeView, 'params'> & { params: string; phone: string; sealedParams: string | null };

const cols = `id, template_id AS templateId, case_id AS caseId, phone, phone_masked AS phoneMasked, params,
  status, attempts, next_attempt_at AS nextAttemptAt, message_id AS messageId, last_error AS lastError,
  created_at AS createdAt, updated_at AS updatedAt, sealed_params AS sealedParams`;

const aad = (id: string) => `notices:${id}`;
const paramsAad = (id: string) => `notices:${id}:params`;

export class NoticeStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO notices (id, template_id, case_id, fact_seq, phone, phone_masked, params, status,
           attempts, next_attempt_at, created_at, updated_at, sealed_params)
         VALUES (@id, @templateId, @caseId, @factSeq, @phone, @phoneMasked, @params, 'pending', 0, @at, @at, @at,
           @sealedParams)
         ON CONFLICT (id) DO NOTHING`,
      ),
      byId: db.prepare(`SELECT ${cols} FROM notices WHERE id = ?`),
      due: db.prepare(
        `SELECT ${cols} FROM notices WHERE status = 'pending' AND next_attempt_at <= ?
         ORDER BY next_attempt_at, id LIMIT ?`,
      ),
      nextDue: db.prepare(`SELECT MIN(next_attempt_at) AS at FROM notices WHERE status = 'pending'`),
      inStatus: db.prepare(
        `SELECT ${cols} FROM notices WHERE status = ? ORDER BY created_at DESC, id LIMIT ?`,
      ),
      all: db.prepare(`SELECT ${cols} FROM notices ORDER BY created_at DESC, id LIMIT ?`),
      sending: db.prepare(
        `UPDATE notices SET status = 'sending', attempts = attempts + 1, updated_at = @at
         WHERE id = @id AND status = 'pending'`,
      ),
      sent: db.prepare(
        `UPDATE notices SET status = 'sent', message_id = @messageId, last_error = NULL, updated_at = @at,
           sealed_params = NULL
         WHERE id = @id AND status = 'sending'`,
      ),
      retry: db.prepare(
        `UPDATE notices SET status = @status, next_attempt_at = @next, last_error = @error, updated_at = @at,
           sealed_params = CASE WHEN @status = 'failed' THEN NULL ELSE sealed_params END
         WHERE id = @id AND status = 'sending'`,
      ),
      inFlight: db.prepare(`SELECT ${cols} FROM notices WHERE status = 'sending' ORDER BY id`),
      reopen: db.prepare(
        `UPDATE notices SET status = 'pending', next_attempt_at = @at, updated_at = @at WHERE id = @id AND status = 'sending'`,
      ),
      templates: db.prepare(
        `SELECT id, text, operator_code AS operatorCode, updated_at AS updatedAt FROM notice_templates ORDER BY id`,
      ),
      putTemplate: db.prepare(
        `INSERT INTO notice_templates (id, text, operator_code, updated_at) VALUES (@id, @text, @operatorCode, @updatedAt)
         ON CONFLICT (id) DO UPDATE SET text = excluded.text, operator_code = excluded.operator_code,
           updated_at = excluded.updated_at`,
      ),
    };
  }

  /** Writes a notice unless its id exists (a fact triggers its notice once: NOTE-OUT-1). True if new. */
  insert(n: NewNotice): boolean {
    const { secretParams, ...row } = n;
    return (
      this.s.insert.run({
        ...row,
        phone: this.codec.sealWhole(n.phone, aad(n.id)),
        params: JSON.stringify(n.params),
        sealedParams: secretParams === undefined ? null : this.codec.sealWhole(secretParams, paramsAad(n.id)),
      }).changes === 1
    );
  }

  byId(id: string): OutgoingNotice | undefined {
    return this.open(this.s.byId.get(id) as Raw | undefined);
  }

  /** Pending notices whose next attempt is due, oldest first. */
  due(now: number, limit: number): OutgoingNotice[] {
    return (this.s.due.all(now, limit) as Raw[]).map((r) => this.open(r)!);
  }

  /** When the earliest pending notice is due (null: none pending). */
  nextDueAt(): number | null {
    return (this.s.nextDue.get() as { at: number | null }).at;
  }

  /** Notices for managers, newest first, phones masked only. */
  list(status: NoticeStatus | undefined, limit: number): NoticeView[] {
    const rows = (status === undefined ? this.s.all.all(limit) : this.s.inStatus.all(status, limit)) as Raw[];
    return rows.map(({ phone: _sealed, sealedParams: _secret, ...r }) => ({
      ...r,
      params: JSON.parse(r.params) as Record<string, string>,
    }));
  }

  /** Claims a pending notice for one attempt (NOTE-DLV-2); false if another claim won. */
  markSending(id: string, at: number): boolean {
    return this.s.sending.run({ id, at }).changes === 1;
  }

  markSent(id: string, messageId: string, at: number): boolean {
    return this.s.sent.run({ id, messageId, at }).changes === 1;
  }

  /** After a failed attempt: pending again at `next`, or `failed` for good. */
  markAttemptFailed(id: string, error: string, at: number, next: number | null): void {
    this.s.retry.run({
      id,
      at,
      error: error.slice(0, 500),
      status: next === null ? 'failed' : 'pending',
      next: next ?? at,
    });
  }

  /** Notices claimed by a process that did not record the gateway's answer (NOTE-DLV-3). */
  inFlight(): OutgoingNotice[] {
    return (this.s.inFlight.all() as Raw[]).map((r) => this.open(r)!);
  }

  /** Puts an in-flight notice back to pending, due at `at` (its attempt stays counted). */
  reopen(id: string, at: number): void {
    this.s.reopen.run({ id, at });
  }

  templates(): NoticeTemplate[] {
    return this.s.templates.all() as NoticeTemplate[];
  }

  putTemplate(t: NoticeTemplate): void {
    this.s.putTemplate.run(t);
  }

  private open(r: Raw | undefined): OutgoingNotice | undefined {
    if (r === undefined) return undefined;
    const { sealedParams, ...rest } = r;
    const secret =
      sealedParams === null
        ? {}
        : this.codec.openWhole<Record<string, string>>(sealedParams, paramsAad(r.id));
    return {
      ...rest,
      phone: this.codec.openWhole<string>(r.phone, aad(r.id)),
      params: { ...(JSON.parse(r.params) as Record<string, string>), ...secret },
      secretParams: Object.keys(secret),
    };
  }
}
