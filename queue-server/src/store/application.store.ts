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
}

type Raw = Omit<ApplicationRow, 'formTitle' | 'values'> & { body: string };

const cols = `id, code, ticket_id AS ticketId, item_code AS itemCode, device_id AS deviceId,
  created_at AS createdAt, body`;

/** Draft applications from the kiosk; all their SQL lives here. */
export class ApplicationStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO applications (id, code, ticket_id, item_code, device_id, body, created_at)
         VALUES (@id, @code, @ticketId, @itemCode, @deviceId, @body, @createdAt)`,
      ),
      byId: db.prepare(`SELECT ${cols} FROM applications WHERE id = ?`),
      byCode: db.prepare(`SELECT ${cols} FROM applications WHERE code = ?`),
      byTicket: db.prepare(`SELECT ${cols} FROM applications WHERE ticket_id = ? ORDER BY created_at`),
    };
  }

  insert(a: ApplicationRow): void {
    const { formTitle, values, ...rest } = a;
    this.s.insert.run({ ...rest, body: this.codec.sealWhole({ formTitle, values }, `applications:${a.id}`) });
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

  private rowOf(r: Raw | undefined): ApplicationRow | undefined {
    if (r === undefined) return undefined;
    const { body, ...rest } = r;
    const parsed = this.codec.openWhole<{ formTitle: string; values: FormValues }>(
      body,
      `applications:${r.id}`,
    );
    return { ...rest, formTitle: parsed.formTitle, values: parsed.values };
  }
}
