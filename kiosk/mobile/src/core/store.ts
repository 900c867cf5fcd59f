/**
 * The phone app's one store (STYLE 8): the language, 大字 mode, the signed-in session and the
 * hall's card, folded by one reducer. The session and preferences persist in localStorage (the
 * token is not personal data; the masked phone and ID are what the page shows anyway).
 */
import type { CitizenHallInfo, CitizenMe } from '@onewindow/shared/citizen.ts';
import { createStore, type Store } from '@onewindow/shared/client/store.ts';
import type { Lang } from './i18n.ts';

/** A signed-in citizen as the phone keeps them: the token and what may be shown (masked). */
export interface PhoneSession extends CitizenMe {
  token: string;
}

export interface PhoneState {
  lang: Lang;
  /** 大字: every size is in rem, so this one switch scales every page. */
  big: boolean;
  session: PhoneSession | null;
  hall: CitizenHallInfo | null;
}

export type PhoneAction =
  | { type: 'lang'; lang: Lang }
  | { type: 'big'; big: boolean }
  | { type: 'signed-in'; session: PhoneSession }
  | { type: 'me'; me: CitizenMe }
  | { type: 'signed-out' }
  | { type: 'hall'; hall: CitizenHallInfo };

export function reduce(s: PhoneState, a: PhoneAction): PhoneState {
  switch (a.type) {
    case 'lang':
      return s.lang === a.lang ? s : { ...s, lang: a.lang };
    case 'big':
      return s.big === a.big ? s : { ...s, big: a.big };
    case 'signed-in':
      return { ...s, session: a.session };
    case 'me':
      return s.session === null ? s : { ...s, session: { ...s.session, ...a.me } };
    case 'signed-out':
      return s.session === null ? s : { ...s, session: null };
    case 'hall':
      return { ...s, hall: a.hall };
  }
}

const KEY = 'onewindow.phone';

interface Saved {
  lang?: Lang;
  big?: boolean;
  session?: PhoneSession | null;
}

function load(storage: Storage | undefined, now: number): PhoneState {
  let saved: Saved = {};
  try {
    saved = JSON.parse(storage?.getItem(KEY) ?? '{}') as Saved;
  } catch {
    saved = {};
  }
  const session = saved.session && saved.session.expiresAt > now ? saved.session : null;
  return { lang: saved.lang === 'en' ? 'en' : 'zh', big: saved.big === true, session, hall: null };
}

export type PhoneStore = Store<PhoneState, PhoneAction>;

/** The store, loaded from and saved to `storage` (the page's localStorage). */
export function createPhoneStore(
  storage: Storage | undefined = globalThis.localStorage,
  now = Date.now(),
): PhoneStore {
  const store = createStore(reduce, load(storage, now));
  store.subscribe((s) => {
    try {
      storage?.setItem(KEY, JSON.stringify({ lang: s.lang, big: s.big, session: s.session } satisfies Saved));
    } catch {
      // Private mode without storage: the page still works, it forgets on reload.
    }
  });
  return store;
}
