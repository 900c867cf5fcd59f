/**
 * The ID number for anything personal (SPEC MOB-AUTH-7): bound to the session as the kiosk's
 * holder reference, kept masked only, and forgotten by the page once sent.
 */
import type { ApiError } from '@onewindow/shared/protocol.ts';
import { useState } from 'preact/hooks';
import { useT } from '../core/i18n.ts';
import { usePhone } from '../core/phone.ts';
import type { PageProps } from '../routes.ts';
import { ErrorNote, Field, nextOf } from './common.tsx';

export default function IdentityView({ query }: PageProps) {
  const t = useT();
  const { api, store, go } = usePhone();
  const [idNumber, setIdNumber] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ error: ApiError; status: number } | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api.bindIdentity(idNumber.trim());
    setBusy(false);
    if (!r.ok) return setError(r);
    setIdNumber('');
    store.dispatch({ type: 'me', me: r.data });
    const next = nextOf(query);
    go(next.path === '/identity' ? '/' : next.path, next.query);
  };
  return (
    <form class="card" onSubmit={submit} noValidate>
      <p>
        {t(
          '查看本人的排队、预约和办件，需要填写本人身份证号码。号码只用于核对身份，不会显示或保存完整号码。',
          'To see your own tickets, bookings and cases, give your ID number. It is only used to match your records; the full number is never shown or kept.',
        )}
      </p>
      <Field
        label={t('身份证号码', 'ID number')}
        testid="id-number"
        autoComplete="off"
        autoCapitalize="characters"
        maxLength={20}
        value={idNumber}
        onValue={setIdNumber}
      />
      <ErrorNote error={error} />
      <button
        type="submit"
        class="btn btn-primary"
        data-testid="submit"
        disabled={busy || idNumber.trim().length < 15}
      >
        {t('确认', 'Confirm')}
      </button>
    </form>
  );
}
