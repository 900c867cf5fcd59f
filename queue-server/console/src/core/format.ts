/** Labels (Chinese first, English second) and formatting shared by the console's views. */
import type {
  FinishOutcome,
  PriorityClass,
  TicketSource,
  TicketStatus,
  WindowPost,
} from '@onewindow/shared/domain.ts';
import type { StaffRole } from '@onewindow/shared/protocol.ts';

export const CLASS_LABEL: Record<PriorityClass, string> = {
  regular: '普通',
  senior: '老年人',
  appointment: '预约',
  military: '军人优先',
  disability: '残疾人优先',
};

export const POST_LABEL: Record<WindowPost, string> = {
  comprehensive: '综合柜员岗',
  rights: '权益柜员岗',
  bulk: '单位业务',
};

export const STATUS_LABEL: Record<TicketStatus, string> = {
  waiting: '等候',
  called: '已呼叫',
  serving: '办理中',
  parked: '挂起',
  done: '已办结',
  'no-show': '过号',
  cancelled: '已取消',
};

export const SOURCE_LABEL: Record<TicketSource, string> = {
  kiosk: '自助机',
  guide: '导办',
  api: '接口',
  appointment: '预约',
  online: '线上',
};

export const OUTCOME_LABEL: Record<FinishOutcome, { zh: string; en: string; slip: string }> = {
  completed: { zh: '即时办结', en: 'Completed', slip: '业务回单' },
  accepted: { zh: '限时受理', en: 'Accepted', slip: '业务受理回执' },
  rejected: { zh: '不予受理', en: 'Rejected', slip: '不予受理告知书' },
  supplement: { zh: '一次性补正', en: 'Supplement', slip: '一次性补正告知书' },
};

export const ROLE_LABEL: Record<StaffRole, string> = {
  guide: '咨询引导岗',
  clerk: '综合柜员岗',
  'rights-clerk': '权益柜员岗',
  reviewer: '审核岗',
  'review-supervisor': '复核岗',
  accountant: '财务岗',
  manager: '大厅管理',
  admin: '系统管理',
};

/** The hall is in China (UTC+8, no daylight saving). */
export const HALL_OFFSET_MS = 8 * 3600_000;

/** `YYYY-MM-DD` of the hall's local day. */
export function hallDate(ms: number): string {
  return new Date(ms + HALL_OFFSET_MS).toISOString().slice(0, 10);
}

/** `HH:MM` in hall time. */
export function hallTime(ms: number): string {
  return new Date(ms + HALL_OFFSET_MS).toISOString().slice(11, 16);
}

export function hallDateTime(ms: number): string {
  return `${hallDate(ms)} ${hallTime(ms)}`;
}

/** A span as 分:秒 for short waits, 时分 for long ones. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 3600) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `${Math.floor(s / 3600)}时${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}分`;
}

/** Seconds as minutes with one decimal (dashboards). */
export function minutes(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined || !Number.isFinite(seconds)
    ? '—'
    : (seconds / 60).toFixed(1);
}

export function percent(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`;
}
