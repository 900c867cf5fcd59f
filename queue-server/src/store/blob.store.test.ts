import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobStore, sha256Hex } from './blob.store.ts';

let dir: string;
let blobs: BlobStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-blobs-'));
  blobs = new BlobStore(join(dir, 'blobs'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const page = (n: number) => Buffer.from(`page ${n} `.repeat(1000));
const DAY = 86_400_000;

describe('the page store (BlobStore)', () => {
  it('MAT-STORE-1: stores a page under sha256/<2 hex>/<hash>, whole, with no temp file left', async () => {
    const bytes = page(1);
    const r = await blobs.put(bytes);
    expect(r).toEqual({ sha256: sha256Hex(bytes), bytes: bytes.length });
    expect(blobs.path(r.sha256)).toBe(join(dir, 'blobs', 'sha256', r.sha256.slice(0, 2), r.sha256));
    expect(readFileSync(blobs.path(r.sha256)).equals(bytes)).toBe(true);
    expect(readdirSync(join(dir, 'blobs', 'sha256', r.sha256.slice(0, 2)))).toEqual([r.sha256]);
    expect(await blobs.has(r.sha256)).toBe(true);
    expect((await blobs.read(r.sha256)).equals(bytes)).toBe(true);
  });

  it('MAT-STORE-1: put is idempotent, also when the same page is put concurrently', async () => {
    const bytes = page(2);
    const rs = await Promise.all([blobs.put(bytes), blobs.put(bytes), blobs.put(bytes)]);
    expect(new Set(rs.map((r) => r.sha256)).size).toBe(1);
    await blobs.put(bytes);
    const shard = join(dir, 'blobs', 'sha256', rs[0]!.sha256.slice(0, 2));
    expect(readdirSync(shard)).toEqual([rs[0]!.sha256]);
    const all: string[] = [];
    for await (const h of blobs.list()) all.push(h);
    expect(all).toEqual([rs[0]!.sha256]);
  });

  it('MAT-STORE-2: verify re-hashes the file and catches one flipped byte; a put of the page repairs it', async () => {
    const bytes = page(3);
    const { sha256 } = await blobs.put(bytes);
    expect(await blobs.verify(sha256)).toBe(true);
    const damaged = Buffer.from(bytes);
    damaged[1234] = damaged[1234]! ^ 0x01;
    writeFileSync(blobs.path(sha256), damaged);
    expect(await blobs.verify(sha256)).toBe(false);
    expect(await blobs.verify('0'.repeat(64))).toBe(false);
    await blobs.put(bytes);
    expect(await blobs.verify(sha256)).toBe(true);
  });

  it('MAT-STORE-1: an unfinished write (a temp file left by a crash) is no page; the sweep removes it and orphans after a day', async () => {
    const linkedPage = await blobs.put(page(4));
    const orphan = await blobs.put(page(5));
    const shard = join(dir, 'blobs', 'sha256', 'ab');
    const tmp = join(shard, `.${'ab'.repeat(32)}.123456.tmp`);
    mkdirSync(shard, { recursive: true });
    writeFileSync(tmp, 'half a page');
    expect(await blobs.has('ab'.repeat(32))).toBe(false);
    const listed: string[] = [];
    for await (const h of blobs.list()) listed.push(h);
    expect(listed).not.toContain('ab'.repeat(32));

    const linked = (h: string) => h === linkedPage.sha256;
    const now = Date.now();
    expect(await blobs.sweepOrphans(linked, now)).toEqual({
      files: 2,
      linked: 1,
      young: 1,
      orphans: [],
      temps: 0,
      bytes: 0,
    });
    const old = (now - 2 * DAY) / 1000;
    for (const f of [blobs.path(linkedPage.sha256), blobs.path(orphan.sha256), tmp]) utimesSync(f, old, old);
    const gone = await blobs.sweepOrphans(linked, now);
    expect(gone).toMatchObject({ files: 2, linked: 1, young: 0, orphans: [orphan.sha256], temps: 1 });
    expect(await blobs.has(linkedPage.sha256)).toBe(true);
    expect(await blobs.has(orphan.sha256)).toBe(false);
    expect(readdirSync(shard)).toEqual([]);
  });

  it('refuses a malformed hash instead of reading outside the store', async () => {
    expect(() => blobs.path('../../etc/passwd')).toThrow(/not a SHA-256/);
    expect(await blobs.has('../x')).toBe(false);
  });
});
