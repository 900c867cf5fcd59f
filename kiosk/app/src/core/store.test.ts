import type { KioskContext } from '@onewindow/shared/kiosk.ts';
import { describe, expect, it } from 'vitest';
import { personFromTyped } from './person.ts';
import { holdsPersonalData, initialKioskState, type KioskState, kioskReducer } from './store.ts';

const context: KioskContext = {
  hallName: '大厅',
  hallNameEn: 'Hall',
  today: '2026-11-26',
  utcOffsetMinutes: 480,
  seniorAge: 60,
  openingHours: { open: '09:00', close: '17:00', weekdays: [1, 2, 3, 4, 5] },
  openNow: true,
  closedMessageZh: null,
  oneTicketPerCategory: true,
  categories: [{ id: 'A', prefix: 'A', name: '综合业务', nameEn: 'General' }],
  estimates: [{ categoryId: 'A', waiting: 3, minutes: 12, low: 9, high: 19 }],
  device: { id: 'd1', name: 'k1' },
};

const run = (s: KioskState, ...actions: Parameters<typeof kioskReducer>[1][]) =>
  actions.reduce(kioskReducer, s);

describe('kiosk store', () => {
  const loaded = run(initialKioskState, { type: 'loaded', context, catalog: [] });

  it('reset forgets the citizen and the display choices but keeps the hall', () => {
    const person = personFromTyped('11010519491231002X', context.today, 60)!;
    const busy = run(
      loaded,
      { type: 'lang', lang: 'en' },
      { type: 'large', large: true },
      { type: 'flow', flow: 'ticket' },
      { type: 'identified', person },
      { type: 'item', itemCode: 'X', attemptKey: 'k' },
      { type: 'form', values: { phone: '13812345678' } },
    );
    expect(busy.lang).toBe('en');
    expect(busy.large).toBe(true);
    expect(holdsPersonalData(busy)).toBe(true);
    const after = kioskReducer(busy, { type: 'reset' });
    expect(after).toEqual({ ...initialKioskState, context, catalog: [], estimates: context.estimates });
    expect(holdsPersonalData(after)).toBe(false);
    expect(JSON.stringify(after)).not.toContain('11010519491231002X');
  });

  it('starting a flow keeps the language and text size the citizen just chose', () => {
    const s = run(
      loaded,
      { type: 'lang', lang: 'en' },
      { type: 'large', large: true },
      { type: 'flow', flow: 'lookup' },
    );
    expect(s).toMatchObject({ lang: 'en', large: true, flow: 'lookup', screen: 'identify' });
  });

  it('a closed hall shows the closed screen when idle, and the start screen once it opens', () => {
    const closed = { ...context, openNow: false, closedMessageZh: '请于明天 09:00 后来取号' };
    const s = kioskReducer(initialKioskState, { type: 'loaded', context: closed, catalog: [] });
    expect(s).toMatchObject({ screen: 'closed', closedMessage: '请于明天 09:00 后来取号' });
    expect(kioskReducer(s, { type: 'loaded', context, catalog: [] }).screen).toBe('start');
    // A citizen in the middle of a flow is not thrown out when the hour strikes.
    const mid = run(loaded, { type: 'flow', flow: 'ticket' });
    expect(kioskReducer(mid, { type: 'loaded', context: closed, catalog: [] }).screen).toBe('identify');
  });

  it('live estimates replace those of their category only', () => {
    const s = kioskReducer(loaded, {
      type: 'estimates',
      estimates: [{ categoryId: 'B', waiting: 1, minutes: 3, low: 2, high: 7 }],
    });
    expect(s.estimates).toEqual([
      ...context.estimates,
      { categoryId: 'B', waiting: 1, minutes: 3, low: 2, high: 7 },
    ]);
  });

  it('identifying moves a number-taker on to the categories, not a lookup', () => {
    const person = personFromTyped('11010519491231002X', context.today, 60)!;
    expect(run(loaded, { type: 'flow', flow: 'ticket' }, { type: 'identified', person }).screen).toBe(
      'categories',
    );
    expect(run(loaded, { type: 'flow', flow: 'lookup' }, { type: 'identified', person }).screen).toBe(
      'identify',
    );
  });
});

describe('kiosk store: its own devices (DEV-6, DEV-8)', () => {
  const loaded = run(initialKioskState, { type: 'loaded', context, catalog: [] });

  it('keeps the printer state across a reset (it is the kiosk’s, not the citizen’s)', () => {
    const out = run(
      loaded,
      { type: 'printer', printer: 'out' },
      { type: 'flow', flow: 'ticket' },
      { type: 'reset' },
    );
    expect(out.printer).toBe('out');
    expect(run(out, { type: 'printer', printer: 'ok' }).printer).toBe('ok');
  });

  it('forgets a card error on a good read and on a reset', () => {
    const refused = run(loaded, {
      type: 'card-error',
      error: { source: 'resident-id', code: 'not-accepted' },
    });
    expect(refused.cardError).toEqual({ source: 'resident-id', code: 'not-accepted' });
    expect(run(refused, { type: 'reset' }).cardError).toBeNull();
    const person = personFromTyped('11010519491231002X', context.today, 60)!;
    expect(
      run(refused, { type: 'flow', flow: 'ticket' }, { type: 'identified', person }).cardError,
    ).toBeNull();
  });
});
