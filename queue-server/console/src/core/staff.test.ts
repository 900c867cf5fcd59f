import type { Ticket } from '@onewindow/shared/domain.ts';
import type { StaffFact, StaffView } from '@onewindow/shared/public-view.ts';
import { describe, expect, it } from 'vitest';
import { consoleReducer, initialConsoleState } from './staff.ts';

const view: StaffView = {
  seq: 10,
  hallName: 'h',
  categories: [],
  windows: [],
  tickets: [],
  recentCalls: [],
  estimates: [],
  notice: '',
  voiceTemplate: '',
};
const done = (id: string, finishedAt: number, extra: Partial<Ticket> = {}) =>
  ({ id, number: id, status: 'done', windowId: 'w1', finishedAt, ...extra }) as Ticket;
const fact = (seq: number, type: StaffFact['type'], tickets: Ticket[]): StaffFact =>
  ({
    seq,
    at: 0,
    type,
    tickets,
    windows: [],
    call: null,
    hall: null,
    removed: [],
    estimates: [],
    event: {},
  }) as unknown as StaffFact;

describe('CON-DONE-1 the clerk’s recently finished tickets', () => {
  it('lists a ticket once although its finish, its slip and its rating each carry it', () => {
    let s = consoleReducer(initialConsoleState, { type: 'snapshot', view });
    s = consoleReducer(s, { type: 'fact', fact: fact(11, 'ticket:finished', [done('A001', 100)]) });
    s = consoleReducer(s, { type: 'fact', fact: fact(12, 'slip:issued', [done('A001', 100)]) });
    s = consoleReducer(s, { type: 'fact', fact: fact(13, 'ticket:finished', [done('A002', 200)]) });
    s = consoleReducer(s, {
      type: 'fact',
      fact: fact(14, 'ticket:rated', [done('A001', 100, { rating: null })]),
    });
    expect(s.finished.map((t) => t.id)).toEqual(['A002', 'A001']);
  });

  it('merges the server’s list after a reload with what facts brought, newest first, once each', () => {
    let s = consoleReducer(initialConsoleState, { type: 'snapshot', view });
    s = consoleReducer(s, { type: 'fact', fact: fact(11, 'ticket:finished', [done('A009', 900)]) });
    s = consoleReducer(s, {
      type: 'finished-loaded',
      list: [done('A009', 900), done('A003', 300), done('A005', 500)],
    });
    expect(s.finished.map((t) => t.id)).toEqual(['A009', 'A005', 'A003']);
  });
});
