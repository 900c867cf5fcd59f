import { useNow } from '@onewindow/shared/client';
import type { Controller } from '../core/controller.ts';
import { hallDate, hallTime, useT } from '../core/i18n.ts';
import type { KioskState, KioskStore } from '../core/store.ts';

/** Always on screen: the hall, the clock, large text (适老) and the language, one tap each. */
export function Header({
  state,
  store,
  controller,
}: {
  state: KioskState;
  store: KioskStore;
  controller: Controller;
}) {
  const t = useT();
  const now = useNow(1000) + state.skew;
  const ctx = state.context;
  const offset = ctx?.utcOffsetMinutes ?? 480;
  return (
    <header class="header">
      <div class="header-hall">
        <span class="header-name">
          {ctx ? t(ctx.hallName, ctx.hallNameEn) : t('自助服务终端', 'Self-service kiosk')}
        </span>
        <span class="header-clock num" data-testid="clock">
          {hallDate(t, now, offset)} <strong>{hallTime(now, offset)}</strong>
        </span>
      </div>
      <div class="header-tools">
        {state.screen !== 'start' && (state.screen !== 'closed' || state.flow !== null) && (
          <button type="button" class="tool tool-home" data-testid="home" onClick={() => controller.reset()}>
            {t('返回首页', 'Home')}
          </button>
        )}
        <button
          type="button"
          class={`tool${state.large ? ' is-on' : ''}`}
          aria-pressed={state.large}
          data-testid="toggle-large"
          onClick={() => store.dispatch({ type: 'large', large: !state.large })}
        >
          {state.large ? '✓ ' : ''}
          {t('适老大字', 'Large text')}
        </button>
        <button
          type="button"
          class="tool"
          lang={state.lang === 'zh' ? 'en' : 'zh-CN'}
          data-testid="toggle-lang"
          onClick={() => store.dispatch({ type: 'lang', lang: state.lang === 'zh' ? 'en' : 'zh' })}
        >
          {state.lang === 'zh' ? 'English' : '中文'}
        </button>
      </div>
    </header>
  );
}
