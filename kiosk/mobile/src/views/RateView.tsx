/**
 * 服务评价 by link (SPEC MOB-RATE-*): the SMS after a service opens `#/rate/<token>`; the page
 * shows what is rated (hall, number, window, when; nothing personal), the pad's five levels,
 * the reasons for a low level, and a few words that may not carry an ID, phone or card number.
 * One rating per service; the page says so when it was rated (on the pad or here) or expired.
 */
import { RATING_REASONS, type RatingReason } from '@onewindow/shared/domain.ts';
import type { RatingLinkView } from '@onewindow/shared/mobile-queue.ts';
import type { ApiError } from '@onewindow/shared/protocol.ts';
import { useEffect, useState } from 'preact/hooks';
import { hallDateTime, type Lang, useLang, useT } from '../core/i18n.ts';
import { usePhone } from '../core/phone.ts';
import type { PageProps } from '../routes.ts';
import { ErrorNote } from './common.tsx';
import './RateView.css';

type Failure = { error: ApiError; status: number } | null;

/** The pad's wording (RAT-1), best first. */
const LEVELS: { level: 5 | 4 | 3 | 2 | 1; zh: string; en: string }[] = [
  { level: 5, zh: '非常满意', en: 'Very satisfied' },
  { level: 4, zh: '满意', en: 'Satisfied' },
  { level: 3, zh: '基本满意', en: 'Fairly satisfied' },
  { level: 2, zh: '不满意', en: 'Dissatisfied' },
  { level: 1, zh: '非常不满意', en: 'Very dissatisfied' },
];

const REASONS: Record<RatingReason, { zh: string; en: string }> = {
  attitude: { zh: '服务态度', en: 'Attitude' },
  efficiency: { zh: '办理效率', en: 'Efficiency' },
  competence: { zh: '业务水平', en: 'Competence' },
  waiting: { zh: '等候时间', en: 'Waiting time' },
  other: { zh: '其他', en: 'Other' },
};

export default function RateView({ param }: PageProps) {
  const t = useT();
  const lang = useLang();
  const { api, store } = usePhone();
  const token = param ?? '';
  const [view, setView] = useState<RatingLinkView | null>(null);
  const [error, setError] = useState<Failure>(null);
  const [level, setLevel] = useState<number | null>(null);
  const [reasons, setReasons] = useState<RatingReason[]>([]);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const offset = store.get().hall?.utcOffsetMinutes ?? 480;

  useEffect(() => {
    void api.post<RatingLinkView>('/api/rating-link/open', { token }).then((r) => {
      if (r.ok) setView(r.data);
      else setError(r);
    });
  }, [api, token]);

  const submit = async () => {
    if (level === null) return;
    setBusy(true);
    const r = await api.post<{ level: number }>('/api/rating-link/rate', {
      token,
      level,
      reasons: level <= 2 ? reasons : [],
      ...(comment.trim() ? { comment: comment.trim() } : {}),
    });
    setBusy(false);
    if (!r.ok) return setError(r);
    setError(null);
    setView((v) =>
      v === null ? v : { ...v, state: 'rated', rating: { level: r.data.level as 5, reasons } },
    );
  };

  if (view === null)
    return error === null ? <p class="loading">{t('正在打开…', 'Opening…')}</p> : <ErrorNote error={error} />;
  return (
    <div class="rate">
      <section class="card" aria-labelledby="h-service">
        <h2 id="h-service">{view.hallName}</h2>
        <p data-testid="rate-service">
          {lang === 'en'
            ? `Ticket ${view.number}${view.windowNumber !== null ? `, window ${view.windowNumber}` : ''}, ${hallDateTime(lang, view.servedAt, offset)}`
            : `${view.number} 号${view.windowNumber !== null ? ` · ${view.windowNumber} 号窗口` : ''} · ${hallDateTime(lang, view.servedAt, offset)}`}
        </p>
        <p class="muted">{view.itemName ?? view.categoryName}</p>
      </section>
      {view.state === 'rated' ? (
        <p class="notice notice-ok" data-testid="rated">
          {t('已收到您的评价，感谢您的反馈！', 'Thank you: your rating is recorded.')}
          {view.rating !== null && levelText(lang, view.rating.level)}
        </p>
      ) : view.state === 'expired' ? (
        <p class="notice notice-warn" data-testid="expired">
          {t('已超过评价期限，感谢您的关注。', 'The time to rate this service has passed.')}
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <fieldset class="rate-levels">
            <legend class="section-title">{t('请为本次服务评价', 'How was the service?')}</legend>
            {LEVELS.map((l) => (
              <button
                type="button"
                key={l.level}
                class={`btn rate-level ${level === l.level ? 'rate-level-on' : ''}`}
                aria-pressed={level === l.level}
                data-testid={`level-${l.level}`}
                onClick={() => setLevel(l.level)}
              >
                {lang === 'en' ? l.en : l.zh}
              </button>
            ))}
          </fieldset>
          {level !== null && level <= 2 && (
            <fieldset class="rate-reasons">
              <legend class="section-title">{t('不满意的原因（可多选）', 'What went wrong (any)')}</legend>
              {RATING_REASONS.map((r) => (
                <label key={r} class="rate-reason">
                  <input
                    type="checkbox"
                    data-testid={`reason-${r}`}
                    checked={reasons.includes(r)}
                    onChange={(e) =>
                      setReasons((xs) => (e.currentTarget.checked ? [...xs, r] : xs.filter((x) => x !== r)))
                    }
                  />
                  {lang === 'en' ? REASONS[r].en : REASONS[r].zh}
                </label>
              ))}
            </fieldset>
          )}
          <label class="field">
            <span class="field-label">{t('您的意见（选填）', 'Your words (optional)')}</span>
            <textarea
              data-testid="comment"
              maxLength={200}
              rows={3}
              value={comment}
              onInput={(e) => setComment(e.currentTarget.value)}
            />
            <span class="field-hint">
              {t('请勿填写身份证号、手机号或银行卡号', 'No ID, phone or bank card numbers, please')}
            </span>
          </label>
          <ErrorNote error={error} />
          <button
            type="submit"
            class="btn btn-primary"
            data-testid="submit-rating"
            disabled={level === null || busy}
          >
            {t('提交评价', 'Send')}
          </button>
        </form>
      )}
    </div>
  );
}

function levelText(lang: Lang, level: number): string {
  const l = LEVELS.find((x) => x.level === level);
  return l === undefined ? '' : lang === 'en' ? ` (${l.en})` : `（${l.zh}）`;
}
