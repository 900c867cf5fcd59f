import { EventEmitter } from 'node:events';
import type { RatingPadProfile } from '@onewindow/firmware-config/schema';
import { hidUsageToCode, type Level, levelFor, newKeysInReport } from './keymap.ts';

/** Raw input from a pad: HID reports or text lines, whatever its transport delivers. */
export interface PadSource {
  on(event: 'report', fn: (report: Uint8Array) => void): this;
  on(event: 'line', fn: (line: string) => void): this;
  on(event: 'error', fn: (err: Error) => void): this;
  close(): Promise<void>;
}

/** A press turns into a level at most once per `debounceMs` (a shaky finger, a bouncing key). */
export const DEBOUNCE_MS = 400;

/**
 * Turns a physical rating pad's input into levels 1–5 by its device profile (HARDWARE.md:
 * no public protocol exists, so the mapping lives in firmware-config). Emits 'rating' with
 * the level, 'ignored' with inputs the profile does not map, 'error' from the transport.
 */
export class RatingPadDriver extends EventEmitter {
  private lastReport: Uint8Array | null = null;
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly profile: RatingPadProfile,
    private readonly source: PadSource,
    private readonly now: () => number = () => Date.now(),
  ) {
    super();
    source.on('report', (r) => this.onReport(r));
    source.on('line', (l) => this.onInput(l));
    source.on('error', (e) => this.emit('error', e));
  }

  close(): Promise<void> {
    return this.source.close();
  }

  private onReport(report: Uint8Array): void {
    const t = this.profile.transport;
    if (t.kind === 'hid-keyboard') {
      const keys = newKeysInReport(report, this.lastReport);
      this.lastReport = Uint8Array.from(report);
      for (const usage of keys) {
        const code = hidUsageToCode(usage);
        if (code !== null) this.onInput(code);
        else this.emit('ignored', `usage 0x${usage.toString(16)}`);
      }
    } else if (t.kind === 'hid-report') {
      const value = report[t.reportByte];
      if (value !== undefined && value !== 0) this.onInput(value);
    }
  }

  private onInput(input: string | number): void {
    const level: Level | null = levelFor(this.profile, input);
    if (level === null) {
      this.emit('ignored', String(input));
      return;
    }
    const at = this.now();
    if (at - this.lastAt < DEBOUNCE_MS) return;
    this.lastAt = at;
    this.emit('rating', level);
  }
}
