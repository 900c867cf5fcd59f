/**
 * Validation issues in plain Chinese for staff screens (SPEC CON-ZH-1): "适用范围：不能为空"
 * instead of "guide.scope Too small: expected string to have >=1 characters".
 *
 * Two inputs meet here: a zod issue checked in the browser (`zodIssueZh`, from its code and
 * bounds), and an issue the server sent back in a BAD_REQUEST (`wireIssueZh`: only a dotted path
 * and zod's English sentence, read back into its parts). Field names come from a label table the
 * screen passes in; a path segment without a label is shown as it is, a row index as 第N项.
 * Imports only zod's types, so a view that uses it bundles no zod.
 */
import type { core } from 'zod';

/**
 * Chinese names of fields: keyed by a whole dotted path with row numbers written `*`
 * (`items.*.guide.scope`), or by a single segment (`scope`). The whole path wins.
 */
export type FieldLabels = Readonly<Record<string, string>>;

/** An issue as the server's BAD_REQUEST carries it (`ApiError.issues`). */
export interface WireIssue {
  path: string;
  message: string;
  messageZh?: string;
}

const ORIGIN_UNIT: Record<string, string> = {
  string: '个字',
  array: '项',
  set: '项',
  map: '项',
  file: '字节',
};
const TYPE_ZH: Record<string, string> = {
  string: '文字',
  number: '数字',
  int: '整数',
  boolean: '是/否',
  array: '列表',
  object: '一组字段',
  date: '日期',
  bigint: '整数',
};

/** The sentence for one zod issue, without the field's name. */
export function zodIssueZh(issue: core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null
        ? '必须填写'
        : `应为${TYPE_ZH[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `只能是 ${String(issue.values[0])}`
        : `只能是以下之一：${issue.values.map(String).join('、')}`;
    case 'too_small':
      return tooSmall(issue.origin, Number(issue.minimum), issue.inclusive ?? true, issue.exact === true);
    case 'too_big':
      return tooBig(issue.origin, Number(issue.maximum), issue.inclusive ?? true, issue.exact === true);
    case 'invalid_format':
      return '格式不正确';
    case 'not_multiple_of':
      return `应为 ${String(issue.divisor)} 的倍数`;
    case 'unrecognized_keys':
      return `有不认识的字段：${issue.keys.join('、')}`;
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return '填写有误';
    case 'custom':
      return hasChinese(issue.message) ? issue.message : '填写有误';
  }
}

function tooSmall(origin: string, min: number, inclusive: boolean, exact: boolean): string {
  const unit = ORIGIN_UNIT[origin];
  if (unit === undefined) return exact ? `应为 ${min}` : inclusive ? `不能小于 ${min}` : `应大于 ${min}`;
  if (exact) return `应为 ${min} ${unit}`;
  const least = inclusive ? min : min + 1;
  if (least <= 1) return origin === 'string' ? '不能为空' : '至少选一项';
  return `至少 ${least} ${unit}`;
}

function tooBig(origin: string, max: number, inclusive: boolean, exact: boolean): string {
  const unit = ORIGIN_UNIT[origin];
  if (unit === undefined) return exact ? `应为 ${max}` : inclusive ? `不能大于 ${max}` : `应小于 ${max}`;
  if (exact) return `应为 ${max} ${unit}`;
  return `不能超过 ${inclusive ? max : max - 1} ${unit}`;
}

const hasChinese = (s: string) => /[\u4e00-\u9fff]/.test(s);

/**
 * The Chinese name of a field path: each segment's label joined by ' · ', a row index as 第N项.
 * A whole-path label (rows as `*`) wins over the segments' own.
 */
export function fieldLabelZh(path: string | readonly PropertyKey[], labels: FieldLabels = {}): string {
  const parts = (typeof path === 'string' ? path.split('.') : path.map(String)).filter((p) => p !== '');
  if (parts.length === 0 || (parts.length === 1 && parts[0] === '(root)')) return '';
  const pattern = parts.map((p) => (/^\d+$/.test(p) ? '*' : p)).join('.');
  const whole = labels[pattern];
  if (whole !== undefined) {
    const rows = parts.filter((p) => /^\d+$/.test(p)).map((p) => `第${Number(p) + 1}项`);
    return [...rows, whole].join(' · ');
  }
  return parts.map((p) => (/^\d+$/.test(p) ? `第${Number(p) + 1}项` : (labels[p] ?? p))).join(' · ');
}

/** "适用范围：不能为空" for each zod issue (a form checked in the browser). */
export function zodIssuesZh(issues: readonly core.$ZodIssue[], labels: FieldLabels = {}): string[] {
  return issues.map((i) => withField(fieldLabelZh(i.path, labels), zodIssueZh(i)));
}

const withField = (field: string, sentence: string) => (field === '' ? sentence : `${field}：${sentence}`);

/**
 * One issue from the server in Chinese. Its own `messageZh` wins; zod's English sentences are
 * read back into their parts; any other English becomes 填写有误 with the original kept in
 * brackets, so an integrator's precise text is still there to read.
 */
export function wireIssueZh(issue: WireIssue, labels: FieldLabels = {}): string {
  const field = fieldLabelZh(issue.path, labels);
  if (issue.messageZh !== undefined && issue.messageZh !== '') return withField(field, issue.messageZh);
  return withField(field, englishZodZh(issue.message));
}

/** All of a refusal's issues, joined for one line (at most `max`, then 等N处). */
export function wireIssuesZh(issues: readonly WireIssue[], labels: FieldLabels = {}, max = 5): string {
  const shown = issues.slice(0, max).map((i) => wireIssueZh(i, labels));
  return issues.length > max ? `${shown.join('；')}；等 ${issues.length} 处` : shown.join('；');
}

/** zod 4's English sentences (its `en` locale) back into a Chinese sentence. */
function englishZodZh(message: string): string {
  if (hasChinese(message)) return message;
  let m = /^Too (small|big): expected (\w+) to (?:have|be) (exactly |>=|<=|>|<)(-?[\d.]+)/.exec(message);
  if (m !== null) {
    const [, dir, origin = '', adj, n] = m;
    const exact = adj === 'exactly ';
    const inclusive = adj === '>=' || adj === '<=';
    return dir === 'small'
      ? tooSmall(origin, Number(n), inclusive, exact)
      : tooBig(origin, Number(n), inclusive, exact);
  }
  m = /^Invalid input: expected (\w+), received (\w+)/.exec(message);
  if (m !== null)
    return m[2] === 'undefined' || m[2] === 'null' ? '必须填写' : `应为${TYPE_ZH[m[1] ?? ''] ?? m[1]}`;
  m = /^Invalid option: expected one of (.+)$/.exec(message);
  if (m !== null) return `只能是以下之一：${(m[1] ?? '').replaceAll('"', '').split('|').join('、')}`;
  if (/^Invalid (string|input|number)|^Invalid \w+$/.test(message)) return '格式不正确';
  if (/^Unrecognized key/.test(message)) return `有不认识的字段（${message}）`;
  return `填写有误（${message}）`;
}
