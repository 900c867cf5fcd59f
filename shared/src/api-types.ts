/**
 * Shapes of the REST answers the browser apps read (the `data` of the `{ok, data}` envelope)
 * that had no shared type, declared once so the console, the kiosk and the screens stop
 * redeclaring them. Types only, no zod: apps import this file by path
 * (`@onewindow/shared/api-types.ts`) and it adds nothing to their bundles. Each type names its
 * route and the server code that builds the answer; the server's services return these types.
 * Answers that already had a shared type keep it (StaffAccount, DeviceStatus, CaseRecord,
 * SlipResult, ApplicationView, CalendarOverride, AuditEntry, HallStats, …).
 */
import type { PrintJobStatus } from './devices.ts';
import type { ServiceWindow } from './domain.ts';
import type { KioskIssueResult, KioskTicket } from './kiosk.ts';
import type { DeviceKind, StaffAccount } from './protocol.ts';

/**
 * `GET /api/auth/me`: the logged-in staff member, as the session's principal knows them
 * (queue-server/src/app/routes/core.routes.ts).
 */
export type CurrentStaff = Pick<StaffAccount, 'id' | 'name' | 'staffNumber' | 'roles'>;

/** `POST /api/auth/login`: a bearer token for 12 hours and who it belongs to (`AuthService.login`). */
export interface LoginResult {
  token: string;
  expiresAt: number;
  staff: StaffAccount;
}

/**
 * A paired device: an entry of `GET /api/devices` (admin), and the `device` of
 * `POST /api/devices/pair`. Built by `AuthStore.allDevices` / `pairDevice`
 * (queue-server/src/store/auth.store.ts `DeviceRow`).
 */
export interface DeviceRecord {
  id: string;
  kind: DeviceKind;
  name: string;
  /** The window a window display, rating pad or counter agent belongs to. */
  windowId: string | null;
  createdAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
}

/** `POST /api/devices/pair`: the device and its token, shown once (`AuthService.pair`). */
export interface PairedDevice {
  deviceToken: string;
  device: DeviceRecord;
}

/** `POST /api/devices/pairing-codes` (admin): a one-time 8-digit code, valid 15 minutes (`AuthService.createPairingCode`). */
export interface PairingCode {
  code: string;
  expiresAt: number;
}

/** The clerk signed on at a window, as `GET /api/windows/:id/display` shows them (name and 工号 are on their badge). */
export interface WindowClerk {
  id: string;
  name: string;
  staffNumber: string;
  /** `/api/staff/:id/photo?v=…` when the admin uploaded a photo, else null. */
  photoUrl: string | null;
}

/** `GET /api/windows/:id/display`: the window and its clerk (queue-server/src/app/routes/core.routes.ts, `AuthService.windowClerk`). */
export interface WindowDisplayData {
  window: ServiceWindow;
  clerk: WindowClerk | null;
}

/** `POST /api/print-jobs`: the job queued and the terminal it prints on (`PrintQueue.request`, queue-server/src/service/print.service.ts). */
export interface PrintJobQueued {
  jobId: string;
  deviceId: string;
}

/**
 * `GET /api/print-jobs/:id`: where a print job is; `reason` says why it failed
 * (`PrintQueue.state`).
 */
export interface PrintJobState extends PrintJobQueued {
  status: PrintJobStatus;
  reason: string | null;
}

/** `POST /api/kiosk/tickets/:id/reprint`: the new print job, or why none (`KioskService`, queue-server/src/service/kiosk.service.ts). */
export interface KioskReprintResult {
  print: KioskIssueResult['print'];
}

/** `POST /api/kiosk/lookup`: the citizen's tickets of today, oldest first (`KioskService`, queue-server/src/service/kiosk.service.ts). */
export interface KioskLookupResult {
  tickets: KioskTicket[];
}

/**
 * `POST /api/auth/login` as answered since accounts have pending steps (SPEC SEC-ACC-4/5): when
 * either flag is set the token opens only `POST /api/auth/password` or the TOTP enrolment.
 */
export interface AccountLoginResult extends LoginResult {
  mustChangePassword: boolean;
  totpEnrolmentRequired: boolean;
}

/** A grant of manager or admin waiting for a second admin (`GET /api/staff/grants`, SPEC SEC-ACC-1). */
export interface RoleGrant {
  id: string;
  staffId: string;
  username: string;
  name: string;
  /** The roles the account holds now, and the whole set it gets when approved. */
  currentRoles: StaffAccount['roles'];
  roles: StaffAccount['roles'];
  proposedBy: string;
  proposedByName: string;
  proposedAt: number;
  expiresAt: number;
}

/** `GET /api/staff`: an account with its state (`AuthService.allStaff`). */
export interface StaffAccountState extends StaffAccount {
  disabled: boolean;
  mustChangePassword: boolean;
  totpEnrolled: boolean;
}

/** `POST /api/staff`, `PUT /api/staff/{id}/roles`: the account as it is now, and its grant waiting for approval, if any. */
export interface StaffChange extends StaffAccount {
  pendingGrant: RoleGrant | null;
}

/** `POST /api/staff/{id}/password-reset`: shown once to the admin, who hands it over; changed at first login. */
export interface PasswordResetResult {
  temporaryPassword: string;
}

/** `POST /api/auth/totp/enrol`: the secret to type or the QR (an SVG data URL of `uri`) to scan. */
export interface TotpEnrolment {
  secret: string;
  uri: string;
  qrDataUrl: string;
}

/** One read of stored personal data (SPEC SEC-NTK-2): `GET /api/pii-reads`. */
export interface PiiReadEntry {
  at: number;
  staffId: string;
  /** Name and 工号 of the reader, when the account still exists. */
  staffName: string | null;
  staffNumber: string | null;
  /** A kiosk form, the name of a card read at the clerk's counter (CTR-2), a complainant's contact (CMP-4), a captured page (MAT-FILE-3), or an archive PDF or volume (ARC-5). */
  subject: 'application' | 'counter-card' | 'complaint' | 'case-page' | 'archive-pdf' | 'online-draft';
  subjectId: string;
  ticketId: string | null;
  /** `serving`, `case <id>`, or `manager: <the reason given>`. */
  purpose: string;
}
