/**
 * Spoken prompts in Mandarin through the Web Speech API (the shared adapter the wall board speaks with too): a new
 * prompt cuts the one still speaking. Without a Mandarin voice nothing is said and the screen
 * carries on; the same sentence is always in the page's live region for screen readers.
 */
import { SpeechAdapter } from '@onewindow/shared/client';

type Listener = (text: string) => void;

export class Prompter {
  private readonly adapter = new SpeechAdapter(
    () => undefined,
    () => undefined,
  );
  private readonly listeners = new Set<Listener>();
  private last = '';

  start(): void {
    this.adapter.start();
  }

  /** What was said last (shown in the live region). */
  get current(): string {
    return this.last;
  }

  /** Shows the sentence in the live region and speaks it (unless `speak` is false). */
  say(text: string, speak = true): void {
    this.last = text;
    for (const l of [...this.listeners]) l(text);
    if (text === '' || !speak) return;
    if (typeof window !== 'undefined' && 'speechSynthesis' in window) window.speechSynthesis.cancel();
    this.adapter.speak(text, () => undefined);
  }

  /** Stops speaking and forgets the last sentence (idle reset). */
  silence(): void {
    if (typeof window !== 'undefined' && 'speechSynthesis' in window) window.speechSynthesis.cancel();
    this.say('');
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
