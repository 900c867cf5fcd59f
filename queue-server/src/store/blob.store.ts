import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, renameSync, statSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';

const HEX64 = /^[0-9a-f]{64}$/;

/** A page as the store holds it: its SHA-256 (lower-case hex) and its length in bytes. */
export interface StoredBlob {
  sha256: string;
  bytes: number;
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The hall's page store (SPEC MAT-STORE-*): captured pages, content-addressed, under
 * `<data dir>/blobs/sha256/<first 2 hex>/<64-hex sha256>`. A file is written (temp file in the
 * same directory, fsync, rename, fsync of the directory) BEFORE the fact that links it commits,
 * so a committed fact never names a page that is not whole on disk; a crash between the two
 * leaves an orphan, which nothing counts as present (only facts link pages to cases) and
 * `sweepOrphans` deletes after a day. Files are never rewritten in place: the name is the hash.
 */
export class BlobStore {
  constructor(readonly dir: string) {}

  /** Where the page with this hash lives (whether or not it is there). Throws on a malformed hash. */
  path(sha256: string): string {
    if (!HEX64.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${JSON.stringify(sha256)}`);
    return join(this.dir, 'sha256', sha256.slice(0, 2), sha256);
  }

  /**
   * Stores the bytes durably and returns their hash. Idempotent: a page already stored whole is
   * left as it is; one whose file no longer matches its name (a damaged disk) is replaced.
   */
  async put(bytes: Uint8Array): Promise<StoredBlob> {
    const sha256 = sha256Hex(bytes);
    const target = this.path(sha256);
    // A page already whole is touched, not rewritten: its age is then the time of its last put, so
    // the sweep never takes an old orphan a capture is about to link (MAT-SWEEP-2). A file the
    // sweep took between the check and the touch is written again.
    if (await this.verify(sha256)) {
      const t = new Date();
      if (
        await utimes(target, t, t).then(
          () => true,
          () => false,
        )
      )
        return { sha256, bytes: bytes.length };
    }
    const shard = join(this.dir, 'sha256', sha256.slice(0, 2));
    await mkdir(shard, { recursive: true });
    const tmp = join(shard, `.${sha256}.${randomBytes(6).toString('hex')}.tmp`);
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } catch (e) {
      await fh.close();
      await rm(tmp, { force: true });
      throw e;
    }
    await fh.close();
    await rename(tmp, target);
    await syncDir(shard);
    return { sha256, bytes: bytes.length };
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.path(sha256))).isFile();
    } catch {
      return false;
    }
  }

  async read(sha256: string): Promise<Buffer> {
    return readFile(this.path(sha256));
  }

  /** Re-hashes the stored file: true only when it exists and its bytes still hash to its name. */
  async verify(sha256: string): Promise<boolean> {
    const file = this.path(sha256);
    try {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
      return hash.digest('hex') === sha256;
    } catch {
      return false;
    }
  }

  /** Every stored page's hash (temp files of unfinished writes are not pages). */
  async *list(): AsyncGenerator<string> {
    const root = join(this.dir, 'sha256');
    let shards: string[];
    try {
      shards = (await readdir(root)).sort();
    } catch {
      return;
    }
    for (const shard of shards) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of (await readdir(join(root, shard))).sort())
        if (HEX64.test(name) && name.startsWith(shard)) yield name;
    }
  }

  /**
   * Deletes what nothing links and was not put for `olderThanMs` (default a day, MAT-SWEEP-1):
   * orphans of a crash between the write and the commit, and temp files of writes that never
   * finished. `linked` is asked synchronously just before each deletion, and the file is first
   * renamed out of the way in the same synchronous step, so a capture that puts the same bytes
   * meanwhile either touched it (it is young, and kept) or finds it gone and writes it again.
   * `now` is the file system's clock (file ages are mtimes).
   */
  async sweepOrphans(
    linked: (sha256: string) => boolean,
    now: number,
    olderThanMs = 86_400_000,
  ): Promise<SweepResult> {
    const root = join(this.dir, 'sha256');
    const result: SweepResult = { files: 0, linked: 0, young: 0, orphans: [], temps: 0, bytes: 0 };
    let shards: string[];
    try {
      shards = (await readdir(root)).sort();
    } catch {
      return result;
    }
    for (const shard of shards) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      const names = await readdir(join(root, shard)).catch(() => [] as string[]);
      for (const name of names.sort()) {
        const file = join(root, shard, name);
        if (name.endsWith('.tmp')) {
          const st = await stat(file).catch(() => null);
          if (st === null || now - st.mtimeMs < olderThanMs) continue;
          await rm(file, { force: true });
          result.temps++;
          result.bytes += st.size;
          continue;
        }
        if (!HEX64.test(name) || !name.startsWith(shard)) continue;
        result.files++;
        // Checked, stated and moved aside with no await between: nothing can link or touch it meanwhile.
        if (linked(name)) {
          result.linked++;
          continue;
        }
        let size: number;
        let tomb: string;
        try {
          const st = statSync(file);
          if (now - st.mtimeMs < olderThanMs) {
            result.young++;
            continue;
          }
          size = st.size;
          tomb = join(root, shard, `.${name}.${randomBytes(6).toString('hex')}.swept.tmp`);
          renameSync(file, tomb);
        } catch {
          continue;
        }
        await rm(tomb, { force: true });
        result.orphans.push(name);
        result.bytes += size;
      }
    }
    return result;
  }
}

/** What one sweep of the page store found and did (MAT-SWEEP-1). */
export interface SweepResult {
  /** Page files seen (temp files not counted). */
  files: number;
  /** Of those, pages something links (kept). */
  linked: number;
  /** Orphans younger than the threshold (kept: a capture may be about to link them). */
  young: number;
  /** Hashes of the orphans deleted. */
  orphans: string[];
  /** Temp files of unfinished writes deleted. */
  temps: number;
  /** Bytes freed. */
  bytes: number;
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
