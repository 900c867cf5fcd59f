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
  DeviceRecord,
  LoginResult,
  PairedDevice,
  PairingCode,
  WindowClerk,
} from '@onewindow/shared/api-types.ts';
import { dutyConflict, type Principal } from '../auth/permissions.ts';
import type { AuthStore, StaffRow } from '../store/auth.store.ts';
import type { Clock } from './hall.service.ts';

const SESSION_MS = 12 * 60 * 60 * 1000;
const PAIRING_CODE_MS = 15 * 60 * 1000;
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

/** The image type by its magic bytes (the Content-Type header alone is not trusted). */
function imageMime(data: Buffer): 'image/jpeg' | 'image/png' | null {
  if (data.length > 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (
    data.length > 8 &&
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  return null;
}

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

/** Staff logins, device pairing and the principals behind tokens. */
export class AuthService {
  /** A password check that costs the same for unknown users, so usernames cannot be probed by timing. */
  private readonly dummyHash = hashPassword(randomUUID());

  constructor(
    private readonly store: AuthStore,
    private readonly clock: Clock,
  ) {}

  createStaff(
    actor: string,
    input: { username: string; name: string; staffNumber: string; roles: StaffRole[]; password: string },
  ): Result<StaffAccount> {
    const conflict = dutyConflict(input.roles);
    if (conflict !== null) return err('DUTY_CONFLICT', conflict);
    if (input.roles.some((r) => !STAFF_ROLES.includes(r))) return err('BAD_REQUEST', 'unknown role');
    if (input.password.length < 8) return err('BAD_REQUEST', 'password must have at least 8 characters');
    if (this.store.staffByUsername(input.username))
      return err('CONFLICT', `username ${input.username} is taken`);
    const row = {
      id: `s-${randomUUID()}`,
      username: input.username,
      name: input.name,
      staffNumber: input.staffNumber,
      roles: [...new Set(input.roles)],
      passwordHash: hashPassword(input.password),
      createdAt: this.clock.now(),
    };
    this.store.transaction(() => {
      this.store.insertStaff(row);
      this.store.audit({
        at: row.createdAt,
        actor,
        action: 'staff:create',
        target: row.id,
        detail: { username: row.username, roles: row.roles },
      });
    });
    return { ok: true, data: staffAccount({ ...row, disabledAt: null }) };
  }

  setRoles(actor: string, staffId: string, roles: StaffRole[]): Result<StaffAccount> {
    const row = this.store.staffById(staffId);
    if (!row) return err('NOT_FOUND', `no staff ${staffId}`);
    const conflict = dutyConflict(roles);
    if (conflict !== null) return err('DUTY_CONFLICT', conflict);
    this.store.transaction(() => {
      this.store.setRoles(staffId, roles);
      this.store.audit({
        at: this.clock.now(),
        actor,
        action: 'staff:roles',
        target: staffId,
        detail: { from: row.roles, to: roles },
      });
    });
    return { ok: true, data: staffAccount({ ...row, roles }) };
  }

  login(username: string, password: string): Result<LoginResult> {
    const row = this.store.staffByUsername(username);
    const valid = verifyPassword(password, row?.passwordHash ?? this.dummyHash);
    if (!row || !valid || row.disabledAt !== null)
      return err('UNAUTHENTICATED', 'wrong username or password');
    const token = newToken();
    const now = this.clock.now();
    this.store.insertSession(sha256(token), row.id, now, now + SESSION_MS);
    return { ok: true, data: { token, expiresAt: now + SESSION_MS, staff: staffAccount(row) } };
  }

  logout(token: string): void {
    this.store.deleteSession(sha256(token));
  }

  /** The principal behind a staff token or device token; anonymous when neither is valid. */
  principal(auth: { token?: string | undefined; deviceToken?: string | undefined }): Principal {
    if (auth.token) {
      const s = this.store.session(sha256(auth.token));
      if (s && s.expiresAt > this.clock.now()) {
        const row = this.store.staffById(s.staffId);
        if (row && row.disabledAt === null)
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
      const d = this.store.deviceByToken(sha256(auth.deviceToken));
      if (d && d.revokedAt === null) {
        this.store.deviceSeen(d.id, this.clock.now());
        return { kind: 'device', id: d.id, deviceKind: d.kind, windowId: d.windowId };
      }
    }
    return { kind: 'anonymous' };
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

  /** A clerk's photo for the window display (服务形象): JPEG or PNG by its magic bytes, audited. */
  putPhoto(actor: string, staffId: string, data: Buffer): Result<{ photoUrl: string }> {
    if (this.store.staffById(staffId) === undefined) return err('NOT_FOUND', `no staff ${staffId}`);
    const mime = imageMime(data);
    if (mime === null)
      return err('BAD_REQUEST', 'send a JPEG or PNG image (Content-Type image/jpeg or image/png)');
    const at = this.clock.now();
    this.store.transaction(() => {
      this.store.putPhoto(staffId, mime, data, at);
      this.store.audit({ at, actor, action: 'staff:photo', target: staffId, detail: { bytes: data.length } });
    });
    return { ok: true, data: { photoUrl: `/api/staff/${staffId}/photo` } };
  }

  allStaff(): StaffAccount[] {
    return this.store.allStaff().map(staffAccount);
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
