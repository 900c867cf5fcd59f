/** The zod schemas of the citizen's phone app (SPEC MOB-AUTH-*, MOB-PROG-*), with Chinese messages. */
import { z } from 'zod';

/** A mainland mobile number; spaces, dashes and +86 are dropped before the check. */
const mobile = z
  .string()
  .max(32)
  .transform((s) => s.replace(/[\s-]/g, '').replace(/^(\+86|0086)/, ''))
  .pipe(z.string().regex(/^1[3-9]\d{9}$/, '请输入 11 位手机号码'));

export const citizenOtpRequestSchema = z.strictObject({ phone: mobile });
export type CitizenOtpRequest = z.infer<typeof citizenOtpRequestSchema>;

export const citizenSessionRequestSchema = z.strictObject({
  phone: mobile,
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, '请输入短信中的 6 位验证码'),
});
export type CitizenSessionRequest = z.infer<typeof citizenSessionRequestSchema>;

export const citizenIdentitySchema = z.strictObject({
  idNumber: z.string().trim().min(1, '请输入身份证号码').max(40, '证件号码过长'),
  name: z.string().trim().max(40, '姓名过长').optional(),
});
export type CitizenIdentityRequest = z.infer<typeof citizenIdentitySchema>;

/** Lookup without signing in (MOB-PROG-2): the receipt's 受理编号 and the last four digits of the phone on it. */
export const citizenLookupSchema = z.strictObject({
  receiptNo: z.string().trim().min(1, '请输入受理编号').max(64, '受理编号过长'),
  phoneLast4: z
    .string()
    .trim()
    .regex(/^\d{4}$/, '请输入手机号码后 4 位'),
});
export type CitizenLookupRequest = z.infer<typeof citizenLookupSchema>;
