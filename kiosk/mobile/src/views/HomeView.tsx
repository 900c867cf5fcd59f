/** The home page: the hall, its opening hours, the tiles of the pages the route table lists, the session. */

import { openingHoursText } from '@onewindow/shared/citizen.ts';
import { useStore } from '@onewindow/shared/client/hooks.ts';
import { pick, useLang, useT } from '../core/i18n.ts';
import { usePhone } from '../core/phone.ts';
import { tiles } from '../routes.ts';
import './HomeView.css';

export default function HomeView() {
  const t = useT();
  const lang = useLang();
  const { store, api, go } = usePhone();
  const hall = useStore(store, (s) => s.hall);
  const session = useStore(store, (s) => s.session);
  return (
    <div class="home">
      <section class="card hall-card" aria-labelledby="hall-name">
        <h2 id="hall-name" class="hall-name">
          {hall?.hallName ?? t('办事大厅', 'Service hall')}
        </h2>
        {hall !== null && (
          <p class="hall-hours" data-testid="hours">
            <span class="label">{t('开放时间', 'Opening hours')}</span>
            {pick(lang, openingHoursText(hall.openingHours))}
          </p>
        )}
      </section>
      <nav class="tiles" aria-label={t('办事服务', 'Services')}>
        {tiles().map((r) => (
          <a key={r.path} class="tile" href={`#${r.path}`} data-testid={`tile-${r.path.slice(1)}`}>
            <span class="tile-icon" aria-hidden="true">
              {r.tile.icon}
            </span>
            <span class="tile-title">{pick(lang, r.title)}</span>
            <span class="tile-hint">{pick(lang, r.tile.hint)}</span>
          </a>
        ))}
      </nav>
      <section class="card session-card">
        {session === null ? (
          <>
            <p>
              {t('登录后可查看本人的排队、预约和办件', 'Sign in to see your tickets, bookings and cases')}
            </p>
            <button
              type="button"
              class="btn btn-primary"
              data-testid="sign-in"
              onClick={() => go('/sign-in')}
            >
              {t('手机号登录', 'Sign in with your phone')}
            </button>
          </>
        ) : (
          <>
            <p data-testid="signed-in">
              {t('已登录', 'Signed in')} {session.phoneMasked}
              {session.idMasked !== null && ` · ${session.idMasked}`}
            </p>
            <button
              type="button"
              class="btn btn-quiet"
              data-testid="sign-out"
              onClick={async () => {
                await api.signOut();
                store.dispatch({ type: 'signed-out' });
              }}
            >
              {t('退出登录', 'Sign out')}
            </button>
          </>
        )}
      </section>
    </div>
  );
}
