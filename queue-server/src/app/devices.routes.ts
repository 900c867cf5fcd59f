import { printJobRequestSchema } from '@onewindow/shared';
import express, { type Router } from 'express';
import type { z } from 'zod';
import type { QueueEngine } from '../domain/engine.ts';
import type { AuthStore } from '../store/auth.store.ts';
import type { DeviceStore } from '../store/device.store.ts';
import type { AuthService } from './auth.service.ts';
import { badRequest } from './command.gateway.ts';
import type { attachDevices } from './devices.realtime.ts';
import { principalOf, ROUTES, send } from './http.ts';

ROUTES.push(
  {
    method: 'post',
    path: '/api/print-jobs',
    summary:
      'Queues a document for a terminal’s printer: a kiosk prints on itself; a clerk on the agent of the window they signed on at',
    auth: 'staff-or-device',
    body: printJobRequestSchema,
  },
  {
    method: 'get',
    path: '/api/print-jobs/{id}',
    summary: 'A print job’s state: pending, sent, printed, failed',
    auth: 'staff-or-device',
  },
  {
    method: 'get',
    path: '/api/devices/status',
    summary: 'Every device: online, health, alerts (guide console)',
    auth: 'staff',
  },
);

export function devicesRouter(deps: {
  auth: AuthService;
  authStore: AuthStore;
  devices: DeviceStore;
  channel: ReturnType<typeof attachDevices>;
  queue: () => QueueEngine;
}): Router {
  const r = express.Router();

  r.post('/print-jobs', (req, res) => {
    const p = principalOf(req, deps.auth);
    if (p.kind === 'anonymous')
      return send(res, {
        ok: false,
        error: { code: 'UNAUTHENTICATED', message: 'log in or pair this device first' },
      });
    const parsed = printJobRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) return send(res, { ok: false, error: badRequest(parsed.error, 'print job') });
    const b: z.infer<typeof printJobRequestSchema> = parsed.data;
    let target: string | undefined;
    if (p.kind === 'device') {
      if (b.deviceId !== undefined && b.deviceId !== p.id)
        return send(res, {
          ok: false,
          error: { code: 'FORBIDDEN', message: 'a device prints only on itself' },
        });
      target = p.id;
    } else if (p.kind === 'staff') {
      const windowId =
        b.windowId ??
        deps
          .queue()
          .allWindows()
          .find((w) => w.clerkId === p.id)?.id;
      const mayAnywhere = p.roles.includes('manager') || p.roles.includes('guide');
      if (b.deviceId !== undefined && mayAnywhere) target = b.deviceId;
      else if (windowId !== undefined) {
        if (!mayAnywhere && deps.queue().window(windowId)?.clerkId !== p.id)
          return send(res, {
            ok: false,
            error: { code: 'FORBIDDEN', message: 'print only at the window you signed on at' },
          });
        target = deps.authStore
          .allDevices()
          .find((d) => d.kind === 'agent' && d.windowId === windowId && d.revokedAt === null)?.id;
        if (target === undefined)
          return send(res, {
            ok: false,
            error: { code: 'NOT_FOUND', message: `no terminal agent at window ${windowId}` },
          });
      } else
        return send(res, {
          ok: false,
          error: { code: 'BAD_REQUEST', message: 'name a deviceId or windowId' },
        });
    }
    const device = target === undefined ? undefined : deps.authStore.deviceById(target);
    if (device === undefined || device.revokedAt !== null)
      return send(res, { ok: false, error: { code: 'NOT_FOUND', message: 'no such active device' } });
    const job = deps.channel.print(device.id, b.document);
    send(res, { ok: true, data: { jobId: job.jobId, deviceId: device.id } }, 201);
  });

  r.get('/print-jobs/:id', (req, res) => {
    const p = principalOf(req, deps.auth);
    if (p.kind === 'anonymous')
      return send(res, {
        ok: false,
        error: { code: 'UNAUTHENTICATED', message: 'log in or pair this device first' },
      });
    const row = deps.devices.job(String(req.params.id));
    if (row === undefined || (p.kind === 'device' && row.deviceId !== p.id))
      return send(res, { ok: false, error: { code: 'NOT_FOUND', message: 'no such print job' } });
    send(res, {
      ok: true,
      data: { jobId: row.job.jobId, deviceId: row.deviceId, status: row.status, reason: row.reason },
    });
  });

  r.get('/devices/status', (req, res) => {
    if (principalOf(req, deps.auth).kind !== 'staff')
      return send(res, {
        ok: false,
        error: { code: 'UNAUTHENTICATED', message: 'a staff login token is required' },
      });
    send(res, { ok: true, data: deps.channel.statuses() });
  });

  return r;
}
