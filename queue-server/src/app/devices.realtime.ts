import {
  type Ack,
  type ApiError,
  type CardRead,
  type CounterCard,
  cardErrorSchema,
  cardReadSchema,
  type DeviceHealth,
  type DeviceStatus,
  deviceHealthSchema,
  healthAlerts,
  type PrintJob,
  printResultSchema,
  type ScanRequest,
  scanResultSchema,
} from '@onewindow/shared';
import type { Clock } from '../service/hall.service.ts';
import type { PrintQueue } from '../service/print.service.ts';
import type { ScanService } from '../service/scan.service.ts';
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

/** What the device channel offers the rest of the transport. */
export interface DevicesChannel {
  statuses(): DeviceStatus[];
}

/**
 * The terminal side of the server (issue: terminal agent and devices): the Socket.IO transport
 * of the print queue (jobs go to a connected terminal's room; a reconnecting terminal gets every
 * job it has not acknowledged), health reports that become guide alerts, and card reads relayed
 * only to the screen of the same terminal (and, masked, to the clerk at that window).
 */
export function attachDevices(
  io: HallIo,
  deps: {
    print: PrintQueue;
    /** 扫描 at the console, sent to a window's agent (MAT-DEV-2). */
    scans?: ScanService;
    devices: DeviceStore;
    auth: AuthStore;
    clock: Clock;
    /** The counter check (SPEC CTR-1): what the clerk at a window's agent sees of a card read there. */
    counterCard?: (windowId: string, card: CardRead) => { clerkId: string; card: CounterCard } | null;
  },
): DevicesChannel {
  const online = new Map<string, number>();

  const statusOf = (deviceId: string, health?: DeviceHealth): DeviceStatus | null => {
    const d = deps.auth.deviceById(deviceId);
    if (d === undefined) return null;
    const h = health ?? deps.devices.allHealth().find((x) => x.deviceId === deviceId)?.health ?? {};
    const isOnline = (online.get(deviceId) ?? 0) > 0;
    // A failed last job stays an alert until a job prints there (DEV-8): a guide who logs in
    // after the print:result event still sees it in GET /api/devices/status.
    const last = deps.devices.lastDoneJob(deviceId);
    const lastPrintFailure =
      last?.status === 'failed'
        ? { jobId: last.jobId, reason: last.reason ?? '打印失败', at: last.at }
        : null;
    return {
      deviceId,
      name: d.name,
      kind: d.kind,
      windowId: d.windowId,
      online: isOnline,
      health: h,
      alerts: [
        ...(isOnline ? [] : ['设备离线']),
        ...healthAlerts(h),
        ...(lastPrintFailure === null ? [] : [`上次打印失败：${lastPrintFailure.reason}`]),
      ],
      lastPrintFailure,
      at: deps.clock.now(),
    };
  };
  // Staff see every device; the device's own screen (a kiosk) sees its own printer (DEV-8).
  const tellStaff = (deviceId: string, health?: DeviceHealth) => {
    const s = statusOf(deviceId, health);
    if (s === null) return;
    io.to(ROOMS.staff).emit('device:status', s);
    io.to(ROOMS.device(deviceId)).emit('device:status', s);
  };

  deps.print.attach({
    isOnline: (deviceId) => (online.get(deviceId) ?? 0) > 0,
    send: (deviceId, job: PrintJob) => {
      io.to(ROOMS.device(deviceId)).emit('device:print', job);
    },
  });

  deps.scans?.attach({
    isOnline: (deviceId) => (online.get(deviceId) ?? 0) > 0,
    send: (deviceId, request: ScanRequest) => {
      io.to(ROOMS.device(deviceId)).emit('device:scan', request);
    },
  });

  io.on('connection', (socket) => {
    const p = socket.data.principal;
    if (p.kind !== 'device') {
      for (const event of [
        'device:health',
        'device:print-result',
        'device:card',
        'device:scan-result',
      ] as const)
        socket.on(event, (...args: unknown[]) =>
          lastFn(args)?.(refuse('FORBIDDEN', `${event} is for paired terminals only`)),
        );
      return;
    }
    online.set(p.id, (online.get(p.id) ?? 0) + 1);
    tellStaff(p.id);
    // The others of this terminal learn it: an agent holding a card that lay on the reader
    // before this screen connected sends it again (DEV-7).
    socket.to(ROOMS.device(p.id)).emit('device:peer-joined');
    deps.print.resend(p.id);
    socket.on('disconnect', () => {
      online.set(p.id, Math.max(0, (online.get(p.id) ?? 1) - 1));
      if (online.get(p.id) === 0) deps.scans?.offline(p.id);
      tellStaff(p.id);
    });

    // The agent's answer to 扫描 (MAT-DEV-2): the pages are already linked by its uploads.
    socket.on('device:scan-result', (...args: unknown[]) => {
      const reply = lastFn<{ accepted: boolean }>(args);
      const parsed = scanResultSchema.safeParse(typeof args[0] === 'function' ? undefined : args[0]);
      if (!parsed.success) return reply?.({ ok: false, error: badRequest(parsed.error, 'scan result') });
      reply?.({ ok: true, data: { accepted: deps.scans?.result(p.id, parsed.data) ?? false } });
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
      const r = deps.print.result(p.id, parsed.data);
      if (!r.ok) return reply?.(refuse('NOT_FOUND', 'no such job for this device'));
      // The first answer stands: a late duplicate after a reconnect changes nothing.
      if (r.changed) {
        io.to(ROOMS.staff).emit('print:result', { ...parsed.data, deviceId: p.id });
        // DEV-8: the status changes when a job fails or one prints after a failure; a print after
        // a print changes nothing, and a hall prints a few thousand a day to every staff socket.
        if (r.alertChanged) tellStaff(p.id);
      }
      reply?.({ ok: true, data: { status: r.status } });
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
      // At a counter, the clerk signed on there also sees it, masked (never the full number; the
      // name only for the slip of the citizen they serve, CTR-2).
      const counter = p.windowId === null ? null : (deps.counterCard?.(p.windowId, parsed.data) ?? null);
      if (counter !== null)
        for (const s of io.sockets.sockets.values()) {
          const sp = s.data.principal;
          if (sp.kind === 'staff' && sp.id === counter.clerkId) s.emit('counter:card', counter.card);
        }
      reply?.({ ok: true, data: { relayed } });
    });

    // A card that gave nothing: only its code, only to this terminal's own screen (DEV-6).
    socket.on('device:card-error', (...args: unknown[]) => {
      const reply = lastFn<{ relayed: number }>(args);
      const parsed = cardErrorSchema.safeParse(typeof args[0] === 'function' ? undefined : args[0]);
      if (!parsed.success) return reply?.({ ok: false, error: badRequest(parsed.error, 'card error') });
      const room = io.sockets.adapter.rooms.get(ROOMS.device(p.id));
      socket.to(ROOMS.device(p.id)).emit('device:card-error', parsed.data);
      reply?.({ ok: true, data: { relayed: Math.max(0, (room?.size ?? 1) - 1) } });
    });
  });

  return {
    statuses() {
      return deps.auth
        .allDevices()
        .filter((d) => d.revokedAt === null)
        .map((d) => statusOf(d.id))
        .filter((s): s is DeviceStatus => s !== null);
    },
  };
}
