/**
 * The citizen's phone, queue side (SPEC MOB-Q-*, NOTE-TRG-5..7, MOB-RATE-*); all its SQL lives
 * here. A ticket's contact phone is sealed whole, bound to the ticket; the kiosk's confirmation
 * code of an online ticket is random; a rating link is kept only as the hash of its token.
 */
import type Database from 'better-sqlite3';
import type { PiiCodec } from '../security/codec.ts';

export type ContactSource = 'online' | 'form';

const aad = (ticketId: string) => `ticket_contacts:${ticketId}`;

export class OnlineStore {
  private readonly s;

  constructor(
    db: Database.Database,
    private readonly codec: PiiCodec,
  ) {
    this.s = {
      putContact: db.prepare(
        `INSERT INTO ticket_contacts (ticket_id, business_day, source, phone, phone_masked, created_at)
         VALUES (@ticketId, @businessDay, @source, @phone, @phoneMasked, @at) ON CONFLICT (ticket_id) DO NOTHING`,
      ),
      contact: db.prepare('SELECT phone FROM ticket_contacts WHERE ticket_id = ?'),
      // Tickets of the day with a phone and no "N ahead" notice yet (NOTE-TRG-5).
      awaitingAhead: db.prepare(
        `SELECT c.ticket_id AS id FROM ticket_contacts c WHERE c.business_day = ?
         AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.id = 'queue-ahead:' || c.ticket_id)`,
      ),
      putCode: db.prepare(
        'INSERT INTO online_tickets (code, ticket_id, holder_ref, created_at) VALUES (?, ?, ?, ?)',
      ),
      byCode: db.prepare(
        'SELECT ticket_id AS ticketId, holder_ref AS holderRef FROM online_tickets WHERE code = ?',
      ),
      codeOf: db.prepare('SELECT code FROM online_tickets WHERE ticket_id = ?'),
      putLink: db.prepare('INSERT INTO rating_links (token_hash, ticket_id, created_at) VALUES (?, ?, ?)'),
      linkOf: db.prepare('SELECT ticket_id AS ticketId FROM rating_links WHERE token_hash = ?'),
      hasLink: db.prepare('SELECT 1 FROM rating_links WHERE ticket_id = ?'),
    };
  }

  /** The phone a ticket's notices go to, sealed; a second one for the same ticket is ignored. */
  putContact(c: {
    ticketId: string;
    businessDay: string;
    source: ContactSource;
    phone: string;
    phoneMasked: string;
    at: number;
  }): void {
    this.s.putContact.run({ ...c, phone: this.codec.sealWhole(c.phone, aad(c.ticketId)) });
  }

  contactOf(ticketId: string): string | undefined {
    const r = this.s.contact.get(ticketId) as { phone: string } | undefined;
    return r === undefined ? undefined : this.codec.openWhole<string>(r.phone, aad(ticketId));
  }

  awaitingAheadNotice(businessDay: string): string[] {
    return (this.s.awaitingAhead.all(businessDay) as { id: string }[]).map((r) => r.id);
  }

  putCode(code: string, ticketId: string, holderRef: string, at: number): void {
    this.s.putCode.run(code, ticketId, holderRef, at);
  }

  byCode(code: string): { ticketId: string; holderRef: string } | undefined {
    return this.s.byCode.get(code) as { ticketId: string; holderRef: string } | undefined;
  }

  codeOf(ticketId: string): string | undefined {
    return (this.s.codeOf.get(ticketId) as { code: string } | undefined)?.code;
  }

  putRatingLink(tokenHash: string, ticketId: string, at: number): void {
    this.s.putLink.run(tokenHash, ticketId, at);
  }

  ticketOfLink(tokenHash: string): string | undefined {
    return (this.s.linkOf.get(tokenHash) as { ticketId: string } | undefined)?.ticketId;
  }

  hasRatingLink(ticketId: string): boolean {
    return this.s.hasLink.get(ticketId) !== undefined;
  }
}
