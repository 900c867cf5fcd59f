import type { ErrorCode } from './protocol.ts';

/**
 * What a citizen or clerk reads when a command is refused: short Simplified Chinese, with
 * what to do next. Integrators read the English `message` beside it.
 */
export const ERROR_MESSAGES_ZH: Record<ErrorCode, string> = {
  NOT_CONFIGURED: '大厅尚未完成配置，请联系管理员',
  INVALID_CONFIG: '配置有误，请检查后重试',
  UNKNOWN_CATEGORY: '没有该业务类别',
  UNKNOWN_WINDOW: '没有该窗口',
  UNKNOWN_TICKET: '没有找到该号票',
  INVALID_ID_NUMBER: '证件号码有误，请核对后重新输入',
  REASON_REQUIRED: '请填写原因',
  NUMBERS_EXHAUSTED: '今日该业务号码已取完，请到咨询台咨询',
  DAY_CLOSED: '今日业务已结束，请于下一个工作日再来',
  WINDOW_CLOSED: '窗口未开放',
  WINDOW_PAUSED: '窗口暂停服务',
  WINDOW_NOT_PAUSED: '窗口未暂停',
  WINDOW_ALREADY_OPEN: '窗口已开放',
  WINDOW_BUSY: '当前号票尚未办结，请先处理',
  WINDOW_IDLE: '窗口当前没有号票',
  QUEUE_EMPTY: '当前没有等候的号票',
  RECALL_LIMIT: '已达到重呼次数，可标记过号',
  CALLS_NOT_EXHAUSTED: '呼叫次数未满，暂不能标记过号',
  BAD_TICKET_STATE: '该号票当前状态不能进行此操作',
  TOO_MANY_MISSES: '过号次数过多，请到咨询台重新取号',
  NOT_SERVING: '该号票尚未开始办理',
  ALREADY_RATED: '您已评价过，感谢您的反馈',
  INVALID_RATING: '评价内容有误，请重新选择',
  BAD_REQUEST: '请求内容有误',
  UNAUTHENTICATED: '请先登录',
  FORBIDDEN: '没有此操作的权限',
  NOT_FOUND: '没有找到',
  CONFLICT: '操作冲突，请刷新后重试',
  IDEMPOTENCY_CONFLICT: '请求编号重复，请重试',
  DUTY_CONFLICT: '岗位权限不相容',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  UNAVAILABLE: '系统暂时不可用，请稍后再试',
  INTERNAL: '系统繁忙，请稍后再试或到咨询台咨询',
  APPOINTMENT_TOO_EARLY: '还未到预约签到时间，请在预约时段开始前30分钟内签到',
  HALL_CLOSED: '现在不是办理时间，请在大厅办公时间内取号',
  IDENTITY_REQUIRED: '办理此项业务请先刷身份证、社保卡或输入身份证号码',
  PASSWORD_CHANGE_REQUIRED: '请先修改临时密码',
  TOTP_ENROLMENT_REQUIRED: '请先绑定动态口令（双因素认证）',
  TOTP_REQUIRED: '请输入动态口令',
  WEAK_PASSWORD: '密码不符合要求',
  MATERIALS_MISSING: '申请材料不齐，不能移交审核',
  PAYLOAD_TOO_LARGE: '文件太大',
  UNSUPPORTED_MEDIA: '文件格式不支持，请上传 JPEG、PNG 图片或 PDF',
  RISK_BLOCKED: '该操作被风险防控规则拦截，请联系值班主管放行',
};

export function errorMessageZh(code: ErrorCode): string {
  return ERROR_MESSAGES_ZH[code];
}
