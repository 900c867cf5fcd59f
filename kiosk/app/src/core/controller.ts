/**
 * What the screens ask for, in one place: it calls the server, dispatches to the store and
 * says the prompts. Screens get this object and the store, never fetch or the socket.
 */

import type { ServiceItem } from '@onewindow/shared/catalog.ts';
import { newIdempotencyKey } from '@onewindow/shared/client';
import type { KioskIssueRequest } from '@onewindow/shared/kiosk.ts';
import { errorMessageZh } from '@onewindow/shared/messages.ts';
import type { ApiError, CardRead } from '@onewindow/shared/protocol.ts';
import type { KioskApi } from './api.ts';
import { initialValues } from './form.ts';
import { personFromCard, personFromTyped } from './person.ts';
import type { Flow, KioskState, KioskStore, Person, PrintState } from './store.ts';

/** A fresh idempotency key per attempt at a ticket or check-in (a retry of the attempt reuses it). */
const newKey = () => newIdempotencyKey('kiosk-');

/** How long the screen waits for the printer before it treats the ticket as not printed. */
export const PRINT_WAIT_MS = 8000;
const PRINT_POLL_MS = 500;
/** The context (open now, estimates) is read again this often. */
const REFRESH_MS = 60_000;

export function messageOf(error: ApiError): string {
  return error.messageZh ?? errorMessageZh(error.code) ?? error.message;
}

export interface Controller {
  load(): Promise<void>;
  startFlow(flow: Flow): void;
  card(card: CardRead): void;
  typedId(id: string): void;
  anonymous(): void;
  chooseItem(item: ServiceItem): void;
  /** To the item's form, prefilled from the card the first time. */
  openForm(): void;
  takeTicket(): Promise<void>;
  reprint(): Promise<void>;
  checkInByCode(code: string): Promise<void>;
  reset(): void;
  stop(): void;
}

export function createController(store: KioskStore, api: KioskApi): Controller {
  // Bumped by reset: answers and polls of a citizen who has gone are dropped.
  let generation = 0;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let pollTimer: ReturnType<typeof setTimeout> | null = null;
  const get = (): KioskState => store.get();
  const dispatch = store.dispatch;

  async function load(): Promise<void> {
    if (refreshTimer !== null) clearTimeout(refreshTimer);
    const [context, catalog] = await Promise.all([api.context(), api.catalog()]);
    if (context.ok && catalog.ok) dispatch({ type: 'loaded', context: context.data, catalog: catalog.data });
    // A token of another kind of device (a board's, say): this screen must be paired as a kiosk.
    else if (!context.ok && context.error.code === 'FORBIDDEN') dispatch({ type: 'unauthorized' });
    else if (!get().unauthorized) dispatch({ type: 'offline', offline: true });
    if (get().unauthorized) return;
    refreshTimer = setTimeout(() => void load(), context.ok ? REFRESH_MS : 5000);
  }

  function continueFlow(person: Person): void {
    const s = get();
    dispatch({ type: 'identified', person });
    if (s.flow === 'lookup') void lookup(person.idNumber);
    if (s.flow === 'checkin') void checkIn({ idNumber: person.idNumber });
  }

  function card(card: CardRead): void {
    const s = get();
    const ctx = s.context;
    if (ctx === null) return;
    // A card on the start screen starts taking a number (on the closed screen: "my tickets").
    if (s.screen === 'start') dispatch({ type: 'flow', flow: 'ticket' });
    else if (s.screen === 'closed') dispatch({ type: 'flow', flow: 'lookup' });
    else if (s.screen !== 'identify' || s.busy) return;
    continueFlow(personFromCard(card, ctx.today, ctx.seniorAge));
  }

  function typedId(id: string): void {
    const ctx = get().context;
    if (ctx === null) return;
    const person = personFromTyped(id, ctx.today, ctx.seniorAge);
    if (person === null) {
      dispatch({ type: 'message', message: '证件号码有误，请核对后重新输入' });
      return;
    }
    continueFlow(person);
  }

  function fail(error: ApiError, status: number): void {
    if (status === 401) return;
    switch (error.code) {
      case 'HALL_CLOSED':
        dispatch({ type: 'closed', message: messageOf(error) });
        return;
      case 'IDENTITY_REQUIRED':
      case 'INVALID_ID_NUMBER':
        dispatch({ type: 'go', screen: 'identify' });
        dispatch({ type: 'message', message: messageOf(error) });
        return;
      case 'BAD_REQUEST': {
        const errors: Record<string, string> = {};
        for (const i of error.issues ?? []) {
          const m = /^form\.(.+)$/.exec(i.path);
          if (m) errors[m[1]!] = i.message;
        }
        if (Object.keys(errors).length > 0) {
          dispatch({ type: 'form-errors', errors });
          dispatch({ type: 'go', screen: 'form' });
          dispatch({ type: 'message', message: '表单中有需要修改的项目，请检查标红处' });
          return;
        }
        dispatch({ type: 'message', message: messageOf(error) });
        return;
      }
      case 'UNAVAILABLE':
        dispatch({ type: 'message', message: '网络暂时不通，请再按一次；或到咨询台取号' });
        return;
      default:
        dispatch({ type: 'message', message: messageOf(error) });
    }
  }

  function followPrint(print: { jobId: string } | { error: string } | null): void {
    if (pollTimer !== null) clearTimeout(pollTimer);
    const mine = generation;
    const set = (p: PrintState) => {
      if (mine === generation) dispatch({ type: 'print', print: p });
    };
    if (print === null) {
      set({ status: 'none' });
      return;
    }
    if ('error' in print) {
      set({ status: 'failed', reason: print.error });
      return;
    }
    set({ status: 'pending', jobId: print.jobId });
    const deadline = Date.now() + PRINT_WAIT_MS;
    const poll = async () => {
      pollTimer = null;
      if (mine !== generation) return;
      const r = await api.printJob(print.jobId);
      if (mine !== generation) return;
      if (r.ok && r.data.status === 'printed') {
        set({ status: 'printed', jobId: print.jobId });
        return;
      }
      if (r.ok && r.data.status === 'failed') {
        set({ status: 'failed', reason: r.data.reason });
        return;
      }
      // Not printed in time: the citizen keeps the number from the screen. A late print still shows.
      if (Date.now() >= deadline) {
        set({ status: 'failed', reason: null });
        pollTimer = setTimeout(() => void late(), 2000);
        return;
      }
      pollTimer = setTimeout(() => void poll(), PRINT_POLL_MS);
    };
    const late = async () => {
      pollTimer = null;
      if (mine !== generation) return;
      const r = await api.printJob(print.jobId);
      if (mine !== generation) return;
      if (r.ok && r.data.status === 'printed') {
        set({ status: 'printed', jobId: print.jobId });
        return;
      }
      if (r.ok && r.data.status === 'failed') {
        set({ status: 'failed', reason: r.data.reason });
        return;
      }
      pollTimer = setTimeout(() => void late(), 2000);
    };
    pollTimer = setTimeout(() => void poll(), PRINT_POLL_MS);
  }

  async function takeTicket(): Promise<void> {
    const s = get();
    const item = s.catalog.find((i) => i.code === s.itemCode);
    if (item === undefined || s.busy) return;
    const key = s.attemptKey ?? newKey();
    const body: KioskIssueRequest = { itemCode: item.code, print: true };
    if (s.person !== null) {
      body.idNumber = s.person.idNumber;
      body.identifiedBy = s.person.source;
    }
    if (item.form !== undefined) body.form = { ...s.form };
    const mine = generation;
    dispatch({ type: 'busy', busy: true });
    const r = await api.issue(body, key);
    if (mine !== generation) return;
    if (!r.ok) return fail(r.error, r.status);
    dispatch({ type: 'result', result: { via: 'issue', data: r.data } });
    followPrint(r.data.print);
  }

  async function reprint(): Promise<void> {
    const s = get();
    if (s.result === null || s.busy) return;
    const mine = generation;
    dispatch({ type: 'busy', busy: true });
    const r = await api.reprint(s.result.data.ticket.id, s.person?.idNumber ?? null);
    if (mine !== generation) return;
    dispatch({ type: 'busy', busy: false });
    if (!r.ok) return fail(r.error, r.status);
    followPrint(r.data.print);
  }

  async function lookup(idNumber: string): Promise<void> {
    const mine = generation;
    dispatch({ type: 'busy', busy: true });
    const r = await api.lookup(idNumber);
    if (mine !== generation) return;
    if (!r.ok) return fail(r.error, r.status);
    dispatch({ type: 'lookup', tickets: r.data.tickets });
  }

  async function checkIn(body: { idNumber: string } | { bookingCode: string }): Promise<void> {
    const mine = generation;
    dispatch({ type: 'busy', busy: true });
    const r = await api.checkIn(body, newKey());
    if (mine !== generation) return;
    if (!r.ok) {
      if (r.error.code === 'NOT_FOUND')
        return void dispatch({
          type: 'message',
          message: '没有找到您今天的预约，请核对预约码，或直接取号',
        });
      return fail(r.error, r.status);
    }
    dispatch({ type: 'result', result: { via: 'checkin', data: r.data } });
    followPrint(r.data.print);
  }

  return {
    load,
    startFlow(flow) {
      generation++;
      dispatch({ type: 'flow', flow });
    },
    card,
    typedId,
    anonymous() {
      dispatch({ type: 'anonymous' });
    },
    chooseItem(item) {
      dispatch({ type: 'item', itemCode: item.code, attemptKey: newKey() });
    },
    openForm() {
      const s = get();
      const def = s.catalog.find((i) => i.code === s.itemCode)?.form;
      if (def === undefined) return;
      if (Object.keys(s.form).length === 0) dispatch({ type: 'form', values: initialValues(def, s.person) });
      dispatch({ type: 'go', screen: 'form' });
    },
    takeTicket,
    reprint,
    checkInByCode: (code) => checkIn({ bookingCode: code.trim() }),
    reset() {
      generation++;
      if (pollTimer !== null) clearTimeout(pollTimer);
      pollTimer = null;
      dispatch({ type: 'reset' });
    },
    stop() {
      generation++;
      if (pollTimer !== null) clearTimeout(pollTimer);
      if (refreshTimer !== null) clearTimeout(refreshTimer);
    },
  };
}
