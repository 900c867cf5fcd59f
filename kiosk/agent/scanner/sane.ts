/**
 * The window's flatbed scanner through SANE (SPEC MAT-CAP-3): `scanimage` scans one page as PNG
 * and the agent sends it to the server for the case the clerk signed on at this window is
 * capturing. Behind the small `DocumentScanner` interface, with a real adapter (scanimage) and a
 * simulator (given bytes), as every driver of the agent.
 */
import { spawn } from 'node:child_process';

export interface DocumentScanner {
  /** One page, as PNG bytes. Rejects with the scanner's own words when it fails (no paper, busy, none). */
  scan(): Promise<Buffer>;
}

export interface SaneOptions {
  /** The SANE device name (`scanimage -L`), e.g. `test` or `epson2:libusb:001:004`; SANE's default when absent. */
  device?: string;
  /** Dots per inch; 300 is A4 at 2480 px on the long side, what the server keeps. */
  resolution?: number;
  mode?: 'Gray' | 'Color' | 'Lineart';
  /** The scanimage binary (tests may point elsewhere). */
  bin?: string;
  /** A scan that takes longer than this is stopped (ms). */
  timeoutMs?: number;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The arguments scanimage gets for one PNG page (pure: tested without a scanner). */
export function scanimageArgs(o: SaneOptions): string[] {
  return [
    ...(o.device ? ['-d', o.device] : []),
    '--format=png',
    ...(o.resolution ? ['--resolution', String(o.resolution)] : []),
    ...(o.mode ? ['--mode', o.mode] : []),
  ];
}

export class SaneScanner implements DocumentScanner {
  constructor(private readonly opts: SaneOptions = {}) {}

  scan(): Promise<Buffer> {
    const { bin = 'scanimage', timeoutMs = 120_000 } = this.opts;
    return new Promise((resolve, reject) => {
      const child = spawn(bin, scanimageArgs(this.opts), { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => {
        err = (err + b.toString('utf8')).slice(-2000);
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`scanner: cannot run ${bin} (${e.message}); install Debian sane-utils`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const png = Buffer.concat(out);
        if (code !== 0)
          return reject(
            new Error(
              `scanner: ${bin} ${signal ? `killed (${signal})` : `exited ${code}`}: ${err.trim() || 'no message'}`,
            ),
          );
        if (!png.subarray(0, 8).equals(PNG_MAGIC))
          return reject(new Error('scanner: scanimage gave no PNG page'));
        resolve(png);
      });
    });
  }
}

/** A scanner without hardware: gives the pages it was handed, in turn. */
export class SimulatedScanner implements DocumentScanner {
  private next = 0;
  constructor(private readonly pages: Buffer[]) {}
  async scan(): Promise<Buffer> {
    const page = this.pages[this.next++ % this.pages.length];
    if (page === undefined) throw new Error('scanner: the simulator has no pages');
    return page;
  }
}

/**
 * Scans one page and sends it to the server as this terminal (its device token), onto a material
 * of a case; the server captures it for the clerk signed on at the terminal's window (MAT-CAP-1).
 * @returns the server's answer (the case and the stored page), or its refusal
 */
export async function scanToCase(
  scanner: DocumentScanner,
  server: { url: string; deviceToken: string },
  target: { caseId: string; material: string },
): Promise<{ status: number; body: unknown }> {
  const png = await scanner.scan();
  const res = await fetch(
    `${server.url}/api/cases/${encodeURIComponent(target.caseId)}/materials/${encodeURIComponent(target.material)}/pages?source=scanner`,
    {
      method: 'POST',
      headers: { 'x-device-token': server.deviceToken, 'content-type': 'image/png' },
      body: new Uint8Array(png),
    },
  );
  return { status: res.status, body: await res.json() };
}
