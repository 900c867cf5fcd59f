import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { StaffRole } from '@onewindow/shared';
import pino from 'pino';
import sharp from 'sharp';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeHall, type Hall } from '../compose.ts';
import { T0 } from '../domain/test-factory.ts';
import { demoCatalog } from '../seed/demo-hall.ts';
import { HallStore } from '../store/hall.store.ts';
import { TEST_KEYS } from '../store/testing.ts';
import { seedServiceHall } from './testing.ts';

/** 社会保障卡申领: one review level; three required materials. */
const CARD = '512B0070200003';
const PEOPLE: Record<string, StaffRole[]> = {
  'clerk-a': ['clerk'],
  'rights-1': ['rights-clerk'],
  'rev-1': ['reviewer'],
  'mgr-1': ['manager'],
};

let dir: string;
let now = T0;
let h: Hall;
let store: HallStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'onewindow-archive-'));
  now = T0;
  store = new HallStore(join(dir, 'hall.db'), TEST_KEYS);
  h = composeHall({ store, logger: pino({ level: 'silent' }), clock: { now: () => now } });
  seedServiceHall(h, store, PEOPLE);
  expect(h.hall.execute({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-a' }).ok).toBe(true);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const tick = () => {
  now += 5_000;
};

/** A page as a document camera gives it: a JPEG with its number drawn on it. */
async function pageImage(n: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="620" height="877"><rect width="100%" height="100%" fill="#fff"/><text x="60" y="120" font-size="48">PAGE ${n}</text><rect x="60" y="${200 + (n % 7) * 40}" width="${100 + n * 13}" height="30" fill="#333"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 70 }).toBuffer();
}

/** Accepts a case at w1, captures `pagesPer` pages of each required material, and returns the case id and page hashes. */
async function acceptWithPages(pagesPer: number): Promise<{ caseId: string; hashes: string[] }> {
  tick();
  expect(h.hall.execute({ type: 'ticket:issue', categoryId: 'A', itemCode: CARD, source: 'kiosk' }).ok).toBe(
    true,
  );
  expect(h.hall.execute({ type: 'ticket:call-next', windowId: 'w1' }).ok).toBe(true);
  expect(h.hall.execute({ type: 'ticket:start', windowId: 'w1' }).ok).toBe(true);
  const ticketId = h.hall.queue.window('w1')!.ticketId!;
  const s = h.slips.issue(
    { kind: 'staff', id: 'clerk-a', name: 'a', staffNumber: 'a', roles: ['clerk'] },
    { ticketId, kind: 'acceptance', applicantName: '张三', contactPhone: '13800000000', print: false },
  );
  if (!s.ok) throw new Error(JSON.stringify(s.error));
  const caseId = s.data.case!.id;
  const hashes: string[] = [];
  let n = 0;
  for (const m of demoCatalog()
    .find((i) => i.code === CARD)!
    .guide!.materials.filter((x) => x.required)) {
    const pages: { sha256: string; mime: 'image/jpeg'; bytes: number }[] = [];
    for (let i = 0; i < pagesPer; i++) {
      const bytes = await pageImage(++n);
      const stored = await store.blobs.put(bytes);
      pages.push({ sha256: stored.sha256, mime: 'image/jpeg' as const, bytes: stored.bytes });
      hashes.push(stored.sha256);
    }
    tick();
    const r = h.hall.run({ type: 'test:capture' }, (uow) =>
      uow.append([
        { type: 'case:material-captured', caseId, material: m.name, pages, source: 'camera', by: 'clerk-a' },
      ]),
    );
    expect(r.ok).toBe(true);
  }
  return { caseId, hashes };
}

function handBack(caseId: string): void {
  for (const [who, type, note] of [
    ['rev-1', 'case:start-review', null],
    ['rev-1', 'case:approve', null],
    ['rights-1', 'case:ready', null],
    ['rights-1', 'case:hand-back', '本人领取'],
  ] as const) {
    tick();
    const r = h.cases.step({ id: who, roles: PEOPLE[who]! }, {
      type,
      caseId,
      note,
      missingMaterials: [],
    } as never);
    if (!r.ok) throw new Error(`${type}: ${JSON.stringify(r.error)}`);
  }
}

const pdfinfoPages = (file: string) =>
  Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
const pdftext = (file: string, first: number, last: number) =>
  execFileSync('pdftotext', ['-f', String(first), '-l', String(last), '-layout', file, '-'], {
    encoding: 'utf8',
  });

describe('the archive (SPEC ARC-*)', () => {
  it('ARC-1 ARC-2 ARC-3 a handed-back case with 12 pages: one PDF whose page count, cover hashes and 档号 poppler confirms', async () => {
    const { caseId, hashes } = await acceptWithPages(6);
    expect(hashes).toHaveLength(12);
    handBack(caseId);
    const r = await h.archive.file('mgr-1', caseId);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const rec = r.data;
    // 长期 by default, category SB01, the first of its volume, the year of acceptance.
    expect(rec.archiveNo).toBe('2026-C-SB01-0001');
    expect(rec.volume).toBe('2026-C-SB01');
    expect(rec.pageHashes).toEqual(hashes);
    const file = join(dir, 'a.pdf');
    const bytes = await store.blobs.read(rec.pdf.sha256);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(rec.pdf.sha256);
    writeFileSync(file, bytes);
    // Cover (1) + acceptance receipt (1) + 12 material pages + history (1).
    expect(pdfinfoPages(file)).toBe(15);
    expect(rec.pdf.pages).toBe(15);
    const cover = pdftext(file, 1, 1);
    expect(cover).toContain('2026-C-SB01-0001');
    expect(cover).toContain('社会保障卡申领');
    expect(cover).toContain('总页数：15');
    expect(cover).toContain('长期（30年）');
    for (const hash of hashes) expect(cover).toContain(hash);
    // The slip as printed: masked applicant; the history names staff with their 工号.
    const slip = pdftext(file, 2, 2);
    expect(slip).toContain('业务受理回执');
    expect(slip).not.toContain('张三');
    expect(slip).not.toContain('13800000000');
    const history = pdftext(file, 15, 15);
    expect(history).toContain('员工rights-1（Grights-1）');
    expect(history).toContain('已领取');
    // Each material page carries its own hash at its foot.
    expect(pdftext(file, 3, 3)).toContain(hashes[0]!);
    expect(pdftext(file, 14, 14)).toContain(hashes[11]!);
    // The filing is a fact; the table is its fold.
    const fact = [...store.iterateEvents()].find((e) => e.type === 'archive:filed');
    expect(fact).toMatchObject({ archiveNo: rec.archiveNo, caseId, version: 1 });
  });

  it('ARC-2 ARC-4 the item’s retention names the volume; a second filing needs a reason and is a new version, the first kept', async () => {
    const catalog = demoCatalog().map((i) =>
      i.code === CARD ? { ...i, retention: 'permanent' as const } : i,
    );
    store.auth.replaceCatalog(catalog);
    const a = await acceptWithPages(1);
    const b = await acceptWithPages(1);
    const open = await h.archive.file('mgr-1', a.caseId);
    expect(!open.ok && open.error.code).toBe('CONFLICT');
    handBack(a.caseId);
    handBack(b.caseId);
    const r1 = await h.archive.file('mgr-1', a.caseId);
    const r2 = await h.archive.file('mgr-1', b.caseId);
    expect(r1.ok && r1.data.archiveNo).toBe('2026-Y-SB01-0001');
    expect(r2.ok && r2.data.archiveNo).toBe('2026-Y-SB01-0002');
    const again = await h.archive.file('mgr-1', a.caseId);
    expect(!again.ok && again.error.code).toBe('CONFLICT');
    tick();
    const fix = await h.archive.file('mgr-1', a.caseId, '补充复核意见');
    if (!fix.ok) throw new Error(JSON.stringify(fix.error));
    expect(fix.data).toMatchObject({ archiveNo: '2026-Y-SB01-0001', version: 2, reason: '补充复核意见' });
    const versions = h.archive.ofCase(a.caseId);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[0]!.pdf.sha256).not.toBe(versions[1]!.pdf.sha256);
    // The first version is still there, byte for byte.
    expect(await store.blobs.verify(versions[0]!.pdf.sha256)).toBe(true);
    const file = join(dir, 'v2.pdf');
    writeFileSync(file, await store.blobs.read(fix.data.pdf.sha256));
    expect(pdftext(file, 1, 1)).toContain('更正说明：补充复核意见');
  });

  it('ARC-3 HYR-4 the archive embeds the one configured CJK font (ONEWINDOW_CJK_FONT); without it filing is UNAVAILABLE in Chinese and nothing is filed', async () => {
    const { caseId } = await acceptWithPages(1);
    handBack(caseId);
    const missing = composeHall({
      store,
      logger: pino({ level: 'silent' }),
      clock: { now: () => now },
      cjkFont: '/nonexistent/font.ttc#X',
    });
    const r = await missing.archive.file('mgr-1', caseId);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('UNAVAILABLE');
    expect(r.error.message).toContain('/nonexistent/font.ttc#X');
    expect(r.error.messageZh).toMatch(/未找到可用的中文字体.*ONEWINDOW_CJK_FONT/);
    expect(h.archive.ofCase(caseId)).toEqual([]);
  });

  it('ARC-6 the fixity check catches one flipped byte in a page and in a PDF, as facts, and passes when all is well', async () => {
    const { caseId, hashes } = await acceptWithPages(2);
    handBack(caseId);
    const r = await h.archive.file('mgr-1', caseId);
    if (!r.ok) throw new Error('file');
    const clean = await h.archive.fixity('mgr-1');
    expect(clean).toMatchObject({ pages: 4, files: 1, failed: 0 });
    const flip = (sha: string, at: number) => {
      const p = store.blobs.path(sha);
      const b = readFileSync(p);
      b[at] = b[at]! ^ 0x01;
      writeFileSync(p, b);
    };
    flip(hashes[3]!, 700);
    flip(r.data.pdf.sha256, 1000);
    tick();
    const bad = await h.archive.fixity('system');
    expect(bad.failed).toBe(2);
    expect(bad.problems).toEqual(
      expect.arrayContaining([
        { sha256: hashes[3], what: 'page', problem: 'mismatch', refs: [caseId] },
        { sha256: r.data.pdf.sha256, what: 'pdf', problem: 'mismatch', refs: [r.data.archiveNo] },
      ]),
    );
    const status = h.archive.fixityStatus();
    expect(status.failed).toBe(2);
    expect(status.problems.map((p) => p.sha256).sort()).toEqual([hashes[3], r.data.pdf.sha256].sort());
    expect([...store.iterateEvents()].filter((e) => e.type === 'archive:fixity-failed')).toHaveLength(2);
    // An export refuses a damaged volume rather than hand it over.
    const ex = await h.archive.export({ id: 'mgr-1' }, r.data.volume);
    expect(!ex.ok && ex.error.code).toBe('CONFLICT');
  });

  it('ARC-7 the export of a volume holds exactly its PDFs and a manifest that names them', async () => {
    const cases = [await acceptWithPages(1), await acceptWithPages(1), await acceptWithPages(1)];
    for (const c of cases) handBack(c.caseId);
    const filed = [];
    for (const c of cases.slice(0, 2)) {
      const r = await h.archive.file('mgr-1', c.caseId);
      if (!r.ok) throw new Error('file');
      filed.push(r.data);
    }
    // A case of another volume (another year's scheme): not in this export.
    store.auth.replaceCatalog(
      demoCatalog().map((i) => (i.code === CARD ? { ...i, retention: 'short' as const } : i)),
    );
    const other = await h.archive.file('mgr-1', cases[2]!.caseId);
    expect(other.ok && other.data.volume).toBe('2026-D-SB01');
    const ex = await h.archive.export({ id: 'mgr-1' }, '2026-C-SB01');
    if (!ex.ok) throw new Error(JSON.stringify(ex.error));
    const entries = new Map<string, Buffer>();
    await new Promise<void>((resolve, reject) => {
      const x = tar.extract();
      x.on('entry', (head, stream, next) => {
        const parts: Buffer[] = [];
        stream.on('data', (c: Buffer) => parts.push(c));
        stream.on('end', () => {
          entries.set(head.name, Buffer.concat(parts));
          next();
        });
      });
      x.on('finish', resolve);
      x.on('error', reject);
      Readable.from(ex.data).pipe(x);
    });
    expect([...entries.keys()].sort()).toEqual(
      [
        '2026-C-SB01/2026-C-SB01-0001_v1.pdf',
        '2026-C-SB01/2026-C-SB01-0002_v1.pdf',
        '2026-C-SB01/manifest.json',
      ].sort(),
    );
    const manifest = JSON.parse(entries.get('2026-C-SB01/manifest.json')!.toString('utf8'));
    expect(manifest.files.map((f: { archiveNo: string }) => f.archiveNo)).toEqual([
      '2026-C-SB01-0001',
      '2026-C-SB01-0002',
    ]);
    for (const f of manifest.files) {
      const pdf = entries.get(`2026-C-SB01/${f.pdf.path}`)!;
      expect(createHash('sha256').update(pdf).digest('hex')).toBe(f.pdf.sha256);
    }
    expect(manifest.files[0].pageHashes).toEqual(filed[0]!.pageHashes);
    // The export is a recorded read of personal data (SEC-NTK-2).
    expect(
      store.piiReads
        .search({ from: 0, to: now + 1, limit: 10 })
        .some((r) => r.subjectId === 'volume 2026-C-SB01'),
    ).toBe(true);
  });

  it('ARC-1 the schedule files every closed case not yet filed, once', async () => {
    const a = await acceptWithPages(1);
    const b = await acceptWithPages(1);
    handBack(a.caseId);
    expect(await h.archive.fileDue()).toBe(1);
    expect(await h.archive.fileDue()).toBe(0);
    expect(h.archive.ofCase(a.caseId)[0]?.by).toBe('system');
    expect(h.archive.ofCase(b.caseId)).toEqual([]);
  });
});
