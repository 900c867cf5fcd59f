/**
 * 进度查询 (SPEC MOB-PROG-*): signed in with an ID number, the citizen's tickets of today (people
 * ahead and the hall's own estimate, "go to window N"), bookings and cases with their steps and
 * deadlines, refreshed every 20 s; without signing in, one case by its receipt number and the
 * last four digits of the phone on its slip (the receipt's QR opens this page with the number).
 */
import {
  type CitizenBooking,
  type CitizenCase,
  type CitizenProgress,
  type CitizenTicket,
  caseStatusText,
  ticketStatusText,
} from '@onewindow/shared/citizen.ts';
import { useStore } from '@onewindow/shared/client/hooks.ts';
import type { ApiError } from '@onewindow/shared/protocol.ts';
import { ticketWaitText } from '@onewindow/shared/wait.ts';
import { useState } from 'preact/hooks';
import { hallDateTime, type Lang, localDateText, pick, useLang, useT } from '../core/i18n.ts';
import { usePhone } from '../core/phone.ts';
import { usePolling } from '../core/poll.ts';
import type { PageProps } from '../routes.ts';
import { ErrorNote, Field } from './common.tsx';
import './ProgressView.css';

type Failure = { error: ApiError; status: number } | null;

export default function ProgressView({ query }: PageProps) {
  const t = useT();
  const { store, go } = usePhone();
  const session = useStore(store, (s) => s.session);
  const identified = session !== null && session.idMasked !== null;
  return (
    <div class="progress">
      {identified ? (
        <Mine />
      ) : (
        <section class="card">
          <p>
            {t(
              '登录并填写身份证号后，可查看本人的全部排队、预约和办件。',
              'Sign in and give your ID number to see all your tickets, bookings and cases.',
            )}
          </p>
          <button
            type="button"
            class="btn btn-primary"
            data-testid="mine"
            onClick={() => go(session === null ? '/sign-in' : '/identity', { next: '/progress' })}
          >
            {session === null
              ? t('登录查看本人进度', 'Sign in to see yours')
              : t('填写身份证号', 'Give your ID number')}
          </button>
        </section>
      )}
      <Lookup receipt={query.get('receipt') ?? ''} />
    </div>
  );
}

function Mine() {
  const t = useT();
  const lang = useLang();
  const { api, store } = usePhone();
  const offset = useStore(store, (s) => s.hall?.utcOffsetMinutes ?? 480);
  const [data, setData] = useState<CitizenProgress | null>(null);
  const [error, setError] = useState<Failure>(null);
  usePolling(
    () => {
      void api.progress().then((r) => {
        if (r.ok) {
          setData(r.data);
          setError(null);
        } else setError(r);
      });
    },
    20_000,
    true,
  );
  if (data === null)
    return error === null ? <p class="loading">{t('正在查询…', 'Loading…')}</p> : <ErrorNote error={error} />;
  const empty = data.tickets.length + data.bookings.length + data.cases.length === 0;
  return (
    <div data-testid="mine-list">
      <ErrorNote error={error} />
      {empty && (
        <p class="card muted">
          {t('今天没有排队，也没有预约和办件。', 'No tickets today, no bookings and no cases.')}
        </p>
      )}
      {data.tickets.length > 0 && (
        <section aria-labelledby="h-tickets">
          <h2 id="h-tickets" class="section-title">
            {t('今日排队', "Today's tickets")}
          </h2>
          {data.tickets.map((x) => (
            <TicketCard key={x.id} ticket={x} lang={lang} />
          ))}
        </section>
      )}
      {data.bookings.length > 0 && (
        <section aria-labelledby="h-bookings">
          <h2 id="h-bookings" class="section-title">
            {t('我的预约', 'My bookings')}
          </h2>
          {data.bookings.map((b) => (
            <BookingCard key={b.id} booking={b} lang={lang} offset={offset} />
          ))}
        </section>
      )}
      {data.cases.length > 0 && (
        <section aria-labelledby="h-cases">
          <h2 id="h-cases" class="section-title">
            {t('我的办件', 'My cases')}
          </h2>
          {data.cases.map((c) => (
            <CaseCard key={c.receiptNo} kase={c} lang={lang} offset={offset} />
          ))}
        </section>
      )}
    </div>
  );
}

function TicketCard({ ticket: x, lang }: { ticket: CitizenTicket; lang: Lang }) {
  const called = x.status === 'called' || x.status === 'serving';
  const wait = pick(lang, ticketWaitText(x));
  return (
    <article class={`card ticket ${called ? 'ticket-called' : ''}`} data-testid="ticket">
      <div class="ticket-head">
        <span class="ticket-number" data-testid="ticket-number">
          {x.number}
        </span>
        <span class="muted">{x.categoryName}</span>
      </div>
      <p class="ticket-status" data-testid="ticket-status">
        {pick(lang, ticketStatusText(x.status, x.windowNumber))}
      </p>
      {x.status === 'waiting' && (
        <p class="ticket-wait" data-testid="ticket-wait">
          {lang === 'en' ? `${x.ahead ?? 0} ahead of you · ` : `前面还有 ${x.ahead ?? 0} 人 · `}
          <span class="nowrap">{lang === 'en' || x.low === null ? wait : `预计等候${wait}`}</span>
        </p>
      )}
    </article>
  );
}

const BOOKING_STATUS: Record<CitizenBooking['status'], { zh: string; en: string }> = {
  booked: { zh: '已预约', en: 'Booked' },
  'checked-in': { zh: '已签到', en: 'Checked in' },
  missed: { zh: '已失约', en: 'Missed' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
};

function BookingCard({ booking: b, lang, offset }: { booking: CitizenBooking; lang: Lang; offset: number }) {
  return (
    <article class="card" data-testid="booking">
      <h3>{b.itemName ?? b.categoryName}</h3>
      <p>
        {hallDateTime(lang, b.slotStart, offset)}–{hallDateTime(lang, b.slotEnd, offset).split(' ').at(-1)} ·{' '}
        {pick(lang, BOOKING_STATUS[b.status])}
      </p>
      {b.status === 'booked' && (
        <p class="muted">
          {lang === 'en' ? 'Booking code ' : '预约码 '}
          <strong>{b.bookingCode}</strong>
        </p>
      )}
    </article>
  );
}

export function CaseCard({ kase: c, lang, offset }: { kase: CitizenCase; lang: Lang; offset: number }) {
  return (
    <article class="card case" data-testid="case">
      <h3>{c.itemName}</h3>
      <p class="case-status" data-testid="case-status">
        {pick(lang, caseStatusText(c.status))}
      </p>
      <dl class="case-facts">
        <dt>{lang === 'en' ? 'Receipt no.' : '受理编号'}</dt>
        <dd>{c.receiptNo}</dd>
        <dt>{lang === 'en' ? 'Due by' : '承诺办结'}</dt>
        <dd>{localDateText(lang, c.deadline)}</dd>
      </dl>
      {c.missing.length > 0 && (
        <p class="notice notice-warn">
          {lang === 'en' ? 'Please bring: ' : '请补正：'}
          {c.missing.join(lang === 'en' ? ', ' : '、')}
        </p>
      )}
      <ol class="steps">
        {c.steps.map((s, i) => (
          <li key={i}>
            <span class="step-at">{hallDateTime(lang, s.at, offset)}</span> {pick(lang, caseStatusText(s.to))}
          </li>
        ))}
      </ol>
    </article>
  );
}

function Lookup({ receipt }: { receipt: string }) {
  const t = useT();
  const lang = useLang();
  const { api, store } = usePhone();
  const offset = useStore(store, (s) => s.hall?.utcOffsetMinutes ?? 480);
  const [receiptNo, setReceiptNo] = useState(receipt);
  const [last4, setLast4] = useState('');
  const [busy, setBusy] = useState(false);
  const [found, setFound] = useState<CitizenCase | null>(null);
  const [error, setError] = useState<Failure>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFound(null);
    const r = await api.lookup(receiptNo.trim(), last4.trim());
    setBusy(false);
    if (r.ok) setFound(r.data);
    else setError(r);
  };
  return (
    <section aria-labelledby="h-lookup">
      <h2 id="h-lookup" class="section-title">
        {t('凭受理编号查询', 'Look up a receipt')}
      </h2>
      <form class="card" onSubmit={submit} noValidate data-testid="lookup">
        <Field
          label={t('受理编号', 'Receipt number')}
          hint={t('见业务受理回执', 'On your acceptance receipt')}
          testid="receipt"
          autoComplete="off"
          maxLength={64}
          value={receiptNo}
          onValue={setReceiptNo}
        />
        <Field
          label={t('手机号后 4 位', 'Last 4 digits of the phone')}
          hint={t('回执上登记的联系电话', 'The contact phone on the receipt')}
          testid="last4"
          inputMode="numeric"
          autoComplete="off"
          maxLength={4}
          value={last4}
          onValue={setLast4}
        />
        <ErrorNote error={error} />
        <button
          type="submit"
          class="btn btn-primary"
          data-testid="lookup-submit"
          disabled={busy || receiptNo.trim() === '' || last4.trim().length !== 4}
        >
          {t('查询', 'Look up')}
        </button>
      </form>
      {found !== null && <CaseCard kase={found} lang={lang} offset={offset} />}
    </section>
  );
}
