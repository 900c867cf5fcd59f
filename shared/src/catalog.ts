import type { Retention } from './archive.ts';
import type { ReviewLevels } from './cases.ts';
import type { FormDefinition } from './forms.ts';

/**
 * The published service catalog (事项清单, LD/T 02 §6.2) and its guides (办事指南, §6.3).
 */

/** 即时业务 ends at the window; 限时业务 is accepted and reviewed in the back office. */
export type ServiceItemKind = 'instant' | 'time-limited';

/**
 * A legal or promised time limit (办结时限): the one place it is kept (the guide's 办理时限 is
 * this, not a copy). `days` is null when the limit is not known.
 */
export interface TimeLimit {
  /**
   * The wording citizens see (kiosk guide, 办理时限), e.g. 15日（法定）. Empty when the item's limit
   * is not verified (`ServiceItem.verified` false): citizens are then shown nothing.
   */
  text: string;
  /** The same wording in English, for the kiosk's English mode. */
  textEn?: string;
  days: number | null;
  unit: 'working' | 'calendar' | null;
  /**
   * 核实说明, for the admin only: the source list's wording, what is not verified, examples from
   * other places (未证实(地方例:7工作日)). Never served to citizens (see `citizenCatalog`).
   */
  note?: string;
}

export interface ServiceItem {
  /** 事项编码 (basic code); local items without a national code use a LOCAL- prefix. */
  code: string;
  /** An implementation code example (实施编码), when known. */
  implCode: string | null;
  name: string;
  /** The name in English, for the kiosk's English mode (the Chinese name when absent). */
  nameEn?: string;
  kind: ServiceItemKind;
  /** The queue category a ticket for this item goes to (A 综合业务, B 单位业务 …). */
  categoryId: string;
  timeLimit: TimeLimit;
  /** 服务渠道: 窗口, 网上, 自助终端 … */
  channels: string[];
  /**
   * Whether the time limit is verified. False where the data source marked it 未证实 (a plausible
   * assumption): citizens are shown no limit at all, the admin sees `timeLimit.note`.
   */
  verified: boolean;
  /** Where the limit comes from (law, government page), for the admin; null when none was given. */
  source: string | null;
  /** 办事指南 (§6.3); absent where no guide was written for the item yet. */
  guide?: ServiceGuide;
  /** The kiosk form (§9.3.1 自助填单), when the item has one. */
  form?: FormDefinition;
  /**
   * False for items anyone may queue for without identifying (政策咨询); absent means true:
   * the kiosk asks for a card or ID number first.
   */
  identityRequired?: boolean;
  /**
   * 高风险事项: a form filled online for this item waits for a reviewer's pre-check (预审,
   * LD/T 02 §10.3; SPEC MOB-PRE-1) before the citizen comes. Absent: false.
   */
  precheck?: boolean;
  /**
   * How many back-office levels a 限时受理 of this item passes (LD/T 02 §9.4.3–9.4.4): 0 none,
   * 1 审核, 2 审核 + 复核 by another person. Absent: 1 (DEFAULT_REVIEW_LEVELS).
   */
  reviewLevels?: ReviewLevels;
  /** 保管期限 of its cases' archive files (GB/T 31599, SPEC ARC-2). Absent: 长期 (DEFAULT_RETENTION). */
  retention?: Retention;
  /**
   * Pinyin initials of the name for the kiosk's letter search (参保登记 → cbdj), lower case,
   * computed by the server when it serves the catalog.
   */
  initials?: string;
}

/** 材料形式: 原件 (shown and handed back), 复印件, 原件及复印件, or 电子 (电子证照, an uploaded file). */
export type GuideMaterialForm = '原件' | '复印件' | '原件及复印件' | '电子';

/** One entry of 申办材料 (申报材料, LD/T 02 §6.3 c) in a guide. */
export interface GuideMaterial {
  /** 材料名称, unique within one guide. */
  name: string;
  /** The material's name in English (kiosk English mode). */
  nameEn?: string;
  /** 材料形式. */
  form: GuideMaterialForm;
  /** 份数: how many of this form to bring. */
  copies: number;
  /** 是否必需: false for materials needed only in some cases (容缺 or 视情形提交), which the note explains. */
  required: boolean;
  /** 填报说明: when it is needed, who issues it, and anything not verified. */
  note?: string;
  /** The note in English: shown in the English 一次性告知 of a commonly missing material. */
  noteEn?: string;
  /**
   * 常缺材料: people often come without it. The kiosk warns before a ticket is taken
   * (一次性告知), and the note says what people forget.
   */
  commonlyMissing?: boolean;
  /** Whether the hall can obtain it itself (免提交, 数据共享): nothing to bring when true. */
  sharedData?: boolean;
  /**
   * An identity document shown at the window (身份证件). An instant business whose guide asks
   * for nothing else keeps no case file (SPEC MAT-INSTANT-1): a print-out or a card's loss report
   * leaves only its 回单.
   */
  identity?: boolean;
}

/** 办件类型: 即办件 is settled at the window; 承诺件 is accepted and settled within a promised limit. */
export type GuideCaseType = 'instant' | 'promised';

/**
 * 办事指南 (LD/T 02 §6.3) of one service item, as the 16 elements of the social-insurance
 * disclosure catalogue (社会保险经办政务公开 "十六要素").
 */
export interface ServiceGuide {
  /** 适用范围: who may apply and in which situations. */
  scope: string;
  /** 适用范围 in English (kiosk English mode). */
  scopeEn?: string;
  /** 办件类型: 即办件 ('instant') or 承诺件 ('promised'). */
  caseType: GuideCaseType;
  /** 办理方式 (服务渠道): 窗口, 网上, 自助终端, 银行网点, 电话 … */
  channels: string[];
  /** 现场办事次数 (到现场次数): 0 (全程网办, 零跑动) or 1 (最多跑一次). */
  visitsOnSite: number;
  /** 设立依据: laws, regulations and normative documents, with articles where verified. */
  legalBasis: string[];
  /** 办理条件. */
  conditions: string[];
  /** 申办材料 (申报材料). */
  materials: GuideMaterial[];
  /** 办理流程 (经办流程), one step per entry. */
  steps: string[];
  /** 收费依据及标准, e.g. '不收费'. */
  fee: string;
  /** 审批结果 (办理结果): 业务回单, 参保证明, 决定书, 社会保障卡 … */
  result: string;
  /** 结果送达: 窗口领取, 邮寄, 网上下载 … */
  delivery: string[];
  /** 办理地址和时间 (办理机构及地点, 办理时间). */
  addressAndHours: string;
  /** 咨询方式. */
  consultation: string;
  /** 进度和结果查询. */
  progressQuery: string;
  /** 监督投诉渠道. */
  complaint: string;
  /** 编写说明 for the admin: what in this guide is not verified or varies by locality (not one of the 16 elements; never served to citizens). */
  note?: string;
}

/** Guide keys that are not among the 16 elements: the admin's note and the English versions. */
type GuideExtraKey = 'note' | 'scopeEn';

/**
 * Where one of the 16 elements is kept: in the guide, or (办理时限) on the item itself
 * (`ServiceItem.timeLimit`), so that one edit changes what every screen shows.
 */
export type GuideElementKey = Exclude<keyof ServiceGuide, GuideExtraKey> | 'timeLimit';

/** The 16 elements of a guide in their published order, with their Chinese labels (for display and checks). */
export const SERVICE_GUIDE_ELEMENTS: readonly { key: GuideElementKey; label: string }[] = [
  { key: 'scope', label: '适用范围' },
  { key: 'caseType', label: '办件类型' },
  { key: 'channels', label: '办理方式' },
  { key: 'visitsOnSite', label: '现场办事次数' },
  { key: 'legalBasis', label: '设立依据' },
  { key: 'conditions', label: '办理条件' },
  { key: 'materials', label: '申办材料' },
  { key: 'steps', label: '办理流程' },
  { key: 'timeLimit', label: '办理时限' },
  { key: 'fee', label: '收费依据及标准' },
  { key: 'result', label: '审批结果' },
  { key: 'delivery', label: '结果送达' },
  { key: 'addressAndHours', label: '办理地址和时间' },
  { key: 'consultation', label: '咨询方式' },
  { key: 'progressQuery', label: '进度和结果查询' },
  { key: 'complaint', label: '监督投诉渠道' },
];

/** The kiosk's two languages. */
export type CatalogLang = 'zh' | 'en';

/** The item's name in the language (the Chinese name when no English one is kept). */
export function itemName(item: Pick<ServiceItem, 'name' | 'nameEn'>, lang: CatalogLang): string {
  return lang === 'en' && item.nameEn ? item.nameEn : item.name;
}

/**
 * The 办理时限 a citizen is shown, or null to show none: nothing when the limit is not
 * verified, never the admin's note. English falls back to the Chinese wording.
 */
export function citizenTimeLimit(
  item: Pick<ServiceItem, 'timeLimit' | 'verified'>,
  lang: CatalogLang,
): string | null {
  if (!item.verified) return null;
  const { text, textEn } = item.timeLimit;
  const shown = lang === 'en' && textEn ? textEn : text;
  return shown.trim() === '' ? null : shown;
}

/**
 * The catalog as citizens' screens get it (`GET /api/catalog`): the admin's notes (the limit's
 * 核实说明, the guide's 编写说明, the source) are left out, and an unverified limit has no wording
 * (its days stay: the clerk's deadline and the receipt are worked out from them).
 */
export function citizenCatalog(items: readonly ServiceItem[]): ServiceItem[] {
  return items.map((item) => {
    const { note: _limitNote, ...limit } = item.timeLimit;
    const out: ServiceItem = {
      ...item,
      source: null,
      timeLimit: item.verified ? limit : { days: limit.days, unit: limit.unit, text: '' },
    };
    if (item.guide) {
      const { note: _guideNote, ...guide } = item.guide;
      out.guide = guide;
    }
    return out;
  });
}
