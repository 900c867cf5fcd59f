import type { ComplaintContact, ComplaintRecord, ComplaintStatus } from '@onewindow/shared';
import type Database from 'better-sqlite3';
import { applyComplaintFact, type ComplaintEvent } from '../domain/complaints.ts';
import type { PiiCodec } from '../security/codec.ts';

/** A rating of a ticket as the log holds it (a complaint shows them, CMP-6). */
export interface TicketRating {
  at: number;
  level: number;
  reasons: string[];
  windowId: string;
}

/**
 * Complaints (SPEC CMP-*): the projection of the complaint facts (only `apply` writes it, inside
 * the commit of the fact; staff notes and replies sealed per field, SEC-ENC-2) and the sealed
 * record of each complainant's name, phone and words (CMP-4), written in the registering unit.
 */
export class ComplaintStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    this.s = {
      upsert: db.prepare(
        `INSERT INTO complaints (id, status, deadline, handler_id, work_order_no, received_at, body, updated_at)
         VALUES (@id, @status, @deadline, @handlerId, @workOrderNo, @receivedAt, @body, @at)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, handler_id = excluded.handler_id,
           body = excluded.body, updated_at = excluded.updated_at`,
      ),
      byId: db.prepare('SELECT id, body FROM complaints WHERE id = ?'),
      byWorkOrder: db.prepare('SELECT id FROM complaints WHERE work_order_no = ?'),
      all: db.prepare('SELECT id, body FROM complaints ORDER BY received_at DESC, id DESC'),
      putContact: db.prepare('INSERT INTO complaint_contacts (complaint_id, body) VALUES (?, ?)'),
      contact: db.prepare('SELECT body FROM complaint_contacts WHERE complaint_id = ?'),
      ratings: db.prepare(
        `SELECT at, body FROM events WHERE type = 'ticket:rated' AND json_extract(body, '$.ticketId') = ? ORDER BY seq`,
      ),
    };
  }

  /** Folds a committed complaint fact into its row (CMP-2). */
  apply(ev: ComplaintEvent): ComplaintRecord {
    const next = applyComplaintFact(this.byId(ev.complaintId), ev);
    this.s.upsert.run({
      id: next.id,
      status: next.status,
      deadline: next.deadline,
      handlerId: next.handlerId,
      workOrderNo: next.workOrderNo,
      receivedAt: next.receivedAt,
      body: this.codec.stringify(next, `complaints:${next.id}`),
      at: ev.at,
    });
    return next;
  }

  byId(id: string): ComplaintRecord | undefined {
    const row = this.s.byId.get(id) as { id: string; body: string } | undefined;
    return row === undefined
      ? undefined
      : this.codec.parse<ComplaintRecord>(row.body, `complaints:${row.id}`);
  }

  /** The complaint registered for a 12345 work order, if any (imports are idempotent on it). */
  idOfWorkOrder(workOrderNo: string): string | undefined {
    return (this.s.byWorkOrder.get(workOrderNo) as { id: string } | undefined)?.id;
  }

  /** Newest complaint first; the caller filters (a hall has hundreds a year, not millions). */
  list(status?: ComplaintStatus): ComplaintRecord[] {
    return (this.s.all.all() as { id: string; body: string }[])
      .map((r) => this.codec.parse<ComplaintRecord>(r.body, `complaints:${r.id}`))
      .filter((c) => status === undefined || c.status === status);
  }

  /** Seals the complainant's contact and words (CMP-4). Call in the unit of `complaint:registered`. */
  putContact(complaintId: string, contact: ComplaintContact): void {
    this.s.putContact.run(complaintId, this.codec.sealWhole(contact, `complaint_contacts:${complaintId}`));
  }

  /** Opens the sealed contact: only ComplaintService calls it, after recording the read. */
  contact(complaintId: string): ComplaintContact | undefined {
    const row = this.s.contact.get(complaintId) as { body: string } | undefined;
    return row === undefined
      ? undefined
      : this.codec.openWhole<ComplaintContact>(row.body, `complaint_contacts:${complaintId}`);
  }

  /** The ratings of a ticket in the log, oldest first. */
  ratingsOf(ticketId: string): TicketRating[] {
    return (this.s.ratings.all(ticketId) as { at: number; body: string }[]).map((r) => {
      const b = JSON.parse(r.body) as { level: number; reasons: string[]; windowId: string };
      return { at: r.at, level: b.level, reasons: b.reasons, windowId: b.windowId };
    });
  }
}
