/**
 * 事项与指南 (SPEC ADM-1..3, ADM-6, ADM-7): the admin edits a catalog item and its 办事指南 in a
 * form — the item's facts, its one time limit with the admin-only 核实说明, the guide's 16
 * elements, the materials as rows, the kiosk form kept as it is — checked live with the
 * server's own schema and named in Chinese (办事指南·适用范围 不能为空). Import and export stay.
 */

import type {
  GuideMaterial,
  GuideMaterialForm,
  ServiceGuide,
  ServiceItem,
} from '@onewindow/shared/catalog.ts';
// First: zod without eval before the schemas below are built (CSP, EDGE-1).
import '../core/zod-jitless.ts';
import { DEFAULT_RETENTION, RETENTION_INFO, RETENTIONS, type Retention } from '@onewindow/shared/archive.ts';
import { catalogIssueZh } from '@onewindow/shared/catalog-issues.ts';
import { type CatalogImportResult, serviceItemSchema } from '@onewindow/shared/console.ts';
import { useEffect, useId, useState } from 'preact/hooks';
import { type FlashMessage, Panel } from '../components/ui.tsx';
import { api, errorText } from '../core/api.ts';
import { hallDate } from '../core/format.ts';
import './CatalogEditor.css';

type SetFlash = (m: FlashMessage) => void;

const MATERIAL_FORMS: GuideMaterialForm[] = ['原件', '复印件', '原件及复印件', '电子'];

/** A new guide with the hall-wide elements filled in as the demo's are. */
function emptyGuide(): ServiceGuide {
  return {
    scope: '',
    caseType: 'instant',
    channels: ['窗口'],
    visitsOnSite: 1,
    legalBasis: [],
    conditions: [],
    materials: [],
    steps: [],
    fee: '不收费',
    result: '',
    delivery: ['窗口领取'],
    addressAndHours: '',
    consultation: '12333',
    progressQuery: '',
    complaint: '12345',
  };
}

/** Lines of a textarea as a list: one entry per line, blank lines dropped. */
const lines = (v: string): string[] =>
  v
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
export function CatalogEditor({ setFlash }: { setFlash: SetFlash }) {
  const [items, setItems] = useState<ServiceItem[]>([]);
  const [q, setQ] = useState('');
  const [draft, setDraft] = useState<ServiceItem | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  // The admin's view: the stored items with their notes (the public catalog leaves them out).
  const load = () =>
    api<ServiceItem[]>('GET', '/api/catalog/export').then((r) => {
      if (r.ok) setItems(r.data);
      return r.ok ? r.data : [];
    });
  useEffect(() => {
    void load();
  }, []);
  const pick = (i: ServiceItem) => {
    setDraft(structuredClone(i));
    setServerError(null);
  };
  const checked = draft === null ? null : serviceItemSchema.safeParse(draft);
  const issues = checked && !checked.success ? checked.error.issues.map(catalogIssueZh) : [];
  const save = async () => {
    if (draft === null || issues.length > 0) return;
    const r = await api<ServiceItem>('PUT', `/api/catalog/items/${encodeURIComponent(draft.code)}`, draft);
    if (!r.ok) return setServerError(errorText(r.error));
    setServerError(null);
    setFlash({ kind: 'ok', text: `已保存事项 ${draft.name}` });
    const fresh = await load();
    const saved = fresh.find((i) => i.code === draft.code);
    if (saved) pick(saved);
  };
  const exportJson = () => {
    const blob = new Blob([JSON.stringify({ items }, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `catalog-${hallDate(Date.now())}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  const importJson = async (file: File) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      return setFlash({ kind: 'error', text: '导入文件不是有效的 JSON' });
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { items?: unknown[] }).items;
    if (!Array.isArray(list)) return setFlash({ kind: 'error', text: '导入文件应为 {items:[…]} 或事项数组' });
    if (!confirm(`导入将替换全部 ${list.length} 个事项，确定？`)) return;
    const r = await api<CatalogImportResult>('POST', '/api/catalog/import', { items: list });
    setFlash(
      r.ok
        ? { kind: 'ok', text: `已导入 ${r.data.imported} 个事项` }
        : { kind: 'error', text: errorText(r.error) },
    );
    if (r.ok) void load();
  };
  const shown = items.filter((i) => q === '' || i.name.includes(q) || i.code.includes(q));
  return (
    <div class="grid-2 admin-catalog">
      <Panel
        title={`服务事项（${items.length}）`}
        en="Service items"
        testid="catalog-list"
        actions={
          <div class="row-gap">
            <button type="button" class="btn small" onClick={exportJson} data-action="export-catalog">
              导出 JSON
            </button>
            <label class="btn small">
              导入 JSON
              <input
                type="file"
                accept="application/json"
                hidden
                onChange={(e) => {
                  const f = e.currentTarget.files?.[0];
                  if (f) void importJson(f);
                }}
              />
            </label>
          </div>
        }
      >
        <input
          class="search wide"
          placeholder="按名称或编码搜索"
          aria-label="按名称或编码搜索事项"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
        <table class="table compact">
          <thead>
            <tr>
              <th>事项名称</th>
              <th>类别</th>
              <th>类型</th>
              <th>办理时限</th>
              <th>指南</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((i) => (
              <tr key={i.code} class={i.code === draft?.code ? 'mine' : ''}>
                <td>
                  <button
                    type="button"
                    class="item-pick"
                    data-item={i.code}
                    aria-pressed={i.code === draft?.code}
                    onClick={() => pick(i)}
                  >
                    {i.name}
                  </button>
                </td>
                <td class="dim nowrap">{i.categoryId}</td>
                <td class="dim nowrap">{i.kind === 'instant' ? '即办' : '限时'}</td>
                <td class="dim">{i.verified ? i.timeLimit.text : <span class="unverified">未核实</span>}</td>
                <td class="nowrap">
                  {i.guide ? `材料 ${i.guide.materials.length}` : <span class="error">无指南</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      <Panel
        title={draft ? `编辑：${draft.name || draft.code}` : '选择左侧事项编辑'}
        en="Item and guide (§6.2–6.3)"
        testid="catalog-edit"
      >
        {draft && (
          <ItemForm
            item={draft}
            onChange={setDraft}
            issues={issues}
            serverError={serverError}
            onSave={save}
            onReset={() => {
              const stored = items.find((i) => i.code === draft.code);
              if (stored) pick(stored);
            }}
          />
        )}
      </Panel>
    </div>
  );
}

function Text({
  label,
  value,
  onInput,
  name,
  multiline,
  hint,
}: {
  label: string;
  value: string;
  onInput: (v: string) => void;
  name: string;
  multiline?: boolean;
  hint?: string;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {multiline ? (
        <textarea
          id={id}
          name={name}
          value={value}
          rows={3}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      ) : (
        <input id={id} name={name} value={value} onInput={(e) => onInput(e.currentTarget.value)} />
      )}
      {hint && <small class="dim">{hint}</small>}
    </div>
  );
}

function ItemForm({
  item,
  onChange,
  issues,
  serverError,
  onSave,
  onReset,
}: {
  item: ServiceItem;
  onChange: (i: ServiceItem) => void;
  issues: string[];
  serverError: string | null;
  onSave: () => void;
  onReset: () => void;
}) {
  const set = (patch: Partial<ServiceItem>) => onChange({ ...item, ...patch });
  const limit = item.timeLimit;
  const setLimit = (patch: Partial<ServiceItem['timeLimit']>) => {
    const next = { ...limit, ...patch };
    for (const k of ['textEn', 'note'] as const) if (next[k] === '') delete next[k];
    set({ timeLimit: next });
  };
  const g = item.guide;
  const setGuide = (patch: Partial<ServiceGuide>) => {
    const next = { ...(g ?? emptyGuide()), ...patch };
    for (const k of ['scopeEn', 'note'] as const) if (next[k] === '') delete next[k];
    set({ guide: next });
  };
  const setMaterial = (i: number, patch: Partial<GuideMaterial>) => {
    if (!g) return;
    const materials = g.materials.map((m, j) => {
      if (j !== i) return m;
      const next = { ...m, ...patch };
      for (const k of ['nameEn', 'note', 'noteEn'] as const) if (next[k] === '') delete next[k];
      return next;
    });
    setGuide({ materials });
  };
  return (
    <form
      class="catalog-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSave();
      }}
    >
      <fieldset class="catalog-group">
        <legend>事项（§6.2）</legend>
        <div class="form-grid two">
          <Text label="事项名称" name="name" value={item.name} onInput={(v) => set({ name: v })} />
          <Text
            label="英文名称（自助机英文界面）"
            name="nameEn"
            value={item.nameEn ?? ''}
            onInput={(v) => {
              const { nameEn: _, ...rest } = item;
              onChange(v === '' ? rest : { ...rest, nameEn: v });
            }}
          />
          <label class="field">
            事项编码
            <input name="code" value={item.code} readOnly />
          </label>
          <label class="field">
            事项类型
            <select
              name="kind"
              value={item.kind}
              onChange={(e) => set({ kind: e.currentTarget.value as ServiceItem['kind'] })}
            >
              <option value="instant">即办件（即时业务）</option>
              <option value="time-limited">承诺件（限时业务）</option>
            </select>
          </label>
          <label class="field">
            <span>
              保管期限 <span class="en">Retention</span>
            </span>
            <select
              name="retention"
              data-testid="catalog-retention"
              title="归档保管期限：档号中的期限代码（永久 Y、长期 C、短期 D）"
              value={item.retention ?? ''}
              onChange={(e) => {
                const v = e.currentTarget.value;
                const { retention: _, ...rest } = item;
                onChange(v === '' ? rest : { ...rest, retention: v as Retention });
              }}
            >
              <option value="">默认：{RETENTION_INFO[DEFAULT_RETENTION].zh}</option>
              {RETENTIONS.map((r) => (
                <option key={r} value={r}>
                  {RETENTION_INFO[r].zh} {RETENTION_INFO[r].code}
                </option>
              ))}
            </select>
          </label>
          <label class="check">
            <input
              type="checkbox"
              name="precheck"
              data-testid="catalog-precheck"
              checked={item.precheck === true}
              onChange={(e) => {
                const { precheck: _, ...rest } = item;
                onChange(e.currentTarget.checked ? { ...rest, precheck: true } : rest);
              }}
            />{' '}
            网上预审（高风险事项：网上填单先由审核岗预审） <span class="en">Online pre-check</span>
          </label>
          <Text
            label="排队类别"
            name="categoryId"
            value={item.categoryId}
            onInput={(v) => set({ categoryId: v })}
          />
          <Text
            label="服务渠道（每行一个）"
            name="channels"
            multiline
            value={item.channels.join('\n')}
            onInput={(v) => set({ channels: lines(v) })}
          />
        </div>
      </fieldset>
      <fieldset class="catalog-group">
        <legend>办理时限（唯一来源：自助机、回执都用这里）</legend>
        <div class="form-grid two">
          <label class="field check">
            <input
              type="checkbox"
              name="verified"
              checked={item.verified}
              onChange={(e) => set({ verified: e.currentTarget.checked })}
            />
            已核实（未核实时自助机不显示办理时限）
          </label>
          <Text
            label="公布文字（群众看到的）"
            name="timeLimit.text"
            value={limit.text}
            onInput={(v) => setLimit({ text: v })}
          />
          <Text
            label="英文"
            name="timeLimit.textEn"
            value={limit.textEn ?? ''}
            onInput={(v) => setLimit({ textEn: v })}
          />
          <label class="field">
            天数（回执期限按此计算）
            <input
              name="timeLimit.days"
              type="number"
              min={0}
              max={3650}
              value={limit.days ?? ''}
              onInput={(e) => {
                const v = e.currentTarget.value;
                setLimit({ days: v === '' ? null : Math.round(Number(v)) });
              }}
            />
          </label>
          <label class="field">
            单位
            <select
              name="timeLimit.unit"
              value={limit.unit ?? ''}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setLimit({ unit: v === '' ? null : (v as 'working' | 'calendar') });
              }}
            >
              <option value="">（无）</option>
              <option value="working">工作日</option>
              <option value="calendar">自然日</option>
            </select>
          </label>
          <Text
            label="核实说明（仅管理员可见）"
            name="timeLimit.note"
            multiline
            value={limit.note ?? ''}
            onInput={(v) => setLimit({ note: v })}
          />
        </div>
      </fieldset>
      {g === undefined ? (
        <button type="button" class="btn" onClick={() => setGuide({})}>
          添加办事指南
        </button>
      ) : (
        <fieldset class="catalog-group">
          <legend>办事指南（§6.3 十六要素）</legend>
          <div class="form-grid two">
            <Text
              label="适用范围"
              name="guide.scope"
              multiline
              value={g.scope}
              onInput={(v) => setGuide({ scope: v })}
            />
            <Text
              label="适用范围（英文）"
              name="guide.scopeEn"
              multiline
              value={g.scopeEn ?? ''}
              onInput={(v) => setGuide({ scopeEn: v })}
            />
            <label class="field">
              办件类型
              <select
                name="guide.caseType"
                value={g.caseType}
                onChange={(e) => setGuide({ caseType: e.currentTarget.value as ServiceGuide['caseType'] })}
              >
                <option value="instant">即办件</option>
                <option value="promised">承诺件</option>
              </select>
            </label>
            <label class="field">
              现场办事次数
              <input
                name="guide.visitsOnSite"
                type="number"
                min={0}
                max={9}
                value={g.visitsOnSite}
                onInput={(e) => setGuide({ visitsOnSite: Math.round(Number(e.currentTarget.value) || 0) })}
              />
            </label>
            {(
              [
                ['channels', '办理方式（每行一个）'],
                ['legalBasis', '设立依据（每行一条）'],
                ['conditions', '办理条件（每行一条）'],
                ['steps', '办理流程（每行一步）'],
                ['delivery', '结果送达（每行一种）'],
              ] as const
            ).map(([key, label]) => (
              <Text
                key={key}
                label={label}
                name={`guide.${key}`}
                multiline
                value={g[key].join('\n')}
                onInput={(v) => setGuide({ [key]: lines(v) })}
              />
            ))}
            {(
              [
                ['fee', '收费依据及标准'],
                ['result', '审批结果'],
                ['addressAndHours', '办理地址和时间'],
                ['consultation', '咨询方式'],
                ['progressQuery', '进度和结果查询'],
                ['complaint', '监督投诉渠道'],
              ] as const
            ).map(([key, label]) => (
              <Text
                key={key}
                label={label}
                name={`guide.${key}`}
                value={g[key]}
                onInput={(v) => setGuide({ [key]: v })}
              />
            ))}
            <Text
              label="编写说明（仅管理员可见）"
              name="guide.note"
              multiline
              value={g.note ?? ''}
              onInput={(v) => setGuide({ note: v })}
            />
          </div>
          <h4>申办材料</h4>
          <table class="table compact materials-edit">
            <thead>
              <tr>
                <th>材料名称</th>
                <th>英文名称</th>
                <th>形式</th>
                <th>份数</th>
                <th>必需</th>
                <th>常缺</th>
                <th>免提交</th>
                <th>身份证件</th>
                <th>填报说明</th>
                <th>
                  <span class="sr-only">操作</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {g.materials.map((m, i) => (
                <tr key={i}>
                  <td>
                    <input
                      aria-label={`申办材料第${i + 1}项·材料名称`}
                      value={m.name}
                      onInput={(e) => setMaterial(i, { name: e.currentTarget.value })}
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`申办材料第${i + 1}项·英文名称`}
                      value={m.nameEn ?? ''}
                      onInput={(e) => setMaterial(i, { nameEn: e.currentTarget.value })}
                    />
                  </td>
                  <td>
                    <select
                      aria-label={`申办材料第${i + 1}项·材料形式`}
                      value={m.form}
                      onChange={(e) => setMaterial(i, { form: e.currentTarget.value as GuideMaterialForm })}
                    >
                      {MATERIAL_FORMS.map((f) => (
                        <option key={f} value={f}>
                          {f}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      aria-label={`申办材料第${i + 1}项·份数`}
                      type="number"
                      min={0}
                      max={99}
                      class="narrow"
                      value={m.copies}
                      onInput={(e) =>
                        setMaterial(i, { copies: Math.round(Number(e.currentTarget.value) || 0) })
                      }
                    />
                  </td>
                  {(['required', 'commonlyMissing', 'sharedData', 'identity'] as const).map((k) => (
                    <td key={k}>
                      <input
                        type="checkbox"
                        aria-label={`申办材料第${i + 1}项·${
                          {
                            required: '是否必需',
                            commonlyMissing: '常缺材料',
                            sharedData: '免提交',
                            identity: '身份证件',
                          }[k]
                        }`}
                        checked={m[k] === true}
                        onChange={(e) => setMaterial(i, { [k]: e.currentTarget.checked })}
                      />
                    </td>
                  ))}
                  <td>
                    <input
                      aria-label={`申办材料第${i + 1}项·填报说明`}
                      value={m.note ?? ''}
                      onInput={(e) => setMaterial(i, { note: e.currentTarget.value })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      class="btn small"
                      aria-label={`删除申办材料第${i + 1}项`}
                      onClick={() => setGuide({ materials: g.materials.filter((_, j) => j !== i) })}
                    >
                      删除
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            class="btn small"
            data-action="add-material"
            onClick={() =>
              setGuide({
                materials: [...g.materials, { name: '', form: '原件', copies: 1, required: true }],
              })
            }
          >
            添加材料
          </button>
        </fieldset>
      )}
      <p class="dim">
        自助表单：{item.form ? `${item.form.title}（${item.form.fields.length} 项，随事项保存不变）` : '无'}
      </p>
      {issues.length > 0 && (
        <ul class="error catalog-issues" data-testid="catalog-issues">
          {issues.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      )}
      {serverError && <p class="error">{serverError}</p>}
      <div class="dialog-actions">
        <button type="button" class="btn" onClick={onReset}>
          还原
        </button>
        <button type="submit" class="btn primary" data-action="save-item" disabled={issues.length > 0}>
          保存 Save
        </button>
      </div>
    </form>
  );
}
