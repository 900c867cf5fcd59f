/**
 * SMS notices (SPEC NOTE-*): an outbox like the print queue's. `NoticeOutbox.onFacts` runs as a
 * projector inside every unit of work, so a notice row commits with the fact that triggers it or
 * not at all; `NoticeWorker` sends due rows through the hall's `SmsGateway` after the commit,
 * one at a time, with back-off, and records the gateway's answer.
 */
import {
  type Ack,
  type ApiError,
  maskPhone,
  NOTICE_TEMPLATE_IDS,
  type NoticeStatus,
  type NoticeTemplate,
  type NoticeTemplateBody,
  type NoticeTemplateId,
  type NoticeView,
  renderNotice,
  templateTextIssues,
} from '@onewindow/shared';
import type { Logger } from 'pino';
import {
  DEFAULT_RETRY,
  type NoticeLookups,
  nextAttemptAt,
  noticesFor,
  type QueueNoticeLookups,
  queueNoticesFor,
  type RetryPolicy,
} from '../domain/notices.ts';
import type { HallEvent } from '../domain/types.ts';
import type { NoticeStore, OutgoingNotice } from '../store/notice.store.ts';
import type { Clock } from './hall.service.ts';
import type { SmsGateway } from './sms/gateway.ts';

export interface NoticeOutboxDeps {
  store: NoticeStore;
  lookups: NoticeLookups;
  /** The queue's triggers (NOTE-TRG-5..7); without them only the cases' notices are written. */
  queueLookups?: QueueNoticeLookups;
  /** Runs `fn` in one transaction (a template replacement with its audit row). */
  transaction: <T>(fn: () => T) => T;
  audit: (actor: string, action: string, target: string | null, detail: unknown) => void;
  clock: Clock;
}

/** The outbox's writing side and the hall's templates. */
export class NoticeOutbox {
  constructor(private readonly deps: NoticeOutboxDeps) {}

  /**
   * The projector (NOTE-OUT-1): writes the notices the unit's facts trigger, in the unit. Returns
   * how many are new (a replayed id writes nothing).
   */
  onFacts(events: readonly HallEvent[]): number {
    let created = 0;
    const q = this.deps.queueLookups;
    const drafts = noticesFor(events, this.deps.lookups);
    if (q !== undefined) drafts.push(...queueNoticesFor(events, q));
    for (const d of drafts) {
      const at = events.find((e) => e.seq === d.factSeq)?.at ?? this.deps.clock.now();
      if (this.deps.store.insert({ ...d, phoneMasked: maskPhone(d.phone), at })) created += 1;
    }
    return created;
  }

  list(status: NoticeStatus | undefined, limit: number): NoticeView[] {
    return this.deps.store.list(status, limit);
  }

  templates(): NoticeTemplate[] {
    return this.deps.store
      .templates()
      .filter((t) => (NOTICE_TEMPLATE_IDS as readonly string[]).includes(t.id));
  }

  /** NOTE-TPL-2: an admin replaces a template's registered text and code; audited. */
  replaceTemplate(actor: string, id: string, body: NoticeTemplateBody): Ack<NoticeTemplate> {
    const refuse = (error: ApiError): Ack<NoticeTemplate> => ({ ok: false, error });
    if (!(NOTICE_TEMPLATE_IDS as readonly string[]).includes(id))
      return refuse({
        code: 'NOT_FOUND',
        message: `no notice template ${id.slice(0, 40)}; templates: ${NOTICE_TEMPLATE_IDS.join(', ')}`,
      });
    const tid = id as NoticeTemplateId;
    const issues = templateTextIssues(tid, body.text);
    if (issues.length > 0)
      return refuse({
        code: 'BAD_REQUEST',
        message: `template ${tid} uses placeholders its notices do not carry`,
        issues: issues.map((m) => ({ path: 'text', message: m, messageZh: m })),
      });
    const t: NoticeTemplate = {
      id: tid,
      text: body.text,
      operatorCode: body.operatorCode,
      updatedAt: this.deps.clock.now(),
    };
    this.deps.transaction(() => {
      this.deps.store.putTemplate(t);
      this.deps.audit(actor, 'notice-template:replace', tid, { operatorCode: t.operatorCode, text: t.text });
    });
    return { ok: true, data: t };
  }
}

export interface NoticeWorkerDeps {
  store: NoticeStore;
  gateway: SmsGateway;
  clock: Clock;
  log: Logger;
  transaction: <T>(fn: () => T) => T;
  retry?: RetryPolicy;
  /** How often the worker looks for due notices when nothing wakes it (5 s). */
  pollMs?: number;
  /**
   * Templates whose notice is worthless after a while (a sign-in code after its 5 minutes,
   * MOB-AUTH-2): not sent once this old, but `failed` with the reason, its secret erased.
   */
  staleAfterMs?: Partial<Record<NoticeTemplateId, number>>;
}

/**
 * Sends due notices (NOTE-DLV-*), one at a time, so at most one notice is ever between its
 * durable `sending` mark and its recorded answer.
 */
export class NoticeWorker {
  private running: Promise<number> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  /** Until `start` (which first recovers what a killed process left in flight) nothing is sent. */
  private stopped = true;
  private readonly retry: RetryPolicy;

  constructor(private readonly deps: NoticeWorkerDeps) {
    this.retry = deps.retry ?? DEFAULT_RETRY;
  }

  /**
   * NOTE-DLV-3: notices a previous process left `sending` (killed between the submit and the
   * recorded answer) go back to pending and are sent again: whether the operator took them is
   * unknown, and a second SMS is better than a lost 补正 notice. Returns how many.
   */
  recover(): number {
    const stuck = this.deps.store.inFlight();
    const now = this.deps.clock.now();
    this.deps.transaction(() => {
      for (const n of stuck) this.deps.store.reopen(n.id, now);
    });
    if (stuck.length > 0)
      this.deps.log.warn(
        { notices: stuck.map((n) => n.id) },
        'notices found in flight at start are sent again (their first submit may have reached the operator)',
      );
    return stuck.length;
  }

  /** Recovers, then polls; `kick` wakes it at once after a commit that wrote notices. */
  start(): void {
    this.recover();
    this.stopped = false;
    const tick = () => {
      this.kick();
    };
    this.timer = setInterval(tick, this.deps.pollMs ?? 5000);
    this.timer.unref();
    setImmediate(tick);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
    await this.deps.gateway.close();
  }

  /** Sends what is due now, unless a run is going (then it runs once more after it). */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.runDue()
      .catch((err: unknown) => {
        this.deps.log.error({ err }, 'notice worker run failed');
        return 0;
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when no run is going and nothing is due now (tests wait on it). */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  /** Sends every notice due now, one after another; how many were accepted. */
  async runDue(): Promise<number> {
    let sent = 0;
    for (;;) {
      if (this.stopped) return sent;
      const [n] = this.deps.store.due(this.deps.clock.now(), 1);
      if (n === undefined) return sent;
      const r = await this.deliver(n);
      if (r === 'sent') sent += 1;
      // A failing gateway gets no further notice in this run: the next comes with the next due time.
      if (r === 'failed') {
        const next = this.deps.store.nextDueAt();
        if (next !== null) this.wakeAt(next);
        return sent;
      }
    }
  }

  /** One attempt: `sending` committed first, then the submit, then `sent` or a retry (NOTE-DLV-2). */
  private async deliver(n: OutgoingNotice): Promise<'sent' | 'failed' | 'taken'> {
    const staleMs = this.deps.staleAfterMs?.[n.templateId];
    if (staleMs !== undefined && this.deps.clock.now() - n.createdAt >= staleMs) {
      const now = this.deps.clock.now();
      this.deps.transaction(() => {
        if (this.deps.store.markSending(n.id, now))
          this.deps.store.markAttemptFailed(
            n.id,
            `stale: not sent within ${staleMs / 1000} s of its writing`,
            now,
            null,
          );
      });
      this.deps.log.warn({ noticeId: n.id, phone: n.phoneMasked }, 'notice dropped: too old to be of use');
      return 'taken';
    }
    const template = this.deps.store.templates().find((t) => t.id === n.templateId);
    const claimed = this.deps.transaction(() => this.deps.store.markSending(n.id, this.deps.clock.now()));
    if (!claimed) return 'taken';
    const attempts = n.attempts + 1;
    try {
      if (template === undefined) throw new Error(`no template ${n.templateId}`);
      const { messageId } = await this.deps.gateway.send({
        noticeId: n.id,
        phone: n.phone,
        templateCode: template.operatorCode,
        params: n.params,
        text: renderNotice(template.text, n.params),
        ...(n.secretParams.length > 0 ? { secretParams: n.secretParams } : {}),
      });
      this.deps.transaction(() => this.deps.store.markSent(n.id, messageId, this.deps.clock.now()));
      this.deps.log.info({ noticeId: n.id, phone: n.phoneMasked, messageId, attempts }, 'notice sent');
      return 'sent';
    } catch (err) {
      const now = this.deps.clock.now();
      const next = nextAttemptAt(attempts, now, this.retry);
      const error = err instanceof Error ? err.message : String(err);
      this.deps.transaction(() => this.deps.store.markAttemptFailed(n.id, error, now, next));
      if (next === null)
        this.deps.log.error(
          { noticeId: n.id, phone: n.phoneMasked, attempts, error },
          'notice failed: gave up',
        );
      else this.deps.log.warn({ noticeId: n.id, attempts, error, retryAt: next }, 'notice attempt failed');
      return 'failed';
    }
  }

  private wakeAt(at: number): void {
    const delay = Math.max(0, at - this.deps.clock.now());
    setTimeout(() => this.kick(), delay).unref();
  }
}
