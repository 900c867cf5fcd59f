/**
 * One PDF per archived case (SPEC ARC-3, GB/T 31599): a cover sheet (档号, item, dates, 保管期限,
 * page count and each material page's SHA-256), the slips as printed (personal fields masked as
 * on the paper), every material page, and the case's history with staff names and times. Built
 * with pdf-lib; Chinese text in a CJK font embedded as a subset (fontkit 3 reads the TTC of
 * Debian's fonts-noto-cjk and subsets its CID-keyed CFF correctly).
 */
import { EventEmitter } from 'node:events';
import type { CaseRecord, Retention, SlipDocument } from '@onewindow/shared';
import { RETENTION_INFO } from '@onewindow/shared/archive.ts';
import { maskName, maskPhone } from '@onewindow/shared/mask.ts';
import * as fontkit from 'fontkit';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';

/** The face of a collection when the font names none: Noto Sans CJK's Simplified Chinese. */
const FACE = 'NotoSansCJKsc-Regular';

type FontkitFont = { createSubset(): { encode(): Uint8Array; encodeStream?: () => EventEmitter } };
const parsed = new WeakMap<Uint8Array, FontkitFont>();

/**
 * pdf-lib's embedder with fontkit 3: the face of a collection by name, one parse per font bytes,
 * and fontkit 3's `encode()` offered as the stream pdf-lib 1.17 reads.
 */
const fontkitForPdfLib = (source: Uint8Array, face: string) => ({
  create(bytes: Uint8Array) {
    let font = parsed.get(source);
    if (font === undefined) {
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const f = fontkit.create(buf, face) as FontkitFont | undefined;
      font = (f ?? fontkit.create(buf)) as FontkitFont;
      parsed.set(source, font);
    }
    const base = font;
    return new Proxy(base, {
      get(target, prop, receiver) {
        if (prop !== 'createSubset') return Reflect.get(target, prop, receiver);
        return () => {
          const subset = target.createSubset();
          subset.encodeStream = () => {
            const ee = new EventEmitter();
            setImmediate(() => {
              try {
                ee.emit('data', subset.encode());
                ee.emit('end');
              } catch (err) {
                ee.emit('error', err);
              }
            });
            return ee;
          };
          return subset;
        };
      },
    });
  },
});

export interface ArchivePage {
  material: string;
  sha256: string;
  mime: 'image/jpeg' | 'image/png' | 'application/pdf';
  bytes: Uint8Array;
}

export interface ArchivePdfInput {
  archiveNo: string;
  version: number;
  retention: Retention;
  hallName: string;
  utcOffsetMinutes: number;
  filedAt: number;
  kase: CaseRecord;
  slips: { number: string; kind: string; issuedAt: number; issuedBy: string; document: SlipDocument }[];
  pages: ArchivePage[];
  /** Name and 工号 of a staff id. */
  staff(id: string): string;
  /** Why a correction was filed. */
  reason: string | null;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;
const SLIP_TITLE: Record<string, string> = {
  completion: '业务回单',
  acceptance: '业务受理回执',
  rejection: '不予受理告知单',
  supplement: '一次性补正告知书',
};
const STEP_ZH: Record<string, string> = {
  'case:accepted': '受理',
  'case:review-started': '开始审核',
  'case:reviewed': '审核通过',
  'case:rechecked': '复核通过',
  'case:returned': '退回',
  'case:supplement-requested': '一次性告知补正',
  'case:supplemented': '补正材料已收',
  'case:ready': '办结待取',
  'case:handed-back': '已领取',
  'case:adopted': '迁入',
  'case:material-captured': '采集材料',
  'case:material-waived': '材料免提交',
  'case:material-removed': '移除材料页',
};

const localTime = (at: number, off: number) =>
  new Date(at + off * 60_000).toISOString().slice(0, 16).replace('T', ' ');

/** Lines on pages: a new page when one is full. */
class Writer {
  page!: PDFPage;
  y = 0;
  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly at?: number,
  ) {}
  newPage(): PDFPage {
    this.page = this.at === undefined ? this.doc.addPage(A4) : this.doc.insertPage(this.at + this.count, A4);
    this.count++;
    this.y = A4[1] - MARGIN;
    return this.page;
  }
  count = 0;
  line(text: string, size = 10, gap = 4): void {
    const width = A4[0] - 2 * MARGIN;
    // Wrap by measured width; Chinese has no spaces, so break anywhere.
    let rest = text;
    while (rest.length > 0) {
      let n = rest.length;
      while (n > 1 && this.font.widthOfTextAtSize(rest.slice(0, n), size) > width) n = Math.ceil(n * 0.9) - 1;
      if (this.y - size < MARGIN) this.newPage();
      this.page.drawText(rest.slice(0, n), {
        x: MARGIN,
        y: this.y - size,
        size,
        font: this.font,
        color: rgb(0, 0, 0),
      });
      this.y -= size + gap;
      rest = rest.slice(n);
    }
  }
}

function slipLines(doc: SlipDocument): string[] {
  const out: string[] = [];
  const data = doc.data as Record<string, unknown>;
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined || v === null) continue;
    if (k === 'applicantName' && typeof v === 'string') out.push(`申请人：${maskName(v)}`);
    else if (k === 'contactPhone' && typeof v === 'string') out.push(`联系电话：${maskPhone(v)}`);
    else if (typeof v === 'string' || typeof v === 'number') out.push(`${k}：${v}`);
    else if (Array.isArray(v))
      out.push(
        `${k}：${v.map((x) => (typeof x === 'object' && x !== null && 'name' in x ? String(x.name) : String(x))).join('；')}`,
      );
    else if (typeof v === 'object')
      out.push(
        `${k}：${Object.entries(v as Record<string, unknown>)
          .map(([a, b]) => `${a}=${String(b)}`)
          .join('，')}`,
      );
  }
  return out;
}

/** Builds the case's archive PDF. @returns its bytes and page count */
export async function buildArchivePdf(
  input: ArchivePdfInput,
  fontFile: { bytes: Uint8Array; family?: string },
): Promise<{ bytes: Uint8Array; pages: number }> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${input.archiveNo} ${input.kase.itemName}`);
  doc.setSubject(`档号 ${input.archiveNo} 第${input.version}版`);
  doc.setProducer('OneWindow archive');
  doc.setCreationDate(new Date(input.filedAt));
  doc.setModificationDate(new Date(input.filedAt));
  doc.registerFontkit(fontkitForPdfLib(fontFile.bytes, fontFile.family ?? FACE) as never);
  const cjk = await doc.embedFont(fontFile.bytes, { subset: true });
  const off = input.utcOffsetMinutes;

  // Slips.
  const w = new Writer(doc, cjk);
  for (const s of input.slips) {
    w.newPage();
    w.line(SLIP_TITLE[s.kind] ?? s.kind, 16, 10);
    w.line(
      `编号：${s.number}    开具：${localTime(s.issuedAt, off)}    经办：${input.staff(s.issuedBy)}`,
      9,
      8,
    );
    for (const l of slipLines(s.document)) w.line(l, 10);
  }
  // Material pages, each with its material and hash at the foot.
  const caption = (page: PDFPage, p: ArchivePage, i: number) =>
    page.drawText(`${p.material} · 第${i + 1}页 · SHA-256 ${p.sha256}`, { x: 24, y: 14, size: 7, font: cjk });
  for (const [i, p] of input.pages.entries()) {
    if (p.mime === 'application/pdf') {
      const src = await PDFDocument.load(p.bytes);
      for (const copied of await doc.copyPages(src, src.getPageIndices())) {
        doc.addPage(copied);
        caption(copied, p, i);
      }
      continue;
    }
    const img = p.mime === 'image/png' ? await doc.embedPng(p.bytes) : await doc.embedJpg(p.bytes);
    const page = doc.addPage(A4);
    const box = { w: A4[0] - 2 * 24, h: A4[1] - 2 * 30 };
    const scale = Math.min(box.w / img.width, box.h / img.height, 1.5);
    const [iw, ih] = [img.width * scale, img.height * scale];
    page.drawImage(img, { x: (A4[0] - iw) / 2, y: 30 + (box.h - ih) / 2, width: iw, height: ih });
    caption(page, p, i);
  }
  // History.
  w.newPage();
  w.line('案件办理过程', 16, 10);
  for (const h of input.kase.history)
    w.line(
      `${localTime(h.at, off)}  ${STEP_ZH[h.step] ?? h.step}  ${input.staff(h.by)}${h.note ? `  ${h.note}` : ''}${h.materials?.length ? `  材料：${h.materials.join('、')}` : ''}`,
      9,
    );

  // The cover goes first; its own page count is known only once it is laid out, so it is laid out
  // twice: once to count, once for real with the total.
  const body = doc.getPageCount();
  const coverLines = (total: number): [string, number][] => [
    [`${input.hallName} 业务档案`, 18],
    [`档号：${input.archiveNo}${input.version > 1 ? `（第${input.version}版）` : ''}`, 14],
    [`事项：${input.kase.itemName}（${input.kase.itemCode}）`, 11],
    [`受理编号：${input.kase.id}    号票：${input.kase.ticketNumber}`, 11],
    [
      `受理日期：${localTime(input.kase.acceptedAt, off)}    办结日期：${localTime(input.kase.history.at(-1)?.at ?? input.kase.acceptedAt, off)}`,
      11,
    ],
    [
      `办理结果：${input.kase.status === 'handed-back' ? '已办结领取' : input.kase.status === 'returned' ? '退回/不予受理' : input.kase.status}`,
      11,
    ],
    [`保管期限：${RETENTION_INFO[input.retention].zh}    归档时间：${localTime(input.filedAt, off)}`, 11],
    ...(input.reason ? ([[`更正说明：${input.reason}`, 11]] as [string, number][]) : []),
    [`总页数：${total}（含封面 ${total - body} 页、回执 ${input.slips.length} 页）`, 11],
    [`材料页数：${input.pages.length}`, 11],
    ['材料页 SHA-256：', 11],
    ...input.pages.map((p, i): [string, number] => [`${i + 1}. ${p.material}  ${p.sha256}`, 8]),
  ];
  // Measuring lays the lines out on a scratch document with the same font metrics.
  let coverPages = 1;
  for (let k = 0; k < 3; k++) {
    const scratch = await PDFDocument.create();
    const m = new Writer(scratch, cjk);
    m.newPage();
    for (const [t, s] of coverLines(body + coverPages)) m.line(t, s, 6);
    if (m.count === coverPages) break;
    coverPages = m.count;
  }
  const cover = new Writer(doc, cjk, 0);
  cover.newPage();
  for (const [t, s] of coverLines(body + coverPages)) cover.line(t, s, 6);
  return { bytes: await doc.save({ useObjectStreams: true }), pages: doc.getPageCount() };
}
