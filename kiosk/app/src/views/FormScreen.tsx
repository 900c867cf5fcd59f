import { displayValue, type FormField, validateForm } from '@onewindow/shared/forms.ts';
import { maskIdNumber, maskName } from '@onewindow/shared/mask.ts';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Controller } from '../core/controller.ts';
import { useT } from '../core/i18n.ts';
import { checkIdKey } from '../core/person.ts';
import type { KioskState, KioskStore } from '../core/store.ts';
import { PersonBanner } from './common.tsx';
import { DIGIT_KEYS, ID_KEYS, Keypad, type KeypadKey } from './Keypad.tsx';
import './FormScreen.css';

/**
 * The item's form (自助填单), built for touch: the card fills what it knows, choices are big
 * buttons, dates are picked (year, month, day), numbers a keypad. Errors show as soon as a field was touched,
 * checked by the same validator the server uses.
 */
export function FormScreen({
  state,
  store,
  controller,
}: {
  state: KioskState;
  store: KioskStore;
  controller: Controller;
}) {
  const t = useT();
  const ctx = state.context;
  const item = state.catalog.find((i) => i.code === state.itemCode);
  const def = item?.form;
  const [touched, setTouched] = useState<Set<string>>(() => new Set(Object.keys(state.formErrors)));
  const [submitted, setSubmitted] = useState(false);
  const [active, setActive] = useState<string | null>(null);
  useEffect(() => {
    // The keypad takes room: keep the field being typed into in sight.
    if (active !== null)
      document.querySelector(`[data-testid="field-${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);
  if (ctx === null || item === undefined || def === undefined) return null;
  const values = state.form;
  const issues = validateForm(def, values, ctx.today);
  const errorOf = (key: string): string | null => {
    const server = state.formErrors[key];
    const local = issues.find((i) => i.key === key);
    if (local && (submitted || touched.has(key))) return local.messageZh;
    return server ?? null;
  };
  const set = (key: string, value: string) => {
    const next = { ...values };
    if (value === '') delete next[key];
    else next[key] = value;
    store.dispatch({ type: 'form', values: next });
    if (state.formErrors[key] !== undefined) {
      const { [key]: _, ...rest } = state.formErrors;
      store.dispatch({ type: 'form-errors', errors: rest });
    }
    setTouched((s) => new Set(s).add(key));
  };
  const submit = () => {
    setSubmitted(true);
    setActive(null);
    if (issues.length > 0) {
      store.dispatch({
        type: 'message',
        message: t(
          `还有 ${issues.length} 项需要填写或修改，请看标红处`,
          `${issues.length} ${issues.length === 1 ? 'field needs' : 'fields need'} filling in or correcting: see the red marks`,
        ),
      });
      return;
    }
    void controller.takeTicket();
  };
  const activeField = def.fields.find((f) => f.key === active);

  return (
    <section class="screen form is-split" data-testid="screen-form" aria-labelledby="form-title">
      <PersonBanner person={state.person} anonymous={state.anonymous} seniorAge={ctx.seniorAge} />
      <div class="screen-head">
        <h1 id="form-title">{t(def.title, def.titleEn)}</h1>
        <span class="form-count">
          {issues.length === 0
            ? t('已填好，可以提交', 'Complete: ready to submit')
            : t(`还有 ${issues.length} 项`, `${issues.length} to go`)}
        </span>
      </div>
      {state.message !== null && (
        <p class="alert" role="alert" data-testid="screen-message">
          {state.message}
        </p>
      )}
      <div class={`form-body${activeField ? ' has-pad' : ''}`}>
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (axe scrollable-region-focusable) */}
        <section class="form-fields scroll" tabIndex={0} aria-label={t('表单项目', 'Form fields')}>
          {def.fields.map((f) => (
            <FieldRow
              key={f.key}
              field={f}
              value={values[f.key]}
              error={errorOf(f.key)}
              active={active === f.key}
              today={ctx.today}
              onSet={(v) => set(f.key, v)}
              onActivate={() => setActive((a) => (a === f.key ? null : f.key))}
            />
          ))}
        </section>
        <div class="form-side">
          {activeField !== undefined && (
            <div class="form-pad">
              <p class="form-pad-label">
                {t('正在填写：', 'Filling in: ')}
                <strong>{t(activeField.label, activeField.labelEn)}</strong>
              </p>
              <Keypad
                keys={activeField.kind === 'id-number' ? ID_KEYS : DIGIT_KEYS}
                {...(activeField.kind === 'id-number' ? { variant: 'id' as const } : {})}
                testId="form-key"
                label={t('数字键盘', 'Number keypad')}
                onKey={(k) =>
                  pressField(activeField, values[activeField.key] ?? '', k, ctx.today, (v) =>
                    set(activeField.key, v),
                  )
                }
              />
              <button
                type="button"
                class="btn btn-secondary btn-wide"
                data-testid="form-pad-done"
                onClick={() => setActive(null)}
              >
                {t('完成输入', 'Done')}
              </button>
            </div>
          )}
          <button
            type="button"
            class="btn btn-primary btn-big"
            data-testid="form-submit"
            disabled={state.busy}
            onClick={submit}
          >
            {state.busy ? t('正在提交…', 'Submitting…') : t('提交表单并取号', 'Submit and take a number')}
          </button>
          <button
            type="button"
            class="btn btn-secondary"
            data-testid="form-back"
            onClick={() => store.dispatch({ type: 'go', screen: 'guide' })}
          >
            {t('返回办事指南', 'Back to the guide')}
          </button>
        </div>
      </div>
    </section>
  );
}

function pressField(f: FormField, v: string, k: KeypadKey, today: string, set: (v: string) => void): void {
  if (k === 'back' || k === 'clear') {
    set(k === 'back' ? v.slice(0, -1) : '');
    return;
  }
  const max = f.kind === 'phone' ? 11 : f.kind === 'id-number' ? 18 : (f.maxLength ?? 40);
  if (v.length >= max) return;
  if (f.kind === 'id-number' && !checkIdKey(v + k, today).ok) return;
  if (k === 'X' && f.kind !== 'id-number') return;
  set(v + k);
}

function FieldRow({
  field: f,
  value,
  error,
  active,
  today,
  onSet,
  onActivate,
}: {
  field: FormField;
  value: string | undefined;
  error: string | null;
  active: boolean;
  today: string;
  onSet: (v: string) => void;
  onActivate: () => void;
}) {
  const t = useT();
  const id = `field-${f.key}`;
  return (
    <fieldset class={`field${error ? ' has-error' : ''}`} data-testid={id}>
      <legend class="field-label" id={`${id}-label`}>
        {t(f.label, f.labelEn)}
        {f.required && f.kind !== 'card' && (
          <span class="field-required">{t('（必填）', ' (required)')}</span>
        )}
      </legend>
      {f.hint && <div class="field-hint">{t(f.hint, f.hintEn ?? f.hint)}</div>}
      {f.kind === 'card' || (f.prefill === 'idNumber' && value) ? (
        <div class="field-card" data-testid={`${id}-value`}>
          {value
            ? onScreen(f, value)
            : t('读卡后自动填写；未读卡可到窗口补充', 'Filled from the card; otherwise at the window')}
          <span class="field-lock">{t('来自证件', 'from card')}</span>
        </div>
      ) : f.kind === 'choice' ? (
        <div class="field-choices">
          {f.options?.map((o) => (
            <button
              key={o.value}
              type="button"
              aria-pressed={value === o.value}
              class={`choice${value === o.value ? ' is-on' : ''}`}
              data-testid={`${id}-${o.value}`}
              onClick={() => onSet(o.value)}
            >
              {t(o.label, o.labelEn)}
            </button>
          ))}
        </div>
      ) : f.kind === 'date' ? (
        <DatePicker field={f} value={value} today={today} onSet={onSet} testId={id} />
      ) : (
        <button
          type="button"
          class={`field-input num${active ? ' is-active' : ''}`}
          data-testid={`${id}-input`}
          aria-expanded={active}
          onClick={onActivate}
        >
          {value ? displayValue(f, value) : t('点此输入', 'Tap to enter')}
        </button>
      )}
      {error && (
        <div class="field-error" data-testid={`${id}-error`}>
          {error}
        </div>
      )}
    </fieldset>
  );
}

/**
 * What a card-filled answer shows on the kiosk's screen, which people behind the citizen can
 * see: the name and ID number masked like everywhere else, the address cut after the city.
 * The form keeps the whole value for the clerk.
 */
function onScreen(f: FormField, value: string): string {
  if (f.prefill === 'name') return maskName(value);
  if (f.prefill === 'idNumber' || f.kind === 'id-number') return maskIdNumber(value);
  if (f.prefill === 'address') return value.length > 6 ? `${value.slice(0, 6)}……` : value;
  return value;
}

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y!, m!, d!];
}

function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function daysIn(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function shiftDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  const x = new Date(Date.UTC(y, m - 1, d) + days * 86_400_000);
  return iso(x.getUTCFullYear(), x.getUTCMonth() + 1, x.getUTCDate());
}

/** Years a chip row offers at most; a longer range (a birth date) gets a stepper for the year. */
const MAX_YEAR_CHIPS = 6;

/** One row of the date picker (年, 月 or 日): its name beside its chips, a legend for screen readers. */
function DateRow({ legend, name, children }: { legend: string; name: string; children: ComponentChildren }) {
  return (
    <fieldset class="date-row">
      <legend class="sr-only">{legend}</legend>
      <span class="date-row-label" aria-hidden="true">
        {name}
      </span>
      {children}
    </fieldset>
  );
}

/**
 * A date in two or three taps (KSK-12): the year, month and day as big buttons, the allowed
 * range only, never a day that does not exist. Nothing to type; the year and month start at
 * today's (the usual answer), so a recent date is a month and a day. A long range of years
 * (birth dates) keeps a year stepper with ±1 and ±10.
 */
function DatePicker({
  field: f,
  value,
  today,
  onSet,
  testId,
}: {
  field: FormField;
  value: string | undefined;
  today: string;
  onSet: (v: string) => void;
  testId: string;
}) {
  const t = useT();
  const min = f.minDays !== undefined ? shiftDays(today, f.minDays) : '1900-01-01';
  const max = f.maxDays !== undefined ? shiftDays(today, f.maxDays) : '2099-12-31';
  const base =
    value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : today < min ? min : today > max ? max : today;
  const [y, m, d] = parts(base);
  const [minY] = parts(min);
  const [maxY] = parts(max);
  const clamp = (iso: string) => (iso < min ? min : iso > max ? max : iso);
  const pick = (ny: number, nm: number, nd: number) =>
    onSet(clamp(iso(ny, nm, Math.min(nd, daysIn(ny, nm)))));
  const label = t(f.label, f.labelEn);
  const years = Array.from({ length: maxY - minY + 1 }, (_, i) => minY + i);
  const monthOpen = (mm: number) => iso(y, mm, daysIn(y, mm)) >= min && iso(y, mm, 1) <= max;
  const chip = (key: string, text: string, on: boolean, enabled: boolean, aria: string, go: () => void) => (
    <button
      key={key}
      type="button"
      class={`date-chip num${on ? ' is-on' : ''}`}
      data-testid={`${testId}-${key}`}
      aria-pressed={on}
      aria-label={aria}
      disabled={!enabled}
      onClick={go}
    >
      {text}
    </button>
  );
  const yearStep = (dy: number, text: string) => (
    <button
      type="button"
      class="step"
      data-testid={`${testId}-year-${dy < 0 ? 'minus' : 'plus'}${Math.abs(dy) === 10 ? '10' : ''}`}
      aria-label={t(`${label}：年 ${dy > 0 ? '+' : ''}${dy}`, `${label}: year ${dy > 0 ? '+' : ''}${dy}`)}
      onClick={() => pick(y + dy, m, d)}
    >
      {text}
    </button>
  );
  const chosen = value !== undefined && value !== '';
  return (
    <div class="date-picker">
      <DateRow legend={t(`${label}：年`, `${label}: year`)} name={t('年', 'Year')}>
        {years.length <= MAX_YEAR_CHIPS ? (
          <div class="date-chips">
            {years.map((yy) =>
              chip(`year-${yy}`, String(yy), chosen && yy === y, true, t(`${yy}年`, String(yy)), () =>
                pick(yy, m, d),
              ),
            )}
          </div>
        ) : (
          <div class="stepper-row">
            {yearStep(-10, '−10')}
            {yearStep(-1, '−')}
            <span class={`stepper-value num${chosen ? '' : ' is-empty'}`}>{y}</span>
            {yearStep(1, '+')}
            {yearStep(10, '+10')}
          </div>
        )}
      </DateRow>
      <DateRow legend={t(`${label}：月`, `${label}: month`)} name={t('月', 'Month')}>
        <div class="date-chips date-months">
          {Array.from({ length: 12 }, (_, i) => i + 1).map((mm) =>
            chip(
              `month-${mm}`,
              t(`${mm}月`, MONTHS_EN[mm - 1]!),
              chosen && mm === m,
              monthOpen(mm),
              t(`${mm}月`, MONTHS_EN[mm - 1]!),
              () => pick(y, mm, d),
            ),
          )}
        </div>
      </DateRow>
      <DateRow legend={t(`${label}：日`, `${label}: day`)} name={t('日', 'Day')}>
        <div class="date-chips date-days">
          {Array.from({ length: daysIn(y, m) }, (_, i) => i + 1).map((dd) => {
            const at = iso(y, m, dd);
            return chip(
              `day-${dd}`,
              String(dd),
              chosen && dd === d,
              at >= min && at <= max,
              t(`${m}月${dd}日`, `${dd} ${MONTHS_EN[m - 1]}`),
              () => onSet(at),
            );
          })}
        </div>
      </DateRow>
      <div class="date-summary">
        <output class="date-chosen num" data-testid={`${testId}-chosen`}>
          {chosen
            ? t(`${y}年${m}月${d}日`, `${d} ${MONTHS_EN[m - 1]} ${y}`)
            : t('请选择日期', 'Choose a date')}
        </output>
        {today >= min && today <= max && (
          <button
            type="button"
            class="btn btn-secondary"
            data-testid={`${testId}-today`}
            onClick={() => onSet(today)}
          >
            {t('今天', 'Today')}
          </button>
        )}
      </div>
    </div>
  );
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
