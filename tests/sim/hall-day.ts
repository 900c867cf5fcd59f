/**
 * A hall day, played against the real `QueueEngine` with an injected clock (docs/SIMULATION.md).
 *
 * Written from how a hall behaves, not tuned to one figure: seeded arrivals with a morning and
 * an afternoon peak and a lunch lull, a senior share, service times per item (lognormal),
 * windows that open late, pause for lunch in two shifts and close early, citizens who do not
 * answer their call (no-show after the recalls), who give up and leave, and tickets transferred
 * to another category at the end of a service. Every command goes through `engine.execute`, so
 * the policy under test is the one the server runs.
 */
import type { PriorityClass, QueueCategory, Ticket, WindowDefinition } from '@onewindow/shared';
import { QueueEngine } from '../../queue-server/src/domain/engine.ts';
import { ArrivalHistory, estimateTicket, ServiceTimes } from '../../queue-server/src/domain/estimate.ts';
import { DEFAULT_SETTINGS } from '../../queue-server/src/domain/settings.ts';
import type { Command, HallSettings } from '../../queue-server/src/domain/types.ts';

export const MIN = 60_000;
/** A Monday, 09:00 in Beijing (01:00 UTC): the hall opens. */
export const DAY0 = Date.UTC(2026, 10, 30, 1, 0, 0);
const DAY_MS = 86_400_000;

/** mulberry32: a small seeded PRNG, so a day repeats exactly for a seed. */
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

function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export const SIM_CATEGORIES: QueueCategory[] = [
  { id: 'A', prefix: 'A', name: '综合业务', nameEn: 'General business' },
  { id: 'B', prefix: 'B', name: '单位业务', nameEn: 'Employer business' },
  { id: 'C', prefix: 'C', name: '权益出件', nameEn: 'Rights and results' },
];

/** Items by category: share of the category's visitors and median minutes at the window. */
export const SIM_ITEMS: { code: string; categoryId: string; share: number; medianMin: number }[] = [
  { code: 'A-enrol', categoryId: 'A', share: 0.3, medianMin: 5 },
  { code: 'A-transfer', categoryId: 'A', share: 0.2, medianMin: 9 },
  { code: 'A-pension', categoryId: 'A', share: 0.15, medianMin: 12 },
  { code: 'A-query', categoryId: 'A', share: 0.35, medianMin: 3 },
  { code: 'B-change', categoryId: 'B', share: 0.5, medianMin: 8 },
  { code: 'B-pay', categoryId: 'B', share: 0.5, medianMin: 6 },
  { code: 'C-cert', categoryId: 'C', share: 0.6, medianMin: 3 },
  { code: 'C-card', categoryId: 'C', share: 0.4, medianMin: 4 },
];

const CATEGORY_SHARE: Record<string, number> = { A: 0.7, B: 0.15, C: 0.15 };

/** Relative arrival rate by local hour (09 … 16): a morning peak, lunch, an afternoon peak. */
const HOURLY_WEIGHT = [1.7, 1.4, 0.9, 0.45, 0.9, 1.4, 1.0, 0.5];
const LAST_ARRIVAL_MIN = 7.5 * 60; // 16:30

export interface DayOptions {
  seed: number;
  /** Visitors expected over the day (the realised count varies with the seed). */
  visitors?: number;
  /** Share of visitors aged 60 or more (identified by their ID card). */
  seniorShare?: number;
  /** Share with an appointment checked in on time (a staff-decided priority class). */
  appointmentShare?: number;
  windows?: number;
  settings?: Partial<HallSettings>;
  /** Which day after DAY0 (history days come before the measured day). */
  dayIndex?: number;
  /** Priority arrivals learned from earlier days, for the estimate. */
  history?: ArrivalHistory;
  /** false: estimate as before issue #14, without the priority arrivals to come (EST-2). */
  expectArrivals?: boolean;
}

/**
 * Plays the day again from the moment citizen `index` (in order of arrival) takes a ticket, with
 * everything the hall cannot know then drawn anew from `seed`: the later arrivals, the service
 * times (a service under way lasts longer than it has so far), the walks, who answers, who
 * gives up, who needs a second business. Everything before that moment is the same day. With
 * `seed: null` nothing is drawn anew, which must give the day itself (tested).
 */
export interface Branch {
  index: number;
  seed: number | null;
}

export interface TicketRecord {
  id: string;
  categoryId: string;
  priorityClass: PriorityClass;
  arrivedAt: number;
  /** Minutes from issue to the first call; null when never called (left). */
  waitMin: number | null;
  outcome: 'served' | 'no-show' | 'left';
  transferred: boolean;
  /** What the kiosk printed: people ahead and the estimate range, in minutes. */
  ahead: number;
  estimate: number | null;
  low: number | null;
  high: number | null;
  /** Tickets that arrived later in the same category and were called first. */
  overtakenBy: number;
  /** Tickets that arrived earlier in the same category and were called after this one. */
  overtook: number;
}

export interface DayResult {
  seed: number;
  arrivals: number;
  tickets: TicketRecord[];
  /** The engine's tickets at the end (for conservation checks). */
  finalStatuses: Record<string, number>;
  /** Time of the last event, minutes after opening. */
  endMin: number;
}

interface Citizen {
  at: number;
  itemCode: string;
  categoryId: string;
  senior: boolean;
  appointment: boolean;
  serviceMs: number;
  answers: boolean;
  patienceMs: number;
  transferTo: string | null;
}

/** A service time at the window: lognormal (σ = 0.5) around the item's median. */
function serviceMsOf(medianMin: number, senior: boolean, rand: () => number): number {
  // Seniors take a little longer at the window (reading glasses, questions).
  return medianMin * (senior ? 1.15 : 1) * Math.exp(0.5 * normal(rand)) * MIN;
}

/** 4 % need a second business in another category at the end of the service. */
function transferOf(categoryId: string, rand: () => number): string | null {
  if (rand() >= 0.04) return null;
  const others = SIM_CATEGORIES.map((x) => x.id).filter((x) => x !== categoryId);
  return others[Math.floor(rand() * others.length)]!;
}

function medianMinOf(itemCode: string): number {
  return SIM_ITEMS.find((i) => i.code === itemCode)!.medianMin;
}

/**
 * Draws again what the hall cannot know at the branch time about a citizen already there: the
 * service time (longer than `atLeastMs` when the service has begun), whether they answer the
 * call, their patience (beyond what they have already waited) and a second business.
 */
function redrawUnknowns(c: Citizen, rand: () => number, waitedMs: number, atLeastMs: number): void {
  const median = medianMinOf(c.itemCode);
  let s = serviceMsOf(median, c.senior, rand);
  for (let i = 0; i < 200 && s <= atLeastMs; i++) s = serviceMsOf(median, c.senior, rand);
  c.serviceMs = s > atLeastMs ? s : atLeastMs + MIN;
  c.answers = rand() >= 0.04;
  const lo = Math.max(45 * MIN, waitedMs);
  c.patienceMs = lo >= 135 * MIN ? waitedMs + MIN : lo + rand() * (135 * MIN - lo);
  c.transferTo = transferOf(c.categoryId, rand);
}

/** The citizens of a day: Poisson arrivals by thinning, with their items and behaviour. */
export function citizensOf(o: DayOptions, start: number): Citizen[] {
  const rand = mulberry32(o.seed);
  const visitors = o.visitors ?? 800;
  const seniorShare = o.seniorShare ?? 0.35;
  const appointmentShare = o.appointmentShare ?? 0.03;
  const weightSum = HOURLY_WEIGHT.reduce((a, b, i) => a + b * (i === 7 ? 0.5 : 1), 0);
  const perMinPerWeight = visitors / (weightSum * 60);
  const maxRate = Math.max(...HOURLY_WEIGHT) * perMinPerWeight;
  const out: Citizen[] = [];
  let t = 0;
  for (;;) {
    t += -Math.log(Math.max(rand(), 1e-12)) / maxRate;
    if (t >= LAST_ARRIVAL_MIN) break;
    const rate = HOURLY_WEIGHT[Math.floor(t / 60)]! * perMinPerWeight;
    if (rand() * maxRate > rate) continue;
    const c = rand();
    const categoryId = c < CATEGORY_SHARE.A! ? 'A' : c < CATEGORY_SHARE.A! + CATEGORY_SHARE.B! ? 'B' : 'C';
    const items = SIM_ITEMS.filter((i) => i.categoryId === categoryId);
    let r = rand();
    let item = items[0]!;
    for (const i of items) {
      item = i;
      r -= i.share;
      if (r < 0) break;
    }
    const senior = rand() < seniorShare;
    const serviceMs = serviceMsOf(item.medianMin, senior, rand);
    const appointment = !senior && rand() < appointmentShare;
    const answers = rand() >= 0.04;
    const patienceMs = (45 + rand() * 90) * MIN;
    out.push({
      at: start + Math.round(t * MIN),
      itemCode: item.code,
      categoryId,
      senior,
      appointment,
      serviceMs,
      answers,
      patienceMs,
      transferTo: transferOf(categoryId, rand),
    });
  }
  return out;
}

/** 15 comprehensive windows: 10 serve everything, 3 general business only, 2 employer and results. */
export function simWindows(n = 15): WindowDefinition[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `w${i + 1}`,
    number: i + 1,
    post: 'comprehensive' as const,
    categoryIds: i < Math.round(n * 0.67) ? ['A', 'B', 'C'] : i < Math.round(n * 0.87) ? ['A'] : ['B', 'C'],
  }));
}

type Ev = { at: number; order: number; run: () => void };

/** Plays one day and returns what happened to every ticket. */
export function playDay(o: DayOptions): DayResult {
  return play(o, null).day;
}

/**
 * The wait (minutes from issue to the first call) of citizen `branch.index` on a branch of the
 * day (see `Branch`); null when the citizen is never called. On a branch the citizen waits as
 * long as it takes: the figure is the wait of one who stays.
 */
export function branchWait(o: DayOptions, branch: Branch): number | null {
  return play(o, branch).branchWaitMin;
}

function play(o: DayOptions, branch: Branch | null): { day: DayResult; branchWaitMin: number | null } {
  const start = DAY0 + (o.dayIndex ?? 0) * DAY_MS;
  const settings: HallSettings = { ...structuredClone(DEFAULT_SETTINGS), ...o.settings };
  const windows = simWindows(o.windows ?? 15);
  const engine = new QueueEngine();
  const times = new ServiceTimes();
  const history = o.history ?? new ArrivalHistory();
  let rand = mulberry32(o.seed ^ 0x5eed);
  let now = start - 30 * MIN;
  const agenda: Ev[] = [];
  let order = 0;
  const at = (t: number, run: () => void) => {
    const ev = { at: t, order: order++, run };
    let lo = 0;
    let hi = agenda.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = agenda[mid]!;
      if (m.at < ev.at || (m.at === ev.at && m.order < ev.order)) lo = mid + 1;
      else hi = mid;
    }
    agenda.splice(lo, 0, ev);
  };
  const exec = (cmd: Command) => {
    const r = engine.execute(cmd, now);
    if (r.ok)
      for (const ev of r.events) {
        if (ev.type === 'ticket:finished') times.observe(engine.ticket(ev.ticketId)!);
      }
    return r;
  };
  const must = (cmd: Command) => {
    const r = exec(cmd);
    if (!r.ok) throw new Error(`sim: ${cmd.type} refused: ${r.error.code} ${r.error.message}`);
    return r.events;
  };
  must({
    type: 'hall:configure',
    config: { settings, categories: structuredClone(SIM_CATEGORIES), windows },
    by: 'sim',
  });

  const original = citizensOf(o, start);
  let citizens = original;
  if (branch !== null && branch.seed !== null) {
    // The Poisson process has no memory: a fresh day's arrivals after the branch time are the
    // later arrivals of the branch.
    const t0 = original[branch.index]!.at;
    const fresh = citizensOf({ ...o, seed: branch.seed }, start).filter((c) => c.at > t0);
    citizens = [...original.slice(0, branch.index + 1).map((c) => ({ ...c })), ...fresh];
  }
  const who = new Map<string, Citizen>();
  /** The service under way at each window: whose, since when, and which end event counts. */
  const serving = new Map<string, { tid: string; since: number; token: number }>();
  /** The leave event that counts for each citizen (a branch replaces the scheduled ones). */
  const leaveToken = new Map<string, number>();
  let tokens = 0;
  let branchTicket: string | null = null;
  let branchWaitMin: number | null = null;
  const records = new Map<string, TicketRecord>();
  const firstCall = new Map<string, number>();
  const transferredOnce = new Set<string>();
  /** Windows whose clerk is waiting for the queue to bring someone. */
  const idle = new Set<string>();
  /** Windows that should pause (or close) once the current service ends. */
  const pending = new Map<string, 'pause' | 'close'>();

  const tryCall = (wid: string) => {
    const w = engine.window(wid)!;
    if (w.state !== 'open' || w.ticketId !== null) return;
    const p = pending.get(wid);
    if (p !== undefined) {
      pending.delete(wid);
      if (p === 'pause') {
        must({ type: 'window:pause', windowId: wid, reason: 'lunch' });
        at(now + 45 * MIN, () => {
          must({ type: 'window:resume', windowId: wid });
          tryCall(wid);
        });
      } else must({ type: 'window:close', windowId: wid });
      idle.delete(wid);
      return;
    }
    const r = exec({ type: 'ticket:call-next', windowId: wid });
    if (!r.ok) {
      idle.add(wid);
      return;
    }
    idle.delete(wid);
    const called = r.events.find((e) => e.type === 'ticket:called');
    if (called?.type !== 'ticket:called') return;
    onCalled(wid, called.ticketId);
  };

  const onCalled = (wid: string, tid: string) => {
    if (!firstCall.has(tid)) firstCall.set(tid, now);
    if (tid === branchTicket && branchWaitMin === null) {
      branchWaitMin = (now - who.get(tid)!.at) / MIN;
      agenda.length = 0; // the branch has its answer
      return;
    }
    const c = who.get(tid)!;
    const t = engine.ticket(tid)!;
    if (!c.answers && !transferredOnce.has(tid)) {
      // Recalled every minute; then "next" marks the no-show and calls the next ticket.
      const recalls = settings.maxRecalls;
      for (let i = 1; i <= recalls; i++)
        at(now + i * MIN, () => {
          if (engine.window(wid)?.ticketId === tid) must({ type: 'ticket:recall', windowId: wid });
        });
      at(now + (recalls + 1) * MIN, () => {
        if (engine.window(wid)?.ticketId !== tid) return;
        const r = exec({ type: 'ticket:call-next', windowId: wid });
        if (!r.ok) {
          must({ type: 'ticket:no-show', windowId: wid });
          tryCall(wid);
          return;
        }
        const called = r.events.find((e) => e.type === 'ticket:called');
        if (called?.type === 'ticket:called') onCalled(wid, called.ticketId);
      });
      return;
    }
    const walk = (0.5 + rand()) * MIN;
    at(now + walk, () => {
      must({ type: 'ticket:start', windowId: wid });
      const second = transferredOnce.has(tid);
      const service = second ? c.serviceMs * 0.6 : c.serviceMs;
      const token = ++tokens;
      serving.set(wid, { tid, since: now, token });
      at(now + service, () => endService(wid, tid, token));
    });
    void t;
  };

  const endService = (wid: string, tid: string, token: number) => {
    if (serving.get(wid)?.token !== token) return;
    serving.delete(wid);
    const c = who.get(tid)!;
    const second = transferredOnce.has(tid);
    if (!second && c.transferTo !== null) {
      transferredOnce.add(tid);
      must({
        type: 'ticket:transfer',
        ticketId: tid,
        to: { categoryId: c.transferTo },
        by: 'sim',
        note: '另需办理',
      });
      records.get(tid)!.transferred = true;
      for (const w of idle) tryCall(w);
    } else must({ type: 'ticket:finish', windowId: wid, outcome: 'completed' });
    tryCall(wid);
  };

  /** At the branch time: draw anew what the hall cannot know (see `Branch`). */
  const redraw = (seed: number) => {
    rand = mulberry32(seed ^ 0x5eed);
    for (const [tid, c] of who) {
      const ticket = engine.ticket(tid)!;
      if (ticket.status === 'waiting' && !firstCall.has(tid)) {
        redrawUnknowns(c, rand, now - c.at, 0);
        const token = ++tokens;
        leaveToken.set(tid, token);
        if (tid !== branchTicket) at(c.at + c.patienceMs, () => leave(tid, token));
      } else if (ticket.status === 'called' && c.answers) {
        // On the way to the window: how long the business will take is still unknown.
        const { answers, patienceMs } = c;
        redrawUnknowns(c, rand, now - c.at, 0);
        Object.assign(c, { answers, patienceMs });
      }
    }
    for (const [wid, s] of serving) {
      if (transferredOnce.has(s.tid)) continue; // the second business: 0.6 of a drawn time
      const c = who.get(s.tid)!;
      redrawUnknowns(c, rand, now - c.at, now - s.since);
      const token = ++tokens;
      serving.set(wid, { ...s, token });
      at(s.since + c.serviceMs, () => endService(wid, s.tid, token));
    }
  };

  const leave = (tid: string, token: number) => {
    if (leaveToken.get(tid) !== token) return;
    if (engine.ticket(tid)?.status === 'waiting' && !firstCall.has(tid))
      must({ type: 'ticket:cancel', ticketId: tid, by: 'sim-guide', reason: '已离开' });
  };

  // Windows: 12 open at 09:00, the rest at 09:30; lunch in two shifts; two close at 15:30.
  windows.forEach((w, i) => {
    at(start + (i < 12 ? 0 : 30 * MIN), () => {
      must({ type: 'window:open', windowId: w.id, clerkId: `clerk-${w.id}` });
      tryCall(w.id);
    });
    if (i < 12) {
      const lunch = start + (i % 2 === 0 ? 165 : 210) * MIN; // 11:45 or 12:30
      at(lunch, () => {
        pending.set(w.id, 'pause');
        tryCall(w.id);
      });
    }
    if (i === 13 || i === 14)
      at(start + 390 * MIN, () => {
        pending.set(w.id, 'close');
        tryCall(w.id);
      });
  });

  for (const [index, c] of citizens.entries())
    at(c.at, () => {
      const cmd: Command = {
        type: 'ticket:issue',
        categoryId: c.categoryId,
        itemCode: c.itemCode,
        source: 'kiosk',
        holder: { masked: '110***********0000', senior: c.senior, ref: null },
        ...(c.appointment ? { priorityClass: 'appointment', by: 'sim-guide', reason: '预约按时签到' } : {}),
      };
      const [ev] = must(cmd);
      if (ev?.type !== 'ticket:issued') throw new Error('sim: no ticket issued');
      const t = ev.ticket;
      who.set(t.id, c);
      // A branch asks only for a wait: no estimate, and the history learns nothing from it.
      if (branch === null) history.observe(t, settings.utcOffsetMinutes);
      const est =
        branch === null
          ? estimateTicket(engine, times, t.id, o.expectArrivals === false ? {} : { history, now })
          : null;
      records.set(t.id, {
        id: t.id,
        categoryId: t.categoryId,
        priorityClass: t.priorityClass,
        arrivedAt: t.arrivedAt,
        waitMin: null,
        outcome: 'served',
        transferred: false,
        ahead: est?.ahead ?? 0,
        estimate: est?.minutes ?? null,
        low: est?.low ?? null,
        high: est?.high ?? null,
        overtakenBy: 0,
        overtook: 0,
      });
      for (const w of [...idle]) tryCall(w);
      if (branch !== null && index === branch.index) {
        branchTicket = t.id;
        if (branch.seed !== null) redraw(branch.seed);
      }
      // A citizen who has waited past their patience leaves; the guide cancels the ticket.
      const token = ++tokens;
      leaveToken.set(t.id, token);
      if (t.id !== branchTicket) at(c.at + c.patienceMs, () => leave(t.id, token));
    });

  while (agenda.length > 0) {
    const ev = agenda.shift()!;
    now = ev.at;
    ev.run();
  }
  if (branch !== null)
    return { day: { seed: o.seed, arrivals: 0, tickets: [], finalStatuses: {}, endMin: 0 }, branchWaitMin };

  const finalStatuses: Record<string, number> = {};
  for (const t of engine.allTickets()) finalStatuses[t.status] = (finalStatuses[t.status] ?? 0) + 1;
  for (const t of engine.allTickets() as Ticket[]) {
    const r = records.get(t.id)!;
    const fc = firstCall.get(t.id);
    r.waitMin = fc === undefined ? null : (fc - t.arrivedAt) / MIN;
    r.outcome = t.status === 'done' ? 'served' : t.status === 'no-show' ? 'no-show' : 'left';
  }
  const list = [...records.values()];
  // Overtaking within a category (where the windows could have called either).
  const byCat = new Map<string, TicketRecord[]>();
  for (const r of list) byCat.set(r.categoryId, [...(byCat.get(r.categoryId) ?? []), r]);
  for (const group of byCat.values())
    for (const a of group) {
      const ca = firstCall.get(a.id);
      if (ca === undefined) continue;
      for (const b of group) {
        if (b.arrivedAt <= a.arrivedAt) continue;
        const cb = firstCall.get(b.id);
        if (cb !== undefined && cb < ca) {
          a.overtakenBy += 1;
          b.overtook += 1;
        }
      }
    }
  return {
    day: {
      seed: o.seed,
      arrivals: citizens.length,
      tickets: list,
      finalStatuses,
      endMin: (now - start) / MIN,
    },
    branchWaitMin,
  };
}
