/**
 * The citizen's phone, queue side (SPEC MOB-Q-*, MOB-RATE-*): the same-day online ticket and
 * the one-time rating page. Schemas for what the phone sends, and the shapes it gets back. No
 * personal data travels in a URL: a rating link carries only its random token.
 */
import { z } from 'zod';
import { RATING_REASONS, type RatingLevel, type RatingReason, type TicketStatus } from './domain.ts';
import { personalDataRefusal } from './personal-data.ts';

/** Joining a category's queue from the phone. */
export const onlineJoinSchema = z.strictObject({
  categoryId: z.string().trim().min(1).max(64),
});
export type OnlineJoinInput = z.infer<typeof onlineJoinSchema>;

/**
 * An online ticket as its holder sees it on the phone: the number, where it stands, and the code
 * the kiosk scans to confirm it (MOB-Q-2). Nothing of anyone else.
 */
export interface OnlineTicketView {
  id: string;
  number: string;
  categoryName: string;
  status: TicketStatus;
  /** Still to be confirmed at the hall, and by when (ms); null once confirmed or settled. */
  confirmBy: number | null;
  /** What the kiosk scans (or the guide types) to confirm it. */
  code: string;
  /** People ahead among the callable tickets (EST-1 figure); null unless waiting. */
  ahead: number | null;
  low: number | null;
  high: number | null;
  /** The window it is called to, while called or being served. */
  windowNumber: number | null;
  cancelReason: string | null;
}

/** The 线上取号 page (MOB-Q-5): the categories with their wait now, and the citizen's own tickets today. */
export interface OnlineQueueOverview {
  /** Whether tickets are given now; when not, `closedZh` says when they are. */
  open: boolean;
  closedZh: string | null;
  /** How long an online ticket has to be confirmed at the hall (hall setting). */
  confirmMinutes: number;
  categories: {
    id: string;
    name: string;
    nameEn: string;
    waiting: number;
    low: number | null;
    high: number | null;
  }[];
  tickets: OnlineTicketView[];
}

/** The rating page's free text: optional, at most 200 characters, no ID, phone or bank card numbers. */
export const ratingComment = z
  .string()
  .trim()
  .max(200)
  .superRefine((v, ctx) => {
    const why = personalDataRefusal(v);
    // The citizen reads this one (the phone shows an issue's Chinese as it is).
    if (why !== null) ctx.addIssue({ code: 'custom', message: '请勿在评价中填写身份证号、手机号或银行卡号' });
  });

/** The link's token travels in the body, never in an API path (access logs keep paths). */
const ratingToken = z.string().trim().min(1).max(64);

/** Opening a rating link (MOB-RATE-2). */
export const ratingLinkOpenSchema = z.strictObject({ token: ratingToken });

/** A rating by link (MOB-RATE-1): level 1–5, reasons from the pad's list, optional screened words. */
export const onlineRateSchema = z.strictObject({
  token: ratingToken,
  level: z.int().min(1).max(5),
  reasons: z.array(z.enum(RATING_REASONS)).max(RATING_REASONS.length).optional(),
  comment: ratingComment.optional(),
});
export type OnlineRateInput = z.infer<typeof onlineRateSchema>;

/** What the rating page shows about the service it rates: no name, no ID, no phone. */
export interface RatingLinkView {
  /** `open`: may be rated; `rated`: a rating exists (pad or link); `expired`: past the hall's days. */
  state: 'open' | 'rated' | 'expired';
  hallName: string;
  number: string;
  categoryName: string;
  itemName: string | null;
  windowNumber: number | null;
  /** When the service ended (ms). */
  servedAt: number;
  /** Until when the link is accepted (ms). */
  openUntil: number;
  rating: { level: RatingLevel; reasons: RatingReason[] } | null;
}
