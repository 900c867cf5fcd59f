/**
 * The window's flatbed scanner through SANE (SPEC MAT-CAP-3): `scanimage` scans one page as PNG
 * and the agent sends it to the server for the case the clerk signed on at this window is
 * capturing. Behind the small `DocumentScanner` interface, with a real adapter (scanimage) and a
 * simulator (given bytes), as every driver of the agent.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import {
  type DocumentCameraProfile,
  PAGE_SIZES_MM,
  type ScannerProfile,
} from '@onewindow/firmware-config/schema';
import type { DocumentCameraSetting, ScanErrorCode } from '@onewindow/shared';

export interface DocumentScanner {
  /** One page, as PNG bytes. Rejects with a {@link ScanError} when it fails (no paper, busy, none). */
  scan(): Promise<Buffer>;
  /** Every page of one scan: one from a flatbed, each sheet from a feeder (MAT-DEV-2). */
  scanAll?(): Promise<Buffer[]>;
}

/** A scan that gave no page, with the code the clerk's message is chosen by (MAT-DEV-2). */
export class ScanError extends Error {
  constructor(
    readonly code: ScanErrorCode,
    readonly detail: string,
  ) {
    super(`scanner: ${detail}`);
  }
}

/**
 * What scanimage's words and exit mean (pure, tested with the SANE test backend's own
 * failures): SANE_STATUS_NO_DOCS, DEVICE_BUSY, JAMMED, COVER_OPEN, and a device it cannot open.
 */
export function scanErrorCodeOf(stderr: string, timedOut: boolean): ScanErrorCode {
  if (timedOut) return 'timeout';
  if (/out of documents|no docs|no (?:paper|document)/i.test(stderr)) return 'no-paper';
  if (/device busy/i.test(stderr)) return 'busy';
  if (/jammed/i.test(stderr)) return 'jammed';
  if (/cover (?:is )?open/i.test(stderr)) return 'cover-open';
  if (/open of device .* failed|no scanners were identified|invalid argument/i.test(stderr))
    return 'no-device';
  return 'failed';
}

/** The scanner a profile names (MAT-DEV-2): SANE's scanimage, or the demo's simulator. */
export function scannerFromProfile(p: ScannerProfile): DocumentScanner {
  return p.transport.kind === 'simulated'
    ? new SimulatedScanner()
    : new SaneScanner(saneOptionsFromProfile(p));
}

/** What the console needs of a 高拍仪 profile to open that camera (MAT-DEV-3). */
export function documentCameraSetting(p: DocumentCameraProfile): DocumentCameraSetting {
  return { labelMatch: p.labelMatch, width: p.width, height: p.height, rotation: p.rotation };
}

export interface SaneOptions {
  /** The SANE device name (`scanimage -L`), e.g. `test` or `epson2:libusb:001:004`; SANE's default when absent. */
  device?: string;
  /** Dots per inch; 300 is A4 at 2480 px on the long side, what the server keeps. */
  resolution?: number;
  mode?: 'Gray' | 'Color' | 'Lineart';
  /** The backend's name of the paper source (`Flatbed`, `ADF`, `Automatic Document Feeder` …). */
  source?: string;
  /** A feeder: scan every sheet (`--batch`), at most this many. Absent: one page. */
  batchPages?: number;
  /** The scan area in millimetres (`-x`, `-y`); the backend rounds it down to what it can. */
  areaMm?: readonly [number, number];
  /** The scanimage binary (tests may point elsewhere). */
  bin?: string;
  /** A scan that takes longer than this is stopped (ms). */
  timeoutMs?: number;
  /** Extra backend options (tests make SANE's test backend fail: `--read-return-value …`). */
  extraArgs?: readonly string[];
}

/** The SANE settings of a scanner profile (firmware-config, MAT-DEV-1). */
export function saneOptionsFromProfile(p: ScannerProfile): SaneOptions {
  if (p.transport.kind !== 'sane') throw new Error(`scanner profile ${p.id} is not a SANE scanner`);
  const feeder = p.source === 'ADF';
  return {
    device: p.transport.device,
    resolution: p.resolution,
    mode: p.mode,
    source: p.sourceName ?? p.source,
    areaMm: PAGE_SIZES_MM[p.pageSize],
    timeoutMs: p.timeoutS * 1000,
    ...(feeder ? { batchPages: p.maxPages ?? 20 } : {}),
  };
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The arguments scanimage gets for one PNG page (pure: tested without a scanner). */
export function scanimageArgs(o: SaneOptions, batchPattern?: string): string[] {
  return [
    ...(o.device ? ['-d', o.device] : []),
    '--format=png',
    ...(o.resolution ? ['--resolution', String(o.resolution)] : []),
    ...(o.mode ? ['--mode', o.mode] : []),
    ...(o.source ? ['--source', o.source] : []),
    ...(o.areaMm ? ['-x', String(o.areaMm[0]), '-y', String(o.areaMm[1])] : []),
    ...(batchPattern !== undefined
      ? [`--batch=${batchPattern}`, `--batch-count=${String(o.batchPages ?? 1)}`]
      : []),
    ...(o.extraArgs ?? []),
  ];
}

export class SaneScanner implements DocumentScanner {
  constructor(private readonly opts: SaneOptions = {}) {}

  async scan(): Promise<Buffer> {
    const png = await this.#run(scanimageArgs(this.opts));
    if (!png.subarray(0, 8).equals(PNG_MAGIC)) throw new ScanError('failed', 'scanimage gave no PNG page');
    return png;
  }

  /**
   * A flatbed: one page. A feeder (`batchPages`): every sheet, each written by scanimage to a
   * private temporary folder and read back in order; a feeder that runs out after the first
   * sheet is the normal end, an empty one is "no paper".
   */
  async scanAll(): Promise<Buffer[]> {
    if (this.opts.batchPages === undefined) return [await this.scan()];
    const dir = await mkdtemp(join(tmpdir(), 'onewindow-scan-'));
    try {
      let failure: unknown = null;
      await this.#run(scanimageArgs(this.opts, join(dir, 'page-%04d.png'))).catch((e: unknown) => {
        failure = e;
      });
      const names = (await readdir(dir)).filter((n) => n.endsWith('.png')).sort();
      const pages = await Promise.all(names.map((n) => readFile(join(dir, n))));
      const whole = pages.filter((p) => p.subarray(0, 8).equals(PNG_MAGIC));
      if (
        whole.length > 0 &&
        (failure === null || (failure instanceof ScanError && failure.code === 'no-paper'))
      )
        return whole;
      throw failure ?? new ScanError('no-paper', 'the feeder gave no page');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  #run(args: string[]): Promise<Buffer> {
    const { bin = 'scanimage', timeoutMs = 120_000 } = this.opts;
    return new Promise((resolve, reject) => {
      const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => {
        err = (err + b.toString('utf8')).slice(-2000);
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new ScanError('no-device', `cannot run ${bin} (${e.message}); install Debian sane-utils`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code !== 0 || timedOut)
          return reject(
            new ScanError(
              scanErrorCodeOf(err, timedOut),
              `${bin} ${timedOut ? `stopped after ${timeoutMs} ms` : signal ? `killed (${signal})` : `exited ${code}`}: ${lastLine(err) || 'no message'}`,
            ),
          );
        resolve(Buffer.concat(out));
      });
    });
  }
}

/** scanimage's last words (its stderr also carries rounding notes). */
const lastLine = (text: string): string =>
  text
    .trim()
    .split('\n')
    .filter((l) => !/rounded value of/.test(l))
    .at(-1)
    ?.trim() ?? '';

/**
 * DEMO AND TEST ONLY: a scanner without hardware (profile transport `simulated`, and every
 * scanner under `--simulate`). Gives the pages it was handed, in turn (default: one generated
 * A4 page); `failNext` makes the next scan fail as a real scanner would (no paper, busy …).
 */
export class SimulatedScanner implements DocumentScanner {
  private next = 0;
  #fail: ScanErrorCode | null = null;
  #delayMs: number;
  constructor(
    private readonly pages: Buffer[] = [simulatedPage()],
    opts: { delayMs?: number } = {},
  ) {
    this.#delayMs = opts.delayMs ?? 0;
  }
  /** The next scan fails with this code (as if the feeder were empty, the device busy …). */
  failNext(code: ScanErrorCode): void {
    this.#fail = code;
  }
  async scan(): Promise<Buffer> {
    if (this.#delayMs > 0) await new Promise((r) => setTimeout(r, this.#delayMs));
    const fail = this.#fail;
    this.#fail = null;
    if (fail !== null) throw new ScanError(fail, `simulated scanner: ${fail}`);
    const page = this.pages[this.next++ % this.pages.length];
    if (page === undefined) throw new ScanError('failed', 'the simulator has no pages');
    return page;
  }
}

/**
 * A plain grey-scale PNG of an A4 sheet at 50 dpi with a few dark "text" bars, written without
 * an image library (the agent keeps its dependencies to its drivers): the simulated page.
 */
export function simulatedPage(width = 413, height = 585): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(width + 1, 0xf4);
    row[0] = 0; // filter: none
    const line = Math.floor((y - 60) / 18);
    if (y >= 60 && y < height - 60 && (y - 60) % 18 < 7 && line % 7 !== 6) {
      const end = width - 50 - ((line * 37) % 120);
      row.fill(0x30, 1 + 45, 1 + Math.max(46, end));
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey-scale
  return Buffer.concat([
    PNG_MAGIC,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  let crc = 0xffffffff;
  for (const b of Buffer.concat([head.subarray(4), data])) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE((crc ^ 0xffffffff) >>> 0, 0);
  return Buffer.concat([head, data, tail]);
}

/**
 * Sends one scanned page to the server as this terminal (its device token), onto a material of a
 * case; the server captures it for the clerk signed on at the terminal's window (MAT-CAP-1).
 * `idempotencyKey` makes a retried upload link the page once.
 */
export async function uploadScannedPage(
  server: { url: string; deviceToken: string },
  target: { caseId: string; material: string },
  png: Buffer,
  idempotencyKey?: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(
    `${server.url}/api/cases/${encodeURIComponent(target.caseId)}/materials/${encodeURIComponent(target.material)}/pages?source=scanner`,
    {
      method: 'POST',
      headers: {
        'x-device-token': server.deviceToken,
        'content-type': 'image/png',
        ...(idempotencyKey !== undefined ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: new Uint8Array(png),
    },
  );
  return { status: res.status, body: await res.json().catch(() => null) };
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
  return uploadScannedPage(server, target, await scanner.scan());
}
