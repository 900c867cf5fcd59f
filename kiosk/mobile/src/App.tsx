/**
 * The phone app's shell (SPEC MOB-UI-*): the header (back, the page's title, 中文/EN, 大字),
 * hash routing over the route table (`routes.ts`), the access guard (sign-in, then the ID
 * number, then back to the page asked for), and pages loaded on demand.
 */
import { useStore } from '@onewindow/shared/client/hooks.ts';
import type { ComponentType } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createPhoneApi } from './core/api.ts';
import { LangContext, pick, useT } from './core/i18n.ts';
import { PhoneContext, type PhoneCore, usePhone } from './core/phone.ts';
import { go, hashOf, type Location, parseHash } from './core/router.ts';
import { createPhoneStore } from './core/store.ts';
import { type PageProps, type PhoneRoute, paramOf, routeOf } from './routes.ts';

const loaded = new Map<string, ComponentType<PageProps>>();

export function App() {
  const core = useMemo<PhoneCore>(() => {
    const store = createPhoneStore();
    const api = createPhoneApi(
      () => store.get().session?.token ?? null,
      () => store.dispatch({ type: 'signed-out' }),
    );
    return { store, api, go };
  }, []);
  const lang = useStore(core.store, (s) => s.lang);
  const big = useStore(core.store, (s) => s.big);
  const session = useStore(core.store, (s) => s.session);
  const [loc, setLoc] = useState<Location>(() => parseHash(location.hash));

  useEffect(() => {
    const onHash = () => setLoc(parseHash(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.documentElement.classList.toggle('big', big);
    document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  }, [big, lang]);
  useEffect(() => {
    void core.api.hall().then((r) => r.ok && core.store.dispatch({ type: 'hall', hall: r.data }));
    // A kept session is checked once: ended or expired ones are dropped (401 → signed out).
    if (core.store.get().session !== null)
      void core.api.me().then((r) => r.ok && core.store.dispatch({ type: 'me', me: r.data }));
  }, [core]);

  const route = routeOf(loc.path);
  const need = guard(route, session);
  useEffect(() => {
    if (need === null) return;
    const here = `${route.path}${loc.query.size > 0 ? `?${loc.query.toString()}` : ''}`;
    location.replace(hashOf(need, { next: here }));
  }, [need, route, loc]);

  return (
    <PhoneContext.Provider value={core}>
      <LangContext.Provider value={lang}>
        <Header route={route} />
        <main class="page" id="main">
          {need === null ? (
            <Page key={route.path} route={route} query={loc.query} param={paramOf(route, loc.path)} />
          ) : null}
        </main>
      </LangContext.Provider>
    </PhoneContext.Provider>
  );
}

/** Where a page's access sends a citizen first, or null when they may see it. */
function guard(route: PhoneRoute, session: { idMasked: string | null } | null): string | null {
  if (route.access === 'public') return null;
  if (session === null) return '/sign-in';
  if (route.access === 'identified' && session.idMasked === null) return '/identity';
  return null;
}

function Header({ route }: { route: PhoneRoute }) {
  const t = useT();
  const { store } = usePhone();
  const lang = useStore(store, (s) => s.lang);
  const big = useStore(store, (s) => s.big);
  const hall = useStore(store, (s) => s.hall);
  const home = route.path === '/';
  return (
    <header class="bar">
      {home ? (
        <span class="bar-brand">{t('一窗通办', 'OneWindow')}</span>
      ) : (
        <button type="button" class="bar-back" data-testid="back" onClick={() => go('/')}>
          <span aria-hidden="true">‹ </span>
          {t('首页', 'Home')}
        </button>
      )}
      <h1 class="bar-title">
        {home ? (hall?.hallName ?? t('办事大厅', 'Service hall')) : pick(lang, route.title)}
      </h1>
      <div class="bar-tools">
        <button
          type="button"
          class="bar-tool"
          data-testid="lang"
          lang={lang === 'en' ? 'zh-CN' : 'en'}
          onClick={() => store.dispatch({ type: 'lang', lang: lang === 'en' ? 'zh' : 'en' })}
        >
          {lang === 'en' ? '中文' : 'EN'}
        </button>
        <button
          type="button"
          class="bar-tool"
          data-testid="big"
          aria-pressed={big}
          onClick={() => store.dispatch({ type: 'big', big: !big })}
        >
          {t('大字', 'Large')}
        </button>
      </div>
    </header>
  );
}

function Page({
  route,
  query,
  param,
}: {
  route: PhoneRoute;
  query: URLSearchParams;
  param?: string | undefined;
}) {
  const t = useT();
  const [View, setView] = useState<ComponentType<PageProps> | null>(() => loaded.get(route.path) ?? null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (loaded.has(route.path)) return;
    route
      .load()
      .then((m) => {
        loaded.set(route.path, m.default);
        setView(() => m.default);
      })
      .catch(() => setFailed(true));
  }, [route]);
  if (failed)
    return (
      <p class="notice notice-error" role="alert">
        {t('页面加载失败，请检查网络后刷新', 'The page did not load: check the network and reload')}
      </p>
    );
  if (View === null) return <p class="loading">{t('正在加载…', 'Loading…')}</p>;
  return param === undefined ? <View query={query} /> : <View query={query} param={param} />;
}
