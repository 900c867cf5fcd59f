/**
 * Pieces the byte-stream printer transports (TCP, serial, USB) share: one operation at a time,
 * and an inbox of reply bytes read one by one with a deadline (a `DLE EOT` answer may arrive
 * split across chunks, or after noise).
 */

/** Runs tasks one after another, whatever the previous one did. */
export class TaskQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task, task);
    this.#tail = run.catch(() => {});
    return run;
  }
}

/** Bytes the printer sent, waiting to be read. */
export class ByteInbox {
  #bytes: number[] = [];
  #wake: (() => void) | null = null;

  /** A chunk arrived. */
  push(chunk: Uint8Array): void {
    for (const b of chunk) this.#bytes.push(b);
    this.#wake?.();
  }

  /** The connection closed: a reader waiting for a byte stops waiting. */
  closed(): void {
    this.#wake?.();
  }

  /** Forgets what is buffered: a late reply to an earlier query is not this one's answer. */
  clear(): void {
    this.#bytes = [];
  }

  /** The next byte, or null at the deadline or once `isOpen()` says the connection is gone. */
  async readByte(deadline: number, isOpen: () => boolean): Promise<number | null> {
    for (;;) {
      const byte = this.#bytes.shift();
      if (byte !== undefined) return byte;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || !isOpen()) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, remaining);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#wake = done;
      });
      this.#wake = null;
    }
  }
}
