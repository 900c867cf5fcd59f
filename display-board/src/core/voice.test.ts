import type { CallNotice } from '@onewindow/shared/public-view.ts';
import { describe, expect, it } from 'vitest';
import { callSentence, missedCalls, VoiceQueue, type VoiceStep } from './voice.ts';

const call = (over: Partial<CallNotice> = {}): CallNotice => ({
  seq: 10,
  at: 1_000,
  ticketId: '20261126-A012',
  number: 'A012',
  windowId: 'w3',
  windowNumber: 3,
  recall: false,
  ...over,
});

/** Runs the queue to the end the way the Announcer does, one step at a time. */
function drain(q: VoiceQueue, now = 1_000): VoiceStep[] {
  const steps: VoiceStep[] = [];
  for (;;) {
    const { step } = q.next(now);
    if (step === null) return steps;
    steps.push(step);
    q.done();
  }
}

describe('callSentence', () => {
  it('reads the number digit by digit as halls do, and the window as a number', () => {
    expect(callSentence(call())).toBe('请A零幺二号到3号窗口办理');
    expect(callSentence(call({ number: 'B100', windowNumber: 10 }))).toBe('请B幺零零号到10号窗口办理');
  });

  it('fills any template', () => {
    expect(callSentence(call(), '{号}号请到{窗口}号窗口')).toBe('A零幺二号请到3号窗口');
  });
});

describe('VoiceQueue', () => {
  it('turns a call into chime, sentence, pause, sentence, pause', () => {
    const q = new VoiceQueue({ pauseMs: 500 });
    q.enqueue(call(), 1_000);
    const text = '请A零幺二号到3号窗口办理';
    expect(drain(q)).toEqual([
      { kind: 'chime' },
      { kind: 'speak', text },
      { kind: 'pause', ms: 500 },
      { kind: 'speak', text },
      { kind: 'pause', ms: 500 },
    ]);
    expect(q.idle).toBe(true);
  });

  it('never starts a step before the previous one ended, so calls never cut each other off', () => {
    const q = new VoiceQueue();
    q.enqueue(call(), 0);
    q.enqueue(call({ seq: 11, ticketId: 'b', number: 'A013', windowNumber: 4 }), 0);
    expect(q.next(0).step).toEqual({ kind: 'chime' });
    expect(q.next(0).step).toBeNull();
    expect(q.next(0).step).toBeNull();
    q.done();
    expect(q.next(0).step).toMatchObject({ kind: 'speak', text: '请A零幺二号到3号窗口办理' });
    q.done();
    const rest = drain(q);
    expect(rest.filter((s) => s.kind === 'speak').map((s) => (s as { text: string }).text)).toEqual([
      '请A零幺二号到3号窗口办理',
      '请A零幺三号到4号窗口办理',
      '请A零幺三号到4号窗口办理',
    ]);
  });

  it('announces a call once, whether it comes again as a fact or in a snapshot', () => {
    const q = new VoiceQueue();
    expect(q.enqueue(call(), 0).queued).toBe(true);
    expect(q.enqueue(call(), 0).queued).toBe(false);
    expect(q.enqueue(call({ seq: 0 }), 0).queued).toBe(false);
  });

  it('announces a recall even in the same millisecond as the call (a new seq)', () => {
    const q = new VoiceQueue();
    q.enqueue(call(), 0);
    expect(q.enqueue(call({ seq: 11, recall: true }), 0).queued).toBe(true);
  });

  it('skips calls marked as seen (those on the board when it started)', () => {
    const q = new VoiceQueue();
    q.markSeen([call({ seq: 0 })]);
    expect(q.enqueue(call({ seq: 0 }), 0).queued).toBe(false);
    expect(drain(q)).toEqual([]);
  });

  it('drops calls that waited too long behind a stalled engine, and reports them', () => {
    const q = new VoiceQueue({ maxAgeMs: 60_000 });
    q.enqueue(call(), 0);
    q.enqueue(call({ seq: 11, ticketId: 'b' }), 0);
    // The first call's five steps; the engine stalls on them for two minutes.
    for (let i = 0; i < 5; i++) {
      expect(q.next(i * 30_000).step).not.toBeNull();
      q.done();
    }
    const r = q.next(150_000);
    expect(r.step).toBeNull();
    expect(r.dropped.map((d) => [d.call.ticketId, d.reason])).toEqual([['b', 'stale']]);
    expect(q.idle).toBe(true);
  });

  it('reports stale calls at the head of the queue', () => {
    const q = new VoiceQueue({ maxAgeMs: 1_000 });
    q.enqueue(call(), 0);
    const r = q.next(5_000);
    expect(r.step).toBeNull();
    expect(r.dropped).toEqual([{ call: call(), reason: 'stale' }]);
  });

  it('bounds the queue, dropping the oldest waiting call with a report', () => {
    const q = new VoiceQueue({ maxPending: 2 });
    q.enqueue(call({ seq: 1, ticketId: 'a' }), 0);
    q.enqueue(call({ seq: 2, ticketId: 'b' }), 0);
    const r = q.enqueue(call({ seq: 3, ticketId: 'c' }), 0);
    expect(r.dropped.map((d) => [d.call.ticketId, d.reason])).toEqual([['a', 'overflow']]);
    expect(q.waiting).toBe(2);
  });

  it('keeps a bounded memory over a whole day of calls', () => {
    const q = new VoiceQueue({ rememberKeys: 100 });
    for (let i = 1; i <= 5_000; i++) {
      q.enqueue(call({ seq: i, ticketId: `t${i}`, at: i }), i);
      drain(q, i);
    }
    expect(q.idle).toBe(true);
    // An old key has been forgotten; the newest are still refused.
    expect(q.enqueue(call({ seq: 5_000, ticketId: 't5000', at: 5_000 }), 5_000).queued).toBe(false);
  });
});

describe('missedCalls', () => {
  const known = [call({ seq: 0, at: 1_000, ticketId: 'a' })];
  it('picks calls newer than any known and recent by the server clock, oldest first', () => {
    const after = [
      call({ seq: 0, at: 9_000, ticketId: 'c' }),
      call({ seq: 0, at: 5_000, ticketId: 'b' }),
      ...known,
    ];
    expect(missedCalls(known, after, 10_000).map((c) => c.ticketId)).toEqual(['b', 'c']);
  });

  it('leaves out calls too old to announce after a long outage', () => {
    const after = [call({ seq: 0, at: 5_000, ticketId: 'b' }), ...known];
    expect(missedCalls(known, after, 5_000 + 61_000)).toEqual([]);
  });
});

describe('the hall voice template', () => {
  it('follows the hall setting and ignores a template missing a placeholder', () => {
    const q = new VoiceQueue();
    const call = {
      seq: 1,
      at: 0,
      ticketId: 't1',
      number: 'A012',
      windowId: 'w3',
      windowNumber: 3,
      recall: false,
    };
    q.setTemplate('{号}号请到{窗口}号窗口');
    expect(q.stepsOf(call).find((s) => s.kind === 'speak')).toMatchObject({ text: 'A零幺二号请到3号窗口' });
    q.setTemplate('请到窗口');
    expect(q.stepsOf(call).find((s) => s.kind === 'speak')).toMatchObject({ text: 'A零幺二号请到3号窗口' });
  });
});
