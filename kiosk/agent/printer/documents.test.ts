import { describe, expect, it } from 'vitest';
import {
  acceptanceInput,
  completionInput,
  PERSON,
  rejectionInput,
  supplementInput,
  ticketInput,
} from './documents.fixtures.ts';
import {
  acceptanceReceiptDocument,
  completionSlipDocument,
  formatDateZh,
  formatLocalDateTime,
  queueTicketDocument,
  rejectionNoticeDocument,
  supplementNoticeDocument,
  ticketStatusUrl,
} from './documents.ts';
import type { ChineseMode } from './escpos.ts';
import { type PrintedItem, printedItems } from './escpos-decode.ts';
import { expectRoundTrip } from './escpos-roundtrip.fixtures.ts';
import { PAPER_58MM, PAPER_80MM, type PaperSpec, type PrintDocument } from './layout.ts';
import { qrMatrix } from './preview.ts';

const PAPERS = [PAPER_58MM, PAPER_80MM] as const;
const MODES: ChineseMode[] = ['fs-ampersand', 'none'];

const DOCUMENTS: Record<string, (paper: PaperSpec) => PrintDocument> = {
  'queue ticket': (p) => queueTicketDocument(ticketInput(), p),
  'queue ticket, Chinese only': (p) => queueTicketDocument(ticketInput({ english: false }), p),
  业务回单: (p) => completionSlipDocument(completionInput(), p),
  业务受理回执: (p) => acceptanceReceiptDocument(acceptanceInput(), p),
  不予受理告知单: (p) => rejectionNoticeDocument(rejectionInput(), p),
  一次性补正告知书: (p) => supplementNoticeDocument(supplementInput(), p),
};

/** The printed document, via the bytes and the strict decoder. */
function printed(doc: PrintDocument, paper: PaperSpec): PrintedItem[] {
  return printedItems(expectRoundTrip(doc, paper));
}

function lineTexts(items: readonly PrintedItem[]): string[] {
  return items.flatMap((i) => (i.kind === 'line' ? [i.text] : []));
}

/** All text with line breaks and hanging indents removed, so wrapped sentences can be searched whole. */
function joined(items: readonly PrintedItem[]): string {
  return lineTexts(items)
    .map((t) => t.trimStart())
    .join('');
}

describe.each(Object.entries(DOCUMENTS))('%s', (_name, build) => {
  it.each(PAPERS.flatMap((paper) => MODES.map((mode) => [paper.widthMm, mode, paper] as const)))(
    'prints through the strict decoder exactly as laid out (%i mm, %s)',
    (_mm, mode, paper) => {
      const commands = expectRoundTrip(build(paper), paper, mode);
      const items = printedItems(commands);
      for (const item of items) {
        if (item.kind === 'line') {
          expect(item.text.length).toBeGreaterThan(0);
        }
        if (item.kind === 'qr') {
          // The symbol fits the paper's printable width.
          expect(qrMatrix(item.data, item.ecc).size * item.moduleSize).toBeLessThanOrEqual(
            paper.charsPerLine * 12,
          );
        }
      }
      expect(items.at(-1)).toEqual({ kind: 'cut' });
      expect(items.filter((i) => i.kind === 'cut')).toHaveLength(1);
    },
  );

  it('prints no personal data unmasked', () => {
    for (const paper of PAPERS) {
      const text = joined(printed(build(paper), paper));
      expect(text).not.toContain(PERSON.name);
      expect(text).not.toContain(PERSON.phone);
      expect(text).not.toContain(PERSON.idNumber);
      expect(text).not.toMatch(/1[3-9]\d{9}/);
    }
  });
});

describe('queue ticket', () => {
  it('EST-1 prints the server range in the words of the kiosk screen and the boards', () => {
    const items = printed(
      queueTicketDocument(ticketInput({ estimatedWaitRange: { low: 15, high: 25 } }), PAPER_80MM),
      PAPER_80MM,
    );
    const text = lineTexts(items);
    expect(text).toContain('预计等候约 15–25 分钟');
    expect(text).toContain('Wait about 15–25 min');
    expect(text).not.toContain('预计等候约 15 分钟');
  });

  it('shows the number large and on one line, the queue position, wait, time and reminder', () => {
    for (const paper of PAPERS) {
      const items = printed(queueTicketDocument(ticketInput(), paper), paper);
      const number = items.find((i) => i.kind === 'line' && i.text === 'A012');
      expect(number).toMatchObject({ align: 'center', bold: true, width: 4, height: 4 });
      const text = lineTexts(items);
      expect(text).toContain('成都市社会保险事业管理局服务大厅');
      expect(text).toContain('综合业务');
      expect(text).toContain('您前面还有 3 人等候');
      expect(text).toContain('预计等候约 15 分钟');
      expect(text).toContain('取号时间：2025-03-05 09:12');
      expect(text).toContain('请留意叫号，过号请到咨询引导台');
      expect(text).toContain('咨询电话：028-12345678');
      // English comes second and at size 1
      const zh = text.indexOf('您前面还有 3 人等候');
      expect(text[zh + 1]).toBe('3 ahead of you');
    }
  });

  it('encodes the status page URL in the QR code', () => {
    const items = printed(queueTicketDocument(ticketInput(), PAPER_58MM), PAPER_58MM);
    const qrs = items.filter((i) => i.kind === 'qr');
    expect(qrs).toEqual([
      { kind: 'qr', data: 'https://hall.example.cn/t/tk_01HZX3QK', moduleSize: 6, ecc: 'M', align: 'center' },
    ]);
  });

  it('says the citizen is next when nobody is ahead, and omits an unknown wait', () => {
    const items = printed(
      queueTicketDocument(
        ticketInput({ peopleAhead: 0, estimatedWaitMinutes: null, english: false }),
        PAPER_58MM,
      ),
      PAPER_58MM,
    );
    const text = lineTexts(items);
    expect(text).toContain('您前面没有人等候，请留意叫号');
    expect(text.some((t) => t.includes('预计'))).toBe(false);
    expect(text.some((t) => /[a-z]{3}/.test(t) && !t.startsWith('-'))).toBe(false);
  });

  it('prints a long number smaller rather than splitting it', () => {
    const items = printed(queueTicketDocument(ticketInput({ number: 'VIP00123' }), PAPER_58MM), PAPER_58MM);
    expect(items.find((i) => i.kind === 'line' && i.text === 'VIP00123')).toMatchObject({ width: 4 });
    const long = printed(queueTicketDocument(ticketInput({ number: 'ABCDE00123' }), PAPER_58MM), PAPER_58MM);
    expect(long.find((i) => i.kind === 'line' && i.text === 'ABCDE00123')).toMatchObject({ width: 3 });
  });

  it('prints the item, the priority note and a kiosk form summary with its code as a second QR', () => {
    const items = printed(
      queueTicketDocument(
        ticketInput({
          itemName: '企业职工参保登记',
          priorityNote: '老年人优先',
          application: {
            code: 'F1126-A012',
            title: '参保登记表',
            lines: ['姓名：张*三', '手机：138****5678'],
          },
        }),
        PAPER_80MM,
      ),
      PAPER_80MM,
    );
    const text = lineTexts(items);
    expect(text.indexOf('企业职工参保登记')).toBeLessThan(text.indexOf('A012'));
    expect(text[text.indexOf('A012') + 1]).toBe('老年人优先');
    expect(text.slice(text.indexOf('参保登记表'))).toEqual(
      expect.arrayContaining(['姓名：张*三', '手机：138****5678', '申请表编号 F1126-A012']),
    );
    expect(items.filter((i) => i.kind === 'qr').map((i) => (i as { data: string }).data)).toEqual([
      'https://hall.example.cn/t/tk_01HZX3QK',
      'F1126-A012',
    ]);
  });

  it('rejects a negative queue position', () => {
    expect(() => queueTicketDocument(ticketInput({ peopleAhead: -1 }), PAPER_58MM)).toThrow(RangeError);
  });
});

describe('ticketStatusUrl', () => {
  it('joins base and id, percent-encoding the id', () => {
    expect(ticketStatusUrl('https://hall.example.cn/', 'A 1/2')).toBe('https://hall.example.cn/t/A%201%2F2');
    expect(ticketStatusUrl('http://10.0.0.5:8080/q', 'x')).toBe('http://10.0.0.5:8080/q/t/x');
  });

  it('rejects a base that is not an http(s) URL, and an empty id', () => {
    expect(() => ticketStatusUrl('hall.example.cn', 'x')).toThrow(RangeError);
    expect(() => ticketStatusUrl('https://hall.example.cn', '')).toThrow(RangeError);
  });
});

describe('业务回单', () => {
  it('has the number, item, masked applicant and ID, window, result, time and clerk', () => {
    const text = lineTexts(printed(completionSlipDocument(completionInput(), PAPER_80MM), PAPER_80MM));
    expect(text).toContain('业务回单');
    expect(text).toContain('回单编号：HD-20250305-0042');
    expect(text).toContain(`申请人：${PERSON.maskedName}`);
    expect(text).toContain(`证件号码：${PERSON.maskedIdNumber}`);
    expect(text).toContain('办理窗口：3号窗口');
    expect(text).toContain('办结时间：2025-03-05 09:30');
    expect(text).toContain('经办人：王芳（工号 A0123）');
  });
});

describe('业务受理回执', () => {
  it('has every field LD/T 02 asks for, with masked applicant and phone', () => {
    const items = printed(acceptanceReceiptDocument(acceptanceInput(), PAPER_58MM), PAPER_58MM);
    const text = joined(items);
    for (const expected of [
      '业务受理回执',
      '受理编号：SL-20250305-0107',
      `申请人：${PERSON.maskedName}`,
      `联系电话：${PERSON.maskedPhone}`,
      '申请事项：城乡居民基本养老保险待遇申领',
      '申请日期：2025年3月4日',
      '受理日期：2025年3月5日',
      '已收材料（共3项）：',
      '1. 居民身份证（原件，1份）',
      '2. 户口簿（原件及复印件，1份）',
      '受理人：王芳（工号 A0123）',
      '办结时限：15个工作日',
      '预计办结：2025年3月26日前',
      '进度查询：拨打12333',
    ]) {
      expect(text).toContain(expected);
    }
    expect(items.filter((i) => i.kind === 'qr').map((i) => i.kind === 'qr' && i.data)).toEqual([
      'https://hall.example.cn/case/SL-20250305-0107',
    ]);
  });

  it('says 无 when no material was taken in, and prints no QR without a progress URL', () => {
    const items = printed(
      acceptanceReceiptDocument(acceptanceInput({ materials: [], progressUrl: undefined }), PAPER_58MM),
      PAPER_58MM,
    );
    expect(lineTexts(items)).toContain('已收材料：无');
    expect(items.some((i) => i.kind === 'qr')).toBe(false);
  });
});

describe('不予受理告知单', () => {
  it('states every reason, numbered, the basis, and the right to 行政复议 (60 days) or 行政诉讼 (6 months)', () => {
    for (const paper of PAPERS) {
      const text = joined(printed(rejectionNoticeDocument(rejectionInput(), paper), paper)).replace(
        / {2,}/g,
        ' ',
      );
      expect(text).toContain('不予受理告知单');
      expect(text).toContain('决定不予受理。理由如下：');
      expect(text).toContain('1. 申请人未达到按月领取基本养老金的年龄（年满60周岁），不符合申领条件。');
      expect(text).toContain('2. 申请人已按月领取城镇职工基本养老保险待遇，不得重复领取。');
      expect(text).toContain(
        '依据：1. 《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）',
      );
      expect(text).toContain(
        '如对本决定不服，可以自收到本告知单之日起六十日内依法向成都市人民政府申请行政复议，' +
          '也可以自收到本告知单之日起六个月内依法向有管辖权的人民法院提起行政诉讼。',
      );
      expect(text).toContain('经办机构：成都市社会保险事业管理局');
    }
  });

  it('names generic bodies when the hall has not set them, and omits an empty basis', () => {
    const text = joined(
      printed(
        rejectionNoticeDocument(
          rejectionInput({ reviewBody: undefined, court: undefined, legalBasis: undefined }),
          PAPER_80MM,
        ),
        PAPER_80MM,
      ),
    );
    expect(text).toContain('依法向有关行政复议机关申请行政复议');
    expect(text).toContain('依法向人民法院提起行政诉讼');
    expect(text).not.toContain('依据：');
  });

  it('refuses a notice without reasons', () => {
    expect(() => rejectionNoticeDocument(rejectionInput({ reasons: [] }), PAPER_58MM)).toThrow(RangeError);
  });
});

describe('一次性补正告知书', () => {
  it('lists ALL the missing materials, numbered in order, with the count', () => {
    for (const paper of PAPERS) {
      const input = supplementInput();
      const text = joined(printed(supplementNoticeDocument(input, paper), paper));
      expect(text).toContain(`现一次性告知您需要补正的全部材料（共${input.missing.length}项）：`);
      let from = 0;
      input.missing.forEach((m, i) => {
        const at = text.indexOf(`${i + 1}. ${m.name}`, from);
        expect(at, `item ${i + 1} ${m.name}`).toBeGreaterThanOrEqual(from);
        from = at;
      });
      expect(text).toContain('1. 死亡证明（原件，1份）：医疗机构或公安机关出具');
      expect(text).toContain('4. 委托书（原件，1份）：代办时提交，须委托人签字');
      expect(text).toContain('请于2025年3月20日前补正。');
    }
  });

  it('lists 30 items without losing one', () => {
    const missing = Array.from({ length: 30 }, (_, i) => ({ name: `材料${i + 1}` }));
    const text = joined(
      printed(supplementNoticeDocument(supplementInput({ missing }), PAPER_58MM), PAPER_58MM),
    );
    for (let i = 1; i <= 30; i++) {
      expect(text).toContain(`${i}. 材料${i}`);
    }
  });

  it('refuses a notice with nothing missing', () => {
    expect(() => supplementNoticeDocument(supplementInput({ missing: [] }), PAPER_58MM)).toThrow(RangeError);
  });
});

describe('date formatting', () => {
  it('prints dates the Chinese way and rejects impossible ones', () => {
    expect(formatDateZh('2025-03-05')).toBe('2025年3月5日');
    expect(() => formatDateZh('2025-02-30')).toThrow(RangeError);
    expect(() => formatDateZh('2025-3-5')).toThrow(RangeError);
  });

  it('formats an instant at the hall offset', () => {
    expect(formatLocalDateTime(Date.UTC(2025, 2, 4, 16, 5), 480)).toBe('2025-03-05 00:05');
  });
});
