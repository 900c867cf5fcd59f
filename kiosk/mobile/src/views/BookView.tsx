/**
 * 预约 (SPEC MOB-BOOK-*): the citizen picks an item, sees the free half-hour slots of the bookable
 * days, books one (an Idempotency-Key, so a double tap or a retry is the same booking), and gets
 * the booking code as characters and a QR code for the kiosk. Below, their bookings, each
 * cancellable until the hall's cut-off.
 */

import { qrPath } from '@onewindow/kiosk/qr';
import type { FreeSlot, OnlineBookingView } from '@onewindow/shared/booking.ts';
import type { ServiceItem } from '@onewindow/shared/catalog.ts';
import { useStore } from '@onewindow/shared/client/hooks.ts';
import { newIdempotencyKey } from '@onewindow/shared/client/keys.ts';
import type { ApiError } from '@onewindow/shared/protocol.ts';
import { useEffect, useState } from 'preact/hooks';
import { hallDateTime, localDateText, useLang, useT } from '../core/i18n.ts';
import { usePhone } from '../core/phone.ts';
import type { PageProps } from '../routes.ts';
import { ErrorNote } from './common.tsx';
import './BookView.css';

type Failure = { error: ApiError; status: number } | null;
const STATUS_ZH: Record<OnlineBookingView['status'], [string, string]> = {
  booked: ['已预约', 'Booked'],
  'checked-in': ['已签到', 'Checked in'],
  missed: ['未到（爽约）', 'Missed'],
  cancelled: ['已取消', 'Cancelled'],
};

/** A code as characters and a QR code the kiosk or the window scans. */
export function CodeCard(props: { code: string; label: string; testid: string }) {
  const { size, d } = qrPath(props.code);
  return (
    <div class="code-card" data-testid={props.testid}>
      <svg viewBox={`-2 -2 ${size + 4} ${size + 4}`} role="img" aria-label={props.label} class="code-qr">
        <rect x={-2} y={-2} width={size + 4} height={size + 4} fill="#fff" />
        <path d={d} fill="#000" />
      </svg>
      <div class="code-text" data-testid={`${props.testid}-code`}>
        {props.code}
      </div>
    </div>
  );
}

export default function BookView({ query }: PageProps) {
  const t = useT();
  const lang = useLang();
  const { api, store } = usePhone();
  const offset = useStore(store, (s) => s.hall?.utcOffsetMinutes) ?? 480;
  const [items, setItems] = useState<ServiceItem[]>([]);
  const [item, setItem] = useState<string | null>(query.get('item'));
  const [slots, setSlots] = useState<FreeSlot[] | null>(null);
  const [chosen, setChosen] = useState<FreeSlot | null>(null);
  const [key, setKey] = useState(newIdempotencyKey());
  const [booked, setBooked] = useState<OnlineBookingView | null>(null);
  const [mine, setMine] = useState<OnlineBookingView[]>([]);
  const [error, setError] = useState<Failure>(null);
  const [busy, setBusy] = useState(false);

  const loadMine = async () => {
    const r = await api.get<OnlineBookingView[]>('/api/m/bookings');
    if (r.ok) setMine(r.data);
  };
  // The shell may hand the query over after the first render (a guard that let the page in).
  const asked = query.get('item');
  useEffect(() => {
    if (asked !== null) setItem(asked);
  }, [asked]);
  useEffect(() => {
    void api.get<ServiceItem[]>('/api/catalog').then((r) => {
      if (r.ok) setItems(r.data);
    });
    void loadMine();
  }, []);
  const loadSlots = async (code: string) => {
    const r = await api.get<{ slots: FreeSlot[] }>(
      `/api/m/booking/slots?itemCode=${encodeURIComponent(code)}`,
    );
    if (r.ok) setSlots(r.data.slots);
    else setError(r);
  };
  useEffect(() => {
    setSlots(null);
    setChosen(null);
    setError(null);
    if (item !== null) void loadSlots(item);
  }, [item]);

  const book = async () => {
    if (chosen === null || item === null) return;
    setBusy(true);
    setError(null);
    const r = await api.post<OnlineBookingView>(
      '/api/m/bookings',
      { itemCode: item, slotStart: chosen.start },
      { idempotencyKey: key },
    );
    setBusy(false);
    setChosen(null);
    // What is free now, either way (a refused slot was taken by someone else meanwhile).
    void loadSlots(item);
    if (!r.ok) {
      setError(r);
      setKey(newIdempotencyKey());
      return;
    }
    setBooked(r.data);
    await loadMine();
  };

  const cancel = async (code: string) => {
    setError(null);
    const r = await api.post<OnlineBookingView>(`/api/m/bookings/${encodeURIComponent(code)}/cancel`);
    if (!r.ok) setError(r);
    if (booked?.bookingCode === code) setBooked(null);
    await loadMine();
  };

  const days = slots === null ? [] : [...new Set(slots.map((s) => s.day))];
  const hm = (at: number) => hallDateTime(lang, at, offset).split(' ').at(-1);

  return (
    <div class="book">
      {booked !== null && (
        <section class="card notice-ok" data-testid="booked">
          <h2>{t('预约成功', 'Booked')}</h2>
          <p>
            {booked.itemName} · {localDateText(lang, booked.businessDay)} {hm(booked.slotStart)}–
            {hm(booked.slotEnd)}
          </p>
          <CodeCard code={booked.bookingCode} label={t('预约码', 'Booking code')} testid="booking-code" />
          <p class="muted">
            {t(
              '请在预约时段开始前 30 分钟内到大厅，在自助机刷身份证或输入预约码签到。',
              'Come within 30 minutes before your slot and check in at a kiosk with your ID card or this code.',
            )}
          </p>
        </section>
      )}
      <section class="card">
        <h2>{t('选择事项', 'Choose the business')}</h2>
        <select
          class="select"
          data-testid="item"
          aria-label={t('事项', 'Business')}
          value={item ?? ''}
          onChange={(e) => setItem(e.currentTarget.value === '' ? null : e.currentTarget.value)}
        >
          <option value="">{t('请选择', 'Choose…')}</option>
          {items.map((i) => (
            <option key={i.code} value={i.code}>
              {lang === 'en' ? (i.nameEn ?? i.name) : i.name}
            </option>
          ))}
        </select>
      </section>
      <ErrorNote error={error} />
      {slots !== null && (
        <section class="card" data-testid="slots">
          <h2>{t('选择时段', 'Choose a time')}</h2>
          {days.length === 0 && <p class="muted">{t('近期没有可预约的时段', 'No free times soon')}</p>}
          {days.map((day) => (
            <div key={day} class="slot-day">
              <h3>{localDateText(lang, day)}</h3>
              <div class="slot-grid">
                {slots
                  .filter((s) => s.day === day)
                  .map((s) => (
                    <button
                      key={s.start}
                      type="button"
                      class={chosen?.start === s.start ? 'slot chosen' : 'slot'}
                      data-slot={s.start}
                      disabled={s.free === 0}
                      aria-pressed={chosen?.start === s.start}
                      onClick={() => setChosen(s)}
                    >
                      <span class="slot-time">{hm(s.start)}</span>
                      <span class="slot-free">
                        {s.free === 0 ? t('已约满', 'Full') : t(`余 ${s.free}`, `${s.free} left`)}
                      </span>
                    </button>
                  ))}
              </div>
            </div>
          ))}
          {chosen !== null && (
            <button
              type="button"
              class="btn btn-primary"
              data-testid="confirm"
              disabled={busy}
              onClick={() => void book()}
            >
              {t(
                `确认预约 ${localDateText(lang, chosen.day)} ${hm(chosen.start)}`,
                `Book ${hm(chosen.start)}`,
              )}
            </button>
          )}
        </section>
      )}
      <section class="card" data-testid="my-bookings">
        <h2>{t('我的预约', 'My bookings')}</h2>
        {mine.length === 0 && <p class="muted">{t('暂无预约', 'None yet')}</p>}
        {mine.map((b) => (
          <div key={b.bookingCode} class="row booking-row" data-booking={b.bookingCode}>
            <div>
              <div>
                {b.itemName} · {localDateText(lang, b.businessDay)} {hm(b.slotStart)}
              </div>
              <div class="muted">
                {b.bookingCode} · {t(...STATUS_ZH[b.status])}
              </div>
            </div>
            {b.status === 'booked' && (
              <button
                type="button"
                class="btn btn-quiet"
                data-action="cancel"
                onClick={() => void cancel(b.bookingCode)}
              >
                {t('取消', 'Cancel')}
              </button>
            )}
          </div>
        ))}
      </section>
    </div>
  );
}
