/**
 * Kiosk forms (LD/T 02 §9.3.1: 自助填单). A catalog item may carry a form definition; the kiosk
 * renders it for touch (choices, dates, numeric keypads — no free typing where a choice will
 * do), prefills it from the card, and the server checks the same rules before it stores the
 * draft application. One validator here serves both, so the kiosk and the server never
 * disagree on what is valid. No zod here: the kiosk bundles this file; the schema an admin's
 * catalog edit is checked with is in forms.schema.ts.
 */
import { parseIdNumber } from './identity.ts';

/** Where a field can be prefilled from: the card the citizen tapped. */
export const FORM_PREFILL_SOURCES = ['name', 'idNumber', 'sex', 'birthDate', 'address'] as const;
export type FormPrefillSource = (typeof FORM_PREFILL_SOURCES)[number];

/**
 * Field kinds, each with its own touch input:
 * - `card`: read-only text that only the card fills (name, address); left blank it is
 *   completed at the window;
 * - `choice`: big buttons from `options`;
 * - `date`: year/month/day pickers (YYYY-MM-DD);
 * - `phone`: an 11-digit mainland mobile number on a numeric keypad;
 * - `digits`: a number on a numeric keypad (bank card, account, amount in yuan) with length bounds;
 * - `id-number`: an ID number on the ID keypad (digits and X).
 */
export const FORM_FIELD_KINDS = ['card', 'choice', 'date', 'phone', 'digits', 'id-number'] as const;
export type FormFieldKind = (typeof FORM_FIELD_KINDS)[number];

export interface FormOption {
  value: string;
  label: string;
  labelEn: string;
}

export interface FormField {
  /** Stable key of the answer (letters and digits). */
  key: string;
  label: string;
  labelEn: string;
  kind: FormFieldKind;
  required: boolean;
  /** A line under the field: what to enter, in plain words. */
  hint?: string | undefined;
  /** The hint in English (kiosk English mode). */
  hintEn?: string | undefined;
  prefill?: FormPrefillSource | undefined;
  options?: FormOption[] | undefined;
  /** `digits`: allowed lengths. */
  minLength?: number | undefined;
  maxLength?: number | undefined;
  /** `date`: bounds relative to today, in days (e.g. −36500 … 0 for a past date). */
  minDays?: number | undefined;
  maxDays?: number | undefined;
}

export interface FormDefinition {
  /** 表单名称 as printed, e.g. 社会保险登记表（个人）. */
  title: string;
  titleEn: string;
  fields: FormField[];
}

/** What a citizen entered: field key → value (all strings; dates YYYY-MM-DD). */
export type FormValues = Record<string, string>;

/** What the card provides for prefilling. */
export type CardPrefill = Partial<Record<FormPrefillSource, string | null>>;

/** One refusal, in Chinese for the citizen and English for integrators. */
export interface FormIssue {
  key: string;
  messageZh: string;
  message: string;
}

const MOBILE = /^1[3-9]\d{9}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(date: string): number | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  if (
    d.getUTCFullYear() !== Number(m[1]) ||
    d.getUTCMonth() !== Number(m[2]) - 1 ||
    d.getUTCDate() !== Number(m[3])
  )
    return null;
  return Math.floor(t / 86_400_000);
}

/** The initial values of a form: card fields and other prefillable fields from the card. */
export function prefillForm(def: FormDefinition, card: CardPrefill | null): FormValues {
  const out: FormValues = {};
  for (const f of def.fields) {
    const v = f.prefill && card ? card[f.prefill] : null;
    if (typeof v === 'string' && v.trim() !== '') out[f.key] = v.trim();
  }
  return out;
}

/**
 * Checks values against a definition. `today` is the hall's local date (YYYY-MM-DD).
 * Card fields may be blank even when required (completed at the window), unless the card
 * was read: then the kiosk has them. Unknown keys are refused so nothing unexpected is stored.
 */
export function validateForm(def: FormDefinition, values: FormValues, today: string): FormIssue[] {
  const issues: FormIssue[] = [];
  const known = new Set(def.fields.map((f) => f.key));
  for (const key of Object.keys(values))
    if (!known.has(key)) issues.push({ key, messageZh: '表单中没有此项', message: `unknown field ${key}` });
  const todayN = dayNumber(today);
  for (const f of def.fields) {
    const raw = values[f.key];
    const v = typeof raw === 'string' ? raw.trim() : '';
    if (raw !== undefined && typeof raw !== 'string') {
      issues.push({ key: f.key, messageZh: `${f.label}格式有误`, message: `${f.key} must be a string` });
      continue;
    }
    if (v === '') {
      if (f.required && f.kind !== 'card')
        issues.push({ key: f.key, messageZh: `请填写${f.label}`, message: `${f.key} is required` });
      continue;
    }
    if (v.length > 140) {
      issues.push({
        key: f.key,
        messageZh: `${f.label}过长`,
        message: `${f.key} is longer than 140 characters`,
      });
      continue;
    }
    switch (f.kind) {
      case 'choice':
        if (!f.options?.some((o) => o.value === v))
          issues.push({
            key: f.key,
            messageZh: `请从选项中选择${f.label}`,
            message: `${f.key}: "${v}" is not an option`,
          });
        break;
      case 'phone':
        if (!MOBILE.test(v))
          issues.push({
            key: f.key,
            messageZh: '请输入11位手机号码',
            message: `${f.key} must be an 11-digit mainland mobile number`,
          });
        break;
      case 'digits': {
        const min = f.minLength ?? 1;
        const max = f.maxLength ?? 40;
        if (!/^\d+$/.test(v) || v.length < min || v.length > max)
          issues.push({
            key: f.key,
            messageZh: min === max ? `${f.label}应为${min}位数字` : `${f.label}应为${min}至${max}位数字`,
            message: `${f.key} must be ${min}–${max} digits`,
          });
        break;
      }
      case 'id-number': {
        const r = parseIdNumber(v);
        if (!r.ok)
          issues.push({
            key: f.key,
            messageZh: '证件号码有误，请核对',
            message: `${f.key} is not a valid ID number`,
          });
        break;
      }
      case 'date': {
        const n = dayNumber(v);
        if (n === null) {
          issues.push({
            key: f.key,
            messageZh: `请选择${f.label}`,
            message: `${f.key} must be a date YYYY-MM-DD`,
          });
          break;
        }
        if (todayN !== null) {
          if (f.minDays !== undefined && n < todayN + f.minDays)
            issues.push({
              key: f.key,
              messageZh: `${f.label}太早`,
              message: `${f.key} is before the allowed range`,
            });
          if (f.maxDays !== undefined && n > todayN + f.maxDays)
            issues.push({
              key: f.key,
              messageZh: `${f.label}太晚`,
              message: `${f.key} is after the allowed range`,
            });
        }
        break;
      }
      case 'card':
        break;
    }
  }
  return issues;
}

/** The value as a person reads it: the option label for a choice. */
export function displayValue(f: FormField, value: string | undefined): string {
  if (value === undefined || value === '') return '';
  if (f.kind === 'choice') return f.options?.find((o) => o.value === value)?.label ?? value;
  return value;
}
