/**
 * What paired hardware terminals (the terminal agent on a kiosk or counter PC) and the queue
 * server say to each other: print jobs with acknowledgement, device health, card reads.
 * Free of zod (the browser apps import it): the documents' schemas are in print.ts.
 */
import type { PrintDocument } from './print.ts';

/** Paper sensor of a ticket/slip printer (ESC/POS `DLE EOT 4`), or no answer. */
export type PrinterHealth = 'ok' | 'near-end' | 'out' | 'offline';
/**
 * A reader: connected, unplugged, (PC/SC) the reader service is not running, or the terminal's
 * reader driver (the PC/SC binding) is not installed at all.
 */
export type ReaderHealth = 'connected' | 'disconnected' | 'service-not-running' | 'driver-missing';

/** What an agent reports on change and periodically. Absent = the terminal has no such device. */
export interface DeviceHealth {
  printer?: PrinterHealth;
  idCardReader?: ReaderHealth;
  sscReader?: ReaderHealth;
  ratingPad?: ReaderHealth;
  /** A board's speech: a Mandarin voice, or none (it still chimes and flashes). */
  voice?: 'ok' | 'no-mandarin-voice';
}

/** Documents a window or kiosk prints; their data is print.ts, their layout the agent's (kiosk/agent/printer). */
export const PRINT_DOCUMENT_TYPES = [
  'queue-ticket',
  'completion-slip',
  'acceptance-receipt',
  'rejection-notice',
  'supplement-notice',
] as const;
export type PrintDocumentType = (typeof PRINT_DOCUMENT_TYPES)[number];

/** A document sent to one terminal's printer. */
export interface PrintJob {
  /** Printed at most once, even if the server sends it again after a reconnect. */
  jobId: string;
  createdAt: number;
  /** Parsed with `printDocumentSchema` by the server before it is stored, and by the agent before it prints. */
  document: PrintDocument;
}

export type PrintJobStatus = 'pending' | 'sent' | 'printed' | 'failed';

export type PrintResult =
  | { jobId: string; status: 'printed' }
  | { jobId: string; status: 'failed'; reason: string };

/** What a staff console sees of a device (guide alerts: paper out, reader offline). */
export interface DeviceStatus {
  deviceId: string;
  name: string;
  kind: string;
  windowId: string | null;
  online: boolean;
  health: DeviceHealth;
  /** Problems worth a guide's attention, in Chinese for the console. */
  alerts: string[];
  at: number;
}

/** Alerts from a health report: paper out or low, a reader unplugged or its service down. */
export function healthAlerts(h: DeviceHealth): string[] {
  const out: string[] = [];
  if (h.printer === 'out') out.push('打印机缺纸');
  if (h.printer === 'near-end') out.push('打印纸将尽');
  if (h.printer === 'offline') out.push('打印机离线');
  if (h.idCardReader === 'disconnected') out.push('身份证读卡器未连接');
  if (h.idCardReader === 'service-not-running') out.push('身份证读卡服务未运行');
  if (h.sscReader === 'disconnected') out.push('社保卡读卡器未连接');
  if (h.sscReader === 'service-not-running') out.push('社保卡读卡服务未运行');
  if (h.sscReader === 'driver-missing') out.push('社保卡读卡驱动未安装');
  if (h.ratingPad === 'disconnected') out.push('评价器未连接');
  if (h.voice === 'no-mandarin-voice') out.push('无普通话语音，仅提示音');
  return out;
}
