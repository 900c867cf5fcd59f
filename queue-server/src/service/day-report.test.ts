import type { Ticket } from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import { Hall, MIN, T0 } from '../domain/test-factory.ts';
import type { HallEvent } from '../domain/types.ts';
import { type DayReportInput, dayReport, dayStartMs, durationStats } from './day-report.ts';

const DAY = '2026-11-26';

function openingsOf(log: readonly HallEvent[]) {
  return log.flatMap((e) =>
    e.type === 'window:opened' ? [{ seq: e.seq, at: e.at, windowId: e.windowId, clerkId: e.clerkId }] : [],
  );
}

function input(h: Hall, over: Partial<DayReportInput> = {}): DayReportInput {
  return {
    businessDay: DAY,
    utcOffsetMinutes: 480,
    tickets: h.engine.allTickets() as Ticket[],
    settledTicketIds: [],
    closed: false,
    openings: openingsOf(h.log),
    categoryIds: ['A', 'B', 'C'],
    ...over,
  };
}

/** Serves the next ticket at a window: call, `waitBefore` already passed, `serviceMinutes` at the window. */
function serve(
  h: Hall,
  windowId: string,
  serviceMinutes: number,
  outcome: 'completed' | 'accepted' | 'rejected' | 'supplement' = 'completed',
): string {
  const id = h.callNext(windowId);
  h.ok({ type: 'ticket:start', windowId });
  h.tick(serviceMinutes * MIN);
  h.ok({ type: 'ticket:finish', windowId, outcome });
  return id;
}

describe('durationStats', () => {
  it('RPT-3 mean and nearest-rank p90 in whole seconds; null without samples', () => {
    expect(durationStats([])).toEqual({ count: 0, avgSeconds: null, p90Seconds: null });
    const ms = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((m) => m * MIN);
    expect(durationStats(ms)).toEqual({ count: 10, avgSeconds: 330, p90Seconds: 540 });
    expect(durationStats([10 * MIN, 2 * MIN]).p90Seconds).toBe(600); // ceil(0.9 × 2) = 2nd of 2
    expect(durationStats([1500]).avgSeconds).toBe(2); // rounded
  });
});

describe('dayReport', () => {
  it('RPT-2 counts per category and in total: issued, served by outcome, no-shows, cancelled, live', () => {
    const h = new Hall({}, false);
    h.ok({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-li' });
    h.ok({ type: 'window:open', windowId: 'w4', clerkId: 'clerk-zhang' });
    const a1 = h.issue('A');
    h.issue('A');
    h.issue('A');
    const a4 = h.issue('A');
    h.issue('B');
    const c1 = h.issue('C');
    expect(serve(h, 'w1', 5, 'completed')).toBe(a1);
    serve(h, 'w1', 5, 'accepted');
    serve(h, 'w4', 10, 'supplement');
    // a4 is called three times and never comes: no-show.
    h.callNext('w1');
    h.ok({ type: 'ticket:recall', windowId: 'w1' });
    h.ok({ type: 'ticket:recall', windowId: 'w1' });
    h.ok({ type: 'ticket:no-show', windowId: 'w1' });
    h.ok({ type: 'ticket:cancel', ticketId: c1, by: 'guide', reason: '群众放弃' });
    const r = dayReport(input(h));

    expect(h.engine.ticket(a4)?.status).toBe('no-show');
    expect(r.total).toMatchObject({
      issued: 6,
      served: 3,
      outcomes: { completed: 1, accepted: 1, rejected: 0, supplement: 1 },
      noShows: 1,
      cancelled: 1,
      settledAtClose: 0,
      live: 2, // the no-show and B001
    });
    expect(
      r.categories.map((c) => [c.categoryId, c.issued, c.served, c.noShows, c.cancelled, c.live]),
    ).toEqual([
      ['A', 4, 3, 1, 0, 1],
      ['B', 1, 0, 0, 0, 1],
      ['C', 1, 0, 0, 1, 0],
    ]);
    expect(r.closed).toBe(false);
  });

  it('RPT-2 tickets settled by the day close are counted apart from staff cancellations', () => {
    const h = new Hall();
    const a = h.issue('A');
    const b = h.issue('A');
    h.issue('B');
    h.ok({ type: 'ticket:cancel', ticketId: a, by: 'guide', reason: '群众放弃' });
    h.now = T0 + 10 * 60 * MIN;
    const [closed] = h.ok({ type: 'day:close', by: 'manager', reason: '日结' });
    if (closed?.type !== 'day:closed') throw new Error('no close');
    // After the close the engine forgets the day; the report reads the stored rows, settled.
    const settledRows = [b, `${DAY.replaceAll('-', '')}-B001`].map((id) => ({
      ...(
        h.log.find((e) => e.type === 'ticket:issued' && e.ticket.id === id) as Extract<
          HallEvent,
          { type: 'ticket:issued' }
        >
      ).ticket,
      status: 'cancelled' as const,
      cancelReason: '日结',
      finishedAt: closed.at,
    }));
    const cancelledRow = {
      ...settledRows[0]!,
      id: a,
      status: 'cancelled' as const,
      cancelReason: '群众放弃',
    };
    const r = dayReport(
      input(h, {
        tickets: [cancelledRow, ...settledRows],
        settledTicketIds: closed.settledTicketIds,
        closed: true,
      }),
    );
    expect(closed.settledTicketIds).toHaveLength(2);
    expect(r.total).toMatchObject({ issued: 3, cancelled: 1, settledAtClose: 2, live: 0 });
    expect(r.closed).toBe(true);
  });

  it('RPT-3 average and p90 wait (arrival → call) and service time (call → finish) per category', () => {
    const h = new Hall({}, false);
    h.ok({ type: 'window:open', windowId: 'w1', clerkId: 'c1' });
    for (let i = 0; i < 5; i++) h.issue('A');
    // Waits 0, 2, 4, 6, 8 minutes; services 2 minutes each.
    for (let i = 0; i < 5; i++) serve(h, 'w1', 2);
    const a = dayReport(input(h)).categories[0]!;
    expect(a.wait).toEqual({ count: 5, avgSeconds: 240, p90Seconds: 480 });
    expect(a.service).toEqual({ count: 5, avgSeconds: 120, p90Seconds: 120 });
    expect(dayReport(input(h)).categories[1]!.wait).toEqual({ count: 0, avgSeconds: null, p90Seconds: null });
  });

  it('RPT-4 per window, and per clerk from who was signed on when each ticket was finished', () => {
    const h = new Hall({}, false);
    h.ok({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-li' });
    h.ok({ type: 'window:open', windowId: 'w2', clerkId: 'clerk-wang' });
    for (let i = 0; i < 5; i++) h.issue('A');
    serve(h, 'w1', 3);
    serve(h, 'w2', 4, 'rejected');
    serve(h, 'w1', 5);
    h.ok({ type: 'window:close', windowId: 'w1' });
    h.ok({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-zhao' }); // shift change
    serve(h, 'w1', 7);
    const r = dayReport(input(h));
    expect(r.windows.map((w) => [w.windowId, w.served, w.service.avgSeconds])).toEqual([
      ['w1', 3, 300],
      ['w2', 1, 240],
    ]);
    expect(r.clerks.map((c) => [c.clerkId, c.served, c.windowIds, c.outcomes.rejected])).toEqual([
      ['clerk-li', 2, ['w1'], 0],
      ['clerk-wang', 1, ['w2'], 1],
      ['clerk-zhao', 1, ['w1'], 0],
    ]);
  });

  it('RPT-4 a clerk signed on before the day began is found from the earlier sign-on', () => {
    const h = new Hall({}, false);
    h.ok({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-li' });
    h.issue('A');
    serve(h, 'w1', 3);
    expect(dayReport(input(h, { openings: [] })).clerks[0]?.clerkId).toBe('unknown');
    expect(dayReport(input(h)).clerks[0]?.clerkId).toBe('clerk-li');
  });

  it('RPT-1 hourly arrivals in 24 local-time buckets; other days are left out', () => {
    const h = new Hall();
    h.issue('A'); // 09:00 Beijing = 01:00 UTC
    h.tick(30 * MIN);
    h.issue('B'); // 09:30
    h.now = T0 + 5 * 60 * MIN; // 14:00
    h.issue('C');
    const stranger = { ...(h.engine.allTickets()[0] as Ticket), id: 'other', businessDay: '2026-11-25' };
    const r = dayReport(input(h, { tickets: [...(h.engine.allTickets() as Ticket[]), stranger] }));
    expect(r.hourlyArrivals).toHaveLength(24);
    expect(r.hourlyArrivals[9]).toBe(2);
    expect(r.hourlyArrivals[14]).toBe(1);
    expect(r.hourlyArrivals.reduce((s, n) => s + n, 0)).toBe(3);
    expect(r.total.issued).toBe(3);
    expect(dayStartMs(DAY, 480)).toBe(T0 - 9 * 60 * MIN);
  });

  it('RPT-1 summarizes the day’s appointments and holds no personal data', () => {
    const h = new Hall();
    h.issue('A', { idNumber: '11010519491231002X' });
    const r = dayReport(
      input(h, {
        appointments: [
          { status: 'checked-in', late: false },
          { status: 'checked-in', late: true },
          { status: 'missed', late: false },
          { status: 'booked', late: false },
          { status: 'cancelled', late: false },
        ],
      }),
    );
    expect(r.appointments).toEqual({ total: 5, booked: 1, checkedIn: 2, late: 1, missed: 1, cancelled: 1 });
    expect(JSON.stringify(r)).not.toMatch(/110\*|1949|11010519491231002X/);
  });
});
