import { describe, expect, it } from 'vitest';
import { QueueEngine } from './engine.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import { Hall, hallConfig, idBornOn, MIN, T0 } from './test-factory.ts';

describe('numbers', () => {
  it('Q-NUM-1 numbers each category from 1 with its prefix and digits', () => {
    const h = new Hall();
    expect([h.issue('A'), h.issue('A'), h.issue('B')]).toEqual([
      '20261126-A001',
      '20261126-A002',
      '20261126-B001',
    ]);
    const four = new Hall({ numberDigits: 4 });
    expect(four.issue('C')).toBe('20261126-C0001');
  });

  it('Q-NUM-1 uses the hall-local date, not UTC (23:30 UTC is the next day in Beijing)', () => {
    const h = new Hall();
    h.now = Date.UTC(2026, 10, 26, 16, 30);
    expect(h.issue('A')).toBe('20261127-A001');
  });

  it('Q-NUM-2 restarts numbering on a new business day', () => {
    const h = new Hall();
    h.issue('A');
    h.issue('A');
    h.tick(24 * 60 * MIN);
    expect(h.issue('A')).toBe('20261127-A001');
  });

  it('Q-NUM-3 refuses when the digits are used up instead of wrapping', () => {
    const h = new Hall({ numberDigits: 1 });
    for (let i = 1; i <= 9; i++) h.issue('A');
    expect(h.errorCode({ type: 'ticket:issue', categoryId: 'A', source: 'kiosk' })).toBe('NUMBERS_EXHAUSTED');
    expect(h.issue('B')).toBe('20261126-B1');
  });

  it('Q-NUM-4 keeps the id and number through a transfer', () => {
    const h = new Hall();
    const id = h.issue('A');
    h.ok({ type: 'ticket:transfer', ticketId: id, to: { categoryId: 'C' }, by: 'guide1', note: '出件' });
    expect(h.engine.ticket(id)?.number).toBe('A001');
    expect(h.engine.ticket(id)?.categoryId).toBe('C');
  });

  it('refuses an unknown category and an unconfigured hall', () => {
    const h = new Hall();
    expect(h.errorCode({ type: 'ticket:issue', categoryId: 'Z', source: 'kiosk' })).toBe('UNKNOWN_CATEGORY');
    const bare = new QueueEngine();
    const r = bare.execute({ type: 'ticket:issue', categoryId: 'A', source: 'kiosk' }, T0);
    expect(r.ok ? 'accepted' : r.error.code).toBe('NOT_CONFIGURED');
  });
});

describe('identity and priority classes', () => {
  it('Q-PRI-1 gives the senior class from the ID birth date at the threshold age', () => {
    const h = new Hall();
    const sixty = h.issue('A', { idNumber: idBornOn('19661126') });
    const fiftyNine = h.issue('A', { idNumber: idBornOn('19661127') });
    expect(h.engine.ticket(sixty)?.priorityClass).toBe('senior');
    expect(h.engine.ticket(fiftyNine)?.priorityClass).toBe('regular');
  });

  it('Q-PRI-1 follows the hall setting for the senior age', () => {
    const h = new Hall({ seniorAge: 65 });
    const sixtyFour = h.issue('A', { idNumber: idBornOn('19620101') });
    expect(h.engine.ticket(sixtyFour)?.priorityClass).toBe('regular');
  });

  it('Q-PRI-1 refuses an invalid ID number and issues nothing', () => {
    const h = new Hall();
    const bad = `${idBornOn('19800101').slice(0, 17)}0`;
    const valid = idBornOn('19800101');
    expect(bad).not.toBe(valid);
    expect(h.errorCode({ type: 'ticket:issue', categoryId: 'A', source: 'kiosk', idNumber: bad })).toBe(
      'INVALID_ID_NUMBER',
    );
    expect(h.issue('A')).toBe('20261126-A001');
  });

  it('Q-PRI-2 needs who and why for staff-decided classes', () => {
    const h = new Hall();
    for (const priorityClass of ['military', 'disability', 'appointment', 'senior'] as const) {
      expect(h.errorCode({ type: 'ticket:issue', categoryId: 'A', source: 'guide', priorityClass })).toBe(
        'REASON_REQUIRED',
      );
    }
    const id = h.issue('A', { priorityClass: 'military', by: 'guide1', reason: '军人证已核验' });
    expect(h.engine.ticket(id)?.priorityClass).toBe('military');
  });

  it('Q-PRI-3 stores only the masked ID number and the birth date', () => {
    const h = new Hall();
    const idNumber = idBornOn('19491231');
    const id = h.issue('A', { idNumber, holderRef: 'ref-1' });
    const holder = h.engine.ticket(id)?.holder;
    expect(holder).toEqual({
      masked: `110***********${idNumber.slice(-4)}`,
      senior: true,
      ref: 'ref-1',
    });
    expect(JSON.stringify(h.log)).not.toContain(idNumber);
  });
});

describe('order', () => {
  it('Q-ORD-1 a senior goes ahead of regulars who arrived within the bonus, not earlier ones', () => {
    const h = new Hall({ bonusSeconds: { ...DEFAULT_SETTINGS.bonusSeconds, senior: 600 } });
    const early = h.issue('A');
    h.tick(11 * MIN);
    const mid = h.issue('A');
    h.tick(1 * MIN);
    const senior = h.issue('A', { idNumber: idBornOn('19500101') });
    // senior key = t0+12min-10min = t0+2min: after `early` (t0), before `mid` (t0+11min).
    expect([h.callNext('w1'), h.callNext('w2')]).toEqual([early, senior]);
    h.ok({ type: 'ticket:start', windowId: 'w1' });
    h.ok({ type: 'ticket:finish', windowId: 'w1', outcome: 'completed' });
    expect(h.callNext('w1')).toBe(mid);
  });

  it('Q-ORD-1 equal keys go by issue order', () => {
    const h = new Hall();
    const a = h.issue('A');
    const b = h.issue('A');
    expect([h.callNext('w1'), h.callNext('w2')]).toEqual([a, b]);
  });

  it('Q-ORD-4 interleave: priority first, but at most k in a row while a regular waits beyond T', () => {
    const h = new Hall({ policy: { kind: 'interleave', maxPriorityInRow: 2, regularWaitSeconds: 300 } });
    const regular = h.issue('A');
    const seniors = [1, 2, 3, 4].map((i) => h.issue('A', { idNumber: idBornOn('19500101', `00${i}`) }));
    // The regular has not waited 5 minutes: priority tickets keep going first.
    expect(h.serveNext('w1')).toBe(seniors[0]);
    expect(h.serveNext('w1')).toBe(seniors[1]);
    expect(h.serveNext('w1')).toBe(seniors[2]);
    h.tick(6 * MIN);
    // Three priority calls in a row (≥ 2) and the regular waited 6 min > 5: the regular goes.
    expect(h.serveNext('w1')).toBe(regular);
    expect(h.serveNext('w1')).toBe(seniors[3]);
  });

  it('Q-ORD-4 interleave: a priority ticket that arrives later still beats a fresh regular', () => {
    const h = new Hall({ policy: { kind: 'interleave', maxPriorityInRow: 1, regularWaitSeconds: 600 } });
    const regular = h.issue('A');
    h.tick(2 * MIN);
    const military = h.issue('A', { priorityClass: 'military', by: 'g', reason: '证件已核验' });
    expect(h.serveNext('w1')).toBe(military);
    expect(h.serveNext('w1')).toBe(regular);
  });

  it('Q-ORD-7 tail guard: a senior passes regulars who have waited less than twice as long, not the longest waits', () => {
    const h = new Hall({ policy: { kind: 'tail-guard', sharePercent: 50, maxBonusSeconds: 1800 } });
    const long = h.issue('A');
    h.tick(8 * MIN);
    const fresh = h.issue('A');
    h.tick(2 * MIN);
    const senior = h.issue('A', { idNumber: idBornOn('19500101') });
    h.tick(3 * MIN);
    // Under virtual arrival (15 min bonus) the senior would go before both. Here long waited
    // 13 min ≥ 2 × 3 min: protected; fresh (5 min < 2 × 3 min) is passed.
    expect(h.serveNext('w1')).toBe(long);
    expect(h.serveNext('w1')).toBe(senior);
    expect(h.serveNext('w1')).toBe(fresh);
  });

  it('Q-ORD-7 tail guard: never passes a regular who arrived more than the bound earlier', () => {
    const h = new Hall({ policy: { kind: 'tail-guard', sharePercent: 10, maxBonusSeconds: 300 } });
    const regular = h.issue('A');
    h.tick(6 * MIN);
    const senior = h.issue('A', { idNumber: idBornOn('19500101') });
    h.tick(30 * MIN);
    // 36 min × 10 % < 30 min: the share alone would let the senior pass, the 5-minute bound does not.
    expect(h.serveNext('w1')).toBe(regular);
    expect(h.serveNext('w1')).toBe(senior);
  });

  it('Q-ORD-5 a settings change keeps the keys of tickets already waiting', () => {
    const h = new Hall();
    const senior = h.issue('A', { idNumber: idBornOn('19500101') });
    const before = h.engine.ticket(senior)!.orderKey;
    const config = hallConfig({ bonusSeconds: { ...DEFAULT_SETTINGS.bonusSeconds, senior: 0 } });
    h.ok({ type: 'hall:configure', config, by: 'admin' });
    expect(h.engine.ticket(senior)!.orderKey).toBe(before);
  });
});

describe('eligibility and calling', () => {
  it('Q-ELG-1 a window calls only from its categories, its post and its pins', () => {
    const h = new Hall();
    const b = h.issue('B');
    expect(h.errorCode({ type: 'ticket:call-next', windowId: 'w1' })).toBe('QUEUE_EMPTY');
    expect(h.callNext('w4')).toBe(b);
    const c = h.issue('C');
    h.ok({ type: 'ticket:transfer', ticketId: c, to: { windowId: 'w2' }, by: 'g', note: '指定窗口' });
    expect(h.errorCode({ type: 'ticket:call-next', windowId: 'w3' })).toBe('QUEUE_EMPTY');
    expect(h.callNext('w2')).toBe(c);
  });

  it('Q-ELG-1 a ticket transferred to a post is served by that post whatever its category', () => {
    const h = new Hall();
    const a = h.issue('A');
    h.ok({ type: 'ticket:transfer', ticketId: a, to: { post: 'rights' }, by: 'clerk-w1', note: '转权益' });
    expect(h.errorCode({ type: 'ticket:call-next', windowId: 'w1' })).toBe('QUEUE_EMPTY');
    expect(h.callNext('w3')).toBe(a);
  });

  it('Q-ELG-2 a window holds one ticket; a ticket goes to one window', () => {
    const h = new Hall();
    const a = h.issue('A');
    h.issue('A');
    expect(h.callNext('w1')).toBe(a);
    h.ok({ type: 'ticket:start', windowId: 'w1' });
    expect(h.errorCode({ type: 'ticket:call-next', windowId: 'w1' })).toBe('WINDOW_BUSY');
    expect(h.callNext('w2')).not.toBe(a);
  });

  it('Q-CALL-1 paused and closed windows do not call; a pause needs a reason', () => {
    const h = new Hall();
    h.issue('A');
    expect(h.errorCode({ type: 'window:pause', windowId: 'w1', reason: '  ' })).toBe('REASON_REQUIRED');
    expect(h.errorCode({ type: 'window:pause', windowId: 'w1', reason: '张三来电 13812345678' })).toBe(
      'REASON_REQUIRED',
    );
    h.ok({ type: 'window:pause', windowId: 'w1', reason: 'system' });
    expect(h.engine.window('w1')?.pauseReason).toBe('system');
    expect(h.errorCode({ type: 'ticket:call-next', windowId: 'w1' })).toBe('WINDOW_PAUSED');
    h.ok({ type: 'window:resume', windowId: 'w1' });
    h.ok({ type: 'window:close', windowId: 'w2' });
    expect(h.errorCode({ type: 'ticket:call-next', windowId: 'w2' })).toBe('WINDOW_CLOSED');
    expect(h.callNext('w1')).toBe('20261126-A001');
  });

  it('Q-CALL-2 a called ticket with calls left blocks call-next', () => {
    const h = new Hall();
    h.issue('A');
    h.issue('A');
    h.callNext('w1');
    expect(h.errorCode({ type: 'ticket:call-next', windowId: 'w1' })).toBe('WINDOW_BUSY');
  });

  it('Q-CALL-3 an empty queue changes nothing', () => {
    const h = new Hall();
    const seq = h.engine.lastSeq;
    expect(h.errorCode({ type: 'ticket:call-next', windowId: 'w1' })).toBe('QUEUE_EMPTY');
    expect(h.engine.lastSeq).toBe(seq);
  });
});

describe('no-shows', () => {
  it('Q-NS-1 allows maxRecalls recalls, then refuses', () => {
    const h = new Hall({ maxRecalls: 2 });
    h.issue('A');
    h.callNext('w1');
    h.ok({ type: 'ticket:recall', windowId: 'w1' });
    h.ok({ type: 'ticket:recall', windowId: 'w1' });
    expect(h.errorCode({ type: 'ticket:recall', windowId: 'w1' })).toBe('RECALL_LIMIT');
    expect(h.engine.ticket('20261126-A001')?.callCount).toBe(3);
  });

  it('Q-NS-2 no-show only after every call; call-next then marks it and moves on', () => {
    const h = new Hall({ maxRecalls: 1 });
    const a = h.issue('A');
    const b = h.issue('A');
    h.callNext('w1');
    expect(h.errorCode({ type: 'ticket:no-show', windowId: 'w1' })).toBe('CALLS_NOT_EXHAUSTED');
    h.ok({ type: 'ticket:recall', windowId: 'w1' });
    expect(h.callNext('w1')).toBe(b);
    expect(h.engine.ticket(a)?.status).toBe('no-show');
    expect(h.engine.ticket(a)?.misses).toBe(1);
  });

  it('Q-NS-3 reinstates at most maxReinstates times', () => {
    const h = new Hall({ maxRecalls: 0, maxReinstates: 1 });
    const a = h.issue('A');
    h.callNext('w1');
    h.ok({ type: 'ticket:no-show', windowId: 'w1' });
    h.ok({ type: 'ticket:reinstate', ticketId: a, by: 'guide1' });
    expect(h.callNext('w1')).toBe(a);
    h.ok({ type: 'ticket:no-show', windowId: 'w1' });
    expect(h.errorCode({ type: 'ticket:reinstate', ticketId: a, by: 'guide1' })).toBe('TOO_MANY_MISSES');
  });

  it('Q-NS-4 puts a reinstated ticket exactly N places behind the head', () => {
    for (const places of [0, 1, 3, 5]) {
      const h = new Hall({ maxRecalls: 0, reinstatePlaces: places });
      const missed = h.issue('A');
      h.callNext('w1');
      h.ok({ type: 'ticket:no-show', windowId: 'w1' });
      const others = Array.from({ length: 8 }, (_, i) => {
        h.tick(MIN);
        return h.issue('A', { idNumber: i % 3 === 1 ? idBornOn('19500101', `00${i}`) : null });
      });
      h.ok({ type: 'ticket:reinstate', ticketId: missed, by: 'guide1' });
      const order = h.engine.waitingInOrder().map((t) => t.id);
      expect(order.indexOf(missed)).toBe(places);
      expect(order).toHaveLength(others.length + 1);
    }
  });

  it('Q-NS-4 goes to the end when fewer than N wait', () => {
    const h = new Hall({ maxRecalls: 0, reinstatePlaces: 3 });
    const missed = h.issue('A');
    const other = h.issue('A');
    h.callNext('w1');
    h.ok({ type: 'ticket:no-show', windowId: 'w1' });
    h.tick(MIN);
    h.ok({ type: 'ticket:reinstate', ticketId: missed, by: 'guide1' });
    h.tick(MIN);
    const later = h.issue('A');
    expect(h.engine.waitingInOrder().map((t) => t.id)).toEqual([other, missed, later]);
  });

  it('Q-NS-4 places between equal keys by tie-break', () => {
    const h = new Hall({ maxRecalls: 0, reinstatePlaces: 1 });
    const missed = h.issue('A');
    h.callNext('w1');
    h.ok({ type: 'ticket:no-show', windowId: 'w1' });
    const same = [h.issue('A'), h.issue('A'), h.issue('A')];
    h.ok({ type: 'ticket:reinstate', ticketId: missed, by: 'guide1' });
    expect(h.engine.waitingInOrder().map((t) => t.id)).toEqual([same[0], missed, same[1], same[2]]);
  });
});

describe('transfers, parking, cancelling, finishing', () => {
  it('Q-TRF-1 a transferred serving ticket keeps its place in line', () => {
    const h = new Hall();
    const a = h.issue('A');
    h.tick(MIN);
    const c = h.issue('C');
    h.callNext('w1');
    h.ok({ type: 'ticket:start', windowId: 'w1' });
    h.ok({ type: 'ticket:transfer', ticketId: a, to: { categoryId: 'C' }, by: 'clerk-w1', note: '出件' });
    expect(h.engine.window('w1')?.ticketId).toBeNull();
    expect(h.engine.ticket(a)?.arrivedAt).toBe(T0);
    expect(h.callNext('w3')).toBe(a);
    expect(h.engine.waitingInOrder().map((t) => t.id)).toEqual([c]);
    expect(
      h.errorCode({ type: 'ticket:transfer', ticketId: c, to: { post: 'rights' }, by: 'x', note: '' }),
    ).toBe('REASON_REQUIRED');
  });

  it('Q-PARK-1 parks a serving ticket and resumes it at a free window', () => {
    const h = new Hall();
    const a = h.issue('A');
    const b = h.issue('A');
    h.callNext('w1');
    h.ok({ type: 'ticket:start', windowId: 'w1' });
    h.ok({ type: 'ticket:park', windowId: 'w1', note: '回去取户口本' });
    expect(h.callNext('w1')).toBe(b);
    expect(h.errorCode({ type: 'ticket:resume', ticketId: a, windowId: 'w1' })).toBe('WINDOW_BUSY');
    h.ok({ type: 'ticket:resume', ticketId: a, windowId: 'w2' });
    expect(h.engine.ticket(a)?.status).toBe('serving');
    expect(h.engine.window('w2')?.ticketId).toBe(a);
  });

  it('Q-CAN-1 cancels live tickets with who and why, never a serving one', () => {
    const h = new Hall();
    const a = h.issue('A');
    const b = h.issue('A');
    expect(h.errorCode({ type: 'ticket:cancel', ticketId: a, by: 'g', reason: '' })).toBe('REASON_REQUIRED');
    h.ok({ type: 'ticket:cancel', ticketId: a, by: 'g', reason: '群众离开' });
    expect(h.engine.ticket(a)?.status).toBe('cancelled');
    expect(h.callNext('w1')).toBe(b);
    h.ok({ type: 'ticket:start', windowId: 'w1' });
    expect(h.errorCode({ type: 'ticket:cancel', ticketId: b, by: 'g', reason: 'x' })).toBe(
      'BAD_TICKET_STATE',
    );
  });

  it('Q-FIN-1 finishes a serving ticket with its outcome and frees the window', () => {
    const h = new Hall();
    const a = h.issue('A');
    h.callNext('w1');
    expect(h.errorCode({ type: 'ticket:finish', windowId: 'w1', outcome: 'completed' })).toBe('NOT_SERVING');
    h.ok({ type: 'ticket:start', windowId: 'w1' });
    h.ok({ type: 'ticket:finish', windowId: 'w1', outcome: 'accepted' });
    expect(h.engine.ticket(a)).toMatchObject({ status: 'done', outcome: 'accepted', windowId: 'w1' });
    expect(h.engine.window('w1')?.ticketId).toBeNull();
  });
});

describe('guide overrides', () => {
  it('Q-OVR-1 front-moved tickets go first, in the order they were moved', () => {
    const h = new Hall();
    const [a, b, c] = [h.issue('A'), h.issue('A'), h.issue('A')];
    h.tick(MIN);
    h.ok({ type: 'ticket:override', ticketId: c!, action: { kind: 'front' }, by: 'g', reason: '身体不适' });
    h.tick(MIN);
    h.ok({ type: 'ticket:override', ticketId: b!, action: { kind: 'front' }, by: 'g', reason: '孕妇' });
    expect([h.callNext('w1'), h.callNext('w2'), h.callNext('w4')]).toEqual([c, b, a]);
  });

  it('Q-OVR-1 pins to a window and changes class, each with who and why', () => {
    const h = new Hall();
    const a = h.issue('A');
    h.tick(5 * MIN);
    const b = h.issue('A');
    expect(
      h.errorCode({ type: 'ticket:override', ticketId: b, action: { kind: 'front' }, by: 'g', reason: ' ' }),
    ).toBe('REASON_REQUIRED');
    h.ok({
      type: 'ticket:override',
      ticketId: b,
      action: { kind: 'class', priorityClass: 'disability' },
      by: 'g',
      reason: '-',
    });
    expect(h.engine.ticket(b)?.orderKey).toBe(T0 + 5 * MIN - DEFAULT_SETTINGS.bonusSeconds.disability * 1000);
    h.ok({
      type: 'ticket:override',
      ticketId: a,
      action: { kind: 'pin', windowId: 'w2' },
      by: 'g',
      reason: '老熟人',
    });
    expect(h.callNext('w1')).toBe(b);
    expect(h.errorCode({ type: 'ticket:call-next', windowId: 'w1' })).toBe('WINDOW_BUSY');
    expect(h.callNext('w2')).toBe(a);
  });
});

describe('business day', () => {
  it('Q-DAY-1 settles live tickets, closes windows and refuses numbers until tomorrow', () => {
    const h = new Hall();
    const a = h.issue('A');
    h.issue('A');
    h.callNext('w1');
    const [closed] = h.ok({ type: 'day:close', by: 'manager', reason: '日终' });
    expect(closed?.type === 'day:closed' && closed.settledTicketIds).toEqual([a, '20261126-A002']);
    expect(h.engine.waitingCount()).toBe(0);
    expect(h.engine.window('w1')).toMatchObject({ state: 'closed', ticketId: null });
    expect(h.errorCode({ type: 'ticket:issue', categoryId: 'A', source: 'kiosk' })).toBe('DAY_CLOSED');
    expect(h.errorCode({ type: 'day:close', by: 'manager', reason: '日终' })).toBe('DAY_CLOSED');
    h.tick(24 * 60 * MIN);
    expect(h.issue('A')).toBe('20261127-A001');
  });
});

describe("KSK-4 a holder's live ticket", () => {
  it('is found by holder reference and category in the live engine, a replay and a snapshot, and no longer once settled', () => {
    const h = new Hall();
    const id = idBornOn('19800101');
    const a = h.issue('A', { idNumber: id, holderRef: 'ref-1' });
    const b = h.issue('B', { idNumber: id, holderRef: 'ref-1' });
    h.issue('A', { idNumber: idBornOn('19800102'), holderRef: 'ref-2' });
    for (const e of [
      h.engine,
      QueueEngine.fromEvents(h.log),
      QueueEngine.fromSnapshot(h.engine.snapshot()),
    ]) {
      expect(e.liveTicketOf('ref-1', 'A')?.id).toBe(a);
      expect(e.liveTicketOf('ref-1', 'B')?.id).toBe(b);
      expect(e.liveTicketOf('ref-1', 'C')).toBeUndefined();
      expect(e.liveTicketOf('ref-3', 'A')).toBeUndefined();
    }
    h.ok({ type: 'ticket:cancel', ticketId: a, by: 'guide1', reason: '离开' });
    expect(h.engine.liveTicketOf('ref-1', 'A')).toBeUndefined();
    h.ok({ type: 'day:close', by: 'manager', reason: '日终' });
    h.tick(24 * 60 * MIN);
    expect(h.engine.liveTicketOf('ref-1', 'B')).toBeUndefined();
    const next = h.issue('B', { idNumber: id, holderRef: 'ref-1' });
    expect(h.engine.liveTicketOf('ref-1', 'B')?.id).toBe(next);
  });
});

describe('configuration', () => {
  it('refuses bad configurations with the exact problem', () => {
    const h = new Hall();
    const dupPrefix = hallConfig();
    dupPrefix.categories[1]!.prefix = 'A';
    const r = h.run({ type: 'hall:configure', config: dupPrefix, by: 'admin' });
    expect(r.ok ? '' : r.error.message).toMatch(/prefix "A" is used twice/);
    const badWindow = hallConfig();
    badWindow.windows[0]!.categoryIds = ['Q'];
    expect(h.errorCode({ type: 'hall:configure', config: badWindow, by: 'admin' })).toBe('INVALID_CONFIG');
    const badBonus = hallConfig({ bonusSeconds: { ...DEFAULT_SETTINGS.bonusSeconds, senior: -1 } });
    expect(h.errorCode({ type: 'hall:configure', config: badBonus, by: 'admin' })).toBe('INVALID_CONFIG');
    const badShare = hallConfig({ policy: { kind: 'tail-guard', sharePercent: 150, maxBonusSeconds: 600 } });
    const r2 = h.run({ type: 'hall:configure', config: badShare, by: 'admin' });
    expect(r2.ok ? '' : r2.error.message).toBe('settings.policy.sharePercent must be a whole number 0–100');
  });

  it('refuses to remove a window that holds a ticket', () => {
    const h = new Hall();
    h.issue('A');
    h.callNext('w1');
    const fewer = hallConfig();
    fewer.windows = fewer.windows.filter((w) => w.id !== 'w1');
    expect(h.errorCode({ type: 'hall:configure', config: fewer, by: 'admin' })).toBe('INVALID_CONFIG');
  });
});

describe('log', () => {
  it('Q-LOG-1 facts have consecutive seqs and a refusal writes none', () => {
    const h = new Hall();
    h.issue('A');
    h.errorCode({ type: 'ticket:issue', categoryId: 'Z', source: 'kiosk' });
    h.issue('A');
    expect(h.log.map((e) => e.seq)).toEqual(h.log.map((_, i) => i + 1));
  });

  it('Q-LOG-2 replaying the log and loading the snapshot both give the live state', () => {
    const h = new Hall();
    h.issue('A', { idNumber: idBornOn('19500101') });
    h.issue('B');
    h.callNext('w1');
    h.ok({ type: 'ticket:recall', windowId: 'w1' });
    const live = h.engine.snapshot();
    expect(QueueEngine.fromEvents(h.log).snapshot()).toEqual(live);
    expect(QueueEngine.fromSnapshot(live).snapshot()).toEqual(live);
  });
});

describe('closing a past day', () => {
  it('Q-DAY-2 closing a day left open overnight settles only that day and keeps today going', () => {
    const h = new Hall();
    const old = h.issue('A');
    h.callNext('w1');
    h.tick(24 * 60 * MIN);
    const today = h.issue('A');
    const [ev] = h.ok({ type: 'day:close', by: 'system', reason: '跨日未结清', businessDay: '2026-11-26' });
    expect(ev?.type === 'day:closed' && ev.settledTicketIds).toEqual([old]);
    expect(h.engine.ticket(old)).toBeUndefined();
    expect(h.engine.ticket(today)?.status).toBe('waiting');
    expect(h.engine.window('w1')).toMatchObject({ state: 'open', ticketId: null });
    expect(h.issue('A')).toBe('20261127-A002');
    expect(h.errorCode({ type: 'day:close', by: 's', reason: 'x', businessDay: '2026-11-28' })).toBe(
      'DAY_CLOSED',
    );
    expect(QueueEngine.fromEvents(h.log).snapshot()).toEqual(h.engine.snapshot());
  });
});

describe('ratings', () => {
  const rate = (ticketId: string, level: number, reasons: string[] = [], channel: 'pad' | 'keypad' = 'pad') =>
    ({ type: 'ticket:rate', ticketId, level, reasons, channel }) as const;

  it('RAT-1 only a finished ticket is rated, and at most once; a closed day is gone', () => {
    const h = new Hall();
    const [done, called, serving, parked, waiting] = [1, 2, 3, 4, 5].map(() => h.issue('A'));
    expect(h.serveNext('w1')).toBe(done);
    expect(h.callNext('w2')).toBe(called);
    expect(h.callNext('w4')).toBe(serving);
    h.ok({ type: 'ticket:start', windowId: 'w4' });
    expect(h.callNext('w1')).toBe(parked);
    h.ok({ type: 'ticket:start', windowId: 'w1' });
    h.ok({ type: 'ticket:park', windowId: 'w1', note: '复印身份证' });
    const noShow = h.issue('C');
    expect(h.callNext('w3')).toBe(noShow);
    h.ok({ type: 'ticket:recall', windowId: 'w3' });
    h.ok({ type: 'ticket:recall', windowId: 'w3' });
    h.ok({ type: 'ticket:no-show', windowId: 'w3' });
    const cancelled = h.issue('B');
    h.ok({ type: 'ticket:cancel', ticketId: cancelled, by: 'guide1', reason: '群众离开' });

    const before = h.engine.snapshot();
    const notFinished = [waiting!, called!, serving!, parked!, noShow, cancelled];
    expect(notFinished.map((id) => h.engine.ticket(id)?.status)).toEqual([
      'waiting',
      'called',
      'serving',
      'parked',
      'no-show',
      'cancelled',
    ]);
    for (const id of notFinished)
      expect(h.errorCode(rate(id, 5)), h.engine.ticket(id)?.status).toBe('BAD_TICKET_STATE');
    expect(h.errorCode(rate('20261126-A999', 5))).toBe('UNKNOWN_TICKET');
    // Q-LOG-1: refusals change nothing.
    expect(h.engine.snapshot()).toEqual(before);

    const [ev] = h.ok(rate(done!, 4));
    expect(ev).toMatchObject({ type: 'ticket:rated', ticketId: done, level: 4, reasons: [], channel: 'pad' });
    expect(h.errorCode(rate(done!, 4))).toBe('ALREADY_RATED');
    expect(h.errorCode(rate(done!, 1, ['attitude'], 'keypad'))).toBe('ALREADY_RATED');
    expect(h.engine.ticket(done!)?.rating).toEqual({ level: 4, reasons: [], channel: 'pad', at: h.now });
    // After the day close the day's tickets leave the queue: nothing is rated any more.
    h.ok({ type: 'day:close', by: 'manager', reason: '日终' });
    expect(h.errorCode(rate(done!, 1))).toBe('UNKNOWN_TICKET');
  });

  it('RAT-1 five levels, 5 非常满意 … 1 非常不满意; anything else is INVALID_RATING', () => {
    const h = new Hall();
    const ids = [1, 2, 3, 4, 5, 6].map(() => {
      h.issue('A');
      return h.serveNext('w1');
    });
    const before = h.engine.snapshot();
    for (const level of [0, 6, -1, 2.5, Number.NaN, 10])
      expect(h.errorCode(rate(ids[0]!, level)), String(level)).toBe('INVALID_RATING');
    expect(h.engine.snapshot()).toEqual(before);
    for (const level of [5, 4, 3, 2, 1]) {
      const id = ids[level]!;
      h.ok(rate(id, level));
      expect(h.engine.ticket(id)?.rating?.level).toBe(level);
    }
  });

  it('RAT-1 reasons only from the list (attitude, efficiency, competence, waiting, other), deduplicated', () => {
    const h = new Hall();
    h.issue('A');
    h.issue('A');
    h.issue('A');
    const [a, b, c] = [h.serveNext('w1'), h.serveNext('w1'), h.serveNext('w1')];
    expect(h.errorCode(rate(a, 1, ['attitude', 'rude']))).toBe('INVALID_RATING');
    expect(h.errorCode(rate(a, 1, ['服务态度']))).toBe('INVALID_RATING');
    expect(h.errorCode(rate(a, 1, ['']))).toBe('INVALID_RATING');
    expect(h.engine.ticket(a)?.rating).toBeNull();
    const [ev] = h.ok(rate(a, 1, ['waiting', 'attitude', 'waiting', 'attitude', 'waiting']));
    expect(ev?.type === 'ticket:rated' && ev.reasons).toEqual(['waiting', 'attitude']);
    expect(h.engine.ticket(a)?.rating?.reasons).toEqual(['waiting', 'attitude']);
    h.ok(rate(b, 2, ['attitude', 'efficiency', 'competence', 'waiting', 'other']));
    expect(h.engine.ticket(b)?.rating?.reasons).toHaveLength(5);
    // A good rating needs no reason; an unknown channel is refused.
    expect(
      h.errorCode({ type: 'ticket:rate', ticketId: c, level: 5, reasons: [], channel: 'fax' as 'pad' }),
    ).toBe('INVALID_RATING');
    h.ok(rate(c, 5, [], 'keypad'));
    expect(h.engine.ticket(c)?.rating).toMatchObject({ level: 5, reasons: [], channel: 'keypad' });
  });

  it('RAT-3 the rating names the window and the clerk who served, even after that clerk signs off', () => {
    const h = new Hall();
    const id = h.issue('A');
    h.serveNext('w1');
    expect(h.engine.ticket(id)?.servedBy).toBe('clerk-w1');
    // The clerk signs off and another signs on at the same window before the citizen rates.
    h.ok({ type: 'window:close', windowId: 'w1' });
    h.ok({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-late' });
    const [ev] = h.ok(rate(id, 1, ['attitude']));
    expect(ev).toMatchObject({
      type: 'ticket:rated',
      ticketId: id,
      windowId: 'w1',
      servedBy: 'clerk-w1',
      level: 1,
      reasons: ['attitude'],
    });
  });

  it('RAT-3 parked and resumed, or transferred, the ticket is rated for the window and clerk that finished it', () => {
    const h = new Hall();
    const parked = h.issue('A');
    const moved = h.issue('A');
    expect(h.callNext('w1')).toBe(parked);
    h.ok({ type: 'ticket:start', windowId: 'w1' });
    h.ok({ type: 'ticket:park', windowId: 'w1', note: '回去取户口本' });
    h.ok({ type: 'ticket:resume', ticketId: parked, windowId: 'w2' });
    expect(h.engine.ticket(parked)?.servedBy).toBe('clerk-w2');
    h.ok({ type: 'ticket:finish', windowId: 'w2', outcome: 'completed' });

    expect(h.callNext('w1')).toBe(moved);
    h.ok({ type: 'ticket:start', windowId: 'w1' });
    h.ok({
      type: 'ticket:transfer',
      ticketId: moved,
      to: { categoryId: 'B' },
      by: 'clerk-w1',
      note: '单位业务',
    });
    expect(h.callNext('w4')).toBe(moved);
    h.ok({ type: 'ticket:start', windowId: 'w4' });
    h.ok({ type: 'ticket:finish', windowId: 'w4', outcome: 'accepted' });

    expect(h.ok(rate(parked, 3))[0]).toMatchObject({ windowId: 'w2', servedBy: 'clerk-w2' });
    expect(h.ok(rate(moved, 5))[0]).toMatchObject({ windowId: 'w4', servedBy: 'clerk-w4' });
  });

  it('RAT-3 Q-LOG-2 ratings and who served survive replay and loading the snapshot', () => {
    const h = new Hall();
    const a = h.issue('A', { itemCode: '0101' });
    const b = h.issue('A');
    h.serveNext('w1');
    h.serveNext('w2');
    h.tick(MIN);
    h.ok(rate(a, 2, ['waiting', 'waiting', 'efficiency'], 'keypad'));
    h.ok({ type: 'window:close', windowId: 'w1' });
    const live = h.engine.snapshot();
    expect(live.tickets.find((t) => t.id === a)).toMatchObject({
      itemCode: '0101',
      windowId: 'w1',
      servedBy: 'clerk-w1',
      rating: { level: 2, reasons: ['waiting', 'efficiency'], channel: 'keypad', at: T0 + MIN },
    });
    expect(live.tickets.find((t) => t.id === b)).toMatchObject({ servedBy: 'clerk-w2', rating: null });
    const replayed = QueueEngine.fromEvents(h.log);
    expect(replayed.snapshot()).toEqual(live);
    const loaded = QueueEngine.fromSnapshot(live);
    expect(loaded.snapshot()).toEqual(live);
    // The replayed hall still refuses a second rating and accepts the first for b.
    for (const e of [replayed, loaded]) {
      const again = e.decide(rate(a, 5), h.now);
      expect(again.ok ? 'accepted' : again.error.code).toBe('ALREADY_RATED');
      const first = e.decide(rate(b, 5), h.now);
      expect(first.ok && first.events[0]).toMatchObject({ windowId: 'w2', servedBy: 'clerk-w2' });
    }
  });
});

describe('online tickets (MOB-Q-*)', () => {
  const online = (h: Hall, cat = 'A', ref = 'ref-1'): string =>
    h.issue(cat, { source: 'online', holder: { masked: '', senior: false, ref } });

  it('MOB-Q-2 an unconfirmed online ticket keeps its place but is never called; confirmed, it is called in place', () => {
    const h = new Hall({ online: { confirmMinutes: 30, aheadNotice: 3, ratingDays: 7 } });
    const o = online(h);
    h.tick(MIN);
    const k = h.issue('A');
    expect(h.engine.ticket(o)).toMatchObject({
      status: 'waiting',
      source: 'online',
      confirmBy: T0 + 30 * MIN,
    });
    // Not callable: the kiosk ticket that came later is called first, and then the queue is empty.
    expect(h.callNext('w1')).toBe(k);
    expect(h.errorCode({ type: 'ticket:call-next', windowId: 'w2' })).toBe('QUEUE_EMPTY');
    expect(h.engine.waitingCount()).toBe(0);
    // Confirmed: it is callable with the key it had from the start (it goes before a later kiosk ticket).
    h.tick(MIN);
    const later = h.issue('A');
    h.ok({ type: 'ticket:confirm', ticketId: o, by: 'device:kiosk-1' });
    expect(h.engine.ticket(o)?.confirmBy).toBeUndefined();
    expect(h.engine.ticket(o)?.orderKey).toBe(T0);
    expect(h.callNext('w2')).toBe(o);
    expect(h.callNext('w4')).toBe(later);
  });

  it('MOB-Q-2 confirming twice, a kiosk ticket, or after the deadline is BAD_TICKET_STATE', () => {
    const h = new Hall();
    const o = online(h);
    const k = h.issue('A');
    expect(h.errorCode({ type: 'ticket:confirm', ticketId: k, by: 'g' })).toBe('BAD_TICKET_STATE');
    expect(h.errorCode({ type: 'ticket:confirm', ticketId: o, by: '' })).toBe('REASON_REQUIRED');
    h.ok({ type: 'ticket:confirm', ticketId: o, by: 'g' });
    expect(h.errorCode({ type: 'ticket:confirm', ticketId: o, by: 'g' })).toBe('BAD_TICKET_STATE');
    const late = online(h, 'A', 'ref-2');
    h.tick(60 * MIN); // DEFAULT_ONLINE.confirmMinutes
    expect(h.errorCode({ type: 'ticket:confirm', ticketId: late, by: 'g' })).toBe('BAD_TICKET_STATE');
  });

  it('MOB-Q-3 an unconfirmed ticket lapses only at its deadline, as a cancellation by the system', () => {
    const h = new Hall({ online: { confirmMinutes: 20, aheadNotice: 3, ratingDays: 7 } });
    const o = online(h);
    expect(h.engine.awaitingConfirmation().map((t) => t.id)).toEqual([o]);
    h.tick(20 * MIN - 1);
    expect(h.errorCode({ type: 'ticket:lapse', ticketId: o })).toBe('BAD_TICKET_STATE');
    h.tick(1);
    const [ev] = h.ok({ type: 'ticket:lapse', ticketId: o });
    expect(ev).toMatchObject({ type: 'ticket:cancelled', ticketId: o, by: 'system' });
    expect(h.engine.ticket(o)?.status).toBe('cancelled');
    expect(h.engine.awaitingConfirmation()).toEqual([]);
    expect(h.errorCode({ type: 'ticket:lapse', ticketId: o })).toBe('BAD_TICKET_STATE');
    // A confirmed ticket never lapses.
    const c = online(h, 'A', 'ref-3');
    h.ok({ type: 'ticket:confirm', ticketId: c, by: 'g' });
    h.tick(60 * MIN);
    expect(h.errorCode({ type: 'ticket:lapse', ticketId: c })).toBe('BAD_TICKET_STATE');
  });

  it('MOB-Q-4 Q-LOG-2 an unconfirmed ticket survives replay and loading outside the heaps; the day close settles it', () => {
    const h = new Hall();
    const o = online(h);
    const c = online(h, 'A', 'ref-2');
    h.ok({ type: 'ticket:confirm', ticketId: c, by: 'g' });
    const live = h.engine.snapshot();
    for (const e of [QueueEngine.fromEvents(h.log), QueueEngine.fromSnapshot(live)]) {
      expect(e.snapshot()).toEqual(live);
      expect(e.peekNext('w1', h.now)?.id).toBe(c);
      expect(e.waitingCount()).toBe(1);
    }
    expect(h.engine.liveTicketOf('ref-1', 'A')?.id).toBe(o);
    const [closed] = h.ok({ type: 'day:close', by: 'm', reason: '日终' });
    expect(closed?.type === 'day:closed' && closed.settledTicketIds).toEqual([o, c]);
  });

  it('MOB-RATE-3 a rating fact for a ticket whose day has closed folds without the ticket in memory', () => {
    const h = new Hall();
    const a = h.issue('A');
    h.serveNext('w1');
    h.ok({ type: 'day:close', by: 'm', reason: '日终' });
    const e = QueueEngine.fromEvents([
      ...h.log,
      {
        type: 'ticket:rated',
        ticketId: a,
        windowId: 'w1',
        servedBy: 'clerk-w1',
        level: 1,
        reasons: [],
        channel: 'online',
        seq: h.engine.lastSeq + 1,
        at: h.now,
      },
    ]);
    expect(e.lastSeq).toBe(h.engine.lastSeq + 1);
    expect(e.ticket(a)).toBeUndefined();
  });
});
