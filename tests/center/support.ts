/**
 * Processes for the replication tests (issue #18): the center (`center/main.ts`, as `npm run
 * center` starts it), halls (`hall-worker.ts`), and a TCP proxy whose link can be cut.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What no fact may carry out of the hall (the tests grep the center for them). */
export const CANARY = { name: '张三丰', phone: '13812345678', note: '张三丰说明天来' } as const;

export const ADMIN_TOKEN = 'region-admin-token-for-tests-0123456789';

/** A child process that answers stdin lines with stdout lines starting with a known word. */
export class Proc {
  private readonly waiters: { prefix: string; resolve: (line: string) => void }[] = [];
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      this.lines.push(line);
      const i = this.waiters.findIndex((w) => line.startsWith(w.prefix));
      if (i >= 0) this.waiters.splice(i, 1)[0]?.resolve(line);
    });
    child.stderr.on('data', (b: Buffer) => {
      this.stderr += b.toString();
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  next(prefix: string, ms = 20_000): Promise<string> {
    const seen = this.lines.findIndex((l) => l.startsWith(prefix));
    if (seen >= 0) return Promise.resolve(this.lines.splice(seen, 1)[0] as string);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`no "${prefix}" within ${ms} ms; stderr: ${this.stderr}`)),
        ms,
      );
      this.waiters.push({
        prefix,
        resolve: (line) => {
          clearTimeout(t);
          this.lines.splice(this.lines.indexOf(line), 1);
          resolve(line);
        },
      });
    });
  }

  async ask(line: string, prefix: string, ms?: number): Promise<string> {
    this.child.stdin.write(`${line}\n`);
    return (await this.next(prefix, ms)).slice(prefix.length).trim();
  }

  kill9(): Promise<number | null> {
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

export async function startCenterProcess(
  databaseUrl: string,
  port = 0,
  extraEnv: Record<string, string> = {},
  /** Node flags, e.g. `--cpu-prof` for the bench's profile. */
  nodeArgs: readonly string[] = [],
): Promise<{ proc: Proc; url: string; port: number }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'queue-server/src/center/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      ONEWINDOW_CENTER_DATABASE_URL: databaseUrl,
      ONEWINDOW_CENTER_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'silent',
      ...extraEnv,
    },
  });
  const proc = new Proc(child);
  const line = await proc.next('center listening on ');
  const p = Number(line.split(' ').at(-1));
  return { proc, url: `http://127.0.0.1:${p}`, port: p };
}

export interface HallProc {
  proc: Proc;
  port: number;
  lastSeq: number;
}

export async function startHallProcess(env: {
  db: string;
  centerUrl: string;
  hallId: string;
  credential: string;
  batch?: number;
}): Promise<HallProc> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/center/hall-worker.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HALL_DB: env.db,
      CENTER_URL: env.centerUrl,
      HALL_ID: env.hallId,
      CREDENTIAL: env.credential,
      BATCH: String(env.batch ?? 200),
    },
  });
  const proc = new Proc(child);
  const [, port, last] = (await proc.next('ready ', 60_000)).split(' ');
  return { proc, port: Number(port), lastSeq: Number(last) };
}

/** A TCP proxy to `target` whose link can be cut (every connection dropped, new ones refused) and restored. */
export async function startProxy(targetPort: number): Promise<{
  port: number;
  cut(): void;
  restore(): void;
  setTarget(port: number): void;
  close(): Promise<void>;
}> {
  let up = true;
  let target = targetPort;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(target, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return {
    port: typeof addr === 'object' && addr ? addr.port : 0,
    cut() {
      up = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      up = true;
    },
    setTarget(p) {
      target = p;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function admin<T = unknown>(centerUrl: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${centerUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return {
    status: res.status,
    body: (await res.json()) as { ok: boolean; data: T; error?: { code: string; message: string } },
  };
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
