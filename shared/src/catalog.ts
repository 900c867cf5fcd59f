import type { ReviewLevels } from './cases.ts';
import type { FormDefinition } from './forms.ts';

/**
 * The published service catalog (事项清单, LD/T 02 §6.2) and its guides (办事指南, §6.3).
 */

/** 即时业务 ends at the window; 限时业务 is accepted and reviewed in the back office. */
export type ServiceItemKind = 'instant' | 'time-limited';

/** A legal or promised time limit (办结时限). `days` is null when the limit is not known. */
export interface TimeLimit {
  /** The published wording, kept verbatim. */
  text: string;
  days: number | null;
  unit: 'working' | 'calendar' | null;
}

export interface ServiceItem {
  /** 事项编码 (basic code); local items without a national code use a LOCAL- prefix. */
  code: string;
  /** An implementation code example (实施编码), when known. */
  implCode: string | null;
  name: string;
  kind: ServiceItemKind;
  /** The queue category a ticket for this item goes to (A 综合业务, B 单位业务 …). */
  categoryId: string;
  timeLimit: TimeLimit;
  /** 服务渠道: 窗口, 网上, 自助终端 … */
  channels: string[];
  /** False where the data source marked the item 未证实 (a plausible assumption). */
  verified: boolean;
  /** Where the limit comes from (law, government page); null when none was given. */
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
   * How many back-office levels a 限时受理 of this item passes (LD/T 02 §9.4.3–9.4.4): 0 none,
   * 1 审核, 2 审核 + 复核 by another person. Absent: 1 (DEFAULT_REVIEW_LEVELS).
   */
  reviewLevels?: ReviewLevels;
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
  /** 材料形式. */
  form: GuideMaterialForm;
  /** 份数: how many of this form to bring. */
  copies: number;
  /** 是否必需: false for materials needed only in some cases (容缺 or 视情形提交), which the note explains. */
  required: boolean;
  /** 填报说明: when it is needed, who issues it, and anything not verified. */
  note?: string;
  /**
   * 常缺材料: people often come without it. The kiosk warns before a ticket is taken
   * (一次性告知), and the note says what people forget.
   */
  commonlyMissing?: boolean;
  /** Whether the hall can obtain it itself (免提交, 数据共享): nothing to bring when true. */
  sharedData?: boolean;
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
  /** 办理时限 (办结时限), the published wording kept verbatim. */
  timeLimit: string;
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
  /** 编写说明: what in this guide is not verified or varies by locality (not one of the 16 elements). */
  note?: string;
}

/** The 16 elements of a guide in their published order, with their Chinese labels (for display and checks). */
export const SERVICE_GUIDE_ELEMENTS: readonly { key: Exclude<keyof ServiceGuide, 'note'>; label: string }[] =
  [
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
