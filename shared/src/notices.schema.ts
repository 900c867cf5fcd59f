/** The zod schemas of SMS notices (SPEC NOTE-TPL-*): an admin's template replacement, the list query. */
import { z } from 'zod';
import {
  NOTICE_STATUSES,
  NOTICE_TEMPLATE_PARAMS,
  type NoticeTemplateId,
  templatePlaceholders,
} from './notices.ts';

/** The body of `PUT /api/notice-templates/{id}`: the registered text and the operator's code. */
export const noticeTemplateBodySchema = z.strictObject({
  text: z.string().trim().min(4, '模板内容至少 4 个字').max(300, '模板内容不超过 300 个字'),
  operatorCode: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, '运营商模板编号只能是字母、数字、下划线或短横线（1–64 位）'),
});
export type NoticeTemplateBody = z.infer<typeof noticeTemplateBodySchema>;

/** Issues of a template text against the parameters its notices carry (empty: acceptable). */
export function templateTextIssues(id: NoticeTemplateId, text: string): string[] {
  const allowed = NOTICE_TEMPLATE_PARAMS[id];
  return templatePlaceholders(text)
    .filter((p) => !allowed.includes(p))
    .map((p) => `模板 ${id} 不能使用参数 {${p}}，可用：${allowed.map((a) => `{${a}}`).join('、')}`);
}

export const noticeListQuerySchema = z.strictObject({
  status: z.enum(NOTICE_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
