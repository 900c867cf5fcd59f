import type { CommandResult, PublicFact, PublicSnapshot, StaffFact } from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { command, nextEvent, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

describe('queue server over real sockets', () => {
  it('a guide issues, a clerk calls: the caller gets the ack and a board receives the facts', async () => {
    const board = await server.client();
    const guide = await server.client({ token: await server.login('guide1') });
    const clerk = await server.client({ token: await server.login('clerk1') });

    const issued = nextEvent<PublicFact>(board, 'hall:fact');
    const ack = await command<CommandResult>(guide, 'ticket:issue', {
      categoryId: 'A',
      idNumber: '11010519491231002X',
    });
    expect(ack.ok).toBe(true);
    const fact = await issued;
    expect(fact.tickets[0]).toMatchObject({ number: 'A001', status: 'waiting' });
    expect(JSON.stringify(fact)).not.toMatch(/11010519491231002X|110\*|1949-12-31/);

    expect((await command(clerk, 'window:open', { windowId: 'w1' })).ok).toBe(true);
    const called = nextEvent<PublicFact>(board, 'hall:fact');
    const callAck = await command<CommandResult>(clerk, 'ticket:call-next', { windowId: 'w1' });
    expect(callAck.ok && callAck.data.facts[0]?.type).toBe('ticket:called');
    expect((await called).call).toMatchObject({ number: 'A001', windowNumber: 1, recall: false });
  });

  it('a REST call reaches the boards like a socket call', async () => {
    const board = await server.client();
    const staff = await server.client({ token: await server.login('manager1') });
    const token = await server.login('guide1');
    const pub = nextEvent<PublicFact>(board, 'hall:fact');
    const priv = nextEvent<StaffFact>(staff, 'staff:fact');
    const r = await server.rest('POST', '/api/commands/ticket:issue', {
      token,
      body: { categoryId: 'B' },
      headers: { 'idempotency-key': 'k1' },
    });
    expect(r.status).toBe(201);
    expect((await pub).tickets[0]?.number).toBe('B001');
    expect((await priv).event.type).toBe('ticket:issued');
    const again = await server.rest('POST', '/api/commands/ticket:issue', {
      token,
      body: { categoryId: 'B' },
      headers: { 'idempotency-key': 'k1' },
    });
    expect(again.status).toBe(200);
    expect(again.body.ok && (again.body.data as CommandResult).replayed).toBe(true);
  });

  it('sends a snapshot on join and on resync', async () => {
    const board = await server.client();
    const snap = nextEvent<PublicSnapshot>(board, 'hall:snapshot');
    board.emit('hall:resync', () => undefined);
    const s = await snap;
    expect(s.windows).toHaveLength(8);
    expect(s.categories.map((c) => c.id)).toEqual(['A', 'B', 'C']);
  });
});

describe('REST for integrations', () => {
  it('POST /api/tickets issues with an Idempotency-Key and the OpenAPI document lists it', async () => {
    const deviceToken = await server.pairDevice('kiosk');
    const headers = { 'idempotency-key': 'kiosk-7' };
    const first = await server.rest<CommandResult>('POST', '/api/tickets', {
      deviceToken,
      body: { categoryId: 'A' },
      headers,
    });
    const again = await server.rest<CommandResult>('POST', '/api/tickets', {
      deviceToken,
      body: { categoryId: 'A' },
      headers,
    });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.ok && again.body.data.facts).toEqual(first.body.ok && first.body.data.facts);
    const doc = await server.rest<never>('GET', '/api/openapi.json');
    const paths = (doc.body as unknown as { paths: Record<string, object> }).paths;
    for (const p of [
      '/api/tickets',
      '/api/tickets/{id}',
      '/api/commands/{name}',
      '/api/appointments/check-in',
      '/api/reports/day',
    ])
      expect(Object.keys(paths)).toContain(p);
  });
});
