import type { KioskCheckInResult } from '@onewindow/shared/kiosk.ts';
import type { Controller } from '../core/controller.ts';
import { hallTime, ticketWait, useT } from '../core/i18n.ts';
import { qrPath } from '../core/qr.ts';
import type { KioskState } from '../core/store.ts';
import { useTicketWhat } from './common.tsx';
import './TicketScreen.css';

export function absoluteUrl(url: string): string {
  try {
    return new URL(url, location.origin).href;
  } catch {
    return url;
  }
}

/** The QR code of the ticket's mobile status page, drawn as one SVG path. */
export function QrCode({ url, label }: { url: string; label: string }) {
  const { size, d } = qrPath(absoluteUrl(url));
  return (
    <svg
      class="qr"
      viewBox={`-2 -2 ${size + 4} ${size + 4}`}
      role="img"
      aria-label={label}
      data-testid="ticket-qr"
      shape-rendering="crispEdges"
    >
      <rect x="-2" y="-2" width={size + 4} height={size + 4} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

/**
 * The ticket as printed, and more: when the printer fails (paper out) or is slow, the number
 * and the QR code stay large on screen and the citizen is told to photograph them. Nothing is
 * issued twice; a reprint prints the same ticket.
 */
export function TicketScreen({ state, controller }: { state: KioskState; controller: Controller }) {
  const t = useT();
  const what = useTicketWhat(state);
  const ctx = state.context;
  const result = state.result;
  if (ctx === null || result === null) return null;
  const { ticket, existing, application, priorityNoteZh } = result.data;
  // MOB-Q-2: a card or code that confirmed an online ticket is no booking: no priority to announce.
  const online = result.via === 'checkin' && (result.data as KioskCheckInResult).onlineConfirmed === true;
  const late = result.via === 'checkin' && !online ? (result.data as KioskCheckInResult).late : null;
  const print = state.print;
  const failed = print.status === 'failed';
  return (
    <section
      class={`screen ticket${failed ? ' is-print-failed' : ''}`}
      data-testid="screen-ticket"
      aria-labelledby="ticket-title"
    >
      {existing && (
        <p class="alert alert-warn" data-testid="ticket-existing">
          {result.via === 'checkin'
            ? t(
                '您已签到过，这是您的号票。如号票丢失，可以重新打印。',
                'You already checked in: this is your ticket. Lost it? Reprint it.',
              )
            : t(
                '您已有一张该类业务的号票，无需重复取号。如号票丢失，可以重新打印。',
                'You already have a ticket for this service. If you lost it, reprint it.',
              )}
        </p>
      )}
      {late === true && (
        <p class="alert alert-warn" data-testid="ticket-late">
          {t(
            '您已超过预约时段，已为您取普通号，按顺序办理。',
            'You arrived after your booked time: you have a regular ticket and wait in turn.',
          )}
        </p>
      )}
      {online && (
        <p class="alert alert-ok" data-testid="ticket-online-confirmed">
          {t('线上取号已确认，请留意叫号。', 'Your online ticket is confirmed: watch for your number.')}
        </p>
      )}
      {late === false && (
        <p class="alert alert-ok" data-testid="ticket-ontime">
          {t('预约签到成功，将优先为您办理。', 'Checked in: you will be served first as booked.')}
        </p>
      )}
      {priorityNoteZh !== null && late !== true && (
        <p class="alert alert-ok" data-testid="ticket-priority">
          {t(priorityNoteZh, 'You are served first (priority).')}
        </p>
      )}
      <div class="ticket-body">
        <div class="ticket-main">
          <h1 id="ticket-title" class="ticket-label">
            {t('您的号码', 'Your number')}
          </h1>
          <div class="ticket-number num" data-testid="ticket-number">
            {ticket.number}
          </div>
          <div class="ticket-item">{what(ticket)}</div>
          {ticket.holderMasked !== null && (
            <div class="ticket-holder" data-testid="ticket-holder">
              {ticket.holderMasked}
            </div>
          )}
          <dl class="ticket-facts">
            <div>
              <dt>{t('前面等候', 'Ahead of you')}</dt>
              <dd class="num" data-testid="ticket-ahead">
                {ticket.ahead === null ? '—' : t(`${ticket.ahead} 人`, `${ticket.ahead}`)}
              </dd>
            </div>
            <div>
              <dt>{t('预计等候', 'Estimated wait')}</dt>
              <dd class="num" data-testid="ticket-wait">
                {ticketWait(t, ticket.estimateRange)}
              </dd>
            </div>
            <div>
              <dt>{t('取号时间', 'Taken at')}</dt>
              <dd class="num">{hallTime(ticket.issuedAt, ctx.utcOffsetMinutes)}</dd>
            </div>
          </dl>
          {application !== null && (
            <p class="ticket-app" data-testid="ticket-application">
              {t('表单已提交，编号', 'Form submitted, number')}{' '}
              <strong class="num">{application.code}</strong>
              {t('，窗口工作人员叫号时即可看到。', '. The clerk sees it when calling you.')}
            </p>
          )}
        </div>
        <div class="ticket-side">
          <QrCode
            url={ticket.statusUrl}
            label={t('扫码在手机上查看排队进度', 'Scan to follow your place on your phone')}
          />
          <p class="ticket-qr-caption">
            {t('扫码在手机上查看排队进度', 'Scan to follow the queue on your phone')}
          </p>
        </div>
      </div>
      <div class="ticket-foot">
        <div
          class={`print-status print-${print.status}`}
          data-testid="print-status"
          data-status={print.status}
          role="status"
        >
          {print.status === 'pending' && t('正在打印号票，请稍候…', 'Printing your ticket…')}
          {print.status === 'printed' &&
            t('号票已打印，请从下方出票口取走。', 'Printed: take your ticket from the slot below.')}
          {print.status === 'none' && t('请记住您的号码。', 'Please remember your number.')}
          {failed && (
            <>
              <strong>{t('打印机暂时无法出票。', 'The printer cannot print right now.')}</strong>{' '}
              {t(
                '请用手机拍下本页的号码和二维码，或到咨询台登记；号码已为您保留，无需重新取号。',
                'Take a photo of this number and QR code, or go to the guide desk. Your number is kept: do not take another.',
              )}
            </>
          )}
        </div>
        <div class="ticket-actions">
          {(existing || failed) && (
            <button
              type="button"
              class="btn btn-secondary"
              data-testid="ticket-reprint"
              disabled={state.busy || print.status === 'pending'}
              onClick={() => void controller.reprint()}
            >
              {t('重新打印号票', 'Reprint the ticket')}
            </button>
          )}
          <button
            type="button"
            class="btn btn-primary"
            data-testid="ticket-done"
            onClick={() => controller.reset()}
          >
            {t('完成', 'Done')}
          </button>
        </div>
      </div>
      <p class="ticket-reminder">
        {t(
          '请留意大厅叫号屏和语音叫号；过号请到咨询台。',
          'Watch the hall screens and listen for your number; if you miss it, see the guide desk.',
        )}
      </p>
    </section>
  );
}
