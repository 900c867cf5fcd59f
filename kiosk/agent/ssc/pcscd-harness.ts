/**
 * DEV/TEST ONLY: runs a private pcscd (with vsmartcard's vpcd driver) for the tests of the
 * real PC/SC stack. Needs root and the Debian packages pcscd and vsmartcard-vpcd.
 *
 * vpcd listens on every interface (0.0.0.0:35963), so the daemon is always stopped again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { PCSCD_SOCKET, pcscdReachable } from './reader.ts';

/** vpcd's first virtual reader ("Virtual PCD 00 00") takes its card on this port. */
export const VPCD_PORT = 35963;

const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const INSTALL_HINT = 'apt-get install -y --no-install-recommends pcscd vsmartcard-vpcd libpcsclite-dev';

/** A pcscd started by {@link startPcscd}. */
export interface PcscdProcess {
  readonly pid: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves once vpcd's port is closed. */
  stop(): Promise<void>;
}

/**
 * Why the real stack cannot be tested here, or null when it can. A pcscd that is already
 * running is refused rather than reused: the tests stop and start the daemon.
 */
export async function pcscdUnavailableReason(): Promise<string | null> {
  const binary = findPcscd();
  if (binary === null) {
    return `pcscd is not installed (${INSTALL_HINT})`;
  }
  if (!existsSync(VPCD_DRIVER)) {
    return `the vpcd driver is not installed (${INSTALL_HINT})`;
  }
  if (process.getuid?.() !== 0) {
    return 'starting pcscd needs root';
  }
  if (await pcscdReachable(PCSCD_SOCKET)) {
    return `a pcscd is already running (${runningPid() ?? 'pid unknown'}); stop it first (systemctl stop pcscd.socket pcscd, or kill it)`;
  }
  if (tcpListening(VPCD_PORT)) {
    return `TCP port ${VPCD_PORT} is already in use (another vpcd?)`;
  }
  return null;
}

/** Starts `pcscd --foreground` and waits until its socket answers and vpcd listens. */
export async function startPcscd(timeoutMs = 10_000): Promise<PcscdProcess> {
  const reason = await pcscdUnavailableReason();
  if (reason !== null) {
    throw new Error(`cannot start pcscd: ${reason}`);
  }
  const child = spawn(findPcscd()!, ['--foreground'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const deadline = Date.now() + timeoutMs;
  while (!(await pcscdReachable(PCSCD_SOCKET)) || !tcpListening(VPCD_PORT)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      process.off('exit', killOnExit);
      throw new Error(`pcscd exited early (${child.exitCode ?? child.signalCode}): ${output}`);
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      process.off('exit', killOnExit);
      throw new Error(`pcscd did not come up within ${timeoutMs} ms: ${output}`);
    }
    await sleep(50);
  }
  return {
    pid: child.pid!,
    async stop() {
      await stopChild(child);
      process.off('exit', killOnExit);
      const until = Date.now() + 5000;
      while (tcpListening(VPCD_PORT) && Date.now() < until) {
        await sleep(50);
      }
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Whether something listens on `port` (IPv4 or IPv6), from /proc: a TCP probe of vpcd would insert a card. */
export function tcpListening(port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') {
        return true;
      }
    }
  }
  return false;
}

function findPcscd(): string | null {
  return ['/usr/sbin/pcscd', '/sbin/pcscd', '/usr/local/sbin/pcscd'].find((p) => existsSync(p)) ?? null;
}

function runningPid(): string | null {
  try {
    return `pid ${readFileSync('/run/pcscd/pcscd.pid', 'utf8').trim()}`;
  } catch {
    return null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
