import {
  type ApiError,
  type AuditEntry,
  auditSearchQuerySchema,
  type CalendarOverride,
  type CatalogImportResult,
  calendarOverrideBodySchema,
  catalogImportSchema,
  type HallConfig,
  type HallEvent,
  type ServiceItem,
  type StaffRole,
  serviceItemSchema,
} from '@onewindow/shared';
import express, { type Request, type Response, type Router } from 'express';
import type { Principal } from '../auth/permissions.ts';
import type { QueueEngine } from '../domain/engine.ts';
import { isLocalDate } from '../service/calendar.ts';
import type { Clock } from '../service/hall.service.ts';
import type { AuditRow, AuthStore } from '../store/auth.store.ts';
import { AUDITED_FACT_TYPES, consoleStores } from '../store/case.store.ts';
import type { HallStore } from '../store/hall.store.ts';
import type { AuthService } from './auth.service.ts';
import { badRequest } from './command.gateway.ts';
import { ROUTES, send, staffOf } from './http.ts';

/** A catalog too big for the 256 KB JSON limit is sent with this type (up to 8 MB). */
export const CATALOG_IMPORT_TYPE = 'application/vnd.onewindow.catalog+json';

ROUTES.push(
  {
    method: 'get',
    path: '/api/calendar/overrides',
    summary: 'The hall’s corrections of the national working-day calendar, by date',
    auth: 'staff',
  },
  {
    method: 'put',
    path: '/api/calendar/overrides/{date}',
    summary: 'Marks a date (YYYY-MM-DD) a holiday or a workday for the hall; wins over the national calendar',
    auth: 'admin',
    body: calendarOverrideBodySchema,
  },
  {
    method: 'delete',
    path: '/api/calendar/overrides/{date}',
    summary: 'Removes the hall’s correction of a date',
    auth: 'admin',
  },
  {
    method: 'put',
    path: '/api/catalog/items/{code}',
    summary: 'Creates or replaces one service item with its guide (16 elements); the body’s code must match',
    auth: 'admin',
    body: serviceItemSchema,
  },
  { method: 'delete', path: '/api/catalog/items/{code}', summary: 'Removes a service item', auth: 'admin' },
  { method: 'get', path: '/api/catalog/export', summary: 'The whole catalog as a JSON array', auth: 'admin' },
  {
    method: 'post',
    path: '/api/catalog/import',
    summary: `Replaces the whole catalog; every row is checked first and one bad row refuses all, listing every issue (bodies over 256 KB as ${CATALOG_IMPORT_TYPE})`,
    auth: 'admin',
    body: catalogImportSchema,
  },
  {
    method: 'get',
    path: '/api/hall/config',
    summary:
      'The hall configuration (settings, categories, windows) to edit and send as hall:configure. Roles: manager, admin',
    auth: 'staff',
  },
  {
    method: 'get',
    path: '/api/audit/search',
    summary:
      'Admin changes and hall overrides (priority, transfer, cancel, reinstate, day close, configuration), newest first: ?q=&from=&to=&kind=&limit=. Roles: manager, admin',
    auth: 'staff',
  },
);

type Staff = Extract<Principal, { kind: 'staff' }>;
type Issue = { path: string; message: string };

export interface AdminRouterDeps {
  auth: AuthService;
  authStore: AuthStore;
  store: HallStore;
  queue: () => QueueEngine;
  clock: Clock;
  /** The hall's committed facts, to mirror hall:configure into the admin audit (SPEC ADM-5). */
  subscribe: (fn: (events: HallEvent[]) => void) => void;
}

/** Admin audit action of a mirrored hall:configured fact (the search shows the fact instead). */
const CONFIGURE_ACTION = 'hall:configure';

/** Catalog, calendar, hall configuration and the audit search for the admin and manager consoles (SPEC ADM-*). */
export function adminRouter(deps: AdminRouterDeps): Router {
  const r = express.Router();
  const { overrides, facts } = consoleStores(deps.store.db);

  deps.subscribe((events) => {
    for (const ev of events)
      if (ev.type === 'hall:configured')
        deps.authStore.audit({
          at: ev.at,
          actor: ev.by,
          action: CONFIGURE_ACTION,
          target: null,
          detail: { seq: ev.seq, categories: ev.config.categories.length, windows: ev.config.windows.length },
        });
  });

  const fail = (res: Response, error: ApiError) => send(res, { ok: false, error });
  const staff = (req: Request, res: Response, roles?: readonly StaffRole[]): Staff | null =>
    staffOf(req, res, deps.auth, roles);
  const audit = (p: Staff, action: string, target: string | null, detail: unknown) =>
    deps.authStore.audit({ at: deps.clock.now(), actor: p.id, action, target, detail });

  // ── calendar overrides (CAL-2) ──
  r.get('/calendar/overrides', (req, res) => {
    if (staff(req, res) === null) return;
    send<CalendarOverride[]>(res, { ok: true, data: overrides.all() });
  });
  r.put('/calendar/overrides/:date', (req, res) => {
    const p = staff(req, res, ['admin']);
    if (p === null) return;
    const date = String(req.params.date);
    if (!isLocalDate(date))
      return fail(res, {
        code: 'BAD_REQUEST',
        message: `invalid date ${date.slice(0, 20)}: use YYYY-MM-DD`,
        issues: [{ path: 'date', message: 'a real date written YYYY-MM-DD' }],
      });
    const parsed = calendarOverrideBodySchema.safeParse(req.body ?? {});
    if (!parsed.success) return fail(res, badRequest(parsed.error, 'calendar override'));
    const previous = overrides.get(date) ?? null;
    const o: CalendarOverride = { date, ...parsed.data };
    overrides.put(o);
    audit(p, 'calendar:override-put', date, { kind: o.kind, note: o.note, previous });
    send<CalendarOverride>(res, { ok: true, data: o }, previous === null ? 201 : 200);
  });
  r.delete('/calendar/overrides/:date', (req, res) => {
    const p = staff(req, res, ['admin']);
    if (p === null) return;
    const date = String(req.params.date);
    const previous = overrides.get(date);
    if (previous === undefined || !overrides.delete(date))
      return fail(res, { code: 'NOT_FOUND', message: `no calendar override on ${date.slice(0, 20)}` });
    audit(p, 'calendar:override-delete', date, { previous });
    send(res, { ok: true, data: { deleted: date } });
  });

  // ── catalog (ADM-1..3) ──
  /** Every issue of the rows, with `items.<i>.` paths; empty when all are valid. */
  const checkItems = (rows: readonly unknown[], prefix: (i: number) => string): Issue[] | ServiceItem[] => {
    const issues: Issue[] = [];
    const items: ServiceItem[] = [];
    const categories = deps.queue().hallConfig?.categories.map((c) => c.id);
    const seen = new Map<string, number>();
    rows.forEach((row, i) => {
      const parsed = serviceItemSchema.safeParse(row);
      if (!parsed.success) {
        for (const is of parsed.error.issues)
          issues.push({
            path: `${prefix(i)}${is.path.join('.')}`.replace(/\.$/, '') || '(root)',
            message: is.message,
          });
        return;
      }
      // Initials are computed when the catalog is served (an export carries them): not stored.
      const { initials: _initials, ...item }: ServiceItem = parsed.data;
      if (categories !== undefined && !categories.includes(item.categoryId))
        issues.push({
          path: `${prefix(i)}categoryId`,
          message: `no queue category ${item.categoryId} in the hall (${categories.join(', ')})`,
        });
      const dup = seen.get(item.code);
      if (dup !== undefined)
        issues.push({ path: `${prefix(i)}code`, message: `duplicate code ${item.code} (also row ${dup})` });
      seen.set(item.code, i);
      items.push(item);
    });
    return issues.length > 0 ? issues : items;
  };
  const isIssues = (x: Issue[] | ServiceItem[]): x is Issue[] => x.length > 0 && 'path' in x[0]!;
  const refuse = (res: Response, what: string, issues: Issue[]) =>
    fail(res, {
      code: 'BAD_REQUEST',
      message: `invalid ${what} (${issues.length} issue${issues.length === 1 ? '' : 's'}): ${issues
        .slice(0, 10)
        .map((i) => `${i.path}: ${i.message}`)
        .join('; ')}${issues.length > 10 ? '; …' : ''}`,
      issues,
    });

  r.put('/catalog/items/:code', (req, res) => {
    const p = staff(req, res, ['admin']);
    if (p === null) return;
    const code = String(req.params.code);
    const checked = checkItems([req.body ?? {}], () => '');
    if (isIssues(checked)) return refuse(res, 'service item', checked);
    const item = checked[0]!;
    if (item.code !== code)
      return refuse(res, 'service item', [
        {
          path: 'code',
          message: `the body’s code ${item.code} differs from the path’s ${code.slice(0, 64)}`,
        },
      ]);
    const catalog = deps.authStore.catalog();
    const at = catalog.findIndex((i) => i.code === code);
    if (at === -1) catalog.push(item);
    else catalog[at] = item;
    deps.authStore.replaceCatalog(catalog);
    audit(p, 'catalog:item-put', code, { created: at === -1, name: item.name });
    send<ServiceItem>(res, { ok: true, data: item }, at === -1 ? 201 : 200);
  });
  r.delete('/catalog/items/:code', (req, res) => {
    const p = staff(req, res, ['admin']);
    if (p === null) return;
    const code = String(req.params.code);
    const catalog = deps.authStore.catalog();
    const item = catalog.find((i) => i.code === code);
    if (item === undefined)
      return fail(res, { code: 'NOT_FOUND', message: `no service item ${code.slice(0, 64)}` });
    deps.authStore.replaceCatalog(catalog.filter((i) => i.code !== code));
    audit(p, 'catalog:item-delete', code, { name: item.name });
    send(res, { ok: true, data: { deleted: code } });
  });
  r.get('/catalog/export', (req, res) => {
    if (staff(req, res, ['admin']) === null) return;
    send<ServiceItem[]>(res, { ok: true, data: deps.authStore.catalog() });
  });
  r.post('/catalog/import', express.json({ type: CATALOG_IMPORT_TYPE, limit: '8mb' }), (req, res) => {
    const p = staff(req, res, ['admin']);
    if (p === null) return;
    const parsed = catalogImportSchema.safeParse(req.body ?? {});
    if (!parsed.success) return fail(res, badRequest(parsed.error, 'catalog import'));
    const checked = checkItems(parsed.data.items, (i) => `items.${i}.`);
    if (isIssues(checked)) return refuse(res, 'catalog import, nothing imported', checked);
    deps.authStore.replaceCatalog(checked);
    audit(p, 'catalog:import', null, { count: checked.length });
    send<CatalogImportResult>(res, { ok: true, data: { imported: checked.length } });
  });

  // ── hall configuration (ADM-4) ──
  r.get('/hall/config', (req, res) => {
    if (staff(req, res, ['manager', 'admin']) === null) return;
    const config = deps.queue().hallConfig;
    if (config === null) return fail(res, { code: 'NOT_CONFIGURED', message: 'the hall is not configured' });
    send<HallConfig>(res, { ok: true, data: config });
  });

  // ── audit search (ADM-AUD-1) ──
  r.get('/audit/search', (req, res) => {
    if (staff(req, res, ['manager', 'admin']) === null) return;
    const parsed = auditSearchQuerySchema.safeParse(req.query);
    if (!parsed.success) return fail(res, badRequest(parsed.error, 'audit search'));
    const qy = parsed.data;
    const offset = (deps.queue().settings?.utcOffsetMinutes ?? 480) * 60_000;
    const from = qy.from === undefined ? 0 : Date.parse(`${qy.from}T00:00:00Z`) - offset;
    const to =
      qy.to === undefined ? Number.MAX_SAFE_INTEGER : Date.parse(`${qy.to}T00:00:00Z`) + 86_400_000 - offset;
    if (from >= to)
      return fail(res, {
        code: 'BAD_REQUEST',
        message: `from ${qy.from} is after to ${qy.to}`,
        issues: [{ path: 'from', message: 'must not be after to' }],
      });
    const names = new Map(deps.authStore.allStaff().map((s) => [s.id, s.name]));
    const nameOf = (id: string) => (id === 'system' ? '系统' : (names.get(id) ?? id));
    const q = qy.q?.toLowerCase() ?? '';
    const keep = (e: AuditEntry) =>
      (qy.kind === undefined || qy.kind === e.source || qy.kind === e.action) &&
      (q === '' ||
        [e.actorName, e.actor, e.action, e.target, e.reason, e.detail].some((x) =>
          x?.toLowerCase().includes(q),
        ));

    const out: AuditEntry[] = [];
    if (
      qy.kind === undefined ||
      qy.kind === 'hall' ||
      (AUDITED_FACT_TYPES as readonly string[]).includes(qy.kind)
    )
      for (const ev of facts.between(from, to)) {
        const e = factEntry(ev, nameOf);
        if (e !== null && keep(e)) out.push(e);
      }
    if (qy.kind === undefined || !(AUDITED_FACT_TYPES as readonly string[]).includes(qy.kind))
      for (const row of allAudit(deps.authStore)) {
        if (row.at < from || row.at >= to || row.action === CONFIGURE_ACTION) continue;
        const e = adminEntry(row, nameOf);
        if (keep(e)) out.push(e);
      }
    out.sort((a, b) => b.at - a.at || b.id.localeCompare(a.id, 'en', { numeric: true }));
    send<AuditEntry[]>(res, { ok: true, data: out.slice(0, qy.limit) });
  });

  return r;
}

function* allAudit(store: AuthStore): Generator<AuditRow> {
  let after = 0;
  for (;;) {
    const page = store.auditLog(after, 500);
    if (page.length === 0) return;
    yield* page;
    after = page.at(-1)!.id;
  }
}

function adminEntry(row: AuditRow, nameOf: (id: string) => string): AuditEntry {
  const d = row.detail as Record<string, unknown> | null;
  const reason = d !== null && typeof d === 'object' && typeof d.reason === 'string' ? d.reason : null;
  const json =
    d === null || (typeof d === 'object' && Object.keys(d).length === 0) ? null : JSON.stringify(d);
  return {
    id: `admin:${row.id}`,
    source: 'admin',
    at: row.at,
    actor: row.actor,
    actorName: nameOf(row.actor),
    action: row.action,
    target: row.target,
    reason,
    detail: json === null ? null : json.length > 300 ? `${json.slice(0, 299)}…` : json,
  };
}

function factEntry(ev: HallEvent, nameOf: (id: string) => string): AuditEntry | null {
  const base = (
    actor: string,
    target: string | null,
    reason: string | null,
    detail: string | null,
  ): AuditEntry => ({
    id: `hall:${ev.seq}`,
    source: 'hall',
    at: ev.at,
    actor,
    actorName: nameOf(actor),
    action: ev.type,
    target,
    reason,
    detail,
  });
  switch (ev.type) {
    case 'ticket:priority-overridden': {
      const a = ev.action;
      const detail =
        a.kind === 'front' ? 'front' : a.kind === 'pin' ? `pin ${a.windowId}` : `class ${a.priorityClass}`;
      return base(ev.note.by, ev.ticketId, ev.note.reason, detail);
    }
    case 'ticket:transferred': {
      const to = ev.pinnedWindowId
        ? `to window ${ev.pinnedWindowId}`
        : ev.requiredPost
          ? `to post ${ev.requiredPost}`
          : `to category ${ev.categoryId}`;
      return base(ev.by, ev.ticketId, ev.note, to);
    }
    case 'ticket:cancelled':
      return base(ev.by, ev.ticketId, ev.reason, null);
    case 'ticket:reinstated':
      return base(ev.by, ev.ticketId, null, null);
    case 'day:closed':
      return base(ev.by, ev.businessDay, ev.reason, `${ev.settledTicketIds.length} tickets settled`);
    case 'hall:configured':
      return base(
        ev.by,
        null,
        null,
        `${ev.config.categories.length} categories, ${ev.config.windows.length} windows`,
      );
    default:
      return null;
  }
}
