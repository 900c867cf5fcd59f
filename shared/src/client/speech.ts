/**
 * Speech in Mandarin through the Web Speech API, shared by the wall board (calls) and the
 * kiosk (spoken prompts): the best Mandarin voice, a rate for elderly listeners, and a
 * watchdog so a stalled engine never hangs the caller.
 */
import { pickMandarinVoice } from './voices.ts';

/**
 * `pending`: voices not listed yet; `ready`: a Mandarin voice speaks; `no-mandarin`: the
 * machine has no Mandarin voice (chime and flash only); `unsupported`: no Web Speech API.
 */
export type VoiceStatus = 'pending' | 'ready' | 'no-mandarin' | 'unsupported';

/** How long a voice list may take to appear before "no Mandarin voice" is shown. */
const VOICES_WAIT_MS = 4000;

/**
 * Speaks one sentence at a time with the best Mandarin voice. A watchdog ends an utterance
 * that never reports `end` (Chrome's speech engine can stall in long sessions): it cancels
 * the engine and reports the step done, so the queue never hangs.
 */
export class SpeechAdapter {
  private voice: SpeechSynthesisVoice | null = null;
  /** Chrome drops events of utterances that were garbage-collected: keep the live one here. */
  private utterance: SpeechSynthesisUtterance | null = null;
  private status: VoiceStatus = 'pending';

  constructor(
    private readonly onStatus: (s: VoiceStatus) => void,
    private readonly onBlocked: () => void,
  ) {}

  private get synth(): SpeechSynthesis | null {
    return typeof window !== 'undefined' && 'speechSynthesis' in window ? window.speechSynthesis : null;
  }

  start(): void {
    const synth = this.synth;
    if (synth === null || typeof SpeechSynthesisUtterance === 'undefined') {
      this.setStatus('unsupported');
      return;
    }
    const pick = (final: boolean) => {
      this.voice = pickMandarinVoice(synth.getVoices());
      if (this.voice !== null) this.setStatus('ready');
      else if (final || synth.getVoices().length > 0) this.setStatus('no-mandarin');
    };
    synth.addEventListener('voiceschanged', () => pick(false));
    pick(false);
    setTimeout(() => {
      if (this.voice === null) pick(true);
    }, VOICES_WAIT_MS);
  }

  /** Whether `speak` will say anything (otherwise the board only chimes and flashes). */
  get canSpeak(): boolean {
    return this.voice !== null && this.synth !== null;
  }

  speak(text: string, done: () => void): void {
    const synth = this.synth;
    if (synth === null || this.voice === null) {
      done();
      return;
    }
    const u = new SpeechSynthesisUtterance(text);
    u.voice = this.voice;
    u.lang = this.voice.lang || 'zh-CN';
    // A little slower than normal speech: many of the hall's visitors are elderly.
    u.rate = 0.9;
    u.volume = 1;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(watchdog);
      if (this.utterance === u) this.utterance = null;
      done();
    };
    // About 4 characters a second at rate 0.9, plus the engine's start-up, doubled for slack.
    const watchdog = setTimeout(
      () => {
        synth.cancel();
        finish();
      },
      4000 + text.length * 500,
    );
    u.onend = finish;
    u.onerror = (e) => {
      if (e.error === 'not-allowed') this.onBlocked();
      finish();
    };
    this.utterance = u;
    if (synth.paused) synth.resume();
    synth.speak(u);
  }

  private setStatus(s: VoiceStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.onStatus(s);
  }
}
