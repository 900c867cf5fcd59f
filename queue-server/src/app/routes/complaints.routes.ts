/**
 * Complaints (SPEC CMP-*): the register, its handling and the 12345 import. Routes parse and
 * authorize; ComplaintService decides who may see or move which complaint.
 */
import { COMPLAINT_STATUSES } from '@onewindow/shared';
import {
  complaintAssignBodySchema,
  complaintCloseBodySchema,
  complaintContactQuerySchema,
  complaintImportBodySchema,
  complaintNoteBodySchema,
  complaintRegisterBodySchema,
  complaintReplyBodySchema,
} from '@onewindow/shared/complaints.schema.ts';
import { z } from 'zod';
import type { Hall } from '../../compose.ts';
import type { ComplaintActor } from '../../domain/complaints.ts';
import { fail, type RouteContext, type RouteDef, route, staffOf } from '../route-table.ts';

const listQuery = z.strictObject({ status: z.enum([...COMPLAINT_STATUSES, 'overdue']).optional() });

const actorOf = (ctx: RouteContext<unknown, unknown>): ComplaintActor => {
  const s = staffOf(ctx);
  return { id: s.id, manager: s.roles.includes('manager') };
};

export function complaintRoutes(h: Hall): RouteDef[] {
  const id = (ctx: { params: Record<string, string> }) => ctx.params.id!;
  return [
    route({
      method: 'post',
      path: '/api/complaints',
      summary:
        '投诉登记 (CMP-1): {channel, subject: {kind, ref}, name, phone, content, workOrderNo?, workingDays?, receivedAt?}. The contact and words are sealed (CMP-4); the answer carries the masked contact. 201; Idempotency-Key honoured.',
      access: 'complaints:register',
      body: complaintRegisterBodySchema,
      handle: (ctx) => {
        const r = h.complaints.register(actorOf(ctx), ctx.body, ctx.idempotencyKey);
        return r.ok ? { ack: r, status: 201 } : r;
      },
    }),
    route({
      method: 'get',
      path: '/api/complaints',
      summary:
        'The register, newest first (?status=registered|assigned|replied|closed|overdue) with counts: a manager sees all, other staff the complaints they handle or registered (CMP-5)',
      access: 'staff',
      query: listQuery,
      handle: (ctx) => ({
        ok: true,
        data: h.complaints.list(actorOf(ctx), ctx.query.status ? { status: ctx.query.status } : {}),
      }),
    }),
    route({
      method: 'post',
      path: '/api/complaints/import',
      summary:
        'Imports a 12345 work-order export (CMP-7): {csv} (UTF-8, header row: 工单编号,受理时间,诉求人,联系电话,诉求内容,涉及对象类型,涉及对象,办理时限) or {workOrders: [...]} with the same keys. Any bad row refuses the whole file (issues: rows.<n>.<field>, Chinese); work orders already registered are skipped.',
      access: 'complaints:manage',
      body: complaintImportBodySchema,
      accepts: { json: 'application/json', limit: '4mb' },
      handle: (ctx) => {
        const out = h.complaints.importWorkOrders(actorOf(ctx), ctx.body);
        if ('errors' in out)
          return fail({
            code: 'BAD_REQUEST',
            message: `${new Set(out.errors.map((e) => e.row)).size} row(s) are invalid; nothing was imported`,
            messageZh: `${new Set(out.errors.map((e) => e.row)).size} 行有误，整个文件未导入`,
            issues: out.errors.map((e) => ({
              path: `rows.${e.row}.${e.field}`,
              message: e.message,
              messageZh: `第${e.row}行：${e.message}`,
            })),
          });
        return out;
      },
    }),
    route({
      method: 'get',
      path: '/api/complaints/{id}',
      summary: 'One complaint with its timeline and the ratings and follow-up of its ticket (CMP-6)',
      access: 'staff',
      handle: (ctx) => h.complaints.detail(id(ctx), actorOf(ctx)),
    }),
    route({
      method: 'get',
      path: '/api/complaints/{id}/contact',
      summary:
        "The complainant's name, phone and words (?purpose=): the handler or a manager only, each read in the read trail (CMP-4)",
      access: 'staff',
      query: complaintContactQuerySchema,
      handle: (ctx) => {
        const r = h.complaints.contact(id(ctx), actorOf(ctx), ctx.query.purpose);
        if (r.ok) ctx.res.setHeader('cache-control', 'no-store');
        return r;
      },
    }),
    route({
      method: 'post',
      path: '/api/complaints/{id}/assign',
      summary: 'Assigns (or reassigns) the handler {handlerId}: managers (CMP-3)',
      access: 'complaints:manage',
      body: complaintAssignBodySchema,
      handle: (ctx) =>
        h.complaints.step(
          actorOf(ctx),
          { type: 'complaint:assign', complaintId: id(ctx), handlerId: ctx.body.handlerId },
          ctx.idempotencyKey,
        ),
    }),
    route({
      method: 'post',
      path: '/api/complaints/{id}/notes',
      summary: 'Adds an investigation note {note} (no personal numbers): the handler or a manager (CMP-3)',
      access: 'staff',
      body: complaintNoteBodySchema,
      handle: (ctx) =>
        h.complaints.step(
          actorOf(ctx),
          { type: 'complaint:note', complaintId: id(ctx), note: ctx.body.note },
          ctx.idempotencyKey,
        ),
    }),
    route({
      method: 'post',
      path: '/api/complaints/{id}/reply',
      summary: 'Records the reply to the complainant {channel, note}: the handler or a manager (CMP-3)',
      access: 'staff',
      body: complaintReplyBodySchema,
      handle: (ctx) =>
        h.complaints.step(
          actorOf(ctx),
          { type: 'complaint:reply', complaintId: id(ctx), channel: ctx.body.channel, note: ctx.body.note },
          ctx.idempotencyKey,
        ),
    }),
    route({
      method: 'post',
      path: '/api/complaints/{id}/close',
      summary:
        'Closes a replied complaint {satisfaction, upheld, rectification?} (an upheld one needs the rectification): the handler or a manager (CMP-3)',
      access: 'staff',
      body: complaintCloseBodySchema,
      handle: (ctx) =>
        h.complaints.step(
          actorOf(ctx),
          {
            type: 'complaint:close',
            complaintId: id(ctx),
            satisfaction: ctx.body.satisfaction,
            upheld: ctx.body.upheld,
            rectification: ctx.body.rectification,
          },
          ctx.idempotencyKey,
        ),
    }),
  ];
}
