/** SMS notices (SPEC NOTE-OUT-3, NOTE-TPL-*): the outbox for managers, the templates for admins. */
import { noticeListQuerySchema, noticeTemplateBodySchema } from '@onewindow/shared';
import type { Hall } from '../../compose.ts';
import { type RouteDef, route, staffOf } from '../route-table.ts';

export function noticeRoutes(h: Hall): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/notices',
      summary:
        'SMS notices newest first (?status=pending|sending|sent|failed&limit=), phones masked; failed ones need a call',
      access: 'notices:read',
      query: noticeListQuerySchema,
      handle: ({ query }) => ({ ok: true, data: h.notices.list(query.status, query.limit) }),
    }),
    route({
      method: 'get',
      path: '/api/notice-templates',
      summary:
        'The hall’s registered SMS templates: text with {placeholders} and the operator’s template code',
      access: 'notice-templates:manage',
      handle: () => ({ ok: true, data: h.notices.templates() }),
    }),
    route({
      method: 'put',
      path: '/api/notice-templates/{id}',
      summary:
        'Replaces a template’s registered text and operator code (only the placeholders its notices carry); audited',
      access: 'notice-templates:manage',
      body: noticeTemplateBodySchema,
      handle: (ctx) => h.notices.replaceTemplate(staffOf(ctx).id, ctx.params.id!, ctx.body),
    }),
  ];
}
