/** The admin's live check of a registered SMS template and the outbox labels (SPEC NOTE-UI-2). */

import { templateTextIssues } from '@onewindow/shared/notices.schema.ts';
import { NOTICE_STATUSES, NOTICE_TEMPLATE_IDS, NOTICE_TEMPLATE_PARAMS } from '@onewindow/shared/notices.ts';
import { describe, expect, it } from 'vitest';
import {
  checkTemplate,
  NOTICE_STATUS_LABEL,
  PARAM_INFO,
  smsParts,
  TEMPLATE_PURPOSE,
  templatePieces,
} from './notices.ts';

describe('checkTemplate (NOTE-UI-2)', () => {
  it('a valid text: used and missing placeholders, no errors, a sample with example values', () => {
    const c = checkTemplate('case-ready', '【{hallName}】您的{itemName}已办结，请取件。', 'SMS_100');
    expect(c.used).toEqual(['hallName', 'itemName']);
    expect(c.missing).toEqual(['receiptNo']);
    expect(c.unknown).toEqual([]);
    expect(c.errors).toEqual([]);
    expect(c.sample).toBe('【示例区社会保险服务大厅】您的城镇职工基本养老保险关系转移接续已办结，请取件。');
    expect(c.parts).toBe(1);
  });

  it('an unknown placeholder is an error naming it and the allowed ones, in Chinese', () => {
    const c = checkTemplate('queue-called', '请{number}号到{window}号窗口', 'Q1');
    expect(c.unknown).toEqual(['window']);
    expect(c.errors).toEqual(['不能使用参数 {window}，可用：{hallName}、{number}、{windowNo}']);
    // The sample leaves the unknown placeholder visible, as the worker would.
    expect(c.sample).toBe('请A012号到{window}号窗口');
  });

  it('refuses what the server refuses: the same placeholders as templateTextIssues for every template', () => {
    for (const id of NOTICE_TEMPLATE_IDS) {
      const text = `${NOTICE_TEMPLATE_PARAMS[id].map((p) => `{${p}}`).join('')}{bogus}{code}`;
      expect(checkTemplate(id, text, 'X').unknown.length > 0, id).toBe(
        templateTextIssues(id, text).length > 0,
      );
      expect(checkTemplate(id, text, 'X').unknown.length, id).toBe(templateTextIssues(id, text).length);
    }
  });

  it('length and operator code as NOTE-TPL-2 says', () => {
    expect(checkTemplate('otp', '  {code}  ', 'A').errors).toEqual([]);
    expect(checkTemplate('otp', ' 验证 ', 'A').errors).toEqual(['模板内容至少 4 个字']);
    expect(checkTemplate('otp', '码'.repeat(301), 'A').errors).toEqual(['模板内容不超过 300 个字']);
    expect(checkTemplate('otp', '验证码{code}', 'SMS 1').errors).toEqual([
      '运营商模板编号只能是字母、数字、下划线或短横线（1–64 位）',
    ]);
    expect(checkTemplate('otp', '验证码{code}', 'a'.repeat(65)).errors).toHaveLength(1);
    expect(checkTemplate('otp', '验证码{code}', 'SMS_2026-a').errors).toEqual([]);
  });
});

describe('templatePieces and smsParts', () => {
  it('cuts the text into runs and placeholders, marking the ones its notices do not carry', () => {
    expect(templatePieces('queue-ahead', '{number}号前面还有{ahead}人{x}')).toEqual([
      { kind: 'param', name: 'number', allowed: true },
      { kind: 'text', text: '号前面还有' },
      { kind: 'param', name: 'ahead', allowed: true },
      { kind: 'text', text: '人' },
      { kind: 'param', name: 'x', allowed: false },
    ]);
    expect(templatePieces('otp', '无参数')).toEqual([{ kind: 'text', text: '无参数' }]);
  });

  it('one SMS up to 70 UCS2 units, then parts of 67', () => {
    expect([0, 1, 70, 71, 134, 135].map((n) => smsParts('字'.repeat(n)))).toEqual([0, 1, 1, 2, 2, 3]);
  });

  it('every template, parameter and status has its Chinese label', () => {
    for (const id of NOTICE_TEMPLATE_IDS) {
      expect(TEMPLATE_PURPOSE[id].zh, id).toMatch(/\p{Script=Han}/u);
      for (const p of NOTICE_TEMPLATE_PARAMS[id]) expect(PARAM_INFO[p]?.zh, p).toMatch(/\p{Script=Han}/u);
    }
    for (const s of NOTICE_STATUSES) expect(NOTICE_STATUS_LABEL[s].zh).toMatch(/\p{Script=Han}/u);
  });
});
