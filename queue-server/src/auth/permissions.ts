import type { ApiError, CommandName, CommandPayload, DeviceKind, StaffRole } from '@onewindow/shared';
import type { QueueEngine } from '../domain/engine.ts';

/** Who sends a command: a logged-in staff member, a paired device, the server itself, or nobody. */
export type Principal =
  | { kind: 'staff'; id: string; name: string; staffNumber: string; roles: StaffRole[] }
  | { kind: 'device'; id: string; deviceKind: DeviceKind; windowId: string | null }
  | { kind: 'system'; id: 'system' }
  | { kind: 'anonymous' };

/** Who may send each command (SPEC "Role × command matrix"); window rules come on top. */
export const COMMAND_PERMISSIONS: Record<
  CommandName,
  { roles: readonly StaffRole[]; devices: readonly DeviceKind[] }
> = {
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
  'ticket:override': { roles: ['guide', 'manager'], devices: [] },
  'day:close': { roles: ['manager'], devices: [] },
  // The citizen rates on the window's pad or keypad; no staff member can rate a service.
  'ticket:rate': { roles: [], devices: ['rating-pad', 'agent'] },
};

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

const forbidden = (message: string): ApiError => ({ code: 'FORBIDDEN', message });

/** Whether this principal may send this command now. Pure: reads the queue, changes nothing. */
export function authorize<N extends CommandName>(
  p: Principal,
  name: N,
  payload: CommandPayload<N>,
  queue: QueueEngine,
): ApiError | null {
  if (p.kind === 'system') return null;
  if (p.kind === 'anonymous') return { code: 'UNAUTHENTICATED', message: 'log in or pair this device first' };
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
