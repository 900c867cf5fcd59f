/**
 * 扫描 at the console (SPEC MAT-DEV-2): a clerk asks the terminal agent at their window to scan
 * onto a material of a case. The agent uploads the page(s) itself through the capture route
 * (source=scanner, captured for the clerk signed on there: MAT-CAP-1), so every page commits with
 * its fact exactly as any other capture; this service only finds the window's agent, refuses a
 * second scan while one runs, forwards the request, and waits for the agent's answer (or a
 * timeout, or the agent dropping off). Nothing here is stored: a scan that never answers links
 * nothing.
 */
import { randomUUID } from 'node:crypto';
import {
  type ApiError,
  type CaptureDevices,
  type DeviceHealth,
  type ScanRequest,
  type ScanResult,
  scanErrorText,
} from '@onewindow/shared';

type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** How the service reaches agents: the Socket.IO device channel attaches it (devices.realtime.ts). */
export interface ScanTransport {
  isOnline(deviceId: string): boolean;
  send(deviceId: string, request: ScanRequest): void;
}

/** What a clerk gets back from 扫描: the pages the agent linked. */
export interface ScanDone {
  requestId: string;
  pages: number;
}

interface Running {
  requestId: string;
  clerkId: string;
  finish: (r: Result<ScanDone>) => void;
  timer: NodeJS.Timeout;
}

const fail = (code: ApiError['code'], message: string, messageZh: string) => ({
  ok: false as const,
  error: { code, message, messageZh },
});

export class ScanService {
  #transport: ScanTransport | null = null;
  /** One scan per window agent at a time, by device id. */
  readonly #running = new Map<string, Running>();

  constructor(
    private readonly deps: {
      /** The paired, unrevoked agents of a window (kind `agent`), oldest first. */
      agentsOf: (windowId: string) => { id: string }[];
      healthOf: (deviceId: string) => DeviceHealth | undefined;
      /** The window a clerk is signed on at (MAT-CAP-1). */
      windowOf: (staffId: string) => string | null;
      /** A scan the agent has not answered after this is given up (default 90 s: an A4 at 300 dpi takes 10–40 s). */
      timeoutMs?: number;
      newId?: () => string;
    },
  ) {}

  attach(transport: ScanTransport): void {
    this.#transport = transport;
  }

  /** The window's agent with a scanner: the one connected now, else the newest (after a re-pairing). */
  #agentOf(windowId: string): { id: string } | undefined {
    const withScanner = this.deps
      .agentsOf(windowId)
      .filter((a) => this.deps.healthOf(a.id)?.documentScanner !== undefined);
    return withScanner.find((a) => this.#transport?.isOnline(a.id)) ?? withScanner.at(-1);
  }

  /** The capture devices of the clerk's window (the console shows 扫描 only with a scanner there). */
  devicesFor(staffId: string): CaptureDevices {
    const windowId = this.deps.windowOf(staffId);
    if (windowId === null) return { windowId: null, scanner: null, documentCamera: null };
    const agent = this.#agentOf(windowId);
    const camera = this.deps
      .agentsOf(windowId)
      .map((a) => this.deps.healthOf(a.id)?.documentCamera)
      .filter((c) => c !== undefined)
      .at(-1);
    return {
      windowId,
      scanner:
        agent === undefined
          ? null
          : {
              deviceId: agent.id,
              online: this.#transport?.isOnline(agent.id) ?? false,
              busy: this.#running.has(agent.id),
            },
      documentCamera: camera ?? null,
    };
  }

  /**
   * Asks the clerk's window agent to scan onto `caseId`/`material` and waits for its answer.
   * Refused at once when the clerk is at no window, the window has no scanner, its agent is
   * offline, or a scan is already running there.
   */
  scan(staffId: string, target: { caseId: string; material: string }): Promise<Result<ScanDone>> {
    const windowId = this.deps.windowOf(staffId);
    if (windowId === null)
      return Promise.resolve(
        fail('FORBIDDEN', 'scan at your window: open your window first', '请先在窗口签到（开窗）后再扫描'),
      );
    const agent = this.#agentOf(windowId);
    if (agent === undefined)
      return Promise.resolve(
        fail(
          'NOT_FOUND',
          `window ${windowId} has no scanner: its terminal agent reports none`,
          '本窗口未配置扫描仪，请用高拍仪拍照或上传文件',
        ),
      );
    const transport = this.#transport;
    if (transport === null || !transport.isOnline(agent.id))
      return Promise.resolve(
        fail(
          'UNAVAILABLE',
          `the terminal agent of window ${windowId} is offline`,
          '本窗口的终端助手（扫描仪所在电脑）未连接，请检查该电脑后重试，或用高拍仪拍照',
        ),
      );
    const other = this.#running.get(agent.id);
    if (other !== undefined)
      return Promise.resolve(
        fail(
          'CONFLICT',
          `a scan (${other.requestId}) is already running at window ${windowId}`,
          '扫描仪正在扫描上一份材料，请等它完成后再扫描',
        ),
      );
    const requestId = (this.deps.newId ?? randomUUID)();
    return new Promise((resolve) => {
      const finish = (r: Result<ScanDone>) => {
        const running = this.#running.get(agent.id);
        if (running?.requestId !== requestId) return;
        clearTimeout(running.timer);
        this.#running.delete(agent.id);
        resolve(r);
      };
      const timer = setTimeout(
        () =>
          finish(
            fail(
              'UNAVAILABLE',
              `the scanner at window ${windowId} did not answer in time`,
              '扫描超时：扫描仪未在规定时间内完成。稍后请查看材料是否已归入，必要时重新扫描',
            ),
          ),
        this.deps.timeoutMs ?? 90_000,
      );
      // A scan in flight never keeps a stopping server alive.
      timer.unref?.();
      this.#running.set(agent.id, { requestId, clerkId: staffId, finish, timer });
      transport.send(agent.id, { requestId, ...target });
    });
  }

  /** The agent's answer; false when it answers no scan of its own that is running (late, or another's). */
  result(deviceId: string, r: ScanResult): boolean {
    const running = this.#running.get(deviceId);
    if (running === undefined || running.requestId !== r.requestId) return false;
    if (r.status === 'scanned') {
      running.finish({ ok: true, data: { requestId: r.requestId, pages: r.pages } });
      return true;
    }
    const linked = r.pages > 0 ? `（已归入 ${r.pages} 页）` : '';
    running.finish(
      fail(
        r.code === 'refused' ? 'CONFLICT' : 'UNAVAILABLE',
        `scan failed at the window (${r.code}): ${r.detail}`,
        `${r.code === 'refused' && r.messageZh ? `${scanErrorText('refused')}：${r.messageZh}` : scanErrorText(r.code)}${linked}`,
      ),
    );
    return true;
  }

  /** The agent's last socket went away: a running scan there will not be answered. */
  offline(deviceId: string): void {
    this.#running
      .get(deviceId)
      ?.finish(
        fail(
          'UNAVAILABLE',
          'the terminal agent disconnected during the scan',
          '扫描过程中终端助手断开连接：请查看材料是否已归入，必要时重新扫描',
        ),
      );
  }
}
