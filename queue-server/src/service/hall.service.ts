import { type ApiError, isQueueFact, type ServiceWindow, type Ticket } from '@onewindow/shared';
import { QueueEngine } from '../domain/engine.ts';
import type { Command, EventBody, HallEvent } from '../domain/types.ts';
import type { HallStore, ProjectionChanges } from '../store/hall.store.ts';

/** The one source of time for the server; tests pass a controllable one. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export type CommandOutcome =
  | {
      ok: true;
      events: HallEvent[];
      /** True when this answers a retry of a committed command. */
      replayed: boolean;
    }
  | { ok: false; error: ApiError };

export interface ExecuteOptions {
  /** A client-chosen key: a retried command with the same key returns the first result (Q-DUR-2). */
  idempotencyKey?: string;
}

/** Thrown inside a unit of work to refuse it: everything it wrote so far is rolled back. */
export class Refusal extends Error {
  /**
   * @param afterRollback facts that record the refusal itself (a risk interception, RISK-INT-3):
   *   committed in a unit of their own once the refused unit has rolled back
   */
  constructor(
    readonly error: ApiError,
    readonly afterRollback: readonly EventBody[] = [],
  ) {
    super(error.message);
  }
}

/**
 * Checks a unit's facts before they are appended (RISK-INT-1): throws a `Refusal` to refuse the
 * unit, or returns facts to append right after them (an override, RISK-INT-2).
 */
export type Guard = (unitType: string, facts: readonly HallEvent[]) => EventBody[];

/** Decides facts that follow from committed ones, appended in the same unit (alerts, RISK-EVAL-1). */
export type Reactor = (events: readonly HallEvent[]) => EventBody[];

/**
 * One use case's transaction (DESIGN 9, SPEC UOW-1): queue commands decided against the state
 * as the unit has left it so far, facts decided by other pure modules (cases, slips, forms),
 * and whatever records the use case writes through the store's repositories meanwhile. All of
 * it commits together, or a `Refusal` (or any error) leaves nothing behind.
 */
export interface UnitOfWork {
  /** The time of this unit: every fact it appends carries it. */
  readonly now: number;
  /** Decides a queue command now; its facts are written and folded at once. Refused → the unit is. */
  execute(cmd: Command): HallEvent[];
  /** Appends facts decided outside the queue engine; they get the next seqs. */
  append(facts: EventBody[]): HallEvent[];
  /** Refuses the whole unit (throws). */
  refuse(error: ApiError): never;
  /** Runs after the commit (and after subscribers): outbound work such as sending print jobs. */
  afterCommit(fn: () => void): void;
}

export type RunOutcome<T> =
  | {
      ok: true;
      /** The unit's answer; for a replay, the answer it stored the first time (undefined if none). */
      value: T;
      events: HallEvent[];
      replayed: boolean;
    }
  | { ok: false; error: ApiError };

/**
 * The service layer every transport goes through (REST, Socket.IO, the CLI, tests): decide in
 * the engine, commit to the store in one transaction, then tell subscribers. It owns the
 * in-memory engine, which always equals what the store holds.
 */
export class HallService {
  private engine: QueueEngine;
  private readonly subscribers = new Set<(events: HallEvent[]) => void>();
  private readonly projectors = new Set<(events: readonly HallEvent[]) => void>();
  private readonly guards = new Set<Guard>();
  private readonly reactors = new Set<Reactor>();
  private readonly rollbacks = new Set<() => void>();

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

  /**
   * Called inside every unit's transaction with the facts it just appended: records that must
   * commit with their facts (a bad rating's follow-up, UOW-1) are written here. A projector that
   * throws rolls the whole unit back.
   */
  project(fn: (events: readonly HallEvent[]) => void): void {
    this.projectors.add(fn);
  }

  /** Checks every unit's facts before they are appended (RISK-INT-1). */
  guard(fn: Guard): void {
    this.guards.add(fn);
  }

  /**
   * Called inside every unit with the facts it just appended, after the projectors: the facts
   * it returns are appended in the same unit (and reach the reactors too), so an alert commits
   * with the fact that raised it (RISK-EVAL-1).
   */
  react(fn: Reactor): void {
    this.reactors.add(fn);
  }

  /** Called when a unit that had appended facts rolled back (memory folded from them is stale). */
  onRollback(fn: () => void): void {
    this.rollbacks.add(fn);
  }

  /** One queue command as its own unit of work (Q-DUR-1, Q-DUR-2). */
  execute(cmd: Command, opts: ExecuteOptions = {}): CommandOutcome {
    const r = this.run(
      {
        type: cmd.type,
        ...(opts.idempotencyKey !== undefined ? { idempotencyKey: opts.idempotencyKey } : {}),
      },
      (uow) => {
        uow.execute(cmd);
      },
    );
    return r.ok ? { ok: true, events: r.events, replayed: r.replayed } : r;
  }

  /**
   * The unit committed under this idempotency key, answered again (`replayed`), or a conflict
   * when the key belongs to another kind of unit; undefined when nothing committed under it.
   */
  replay<T>(idempotencyKey: string, type: string): RunOutcome<T> | undefined {
    const prior = this.store.findCommand(idempotencyKey);
    if (prior === undefined) return undefined;
    if (prior.type !== type)
      return {
        ok: false,
        error: {
          code: 'IDEMPOTENCY_CONFLICT',
          message: `idempotency key was used for ${prior.type}, not ${type}`,
        },
      };
    return {
      ok: true,
      value: prior.result as T,
      events: this.store.events(prior.firstSeq, prior.lastSeq),
      replayed: true,
    };
  }

  /**
   * Runs a use case as one unit of work (SPEC UOW-1, UOW-2): with an idempotency key, a retry
   * of a committed unit answers with the first result (its stored answer and facts) and writes
   * nothing; a key used by another kind of unit is IDEMPOTENCY_CONFLICT. A refused unit records
   * nothing, so its retry decides again. The answer `work` returns is stored with the key when
   * the unit committed facts.
   */
  run<T>(opts: { type: string; idempotencyKey?: string }, work: (uow: UnitOfWork) => T): RunOutcome<T> {
    const key = opts.idempotencyKey;
    if (key !== undefined) {
      const prior = this.replay<T>(key, opts.type);
      if (prior !== undefined) return prior;
    }
    const now = this.clock.now();
    const events: HallEvent[] = [];
    const after: (() => void)[] = [];
    let dirty = false;
    const fold = (stamped: HallEvent[], projections?: () => void) => {
      const extra: EventBody[] = [];
      for (const g of this.guards) extra.push(...g(opts.type, stamped));
      dirty = true;
      this.store.appendEvents(stamped);
      for (const ev of stamped) this.engine.apply(ev);
      projections?.();
      for (const fn of this.projectors) fn(stamped);
      events.push(...stamped);
      for (const r of this.reactors) extra.push(...r(stamped));
      if (extra.length > 0) fold(this.engine.stamp(extra, now));
    };
    const uow: UnitOfWork = {
      now,
      execute: (cmd) => {
        const decision = this.engine.decide(cmd, now);
        if (!decision.ok) throw new Refusal(decision.error);
        const stamped = this.engine.stamp(decision.events, now);
        fold(stamped, () => this.store.writeProjections(this.changesOf(stamped)));
        return stamped;
      },
      append: (facts) => {
        const stamped = this.engine.stamp(facts, now);
        fold(stamped);
        return stamped;
      },
      refuse: (error) => {
        throw new Refusal(error);
      },
      afterCommit: (fn) => {
        after.push(fn);
      },
    };
    let value: T;
    try {
      value = this.store.transaction(() => {
        const v = work(uow);
        if (key !== undefined && events.length > 0)
          this.store.recordCommand({
            key,
            type: opts.type,
            at: now,
            firstSeq: events[0]!.seq,
            lastSeq: events.at(-1)!.seq,
            ...(v !== undefined ? { result: v } : {}),
          });
        return v;
      });
    } catch (err) {
      // The transaction rolled back; memory may hold half of it. The store is the truth.
      if (dirty) {
        this.engine = QueueEngine.fromSnapshot(this.store.loadSnapshot());
        for (const fn of this.rollbacks) fn();
      }
      if (err instanceof Refusal) {
        const record = err.afterRollback;
        if (record.length > 0) this.run({ type: 'risk:intercept' }, (u) => u.append([...record]));
        return { ok: false, error: err.error };
      }
      throw err;
    }
    if (events.length > 0) for (const fn of this.subscribers) fn(events);
    for (const fn of after) fn();
    return { ok: true, value, events, replayed: false };
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
      if (!isQueueFact(ev)) continue;
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
