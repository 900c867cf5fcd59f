/**
 * A benchmark's server child process with its IPC channel: the fan-out and hall-load suites each
 * run the queue server and its bare floor as children like this, so CPU and memory are per
 * process. Messages are `{ type }` objects both ways; a child reports `{ type: 'failed' }` and
 * is asked to end with `{ type: 'stop' }`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { REPO_ROOT } from './report.ts';

type Typed = { type: string };

export class BenchChild<From extends Typed, To extends Typed> {
  readonly proc: ChildProcess;
  private stderr = '';

  /** `label` names the child in errors, e.g. "fan-out bench: the queue server". */
  constructor(
    script: string,
    args: readonly string[],
    private readonly label: string,
  ) {
    this.proc = fork(script, [...args], {
      cwd: REPO_ROOT,
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.proc.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
  }

  /** The next message of this type; rejects if the child fails, exits or stays silent. */
  next<T extends From['type']>(type: T, ms: number): Promise<Extract<From, { type: T }>> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.proc.off('message', onMessage);
        this.proc.off('exit', onExit);
      };
      const onMessage = (m: From & { message?: string }) => {
        if (m.type === 'failed') {
          done();
          reject(new Error(`${this.label} failed: ${m.message}`));
        } else if (m.type === type) {
          done();
          resolve(m as Extract<From, { type: T }>);
        }
      };
      const onExit = (code: number | null, signal: string | null) => {
        done();
        reject(
          new Error(
            `${this.label} exited (code ${code}, signal ${signal}) before sending ${type}; stderr: ${this.stderr}`,
          ),
        );
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.label} sent no ${type} within ${ms} ms; stderr: ${this.stderr}`));
      }, ms);
      this.proc.on('message', onMessage);
      this.proc.on('exit', onExit);
    });
  }

  send(msg: To): void {
    this.proc.send(msg);
  }

  /** Why the child is gone, if it died before we stopped it. */
  deathNote(): string | null {
    const { exitCode, signalCode } = this.proc;
    if (exitCode === null && signalCode === null) return null;
    return `${this.label} exited (code ${exitCode}, signal ${signalCode}); stderr: ${this.stderr}`;
  }

  /** Asks the child to close and exit; kills it after 5 s. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    try {
      this.proc.send({ type: 'stop' });
    } catch {
      this.proc.kill('SIGKILL');
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
