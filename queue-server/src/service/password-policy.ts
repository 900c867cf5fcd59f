/**
 * The staff password policy (SPEC SEC-ACC-3): at least 12 characters, not one of the passwords
 * people pick most (the ranked list zxcvbn-ts ships, about 49,000 entries, `12345678` and
 * `password1234` among them), and not containing the username. Applies to new accounts, to a
 * changed password and to the first admin's; temporary passwords are generated to pass it.
 */
import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';

export const MIN_PASSWORD_LENGTH = 12;

let common: ReadonlySet<string> | null = null;
/** Loaded on first use: the list costs ~3 MB of memory, a server that never checks one skips it. */
function commonPasswords(): ReadonlySet<string> {
  if (common === null) {
    const list = createRequire(import.meta.url)('@zxcvbn-ts/language-common/src/passwords.json') as string[];
    common = new Set(list.map((p) => p.toLowerCase()));
  }
  return common;
}

export interface PasswordProblem {
  message: string;
  messageZh: string;
}

/** Why this password may not be used by this account, or null when it may. */
export function passwordProblem(password: string, username: string): PasswordProblem | null {
  if ([...password].length < MIN_PASSWORD_LENGTH)
    return {
      message: `password must have at least ${MIN_PASSWORD_LENGTH} characters`,
      messageZh: `密码至少 ${MIN_PASSWORD_LENGTH} 位`,
    };
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower))
    return {
      message: 'password is on the list of commonly used passwords',
      messageZh: '密码过于常见，请换一个',
    };
  if (username.length >= 3 && lower.includes(username.toLowerCase()))
    return { message: 'password must not contain the username', messageZh: '密码不得包含用户名' };
  return null;
}

/** Letters and digits that cannot be misread from a screen (no 0/O, 1/l/I). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A one-time password an admin reads out: 4 groups of 4 (about 92 bits), e.g. `k7Qm-x2Pa-…`. */
export function temporaryPassword(): string {
  const groups = Array.from({ length: 4 }, () =>
    Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  );
  return groups.join('-');
}
