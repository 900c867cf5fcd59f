/**
 * The screen's one store: the hall as the server last described it (a PublicSnapshot folded
 * with `applyFact`), the connection status, and what the voice engine reports. One reducer
 * takes every event; components only read.
 */

import type { WindowClerk } from '@onewindow/shared/api-types.ts';
import { createStore, type Store, type VoiceStatus } from '@onewindow/shared/client';
import { applyFact, type PublicFact, type PublicSnapshot } from '@onewindow/shared/public-view.ts';

/** `reconnecting` also covers "a fact was missed and a snapshot is on its way". */
export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting';

/** A ticket the clerk has just finished at a window: what a rating pad asks about. */
export interface FinishedTicket {
  ticketId: string;
  number: string;
  windowId: string;
  seq: number;
}

export interface HallState {
  status: ConnectionStatus;
  /** The hall as last known; null until the first snapshot. Never patched past a gap. */
  view: PublicSnapshot | null;
  /** How many snapshots have arrived (a new one means "refetch what you fetched"). */
  snapshots: number;
  /** A fact was missed: the view is frozen until the next snapshot. */
  gap: boolean;
  /** The last ticket finished at each window, from live facts only. */
  finished: Record<string, FinishedTicket>;
  /** `blocked`: the browser wants a tap before it makes sound; `dropped`: calls not announced. */
  voice: { status: VoiceStatus; blocked: boolean; dropped: number };
  /** The clerk signed on at this screen's window (window display, rating pad). */
  clerk: { windowId: string; clerk: WindowClerk | null } | null;
  /** The server refused the device token (revoked or unknown): pair again. */
  unauthorized: boolean;
  /** The server speaks another protocol version: shown instead of data. */
  fatal: string | null;
}

export type HallAction =
  | { type: 'status'; status: ConnectionStatus }
  | { type: 'snapshot'; snapshot: PublicSnapshot }
  | { type: 'fact'; fact: PublicFact }
  /** The manager changed the notice marquee (not a queue fact: no seq). */
  | { type: 'notice'; text: string }
  | { type: 'unauthorized' }
  | { type: 'fatal'; message: string }
  | { type: 'voice-status'; status: VoiceStatus }
  | { type: 'voice-blocked'; blocked: boolean }
  | { type: 'clerk'; windowId: string; clerk: WindowClerk | null }
  | { type: 'voice-dropped'; count: number };

export const initialHallState: HallState = {
  status: 'connecting',
  view: null,
  snapshots: 0,
  gap: false,
  finished: {},
  voice: { status: 'pending', blocked: false, dropped: 0 },
  clerk: null,
  unauthorized: false,
  fatal: null,
};

/** The one reducer. Pure: the connection reads `gap` afterwards to decide to ask for a snapshot. */
export function hallReducer(state: HallState, action: HallAction): HallState {
  switch (action.type) {
    case 'status':
      // Live only once a snapshot has arrived since the gap; the connection sends 'live' then.
      return state.status === action.status ? state : { ...state, status: action.status };
    case 'snapshot':
      return {
        ...state,
        view: action.snapshot,
        snapshots: state.snapshots + 1,
        gap: false,
        status: 'live',
        fatal: null,
      };
    case 'fact': {
      if (state.view === null || state.gap) return state;
      const next = applyFact(state.view, action.fact);
      if (next === null) return { ...state, gap: true, status: 'reconnecting' };
      if (next === state.view) return state;
      return { ...state, view: next, finished: foldFinished(state.finished, action.fact) };
    }
    case 'notice':
      return state.view === null || state.view.notice === action.text
        ? state
        : { ...state, view: { ...state.view, notice: action.text } };
    case 'unauthorized':
      return { ...state, unauthorized: true, status: 'reconnecting' };
    case 'fatal':
      return { ...state, fatal: action.message };
    case 'voice-status':
      return state.voice.status === action.status
        ? state
        : { ...state, voice: { ...state.voice, status: action.status } };
    case 'voice-blocked':
      return state.voice.blocked === action.blocked
        ? state
        : { ...state, voice: { ...state.voice, blocked: action.blocked } };
    case 'clerk':
      return { ...state, clerk: { windowId: action.windowId, clerk: action.clerk } };
    case 'voice-dropped':
      return { ...state, voice: { ...state.voice, dropped: state.voice.dropped + action.count } };
  }
}

function foldFinished(finished: HallState['finished'], fact: PublicFact): HallState['finished'] {
  if (fact.type !== 'ticket:finished') return finished;
  let out = finished;
  for (const t of fact.tickets) {
    if (t.status !== 'done' || t.windowId === null) continue;
    out = { ...out, [t.windowId]: { ticketId: t.id, number: t.number, windowId: t.windowId, seq: fact.seq } };
  }
  return out;
}

export type HallStore = Store<HallState, HallAction>;

export function createHallStore(): HallStore {
  return createStore(hallReducer, initialHallState);
}
