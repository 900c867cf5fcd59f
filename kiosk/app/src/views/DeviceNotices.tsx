import { cardErrorText } from '@onewindow/shared/devices.ts';
import { useT } from '../core/i18n.ts';
import type { KioskState, KioskStore } from '../core/store.ts';
import './DeviceNotices.css';

/**
 * What this kiosk's own devices mean for the citizen, above every screen: a card on the reader
 * that gave nothing (DEV-6), and a printer that cannot print, said before anyone starts (DEV-8).
 */
export function DeviceNotices({ state, store }: { state: KioskState; store: KioskStore }) {
  const t = useT();
  const card = state.cardError === null ? null : cardErrorText(state.cardError);
  // The ticket screen says it itself, with the number kept large.
  const cannotPrint = (state.printer === 'out' || state.printer === 'offline') && state.screen !== 'ticket';
  if (card === null && !cannotPrint) return null;
  return (
    <div class="device-notices">
      {card !== null && (
        <div class="device-notice is-card" role="alert" data-testid="card-error">
          <p>{t(card.zh, card.en)}</p>
          <button
            type="button"
            class="device-notice-close"
            onClick={() => store.dispatch({ type: 'card-error', error: null })}
          >
            {t('知道了', 'OK')}
          </button>
        </div>
      )}
      {cannotPrint && (
        <div class="device-notice is-printer" role="status" data-testid="printer-notice">
          <p>
            <strong>
              {state.printer === 'out'
                ? t('本机打印机缺纸，暂时不能打印号票。', 'This kiosk’s printer is out of paper.')
                : t('本机打印机暂时不能使用。', 'This kiosk’s printer is not working right now.')}
            </strong>{' '}
            {t(
              '您仍可取号：请记下屏幕上的号码，或用手机扫码跟踪排队；需要纸质号票请到咨询台。',
              'You can still take a number: note it or scan the QR code on screen. For a paper ticket, ask at the help desk.',
            )}
          </p>
        </div>
      )}
    </div>
  );
}
