import type { SlipDocument, SlipKind } from '@onewindow/shared';
import type Database from 'better-sqlite3';
import type { PiiCodec } from '../security/codec.ts';

/** A window slip as kept (SPEC SLP-8): the document itself, so 补打 prints exactly the same paper. */
export interface SlipRow {
  number: string;
  kind: SlipKind;
  ticketId: string;
  caseId: string | null;
  itemCode: string;
  windowId: string | null;
  issuedBy: string;
  issuedAt: number;
  document: SlipDocument;
}

type Raw = Omit<SlipRow, 'document'> & { document: string };

const cols = `number, kind, ticket_id AS ticketId, case_id AS caseId, item_code AS itemCode,
  window_id AS windowId, issued_by AS issuedBy, issued_at AS issuedAt, document`;

/** Window slips (业务回单, 受理回执, 不予受理告知书, 补正告知书); all their SQL lives here. */
export class SlipStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO slips (number, kind, ticket_id, case_id, item_code, window_id, issued_by, issued_at, document)
         VALUES (@number, @kind, @ticketId, @caseId, @itemCode, @windowId, @issuedBy, @issuedAt, @document)`,
      ),
      byTicket: db.prepare(`SELECT ${cols} FROM slips WHERE ticket_id = ?`),
      byNumber: db.prepare(`SELECT ${cols} FROM slips WHERE number = ?`),
    };
  }

  insert(row: SlipRow): void {
    this.s.insert.run({ ...row, document: this.codec.sealWhole(row.document, `slips:${row.number}`) });
  }

  /** The one slip of a ticket, if it has one. */
  byTicket(ticketId: string): SlipRow | undefined {
    return this.rowOf(this.s.byTicket.get(ticketId) as Raw | undefined);
  }

  byNumber(number: string): SlipRow | undefined {
    return this.rowOf(this.s.byNumber.get(number) as Raw | undefined);
  }

  private rowOf(r: Raw | undefined): SlipRow | undefined {
    return r === undefined
      ? undefined
      : { ...r, document: this.codec.openWhole<SlipDocument>(r.document, `slips:${r.number}`) };
  }
}
