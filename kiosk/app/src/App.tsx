import { useStore } from '@onewindow/shared/client';
import type { CardRead } from '@onewindow/shared/protocol.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { createApi } from './core/api.ts';
import { connectKiosk } from './core/connection.ts';
import { type Controller, createController } from './core/controller.ts';
import { forgetToken, idleSeconds, loadToken, saveToken, takeTokenFromUrl } from './core/device.ts';
import { LangContext, useT } from './core/i18n.ts';
import { promptFor } from './core/prompts.ts';
import { createKioskStore, holdsPersonalData, type KioskState, type KioskStore } from './core/store.ts';
import { Prompter } from './core/voice.ts';
import { CategoriesScreen, ItemsScreen, SearchScreen } from './views/ChooseScreens.tsx';
import { DeviceNotices } from './views/DeviceNotices.tsx';
import { FormScreen } from './views/FormScreen.tsx';
import { GuideScreen } from './views/GuideScreen.tsx';
import { Header } from './views/Header.tsx';
import { IdentifyScreen } from './views/IdentifyScreen.tsx';
import { ClosedScreen, LookupScreen } from './views/OtherScreens.tsx';
import { Pairing } from './views/Pairing.tsx';
import { StartScreen } from './views/StartScreen.tsx';
import { TicketScreen } from './views/TicketScreen.tsx';

/** Pairing until the kiosk has a device token; then the kiosk itself. */
export function App() {
  const [token, setToken] = useState<string | null>(() => {
    takeTokenFromUrl();
    return loadToken();
  });
  const [notice, setNotice] = useState<string | null>(null);
  if (token === null)
    return (
      <Pairing
        notice={notice}
        onPaired={(t) => {
          saveToken(t);
          setNotice(null);
          setToken(t);
        }}
      />
    );
  return (
    <Kiosk
      key={token}
      token={token}
      onUnauthorized={() => {
        forgetToken();
        setNotice('此自助机的配对已失效，请重新配对。 This kiosk was unpaired; pair it again.');
        setToken(null);
      }}
    />
  );
}

interface Runtime {
  store: KioskStore;
  controller: Controller;
  prompter: Prompter;
}

function Kiosk({ token, onUnauthorized }: { token: string; onUnauthorized: () => void }) {
  const [rt] = useState<Runtime>(() => {
    const store = createKioskStore();
    const api = createApi(token, () => store.dispatch({ type: 'unauthorized' }));
    return { store, controller: createController(store, api), prompter: new Prompter() };
  });
  const { store, controller, prompter } = rt;
  const state = useStore(store, (s) => s);
  const idle = useIdle(store, idleSeconds(), () => {
    controller.reset();
    prompter.silence();
    try {
      sessionStorage.clear();
    } catch {
      // No storage: nothing was kept there anyway.
    }
  });

  useEffect(() => {
    prompter.start();
    void controller.load();
    const connection = connectKiosk({
      store,
      deviceToken: token,
      onCard: (card: CardRead) => {
        idle.touch();
        controller.card(card);
      },
      onCardError: () => idle.touch(),
    });
    return () => {
      connection.close();
      controller.stop();
    };
  }, []);

  useEffect(() => {
    if (state.unauthorized) onUnauthorized();
  }, [state.unauthorized]);

  useEffect(() => {
    const html = document.documentElement;
    html.classList.toggle('large', state.large);
    html.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  }, [state.large, state.lang]);

  const prompt = promptFor(state);
  useEffect(() => {
    // The start screen is not spoken: a kiosk should not talk to an empty hall after each reset.
    // The voice is Mandarin: in English mode the sentence is written for screen readers only.
    prompter.say(prompt, state.screen !== 'start' && state.lang === 'zh');
  }, [prompt]);

  return (
    <LangContext.Provider value={state.lang}>
      <div class={`kiosk screen-${state.screen}`}>
        <Header state={state} store={store} controller={controller} />
        <DeviceNotices state={state} store={store} />
        <main class="main" key={state.screen}>
          <Screen state={state} store={store} controller={controller} />
        </main>
        <footer class="footer">
          <HelpLine />
        </footer>
        {idle.left !== null && <IdleWarning left={idle.left} />}
        <LiveRegion prompter={prompter} />
      </div>
    </LangContext.Provider>
  );
}

function Screen({
  state,
  store,
  controller,
}: {
  state: KioskState;
  store: KioskStore;
  controller: Controller;
}) {
  const t = useT();
  if (state.context === null)
    return (
      <section class="screen loading" data-testid="screen-loading">
        <h1>
          {state.offline ? t('正在连接服务器…', 'Connecting to the server…') : t('正在加载…', 'Loading…')}
        </h1>
      </section>
    );
  const props = { state, store, controller };
  switch (state.screen) {
    case 'start':
      return <StartScreen {...props} />;
    case 'identify':
      return <IdentifyScreen {...props} />;
    case 'categories':
      return <CategoriesScreen {...props} />;
    case 'items':
      return <ItemsScreen {...props} />;
    case 'search':
      return <SearchScreen {...props} />;
    case 'guide':
      return <GuideScreen {...props} />;
    case 'form':
      return <FormScreen {...props} />;
    case 'ticket':
      return <TicketScreen {...props} />;
    case 'lookup':
      return <LookupScreen {...props} />;
    case 'closed':
      return <ClosedScreen {...props} />;
  }
}

function HelpLine() {
  const t = useT();
  return (
    <p class="help">
      {t(
        '需要帮助？请到咨询引导台，工作人员随时为您服务。',
        'Need help? The guide desk staff are here for you.',
      )}
    </p>
  );
}

function IdleWarning({ left }: { left: number }) {
  const t = useT();
  return (
    <div
      class="idle"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="idle-title"
      data-testid="idle-warning"
    >
      <div class="idle-box">
        <h2 id="idle-title">{t('您还在吗？', 'Are you still there?')}</h2>
        <p>
          {t(
            `${left} 秒后返回首页，您的信息将被清除。`,
            `Back to the start in ${left} s; your details will be cleared.`,
          )}
        </p>
        <button type="button" class="btn btn-primary btn-wide" data-testid="idle-continue">
          {t('继续办理', 'Continue')}
        </button>
      </div>
    </div>
  );
}

function LiveRegion({ prompter }: { prompter: Prompter }) {
  const [text, setText] = useState(prompter.current);
  useEffect(() => prompter.subscribe(setText), [prompter]);
  return (
    <p class="sr-only" aria-live="polite" data-testid="spoken">
      {text}
    </p>
  );
}

/**
 * After `seconds` without a touch (or a card), everything personal is forgotten; a countdown
 * shows for the last ten seconds (fewer with a short test timeout). Any touch dismisses it.
 */
function useIdle(store: KioskStore, seconds: number, onReset: () => void) {
  const [left, setLeft] = useState<number | null>(null);
  const last = useRef(Date.now());
  const touch = () => {
    last.current = Date.now();
    setLeft(null);
  };
  useEffect(() => {
    const warnFor = Math.min(10, Math.floor(seconds / 2));
    window.addEventListener('pointerdown', touch, true);
    window.addEventListener('keydown', touch, true);
    const timer = setInterval(() => {
      const s = store.get();
      const personal = holdsPersonalData(s);
      if (!personal && s.lang === 'zh' && !s.large) {
        last.current = Date.now();
        setLeft(null);
        return;
      }
      const elapsed = (Date.now() - last.current) / 1000;
      if (elapsed >= seconds) {
        onReset();
        touch();
      } else setLeft(personal && elapsed >= seconds - warnFor ? Math.ceil(seconds - elapsed) : null);
    }, 250);
    return () => {
      clearInterval(timer);
      window.removeEventListener('pointerdown', touch, true);
      window.removeEventListener('keydown', touch, true);
    };
  }, []);
  return { left, touch };
}
