/**
 * Voice calling, the pure part: which sentence a call becomes and in what order the board
 * chimes and speaks. No timers and no browser here — `announcer.ts` drives this queue with the
 * Web Speech API and reports back when each step has ended.
 */
import type { CallNotice } from '@onewindow/shared/public-view.ts';
import { spokenTicketNumber } from '@onewindow/shared/ticket-number.ts';

/** The hall default (DOMAIN.md "Queue conventions"); templates are a hall setting. */
export const DEFAULT_CALL_TEMPLATE = '请{号}号到{窗口}号窗口办理';

/**
 * The sentence for a call: `{号}` read digit by digit as halls read it (A012 → A零幺二),
 * `{窗口}` as the window number (TTS reads 3 as 三 and 10 as 十).
 */
export function callSentence(
  call: Pick<CallNotice, 'number' | 'windowNumber'>,
  template: string = DEFAULT_CALL_TEMPLATE,
): string {
  let number: string;
  try {
    number = spokenTicketNumber(call.number);
  } catch {
    number = call.number;
  }
  return template.replaceAll('{号}', number).replaceAll('{窗口}', String(call.windowNumber));
}

/** One thing the speaker does; the next starts only after this one has ended. */
export type VoiceStep = { kind: 'chime' } | { kind: 'speak'; text: string } | { kind: 'pause'; ms: number };

export interface VoiceQueueOptions {
  template?: string;
  /** How many times each call is spoken (default 2, DOMAIN.md). */
  repeat?: number;
  /** Silence between the repetitions and after a call. */
  pauseMs?: number;
  /** A call still waiting after this long is no longer announced (the speech engine stalled). */
  maxAgeMs?: number;
  /** Calls waiting at most; beyond, the oldest is dropped. */
  maxPending?: number;
  /** How many call keys are remembered to refuse repeats (a day of calls fits easily). */
  rememberKeys?: number;
}

/** A call that was not announced, and why; the board counts these on screen. */
export interface DroppedCall {
  call: CallNotice;
  reason: 'stale' | 'overflow';
}

interface Item {
  call: CallNotice;
  steps: VoiceStep[];
  queuedAt: number;
}

/** Identity of a call across facts and snapshots: the ticket and when it was (re)called. */
export function callKey(call: Pick<CallNotice, 'ticketId' | 'at'>): string {
  return `${call.ticketId}@${call.at}`;
}

/**
 * Keys a call is known by, the deciding one first: a fact's seq (unique even when a recall
 * lands in the same millisecond as the call), then the ticket-and-time key that snapshots
 * (seq 0) share with facts.
 */
function keysOf(call: CallNotice): string[] {
  return call.seq > 0 ? [`#${call.seq}`, callKey(call)] : [callKey(call)];
}

/**
 * The announcement queue. Each call becomes chime → sentence → pause → sentence → pause;
 * calls never interrupt each other: `next()` hands out one step and nothing more until
 * `done()` says it ended (or failed). A call is announced at most once, however often it
 * arrives (a replayed fact, a resync snapshot).
 */
export class VoiceQueue {
  private template: string;
  private readonly repeat: number;
  private readonly pauseMs: number;
  private readonly maxAgeMs: number;
  private readonly maxPending: number;
  private readonly rememberKeys: number;
  private readonly pending: Item[] = [];
  private current: { item: Item; index: number } | null = null;
  private inFlight = false;
  private readonly seen = new Set<string>();

  constructor(opts: VoiceQueueOptions = {}) {
    this.template = opts.template ?? DEFAULT_CALL_TEMPLATE;
    this.repeat = Math.max(1, opts.repeat ?? 2);
    this.pauseMs = opts.pauseMs ?? 700;
    this.maxAgeMs = opts.maxAgeMs ?? 120_000;
    this.maxPending = Math.max(1, opts.maxPending ?? 30);
    this.rememberKeys = Math.max(16, opts.rememberKeys ?? 2000);
  }

  /** Follows the hall's setting; a template without both placeholders is ignored. */
  setTemplate(template: string): void {
    if (template.includes('{号}') && template.includes('{窗口}')) this.template = template;
  }

  /** The steps one call becomes. */
  stepsOf(call: CallNotice): VoiceStep[] {
    const text = callSentence(call, this.template);
    const steps: VoiceStep[] = [{ kind: 'chime' }];
    for (let i = 0; i < this.repeat; i++)
      steps.push({ kind: 'speak', text }, { kind: 'pause', ms: this.pauseMs });
    return steps;
  }

  /**
   * Queues a call. Returns false for a call already queued or announced, and the calls
   * pushed out when the queue is full.
   */
  enqueue(call: CallNotice, now: number): { queued: boolean; dropped: DroppedCall[] } {
    const keys = keysOf(call);
    if (this.seen.has(keys[0]!)) return { queued: false, dropped: [] };
    for (const k of keys) this.remember(k);
    this.pending.push({ call, steps: this.stepsOf(call), queuedAt: now });
    const dropped: DroppedCall[] = [];
    while (this.pending.length > this.maxPending)
      dropped.push({ call: this.pending.shift()!.call, reason: 'overflow' });
    return { queued: true, dropped };
  }

  /** Marks calls as already announced without speaking them (e.g. those on the first snapshot). */
  markSeen(calls: readonly CallNotice[]): void {
    for (const c of calls) for (const k of keysOf(c)) this.remember(k);
  }

  /**
   * The next step to perform, or null while a step is still running or nothing is queued.
   * Calls that waited longer than `maxAgeMs` are dropped here and reported.
   */
  next(now: number): { step: VoiceStep | null; call: CallNotice | null; dropped: DroppedCall[] } {
    const dropped: DroppedCall[] = [];
    if (this.inFlight) return { step: null, call: null, dropped };
    if (this.current !== null && this.current.index >= this.current.item.steps.length) this.current = null;
    if (this.current === null) {
      while (this.pending.length > 0 && now - this.pending[0]!.queuedAt > this.maxAgeMs)
        dropped.push({ call: this.pending.shift()!.call, reason: 'stale' });
      const item = this.pending.shift();
      if (item === undefined) return { step: null, call: null, dropped };
      this.current = { item, index: 0 };
    }
    this.inFlight = true;
    return { step: this.current.item.steps[this.current.index]!, call: this.current.item.call, dropped };
  }

  /** The running step ended (`end`, `error` or a watchdog): the next one may start. */
  done(): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    if (this.current !== null) this.current.index += 1;
  }

  /** Nothing running and nothing waiting. */
  get idle(): boolean {
    const running = this.current !== null && this.current.index < this.current.item.steps.length;
    return !this.inFlight && !running && this.pending.length === 0;
  }

  /** Calls waiting (not counting the one being announced). */
  get waiting(): number {
    return this.pending.length;
  }

  private remember(key: string): void {
    this.seen.add(key);
    // A Set iterates in insertion order: drop the oldest keys first.
    while (this.seen.size > this.rememberKeys) {
      const oldest = this.seen.values().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
  }
}

/**
 * Calls a board missed while it was disconnected, taken from the snapshot it got back: newer
 * than every call it knew, not older than `maxAgeMs` by the server's clock, oldest first.
 */
export function missedCalls(
  before: readonly CallNotice[],
  after: readonly CallNotice[],
  serverNow: number,
  maxAgeMs = 60_000,
  max = 4,
): CallNotice[] {
  const newestKnown = before.reduce((m, c) => Math.max(m, c.at), Number.NEGATIVE_INFINITY);
  return after
    .filter((c) => c.at > newestKnown && serverNow - c.at <= maxAgeMs)
    .slice(0, max)
    .reverse();
}
