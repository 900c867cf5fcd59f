import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real PostgreSQL cluster of the test's own (issue #18): Debian's `initdb` / `pg_ctl` /
 * `postgres` in a fresh temp directory, listening on 127.0.0.1 on a free port and on a unix
 * socket inside that directory. Never a mock.
 *
 * PostgreSQL refuses to run as root. When the tests run as root (CI), the cluster runs as the
 * `postgres` system user that Debian's package creates: the temp directory is chowned to it and
 * every PostgreSQL binary is spawned with its uid/gid. When the tests run as anyone else, that
 * user owns and runs the cluster directly. `fsync`, `synchronous_commit` and `full_page_writes`
 * keep their safe defaults: the tests that kill processes rely on acknowledged commits.
 *
 * Start cost is about a second (initdb dominates): start one cluster per test file
 * (`beforeAll`) and give each test its own database (`createDatabase`) when they must not share.
 */
export interface TestPostgres {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`, trust-authenticated (local test cluster only). */
  url: string;
  host: string;
  port: number;
  /** The directory holding the unix socket (`.s.PGSQL.<port>`). */
  socketDir: string;
  /** Creates an empty database and answers its URL. */
  createDatabase(name: string): string;
  /** Stops the server (fast shutdown) and removes the directory. */
  stop(): Promise<void>;
  /** Stops the server, keeping the data (a center outage). */
  halt(): void;
  /** Starts the server again on the same port and data after `halt`. */
  start(): void;
}

/** The newest installed `/usr/lib/postgresql/<major>/bin`. */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) {
    throw new Error(
      'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run tests/setup/system-deps.sh',
    );
  }
  return join(root, majors[0] as string, 'bin');
}

/** The uid/gid the cluster runs as: the `postgres` user when we are root, else ourselves. */
function clusterUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line)
    throw new Error(
      'running as root but there is no `postgres` user to run PostgreSQL as (install postgresql)',
    );
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBin();
  const user = clusterUser();
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-pg-'));
  const data = join(dir, 'data');
  const socketDir = join(dir, 'sock');
  mkdirSync(socketDir);
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(socketDir, user.uid, user.gid);
  }
  const run = (cmd: string, args: string[], allowFail = false) => {
    const opts: SpawnSyncOptions = {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
      timeout: 60_000,
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    };
    const r = spawnSync(join(bin, cmd), args, opts);
    if (!allowFail && r.status !== 0) {
      const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
      throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}\n${log}`);
    }
    return r;
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8']);

  let port = 0;
  const startOn = (p: number) =>
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      '-o',
      `-p ${p} -h 127.0.0.1 -k ${socketDir} -c max_connections=200 -c shared_buffers=32MB`,
      'start',
    ]);
  // A free port can be taken between probing and binding by a parallel run; try a few.
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      startOn(port);
      break;
    } catch (err) {
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  const host = '127.0.0.1';
  const url = `postgresql://postgres@${host}:${port}/postgres`;
  let running = true;
  return {
    url,
    host,
    port,
    socketDir,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      run('createdb', ['-h', socketDir, '-p', String(port), '-U', 'postgres', name]);
      return `postgresql://postgres@${host}:${port}/${name}`;
    },
    halt() {
      run('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop']);
      running = false;
    },
    start() {
      startOn(port);
      running = true;
    },
    async stop() {
      if (running) run('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop'], true);
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
