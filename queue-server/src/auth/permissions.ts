import {
  type ApiError,
  type CommandName,
  type CommandPayload,
  type DeviceKind,
  STAFF_ROLES,
  type StaffRole,
} from '@onewindow/shared';
import { CASE_COMMAND_NAMES, CASE_STEPS, type CaseCommandName } from '@onewindow/shared/cases.ts';
import type { QueueEngine } from '../domain/engine.ts';

const forbidden = (message: string): ApiError => ({ code: 'FORBIDDEN', message });

/**
 * A session that may do one thing only until it is done (SPEC SEC-ACC-4, SEC-ACC-5): choose a
 * new password after an admin's reset, or enrol the TOTP second factor of an admin or manager.
 */
export type PendingStep = 'PASSWORD_CHANGE_REQUIRED' | 'TOTP_ENROLMENT_REQUIRED';

/** Why nobody is let through: no login at all, or a login that must finish a pending step first. */
export function notLoggedIn(p: { kind: 'anonymous'; pending?: PendingStep }): ApiError {
  switch (p.pending) {
    case 'PASSWORD_CHANGE_REQUIRED':
      return { code: p.pending, message: 'change the temporary password first (POST /api/auth/password)' };
    case 'TOTP_ENROLMENT_REQUIRED':
      return {
        code: p.pending,
        message:
          'enrol the TOTP second factor first (POST /api/auth/totp/enrol, then /api/auth/totp/confirm)',
      };
    default:
      return { code: 'UNAUTHENTICATED', message: 'log in or pair this device first' };
  }
}

/**
 * A citizen signed in on the phone app with an SMS code (SPEC MOB-AUTH-*). `phoneRef` is a keyed
 * reference of the phone number (never the number); `holderRef` is the same keyed reference of
 * the ID number the kiosk computes (`service/holder.ts`), null until the citizen gave one
 * (MOB-AUTH-7). A citizen holds no staff permission and sends no command: routes admit citizens
 * with the `citizen` or `citizen:identified` access of the route table.
 */
export interface CitizenPrincipal {
  kind: 'citizen';
  /** The session's id (not its token). */
  sessionId: string;
  phoneRef: string;
  phoneMasked: string;
  holderRef: string | null;
  idMasked: string | null;
  /**
   * The holder as a ticket of `on` carries it (`masked`, `senior` on that day, `ref`): what a
   * same-day online ticket issues with (`ticket:issue` `holder`). Null before the ID binding.
   * On another day `senior` is unknown: ask for the ID number again.
   */
  holder: { masked: string; senior: boolean; ref: string; on: string } | null;
  /** When the session ends whatever its use. */
  expiresAt: number;
}

/**
 * Who sends a command: a logged-in staff member, a paired device, a citizen on the phone app, the
 * server itself, or nobody (a login with a pending step is nobody too, and says which step).
 */
export type Principal =
  | { kind: 'staff'; id: string; name: string; staffNumber: string; roles: StaffRole[] }
  | { kind: 'device'; id: string; deviceKind: DeviceKind; windowId: string | null }
  | CitizenPrincipal
  | { kind: 'system'; id: 'system' }
  | { kind: 'anonymous'; pending?: PendingStep };

/** What a permission grants: staff holding any of these roles, or a paired device of these kinds. */
export interface Grant {
  roles: readonly StaffRole[];
  devices: readonly DeviceKind[];
}

/** A case command is for the posts of its steps (shared CASE_STEPS); the case decides the rest (SOD-*). */
const caseGrant = (name: CaseCommandName): Grant => ({
  roles: [...new Set(CASE_STEPS.filter((s) => s.command === name).flatMap((s) => s.roles))],
  devices: [],
});

/** Who may send each command (SPEC "Role × command matrix"); window and case rules come on top. */
export const COMMAND_PERMISSIONS: Record<CommandName, Grant> = {
  'hall:configure': { roles: ['admin'], devices: [] },
  'ticket:issue': { roles: ['guide', 'manager'], devices: ['kiosk'] },
  'window:open': { roles: ['clerk', 'rights-clerk'], devices: [] },
  'window:close': { roles: ['clerk', 'rights-clerk', 'manager'], devices: [] },
  'window:pause': { roles: ['clerk', 'rights-clerk', 'manager'], devices: [] },
  'window:resume': { roles: ['clerk', 'rights-clerk', 'manager'], devices: [] },
  'ticket:call-next': { roles: ['clerk', 'rights-clerk'], devices: [] },
  'ticket:recall': { roles: ['clerk', 'rights-clerk'], devices: [] },
  'ticket:start': { roles: ['clerk', 'rights-clerk'], devices: [] },
  'ticket:no-show': { roles: ['clerk', 'rights-clerk'], devices: [] },
  'ticket:finish': { roles: ['clerk', 'rights-clerk'], devices: [] },
  'ticket:park': { roles: ['clerk', 'rights-clerk'], devices: [] },
  'ticket:resume': { roles: ['clerk', 'rights-clerk'], devices: [] },
  'ticket:transfer': { roles: ['clerk', 'rights-clerk', 'guide', 'manager'], devices: [] },
  'ticket:reinstate': { roles: ['guide', 'manager'], devices: [] },
  'ticket:cancel': { roles: ['guide', 'manager'], devices: [] },
  'ticket:confirm': { roles: ['guide', 'manager'], devices: [] },
  'ticket:override': { roles: ['guide', 'manager'], devices: [] },
  'day:close': { roles: ['manager'], devices: [] },
  // The citizen rates on the window's pad or keypad; no staff member can rate a service.
  'ticket:rate': { roles: [], devices: ['rating-pad', 'agent'] },
  ...(Object.fromEntries(CASE_COMMAND_NAMES.map((n) => [n, caseGrant(n)])) as Record<CaseCommandName, Grant>),
};

const MANAGERS: readonly StaffRole[] = ['manager', 'admin'];

/**
 * Who may use each REST capability that is not a command (SPEC "REST permissions"). Routes
 * name one of these (or `public`, or `staff` for any logged-in post); the route table checks
 * it and the OpenAPI document states it, from this one table.
 */
export const ROUTE_PERMISSIONS = {
  /** The kiosk's own API (KSK-1). */
  kiosk: { roles: [], devices: ['kiosk'] },
  /**
   * A citizen's kiosk form (KSK-5): the posts that may serve or review it; the service then
   * admits only the clerk serving its ticket, the staff of its open case, or a manager who says
   * why (SEC-NTK-1), and records the read (SEC-NTK-2).
   */
  'applications:read': {
    roles: ['clerk', 'rights-clerk', 'reviewer', 'review-supervisor', 'manager'],
    devices: [],
  },
  /** The read trail of personal data (SEC-NTK-2): the hall's managers (who audit it). */
  'pii-reads:read': { roles: MANAGERS, devices: [] },
  /** Window slips, with the finish of a serving ticket (SLP-*). */
  'slips:issue': { roles: ['clerk', 'rights-clerk', 'manager'], devices: [] },
  /** The case list (CASE-3); the accountant reconciles approved business with it (§7.5). */
  'cases:read': {
    roles: ['reviewer', 'review-supervisor', 'rights-clerk', 'clerk', 'accountant', 'manager'],
    devices: [],
  },
  /**
   * Capturing a case's materials (MAT-CAP-1): window clerks from the console, a window's terminal
   * agent (its scanner) for the clerk signed on there; the case then decides (its status, intake).
   */
  'cases:capture': { roles: ['clerk', 'rights-clerk'], devices: ['agent'] },
  /** A captured page (MAT-FILE-3): the posts that work on cases; the need-to-know rule then admits. */
  'cases:pages': {
    roles: ['clerk', 'rights-clerk', 'reviewer', 'review-supervisor', 'manager'],
    devices: [],
  },
  /** A document on a terminal's printer: staff at their window, the guide desk; a kiosk or agent on itself. */
  'print-jobs:queue': { roles: ['clerk', 'rights-clerk', 'guide', 'manager'], devices: ['kiosk', 'agent'] },
  'print-jobs:read': { roles: [...STAFF_ROLES], devices: ['kiosk', 'agent'] },
  'appointments:import': { roles: MANAGERS, devices: [] },
  'appointments:check-in': { roles: ['guide', 'manager'], devices: ['kiosk'] },
  /** The day report and the hall figures: 业务报表 (LD/T 02 §7.5) for the accountant too. */
  'reports:read': { roles: [...MANAGERS, 'accountant'], devices: [] },
  'stats:read': { roles: [...MANAGERS, 'accountant'], devices: [] },
  'stats:own': { roles: ['clerk', 'rights-clerk'], devices: [] },
  'follow-ups:manage': { roles: MANAGERS, devices: [] },
  /** 日结轧账 (REC-*): a comprehensive or rights clerk's own day, never another's. */
  'recon:own': { roles: ['clerk', 'rights-clerk'], devices: [] },
  /** Who has not reconciled, a clerk's day, the countersign (REC-4, REC-6): the hall's manager. */
  'recon:supervise': { roles: ['manager'], devices: [] },
  /**
   * 投诉登记 (CMP-1): the posts a complaint reaches (the counter, the guide desk, managers); the
   * register, its handling and the contact are checked per complaint by ComplaintService (CMP-3, CMP-4).
   */
  'complaints:register': { roles: ['clerk', 'rights-clerk', 'guide', 'manager'], devices: [] },
  /** 12345 imports, assignment, the improvement summary's measures (CMP-7, IMP-3). */
  'complaints:manage': { roles: ['manager'], devices: [] },
  /** The improvement summary (§13.4) and the half-year report (§12.5): the hall's managers. */
  'reports:supervision': { roles: ['manager'], devices: [] },
  /** The archive list, a case's 档号 and the fixity status (ARC-5): the back office and managers. */
  'archive:read': { roles: ['reviewer', 'review-supervisor', 'accountant', 'manager'], devices: [] },
  /**
   * An archive PDF or a volume's export (ARC-5, ARC-7): it holds every material page (ID cards),
   * so managers only, each read recorded (SEC-NTK-2). Filing a correction and an on-demand
   * fixity check too.
   */
  'archive:manage': { roles: ['manager'], devices: [] },
  /**
   * The page store's sweep on demand and its last result (MAT-SWEEP-3): upkeep that reads no
   * page and deletes only what nothing links, so the hall's managers and admins.
   */
  'pages:sweep': { roles: MANAGERS, devices: [] },
  'audit:read': { roles: MANAGERS, devices: [] },
  /** Risk control (RISK-HND-5): the alert list, their handling and one-time overrides: the hall's managers. */
  'risk:alerts': { roles: ['manager'], devices: [] },
  /** The long-wait alerts only (the guide desk's list, RISK-HND-5). */
  'risk:waits': { roles: ['guide', 'manager'], devices: [] },
  /** Reading and exporting the risk list and rules (RISK-LIST-3). */
  'risk:read': { roles: MANAGERS, devices: [] },
  /** Publishing the risk list and rule set (RISK-LIST-1, RISK-RULE-1). */
  'risk:manage': { roles: ['admin'], devices: [] },
  /** The SMS notice outbox (NOTE-OUT-3): masked phones, for managers to call those that failed. */
  'notices:read': { roles: MANAGERS, devices: [] },
  /** The hall's registered SMS templates (NOTE-TPL-2). */
  'notice-templates:manage': { roles: ['admin'], devices: [] },
  'hall:read-config': { roles: MANAGERS, devices: [] },
  'hall:notice': { roles: ['manager'], devices: [] },
  'catalog:manage': { roles: ['admin'], devices: [] },
  'calendar:manage': { roles: ['admin'], devices: [] },
  /** The online booking capacity, window, cancellation and no-show settings (MOB-BOOK-1). */
  'booking:manage': { roles: ['admin'], devices: [] },
  /** The 预审 list of online forms of high-risk items (MOB-PRE-2): the reviewer post. */
  'prechecks:review': { roles: ['reviewer'], devices: [] },
  'staff:manage': { roles: ['admin'], devices: [] },
  /** The second admin of a grant of manager or admin (SEC-ACC-1): never its proposer or its account. */
  'staff:approve': { roles: ['admin'], devices: [] },
  'devices:manage': { roles: ['admin'], devices: [] },
} as const satisfies Record<string, Grant>;

export type RoutePermission = keyof typeof ROUTE_PERMISSIONS;
export type Permission = CommandName | RoutePermission;

/** The one permission table for REST and Socket.IO. */
export const PERMISSIONS: Record<Permission, Grant> = { ...COMMAND_PERMISSIONS, ...ROUTE_PERMISSIONS };

/**
 * Whether a principal holds a permission: a staff role or a device kind it grants. Null when it
 * does; else UNAUTHENTICATED for nobody, FORBIDDEN otherwise. The system (the server itself) holds all.
 */
export function permits(p: Principal, perm: Permission): ApiError | null {
  if (p.kind === 'system') return null;
  if (p.kind === 'anonymous') return notLoggedIn(p);
  if (p.kind === 'citizen') return forbidden(`a citizen may not use ${perm}`);
  const grant = PERMISSIONS[perm];
  if (p.kind === 'device')
    return grant.devices.includes(p.deviceKind)
      ? null
      : forbidden(`a ${p.deviceKind} device may not use ${perm}`);
  return p.roles.some((r) => grant.roles.includes(r))
    ? null
    : forbidden(
        `${perm} needs one of the roles ${grant.roles.join(', ') || '(none: devices only)'}; you are ${p.roles.join(', ') || '(no role)'}`,
      );
}

/** Commands a clerk may only send for the window they opened. */
const OWN_WINDOW: ReadonlySet<CommandName> = new Set([
  'window:close',
  'window:pause',
  'window:resume',
  'ticket:call-next',
  'ticket:recall',
  'ticket:start',
  'ticket:no-show',
  'ticket:finish',
  'ticket:park',
  'ticket:resume',
]);

/** Window commands a manager may send for any window (closing a forgotten one, a pause). */
const MANAGER_ANY_WINDOW: ReadonlySet<CommandName> = new Set([
  'window:close',
  'window:pause',
  'window:resume',
]);

const WINDOW_POSTS_BY_ROLE: Partial<Record<StaffRole, readonly string[]>> = {
  clerk: ['comprehensive', 'bulk'],
  'rights-clerk': ['rights'],
};

/** Whether this principal may send this command now. Pure: reads the queue, changes nothing. */
export function authorize<N extends CommandName>(
  p: Principal,
  name: N,
  payload: CommandPayload<N>,
  queue: QueueEngine,
): ApiError | null {
  if (p.kind === 'system') return null;
  if (p.kind === 'anonymous') return notLoggedIn(p);
  if (p.kind === 'citizen') return forbidden(`a citizen may not send ${name}`);
  const rule = COMMAND_PERMISSIONS[name];
  if (p.kind === 'device') {
    if (!rule.devices.includes(p.deviceKind))
      return forbidden(`a ${p.deviceKind} device may not send ${name}`);
    // RAT-2: a pad rates only the tickets of its own window.
    if (name === 'ticket:rate') {
      const t = queue.ticket((payload as CommandPayload<'ticket:rate'>).ticketId);
      if (t !== undefined && (p.windowId === null || t.windowId !== p.windowId))
        return forbidden('a rating device rates only tickets served at its own window');
      return null;
    }
    // Q-PRI-2: a kiosk never decides a class; age comes from the ID card.
    if (name === 'ticket:issue' && (payload as CommandPayload<'ticket:issue'>).priorityClass !== undefined)
      return forbidden('a kiosk may not set a priority class');
    return null;
  }
  const roles = p.roles.filter((r) => rule.roles.includes(r));
  if (roles.length === 0) return forbidden(`roles ${p.roles.join(',') || '(none)'} may not send ${name}`);

  if (name === 'window:open') {
    const w = queue.window((payload as CommandPayload<'window:open'>).windowId);
    if (w === undefined) return null; // the domain answers UNKNOWN_WINDOW
    if (!roles.some((r) => WINDOW_POSTS_BY_ROLE[r]?.includes(w.post)))
      return forbidden(`roles ${p.roles.join(',')} may not open a ${w.post} window`);
    const other = queue.allWindows().find((x) => x.clerkId === p.id && x.state !== 'closed' && x.id !== w.id);
    if (other !== undefined)
      return { code: 'CONFLICT', message: `already signed on at window ${other.number}` };
    return null;
  }

  if (OWN_WINDOW.has(name)) {
    const windowId = (payload as { windowId: string }).windowId;
    const w = queue.window(windowId);
    if (w === undefined) return null;
    if (w.clerkId === p.id) return null;
    if (MANAGER_ANY_WINDOW.has(name) && p.roles.includes('manager')) return null;
    return forbidden(`window ${w.number} is not signed on by you`);
  }

  if (name === 'ticket:transfer' && !p.roles.some((r) => r === 'guide' || r === 'manager')) {
    // A clerk transfers only the ticket in front of them (or parked at their window).
    const t = queue.ticket((payload as CommandPayload<'ticket:transfer'>).ticketId);
    if (t === undefined) return null;
    const own = t.windowId !== null && queue.window(t.windowId)?.clerkId === p.id;
    if (!own || !['called', 'serving', 'parked'].includes(t.status))
      return forbidden('a clerk may transfer only the ticket at their own window');
    return null;
  }

  return null;
}

/**
 * Incompatible duties (LD/T 02 §10.1 岗位权限不相容): returns why a set of roles may not be
 * held by one person, or null. Admins grant roles but never handle business; a reviewer never
 * approves (复核) reviews; the accountant keeps the books apart from the people who take cases.
 */
export function dutyConflict(roles: readonly StaffRole[]): string | null {
  const has = (r: StaffRole) => roles.includes(r);
  if (has('admin') && roles.some((r) => r !== 'admin'))
    return '系统管理员不得兼任业务岗位 (an admin grants roles and may not also handle business)';
  if (has('reviewer') && has('review-supervisor'))
    return '业务审核与复核不得由同一人担任 (nobody approves their own review)';
  if (has('accountant') && (has('clerk') || has('rights-clerk') || has('reviewer')))
    return '账务管理岗不得兼任经办岗位 (accounting is kept apart from case handling)';
  return null;
}
