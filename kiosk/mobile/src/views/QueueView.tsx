/**
 * 线上取号 (SPEC MOB-Q-*): the categories with the wait a ticket taken now would have; joining
 * one takes a ticket that keeps its place from now and must be confirmed at the hall (scan the
 * code at the kiosk, tap the ID card there, or ask the guide) within the hall's time, or lapses.
 * The citizen's tickets of today with people ahead, the code as a QR, and "go to window N" once
 * called, refreshed every 15 s.
 */
import { useStore } from '@onewindow/shared/client/hooks.ts';
import type { OnlineQueueOverview, OnlineTicketView } from '@onewindow/shared/mobile-queue.ts';
import type { ApiError } from '@onewindow/shared/protocol.ts';
import { categoryWaitText, ticketWaitText } from '@onewindow/shared/wait.ts';
import { useEffect, useState } from 'preact/hooks';
import QRCode from 'qrcode';
import { hallDateTime, type Lang, pick, useLang, useT } from '../core/i18n.ts';
import { usePhone } from '../core/phone.ts';
import { usePolling } from '../core/poll.ts';
import { ErrorNote } from './common.tsx';
import './QueueView.css';

type Failure = { error: ApiError; status: number } | null;

export default function QueueView() {
  const t = useT();
  const lang = useLang();
  const { api, store } = usePhone();
  const offset = useStore(store, (s) => s.hall?.utcOffsetMinutes ?? 480);
  const [data, setData] = useState<OnlineQueueOverview | null>(null);
  const [error, setError] = useState<Failure>(null);
  const [busy, setBusy] = useState(false);
  const load = () =>
    void api.get<OnlineQueueOverview>('/api/citizen/queue').then((r) => {
      if (r.ok) {
        setData(r.data);
        setError(null);
      } else setError(r);
    });
  usePolling(load, 15_000, true);

  const join = async (categoryId: string) => {
    setBusy(true);
    const r = await api.post<OnlineTicketView>('/api/citizen/queue', { categoryId });
    setBusy(false);
    if (!r.ok) return setError(r);
    setError(null);
    load();
  };

  if (data === null)
    return error === null ? <p class="loading">{t('正在查询…', 'Loading…')}</p> : <ErrorNote error={error} />;
  const live = data.tickets.filter((x) => ['waiting', 'called', 'serving', 'parked'].includes(x.status));
  const liveCategories = new Set(live.map((x) => x.categoryName));
  return (
    <div class="queue">
      <ErrorNote error={error} />
      {data.tickets.length > 0 && (
        <section aria-labelledby="h-mine">
          <h2 id="h-mine" class="section-title">
            {t('我的号', 'My tickets')}
          </h2>
          {data.tickets.map((x) => (
            <OnlineTicket key={x.id} ticket={x} lang={lang} offset={offset} />
          ))}
        </section>
      )}
      <section aria-labelledby="h-join">
        <h2 id="h-join" class="section-title">
          {t('选择业务类别取号', 'Choose a queue')}
        </h2>
        {!data.open ? (
          <p class="notice notice-warn" data-testid="closed">
            {data.closedZh !== null && lang === 'zh' ? data.closedZh : t('现在不能取号', 'No tickets now')}
          </p>
        ) : (
          <p class="muted">
            {lang === 'en'
              ? `Your place counts from now. Confirm at the hall within ${data.confirmMinutes} minutes: scan the code at a kiosk, tap your ID card there, or ask the guide desk.`
              : `取号后即开始排队。请在 ${data.confirmMinutes} 分钟内到大厅确认：在取号机扫码或刷身份证，或到咨询引导台。`}
          </p>
        )}
        {data.categories.map((c) => (
          <button
            type="button"
            key={c.id}
            class="btn btn-primary queue-category"
            data-testid={`join-${c.id}`}
            disabled={!data.open || busy || liveCategories.has(c.name)}
            onClick={() => void join(c.id)}
          >
            <span class="queue-category-name">{lang === 'en' ? c.nameEn : c.name}</span>
            <span class="queue-category-wait">{pick(lang, categoryWaitText(c))}</span>
          </button>
        ))}
      </section>
    </div>
  );
}

function OnlineTicket({ ticket: x, lang, offset }: { ticket: OnlineTicketView; lang: Lang; offset: number }) {
  const [qr, setQr] = useState<string | null>(null);
  const awaiting = x.status === 'waiting' && x.confirmBy !== null;
  useEffect(() => {
    if (!awaiting || x.code === '') return;
    void QRCode.toString(x.code, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then(setQr);
  }, [awaiting, x.code]);
  const called = x.status === 'called' || x.status === 'serving';
  const en = lang === 'en';
  let status: string;
  if (called) status = en ? `Please go to window ${x.windowNumber}` : `请到 ${x.windowNumber} 号窗口办理`;
  else if (awaiting)
    status = en
      ? `Confirm at the hall by ${hallDateTime(lang, x.confirmBy!, offset)}`
      : `请于 ${hallDateTime(lang, x.confirmBy!, offset)} 前到大厅确认`;
  else if (x.status === 'waiting') status = en ? 'Confirmed, waiting' : '已确认，排队中';
  else if (x.status === 'done') status = en ? 'Done' : '已办理';
  else if (x.status === 'cancelled') status = en ? 'Lapsed or cancelled' : '已失效';
  else status = x.status;
  return (
    <article class={`card oq-ticket ${called ? 'oq-called' : ''}`} data-testid="online-ticket">
      <div class="oq-head">
        <span class="oq-number" data-testid="online-number">
          {x.number}
        </span>
        <span class="muted">{x.categoryName}</span>
      </div>
      <p class="oq-status" data-testid="online-status">
        {status}
      </p>
      {x.status === 'waiting' && (
        <p class="oq-wait" data-testid="online-wait">
          {en ? `${x.ahead ?? 0} ahead of you · ` : `前面还有 ${x.ahead ?? 0} 人 · `}
          <span class="nowrap">{pick(lang, ticketWaitText(x))}</span>
        </p>
      )}
      {awaiting && (
        <div class="queue-code">
          {qr !== null && (
            <div
              class="queue-qr"
              role="img"
              aria-label={en ? 'Code to scan at the kiosk' : '在取号机扫描的二维码'}
              // The SVG is generated here from the code (letters and digits only), never from input.
              dangerouslySetInnerHTML={{ __html: qr }}
            />
          )}
          <p>
            {en ? 'Code ' : '确认码 '}
            <strong data-testid="online-code">{x.code}</strong>
          </p>
        </div>
      )}
    </article>
  );
}
