import {
  type ApiError,
  FOLLOW_UP_STATUSES,
  followUpCallbackBodySchema,
  followUpSettingsSchema,
  followUpStatusBodySchema,
  type HallStats,
  type MyStats,
  STATS_EXPORT_FORMATS,
  type StaffRole,
} from '@onewindow/shared';
import ExcelJS from 'exceljs';
import express, { type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Principal } from '../auth/permissions.ts';
import { businessDayOf } from '../domain/clock.ts';
import { DEFAULT_SETTINGS } from '../domain/settings.ts';
import { addWorkingDays } from '../service/calendar.ts';
import { FollowUpService } from '../service/follow-up.ts';
import type { Clock, HallService } from '../service/hall.service.ts';
import {
  dayStart,
  daysBetween,
  type StatsNames,
  type StatsOptions,
  StatsReplay,
  statsCsv,
  statsTables,
} from '../service/stats.ts';
import type { AuthStore } from '../store/auth.store.ts';
import { FollowUpStore } from '../store/follow-up.store.ts';
import type { HallStore } from '../store/hall.store.ts';
import { ReportStore } from '../store/report.store.ts';
import type { AuthService } from './auth.service.ts';
import { badRequest } from './command.gateway.ts';
import { needStaffOf, ROUTES, send } from './http.ts';

export interface StatsRoutesDeps {
  store: HallStore;
  service: HallService;
  auth: AuthService;
  authStore: AuthStore;
  clock: Clock;
  logger: Logger;
}

/** The longest range one request may ask for (STAT-1). */
export const MAX_RANGE_DAYS = 366;
/** Facts are read from the log in chunks of this many, so a year's range never sits in memory at once. */
const CHUNK = 20_000;

const MANAGERS: StaffRole[] = ['manager', 'admin'];
const date = z.iso.date();
const rangeQuery = z.strictObject({ from: date.optional(), to: date.optional() });
const exportQuery = z.strictObject({
  from: date.optional(),
  to: date.optional(),
  format: z.enum(STATS_EXPORT_FORMATS).default('csv'),
});
const meQuery = z.strictObject({ date: date.optional() });
const followUpQuery = z.strictObject({
  status: z.enum([...FOLLOW_UP_STATUSES, 'overdue']).optional(),
});

ROUTES.push(
  {
    method: 'get',
    path: '/api/stats',
    summary:
      'Hall figures replayed from the fact log (?from=YYYY-MM-DD&to=YYYY-MM-DD, default today, at most 366 days): per category, window and clerk (LD/T 02 §8.4 quantity, time, quality), hourly arrivals, ratings, 差评 with their follow-ups, per-day series. p90 is nearest-rank. Roles: manager, admin.',
    auth: 'staff',
  },
  {
    method: 'get',
    path: '/api/stats/me',
    summary:
      "The signed-in clerk's own figures for a day (?date=, default today). Roles: clerk, rights-clerk.",
    auth: 'staff',
  },
  {
    method: 'get',
    path: '/api/stats/export',
    summary:
      'The figures of a range as a download (?from&to&format=csv|xlsx): per category, window, clerk, bad ratings, days, hours. CSV is UTF-8 with a BOM; XLSX has one sheet per table. Roles: manager, admin.',
    auth: 'staff',
  },
  {
    method: 'get',
    path: '/api/follow-ups',
    summary:
      '差评回访 records (?status=open|called-back|rectifying|closed|overdue), newest first, with counts. Roles: manager, admin.',
    auth: 'staff',
  },
  {
    method: 'get',
    path: '/api/follow-ups/settings',
    summary: 'Working days to rectify a bad rating (default 15). Roles: manager, admin.',
    auth: 'staff',
  },
  {
    method: 'put',
    path: '/api/follow-ups/settings',
    summary:
      'Sets the working days to rectify a bad rating; applies to ratings from now on. Roles: manager, admin.',
    auth: 'staff',
    body: followUpSettingsSchema,
  },
  {
    method: 'get',
    path: '/api/follow-ups/{ticketId}',
    summary: 'One follow-up record. Roles: manager, admin.',
    auth: 'staff',
  },
  {
    method: 'post',
    path: '/api/follow-ups/{ticketId}/callback',
    summary:
      'Logs a call back to the citizen ({note, reached}); an open record becomes called-back. Roles: manager, admin.',
    auth: 'staff',
    body: followUpCallbackBodySchema,
  },
  {
    method: 'post',
    path: '/api/follow-ups/{ticketId}/status',
    summary:
      'Moves a record to called-back, rectifying or closed ({status, rectification?}); closing needs the rectification; a closed record is final (CONFLICT). Roles: manager, admin.',
    auth: 'staff',
    body: followUpStatusBodySchema,
  },
);

type Staff = Extract<Principal, { kind: 'staff' }>;
const fail = (res: Response, error: ApiError) => send(res, { ok: false, error });

/** Statistics (SPEC STAT-*) and bad-rating follow-ups (SPEC FUP-*), mounted under /api. */
export function createStatsRouter(deps: StatsRoutesDeps): Router {
  const r = express.Router();
  const reports = new ReportStore(deps.store.db);
  const offset = () => deps.service.queue.settings?.utcOffsetMinutes ?? DEFAULT_SETTINGS.utcOffsetMinutes;
  const today = () => businessDayOf(deps.clock.now(), offset());
  const config = () => deps.service.queue.hallConfig;
  const staffNames = (id: string) => {
    const s = deps.authStore.staffById(id);
    return s === undefined ? undefined : { name: s.name, staffNumber: s.staffNumber };
  };

  const followUpStore = new FollowUpStore(deps.store.db);
  const followUps = new FollowUpService({
    store: followUpStore,
    meta: { get: (k) => deps.store.meta(k), put: (k, v) => deps.store.putMeta(k, v) },
    ticketById: (id) => deps.store.ticketById(id),
    staff: staffNames,
    windowNumber: (id) => config()?.windows.find((w) => w.id === id)?.number ?? null,
    utcOffsetMinutes: offset,
    addWorkingDays: (from, n) => addWorkingDays(from, n, followUpStore.calendarOverride),
    now: () => deps.clock.now(),
  });
  // Listen first, then catch up: both run synchronously, so no rating falls between (FUP-2).
  deps.service.subscribe((events) => {
    try {
      for (const f of followUps.onFacts(events))
        deps.logger.info({ ticketId: f.ticketId, deadline: f.deadline }, 'bad rating follow-up opened');
    } catch (err) {
      deps.logger.error({ err }, 'bad rating follow-up failed; the next start catches up');
    }
  });
  const caughtUp = followUps.catchUp(deps.store.lastSeq());
  if (caughtUp > 0) deps.logger.info({ created: caughtUp }, 'bad rating follow-ups caught up from the log');

  const needStaff = needStaffOf(deps.auth);

  /** Replays the log for a range of business days (STAT-1): chunked, from the last sign-on before it. */
  const compute = (from: string, to: string, extra: Partial<StatsOptions> = {}): HallStats => {
    const cfg = config();
    const opts: StatsOptions = {
      from,
      to,
      today: today(),
      now: deps.clock.now(),
      utcOffsetMinutes: offset(),
      categories: cfg?.categories ?? [],
      windows: cfg?.windows ?? [],
      ...extra,
    };
    const replay = new StatsReplay(opts);
    const fromSeq = reports.firstSeqAtOrAfter(dayStart(from, opts.utcOffsetMinutes));
    let startSeq = fromSeq;
    for (const w of opts.windows) {
      const carried = reports.openingBefore(fromSeq, w.id);
      if (carried !== undefined) startSeq = Math.min(startSeq, carried.seq);
    }
    const lastSeq = deps.store.lastSeq();
    const closed = reports.dayClosed(to, fromSeq);
    const endOfRange = reports.firstSeqAtOrAfter(dayStart(to, opts.utcOffsetMinutes) + 86_400_000) - 1;
    const toSeq = closed === undefined ? lastSeq : Math.max(closed.seq, endOfRange);
    for (let seq = startSeq; seq <= toSeq; seq += CHUNK)
      for (const ev of deps.store.events(seq, Math.min(toSeq, seq + CHUNK - 1))) replay.apply(ev);
    const names: StatsNames = { staff: staffNames, followUp: (id) => followUps.get(id) };
    return replay.result(names);
  };

  const range = (q: {
    from?: string | undefined;
    to?: string | undefined;
  }): { from: string; to: string; error?: undefined } | { error: string } => {
    const to = q.to ?? (q.from !== undefined && q.from > today() ? q.from : today());
    const from = q.from ?? to;
    if (from > to) return { error: `from ${from} is after to ${to}` };
    if (daysBetween(from, to).length > MAX_RANGE_DAYS)
      return { error: `a range spans at most ${MAX_RANGE_DAYS} days` };
    return { from, to };
  };

  r.get('/stats', needStaff(MANAGERS), (req, res) => {
    const q = rangeQuery.safeParse(req.query);
    if (!q.success) return fail(res, badRequest(q.error, 'query'));
    const rg = range(q.data);
    if (rg.error !== undefined) return fail(res, { code: 'BAD_REQUEST', message: rg.error });
    send(res, { ok: true, data: compute(rg.from, rg.to) });
  });

  r.get('/stats/me', needStaff(['clerk', 'rights-clerk']), (req, res) => {
    const q = meQuery.safeParse(req.query);
    if (!q.success) return fail(res, badRequest(q.error, 'query'));
    const p = res.locals.principal as Staff;
    const day = q.data.date ?? today();
    const stats = compute(day, day, { alwaysClerks: [p.id] });
    const mine = stats.clerks.find((c) => c.clerkId === p.id)!;
    const data: MyStats = { date: day, ...mine };
    send(res, { ok: true, data });
  });

  r.get('/stats/export', needStaff(MANAGERS), async (req, res) => {
    const q = exportQuery.safeParse(req.query);
    if (!q.success) return fail(res, badRequest(q.error, 'query'));
    const rg = range(q.data);
    if (rg.error !== undefined) return fail(res, { code: 'BAD_REQUEST', message: rg.error });
    const tables = statsTables(compute(rg.from, rg.to));
    const name = `onewindow-stats_${rg.from}_${rg.to}.${q.data.format}`;
    const nameZh = `大厅统计_${rg.from}_${rg.to}.${q.data.format}`;
    res.setHeader(
      'content-disposition',
      `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(nameZh)}`,
    );
    res.setHeader('cache-control', 'no-store');
    if (q.data.format === 'csv') {
      res.type('text/csv; charset=utf-8').send(statsCsv(tables));
      return;
    }
    try {
      const wb = new ExcelJS.Workbook();
      wb.creator = 'OneWindow';
      wb.created = new Date(deps.clock.now());
      for (const t of tables) {
        const ws = wb.addWorksheet(t.sheet);
        ws.addRow([t.title]).font = { bold: true };
        ws.addRow(t.columns).font = { bold: true };
        for (const row of t.rows) ws.addRow(row);
        ws.views = [{ state: 'frozen', ySplit: 2 }];
        ws.columns.forEach((c, i) => {
          c.width = Math.min(40, Math.max(10, (t.columns[i]?.length ?? 8) + 2));
        });
      }
      const buf = Buffer.from(await wb.xlsx.writeBuffer());
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(buf);
    } catch (err) {
      deps.logger.error({ err }, 'xlsx export failed');
      res.removeHeader('content-disposition');
      fail(res, { code: 'INTERNAL', message: 'internal error' });
    }
  });

  r.get('/follow-ups', needStaff(MANAGERS), (req, res) => {
    const q = followUpQuery.safeParse(req.query);
    if (!q.success) return fail(res, badRequest(q.error, 'query'));
    send(res, { ok: true, data: followUps.list(q.data.status ? { status: q.data.status } : {}) });
  });

  r.get('/follow-ups/settings', needStaff(MANAGERS), (_req, res) =>
    send(res, { ok: true, data: followUps.settings() }),
  );

  r.put('/follow-ups/settings', needStaff(MANAGERS), (req, res) => {
    const body = followUpSettingsSchema.safeParse(req.body ?? {});
    if (!body.success) return fail(res, badRequest(body.error, 'follow-up settings'));
    const p = res.locals.principal as Staff;
    const data = followUps.putSettings(body.data);
    deps.authStore.audit({
      at: deps.clock.now(),
      actor: p.id,
      action: 'follow-ups:settings',
      target: null,
      detail: data,
    });
    send(res, { ok: true, data });
  });

  r.get('/follow-ups/:ticketId', needStaff(MANAGERS), (req, res) => {
    const f = followUps.get(String(req.params.ticketId));
    if (!f) return fail(res, { code: 'NOT_FOUND', message: 'no follow-up for this ticket' });
    send(res, { ok: true, data: f });
  });

  r.post('/follow-ups/:ticketId/callback', needStaff(MANAGERS), (req, res) => {
    const body = followUpCallbackBodySchema.safeParse(req.body ?? {});
    if (!body.success) return fail(res, badRequest(body.error, 'callback'));
    const p = res.locals.principal as Staff;
    send(res, followUps.callback(String(req.params.ticketId), p.id, body.data));
  });

  r.post('/follow-ups/:ticketId/status', needStaff(MANAGERS), (req, res) => {
    const body = followUpStatusBodySchema.safeParse(req.body ?? {});
    if (!body.success) return fail(res, badRequest(body.error, 'follow-up status'));
    const p = res.locals.principal as Staff;
    send(res, followUps.setStatus(String(req.params.ticketId), p.id, body.data));
  });

  return r;
}
