/**
 * The print queue (DEV-1, UOW-3): print jobs are an outbox. A use case writes the job's row in
 * its own unit of work, beside the facts it belongs to (a kiosk ticket, a slip); only after the
 * commit does the queue hand it to the terminal's connection, and a terminal that (re)connects
 * gets every job it has not acknowledged. The agent prints each job id at most once, so a job
 * is printed exactly once however often it is sent.
 */
import { randomUUID } from 'node:crypto';
import { type Ack, type PrintJob, type PrintResult, printDocumentSchema } from '@onewindow/shared';
import type { PrintJobQueued, PrintJobState } from '@onewindow/shared/api-types.ts';
import type { Principal } from '../auth/permissions.ts';
import type { QueueEngine } from '../domain/engine.ts';
import type { AuthStore } from '../store/auth.store.ts';
import type { DeviceStore, PrintJobRow } from '../store/device.store.ts';
import type { Clock, UnitOfWork } from './hall.service.ts';

/** How jobs reach terminals: the Socket.IO device channel, attached by the transport. */
export interface PrintTransport {
  isOnline(deviceId: string): boolean;
  send(deviceId: string, job: PrintJob): void;
}

export type PrintOutcome =
  | {
      ok: true;
      status: PrintJobRow['status'];
      changed: boolean;
      /** The device's alert state changed (DEV-8): this job failed, or it printed after a failure. */
      alertChanged: boolean;
    }
  | { ok: false; reason: 'unknown-job' };

/** A document that does not satisfy the print contract (shared/src/print.ts). */
export class InvalidDocument extends Error {}

function checkDocument(document: PrintJob['document']): void {
  const parsed = printDocumentSchema.safeParse(document);
  if (!parsed.success)
    throw new InvalidDocument(
      `invalid ${String((document as { type?: unknown }).type)} document: ${parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
}

export class PrintQueue {
  private transport: PrintTransport | null = null;
  /** Whether each device's last finished job failed (DEV-8), read from the store once per device. */
  private readonly lastFailed = new Map<string, boolean>();

  constructor(
    private readonly deps: {
      devices: DeviceStore;
      auth: AuthStore;
      clock: Clock;
      queue: () => QueueEngine;
      /** Runs `fn` in one transaction (a job queued outside any other unit of work). */
      transaction: <T>(fn: () => T) => T;
    },
  ) {}

  /** The transport attaches itself once it exists (the composition root builds services first). */
  attach(transport: PrintTransport): void {
    this.transport = transport;
  }

  /**
   * Queues a job inside a unit of work: the outbox row commits with the unit's facts, the send
   * follows the commit. A document the agent would refuse is refused here, with its field paths
   * (the caller decides whether that fails its unit or only its print).
   *
   * @throws InvalidDocument
   */
  enqueue(uow: UnitOfWork, deviceId: string, document: PrintJob['document']): PrintJob {
    checkDocument(document);
    const job: PrintJob = { jobId: `pj-${randomUUID()}`, createdAt: uow.now, document };
    const online = this.insert(deviceId, job);
    uow.afterCommit(() => this.sendNew(deviceId, job, online));
    return job;
  }

  /** Queues a job on its own (补打 of a document the client holds): one small transaction, then sent. */
  print(deviceId: string, document: PrintJob['document']): PrintJob {
    const job: PrintJob = { jobId: `pj-${randomUUID()}`, createdAt: this.deps.clock.now(), document };
    const online = this.deps.transaction(() => this.insert(deviceId, job));
    this.sendNew(deviceId, job, online);
    return job;
  }

  /**
   * Writes a new job's row in the caller's unit. A job for a connected terminal is written as
   * `sent` at once, so its send after the commit costs no second write (DEV-1: a terminal that
   * drops before it prints gets every `pending` and `sent` job again when it reconnects).
   */
  private insert(deviceId: string, job: PrintJob): boolean {
    const online = this.transport?.isOnline(deviceId) === true;
    this.deps.devices.insertJob(deviceId, job, online ? 'sent' : 'pending');
    return online;
  }

  private sendNew(deviceId: string, job: PrintJob, wasOnline: boolean): void {
    if (wasOnline) this.transport?.send(deviceId, job);
    else this.flush(deviceId);
  }

  /**
   * A document someone asks to print (DEV-2): a kiosk or agent prints only on itself; a clerk on
   * the agent of the window they signed on at; guides and managers may name any terminal.
   */
  request(
    p: Principal,
    b: { deviceId?: string | undefined; windowId?: string | undefined; document: PrintJob['document'] },
  ): Ack<PrintJobQueued> {
    const refuse = (code: 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_REQUEST', message: string) => ({
      ok: false as const,
      error: { code, message },
    });
    let target: string | undefined;
    if (p.kind === 'device') {
      if (b.deviceId !== undefined && b.deviceId !== p.id)
        return refuse('FORBIDDEN', 'a device prints only on itself');
      target = p.id;
    } else if (p.kind === 'staff') {
      const q = this.deps.queue();
      const windowId = b.windowId ?? q.allWindows().find((w) => w.clerkId === p.id)?.id;
      const mayAnywhere = p.roles.includes('manager') || p.roles.includes('guide');
      if (b.deviceId !== undefined && mayAnywhere) target = b.deviceId;
      else if (windowId !== undefined) {
        if (!mayAnywhere && q.window(windowId)?.clerkId !== p.id)
          return refuse('FORBIDDEN', 'print only at the window you signed on at');
        target = this.agentAt(windowId);
        if (target === undefined) return refuse('NOT_FOUND', `no terminal agent at window ${windowId}`);
      } else return refuse('BAD_REQUEST', 'name a deviceId or windowId');
    }
    const device = target === undefined ? undefined : this.deps.auth.deviceById(target);
    if (device === undefined || device.revokedAt !== null)
      return refuse('NOT_FOUND', 'no such active device');
    const job = this.print(device.id, b.document);
    return { ok: true, data: { jobId: job.jobId, deviceId: device.id } };
  }

  /** Sends the device's jobs not yet sent, if it is connected. */
  flush(deviceId: string): void {
    const t = this.transport;
    if (t === null || !t.isOnline(deviceId)) return;
    for (const row of this.deps.devices.openJobs(deviceId))
      if (row.status === 'pending') {
        t.send(deviceId, row.job);
        this.deps.devices.setStatus(row.job.jobId, 'sent', null, this.deps.clock.now());
      }
  }

  /** A terminal (re)connected: every job it has not acknowledged goes again (DEV-1). */
  resend(deviceId: string): void {
    const t = this.transport;
    if (t === null) return;
    for (const row of this.deps.devices.openJobs(deviceId)) {
      t.send(deviceId, row.job);
      if (row.status === 'pending')
        this.deps.devices.setStatus(row.job.jobId, 'sent', null, this.deps.clock.now());
    }
  }

  /** A terminal's answer for one of its jobs; the first answer stands (DEV-1). */
  result(deviceId: string, r: PrintResult): PrintOutcome {
    const row = this.deps.devices.jobState(r.jobId);
    if (row === undefined || row.deviceId !== deviceId) return { ok: false, reason: 'unknown-job' };
    if (row.status === 'printed' || row.status === 'failed')
      return { ok: true, status: row.status, changed: false, alertChanged: false };
    const reason = r.status === 'failed' ? r.reason : null;
    const failedBefore =
      this.lastFailed.get(deviceId) ?? this.deps.devices.lastDoneJob(deviceId)?.status === 'failed';
    this.deps.devices.setStatus(r.jobId, r.status, reason, this.deps.clock.now());
    this.lastFailed.set(deviceId, r.status === 'failed');
    return { ok: true, status: r.status, changed: true, alertChanged: r.status === 'failed' || failedBefore };
  }

  job(jobId: string): PrintJobRow | undefined {
    return this.deps.devices.job(jobId);
  }

  /** Where a job is, as a terminal or console asks (`GET /api/print-jobs/:id`); a device sees only its own. */
  state(jobId: string, askedBy: Principal): PrintJobState | undefined {
    const row = this.deps.devices.job(jobId);
    if (row === undefined || (askedBy.kind === 'device' && row.deviceId !== askedBy.id)) return undefined;
    return { jobId: row.job.jobId, deviceId: row.deviceId, status: row.status, reason: row.reason };
  }

  /** The queue-ticket jobs a kiosk was given for one ticket, oldest first (first print, reprints). */
  ticketJobs(deviceId: string, ticketId: string): PrintJobRow[] {
    return this.deps.devices.ticketJobs(deviceId, ticketId);
  }

  /** The terminal agent paired at a window, if any (slips print there, DEV-2). */
  agentAt(windowId: string): string | undefined {
    return this.deps.auth
      .allDevices()
      .find((d) => d.kind === 'agent' && d.windowId === windowId && d.revokedAt === null)?.id;
  }
}
