/**
 * Risk control (LD/T 02 §4.4, §12; SPEC RISK-*): the hall's risk list (§12.2), its monitoring
 * rules as data, and the facts of alerts, interceptions and their handling. Every field here is
 * a code, an id or a reference: a risk fact never carries personal data (a holder is its keyed
 * HMAC reference, a staff member their id). zod-free, so consoles may import it; the schemas are
 * in `risk.schema.ts`.
 */

/** §12.2 类别: 操作风险, 技术风险, 道德风险. */
export const RISK_CATEGORIES = ['操作', '技术', '道德'] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];

/** 发生概率 and 破坏程度. */
export const RISK_LEVELS = ['high', 'medium', 'low'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const RISK_LEVEL_ZH: Record<RiskLevel, string> = { high: '高', medium: '中', low: '低' };

/** One 风险点 of the list (§12.2: 类别, 代码, 名称, 描述, 发生概率, 破坏程度, 预防措施, 处置时限). */
export interface RiskEntry {
  /** 代码, e.g. `CZ-01`. */
  code: string;
  category: RiskCategory;
  name: string;
  description: string;
  probability: RiskLevel;
  severity: RiskLevel;
  prevention: string;
  /** 处置时限 in working days. */
  disposalDays: number;
}

/** What an alert or interception is about: ids and references only. */
export const RISK_SUBJECT_KINDS = ['case', 'ticket', 'staff', 'holder', 'window', 'hall'] as const;
export type RiskSubjectKind = (typeof RISK_SUBJECT_KINDS)[number];
export interface RiskSubject {
  kind: RiskSubjectKind;
  id: string;
}

export const RISK_MODES = ['warn', 'block'] as const;
export type RiskMode = (typeof RISK_MODES)[number];

interface RuleBase {
  /** Stable id, e.g. `R-SOD`. */
  id: string;
  /** The risk-list entry this rule watches. */
  riskCode: string;
  /** `warn`: alert only; `block`: refuse the command before it commits (RISK-INT-1). */
  mode: RiskMode;
  enabled: boolean;
}

/** A monitoring rule (SPEC RISK-RULE-*): its kind says what it watches, its thresholds how much. */
export type RiskRule =
  /** One person acting in two levels of one case (受理 / 审核 / 复核 / 出件). */
  | (RuleBase & { kind: 'case-two-steps'; thresholds: Record<string, never> })
  /** A case approved sooner after its acceptance than `minMinutes`. */
  | (RuleBase & { kind: 'case-fast-approval'; thresholds: { minMinutes: number } })
  /** A staff action more than `graceMinutes` outside the hall's opening hours or on a closed weekday. */
  | (RuleBase & { kind: 'outside-hours'; thresholds: { graceMinutes: number } })
  /** One holder with ≥ `tickets` tickets or ≥ `cases` cases within `periodDays` days. */
  | (RuleBase & {
      kind: 'holder-frequency';
      thresholds: { tickets: number; cases: number; periodDays: number };
    })
  /** One person with ≥ `count` cancellations, priority overrides or slip reprints within `periodHours`. */
  | (RuleBase & { kind: 'staff-actions'; thresholds: { count: number; periodHours: number } })
  /**
   * A clerk's 不予受理 share of finishes within `periodDays`, with at least `minFinished`
   * finishes, at least `factor` × the hall's share and at least `minRate` (0–1).
   */
  | (RuleBase & {
      kind: 'rejection-rate';
      thresholds: { periodDays: number; minFinished: number; factor: number; minRate: number };
    })
  /** An open case past its deadline (the tick). */
  | (RuleBase & { kind: 'case-overdue'; thresholds: { graceDays: number } })
  /** A ticket waiting longer than `minutes` (the tick; the guide's long-wait alert). */
  | (RuleBase & { kind: 'long-wait'; thresholds: { minutes: number } })
  /** ≥ `count` failed logins of one account (or of unknown accounts) within `periodMinutes`. */
  | (RuleBase & { kind: 'failed-logins'; thresholds: { count: number; periodMinutes: number } });
export type RiskRuleKind = RiskRule['kind'];

export const RISK_RULE_KIND_ZH: Record<RiskRuleKind, string> = {
  'case-two-steps': '同一人办理同一案件的两个环节',
  'case-fast-approval': '案件审批过快',
  'outside-hours': '非工作时间操作',
  'holder-frequency': '同一办事人短期内频繁取号或办件',
  'staff-actions': '同一人频繁作废、插队或补打',
  'rejection-rate': '柜员不予受理率明显高于全厅',
  'case-overdue': '案件超期未办结',
  'long-wait': '等候时间过长',
  'failed-logins': '反复登录失败',
};

/** Alert handling (§12.4): 确认属实, 误报, 已整改. */
export const RISK_DISPOSITIONS = ['confirmed', 'false-alarm', 'rectified'] as const;
export type RiskDisposition = (typeof RISK_DISPOSITIONS)[number];
export const RISK_DISPOSITION_ZH: Record<RiskDisposition, string> = {
  confirmed: '确认属实',
  'false-alarm': '误报',
  rectified: '已整改',
};

/** Facts of risk control, in the hall's log with every other fact (one seq). No personal data. */
export type RiskFact =
  | { type: 'risk:list-published'; version: number; entries: RiskEntry[]; by: string }
  | { type: 'risk:rules-published'; version: number; rules: RiskRule[]; by: string }
  | {
      type: 'risk:alert-raised';
      alertId: string;
      ruleId: string;
      riskCode: string;
      subject: RiskSubject;
      /** What happened, in Chinese, with ids only. */
      detail: string;
      /** 处置时限: the entry's disposalDays in working days after the day it was raised. */
      dueDay: string;
    }
  | { type: 'risk:alert-assigned'; alertId: string; ownerId: string; by: string }
  | {
      type: 'risk:alert-disposed';
      alertId: string;
      disposition: RiskDisposition;
      note: string;
      by: string;
    }
  | { type: 'risk:alert-escalated'; alertId: string; to: 'manager' }
  | {
      type: 'risk:intercepted';
      ruleId: string;
      riskCode: string;
      command: string;
      actorId: string;
      subject: RiskSubject;
    }
  /**
   * A manager lets one person past one blocking rule once, until `expiresAt` (RISK-INT-2): a fact
   * of its own, so an unused grant survives a restart and is in the audit before it is used.
   */
  | {
      type: 'risk:override-granted';
      grantId: string;
      ruleId: string;
      riskCode: string;
      actorId: string;
      supervisorId: string;
      reason: string;
      expiresAt: number;
    }
  | {
      type: 'risk:overridden';
      /** The grant it spends (absent in facts from before grants were facts). */
      grantId?: string;
      ruleId: string;
      riskCode: string;
      command: string;
      actorId: string;
      supervisorId: string;
      reason: string;
    }
  /** A failed staff login of a known account (`staffId`) or of an unknown name (null: not kept). */
  | { type: 'risk:login-failed'; staffId: string | null };
export type RiskFactType = RiskFact['type'];

export const RISK_FACT_TYPES = [
  'risk:list-published',
  'risk:rules-published',
  'risk:alert-raised',
  'risk:alert-assigned',
  'risk:alert-disposed',
  'risk:alert-escalated',
  'risk:intercepted',
  'risk:override-granted',
  'risk:overridden',
  'risk:login-failed',
] as const satisfies readonly RiskFactType[];

export type RiskAlertStatus = 'open' | 'assigned' | 'disposed';

/** An alert as it stands (the fold of its facts), for the console. */
export interface RiskAlert {
  alertId: string;
  ruleId: string;
  riskCode: string;
  riskName: string | null;
  category: RiskCategory | null;
  subject: RiskSubject;
  /** A staff subject's name and 工号 (the list's view; not in the facts). */
  subjectLabel?: string | null;
  detail: string;
  raisedAt: number;
  raisedSeq: number;
  dueDay: string;
  status: RiskAlertStatus;
  ownerId: string | null;
  escalated: boolean;
  disposition: RiskDisposition | null;
  /** The disposal note: shown to the roles that handle alerts only. */
  note: string | null;
  disposedBy: string | null;
  disposedAt: number | null;
  /** Not disposed and past its due day. */
  overdue: boolean;
}

export interface RiskAlertList {
  today: string;
  alerts: RiskAlert[];
  counts: { open: number; assigned: number; disposed: number; overdue: number; total: number };
}

export interface RiskListView {
  version: number;
  publishedAt: number | null;
  publishedBy: string | null;
  entries: RiskEntry[];
}

export interface RiskRulesView {
  version: number;
  publishedAt: number | null;
  publishedBy: string | null;
  rules: RiskRule[];
}

/** A manager's permission for one person to get past one blocking rule once (RISK-INT-2). */
export interface RiskOverrideGrant {
  id: string;
  ruleId: string;
  actorId: string;
  supervisorId: string;
  createdAt: number;
  expiresAt: number;
}

/** The starting list of a 社保 hall (§12.2, from the standard's categories and common findings). */
export const DEFAULT_RISK_LIST: readonly RiskEntry[] = [
  {
    code: 'CZ-01',
    category: '操作',
    name: '违规办理',
    description: '同一人办理同一业务的受理、审核、复核或出件中的两个环节，不相容岗位未分离',
    probability: 'medium',
    severity: 'high',
    prevention: '岗位分离（§10.1），系统按案件校验经办人；确需同一人办理的由主管放行并记录理由',
    disposalDays: 5,
  },
  {
    code: 'CZ-02',
    category: '操作',
    name: '资料不全受理',
    description: '限时件受理后过快审批通过，可能未按要求审核材料',
    probability: 'medium',
    severity: 'medium',
    prevention: '审核时限下限、抽查复核',
    disposalDays: 10,
  },
  {
    code: 'CZ-03',
    category: '操作',
    name: '超时办结',
    description: '限时件超过承诺时限仍未办结',
    probability: 'high',
    severity: 'medium',
    prevention: '到期前提醒、超期预警并逐级督办',
    disposalDays: 3,
  },
  {
    code: 'CZ-04',
    category: '操作',
    name: '等候超时',
    description: '群众排队等候时间超过大厅承诺',
    probability: 'high',
    severity: 'low',
    prevention: '引导岗实时疏导、增开窗口',
    disposalDays: 1,
  },
  {
    code: 'CZ-05',
    category: '操作',
    name: '频繁作废、插队或补打',
    description: '同一工作人员短期内多次作废号票、调整顺序或补打回单',
    probability: 'low',
    severity: 'medium',
    prevention: '超过阈值由主管放行，操作留痕',
    disposalDays: 5,
  },
  {
    code: 'DD-01',
    category: '道德',
    name: '冒领、重复领取',
    description: '同一办事人短期内多次取号或办理待遇类业务，可能冒领或重复领取',
    probability: 'low',
    severity: 'high',
    prevention: '身份核验、待遇资格比对、频次预警',
    disposalDays: 5,
  },
  {
    code: 'DD-02',
    category: '道德',
    name: '越权操作',
    description: '工作人员在非工作时间办理业务',
    probability: 'low',
    severity: 'high',
    prevention: '按开放时间限制操作，非工作时间操作预警核查',
    disposalDays: 3,
  },
  {
    code: 'DD-03',
    category: '道德',
    name: '选择性不予受理',
    description: '柜员不予受理率明显高于全厅平均',
    probability: 'low',
    severity: 'medium',
    prevention: '不予受理须出具告知单，定期比对各柜员受理情况',
    disposalDays: 10,
  },
  {
    code: 'JS-01',
    category: '技术',
    name: '系统漏洞、权限被盗用',
    description: '同一账号反复登录失败，可能被猜测口令',
    probability: 'medium',
    severity: 'high',
    prevention: '强口令、双因素认证、登录失败预警',
    disposalDays: 2,
  },
  {
    code: 'JS-02',
    category: '技术',
    name: '数据泄露',
    description: '个人信息被超范围查看或导出',
    probability: 'low',
    severity: 'high',
    prevention: '按需授权、查阅留痕（pii_reads）、公开屏幕不显示个人信息',
    disposalDays: 2,
  },
];

/** The starting rule set (SPEC RISK-RULE-2): every kind, warn unless blocking is the point. */
export const DEFAULT_RISK_RULES: readonly RiskRule[] = [
  { id: 'R-SOD', kind: 'case-two-steps', riskCode: 'CZ-01', mode: 'block', enabled: true, thresholds: {} },
  {
    id: 'R-FAST',
    kind: 'case-fast-approval',
    riskCode: 'CZ-02',
    mode: 'warn',
    enabled: true,
    thresholds: { minMinutes: 30 },
  },
  {
    id: 'R-HOURS',
    kind: 'outside-hours',
    riskCode: 'DD-02',
    mode: 'warn',
    enabled: true,
    thresholds: { graceMinutes: 60 },
  },
  {
    id: 'R-HOLDER',
    kind: 'holder-frequency',
    riskCode: 'DD-01',
    mode: 'warn',
    enabled: true,
    thresholds: { tickets: 5, cases: 3, periodDays: 30 },
  },
  {
    id: 'R-STAFF',
    kind: 'staff-actions',
    riskCode: 'CZ-05',
    mode: 'block',
    enabled: true,
    thresholds: { count: 5, periodHours: 24 },
  },
  {
    id: 'R-REJECT',
    kind: 'rejection-rate',
    riskCode: 'DD-03',
    mode: 'warn',
    enabled: true,
    thresholds: { periodDays: 30, minFinished: 20, factor: 2, minRate: 0.2 },
  },
  {
    id: 'R-OVERDUE',
    kind: 'case-overdue',
    riskCode: 'CZ-03',
    mode: 'warn',
    enabled: true,
    thresholds: { graceDays: 0 },
  },
  {
    id: 'R-WAIT',
    kind: 'long-wait',
    riskCode: 'CZ-04',
    mode: 'warn',
    enabled: true,
    thresholds: { minutes: 30 },
  },
  {
    id: 'R-LOGIN',
    kind: 'failed-logins',
    riskCode: 'JS-01',
    mode: 'warn',
    enabled: true,
    thresholds: { count: 5, periodMinutes: 15 },
  },
];

/** The Chinese refusal of a blocked command: the rule, and how to proceed (RISK-INT-1). */
export function riskBlockedMessageZh(ruleId: string, kind: RiskRuleKind, riskName: string | null): string {
  return `此操作被风险防控规则 ${ruleId}（${RISK_RULE_KIND_ZH[kind]}${riskName ? `，${riskName}` : ''}）拦截。如确需办理，请值班主管在"风险预警"中为您放行并填写理由后重试。`;
}
