/**
 * The citizen's phone app (SPEC MOB-AUTH-*, MOB-PROG-*): what the sign-in and the progress
 * routes answer, and the wording the phone shows. Zod-free (the phone bundle imports it); the
 * request schemas are in `citizen.schema.ts`.
 */
import type { CaseStatus } from './cases.ts';
import type { TicketStatus } from './domain.ts';

/** The header a citizen's token travels in (never a URL, never a cookie: MOB-AUTH-5). */
export const CITIZEN_TOKEN_HEADER = 'x-citizen-token';

/** `POST /api/citizen/otp`: the same answer whether the number has signed in before or not (MOB-AUTH-1). */
export interface CitizenOtpSent {
  phoneMasked: string;
  /** How long the code is valid. */
  expiresInSeconds: number;
  /** When the phone may ask for another code. */
  resendAfterSeconds: number;
}

/** Who is signed in, as the phone may show it: masked only (MOB-AUTH-6). */
export interface CitizenMe {
  phoneMasked: string;
  /** The masked ID number once bound (MOB-AUTH-7); null before. */
  idMasked: string | null;
  /** When the session ends whatever its use. */
  expiresAt: number;
}

/** `POST /api/citizen/session`: the token (kept by the phone, sent in {@link CITIZEN_TOKEN_HEADER}). */
export interface CitizenSession extends CitizenMe {
  token: string;
}

/** One of the citizen's tickets of today (MOB-PROG-1): where it stands, nothing personal. */
export interface CitizenTicket {
  id: string;
  number: string;
  categoryName: string;
  status: TicketStatus;
  /** Waiting tickets called first; null unless waiting. */
  ahead: number | null;
  /** The estimate's range in minutes (SPEC EST-1, worded by `wait.ts`); null when unknown. */
  low: number | null;
  high: number | null;
  minutes: number | null;
  /** The window to go to, once called. */
  windowNumber: number | null;
  arrivedAt: number;
}

/** One of the citizen's bookings (MOB-PROG-1). */
export interface CitizenBooking {
  id: string;
  businessDay: string;
  categoryName: string;
  itemName: string | null;
  slotStart: number;
  slotEnd: number;
  status: 'booked' | 'checked-in' | 'missed' | 'cancelled';
  /** The code the kiosk checks it in with. */
  bookingCode: string;
}

/** A step of a case as the citizen sees it: when, which step, the status after it. */
export interface CitizenCaseStep {
  at: number;
  to: CaseStatus;
}

/** A case (受理编号) as the citizen may follow it (MOB-PROG-1, MOB-PROG-2): no staff, no notes. */
export interface CitizenCase {
  receiptNo: string;
  itemName: string;
  status: CaseStatus;
  acceptedAt: number;
  /** 承诺办结日期. */
  deadline: string;
  workingDays: number;
  /** What a 补正 asked for while `supplementing`. */
  missing: string[];
  steps: CitizenCaseStep[];
}

/** `GET /api/citizen/progress`: the signed-in citizen's tickets of today, bookings and cases. */
export interface CitizenProgress {
  hallName: string;
  tickets: CitizenTicket[];
  bookings: CitizenBooking[];
  cases: CitizenCase[];
}

/** `GET /api/citizen/hall`: what the phone's home page shows before anyone signs in. */
export interface CitizenHallInfo {
  hallName: string;
  /** Local "HH:MM"; ISO weekdays (1 = Monday). */
  openingHours: { open: string; close: string; weekdays: number[] };
  utcOffsetMinutes: number;
}

/** Opening hours in words: 周一至周五 09:00–17:00 / Mon–Fri 09:00–17:00. */
export function openingHoursText(h: CitizenHallInfo['openingHours']): { zh: string; en: string } {
  const zhDay = ['', '一', '二', '三', '四', '五', '六', '日'];
  const enDay = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const days = [...h.weekdays].sort((a, b) => a - b);
  const contiguous = days.length > 1 && days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  const zhDays = contiguous
    ? `周${zhDay[days[0]!]}至周${zhDay[days.at(-1)!]}`
    : days.map((d) => `周${zhDay[d]}`).join('、');
  const enDays = contiguous
    ? `${enDay[days[0]!]}–${enDay[days.at(-1)!]}`
    : days.map((d) => enDay[d]).join(', ');
  return { zh: `${zhDays} ${h.open}–${h.close}`, en: `${enDays} ${h.open}–${h.close}` };
}

/** A case's status in the citizen's words. */
export function caseStatusText(status: CaseStatus): { zh: string; en: string } {
  switch (status) {
    case 'accepted':
      return { zh: '已受理，等待审核', en: 'Accepted, awaiting review' };
    case 'in-review':
      return { zh: '审核中', en: 'Under review' };
    case 'reviewed':
      return { zh: '已审核，等待复核', en: 'Reviewed, awaiting second check' };
    case 'supplementing':
      return { zh: '需要补正材料', en: 'Documents needed' };
    case 'approved':
      return { zh: '审批通过，正在出件', en: 'Approved, being prepared' };
    case 'returned':
      return { zh: '不予办理（已退回）', en: 'Returned' };
    case 'ready':
      return { zh: '已办结，请到大厅领取', en: 'Ready for pickup' };
    case 'handed-back':
      return { zh: '已领取，办结', en: 'Collected, closed' };
  }
}

/** A ticket's status in the citizen's words (the headline; the wait is worded by `wait.ts`). */
export function ticketStatusText(
  status: TicketStatus,
  windowNumber: number | null,
): { zh: string; en: string } {
  const w = windowNumber ?? '—';
  switch (status) {
    case 'waiting':
      return { zh: '等候中', en: 'Waiting' };
    case 'called':
      return { zh: `请到 ${w} 号窗口办理`, en: `Please go to window ${w}` };
    case 'serving':
      return { zh: `正在 ${w} 号窗口办理`, en: `Being served at window ${w}` };
    case 'parked':
      return { zh: '暂挂，请留意叫号', en: 'On hold: listen for your number' };
    case 'done':
      return { zh: '已办结', en: 'Done' };
    case 'no-show':
      return { zh: '已过号，请到咨询引导台', en: 'Missed: please see the guide desk' };
    case 'cancelled':
      return { zh: '已取消', en: 'Cancelled' };
  }
}
