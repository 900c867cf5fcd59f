/**
 * From a print job (`PrintJob.document`: a document type and its data) to printer bytes: the
 * document is parsed with the shared print contract (`printDocumentSchema`), laid out for the
 * printer's paper (documents.ts) and encoded as ESC/POS. A document that does not parse is
 * refused here, with its field paths, before anything is journaled or printed.
 */

import type { PrinterProfile } from '@onewindow/firmware-config/schema';
import { PRINT_DOCUMENT_TYPES, type PrintDocument, printDocumentSchema } from '@onewindow/shared';
import {
  acceptanceReceiptDocument,
  completionSlipDocument,
  queueTicketDocument,
  rejectionNoticeDocument,
  supplementNoticeDocument,
} from '../printer/documents.ts';
import { type Charset, type ChineseMode, encode } from '../printer/escpos.ts';
import { type Block, type PrintDocument as Layout, PAPER_80MM, type PaperSpec } from '../printer/layout.ts';

/** How the agent prints on its printer: from the printer's device profile. */
export interface PrinterSetup {
  paper: PaperSpec;
  chineseMode: ChineseMode;
  /** `gs-k`: the printer's own QR; `raster`: drawn here as a GS v 0 image; `none`: left out. */
  qr: 'gs-k' | 'raster' | 'none';
  cutter: boolean;
  /** Without a cutter, lines fed at the end so the last line clears the tear bar. Default {@link TEAR_BAR_LINES}. */
  tearBarLines?: number;
  /** `gbk`: the font has no 4-byte GB18030 characters; they print as □. Default `gb18030`. */
  charset?: Charset;
  /** Whether the printer answers `DLE EOT 4`; without it paper status is not asked before a job. */
  statusQuery: boolean;
}

export function printerSetupOf(profile: PrinterProfile): PrinterSetup {
  return {
    paper: { widthMm: profile.paperWidthMm, charsPerLine: profile.charsPerLine },
    chineseMode: profile.chineseMode,
    qr: profile.qr,
    cutter: profile.cutter,
    tearBarLines: profile.tearBarLines ?? TEAR_BAR_LINES,
    charset: profile.encoding,
    statusQuery: profile.statusQuery === 'dle-eot',
  };
}

/**
 * Lines a printer without a cutter feeds after the slip's own closing feed: a 58 mm head sits
 * about two lines (≈ 8 mm) below the tear bar, so without them the last line is torn through.
 */
export const TEAR_BAR_LINES = 2;

/** For simulators without a profile: an 80 mm Epson-like printer. */
export const DEFAULT_PRINTER_SETUP: PrinterSetup = {
  paper: PAPER_80MM,
  chineseMode: 'fs-ampersand',
  qr: 'gs-k',
  cutter: true,
  statusQuery: true,
};

/** A job that cannot be printed as sent: its reason goes back to the server as the failure. */
export class InvalidDocumentError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidDocumentError';
  }
}

/** A failure reason's length in the protocol (`printResultSchema`: 1–200 characters). */
const REASON_MAX_CHARS = 200;

/**
 * A job's document as the shared print contract (`printDocumentSchema`). The server parses a
 * document before it stores the job, but a job may come from a server of another version or
 * from before an upgrade, so nothing reaches the layouts unparsed.
 *
 * @throws InvalidDocumentError naming the type, or each bad field by its path and what is wrong
 */
export function parseJobDocument(document: unknown): PrintDocument {
  const type = (document as { type?: unknown } | null | undefined)?.type;
  if (!(typeof type === 'string' && (PRINT_DOCUMENT_TYPES as readonly string[]).includes(type)))
    throw new InvalidDocumentError(`单据类型未知: ${String(type).slice(0, 40)}`);
  const parsed = printDocumentSchema.safeParse(document);
  if (parsed.success) return parsed.data;
  // As many issues as fit the reason, then how many more: the staff see which fields to fix.
  const { issues } = parsed.error;
  let reason = '单据内容无效: ';
  let listed = 0;
  for (const issue of issues) {
    const part = `${listed > 0 ? '; ' : ''}${issue.path.join('.') || '(document)'} (${issue.message})`;
    const left = issues.length - listed - 1;
    const more = left > 0 ? `; 另${left}处` : '';
    if (listed > 0 && reason.length + part.length + more.length > REASON_MAX_CHARS) break;
    reason += part;
    listed++;
  }
  if (listed < issues.length) reason += `; 另${issues.length - listed}处`;
  throw new InvalidDocumentError(reason);
}

/** The layout of a job's document. @throws InvalidDocumentError naming the bad fields */
export function layoutOf(document: unknown, paper: PaperSpec): Layout {
  const doc = parseJobDocument(document);
  try {
    switch (doc.type) {
      case 'queue-ticket':
        return queueTicketDocument(doc.data, paper);
      case 'completion-slip':
        return completionSlipDocument(doc.data, paper);
      case 'acceptance-receipt':
        return acceptanceReceiptDocument(doc.data, paper);
      case 'rejection-notice':
        return rejectionNoticeDocument(doc.data, paper);
      case 'supplement-notice':
        return supplementNoticeDocument(doc.data, paper);
    }
  } catch (e) {
    throw new InvalidDocumentError(`单据内容无效: ${(e as Error).message}`);
  }
}

/** The bytes for a job on this printer. @throws InvalidDocumentError */
export function renderJob(document: unknown, setup: PrinterSetup): Uint8Array {
  const doc = layoutOf(document, setup.paper);
  // Without a cutter the cut becomes the feed that brings the last line past the tear bar.
  const tearFeed: Block = { kind: 'feed', lines: setup.tearBarLines ?? TEAR_BAR_LINES };
  const blocks = doc.blocks
    .filter((b: Block) => b.kind !== 'qr' || setup.qr !== 'none')
    .map((b: Block) => (b.kind === 'cut' && !setup.cutter ? tearFeed : b));
  try {
    // Printers without a QR generator get the QR as a raster image (GS v 0) drawn here.
    return encode({ blocks }, setup.paper, {
      chineseMode: setup.chineseMode,
      qr: setup.qr === 'raster' ? 'raster' : 'gs-k',
      charset: setup.charset ?? 'gb18030',
    });
  } catch (e) {
    throw new InvalidDocumentError(`单据无法排版: ${(e as Error).message}`);
  }
}

/** A failure reason fits the protocol (`printResultSchema`: 1–200 characters). */
export function reasonText(reason: string): string {
  const r = reason.trim() || '打印失败';
  return r.length > REASON_MAX_CHARS ? `${r.slice(0, REASON_MAX_CHARS - 1)}…` : r;
}
