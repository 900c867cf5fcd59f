import { describe, expect, it } from 'vitest';
import {
  findPersonalData,
  maskPersonalData,
  pauseReasonLabel,
  personalDataRefusal,
} from './personal-data.ts';

describe('personal numbers in free text (SPEC SEC-TXT-2)', () => {
  it.each([
    ['身份证 110105194912310012 本人', 'id-number'],
    ['旧证 110105491231001', 'id-number'],
    ['尾号X 11010519491231002x', 'id-number'],
    ['全角 １１０１０５１９４９１２３１００１２', 'id-number'],
    ['电话13812345678', 'phone'],
    ['电话 138-1234-5678 ', 'phone'],
    ['卡号 6222 0212 3456 7890 123', 'bank-card'],
    ['卡号6222021234567890', 'bank-card'],
  ])('finds the number in %s', (text, kind) => {
    const hits = findPersonalData(text);
    expect(hits.map((h) => h.kind)).toEqual([kind]);
    expect(maskPersonalData(text)).not.toMatch(/\d{4}/);
    expect(personalDataRefusal(text)).toMatch(/^不能填写/);
  });

  it.each([
    '张三回家取户口本',
    '预计 3 个工作日办结，2026-12-07 再来',
    '号码 A012 已过号',
    '窗口 12 转 7',
    '第 1 项材料缺复印件 2 份',
  ])('lets an ordinary note through: %s', (text) => {
    expect(findPersonalData(text)).toEqual([]);
    expect(personalDataRefusal(text)).toBeNull();
  });

  it('SEC-TXT-1 a pause reason shows as its label; an unknown code as 暂停服务', () => {
    expect(pauseReasonLabel('lunch')).toBe('午间休息');
    expect(pauseReasonLabel('lunch', 'en')).toBe('Lunch break');
    expect(pauseReasonLabel('张三 110105194912310012')).toBe('暂停服务');
  });
});
