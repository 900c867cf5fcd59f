/**
 * Voice calling, the browser part: a WebAudio chime and the `Announcer` that drives the pure
 * `VoiceQueue` one step at a time, speaking through the shared `SpeechAdapter`.
 */
import type { SpeechAdapter } from '@onewindow/shared/client';
import type { CallNotice } from '@onewindow/shared/public-view.ts';
import type { DroppedCall, VoiceQueue } from './voice.ts';

/** A two-tone "ding-dong" from WebAudio, so no sound file has to be shipped or loaded. */
export class Chime {
  private ctx: AudioContext | null = null;
  /** Length of the chime; the queue's next step starts after it. */
  readonly durationMs = 1300;

  constructor(private readonly onBlocked: () => void) {}

  play(done: () => void): void {
    try {
      this.ctx ??= new AudioContext();
      const ctx = this.ctx;
      if (ctx.state === 'suspended') {
        void ctx.resume().catch(() => undefined);
        // Still suspended right after resume(): the browser wants a user gesture first.
        setTimeout(() => {
          if (ctx.state === 'suspended') this.onBlocked();
        }, 300);
      }
      const t0 = ctx.currentTime + 0.05;
      this.note(ctx, 659.25, t0, 0.9); // E5
      this.note(ctx, 523.25, t0 + 0.45, 0.8); // C5
    } catch {
      // No WebAudio: the call is still spoken and shown.
    }
    setTimeout(done, this.durationMs);
  }

  /** Resumes the audio context from inside a user gesture. */
  unblock(): void {
    void this.ctx?.resume().catch(() => undefined);
  }

  private note(ctx: AudioContext, hz: number, at: number, length: number): void {
    for (const [mult, level] of [
      [1, 0.45],
      [2, 0.08],
    ] as const) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = hz * mult;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(level, at + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + length + 0.05);
    }
  }
}

/**
 * Drives a `VoiceQueue`: one step at a time, each started only after the previous one ended.
 * Steps are chained through `setTimeout(…, 0)` so a day of calls never deepens the stack.
 */
export class Announcer {
  private pumping = false;

  constructor(
    private readonly queue: VoiceQueue,
    private readonly speech: SpeechAdapter,
    private readonly chime: Chime,
    private readonly onDropped: (dropped: DroppedCall[]) => void,
  ) {}

  announce(call: CallNotice): void {
    const { dropped } = this.queue.enqueue(call, Date.now());
    if (dropped.length > 0) this.onDropped(dropped);
    this.pump();
  }

  /** Calls that should not be announced (already on screen when the board started). */
  skip(calls: readonly CallNotice[]): void {
    this.queue.markSeen(calls);
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      const { step, dropped } = this.queue.next(Date.now());
      if (dropped.length > 0) this.onDropped(dropped);
      if (step === null) return;
      const done = () =>
        setTimeout(() => {
          this.queue.done();
          this.pump();
        }, 0);
      switch (step.kind) {
        case 'chime':
          this.chime.play(done);
          break;
        case 'speak':
          this.speech.speak(step.text, done);
          break;
        case 'pause':
          setTimeout(done, step.ms);
          break;
      }
    } finally {
      this.pumping = false;
    }
  }
}
