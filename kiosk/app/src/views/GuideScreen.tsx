import { citizenTimeLimit, type GuideMaterial, itemName } from '@onewindow/shared/catalog.ts';
import type { Controller } from '../core/controller.ts';
import { useLang, useT } from '../core/i18n.ts';
import type { KioskState, KioskStore } from '../core/store.ts';
import { ItemBadges, PersonBanner } from './common.tsx';
import './GuideScreen.css';

/**
 * 办事指南 of the chosen item, with the 一次性告知 first: what people commonly forget is
 * said before the ticket is taken, so nobody queues for an hour to be sent home.
 */
export function GuideScreen({
  state,
  store,
  controller,
}: {
  state: KioskState;
  store: KioskStore;
  controller: Controller;
}) {
  const t = useT();
  const lang = useLang();
  const ctx = state.context;
  const item = state.catalog.find((i) => i.code === state.itemCode);
  if (ctx === null || item === undefined) return null;
  // One source (the item's limit, SPEC ADM-6); an unverified one is not shown at all.
  const limit = citizenTimeLimit(item, lang);
  const en = lang === 'en';
  const g = item.guide;
  const materials = g?.materials ?? [];
  const missing = materials.filter((m) => m.commonlyMissing);
  const instant = g ? g.caseType === 'instant' : item.kind === 'instant';
  const visits = g?.visitsOnSite;
  return (
    <section class="screen guide is-split" data-testid="screen-guide" aria-labelledby="guide-title">
      <PersonBanner person={state.person} anonymous={state.anonymous} seniorAge={ctx.seniorAge} />
      <div class="screen-head">
        <h1 id="guide-title">
          {t('办事指南：', 'Service guide: ')}
          {itemName(item, lang)}
        </h1>
        <ItemBadges item={item} />
      </div>
      {state.message !== null && (
        <p class="alert" role="alert" data-testid="screen-message">
          {state.message}
        </p>
      )}
      <div class="guide-body">
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (axe scrollable-region-focusable) */}
        <section class="guide-main scroll" tabIndex={0} aria-label={t('办事指南内容', 'Guide')}>
          {missing.length > 0 && (
            <div class="notice-once" data-testid="guide-missing" role="note">
              <h2>{t('一次性告知：以下材料经常漏带', 'Please check: people often forget these')}</h2>
              <ul>
                {missing.map((m) => (
                  <li key={m.name}>
                    <strong>{en && m.nameEn ? m.nameEn : m.name}</strong>
                    {en ? (m.noteEn ? `: ${m.noteEn}` : '') : m.note ? `：${m.note}` : ''}
                  </li>
                ))}
              </ul>
              <p>
                {t(
                  '请确认带齐后再取号；材料不齐可先到咨询台咨询。',
                  'Take a number once you have them; if not, ask at the guide desk.',
                )}
              </p>
            </div>
          )}
          <dl class="guide-facts">
            <div>
              <dt>{t('办件类型', 'Type')}</dt>
              <dd data-testid="guide-kind">
                {instant
                  ? t('即办件（当场办结）', 'Settled at the window')
                  : t('承诺件（限时办结）', 'Settled within a time limit')}
              </dd>
            </div>
            {limit !== null && (
              <div>
                <dt>{t('办理时限', 'Time limit')}</dt>
                <dd data-testid="guide-limit">{limit}</dd>
              </div>
            )}
            <div>
              <dt>{t('到现场次数', 'Visits')}</dt>
              <dd>
                {visits === undefined
                  ? t('最多跑一次', 'At most one')
                  : visits === 0
                    ? t('零跑动（可网上办理）', 'None (online)')
                    : t(`最多跑 ${visits} 次`, `At most ${visits}`)}
              </dd>
            </div>
            <div>
              <dt>{t('办理渠道', 'Channels')}</dt>
              <dd>
                {(g?.channels ?? item.channels)
                  .map((c) => (en ? (CHANNEL_EN[c] ?? c) : c))
                  .join(en ? ', ' : '、')}
              </dd>
            </div>
          </dl>
          <h2 class="guide-h2">{t('需要带的材料', 'What to bring')}</h2>
          {materials.length === 0 ? (
            <p>{t('请携带本人身份证件。', 'Bring your ID card.')}</p>
          ) : (
            <ul class="materials" data-testid="guide-materials">
              {materials.map((m) => (
                <Material key={m.name} m={m} />
              ))}
            </ul>
          )}
          {g?.scope && (
            <>
              <h2 class="guide-h2">{t('适用范围', 'Who can apply')}</h2>
              <p class="guide-text">{en && g.scopeEn ? g.scopeEn : g.scope}</p>
            </>
          )}
        </section>
        <div class="guide-actions">
          <button
            type="button"
            class="btn btn-primary btn-big"
            data-testid="guide-continue"
            disabled={state.busy}
            onClick={() => (item.form !== undefined ? controller.openForm() : void controller.takeTicket())}
          >
            {item.form !== undefined
              ? t('下一步：填写表单', 'Next: fill in the form')
              : state.busy
                ? t('正在取号…', 'Taking a number…')
                : missing.length > 0
                  ? t('材料已带齐，取号', 'I have them: take a number')
                  : t('取号', 'Take a number')}
          </button>
          <button
            type="button"
            class="btn btn-secondary"
            data-testid="guide-back"
            onClick={() =>
              store.dispatch({ type: 'go', screen: state.categoryId === null ? 'search' : 'items' })
            }
          >
            {t('返回选择其他业务', 'Back to the services')}
          </button>
        </div>
      </div>
    </section>
  );
}

/** 办理方式 in English: the usual channel names of the published guides. */
const CHANNEL_EN: Record<string, string> = {
  窗口: 'at the window',
  网上: 'online',
  自助终端: 'self-service kiosk',
  银行网点: 'bank branch',
  电话: 'by phone',
  掌上: 'mobile app',
  邮寄: 'by post',
};

const FORM_EN: Record<GuideMaterial['form'], string> = {
  原件: 'original',
  复印件: 'copy',
  原件及复印件: 'original and copy',
  电子: 'electronic',
};

function Material({ m }: { m: GuideMaterial }) {
  const t = useT();
  const lang = useLang();
  return (
    <li class={`material${m.commonlyMissing ? ' is-missing' : ''}`}>
      <span class="material-name">{lang === 'en' && m.nameEn ? m.nameEn : m.name}</span>
      <span class="material-form">
        {m.sharedData
          ? t('免提交（大厅可调取）', 'Not needed (the hall has it)')
          : t(`${m.form} ${m.copies} 份`, `${FORM_EN[m.form]} × ${m.copies}`)}
        {m.required ? '' : t(' · 视情况提供', ' · only in some cases')}
      </span>
    </li>
  );
}
