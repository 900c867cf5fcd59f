import type { StaffRole } from '@onewindow/shared';
import type { Logger } from 'pino';
import type { App } from '../app/app.ts';
import { demoCatalog, demoHallConfig } from './demo-hall.ts';

/**
 * The demo hall's people. Their password is printed in the README: demo only. It passes the
 * password policy (SEC-ACC-3) like any other.
 */
export const DEMO_PASSWORD = 'onewindow-demo';
export const DEMO_STAFF: { username: string; name: string; staffNumber: string; roles: StaffRole[] }[] = [
  { username: 'admin', name: '系统管理员', staffNumber: 'A0001', roles: ['admin'] },
  // A second admin, so a grant of manager or admin can be approved in the demo (SEC-ACC-1).
  { username: 'admin2', name: '安全管理员', staffNumber: 'A0002', roles: ['admin'] },
  { username: 'manager1', name: '陈刚', staffNumber: 'M0001', roles: ['manager'] },
  { username: 'guide1', name: '王丽', staffNumber: 'G0001', roles: ['guide'] },
  ...[1, 2, 3, 4, 5, 6].map((n) => ({
    username: `clerk${n}`,
    name: ['李强', '张敏', '刘洋', '杨帆', '黄静', '周杰'][n - 1]!,
    staffNumber: `C000${n}`,
    roles: ['clerk'] as StaffRole[],
  })),
  { username: 'rights1', name: '赵敏', staffNumber: 'R0001', roles: ['rights-clerk'] },
  { username: 'reviewer1', name: '孙悦', staffNumber: 'V0001', roles: ['reviewer'] },
  { username: 'supervisor1', name: '吴芳', staffNumber: 'V0002', roles: ['review-supervisor'] },
  { username: 'accountant1', name: '郑涛', staffNumber: 'F0001', roles: ['accountant'] },
];

/**
 * Makes a fresh database usable: the demo hall when asked, otherwise just the first admin.
 * Runs on every start and only fills what is empty, so it is safe after a restart.
 */
export function bootstrap(
  app: App,
  opts: {
    demo: boolean;
    adminPassword: string | undefined;
    /** ONEWINDOW_SECOND_ADMIN_PASSWORD: creates `admin2` once, so grants can be approved (SEC-ACC-1). */
    secondAdminPassword?: string | undefined;
    demoAnyTime?: boolean;
    /** Publish the starting risk list and rules if the hall has none (default true). */
    risk?: boolean;
  },
  log: Logger,
): void {
  // SEC-ACC-5: the demo's admin and manager are not held at TOTP enrolment (their passwords are
  // public anyway); a real hall's are. An account that enrols still needs its code in the demo.
  if (opts.demo) app.auth.relaxTotpEnrolment();
  if (opts.demo && app.service.queue.hallConfig === null) {
    const r = app.service.execute(
      {
        type: 'hall:configure',
        config: demoHallConfig({ anyTime: opts.demoAnyTime ?? false }),
        by: 'system',
      },
      { idempotencyKey: 'system:demo-configure' },
    );
    if (!r.ok) throw new Error(`demo hall configuration refused: ${r.error.message}`);
    log.info('demo hall configured');
  }
  // RISK-LIST-2, RISK-RULE-2: the starting risk list and rule set, published once as facts.
  if (opts.risk !== false) app.hall.risk.seed();
  if (opts.demo && app.authStore.catalog().length === 0) {
    app.authStore.replaceCatalog(demoCatalog());
    log.info('demo service catalog loaded');
  }
  if (app.authStore.staffCount() === 0) {
    if (opts.demo) {
      for (const s of DEMO_STAFF) {
        const r = app.auth.createStaff('system', { ...s, password: DEMO_PASSWORD });
        if (!r.ok) throw new Error(`demo staff ${s.username}: ${r.error.message}`);
      }
      log.info({ accounts: DEMO_STAFF.length }, 'demo staff created');
      return;
    }
    if (!opts.adminPassword)
      throw new Error(
        'invalid configuration:\n  ONEWINDOW_ADMIN_PASSWORD: required to create the first admin (the database has no staff)',
      );
    createAdmin(app, 'admin', '系统管理员', 'A0001', opts.adminPassword, 'ONEWINDOW_ADMIN_PASSWORD');
    log.info('first admin account created');
  }
  if (!opts.demo && opts.secondAdminPassword && !app.auth.allStaff().some((s) => s.username === 'admin2')) {
    createAdmin(
      app,
      'admin2',
      '安全管理员',
      'A0002',
      opts.secondAdminPassword,
      'ONEWINDOW_SECOND_ADMIN_PASSWORD',
    );
    log.info('second admin account created');
  }
}

/** An admin account the operator's environment names: the server grants it directly (audited as `system`). */
function createAdmin(
  app: App,
  username: string,
  name: string,
  staffNumber: string,
  password: string,
  key: string,
) {
  const r = app.auth.createStaff('system', { username, name, staffNumber, roles: ['admin'], password });
  if (!r.ok)
    throw new Error(
      `invalid configuration:\n  ${key}: ${r.error.message} (the staff password policy applies to admins too)`,
    );
}
