import type { ServiceWindow, Ticket } from '@onewindow/shared';
import { QueueEngine } from '../domain/engine.ts';
import type { Command, DomainError, HallEvent } from '../domain/types.ts';
import type { HallStore, ProjectionChanges } from '../store/hall.store.ts';

/** The one source of time for the server; tests pass a controllable one. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export type ServiceErrorCode = DomainError['code'] | 'IDEMPOTENCY_CONFLICT';

export interface ServiceError {
  code: ServiceErrorCode;
  message: string;
}

export type CommandOutcome =
  | {
      ok: true;
      events: HallEvent[] /** true when this answers a retry of a committed command */;
      replayed: boolean;
    }
  | { ok: false; error: ServiceError };

export interface ExecuteOptions {
  /** A client-chosen key: a retried command with the same key returns the first result (Q-DUR-2). */
  idempotencyKey?: string;
}

/**
 * The service layer every transport goes through (REST, Socket.IO, the CLI, tests): decide in
 * the engine, commit to the store in one transaction, then tell subscribers. It owns the
 * in-memory engine, which always equals what the store holds.
 */
export class HallService {
  private engine: QueueEngine;
  private readonly subscribers = new Set<(events: HallEvent[]) => void>();

  constructor(
    private readonly store: HallStore,
    private readonly clock: Clock = systemClock,
  ) {
    this.engine = QueueEngine.fromSnapshot(store.loadSnapshot());
  }

  /** Read-only view of the live queue for queries. */
  get queue(): QueueEngine {
    return this.engine;
  }

  /** Called after every commit with its facts, in commit order (broadcasts hang here). */
  subscribe(fn: (events: HallEvent[]) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  /** The ticket a ticket:issue command committed under this idempotency key, if it ran. */
  issuedUnder(idempotencyKey: string): Ticket | undefined {
    const prior = this.store.findCommand(idempotencyKey);
    if (prior === undefined || prior.type !== 'ticket:issue') return undefined;
    const ev = this.store.events(prior.firstSeq, prior.lastSeq).find((e) => e.type === 'ticket:issued');
    return ev?.type === 'ticket:issued' ? ev.ticket : undefined;
  }

  execute(cmd: Command, opts: ExecuteOptions = {}): CommandOutcome {
    const key = opts.idempotencyKey;
    if (key !== undefined) {
      const prior = this.store.findCommand(key);
      if (prior !== undefined) {
        if (prior.type !== cmd.type)
          return {
            ok: false,
            error: {
              code: 'IDEMPOTENCY_CONFLICT',
              message: `idempotency key was used for ${prior.type}, not ${cmd.type}`,
            },
          };
        return { ok: true, events: this.store.events(prior.firstSeq, prior.lastSeq), replayed: true };
      }
    }
    const now = this.clock.now();
    const decision = this.engine.decide(cmd, now);
    if (!decision.ok) return decision;
    const events = this.engine.stamp(decision.events, now);
    try {
      this.store.commit(events, key === undefined ? null : { key, type: cmd.type, at: now }, () => {
        for (const ev of events) this.engine.apply(ev);
        return this.changesOf(events);
      });
    } catch (err) {
      // The transaction rolled back; memory may hold half of it. The store is the truth.
      this.engine = QueueEngine.fromSnapshot(this.store.loadSnapshot());
      throw err;
    }
    for (const fn of this.subscribers) fn(events);
    return { ok: true, events, replayed: false };
  }

  /** What these facts changed in the projections, read back from the engine after applying. */
  private changesOf(events: HallEvent[]): ProjectionChanges {
    const ticketIds = new Set<string>();
    const windowIds = new Set<string>();
    let allWindows = false;
    let settled: ProjectionChanges['settled'] = null;
    const state: ProjectionChanges['state'] = {};
    const hall = this.engine.hallState();
    for (const ev of events) {
      switch (ev.type) {
        case 'hall:configured':
          allWindows = true;
          state.config = ev.config;
          break;
        case 'ticket:issued':
          ticketIds.add(ev.ticket.id);
          state.counters = hall.counters;
          break;
        case 'day:closed':
          allWindows = true;
          settled = { ids: ev.settledTicketIds, reason: ev.reason, at: ev.at };
          state.counters = hall.counters;
          state.lastClosedDay = hall.lastClosedDay;
          state.priorityStreak = hall.priorityStreak;
          break;
        case 'ticket:called':
          state.priorityStreak = hall.priorityStreak;
          ticketIds.add(ev.ticketId);
          windowIds.add(ev.windowId);
          break;
        case 'ticket:transferred':
          ticketIds.add(ev.ticketId);
          if (ev.fromWindowId !== null) windowIds.add(ev.fromWindowId);
          break;
        default:
          if ('ticketId' in ev) ticketIds.add(ev.ticketId);
          if ('windowId' in ev) windowIds.add(ev.windowId);
          if (ev.type === 'ticket:cancelled') {
            // A cancelled called ticket freed its window.
            const w = this.engine.ticket(ev.ticketId)?.windowId;
            if (w) windowIds.add(w);
          }
      }
    }
    const tickets: Ticket[] = [];
    for (const id of ticketIds) {
      const t = this.engine.ticket(id);
      if (t !== undefined) tickets.push(t as Ticket);
    }
    const windows: ServiceWindow[] = allWindows
      ? (this.engine.allWindows() as ServiceWindow[])
      : [...windowIds].map((id) => this.engine.window(id) as ServiceWindow).filter(Boolean);
    return { tickets, settled, windows, state };
  }
}
