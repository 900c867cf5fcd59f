/**
 * The citizen's sign-in on the phone app (SPEC MOB-AUTH-*): a one-time SMS code, then a citizen
 * session; the ID number binds the session to the kiosk's holder reference. A phone is known only
 * by a keyed reference, a code by a keyed hash, a token by its SHA-256. Every step that creates
 * state commits in one transaction with what it creates (the code, its send, its notice in the
 * outbox; a failure and a lock; a session). Errors are returned with Chinese for the citizen.
 */
import { createHash, createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  type Ack,
  type ApiError,
  ageOn,
  type CitizenMe,
  type CitizenOtpSent,
  type CitizenSession,
  maskIdNumber,
  maskPhone,
  parseIdNumber,
} from '@onewindow/shared';
import type { CitizenPrincipal, Principal } from '../auth/permissions.ts';
import type { HallKeys } from '../security/keys.ts';
import type { CitizenSessionRow, CitizenStore } from '../store/citizen.store.ts';
import type { NoticeStore } from '../store/notice.store.ts';
import type { Clock } from './hall.service.ts';

/** The limits of MOB-AUTH-2..5; tests shorten none of them, they move the clock. */
export interface CitizenLimits {
  /** A code is valid this long (5 minutes). */
  codeTtlMs: number;
  /** A phone may ask for a new code this long after the last (60 s). */
  resendMs: number;
  /** Codes a phone may ask for in an hour (5). */
  perHour: number;
  /** Wrong tries that end a code (5). */
  attemptsPerCode: number;
  /** Wrong tries of a phone within `failureWindowMs` that lock it (10 in an hour). */
  failuresPerPhone: number;
  failureWindowMs: number;
  /** How long a locked phone may neither ask for nor try a code (30 minutes). */
  lockMs: number;
  /** A session unused this long ends (30 minutes). */
  idleMs: number;
  /** A session ends this long after sign-in whatever its use (12 hours). */
  sessionMs: number;
}

export const CITIZEN_LIMITS: CitizenLimits = {
  codeTtlMs: 5 * 60_000,
  resendMs: 60_000,
  perHour: 5,
  attemptsPerCode: 5,
  failuresPerPhone: 10,
  failureWindowMs: 60 * 60_000,
  lockMs: 30 * 60_000,
  idleMs: 30 * 60_000,
  sessionMs: 12 * 60 * 60_000,
};

/** A session's last use is written at most this often. */
const TOUCH_MS = 60_000;
const HOUR = 60 * 60_000;

export interface CitizenAuthDeps {
  store: CitizenStore;
  notices: NoticeStore;
  keys: Pick<HallKeys, 'holder' | 'holderAlg'>;
  /** The kiosk's holder reference of an ID number (Q-PRI-3). */
  holderRef: (idNumber: string) => string;
  hallName: () => string;
  today: () => string;
  /** The hall's senior age (Q-PRI-1; settings.seniorAge). */
  seniorAge: () => number;
  clock: Clock;
  transaction: <T>(fn: () => T) => T;
  /** After a commit that queued a code's notice: wake the notice worker. */
  onNotice?: () => void;
  limits?: Partial<CitizenLimits>;
}

const refuse = (error: ApiError): { ok: false; error: ApiError } => ({ ok: false, error });
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));

/** The one answer to a wrong, expired, used or never-sent code (MOB-AUTH-4: nothing to tell apart). */
const WRONG_CODE: ApiError = {
  code: 'UNAUTHENTICATED',
  message: 'the code is wrong, expired or already used',
  messageZh: '验证码错误或已失效，请重新输入或重新获取',
};

export class CitizenAuthService {
  private readonly limits: CitizenLimits;

  constructor(private readonly d: CitizenAuthDeps) {
    this.limits = { ...CITIZEN_LIMITS, ...d.limits };
  }

  /** The keyed reference of a phone number (already normalised to 11 digits). */
  phoneRef(phone: string): string {
    return createHmac(this.d.keys.holderAlg, this.d.keys.holder)
      .update(`phone:${phone}`)
      .digest('base64url')
      .slice(0, 22);
  }

  private codeHash(phoneRef: string, code: string): string {
    return createHmac(this.d.keys.holderAlg, this.d.keys.holder)
      .update(`otp:${phoneRef}:${code}`)
      .digest('hex');
  }

  private locked(phoneRef: string, now: number): ApiError | null {
    const f = this.d.store.failures(phoneRef);
    if (f === undefined || f.lockedUntil <= now) return null;
    return {
      code: 'RATE_LIMITED',
      message: `too many wrong codes for this phone; locked for ${minutes(f.lockedUntil - now)} more minutes`,
      messageZh: `验证码错误次数过多，请 ${minutes(f.lockedUntil - now)} 分钟后再试`,
    };
  }

  /**
   * MOB-AUTH-1..3: a fresh 6-digit code for this phone (the last one stops working), its notice
   * queued in the outbox, in one transaction. The answer names no account: any mainland mobile
   * number may sign in, and the answer is the same for one that never did.
   */
  requestCode(phone: string): Ack<CitizenOtpSent> {
    const now = this.d.clock.now();
    const ref = this.phoneRef(phone);
    const lock = this.locked(ref, now);
    if (lock !== null) return refuse(lock);
    const hour = this.d.store.sendsSince(ref, now - HOUR);
    if (hour.last !== null && now - hour.last < this.limits.resendMs) {
      const wait = Math.ceil((this.limits.resendMs - (now - hour.last)) / 1000);
      return refuse({
        code: 'RATE_LIMITED',
        message: `a code was sent to this phone less than ${this.limits.resendMs / 1000} s ago; retry in ${wait} s`,
        messageZh: `验证码已发送，请 ${wait} 秒后再重新获取`,
      });
    }
    if (hour.n >= this.limits.perHour)
      return refuse({
        code: 'RATE_LIMITED',
        message: `at most ${this.limits.perHour} codes an hour per phone`,
        messageZh: `每个手机号每小时最多获取 ${this.limits.perHour} 次验证码，请稍后再试`,
      });
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.d.transaction(() => {
      this.d.store.putOtp({
        phoneRef: ref,
        codeHash: this.codeHash(ref, code),
        createdAt: now,
        expiresAt: now + this.limits.codeTtlMs,
      });
      this.d.store.recordSend(ref, now);
      // The tables stay small: a code request also forgets what no limit counts any more.
      this.d.store.pruneSends(now - HOUR);
      this.d.store.prune(now, now - this.limits.failureWindowMs, now - 24 * HOUR);
      this.d.notices.insert({
        id: `otp:${randomUUID()}`,
        templateId: 'otp',
        caseId: null,
        factSeq: 0,
        phone,
        phoneMasked: maskPhone(phone),
        params: { hallName: this.d.hallName(), minutes: String(minutes(this.limits.codeTtlMs)) },
        secretParams: { code },
        at: now,
      });
    });
    this.d.onNotice?.();
    return {
      ok: true,
      data: {
        phoneMasked: maskPhone(phone),
        expiresInSeconds: Math.round(this.limits.codeTtlMs / 1000),
        resendAfterSeconds: Math.round(this.limits.resendMs / 1000),
      },
    };
  }

  /**
   * MOB-AUTH-4, MOB-AUTH-5: the code against the phone's one active code. A wrong try counts
   * against the code (after 5 it is gone) and the phone (after 10 in an hour it is locked for 30
   * minutes), committed whatever the answer; a right one ends the code and opens a session.
   */
  signIn(phone: string, code: string): Ack<CitizenSession> {
    const now = this.d.clock.now();
    const ref = this.phoneRef(phone);
    return this.d.transaction((): Ack<CitizenSession> => {
      const lock = this.locked(ref, now);
      if (lock !== null) return refuse(lock);
      const otp = this.d.store.otp(ref);
      const given = Buffer.from(this.codeHash(ref, code));
      const right =
        otp !== undefined &&
        otp.expiresAt > now &&
        otp.attempts < this.limits.attemptsPerCode &&
        timingSafeEqual(Buffer.from(otp.codeHash), given);
      if (!right) {
        if (otp !== undefined) {
          if (otp.attempts + 1 >= this.limits.attemptsPerCode || otp.expiresAt <= now)
            this.d.store.dropOtp(ref);
          else this.d.store.countOtpAttempt(ref);
        }
        const f = this.d.store.failures(ref);
        const fresh = f === undefined || now - f.windowStart > this.limits.failureWindowMs;
        const failures = fresh ? 1 : f.failures + 1;
        const lockNow = failures >= this.limits.failuresPerPhone;
        this.d.store.putFailures({
          phoneRef: ref,
          windowStart: fresh ? now : f.windowStart,
          failures: lockNow ? 0 : failures,
          lockedUntil: lockNow ? now + this.limits.lockMs : 0,
        });
        if (lockNow) {
          this.d.store.dropOtp(ref);
          return refuse(this.locked(ref, now)!);
        }
        return refuse(WRONG_CODE);
      }
      this.d.store.dropOtp(ref);
      this.d.store.clearFailures(ref);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = now + this.limits.sessionMs;
      const phoneMasked = maskPhone(phone);
      this.d.store.insertSession({
        id: `cs-${randomUUID()}`,
        tokenHash: sha256(token),
        phoneRef: ref,
        phone,
        phoneMasked,
        createdAt: now,
        expiresAt,
      });
      return { ok: true, data: { token, phoneMasked, idMasked: null, expiresAt } };
    });
  }

  /**
   * The citizen behind a token (MOB-AUTH-5), or nobody: an unknown, ended, idle or expired
   * session is nobody. Its last use is written at most once a minute.
   */
  principal(token: string): Principal {
    const row = this.d.store.session(sha256(token));
    const now = this.d.clock.now();
    if (row === undefined || row.endedAt !== null) return { kind: 'anonymous' };
    if (now >= row.expiresAt || now - row.lastUsedAt >= this.limits.idleMs) {
      this.d.transaction(() => this.d.store.end(row.id, now));
      return { kind: 'anonymous' };
    }
    if (now - row.lastUsedAt >= TOUCH_MS) this.d.store.touch(row.id, now);
    return principalOf(row);
  }

  me(p: CitizenPrincipal): CitizenMe {
    return { phoneMasked: p.phoneMasked, idMasked: p.idMasked, expiresAt: p.expiresAt };
  }

  /** Ends the session (MOB-AUTH-5); the token is refused from now on. */
  signOut(p: CitizenPrincipal): Ack<{ ended: true }> {
    this.d.transaction(() => this.d.store.end(p.sessionId, this.d.clock.now()));
    return { ok: true, data: { ended: true } };
  }

  /**
   * MOB-AUTH-7: binds the session to the holder reference of an ID number, the kiosk's own
   * (`holder.ts`), so tickets, bookings and cases of that person are this session's. Only the
   * masked number is kept. A session binds one person: another number needs a new sign-in.
   */
  bindIdentity(p: CitizenPrincipal, idNumber: string): Ack<CitizenMe> {
    const id = parseIdNumber(idNumber, { today: this.d.today() });
    if (!id.ok)
      return refuse({ code: 'INVALID_ID_NUMBER', message: id.error.detail, messageZh: id.error.message });
    const holderRef = this.d.holderRef(id.value.number);
    if (p.holderRef !== null && p.holderRef !== holderRef)
      return refuse({
        code: 'CONFLICT',
        message: 'this session is bound to another ID number; sign out and in again to use another',
        messageZh: '本次登录已绑定其他证件，如需更换请退出后重新登录',
      });
    const idMasked = maskIdNumber(id.value.number);
    const boundOn = this.d.today();
    const senior = ageOn(id.value.birthDate, boundOn) >= this.d.seniorAge();
    const bound = this.d.transaction(() =>
      this.d.store.bindHolder(p.sessionId, { holderRef, idMasked, senior, boundOn }),
    );
    if (!bound) return refuse({ code: 'UNAUTHENTICATED', message: 'the session has ended' });
    return { ok: true, data: { phoneMasked: p.phoneMasked, idMasked, expiresAt: p.expiresAt } };
  }

  /** The session's phone, opened (the progress page matches it against a case's slip). */
  phoneOf(p: CitizenPrincipal): string | undefined {
    return this.d.store.sessionById(p.sessionId)?.phone;
  }
}

function principalOf(row: CitizenSessionRow): CitizenPrincipal {
  return {
    kind: 'citizen',
    sessionId: row.id,
    phoneRef: row.phoneRef,
    phoneMasked: row.phoneMasked,
    holderRef: row.holderRef,
    idMasked: row.idMasked,
    holder:
      row.holderRef === null || row.idMasked === null || row.boundOn === null
        ? null
        : { masked: row.idMasked, senior: row.senior === true, ref: row.holderRef, on: row.boundOn },
    expiresAt: row.expiresAt,
  };
}
