/**
 * 人员与岗位 (admin): accounts and their posts (incompatible duties refused with the server's
 * reason), disable / enable, password reset to a one-time password shown once, and the grants
 * of manager or admin that wait for a second admin (SPEC SEC-ACC-1, -2, -4).
 */
import type {
  CurrentStaff,
  PasswordResetResult,
  RoleGrant,
  StaffAccountState,
  StaffChange,
} from '@onewindow/shared/api-types.ts';
import type { StaffRole } from '@onewindow/shared/protocol.ts';
import { useEffect, useState } from 'preact/hooks';
import { type FlashMessage, Modal, Panel } from '../components/ui.tsx';
import { api, errorText } from '../core/api.ts';
import { hallDateTime, ROLE_LABEL } from '../core/format.ts';

const ROLES = Object.keys(ROLE_LABEL) as StaffRole[];
const roleNames = (roles: readonly StaffRole[]) =>
  roles.map((r) => ROLE_LABEL[r] ?? r).join('、') || '（无）';
const PENDING_TEXT = '含大厅管理岗或系统管理员：已提交，待另一名系统管理员审批后生效';

export function StaffAccounts({ me, setFlash }: { me: CurrentStaff; setFlash: (m: FlashMessage) => void }) {
  const [staff, setStaff] = useState<StaffAccountState[]>([]);
  const [grants, setGrants] = useState<RoleGrant[]>([]);
  const [edits, setEdits] = useState<Record<string, StaffRole[]>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [reset, setReset] = useState<{ name: string; password: string } | null>(null);
  const [form, setForm] = useState({
    username: '',
    name: '',
    staffNumber: '',
    password: '',
    roles: [] as StaffRole[],
  });
  const [formError, setFormError] = useState<string | null>(null);
  const load = async () => {
    const [s, g] = await Promise.all([
      api<StaffAccountState[]>('GET', '/api/staff'),
      api<RoleGrant[]>('GET', '/api/staff/grants'),
    ]);
    if (s.ok) setStaff(s.data);
    if (g.ok) setGrants(g.data);
  };
  useEffect(() => {
    void load();
  }, []);
  const rowError = (id: string, text: string | null) => {
    const { [id]: _e, ...rest } = errors;
    setErrors(text === null ? rest : { ...rest, [id]: text });
  };

  const saveRoles = async (s: StaffAccountState) => {
    const roles = edits[s.id] ?? s.roles;
    const r = await api<StaffChange>('PUT', `/api/staff/${encodeURIComponent(s.id)}/roles`, { roles });
    if (!r.ok) return rowError(s.id, errorText(r.error));
    rowError(s.id, null);
    const { [s.id]: _r, ...restEdits } = edits;
    setEdits(restEdits);
    setFlash(
      r.data.pendingGrant
        ? { kind: 'info', text: `${s.name}：${PENDING_TEXT}` }
        : { kind: 'ok', text: `${s.name} 的岗位已更新` },
    );
    void load();
  };
  const setEnabled = async (s: StaffAccountState, enable: boolean) => {
    if (!enable && !confirm(`停用 ${s.name}（${s.username}）？其登录会立即失效。`)) return;
    const r = await api('POST', `/api/staff/${encodeURIComponent(s.id)}/${enable ? 'enable' : 'disable'}`);
    if (!r.ok) return rowError(s.id, errorText(r.error));
    rowError(s.id, null);
    setFlash({ kind: 'ok', text: `${s.name} 已${enable ? '启用' : '停用'}` });
    void load();
  };
  const resetPassword = async (s: StaffAccountState) => {
    if (!confirm(`重置 ${s.name}（${s.username}）的密码？其登录会立即失效。`)) return;
    const r = await api<PasswordResetResult>('POST', `/api/staff/${encodeURIComponent(s.id)}/password-reset`);
    if (!r.ok) return rowError(s.id, errorText(r.error));
    rowError(s.id, null);
    setReset({ name: s.name, password: r.data.temporaryPassword });
    void load();
  };
  const decide = async (g: RoleGrant, approve: boolean) => {
    const r = await api(
      'POST',
      `/api/staff/grants/${encodeURIComponent(g.id)}/${approve ? 'approve' : 'reject'}`,
    );
    if (!r.ok) return setFlash({ kind: 'error', text: errorText(r.error) });
    setFlash({ kind: 'ok', text: `${g.name} 的岗位变更已${approve ? '批准' : '驳回'}` });
    void load();
  };
  const create = async (e: Event) => {
    e.preventDefault();
    const r = await api<StaffChange>('POST', '/api/staff', form);
    if (!r.ok) return setFormError(errorText(r.error));
    setFormError(null);
    setForm({ username: '', name: '', staffNumber: '', password: '', roles: [] });
    setFlash(
      r.data.pendingGrant
        ? { kind: 'info', text: `已创建 ${r.data.name}；${PENDING_TEXT}` }
        : { kind: 'ok', text: `已创建 ${r.data.name}` },
    );
    void load();
  };

  return (
    <div class="grid-2 wide-left">
      <div class="stack">
        <Panel title="待审批的岗位授予" en="Grants waiting for a second admin (72 h)" testid="grants">
          {grants.length === 0 ? (
            <p class="dim">没有待审批的授予。 No pending grants.</p>
          ) : (
            <table class="table compact">
              <thead>
                <tr>
                  <th>人员</th>
                  <th>现岗位 → 申请岗位</th>
                  <th>提议人</th>
                  <th>到期</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {grants.map((g) => {
                  const mine = g.proposedBy === me.id || g.staffId === me.id;
                  return (
                    <tr key={g.id} data-grant={g.username}>
                      <td class="strong">
                        {g.name} <span class="dim">{g.username}</span>
                      </td>
                      <td>
                        {roleNames(g.currentRoles)} → <strong>{roleNames(g.roles)}</strong>
                      </td>
                      <td>{g.proposedByName}</td>
                      <td class="num">{hallDateTime(g.expiresAt)}</td>
                      <td class="row-gap">
                        <button
                          type="button"
                          class="btn small primary"
                          disabled={mine}
                          title={mine ? '须由另一名系统管理员审批 (a second admin approves)' : undefined}
                          onClick={() => decide(g, true)}
                          data-action="approve"
                        >
                          批准
                        </button>
                        <button
                          type="button"
                          class="btn small"
                          onClick={() => decide(g, false)}
                          data-action="reject"
                        >
                          {g.proposedBy === me.id ? '撤回' : '驳回'}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Panel>
        <Panel title="人员与岗位" en="Staff and posts (LD/T 02 §7)" testid="staff">
          <table class="table compact">
            <thead>
              <tr>
                <th>姓名</th>
                <th>工号</th>
                <th>用户名</th>
                <th>岗位</th>
                <th>状态</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {staff.map((s) => {
                const roles = edits[s.id] ?? s.roles;
                const dirty = edits[s.id] !== undefined;
                const self = s.id === me.id;
                return (
                  <tr key={s.id} data-staff={s.username} class={s.disabled ? 'dim' : undefined}>
                    <td class="strong">{s.name}</td>
                    <td class="num">{s.staffNumber}</td>
                    <td class="dim">{s.username}</td>
                    <td>
                      <div class="chips">
                        {ROLES.map((r) => (
                          <button
                            type="button"
                            key={r}
                            class={roles.includes(r) ? 'chip on small' : 'chip small'}
                            data-role={r}
                            onClick={() =>
                              setEdits({
                                ...edits,
                                [s.id]: roles.includes(r) ? roles.filter((x) => x !== r) : [...roles, r],
                              })
                            }
                          >
                            {ROLE_LABEL[r]}
                          </button>
                        ))}
                      </div>
                      {errors[s.id] && (
                        <p class="error" data-testid="role-error">
                          {errors[s.id]}
                        </p>
                      )}
                    </td>
                    <td data-testid="account-state">
                      {s.disabled && <span class="mark warn">已停用</span>}
                      {s.mustChangePassword && <span class="mark">待改密</span>}
                      {s.totpEnrolled && <span class="mark">动态口令</span>}
                    </td>
                    <td class="row-gap">
                      <button
                        type="button"
                        class="btn small primary"
                        disabled={!dirty}
                        onClick={() => saveRoles(s)}
                        data-action="save-roles"
                      >
                        保存
                      </button>
                      {!self && (
                        <button
                          type="button"
                          class={s.disabled ? 'btn small' : 'btn small warn'}
                          onClick={() => setEnabled(s, s.disabled)}
                          data-action={s.disabled ? 'enable' : 'disable'}
                        >
                          {s.disabled ? '启用' : '停用'}
                        </button>
                      )}
                      {!self && (
                        <button
                          type="button"
                          class="btn small"
                          onClick={() => resetPassword(s)}
                          data-action="reset-password"
                        >
                          重置密码
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Panel>
      </div>
      <Panel title="新增人员" en="New staff">
        <form class="stack" onSubmit={create}>
          {(
            [
              ['username', '用户名（小写字母、数字）'],
              ['name', '姓名'],
              ['staffNumber', '工号'],
              ['password', '初始密码（至少 12 位，不能是常见密码或含用户名）'],
            ] as const
          ).map(([k, label]) => (
            <div class="field" key={k}>
              {label}
              {k === 'password' ? (
                <input
                  name={`new-${k}`}
                  aria-label={label}
                  type="password"
                  autocomplete="new-password"
                  value={form[k]}
                  onInput={(e) => setForm({ ...form, [k]: e.currentTarget.value })}
                />
              ) : (
                <input
                  name={`new-${k}`}
                  aria-label={label}
                  value={form[k]}
                  onInput={(e) => setForm({ ...form, [k]: e.currentTarget.value })}
                />
              )}
            </div>
          ))}
          <div class="chips">
            {ROLES.map((r) => (
              <button
                type="button"
                key={r}
                class={form.roles.includes(r) ? 'chip on' : 'chip'}
                onClick={() =>
                  setForm({
                    ...form,
                    roles: form.roles.includes(r) ? form.roles.filter((x) => x !== r) : [...form.roles, r],
                  })
                }
              >
                {ROLE_LABEL[r]}
              </button>
            ))}
          </div>
          <p class="dim">授予大厅管理岗或系统管理员须另一名系统管理员审批。</p>
          {formError && <p class="error">{formError}</p>}
          <button type="submit" class="btn primary">
            创建 Create
          </button>
        </form>
      </Panel>
      {reset && (
        <Modal title="临时密码 Temporary password" onClose={() => setReset(null)}>
          <div class="stack" data-testid="temporary-password">
            <p>
              {reset.name} 的临时密码（只显示这一次，请当面交给本人；首次登录须修改）：
              <span class="en">
                Shown once: hand it over in person; it must be changed at the next login.
              </span>
            </p>
            <code class="temp-password">{reset.password}</code>
            <button type="button" class="btn primary" onClick={() => setReset(null)}>
              已交给本人 Done
            </button>
          </div>
        </Modal>
      )}
    </div>
  );
}
