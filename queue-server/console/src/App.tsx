/**
 * The staff console: a login, then one tab per post the staff member holds (a user with
 * several roles gets tabs only for theirs). The live hall comes over one staff socket.
 */

import type { CurrentStaff, LoginResult } from '@onewindow/shared/api-types.ts';
import { useStore } from '@onewindow/shared/client';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Lazy } from './components/Lazy.tsx';
import { api, errorText, getToken, setToken, whenLoggedOut } from './core/api.ts';
import { ROLE_LABEL } from './core/format.ts';
import type { ConsoleStore } from './core/staff.ts';
import { connectStaff, type StaffConnection } from './core/staff.ts';
import { ClerkView } from './views/ClerkView.tsx';
import type { CasesMode } from './views/cases/CasesView.tsx';
import { GuideView } from './views/GuideView.tsx';

/** Views few staff open (and uPlot with the manager's) load on first use: clerks' start stays small. */
type ViewProps = { me: CurrentStaff; store: ConsoleStore };
const loadManager = () => import('./views/ManagerView.tsx').then((m) => m.ManagerView);
const loadAdmin = () => import('./views/AdminView.tsx').then((m) => m.AdminView);
const loadAudit = () => import('./views/AuditView.tsx').then((m) => m.AuditView);
const loadCases = () => import('./views/cases/CasesView.tsx').then((m) => m.CasesView);
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
  | 'audit';

const TABS: { id: TabId; zh: string; en: string; roles: string[] }[] = [
  { id: 'clerk', zh: '窗口受理', en: 'Clerk', roles: ['clerk', 'rights-clerk'] },
  { id: 'handback', zh: '权益出件', en: 'Hand-back', roles: ['rights-clerk'] },
  { id: 'review', zh: '业务审核', en: 'Review', roles: ['reviewer'] },
  { id: 'recheck', zh: '复核', en: 'Re-check', roles: ['review-supervisor'] },
  { id: 'guide', zh: '咨询引导', en: 'Guide', roles: ['guide'] },
  { id: 'manager', zh: '大厅管理', en: 'Manager', roles: ['manager'] },
  { id: 'query', zh: '案件查询', en: 'Cases', roles: ['accountant', 'manager'] },
  { id: 'admin', zh: '系统管理', en: 'Admin', roles: ['admin'] },
  { id: 'audit', zh: '审计日志', en: 'Audit', roles: ['manager', 'admin'] },
];

export function tabsFor(me: CurrentStaff): typeof TABS {
  return TABS.filter((t) => t.roles.some((r) => (me.roles as string[]).includes(r)));
}

export function App() {
  const [me, setMe] = useState<CurrentStaff | null>(null);
  const [checking, setChecking] = useState(getToken() !== null);

  useEffect(() => {
    whenLoggedOut(() => {
      setToken(null);
      setMe(null);
    });
    if (getToken() === null) return;
    api<CurrentStaff>('GET', '/api/auth/me').then((r) => {
      if (r.ok) setMe(r.data);
      else setToken(null);
      setChecking(false);
    });
  }, []);

  if (checking) return <div class="center-note">正在连接… Connecting…</div>;
  if (me === null) return <Login onLogin={setMe} />;
  return <Shell me={me} onLogout={() => setMe(null)} />;
}

function Login({ onLogin }: { onLogin: (me: CurrentStaff) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api<LoginResult>('POST', '/api/auth/login', { username, password });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.code === 'UNAUTHENTICATED' ? '用户名或密码错误' : errorText(r.error));
      return;
    }
    setToken(r.data.token);
    const me = await api<CurrentStaff>('GET', '/api/auth/me');
    if (me.ok) onLogin(me.data);
    else setError(errorText(me.error));
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
        <nav class="tabs">
          {tabs.map((t) => (
            <a
              key={t.id}
              href={`#${t.id}`}
              aria-current={tab === t.id ? 'page' : undefined}
              class={tab === t.id ? 'tab active' : 'tab'}
              data-tab={t.id}
              onClick={() => setTab(t.id)}
            >
              {t.zh}
              <span class="en">{t.en}</span>
            </a>
          ))}
        </nav>
        {conn && <LinkStatus conn={conn} />}
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

function LinkStatus({ conn }: { conn: StaffConnection }) {
  const status = useStore(conn.store, (s) => s.status);
  const label = status === 'live' ? '实时' : status === 'connecting' ? '连接中' : '重连中';
  return (
    <span class={`link ${status}`} data-testid="link-status" title={status}>
      ● {label}
    </span>
  );
}
