import { useState } from 'preact/hooks';
import type { Controller } from '../core/controller.ts';
import { useT } from '../core/i18n.ts';
import { checkIdKey, groupId } from '../core/person.ts';
import type { KioskState } from '../core/store.ts';
import { DIGIT_KEYS, ID_KEYS, Keypad, type KeypadKey, LETTER_KEYS } from './Keypad.tsx';
import './IdentifyScreen.css';

const CODE_KEYS: readonly KeypadKey[] = [
  ...DIGIT_KEYS.filter((k) => k !== 'clear' && k !== 'back'),
  ...LETTER_KEYS,
];

/**
 * Tap a card, or type the ID number on the keypad: a key that makes the number impossible is
 * refused at once with the reason. Check-in also takes a booking code; taking a number for
 * an item without identity (consultation) skips this.
 */
export function IdentifyScreen({ state, controller }: { state: KioskState; controller: Controller }) {
  const t = useT();
  const [id, setId] = useState('');
  const [code, setCode] = useState('');
  const [byCode, setByCode] = useState(false);
  const [keyError, setKeyError] = useState<{ zh: string; en: string } | null>(null);
  const today = state.context?.today ?? '2099-12-31';
  const complete = id.length === 18 && checkIdKey(id, today).ok;
  const anonymousItems = state.catalog.some((i) => i.identityRequired === false);

  const pressId = (k: KeypadKey) => {
    if (k === 'back') {
      setId((v) => v.slice(0, -1));
      setKeyError(null);
      return;
    }
    if (k === 'clear') {
      setId('');
      setKeyError(null);
      return;
    }
    const next = id + k;
    const r = checkIdKey(next, today);
    if (r.ok) {
      setId(next);
      setKeyError(null);
    } else setKeyError({ zh: r.zh, en: r.en });
  };
  const pressCode = (k: KeypadKey) => {
    if (k === 'back') setCode((v) => v.slice(0, -1));
    else if (k === 'clear') setCode('');
    else setCode((v) => (v.length < 32 ? v + k : v));
  };

  const title =
    state.flow === 'checkin'
      ? t('预约签到', 'Appointment check-in')
      : state.flow === 'lookup'
        ? t('查询我的号票', 'My tickets')
        : t('取号：请先验证身份', 'Take a number: identify first');

  return (
    <section class="screen identify" data-testid="screen-identify" aria-labelledby="identify-title">
      <h1 id="identify-title">{title}</h1>
      {state.message !== null && (
        <p class="alert" role="alert" data-testid="screen-message">
          {state.message}
        </p>
      )}
      <div class="identify-body">
        <div class="identify-card" data-testid="identify-card">
          <div class="card-anim" aria-hidden="true">
            <div class="card-anim-card">
              <span />
            </div>
            <div class="card-anim-reader" />
          </div>
          <p class="identify-card-text">
            {t(
              '请将身份证或社保卡放在下方感应区',
              'Place your ID card or social security card on the reader below',
            )}
          </p>
          <p class="identify-card-sub">{t('读卡后自动继续', 'The kiosk continues by itself')}</p>
          {state.flow === 'ticket' && anonymousItems && (
            <button
              type="button"
              class="btn btn-secondary"
              data-testid="identify-anonymous"
              onClick={() => controller.anonymous()}
            >
              {t('没带证件？政策咨询等无需证件的业务', 'No ID? Services that need none (enquiries)')}
            </button>
          )}
          {state.flow === 'checkin' && (
            <button
              type="button"
              class="btn btn-secondary"
              data-testid="identify-toggle-code"
              aria-pressed={byCode}
              onClick={() => setByCode((v) => !v)}
            >
              {byCode
                ? t('改用身份证号码签到', 'Use the ID number instead')
                : t('使用预约码签到', 'Use the booking code')}
            </button>
          )}
        </div>
        {byCode ? (
          <div class="identify-typed">
            <p class="identify-label" id="code-label">
              {t(
                '请输入预约码（短信中的字母和数字）',
                'Enter your booking code (letters and digits from the SMS)',
              )}
            </p>
            <output class="id-display num" aria-labelledby="code-label" data-testid="code-display">
              {code || '\u00a0'}
            </output>
            <Keypad
              keys={CODE_KEYS}
              onKey={pressCode}
              testId="code-key"
              columns={7}
              label={t('预约码键盘', 'Booking code keypad')}
            />
            <button
              type="button"
              class="btn btn-primary btn-wide"
              data-testid="code-submit"
              disabled={code.length < 3 || state.busy}
              onClick={() => void controller.checkInByCode(code)}
            >
              {state.busy ? t('正在签到…', 'Checking in…') : t('签到', 'Check in')}
            </button>
          </div>
        ) : (
          <div class="identify-typed">
            <p class="identify-label" id="id-label">
              {t('或输入身份证号码', 'Or type your ID number')}
            </p>
            <output class="id-display num" aria-labelledby="id-label" data-testid="id-display">
              {id === '' ? '\u00a0' : groupId(id)}
            </output>
            <p class="id-error" role="alert" data-testid="id-error">
              {keyError === null ? '' : t(keyError.zh, keyError.en)}
            </p>
            <Keypad
              keys={ID_KEYS}
              onKey={pressId}
              testId="id-key"
              variant="id"
              label={t('身份证号码键盘', 'ID number keypad')}
            />
            <button
              type="button"
              class="btn btn-primary btn-wide"
              data-testid="id-submit"
              disabled={!complete || state.busy}
              onClick={() => controller.typedId(id)}
            >
              {state.busy
                ? t('请稍候…', 'Please wait…')
                : complete
                  ? t('确定', 'Confirm')
                  : t(`还需输入 ${18 - id.length} 位`, `${18 - id.length} more to go`)}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}
