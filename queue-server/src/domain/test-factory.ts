import type { QueueCategory, WindowDefinition } from '@onewindow/shared';
import { QueueEngine } from './engine.ts';
import { DEFAULT_SETTINGS } from './settings.ts';
import type { Command, HallConfig, HallEvent, HallSettings } from './types.ts';

/** 2026-11-26 09:00 in Beijing (01:00 UTC), a Thursday. */
export const T0 = Date.UTC(2026, 10, 26, 1, 0, 0);
export const MIN = 60_000;

export const CATEGORIES: QueueCategory[] = [
  { id: 'A', prefix: 'A', name: '综合业务', nameEn: 'General business' },
  { id: 'B', prefix: 'B', name: '单位业务', nameEn: 'Employer business' },
  { id: 'C', prefix: 'C', name: '权益出件', nameEn: 'Rights and results' },
];

export const WINDOWS: WindowDefinition[] = [
  { id: 'w1', number: 1, post: 'comprehensive', categoryIds: ['A'] },
  { id: 'w2', number: 2, post: 'comprehensive', categoryIds: ['A'] },
  { id: 'w3', number: 3, post: 'rights', categoryIds: ['C'] },
  { id: 'w4', number: 4, post: 'bulk', categoryIds: ['B', 'A'] },
];

export function hallConfig(settings: Partial<HallSettings> = {}): HallConfig {
  return {
    settings: { ...structuredClone(DEFAULT_SETTINGS), ...settings },
    categories: structuredClone(CATEGORIES),
    windows: structuredClone(WINDOWS),
  };
}

/** Born on the given date: a valid resident ID from Beijing Xicheng (110102). */
export function idBornOn(yyyymmdd: string, seq = '001'): string {
  const first17 = `110102${yyyymmdd}${seq}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

/** An engine on a configured hall with a controllable clock: the test harness for rules. */
export class Hall {
  readonly engine = new QueueEngine();
  readonly log: HallEvent[] = [];
  now = T0;

  constructor(settings: Partial<HallSettings> = {}, openWindows = true) {
    this.ok({ type: 'hall:configure', config: hallConfig(settings), by: 'admin' });
    if (openWindows)
      for (const w of WINDOWS) this.ok({ type: 'window:open', windowId: w.id, clerkId: `clerk-${w.id}` });
  }

  run(cmd: Command) {
    const r = this.engine.execute(cmd, this.now);
    if (r.ok) this.log.push(...r.events);
    return r;
  }

  ok(cmd: Command): HallEvent[] {
    const r = this.run(cmd);
    if (!r.ok) throw new Error(`${cmd.type} refused: ${r.error.code} ${r.error.message}`);
    return r.events;
  }

  errorCode(cmd: Command): string {
    const r = this.run(cmd);
    if (r.ok) throw new Error(`${cmd.type} was accepted, expected a refusal`);
    return r.error.code;
  }

  issue(categoryId = 'A', extra: Partial<Extract<Command, { type: 'ticket:issue' }>> = {}): string {
    const [ev] = this.ok({ type: 'ticket:issue', categoryId, source: 'kiosk', ...extra });
    if (ev?.type !== 'ticket:issued') throw new Error('no ticket issued');
    return ev.ticket.id;
  }

  /** Calls next at a window and returns the ticket id called. */
  callNext(windowId: string): string {
    const evs = this.ok({ type: 'ticket:call-next', windowId });
    const called = evs.find((e) => e.type === 'ticket:called');
    if (called?.type !== 'ticket:called') throw new Error('nothing called');
    return called.ticketId;
  }

  /** Calls and serves to completion; returns the ticket id. */
  serveNext(windowId: string): string {
    const id = this.callNext(windowId);
    this.ok({ type: 'ticket:start', windowId });
    this.ok({ type: 'ticket:finish', windowId, outcome: 'completed' });
    return id;
  }

  tick(ms: number): void {
    this.now += ms;
  }
}

/** mulberry32: a small seeded PRNG, so simulated days, benchmarks and kill schedules repeat exactly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
