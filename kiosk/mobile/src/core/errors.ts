/**
 * A refusal in the citizen's words: the server's `messageZh` when it has one, else the first
 * field's Chinese (the schemas speak Chinese), else the code's sentence (shared/messages.ts).
 * English shows the server's precise message.
 */
import { ERROR_MESSAGES_ZH } from '@onewindow/shared/messages.ts';
import type { ApiError } from '@onewindow/shared/protocol.ts';
import type { Lang } from './i18n.ts';

const HAN = /\p{Script=Han}/u;

export function errorText(error: ApiError, lang: Lang, status?: number): string {
  if (status === 0)
    return lang === 'en'
      ? 'No connection: check the network and try again'
      : '网络连接失败，请检查网络后重试';
  if (lang === 'en') return error.message;
  if (error.messageZh) return error.messageZh;
  const issue = error.issues?.[0];
  if (issue?.messageZh) return issue.messageZh;
  if (issue !== undefined && HAN.test(issue.message)) return issue.message;
  return ERROR_MESSAGES_ZH[error.code] ?? '出了点问题，请稍后再试';
}
