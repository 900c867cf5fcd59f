/**
 * The archive suite of `npm run bench` (issue #15, SPEC ARC-*).
 *
 * 1. Archive PDF of a 30-page case (cover with every hash, slip, 30 JPEG pages, history; the CJK
 *    font subset embedded) against pdf-lib writing the same 30 JPEG pages bare (no font, no text):
 *    median of 5 builds each after a warm-up, in this process. Target ≤ 30×: subsetting the
 *    CID-keyed CFF of Noto Sans CJK (fontkit) costs ~1.8 s a PDF on this machine and dominates;
 *    the filing runs off the request path (one at a time, after the case closed), so ~2 s a case
 *    is 1,800 cases an hour on one core against a hall's few hundred a day. The row exists to
 *    catch a regression beyond that cost.
 * 2. The fixity check over 10,000 linked pages of a real hall (page store files and the
 *    case_pages table, the `archive:*` facts committed) against the floor of reading and
 *    SHA-256-hashing the same 10,000 files in a plain loop. Target ≤ 2×.
 * 3. The page store's sweep (SPEC MAT-SWEEP-1) over the same 10,000 linked pages plus 1,000 orphans
 *    a day old, deleting the orphans and committing its fact, against the floor of listing every
 *    shard and stat-ing every file in a plain loop. Target ≤ 5×: each candidate also asks SQLite
 *    whether a case links it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseRecord, EventBody } from '@onewindow/shared';
import { PDFDocument } from 'pdf-lib';
import pino from 'pino';
import sharp from 'sharp';
import { composeHall } from '../../queue-server/src/compose.ts';
import { hallConfig, T0 } from '../../queue-server/src/domain/test-factory.ts';
import { type ArchivePage, buildArchivePdf } from '../../queue-server/src/service/archive-pdf.ts';
import { loadCjkFont } from '../../queue-server/src/service/cjk-font.ts';
import { HallStore } from '../../queue-server/src/store/hall.store.ts';
import { TEST_KEYS } from '../../queue-server/src/store/testing.ts';
import { type BenchRow, median, progress, round, rowAtMost } from './report.ts';

const PAGES = 30;
const RUNS = 5;
const FIXITY_PAGES = Number(process.env.ARCHIVE_BENCH_PAGES ?? 10_000);

async function scans(n: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    // A grey A4 scan at 100 dpi with some structure, so JPEG has something to encode.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="827" height="1169"><rect width="100%" height="100%" fill="#f4f4f0"/>${Array.from(
      { length: 40 },
      (_, k) =>
        `<rect x="80" y="${60 + k * 26}" width="${300 + ((k * 37 + i * 11) % 400)}" height="10" fill="#555"/>`,
    ).join('')}</svg>`;
    out.push(await sharp(Buffer.from(svg)).jpeg({ quality: 75 }).toBuffer());
  }
  return out;
}

async function pdfBench(): Promise<BenchRow> {
  const images = await scans(PAGES);
  const pages: ArchivePage[] = images.map((bytes, i) => ({
    material: `材料${Math.floor(i / 5) + 1}`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    mime: 'image/jpeg',
    bytes,
  }));
  const font = loadCjkFont();
  const kase = {
    id: 'SL202611260001',
    ticketId: 't1',
    ticketNumber: 'A0001',
    itemCode: '512B0070100003',
    itemName: '失业保险金申领',
    reviewLevels: 2,
    acceptedBy: 'c1',
    acceptedAt: T0,
    deadline: '2026-12-07',
    workingDays: 7,
    status: 'handed-back',
    intake: ['c1'],
    reviewers: ['r1'],
    recheckedBy: 's1',
    materials: [],
    missing: [],
    history: [
      'case:accepted',
      'case:review-started',
      'case:reviewed',
      'case:rechecked',
      'case:ready',
      'case:handed-back',
    ].map((step, i) => ({ seq: i + 1, at: T0 + i * 60_000, by: 'c1', step, to: 'accepted', note: null })),
  } as unknown as CaseRecord;
  const full = () =>
    buildArchivePdf(
      {
        archiveNo: '2026-C-SB01-0001',
        version: 1,
        retention: 'long',
        hallName: '示范社保服务大厅',
        utcOffsetMinutes: 480,
        filedAt: T0 + 3_600_000,
        kase,
        slips: [],
        pages,
        staff: (id) => `员工${id}`,
        reason: null,
      },
      font,
    );
  const bare = async () => {
    const doc = await PDFDocument.create();
    for (const p of pages) {
      const img = await doc.embedJpg(p.bytes);
      const page = doc.addPage([595.28, 841.89]);
      page.drawImage(img, { x: 24, y: 30, width: 547, height: 773 });
    }
    return doc.save({ useObjectStreams: true });
  };
  await full();
  await bare();
  const t: number[] = [];
  const f: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let s = performance.now();
    await full();
    t.push(performance.now() - s);
    s = performance.now();
    await bare();
    f.push(performance.now() - s);
  }
  progress(`archive pdf: ${round(median(t))} ms vs bare ${round(median(f))} ms`);
  return rowAtMost(
    `archive PDF of a ${PAGES}-page case (median, vs pdf-lib bare pages)`,
    median(t),
    median(f),
    'ms',
    30,
  );
}

async function fixityBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'onewindow-bench-archive-'));
  try {
    const store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
    const h = composeHall({ store, logger: pino({ level: 'silent' }), clock: { now: () => T0 } });
    h.hall.execute({ type: 'hall:configure', config: hallConfig(), by: 'admin' });
    // 10,000 distinct pages of 16 KB (the hash cost scales with bytes; the per-file cost is what
    // the check adds), linked by facts of 100 pages each, 100 facts a unit.
    const hashes: string[] = [];
    const base = Buffer.alloc(16 * 1024, 7);
    for (let i = 0; i < FIXITY_PAGES; i++) {
      base.writeUInt32LE(i, 0);
      hashes.push((await store.blobs.put(base)).sha256);
    }
    for (let u = 0; u < hashes.length; u += 10_000) {
      h.hall.run({ type: 'bench:link' }, (uow) => {
        const facts: EventBody[] = [];
        for (let k = u; k < Math.min(u + 10_000, hashes.length); k += 100) {
          facts.push({
            type: 'case:accepted',
            caseId: `SL${String(k).padStart(12, '0')}`,
            ticketId: `t-${k}`,
            ticketNumber: `A${k}`,
            itemCode: 'X',
            itemName: '基准',
            reviewLevels: 1,
            deadline: '2026-12-10',
            workingDays: 10,
            receivedMaterials: [],
            checklist: [{ name: '材料', required: true }],
            by: 'bench',
            note: null,
            to: 'accepted',
          });
          facts.push({
            type: 'case:material-captured' as const,
            caseId: `SL${String(k).padStart(12, '0')}`,
            material: '材料',
            pages: hashes
              .slice(k, k + 100)
              .map((sha256) => ({ sha256, mime: 'image/jpeg' as const, bytes: base.length })),
            source: 'scanner' as const,
            by: 'bench',
          });
        }
        uow.append(facts);
      });
    }
    // Warm the page cache for both sides alike.
    for (const sha of hashes) await readFile(store.blobs.path(sha));
    let s = performance.now();
    for (const sha of hashes)
      createHash('sha256')
        .update(await readFile(store.blobs.path(sha)))
        .digest('hex');
    const floor = performance.now() - s;
    s = performance.now();
    const r = await h.archive.fixity('bench');
    const value = performance.now() - s;
    if (r.pages !== FIXITY_PAGES || r.failed !== 0)
      throw new Error(`fixity saw ${r.pages} pages, ${r.failed} failed`);
    progress(`fixity: ${round(value)} ms vs raw read + hash ${round(floor)} ms over ${FIXITY_PAGES} pages`);
    const fixityRow = rowAtMost(
      `fixity check over ${FIXITY_PAGES} pages (vs raw read + SHA-256)`,
      value,
      floor,
      'ms',
      2,
    );

    // The sweep: 1,000 orphans a day old among the linked pages.
    const ORPHANS = Math.max(1, Math.round(FIXITY_PAGES / 10));
    const old = (Date.now() - 2 * 86_400_000) / 1000;
    for (let i = 0; i < ORPHANS; i++) {
      base.writeUInt32LE(FIXITY_PAGES + i, 0);
      const { sha256 } = await store.blobs.put(base);
      utimesSync(store.blobs.path(sha256), old, old);
    }
    const root = join(store.blobs.dir, 'sha256');
    const listAndStat = async () => {
      let n = 0;
      for (const shard of await readdir(root))
        for (const name of await readdir(join(root, shard))) {
          await stat(join(root, shard, name));
          n++;
        }
      return n;
    };
    await listAndStat();
    s = performance.now();
    const files = await listAndStat();
    const sweepFloor = performance.now() - s;
    s = performance.now();
    const swept = await h.pageSweep.sweep('bench');
    const sweepValue = performance.now() - s;
    if (files !== FIXITY_PAGES + ORPHANS || swept.orphans !== ORPHANS || swept.linked !== FIXITY_PAGES)
      throw new Error(`sweep saw ${JSON.stringify(swept)} of ${files} files`);
    progress(`sweep: ${round(sweepValue)} ms vs list + stat ${round(sweepFloor)} ms over ${files} files`);
    store.close();
    return [
      fixityRow,
      rowAtMost(
        `page store sweep over ${FIXITY_PAGES} linked + ${ORPHANS} old orphans (vs list + stat)`,
        sweepValue,
        sweepFloor,
        'ms',
        5,
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function archiveBench(): Promise<BenchRow[]> {
  progress('archive: PDF of a 30-page case, fixity over 10,000 pages');
  return [await pdfBench(), ...(await fixityBench())];
}
