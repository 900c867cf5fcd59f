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
}
