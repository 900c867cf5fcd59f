/**
 * Risk control (SPEC RISK-*): the risk list and rule set (admin publishes, managers read and
 * export), the live alerts and their handling (managers), the guide's long-wait alerts, and a
 * manager's one-time override of a blocking rule.
 */
import {
  riskAlertQuerySchema,
  riskAssignBodySchema,
  riskDisposeBodySchema,
  riskListBodySchema,
  riskOverrideBodySchema,
  riskRulesBodySchema,
} from '@onewindow/shared';
import { z } from 'zod';
import type { Hall } from '../../compose.ts';
import { download, fail, type RouteDef, route, staffOf } from '../route-table.ts';

const exportQuery = z.strictObject({ format: z.enum(['csv', 'xlsx']).default('csv') });

export function riskRoutes(h: Hall): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/risk/list',
      summary: '风险清单: the current version of the risk list (LD/T 02 §12.2)',
      access: 'risk:read',
      handle: () => ({ ok: true, data: h.risk.list() }),
    }),
    route({
      method: 'put',
      path: '/api/risk/list',
      summary:
        'Publishes a new version of the risk list (a risk:list-published fact); a rule must still find its entry',
      access: 'risk:manage',
      body: riskListBodySchema,
      handle: (ctx) => h.risk.publishList(ctx.body.entries, staffOf(ctx).id),
    }),
    route({
      method: 'get',
      path: '/api/risk/list/export',
      summary: 'The risk list as a download (?format=csv|xlsx); CSV is UTF-8 with a BOM',
      access: 'risk:read',
      query: exportQuery,
      handle: async ({ query, res }) => {
        let file: Awaited<ReturnType<Hall['risk']['exportList']>>;
        try {
          file = await h.risk.exportList(query.format);
        } catch (err) {
          h.logger.error({ err }, 'risk list export failed');
          return fail({ code: 'INTERNAL', message: 'internal error' });
        }
        return download(res, file);
      },
    }),
    route({
      method: 'get',
      path: '/api/risk/rules',
      summary: 'The monitoring rules as data (kind, risk code, warn|block, thresholds, enabled)',
      access: 'risk:read',
      handle: () => ({ ok: true, data: h.risk.rules() }),
    }),
    route({
      method: 'put',
      path: '/api/risk/rules',
      summary:
        'Publishes a new version of the rule set (a risk:rules-published fact); each rule names a list entry',
      access: 'risk:manage',
      body: riskRulesBodySchema,
      handle: (ctx) => h.risk.publishRules(ctx.body.rules, staffOf(ctx).id),
    }),
    route({
      method: 'get',
      path: '/api/risk/alerts',
      summary:
        'Risk alerts newest first (?status=open|assigned|disposed|overdue|active&riskCode=&q=), with counts',
      access: 'risk:alerts',
      query: riskAlertQuerySchema,
      handle: ({ query }) => ({ ok: true, data: h.risk.alerts(query) }),
    }),
    route({
      method: 'get',
      path: '/api/risk/waits',
      summary: 'The long-wait alerts not yet disposed whose ticket still waits (the guide desk)',
      access: 'risk:waits',
      handle: () => ({ ok: true, data: h.risk.waitAlerts() }),
    }),
    route({
      method: 'post',
      path: '/api/risk/alerts/{alertId}/assign',
      summary: 'Gives an alert an owner (a risk:alert-assigned fact)',
      access: 'risk:alerts',
      body: riskAssignBodySchema,
      handle: (ctx) => h.risk.assign(ctx.params.alertId!, ctx.body.ownerId, staffOf(ctx).id),
    }),
    route({
      method: 'post',
      path: '/api/risk/alerts/{alertId}/dispose',
      summary:
        'Disposes an alert: confirmed | false-alarm | rectified, with a note (a risk:alert-disposed fact)',
      access: 'risk:alerts',
      body: riskDisposeBodySchema,
      handle: (ctx) => h.risk.dispose(ctx.params.alertId!, ctx.body, staffOf(ctx).id),
    }),
    route({
      method: 'post',
      path: '/api/risk/overrides',
      summary:
        'Lets one person past one blocking rule once within 30 minutes; the retried command commits with a risk:overridden fact carrying the reason',
      access: 'risk:alerts',
      body: riskOverrideBodySchema,
      handle: (ctx) => h.risk.grantOverride(staffOf(ctx).id, ctx.body),
    }),
  ];
}
