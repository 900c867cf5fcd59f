import { readFileSync } from 'node:fs';
import {
  COMMAND_NAMES,
  COMMAND_SCHEMAS,
  type CommandName,
  type CommandPayload,
  DEVICE_KINDS,
  type DeviceKind,
  STAFF_ROLES,
  type StaffRole,
} from '@onewindow/shared';
import { describe, expect, it } from 'vitest';
import type { QueueEngine } from '../domain/engine.ts';
import { Hall, hallConfig } from '../domain/test-factory.ts';
import type { Command } from '../domain/types.ts';
import { authorize, dutyConflict, type Principal, permits, ROUTE_PERMISSIONS } from './permissions.ts';

/*
 * SPEC "Role × command matrix", AUTH-1 … AUTH-3, RAT-2. The expected matrix is written out here
 * (not derived from COMMAND_PERMISSIONS), and the SPEC table must say the same.
 */

type Cell = '✓' | 'own window' | 'own post' | 'pad, own window' | 'per case' | '—';
type Column = StaffRole | 'kiosk device' | 'other devices' | 'anonymous';

const COLUMNS: readonly Column[] = [...STAFF_ROLES, 'kiosk device', 'other devices', 'anonymous'];

const Y = '✓' as const;
const W = 'own window' as const;
const P = 'own post' as const;
/** Only a rating-pad or agent (keypad) device, for a ticket served at the window it is paired to (RAT-2). */
const R = 'pad, own window' as const;
const N = '—' as const;
/** Allowed for the post; the case's status and the sender's part in it decide the rest (CASE-2, SOD-*). */
const C = 'per case' as const;

/** Columns: guide, clerk, rights-clerk, reviewer, review-supervisor, accountant, manager, admin, kiosk, other devices, anonymous. */
const MATRIX: Record<CommandName, readonly Cell[]> = {
  'hall:configure': [N, N, N, N, N, N, N, Y, N, N, N],
  'ticket:issue': [Y, N, N, N, N, N, Y, N, Y, N, N],
  'window:open': [N, P, P, N, N, N, N, N, N, N, N],
  'window:close': [N, W, W, N, N, N, Y, N, N, N, N],
  'window:pause': [N, W, W, N, N, N, Y, N, N, N, N],
  'window:resume': [N, W, W, N, N, N, Y, N, N, N, N],
  'ticket:call-next': [N, W, W, N, N, N, N, N, N, N, N],
  'ticket:recall': [N, W, W, N, N, N, N, N, N, N, N],
  'ticket:start': [N, W, W, N, N, N, N, N, N, N, N],
  'ticket:no-show': [N, W, W, N, N, N, N, N, N, N, N],
  'ticket:finish': [N, W, W, N, N, N, N, N, N, N, N],
  'ticket:park': [N, W, W, N, N, N, N, N, N, N, N],
  'ticket:resume': [N, W, W, N, N, N, N, N, N, N, N],
  'ticket:reinstate': [Y, N, N, N, N, N, Y, N, N, N, N],
  'ticket:transfer': [Y, W, W, N, N, N, Y, N, N, N, N],
  'ticket:cancel': [Y, N, N, N, N, N, Y, N, N, N, N],
  'ticket:confirm': [Y, N, N, N, N, N, Y, N, N, N, N],
  'ticket:override': [Y, N, N, N, N, N, Y, N, N, N, N],
  'ticket:rate': [N, N, N, N, N, N, N, N, N, R, N],
  'day:close': [N, N, N, N, N, N, Y, N, N, N, N],
  'case:start-review': [N, N, N, C, N, N, N, N, N, N, N],
  'case:approve': [N, N, N, C, N, N, N, N, N, N, N],
  'case:request-supplement': [N, N, N, C, N, N, N, N, N, N, N],
  'case:recheck': [N, N, N, N, C, N, N, N, N, N, N],
  'case:return': [N, N, N, C, C, N, N, N, N, N, N],
  'case:supplement': [N, C, C, N, N, N, N, N, N, N, N],
  'case:ready': [N, N, C, N, N, N, N, N, N, N, N],
  'case:hand-back': [N, N, C, N, N, N, N, N, N, N, N],
};

const cell = (name: CommandName, col: Column): Cell => MATRIX[name][COLUMNS.indexOf(col)]!;

/** The devices a "pad, own window" cell allows; the other devices in that column are refused. */
const RATING_DEVICES: readonly DeviceKind[] = ['rating-pad', 'agent'];

const staff = (id: string, ...roles: StaffRole[]): Principal => ({
  kind: 'staff',
  id,
  name: id,
  staffNumber: 'T0001',
  roles,
});
const device = (k: DeviceKind): Principal => ({
  kind: 'device',
  id: `d-${k}`,
  deviceKind: k,
  windowId: k === 'window-display' || k === 'rating-pad' || k === 'agent' ? 'w1' : null,
});
const ANONYMOUS: Principal = { kind: 'anonymous' };

interface Subject {
  label: string;
  column: Column;
  principal: Principal;
}

/** What a cell means for one subject: "pad, own window" allows rating devices only. */
function expectedOf(name: CommandName, s: Subject): Cell {
  const c = cell(name, s.column);
  if (c !== R) return c;
  return s.principal.kind === 'device' && RATING_DEVICES.includes(s.principal.deviceKind) ? R : N;
}

const SUBJECTS: Subject[] = [
  ...STAFF_ROLES.map((r) => ({ label: r, column: r, principal: staff(`s-${r}`, r) })),
  ...DEVICE_KINDS.map((k) => ({
    label: `${k} device`,
    column: (k === 'kiosk' ? 'kiosk device' : 'other devices') as Column,
    principal: device(k),
  })),
  { label: 'anonymous', column: 'anonymous', principal: ANONYMOUS },
];

const by = (p: Principal): string =>
  p.kind === 'staff' ? p.id : p.kind === 'device' ? `device:${p.id}` : p.kind;

/** The window a principal works at: rights-clerks at w3 (rights, category C), everyone else at w1. */
function windowFor(p: Principal): { windowId: string; category: string; otherCategory: string } {
  return p.kind === 'staff' && p.roles.includes('rights-clerk') && !p.roles.includes('clerk')
    ? { windowId: 'w3', category: 'C', otherCategory: 'A' }
    : { windowId: 'w1', category: 'A', otherCategory: 'B' };
}

interface Prepared {
  hall: Hall;
  payload: Record<string, unknown>;
  /** The queue command the gateway would make of the payload for this sender; null for a case step. */
  command: Command | null;
}

/**
 * A hall where `name` is possible: the window involved is signed on by `owner` and holds the
 * ticket the command needs (called, serving, parked, no-show …).
 */
function prepare(name: CommandName, p: Principal, owner: string): Prepared {
  const hall = new Hall({}, false);
  const { windowId, category, otherCategory } = windowFor(p);
  const sender = by(p);
  const open = () => hall.ok({ type: 'window:open', windowId, clerkId: owner });
  const issue = () => hall.issue(category);
  const called = () => {
    open();
    issue();
    return hall.callNext(windowId);
  };
  const exhausted = () => {
    const id = called();
    hall.ok({ type: 'ticket:recall', windowId });
    hall.ok({ type: 'ticket:recall', windowId });
    return id;
  };
  const serving = () => {
    const id = called();
    hall.ok({ type: 'ticket:start', windowId });
    return id;
  };
  const windowCmd = <T extends Command['type']>(type: T, extra: Record<string, unknown> = {}) => ({
    payload: { windowId, ...extra },
    command: { type, windowId, ...extra } as unknown as Command,
  });
  let r: { payload: Record<string, unknown>; command: Command | null };
  switch (name) {
    case 'case:start-review':
    case 'case:approve':
    case 'case:recheck':
    case 'case:supplement':
    case 'case:ready':
      r = { payload: { caseId: 'SL202611260001' }, command: null };
      break;
    case 'case:return':
    case 'case:hand-back':
      r = { payload: { caseId: 'SL202611260001', note: '说明' }, command: null };
      break;
    case 'case:request-supplement':
      r = { payload: { caseId: 'SL202611260001', missingMaterials: ['申请表'] }, command: null };
      break;
    case 'hall:configure':
      r = { payload: { config: hallConfig() }, command: { type: name, config: hallConfig(), by: sender } };
      break;
    case 'ticket:issue':
      r = {
        payload: { categoryId: category },
        command: {
          type: name,
          categoryId: category,
          source: p.kind === 'device' ? 'kiosk' : 'guide',
          by: sender,
        },
      };
      break;
    case 'window:open':
      r = { payload: { windowId }, command: { type: name, windowId, clerkId: sender } };
      break;
    case 'window:close':
    case 'window:resume':
      open();
      if (name === 'window:resume') hall.ok({ type: 'window:pause', windowId, reason: 'lunch' });
      r = windowCmd(name);
      break;
    case 'window:pause':
      open();
      r = windowCmd(name, { reason: 'system' });
      break;
    case 'ticket:call-next':
      open();
      issue();
      r = windowCmd(name);
      break;
    case 'ticket:recall':
    case 'ticket:start':
      called();
      r = windowCmd(name);
      break;
    case 'ticket:no-show':
      exhausted();
      r = windowCmd(name);
      break;
    case 'ticket:finish':
      serving();
      r = windowCmd(name, { outcome: 'completed' });
      break;
    case 'ticket:park':
      serving();
      r = windowCmd(name, { note: '回去取户口本' });
      break;
    case 'ticket:resume': {
      const ticketId = serving();
      hall.ok({ type: 'ticket:park', windowId });
      r = { payload: { ticketId, windowId }, command: { type: name, ticketId, windowId } };
      break;
    }
    case 'ticket:reinstate': {
      const ticketId = exhausted();
      hall.ok({ type: 'ticket:no-show', windowId });
      r = { payload: { ticketId }, command: { type: name, ticketId, by: sender } };
      break;
    }
    case 'ticket:transfer': {
      const ticketId = called();
      const to = { categoryId: otherCategory };
      const note = '需到单位业务窗口';
      r = { payload: { ticketId, to, note }, command: { type: name, ticketId, to, note, by: sender } };
      break;
    }
    case 'ticket:cancel': {
      open();
      const ticketId = issue();
      const reason = '群众自行离开';
      r = { payload: { ticketId, reason }, command: { type: name, ticketId, reason, by: sender } };
      break;
    }
    case 'ticket:confirm': {
      open();
      const [ev] = hall.ok({
        type: 'ticket:issue',
        categoryId: 'A',
        source: 'online',
        holder: { masked: '', senior: false, ref: 'ref-online' },
      });
      const ticketId = ev?.type === 'ticket:issued' ? ev.ticket.id : '';
      r = { payload: { ticketId }, command: { type: name, ticketId, by: sender } };
      break;
    }
    case 'ticket:override': {
      open();
      const ticketId = issue();
      const action = { kind: 'front' } as const;
      const reason = '预约到场';
      r = {
        payload: { ticketId, action, reason },
        command: { type: name, ticketId, action, reason, by: sender },
      };
      break;
    }
    case 'ticket:rate': {
      const ticketId = serving();
      hall.ok({ type: 'ticket:finish', windowId, outcome: 'completed' });
      const channel = p.kind === 'device' && p.deviceKind === 'agent' ? 'keypad' : 'pad';
      r = {
        payload: { ticketId, level: 2, reasons: ['waiting'] },
        command: { type: name, ticketId, level: 2, reasons: ['waiting'], channel },
      };
      break;
    }
    case 'day:close':
      r = { payload: { reason: '下班' }, command: { type: name, reason: '下班', by: sender } };
      break;
  }
  // The payload is a valid one: what the gateway hands to authorize() after parsing.
  expect(COMMAND_SCHEMAS[name].safeParse(r.payload).success).toBe(true);
  return { hall, ...r };
}

const isClerk = (p: Principal) =>
  p.kind === 'staff' && (p.roles.includes('clerk') || p.roles.includes('rights-clerk'));

function check<N extends CommandName>(p: Principal, name: N, payload: unknown, q: QueueEngine) {
  return authorize(p, name, payload as CommandPayload<N>, q);
}

describe('SPEC role × command matrix, every cell (AUTH-1, AUTH-2)', () => {
  for (const name of COMMAND_NAMES) {
    describe(name, () => {
      for (const s of SUBJECTS) {
        const expected = expectedOf(name, s);
        const rule =
          name === 'ticket:rate'
            ? 'RAT-2'
            : name.startsWith('case:')
              ? 'CASE-3'
              : s.principal.kind === 'staff' && expected !== '—'
                ? 'AUTH-2'
                : 'AUTH-1';
        it(`${rule} ${name} × ${s.label}: ${expected}`, () => {
          // A clerk works at their own window; for everyone else the window is another clerk's.
          const owner = isClerk(s.principal) ? by(s.principal) : 'clerk-someone-else';
          const { hall, payload, command } = prepare(name, s.principal, owner);
          const before = JSON.stringify(hall.engine.snapshot());
          const got = check(s.principal, name, payload, hall.engine);
          expect(JSON.stringify(hall.engine.snapshot()), 'authorize() changes nothing').toBe(before);
          if (expected === '—') {
            expect(got?.code).toBe(s.principal.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
            // The refusal says why, for the integrator reading it.
            expect(got?.message.length ?? 0).toBeGreaterThan(10);
          } else {
            expect(got).toBeNull();
            // The hall was prepared so that the allowed command really goes through (a case step
            // goes through per case: domain/cases.test.ts walks every cell of SOD-*).
            if (command !== null) {
              const r = hall.run(command);
              expect(r.ok ? 'accepted' : r.error.code).toBe('accepted');
            }
          }
        });
      }
    });
  }

  it('AUTH-1 the system principal (scheduler, seed) may send every command', () => {
    for (const name of COMMAND_NAMES) {
      const { hall, payload } = prepare(name, { kind: 'system', id: 'system' }, 'clerk-someone-else');
      expect(check({ kind: 'system', id: 'system' }, name, payload, hall.engine), name).toBeNull();
    }
  });

  it('SPEC.md "Role × command matrix" shows exactly this matrix', () => {
    const spec = readFileSync(new URL('../../../SPEC.md', import.meta.url), 'utf8');
    const section = spec
      .split(/^## /m)
      .find((s) => s.startsWith('Role × command matrix'))
      ?.split(/^### /m)[0];
    expect(section, 'SPEC.md has a "## Role × command matrix" section').toBeDefined();
    const rows = section!
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .map((l) =>
        l
          .slice(1, -1)
          .split('|')
          .map((c) => c.trim()),
      );
    expect(rows[0]).toEqual(['command', ...COLUMNS]);
    const table: Record<string, string[]> = {};
    for (const r of rows.slice(2)) table[r[0]!.replaceAll('`', '')] = r.slice(1);
    expect(Object.keys(table).sort()).toEqual([...COMMAND_NAMES].sort());
    for (const name of COMMAND_NAMES) expect(table[name], name).toEqual(MATRIX[name]);
    for (const id of ['AUTH-1', 'AUTH-2', 'AUTH-3', 'AUTH-4']) expect(section).toContain(`**${id}**`);
  });
});

describe('REST permissions (AUTH-5, ACC-1)', () => {
  it('AUTH-5 SPEC.md "REST permissions" shows exactly ROUTE_PERMISSIONS', () => {
    const spec = readFileSync(new URL('../../../SPEC.md', import.meta.url), 'utf8');
    const section = spec.split(/^### /m).find((x) => x.startsWith('REST permissions'));
    expect(section, 'SPEC.md has a "### REST permissions" section').toBeDefined();
    const rows = section!
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .slice(2)
      .map((l) =>
        l
          .slice(1, -1)
          .split('|')
          .map((c) => c.trim()),
      );
    const list = (cell: string) =>
      cell === '—' ? [] : cell === 'every role' ? [...STAFF_ROLES] : cell.split(', ');
    const table = Object.fromEntries(
      rows.map(([name, roles, devices]) => [
        name!.replaceAll('`', ''),
        { roles: list(roles!), devices: list(devices!) },
      ]),
    );
    expect(Object.keys(table).sort()).toEqual(Object.keys(ROUTE_PERMISSIONS).sort());
    for (const [name, grant] of Object.entries(ROUTE_PERMISSIONS)) {
      expect(new Set(table[name]!.roles), name).toEqual(new Set(grant.roles));
      expect(new Set(table[name]!.devices), name).toEqual(new Set(grant.devices));
    }
  });

  it('ACC-1 the accountant reads reports, figures and cases, and is granted no command', () => {
    const accountant = staff('s-acc', 'accountant');
    const granted = Object.entries(ROUTE_PERMISSIONS)
      .filter(([, g]) => (g.roles as readonly StaffRole[]).includes('accountant'))
      .map(([n]) => n);
    // The archive list (ARC-5) reads like the case list: 档号 and hashes, no pages.
    expect(granted.sort()).toEqual([
      'archive:read',
      'cases:read',
      'print-jobs:read',
      'reports:read',
      'stats:read',
    ]);
    for (const name of COMMAND_NAMES) expect(permits(accountant, name)?.code, name).toBe('FORBIDDEN');
  });

  it('AUTH-1 a device on a staff capability is FORBIDDEN and the refusal names the permission', () => {
    const kiosk = device('kiosk');
    expect(permits(kiosk, 'applications:read')).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('applications:read'),
    });
    expect(permits(kiosk, 'kiosk')).toBeNull();
    expect(permits(ANONYMOUS, 'kiosk')?.code).toBe('UNAUTHENTICATED');
  });
});

describe('window rules (AUTH-2)', () => {
  const OWN_WINDOW: CommandName[] = COMMAND_NAMES.filter(
    (n) =>
      n !== 'window:open' && MATRIX[n][COLUMNS.indexOf('clerk')] === 'own window' && n !== 'ticket:transfer',
  );

  it('AUTH-2 the own-window commands are the window and calling commands', () => {
    expect(OWN_WINDOW).toEqual([
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
  });

  for (const name of OWN_WINDOW) {
    it(`AUTH-2 a clerk cannot ${name} at another clerk's window`, () => {
      const intruder = staff('s-clerk-b', 'clerk');
      const { hall, payload } = prepare(name, intruder, 's-clerk-a');
      expect(check(intruder, name, payload, hall.engine)?.code).toBe('FORBIDDEN');
      // … nor can a rights-clerk at another rights-clerk's window, nor a guide who is also a clerk.
      const rights = staff('s-rights-b', 'rights-clerk');
      const r = prepare(name, rights, 's-rights-a');
      expect(check(rights, name, r.payload, r.hall.engine)?.code).toBe('FORBIDDEN');
      const guideClerk = staff('s-guide-clerk', 'guide', 'clerk');
      const g = prepare(name, guideClerk, 's-clerk-a');
      expect(check(guideClerk, name, g.payload, g.hall.engine)?.code).toBe('FORBIDDEN');
    });
  }

  it('AUTH-2 a clerk opens comprehensive and bulk windows, never a rights window', () => {
    const hall = new Hall({}, false);
    const clerk = staff('s-clerk', 'clerk');
    expect(check(clerk, 'window:open', { windowId: 'w3' }, hall.engine)?.code).toBe('FORBIDDEN');
    expect(check(clerk, 'window:open', { windowId: 'w1' }, hall.engine)).toBeNull();
    expect(check(clerk, 'window:open', { windowId: 'w4' }, hall.engine)).toBeNull();
  });

  it('AUTH-2 a rights-clerk opens rights windows, never a comprehensive or bulk one', () => {
    const hall = new Hall({}, false);
    const rights = staff('s-rights', 'rights-clerk');
    expect(check(rights, 'window:open', { windowId: 'w1' }, hall.engine)?.code).toBe('FORBIDDEN');
    expect(check(rights, 'window:open', { windowId: 'w4' }, hall.engine)?.code).toBe('FORBIDDEN');
    expect(check(rights, 'window:open', { windowId: 'w3' }, hall.engine)).toBeNull();
    // Someone holding both posts may open either.
    const both = staff('s-both', 'clerk', 'rights-clerk');
    expect(check(both, 'window:open', { windowId: 'w1' }, hall.engine)).toBeNull();
    expect(check(both, 'window:open', { windowId: 'w3' }, hall.engine)).toBeNull();
  });

  it('AUTH-2 a clerk signed on at one window cannot open a second (CONFLICT), open or paused', () => {
    const hall = new Hall({}, false);
    const clerk = staff('s-clerk', 'clerk');
    hall.ok({ type: 'window:open', windowId: 'w1', clerkId: 's-clerk' });
    const second = check(clerk, 'window:open', { windowId: 'w2' }, hall.engine);
    expect(second?.code).toBe('CONFLICT');
    expect(second?.message).toContain('1');
    hall.ok({ type: 'window:pause', windowId: 'w1', reason: 'lunch' });
    expect(check(clerk, 'window:open', { windowId: 'w4' }, hall.engine)?.code).toBe('CONFLICT');
    // Another clerk is not affected, and after closing w1 this clerk may move to w2.
    expect(check(staff('s-other', 'clerk'), 'window:open', { windowId: 'w2' }, hall.engine)).toBeNull();
    hall.ok({ type: 'window:close', windowId: 'w1' });
    expect(check(clerk, 'window:open', { windowId: 'w2' }, hall.engine)).toBeNull();
  });

  it('AUTH-2 a manager may pause, resume and close any window but never calls or serves', () => {
    const manager = staff('s-manager', 'manager');
    for (const name of OWN_WINDOW) {
      const { hall, payload } = prepare(name, manager, 's-clerk-a');
      const got = check(manager, name, payload, hall.engine);
      if (name === 'window:close' || name === 'window:pause' || name === 'window:resume')
        expect(got, name).toBeNull();
      else expect(got?.code, name).toBe('FORBIDDEN');
    }
    const { hall } = prepare('window:open', manager, 'x');
    expect(check(manager, 'window:open', { windowId: 'w1' }, hall.engine)?.code).toBe('FORBIDDEN');
  });

  it('AUTH-2 a clerk may transfer only the ticket called, served or parked at their own window', () => {
    const clerk = staff('s-clerk', 'clerk');
    const hall = new Hall({}, false);
    hall.ok({ type: 'window:open', windowId: 'w1', clerkId: 's-clerk' });
    hall.ok({ type: 'window:open', windowId: 'w2', clerkId: 's-clerk-b' });
    const mine = hall.issue('A');
    const theirs = hall.issue('A');
    const waiting = hall.issue('A');
    expect(hall.callNext('w1')).toBe(mine);
    expect(hall.callNext('w2')).toBe(theirs);
    const transfer = (ticketId: string) =>
      check(clerk, 'ticket:transfer', { ticketId, to: { categoryId: 'B' }, note: '转单位业务' }, hall.engine);
    expect(transfer(mine)).toBeNull(); // called
    expect(transfer(theirs)?.code).toBe('FORBIDDEN');
    expect(transfer(waiting)?.code).toBe('FORBIDDEN');
    hall.ok({ type: 'ticket:start', windowId: 'w1' });
    expect(transfer(mine)).toBeNull(); // serving
    hall.ok({ type: 'ticket:park', windowId: 'w1' });
    expect(transfer(mine)).toBeNull(); // parked at w1
    // A guide (or a clerk who is also a guide) transfers any live ticket.
    expect(
      check(
        staff('s-guide', 'guide'),
        'ticket:transfer',
        { ticketId: waiting, to: { post: 'bulk' }, note: 'x' },
        hall.engine,
      ),
    ).toBeNull();
    expect(
      check(
        staff('s-gc', 'guide', 'clerk'),
        'ticket:transfer',
        { ticketId: theirs, to: { post: 'bulk' }, note: 'x' },
        hall.engine,
      ),
    ).toBeNull();
    // A no-show that was last at my window is no longer mine to transfer.
    hall.ok({ type: 'ticket:resume', ticketId: mine, windowId: 'w1' });
    hall.ok({ type: 'ticket:finish', windowId: 'w1', outcome: 'completed' });
    const late = hall.callNext('w1');
    hall.ok({ type: 'ticket:recall', windowId: 'w1' });
    hall.ok({ type: 'ticket:recall', windowId: 'w1' });
    hall.ok({ type: 'ticket:no-show', windowId: 'w1' });
    expect(transfer(late)?.code).toBe('FORBIDDEN');
  });

  it('AUTH-2 unknown windows and tickets are left to the queue (UNKNOWN_WINDOW, UNKNOWN_TICKET)', () => {
    const hall = new Hall({}, false);
    const clerk = staff('s-clerk', 'clerk');
    expect(check(clerk, 'window:open', { windowId: 'w99' }, hall.engine)).toBeNull();
    expect(check(clerk, 'ticket:call-next', { windowId: 'w99' }, hall.engine)).toBeNull();
    expect(
      check(clerk, 'ticket:transfer', { ticketId: 'nope', to: { post: 'bulk' }, note: 'x' }, hall.engine),
    ).toBeNull();
    // … but a role that may not send the command at all is refused first.
    expect(check(staff('s-guide', 'guide'), 'ticket:call-next', { windowId: 'w99' }, hall.engine)?.code).toBe(
      'FORBIDDEN',
    );
  });

  it('AUTH-1 a kiosk issues tickets but may not set priorityClass, not even regular (Q-PRI-2)', () => {
    const hall = new Hall({}, false);
    const kiosk = device('kiosk');
    expect(
      check(kiosk, 'ticket:issue', { categoryId: 'A', idNumber: '11010519491231002X' }, hall.engine),
    ).toBeNull();
    for (const priorityClass of ['regular', 'senior', 'disability', 'military', 'appointment'])
      expect(
        check(kiosk, 'ticket:issue', { categoryId: 'A', priorityClass, reason: '本人申请' }, hall.engine)
          ?.code,
        priorityClass,
      ).toBe('FORBIDDEN');
    // A guide may: a staff decision with a reason.
    expect(
      check(
        staff('s-guide', 'guide'),
        'ticket:issue',
        { categoryId: 'A', priorityClass: 'military', reason: '军人证' },
        hall.engine,
      ),
    ).toBeNull();
  });
});

describe('ratings (RAT-2)', () => {
  const pad = (k: DeviceKind, windowId: string | null): Principal => ({
    kind: 'device',
    id: `d-${k}-${windowId}`,
    deviceKind: k,
    windowId,
  });
  /** A ticket clerk-a served to completion at w1, and another clerk-b finished at w2. */
  function rated() {
    const hall = new Hall({}, false);
    hall.ok({ type: 'window:open', windowId: 'w1', clerkId: 'clerk-a' });
    hall.ok({ type: 'window:open', windowId: 'w2', clerkId: 'clerk-b' });
    hall.issue('A');
    hall.issue('A');
    const atW1 = hall.serveNext('w1');
    const atW2 = hall.serveNext('w2');
    const rate = (p: Principal, ticketId: string) =>
      check(p, 'ticket:rate', { ticketId, level: 1, reasons: ['attitude'] }, hall.engine);
    return { hall, atW1, atW2, rate };
  }

  it('RAT-2 a rating pad or keypad rates only tickets served at the window it is paired to', () => {
    const { atW1, atW2, rate } = rated();
    for (const k of RATING_DEVICES) {
      expect(rate(pad(k, 'w1'), atW1), `${k} at w1`).toBeNull();
      expect(rate(pad(k, 'w2'), atW2), `${k} at w2`).toBeNull();
      expect(rate(pad(k, 'w2'), atW1)?.code, `${k} of w2 rating w1`).toBe('FORBIDDEN');
      expect(rate(pad(k, 'w1'), atW2)?.code, `${k} of w1 rating w2`).toBe('FORBIDDEN');
      // A device paired to no window rates nothing.
      expect(rate(pad(k, null), atW1)?.code, `${k} of no window`).toBe('FORBIDDEN');
    }
  });

  it('RAT-2 a board, a window display and a kiosk never rate, even at the window', () => {
    const { atW1, rate } = rated();
    for (const k of DEVICE_KINDS.filter((x) => !RATING_DEVICES.includes(x)))
      expect(rate(pad(k, 'w1'), atW1)?.code, k).toBe('FORBIDDEN');
  });

  it('RAT-2 no staff member rates: not the clerk who served, not a manager, not a guide, not an admin', () => {
    const { atW1, rate } = rated();
    expect(rate(staff('clerk-a', 'clerk'), atW1)?.code).toBe('FORBIDDEN');
    for (const r of STAFF_ROLES) expect(rate(staff(`s-${r}`, r), atW1)?.code, r).toBe('FORBIDDEN');
    expect(rate(staff('s-all', 'manager', 'guide', 'clerk'), atW1)?.code).toBe('FORBIDDEN');
    expect(rate(ANONYMOUS, atW1)?.code).toBe('UNAUTHENTICATED');
  });

  it('RAT-2 an unknown ticket is left to the queue (UNKNOWN_TICKET)', () => {
    const { hall, rate } = rated();
    expect(rate(pad('rating-pad', 'w1'), '20261126-A999')).toBeNull();
    const r = hall.run({
      type: 'ticket:rate',
      ticketId: '20261126-A999',
      level: 5,
      reasons: [],
      channel: 'pad',
    });
    expect(r.ok ? 'accepted' : r.error.code).toBe('UNKNOWN_TICKET');
  });
});

describe('incompatible duties (AUTH-3)', () => {
  const conflicts = (roles: StaffRole[]) => dutyConflict(roles) !== null;

  it('AUTH-3 an admin holds no other role', () => {
    expect(dutyConflict(['admin'])).toBeNull();
    for (const r of STAFF_ROLES.filter((x) => x !== 'admin')) {
      expect(dutyConflict(['admin', r]), r).toMatch(/系统管理员/);
      expect(dutyConflict([r, 'admin']), r).not.toBeNull();
    }
  });

  it('AUTH-3 nobody is both reviewer and review-supervisor', () => {
    expect(dutyConflict(['reviewer', 'review-supervisor'])).toMatch(/审核与复核/);
    expect(dutyConflict(['review-supervisor', 'reviewer', 'guide'])).not.toBeNull();
  });

  it('AUTH-3 the accountant is never a clerk, rights-clerk or reviewer', () => {
    for (const r of ['clerk', 'rights-clerk', 'reviewer'] as const)
      expect(dutyConflict(['accountant', r]), r).toMatch(/账务管理岗/);
  });

  it('AUTH-3 other combinations are allowed', () => {
    for (const roles of [
      ['guide', 'clerk'],
      ['clerk', 'rights-clerk'],
      ['manager', 'guide'],
      ['manager', 'clerk', 'guide'],
      ['reviewer', 'clerk'],
      ['review-supervisor', 'rights-clerk'],
      ['accountant', 'guide'],
      ['accountant', 'manager'],
      ['accountant', 'review-supervisor'],
      ['reviewer', 'manager'],
    ] as StaffRole[][])
      expect(dutyConflict(roles), roles.join('+')).toBeNull();
    for (const r of STAFF_ROLES) expect(dutyConflict([r]), r).toBeNull();
  });

  it('AUTH-3 exactly these combinations conflict: all 256 role sets', () => {
    const rule = (has: (r: StaffRole) => boolean, n: number) =>
      (has('admin') && n > 1) ||
      (has('reviewer') && has('review-supervisor')) ||
      (has('accountant') && (has('clerk') || has('rights-clerk') || has('reviewer')));
    for (let mask = 0; mask < 1 << STAFF_ROLES.length; mask++) {
      const roles = STAFF_ROLES.filter((_, i) => mask & (1 << i));
      expect(conflicts(roles), roles.join('+') || '(none)').toBe(
        rule((r) => roles.includes(r), roles.length),
      );
    }
  });
});
