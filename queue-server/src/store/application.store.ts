import type { FormValues } from '@onewindow/shared';
import type Database from 'better-sqlite3';
import type { PiiCodec } from '../security/codec.ts';

/** A kiosk form as stored (§9.3.1): the answers belong to the ticket they were taken with. */
export interface ApplicationRow {
  id: string;
  code: string;
  ticketId: string;
  itemCode: string;
  deviceId: string | null;
  createdAt: number;
  formTitle: string;
  values: FormValues;
  /** When the form's answers were purged (SEC-MIN-2); the row stays, empty. */
  purgedAt?: number | null;
  /** Where it was filled: the kiosk, or the phone (MOB-FORM-3). Absent: kiosk. */
  source?: 'kiosk' | 'online';
}

type Raw = Omit<ApplicationRow, 'formTitle' | 'values'> & { body: string };

const cols = `id, code, ticket_id AS ticketId, item_code AS itemCode, device_id AS deviceId,
  created_at AS createdAt, purged_at AS purgedAt, source, body`;

/** Draft applications from the kiosk; all their SQL lives here. */
export class ApplicationStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO applications (id, code, ticket_id, item_code, device_id, body, created_at, source)
         VALUES (@id, @code, @ticketId, @itemCode, @deviceId, @body, @createdAt, @source)`,
      ),
      byId: db.prepare(`SELECT ${cols} FROM applications WHERE id = ?`),
      byCode: db.prepare(`SELECT ${cols} FROM applications WHERE code = ?`),
      byTicket: db.prepare(`SELECT ${cols} FROM applications WHERE ticket_id = ? ORDER BY created_at`),
      purgeable: db.prepare(
        `SELECT a.id AS id, a.ticket_id AS ticketId FROM applications a
           JOIN tickets t ON t.id = a.ticket_id
           LEFT JOIN cases c ON c.ticket_id = a.ticket_id
         WHERE a.purged_at IS NULL
           AND ((c.id IS NULL AND t.business_day <= @lastDay)
             OR (c.status = 'handed-back' AND c.updated_at < @before))
         ORDER BY a.created_at LIMIT @limit`,
      ),
      purge: db.prepare(
        `UPDATE applications SET body = '', purged_at = ? WHERE id = ? AND purged_at IS NULL`,
      ),
    };
  }

  insert(a: ApplicationRow): void {
    const { formTitle, values, purgedAt: _p, ...rest } = a;
    this.s.insert.run({
      ...rest,
      source: a.source ?? 'kiosk',
      body: this.codec.sealWhole({ formTitle, values }, `applications:${a.id}`),
    });
  }

  byId(id: string): ApplicationRow | undefined {
    return this.rowOf(this.s.byId.get(id) as Raw | undefined);
  }

  byCode(code: string): ApplicationRow | undefined {
    return this.rowOf(this.s.byCode.get(code.trim().toUpperCase()) as Raw | undefined);
  }

  byTicket(ticketId: string): ApplicationRow[] {
    return (this.s.byTicket.all(ticketId) as Raw[]).map((r) => this.rowOf(r)!);
  }

  isPurged(a: ApplicationRow): boolean {
    return a.purgedAt !== null && a.purgedAt !== undefined;
  }

  /**
   * Forms whose ticket closed on or before `lastDay` without a case, or whose case was handed
   * back before `before` (SEC-MIN-2).
   */
  purgeable(lastDay: string, before: number, limit: number): { id: string; ticketId: string }[] {
    return this.s.purgeable.all({ lastDay, before, limit }) as { id: string; ticketId: string }[];
  }

  /** Deletes a form's answers (secure_delete overwrites the freed bytes); the row keeps when. */
  purge(id: string, at: number): boolean {
    return this.s.purge.run(at, id).changes > 0;
  }

  private rowOf(r: Raw | undefined): ApplicationRow | undefined {
    if (r === undefined) return undefined;
    const { body, ...rest } = r;
    if (r.purgedAt !== null && r.purgedAt !== undefined) return { ...rest, formTitle: '', values: {} };
    const parsed = this.codec.openWhole<{ formTitle: string; values: FormValues }>(
      body,
      `applications:${r.id}`,
    );
    return { ...rest, formTitle: parsed.formTitle, values: parsed.values };
  }
}
