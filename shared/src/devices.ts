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
  /** A window's document scanner (SANE or simulated): present and how it answered last (MAT-DEV-2). */
  documentScanner?: 'ready' | 'scanning' | 'failed';
  /** A window's 高拍仪 as its terminal profile describes it: the console opens that camera (MAT-DEV-3). */
  documentCamera?: DocumentCameraSetting;
}

/** What the console needs to pick and open a window's document camera (高拍仪). */
export interface DocumentCameraSetting {
  /** Case-insensitive regular expression matched against `MediaDeviceInfo.label`. */
  labelMatch: string;
  width: number;
  height: number;
  /** Degrees clockwise each shot is turned. */
  rotation: 0 | 90 | 180 | 270;
}

/**
 * 扫描 at the console (SPEC MAT-DEV-2): the server asks the agent at the clerk's window to scan
 * onto a material of a case; the agent uploads the page(s) itself (source=scanner, as the clerk
 * signed on there) and answers with the same `requestId`.
 */
export interface ScanRequest {
  requestId: string;
  caseId: string;
  material: string;
}

/** Why a scan gave no page: the scanner's own trouble, or the upload the server refused. */
export type ScanErrorCode =
  | 'no-paper'
  | 'busy'
  | 'jammed'
  | 'cover-open'
  | 'no-device'
  | 'timeout'
  | 'failed'
  | 'refused';
export const SCAN_ERROR_CODES: readonly ScanErrorCode[] = [
  'no-paper',
  'busy',
  'jammed',
  'cover-open',
  'no-device',
  'timeout',
  'failed',
  'refused',
];

export type ScanResult =
  | { requestId: string; status: 'scanned'; pages: number }
  | {
      requestId: string;
      status: 'failed';
      code: ScanErrorCode;
      /** Pages already linked before it failed (an ADF that ran out mid-batch). */
      pages: number;
      /** The scanner's or server's own words (no personal data: scanimage's stderr, an error code). */
      detail: string;
      /** The server's Chinese refusal of an upload (`refused`), passed on to the clerk. */
      messageZh?: string;
    };

/** The clerk's words for a scan that gave nothing (Chinese first, for the console). */
export function scanErrorText(code: ScanErrorCode): string {
  switch (code) {
    case 'no-paper':
      return '扫描仪中没有纸张：请放好材料后再扫描';
    case 'busy':
      return '扫描仪正忙：请稍候再扫描';
    case 'jammed':
      return '扫描仪卡纸：请取出卡住的纸张后再扫描';
    case 'cover-open':
      return '扫描仪盖板未合上：请合上后再扫描';
    case 'no-device':
      return '未找到扫描仪：请检查扫描仪电源和数据线';
    case 'timeout':
      return '扫描超时：请检查扫描仪后重试';
    case 'failed':
      return '扫描失败：请检查扫描仪后重试';
    case 'refused':
      return '扫描件未能归入案件';
  }
}

/** The capture devices of the window a clerk is signed on at, for the console's 扫描 and 拍照. */
export interface CaptureDevices {
  /** The clerk's window; null when not signed on at one. */
  windowId: string | null;
  /** The window agent's document scanner; null when the window has none. */
  scanner: { deviceId: string; online: boolean; busy: boolean } | null;
  /** The window's 高拍仪 settings; null when the profile names none (the console uses the first camera). */
  documentCamera: DocumentCameraSetting | null;
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

/**
 * Why a card put on a terminal's reader gave the citizen nothing (SPEC DEV-6). Codes only: the
 * screen words them ({@link cardErrorText}); nothing read from the card travels with them.
 * - `not-accepted`: a card the kiosk does not take (HK/Macao/Taiwan residence permit, foreign
 *   permanent residence card, a card that is not a social security card);
 * - `read-failed`: the read failed or the card was moved too soon; placing it again may work;
 * - `pin-required`: a social security card that wants its PIN first;
 * - `invalid`: read, but its data does not check out (an ID number that fails GB 11643 …).
 */
export type CardErrorCode = 'not-accepted' | 'read-failed' | 'pin-required' | 'invalid';
export const CARD_ERROR_CODES: readonly CardErrorCode[] = [
  'not-accepted',
  'read-failed',
  'pin-required',
  'invalid',
];

/** A card the terminal's reader could not give the citizen, relayed to that terminal's screen only. */
export interface CardError {
  source: 'resident-id' | 'ssc';
  code: CardErrorCode;
}

/** What the kiosk says for a card error: Chinese first (many citizens are elderly), then English. */
export function cardErrorText(e: CardError): { zh: string; en: string } {
  const card = e.source === 'ssc' ? '社保卡' : '身份证';
  const cardEn = e.source === 'ssc' ? 'social security card' : 'ID card';
  switch (e.code) {
    case 'not-accepted':
      return e.source === 'ssc'
        ? {
            zh: '这张卡不是社会保障卡，无法识别。请改用身份证，或在屏幕上输入证件号码。',
            en: 'This is not a social security card. Use your ID card, or type your ID number on the screen.',
          }
        : {
            zh: '自助机暂不能读取此类证件（如港澳台居民居住证、外国人永久居留身份证）。请在屏幕上输入证件号码，或到咨询台办理。',
            en: 'The kiosk cannot read this kind of card (e.g. HK/Macao/Taiwan residence permit, foreign permanent residence card). Type your ID number on the screen, or ask at the help desk.',
          };
    case 'read-failed':
      return {
        zh: `${card}读取失败。请把卡拿开，再重新放好，保持不动两秒。`,
        en: `The ${cardEn} could not be read. Take it away, place it again and hold it still for two seconds.`,
      };
    case 'pin-required':
      return {
        zh: '这张社保卡需要先输入密码，自助机无法读取。请在屏幕上输入证件号码，或到咨询台办理。',
        en: 'This social security card needs its PIN first. Type your ID number on the screen, or ask at the help desk.',
      };
    case 'invalid':
      return {
        zh: `${card}上的信息无法核验。请在屏幕上输入证件号码，或到咨询台办理。`,
        en: `The ${cardEn}’s data could not be verified. Type your ID number on the screen, or ask at the help desk.`,
      };
  }
}

/** The last print job of a device ended failed (a guide who logs in later still sees it, DEV-8). */
export interface PrintFailureSeen {
  jobId: string;
  reason: string;
  at: number;
}

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
  /** Set while the device's last finished print job failed; cleared by the next one printed. */
  lastPrintFailure?: PrintFailureSeen | null;
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
  if (h.documentScanner === 'failed') out.push('扫描仪故障');
  return out;
}
