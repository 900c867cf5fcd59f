import type { DeviceKind, ServiceItem, StaffRole } from '@onewindow/shared';
import type { DeviceRecord } from '@onewindow/shared/api-types.ts';
import type Database from 'better-sqlite3';

export interface StaffRow {
  id: string;
  username: string;
  name: string;
  staffNumber: string;
  roles: StaffRole[];
  passwordHash: string;
  createdAt: number;
  disabledAt: number | null;
  /** Set by an admin's password reset: the account must choose its own before anything else. */
  mustChangePassword: boolean;
  /** The TOTP secret as sealed by the auth service (never in clear); null before enrolment. */
  totpSecret: string | null;
  /** When the account confirmed its TOTP enrolment; null while not enrolled. */
  totpEnabledAt: number | null;
  /** The last TOTP time step accepted, so a code is never accepted twice. */
  totpLastStep: number | null;
}

/** A login session as stored (its token only as a hash). */
export interface SessionRow {
  staffId: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number;
}

/** A grant of manager or admin that waits for a second admin (SPEC SEC-ACC-1). */
export interface RoleGrantRow {
  id: string;
  staffId: string;
  roles: StaffRole[];
  proposedBy: string;
  proposedAt: number;
  expiresAt: number;
  status: 'pending' | 'approved' | 'rejected' | 'superseded';
  decidedBy: string | null;
  decidedAt: number | null;
}

/** A paired device as stored: the shape `GET /api/devices` answers with. */
export type DeviceRow = DeviceRecord;

export interface PairingCodeRow {
  kind: DeviceKind;
  name: string;
  windowId: string | null;
  createdBy: string;
  expiresAt: number;
  usedAt: number | null;
}

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
}

const staffCols =
  'id, username, name, staff_number AS staffNumber, roles, password_hash AS passwordHash, created_at AS createdAt, disabled_at AS disabledAt, must_change_password AS mustChangePassword, totp_secret AS totpSecret, totp_enabled_at AS totpEnabledAt, totp_last_step AS totpLastStep';
const grantCols =
  'id, staff_id AS staffId, roles, proposed_by AS proposedBy, proposed_at AS proposedAt, expires_at AS expiresAt, status, decided_by AS decidedBy, decided_at AS decidedAt';
const deviceCols =
  'id, kind, name, window_id AS windowId, created_at AS createdAt, revoked_at AS revokedAt, last_seen_at AS lastSeenAt';

function staffOf(row: unknown): StaffRow | undefined {
  if (row === undefined) return undefined;
  const r = row as Omit<StaffRow, 'roles' | 'mustChangePassword'> & {
    roles: string;
    mustChangePassword: number;
  };
  return { ...r, roles: JSON.parse(r.roles) as StaffRole[], mustChangePassword: r.mustChangePassword === 1 };
}

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

function grantOf(row: unknown): RoleGrantRow | undefined {
  if (row === undefined) return undefined;
  const r = row as Omit<RoleGrantRow, 'roles'> & { roles: string };
  return { ...r, roles: JSON.parse(r.roles) as StaffRole[] };
}

/**
 * Staff accounts, login sessions, paired devices, the service catalog and the admin audit
 * trail. Tokens and codes are stored only as hashes: a stolen database opens no session.
 */
export class AuthStore {
  private readonly s;
  /** Bumped by every write that can end a session or change what it may do (the principal cache's key). */
  private gen = 0;
  /** The parsed catalog, frozen; dropped by `replaceCatalog`, filled only outside a transaction. */
  private catalogCache: readonly ServiceItem[] | null = null;

  constructor(private readonly db: Database.Database) {
    this.s = {
      insertStaff: db.prepare(
        `INSERT INTO staff (id, username, name, staff_number, roles, password_hash, created_at, must_change_password)
         VALUES (@id, @username, @name, @staffNumber, @roles, @passwordHash, @createdAt, @mustChangePassword)`,
      ),
      setPassword: db.prepare('UPDATE staff SET password_hash = ?, must_change_password = ? WHERE id = ?'),
      setDisabled: db.prepare('UPDATE staff SET disabled_at = ? WHERE id = ?'),
      setTotp: db.prepare(
        'UPDATE staff SET totp_secret = ?, totp_enabled_at = ?, totp_last_step = NULL WHERE id = ?',
      ),
      useTotpStep: db.prepare(
        'UPDATE staff SET totp_last_step = ? WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)',
      ),
      updateRoles: db.prepare('UPDATE staff SET roles = ? WHERE id = ?'),
      staffById: db.prepare(`SELECT ${staffCols} FROM staff WHERE id = ?`),
      staffByUsername: db.prepare(`SELECT ${staffCols} FROM staff WHERE username = ?`),
      allStaff: db.prepare(`SELECT ${staffCols} FROM staff ORDER BY username`),
      staffCount: db.prepare('SELECT COUNT(*) AS n FROM staff'),
      insertSession: db.prepare(
        'INSERT INTO sessions (token_hash, staff_id, created_at, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?)',
      ),
      session: db.prepare(
        'SELECT staff_id AS staffId, created_at AS createdAt, expires_at AS expiresAt, last_used_at AS lastUsedAt FROM sessions WHERE token_hash = ?',
      ),
      touchSession: db.prepare('UPDATE sessions SET last_used_at = ? WHERE token_hash = ?'),
      deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
      deleteSessionsOf: db.prepare('DELETE FROM sessions WHERE staff_id = ?'),
      sessionHashesOf: db.prepare('SELECT token_hash AS h FROM sessions WHERE staff_id = ?'),
      purgeSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_used_at < ?'),
      insertGrant: db.prepare(
        `INSERT INTO role_grants (id, staff_id, roles, proposed_by, proposed_at, expires_at, status)
         VALUES (?, ?, ?, ?, ?, ?, 'pending')`,
      ),
      grant: db.prepare(`SELECT ${grantCols} FROM role_grants WHERE id = ?`),
      pendingGrants: db.prepare(
        `SELECT ${grantCols} FROM role_grants WHERE status = 'pending' ORDER BY proposed_at, id`,
      ),
      decideGrant: db.prepare(
        `UPDATE role_grants SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'`,
      ),
      supersedeGrants: db.prepare(
        `UPDATE role_grants SET status = 'superseded', decided_by = ?, decided_at = ? WHERE staff_id = ? AND status = 'pending'`,
      ),
      insertCode: db.prepare(
        `INSERT INTO pairing_codes (code_hash, kind, name, window_id, created_by, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      code: db.prepare(
        `SELECT kind, name, window_id AS windowId, created_by AS createdBy, expires_at AS expiresAt, used_at AS usedAt
         FROM pairing_codes WHERE code_hash = ?`,
      ),
      useCode: db.prepare('UPDATE pairing_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL'),
      insertDevice: db.prepare(
        `INSERT INTO devices (id, kind, name, window_id, token_hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      deviceByToken: db.prepare(`SELECT ${deviceCols} FROM devices WHERE token_hash = ?`),
      deviceById: db.prepare(`SELECT ${deviceCols} FROM devices WHERE id = ?`),
      allDevices: db.prepare(`SELECT ${deviceCols} FROM devices ORDER BY created_at`),
      revokeDevice: db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      seenDevice: db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?'),
      upsertItem: db.prepare(
        'INSERT INTO service_items (code, body) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET body = excluded.body',
      ),
      deleteItems: db.prepare('DELETE FROM service_items'),
      allItems: db.prepare('SELECT body FROM service_items ORDER BY code'),
      putPhoto: db.prepare(
        `INSERT INTO staff_photos (staff_id, mime, data, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (staff_id) DO UPDATE SET mime = excluded.mime, data = excluded.data, updated_at = excluded.updated_at`,
      ),
      photo: db.prepare('SELECT mime, data, updated_at AS updatedAt FROM staff_photos WHERE staff_id = ?'),
      insertAudit: db.prepare('INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)'),
      audit: db.prepare(
        'SELECT id, at, actor, action, target, detail FROM audit WHERE id > ? ORDER BY id LIMIT ?',
      ),
    };
  }

  /** Runs `fn` in one transaction: a change and its audit row commit together (nested calls join it). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Changes whenever a session ends or an account's password, roles, second factor, enabled
   * state or a device's pairing changes: what a cached principal must be checked against.
   */
  get generation(): number {
    return this.gen;
  }

  staffCount(): number {
    return (this.s.staffCount.get() as { n: number }).n;
  }

  insertStaff(
    row: Omit<
      StaffRow,
      'disabledAt' | 'mustChangePassword' | 'totpSecret' | 'totpEnabledAt' | 'totpLastStep'
    > & {
      mustChangePassword?: boolean;
    },
  ): void {
    this.s.insertStaff.run({
      ...row,
      roles: JSON.stringify(row.roles),
      mustChangePassword: row.mustChangePassword === true ? 1 : 0,
    });
  }

  setPassword(id: string, passwordHash: string, mustChange: boolean): void {
    this.gen++;
    this.s.setPassword.run(passwordHash, mustChange ? 1 : 0, id);
  }

  /** Disables (a time) or enables (null) an account. */
  setDisabled(id: string, at: number | null): void {
    this.gen++;
    this.s.setDisabled.run(at, id);
  }

  /** Stores a sealed TOTP secret (enabledAt null while the enrolment awaits its first code), or clears it. */
  setTotp(id: string, sealedSecret: string | null, enabledAt: number | null): void {
    this.gen++;
    this.s.setTotp.run(sealedSecret, enabledAt, id);
  }

  /** Spends a TOTP time step: false when this or a later step was already used (a replayed code). */
  useTotpStep(id: string, step: number): boolean {
    return this.s.useTotpStep.run(step, id, step).changes === 1;
  }

  setRoles(id: string, roles: StaffRole[]): void {
    this.gen++;
    this.s.updateRoles.run(JSON.stringify(roles), id);
  }

  staffById(id: string): StaffRow | undefined {
    return staffOf(this.s.staffById.get(id));
  }

  staffByUsername(username: string): StaffRow | undefined {
    return staffOf(this.s.staffByUsername.get(username));
  }

  allStaff(): StaffRow[] {
    return this.s.allStaff.all().map((r) => staffOf(r)!);
  }

  insertSession(tokenHash: string, staffId: string, now: number, expiresAt: number): void {
    this.s.insertSession.run(tokenHash, staffId, now, expiresAt, now);
  }

  session(tokenHash: string): SessionRow | undefined {
    return this.s.session.get(tokenHash) as SessionRow | undefined;
  }

  touchSession(tokenHash: string, at: number): void {
    this.s.touchSession.run(at, tokenHash);
  }

  deleteSession(tokenHash: string): void {
    this.gen++;
    this.s.deleteSession.run(tokenHash);
  }

  /** Ends every session of one account; how many there were. */
  deleteSessionsOf(staffId: string): number {
    this.gen++;
    return this.s.deleteSessionsOf.run(staffId).changes;
  }

  sessionHashesOf(staffId: string): string[] {
    return (this.s.sessionHashesOf.all(staffId) as { h: string }[]).map((r) => r.h);
  }

  /** Deletes sessions past their absolute end or last used before `idleBefore`; how many. */
  purgeSessions(now: number, idleBefore: number): number {
    const n = this.s.purgeSessions.run(now, idleBefore).changes;
    if (n > 0) this.gen++;
    return n;
  }

  insertGrant(row: Omit<RoleGrantRow, 'status' | 'decidedBy' | 'decidedAt'>): void {
    this.s.insertGrant.run(
      row.id,
      row.staffId,
      JSON.stringify(row.roles),
      row.proposedBy,
      row.proposedAt,
      row.expiresAt,
    );
  }

  grant(id: string): RoleGrantRow | undefined {
    return grantOf(this.s.grant.get(id));
  }

  pendingGrants(): RoleGrantRow[] {
    return this.s.pendingGrants.all().map((r) => grantOf(r)!);
  }

  /** Decides a pending grant; false when it was no longer pending. */
  decideGrant(id: string, status: 'approved' | 'rejected', by: string, at: number): boolean {
    return this.s.decideGrant.run(status, by, at, id).changes === 1;
  }

  /** A newer proposal or a direct role change replaces what was pending for the account. */
  supersedeGrants(staffId: string, by: string, at: number): void {
    this.s.supersedeGrants.run(by, at, staffId);
  }

  insertPairingCode(codeHash: string, row: Omit<PairingCodeRow, 'usedAt'>): void {
    this.s.insertCode.run(codeHash, row.kind, row.name, row.windowId, row.createdBy, row.expiresAt);
  }

  /**
   * Spends a pairing code and creates the device in one transaction: a code pairs exactly
   * one device even when two terminals race with it.
   */
  pairDevice(
    codeHash: string,
    now: number,
    device: { id: string; tokenHash: string },
  ): { ok: true; device: DeviceRow } | { ok: false; reason: 'unknown' | 'used' | 'expired' } {
    return this.db.transaction(() => {
      const code = this.s.code.get(codeHash) as PairingCodeRow | undefined;
      if (code === undefined) return { ok: false as const, reason: 'unknown' as const };
      if (code.usedAt !== null) return { ok: false as const, reason: 'used' as const };
      if (code.expiresAt < now) return { ok: false as const, reason: 'expired' as const };
      this.s.useCode.run(now, codeHash);
      this.s.insertDevice.run(device.id, code.kind, code.name, code.windowId, device.tokenHash, now);
      return { ok: true as const, device: this.deviceById(device.id)! };
    })();
  }

  deviceByToken(tokenHash: string): DeviceRow | undefined {
    return this.s.deviceByToken.get(tokenHash) as DeviceRow | undefined;
  }

  deviceById(id: string): DeviceRow | undefined {
    return this.s.deviceById.get(id) as DeviceRow | undefined;
  }

  allDevices(): DeviceRow[] {
    return this.s.allDevices.all() as DeviceRow[];
  }

  revokeDevice(id: string, now: number): boolean {
    this.gen++;
    return this.s.revokeDevice.run(now, id).changes === 1;
  }

  deviceSeen(id: string, now: number): void {
    this.s.seenDevice.run(now, id);
  }

  replaceCatalog(items: ServiceItem[]): void {
    this.catalogCache = null;
    this.db.transaction(() => {
      this.s.deleteItems.run();
      for (const item of items) this.s.upsertItem.run(item.code, JSON.stringify(item));
    })();
  }

  /**
   * The catalog, parsed once and kept until it is replaced (a kiosk ticket reads it several
   * times). The items are frozen: callers share them. A read inside a transaction is not kept,
   * so a replacement that rolls back never leaves its items behind.
   */
  catalog(): ServiceItem[] {
    if (this.catalogCache !== null) return [...this.catalogCache];
    const items = (this.s.allItems.all() as { body: string }[]).map((r) =>
      deepFreeze(JSON.parse(r.body) as ServiceItem),
    );
    if (!this.db.inTransaction) this.catalogCache = items;
    return [...items];
  }

  putPhoto(staffId: string, mime: 'image/jpeg' | 'image/png', data: Buffer, at: number): void {
    this.s.putPhoto.run(staffId, mime, data, at);
  }

  photo(staffId: string): { mime: string; data: Buffer; updatedAt: number } | undefined {
    return this.s.photo.get(staffId) as { mime: string; data: Buffer; updatedAt: number } | undefined;
  }

  audit(entry: { at: number; actor: string; action: string; target: string | null; detail: unknown }): void {
    this.s.insertAudit.run(entry.at, entry.actor, entry.action, entry.target, JSON.stringify(entry.detail));
  }

  auditLog(afterId = 0, limit = 200): AuditRow[] {
    return (this.s.audit.all(afterId, limit) as (Omit<AuditRow, 'detail'> & { detail: string })[]).map(
      (r) => ({
        ...r,
        detail: JSON.parse(r.detail),
      }),
    );
  }
}
