/**
 * 日结轧账 (SPEC REC-*): a clerk reads, counts and signs their own day (no clerk id in these
 * paths: a clerk never reaches another's day); the manager lists who has not reconciled, reads
 * a clerk's day and countersigns it.
 */
import { staffText } from '@onewindow/shared/staff-text.ts';
import { z } from 'zod';
import type { Hall } from '../../compose.ts';
import { type RouteDef, route, staffOf } from '../route-table.ts';

const ref = z.string().trim().min(1).max(64);
const countsBody = z.strictObject({
  counts: z.record(ref, z.int().min(0).max(10_000)).refine((c) => Object.keys(c).length <= 2000, {
    message: 'at most 2000 counts',
  }),
  handedOut: z.array(ref).max(2000),
});
const signBody = z.strictObject({
  explanations: z
    .array(z.strictObject({ key: z.string().trim().min(1).max(200), note: staffText(500) }))
    .max(2000),
});
const countersignBody = z.strictObject({ note: staffText(500).nullable().optional() });

export function reconRoutes(h: Hall): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/recon/{day}',
      summary:
        'The caller’s own 日结轧账 of a business day (YYYY-MM-DD): their slips, cases, captures and hand-backs, the paper counts, every discrepancy and where the day stands (REC-1, REC-2)',
      access: 'recon:own',
      handle: (ctx) => h.recon.view(staffOf(ctx).id, ctx.params.day!),
    }),
    route({
      method: 'put',
      path: '/api/recon/{day}/counts',
      summary:
        'The paper pages counted into the 档案 box per entry (case id, or slip number without a case) and the case ids of the results handed out; replaces the previous count; only while the day is open (REC-3)',
      access: 'recon:own',
      body: countsBody,
      handle: (ctx) => h.recon.count(staffOf(ctx), ctx.params.day!, ctx.body, ctx.idempotencyKey),
    }),
    route({
      method: 'post',
      path: '/api/recon/{day}/sign',
      summary:
        'The clerk signs their day: every discrepancy found now needs an explanation keyed by the discrepancy’s key (REC-4)',
      access: 'recon:own',
      body: signBody,
      handle: (ctx) => h.recon.sign(staffOf(ctx), ctx.params.day!, ctx.body.explanations, ctx.idempotencyKey),
    }),
    route({
      method: 'get',
      path: '/api/recon/{day}/clerks',
      summary:
        'Every comprehensive and rights clerk’s 日结轧账 status on a business day: who has not reconciled (REC-6)',
      access: 'recon:supervise',
      handle: (ctx) => h.recon.overview(ctx.params.day!),
    }),
    route({
      method: 'get',
      path: '/api/recon/{day}/clerks/{clerkId}',
      summary: 'One clerk’s day, for the manager who countersigns it (REC-6)',
      access: 'recon:supervise',
      handle: (ctx) => h.recon.view(ctx.params.clerkId!, ctx.params.day!),
    }),
    route({
      method: 'post',
      path: '/api/recon/{day}/clerks/{clerkId}/countersign',
      summary: 'The manager countersigns a signed day, which locks it; never their own (REC-4)',
      access: 'recon:supervise',
      body: countersignBody,
      handle: (ctx) =>
        h.recon.countersign(
          staffOf(ctx),
          ctx.params.clerkId!,
          ctx.params.day!,
          ctx.body.note ?? null,
          ctx.idempotencyKey,
        ),
    }),
  ];
}
