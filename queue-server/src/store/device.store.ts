import type { DeviceHealth, PrintJob, PrintJobStatus } from '@onewindow/shared';
import type Database from 'better-sqlite3';
import type { PiiCodec } from '../security/codec.ts';

export interface PrintJobRow {
  job: PrintJob;
  deviceId: string;
  status: PrintJobStatus;
  reason: string | null;
  updatedAt: number;
}

/**
 * Print jobs and device health; all their SQL lives here. A job's document (a slip names the
 * applicant) is sealed whole (SEC-ENC-1); its type and ticket are columns for the lookups.
 */
export class DeviceStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    this.s = {
      insertJob: db.prepare(
        `INSERT INTO print_jobs (id, device_id, body, status, created_at, updated_at, doc_type, ticket_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      openJobs: db.prepare(
        `SELECT id, device_id AS deviceId, body, status, reason, updated_at AS updatedAt FROM print_jobs
         WHERE device_id = ? AND status IN ('pending', 'sent') ORDER BY created_at, id`,
      ),
      job: db.prepare(
        'SELECT id, device_id AS deviceId, body, status, reason, updated_at AS updatedAt FROM print_jobs WHERE id = ?',
      ),
      jobState: db.prepare('SELECT device_id AS deviceId, status FROM print_jobs WHERE id = ?'),
      ticketJobs: db.prepare(
        `SELECT id, device_id AS deviceId, body, status, reason, updated_at AS updatedAt FROM print_jobs
         WHERE device_id = ? AND doc_type = 'queue-ticket' AND ticket_id = ? ORDER BY created_at, id`,
      ),
      dropDone: db.prepare(`DELETE FROM print_jobs WHERE status IN ('printed', 'failed') AND updated_at < ?`),
      lastDone: db.prepare(
        `SELECT id, status, reason, updated_at AS updatedAt FROM print_jobs
         WHERE device_id = ? AND status IN ('printed', 'failed') ORDER BY updated_at DESC, rowid DESC LIMIT 1`,
      ),
      setStatus: db.prepare('UPDATE print_jobs SET status = ?, reason = ?, updated_at = ? WHERE id = ?'),
      putHealth: db.prepare(
        `INSERT INTO device_health (device_id, body, at) VALUES (?, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET body = excluded.body, at = excluded.at`,
      ),
      health: db.prepare('SELECT device_id AS deviceId, body, at FROM device_health'),
    };
  }

  /** A new job: `sent` when it goes to a connected terminal right after the commit, else `pending`. */
  insertJob(deviceId: string, job: PrintJob, status: 'pending' | 'sent' = 'pending'): void {
    const doc = job.document as { type: string; data?: { ticketId?: unknown } };
    const ticketId = typeof doc.data?.ticketId === 'string' ? doc.data.ticketId : null;
    this.s.insertJob.run(
      job.jobId,
      deviceId,
      this.codec.sealWhole(job, `print_jobs:${job.jobId}`),
      status,
      job.createdAt,
      job.createdAt,
      doc.type,
      ticketId,
    );
  }

  /** Jobs not yet acknowledged, oldest first: sent again when the agent (re)connects. */
  openJobs(deviceId: string): PrintJobRow[] {
    return (this.s.openJobs.all(deviceId) as RawJob[]).map((r) => this.jobOf(r));
  }

  job(jobId: string): PrintJobRow | undefined {
    const r = this.s.job.get(jobId) as RawJob | undefined;
    return r === undefined ? undefined : this.jobOf(r);
  }

  /** A job's device and status without opening its sealed document (a print result needs no more). */
  jobState(jobId: string): { deviceId: string; status: PrintJobStatus } | undefined {
    return this.s.jobState.get(jobId) as { deviceId: string; status: PrintJobStatus } | undefined;
  }

  /** The queue-ticket jobs a device was given for one ticket, oldest first (first print, reprints). */
  ticketJobs(deviceId: string, ticketId: string): PrintJobRow[] {
    return (this.s.ticketJobs.all(deviceId, ticketId) as RawJob[]).map((r) => this.jobOf(r));
  }

  /** Deletes printed and failed jobs last touched before `before` (their documents; SEC-MIN-2). */
  dropDoneJobs(before: number): number {
    return this.s.dropDone.run(before).changes;
  }

  /** The device's last job that ended (printed or failed), without its document. */
  lastDoneJob(
    deviceId: string,
  ): { jobId: string; status: 'printed' | 'failed'; reason: string | null; at: number } | undefined {
    const r = this.s.lastDone.get(deviceId) as
      | { id: string; status: 'printed' | 'failed'; reason: string | null; updatedAt: number }
      | undefined;
    return r === undefined ? undefined : { jobId: r.id, status: r.status, reason: r.reason, at: r.updatedAt };
  }

  setStatus(jobId: string, status: PrintJobStatus, reason: string | null, at: number): void {
    this.s.setStatus.run(status, reason, at, jobId);
  }

  putHealth(deviceId: string, health: DeviceHealth, at: number): void {
    this.s.putHealth.run(deviceId, JSON.stringify(health), at);
  }

  allHealth(): { deviceId: string; health: DeviceHealth; at: number }[] {
    return (this.s.health.all() as { deviceId: string; body: string; at: number }[]).map((r) => ({
      deviceId: r.deviceId,
      health: JSON.parse(r.body) as DeviceHealth,
      at: r.at,
    }));
  }

  private jobOf(r: RawJob): PrintJobRow {
    return {
      job: this.codec.openWhole<PrintJob>(r.body, `print_jobs:${r.id}`),
      deviceId: r.deviceId,
      status: r.status,
      reason: r.reason,
      updatedAt: r.updatedAt,
    };
  }
}

interface RawJob {
  id: string;
  deviceId: string;
  body: string;
  status: PrintJobStatus;
  reason: string | null;
  updatedAt: number;
}
