/**
 * The rating pad's flow as a pure reducer: idle → levels → (reasons for 不满意/非常不满意) →
 * sending → thanks → idle. A timeout returns to idle without rating anything; a ticket is
 * offered for rating once, whatever the server repeats.
 */
import { RATING_REASONS, type RatingLevel, type RatingReason } from '@onewindow/shared/domain.ts';

/** The five levels, best first, with their Chinese and English names (DOMAIN.md "Ratings"). */
export const LEVELS: readonly { level: RatingLevel; zh: string; en: string }[] = [
  { level: 5, zh: '非常满意', en: 'Very satisfied' },
  { level: 4, zh: '满意', en: 'Satisfied' },
  { level: 3, zh: '基本满意', en: 'Fairly satisfied' },
  { level: 2, zh: '不满意', en: 'Dissatisfied' },
  { level: 1, zh: '非常不满意', en: 'Very dissatisfied' },
];

export const REASON_NAMES: Record<RatingReason, { zh: string; en: string }> = {
  attitude: { zh: '服务态度', en: 'Attitude' },
  efficiency: { zh: '办理效率', en: 'Efficiency' },
  competence: { zh: '业务水平', en: 'Competence' },
  waiting: { zh: '等候时间', en: 'Waiting time' },
  other: { zh: '其他', en: 'Other' },
};

export const REASONS: readonly RatingReason[] = RATING_REASONS;

/** Levels that ask for reasons: 差评 (2 and 1). */
export const needsReasons = (level: RatingLevel): boolean => level <= 2;

export interface PadTicket {
  ticketId: string;
  number: string;
}

export type PadScreen =
  | { screen: 'idle' }
  | { screen: 'levels'; ticket: PadTicket; error: string | null }
  | {
      screen: 'reasons';
      ticket: PadTicket;
      level: RatingLevel;
      reasons: RatingReason[];
      error: string | null;
    }
  | { screen: 'sending'; ticket: PadTicket; level: RatingLevel; reasons: RatingReason[] }
  | { screen: 'thanks' }
  | { screen: 'error'; message: string };

export interface PadState {
  ui: PadScreen;
  /** Tickets already offered (newest last, bounded): a repeated fact never asks twice. */
  offered: string[];
  /** A ticket finished while a rating was on its way: offered once that one is done. */
  next: PadTicket | null;
}

export type PadEvent =
  | { type: 'finished'; ticket: PadTicket }
  | { type: 'choose'; level: RatingLevel }
  | { type: 'toggle'; reason: RatingReason }
  | { type: 'submit' }
  | { type: 'back' }
  | { type: 'sent' }
  /** `retry`: a network failure, the citizen may try again; otherwise the rating is refused. */
  | { type: 'failed'; message: string; retry: boolean }
  | { type: 'timeout' };

/** How long each screen stays without a touch. */
export const PAD_TIMEOUTS_MS = { levels: 30_000, reasons: 30_000, thanks: 3000, error: 5000 } as const;

const OFFERED_MAX = 50;

export const initialPadState: PadState = { ui: { screen: 'idle' }, offered: [], next: null };

const levelsOf = (ticket: PadTicket): PadScreen => ({ screen: 'levels', ticket, error: null });

export function padReducer(state: PadState, event: PadEvent): PadState {
  const ui = state.ui;
  switch (event.type) {
    case 'finished': {
      if (state.offered.includes(event.ticket.ticketId)) return state;
      const offered = [...state.offered, event.ticket.ticketId].slice(-OFFERED_MAX);
      // A rating on its way is let finish first; the new ticket follows it.
      if (ui.screen === 'sending') return { ...state, offered, next: event.ticket };
      return { offered, next: null, ui: levelsOf(event.ticket) };
    }
    case 'choose':
      if (ui.screen !== 'levels') return state;
      return {
        ...state,
        ui: needsReasons(event.level)
          ? { screen: 'reasons', ticket: ui.ticket, level: event.level, reasons: [], error: null }
          : { screen: 'sending', ticket: ui.ticket, level: event.level, reasons: [] },
      };
    case 'toggle': {
      if (ui.screen !== 'reasons') return state;
      const has = ui.reasons.includes(event.reason);
      const reasons = has
        ? ui.reasons.filter((r) => r !== event.reason)
        : REASONS.filter((r) => r === event.reason || ui.reasons.includes(r));
      return { ...state, ui: { ...ui, reasons, error: null } };
    }
    case 'submit':
      if (ui.screen !== 'reasons') return state;
      return {
        ...state,
        ui: { screen: 'sending', ticket: ui.ticket, level: ui.level, reasons: ui.reasons },
      };
    case 'back':
      if (ui.screen !== 'reasons') return state;
      return { ...state, ui: levelsOf(ui.ticket) };
    case 'sent':
      return ui.screen === 'sending' ? { ...state, ui: { screen: 'thanks' } } : state;
    case 'failed':
      if (ui.screen !== 'sending') return state;
      if (state.next !== null) return { ...state, next: null, ui: levelsOf(state.next) };
      if (!event.retry) return { ...state, ui: { screen: 'error', message: event.message } };
      return {
        ...state,
        ui: needsReasons(ui.level)
          ? {
              screen: 'reasons',
              ticket: ui.ticket,
              level: ui.level,
              reasons: ui.reasons,
              error: event.message,
            }
          : { screen: 'levels', ticket: ui.ticket, error: event.message },
      };
    case 'timeout':
      // A rating on its way finishes by its own ack (or its command timeout).
      if (ui.screen === 'idle' || ui.screen === 'sending') return state;
      if (ui.screen === 'thanks' && state.next !== null)
        return { ...state, next: null, ui: levelsOf(state.next) };
      return { ...state, next: null, ui: { screen: 'idle' } };
  }
}
