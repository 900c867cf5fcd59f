/**
 * The hall's side of replication (issue #18 point 1; SPEC RGN-REP-*): ships the fact log to the
 * regional center from the center's mark onward, in seq order, in batches bounded by count and
 * bytes, stripped of personal data (`strip.ts`); pulls the region's newer documents on the same
 * contact and hands them to the hall (RGN-PUSH-2). It keeps no state of its own: the center's
 * mark is the resume point, so a shipper killed mid-batch resumes exactly where the center's
 * last committed batch ended. Nothing in a hall command waits for it (RGN-REP-8).
 */
import {
  type HallEvent,
  MAX_BATCH_FACTS,
  type RegionDocument,
  type RegionVersions,
  type ReplicationStatus,
  type ShippedFact,
} from '@onewindow/shared';
import type { Logger } from 'pino';
import { stripFact } from './strip.ts';

export interface ShipperOptions {
  /** The center's base URL, e.g. https://center.example.cn */
  url: string;
  hallId: string;
  credential: string;
  /** New facts a batch carries at most (MAX_BATCH_FACTS − 1 = 1,999: with the overlap, the center's limit). */
  batchFacts?: number;
  /** Bytes of JSON a batch carries at most (one bigger fact still goes alone). */
  batchBytes?: number;
  /** How long to wait when there is nothing to ship (a commit wakes it earlier). */
  idleMs?: number;
  /** How often the region's documents are pulled. */
  pullEveryMs?: number;
  /** The first back-off after a failure; it doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A request's time limit. */
  timeoutMs?: number;
}

export interface ShipperDeps {
  events(from: number, to: number): HallEvent[];
  lastSeq(): number;
  versions(): RegionVersions;
  /** Applies newer documents (RegionService.applyAll). */
  applyDocuments(docs: RegionDocument[]): void;
  /** Told each time the center answers a new mark (every fact up to it is committed there). */
  onShipped?(highWater: number): void;
  logger: Logger;
}

export type ShipperState = ReplicationStatus['state'];

/** What the shipper knows; `highWater` is the center's mark as last answered (null before). */
export type ShipperStatus = ReplicationStatus;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs: number | null,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }
}

export class Shipper {
  private readonly o: Required<ShipperOptions>;
  private running = false;
  private wake: (() => void) | null = null;
  private kicked = false;
  private loopDone: Promise<void> | null = null;
  private highWater: number | null = null;
  private lastContact: number | null = null;
  private lastError: string | null = null;
  private flagged: string | null = null;
  private state: ShipperState = 'stopped';
  private lastPull = 0;
  private inflight: AbortController | null = null;

  constructor(
    opts: ShipperOptions,
    private readonly d: ShipperDeps,
  ) {
    this.o = {
      batchFacts: MAX_BATCH_FACTS - 1,
      batchBytes: 1_000_000,
      idleMs: 2000,
      pullEveryMs: 60_000,
      backoffMs: 500,
      maxBackoffMs: 60_000,
      timeoutMs: 15_000,
      ...opts,
      url: opts.url.replace(/\/+$/, ''),
    };
    // The overlap fact rides along: a batch is at most batchFacts + 1 facts, within the center's limit.
    this.o.batchFacts = Math.max(1, Math.min(this.o.batchFacts, MAX_BATCH_FACTS - 1));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.state = 'starting';
    this.loopDone = this.loop();
  }

  /** A commit happened: ship soon instead of at the next idle tick. */
  kick(): void {
    this.kicked = true;
    // A backing-off shipper keeps its pause: commits must not hammer a center that is down.
    if (this.state === 'idle' || this.state === 'shipping') this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.inflight?.abort();
    this.wake?.();
    await this.loopDone;
    this.state = 'stopped';
  }

  status(): ShipperStatus {
    const last = this.d.lastSeq();
    return {
      state: this.state,
      hallId: this.o.hallId,
      highWater: this.highWater,
      hallLastSeq: last,
      lag: this.highWater === null ? null : Math.max(0, last - this.highWater),
      lastContact: this.lastContact,
      lastError: this.lastError,
      flagged: this.flagged,
    };
  }

  private sleep(ms: number): Promise<void> {
    if (this.kicked && this.running && this.state !== 'backing-off' && this.state !== 'flagged') {
      this.kicked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let t: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(t);
        this.wake = null;
        this.kicked = false;
        resolve();
      };
      t = setTimeout(done, ms);
      t.unref();
      this.wake = done;
    });
  }

  private async loop(): Promise<void> {
    let backoff = this.o.backoffMs;
    while (this.running) {
      try {
        if (this.highWater === null) this.highWater = await this.mark();
        if (Date.now() - this.lastPull >= this.o.pullEveryMs) await this.pull();
        const shipped = await this.shipOnce();
        backoff = this.o.backoffMs;
        this.lastError = null;
        if (!shipped) {
          this.state = 'idle';
          await this.sleep(this.o.idleMs);
        }
      } catch (err) {
        if (!this.running) break;
        const e = err as Error;
        let wait = backoff + Math.floor(Math.random() * backoff * 0.2);
        if (err instanceof HttpError) {
          if (err.code === 'HALL_FLAGGED') {
            this.state = 'flagged';
            this.flagged = err.message;
            wait = this.o.maxBackoffMs;
          } else if (err.code === 'GAP' && typeof err.body.highWater === 'number') {
            this.highWater = err.body.highWater;
            continue;
          } else if (err.retryAfterMs !== null) wait = Math.max(wait, err.retryAfterMs);
          if (err.status === 401 || err.status === 403) wait = this.o.maxBackoffMs;
        }
        if (this.state !== 'flagged') this.state = 'backing-off';
        this.lastError = e.message;
        this.d.logger.warn(
          { err: e.message, waitMs: wait },
          'center unreachable or refusing; retrying later',
        );
        backoff = Math.min(backoff * 2, this.o.maxBackoffMs);
        // A flagged hall re-asks the mark after an operator may have resolved it.
        if (this.state === 'flagged') this.highWater = null;
        await this.sleep(wait);
      }
    }
  }

  /**
   * One batch: from the center's mark (the fact at the mark itself goes along, so the center can
   * tell a rewound hall, RGN-REP-6) up to the count and byte bounds. Answers whether it shipped
   * new facts.
   */
  private async shipOnce(): Promise<boolean> {
    const mark = this.highWater ?? 0;
    const last = this.d.lastSeq();
    const from = Math.max(1, mark);
    const to = Math.min(last, mark + this.o.batchFacts);
    // Each fact is serialised once: its JSON both measures it and goes into the body as is.
    const facts: ShippedFact[] = [];
    const parts: string[] = [];
    let bytes = 0;
    if (last >= from)
      for (const ev of this.d.events(from, Math.max(to, from))) {
        if (ev.seq > last) break;
        const f = stripFact(ev);
        const json = JSON.stringify(f);
        const size = json.length;
        if (facts.length > 0 && bytes + size > this.o.batchBytes) break;
        facts.push(f);
        parts.push(json);
        bytes += size;
      }
    const fresh = facts.filter((f) => f.seq > mark).length;
    this.state = fresh > 0 ? 'shipping' : this.state;
    const body = `{"hallId":${JSON.stringify(this.o.hallId)},"hallLastSeq":${last},"versions":${JSON.stringify(
      this.d.versions(),
    )},"facts":[${parts.join(',')}]}`;
    const r = await this.post<{ highWater: number; inserted: number }>('/api/center/ingest', body);
    this.highWater = r.highWater;
    this.flagged = null;
    this.lastContact = Date.now();
    if (fresh > 0) this.d.onShipped?.(r.highWater);
    return fresh > 0;
  }

  private async mark(): Promise<number> {
    const r = await this.get<{ highWater: number; flagged: string | null }>(
      `/api/center/halls/${encodeURIComponent(this.o.hallId)}/mark`,
    );
    this.flagged = r.flagged;
    this.lastContact = Date.now();
    return r.highWater;
  }

  private async pull(): Promise<void> {
    const q = new URLSearchParams(Object.entries(this.d.versions()).map(([k, v]) => [k, String(v)]));
    const docs = await this.get<RegionDocument[]>(
      `/api/center/halls/${encodeURIComponent(this.o.hallId)}/documents?${q}`,
    );
    this.lastPull = Date.now();
    if (docs.length > 0) this.d.applyDocuments(docs);
  }

  private get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path, undefined);
  }

  /** `body` is sent as it is when it is already JSON text. */
  private post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  private async request<T>(method: string, path: string, body: unknown): Promise<T> {
    const ac = new AbortController();
    this.inflight = ac;
    const timer = setTimeout(
      () => ac.abort(new Error(`no answer within ${this.o.timeoutMs} ms`)),
      this.o.timeoutMs,
    );
    try {
      const res = await fetch(`${this.o.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.o.credential}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
        signal: ac.signal,
      });
      const text = await res.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = {};
      }
      if (res.ok && json.ok === true) return json.data as T;
      const error = (json.error ?? {}) as { code?: string; message?: string };
      const ra = Number(res.headers.get('retry-after'));
      throw new HttpError(
        res.status,
        error.code ?? `HTTP_${res.status}`,
        error.message ?? `center answered ${res.status}`,
        Number.isFinite(ra) && ra > 0 ? ra * 1000 : null,
        json,
      );
    } finally {
      clearTimeout(timer);
      if (this.inflight === ac) this.inflight = null;
    }
  }
}
