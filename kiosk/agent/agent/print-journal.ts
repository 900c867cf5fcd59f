/**
 * The at-most-once guarantee for print jobs (SPEC DEV-1). The server re-sends a job on every
 * reconnect until it hears an answer, so the agent must remember, across reconnects and
 * restarts, which jobs it has already put on paper.
 *
 * `print-journal.jsonl` in the state dir, one JSON line per step, fsynced before the step
 * counts:
 *
 *     {"jobId":"pj-1","state":"printing","at":…}   ← written BEFORE any byte goes to the printer
 *     {"jobId":"pj-1","state":"printed","at":…}    ← after the printer took the bytes
 *     {"jobId":"pj-2","state":"failed","reason":"缺纸","at":…}
 *
 * - A job whose last line is `printed`/`failed` is answered from the journal, never printed again.
 * - A job left in `printing` (the process died mid-print: the paper may or may not have come
 *   out) is turned into `failed` `interrupted` when the journal is opened, and is never printed
 *   again: a clerk reprints it on purpose if it is missing, rather than a citizen getting two
 *   numbers.
 * - Bounded: on open (and {@link PrintJournal.compact}) the file is rewritten with one line per
 *   job, dropping jobs older than `retentionMs` (3 days). The agent refuses jobs created longer
 *   ago than {@link maxJobAgeMs}, which is shorter, so a job whose line was dropped can never
 *   come back and be printed.
 *
 * A torn last line (power cut mid-append) is skipped: the `printing` line is fsynced before the
 * printer is touched, so a torn one means nothing was sent.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { PrintResult } from '@onewindow/shared';
import { writeFileAtomic } from './token-store.ts';

export const JOURNAL_FILE = 'print-journal.jsonl';
export const DEFAULT_RETENTION_MS = 3 * 24 * 3600_000;
/** Reason given for a job found mid-print at start-up. */
export const INTERRUPTED = 'interrupted';

/** Jobs created before `now - maxJobAgeMs(retention)` are refused (see the file comment). */
export function maxJobAgeMs(retentionMs: number): number {
  // One day of margin for clock differences between the server and this PC.
  return Math.max(retentionMs - 24 * 3600_000, retentionMs / 2);
}

export type JournalState = 'printing' | 'printed' | 'failed';

interface Entry {
  jobId: string;
  state: JournalState;
  reason?: string;
  at: number;
}

export class PrintJournal {
  readonly path: string;
  readonly #now: () => number;
  readonly #retentionMs: number;
  readonly #entries = new Map<string, Entry>();
  #fd: number | null = null;
  /** Jobs found mid-print when the journal was opened, now failed 'interrupted' (to be reported). */
  readonly interrupted: PrintResult[] = [];

  private constructor(stateDir: string, opts: { now: () => number; retentionMs: number }) {
    this.path = join(stateDir, JOURNAL_FILE);
    this.#now = opts.now;
    this.#retentionMs = opts.retentionMs;
  }

  /** Reads the journal (if any), settles interrupted jobs, compacts it, and opens it for appending. */
  static open(stateDir: string, opts: { now?: () => number; retentionMs?: number } = {}): PrintJournal {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const j = new PrintJournal(stateDir, {
      now: opts.now ?? (() => Date.now()),
      retentionMs: opts.retentionMs ?? DEFAULT_RETENTION_MS,
    });
    let text = '';
    try {
      text = readFileSync(j.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const line of text.split('\n')) {
      const entry = parseEntry(line);
      if (entry !== null) j.#entries.set(entry.jobId, entry);
    }
    const at = j.#now();
    for (const entry of j.#entries.values()) {
      if (entry.state !== 'printing') continue;
      j.#entries.set(entry.jobId, { jobId: entry.jobId, state: 'failed', reason: INTERRUPTED, at });
      j.interrupted.push({ jobId: entry.jobId, status: 'failed', reason: INTERRUPTED });
    }
    j.compact();
    return j;
  }

  /** What became of a job: its result, 'printing' while this process prints it, or undefined. */
  outcome(jobId: string): PrintResult | 'printing' | undefined {
    const e = this.#entries.get(jobId);
    if (e === undefined) return undefined;
    if (e.state === 'printing') return 'printing';
    return e.state === 'printed'
      ? { jobId, status: 'printed' }
      : { jobId, status: 'failed', reason: e.reason ?? 'failed' };
  }

  /** Records (durably) that bytes of this job are about to go to the printer. */
  begin(jobId: string): void {
    if (this.#entries.has(jobId)) throw new Error(`print job ${jobId} is already in the journal`);
    this.#append({ jobId, state: 'printing', at: this.#now() });
  }

  /** Records (durably) how a job ended. */
  finish(result: PrintResult): void {
    const e = this.#entries.get(result.jobId);
    if (e !== undefined && e.state !== 'printing')
      throw new Error(`print job ${result.jobId} has already ended (${e.state})`);
    this.#append(
      result.status === 'printed'
        ? { jobId: result.jobId, state: 'printed', at: this.#now() }
        : { jobId: result.jobId, state: 'failed', reason: result.reason, at: this.#now() },
    );
  }

  /** Jobs remembered. */
  get size(): number {
    return this.#entries.size;
  }

  /** Rewrites the file with one line per job, dropping jobs older than the retention. */
  compact(): void {
    const cutoff = this.#now() - this.#retentionMs;
    for (const [jobId, e] of this.#entries)
      if (e.at < cutoff && e.state !== 'printing') this.#entries.delete(jobId);
    const text = [...this.#entries.values()].map((e) => `${JSON.stringify(e)}\n`).join('');
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    writeFileAtomic(this.path, text, 0o600);
    this.#fd = openSync(this.path, 'a', 0o600);
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #append(entry: Entry): void {
    if (this.#fd === null) throw new Error('print journal is closed');
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
    fsyncSync(this.#fd);
    this.#entries.set(entry.jobId, entry);
  }
}

function parseEntry(line: string): Entry | null {
  if (line.trim() === '') return null;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null; // a torn line
  }
  if (typeof v !== 'object' || v === null) return null;
  const { jobId, state, reason, at } = v as Record<string, unknown>;
  if (typeof jobId !== 'string' || jobId === '' || typeof at !== 'number') return null;
  if (state !== 'printing' && state !== 'printed' && state !== 'failed') return null;
  return { jobId, state, at, ...(typeof reason === 'string' ? { reason } : {}) };
}
