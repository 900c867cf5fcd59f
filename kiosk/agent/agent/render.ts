/**
 * From a print job (`PrintJob.document`: a document type and its data) to printer bytes: the
 * data is checked against the layout's input (documents.ts), laid out for the printer's paper
 * and encoded as ESC/POS. The server passes the data through opaquely, so this is where a
 * malformed job is caught, before anything is journaled or printed.
 */

import type { PrinterProfile } from '@onewindow/firmware-config/schema';
import type { PrintDocumentType, PrintJob } from '@onewindow/shared';
import { z } from 'zod';
import {
  type AcceptanceReceiptInput,
  acceptanceReceiptDocument,
  type CompletionSlipInput,
  completionSlipDocument,
  type QueueTicketInput,
  queueTicketDocument,
  type RejectionNoticeInput,
  rejectionNoticeDocument,
  type SupplementNoticeInput,
  supplementNoticeDocument,
} from '../printer/documents.ts';
import { type ChineseMode, encode } from '../printer/escpos.ts';
import { type Block, PAPER_80MM, type PaperSpec, type PrintDocument } from '../printer/layout.ts';

/** How the agent prints on its printer: from the printer's device profile. */
export interface PrinterSetup {
  paper: PaperSpec;
  chineseMode: ChineseMode;
  /** `gs-k`: the printer's own QR; `raster`: drawn here as a GS v 0 image; `none`: left out. */
  qr: 'gs-k' | 'raster' | 'none';
  cutter: boolean;
  /** Whether the printer answers `DLE EOT 4`; without it paper status is not asked before a job. */
  statusQuery: boolean;
}

export function printerSetupOf(profile: PrinterProfile): PrinterSetup {
  return {
    paper: { widthMm: profile.paperWidthMm, charsPerLine: profile.charsPerLine },
    chineseMode: profile.chineseMode,
    qr: profile.qr,
    cutter: profile.cutter,
    statusQuery: profile.statusQuery === 'dle-eot',
  };
}

/** For simulators without a profile: an 80 mm Epson-like printer. */
export const DEFAULT_PRINTER_SETUP: PrinterSetup = {
  paper: PAPER_80MM,
  chineseMode: 'fs-ampersand',
  qr: 'gs-k',
  cutter: true,
  statusQuery: true,
};

const str = (max = 200) => z.string().trim().min(1).max(max);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const epochMs = z.number().int().min(0);
const offset = z.number().int().min(-840).max(840);
const form = z.enum(['原件', '复印件', '原件及复印件', '电子']);
const hall = { hallName: str(100), hallPhone: str(40) };
const clerk = z.object({ name: str(60), staffNo: str(40) });
const lines = (max: number) => z.array(str(500)).max(max);

const schemas = {
  'queue-ticket': z.object({
    ...hall,
    businessName: str(60),
    businessNameEn: str(120).optional(),
    number: str(12),
    peopleAhead: z.number().int().min(0),
    estimatedWaitMinutes: z.number().min(0).nullable(),
    takenAt: epochMs,
    utcOffsetMinutes: offset,
    ticketId: str(64),
    statusBaseUrl: z.string().regex(/^https?:\/\/[^/\s]+/, 'an http(s) URL'),
    reminder: str(200).optional(),
    reminderEn: str(300).optional(),
    english: z.boolean().optional(),
    itemName: str(100).optional(),
    priorityNote: str(60).optional(),
    application: z
      .object({ code: z.string().regex(/^[A-Z0-9-]{4,32}$/), title: str(60), lines: lines(30) })
      .optional(),
  }) satisfies z.ZodType<QueueTicketInput>,
  'completion-slip': z.object({
    ...hall,
    documentNumber: str(64),
    itemName: str(),
    itemCode: str(64).optional(),
    applicantName: str(60),
    idNumber: str(32).optional(),
    ticketNumber: str(12).optional(),
    windowName: str(40),
    clerk,
    completedAt: epochMs,
    utcOffsetMinutes: offset,
    result: str(500),
    notes: lines(20).optional(),
  }) satisfies z.ZodType<CompletionSlipInput>,
  'acceptance-receipt': z.object({
    ...hall,
    documentNumber: str(64),
    applicantName: str(60),
    contactPhone: str(20),
    itemName: str(),
    itemCode: str(64).optional(),
    appliedOn: date,
    acceptedOn: date,
    materials: z.array(z.object({ name: str(), form, copies: z.number().int().min(0).max(99) })).max(50),
    clerk,
    deadline: z.object({ workingDays: z.number().int().min(0).max(3650), date }),
    progressQuery: str(300),
    progressUrl: str(500).optional(),
  }) satisfies z.ZodType<AcceptanceReceiptInput>,
  'rejection-notice': z.object({
    ...hall,
    agencyName: str(100),
    documentNumber: str(64),
    applicantName: str(60),
    itemName: str(),
    itemCode: str(64).optional(),
    appliedOn: date,
    decidedOn: date,
    reasons: lines(20).min(1),
    legalBasis: lines(20).optional(),
    reviewBody: str(100).optional(),
    court: str(100).optional(),
    clerk,
  }) satisfies z.ZodType<RejectionNoticeInput>,
  'supplement-notice': z.object({
    ...hall,
    agencyName: str(100),
    documentNumber: str(64),
    applicantName: str(60),
    itemName: str(),
    itemCode: str(64).optional(),
    appliedOn: date,
    notifiedOn: date,
    missing: z
      .array(
        z.object({
          name: str(),
          form: form.optional(),
          copies: z.number().int().min(0).max(99).optional(),
          requirement: str(300).optional(),
        }),
      )
      .min(1)
      .max(50),
    supplementBy: date.optional(),
    clerk,
  }) satisfies z.ZodType<SupplementNoticeInput>,
} as const satisfies Record<PrintDocumentType, z.ZodType>;

/** A job that cannot be printed as sent: its reason goes back to the server as the failure. */
export class InvalidDocumentError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidDocumentError';
  }
}

/** The layout of a job's document. @throws InvalidDocumentError naming the bad fields */
export function layoutOf(document: PrintJob['document'], paper: PaperSpec): PrintDocument {
  const type = document?.type;
  if (!(typeof type === 'string' && type in schemas))
    throw new InvalidDocumentError(`单据类型未知: ${String(type).slice(0, 40)}`);
  const parsed = schemas[type as PrintDocumentType].safeParse(document.data);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(data)'))].join(', ');
    throw new InvalidDocumentError(`单据内容无效: ${fields}`);
  }
  try {
    switch (type as PrintDocumentType) {
      case 'queue-ticket':
        return queueTicketDocument(parsed.data as QueueTicketInput, paper);
      case 'completion-slip':
        return completionSlipDocument(parsed.data as CompletionSlipInput, paper);
      case 'acceptance-receipt':
        return acceptanceReceiptDocument(parsed.data as AcceptanceReceiptInput, paper);
      case 'rejection-notice':
        return rejectionNoticeDocument(parsed.data as RejectionNoticeInput, paper);
      case 'supplement-notice':
        return supplementNoticeDocument(parsed.data as SupplementNoticeInput, paper);
    }
  } catch (e) {
    throw new InvalidDocumentError(`单据内容无效: ${(e as Error).message}`);
  }
}

/** The bytes for a job on this printer. @throws InvalidDocumentError */
export function renderJob(document: PrintJob['document'], setup: PrinterSetup): Uint8Array {
  const doc = layoutOf(document, setup.paper);
  const blocks = doc.blocks.filter(
    (b: Block) => (b.kind !== 'qr' || setup.qr !== 'none') && (b.kind !== 'cut' || setup.cutter),
  );
  try {
    // Printers without a QR generator get the QR as a raster image (GS v 0) drawn here.
    return encode({ blocks }, setup.paper, {
      chineseMode: setup.chineseMode,
      qr: setup.qr === 'raster' ? 'raster' : 'gs-k',
    });
  } catch (e) {
    throw new InvalidDocumentError(`单据无法排版: ${(e as Error).message}`);
  }
}

/** A failure reason fits the protocol (`printResultSchema`: 1–200 characters). */
export function reasonText(reason: string): string {
  const r = reason.trim() || '打印失败';
  return r.length > 200 ? `${r.slice(0, 199)}…` : r;
}
