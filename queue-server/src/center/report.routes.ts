/**
 * The region's report over HTTP (SPEC RGN-RPT-7), a router the center app mounts:
 * `GET /api/center/report?halls=a,b&from=&to=` (JSON), `GET /api/center/report/export?…&format=csv|xlsx`
 * and `GET /api/center/report/halls` (the halls' health, for the hall picker),
 * for the regional manager. The manager is whoever holds the center's report token
 * (`ONEWINDOW_CENTER_REPORT_TOKEN`, sent as `Authorization: Bearer …`): the center keeps no staff
 * accounts, and the report carries no personal data (RGN-RPT-5).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RegionHallStatus } from '@onewindow/shared/region-report.ts';
import { type Request, type Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { download, fail, send } from '../app/route-table.ts';
import type { CenterReportService, RegionQuery } from './report.service.ts';

export interface CenterReportRouteDeps {
  reports: CenterReportService;
  /** The regional manager's bearer token (at least 24 characters, checked at boot). */
  managerToken: string;
  /** Every hall's health, lag and last contact (RGN-OPS-3), for the console's hall picker. */
  halls: () => Promise<RegionHallStatus[]>;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** A query string value as one string (Express gives arrays for repeated keys). */
function one(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

function queryOf(req: Request): RegionQuery {
  const halls = one(req.query.halls);
  return {
    halls: halls === undefined ? undefined : halls.split(',').filter((h) => h !== ''),
    from: one(req.query.from),
    to: one(req.query.to),
  };
}

export function centerReportRoutes(deps: CenterReportRouteDeps): Router {
  const expected = sha256(deps.managerToken);
  const router = Router();
  // Guessing the token: 20 refused tries a minute per address, then 429 (successes do not count).
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: 20,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) =>
      send(res, fail({ code: 'RATE_LIMITED', message: 'too many refused report requests; wait a minute' })),
  });
  const authorized = (req: Request, res: Response): boolean => {
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (bearer !== undefined && timingSafeEqual(sha256(bearer), expected)) return true;
    send(
      res,
      fail({ code: 'UNAUTHENTICATED', message: 'the regional report needs the center report token' }),
    );
    return false;
  };

  router.get('/api/center/report', limiter, async (req, res, next) => {
    try {
      if (!authorized(req, res)) return;
      const q = deps.reports.check(queryOf(req));
      if (!q.ok) return send(res, fail({ code: 'BAD_REQUEST', message: q.message }));
      send(res, { ok: true, data: await deps.reports.report(q.halls, q.from, q.to) });
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/center/report/halls', limiter, async (req, res, next) => {
    try {
      if (!authorized(req, res)) return;
      send(res, { ok: true, data: await deps.halls() });
    } catch (err) {
      next(err);
    }
  });

  router.get('/api/center/report/export', limiter, async (req, res, next) => {
    try {
      if (!authorized(req, res)) return;
      const format = one(req.query.format) ?? 'csv';
      if (format !== 'csv' && format !== 'xlsx')
        return send(res, fail({ code: 'BAD_REQUEST', message: 'format is csv or xlsx' }));
      const q = deps.reports.check(queryOf(req));
      if (!q.ok) return send(res, fail({ code: 'BAD_REQUEST', message: q.message }));
      download(res, await deps.reports.export(q.halls, q.from, q.to, format));
    } catch (err) {
      next(err);
    }
  });
  return router;
}
