/**
 * Small administrative use cases kept in the store's meta and tables: the notice marquee on the
 * hall boards, and the hall's corrections of the national working-day calendar (SPEC CAL-2).
 * Each change commits with its audit row.
 */
import type { CalendarOverride } from '@onewindow/shared';
import type { CalendarOverrideStore } from '../store/case.store.ts';
import type { Clock } from './hall.service.ts';

type Audit = (actor: string, action: string, target: string | null, detail: unknown, at: number) => void;
type Transaction = <T>(fn: () => T) => T;

/** The hall's notice marquee; transports listen to push a change to the boards. */
export class NoticeService {
  private readonly listeners: ((text: string) => void)[] = [];

  constructor(
    private readonly deps: {
      meta: { get(key: string): string | undefined; put(key: string, value: string): void };
      audit: Audit;
      transaction: Transaction;
      clock: Clock;
    },
  ) {}

  get(): string {
    return this.deps.meta.get('notice') ?? '';
  }

  set(actor: string, text: string): void {
    this.deps.transaction(() => {
      this.deps.meta.put('notice', text);
      this.deps.audit(actor, 'hall:notice', null, { text }, this.deps.clock.now());
    });
    for (const fn of this.listeners) fn(text);
  }

  onChange(fn: (text: string) => void): void {
    this.listeners.push(fn);
  }
}

/** The hall's corrections of the national calendar (CAL-2), each change audited with the previous value. */
export class CalendarOverrideService {
  constructor(
    private readonly deps: {
      store: CalendarOverrideStore;
      audit: Audit;
      transaction: Transaction;
      clock: Clock;
    },
  ) {}

  all(): CalendarOverride[] {
    return this.deps.store.all();
  }

  put(actor: string, o: CalendarOverride): { created: boolean } {
    const { store, audit, clock } = this.deps;
    return this.deps.transaction(() => {
      const previous = store.get(o.date) ?? null;
      store.put(o);
      audit(actor, 'calendar:override-put', o.date, { kind: o.kind, note: o.note, previous }, clock.now());
      return { created: previous === null };
    });
  }

  /** @returns whether there was an override to remove */
  delete(actor: string, date: string): boolean {
    const { store, audit, clock } = this.deps;
    return this.deps.transaction(() => {
      const previous = store.get(date);
      if (previous === undefined || !store.delete(date)) return false;
      audit(actor, 'calendar:override-delete', date, { previous }, clock.now());
      return true;
    });
  }
}
