import {
  ageOn,
  formatTicketNumber,
  isQueueFact,
  LIVE_TICKET_STATUSES,
  maskIdNumber,
  PAUSE_REASON_CODES,
  PRIORITY_CLASSES,
  type PriorityClass,
  parseIdNumber,
  RATING_CHANNELS,
  RATING_LEVELS,
  RATING_REASONS,
  type RatingLevel,
  type RatingReason,
  type ServiceWindow,
  type Ticket,
  type TicketHolder,
  WINDOW_POSTS,
} from '@onewindow/shared';
import { laneOf, lanesOfWindow, mayServe, queueKey, queueLess } from '@onewindow/shared/queue-order.ts';
import { businessDayOf } from './clock.ts';
import { IndexedHeap } from './indexed-heap.ts';
import { onlineSettingsOf } from './settings.ts';
import type {
  Command,
  Decision,
  DomainError,
  DomainErrorCode,
  EngineSnapshot,
  EventBody,
  HallConfig,
  HallEvent,
  HallSettings,
} from './types.ts';

/** The reason a lapsed online ticket is cancelled with (MOB-Q-3). */
export const ONLINE_LAPSE_REASON = '线上取号未在规定时间内到厅确认';

const LIVE_STATUSES = new Set<Ticket['status']>(['waiting', 'called', 'serving', 'parked', 'no-show']);

function fail(code: DomainErrorCode, message: string): { ok: false; error: DomainError } {
  return { ok: false, error: { code, message } };
}

function ok(...events: EventBody[]): Decision {
  return { ok: true, events };
}

// The order and the lanes are shared with the consoles' waiting lists (one source, CON-ORD-1).
export { laneOf, lanesOfWindow, mayServe, queueKey, queueLess };

const isPriority = (t: Ticket): boolean => t.priorityClass !== 'regular';

function validateConfig(config: HallConfig): string | null {
  const s = config.settings;
  const nonNegInt = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;
  if (config.categories.length === 0) return 'at least one category is required';
  const catIds = new Set<string>();
  const prefixes = new Set<string>();
  for (const c of config.categories) {
    if (!c.id || catIds.has(c.id)) return `category id "${c.id}" is empty or repeated`;
    if (!/^[A-Z]{0,2}$/.test(c.prefix)) return `category ${c.id}: prefix must be 0–2 capital letters`;
    if (prefixes.has(c.prefix)) return `category ${c.id}: prefix "${c.prefix}" is used twice`;
    catIds.add(c.id);
    prefixes.add(c.prefix);
  }
  const winIds = new Set<string>();
  const winNumbers = new Set<number>();
  for (const w of config.windows) {
    if (!w.id || winIds.has(w.id)) return `window id "${w.id}" is empty or repeated`;
    if (!Number.isInteger(w.number) || w.number < 1 || winNumbers.has(w.number))
      return `window ${w.id}: number must be a positive integer used once`;
    if (!WINDOW_POSTS.includes(w.post)) return `window ${w.id}: unknown post "${w.post}"`;
    for (const c of w.categoryIds) if (!catIds.has(c)) return `window ${w.id}: unknown category "${c}"`;
    winIds.add(w.id);
    winNumbers.add(w.number);
  }
  if (!Number.isInteger(s.seniorAge) || s.seniorAge < 0 || s.seniorAge > 150)
    return 'settings.seniorAge must be 0–150';
  for (const k of PRIORITY_CLASSES)
    if (!nonNegInt(s.bonusSeconds[k])) return `settings.bonusSeconds.${k} must be a whole number ≥ 0`;
  if (s.bonusSeconds.regular !== 0) return 'settings.bonusSeconds.regular must be 0';
  if (!nonNegInt(s.maxRecalls)) return 'settings.maxRecalls must be a whole number ≥ 0';
  if (!nonNegInt(s.reinstatePlaces)) return 'settings.reinstatePlaces must be a whole number ≥ 0';
  if (!nonNegInt(s.maxReinstates)) return 'settings.maxReinstates must be a whole number ≥ 0';
  if (!Number.isInteger(s.numberDigits) || s.numberDigits < 1 || s.numberDigits > 6)
    return 'settings.numberDigits must be 1–6';
  if (!Number.isInteger(s.utcOffsetMinutes) || Math.abs(s.utcOffsetMinutes) > 14 * 60)
    return 'settings.utcOffsetMinutes is out of range';
  const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
  if (!hhmm.test(s.openingHours.open) || !hhmm.test(s.openingHours.close) || !hhmm.test(s.dayCloseAt))
    return 'settings.openingHours and settings.dayCloseAt are local times HH:MM';
  if (s.dayCloseAt < s.openingHours.close) return 'settings.dayCloseAt must not be before closing time';
  if (
    typeof s.voiceTemplate !== 'string' ||
    !s.voiceTemplate.includes('{号}') ||
    !s.voiceTemplate.includes('{窗口}')
  )
    return 'settings.voiceTemplate must contain {号} and {窗口}';
  if (s.policy.kind === 'interleave') {
    if (!Number.isInteger(s.policy.maxPriorityInRow) || s.policy.maxPriorityInRow < 1)
      return 'settings.policy.maxPriorityInRow must be a whole number ≥ 1';
    if (!nonNegInt(s.policy.regularWaitSeconds))
      return 'settings.policy.regularWaitSeconds must be a whole number ≥ 0';
  } else if (s.policy.kind === 'tail-guard') {
    if (!Number.isInteger(s.policy.sharePercent) || s.policy.sharePercent < 0 || s.policy.sharePercent > 100)
      return 'settings.policy.sharePercent must be a whole number 0–100';
    if (!nonNegInt(s.policy.maxBonusSeconds))
      return 'settings.policy.maxBonusSeconds must be a whole number ≥ 0';
  } else if (s.policy.kind !== 'virtual-arrival') return 'settings.policy.kind is unknown';
  return null;
}

/**
 * RAT-1, RAT-3 (and MOB-RATE-3 for a ticket whose day has closed, read from the store): the
 * `ticket:rated` fact of a finished ticket not rated yet, or why not.
 */
export function decideRating(t: Readonly<Ticket>, cmd: Extract<Command, { type: 'ticket:rate' }>): Decision {
  if (t.status !== 'done' || t.windowId === null)
    return fail('BAD_TICKET_STATE', `${t.id} is ${t.status}; only a finished ticket is rated`);
  if (t.rating !== null) return fail('ALREADY_RATED', `${t.id} was rated already`);
  const level = cmd.level as RatingLevel;
  if (!RATING_LEVELS.includes(level)) return fail('INVALID_RATING', `level ${cmd.level} is not 1–5`);
  const reasons = [...new Set(cmd.reasons)] as RatingReason[];
  if (reasons.some((r) => !RATING_REASONS.includes(r)))
    return fail('INVALID_RATING', `unknown reason in ${cmd.reasons.join(',')}`);
  if (!RATING_CHANNELS.includes(cmd.channel)) return fail('INVALID_RATING', `unknown channel ${cmd.channel}`);
  const comment = cmd.comment?.trim();
  return ok({
    type: 'ticket:rated',
    ticketId: t.id,
    windowId: t.windowId,
    servedBy: t.servedBy,
    level,
    reasons,
    channel: cmd.channel,
    ...(comment ? { comment } : {}),
  });
}

/**
 * The hall's queue: pure state plus rules. `decide` reads the state and returns facts or a
 * refusal without changing anything; `apply` folds one fact into the state. Time comes in as
 * an argument, never from the system clock, so every rule is testable and replayable.
 */
export class QueueEngine {
  private seq = 0;
  private config: HallConfig | null = null;
  private readonly windows = new Map<string, ServiceWindow>();
  private readonly tickets = new Map<string, Ticket>();
  /** Ticket ids by holder reference (KSK-4's one-live-ticket check without a scan of the day). */
  private readonly byHolder = new Map<string, Set<string>>();
  private readonly counters = new Map<string, { businessDay: string; last: number }>();
  private readonly lanes = new Map<string, IndexedHeap<Ticket>>();
  private priorityStreak = 0;
  private lastClosedDay: string | null = null;

  /** Rebuilds an engine from its snapshot (recovery from projections). */
  static fromSnapshot(s: EngineSnapshot): QueueEngine {
    const e = new QueueEngine();
    e.seq = s.seq;
    e.config = s.config === null ? null : structuredClone(s.config);
    for (const w of s.windows) e.windows.set(w.id, { ...w, categoryIds: [...w.categoryIds] });
    for (const c of s.counters) e.counters.set(c.categoryId, { businessDay: c.businessDay, last: c.last });
    for (const t of s.tickets) {
      const copy = structuredClone(t);
      e.addTicket(copy);
      if (copy.status === 'waiting') e.enqueue(copy);
    }
    e.priorityStreak = s.priorityStreak;
    e.lastClosedDay = s.lastClosedDay;
    return e;
  }

  /** Replays a log of facts from an empty hall (SPEC Q-LOG-2). */
  static fromEvents(events: Iterable<HallEvent>): QueueEngine {
    const e = new QueueEngine();
    for (const ev of events) e.apply(ev);
    return e;
  }

  get lastSeq(): number {
    return this.seq;
  }

  get hallConfig(): HallConfig | null {
    return this.config;
  }

  get settings(): HallSettings | null {
    return this.config?.settings ?? null;
  }

  ticket(id: string): Readonly<Ticket> | undefined {
    return this.tickets.get(id);
  }

  window(id: string): Readonly<ServiceWindow> | undefined {
    return this.windows.get(id);
  }

  allWindows(): readonly Readonly<ServiceWindow>[] {
    return [...this.windows.values()];
  }

  /** Tickets of the open business day(s), in no particular order. */
  allTickets(): readonly Readonly<Ticket>[] {
    return [...this.tickets.values()];
  }

  /** A person's live ticket (waiting, called, serving, parked) in a category, by holder reference (SPEC KSK-4). */
  liveTicketOf(holderRef: string, categoryId: string): Readonly<Ticket> | undefined {
    for (const id of this.byHolder.get(holderRef) ?? []) {
      const t = this.tickets.get(id);
      if (t !== undefined && t.categoryId === categoryId && LIVE_TICKET_STATUSES.includes(t.status)) return t;
    }
    return undefined;
  }

  /** Online tickets still to be confirmed at the hall, for the lapse timer (MOB-Q-3). O(n). */
  awaitingConfirmation(): Readonly<Ticket>[] {
    return [...this.tickets.values()].filter((t) => t.status === 'waiting' && t.confirmBy !== undefined);
  }

  private addTicket(t: Ticket): void {
    this.tickets.set(t.id, t);
    const ref = t.holder?.ref;
    if (ref == null) return;
    const ids = this.byHolder.get(ref);
    if (ids === undefined) this.byHolder.set(ref, new Set([t.id]));
    else ids.add(t.id);
  }

  private removeTicket(t: Ticket): void {
    this.tickets.delete(t.id);
    const ref = t.holder?.ref;
    if (ref == null) return;
    const ids = this.byHolder.get(ref);
    ids?.delete(t.id);
    if (ids?.size === 0) this.byHolder.delete(ref);
  }

  waitingCount(): number {
    let n = 0;
    for (const h of this.lanes.values()) n += h.size;
    return n;
  }

  /** Waiting tickets per category, in O(n) without sorting (for estimates and boards). */
  waitingByCategory(): Map<string, number> {
    const out = new Map<string, number>();
    for (const h of this.lanes.values())
      for (const t of h.values()) out.set(t.categoryId, (out.get(t.categoryId) ?? 0) + 1);
    return out;
  }

  /** The ticket `call-next` would give this window now, without calling it. */
  peekNext(windowId: string, now: number): Readonly<Ticket> | undefined {
    const w = this.windows.get(windowId);
    return w === undefined ? undefined : this.pick(w, now);
  }

  /** Decides a command and applies its facts: the one-step path for callers without a store. */
  execute(cmd: Command, now: number): { ok: true; events: HallEvent[] } | { ok: false; error: DomainError } {
    const d = this.decide(cmd, now);
    if (!d.ok) return d;
    const events = this.stamp(d.events, now);
    for (const ev of events) this.apply(ev);
    return { ok: true, events };
  }

  /** Gives decided facts their sequence numbers and time. */
  stamp(bodies: EventBody[], now: number): HallEvent[] {
    return bodies.map((b, i) => ({ ...b, seq: this.seq + i + 1, at: now }) as HallEvent);
  }

  /** Decides a command against the current state. Never changes the state. */
  decide(cmd: Command, now: number): Decision {
    if (cmd.type === 'hall:configure') return this.decideConfigure(cmd.config, cmd.by);
    const config = this.config;
    if (config === null) return fail('NOT_CONFIGURED', 'the hall has no configuration yet');
    switch (cmd.type) {
      case 'ticket:issue':
        return this.decideIssue(cmd, config, now);
      case 'window:open': {
        const w = this.windows.get(cmd.windowId);
        if (!w) return fail('UNKNOWN_WINDOW', `no window ${cmd.windowId}`);
        if (w.state !== 'closed') return fail('WINDOW_ALREADY_OPEN', `window ${w.id} is already open`);
        if (!cmd.clerkId) return fail('REASON_REQUIRED', 'a clerk must be named to open a window');
        return ok({ type: 'window:opened', windowId: w.id, clerkId: cmd.clerkId });
      }
      case 'window:close': {
        const w = this.windows.get(cmd.windowId);
        if (!w) return fail('UNKNOWN_WINDOW', `no window ${cmd.windowId}`);
        if (w.state === 'closed') return fail('WINDOW_CLOSED', `window ${w.id} is already closed`);
        if (w.ticketId !== null) return fail('WINDOW_BUSY', `window ${w.id} still holds ${w.ticketId}`);
        return ok({ type: 'window:closed', windowId: w.id });
      }
      case 'window:pause': {
        const w = this.windows.get(cmd.windowId);
        if (!w) return fail('UNKNOWN_WINDOW', `no window ${cmd.windowId}`);
        if (w.state === 'closed') return fail('WINDOW_CLOSED', `window ${w.id} is closed`);
        if (w.state === 'paused') return fail('WINDOW_PAUSED', `window ${w.id} is already paused`);
        if (!cmd.reason.trim()) return fail('REASON_REQUIRED', 'a pause needs a reason');
        // SEC-TXT-1: the reason reaches every board, so it is a code from the list, never free text.
        if (!(PAUSE_REASON_CODES as readonly string[]).includes(cmd.reason))
          return fail(
            'REASON_REQUIRED',
            `a pause needs a reason from the list: ${PAUSE_REASON_CODES.join(', ')}`,
          );
        return ok({ type: 'window:paused', windowId: w.id, reason: cmd.reason });
      }
      case 'window:resume': {
        const w = this.windows.get(cmd.windowId);
        if (!w) return fail('UNKNOWN_WINDOW', `no window ${cmd.windowId}`);
        if (w.state !== 'paused') return fail('WINDOW_NOT_PAUSED', `window ${w.id} is not paused`);
        return ok({ type: 'window:resumed', windowId: w.id });
      }
      case 'ticket:call-next':
        return this.decideCallNext(cmd.windowId, config.settings, now);
      case 'ticket:recall': {
        const held = this.heldTicket(cmd.windowId);
        if (!held.ok) return held;
        const { w, t } = held;
        if (t.status !== 'called') return fail('BAD_TICKET_STATE', `${t.id} is ${t.status}, not called`);
        if (t.callCount >= 1 + config.settings.maxRecalls)
          return fail('RECALL_LIMIT', `${t.id} was called ${t.callCount} times; mark it no-show`);
        return ok({ type: 'ticket:recalled', ticketId: t.id, windowId: w.id });
      }
      case 'ticket:start': {
        const held = this.heldTicket(cmd.windowId);
        if (!held.ok) return held;
        const { w, t } = held;
        if (t.status !== 'called') return fail('BAD_TICKET_STATE', `${t.id} is ${t.status}, not called`);
        return ok({ type: 'ticket:serving', ticketId: t.id, windowId: w.id });
      }
      case 'ticket:no-show': {
        const held = this.heldTicket(cmd.windowId);
        if (!held.ok) return held;
        const { w, t } = held;
        if (t.status !== 'called') return fail('BAD_TICKET_STATE', `${t.id} is ${t.status}, not called`);
        if (t.callCount < 1 + config.settings.maxRecalls)
          return fail(
            'CALLS_NOT_EXHAUSTED',
            `${t.id} was called ${t.callCount} of ${1 + config.settings.maxRecalls} times`,
          );
        return ok({ type: 'ticket:no-show', ticketId: t.id, windowId: w.id });
      }
      case 'ticket:finish': {
        const held = this.heldTicket(cmd.windowId);
        if (!held.ok) return held;
        const { w, t } = held;
        if (t.status !== 'serving') return fail('NOT_SERVING', `${t.id} is ${t.status}, not being served`);
        return ok({ type: 'ticket:finished', ticketId: t.id, windowId: w.id, outcome: cmd.outcome });
      }
      case 'ticket:park': {
        const held = this.heldTicket(cmd.windowId);
        if (!held.ok) return held;
        const { w, t } = held;
        if (t.status !== 'serving') return fail('NOT_SERVING', `${t.id} is ${t.status}, not being served`);
        return ok({ type: 'ticket:parked', ticketId: t.id, windowId: w.id, note: cmd.note?.trim() || null });
      }
      case 'ticket:resume': {
        const t = this.tickets.get(cmd.ticketId);
        if (!t) return fail('UNKNOWN_TICKET', `no live ticket ${cmd.ticketId}`);
        if (t.status !== 'parked') return fail('BAD_TICKET_STATE', `${t.id} is ${t.status}, not parked`);
        const w = this.windows.get(cmd.windowId);
        if (!w) return fail('UNKNOWN_WINDOW', `no window ${cmd.windowId}`);
        if (w.state === 'closed') return fail('WINDOW_CLOSED', `window ${w.id} is closed`);
        if (w.ticketId !== null) return fail('WINDOW_BUSY', `window ${w.id} holds ${w.ticketId}`);
        return ok({ type: 'ticket:resumed', ticketId: t.id, windowId: w.id });
      }
      case 'ticket:reinstate':
        return this.decideReinstate(cmd.ticketId, cmd.by, config.settings, now);
      case 'ticket:transfer': {
        const t = this.tickets.get(cmd.ticketId);
        if (!t) return fail('UNKNOWN_TICKET', `no live ticket ${cmd.ticketId}`);
        if (!['waiting', 'called', 'serving', 'parked'].includes(t.status))
          return fail('BAD_TICKET_STATE', `${t.id} is ${t.status} and cannot be transferred`);
        if (!cmd.by || !cmd.note.trim()) return fail('REASON_REQUIRED', 'a transfer needs who and a note');
        let categoryId = t.categoryId;
        let requiredPost: Ticket['requiredPost'] = null;
        let pinnedWindowId: string | null = null;
        if ('categoryId' in cmd.to) {
          if (!config.categories.some((c) => c.id === (cmd.to as { categoryId: string }).categoryId))
            return fail('UNKNOWN_CATEGORY', `no category ${cmd.to.categoryId}`);
          categoryId = cmd.to.categoryId;
        } else if ('post' in cmd.to) {
          if (!WINDOW_POSTS.includes(cmd.to.post)) return fail('INVALID_CONFIG', `no post ${cmd.to.post}`);
          requiredPost = cmd.to.post;
        } else {
          if (!this.windows.has(cmd.to.windowId))
            return fail('UNKNOWN_WINDOW', `no window ${cmd.to.windowId}`);
          pinnedWindowId = cmd.to.windowId;
        }
        const held = t.status === 'called' || t.status === 'serving';
        return ok({
          type: 'ticket:transferred',
          ticketId: t.id,
          fromWindowId: held ? t.windowId : null,
          categoryId,
          requiredPost,
          pinnedWindowId,
          by: cmd.by,
          note: cmd.note.trim(),
        });
      }
      case 'ticket:rate': {
        const t = this.tickets.get(cmd.ticketId);
        if (!t) return fail('UNKNOWN_TICKET', `no live ticket ${cmd.ticketId}`);
        return decideRating(t, cmd);
      }
      case 'ticket:confirm': {
        // MOB-Q-2: confirmed at the hall before its deadline, the ticket becomes callable in place.
        const t = this.tickets.get(cmd.ticketId);
        if (!t) return fail('UNKNOWN_TICKET', `no live ticket ${cmd.ticketId}`);
        if (t.status !== 'waiting' || t.confirmBy === undefined)
          return fail('BAD_TICKET_STATE', `${t.id} is ${t.status} and awaits no confirmation`);
        if (now >= t.confirmBy)
          return fail('BAD_TICKET_STATE', `${t.id} lapsed: it was to be confirmed by ${t.confirmBy}`);
        if (!cmd.by) return fail('REASON_REQUIRED', 'a confirmation needs who did it');
        return ok({ type: 'ticket:confirmed', ticketId: t.id, by: cmd.by });
      }
      case 'ticket:lapse': {
        // MOB-Q-3: only once its deadline has passed, and only while still unconfirmed.
        const t = this.tickets.get(cmd.ticketId);
        if (!t) return fail('UNKNOWN_TICKET', `no live ticket ${cmd.ticketId}`);
        if (t.status !== 'waiting' || t.confirmBy === undefined)
          return fail('BAD_TICKET_STATE', `${t.id} is ${t.status} and awaits no confirmation`);
        if (now < t.confirmBy)
          return fail('BAD_TICKET_STATE', `${t.id} may still be confirmed until ${t.confirmBy}`);
        return ok({ type: 'ticket:cancelled', ticketId: t.id, by: 'system', reason: ONLINE_LAPSE_REASON });
      }
      case 'ticket:cancel': {
        const t = this.tickets.get(cmd.ticketId);
        if (!t) return fail('UNKNOWN_TICKET', `no live ticket ${cmd.ticketId}`);
        if (!['waiting', 'called', 'parked', 'no-show'].includes(t.status))
          return fail('BAD_TICKET_STATE', `${t.id} is ${t.status} and cannot be cancelled`);
        if (!cmd.by || !cmd.reason.trim()) return fail('REASON_REQUIRED', 'a cancellation needs who and why');
        return ok({ type: 'ticket:cancelled', ticketId: t.id, by: cmd.by, reason: cmd.reason.trim() });
      }
      case 'ticket:override': {
        const t = this.tickets.get(cmd.ticketId);
        if (!t) return fail('UNKNOWN_TICKET', `no live ticket ${cmd.ticketId}`);
        if (t.status !== 'waiting') return fail('BAD_TICKET_STATE', `${t.id} is ${t.status}, not waiting`);
        if (!cmd.by || !cmd.reason.trim()) return fail('REASON_REQUIRED', 'an override needs who and why');
        const note = { at: now, by: cmd.by, reason: cmd.reason.trim() };
        const a = cmd.action;
        if (a.kind === 'pin' && !this.windows.has(a.windowId))
          return fail('UNKNOWN_WINDOW', `no window ${a.windowId}`);
        if (a.kind === 'class' && !PRIORITY_CLASSES.includes(a.priorityClass))
          return fail('INVALID_CONFIG', `no priority class ${a.priorityClass}`);
        const orderKey =
          a.kind === 'class'
            ? t.arrivedAt - config.settings.bonusSeconds[a.priorityClass] * 1000
            : t.orderKey;
        return ok({ type: 'ticket:priority-overridden', ticketId: t.id, action: a, orderKey, note });
      }
      case 'day:close': {
        const today = businessDayOf(now, config.settings.utcOffsetMinutes);
        const day = cmd.businessDay ?? today;
        if (day > today) return fail('DAY_CLOSED', `business day ${day} has not begun`);
        if (this.lastClosedDay !== null && day <= this.lastClosedDay)
          return fail('DAY_CLOSED', `business day ${day} is already closed`);
        if (!cmd.by || !cmd.reason.trim())
          return fail('REASON_REQUIRED', 'closing the day needs who and why');
        const settled = [...this.tickets.values()]
          .filter((t) => t.businessDay <= day && LIVE_STATUSES.has(t.status))
          .sort((a, b) => a.tieBreak - b.tieBreak)
          .map((t) => t.id);
        return ok({
          type: 'day:closed',
          businessDay: day,
          settledTicketIds: settled,
          // Closing today ends the hall's day; closing a past day (left open overnight) only settles it.
          closeWindows: day === today,
          by: cmd.by,
          reason: cmd.reason,
        });
      }
    }
  }

  /** Folds one committed fact into the state. Facts are trusted: they were decided already. */
  apply(ev: HallEvent): void {
    if (ev.seq !== this.seq + 1) throw new Error(`event seq ${ev.seq} does not follow ${this.seq}`);
    this.seq = ev.seq;
    // Cases, slips and forms share the hall's log (one seq) but are not the queue's business.
    if (!isQueueFact(ev)) return;
    switch (ev.type) {
      case 'hall:configured': {
        this.config = structuredClone(ev.config);
        const keep = new Map(this.windows);
        this.windows.clear();
        for (const def of ev.config.windows) {
          const old = keep.get(def.id);
          this.windows.set(def.id, {
            ...def,
            categoryIds: [...def.categoryIds],
            state: old?.state ?? 'closed',
            pauseReason: old?.pauseReason ?? null,
            clerkId: old?.clerkId ?? null,
            ticketId: old?.ticketId ?? null,
          });
        }
        return;
      }
      case 'ticket:issued': {
        const t = structuredClone(ev.ticket);
        this.addTicket(t);
        this.counters.set(t.categoryId, { businessDay: t.businessDay, last: t.seq });
        this.enqueue(t);
        return;
      }
      case 'window:opened': {
        const w = this.windows.get(ev.windowId)!;
        w.state = 'open';
        w.clerkId = ev.clerkId;
        w.pauseReason = null;
        return;
      }
      case 'window:closed': {
        const w = this.windows.get(ev.windowId)!;
        w.state = 'closed';
        w.clerkId = null;
        w.pauseReason = null;
        return;
      }
      case 'window:paused': {
        const w = this.windows.get(ev.windowId)!;
        w.state = 'paused';
        w.pauseReason = ev.reason;
        return;
      }
      case 'window:resumed': {
        const w = this.windows.get(ev.windowId)!;
        w.state = 'open';
        w.pauseReason = null;
        return;
      }
      case 'ticket:called': {
        const t = this.tickets.get(ev.ticketId)!;
        this.dequeue(t);
        t.status = 'called';
        t.windowId = ev.windowId;
        t.callCount = 1;
        t.calledAt = ev.at;
        this.windows.get(ev.windowId)!.ticketId = t.id;
        this.priorityStreak = ev.priorityStreak;
        return;
      }
      case 'ticket:recalled': {
        const t = this.tickets.get(ev.ticketId)!;
        t.callCount += 1;
        t.calledAt = ev.at;
        return;
      }
      case 'ticket:serving': {
        const t = this.tickets.get(ev.ticketId)!;
        t.status = 'serving';
        t.servingAt = ev.at;
        t.servedBy = this.windows.get(ev.windowId)?.clerkId ?? null;
        return;
      }
      case 'ticket:no-show': {
        const t = this.tickets.get(ev.ticketId)!;
        t.status = 'no-show';
        t.misses += 1;
        this.release(ev.windowId, t.id);
        return;
      }
      case 'ticket:finished': {
        const t = this.tickets.get(ev.ticketId)!;
        t.status = 'done';
        t.outcome = ev.outcome;
        t.finishedAt = ev.at;
        this.release(ev.windowId, t.id);
        return;
      }
      case 'ticket:parked': {
        const t = this.tickets.get(ev.ticketId)!;
        t.status = 'parked';
        this.release(ev.windowId, t.id);
        return;
      }
      case 'ticket:resumed': {
        const t = this.tickets.get(ev.ticketId)!;
        t.status = 'serving';
        t.windowId = ev.windowId;
        t.servedBy = this.windows.get(ev.windowId)?.clerkId ?? null;
        this.windows.get(ev.windowId)!.ticketId = t.id;
        return;
      }
      case 'ticket:reinstated': {
        const t = this.tickets.get(ev.ticketId)!;
        t.status = 'waiting';
        t.orderKey = ev.orderKey;
        t.tieBreak = ev.tieBreak;
        t.front = null;
        t.callCount = 0;
        t.calledAt = null;
        this.enqueue(t);
        return;
      }
      case 'ticket:transferred': {
        const t = this.tickets.get(ev.ticketId)!;
        this.dequeue(t);
        if (ev.fromWindowId !== null) this.release(ev.fromWindowId, t.id);
        t.status = 'waiting';
        t.categoryId = ev.categoryId;
        t.requiredPost = ev.requiredPost;
        t.pinnedWindowId = ev.pinnedWindowId;
        t.callCount = 0;
        t.calledAt = null;
        t.servingAt = null;
        this.enqueue(t);
        return;
      }
      case 'ticket:rated': {
        // A rating by link may come after its day closed (MOB-RATE-3): the ticket left memory then.
        const t = this.tickets.get(ev.ticketId);
        if (t !== undefined)
          t.rating = { level: ev.level, reasons: [...ev.reasons], channel: ev.channel, at: ev.at };
        return;
      }
      case 'ticket:confirmed': {
        const t = this.tickets.get(ev.ticketId)!;
        delete t.confirmBy;
        this.enqueue(t);
        return;
      }
      case 'ticket:cancelled': {
        const t = this.tickets.get(ev.ticketId)!;
        this.dequeue(t);
        if (t.status === 'called' && t.windowId !== null) this.release(t.windowId, t.id);
        t.status = 'cancelled';
        delete t.confirmBy;
        t.cancelReason = ev.reason;
        t.finishedAt = ev.at;
        return;
      }
      case 'ticket:priority-overridden': {
        const t = this.tickets.get(ev.ticketId)!;
        this.dequeue(t);
        const a = ev.action;
        if (a.kind === 'front') t.front = ev.note;
        else if (a.kind === 'pin') t.pinnedWindowId = a.windowId;
        else t.priorityClass = a.priorityClass;
        t.orderKey = ev.orderKey;
        this.enqueue(t);
        return;
      }
      case 'day:closed': {
        // The day's tickets are settled and leave memory (the store keeps them as history).
        const settled = new Set(ev.settledTicketIds);
        for (const w of this.windows.values()) {
          if (w.ticketId !== null && settled.has(w.ticketId)) w.ticketId = null;
          if (ev.closeWindows) {
            w.state = 'closed';
            w.clerkId = null;
            w.pauseReason = null;
          }
        }
        for (const t of [...this.tickets.values()]) {
          if (t.businessDay > ev.businessDay) continue;
          this.dequeue(t);
          this.removeTicket(t);
        }
        for (const [categoryId, c] of [...this.counters])
          if (c.businessDay <= ev.businessDay) this.counters.delete(categoryId);
        if (ev.closeWindows) this.priorityStreak = 0;
        this.lastClosedDay = ev.businessDay;
        return;
      }
    }
  }

  /** The small hall-wide part of the state (counters, streak, last closed day), cheap to read. */
  hallState(): Pick<EngineSnapshot, 'counters' | 'priorityStreak' | 'lastClosedDay'> {
    return {
      counters: [...this.counters.entries()]
        .map(([categoryId, c]) => ({ categoryId, businessDay: c.businessDay, last: c.last }))
        .sort((a, b) => a.categoryId.localeCompare(b.categoryId)),
      priorityStreak: this.priorityStreak,
      lastClosedDay: this.lastClosedDay,
    };
  }

  /** The whole state as plain, deterministic JSON (SPEC Q-LOG-2). */
  snapshot(): EngineSnapshot {
    return {
      seq: this.seq,
      config: this.config === null ? null : structuredClone(this.config),
      windows: [...this.windows.values()].map((w) => ({ ...w, categoryIds: [...w.categoryIds] })),
      tickets: [...this.tickets.values()]
        .sort((a, b) => a.tieBreak - b.tieBreak)
        .map((t) => structuredClone(t)),
      counters: [...this.counters.entries()]
        .map(([categoryId, c]) => ({ categoryId, businessDay: c.businessDay, last: c.last }))
        .sort((a, b) => a.categoryId.localeCompare(b.categoryId)),
      priorityStreak: this.priorityStreak,
      lastClosedDay: this.lastClosedDay,
    };
  }

  /**
   * Waiting tickets in the order the given window would call them if the policy were pure
   * virtual arrival (for boards and the guide console; O(n log n), not for call-next).
   */
  waitingInOrder(filter?: (t: Ticket) => boolean): Readonly<Ticket>[] {
    const out: Ticket[] = [];
    for (const h of this.lanes.values()) for (const t of h.values()) if (!filter || filter(t)) out.push(t);
    return out.sort((a, b) => (queueLess(a, b) ? -1 : queueLess(b, a) ? 1 : 0));
  }

  // ---- decisions -------------------------------------------------------------------------

  private decideConfigure(config: HallConfig, by: string): Decision {
    const problem = validateConfig(config);
    if (problem !== null) return fail('INVALID_CONFIG', problem);
    const winIds = new Set(config.windows.map((w) => w.id));
    const catIds = new Set(config.categories.map((c) => c.id));
    for (const w of this.windows.values())
      if (!winIds.has(w.id) && w.ticketId !== null)
        return fail('INVALID_CONFIG', `window ${w.id} cannot be removed while it holds ${w.ticketId}`);
    for (const t of this.tickets.values()) {
      if (!LIVE_STATUSES.has(t.status)) continue;
      if (!catIds.has(t.categoryId))
        return fail('INVALID_CONFIG', `category ${t.categoryId} cannot be removed while ${t.id} is live`);
      if (t.pinnedWindowId !== null && !winIds.has(t.pinnedWindowId))
        return fail(
          'INVALID_CONFIG',
          `window ${t.pinnedWindowId} cannot be removed: ${t.id} is pinned to it`,
        );
    }
    return ok({ type: 'hall:configured', config: structuredClone(config), by });
  }

  private decideIssue(
    cmd: Extract<Command, { type: 'ticket:issue' }>,
    config: HallConfig,
    now: number,
  ): Decision {
    const s = config.settings;
    const category = config.categories.find((c) => c.id === cmd.categoryId);
    if (!category) return fail('UNKNOWN_CATEGORY', `no category ${cmd.categoryId}`);
    const day = businessDayOf(now, s.utcOffsetMinutes);
    if (this.lastClosedDay !== null && day <= this.lastClosedDay)
      return fail('DAY_CLOSED', `business day ${day} is closed; numbers are issued again tomorrow`);

    let holder: TicketHolder | null = null;
    let senior = false;
    if (cmd.idNumber) {
      const parsed = parseIdNumber(cmd.idNumber, { today: day });
      if (!parsed.ok) return fail('INVALID_ID_NUMBER', parsed.error.detail);
      senior = ageOn(parsed.value.birthDate, day) >= s.seniorAge;
      holder = { masked: maskIdNumber(parsed.value.number), senior, ref: cmd.holderRef ?? null };
    } else if (cmd.holder) {
      holder = { ...cmd.holder };
      senior = holder.senior;
    }

    const requested: PriorityClass = cmd.priorityClass ?? 'regular';
    if (!PRIORITY_CLASSES.includes(requested))
      return fail('INVALID_CONFIG', `no priority class ${requested}`);
    const decidedByStaff = Boolean(cmd.by && cmd.reason?.trim());
    // Q-PRI-1/2: age is proven by the ID; any other class is a guide's decision with who and why.
    if (requested !== 'regular' && !(requested === 'senior' && senior) && !decidedByStaff)
      return fail('REASON_REQUIRED', `class ${requested} needs the deciding staff member and a reason`);
    const priorityClass: PriorityClass = requested === 'regular' && senior ? 'senior' : requested;

    const counter = this.counters.get(category.id);
    const seq = counter !== undefined && counter.businessDay === day ? counter.last + 1 : 1;
    if (seq >= 10 ** s.numberDigits)
      return fail(
        'NUMBERS_EXHAUSTED',
        `category ${category.id} has used all ${s.numberDigits}-digit numbers today`,
      );
    const number = formatTicketNumber(category.prefix, seq, s.numberDigits);
    const tieBreak = this.seq + 1;
    // MOB-Q-2: an online ticket keeps its place from now but waits outside the callable heaps.
    const confirmBy = cmd.source === 'online' ? now + onlineSettingsOf(s).confirmMinutes * 60_000 : undefined;
    const ticket: Ticket = {
      id: `${day.replaceAll('-', '')}-${number}`,
      number,
      categoryId: category.id,
      businessDay: day,
      seq,
      itemCode: cmd.itemCode ?? null,
      source: cmd.source,
      status: 'waiting',
      priorityClass,
      holder,
      arrivedAt: now,
      orderKey: now - s.bonusSeconds[priorityClass] * 1000,
      tieBreak,
      front: null,
      pinnedWindowId: null,
      requiredPost: null,
      windowId: null,
      callCount: 0,
      calledAt: null,
      servingAt: null,
      finishedAt: null,
      misses: 0,
      outcome: null,
      cancelReason: null,
      servedBy: null,
      rating: null,
      ...(confirmBy !== undefined ? { confirmBy } : {}),
    };
    return ok({ type: 'ticket:issued', ticket });
  }

  private decideCallNext(windowId: string, s: HallSettings, now: number): Decision {
    const w = this.windows.get(windowId);
    if (!w) return fail('UNKNOWN_WINDOW', `no window ${windowId}`);
    if (w.state === 'closed') return fail('WINDOW_CLOSED', `window ${w.id} is closed`);
    if (w.state === 'paused') return fail('WINDOW_PAUSED', `window ${w.id} is paused: ${w.pauseReason}`);
    const events: EventBody[] = [];
    if (w.ticketId !== null) {
      const held = this.tickets.get(w.ticketId)!;
      // Q-NS-2: pressing "next" after the last unanswered call marks the citizen no-show.
      if (held.status !== 'called' || held.callCount < 1 + s.maxRecalls)
        return fail(
          'WINDOW_BUSY',
          `window ${w.id} holds ${held.id} (${held.status}); finish or recall it first`,
        );
      events.push({ type: 'ticket:no-show', ticketId: held.id, windowId: w.id });
    }
    const next = this.pick(w, now);
    if (!next) return fail('QUEUE_EMPTY', `no ticket waits for window ${w.id}`);
    const priorityStreak = isPriority(next) ? this.priorityStreak + 1 : 0;
    events.push({ type: 'ticket:called', ticketId: next.id, windowId: w.id, priorityStreak });
    return { ok: true, events };
  }

  private decideReinstate(ticketId: string, by: string, s: HallSettings, now: number): Decision {
    const t = this.tickets.get(ticketId);
    if (!t) return fail('UNKNOWN_TICKET', `no live ticket ${ticketId}`);
    if (t.status !== 'no-show') return fail('BAD_TICKET_STATE', `${t.id} is ${t.status}, not a no-show`);
    if (!by) return fail('REASON_REQUIRED', 'a reinstatement needs who did it');
    if (t.misses > s.maxReinstates)
      return fail('TOO_MANY_MISSES', `${t.id} missed ${t.misses} times; send the citizen to the guide desk`);
    const { orderKey, tieBreak } = this.placeBack(t, s.reinstatePlaces, now);
    return ok({ type: 'ticket:reinstated', ticketId: t.id, orderKey, tieBreak, by });
  }

  /**
   * Q-NS-4: the key that puts a ticket exactly `places` places behind the head of its lane
   * (guide front-moves not counted), or at the end when fewer wait.
   */
  private placeBack(t: Ticket, places: number, now: number): { orderKey: number; tieBreak: number } {
    const lane = laneOf(t);
    const heaps = [this.lanes.get(`${lane}|P`), this.lanes.get(`${lane}|R`)].filter(
      (h): h is IndexedHeap<Ticket> => h !== undefined,
    );
    const total = heaps.reduce((n, h) => n + h.size, 0);
    let ahead: Ticket[] = [];
    for (let want = places + 1 + 8; ; want *= 2) {
      const merged = heaps.flatMap((h) => h.smallest(want)).sort((a, b) => (queueLess(a, b) ? -1 : 1));
      ahead = merged.filter((x) => x.front === null);
      if (ahead.length >= places + 1 || want >= total) break;
    }
    ahead = ahead.slice(0, places + 1);
    const ownTie = this.seq + 1;
    if (ahead.length <= places) {
      const last = ahead[ahead.length - 1];
      return { orderKey: last === undefined ? now : Math.max(now, last.orderKey + 1), tieBreak: ownTie };
    }
    const a = places === 0 ? undefined : ahead[places - 1];
    const b = ahead[places]!;
    if (a === undefined) return { orderKey: b.orderKey - 1, tieBreak: ownTie };
    const mid = (a.orderKey + b.orderKey) / 2;
    if (mid > a.orderKey && mid < b.orderKey) return { orderKey: mid, tieBreak: ownTie };
    // Keys equal (or too close for a double between them): stay on a's key, after it by tie-break.
    const tieB = b.orderKey === a.orderKey ? b.tieBreak : a.tieBreak + 1;
    return { orderKey: a.orderKey, tieBreak: (a.tieBreak + tieB) / 2 };
  }

  // ---- queue index ------------------------------------------------------------------------

  /** Q-ORD-1/Q-ORD-4: the ticket this window should call now, in O(lanes + log n). */
  private pick(w: ServiceWindow, now: number): Ticket | undefined {
    let bestP: Ticket | undefined;
    let bestR: Ticket | undefined;
    for (const lane of lanesOfWindow(w)) {
      const p = this.lanes.get(`${lane}|P`)?.peek();
      const r = this.lanes.get(`${lane}|R`)?.peek();
      if (p && (!bestP || queueLess(p, bestP))) bestP = p;
      if (r && (!bestR || queueLess(r, bestR))) bestR = r;
    }
    if (!bestP) return bestR;
    if (!bestR) return bestP;
    const policy = this.config!.settings.policy;
    if (bestP.front !== null || bestR.front !== null || policy.kind === 'virtual-arrival')
      return queueLess(bestP, bestR) ? bestP : bestR;
    if (policy.kind === 'tail-guard') {
      // Q-ORD-7: the priority ticket goes first unless the regular one has waited at least
      // 100/share times as long, or arrived more than the bound before it.
      const waitP = now - bestP.arrivedAt;
      const waitR = now - bestR.arrivedAt;
      const protectedR =
        waitR * policy.sharePercent >= waitP * 100 ||
        bestP.arrivedAt - bestR.arrivedAt > policy.maxBonusSeconds * 1000;
      return protectedR ? bestR : bestP;
    }
    const regularOverdue = now - bestR.arrivedAt > policy.regularWaitSeconds * 1000;
    return regularOverdue && this.priorityStreak >= policy.maxPriorityInRow ? bestR : bestP;
  }

  private heldTicket(
    windowId: string,
  ): { ok: true; w: ServiceWindow; t: Ticket } | { ok: false; error: DomainError } {
    const w = this.windows.get(windowId);
    if (!w) return fail('UNKNOWN_WINDOW', `no window ${windowId}`);
    if (w.ticketId === null) return fail('WINDOW_IDLE', `window ${w.id} holds no ticket`);
    return { ok: true, w, t: this.tickets.get(w.ticketId)! };
  }

  private heapFor(t: Ticket): IndexedHeap<Ticket> {
    const key = `${laneOf(t)}|${isPriority(t) ? 'P' : 'R'}`;
    let h = this.lanes.get(key);
    if (!h) {
      h = new IndexedHeap<Ticket>((x) => x.id, queueKey);
      this.lanes.set(key, h);
    }
    return h;
  }

  /** Only callable tickets sit in the heaps: an unconfirmed online ticket waits outside (MOB-Q-2). */
  private enqueue(t: Ticket): void {
    if (t.confirmBy === undefined) this.heapFor(t).push(t);
  }

  private dequeue(t: Ticket): void {
    if (t.status === 'waiting') this.heapFor(t).remove(t.id);
  }

  private release(windowId: string, ticketId: string): void {
    const w = this.windows.get(windowId);
    if (w && w.ticketId === ticketId) w.ticketId = null;
  }
}
