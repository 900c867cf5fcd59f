/**
 * The archive (SPEC ARC-*): the list of filed cases, a case's 档号, the PDF (managers; the read is
 * recorded), filing and correcting, the fixity check, and a volume's export for transfer.
 */
import { staffText } from '@onewindow/shared/staff-text.ts';
import { z } from 'zod';
import type { Hall } from '../../compose.ts';
import { fail, type RouteDef, route, staffOf } from '../route-table.ts';

const fileBody = z.strictObject({ reason: staffText(500).nullable().optional() });
const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(5000).optional() });
const pdfQuery = z.strictObject({ version: z.coerce.number().int().min(1).max(1000).optional() });
/** A run writes facts, so it is asked for explicitly: a stray POST (a retry tool, a crawler) runs nothing. */
const fixityBody = z.strictObject({ confirm: z.literal(true) });
const NAME = /^[A-Za-z0-9._-]{1,80}$/;

export function archiveRoutes(h: Hall): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/archive',
      summary:
        'Filed archive versions, the latest first: 档号, volume, case, item, retention, version, PDF hash and pages',
      access: 'archive:read',
      query: listQuery,
      handle: ({ query }) => ({ ok: true, data: h.archive.list(query.limit) }),
    }),
    route({
      method: 'get',
      path: '/api/archive/cases/{caseId}',
      summary: 'Every filed version of one case (its 档号), oldest first; empty when not filed',
      access: 'archive:read',
      handle: ({ params }) => ({ ok: true, data: h.archive.ofCase(params.caseId!) }),
    }),
    route({
      method: 'post',
      path: '/api/archive/cases/{caseId}',
      summary:
        'Files a closed (handed-back or returned) case now; with a reason, files a correction as the next version under the same 档号 (nothing filed is rewritten)',
      access: 'archive:manage',
      body: fileBody,
      handle: async (ctx) => {
        const r = await h.archive.file(staffOf(ctx).id, ctx.params.caseId!, ctx.body.reason ?? null);
        return r.ok ? { ack: r, status: 201 } : r;
      },
    }),
    route({
      method: 'get',
      path: '/api/archive/files/{archiveNo}/pdf',
      summary:
        'The archive PDF of a 档号 (latest version, or ?version=); managers only, each read recorded (SEC-NTK-2)',
      access: 'archive:manage',
      query: pdfQuery,
      handle: async (ctx) => {
        if (!NAME.test(ctx.params.archiveNo!)) return fail({ code: 'BAD_REQUEST', message: 'bad 档号' });
        const r = await h.archive.pdf(staffOf(ctx), ctx.params.archiveNo!, ctx.query.version);
        if (!r.ok) return r;
        ctx.res
          .status(200)
          .type('application/pdf')
          .set(
            'Content-Disposition',
            `attachment; filename="${r.data.record.archiveNo}_v${r.data.record.version}.pdf"`,
          )
          .set('X-Content-SHA256', r.data.record.pdf.sha256)
          .send(r.data.bytes);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/archive/fixity',
      summary: 'The last fixity check: when, how many pages and files, and every missing or changed one',
      access: 'archive:read',
      handle: () => ({ ok: true, data: h.archive.fixityStatus() }),
    }),
    route({
      method: 'post',
      path: '/api/archive/fixity',
      summary:
        'Runs the fixity check now (body {"confirm": true}): every linked page and archive PDF re-hashed; mismatches become archive:fixity-failed facts',
      access: 'archive:manage',
      body: fixityBody,
      handle: async (ctx) => ({ ok: true, data: await h.archive.fixity(staffOf(ctx).id) }),
    }),
    route({
      method: 'get',
      path: '/api/page-store/sweep',
      summary:
        'The last sweep of the page store (MAT-SWEEP-3): when, by whom, files seen, linked, young orphans kept, orphans and temp files deleted, bytes freed; null when never swept',
      access: 'pages:sweep',
      handle: () => ({ ok: true, data: h.pageSweep.last() }),
    }),
    route({
      method: 'post',
      path: '/api/page-store/sweep',
      summary:
        'Sweeps the page store now (body {"confirm": true}): deletes orphan pages (linked by no case fact or archive filing) and temp files of unfinished writes older than a day; the counts become an archive:pages-swept fact',
      access: 'pages:sweep',
      body: fixityBody,
      handle: async (ctx) => ({ ok: true, data: await h.pageSweep.sweep(staffOf(ctx).id) }),
    }),
    route({
      method: 'get',
      path: '/api/archive/volumes/{volume}/manifest',
      summary: 'The manifest of a volume: each 档号 and version with its case, PDF hash and page hashes',
      access: 'archive:read',
      handle: ({ params }) => {
        if (!NAME.test(params.volume!)) return fail({ code: 'BAD_REQUEST', message: 'bad volume' });
        const m = h.archive.manifest(params.volume!);
        return m.files.length === 0
          ? fail({
              code: 'NOT_FOUND',
              message: `no archive volume ${params.volume}`,
              messageZh: '没有该案卷',
            })
          : { ok: true, data: m };
      },
    }),
    route({
      method: 'get',
      path: '/api/archive/volumes/{volume}/export',
      summary:
        'A volume for transfer to the archive office: a tar of its PDFs and manifest.json, each PDF checked against its hash',
      access: 'archive:manage',
      handle: async (ctx) => {
        if (!NAME.test(ctx.params.volume!)) return fail({ code: 'BAD_REQUEST', message: 'bad volume' });
        const r = await h.archive.export(staffOf(ctx), ctx.params.volume!);
        if (!r.ok) return r;
        ctx.res
          .status(200)
          .type('application/x-tar')
          .set('Content-Disposition', `attachment; filename="${ctx.params.volume}.tar"`)
          .send(r.data);
        return undefined;
      },
    }),
  ];
}
