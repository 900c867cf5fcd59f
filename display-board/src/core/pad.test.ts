import { describe, expect, it } from 'vitest';
import { initialPadState, type PadEvent, type PadState, padReducer } from './pad.ts';

const ticket = { ticketId: '20261126-A012', number: 'A012' };
const run = (events: PadEvent[], from: PadState = initialPadState) => events.reduce(padReducer, from);

describe('rating pad flow', () => {
  it('asks for a rating when a ticket is finished at the window', () => {
    expect(run([{ type: 'finished', ticket }]).ui).toEqual({ screen: 'levels', ticket, error: null });
  });

  it('sends 5, 4 and 3 at once', () => {
    for (const level of [5, 4, 3] as const)
      expect(
        run([
          { type: 'finished', ticket },
          { type: 'choose', level },
        ]).ui,
      ).toEqual({
        screen: 'sending',
        ticket,
        level,
        reasons: [],
      });
  });

  it('asks reasons for 2 and 1, in the listed order whatever the tapping order', () => {
    const s = run([
      { type: 'finished', ticket },
      { type: 'choose', level: 1 },
      { type: 'toggle', reason: 'waiting' },
      { type: 'toggle', reason: 'attitude' },
      { type: 'toggle', reason: 'other' },
      { type: 'toggle', reason: 'other' },
    ]);
    expect(s.ui).toMatchObject({ screen: 'reasons', level: 1, reasons: ['attitude', 'waiting'] });
    expect(run([{ type: 'submit' }], s).ui).toEqual({
      screen: 'sending',
      ticket,
      level: 1,
      reasons: ['attitude', 'waiting'],
    });
    expect(run([{ type: 'back' }], s).ui).toEqual({ screen: 'levels', ticket, error: null });
  });

  it('thanks, then returns to idle', () => {
    const s = run([{ type: 'finished', ticket }, { type: 'choose', level: 5 }, { type: 'sent' }]);
    expect(s.ui).toEqual({ screen: 'thanks' });
    expect(run([{ type: 'timeout' }], s).ui).toEqual({ screen: 'idle' });
  });

  it('times out to idle without a rating', () => {
    expect(run([{ type: 'finished', ticket }, { type: 'timeout' }]).ui).toEqual({ screen: 'idle' });
    expect(run([{ type: 'finished', ticket }, { type: 'choose', level: 2 }, { type: 'timeout' }]).ui).toEqual(
      {
        screen: 'idle',
      },
    );
  });

  it('offers a ticket once, however often its fact arrives', () => {
    const s = run([{ type: 'finished', ticket }, { type: 'timeout' }, { type: 'finished', ticket }]);
    expect(s.ui).toEqual({ screen: 'idle' });
  });

  it('lets the citizen try again after a network failure, keeping the choice', () => {
    const s = run([
      { type: 'finished', ticket },
      { type: 'choose', level: 2 },
      { type: 'toggle', reason: 'efficiency' },
      { type: 'submit' },
      { type: 'failed', message: '网络异常', retry: true },
    ]);
    expect(s.ui).toEqual({ screen: 'reasons', ticket, level: 2, reasons: ['efficiency'], error: '网络异常' });
  });

  it('shows a refusal and does not retry it', () => {
    const s = run([
      { type: 'finished', ticket },
      { type: 'choose', level: 4 },
      { type: 'failed', message: '没有此操作的权限', retry: false },
    ]);
    expect(s.ui).toEqual({ screen: 'error', message: '没有此操作的权限' });
  });

  it('offers the next ticket after a rating that was on its way', () => {
    const next = { ticketId: '20261126-A013', number: 'A013' };
    const s = run([
      { type: 'finished', ticket },
      { type: 'choose', level: 5 },
      { type: 'finished', ticket: next },
      { type: 'sent' },
    ]);
    expect(s.ui).toEqual({ screen: 'thanks' });
    expect(run([{ type: 'timeout' }], s).ui).toEqual({ screen: 'levels', ticket: next, error: null });
  });

  it('a new ticket replaces an unfinished rating of the previous one', () => {
    const next = { ticketId: '20261126-A013', number: 'A013' };
    const s = run([
      { type: 'finished', ticket },
      { type: 'choose', level: 1 },
      { type: 'finished', ticket: next },
    ]);
    expect(s.ui).toEqual({ screen: 'levels', ticket: next, error: null });
  });
});
