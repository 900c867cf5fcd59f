import { createHash, randomBytes, randomInt, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import {
  type ApiError,
  DEVICE_KINDS,
  type DeviceKind,
  STAFF_ROLES,
  type StaffAccount,
  type StaffRole,
} from '@onewindow/shared';
import type {
  AccountLoginResult,
  DeviceRecord,
  PairedDevice,
  PairingCode,
  PasswordResetResult,
  RoleGrant,
  StaffAccountState,
  StaffChange,
  WindowClerk,
} from '@onewindow/shared/api-types.ts';
import { dutyConflict, type PendingStep, type Principal } from '../auth/permissions.ts';
import type { AuthStore, RoleGrantRow, StaffRow } from '../store/auth.store.ts';
import type { Clock } from './hall.service.ts';
import type { EncodedPhoto } from './images.ts';
import { passwordProblem, temporaryPassword } from './password-policy.ts';
import { processSecretBox, type SecretBox } from './secret-box.ts';
import { newTotpSecret, totpUri, verifyTotp } from './totp.ts';

const SESSION_MS = 12 * 60 * 60 * 1000;
const IDLE_MS = 30 * 60 * 1000;
/** A session's last use is written at most this often (every request would be a write). */
const TOUCH_MS = 60 * 1000;
const GRANT_MS = 72 * 60 * 60 * 1000;
const PAIRING_CODE_MS = 15 * 60 * 1000;
/** Roles whose grant needs a second admin and whose login needs a second factor (SEC-ACC-1, -5). */
export const PRIVILEGED_ROLES: readonly StaffRole[] = ['admin', 'manager'];

export interface AuthOptions {
  /** Seals TOTP secrets at rest: the hall's data cipher; a key of this process only when absent. */
  box?: SecretBox;
  /** A session unused longer than this ends (30 minutes). */
  idleMs?: number;
  /** A session ends this long after its login whatever its use (12 hours). */
  sessionMs?: number;
  /** A grant of manager or admin not approved within this expires (72 hours). */
  grantMs?: number;
  /**
   * Whether an admin or manager without TOTP is held at enrolment (true). The demo hall turns it
   * off (`relaxTotpEnrolment`): its passwords are printed in the README anyway.
   */
  requireTotpEnrolment?: boolean;
}

/** A session as read from the store, with the store generation it was read at. */
interface CachedSession {
  gen: number;
  hash: string;
  expiresAt: number;
  lastUsedAt: number;
  staff: StaffRow | null;
}
/** More live tokens than a hall ever has: the caches start over instead of growing. */
const MAX_CACHED = 10_000;

/** Who sessions ended or changed for: one account, or anyone (a sweep of expired sessions). */
export type SessionsChanged = { staffId: string } | { all: true };
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };
const err = (code: ApiError['code'], message: string): { ok: false; error: ApiError } => ({
  ok: false,
  error: { code, message },
});

/** scrypt with a random salt; the parameters travel with the hash so they can be raised later. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [alg, n, r, p, salt, key] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(expected, actual);
}

const TOTP_UNREADABLE =
  "the account's TOTP secret does not open with this hall's keys (started with another key file?)";

/** The associated data of an account's sealed TOTP secret: it opens on no other row. */
const totpAad = (staffId: string) => `staff:${staffId}:totp`;

/** Tokens are random; only their SHA-256 is stored. */
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

export function staffAccount(row: StaffRow): StaffAccount {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    staffNumber: row.staffNumber,
    roles: row.roles,
  };
}

const isPrivileged = (roles: readonly StaffRole[]) => roles.some((r) => PRIVILEGED_ROLES.includes(r));
const weak = (p: { message: string; messageZh: string }) => ({
  ok: false as const,
  error: { code: 'WEAK_PASSWORD' as const, message: p.message, messageZh: p.messageZh },
});
const sameRoles = (a: readonly StaffRole[], b: readonly StaffRole[]) =>
  a.length === b.length && a.every((r) => b.includes(r));

/**
 * Staff logins and their sessions (idle and absolute limits, pending steps, TOTP), the accounts
 * an admin manages (disable, password reset, roles with a second admin's approval for manager
 * and admin), device pairing, and the principals behind tokens.
 */
export class AuthService {
  /** A password check that costs the same for unknown users, so usernames cannot be probed by timing. */
  private readonly dummyHash = hashPassword(randomUUID());
  private readonly box: SecretBox;
  private readonly idleMs: number;
  private readonly sessionMs: number;
  private readonly grantMs: number;
  private requireTotpEnrolment: boolean;
  private readonly listeners = new Set<(e: SessionsChanged) => void>();
  /** Sessions by token, valid while the store's generation stands (see sessionOf). */
  private readonly sessionCache = new Map<string, CachedSession>();
  private readonly deviceCache = new Map<string, { gen: number; row: DeviceRecord }>();
  /** When each device's last contact was last written. */
  private readonly seenWritten = new Map<string, number>();

  constructor(
    private readonly store: AuthStore,
    private readonly clock: Clock,
    opts: AuthOptions = {},
  ) {
    this.box = opts.box ?? processSecretBox();
    this.idleMs = opts.idleMs ?? IDLE_MS;
    this.sessionMs = opts.sessionMs ?? SESSION_MS;
    this.grantMs = opts.grantMs ?? GRANT_MS;
    this.requireTotpEnrolment = opts.requireTotpEnrolment ?? true;
  }

  /** The demo hall only: admins and managers without TOTP are not held at its enrolment. */
  relaxTotpEnrolment(): void {
    this.requireTotpEnrolment = false;
  }

  /**
   * Called after sessions ended (logout aside) or an account's roles changed, so transports
   * drop what those sessions had open (SEC-ACC-6). Returns the unsubscribe.
   */
  onSessionsChanged(fn: (e: SessionsChanged) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(e: SessionsChanged): void {
    for (const fn of this.listeners) fn(e);
  }

  private audit(actor: string, action: string, target: string | null, detail: unknown): void {
    this.store.audit({ at: this.clock.now(), actor, action, target, detail });
  }

  createStaff(
    actor: string,
    input: { username: string; name: string; staffNumber: string; roles: StaffRole[]; password: string },
  ): Result<StaffChange> {
    const roles = [...new Set(input.roles)];
    const conflict = dutyConflict(roles);
    if (conflict !== null) return err('DUTY_CONFLICT', conflict);
    if (roles.some((r) => !STAFF_ROLES.includes(r))) return err('BAD_REQUEST', 'unknown role');
    const weakness = passwordProblem(input.password, input.username);
    if (weakness !== null) return weak(weakness);
    if (this.store.staffByUsername(input.username))
      return err('CONFLICT', `username ${input.username} is taken`);
    // SEC-ACC-1: manager and admin wait for a second admin; the rest of the roles apply now.
    const held = actor !== 'system' && isPrivileged(roles) ? roles.filter((r) => !isPrivileged([r])) : roles;
    const row = {
      id: `s-${randomUUID()}`,
      username: input.username,
      name: input.name,
      staffNumber: input.staffNumber,
      roles: held,
      passwordHash: hashPassword(input.password),
      createdAt: this.clock.now(),
    };
    const grant = this.store.transaction(() => {
      this.store.insertStaff(row);
      this.audit(actor, 'staff:create', row.id, { username: row.username, roles: row.roles });
      return held === roles ? null : this.propose(actor, row.id, roles);
    });
    return { ok: true, data: { ...staffAccount(this.store.staffById(row.id)!), pendingGrant: grant } };
  }

  /**
   * Sets an account's roles. Taking roles away or granting business roles applies at once;
   * granting manager or admin becomes a proposal a second admin approves (SEC-ACC-1).
   */
  setRoles(actor: string, staffId: string, roles: StaffRole[]): Result<StaffChange> {
    const row = this.store.staffById(staffId);
    if (!row) return err('NOT_FOUND', `no staff ${staffId}`);
    const next = [...new Set(roles)];
    const conflict = dutyConflict(next);
    if (conflict !== null) return err('DUTY_CONFLICT', conflict);
    const granted = next.filter((r) => !row.roles.includes(r));
    if (actor !== 'system' && isPrivileged(granted)) {
      const grant = this.store.transaction(() => this.propose(actor, staffId, next));
      return { ok: true, data: { ...staffAccount(row), pendingGrant: grant } };
    }
    this.store.transaction(() => {
      this.store.supersedeGrants(staffId, actor, this.clock.now());
      this.store.setRoles(staffId, next);
      this.audit(actor, 'staff:roles', staffId, { from: row.roles, to: next });
    });
    if (!sameRoles(row.roles, next)) this.changed({ staffId });
    return { ok: true, data: { ...staffAccount({ ...row, roles: next }), pendingGrant: null } };
  }

  /** Inside a transaction: a proposal of a whole role set, replacing what was pending for the account. */
  private propose(actor: string, staffId: string, roles: StaffRole[]): RoleGrant {
    const now = this.clock.now();
    this.store.supersedeGrants(staffId, actor, now);
    const id = `g-${randomUUID()}`;
    this.store.insertGrant({
      id,
      staffId,
      roles,
      proposedBy: actor,
      proposedAt: now,
      expiresAt: now + this.grantMs,
    });
    this.audit(actor, 'staff:roles-proposed', staffId, { grant: id, roles });
    return this.grantView(this.store.grant(id)!);
  }

  private grantView(g: RoleGrantRow): RoleGrant {
    const target = this.store.staffById(g.staffId);
    const by = this.store.staffById(g.proposedBy);
    return {
      id: g.id,
      staffId: g.staffId,
      username: target?.username ?? g.staffId,
      name: target?.name ?? '',
      currentRoles: target?.roles ?? [],
      roles: g.roles,
      proposedBy: g.proposedBy,
      proposedByName: by?.name ?? g.proposedBy,
      proposedAt: g.proposedAt,
      expiresAt: g.expiresAt,
    };
  }

  /** Grants waiting for a second admin, oldest first; expired ones are gone. */
  pendingGrants(): RoleGrant[] {
    const now = this.clock.now();
    return this.store
      .pendingGrants()
      .filter((g) => g.expiresAt > now)
      .map((g) => this.grantView(g));
  }

  /** The second admin approves: never the one who proposed it, never the account it grants to. */
  approveGrant(actor: string, grantId: string): Result<StaffChange> {
    const g = this.store.grant(grantId);
    if (g === undefined) return err('NOT_FOUND', `no grant ${grantId}`);
    if (g.status !== 'pending') return err('CONFLICT', `grant ${grantId} is ${g.status}`);
    const now = this.clock.now();
    if (g.expiresAt <= now) return err('CONFLICT', `grant ${grantId} expired unapproved`);
    if (g.proposedBy === actor)
      return err('FORBIDDEN', 'a second admin must approve: the proposer may not approve their own proposal');
    if (g.staffId === actor) return err('FORBIDDEN', 'nobody approves a grant of roles to their own account');
    const row = this.store.staffById(g.staffId);
    if (row === undefined) return err('NOT_FOUND', `no staff ${g.staffId}`);
    if (row.disabledAt !== null) return err('CONFLICT', `account ${row.username} is disabled`);
    const conflict = dutyConflict(g.roles);
    if (conflict !== null) return err('DUTY_CONFLICT', conflict);
    this.store.transaction(() => {
      this.store.decideGrant(g.id, 'approved', actor, now);
      this.store.setRoles(g.staffId, g.roles);
      this.audit(actor, 'staff:roles-approved', g.staffId, {
        grant: g.id,
        proposedBy: g.proposedBy,
        from: row.roles,
        to: g.roles,
      });
    });
    this.changed({ staffId: g.staffId });
    return { ok: true, data: { ...staffAccount({ ...row, roles: g.roles }), pendingGrant: null } };
  }

  /** Any admin may reject a pending grant (its proposer withdraws it this way). */
  rejectGrant(actor: string, grantId: string): Result<{ rejected: true }> {
    const g = this.store.grant(grantId);
    if (g === undefined) return err('NOT_FOUND', `no grant ${grantId}`);
    const now = this.clock.now();
    if (g.status !== 'pending' || g.expiresAt <= now)
      return err('CONFLICT', `grant ${grantId} is ${g.status === 'pending' ? 'expired' : g.status}`);
    this.store.transaction(() => {
      this.store.decideGrant(g.id, 'rejected', actor, now);
      this.audit(actor, 'staff:roles-rejected', g.staffId, { grant: g.id, roles: g.roles });
    });
    return { ok: true, data: { rejected: true } };
  }

  /** Disables an account: its sessions end at once (SEC-ACC-2). Never oneself, never the last admin. */
  disable(actor: string, staffId: string): Result<StaffAccountState> {
    const row = this.store.staffById(staffId);
    if (!row) return err('NOT_FOUND', `no staff ${staffId}`);
    if (staffId === actor) return err('FORBIDDEN', 'an admin may not disable their own account');
    if (row.disabledAt !== null) return err('CONFLICT', `account ${row.username} is already disabled`);
    if (row.roles.includes('admin') && this.enabledAdmins().filter((a) => a.id !== staffId).length === 0)
      return err('CONFLICT', 'the last enabled admin may not be disabled');
    const now = this.clock.now();
    this.store.transaction(() => {
      this.store.setDisabled(staffId, now);
      this.store.supersedeGrants(staffId, actor, now);
      const n = this.store.deleteSessionsOf(staffId);
      this.audit(actor, 'staff:disable', staffId, { username: row.username, sessionsEnded: n });
    });
    this.changed({ staffId });
    return { ok: true, data: this.accountState(this.store.staffById(staffId)!) };
  }

  enable(actor: string, staffId: string): Result<StaffAccountState> {
    const row = this.store.staffById(staffId);
    if (!row) return err('NOT_FOUND', `no staff ${staffId}`);
    if (row.disabledAt === null) return err('CONFLICT', `account ${row.username} is not disabled`);
    this.store.transaction(() => {
      this.store.setDisabled(staffId, null);
      this.audit(actor, 'staff:enable', staffId, { username: row.username });
    });
    return { ok: true, data: this.accountState(this.store.staffById(staffId)!) };
  }

  private enabledAdmins(): StaffRow[] {
    return this.store.allStaff().filter((s) => s.disabledAt === null && s.roles.includes('admin'));
  }

  /**
   * An admin resets another account's password to a generated one-time password (shown once),
   * which the account must replace at its next login (SEC-ACC-4). Its sessions end at once; a
   * TOTP enrolment stays, so a reset alone never opens an admin's or manager's account.
   */
  resetPassword(actor: string, staffId: string): Result<PasswordResetResult> {
    const row = this.store.staffById(staffId);
    if (!row) return err('NOT_FOUND', `no staff ${staffId}`);
    if (staffId === actor)
      return err(
        'FORBIDDEN',
        'change your own password with POST /api/auth/password (old password required)',
      );
    const temporary = temporaryPassword();
    this.store.transaction(() => {
      this.store.setPassword(staffId, hashPassword(temporary), true);
      const n = this.store.deleteSessionsOf(staffId);
      this.audit(actor, 'staff:password-reset', staffId, { username: row.username, sessionsEnded: n });
    });
    this.changed({ staffId });
    return { ok: true, data: { temporaryPassword: temporary } };
  }

  /**
   * A staff member changes their own password (the old one required) — after a reset this is the
   * only thing their session can do. Other sessions of the account end; this one goes on.
   */
  changePassword(token: string, oldPassword: string, newPassword: string): Result<{ changed: true }> {
    const session = this.sessionOf(token);
    if (session === null) return err('UNAUTHENTICATED', 'the session has ended; log in again');
    const row = session.staff;
    if (!verifyPassword(oldPassword, row.passwordHash))
      return err('UNAUTHENTICATED', 'the current password is wrong');
    const weakness = passwordProblem(newPassword, row.username);
    if (weakness !== null) return weak(weakness);
    if (verifyPassword(newPassword, row.passwordHash))
      return weak({
        message: 'the new password must differ from the current one',
        messageZh: '新密码不能与原密码相同',
      });
    const keep = sha256(token);
    this.store.transaction(() => {
      this.store.setPassword(row.id, hashPassword(newPassword), false);
      for (const other of this.store.sessionHashesOf(row.id))
        if (other !== keep) this.store.deleteSession(other);
      this.audit(row.id, 'staff:password-change', row.id, { afterReset: row.mustChangePassword });
    });
    this.changed({ staffId: row.id });
    return { ok: true, data: { changed: true } };
  }

  /** Starts (or restarts) the TOTP enrolment of the session's account: a new secret, sealed at rest. */
  startTotp(token: string): Result<{ secret: string; uri: string }> {
    const session = this.sessionOf(token);
    if (session === null) return err('UNAUTHENTICATED', 'the session has ended; log in again');
    if (session.pending === 'PASSWORD_CHANGE_REQUIRED')
      return err(session.pending, 'change the temporary password first');
    const row = session.staff;
    if (row.totpEnabledAt !== null) return err('CONFLICT', 'the second factor is already enrolled');
    const secret = newTotpSecret();
    this.store.setTotp(row.id, this.box.seal(secret, totpAad(row.id)), null);
    return { ok: true, data: { secret, uri: totpUri(secret, row.username) } };
  }

  /** Confirms the enrolment with a first code from the app; from then on login needs a code. */
  confirmTotp(token: string, code: string): Result<{ enrolled: true }> {
    const session = this.sessionOf(token);
    if (session === null) return err('UNAUTHENTICATED', 'the session has ended; log in again');
    const row = session.staff;
    if (row.totpEnabledAt !== null) return err('CONFLICT', 'the second factor is already enrolled');
    if (row.totpSecret === null)
      return err('CONFLICT', 'start the enrolment first (POST /api/auth/totp/enrol)');
    const now = this.clock.now();
    const secret = this.openTotp(row);
    if (secret === null) return err('UNAVAILABLE', TOTP_UNREADABLE);
    const step = verifyTotp(secret, code, now, null);
    if (step === null) return err('UNAUTHENTICATED', 'wrong one-time code');
    this.store.transaction(() => {
      this.store.setTotp(row.id, row.totpSecret, now);
      this.store.useTotpStep(row.id, step);
      this.audit(row.id, 'staff:totp-enrolled', row.id, {});
    });
    return { ok: true, data: { enrolled: true } };
  }

  /** The account's TOTP secret, or null when the hall's keys do not open it (never a thrown error). */
  private openTotp(row: StaffRow): string | null {
    if (row.totpSecret === null) return null;
    try {
      return this.box.open(row.totpSecret, totpAad(row.id));
    } catch {
      return null;
    }
  }

  /** Checks a login's TOTP code and spends its time step (a code is good once). */
  private totpAccepted(secret: string, row: StaffRow, code: string): boolean {
    const step = verifyTotp(secret, code, this.clock.now(), row.totpLastStep);
    return step !== null && this.store.useTotpStep(row.id, step);
  }

  login(username: string, password: string, totp?: string): Result<AccountLoginResult> {
    const row = this.store.staffByUsername(username);
    const valid = verifyPassword(password, row?.passwordHash ?? this.dummyHash);
    if (!row || !valid || row.disabledAt !== null)
      return err('UNAUTHENTICATED', 'wrong username or password');
    if (row.totpEnabledAt !== null) {
      if (totp === undefined || totp === '')
        return err(
          'TOTP_REQUIRED',
          'this account needs the one-time code of its authenticator app (field totp)',
        );
      const secret = this.openTotp(row);
      if (secret === null) return err('UNAVAILABLE', TOTP_UNREADABLE);
      if (!this.totpAccepted(secret, row, totp))
        return err('UNAUTHENTICATED', 'wrong or already used one-time code');
    }
    const token = newToken();
    const now = this.clock.now();
    this.store.transaction(() => {
      this.store.purgeSessions(now, now - this.idleMs);
      this.store.insertSession(sha256(token), row.id, now, now + this.sessionMs);
    });
    const pending = this.pendingStep(row);
    return {
      ok: true,
      data: {
        token,
        expiresAt: now + this.sessionMs,
        staff: staffAccount(row),
        mustChangePassword: pending === 'PASSWORD_CHANGE_REQUIRED',
        totpEnrolmentRequired: pending === 'TOTP_ENROLMENT_REQUIRED',
      },
    };
  }

  logout(token: string): void {
    this.store.deleteSession(sha256(token));
  }

  /** What an account must do before anything else, or null. */
  private pendingStep(row: StaffRow): PendingStep | null {
    if (row.mustChangePassword) return 'PASSWORD_CHANGE_REQUIRED';
    if (this.requireTotpEnrolment && row.totpEnabledAt === null && isPrivileged(row.roles))
      return 'TOTP_ENROLMENT_REQUIRED';
    return null;
  }

  /**
   * The live session of a staff token (also one with a pending step), or null when it ended:
   * past its absolute end, unused longer than the idle limit (then it is deleted), or its
   * account disabled. `touch` records the use (at most once a minute).
   *
   * A session once read is kept in memory with the store's generation (SEC-ACC-7): every write
   * that can end a session or change an account (logout, disable, password reset or change,
   * roles, TOTP, a sweep that deleted rows) moves the generation, so the next use reads the
   * database again; the absolute and idle limits are checked against the clock on every use.
   */
  private sessionOf(token: string, touch = true): { staff: StaffRow; pending: PendingStep | null } | null {
    const now = this.clock.now();
    let s = this.sessionCache.get(token);
    if (s === undefined || s.gen !== this.store.generation) {
      this.sessionCache.delete(token);
      const gen = this.store.generation;
      const hash = sha256(token);
      const row = this.store.session(hash);
      if (row === undefined) return null;
      const staff = this.store.staffById(row.staffId);
      s = { gen, hash, expiresAt: row.expiresAt, lastUsedAt: row.lastUsedAt, staff: staff ?? null };
      if (this.sessionCache.size >= MAX_CACHED) this.sessionCache.clear();
      this.sessionCache.set(token, s);
    }
    if (s.expiresAt <= now || now - s.lastUsedAt > this.idleMs) {
      this.sessionCache.delete(token);
      this.store.deleteSession(s.hash);
      return null;
    }
    const row = s.staff;
    if (row === null || row.disabledAt !== null) return null;
    if (touch && now - s.lastUsedAt >= TOUCH_MS) {
      this.store.touchSession(s.hash, now);
      s.lastUsedAt = now;
    }
    return { staff: row, pending: this.pendingStep(row) };
  }

  /**
   * Ends sessions past their absolute or idle limit and tells the transports, which drop the
   * sockets of sessions that are gone (the 15 s sweep; SEC-ACC-6). How many rows it deleted.
   */
  sweepSessions(): number {
    const now = this.clock.now();
    const n = this.store.purgeSessions(now, now - this.idleMs);
    this.changed({ all: true });
    return n;
  }

  /**
   * The principal behind a staff token or device token; anonymous when neither is valid (with
   * the pending step of a session that must change its password or enrol TOTP first). A check
   * that is not a use of the session (a sweep) passes `touch: false`.
   */
  principal(
    auth: { token?: string | undefined; deviceToken?: string | undefined },
    opts: { touch?: boolean } = {},
  ): Principal {
    if (auth.token) {
      const s = this.sessionOf(auth.token, opts.touch ?? true);
      if (s !== null) {
        if (s.pending !== null) return { kind: 'anonymous', pending: s.pending };
        const row = s.staff;
        return {
          kind: 'staff',
          id: row.id,
          name: row.name,
          staffNumber: row.staffNumber,
          roles: row.roles,
        };
      }
    }
    if (auth.deviceToken) {
      const d = this.deviceOf(auth.deviceToken);
      if (d && d.revokedAt === null) {
        this.seen(d.id);
        return { kind: 'device', id: d.id, deviceKind: d.kind, windowId: d.windowId };
      }
    }
    return { kind: 'anonymous' };
  }

  /** The device behind a token, kept in memory until the store's generation moves (a revoke). */
  private deviceOf(token: string): DeviceRecord | undefined {
    const cached = this.deviceCache.get(token);
    if (cached !== undefined && cached.gen === this.store.generation) return cached.row;
    const gen = this.store.generation;
    const row = this.store.deviceByToken(sha256(token));
    if (row === undefined) {
      this.deviceCache.delete(token);
      return undefined;
    }
    if (this.deviceCache.size >= MAX_CACHED) this.deviceCache.clear();
    this.deviceCache.set(token, { gen, row });
    return row;
  }

  /** Records a device's last contact, at most once a minute (each write is an fsync'd commit). */
  private seen(deviceId: string): void {
    const now = this.clock.now();
    const last = this.seenWritten.get(deviceId);
    if (last !== undefined && now - last < TOUCH_MS && now >= last) return;
    this.seenWritten.set(deviceId, now);
    this.store.deviceSeen(deviceId, now);
  }

  /** What the screen above a window shows: who serves there (name and 工号 are worn on the badge anyway). */
  windowClerk(clerkId: string | null): WindowClerk | null {
    const clerk = clerkId === null ? undefined : this.store.staffById(clerkId);
    if (clerk === undefined) return null;
    const photo = this.store.photo(clerk.id);
    return {
      id: clerk.id,
      name: clerk.name,
      staffNumber: clerk.staffNumber,
      photoUrl: photo === undefined ? null : `/api/staff/${clerk.id}/photo?v=${photo.updatedAt}`,
    };
  }

  photo(staffId: string): { mime: string; data: Buffer; updatedAt: number } | undefined {
    return this.store.photo(staffId);
  }

  /**
   * A clerk's photo for the window display (服务形象), audited. Only a photo `reencodePhoto`
   * made is accepted (SPEC EDGE-3): what was uploaded is never what is stored or served.
   */
  putPhoto(actor: string, staffId: string, photo: EncodedPhoto): Result<{ photoUrl: string }> {
    if (this.store.staffById(staffId) === undefined) return err('NOT_FOUND', `no staff ${staffId}`);
    const at = this.clock.now();
    this.store.transaction(() => {
      this.store.putPhoto(staffId, photo.mime, photo.data, at);
      this.store.audit({
        at,
        actor,
        action: 'staff:photo',
        target: staffId,
        detail: { bytes: photo.data.length },
      });
    });
    return { ok: true, data: { photoUrl: `/api/staff/${staffId}/photo` } };
  }

  allStaff(): StaffAccountState[] {
    return this.store.allStaff().map((r) => this.accountState(r));
  }

  private accountState(row: StaffRow): StaffAccountState {
    return {
      ...staffAccount(row),
      disabled: row.disabledAt !== null,
      mustChangePassword: row.mustChangePassword,
      totpEnrolled: row.totpEnabledAt !== null,
    };
  }

  allDevices(): DeviceRecord[] {
    return this.store.allDevices();
  }

  /** A one-time 8-digit code an admin reads to the technician installing a terminal. */
  createPairingCode(
    actor: string,
    input: { kind: DeviceKind; name: string; windowId: string | null },
  ): Result<PairingCode> {
    if (!DEVICE_KINDS.includes(input.kind)) return err('BAD_REQUEST', `unknown device kind ${input.kind}`);
    const code = String(randomInt(0, 100_000_000)).padStart(8, '0');
    const expiresAt = this.clock.now() + PAIRING_CODE_MS;
    this.store.transaction(() => {
      this.store.insertPairingCode(sha256(code), { ...input, createdBy: actor, expiresAt });
      this.store.audit({
        at: this.clock.now(),
        actor,
        action: 'device:pairing-code',
        target: null,
        detail: input,
      });
    });
    return { ok: true, data: { code, expiresAt } };
  }

  pair(code: string): Result<PairedDevice> {
    const deviceToken = newToken();
    return this.store.transaction(() => {
      const r = this.store.pairDevice(sha256(code), this.clock.now(), {
        id: `d-${randomUUID()}`,
        tokenHash: sha256(deviceToken),
      });
      if (!r.ok) return err('UNAUTHENTICATED', `pairing code is ${r.reason}`);
      this.store.audit({
        at: this.clock.now(),
        actor: r.device.id,
        action: 'device:paired',
        target: r.device.id,
        detail: { kind: r.device.kind, name: r.device.name },
      });
      return { ok: true as const, data: { device: r.device, deviceToken } };
    });
  }

  revoke(actor: string, deviceId: string): Result<{ revoked: true }> {
    return this.store.transaction(() => {
      if (!this.store.revokeDevice(deviceId, this.clock.now()))
        return err('NOT_FOUND', `no active device ${deviceId}`);
      this.store.audit({
        at: this.clock.now(),
        actor,
        action: 'device:revoke',
        target: deviceId,
        detail: {},
      });
      return { ok: true as const, data: { revoked: true as const } };
    });
  }
}
