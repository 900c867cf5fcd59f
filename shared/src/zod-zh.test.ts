import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldLabelZh, wireIssuesZh, wireIssueZh, zodIssuesZh } from './zod-zh.ts';

const LABELS = {
  scope: '适用范围',
  guide: '办事指南',
  name: '事项名称',
  'items.*.code': '事项编码',
  days: '时限天数',
};

const item = z.object({
  name: z.string().min(1).max(10),
  days: z.number().int().min(1),
  kind: z.enum(['instant', 'promised']),
  guide: z.object({ scope: z.string().min(1), materials: z.array(z.string()).min(2) }),
});

const bad = { name: 'x'.repeat(11), days: 0, kind: 'other', guide: { scope: '', materials: [] } };

describe('CON-ZH-1 zod issues in Chinese with Chinese field names', () => {
  it('says each issue of a real parse in Chinese, naming the field by its label', () => {
    const r = item.safeParse(bad);
    expect(r.success).toBe(false);
    const lines = zodIssuesZh(r.error!.issues, LABELS);
    expect(lines).toEqual([
      '事项名称：不能超过 10 个字',
      '时限天数：不能小于 1',
      'kind：只能是以下之一：instant、promised',
      '办事指南 · 适用范围：不能为空',
      '办事指南 · materials：至少 2 项',
    ]);
    expect(zodIssuesZh(item.safeParse({}).error!.issues, LABELS)[0]).toBe('事项名称：必须填写');
  });

  it('reads the English a server sent back (zod 4 en locale) into the same Chinese sentences', () => {
    const r = item.safeParse(bad);
    const wire = r.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    expect(wire[3]).toEqual({
      path: 'guide.scope',
      message: 'Too small: expected string to have >=1 characters',
    });
    expect(wire.map((i) => wireIssueZh(i, LABELS))).toEqual(zodIssuesZh(r.error!.issues, LABELS));
    const missing = item.safeParse({}).error!.issues[0]!;
    expect(wireIssueZh({ path: 'name', message: missing.message }, LABELS)).toBe('事项名称：必须填写');
  });

  it('names rows as 第N项, lets a whole-path label win, and keeps unknown English readable', () => {
    expect(fieldLabelZh('items.3.guide.scope', LABELS)).toBe('items · 第4项 · 办事指南 · 适用范围');
    expect(fieldLabelZh('items.0.code', LABELS)).toBe('第1项 · 事项编码');
    expect(fieldLabelZh('(root)', LABELS)).toBe('');
    expect(wireIssueZh({ path: 'items.0.code', message: 'duplicate code X (also row 2)' }, LABELS)).toBe(
      '第1项 · 事项编码：填写有误（duplicate code X (also row 2)）',
    );
    expect(wireIssueZh({ path: 'date', message: 'bad', messageZh: '请填写正确的日期' })).toBe(
      'date：请填写正确的日期',
    );
    const many = Array.from({ length: 7 }, (_, i) => ({
      path: `name`,
      message: `Invalid input: expected string, received number ${i}`,
    }));
    expect(wireIssuesZh(many, LABELS, 2)).toBe('事项名称：应为文字；事项名称：应为文字；等 7 处');
  });
});
