/**
 * One waiting figure on every surface (SPEC EST-1, issue #13): the kiosk's ticket, its print
 * job, the public board snapshot, the staff view and `/t` all carry the same server-side range,
 * and `/t` says "you are next" only when an open window can call the ticket.
 */
import type {
  CategoryEstimate,
  CommandResult,
  KioskIssueResult,
  PrintJob,
  PublicSnapshot,
} from '@onewindow/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HallClient, nextEvent, startTestServer, type TestServer } from '../support/server.ts';

const CONSULT = 'LOCAL-ZXZX'; // 政策咨询: no identity needed

let server: TestServer;

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

async function cmd<T = CommandResult>(who: string, name: string, body: unknown): Promise<T> {
  const r = await server.rest<T>('POST', `/api/commands/${name}`, { token: await server.login(who), body });
  if (!r.body.ok) throw new Error(`${name}: ${JSON.stringify(r.body)}`);
  return (r.body as { data: T }).data;
}

async function issueByGuide(categoryId: string): Promise<string> {
  const r = await cmd('guide1', 'ticket:issue', { categoryId });
  const f = r.facts[0];
  if (f?.type !== 'ticket:issued') throw new Error('no ticket');
  return f.ticket.id;
}

async function categoryFigure(categoryId: string): Promise<CategoryEstimate> {
  const r = await server.rest<PublicSnapshot>('GET', '/api/queue');
  if (!r.body.ok) throw new Error('no snapshot');
  return (r.body as { data: PublicSnapshot }).data.estimates.find((e) => e.categoryId === categoryId)!;
}

describe('waiting estimate (SPEC EST-1)', () => {
  it('EST-1 the kiosk ticket, its print, /api/tickets and /t carry the range the board showed for a ticket taken now', async () => {
    const kiosk = await server.pairDevice('kiosk');
    const agent: HallClient = await server.client({ deviceToken: kiosk });
    await cmd('clerk1', 'window:open', { windowId: 'w1' });
    for (let i = 0; i < 4; i++) await issueByGuide('A');

    const board = await categoryFigure('A');
    expect(board.waiting).toBe(4);
    expect(board.low).not.toBeNull();
    expect(board.high!).toBeGreaterThan(board.low!);

    const printed = nextEvent<PrintJob>(agent, 'device:print');
    const r = await server.rest<KioskIssueResult>('POST', '/api/kiosk/tickets', {
      deviceToken: kiosk,
      body: { itemCode: CONSULT },
      headers: { 'idempotency-key': 'est-1' },
    });
    if (!r.body.ok) throw new Error(JSON.stringify(r.body));
    const ticket = (r.body as { data: KioskIssueResult }).data.ticket;
    expect(ticket.categoryId).toBe('A');
    expect(ticket.ahead).toBe(4);
    // The same minute, the same server figure: what the board said is what the ticket says.
    expect(ticket.estimateRange).toEqual({ low: board.low, high: board.high });
    const job = await printed;
    expect(job.document.type === 'queue-ticket' && job.document.data.estimatedWaitRange).toEqual({
      low: board.low,
      high: board.high,
    });
    const status = await server.rest<{ ahead: number; low: number; high: number }>(
      'GET',
      `/api/tickets/${ticket.id}`,
    );
    expect(status.body.ok && status.body.data).toMatchObject({ ahead: 4, low: board.low, high: board.high });
    const html = await (await fetch(`${server.url}/t/${ticket.id}`)).text();
    expect(html).toContain('前面还有 4 人');
    expect(html).toContain(`预计等候约 ${board.low}–${board.high} 分钟`);
    expect(html).toContain('data-testid="ticket-ahead">4 人<');
    expect(html).toContain(`data-testid="ticket-wait">约 ${board.low}–${board.high} 分钟<`);
    agent.close();
  });

  it('EST-1 /t says "you are next" only for a ticket an open window can call; one pinned to a closed window says no window is open', async () => {
    await cmd('clerk1', 'window:open', { windowId: 'w1' });
    const head = await issueByGuide('A');
    const pinned = await issueByGuide('A');
    await cmd('guide1', 'ticket:override', {
      ticketId: pinned,
      action: { kind: 'pin', windowId: 'w2' },
      reason: '指定窗口',
    });
    const headPage = await (await fetch(`${server.url}/t/${head}`)).text();
    expect(headPage).toContain('下一位就是您');
    const pinnedPage = await (await fetch(`${server.url}/t/${pinned}`)).text();
    expect(pinnedPage).not.toContain('下一位就是您');
    expect(pinnedPage).toContain('暂无窗口办理');
    const s = await server.rest<{ ahead: number; low: number | null }>('GET', `/api/tickets/${pinned}`);
    expect(s.body.ok && s.body.data).toMatchObject({ ahead: 0, low: null });
  });
});
