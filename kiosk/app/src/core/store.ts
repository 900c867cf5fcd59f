/**
 * The kiosk's one store: what the screen shows and everything the current citizen gave it.
 * One reducer takes every event; `reset` (idle, 返回首页) drops every personal datum at once by
 * rebuilding the state from the hall data alone. Components only read; `controller.ts` talks to
 * the server and dispatches.
 */

import type { ServiceItem } from '@onewindow/shared/catalog.ts';
import { createStore, type Store } from '@onewindow/shared/client';
import type { CardError, PrinterHealth } from '@onewindow/shared/devices.ts';
import type { FormValues } from '@onewindow/shared/forms.ts';
import type {
  KioskCheckInResult,
  KioskContext,
  KioskIssueResult,
  KioskTicket,
} from '@onewindow/shared/kiosk.ts';
import type { CategoryEstimate } from '@onewindow/shared/protocol.ts';

export type Lang = 'zh' | 'en';

export type Screen =
  | 'start'
  | 'identify'
  | 'categories'
  | 'items'
  | 'search'
  | 'guide'
  | 'form'
  | 'ticket'
  | 'lookup'
  | 'closed';

/** What the citizen came for, chosen on the start screen. */
export type Flow = 'ticket' | 'checkin' | 'lookup';

/** The identified citizen. Personal data: lives in memory only and goes with `reset`. */
export interface Person {
  idNumber: string;
  source: 'resident-id' | 'ssc' | 'typed';
  /** Full name from the card (form prefill only; the screen shows `nameMasked`). */
  name: string | null;
  nameMasked: string | null;
  idMasked: string;
  sex: string | null;
  birthDate: string | null;
  address: string | null;
  age: number | null;
  senior: boolean;
}

export type PrintState =
  | { status: 'none' }
  | { status: 'pending'; jobId: string }
  | { status: 'printed'; jobId: string }
  /** Failed, timed out or never queued: the screen keeps the number and QR large. */
  | { status: 'failed'; reason: string | null };

export interface TicketResult {
  via: 'issue' | 'checkin';
  data: KioskIssueResult | KioskCheckInResult;
}

export interface KioskState {
  lang: Lang;
  large: boolean;
  context: KioskContext | null;
  catalog: ServiceItem[];
  estimates: CategoryEstimate[];
  /** Server clock minus ours (the clock on screen follows the hall). */
  skew: number;
  /** Loading failed (network): shown on the start screen, retried. */
  offline: boolean;
  unauthorized: boolean;

  screen: Screen;
  flow: Flow | null;
  person: Person | null;
  /** Taking a number without identifying (items with identityRequired false only). */
  anonymous: boolean;
  categoryId: string | null;
  itemCode: string | null;
  search: string;
  form: FormValues;
  /** Field errors from the server (BAD_REQUEST issues at form.<key>). */
  formErrors: Record<string, string>;
  /** One idempotency key per attempt at a ticket, reused on a retry. */
  attemptKey: string | null;
  result: TicketResult | null;
  print: PrintState;
  lookup: KioskTicket[] | null;
  /** A message for the citizen on the current screen (Chinese from the server or ours). */
  message: string | null;
  /** The closed-hall message (from the context or a HALL_CLOSED refusal). */
  closedMessage: string | null;
  busy: boolean;
  /** This kiosk's printer as its agent last reported it (DEV-8); null before any report. */
  printer: PrinterHealth | null;
  /** The card just put on the reader gave nothing (DEV-6); cleared by a good read or a reset. */
  cardError: CardError | null;
}

export type KioskAction =
  | { type: 'loaded'; context: KioskContext; catalog: ServiceItem[] }
  | { type: 'offline'; offline: boolean }
  | { type: 'estimates'; estimates: CategoryEstimate[]; serverTime?: number }
  | { type: 'unauthorized' }
  | { type: 'lang'; lang: Lang }
  | { type: 'large'; large: boolean }
  | { type: 'flow'; flow: Flow }
  | { type: 'go'; screen: Screen }
  | { type: 'identified'; person: Person }
  | { type: 'anonymous' }
  | { type: 'category'; categoryId: string }
  | { type: 'search'; text: string }
  | { type: 'item'; itemCode: string; attemptKey: string }
  | { type: 'form'; values: FormValues }
  | { type: 'form-errors'; errors: Record<string, string> }
  | { type: 'busy'; busy: boolean }
  | { type: 'message'; message: string | null }
  | { type: 'result'; result: TicketResult }
  | { type: 'print'; print: PrintState }
  | { type: 'lookup'; tickets: KioskTicket[] }
  | { type: 'closed'; message: string | null }
  | { type: 'reset' }
  | { type: 'printer'; printer: PrinterHealth | null }
  | { type: 'card-error'; error: CardError | null };

export const initialKioskState: KioskState = {
  lang: 'zh',
  large: false,
  context: null,
  catalog: [],
  estimates: [],
  skew: 0,
  offline: false,
  unauthorized: false,
  screen: 'start',
  flow: null,
  person: null,
  anonymous: false,
  categoryId: null,
  itemCode: null,
  search: '',
  form: {},
  formErrors: {},
  attemptKey: null,
  result: null,
  print: { status: 'none' },
  lookup: null,
  message: null,
  closedMessage: null,
  busy: false,
  printer: null,
  cardError: null,
};

/** The state after `reset`: the hall's data stays, the citizen's goes (and the display defaults return). */
export function resetState(s: KioskState): KioskState {
  return {
    ...initialKioskState,
    context: s.context,
    catalog: s.catalog,
    estimates: s.estimates,
    skew: s.skew,
    offline: s.offline,
    unauthorized: s.unauthorized,
    printer: s.printer,
    screen: s.context !== null && !s.context.openNow ? 'closed' : 'start',
    closedMessage: s.context !== null && !s.context.openNow ? s.context.closedMessageZh : null,
  };
}

/** Whether anything on screen belongs to a citizen (the idle timer then warns before it resets). */
export function holdsPersonalData(s: KioskState): boolean {
  return (
    s.person !== null ||
    s.result !== null ||
    s.lookup !== null ||
    Object.keys(s.form).length > 0 ||
    (s.screen !== 'start' && s.screen !== 'closed')
  );
}

export function kioskReducer(s: KioskState, a: KioskAction): KioskState {
  switch (a.type) {
    case 'loaded': {
      const next = {
        ...s,
        context: a.context,
        catalog: a.catalog,
        estimates: a.context.estimates,
        offline: false,
      };
      // A hall that opens or closes moves an idle kiosk between the start and closed screens.
      if (s.screen === 'start' && !a.context.openNow)
        return { ...next, screen: 'closed', closedMessage: a.context.closedMessageZh };
      if (s.screen === 'closed' && a.context.openNow && s.flow === null)
        return { ...next, screen: 'start', closedMessage: null };
      return next;
    }
    case 'offline':
      return s.offline === a.offline ? s : { ...s, offline: a.offline };
    case 'estimates': {
      const byId = new Map(s.estimates.map((e) => [e.categoryId, e]));
      for (const e of a.estimates) byId.set(e.categoryId, e);
      return {
        ...s,
        estimates: [...byId.values()],
        skew: a.serverTime === undefined ? s.skew : a.serverTime - Date.now(),
      };
    }
    case 'unauthorized':
      return { ...resetState(s), unauthorized: true };
    case 'lang':
      return { ...s, lang: a.lang };
    case 'large':
      return { ...s, large: a.large };
    case 'flow':
      return { ...resetState(s), lang: s.lang, large: s.large, flow: a.flow, screen: 'identify' };
    case 'go':
      return { ...s, screen: a.screen, message: null, busy: false };
    case 'identified':
      return {
        ...s,
        cardError: null,
        person: a.person,
        anonymous: false,
        message: null,
        screen: s.flow === 'ticket' ? 'categories' : s.screen,
      };
    case 'anonymous':
      return { ...s, person: null, anonymous: true, message: null, screen: 'categories' };
    case 'category':
      return { ...s, categoryId: a.categoryId, screen: 'items', message: null };
    case 'search':
      return { ...s, search: a.text };
    case 'item':
      return {
        ...s,
        itemCode: a.itemCode,
        attemptKey: a.attemptKey,
        form: {},
        formErrors: {},
        screen: 'guide',
        message: null,
      };
    case 'form':
      return { ...s, form: a.values };
    case 'form-errors':
      return { ...s, formErrors: a.errors };
    case 'busy':
      return { ...s, busy: a.busy };
    case 'message':
      return { ...s, message: a.message, busy: false };
    case 'result':
      return {
        ...s,
        result: a.result,
        attemptKey: null,
        busy: false,
        message: null,
        screen: 'ticket',
        print: { status: 'none' },
      };
    case 'print':
      return { ...s, print: a.print };
    case 'lookup':
      return { ...s, lookup: a.tickets, busy: false, message: null, screen: 'lookup' };
    case 'closed':
      return { ...s, screen: 'closed', closedMessage: a.message, busy: false };
    case 'reset':
      return resetState(s);
    case 'printer':
      return s.printer === a.printer ? s : { ...s, printer: a.printer };
    case 'card-error':
      return { ...s, cardError: a.error };
  }
}

export type KioskStore = Store<KioskState, KioskAction>;

export function createKioskStore(): KioskStore {
  return createStore(kioskReducer, initialKioskState);
}
