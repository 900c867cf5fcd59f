/** "My tickets today" and the closed hall. */
import type { Controller } from '../core/controller.ts';
import { hallTime, ticketWait, useT } from '../core/i18n.ts';
import type { KioskState } from '../core/store.ts';
import { PersonBanner, statusText, useTicketWhat } from './common.tsx';

export function LookupScreen({ state, controller }: { state: KioskState; controller: Controller }) {
  const t = useT();
  const what = useTicketWhat(state);
  const ctx = state.context;
  const tickets = state.lookup ?? [];
  if (ctx === null) return null;
  return (
    <section class="screen lookup" data-testid="screen-lookup" aria-labelledby="lookup-title">
      <PersonBanner person={state.person} anonymous={false} seniorAge={ctx.seniorAge} />
      <h1 id="lookup-title">{t('您今天的号票', 'Your tickets today')}</h1>
      {tickets.length === 0 ? (
        <p class="empty" data-testid="lookup-empty">
          {t('您今天还没有号票。', 'You have no ticket today.')}
        </p>
      ) : (
        <ul class="lookup-list">
          {tickets.map((tk) => (
            <li key={tk.id} class="lookup-ticket" data-testid={`lookup-${tk.number}`}>
              <span class="lookup-number num">{tk.number}</span>
              <span class="lookup-main">
                <span class="lookup-item">{what(tk)}</span>
                <span class="lookup-status">
                  {statusText(t, tk.status, tk.windowNumber)} · {t('取号', 'taken')}{' '}
                  {hallTime(tk.issuedAt, ctx.utcOffsetMinutes)}
                </span>
              </span>
              {tk.status === 'waiting' && (
                <span class="lookup-wait num">
                  <strong>{t(`前面 ${tk.ahead ?? 0} 人`, `${tk.ahead ?? 0} ahead`)}</strong>
                  <span>{ticketWait(t, tk.estimateRange)}</span>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <div class="ticket-actions">
        {ctx.openNow && (
          <button
            type="button"
            class="btn btn-secondary"
            data-testid="lookup-take"
            onClick={() => controller.startFlow('ticket')}
          >
            {t('去取号', 'Take a number')}
          </button>
        )}
        <button
          type="button"
          class="btn btn-primary"
          data-testid="lookup-done"
          onClick={() => controller.reset()}
        >
          {t('完成', 'Done')}
        </button>
      </div>
    </section>
  );
}

export function ClosedScreen({ state, controller }: { state: KioskState; controller: Controller }) {
  const t = useT();
  const ctx = state.context;
  return (
    <section class="screen closed" data-testid="screen-closed" aria-labelledby="closed-title">
      <h1 id="closed-title" class="closed-title">
        {t('现在不是取号时间', 'The hall is not taking numbers now')}
      </h1>
      <p class="closed-message" data-testid="closed-message">
        {state.closedMessage ??
          ctx?.closedMessageZh ??
          t('请在办公时间内取号', 'Please come during opening hours')}
      </p>
      {ctx !== null && (
        <p class="closed-hours num">
          {t('办公时间', 'Opening hours')} {ctx.openingHours.open}–{ctx.openingHours.close} ·{' '}
          {t(
            `星期${ctx.openingHours.weekdays.map((d) => '日一二三四五六'[d % 7]).join('、')}`,
            ctx.openingHours.weekdays
              .map((d) => ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d % 7])
              .join(', '),
          )}
        </p>
      )}
      <div class="ticket-actions closed-actions">
        <button
          type="button"
          class="btn btn-secondary"
          data-testid="closed-lookup"
          onClick={() => controller.startFlow('lookup')}
        >
          {t('查询我的号票', 'My tickets')}
        </button>
        {state.flow !== null && (
          <button
            type="button"
            class="btn btn-primary"
            data-testid="closed-done"
            onClick={() => controller.reset()}
          >
            {t('返回首页', 'Home')}
          </button>
        )}
      </div>
    </section>
  );
}
