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
  halfYearSchema,
  improvementMeasuresBodySchema,
  improvementPeriodSchema,
} from '@onewindow/shared/complaints.schema.ts';
import type { Response } from 'express';
import { z } from 'zod';
import type { Hall } from '../../compose.ts';
import type { ComplaintActor } from '../../domain/complaints.ts';
import { CjkFontMissing } from '../../service/cjk-font.ts';
import type { ExportFile } from '../../service/supervision.service.ts';
import { download, fail, type RouteContext, type RouteDef, route, staffOf } from '../route-table.ts';

const listQuery = z.strictObject({ status: z.enum([...COMPLAINT_STATUSES, 'overdue']).optional() });

const halfYearQuery = z.strictObject({
  half: halfYearSchema,
  format: z.enum(['json', 'xlsx', 'pdf']).default('json'),
});
const improvementQuery = z.strictObject({
  period: improvementPeriodSchema,
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});

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
      method: 'get',
      path: '/api/complaints/handlers',
      summary:
        'Staff a manager may assign a complaint to: id, name, 工号 and posts of every active account (CMP-3)',
      access: 'complaints:manage',
      handle: () => ({
        ok: true,
        data: h.auth
          .allStaff()
          .filter((s) => !s.disabled && !s.roles.every((r) => r === 'admin'))
          .map((s) => ({ id: s.id, name: s.name, staffNumber: s.staffNumber, roles: s.roles })),
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
    route({
      method: 'get',
      path: '/api/reports/half-year',
      summary:
        'The half-year report to the fund supervision department (LD/T 02 §12.5, HYR-*): ?half=2026-H2&format=json|xlsx|pdf. A pure fold over the log up to the end of the half year: alerts by category and rule, interceptions and overrides, dispositions and overdue alerts, cases by outcome and the on-time rate, bad ratings and follow-ups, complaints, the risk list as it stood. No personal data.',
      access: 'reports:supervision',
      query: halfYearQuery,
      handle: async ({ query, res }) => {
        if (query.format === 'json') return { ok: true, data: h.supervision.halfYear(query.half) };
        try {
          return download(res, await h.supervision.exportHalfYear(query.half, query.format));
        } catch (err) {
          if (err instanceof CjkFontMissing)
            return fail({ code: 'UNAVAILABLE', message: 'no CJK font for the PDF', messageZh: err.message });
          h.logger.error({ err }, 'half-year report failed');
          return fail({ code: 'INTERNAL', message: 'internal error' });
        }
      },
    }),
    route({
      method: 'get',
      path: '/api/improvement',
      summary:
        'The service-improvement summary (§13.4, IMP-*): ?period=2026-11|2026-Q4&format=json|csv|xlsx. Ratings by level, 好评率, bad-rating reasons, complaints and outcomes per item, window and clerk; rectifications; the measures recorded for the period.',
      access: 'reports:supervision',
      query: improvementQuery,
      handle: async ({ query, res }) => {
        if (query.format === 'json') return { ok: true, data: h.supervision.improvement(query.period) };
        return download(res, await h.supervision.exportImprovement(query.period, query.format));
      },
    }),
    route({
      method: 'post',
      path: '/api/improvement/{period}/measures',
      summary:
        "Records the period's improvement measures {note} (IMP-3), a fact; the last one recorded is the period's",
      access: 'reports:supervision',
      body: improvementMeasuresBodySchema,
      handle: (ctx) => {
        const p = improvementPeriodSchema.safeParse(ctx.params.period);
        if (!p.success)
          return fail({
            code: 'BAD_REQUEST',
            message: 'period is YYYY-MM or YYYY-Q1..Q4',
            messageZh: '期间应为 YYYY-MM 或 YYYY-Q1..Q4',
          });
        return h.supervision.recordMeasures(p.data, ctx.body.note, staffOf(ctx).id);
      },
    }),
  ];
}
