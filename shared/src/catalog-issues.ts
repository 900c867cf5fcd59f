/**
 * Validation issues of a catalog item in Chinese for the admin (SPEC ADM-7): the field by its
 * Chinese name (办事指南·适用范围, 申办材料第2项·材料名称) and what is wrong in plain words
 * (不能为空, 最多 200 个字), instead of zod's `guide.scope Too small…`. One function for the
 * server's refusal and the console's live check, so both say the same.
 */
import type { z } from 'zod';
import { SERVICE_GUIDE_ELEMENTS } from './catalog.ts';

const ITEM_LABELS: Readonly<Record<string, string>> = {
  code: '事项编码',
  implCode: '实施编码',
  name: '事项名称',
  nameEn: '英文名称',
  kind: '事项类型',
  categoryId: '排队类别',
  timeLimit: '办理时限',
  channels: '服务渠道',
  verified: '时限已核实',
  source: '时限来源',
  guide: '办事指南',
  form: '自助表单',
  identityRequired: '需要验证身份',
  reviewLevels: '审核级数',
  precheck: '网上预审（高风险）',
  retention: '保管期限',
  initials: '拼音首字母',
};

const LIMIT_LABELS: Readonly<Record<string, string>> = {
  text: '公布文字',
  textEn: '英文',
  days: '天数',
  unit: '单位',
  note: '核实说明',
};

const GUIDE_LABELS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(SERVICE_GUIDE_ELEMENTS.map((e) => [e.key, e.label])),
  scopeEn: '适用范围（英文）',
  note: '编写说明',
};

const MATERIAL_LABELS: Readonly<Record<string, string>> = {
  name: '材料名称',
  nameEn: '英文名称',
  form: '材料形式',
  copies: '份数',
  required: '是否必需',
  note: '填报说明',
  noteEn: '填报说明（英文）',
  commonlyMissing: '常缺材料',
  sharedData: '免提交',
  identity: '身份证件',
};

const FORM_LABELS: Readonly<Record<string, string>> = {
  title: '表单名称',
  titleEn: '英文名称',
  fields: '填写项',
  key: '键名',
  label: '名称',
  labelEn: '英文名称',
  kind: '类型',
  required: '必填',
  hint: '提示',
  hintEn: '英文提示',
  prefill: '读卡填写',
  options: '选项',
  value: '值',
  minLength: '最短位数',
  maxLength: '最长位数',
  minDays: '最早日期',
  maxDays: '最晚日期',
};

/** A path of an item (`guide.materials.1.name`) in Chinese: 办事指南·申办材料第2项·材料名称. */
export function catalogFieldLabel(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map((p) => (typeof p === 'symbol' ? String(p.description) : p));
  if (head === undefined) return '事项';
  const out: string[] = [ITEM_LABELS[String(head)] ?? String(head)];
  let labels: Readonly<Record<string, string>> =
    head === 'guide'
      ? GUIDE_LABELS
      : head === 'timeLimit'
        ? LIMIT_LABELS
        : head === 'form'
          ? FORM_LABELS
          : {};
  for (const p of rest) {
    if (typeof p === 'number') {
      out[out.length - 1] += `第${p + 1}项`;
      continue;
    }
    if (head === 'guide' && p === 'materials') {
      out.push(GUIDE_LABELS.materials!);
      labels = MATERIAL_LABELS;
      continue;
    }
    out.push(labels[p] ?? p);
  }
  return out.join('·');
}

/** Rules written as refinements, by their English message. */
const CUSTOM_ZH: Readonly<Record<string, string>> = {
  'material names must be unique within a guide': '材料名称不能重复',
  'a unit needs a number of days': '选了单位就要填天数',
  'a verified item needs the wording of its time limit':
    '已核实的事项须填写公布文字（未核实的可以留空，自助机不显示）',
};

/** What is wrong, in Chinese, for one zod issue (without the field's name). */
function problemZh(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1 ? '不能为空' : `至少 ${issue.minimum} 个字`;
      if (issue.origin === 'array' || issue.origin === 'set') return `至少需要 ${issue.minimum} 项`;
      return `不能小于 ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `最多 ${issue.maximum} 个字`;
      if (issue.origin === 'array' || issue.origin === 'set') return `最多 ${issue.maximum} 项`;
      return `不能大于 ${issue.maximum}`;
    case 'invalid_type':
      return issue.input === undefined ? '不能为空' : '格式有误';
    case 'invalid_value':
      return '取值无效';
    case 'invalid_format':
      return issue.format === 'regex' ? '只能用字母、数字和 . _ -（最长 64 位）' : '格式有误';
    case 'unrecognized_keys':
      return `有不认识的字段：${issue.keys.join('、')}`;
    case 'invalid_union':
      return '取值无效';
    case 'custom':
      return CUSTOM_ZH[issue.message] ?? '填写有误';
    default:
      return '格式有误';
  }
}

/** One issue as the admin reads it: 办事指南·适用范围 不能为空. */
export function catalogIssueZh(issue: z.core.$ZodIssue): string {
  return `${catalogFieldLabel(issue.path)} ${problemZh(issue)}`;
}
