/**
 * What the hall prints: the queue ticket at the kiosk (DOMAIN.md "Queue conventions") and the
 * window slips of LD/T 02 §9.3.6 and §9.4 — 业务回单, 业务受理回执, 不予受理告知单 and
 * 一次性补正告知书 — as layouts that escpos.ts prints and preview.ts draws.
 *
 * Inputs are the shared print contract (`@onewindow/shared` print.ts: the data of a print
 * job's document, which render.ts parses before it gets here) and carry the raw values; every
 * personal field (applicant name, phone, ID number) is masked here with the shared maskers, so a
 * caller cannot print one whole by mistake. Clerks' names and 工号 are printed in full: the
 * window and the rating pad show them to the public.
 */
import {
  type AcceptanceReceiptData,
  type CompletionSlipData,
  type GuideMaterialForm,
  maskIdNumber,
  maskName,
  maskPhone,
  type QueueTicketData,
  type RejectionNoticeData,
  type SlipClerk,
  type SupplementNoticeData,
  waitRangeText,
} from '@onewindow/shared';
import {
  type Align,
  type Block,
  displayWidth,
  type PaperSpec,
  type PrintDocument,
  type QrEcc,
} from './layout.ts';

export const DEFAULT_REMINDER = '请留意叫号，过号请到咨询引导台';
export const DEFAULT_REMINDER_EN = 'Please listen for your number. If you miss it, go to the guide desk.';

/** QR module size (dots) per paper: about 25 mm wide on 58 mm paper and 33 mm on 80 mm for a short URL. */
function qrModuleSize(paper: PaperSpec): number {
  return paper.widthMm === 58 ? 6 : 8;
}

const QR_ECC: QrEcc = 'M';

const FEED: Block = { kind: 'feed', lines: 1 };

function qr(data: string, paper: PaperSpec): Block {
  return { kind: 'qr', data, moduleSize: qrModuleSize(paper), ecc: QR_ECC, align: 'center' };
}

/** The public status page of a ticket: `${base}/t/${ticketId}` (the id percent-encoded). */
export function ticketStatusUrl(statusBaseUrl: string, ticketId: string): string {
  const base = statusBaseUrl.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(base)) {
    throw new RangeError(`status base URL must be http(s)://host…, got ${statusBaseUrl}`);
  }
  if (ticketId === '') {
    throw new RangeError('ticket id is empty');
  }
  return `${base}/t/${encodeURIComponent(ticketId)}`;
}

/** '2025-03-05' → '2025年3月5日'. @throws RangeError when it is not a real date */
export function formatDateZh(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const parsed = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !parsed || parsed.toISOString().slice(0, 10) !== date) {
    throw new RangeError(`not a date YYYY-MM-DD: ${date}`);
  }
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

/** Epoch ms at a fixed UTC offset → 'YYYY-MM-DD HH:mm'. */
export function formatLocalDateTime(epochMs: number, utcOffsetMinutes: number): string {
  if (!Number.isFinite(epochMs) || !Number.isInteger(utcOffsetMinutes)) {
    throw new RangeError('time and UTC offset must be numbers');
  }
  return new Date(epochMs + utcOffsetMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** '居民身份证（原件，1份）'. */
function formatMaterial(m: { name: string; form?: GuideMaterialForm; copies?: number }): string {
  const details = [m.form, m.copies !== undefined ? `${m.copies}份` : undefined].filter(
    (d) => d !== undefined,
  );
  return details.length > 0 ? `${m.name}（${details.join('，')}）` : m.name;
}

function itemLabel(name: string, code: string | undefined): string {
  return code ? `${name}（${code}）` : name;
}

function line(text: string, align: Align = 'left'): Block {
  return { kind: 'text', text, align };
}

/** 'label：value', continuation lines indented under the value. */
function field(label: string, value: string): Block {
  const head = `${label}：`;
  return { kind: 'text', text: head + value, indent: displayWidth(head) };
}

/** 'label：value' for long free text: continuation lines use the full width. */
function paragraph(label: string, value: string): Block {
  return line(`${label}：${value}`);
}

/** '1. …', '2. …' with continuation lines indented under the text. */
function numbered(items: readonly string[]): Block[] {
  return items.map((text, i) => {
    const head = `${i + 1}. `;
    return { kind: 'text', text: head + text, indent: displayWidth(head) };
  });
}

function header(hallName: string, title: string): Block[] {
  return [
    { kind: 'text', text: hallName, align: 'center', bold: true, size: { width: 1, height: 2 } },
    FEED,
    { kind: 'text', text: title, align: 'center', bold: true, size: 2 },
    { kind: 'rule' },
  ];
}

function footer(hallPhone: string, lines: readonly string[]): Block[] {
  return [
    { kind: 'rule' },
    ...lines.map((text) => line(text)),
    field('咨询电话', hallPhone),
    { kind: 'feed', lines: 2 },
    { kind: 'cut' },
  ];
}

function clerkLine(label: string, clerk: SlipClerk): Block {
  return field(label, `${clerk.name}（工号 ${clerk.staffNo}）`);
}

function nonNegativeInteger(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  }
}

/** The ticket a citizen takes at the kiosk: number large, position, wait, a QR to follow the queue. */
export function queueTicketDocument(t: QueueTicketData, paper: PaperSpec): PrintDocument {
  nonNegativeInteger(t.peopleAhead, 'peopleAhead');
  if (t.estimatedWaitMinutes !== null && !(t.estimatedWaitMinutes >= 0)) {
    throw new RangeError(`estimatedWaitMinutes must be null or at least 0, got ${t.estimatedWaitMinutes}`);
  }
  const url = ticketStatusUrl(t.statusBaseUrl, t.ticketId);
  // The number as large as it fits on one line: 4× (8 columns on 58 mm), else 3×, else 2×.
  const numberSize = ([4, 3, 2] as const).find((s) => displayWidth(t.number) * s <= paper.charsPerLine) ?? 1;
  // English, when asked for, goes under the Chinese at the same (smallest) size.
  const en = (text: string, align: Align = 'left'): Block[] =>
    t.english === true ? [line(text, align)] : [];
  const minutes = t.estimatedWaitMinutes === null ? null : Math.max(1, Math.round(t.estimatedWaitMinutes));
  // SPEC EST-1: the same words as the kiosk screen and the boards for the server's range.
  const range = t.estimatedWaitRange ? waitRangeText(t.estimatedWaitRange) : null;
  const nobodyAhead = t.peopleAhead === 0;

  return {
    blocks: [
      { kind: 'text', text: t.hallName, align: 'center', bold: true, size: { width: 1, height: 2 } },
      { kind: 'text', text: t.businessName, align: 'center', size: 2 },
      ...(t.businessNameEn ? en(t.businessNameEn, 'center') : []),
      ...(t.itemName ? [line(t.itemName, 'center')] : []),
      { kind: 'rule' },
      { kind: 'text', text: t.number, align: 'center', bold: true, size: numberSize },
      ...(t.priorityNote ? [line(t.priorityNote, 'center')] : []),
      line(nobodyAhead ? '您前面没有人等候，请留意叫号' : `您前面还有 ${t.peopleAhead} 人等候`, 'center'),
      ...en(nobodyAhead ? 'You are next.' : `${t.peopleAhead} ahead of you`, 'center'),
      ...(range !== null
        ? [
            line(range.zh.startsWith('约') ? `预计等候${range.zh}` : range.zh, 'center'),
            ...en(`Wait ${range.en}`, 'center'),
          ]
        : minutes === null
          ? []
          : [line(`预计等候约 ${minutes} 分钟`, 'center'), ...en(`About ${minutes} min wait`, 'center')]),
      FEED,
      qr(url, paper),
      FEED, // the quiet zone under the symbol
      line('扫码查看排队进度', 'center'),
      ...en('Scan to follow the queue', 'center'),
      { kind: 'rule' },
      field('取号时间', formatLocalDateTime(t.takenAt, t.utcOffsetMinutes)),
      { kind: 'text', text: t.reminder ?? DEFAULT_REMINDER, bold: true },
      ...en(t.reminderEn ?? DEFAULT_REMINDER_EN),
      field('咨询电话', t.hallPhone),
      ...(t.application ? applicationSummary(t.application, paper) : []),
      { kind: 'feed', lines: 2 },
      { kind: 'cut' },
    ],
  };
}

/** The kiosk form under the ticket: title, the answers (personal data masked), and its code as a QR. */
function applicationSummary(a: NonNullable<QueueTicketData['application']>, paper: PaperSpec): Block[] {
  return [
    { kind: 'rule' },
    { kind: 'text', text: a.title, align: 'center', bold: true },
    ...a.lines.map((text) => line(text)),
    FEED,
    qr(a.code, paper),
    FEED,
    line(`申请表编号 ${a.code}`, 'center'),
    line('请将本票交窗口工作人员扫码调阅', 'center'),
  ];
}

/** 业务回单 (§9.4.1): an instant business settled at the window. */
export function completionSlipDocument(s: CompletionSlipData, _paper: PaperSpec): PrintDocument {
  return {
    blocks: [
      ...header(s.hallName, '业务回单'),
      field('回单编号', s.documentNumber),
      field('办理事项', itemLabel(s.itemName, s.itemCode)),
      field('申请人', maskName(s.applicantName)),
      ...(s.idNumber ? [field('证件号码', maskIdNumber(s.idNumber))] : []),
      ...(s.ticketNumber ? [field('排队号', s.ticketNumber)] : []),
      field('办理窗口', s.windowName),
      paragraph('办理结果', s.result),
      field('办结时间', formatLocalDateTime(s.completedAt, s.utcOffsetMinutes)),
      clerkLine('经办人', s.clerk),
      ...(s.notes ?? []).map((text) => line(text)),
      ...footer(s.hallPhone, ['请妥善保管本回单。欢迎对本次服务作出评价。']),
    ],
  };
}

/** 业务受理回执 (§9.4.2, §9.5.2): a time-limited business accepted for the back office. */
export function acceptanceReceiptDocument(r: AcceptanceReceiptData, paper: PaperSpec): PrintDocument {
  nonNegativeInteger(r.deadline.workingDays, 'deadline.workingDays');
  const materials =
    r.materials.length === 0
      ? [field('已收材料', '无')]
      : [line(`已收材料（共${r.materials.length}项）：`), ...numbered(r.materials.map(formatMaterial))];
  return {
    blocks: [
      ...header(r.hallName, '业务受理回执'),
      field('受理编号', r.documentNumber),
      field('申请人', maskName(r.applicantName)),
      field('联系电话', maskPhone(r.contactPhone)),
      field('申请事项', itemLabel(r.itemName, r.itemCode)),
      field('申请日期', formatDateZh(r.appliedOn)),
      field('受理日期', formatDateZh(r.acceptedOn)),
      ...materials,
      clerkLine('受理人', r.clerk),
      field('办结时限', `${r.deadline.workingDays}个工作日`),
      field('预计办结', `${formatDateZh(r.deadline.date)}前`),
      paragraph('进度查询', r.progressQuery),
      ...(r.progressUrl ? [FEED, qr(r.progressUrl, paper), FEED, line('扫码查询办理进度', 'center')] : []),
      ...footer(r.hallPhone, ['本回执为受理凭证，不作办结证明，请妥善保管；领取结果时请出示。']),
    ],
  };
}

/**
 * 不予受理告知单 (§9.3.6): the reasons, the basis, and the applicant's right to 行政复议
 * (60 days, 行政复议法 §20) or 行政诉讼 (6 months, 行政诉讼法 §46).
 *
 * @throws RangeError when no reason is given
 */
export function rejectionNoticeDocument(n: RejectionNoticeData, _paper: PaperSpec): PrintDocument {
  if (n.reasons.length === 0) {
    throw new RangeError('a rejection notice must state its reasons');
  }
  const basis = n.legalBasis ?? [];
  return {
    blocks: [
      ...header(n.hallName, '不予受理告知单'),
      field('编号', n.documentNumber),
      field('申请人', maskName(n.applicantName)),
      field('申请事项', itemLabel(n.itemName, n.itemCode)),
      field('申请日期', formatDateZh(n.appliedOn)),
      FEED,
      {
        kind: 'text',
        text: `经审查，您申请办理的“${n.itemName}”事项不符合受理条件，决定不予受理。理由如下：`,
      },
      ...numbered(n.reasons),
      ...(basis.length > 0 ? [line('依据：'), ...numbered(basis)] : []),
      FEED,
      {
        kind: 'text',
        text:
          `如对本决定不服，可以自收到本告知单之日起六十日内依法向${n.reviewBody ?? '有关行政复议机关'}` +
          `申请行政复议，也可以自收到本告知单之日起六个月内依法向${n.court ?? '人民法院'}提起行政诉讼。`,
      },
      FEED,
      clerkLine('经办人', n.clerk),
      field('经办机构', n.agencyName),
      field('告知日期', formatDateZh(n.decidedOn)),
      ...footer(n.hallPhone, []),
    ],
  };
}

/**
 * 一次性补正告知书 (§9.3.6, 行政许可法 §32): every missing or defective material, numbered,
 * so the citizen comes back once.
 *
 * @throws RangeError when nothing is listed as missing
 */
export function supplementNoticeDocument(n: SupplementNoticeData, _paper: PaperSpec): PrintDocument {
  if (n.missing.length === 0) {
    throw new RangeError('a supplement notice must list the missing materials');
  }
  const items = n.missing.map((m) => formatMaterial(m) + (m.requirement ? `：${m.requirement}` : ''));
  return {
    blocks: [
      ...header(n.hallName, '一次性补正告知书'),
      field('编号', n.documentNumber),
      field('申请人', maskName(n.applicantName)),
      field('申请事项', itemLabel(n.itemName, n.itemCode)),
      field('申请日期', formatDateZh(n.appliedOn)),
      FEED,
      {
        kind: 'text',
        text:
          `经审查，您申请办理的“${n.itemName}”事项申请材料不齐全或者不符合法定形式。` +
          `现一次性告知您需要补正的全部材料（共${n.missing.length}项）：`,
      },
      ...numbered(items),
      FEED,
      ...(n.supplementBy ? [line(`请于${formatDateZh(n.supplementBy)}前补正。`)] : []),
      line('补齐上述全部材料后，请携带本告知书到任一综合窗口办理。'),
      FEED,
      clerkLine('经办人', n.clerk),
      field('经办机构', n.agencyName),
      field('告知日期', formatDateZh(n.notifiedOn)),
      ...footer(n.hallPhone, []),
    ],
  };
}
