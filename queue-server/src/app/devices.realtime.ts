import { randomUUID } from 'node:crypto';
import {
  type Ack,
  type ApiError,
  type CardRead,
  type CounterCard,
  cardReadSchema,
  type DeviceHealth,
  type DeviceStatus,
  deviceHealthSchema,
  healthAlerts,
  type PrintJob,
  printResultSchema,
} from '@onewindow/shared';
import type { Clock } from '../service/hall.service.ts';
import type { AuthStore } from '../store/auth.store.ts';
import type { DeviceStore } from '../store/device.store.ts';
import { badRequest } from './command.gateway.ts';
import { type HallIo, ROOMS } from './realtime.ts';

type Reply<T> = ((a: Ack<T>) => void) | undefined;
const lastFn = <T>(args: unknown[]): Reply<T> => {
  const f = args.at(-1);
  return typeof f === 'function' ? (f as (a: Ack<T>) => void) : undefined;
};
const refuse = (code: ApiError['code'], message: string) => ({
  ok: false as const,
  error: { code, message },
});

/**
 * The terminal side of the server (issue: terminal agent and devices): print jobs that are
 * stored before they are sent and re-sent until acknowledged (the agent prints each jobId at
 * most once), health reports that become guide alerts, and card reads relayed only to the
 * screen of the same terminal.
 */
export function attachDevices(
  io: HallIo,
  deps: {
    devices: DeviceStore;
    auth: AuthStore;
    clock: Clock;
    /** The counter check (SPEC CTR-1): what the clerk at a window's agent sees of a card read there. */
    counterCard?: (windowId: string, card: CardRead) => { clerkId: string; card: CounterCard } | null;
  },
): {
  /** Queues a print job for a device and sends it now if the device is connected. */
  print(deviceId: string, document: PrintJob['document']): PrintJob;
  statuses(): DeviceStatus[];
} {
  const online = new Map<string, number>();

  const statusOf = (deviceId: string, health?: DeviceHealth): DeviceStatus | null => {
    const d = deps.auth.deviceById(deviceId);
    if (d === undefined) return null;
    const h = health ?? deps.devices.allHealth().find((x) => x.deviceId === deviceId)?.health ?? {};
    const isOnline = (online.get(deviceId) ?? 0) > 0;
    return {
      deviceId,
      name: d.name,
      kind: d.kind,
      windowId: d.windowId,
      online: isOnline,
      health: h,
      alerts: [...(isOnline ? [] : ['设备离线']), ...healthAlerts(h)],
      at: deps.clock.now(),
    };
  };
  const tellStaff = (deviceId: string, health?: DeviceHealth) => {
    const s = statusOf(deviceId, health);
    if (s !== null) io.to(ROOMS.staff).emit('device:status', s);
  };
  const sendOpenJobs = (deviceId: string) => {
    for (const row of deps.devices.openJobs(deviceId)) {
      io.to(ROOMS.device(deviceId)).emit('device:print', row.job);
      if (row.status === 'pending') deps.devices.setStatus(row.job.jobId, 'sent', null, deps.clock.now());
    }
  };

  io.on('connection', (socket) => {
    const p = socket.data.principal;
    if (p.kind !== 'device') {
      for (const event of ['device:health', 'device:print-result', 'device:card'] as const)
        socket.on(event, (...args: unknown[]) =>
          lastFn(args)?.(refuse('FORBIDDEN', `${event} is for paired terminals only`)),
        );
      return;
    }
    online.set(p.id, (online.get(p.id) ?? 0) + 1);
    tellStaff(p.id);
    sendOpenJobs(p.id);
    socket.on('disconnect', () => {
      online.set(p.id, Math.max(0, (online.get(p.id) ?? 1) - 1));
      tellStaff(p.id);
    });

    socket.on('device:health', (...args: unknown[]) => {
      const reply = lastFn<{ alerts: string[] }>(args);
      const parsed = deviceHealthSchema.safeParse(typeof args[0] === 'function' ? undefined : args[0]);
      if (!parsed.success) return reply?.({ ok: false, error: badRequest(parsed.error, 'device health') });
      deps.devices.putHealth(p.id, parsed.data, deps.clock.now());
      tellStaff(p.id, parsed.data);
      reply?.({ ok: true, data: { alerts: healthAlerts(parsed.data) } });
    });

    socket.on('device:print-result', (...args: unknown[]) => {
      const reply = lastFn<{ status: string }>(args);
      const parsed = printResultSchema.safeParse(typeof args[0] === 'function' ? undefined : args[0]);
      if (!parsed.success) return reply?.({ ok: false, error: badRequest(parsed.error, 'print result') });
      const row = deps.devices.job(parsed.data.jobId);
      if (row === undefined || row.deviceId !== p.id)
        return reply?.(refuse('NOT_FOUND', 'no such job for this device'));
      // The first answer stands: a late duplicate after a reconnect changes nothing.
      if (row.status === 'printed' || row.status === 'failed')
        return reply?.({ ok: true, data: { status: row.status } });
      const reason = parsed.data.status === 'failed' ? parsed.data.reason : null;
      deps.devices.setStatus(row.job.jobId, parsed.data.status, reason, deps.clock.now());
      io.to(ROOMS.staff).emit('print:result', { ...parsed.data, deviceId: p.id });
      reply?.({ ok: true, data: { status: parsed.data.status } });
    });

    socket.on('device:card', (...args: unknown[]) => {
      const reply = lastFn<{ relayed: number }>(args);
      const parsed = cardReadSchema.safeParse(typeof args[0] === 'function' ? undefined : args[0]);
      if (!parsed.success) return reply?.({ ok: false, error: badRequest(parsed.error, 'card read') });
      // Only to the other sockets of this same terminal (its kiosk screen); never to a room
      // anyone else is in, never logged.
      const room = io.sockets.adapter.rooms.get(ROOMS.device(p.id));
      const relayed = Math.max(0, (room?.size ?? 1) - 1);
      socket.to(ROOMS.device(p.id)).emit('device:card', parsed.data);
      // At a counter, the clerk signed on there also sees it, masked (never the full number or name).
      const counter = p.windowId === null ? null : (deps.counterCard?.(p.windowId, parsed.data) ?? null);
      if (counter !== null)
        for (const s of io.sockets.sockets.values()) {
          const sp = s.data.principal;
          if (sp.kind === 'staff' && sp.id === counter.clerkId) s.emit('counter:card', counter.card);
        }
      reply?.({ ok: true, data: { relayed } });
    });
  });

  return {
    print(deviceId, document) {
      const job: PrintJob = { jobId: `pj-${randomUUID()}`, createdAt: deps.clock.now(), document };
      deps.devices.insertJob(deviceId, job);
      if ((online.get(deviceId) ?? 0) > 0) {
        io.to(ROOMS.device(deviceId)).emit('device:print', job);
        deps.devices.setStatus(job.jobId, 'sent', null, deps.clock.now());
      }
      return job;
    },
    statuses() {
      return deps.auth
        .allDevices()
        .filter((d) => d.revokedAt === null)
        .map((d) => statusOf(d.id))
        .filter((s): s is DeviceStatus => s !== null);
    },
  };
}
