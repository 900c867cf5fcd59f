/**
 * The phone's queue routes over REST (SPEC MOB-Q-*, MOB-RATE-*): a real server on port 0 over a
 * real SQLite file, real staff logins serving the ticket.
 */
import type { Ack, OnlineQueueOverview, OnlineTicketView, RatingLinkView } from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signIn, startSmsc, type TestSmsc } from '../support/phone.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const PHONE = '13912345678';
const ID = '34052419800101001X';

let server: TestServer;
let smsc: TestSmsc;
beforeEach(async () => {
  smsc = await startSmsc();
  server = await startTestServer({ sms: smsc.sms });
});
afterEach(async () => {
  await server.close();
  await smsc.close();
});

const ok = <T>(r: { status: number; body: Ack<T> }): T => {
  if (!r.body.ok) throw new Error(`${r.status} ${r.body.error.code}: ${r.body.error.message}`);
  return r.body.data;
};
const cmd = async (token: string, name: string, body: unknown) =>
  ok(await server.rest('POST', `/api/commands/${name}`, { token, body }));

/** guide1 issues a ticket, clerk1 serves it at w1; its one rating link (as the SMS would carry). */
async function servedLink(): Promise<{ ticketId: string; token: string }> {
  const guide = await server.login('guide1');
  const issued = (await cmd(guide, 'ticket:issue', { categoryId: 'A' })) as {
    facts: { type: string; ticket?: { id: string } }[];
  };
  const ticketId = issued.facts.find((f) => f.type === 'ticket:issued')!.ticket!.id;
  const clerk = await server.login('clerk1');
  await cmd(clerk, 'window:open', { windowId: 'w1' });
  await cmd(clerk, 'ticket:call-next', { windowId: 'w1' });
  await cmd(clerk, 'ticket:start', { windowId: 'w1' });
  await cmd(clerk, 'ticket:finish', { windowId: 'w1', outcome: 'completed' });
  // This ticket has no phone, so no SMS minted its link; mint it as the notice would.
  const link = server.app.hall.onlineRatings.mint(ticketId);
  return { ticketId, token: link.split('/m/#/rate/')[1]! };
}

describe('rating by link over REST (MOB-RATE-*)', () => {
  it('MOB-RATE-2 MOB-RATE-4 the public page shows the service only; words with a personal number are refused; one rating, then ALREADY_RATED', async () => {
    const { ticketId, token } = await servedLink();
    const view = await server.rest<RatingLinkView>('POST', '/api/rating-link/open', { body: { token } });
    expect(ok(view)).toMatchObject({ state: 'open', windowNumber: 1, rating: null });
    expect(Object.keys(ok(view)).sort()).toEqual(
      [
        'categoryName',
        'hallName',
        'itemName',
        'number',
        'openUntil',
        'rating',
        'servedAt',
        'state',
        'windowNumber',
      ].sort(),
    );
    const rate = (body: unknown) =>
      server.rest('POST', '/api/rating-link/rate', { body: { token, ...(body as object) } });
    const withPhone = await rate({ level: 2, reasons: ['waiting'], comment: '请回电13912345678' });
    expect(withPhone.status).toBe(400);
    const badLevel = await rate({ level: 0 });
    expect(badLevel.status).toBe(400);
    const rated = await rate({ level: 2, reasons: ['waiting'], comment: '排队太久' });
    expect(rated.status).toBe(201);
    expect(ok(rated)).toEqual({ ticketId, level: 2 });
    const again = await rate({ level: 5 });
    expect([again.status, again.body.ok ? '' : again.body.error.code]).toEqual([409, 'ALREADY_RATED']);
    expect(
      ok(await server.rest<RatingLinkView>('POST', '/api/rating-link/open', { body: { token } })),
    ).toMatchObject({
      state: 'rated',
      rating: { level: 2, reasons: ['waiting'] },
    });
    const unknown = await server.rest('POST', '/api/rating-link/open', { body: { token: 'x'.repeat(24) } });
    expect(unknown.status).toBe(404);
  });
});

describe('线上取号 over REST (MOB-Q-*)', () => {
  it('MOB-Q-1 MOB-Q-2 MOB-Q-5 an identified citizen joins once per category; the kiosk confirms by card; a citizen without an ID number is refused', async () => {
    const token = await signIn(server, smsc, PHONE);
    const as = { headers: { 'x-citizen-token': token } };
    // MOB-AUTH-7: without the ID number there is no holder reference to queue with.
    const early = await server.rest('POST', '/api/citizen/queue', { ...as, body: { categoryId: 'A' } });
    expect([early.status, early.body.ok ? '' : early.body.error.code]).toEqual([422, 'IDENTITY_REQUIRED']);
    expect((await server.rest('POST', '/api/citizen/queue', { body: { categoryId: 'A' } })).status).toBe(401);
    expect(
      (await server.rest('POST', '/api/citizen/identity', { ...as, body: { idNumber: ID } })).body.ok,
    ).toBe(true);
    const joined = await server.rest<OnlineTicketView>('POST', '/api/citizen/queue', {
      ...as,
      body: { categoryId: 'A' },
    });
    expect(joined.status).toBe(201);
    const t = ok(joined);
    expect(t).toMatchObject({ status: 'waiting', number: 'A001', windowNumber: null });
    expect(t.confirmBy).toBeGreaterThan(server.clock.now());
    const again = await server.rest<OnlineTicketView>('POST', '/api/citizen/queue', {
      ...as,
      body: { categoryId: 'A' },
    });
    expect([again.status, ok(again).id]).toEqual([200, t.id]);
    const bad = await server.rest('POST', '/api/citizen/queue', {
      ...as,
      body: { categoryId: 'A', extra: 1 },
    });
    expect(bad.status).toBe(400);
    // The kiosk's check-in with the same ID number confirms it (MOB-Q-2).
    const kiosk = await server.pairDevice('kiosk');
    const checked = await server.rest<{ onlineConfirmed?: boolean; ticket: { id: string } }>(
      'POST',
      '/api/kiosk/check-in',
      { deviceToken: kiosk, body: { idNumber: ID, print: false } },
    );
    expect(ok(checked)).toMatchObject({ onlineConfirmed: true, ticket: { id: t.id } });
    const page = ok(await server.rest<OnlineQueueOverview>('GET', '/api/citizen/queue', as));
    expect(page.tickets).toEqual([expect.objectContaining({ id: t.id, confirmBy: null, status: 'waiting' })]);
    expect(page.categories.map((c) => c.id)).toEqual(['A', 'B', 'C']);
    // The guide can confirm too, but this one is confirmed already.
    const guide = await server.login('guide1');
    const twice = await server.rest('POST', '/api/commands/ticket:confirm', {
      token: guide,
      body: { ticketId: t.id },
    });
    expect(twice.body.ok ? 'ok' : twice.body.error.code).toBe('BAD_TICKET_STATE');
  });

  it('MOB-Q-1 Q-PRI-1 a senior who joins online gets the senior class the kiosk would give', async () => {
    const token = await signIn(server, smsc, '13700001111');
    const as = { headers: { 'x-citizen-token': token } };
    await server.rest('POST', '/api/citizen/identity', { ...as, body: { idNumber: '11010519491231002X' } });
    const t = ok(
      await server.rest<OnlineTicketView>('POST', '/api/citizen/queue', { ...as, body: { categoryId: 'A' } }),
    );
    expect(server.app.hall.hall.queue.ticket(t.id)).toMatchObject({
      source: 'online',
      priorityClass: 'senior',
      holder: { masked: '110***********002X', senior: true },
    });
  });
});
