/**
 * Rating by link (SPEC MOB-RATE-*): the SMS after a service carries a one-time link
 * `/m/#/rate/<token>`; the token is random and only its SHA-256 is stored. The page rates the
 * service with the pad's five levels and reasons, plus screened words, for `ratingDays` after the
 * service — also once its day is closed and the queue no longer holds the ticket: the same
 * `ticket:rated` fact (channel `online`) is then decided from the stored ticket and appended, and
 * the stored ticket gets its rating in the same unit. One rating per ticket across pad and link.
 */
import { createHash, randomBytes } from 'node:crypto';
import type {
  Ack,
  ApiError,
  OnlineRateInput,
  RatingLevel,
  RatingLinkView,
  RatingReason,
  ServiceItem,
  Ticket,
} from '@onewindow/shared';
import { decideRating } from '../domain/engine.ts';
import { onlineSettingsOf } from '../domain/settings.ts';
import type { OnlineStore } from '../store/online.store.ts';
import type { Clock, HallService } from './hall.service.ts';

const DAY_MS = 86_400_000;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A token is 24 characters of base64url (144 random bits); anything else is not looked up. */
const TOKEN = /^[A-Za-z0-9_-]{24}$/;

export interface OnlineRatingDeps {
  hall: HallService;
  online: OnlineStore;
  clock: Clock;
  /** The ticket as the store keeps it once its day is closed. */
  ticketFromStore: (id: string) => Ticket | undefined;
  /** Writes a closed day's ticket back with its rating, inside the unit. */
  saveTicket: (t: Ticket) => void;
  catalog: () => ServiceItem[];
  /** The hall's public address (ONEWINDOW_PUBLIC_URL): SMS links must be absolute. */
  publicUrl: () => string;
}

const refuse = (error: ApiError): { ok: false; error: ApiError } => ({ ok: false, error });

export class OnlineRatingService {
  constructor(private readonly d: OnlineRatingDeps) {}

  /**
   * MOB-RATE-1: makes the ticket's one rating link, inside the unit of its `ticket:finished`
   * (the notice projector calls this), and returns the link. Only the token's hash is stored.
   */
  mint(ticketId: string): string {
    const token = randomBytes(18).toString('base64url');
    this.d.online.putRatingLink(hashToken(token), ticketId, this.d.clock.now());
    return `${this.d.publicUrl().replace(/\/+$/, '')}/m/#/rate/${token}`;
  }

  private find(token: string): { t: Readonly<Ticket>; live: boolean } | undefined {
    if (!TOKEN.test(token)) return undefined;
    const id = this.d.online.ticketOfLink(hashToken(token));
    if (id === undefined) return undefined;
    const live = this.d.hall.queue.ticket(id);
    if (live !== undefined) return { t: live, live: true };
    const stored = this.d.ticketFromStore(id);
    return stored === undefined ? undefined : { t: stored, live: false };
  }

  private openUntil(t: Readonly<Ticket>): number {
    return (t.finishedAt ?? 0) + onlineSettingsOf(this.d.hall.queue.settings).ratingDays * DAY_MS;
  }

  /** What the rating page shows (MOB-RATE-2): the service, never the person. */
  view(token: string): Ack<RatingLinkView> {
    const found = this.find(token);
    if (found === undefined)
      return refuse({ code: 'NOT_FOUND', message: 'no such rating link', messageZh: '评价链接无效' });
    const { t } = found;
    const q = this.d.hall.queue;
    const config = q.hallConfig;
    const openUntil = this.openUntil(t);
    const state = t.rating !== null ? 'rated' : this.d.clock.now() > openUntil ? 'expired' : 'open';
    const item = t.itemCode === null ? undefined : this.d.catalog().find((i) => i.code === t.itemCode);
    const rating: { level: RatingLevel; reasons: RatingReason[] } | null =
      t.rating === null ? null : { level: t.rating.level, reasons: [...t.rating.reasons] };
    return {
      ok: true,
      data: {
        state,
        hallName: config?.settings.hallName ?? '',
        number: t.number,
        categoryName: config?.categories.find((c) => c.id === t.categoryId)?.name ?? t.categoryId,
        itemName: item?.name ?? null,
        windowNumber:
          t.windowId === null ? null : (config?.windows.find((w) => w.id === t.windowId)?.number ?? null),
        servedAt: t.finishedAt ?? 0,
        openUntil,
        rating,
      },
    };
  }

  /**
   * MOB-RATE-3: records the rating in one unit: through the queue while the day is open (the
   * engine refuses a second rating, RAT-1), else decided against the stored ticket and appended
   * with the ticket's projection updated, so a pad rating and a link rating never both count.
   */
  rate(token: string, input: Omit<OnlineRateInput, 'token'>): Ack<{ ticketId: string; level: RatingLevel }> {
    const cmd = (ticketId: string) => ({
      type: 'ticket:rate' as const,
      ticketId,
      level: input.level,
      reasons: input.reasons ?? [],
      channel: 'online' as const,
      ...(input.comment ? { comment: input.comment } : {}),
    });
    const r = this.d.hall.run({ type: 'ticket:rate' }, (uow) => {
      // Looked up inside the unit: a pad rating committed a moment ago is seen.
      const found = this.find(token);
      if (found === undefined)
        return uow.refuse({ code: 'NOT_FOUND', message: 'no such rating link', messageZh: '评价链接无效' });
      const { t, live } = found;
      if (t.rating !== null)
        return uow.refuse({ code: 'ALREADY_RATED', message: `${t.id} was rated already` });
      if (uow.now > this.openUntil(t))
        return uow.refuse({
          code: 'CONFLICT',
          message: `the rating link of ${t.id} expired at ${this.openUntil(t)}`,
          messageZh: '已超过评价期限，感谢您的关注',
        });
      if (live) {
        uow.execute(cmd(t.id));
        return t.id;
      }
      const decision = decideRating(t, cmd(t.id));
      if (!decision.ok) return uow.refuse(decision.error);
      const [ev] = uow.append(decision.events);
      if (ev?.type !== 'ticket:rated') return uow.refuse({ code: 'INTERNAL', message: 'no rating fact' });
      this.d.saveTicket({
        ...(t as Ticket),
        rating: { level: ev.level, reasons: [...ev.reasons], channel: ev.channel, at: ev.at },
      });
      return t.id;
    });
    if (!r.ok) return r;
    return { ok: true, data: { ticketId: r.value, level: input.level as RatingLevel } };
  }
}
