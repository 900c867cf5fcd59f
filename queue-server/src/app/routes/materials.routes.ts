/**
 * The electronic case file (SPEC MAT-*): pages captured at the window onto a case's materials
 * (camera and file from the clerk's console, the scanner from the window's terminal agent), a
 * material waived (免提交) or a wrong page taken off, and a page shown to the staff who work on
 * its case. Images are never cached outside the reader's browser and every read is recorded.
 */
import { MATERIAL_SOURCES, type MaterialSource } from '@onewindow/shared';
import { z } from 'zod';
import type { Principal } from '../../auth/permissions.ts';
import type { Hall } from '../../compose.ts';
import type { CaseActor } from '../../domain/cases.ts';
import { MAX_PAGE_BYTES } from '../../service/pages.ts';
import { fail, type RouteDef, route, staffOf } from '../route-table.ts';

const captureQuery = z.strictObject({ source: z.enum(MATERIAL_SOURCES).default('file') });
const reason = z.string().trim().min(1).max(200);
const waiveBody = z.strictObject({ reason });
const removeBody = z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), reason });
const pageQuery = z.strictObject({ purpose: z.string().trim().max(200).optional() });

export function materialRoutes(h: Hall): RouteDef[] {
  /**
   * Who captures: the staff member, or — for a window's terminal agent (its scanner) — the clerk
   * signed on at that window now, with their own roles (the case's rules then apply to them).
   */
  const actorOf = (p: Principal): CaseActor | null => {
    if (p.kind === 'staff') return { id: p.id, roles: p.roles };
    if (p.kind !== 'device' || p.windowId === null) return null;
    return h.materials.clerkAt(p.windowId);
  };
  const noClerk = fail({
    code: 'FORBIDDEN',
    message: 'nobody is signed on at this terminal’s window: a scan is captured for the clerk there',
    messageZh: '该窗口没有柜员签到，扫描件无法归入案件',
  });
  const staffOnly = fail({
    code: 'FORBIDDEN',
    message: '扫描 is asked for by the clerk at the console; a terminal agent uploads its pages to …/pages',
  });
  return [
    route({
      method: 'post',
      path: '/api/cases/{id}/materials/{material}/pages',
      summary: `Captures one page onto a material of a case at 受理 or 补正 (body: the JPEG, PNG or PDF bytes, at most ${MAX_PAGE_BYTES / 1024 / 1024} MB; the kind is read from the bytes, never from Content-Type). Images are re-encoded (EXIF dropped, long side ≤ 2480 px), stored by SHA-256 before the case:material-captured fact links them. ?source=camera|scanner|file. A terminal agent captures for the clerk signed on at its window. Send an Idempotency-Key to retry safely.`,
      access: 'cases:capture',
      query: captureQuery,
      accepts: {
        raw: ['*/*'],
        limit: `${MAX_PAGE_BYTES / 1024 / 1024}mb`,
        tooLarge: {
          code: 'PAYLOAD_TOO_LARGE',
          message: `a page may be at most ${MAX_PAGE_BYTES} bytes`,
          messageZh: `文件太大：每页不超过 ${MAX_PAGE_BYTES / 1024 / 1024} MB，请降低扫描分辨率后重试`,
        },
      },
      handle: async (ctx) => {
        const actor = actorOf(ctx.principal);
        if (actor === null) return noClerk;
        const source: MaterialSource = ctx.principal.kind === 'device' ? 'scanner' : ctx.query.source;
        if (ctx.principal.kind === 'staff' && source === 'scanner')
          return fail({
            code: 'BAD_REQUEST',
            message: 'source=scanner is for the window’s terminal agent; the console sends camera or file',
          });
        const body = Buffer.isBuffer(ctx.body) ? ctx.body : Buffer.alloc(0);
        const r = await h.materials.capture(
          actor,
          { caseId: ctx.params.id!, material: ctx.params.material!, source },
          body,
          ctx.idempotencyKey,
        );
        return r.ok ? { ack: r, status: 201 } : r;
      },
    }),
    route({
      method: 'post',
      path: '/api/cases/{id}/materials/{material}/scan',
      summary:
        '扫描 (MAT-DEV-2): asks the terminal agent at the clerk’s window to scan onto this material with its scanner profile’s settings; the agent uploads the page(s) with source=scanner. Answers when the agent has (pages linked), or refuses: no scanner at the window (404), agent offline, scanner trouble or no answer in time (503), a scan already running there (409). At most one scan per window at a time.',
      access: 'cases:capture',
      handle: async (ctx) => {
        if (ctx.principal.kind !== 'staff') return staffOnly;
        const staff = staffOf(ctx);
        const target = { caseId: ctx.params.id!, material: ctx.params.material! };
        if (h.materials.windowOf(staff.id) !== null) {
          const admits = h.materials.admits({ id: staff.id, roles: staff.roles }, target);
          if (!admits.ok) return admits;
        }
        return h.scans.scan(staff.id, target);
      },
    }),
    route({
      method: 'get',
      path: '/api/capture/devices',
      summary:
        'The capture devices of the window the clerk is signed on at (MAT-DEV-2, MAT-DEV-3): whether its agent has a scanner (online, busy) and its document camera’s label pattern and resolution',
      access: 'cases:capture',
      handle: (ctx) => {
        if (ctx.principal.kind !== 'staff') return staffOnly;
        return { ok: true, data: h.scans.devicesFor(staffOf(ctx).id) };
      },
    }),
    route({
      method: 'post',
      path: '/api/cases/{id}/materials/{material}/waive',
      summary:
        'Marks a material 免提交 with a reason (the hall fetches it itself, or this case does not need it); the pages it had stay in the page store and the history',
      access: 'cases:capture',
      body: waiveBody,
      handle: (ctx) =>
        h.materials.change(
          staffOf(ctx),
          { type: 'waive', caseId: ctx.params.id!, material: ctx.params.material!, reason: ctx.body.reason },
          ctx.idempotencyKey,
        ),
    }),
    route({
      method: 'post',
      path: '/api/cases/{id}/materials/{material}/remove',
      summary:
        'Takes a wrong page off a material (with a reason); the page stays in the page store and the history',
      access: 'cases:capture',
      body: removeBody,
      handle: (ctx) =>
        h.materials.change(
          staffOf(ctx),
          {
            type: 'remove',
            caseId: ctx.params.id!,
            material: ctx.params.material!,
            sha256: ctx.body.sha256,
            reason: ctx.body.reason,
          },
          ctx.idempotencyKey,
        ),
    }),
    route({
      method: 'get',
      path: '/api/pages/{sha256}',
      summary:
        'A captured page, for the staff who work on a case that links it (a manager with ?purpose=…); every read recorded, never cached by a proxy or kept by the browser',
      access: 'cases:pages',
      query: pageQuery,
      handle: async (ctx) => {
        const r = await h.materials.page({ ...staffOf(ctx), purpose: ctx.query.purpose }, ctx.params.sha256!);
        if (!r.ok) return r;
        ctx.res
          .type(r.data.mime)
          .set({
            'Cache-Control': 'private, no-store',
            'Content-Disposition': 'inline',
            'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
            'X-Content-Type-Options': 'nosniff',
          })
          .send(r.data.data);
        return undefined;
      },
    }),
  ];
}
