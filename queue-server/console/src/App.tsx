/**
 * The staff console: a login, then one tab per post the staff member holds (a user with
 * several roles gets tabs only for theirs). The live hall comes over one staff socket.
 */

import type { AccountLoginResult, CurrentStaff } from '@onewindow/shared/api-types.ts';
import { useStore } from '@onewindow/shared/client';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Lazy } from './components/Lazy.tsx';
import { Modal } from './components/ui.tsx';
import { api, errorText, getToken, setToken, whenLoggedOut } from './core/api.ts';
import { ROLE_LABEL } from './core/format.ts';
import type { ConsoleStore } from './core/staff.ts';
import { connectStaff, type StaffConnection } from './core/staff.ts';
import { ChangePassword, PendingStepPage, TotpEnrol } from './views/Account.tsx';
import { ClerkView } from './views/ClerkView.tsx';
import type { CasesMode } from './views/cases/CasesView.tsx';
import { GuideView } from './views/GuideView.tsx';

/** Views few staff open (and uPlot with the manager's) load on first use: clerks' start stays small. */
type ViewProps = { me: CurrentStaff; store: ConsoleStore };
const loadManager = () => import('./views/ManagerView.tsx').then((m) => m.ManagerView);
const loadAdmin = () => import('./views/AdminView.tsx').then((m) => m.AdminView);
const loadAudit = () => import('./views/AuditView.tsx').then((m) => m.AuditView);
const loadComplaints = () => import('./views/complaints/ComplaintsView.tsx').then((m) => m.ComplaintsView);
const loadSupervision = () => import('./views/SupervisionView.tsx').then((m) => m.SupervisionView);
const loadCases = () => import('./views/cases/CasesView.tsx').then((m) => m.CasesView);
const loadRisk = () => import('./views/RiskView.tsx').then((m) => m.RiskView);
const loadReconClerk = () => import('./views/recon/ReconClerkView.tsx').then((m) => m.ReconClerkView);
const loadReconManager = () => import('./views/recon/ReconManagerView.tsx').then((m) => m.ReconManagerView);
const loadArchive = () => import('./views/archive/ArchiveView.tsx').then((m) => m.ArchiveView);
const loadPrecheck = () => import('./views/online/PrecheckView.tsx').then((m) => m.PrecheckView);
const loadBookingConfig = () =>
  import('./views/online/BookingConfigView.tsx').then((m) => m.BookingConfigView);
const loadTemplates = () => import('./views/notices/TemplatesView.tsx').then((m) => m.TemplatesView);
const loadNotices = () => import('./views/notices/NoticesView.tsx').then((m) => m.NoticesView);
type RiskProps = ViewProps & { mode: 'alerts' | 'list' };
type CasesProps = ViewProps & { mode: CasesMode };
const CASE_TABS: readonly TabId[] = ['review', 'recheck', 'handback', 'query'];

export type TabId =
  | 'clerk'
  | 'handback'
  | 'review'
  | 'recheck'
  | 'guide'
  | 'manager'
  | 'query'
  | 'admin'
  | 'risk'
  | 'risklist'
  | 'audit'
  | 'complaints'
  | 'supervision'
  | 'recon'
  | 'reconsign'
  | 'archive'
  | 'precheck'
  | 'booking'
  | 'templates'
  | 'notices';

const TABS: { id: TabId; zh: string; en: string; roles: string[] }[] = [
  { id: 'clerk', zh: '窗口受理', en: 'Clerk', roles: ['clerk', 'rights-clerk'] },
  { id: 'handback', zh: '权益出件', en: 'Hand-back', roles: ['rights-clerk'] },
  { id: 'review', zh: '业务审核', en: 'Review', roles: ['reviewer'] },
  { id: 'recheck', zh: '复核', en: 'Re-check', roles: ['review-supervisor'] },
  { id: 'precheck', zh: '网上预审', en: 'Pre-check', roles: ['reviewer'] },
  { id: 'guide', zh: '咨询引导', en: 'Guide', roles: ['guide'] },
  { id: 'manager', zh: '大厅管理', en: 'Manager', roles: ['manager'] },
  { id: 'query', zh: '案件查询', en: 'Cases', roles: ['accountant', 'manager'] },
  { id: 'admin', zh: '系统管理', en: 'Admin', roles: ['admin'] },
  { id: 'booking', zh: '网上预约', en: 'Online booking', roles: ['admin'] },
  // NOTE-UI-1, NOTE-UI-4: the posts the notice routes grant (notice-templates:manage, notices:read).
  { id: 'templates', zh: '短信模板', en: 'SMS templates', roles: ['admin'] },
  { id: 'risk', zh: '风险预警', en: 'Risk alerts', roles: ['manager'] },
  { id: 'risklist', zh: '风险清单', en: 'Risk list', roles: ['manager', 'admin'] },
  { id: 'audit', zh: '审计日志', en: 'Audit', roles: ['manager', 'admin'] },
  {
    id: 'complaints',
    zh: '投诉处理',
    en: 'Complaints',
    roles: ['clerk', 'rights-clerk', 'guide', 'manager'],
  },
  { id: 'supervision', zh: '监督报告', en: 'Supervision', roles: ['manager'] },
  { id: 'notices', zh: '短信通知', en: 'SMS notices', roles: ['manager', 'admin'] },
  // REC-UI-1, REC-UI-4, ARC-UI-1: the posts the REC-* and ARC-* routes grant.
  { id: 'recon', zh: '日结轧账', en: 'Day reconciliation', roles: ['clerk', 'rights-clerk'] },
  { id: 'reconsign', zh: '日结复签', en: 'Sign-off', roles: ['manager'] },
  {
    id: 'archive',
    zh: '电子档案',
    en: 'Archive',
    roles: ['reviewer', 'review-supervisor', 'accountant', 'manager'],
  },
];

export function tabsFor(me: CurrentStaff): typeof TABS {
  return TABS.filter((t) => t.roles.some((r) => (me.roles as string[]).includes(r)));
}

/** What a logged-in session must finish before the console opens (SEC-ACC-4/5). */
type Pending = 'password' | 'totp' | null;

export function App() {
  const [me, setMe] = useState<CurrentStaff | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [checking, setChecking] = useState(getToken() !== null);

  /** Who the token belongs to, or which step it must take first. */
  const whoAmI = async () => {
    const r = await api<CurrentStaff>('GET', '/api/auth/me');
    if (r.ok) {
      setPending(null);
      setMe(r.data);
    } else if (r.error.code === 'PASSWORD_CHANGE_REQUIRED') setPending('password');
    else if (r.error.code === 'TOTP_ENROLMENT_REQUIRED') setPending('totp');
    else setToken(null);
  };

  useEffect(() => {
    whenLoggedOut(() => {
      setToken(null);
      setMe(null);
      setPending(null);
    });
    if (getToken() === null) return;
    void whoAmI().then(() => setChecking(false));
  }, []);

  const logout = async () => {
    await api('POST', '/api/auth/logout');
    setToken(null);
    setPending(null);
    setMe(null);
  };

  if (checking) return <div class="center-note">正在连接… Connecting…</div>;
  if (pending !== null) return <PendingStepPage step={pending} onDone={whoAmI} onLogout={logout} />;
  if (me === null)
    return (
      <Login
        onLogin={(r) => {
          if (r.mustChangePassword) setPending('password');
          else if (r.totpEnrolmentRequired) setPending('totp');
          else void whoAmI();
        }}
      />
    );
  return <Shell me={me} onLogout={() => setMe(null)} />;
}

function Login({ onLogin }: { onLogin: (r: AccountLoginResult) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [askTotp, setAskTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api<AccountLoginResult>('POST', '/api/auth/login', {
      username,
      password,
      ...(askTotp ? { totp } : {}),
    });
    setBusy(false);
    if (!r.ok) {
      if (r.error.code === 'TOTP_REQUIRED') {
        setAskTotp(true);
        setError(askTotp ? '请输入动态口令' : null);
        return;
      }
      setError(
        r.error.code !== 'UNAUTHENTICATED'
          ? errorText(r.error)
          : askTotp
            ? '用户名、密码或动态口令错误'
            : '用户名或密码错误',
      );
      setTotp('');
      return;
    }
    setToken(r.data.token);
    onLogin(r.data);
  };
  return (
    <div class="login-page">
      <form class="login-card" onSubmit={submit} data-testid="login">
        <h1>
          一窗通办 · 工作台<small>OneWindow staff console</small>
        </h1>
        <label>
          用户名 <span class="en">Username</span>
          <input
            name="username"
            autoComplete="username"
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
            required
          />
        </label>
        <label>
          密码 <span class="en">Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            required
          />
        </label>
        {askTotp && (
          <label>
            动态口令 <span class="en">One-time code (authenticator app)</span>
            <input
              name="totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              value={totp}
              onInput={(e) => setTotp(e.currentTarget.value.trim())}
              required
              // biome-ignore lint/a11y/noAutofocus: the field appears after the password was accepted
              autoFocus
            />
          </label>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button class="btn primary big" type="submit" disabled={busy}>
          登录 <span class="en">Log in</span>
        </button>
      </form>
    </div>
  );
}

function Shell({ me, onLogout }: { me: CurrentStaff; onLogout: () => void }) {
  const tabs = useMemo(() => tabsFor(me), [me]);
  const initial = (location.hash.slice(1) as TabId) || tabs[0]?.id;
  const [tab, setTab] = useState<TabId | undefined>(
    tabs.some((t) => t.id === initial) ? initial : tabs[0]?.id,
  );
  const [conn, setConn] = useState<StaffConnection | null>(null);
  const [account, setAccount] = useState(false);

  useEffect(() => {
    const token = getToken();
    if (token === null) return;
    const c = connectStaff(token, () => {
      setToken(null);
      onLogout();
    });
    setConn(c);
    return () => c.close();
  }, [me.id]);

  useEffect(() => {
    const onHash = () => {
      const h = location.hash.slice(1) as TabId;
      if (tabs.some((t) => t.id === h)) setTab(h);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [tabs]);

  const logout = async () => {
    await api('POST', '/api/auth/logout');
    setToken(null);
    onLogout();
  };

  return (
    <div class="shell">
      <header class="topbar">
        <div class="brand">
          一窗通办<span class="en">OneWindow</span>
        </div>
        {/* Six tabs with their English labels no longer fit 1366 px beside the account and name. */}
        <nav class={tabs.length > 5 ? 'tabs many' : 'tabs'}>
          {tabs.map((t) => (
            <a
              key={t.id}
              href={`#${t.id}`}
              aria-current={tab === t.id ? 'page' : undefined}
              class={tab === t.id ? 'tab active' : 'tab'}
              data-tab={t.id}
              title={t.en}
              onClick={() => setTab(t.id)}
            >
              {t.zh}
              <span class="en">{t.en}</span>
            </a>
          ))}
        </nav>
        {conn && <LinkStatus conn={conn} />}
        <button
          class="btn small on-dark"
          type="button"
          onClick={() => setAccount(true)}
          data-action="account"
        >
          账户 <span class="en">Account</span>
        </button>
        <div class="who" data-testid="who">
          {me.name}
          <span class="dim">
            {' '}
            工号 {me.staffNumber} · {me.roles.map((r) => ROLE_LABEL[r] ?? r).join('、')}
          </span>
          <button class="btn small" type="button" onClick={logout}>
            退出 <span class="en">Log out</span>
          </button>
        </div>
      </header>
      {account && (
        <Modal title="账户安全 Account" onClose={() => setAccount(false)}>
          <AccountPanel onClose={() => setAccount(false)} />
        </Modal>
      )}
      <main class="content">
        {tabs.length === 0 && (
          <div class="center-note">
            您的岗位没有可用的工作台视图。
            <br />
            <span class="en">Your posts have no console view.</span>
          </div>
        )}
        {conn && tab === 'clerk' && <ClerkView me={me} store={conn.store} />}
        {conn && tab === 'guide' && <GuideView me={me} store={conn.store} />}
        {conn && tab === 'manager' && (
          <Lazy<ViewProps> load={loadManager} props={{ me, store: conn.store }} />
        )}
        {conn && tab === 'admin' && <Lazy<ViewProps> load={loadAdmin} props={{ me, store: conn.store }} />}
        {tab === 'audit' && <Lazy<{ me: CurrentStaff }> load={loadAudit} props={{ me }} />}
        {tab === 'complaints' && <Lazy<{ me: CurrentStaff }> load={loadComplaints} props={{ me }} />}
        {tab === 'supervision' && <Lazy<{ me: CurrentStaff }> load={loadSupervision} props={{ me }} />}
        {conn && tab === 'recon' && (
          <Lazy<ViewProps> load={loadReconClerk} props={{ me, store: conn.store }} />
        )}
        {conn && tab === 'reconsign' && (
          <Lazy<ViewProps> load={loadReconManager} props={{ me, store: conn.store }} />
        )}
        {tab === 'archive' && <Lazy<{ me: CurrentStaff }> load={loadArchive} props={{ me }} />}
        {tab === 'templates' && <Lazy<{ me: CurrentStaff }> load={loadTemplates} props={{ me }} />}
        {tab === 'notices' && <Lazy<{ me: CurrentStaff }> load={loadNotices} props={{ me }} />}
        {tab === 'precheck' && <Lazy<{ me: CurrentStaff }> load={loadPrecheck} props={{ me }} />}
        {conn && tab === 'booking' && (
          <Lazy<ViewProps> load={loadBookingConfig} props={{ me, store: conn.store }} />
        )}
        {conn && (tab === 'risk' || tab === 'risklist') && (
          <Lazy<RiskProps>
            key={tab}
            load={loadRisk}
            props={{ me, store: conn.store, mode: tab === 'risk' ? 'alerts' : 'list' }}
          />
        )}
        {conn && tab !== undefined && CASE_TABS.includes(tab) && (
          <Lazy<CasesProps>
            key={tab}
            load={loadCases}
            props={{ me, store: conn.store, mode: tab as CasesMode }}
          />
        )}
      </main>
    </div>
  );
}

/** The account dialog: change one's password, enrol TOTP (optional for posts that do not need it). */
function AccountPanel({ onClose }: { onClose: () => void }) {
  const [done, setDone] = useState<string | null>(null);
  return (
    <div class="stack">
      {done && (
        <p class="flash ok" role="status">
          {done}
        </p>
      )}
      <h3>
        修改密码 <span class="en">Change password</span>
      </h3>
      <ChangePassword forced={false} onDone={() => setDone('密码已修改 Password changed')} />
      <h3>
        动态口令 <span class="en">Second factor (TOTP)</span>
      </h3>
      <TotpEnrol required={false} onDone={() => setDone('动态口令已绑定，下次登录需输入 TOTP enrolled')} />
      <button class="btn small" type="button" onClick={onClose}>
        关闭 <span class="en">Close</span>
      </button>
    </div>
  );
}

function LinkStatus({ conn }: { conn: StaffConnection }) {
  const status = useStore(conn.store, (s) => s.status);
  const label = status === 'live' ? '实时' : status === 'connecting' ? '连接中' : '重连中';
  return (
    <span class={`link ${status}`} data-testid="link-status" title={status}>
      ● {label}
    </span>
  );
}
