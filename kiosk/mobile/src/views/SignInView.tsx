/**
 * Sign-in with the phone number and a 6-digit SMS code (SPEC MOB-AUTH-*): ask for a code (the
 * resend waits for the server's time), type it, then on to the page the guard came from (via the
 * ID number when that page needs it).
 */
import type { ApiError } from '@onewindow/shared/protocol.ts';
import { useEffect, useState } from 'preact/hooks';
import { useT } from '../core/i18n.ts';
import { usePhone } from '../core/phone.ts';
import type { PageProps } from '../routes.ts';
import { ErrorNote, Field, nextOf } from './common.tsx';

export default function SignInView({ query }: PageProps) {
  const t = useT();
  const { api, store, go } = usePhone();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [wait, setWait] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ error: ApiError; status: number } | null>(null);

  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait((w) => w - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  const digits = phone.replace(/\D/g, '');
  const askCode = async () => {
    setBusy(true);
    setError(null);
    const r = await api.requestCode(digits);
    setBusy(false);
    if (!r.ok) return setError(r);
    setSentTo(r.data.phoneMasked);
    setWait(r.data.resendAfterSeconds);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api.signIn(digits, code.trim());
    setBusy(false);
    if (!r.ok) return setError(r);
    const { token, ...me } = r.data;
    store.dispatch({ type: 'signed-in', session: { token, ...me } });
    const next = nextOf(query);
    go(next.path, next.query);
  };

  return (
    <form class="card" onSubmit={submit} noValidate>
      <p class="muted">
        {t(
          '无需注册，用手机号接收短信验证码即可登录。',
          'No account needed: sign in with a code sent to your phone.',
        )}
      </p>
      <Field
        label={t('手机号码', 'Mobile number')}
        testid="phone"
        inputMode="tel"
        autoComplete="tel"
        maxLength={13}
        value={phone}
        onValue={setPhone}
      />
      <button
        type="button"
        class="btn"
        data-testid="send-code"
        disabled={busy || wait > 0 || digits.length !== 11}
        onClick={askCode}
      >
        {wait > 0
          ? t(`${wait} 秒后可重新获取`, `Send again in ${wait} s`)
          : sentTo === null
            ? t('获取验证码', 'Send code')
            : t('重新获取验证码', 'Send a new code')}
      </button>
      {sentTo !== null && (
        <p class="notice notice-ok" role="status" data-testid="sent">
          {t(`验证码已发送到 ${sentTo}，5 分钟内有效`, `Code sent to ${sentTo}, valid for 5 minutes`)}
        </p>
      )}
      <Field
        label={t('短信验证码', 'SMS code')}
        testid="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        value={code}
        onValue={setCode}
      />
      <ErrorNote error={error} />
      <button
        type="submit"
        class="btn btn-primary"
        data-testid="submit"
        disabled={busy || code.trim().length !== 6 || digits.length !== 11}
      >
        {t('登录', 'Sign in')}
      </button>
    </form>
  );
}
