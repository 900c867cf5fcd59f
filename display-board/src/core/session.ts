/**
 * Wires one screen: its store, its connection, and what runs beside them — voice calling on
 * the board, the clerk lookup on window screens and pads. Components get the store and the
 * commands, never the socket.
 */
import { SpeechAdapter } from '@onewindow/shared/client';
import { Announcer, Chime } from './announcer.ts';
import { fetchWindowClerk } from './api.ts';
import { connectHall, type HallCommands } from './connection.ts';
import type { Route } from './pairing.ts';
import { createHallStore, type HallStore } from './store.ts';
import { callKey, missedCalls, VoiceQueue } from './voice.ts';

export type ScreenRoute = Extract<Route, { kind: 'board' | 'window-display' | 'rating-pad' }>;

export interface Session {
  store: HallStore;
  commands: HallCommands;
  stop(): void;
}

/** How often a failed clerk lookup is tried again. */
const CLERK_RETRY_MS = 10_000;

export function startSession(route: ScreenRoute): Session {
  const store = createHallStore();
  const connection = connectHall({ store, deviceToken: route.deviceToken });
  const stops: (() => void)[] = [];
  if (route.kind === 'board') stops.push(startVoice(store, connection));
  else stops.push(followClerk(store, route.windowId));
  return {
    store,
    commands: connection,
    stop() {
      for (const s of stops) s();
      connection.close();
    },
  };
}

/** Announces every call once, in order; calls missed during a short outage are caught up. */
function startVoice(store: HallStore, connection: ReturnType<typeof connectHall>): () => void {
  const blocked = () => store.dispatch({ type: 'voice-blocked', blocked: true });
  const speech = new SpeechAdapter((status) => {
    store.dispatch({ type: 'voice-status', status });
    // The manager's device list shows a board that can only chime (no Mandarin voice).
    if (status === 'ready') connection.reportHealth({ voice: 'ok' });
    if (status === 'no-mandarin' || status === 'unsupported')
      connection.reportHealth({ voice: 'no-mandarin-voice' });
  }, blocked);
  const chime = new Chime(blocked);
  const queue = new VoiceQueue();
  const followTemplate = () => {
    const t = store.get().view?.voiceTemplate;
    if (t) queue.setTemplate(t);
  };
  const announcer = new Announcer(queue, speech, chime, (dropped) =>
    store.dispatch({ type: 'voice-dropped', count: dropped.length }),
  );
  speech.start();
  // The server's clock minus ours, from the latest fact: ages of missed calls are judged by it.
  let skew = 0;
  const offFact = connection.onFact((fact) => {
    skew = fact.at - Date.now();
    followTemplate();
    if (fact.call !== null) announcer.announce(fact.call);
  });
  const offSnapshot = connection.onSnapshot((snapshot, previous) => {
    queue.setTemplate(snapshot.voiceTemplate);
    // A board that has seen no fact yet still judges missed calls by the server's clock.
    if (snapshot.serverTime !== undefined) skew = snapshot.serverTime - Date.now();
    const missed =
      previous === null ? [] : missedCalls(previous.recentCalls, snapshot.recentCalls, Date.now() + skew);
    const announce = new Set(missed.map(callKey));
    announcer.skip(snapshot.recentCalls.filter((c) => !announce.has(callKey(c))));
    for (const c of missed) announcer.announce(c);
  });
  // Browsers let a page make sound after one tap; a board started without the kiosk flag asks for it.
  const unblock = () => {
    chime.unblock();
    store.dispatch({ type: 'voice-blocked', blocked: false });
  };
  window.addEventListener('pointerdown', unblock);
  window.addEventListener('keydown', unblock);
  return () => {
    offFact();
    offSnapshot();
    window.removeEventListener('pointerdown', unblock);
    window.removeEventListener('keydown', unblock);
  };
}

/**
 * Keeps the clerk of a window in the store: fetched again whenever the window's clerk
 * changes (window opened or closed) and after every snapshot (a reconnect may hide changes).
 */
function followClerk(store: HallStore, windowId: string): () => void {
  let lastKey: string | null = null;
  let request = 0;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const load = (clerkId: string | null) => {
    const mine = ++request;
    if (retry !== null) clearTimeout(retry);
    retry = null;
    if (clerkId === null) {
      store.dispatch({ type: 'clerk', windowId, clerk: null });
      return;
    }
    fetchWindowClerk(windowId).then(
      (clerk) => {
        if (!stopped && mine === request) store.dispatch({ type: 'clerk', windowId, clerk });
      },
      () => {
        if (!stopped && mine === request) retry = setTimeout(() => load(clerkId), CLERK_RETRY_MS);
      },
    );
  };

  const check = () => {
    const s = store.get();
    if (s.view === null) return;
    const clerkId = s.view.windows.find((w) => w.id === windowId)?.clerkId ?? null;
    const key = `${clerkId}|${s.snapshots}`;
    if (key === lastKey) return;
    lastKey = key;
    load(clerkId);
  };
  const off = store.subscribe(check);
  check();
  return () => {
    stopped = true;
    off();
    if (retry !== null) clearTimeout(retry);
  };
}
