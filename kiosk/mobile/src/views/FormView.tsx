/**
 * 网上填单 (SPEC MOB-FORM-*, MOB-PRE-3): the citizen fills an item's form before coming, checked
 * on the server by the kiosk's own `validateForm` (each field's Chinese refusal is shown beside
 * it), and gets the form's code as characters and a QR code for the window. Below, their forms
 * with the pre-check of high-risk items (pending, passed, or returned with the reviewer's reasons).
 */
import { type OnlineDraftView, PRECHECK_STATUS_ZH, type PrecheckStatus } from '@onewindow/shared/booking.ts';
import type { ServiceItem } from '@onewindow/shared/catalog.ts';
import { newIdempotencyKey } from '@onewindow/shared/client/keys.ts';
import type { FormField } from '@onewindow/shared/forms.ts';
import type { ApiError } from '@onewindow/shared/protocol.ts';
import { useEffect, useState } from 'preact/hooks';
import { useLang, useT } from '../core/i18n.ts';
import { usePhone } from '../core/phone.ts';
import type { PageProps } from '../routes.ts';
import { CodeCard } from './BookView.tsx';
import { ErrorNote, Field } from './common.tsx';

type Failure = { error: ApiError; status: number } | null;
const PRECHECK_EN: Record<PrecheckStatus, string> = {
  none: 'No pre-check needed',
  pending: 'Waiting for pre-check',
  passed: 'Pre-check passed',
  returned: 'Returned',
};

export default function FormView({ query }: PageProps) {
  const t = useT();
  const lang = useLang();
  const { api } = usePhone();
  const [items, setItems] = useState<ServiceItem[]>([]);
  const [code, setCode] = useState<string | null>(query.get('item'));
  const [values, setValues] = useState<Record<string, string>>({});
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [key, setKey] = useState(newIdempotencyKey());
  const [done, setDone] = useState<OnlineDraftView | null>(null);
  const [mine, setMine] = useState<OnlineDraftView[]>([]);
  const [error, setError] = useState<Failure>(null);
  const [busy, setBusy] = useState(false);

  const loadMine = async () => {
    const r = await api.get<OnlineDraftView[]>('/api/m/drafts');
    if (r.ok) setMine(r.data);
  };
  // The shell may hand the query over after the first render (a guard that let the page in).
  const asked = query.get('item');
  useEffect(() => {
    if (asked !== null) setCode(asked);
  }, [asked]);
  useEffect(() => {
    void api.get<ServiceItem[]>('/api/catalog').then((r) => {
      if (r.ok) setItems(r.data.filter((i) => i.form !== undefined));
    });
    void loadMine();
  }, []);

  const item = items.find((i) => i.code === code);
  const label = (f: FormField) => (lang === 'en' ? f.labelEn : f.label);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (item === undefined) return;
    setBusy(true);
    setError(null);
    setIssues({});
    const r = await api.post<OnlineDraftView>(
      '/api/m/drafts',
      { itemCode: item.code, form: values },
      { idempotencyKey: key },
    );
    setBusy(false);
    if (!r.ok) {
      setError(r);
      setIssues(
        Object.fromEntries(
          (r.error.issues ?? []).map((i) => [i.path.replace(/^form\./, ''), i.messageZh ?? i.message]),
        ),
      );
      return;
    }
    setDone(r.data);
    setCode(null);
    setValues({});
    setKey(newIdempotencyKey());
    await loadMine();
  };

  return (
    <div class="book">
      {done !== null && (
        <section class="card notice-ok" data-testid="draft-done">
          <h2>{t('表单已提交', 'Form sent')}</h2>
          <p>{done.formTitle}</p>
          <CodeCard code={done.code} label={t('表单码', 'Form code')} testid="draft-code" />
          <p class="muted">
            {done.precheck === 'pending'
              ? t(
                  '该事项需网上预审，结果会短信通知，也可在本页查看。',
                  'This business is pre-checked online; you will get an SMS.',
                )
              : t('到窗口办理时出示此码，窗口扫码即可调出表单。', 'Show this code at the window.')}
          </p>
        </section>
      )}
      <section class="card">
        <h2>{t('选择事项', 'Choose the business')}</h2>
        <select
          class="select"
          data-testid="form-item"
          aria-label={t('事项', 'Business')}
          value={code ?? ''}
          onChange={(e) => {
            setCode(e.currentTarget.value === '' ? null : e.currentTarget.value);
            setValues({});
            setIssues({});
          }}
        >
          <option value="">{t('请选择', 'Choose…')}</option>
          {items.map((i) => (
            <option key={i.code} value={i.code}>
              {lang === 'en' ? (i.nameEn ?? i.name) : i.name}
            </option>
          ))}
        </select>
      </section>
      {item?.form && (
        <form class="card" onSubmit={submit} noValidate data-testid="online-form">
          <h2>{lang === 'en' ? item.form.titleEn : item.form.title}</h2>
          {item.form.fields.map((f) =>
            f.kind === 'choice' ? (
              <label key={f.key} class="field">
                <span class="field-label">{label(f)}</span>
                <select
                  class="select"
                  data-testid={`f-${f.key}`}
                  value={values[f.key] ?? ''}
                  onChange={(e) => setValues({ ...values, [f.key]: e.currentTarget.value })}
                >
                  <option value="">{t('请选择', 'Choose…')}</option>
                  {(f.options ?? []).map((o) => (
                    <option key={o.value} value={o.value}>
                      {lang === 'en' ? o.labelEn : o.label}
                    </option>
                  ))}
                </select>
                {issues[f.key] !== undefined && <span class="field-hint notice-error">{issues[f.key]}</span>}
              </label>
            ) : (
              <div key={f.key}>
                <Field
                  label={label(f)}
                  testid={`f-${f.key}`}
                  value={values[f.key] ?? ''}
                  onValue={(v) => setValues({ ...values, [f.key]: v })}
                  inputMode={f.kind === 'phone' ? 'tel' : f.kind === 'digits' ? 'numeric' : 'text'}
                  {...(f.kind === 'id-number' ? { autoCapitalize: 'characters' as const } : {})}
                  {...(issues[f.key] !== undefined
                    ? { hint: issues[f.key]! }
                    : f.hint !== undefined
                      ? { hint: lang === 'en' ? (f.hintEn ?? f.hint) : f.hint }
                      : f.kind === 'date'
                        ? { hint: t('格式：2026-01-31', 'Format: 2026-01-31') }
                        : {})}
                />
              </div>
            ),
          )}
          <ErrorNote error={error} />
          <button type="submit" class="btn btn-primary" data-testid="submit-form" disabled={busy}>
            {t('提交表单', 'Send the form')}
          </button>
        </form>
      )}
      <section class="card" data-testid="my-drafts">
        <h2>{t('我的表单', 'My forms')}</h2>
        {mine.length === 0 && <p class="muted">{t('暂无表单', 'None yet')}</p>}
        {mine.map((d) => (
          <div key={d.id} class="booking-row" data-draft={d.code}>
            <div>
              {d.itemName} · {d.code}
            </div>
            <div class={d.precheck === 'returned' ? 'notice-error' : 'muted'} data-precheck={d.precheck}>
              {lang === 'en' ? PRECHECK_EN[d.precheck] : PRECHECK_STATUS_ZH[d.precheck]}
              {d.reasons.length > 0 && `：${d.reasons.join('；')}`}
              {d.taken && t(' · 窗口已调取', ' · taken up at the window')}
            </div>
          </div>
        ))}
      </section>
    </div>
  );
}
