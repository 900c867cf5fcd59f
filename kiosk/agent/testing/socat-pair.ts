/**
 * TEST ONLY: a pair of linked virtual serial ports made by Debian's `socat`, for driving
 * serial device drivers over a real serial stack. Fails (never skips) when socat is missing.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** Paths of the two ends: what one writes, the other reads. */
  a: string;
  b: string;
  /** What socat said so far (for error messages). */
  log(): string;
  close(): Promise<void>;
}

export async function waitUntil(
  condition: () => boolean,
  timeoutMs: number,
  what: string,
  log = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; socat said:\n${log()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function openPtyPair(prefix: string, names: [string, string] = ['A', 'B']): Promise<PtyPair> {
  const probe = spawnSync('socat', ['-V'], { encoding: 'utf8' });
  if (probe.error !== undefined)
    throw new Error(
      `socat is not installed (${probe.error.message}). The serial test needs it to create a pair of ` +
        'virtual serial ports: apt-get install -y socat',
    );
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const a = join(dir, names[0]);
  const b = join(dir, names[1]);
  let output = '';
  const child: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    output += s;
  });
  const log = () => output;
  await waitUntil(
    () => existsSync(a) && existsSync(b) && output.includes('starting data transfer loop'),
    5000,
    'socat to create the pty pair',
    log,
  );
  return {
    a,
    b,
    log,
    async close() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
