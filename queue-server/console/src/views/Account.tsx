/**
 * 账户安全: what a staff member does to their own account (SPEC SEC-ACC-3..5) — change the
 * password (required after an admin's reset, before anything else) and enrol the TOTP second
 * factor (required of admins and managers before anything else in a real hall).
 */
import type { TotpEnrolment } from '@onewindow/shared/api-types.ts';
import { useState } from 'preact/hooks';
import { api, errorText } from '../core/api.ts';

/** The new password's rules, as the server checks them (services/password-policy.ts). */
const POLICY_ZH = '至少 12 位；不能是常见密码；不能包含用户名';

export function ChangePassword({ forced, onDone }: { forced: boolean; onDone: () => void }) {
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (newPassword !== repeat) return setError('两次输入的新密码不一致');
    setBusy(true);
    const r = await api('POST', '/api/auth/password', { oldPassword, newPassword });
    setBusy(false);
    if (!r.ok) return setError(r.error.code === 'UNAUTHENTICATED' ? '当前密码不正确' : errorText(r.error));
    setError(null);
    onDone();
  };
  return (
    <form class="stack" onSubmit={submit} data-testid="change-password">
      {forced && (
        <p class="notice" role="status">
          管理员已重置您的密码，请先设置新密码。
          <span class="en">Your password was reset: choose a new one to continue.</span>
        </p>
      )}
      <label class="field">
        {forced ? '临时密码' : '当前密码'}{' '}
        <span class="en">{forced ? 'Temporary password' : 'Current password'}</span>
        <input
          name="old-password"
          type="password"
          autoComplete="current-password"
          value={oldPassword}
          onInput={(e) => setOld(e.currentTarget.value)}
          required
        />
      </label>
      <label class="field">
        新密码 <span class="en">New password</span>
        <input
          name="new-password"
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onInput={(e) => setNew(e.currentTarget.value)}
          required
        />
      </label>
      <label class="field">
        再次输入新密码 <span class="en">Repeat</span>
        <input
          name="repeat-password"
          type="password"
          autoComplete="new-password"
          value={repeat}
          onInput={(e) => setRepeat(e.currentTarget.value)}
          required
        />
      </label>
      <p class="dim">{POLICY_ZH}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button class="btn primary" type="submit" disabled={busy}>
        修改密码 <span class="en">Change password</span>
      </button>
    </form>
  );
}

export function TotpEnrol({ required, onDone }: { required: boolean; onDone: () => void }) {
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    const r = await api<TotpEnrolment>('POST', '/api/auth/totp/enrol');
    if (!r.ok) return setError(errorText(r.error));
    setError(null);
    setEnrolment(r.data);
  };
  const confirm = async (e: Event) => {
    e.preventDefault();
    const r = await api('POST', '/api/auth/totp/confirm', { code });
    if (!r.ok)
      return setError(
        r.error.code === 'UNAUTHENTICATED' ? '动态口令不正确，请核对手机时间后重试' : errorText(r.error),
      );
    setError(null);
    onDone();
  };
  return (
    <div class="stack" data-testid="totp-enrol">
      {required && (
        <p class="notice" role="status">
          系统管理员和大厅管理岗须绑定动态口令（双因素认证）后才能使用工作台。
          <span class="en">Admins and managers enrol a second factor (TOTP) before using the console.</span>
        </p>
      )}
      {enrolment === null ? (
        <button class="btn primary" type="button" onClick={start} data-action="totp-start">
          开始绑定 <span class="en">Start enrolment</span>
        </button>
      ) : (
        <form class="stack" onSubmit={confirm}>
          <p>
            用手机上的身份验证器应用（如 Google Authenticator、Microsoft
            Authenticator）扫描二维码，或手动输入密钥：
            <span class="en">Scan with an authenticator app, or type the key:</span>
          </p>
          <img class="totp-qr" src={enrolment.qrDataUrl} alt="TOTP QR" width={180} height={180} />
          <code class="totp-secret" data-testid="totp-secret">
            {enrolment.secret}
          </code>
          <label class="field">
            验证器显示的 6 位动态口令 <span class="en">6-digit code</span>
            <input
              name="totp-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              value={code}
              onInput={(e) => setCode(e.currentTarget.value.trim())}
              required
            />
          </label>
          <button class="btn primary" type="submit" data-action="totp-confirm">
            确认绑定 <span class="en">Confirm</span>
          </button>
        </form>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The one screen a login with a pending step sees: nothing else is reachable until it is done. */
export function PendingStepPage({
  step,
  onDone,
  onLogout,
}: {
  step: 'password' | 'totp';
  onDone: () => void;
  onLogout: () => void;
}) {
  return (
    <div class="login-page">
      <div class="login-card wide" data-testid={`pending-${step}`}>
        <h1>
          {step === 'password' ? '设置新密码' : '绑定动态口令'}
          <small>{step === 'password' ? 'Choose a new password' : 'Enrol the second factor'}</small>
        </h1>
        {step === 'password' ? (
          <ChangePassword forced onDone={onDone} />
        ) : (
          <TotpEnrol required onDone={onDone} />
        )}
        <button class="btn small" type="button" onClick={onLogout}>
          退出 <span class="en">Log out</span>
        </button>
      </div>
    </div>
  );
}
