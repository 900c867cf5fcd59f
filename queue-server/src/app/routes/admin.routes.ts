/** Catalog, calendar, hall configuration and the audit search (SPEC ADM-*, CAL-2, ADM-AUD-1). */
import {
  auditSearchQuerySchema,
  type CalendarOverride,
  calendarOverrideBodySchema,
  catalogImportSchema,
} from '@onewindow/shared';
import { z } from 'zod';
import type { Hall } from '../../compose.ts';
import { isLocalDate } from '../../service/calendar.ts';
import { fail, type RouteDef, route, staffOf } from '../route-table.ts';

/** A catalog too big for the 256 KB JSON limit is sent with this type (up to 8 MB). */
export const CATALOG_IMPORT_TYPE = 'application/vnd.onewindow.catalog+json';

const badDate = (date: string) =>
  fail({
    code: 'BAD_REQUEST',
    message: `invalid date ${date.slice(0, 20)}: use YYYY-MM-DD`,
    issues: [{ path: 'date', message: 'a real date written YYYY-MM-DD' }],
  });

export function adminRoutes(h: Hall): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/calendar/overrides',
      summary: 'The hall’s corrections of the national working-day calendar, by date',
      access: 'staff',
      handle: () => ({ ok: true, data: h.calendarOverrides.all() }),
    }),
    route({
      method: 'put',
      path: '/api/calendar/overrides/{date}',
      summary:
        'Marks a date (YYYY-MM-DD) a holiday or a workday for the hall; wins over the national calendar',
      access: 'calendar:manage',
      body: calendarOverrideBodySchema,
      handle: (ctx) => {
        const date = ctx.params.date!;
        if (!isLocalDate(date)) return badDate(date);
        const o: CalendarOverride = { date, ...ctx.body };
        const { created } = h.calendarOverrides.put(staffOf(ctx).id, o);
        return { ack: { ok: true, data: o }, status: created ? 201 : 200 };
      },
    }),
    route({
      method: 'delete',
      path: '/api/calendar/overrides/{date}',
      summary: 'Removes the hall’s correction of a date',
      access: 'calendar:manage',
      handle: (ctx) => {
        const date = ctx.params.date!;
        return h.calendarOverrides.delete(staffOf(ctx).id, date)
          ? { ok: true, data: { deleted: date } }
          : fail({ code: 'NOT_FOUND', message: `no calendar override on ${date.slice(0, 20)}` });
      },
    }),
    route({
      method: 'put',
      path: '/api/catalog/items/{code}',
      summary:
        'Creates or replaces one service item with its guide (16 elements); the body’s code must match',
      access: 'catalog:manage',
      handle: (ctx) => {
        const r = h.catalog.put(staffOf(ctx).id, ctx.params.code!, ctx.body);
        return r.ok ? { ack: { ok: true, data: r.data }, status: r.created ? 201 : 200 } : r;
      },
    }),
    route({
      method: 'delete',
      path: '/api/catalog/items/{code}',
      summary: 'Removes a service item',
      access: 'catalog:manage',
      handle: (ctx) => h.catalog.delete(staffOf(ctx).id, ctx.params.code!),
    }),
    route({
      method: 'get',
      path: '/api/catalog/export',
      summary: 'The whole catalog as a JSON array',
      access: 'catalog:manage',
      handle: () => ({ ok: true, data: h.catalog.items() }),
    }),
    route({
      method: 'post',
      path: '/api/catalog/import',
      summary: `Replaces the whole catalog; every row is checked first and one bad row refuses all, listing every issue (bodies over 256 KB as ${CATALOG_IMPORT_TYPE})`,
      access: 'catalog:manage',
      body: catalogImportSchema,
      accepts: { json: CATALOG_IMPORT_TYPE, limit: '8mb' },
      handle: (ctx) => h.catalog.import(staffOf(ctx).id, ctx.body.items),
    }),
    route({
      method: 'get',
      path: '/api/region/status',
      summary:
        'The regional documents this hall runs (version, what the region set, the local additions kept) and its replication to the center (RGN-PUSH-4)',
      access: 'hall:read-config',
      handle: () => ({
        ok: true,
        data: { documents: h.region.status(), replication: h.shipper?.status() ?? null },
      }),
    }),
    route({
      method: 'get',
      path: '/api/hall/config',
      summary: 'The hall configuration (settings, categories, windows) to edit and send as hall:configure',
      access: 'hall:read-config',
      handle: () => {
        const config = h.hall.queue.hallConfig;
        return config === null
          ? fail({ code: 'NOT_CONFIGURED', message: 'the hall is not configured' })
          : { ok: true, data: config };
      },
    }),
    route({
      method: 'get',
      path: '/api/audit/search',
      summary:
        'Admin changes, hall overrides (priority, transfer, cancel, reinstate, day close, configuration) and case steps, newest first: ?q=&from=&to=&kind=&limit=',
      access: 'audit:read',
      query: auditSearchQuerySchema,
      handle: ({ query }) => {
        const r = h.audit.search(query);
        return r.ok
          ? r
          : fail({
              code: 'BAD_REQUEST',
              message: r.message,
              issues: [{ path: 'from', message: 'must not be after to' }],
            });
      },
    }),
    route({
      method: 'get',
      path: '/api/pii-reads',
      summary:
        'The read trail of personal data (SEC-NTK-2): who read which kiosk form, when and why, newest first: ?from=&to= (YYYY-MM-DD, hall time, default today) &staffId=&ticketId=&limit=',
      access: 'pii-reads:read',
      query: piiReadQuerySchema,
      handle: ({ query }) => {
        const from = query.from ?? h.today();
        const to = query.to ?? from;
        if (!isLocalDate(from) || !isLocalDate(to)) return badDate(`${from}…${to}`);
        if (from > to)
          return fail({
            code: 'BAD_REQUEST',
            message: 'from must not be after to',
            issues: [{ path: 'from', message: 'must not be after to' }],
          });
        return { ok: true, data: h.applications.readTrail({ ...query, from, to }) };
      },
    }),
  ];
}

const piiReadQuerySchema = z.strictObject({
  from: z.string().trim().max(10).optional(),
  to: z.string().trim().max(10).optional(),
  staffId: z.string().trim().min(1).max(64).optional(),
  ticketId: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
