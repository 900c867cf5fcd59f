import type { Controller } from '../core/controller.ts';
import { categoryWait, useT } from '../core/i18n.ts';
import type { KioskState } from '../core/store.ts';
import './StartScreen.css';

/** Three big choices, one tap each; a card tapped on the reader starts taking a number too. */
export function StartScreen({ state, controller }: { state: KioskState; controller: Controller }) {
  const t = useT();
  const ctx = state.context;
  return (
    <section class="screen start" data-testid="screen-start" aria-labelledby="start-title">
      <h1 id="start-title" class="start-title">
        {t('您好，请选择您要办理的服务', 'Welcome. What would you like to do?')}
      </h1>
      <div class="start-choices">
        <button
          type="button"
          class="start-choice is-primary"
          data-testid="start-ticket"
          onClick={() => controller.startFlow('ticket')}
        >
          <span class="start-choice-zh">{t('取号', 'Take a number')}</span>
          <span class="start-choice-sub">
            {t('办理社保业务，先取号排队', 'Queue for a service at a window')}
          </span>
        </button>
        <button
          type="button"
          class="start-choice"
          data-testid="start-checkin"
          onClick={() => controller.startFlow('checkin')}
        >
          <span class="start-choice-zh">{t('预约签到', 'Appointment check-in')}</span>
          <span class="start-choice-sub">
            {t('已网上预约或线上取号，到场签到', 'Booked or queued online? Check in here')}
          </span>
        </button>
        <button
          type="button"
          class="start-choice"
          data-testid="start-lookup"
          onClick={() => controller.startFlow('lookup')}
        >
          <span class="start-choice-zh">{t('查询排队', 'My tickets')}</span>
          <span class="start-choice-sub">
            {t('查看我的号票和等候人数', 'See your tickets and who is ahead')}
          </span>
        </button>
      </div>
      <p class="start-card-hint">
        <span class="card-icon" aria-hidden="true" />
        {t('也可以直接刷身份证或社保卡开始取号', 'Or just tap your ID card or social security card to begin')}
      </p>
      {ctx !== null && (
        <ul class="start-queues" aria-label={t('当前等候', 'Waiting now')}>
          {ctx.categories.map((c) => {
            const e = state.estimates.find((x) => x.categoryId === c.id);
            return (
              <li key={c.id} class="start-queue">
                <span class="start-queue-name">{t(c.name, c.nameEn)}</span>
                <span class="num">
                  {t(`等候 ${e?.waiting ?? 0} 人`, `${e?.waiting ?? 0} waiting`)} · {categoryWait(t, e)}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {state.offline && (
        <p class="alert" role="alert">
          {t('网络连接中断，正在重试…', 'No connection to the server; retrying…')}
        </p>
      )}
    </section>
  );
}
